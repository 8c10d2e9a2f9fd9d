"""The two engines side by side, through the same public API: the Whoosh backend (an index folder) and the
OpenSearch backend (an index on a running cluster), on Reuters-21578 at one or more scales.

    python benchmarks/reuters.py --copies 1 16                              # the corpora, once
    scripts/opensearch-cluster start benchmarks/work/cluster                # prints the cluster's URL last
    python benchmarks/backends.py --cluster http://127.0.0.1:PORT --scale 1 16
    python benchmarks/backends.py --report-only --scale 1 16                # the tables of the last runs

For each scale:
- indexing: each backend indexes the corpus from nothing in a process of its own (`Index.add(rebuild=True)`, the
  API's default workers), then runs `check`; the memory of its process tree is sampled every 0.1 s, and for
  OpenSearch that of the cluster's node processes too, when they run on this machine (their JVM heaps are fixed at
  start: their peak says little more than their size; their CPU is this machine's too);
- queries: one process opens both indexes and runs the perf benchmark's queries (`queries.py`: whole titles with
  OR, title-word pairs with AND) in two modes, "plain" (top 10 with the snippets searchkit always makes) and
  "facets" (+ outlet, actor and year counts over all matches), the backends alternating query by query (which goes
  first alternates too), so that both meet the same machine load;
- parity: for each query, whether both report the same totals (passages and articles), and the share of the
  Whoosh backend's top 10 passages that the OpenSearch backend's top 10 holds;
- the visibility filter: each query's match clause with and without the filter every OpenSearch read carries (terms
  lookups on the control index's state document, backends/opensearch/writing.py), alternated, as the cluster
  times them (`took`).
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
from perf import communicate_sampling, number, p50, p95, searchkit_digest
from queries import FACETS, LIMIT, make_queries
from reuters import WORK, write_corpus

BACKENDS = ("whoosh", "opensearch")
MODES = {"plain": (), "facets": FACETS}
MATCHES = {"any": "OR", "all": "AND"}


def locations(scale: int, cluster_url: str) -> dict[str, str]:
    return {"whoosh": str(WORK / f"index-backends-x{scale}"),
            "opensearch": f"{cluster_url.rstrip('/')}/bench-reuters-x{scale}"}


# -- child processes ---------------------------------------------------------------------------------------------
def index_child(location: str, corpus: str) -> dict:
    from searchkit import Index

    with Index(location) as ix:
        started = time.perf_counter()
        report = ix.add([corpus], rebuild=True)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        problems = ix.check()
        check_seconds = time.perf_counter() - started
    return {"seconds": seconds, "articles": report.articles, "passages": report.passages,
            "check": len(problems), "check_seconds": check_seconds}


def query_child(whoosh: str, opensearch: str, query_corpus: str, free_text: str) -> dict:
    """Both indexes open in this process, queried alternately; per backend and mode, each query's figures; then
    the visibility filter's cost on the OpenSearch index."""
    from searchkit import Index

    queries = make_queries(Path(query_corpus), int(free_text), max(int(free_text) // 4, 1))
    indexes = {"whoosh": Index(whoosh, create=False), "opensearch": Index(opensearch, create=False)}
    runs: dict = {b: {m: [] for m in MODES} for b in BACKENDS}
    for mode, facets in MODES.items():
        for n, query in enumerate(queries):
            for backend in BACKENDS if n % 2 == 0 else BACKENDS[::-1]:
                started = time.perf_counter()
                results = indexes[backend].search(query.text, match=query.match, facets=facets, limit=LIMIT)
                runs[backend][mode].append({
                    "ms": (time.perf_counter() - started) * 1000, "match": query.match, "total": results.total,
                    "articles": results.articles, "top": [hit.passage_id for hit in results.hits],
                })
    runs["visibility"] = visibility_cost(indexes["opensearch"].backend.cluster, queries)
    for ix in indexes.values():
        ix.close()
    return runs


def visibility_cost(cluster, queries) -> dict:
    """Each query's match clause with and without the visibility filter, alternated, as the cluster times it."""
    took: dict[str, list[float]] = {"with": [], "without": []}
    differ = 0
    for n, query in enumerate(queries):
        match = {"match": {"text": {"query": query.text, "operator": "or" if query.match == "any" else "and"}}}
        bodies = {"with": {"bool": {"must": [match], "filter": [cluster.visibility()]}}, "without": match}
        totals = {}
        for side in ("with", "without") if n % 2 else ("without", "with"):
            answer = cluster.client.search(index=cluster.index, body={"query": bodies[side], "size": LIMIT,
                                                                      "track_total_hits": True})
            took[side].append(answer["took"])
            totals[side] = answer["hits"]["total"]["value"]
        differ += totals["with"] != totals["without"]
    return {"took": took, "totals_differ": differ}


def run_child(args: list[str], watch_pids: list[int] = ()) -> dict:
    """This script as a child; its JSON figures, the peak memory of its process tree and of the `watch_pids`
    processes (the cluster's nodes), and the load average at its end."""
    process = subprocess.Popen([sys.executable, __file__, "child", *args], stdout=subprocess.PIPE, text=True)
    output, peak = communicate_sampling(process, watch_pids)
    if process.returncode:
        raise SystemExit(f"backends.py child {' '.join(args)} failed (exit code {process.returncode})")
    figures = dict(zip(("rss_tree_mb", "pss_tree_mb", "nodes_rss_mb"), peak))
    return json.loads(output) | figures | {"load": os.getloadavg()[0]}


def local_node_pids(cluster_url: str) -> list[int]:
    """The cluster's node processes, when they run on this machine."""
    from searchkit.backends.opensearch.connection import Credentials, make_client, parse_location

    client = make_client(parse_location(f"{cluster_url.rstrip('/')}/any"), Credentials.from_environment())
    nodes = client.nodes.info(metric="process")["nodes"].values()
    return [n["process"]["id"] for n in nodes if Path(f"/proc/{n['process']['id']}").exists()]


# -- one scale ---------------------------------------------------------------------------------------------------
def measure(scale: int, cluster_url: str, free_text: int) -> dict:
    corpus, query_corpus = write_corpus(scale), write_corpus(1)
    where = locations(scale, cluster_url)
    node_pids = local_node_pids(cluster_url)
    run: dict = {"scale": scale, "code": searchkit_digest(), "machine": describe(), "index": {}}
    for backend in BACKENDS:
        print(f"x{scale}: {backend}: indexing {corpus} ...", file=sys.stderr, flush=True)
        watched = node_pids if backend == "opensearch" else []
        run["index"][backend] = run_child(["index", where[backend], str(corpus)], watched)
    print(f"x{scale}: querying both ...", file=sys.stderr, flush=True)
    run["query"] = run_child(["query", where["whoosh"], where["opensearch"], str(query_corpus), str(free_text)])
    (WORK / f"backends-x{scale}.json").write_text(json.dumps(run))
    return run


# -- report ------------------------------------------------------------------------------------------------------
def indexing_table(run: dict) -> str:
    sides = run["index"]
    rows = [
        ("articles", lambda d: d["articles"]),
        ("passages", lambda d: d["passages"]),
        ("wall seconds", lambda d: d["seconds"]),
        ("passages / s", lambda d: d["passages"] / d["seconds"]),
        ("peak RSS MB, indexing process tree", lambda d: d["rss_tree_mb"]),
        ("peak PSS MB, indexing process tree", lambda d: d["pss_tree_mb"]),
        ("peak RSS MB, the cluster's nodes", lambda d: d["nodes_rss_mb"] or None),
        ("check: problems found (not run by older runs)", lambda d: d.get("check")),
        ("load average (1 min) at the end", lambda d: d["load"]),
    ]
    body = [[label, *(_figure(get(sides[b])) for b in BACKENDS)] for label, get in rows]
    return markdown_table(["indexing", "Whoosh backend", "OpenSearch backend"], body)


def _figure(value) -> str:
    return f"{value:,}" if isinstance(value, int) else number(value)


def latency_table(run: dict) -> str:
    body = []
    for mode in MODES:
        for match in ("any", "all", None):
            row, values = [f"{MATCHES.get(match, 'all queries')} {mode}"], {}
            for backend in BACKENDS:
                ms = [q["ms"] for q in run["query"][backend][mode] if match in (None, q["match"])]
                values[backend] = (p50(ms), p95(ms))
                row += [number(values[backend][0]), number(values[backend][1])]
            row += [f"{values['opensearch'][i] / values['whoosh'][i]:.2f}" for i in (0, 1)]
            body.append(row)
    header = ["query, mode", "Whoosh p50 ms", "Whoosh p95 ms", "OpenSearch p50 ms", "OpenSearch p95 ms",
              "ratio p50", "ratio p95"]
    return markdown_table(header, body)


def parity_table(run: dict) -> str:
    body = []
    for match in ("any", "all", None):
        pairs = [(w, o) for w, o in zip(run["query"]["whoosh"]["facets"], run["query"]["opensearch"]["facets"])
                 if match in (None, w["match"])]
        equal = sum((w["total"], w.get("articles")) == (o["total"], o.get("articles")) for w, o in pairs)
        found = [(w, o) for w, o in pairs if w["top"]]
        overlap = [len(set(w["top"]) & set(o["top"])) / len(w["top"]) for w, o in found]
        same_first = sum(w["top"][:1] == o["top"][:1] for w, o in found)
        body.append([MATCHES.get(match, "all queries"), str(len(pairs)), f"{equal / len(pairs):.1%}",
                     f"{statistics.mean(overlap):.3f}", f"{same_first / len(found):.1%}"])
    return markdown_table(["queries", "count", "equal totals (passages and articles)",
                           "mean top-10 overlap", "same first hit"], body)


def visibility_table(run: dict) -> str:
    cost = run["query"].get("visibility")
    if not cost:
        return ""
    rows = [[side, number(p50(cost["took"][side])), number(p95(cost["took"][side]))] for side in ("without", "with")]
    return (f"Visibility filter ({len(cost['took']['with'])} match queries, size 10, exact totals, alternated; "
            f"totals that differ: {cost['totals_differ']}):\n\n"
            + markdown_table(["visibility filter", "cluster's took p50 ms", "p95 ms"], rows))


def report(run: dict) -> str:
    parts = [f"#### Reuters-21578 x{run['scale']} (searchkit source {run['code']})", run.get("machine", ""),
             indexing_table(run), latency_table(run), parity_table(run), visibility_table(run)]
    return "\n\n".join(p for p in parts if p)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        kind, *rest = sys.argv[2:]
        print(json.dumps(index_child(*rest) if kind == "index" else query_child(*rest)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cluster", help="a running cluster's URL (scripts/opensearch-cluster start DIR prints it)")
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="Reuters copies (default: 1)")
    parser.add_argument("--queries", type=int, default=200, help="OR queries (and a quarter as many AND ones)")
    parser.add_argument("--report-only", action="store_true", help="the tables of the last runs")
    args = parser.parse_args()
    if not args.report_only and not args.cluster:
        parser.error("--cluster URL is required (or --report-only)")
    for scale in args.scale:
        if args.report_only:
            run = json.loads((WORK / f"backends-x{scale}.json").read_text())
        else:
            run = measure(scale, args.cluster, args.queries)
        print(report(run), flush=True)


if __name__ == "__main__":
    main()
