"""What durability costs: `searchkit index` on Reuters-21578 with syncing on (the default) and off
(`SEARCHKIT_FSYNC=0`), alternated in one run so that both see the same machine.

    python benchmarks/sync_cost.py --copies 1 --runs 2     # needs benchmarks/reuters.py --copies 1 first

Each run indexes the corpus from scratch (`--rebuild`) in a child process with the default workers and commit size,
and counts the fsync calls of the whole process tree (with strace when it is installed).
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


def fsync_calls(corpus: Path, index: Path) -> int | None:
    """fsync calls of one synced run (strace -f -c), or None without strace."""
    if shutil.which("strace") is None:
        return None
    shutil.rmtree(index, ignore_errors=True)
    command = ["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(index) + ".strace",
               sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index), "--quiet"]
    subprocess.run(command, check=True)
    lines = Path(str(index) + ".strace").read_text().splitlines()
    return sum(int(line.split()[3]) for line in lines if line.strip().endswith(("fsync", "fdatasync")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="which corpus: benchmarks/work/reuters-x<copies>")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternated (default: 2)")
    args = parser.parse_args()
    corpus, index = WORK / f"reuters-x{args.copies}", WORK / f"index-sync-x{args.copies}"
    if not corpus.is_dir():
        raise SystemExit(f"{corpus}: no corpus (run `python benchmarks/reuters.py --copies {args.copies}` first)")
    times: dict[bool, list[float]] = {True: [], False: []}
    for run in range(args.runs):
        for sync in (True, False) if run % 2 == 0 else (False, True):
            times[sync].append(index_once(corpus, index, sync))
            print(f"run {run + 1}: sync {'on ' if sync else 'off'} {times[sync][-1]:.1f} s", file=sys.stderr, flush=True)
    calls = fsync_calls(corpus, index)
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(describe())
    print(f"Reuters x{args.copies}, {args.runs} runs each, alternated: sync on {on:.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times[True])}), off {off:.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times[False])}); ratio on/off {on / off:.3f}"
          + (f"; {calls} fsync calls in a synced run" if calls is not None else ""))


if __name__ == "__main__":
    main()
