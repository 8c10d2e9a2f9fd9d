"""HTML article extraction measured: searchkit's reader beside the reader of commit faf665e, trafilatura and
readability-lxml, on the 88 pages of /work/shared/data/html-articles/ with their gold article bodies.

    python benchmarks/html_reading.py                # the table (about a minute)
    python benchmarks/html_reading.py --worst 10     # and the 10 worst pages of searchkit's reader, with P and R
    python benchmarks/html_reading.py --pipeline     # and `searchkit index` over the pages, beside the baseline's
    python benchmarks/html_reading.py --json         # the figures as JSON

The metric is the ScrapingHub article-extraction benchmark's: `\\w+` tokens, 4-token shingles, per-page TP/FP/FN
normalised to sum 1; precision is averaged over pages with some output, recall over all pages, F1 is the harmonic
mean of the two averages. Each searchkit reader runs in its own process (its own `searchkit` package on sys.path);
the peers run in this one. Speed is pages per second of extraction alone (the pages are decoded beforehand), the
best of `--rounds` passes.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = Path("/work/shared/data/html-articles")
BASELINE_COMMIT = "faf665e"  # searchkit's reader before issue 15
_TOKEN = re.compile(r"\w+")


# --- the metric --------------------------------------------------------------------------------------------------


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(gold: str, extracted: str) -> tuple[float, float, float]:
    """Shingle counts shared, extra and missing, normalised to sum 1 so that long pages weigh no more."""
    true, pred = _shingles(gold), _shingles(extracted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fn) if tp + fn else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    reader: str
    f1: float
    precision: float
    recall: float
    median_f1: float
    share_090: float
    empty: int
    pages_per_second: float
    per_page: dict[str, tuple[float, float, float]]  # id -> (precision, recall, F1)


def score(reader: str, gold: dict[str, str], extracted: dict[str, str], seconds: float) -> Score:
    counts = {key: tp_fp_fn(gold[key], extracted.get(key, "")) for key in gold}
    precision = statistics.mean(_precision(*c) for c in counts.values() if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts.values() if c[0] + c[2] > 0)
    per_page = {}
    for key, c in counts.items():
        p, r = (_precision(*c), _recall(*c)) if c[0] + c[1] > 0 else (0.0, 0.0)
        per_page[key] = (p, r, _f1(p, r))
    f1s = [f for _, _, f in per_page.values()]
    return Score(
        reader=reader,
        f1=_f1(precision, recall),
        precision=precision,
        recall=recall,
        median_f1=statistics.median(f1s),
        share_090=sum(f >= 0.9 for f in f1s) / len(f1s),
        empty=sum(not _TOKEN.search(extracted.get(key, "")) for key in gold),
        pages_per_second=len(gold) / seconds,
        per_page=per_page,
    )


# --- the pages ---------------------------------------------------------------------------------------------------


def load_pages(data: Path = DATA) -> tuple[dict[str, str], dict[str, str]]:
    """(id -> page HTML, id -> gold body)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {key: gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8") for key in truth}
    return pages, {key: value["articleBody"] for key, value in truth.items()}


def timed(extract: Callable[[str], str], pages: dict[str, str], rounds: int) -> tuple[dict[str, str], float]:
    """Every page's extracted text, and the best time of `rounds` passes over all pages."""
    best, texts = float("inf"), {}
    for _ in range(rounds):
        start = time.perf_counter()
        texts = {key: extract(html) for key, html in pages.items()}
        best = min(best, time.perf_counter() - start)
    return texts, best


# --- the readers -------------------------------------------------------------------------------------------------


def trafilatura_text(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def trafilatura_without_comments(html: str) -> str:
    """As the ScrapingHub benchmark's published trafilatura figure was made: reader comments are not the article."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def readability_text(html: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return "\n".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""


def searchkit_reader(root: Path) -> Callable[[str], str]:
    """searchkit's reader under `root` (read_html, then clean): the body blocks, what becomes passages. The module
    layout is chosen by the files, since the editable install's finder would also answer for the other one."""
    if (root / "searchkit" / "read" / "ingest.py").exists():
        from searchkit.read.clean import clean
        from searchkit.read.ingest import read_html
    else:  # before the move into searchkit/read/
        from searchkit.clean import clean
        from searchkit.ingest import read_html

    def extract(html: str) -> str:
        document = read_html(html, "page.html")
        return "\n\n".join(block.text for block in clean(document) if block.role == "body")

    return extract


def run_searchkit(root: Path, data: Path, rounds: int) -> tuple[dict[str, str], float]:
    """searchkit's reader from the package under `root`, in a process of its own."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root), "--data", str(data),
               "--rounds", str(rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    return result["texts"], result["seconds"]


def worker(root: Path, data: Path, rounds: int) -> None:
    sys.path.insert(0, str(root))
    import searchkit

    assert Path(searchkit.__file__).resolve().is_relative_to(root.resolve()), searchkit.__file__
    extract = searchkit_reader(root)
    pages, _ = load_pages(data)
    extract(next(iter(pages.values())))  # imports and data tables loaded before the clock starts
    texts, seconds = timed(extract, pages, rounds)
    json.dump({"texts": texts, "seconds": seconds}, sys.stdout)


def unpack_baseline(folder: Path) -> Path:
    """The `searchkit` package of BASELINE_COMMIT, from git, under `folder`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", BASELINE_COMMIT, "searchkit"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def index_seconds(root: Path, pages: Path, index: Path) -> float:
    """Wall seconds of `searchkit index --rebuild --workers 1` over the pages, with the package under `root`."""
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(root)!r}); from searchkit.cli import main; "
               "main()", "index", str(pages), "--rebuild", "--workers", "1", "--quiet", "--index", str(index)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def pipeline(data: Path, rounds: int) -> str:
    """The whole indexing of the pages as .html files (read, clean, extract, actors, chunk, write), this branch
    and BASELINE_COMMIT alternated: the cost of the reader where it is paid."""
    pages, _ = load_pages(data)
    with tempfile.TemporaryDirectory(prefix="searchkit-html-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for key, html in pages.items():
            (folder / f"{key[:16]}.html").write_text(html, encoding="utf-8")
        roots = {"searchkit (this branch)": REPO, f"searchkit at {BASELINE_COMMIT}": unpack_baseline(Path(tmp))}
        seconds: dict[str, list[float]] = {name: [] for name in roots}
        for _ in range(rounds):
            for name, root in roots.items():
                seconds[name].append(index_seconds(root, folder, Path(tmp) / "index"))
    lines = ["| indexing the pages (one worker) | best wall s | pages / s |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {min(s):.2f} | {len(pages) / min(s):.1f} |" for name, s in seconds.items()]
    return "\n".join(lines)


def run_all(data: Path, rounds: int) -> list[Score]:
    pages, gold = load_pages(data)
    scores = []
    scores.append(score("searchkit (this branch)", gold, *run_searchkit(REPO, data, rounds)))
    with tempfile.TemporaryDirectory(prefix="searchkit-baseline-") as tmp:
        baseline = unpack_baseline(Path(tmp))
        scores.append(score(f"searchkit at {BASELINE_COMMIT} (before)", gold, *run_searchkit(baseline, data, rounds)))
    peers = [("trafilatura (defaults)", trafilatura_text), ("trafilatura, no comments", trafilatura_without_comments),
             ("readability-lxml", readability_text)]
    for name, extract in peers:
        extract(next(iter(pages.values())))
        scores.append(score(name, gold, *timed(extract, pages, rounds)))
    return scores


def table(scores: list[Score]) -> str:
    lines = [
        "| reader | F1 | precision | recall | median page F1 | pages F1 >= 0.9 | empty pages | pages / s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        lines.append(f"| {s.reader} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.median_f1:.3f} | "
                     f"{s.share_090:.0%} | {s.empty} | {s.pages_per_second:.1f} |")
    return "\n".join(lines)


def worst(s: Score, count: int, data: Path) -> str:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    rows = sorted(s.per_page.items(), key=lambda item: item[1][2])[:count]
    return "\n".join(f"{f:.3f}  P {p:.3f}  R {r:.3f}  {key[:12]}  {truth[key]['url']}" for key, (p, r, f) in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages; the fastest is reported")
    parser.add_argument("--worst", type=int, default=0, help="list this many worst pages of searchkit's reader")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--pipeline", action="store_true",
                        help="also time `searchkit index` over the pages, this branch beside the baseline")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.rounds)
        return
    scores = run_all(args.data, args.rounds)
    if args.json:
        print(json.dumps([{k: v for k, v in vars(s).items() if k != "per_page"} for s in scores], indent=2))
        return
    print(f"{len(scores[0].per_page)} pages of {args.data}\n")
    print(table(scores))
    if args.pipeline:
        print("\n" + pipeline(args.data, args.rounds))
    if args.worst:
        print(f"\nworst pages of {scores[0].reader}:\n" + worst(scores[0], args.worst, args.data))


if __name__ == "__main__":
    main()
