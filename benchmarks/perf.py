"""searchkit beside a plain Whoosh baseline, measured in the same run: indexing, opening and query latency.

    python benchmarks/perf.py                      # Reuters-21578 once (105,543 paragraphs)
    python benchmarks/perf.py --scale 1 4 16       # and replicated 4x and 16x, to show how cost grows
    python benchmarks/perf.py --queries 40         # a quick run: 40 OR queries and 10 AND queries

Every phase of every side runs in its own process (benchmarks/child.py); this driver samples the memory of that
process and its children, and prints Markdown tables with searchkit / Whoosh ratios. The machine is shared and
noisy, which is why the ratios matter more than the absolute figures. Work files go to benchmarks/work/.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

from machine import describe, markdown_table
from queries import MODES
from reuters import WORK, corpus_paragraphs, read_corpus, write_corpus

HERE = Path(__file__).resolve().parent
SIDES = ("baseline", "searchkit")
NAMES = {"baseline": "plain Whoosh", "searchkit": "searchkit"}
MATCHES = {"any": "OR", "all": "AND"}
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- running one side's phase ------------------------------------------------------------------------------------
def tree_memory_mb(root: int) -> tuple[float, float]:
    """Memory now of a process and all its descendants, in MB of 2**20 bytes (from /proc): resident (RSS, as
    ru_maxrss: a page shared by forked processes counts in each), and proportional (PSS: a shared page is split
    among the processes that share it, so the sum is the memory the tree really holds)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        children.setdefault(ppid, []).append(int(stat.parent.name))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            pss += proportional_kib(pid) * 1024
        except (OSError, IndexError, ValueError):
            pass
    return rss / 2**20, pss / 2**20


def proportional_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def communicate_sampling(process: subprocess.Popen, also: Sequence[int] = ()) -> tuple[str, list[float]]:
    """Wait for `process`, sampling every 0.1 s the memory of its tree (RSS, PSS) and the RSS of the processes
    `also` and their trees; its stdout and the peaks [RSS, PSS, RSS of `also`], in MB."""
    peak = [0.0, 0.0, 0.0]

    def sample() -> None:
        while process.poll() is None:
            now = [*tree_memory_mb(process.pid), sum(tree_memory_mb(pid)[0] for pid in also)]
            peak[:] = map(max, peak, now)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    sampler.join()
    return output, peak


def run_child(*args: str) -> dict:
    """Run benchmarks/child.py with `args`; its figures, plus the peak memory of its process tree sampled every
    0.1 s, the load average before and after (how busy the shared machine was) and searchkit's source digest."""
    load_before, code = os.getloadavg()[0], searchkit_digest()
    process = subprocess.Popen([sys.executable, str(HERE / "child.py"), *args], stdout=subprocess.PIPE, text=True)
    output, peak = communicate_sampling(process)
    if process.returncode:
        raise SystemExit(f"child.py {' '.join(args)} failed (exit code {process.returncode})")
    load = [load_before, os.getloadavg()[0]]
    return json.loads(output) | {"rss_tree_mb": peak[0], "pss_tree_mb": peak[1], "load": load, "code": code}


def measure_scale(scale: int, sides: list[str], queries: int, skip_index: bool) -> dict:
    """Every figure of one scale: for each side, indexing, then queries. The figures are saved after each phase
    (benchmarks/work/perf-x{scale}.json), so `--skip-index` can reuse the indexing figures of the last run."""
    corpus, query_corpus = write_corpus(scale), write_corpus(1)
    saved = WORK / f"perf-x{scale}.json"
    previous = json.loads(saved.read_text())["sides"] if skip_index and saved.exists() else {}
    text_mb = passages = articles = 0
    for record in read_corpus(corpus):
        text_mb += len(record["text"].encode("utf-8")) / 1e6
        passages += len(corpus_paragraphs(record))
        articles += 1
    run = {"scale": scale, "articles": articles, "paragraphs": passages, "text_mb": text_mb, "sides": {}}
    for side in sides:
        index = WORK / f"index-{side}-x{scale}"
        if side in previous:
            run["sides"][side] = {"index": previous[side]["index"]}
        else:
            print(f"x{scale}: {side}: indexing {corpus} ...", file=sys.stderr, flush=True)
            run["sides"][side] = {"index": run_child(side, "index", str(corpus), str(index))}
            saved.write_text(json.dumps(run))
        print(f"x{scale}: {side}: querying ...", file=sys.stderr, flush=True)
        run["sides"][side]["query"] = run_child(
            side, "query", str(corpus), str(index), "--query-corpus", str(query_corpus), "--queries", str(queries)
        )
        saved.write_text(json.dumps(run))
    return run


def searchkit_digest() -> str:
    """A short hash of searchkit's source and data files: which code a run measured (the tree changes often)."""
    spec = importlib.util.find_spec("searchkit")
    if spec is None or spec.origin is None:
        return "not installed"
    package = Path(spec.origin).parent
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- reporting ---------------------------------------------------------------------------------------------------
def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def ratio(mine: float | None, theirs: float | None) -> str:
    return f"{mine / theirs:.2f}" if mine is not None and theirs else ""


def number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def comparison(label: str, figure, sides: dict) -> list[str]:
    """A row: one figure for each side, and searchkit's over the baseline's."""
    values = {side: figure(sides[side]) if side in sides else None for side in SIDES}
    return [label, *(number(values[s]) for s in SIDES), ratio(values["searchkit"], values["baseline"])]


def indexing_table(run: dict) -> str:
    sides, text_mb = run["sides"], run["text_mb"]
    rows = [
        ("passages", lambda d: d["index"]["passages"]),
        ("wall seconds", lambda d: d["index"]["seconds"]),
        ("passages / s", lambda d: d["index"]["passages"] / d["index"]["seconds"]),
        ("MB of text / s", lambda d: text_mb / d["index"]["seconds"]),
        ("CPU seconds, all processes", lambda d: d["index"]["cpu_seconds"]),
        ("peak RSS MB, indexing process", lambda d: d["index"]["rss_main_mb"]),
        ("peak RSS MB, largest child process", lambda d: d["index"]["rss_largest_child_mb"] or None),
        ("peak RSS MB, all processes (sampled)", lambda d: d["index"]["rss_tree_mb"]),
        ("peak PSS MB, all processes (sampled)", lambda d: d["index"].get("pss_tree_mb")),
        ("index on disk, MB", lambda d: d["index"]["index_mb"]),
        ("open index + first query, first time, ms", lambda d: d["query"]["open_first_ms"]),
        ("first faceted query, ms", lambda d: d["query"]["first_facets_ms"]),
        ("open again + first query, ms", lambda d: d["query"]["reopen_first_ms"]),
        ("peak RSS MB, query process", lambda d: d["query"]["rss_main_mb"]),
    ]
    header = ["indexing and opening", *(NAMES[s] for s in SIDES), "searchkit / Whoosh"]
    return markdown_table(header, [comparison(label, figure, sides) for label, figure in rows])


def latency(run: dict, side: str, mode: str, match: str) -> tuple[float | None, ...]:
    """Wall p50 and p95 and CPU p50 of one side, mode and match ("both": every query), or None when the side was
    not run."""
    if side not in run["sides"]:
        return None, None, None
    timings = run["sides"][side]["query"]["timings"][mode]
    matches = list(MATCHES) if match == "both" else [match]
    wall = [ms for m in matches for ms in timings[m]["wall_ms"]]
    cpu = [ms for m in matches for ms in timings[m]["cpu_ms"]]
    return p50(wall), p95(wall), p50(cpu)


def query_table(run: dict) -> str:
    rows = []
    for match, match_name in {**MATCHES, "both": "all"}.items():
        for mode in MODES:
            whoosh, mine = (latency(run, side, mode, match) for side in SIDES)
            rows.append([f"{match_name} {mode}", *(number(v) for v in whoosh + mine),
                         *(ratio(m, w) for m, w in zip(mine, whoosh))])
    header = ["query, mode", *(f"{NAMES[s]} {stat}" for s in SIDES for stat in ("p50", "p95", "CPU p50")),
              "ratio p50", "ratio p95", "ratio CPU p50"]
    return markdown_table(header, rows)


def target_line(run: dict) -> str:
    """Issue 4's bar: searchkit's p95 with snippets and three facets over plain Whoosh's p95 for a plain top 10."""
    if set(SIDES) - set(run["sides"]):
        return ""
    ratios = [f"{name} {latency(run, 'searchkit', 'facets', m)[1] / latency(run, 'baseline', 'plain', m)[1]:.2f}"
              for m, name in {"both": "all queries", **MATCHES}.items()]
    return "searchkit p95 with snippets and facets / plain Whoosh p95 for a plain top 10: " + ", ".join(ratios) + "."


def matches_line(run: dict) -> str:
    """Mean passages matched per query, a sanity check that both sides answer the same questions."""
    parts = []
    for side, data in run["sides"].items():
        timings = data["query"]["timings"]
        counted = [(f"{MATCHES[m]}", timings["facets"][m]["matched"]) for m in MATCHES]
        counted.append(("OR in March 1987", timings["dates"]["any"]["matched"]))
        # A side that does not count its matches in a mode reports -1.
        means = [f"{label} {statistics.mean(values):,.0f}" for label, values in counted if min(values) >= 0]
        parts.append(f"{NAMES[side]}: " + ", ".join(means))
    return "Mean passages matched per query: " + "; ".join(parts) + "."


def report(run: dict) -> str:
    loads = {s: d["index"].get("load", []) + d["query"]["load"] for s, d in run["sides"].items()}
    timings = next(iter(run["sides"].values()))["query"]["timings"]["plain"]
    return "\n\n".join([
        f"### Reuters-21578 x{run['scale']}: {run['articles']:,} articles, {run['paragraphs']:,} paragraphs, "
        f"{run['text_mb']:.1f} MB of text",
        indexing_table(run),
        f"Query latency in ms over {len(timings['any']['wall_ms'])} OR (free-text) and "
        f"{len(timings['all']['wall_ms'])} AND (two-term) queries, top 10; modes: "
        + "; ".join(f"{mode}: {text}" for mode, text in MODES.items()) + ".",
        query_table(run),
        target_line(run),
        matches_line(run),
        code_line(run),
        "Load average (1 min) before/after each phase: "
        + "; ".join(f"{NAMES[s]} {', '.join(f'{v:.1f}' for v in values)}" for s, values in loads.items()) + ".",
    ])


def code_line(run: dict) -> str:
    """Which searchkit code each phase ran: the tree is edited while benchmarks run."""
    phases = run["sides"].get("searchkit", {})
    codes = {phase: phases[phase].get("code") for phase in ("index", "query") if phase in phases}
    verdict = "the same code" if len(set(codes.values())) == 1 else "DIFFERENT code: rerun"
    return "searchkit source digest: " + ", ".join(f"{p} {c}" for p, c in codes.items()) + f" ({verdict})."


def growth_table(runs: list[dict]) -> str:
    """How each side's cost grows with the corpus."""
    header = ["side", "scale", "passages", "index s", "index MB", "open + first query, first time, ms",
              *(f"{MATCHES[m]} {mode} p50 / p95 ms" for m in MATCHES for mode in ("plain", "facets"))]
    rows = []
    for side in SIDES:
        for run in runs:
            if side not in run["sides"]:
                continue
            data = run["sides"][side]
            timings = data["query"]["timings"]
            rows.append([NAMES[side], f"x{run['scale']}", f"{data['index']['passages']:,}",
                         number(data["index"]["seconds"]), number(data["index"]["index_mb"]),
                         number(data["query"]["open_first_ms"]),
                         *(f'{number(p50(timings[mode][m]["wall_ms"]))} / {number(p95(timings[mode][m]["wall_ms"]))}'
                           for m in MATCHES for mode in ("plain", "facets"))])
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="replication factors (default: 1)")
    parser.add_argument("--queries", type=int, default=200, help="free-text (OR) queries; AND queries: a quarter")
    parser.add_argument("--sides", nargs="+", choices=SIDES, default=list(SIDES), help="default: both")
    parser.add_argument("--skip-index", action="store_true", help="reuse the indexes and figures of the last run")
    parser.add_argument("--report-only", action="store_true", help="print the tables of the last run, measure nothing")
    args = parser.parse_args()
    runs = []
    for scale in args.scale:
        if args.report_only:
            run = json.loads((WORK / f"perf-x{scale}.json").read_text())
        else:
            run = measure_scale(scale, args.sides, args.queries, args.skip_index)
        runs.append(run)
        print(report(run) + "\n", flush=True)
    if len(runs) > 1:
        print("### Growth\n\n" + growth_table(runs) + "\n")
    print(f"Machine: {describe()}.")


if __name__ == "__main__":
    main()
