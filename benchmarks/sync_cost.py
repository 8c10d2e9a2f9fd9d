"""What durability costs: `searchkit index` on Reuters-21578 with syncing on (the default) and off
(`SEARCHKIT_FSYNC=0`), alternated in one run so that both see the same machine.

    python benchmarks/sync_cost.py --copies 1 --runs 2     # needs benchmarks/reuters.py --copies 1 first
    python benchmarks/sync_cost.py --files 6 --runs 1       # 6 of its 22 files, on a busy machine

Each run indexes the corpus from scratch in a child process with the default workers and commit size. On a shared
machine whose load changes by the minute, wall times compare poorly even alternated, so one more synced run is
made under strace (when installed), which counts the fsync calls of the whole process tree and the wall time spent
inside them (`strace -w`): the time syncing adds, whatever else the machine does.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"


def index_once(corpus: Path, index: Path, sync: bool) -> float:
    shutil.rmtree(index, ignore_errors=True)
    env = dict(os.environ, SEARCHKIT_FSYNC="1" if sync else "0")
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - started


def fsync_time(corpus: Path, index: Path) -> tuple[int, float, float] | None:
    """(fsync calls, seconds inside them, seconds of the run) of one synced run under strace, or None without it."""
    if shutil.which("strace") is None:
        return None
    shutil.rmtree(index, ignore_errors=True)
    report = Path(str(index) + ".strace")
    command = ["strace", "-f", "-c", "-w", "-e", "trace=fsync,fdatasync", "-o", str(report),
               sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    rows = [line.split() for line in report.read_text().splitlines() if line.strip().endswith(("fsync", "fdatasync"))]
    return sum(int(row[3]) for row in rows), sum(float(row[1]) for row in rows), seconds


def subset(corpus: Path, files: int) -> Path:
    """A folder of links to the corpus's first `files` JSON Lines files."""
    folder = WORK / f"{corpus.name}-first-{files}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for path in sorted(corpus.glob("*.jsonl"))[:files]:
        (folder / path.name).symlink_to(path)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="which corpus: benchmarks/work/reuters-x<copies>")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternated (default: 2)")
    parser.add_argument("--files", type=int, help="only the corpus's first so many files (Reuters x1 has 22)")
    args = parser.parse_args()
    corpus, index = WORK / f"reuters-x{args.copies}", WORK / f"index-sync-x{args.copies}"
    if not corpus.is_dir():
        raise SystemExit(f"{corpus}: no corpus (run `python benchmarks/reuters.py --copies {args.copies}` first)")
    if args.files:
        corpus = subset(corpus, args.files)
    times: dict[bool, list[float]] = {True: [], False: []}
    for run in range(args.runs):
        for sync in (True, False) if run % 2 == 0 else (False, True):
            times[sync].append(index_once(corpus, index, sync))
            print(f"run {run + 1}: sync {'on ' if sync else 'off'} {times[sync][-1]:.1f} s", file=sys.stderr, flush=True)
    traced = fsync_time(corpus, index)
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(describe(), f"; load average {os.getloadavg()[0]:.1f}")
    print(f"{corpus.name}, {args.runs} runs each, alternated: sync on {on:.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times[True])}), off {off:.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times[False])}); ratio on/off {on / off:.3f}")
    if traced is not None:
        calls, inside, seconds = traced
        print(f"a synced run under strace: {calls} fsync calls, {inside:.2f} s inside them, of {seconds:.1f} s "
              f"({100 * inside / seconds:.1f}%)")


if __name__ == "__main__":
    main()
