"""The OpenSearch backend beside the Whoosh backend on one corpus: do they answer alike, and how fast?

    python benchmarks/reuters.py --copies 1                       # Reuters-21578 x1, once
    python benchmarks/opensearch_parity.py --url http://127.0.0.1:9200 [--rounds 3]

Both indexes are built with the API's defaults if missing (a Whoosh folder under benchmarks/work, and the index
`ossearch-bench-x1` on the cluster). For the benchmark query list (benchmarks/queries.py: 200 whole titles with OR,
50 pairs of title words with AND) each side is asked for the top 10 through `searchkit.Index.search`:
- parity: the share of queries with equal totals (passages and articles), and the mean overlap of the top-10
  passage ids (|both| / |Whoosh's top 10|, over the queries Whoosh finds anything for);
- latency: p50/p95 wall milliseconds, plain (no facets) and with the outlet, actor and year facets, the sides
  alternated query by query in this one process. Every search makes the snippets of its hits on both sides.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from queries import FACETS, make_queries
from reuters import WORK

from searchkit import Index


def build(location: str, corpus: Path) -> Index:
    ix = Index(location)
    if not ix.backend.exists() or ix.stats().passages == 0:
        started = time.perf_counter()
        report = ix.add([corpus], rebuild=True)
        print(f"indexed {location}: {report.passages:,} passages in {time.perf_counter() - started:.0f} s")
    return ix


def parity(sides: dict[str, Index], queries) -> None:
    equal = overlaps = 0
    overlap_sum = 0.0
    unequal = []
    for query in queries:
        found = {name: ix.search(query.text, match=query.match, facets=(), limit=10) for name, ix in sides.items()}
        whoosh, cluster = found["whoosh"], found["opensearch"]
        if (whoosh.passages, whoosh.articles) == (cluster.passages, cluster.articles):
            equal += 1
        else:
            unequal.append((query.text, query.match, whoosh.passages, cluster.passages, whoosh.articles,
                            cluster.articles))
        top = {h.passage_id for h in whoosh.hits}
        if top:
            overlaps += 1
            overlap_sum += len(top & {h.passage_id for h in cluster.hits}) / len(top)
    print(f"equal totals (passages and articles): {equal}/{len(queries)} = {equal / len(queries):.1%}")
    print(f"mean top-10 overlap: {overlap_sum / max(1, overlaps):.3f} over {overlaps} queries with hits")
    for row in unequal[:10]:
        print("  unequal:", row)


def latency(sides: dict[str, Index], queries, rounds: int) -> None:
    for label, facets in (("plain", ()), ("snippets + 3 facets", FACETS)):
        times: dict[str, list[float]] = {name: [] for name in sides}
        for round_ in range(rounds + 1):
            for query in queries:
                for name, ix in sides.items():
                    started = time.perf_counter()
                    ix.search(query.text, match=query.match, facets=facets, limit=10)
                    if round_:  # the first round warms caches on both sides
                        times[name].append((time.perf_counter() - started) * 1000)
        cells = []
        for name, values in times.items():
            values.sort()
            cells.append(f"{name} p50 {statistics.median(values):.1f} / p95 {values[int(len(values) * 0.95) - 1]:.1f}")
        print(f"{label:20} ms: " + "   ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=WORK / "reuters-x1")
    parser.add_argument("--whoosh", default=str(WORK / "ix-x1-opensearch-parity"))
    parser.add_argument("--url", default=os.environ.get("SEARCHKIT_TEST_OPENSEARCH"), help="the cluster's URL")
    parser.add_argument("--name", default="ossearch-bench-x1", help="the index name on the cluster")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds over the query list (after one warming)")
    args = parser.parse_args()
    queries = make_queries(args.corpus)
    sides = {"whoosh": build(args.whoosh, args.corpus), "opensearch": build(f"{args.url}/{args.name}", args.corpus)}
    print(f"{len(queries)} queries; passages: " + ", ".join(f"{n} {ix.stats().passages}" for n, ix in sides.items()))
    parity(sides, queries)
    latency(sides, queries, args.rounds)


if __name__ == "__main__":
    main()
