"""One side, one phase, in this process; prints its figures as one JSON object on stdout.

perf.py starts a fresh process for each side and phase, so peak memory (ru_maxrss) and caches are never shared
between the sides. By hand:

    python benchmarks/child.py baseline index benchmarks/work/reuters-x1 benchmarks/work/index-baseline-x1
    python benchmarks/child.py searchkit query benchmarks/work/reuters-x1 benchmarks/work/index-searchkit-x1
"""
from __future__ import annotations

import argparse
import importlib
import json
import resource
import shutil
import time
from pathlib import Path

from queries import MODES, make_queries

SIDES = {"baseline": "baseline", "searchkit": "searchkit_side"}


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (searchkit's worker processes)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def peak_rss_mb() -> dict:
    """Peak resident memory of this process, and of the largest of its finished children (Linux: KiB)."""
    return {
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_largest_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def index_phase(side, corpus: Path, path: Path) -> dict:
    shutil.rmtree(path, ignore_errors=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    figures = side.build(corpus, path)
    figures.update(seconds=time.perf_counter() - started, cpu_seconds=cpu_seconds() - cpu, index_mb=folder_mb(path))
    return figures | peak_rss_mb()


def query_phase(side, path: Path, query_corpus: Path, free_text: int) -> dict:
    """Open the index and time a first query and a first faceted one; then every query in each mode in turn; then
    open the index again and time a first query.

    One mode at a time, not the four modes of a query one after the other: searchkit caches the posting lists of
    recent terms, so a query repeated at once would flatter every mode but the first."""
    queries = make_queries(query_corpus, free_text, max(free_text // 4, 1))
    started = time.perf_counter()
    searcher = side.Searcher(path)
    searcher.search(queries[0], "plain")
    figures: dict = {"open_first_ms": (time.perf_counter() - started) * 1000}
    started = time.perf_counter()
    searcher.search(queries[0], "facets")
    figures["first_facets_ms"] = (time.perf_counter() - started) * 1000
    timings = {mode: {match: {"wall_ms": [], "cpu_ms": [], "matched": []} for match in ("any", "all")} for mode in MODES}
    for mode in MODES:
        for query in queries:
            wall, cpu = time.perf_counter(), time.process_time()
            matched = searcher.search(query, mode)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            record = timings[mode][query.match]
            record["wall_ms"].append(wall * 1000)
            record["cpu_ms"].append(cpu * 1000)
            record["matched"].append(matched)
    searcher.close()
    # Again, as a later process would: whatever searchkit caches on disk beside the index now exists.
    started = time.perf_counter()
    searcher = side.Searcher(path)
    searcher.search(queries[0], "plain")
    figures["reopen_first_ms"] = (time.perf_counter() - started) * 1000
    searcher.close()
    return figures | {"timings": timings} | peak_rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("side", choices=sorted(SIDES))
    parser.add_argument("phase", choices=["index", "query"])
    parser.add_argument("corpus", type=Path, help="the corpus folder to index (index phase)")
    parser.add_argument("index", type=Path, help="the index folder")
    parser.add_argument("--query-corpus", type=Path, help="the corpus the queries are drawn from (default: corpus)")
    parser.add_argument("--queries", type=int, default=200, help="free-text queries (AND queries: a quarter of it)")
    args = parser.parse_args()
    side = importlib.import_module(SIDES[args.side])
    if args.phase == "index":
        figures = index_phase(side, args.corpus, args.index)
    else:
        figures = query_phase(side, args.index, args.query_corpus or args.corpus, args.queries)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
