"""Relevance benchmark: searchkit's article ranking against a plain Whoosh BM25F baseline, on CISI and MED.

    python benchmarks/relevance.py                  # both collections, a table each
    python benchmarks/relevance.py med --json       # one collection, figures as JSON

searchkit indexes the documents through its public API (a JSONL file of `{"id", "title", "text"}`), chunks them
into passages and ranks each article by its best passage (`per_article=1`). The baseline, built in the same run,
is one Whoosh document per article with the same analyzer, default BM25F and an OR query over title and text.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from whoosh import fields
from whoosh.analysis import LanguageAnalyzer
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import MultifieldParser, OrGroup

from ir_collections import DATA_DIR, LOADERS, Collection, plain_query
from ir_metrics import METRICS, mean, paired_p_value, per_query, self_check
from machine import describe

DEPTH = 100  # documents ranked per query: the deepest cut-off of the metrics
WORK_DIR = Path(__file__).resolve().parent / "work" / "relevance"

Rankings = dict[str, list[str]]


def baseline_rankings(collection: Collection, depth: int = DEPTH) -> Rankings:
    """A bare Whoosh index, one document per article, default BM25F, OR of the words over title and text."""
    english = LanguageAnalyzer("en")
    schema = fields.Schema(
        doc_id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=english),
        text=fields.TEXT(analyzer=english),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for doc in collection.documents.values():
            writer.add_document(doc_id=doc.doc_id, title=doc.title, text=doc.text)
    parser = MultifieldParser(["title", "text"], schema, group=OrGroup)
    rankings: Rankings = {}
    with ix.searcher() as searcher:
        for qid, text in collection.judged_queries().items():
            hits = searcher.search(parser.parse(plain_query(text)), limit=depth)
            rankings[qid] = [hit["doc_id"] for hit in hits]
    return rankings


def searchkit_rankings(collection: Collection, work_dir: Path, depth: int = DEPTH) -> tuple[Rankings, dict]:
    """Index the collection with searchkit and rank articles by their best passage; also what was indexed."""
    import searchkit

    source = collection.write_jsonl(work_dir / f"{collection.name.lower()}.jsonl")
    rankings: Rankings = {}
    failed: list[str] = []
    with searchkit.Index(work_dir / f"{collection.name.lower()}-index") as ix:
        report = ix.add([source], rebuild=True)
        for qid, text in collection.judged_queries().items():
            try:
                res = ix.search(plain_query(text), match="any", per_article=1, limit=depth, facets=())
            except searchkit.QueryError:
                failed.append(qid)
                res = None
            rankings[qid] = [hit.article_id for hit in res.hits] if res else []
    indexed = {"articles": report.articles, "passages": report.passages, "problems": len(report.problems),
               "failed_queries": failed}
    return rankings, indexed


def compare(collection: Collection, runs: dict[str, Rankings]) -> dict:
    """Metric -> run -> mean, and the paired p-value of the first run against the second."""
    scores = {name: per_query(rankings, collection.qrels) for name, rankings in runs.items()}
    first, *others = runs
    table: dict = {}
    for metric in METRICS:
        row = {name: round(mean(scores[name][metric]), 4) for name in runs}
        if others:
            row["p"] = round(paired_p_value(scores[first][metric], scores[others[0]][metric]), 4)
        table[metric] = row
    return table


def render(collection: Collection, table: dict, notes: list[str]) -> str:
    runs = [k for k in next(iter(table.values())) if k != "p"]
    judged = len(collection.judged_queries())
    lines = [f"{collection.name}: {len(collection.documents)} documents, {judged} judged queries"]
    header = f"  {'metric':<11}" + "".join(f"{name:>11}" for name in runs)
    if len(runs) == 2:
        header += f"{'diff':>9}{'p':>8}"
    lines.append(header)
    for metric, row in table.items():
        line = f"  {metric:<11}" + "".join(f"{row[name]:>11.4f}" for name in runs)
        if len(runs) == 2:
            line += f"{row[runs[0]] - row[runs[1]]:>+9.4f}{row['p']:>8.3f}"
        lines.append(line)
    lines.extend(f"  {note}" for note in notes)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("collections", nargs="*", metavar="NAME",
                        help=f"collections to run ({', '.join(LOADERS)}; default: all)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder holding cisi/ and med/")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="where the JSONL files and indexes go")
    parser.add_argument("--baseline-only", action="store_true", help="skip searchkit (e.g. when it cannot import)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.collections) - set(LOADERS))
    if unknown:
        parser.error(f"unknown collection {', '.join(unknown)} (choose from {', '.join(LOADERS)})")

    if not args.baseline_only:
        try:
            import searchkit.api  # noqa: F401
        except ImportError as exc:
            parser.error(f"cannot import searchkit ({exc}); install it with `pip install -e .`, or pass --baseline-only")
    self_check()
    started = time.perf_counter()
    report: dict = {"machine": describe(), "collections": {}}
    if not args.json:
        print(report["machine"])
    for name in args.collections or LOADERS:
        collection = LOADERS[name](args.data)
        entry = report["collections"][collection.name] = {}
        runs: dict[str, Rankings] = {}
        notes: list[str] = []
        if not args.baseline_only:
            runs["searchkit"], indexed = searchkit_rankings(collection, args.work)
            entry["indexed"] = indexed
            refused = len(indexed["failed_queries"])
            notes.append(f"searchkit indexed {indexed['articles']} articles as {indexed['passages']} passages"
                         + (f"; {refused} queries refused (scored 0)" if refused else ""))
        runs["baseline"] = baseline_rankings(collection)
        table = entry["metrics"] = compare(collection, runs)
        if not args.json:
            print()
            print(render(collection, table, notes))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        footnote = "" if args.baseline_only else "; p: two-sided paired randomisation test, 10,000 sign flips"
        print(f"\n{report['seconds']} s{footnote}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
