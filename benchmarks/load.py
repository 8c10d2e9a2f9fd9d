"""Searching under load: search processes ask random queries, with random filters and facets, while `searchkit
index` builds the index; then the same processes ask for as long again on the finished index, idle.

    python benchmarks/load.py --copies 4            # Reuters x4 (benchmarks/reuters.py --copies 4 first), 8 searchers

It reports the errors (any exception a search raised), whether every answer came from a committed state (every
`*` query's total equals the passages of the commit it was answered from: the benchmark reads each table of
contents the indexer writes, as it appears), and p50/p95 latency under load beside idle. `--json` prints the figures as JSON (the
reliability tests run a small version of it that way).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
FACETS = ("outlet", "actor", "year", "month", "author")
PROBE_EVERY = 5  # every fifth query is `*`, whose total is the passages of the state it was answered from


def query_words(corpus: Path, count: int = 2000, seed: int = 18) -> list[str]:
    """Words of four letters or more from the corpus's first files, less stop words: queries that match something."""
    from whoosh.lang.stopwords import stoplists

    words: set[str] = set()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file())[:50]:
        words.update(re.findall(r"[a-z]{4,}", path.read_text(encoding="utf-8", errors="replace").lower()[:200_000]))
    ordered = sorted(words - set(stoplists["en"]) - {"near"})
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


def random_search(rng: random.Random, words: list[str], actors: list[str], probe: bool) -> dict:
    """The keyword arguments of one `Index.search`: one to three words, AND or OR, maybe a date range and an actor,
    zero to three facets, relevance or date order."""
    if probe:
        return {"query": "*", "facets": ("year",), "limit": 1}
    search = {"query": " ".join(rng.sample(words, rng.randint(1, 3))), "match": rng.choice(["all", "any"]),
              "facets": tuple(rng.sample(FACETS, rng.randint(0, 3))), "sort": rng.choice(["relevance", "date"])}
    if rng.random() < 0.3:
        search.update(date_from="1987-03", date_to="1987-06")
    if rng.random() < 0.2:
        search["actors"] = [rng.choice(actors)]
    return search


def searcher(index: str, words: list[str], actors: list[str], pause: float, seed: int, phase, results) -> None:
    """One search process: ask until told to stop; report latencies, errors and probe totals per phase."""
    from searchkit import Index
    from searchkit.errors import NoIndexError

    rng = random.Random(seed)
    figures = {name: {"latencies": [], "errors": [], "totals": []} for name in ("load", "idle")}
    ix = None
    count = 0
    while phase.value != b"stop":
        if ix is None:
            try:
                ix = Index(index, create=False)
            except NoIndexError:
                time.sleep(0.05)
                continue
        now = "idle" if phase.value == b"idle" else "load"
        count += 1
        search = random_search(rng, words, actors, probe=count % PROBE_EVERY == 0)
        started = time.perf_counter()
        try:
            answer = ix.search(search.pop("query"), **search)
            figures[now]["latencies"].append(time.perf_counter() - started)
            if "limit" in search:
                figures[now]["totals"].append([answered_generation(ix), answer.total])
        except Exception as exc:  # the figure this benchmark is about
            figures[now]["errors"].append(f"{type(exc).__name__}: {exc}")
        time.sleep(pause)
    results.put(figures)


def answered_generation(ix) -> int | None:
    """The commit (table of contents) the last search of `ix` was answered from: the Whoosh backend's open reader,
    which a search refreshes before it reads and nothing else changes in this one-threaded process."""
    searcher = getattr(ix.backend, "_searcher", None)
    return None if searcher is None else searcher.searcher.reader().generation()


def committed_totals(index: Path, seen: dict[int, int]) -> None:
    """Record the passages of each table of contents in the index folder not seen yet (generation -> passages)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(str(index))
    for name in storage.list() if index.is_dir() else ():
        found = re.fullmatch(r"_MAIN_(\d+)\.toc", name)
        if found and int(found.group(1)) not in seen:
            try:
                toc = TOC.read(storage, "MAIN", int(found.group(1)))
            except Exception:  # deleted by the next commit between the listing and the reading
                continue
            seen[toc.generation] = sum(segment.doc_count() for segment in toc.segments)


def run(corpus: Path, index: Path, searchers: int, pause: float, idle_seconds: float | None, commit_every: int | None,
        workers: int | None, actors: list[str]) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    words = query_words(corpus)
    context = multiprocessing.get_context("spawn")
    phase, results = context.Array("c", b"load", lock=False), context.Queue()
    processes = [context.Process(target=searcher, args=(str(index), words, actors, pause, n, phase, results))
                 for n in range(searchers)]
    for process in processes:
        process.start()
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index), "--quiet"]
    command += ["--commit-every", str(commit_every)] if commit_every else []
    command += ["--workers", str(workers)] if workers else []
    started = time.perf_counter()
    indexer = subprocess.Popen(command)
    totals: dict[int, int] = {}
    while indexer.poll() is None:
        committed_totals(index, totals)
        time.sleep(0.01)
    committed_totals(index, totals)
    indexing_seconds = time.perf_counter() - started
    phase.value = b"idle"
    time.sleep(idle_seconds if idle_seconds is not None else indexing_seconds)
    phase.value = b"stop"
    gathered = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return summarise(gathered, totals, indexer.returncode, indexing_seconds, searchers, pause)


def summarise(gathered: list[dict], totals: dict[int, int], exit_code: int, indexing_seconds: float,
              searchers: int, pause: float) -> dict:
    committed = set(totals.values())
    summary = {"indexer_exit_code": exit_code, "indexing_seconds": round(indexing_seconds, 1),
               "searchers": searchers, "pause_seconds": pause, "commits_seen": len(totals),
               "committed_passages": sorted(committed)}
    for name in ("load", "idle"):
        latencies = sorted(t for g in gathered for t in g[name]["latencies"])
        # A probe is checked against the commit it was answered from. Under heavy load the 10 ms poll can miss a
        # table of contents that the next commit replaced at once: such a probe is counted as unverified, never
        # checked against another commit's total (which would count a right answer as wrong).
        probes = [(generation, total) for g in gathered for generation, total in g[name]["totals"]]
        verified = [(generation, total) for generation, total in probes if generation in totals]
        errors = [e for g in gathered for e in g[name]["errors"]]
        summary[name] = {
            "queries": len(latencies) + len(errors),
            "errors": len(errors),
            "first_errors": errors[:5],
            "probes": len(probes),
            "probes_unverified": len(probes) - len(verified),
            "probes_off_commits": sum(1 for generation, total in verified if totals[generation] != total),
            "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(1000 * statistics.quantiles(latencies, n=20)[-1], 1) if len(latencies) > 1 else None,
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="corpus benchmarks/work/reuters-x<copies> (default: 4)")
    parser.add_argument("--corpus", type=Path, help="another corpus folder instead")
    parser.add_argument("--index", type=Path, help="where to build the index (default: benchmarks/work/index-load-x<copies>)")
    parser.add_argument("--searchers", type=int, default=8, help="search processes (default: 8)")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds each searcher waits between queries")
    parser.add_argument("--idle-seconds", type=float, help="how long to search after indexing (default: as long)")
    parser.add_argument("--commit-every", type=int, help="passed to `searchkit index`")
    parser.add_argument("--workers", type=int, help="passed to `searchkit index`")
    parser.add_argument("--actors", default="Reagan,Baker,OPEC,Volcker", help="actor filters to draw from")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    corpus = args.corpus or WORK / f"reuters-x{args.copies}"
    if not corpus.is_dir():
        raise SystemExit(f"{corpus}: no corpus (run `python benchmarks/reuters.py --copies {args.copies}` first)")
    index = args.index or WORK / f"index-load-x{args.copies}"
    summary = run(corpus, index, args.searchers, args.pause, args.idle_seconds, args.commit_every, args.workers,
                  args.actors.split(","))
    if args.json:
        print(json.dumps(summary))
        return
    from machine import describe

    print(describe())
    print(f"{corpus.name}: indexed in {summary['indexing_seconds']} s (exit code {summary['indexer_exit_code']}), "
          f"{summary['commits_seen']} commits seen, {args.searchers} searchers pausing {args.pause} s")
    for name in ("load", "idle"):
        s = summary[name]
        print(f"{name:>5}: {s['queries']} queries, {s['errors']} errors, p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms; "
              f"{s['probes']} '*' totals, {s['probes_off_commits']} not the passages of a commit")
        for error in s["first_errors"]:
            print(f"       {error}")


if __name__ == "__main__":
    main()
