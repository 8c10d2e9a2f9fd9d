"""Time and peak memory of `searchkit index` on inputs at and past the edges of what it accepts.

    python benchmarks/limits.py                       # every case (~10 min); inputs are written once, then reused
    python benchmarks/limits.py big-txt deep-div      # some cases
    python benchmarks/limits.py --json                # the figures as JSON

Each case runs `searchkit index INPUT --index DIR --rebuild` in its own process, as a user would (default worker
processes). Seconds are wall time around that process; peak MB is the ru_maxrss that os.wait4 reports for it: the
largest resident set of the process and of each of its worker processes (not their sum), in MB of 2**20 bytes.
The outcome is what the run printed: the articles it indexed, or the one-line reason a file was skipped.

Inputs are made from Reuters-21578 (`reuters.read_all`, needs /work/shared/data/reuters21578), or from the
paragraphs of the seeds when it is missing, and written to benchmarks/work/limits/ (ignored by git).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from machine import describe, markdown_table
from reuters import DATA, WORK, read_all

LIMITS = WORK / "limits"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MB = 2**20
TIMEOUT = 1800  # seconds a case may take before it is stopped and reported as such


@dataclass
class Case:
    name: str
    description: str
    make: Callable[[Path], None]  # writes the input to the given path (a file, or a folder)
    suffix: str  # of the input path: ".txt", ".jsonl", ".html", or "" for a folder


@dataclass
class Measurement:
    case: str
    description: str
    input_mb: float
    seconds: float
    peak_mb: float
    exit_code: int | None  # None: stopped after TIMEOUT
    outcome: str


# -- inputs ------------------------------------------------------------------------------------------------------
def articles() -> Iterator[tuple[str, str | None, list[str]]]:
    """(id, title, paragraphs) of real articles, round and round with new ids: Reuters-21578, else the seeds."""
    if DATA.exists():
        source = [(f"r{a.newid}", a.title, a.paragraphs) for a in read_all(DATA)]
    else:
        source = [(p.stem, None, [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()])
                  for p in sorted(SEEDS.glob("*.txt"))]
    for copy in itertools.count():
        for article_id, title, paragraphs in source:
            yield (f"{article_id}-x{copy}" if copy else article_id), title, paragraphs


def article_text(title: str | None, paragraphs: list[str]) -> str:
    return "\n\n".join(([title] if title else []) + paragraphs) + "\n"


def write_until(path: Path, size: int, pieces: Iterator[str]) -> None:
    """Write pieces to `path` until it holds at least `size` bytes."""
    written = 0
    with path.open("wb") as out:
        for piece in pieces:
            written += out.write(piece.encode("utf-8"))
            if written >= size:
                break


def big_txt(path: Path) -> None:
    """A dump of many articles as one .txt file, 50 MB: more than one article can be (10 MB)."""
    write_until(path, 50 * MB, (article_text(title, paragraphs) + "\n" for _, title, paragraphs in articles()))


def big_jsonl(path: Path) -> None:
    """A JSON Lines export of real articles, 50 MB."""
    records = (json.dumps({"id": article_id, "title": title, "text": "\n\n".join(paragraphs), "outlet": "Reuters"},
                          ensure_ascii=False) + "\n" for article_id, title, paragraphs in articles())
    write_until(path, 50 * MB, records)


def long_paragraph(path: Path) -> None:
    """One article of one 2 MB paragraph (one line): real sentences, run together."""
    write_until(path, 2 * MB, (" ".join(paragraphs) + " " for _, _, paragraphs in articles()))


def long_paragraph_without_punctuation(path: Path) -> None:
    """The same without punctuation: no sentence ends, so it can only be cut at spaces."""
    write_until(path, 2 * MB, (re.sub(r"[^\w\s]", "", " ".join(paragraphs)) + " " for _, _, paragraphs in articles()))


def many_files(path: Path) -> None:
    """A folder of 10,000 small .txt files, one article each (100 subfolders of 100)."""
    for n, (article_id, title, paragraphs) in enumerate(itertools.islice(articles(), 10_000)):
        folder = path / f"{n // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{article_id}.txt").write_text(article_text(title, paragraphs), encoding="utf-8")


def deep_html(tag: str, depth: int = 20_000) -> Callable[[Path], None]:
    """An HTML page whose article sits inside `depth` nested <tag> elements."""

    def make(path: Path) -> None:
        _, title, paragraphs = next(articles())
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        nested = f"<{tag}>" * depth + body + f"</{tag}>" * depth
        page = f"<html><head><title>{title}</title></head><body>{nested}</body></html>"
        path.write_text(page, encoding="utf-8")

    return make


CASES = {case.name: case for case in [
    Case("big-txt", "50 MB .txt file", big_txt, ".txt"),
    Case("big-jsonl", "50 MB .jsonl file", big_jsonl, ".jsonl"),
    Case("long-paragraph", "2 MB paragraph", long_paragraph, ".txt"),
    Case("long-paragraph-no-punctuation", "2 MB paragraph, no punctuation", long_paragraph_without_punctuation, ".txt"),
    Case("many-files", "10,000 small files", many_files, ""),
    Case("deep-div", "HTML, 20,000 nested <div>", deep_html("div"), ".html"),
    Case("deep-blockquote", "HTML, 20,000 nested <blockquote>", deep_html("blockquote"), ".html"),
]}


def prepare(case: Case) -> Path:
    """The case's input, written on first use (a DONE marker tells a complete one from an interrupted write)."""
    folder = LIMITS / case.name
    path = folder / f"input{case.suffix}"
    if not (folder / "DONE").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        case.make(path)
        (folder / "DONE").write_text("")
    return path


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / MB


# -- measuring ---------------------------------------------------------------------------------------------------
def measure(case: Case) -> Measurement:
    path = prepare(case)
    index = LIMITS / case.name / "index"
    logs = LIMITS / case.name
    command = [sys.executable, "-m", "searchkit.cli", "index", str(path), "--index", str(index), "--rebuild"]
    with (logs / "stdout.txt").open("w") as out, (logs / "stderr.txt").open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        timer = threading.Timer(TIMEOUT, process.kill)
        timer.start()
        # wait4, not wait: it gives this process's own resource usage, with its reaped worker processes'.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
    process.returncode = exit_code = os.waitstatus_to_exitcode(status)
    timed_out = seconds >= TIMEOUT and exit_code < 0
    return Measurement(
        case=case.name,
        description=case.description,
        input_mb=size_mb(path),
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,  # Linux: KiB
        exit_code=None if timed_out else exit_code,
        outcome=f"stopped after {TIMEOUT} s" if timed_out else outcome(
            exit_code, (logs / "stdout.txt").read_text(), (logs / "stderr.txt").read_text(), path),
    )


def outcome(exit_code: int, stdout: str, stderr: str, path: Path) -> str:
    """What the run printed, in a few words: the articles indexed and the first skipped file's reason."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    skipped = [line.removeprefix("searchkit: skipped ") for line in lines if line.startswith("searchkit: skipped ")]
    summary = re.search(r"(\d+) skipped files; (\d+) articles, (\d+) passages", stdout)
    if exit_code != 0 or summary is None:
        return f"failed (exit {exit_code}): {lines[-1] if lines else 'no output'}"
    parts = []
    if count := int(summary[2]):
        parts.append(f"indexed {count:,} article{'s' * (count != 1)} ({int(summary[3]):,} passages)")
    if skipped:
        reason = skipped[0].replace(str(path.parent) + "/", "")
        parts.append(f"skipped {reason}" + (f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""))
    return "; ".join(parts) or "nothing indexed, nothing skipped"


# -- report ------------------------------------------------------------------------------------------------------
def table(rows: list[Measurement]) -> str:
    return markdown_table(["case", "input MB", "seconds", "peak MB", "outcome"],
                          [[m.description, f"{m.input_mb:.1f}", f"{m.seconds:.1f}", f"{m.peak_mb:.0f}", m.outcome]
                           for m in rows], align="lrrrl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"cases to run (default: all): {', '.join(CASES)}")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if unknown := [name for name in args.cases if name not in CASES]:
        parser.error(f"unknown case {unknown[0]!r} (cases: {', '.join(CASES)})")
    load_before = os.getloadavg()[0]
    rows = []
    for name in args.cases or CASES:
        rows.append(measure(CASES[name]))
        if not args.json:
            print(f"{name}: {rows[-1].seconds:.1f} s, {rows[-1].peak_mb:.0f} MB", file=sys.stderr)
    if args.json:
        print(json.dumps([asdict(m) for m in rows], indent=2))
    else:
        print(table(rows))
        print(f"\n{describe()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.")


if __name__ == "__main__":
    main()
