"""Appending lines to a large JSON Lines file: what the next `index` run writes, and how long it takes.

Reuters-21578 as one JSON Lines file (every record with a body, one a line) is indexed whole; then 10 lines are
appended (ten of its articles again, under new ids) and the file is indexed again; then once more, unchanged.
`--baseline DIR` runs the same steps, in the same run, with another searchkit source tree (say, main before JSON
Lines were read line by line), each side in its own process:

    mkdir /tmp/sk-before && git archive <commit> | tar -x -C /tmp/sk-before
    python benchmarks/append.py --baseline /tmp/sk-before
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reuters import DATA, WORK, read_all

APPENDED = 10
HERE = Path(__file__).resolve().parent.parent  # this searchkit's source tree


def write_one_file(out: Path) -> tuple[Path, list[str]]:
    """Every Reuters record with a body in one JSONL file; and APPENDED more lines (copies, new ids) to add later."""
    records = [a.record() for a in read_all(DATA)]
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    extra = [json.dumps({**r, "id": f"{r['id']}-appended"}, ensure_ascii=False) + "\n" for r in records[:APPENDED]]
    return out, extra


def side(source: Path, corpus: Path, extra: list[str], work: Path) -> dict:
    """Run the three steps with the searchkit of `source`, in a child process; its figures."""
    folder = work / source.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    feed = folder / "reuters.jsonl"
    shutil.copyfile(corpus, feed)
    (folder / "extra.jsonl").write_text("".join(extra), encoding="utf-8")
    command = [sys.executable, __file__, "--child", str(source), str(folder)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def child(source: Path, folder: Path) -> None:
    sys.path.insert(0, str(source))
    import searchkit
    from searchkit import Index

    assert Path(searchkit.__file__).resolve().is_relative_to(source.resolve()), searchkit.__file__
    feed, figures = folder / "reuters.jsonl", {}
    with Index(folder / "ix") as ix:
        for step in ("whole file", "10 lines appended", "unchanged"):
            if step == "10 lines appended":
                with feed.open("a", encoding="utf-8") as handle:
                    handle.write((folder / "extra.jsonl").read_text(encoding="utf-8"))
            started = time.perf_counter()
            report = ix.add([feed])
            figures[step] = {"seconds": time.perf_counter() - started, "articles": report.articles,
                             "passages": report.passages}
        figures["indexed"] = ix.stats().articles
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another searchkit source tree to run beside this one")
    parser.add_argument("--baseline-first", action="store_true", help="run the baseline's side first")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("SOURCE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    corpus, extra = write_one_file(WORK / "reuters-one" / "reuters.jsonl")
    sides = {"this tree": HERE}
    if args.baseline:
        sides["baseline"] = args.baseline
        if args.baseline_first:
            sides = {"baseline": args.baseline, "this tree": HERE}
    results = {name: side(source, corpus, extra, WORK / "append" / name.replace(" ", "-")) for name, source in sides.items()}
    print(f"{corpus}: {results['this tree']['indexed'] - APPENDED:,} articles, then {APPENDED} lines appended")
    print(f"{'side':<10} {'step':<18} {'seconds':>8} {'articles written':>17} {'passages written':>17}")
    for name, figures in results.items():
        for step in ("whole file", "10 lines appended", "unchanged"):
            f = figures[step]
            print(f"{name:<10} {step:<18} {f['seconds']:>8.1f} {f['articles']:>17,} {f['passages']:>17,}")


if __name__ == "__main__":
    main()
