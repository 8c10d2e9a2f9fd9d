"""Relevance benchmark: searchkit's article ranking beside plain Whoosh BM25F and bm25s, on TIME dev, CISI and MED.

    python benchmarks/relevance.py                  # every collection, a table each
    python benchmarks/relevance.py time --json      # one collection, figures as JSON
    python benchmarks/relevance.py time --cli       # searchkit through `searchkit search` (slower, same figures)

Each system ranks articles at two units:
- article: searchkit grouped by article (`match="any", per_article=1`, the hidden TIME check's call); plain
  Whoosh and bm25s with one document per whole article.
- passage: searchkit's ungrouped passage ranking; plain Whoosh and bm25s with one document per passage (the
  passages searchkit made). An article's rank is that of its best passage.
Every run and every baseline is built in the same process from the same documents.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

from whoosh import fields
from whoosh.analysis import LanguageAnalyzer
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import MultifieldParser, OrGroup

from ir_collections import DATA_DIR, LOADERS, Collection, plain_query
from ir_metrics import METRICS, mean, paired_p_value, per_query, self_check
from machine import describe

DEPTH = 100  # documents ranked per query: the deepest cut-off of the metrics
WORK_DIR = Path(__file__).resolve().parent / "work" / "relevance"
# searchkit's article ranking is tested against these (p columns): its own passage ranking (the article ranking
# before issue 17), plain Whoosh and bm25s on whole articles.
COMPARED = ("searchkit/psg", "whoosh", "bm25s")

Rankings = dict[str, list[str]]
Unit = list[tuple[str, str, str]]  # (article id, title, text) of each document of a unit


def whoosh_rankings(units: Unit, queries: dict[str, str], depth: int = DEPTH) -> Rankings:
    """A bare Whoosh index, one document per unit, default BM25F, OR of the words over title and text; an
    article ranks where its first unit does."""
    english = LanguageAnalyzer("en")
    schema = fields.Schema(
        doc_id=fields.ID(stored=True),
        title=fields.TEXT(analyzer=english),
        text=fields.TEXT(analyzer=english),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for doc_id, title, text in units:
            writer.add_document(doc_id=doc_id, title=title, text=text)
    parser = MultifieldParser(["title", "text"], schema, group=OrGroup)
    rankings: Rankings = {}
    with ix.searcher() as searcher:
        for qid, text in queries.items():
            hits = searcher.search(parser.parse(plain_query(text)), limit=None)
            rankings[qid] = _articles_in_order(hit["doc_id"] for hit in hits)[:depth]
    return rankings


def bm25s_rankings(units: Unit, queries: dict[str, str], depth: int = DEPTH) -> Rankings:
    """bm25s (its defaults: Lucene's BM25, k1=1.5, b=0.75) with the English Snowball stemmer and its English stop
    words, title and text as one text per unit."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([f"{title}\n{text}" for _, title, text in units], stopwords="en",
                                   stemmer=stemmer, show_progress=False), show_progress=False)
    rankings: Rankings = {}
    for qid, text in queries.items():
        tokens = bm25s.tokenize([plain_query(text)], stopwords="en", stemmer=stemmer, show_progress=False)
        if not tokens.vocab:  # every word a stop word
            rankings[qid] = []
            continue
        found, scores = retriever.retrieve(tokens, k=len(units), show_progress=False, n_threads=1)
        ranked = [units[i][0] for i, score in zip(found[0].tolist(), scores[0].tolist()) if score > 0]
        rankings[qid] = _articles_in_order(ranked)[:depth]
    return rankings


def _articles_in_order(doc_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(doc_ids))


class SearchkitRuns:
    """searchkit's index of a collection, searched per article and per passage (through the API or the CLI)."""

    def __init__(self, collection: Collection, work_dir: Path, cli: bool = False):
        import searchkit

        self.collection = collection
        self.cli = cli
        name = collection.name.lower()
        self.source = collection.write_jsonl(work_dir / f"{name}.jsonl")
        self.folder = work_dir / f"{name}-index"
        self.ix = searchkit.Index(self.folder)
        report = self.ix.add([self.source], rebuild=True)
        self.indexed = {"articles": report.articles, "passages": report.passages, "problems": len(report.problems),
                        "failed_queries": []}

    def close(self) -> None:
        self.ix.close()

    def passages(self) -> Unit:
        """The passages searchkit made of each article, with the article's title: the baselines' passage unit."""
        units: Unit = []
        for doc_id in self.collection.documents:
            article = self.ix.article(doc_id)
            units += [(doc_id, article.title or "", p.text) for p in article.passages]
        return units

    def article_rankings(self, queries: dict[str, str], depth: int = DEPTH) -> Rankings:
        """`search QUERY --or --per-article 1 --limit 100`: articles in the order of the hits."""
        search = self._cli_search if self.cli else self._api_search
        return {qid: search(text, depth, per_article=1) for qid, text in queries.items()}

    def passage_rankings(self, queries: dict[str, str], depth: int = DEPTH) -> Rankings:
        """Ungrouped passages, deep enough to reach `depth` articles; an article ranks where its first passage does."""
        rankings: Rankings = {}
        for qid, text in queries.items():
            limit = depth * 4
            while True:
                ids = self._api_search(text, limit)
                articles = _articles_in_order(ids)
                if len(articles) >= depth or len(ids) < limit:
                    break
                limit *= 4
            rankings[qid] = articles[:depth]
        return rankings

    def _api_search(self, text: str, limit: int, per_article: int | None = None) -> list[str]:
        import searchkit

        try:
            res = self.ix.search(plain_query(text), match="any", per_article=per_article, limit=limit, facets=())
        except searchkit.QueryError:
            self.indexed["failed_queries"].append(text)
            return []
        return [hit.article_id for hit in res.hits]

    def _cli_search(self, text: str, limit: int, per_article: int) -> list[str]:
        command = [str(Path(sys.executable).parent / "searchkit"), "search", plain_query(text), "--index",
                   str(self.folder), "--or", "--per-article", str(per_article), "--limit", str(limit), "--json"]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        if done.returncode != 0:
            self.indexed["failed_queries"].append(text)
            return []
        return [hit["article_id"] for hit in json.loads(done.stdout)["hits"]]


def whole_articles(collection: Collection) -> Unit:
    return [(doc.doc_id, doc.title, doc.text) for doc in collection.documents.values()]


def run_collection(collection: Collection, work_dir: Path, baseline_only: bool, cli: bool) -> tuple[dict, list[str]]:
    """Run name -> rankings, and notes on what searchkit indexed."""
    queries = collection.judged_queries()
    runs: dict[str, Rankings] = {}
    notes: list[str] = []
    passages: Unit | None = None
    if not baseline_only:
        searchkit_runs = SearchkitRuns(collection, work_dir, cli)
        try:
            runs["searchkit"] = searchkit_runs.article_rankings(queries)
            runs["searchkit/psg"] = searchkit_runs.passage_rankings(queries)
            passages = searchkit_runs.passages()
        finally:
            searchkit_runs.close()
        indexed = searchkit_runs.indexed
        refused = len(indexed["failed_queries"])
        notes.append(f"searchkit indexed {indexed['articles']} articles as {indexed['passages']} passages"
                     + (f"; {refused} queries refused (scored 0)" if refused else "")
                     + ("; searched through the CLI" if cli else ""))
    baselines: dict[str, Callable[[Unit, dict[str, str]], Rankings]] = {"whoosh": whoosh_rankings,
                                                                       "bm25s": bm25s_rankings}
    for name, rank in baselines.items():
        runs[name] = rank(whole_articles(collection), queries)
        if passages is not None:
            runs[f"{name}/psg"] = rank(passages, queries)
    return runs, notes


def compare(collection: Collection, runs: dict[str, Rankings]) -> dict:
    """Metric -> run -> mean, and the paired p-value of searchkit's article ranking against each baseline's."""
    scores = {name: per_query(rankings, collection.qrels) for name, rankings in runs.items()}
    table: dict = {}
    for metric in METRICS:
        row = {name: round(mean(scores[name][metric]), 4) for name in runs}
        if "searchkit" in runs:
            for other in COMPARED:
                row[f"p {other.replace('searchkit/', '')}"] = round(paired_p_value(scores["searchkit"][metric], scores[other][metric]), 4)
        table[metric] = row
    return table


def render(collection: Collection, table: dict, notes: list[str]) -> str:
    columns = list(next(iter(table.values())))
    judged = len(collection.judged_queries())
    lines = [f"{collection.name}: {len(collection.documents)} documents, {judged} judged queries"]
    lines.append(f"  {'metric':<11}" + "".join(f"{name:>14}" for name in columns))
    for metric, row in table.items():
        lines.append(f"  {metric:<11}" + "".join(
            f"{row[name]:>14.3f}" if name.startswith("p ") else f"{row[name]:>14.4f}" for name in columns))
    lines.extend(f"  {note}" for note in notes)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("collections", nargs="*", metavar="NAME",
                        help=f"collections to run ({', '.join(LOADERS)}; default: all)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder holding cisi/, med/ and time-dev/")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="where the JSONL files and indexes go")
    parser.add_argument("--baseline-only", action="store_true", help="skip searchkit (e.g. when it cannot import)")
    parser.add_argument("--cli", action="store_true",
                        help="run searchkit's article ranking through `searchkit search` rather than the API")
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
    try:
        import bm25s  # noqa: F401
        import Stemmer  # noqa: F401
    except ImportError as exc:
        parser.error(f"cannot import bm25s ({exc}); install the bench extra: `pip install -e '.[bench]'`")
    self_check()
    started = time.perf_counter()
    report: dict = {"machine": describe(), "collections": {}}
    if not args.json:
        print(report["machine"])
    for name in args.collections or LOADERS:
        collection = LOADERS[name](args.data)
        runs, notes = run_collection(collection, args.work, args.baseline_only, args.cli)
        entry = report["collections"][collection.name] = {"metrics": compare(collection, runs), "notes": notes}
        if not args.json:
            print()
            print(render(collection, entry["metrics"], notes))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        footnote = "" if args.baseline_only else "; p: searchkit against each baseline (article unit), " \
                                                 "two-sided paired randomisation test, 10,000 sign flips"
        print(f"\n{report['seconds']} s; /psg: articles ranked by their best passage{footnote}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
