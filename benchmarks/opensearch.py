"""Indexing Reuters-21578 through the OpenSearch backend beside the Whoosh backend, in one run; and what the
visibility filter (every read's terms lookups on the control index's state document) costs a query.

    python benchmarks/opensearch.py --cluster http://127.0.0.1:9200            # Reuters x1, 200 queries
    python benchmarks/opensearch.py --cluster URL --copies 4 --queries 100

Each side indexes from scratch in its own process (the API's defaults: workers up to the cores), whose process tree's
memory is sampled every 0.1 s; for OpenSearch the cluster's node processes are sampled too, when they run on this
machine (their CPU is this machine's as well: passages/s are of the whole machine). The cluster index is left in
place for query benchmarks; the Whoosh index goes to benchmarks/work/.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe, markdown_table
from perf import communicate_sampling, tree_memory_mb
from queries import make_queries
from reuters import WORK, write_corpus

HERE = Path(__file__).resolve().parent


def index_in_child(location: str, corpus: Path) -> None:
    """The child: index `corpus` into `location` from scratch; print the report's figures as JSON."""
    from searchkit import Index

    with Index(location) as ix:
        started = time.perf_counter()
        report = ix.add([corpus], rebuild=True)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        problems = ix.check()
        check_seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "articles": report.articles, "passages": report.passages,
                      "check": len(problems), "check_seconds": check_seconds}))


def cluster_node_pids(client) -> list[int]:
    """The cluster's node processes, if they run on this machine (else none)."""
    pids = [node["process"]["id"] for node in client.nodes.info(metric="process")["nodes"].values()]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def measure_indexing(location: str, corpus: Path, node_pids: list[int]) -> dict:
    """Index in a child process; its figures, the peak memory of its process tree (and of the cluster's nodes),
    and the load average before and after (how busy the shared machine was)."""
    load = os.getloadavg()[0]
    process = subprocess.Popen([sys.executable, __file__, "--child-index", location, str(corpus)],
                               stdout=subprocess.PIPE, text=True)
    base = sum(tree_memory_mb(pid)[0] for pid in node_pids)
    output, peak = communicate_sampling(process, node_pids)
    if process.returncode:
        raise SystemExit(f"indexing into {location} failed (exit code {process.returncode})")
    figures = json.loads(output) | dict(zip(("client_rss_mb", "client_pss_mb", "cluster_rss_mb"), peak))
    return figures | {"cluster_rss_before_mb": base, "load": [load, os.getloadavg()[0]]}


def visibility_cost(client, index: str, visibility: dict, queries, rounds: int = 2) -> dict:
    """Each query with and without the visibility filter, alternated (which goes first alternates too), as the
    cluster times them (`took`, ms) and as this process waits for them; and whether the totals agree."""
    took = {"with": [], "without": []}
    wall = {"with": [], "without": []}
    differ = 0
    for n, query in enumerate(queries * rounds):
        match = {"match": {"text": {"query": query.text, "operator": "or" if query.match == "any" else "and"}}}
        bodies = {"with": {"bool": {"must": [match], "filter": [visibility]}}, "without": match}
        order = ("with", "without") if n % 2 else ("without", "with")
        totals = {}
        for side in order:
            started = time.perf_counter()
            answer = client.search(index=index, body={"query": bodies[side], "size": 10, "track_total_hits": True})
            wall[side].append((time.perf_counter() - started) * 1000)
            took[side].append(answer["took"])
            totals[side] = answer["hits"]["total"]["value"]
        differ += totals["with"] != totals["without"]
    return {"took": took, "wall": wall, "totals_differ": differ, "queries": len(queries) * rounds}


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(copies: int, indexing: dict, cost: dict) -> str:
    rows = []
    for side, f in indexing.items():
        rows.append([side, f"{f['passages']:,}", f"{f['seconds']:.1f}", f"{f['passages'] / f['seconds']:,.0f}",
                     f"{f['client_rss_mb']:.0f} / {f['client_pss_mb']:.0f}",
                     f"{f['cluster_rss_mb']:.0f}" if f.get("cluster_rss_mb") else "-",
                     f"{f['check']} in {f['check_seconds']:.1f} s", "{:.1f} / {:.1f}".format(*f["load"])])
    lines = [f"Reuters-21578 x{copies}, {describe()}", "",
             markdown_table(["backend", "passages", "seconds", "passages/s", "peak RSS / PSS of the indexing processes, MB",
                             "peak RSS of the cluster's nodes, MB", "check: problems", "load before / after"],
                            rows), ""]
    rows = [[kind, side, f"{p(cost[kind][side], 50):.1f}", f"{p(cost[kind][side], 95):.1f}"]
            for kind in ("took", "wall") for side in ("without", "with")]
    lines += [f"Visibility filter, {cost['queries']} match queries (size 10, exact totals), alternated; totals that "
              f"differ: {cost['totals_differ']}", "",
              markdown_table(["time", "visibility filter", "p50 ms", "p95 ms"], rows)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cluster", help="the cluster's URL, e.g. http://127.0.0.1:9200")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--name", default="bench-opensearch", help="index name prefix on the cluster")
    parser.add_argument("--child-index", nargs=2, metavar=("LOCATION", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_index:
        return index_in_child(args.child_index[0], Path(args.child_index[1]))
    if not args.cluster:
        parser.error("--cluster URL is required")
    from searchkit import Index

    corpus = write_corpus(args.copies)
    url = f"{args.cluster.rstrip('/')}/{args.name}-x{args.copies}"
    with Index(url) as ix:
        node_pids = cluster_node_pids(ix.backend.client)
    indexing = {}
    for side, location in (("whoosh", str(WORK / f"index-whoosh-beside-opensearch-x{args.copies}")),
                           ("opensearch", url)):
        print(f"indexing {corpus} into {location} ...", file=sys.stderr, flush=True)
        indexing[side] = measure_indexing(location, corpus, node_pids if side == "opensearch" else [])
    with Index(url, create=False) as ix:
        cluster = ix.backend.cluster
        queries = make_queries(write_corpus(1), args.queries, args.queries // 4)
        cost = visibility_cost(cluster.client, cluster.index, cluster.visibility(), queries)
    print(report(args.copies, indexing, cost))
    (WORK / f"opensearch-x{args.copies}.json").write_text(json.dumps({"indexing": indexing, "visibility": cost}))


if __name__ == "__main__":
    main()
