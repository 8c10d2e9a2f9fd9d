"""The baseline: the same paragraphs in a bare Whoosh index, built and searched the way Whoosh's documentation shows.

One document per paragraph; `title` and `text` TEXT fields with `LanguageAnalyzer("en")` (as searchkit's), `date`
DATETIME, `outlet` ID, `year` ID and an `actor` KEYWORD field holding Reuters' <PEOPLE>, <ORGS> and <PLACES> codes,
so that the actor facet does comparable work. No cleaning, no extraction, one plain `ix.writer()` committing once.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from whoosh import fields, highlight, index, sorting
from whoosh.analysis import LanguageAnalyzer
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import DateRange

from queries import DATE_FROM, DATE_TO, FACETS, LIMIT, SNIPPET_CHARS, SNIPPET_FRAGMENTS, Query
from reuters import corpus_paragraphs, read_corpus


def make_schema() -> fields.Schema:
    english = LanguageAnalyzer("en")
    return fields.Schema(
        passage_id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=english, stored=True),
        text=fields.TEXT(analyzer=english, stored=True),
        date=fields.DATETIME(stored=True),
        year=fields.ID(),
        outlet=fields.ID(stored=True),
        actor=fields.KEYWORD(stored=True, commas=True, scorable=False),
    )


def build(corpus: Path, path: Path) -> dict:
    """Index every paragraph of the corpus with one writer and one commit; returns the counts."""
    path.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(path), make_schema())
    writer = ix.writer()
    articles = passages = 0
    for record in read_corpus(corpus):
        common = {"title": record["title"] or "", "outlet": record["outlet"], "actor": ",".join(record["codes"])}
        if record["date"]:
            # The day, as searchkit indexes it. Whoosh's DATETIME at full precision makes a month's DateRange a
            # union of thousands of terms: 2 to 5 s a query on this corpus.
            day = dt.datetime.fromisoformat(record["date"]).date()
            common.update(date=dt.datetime.combine(day, dt.time()), year=str(day.year))
        for number, paragraph in enumerate(corpus_paragraphs(record)):
            writer.add_document(passage_id=f"{record['id']}#{number}", text=paragraph, **common)
            passages += 1
        articles += 1
    writer.commit()
    return {"articles": articles, "passages": passages}


class Searcher:
    """One open Whoosh searcher, reused across queries."""

    def __init__(self, path: Path):
        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parsers = {
            match: MultifieldParser(["title", "text"], self.ix.schema, group=group)
            for match, group in (("any", OrGroup), ("all", AndGroup))
        }
        self.dates = DateRange(
            "date", dt.datetime.combine(DATE_FROM, dt.time()), dt.datetime.combine(DATE_TO, dt.time.max)
        )

    def search(self, query: Query, mode: str) -> int:
        """Run `query` in one of the modes of `queries.MODES`; returns how many passages matched (-1: not counted)."""
        options: dict = {"limit": LIMIT}
        if mode == "facets":
            # Over all matches (groupedby makes Whoosh collect every match); Count keeps counts, not doc lists.
            options.update(groupedby={name: sorting.FieldFacet(name, allow_overlap=name == "actor") for name in FACETS},
                           maptype=sorting.Count)
        elif mode == "dates":
            options["filter"] = self.dates
        results = self.searcher.search(self.parsers[query.match].parse(query.text), **options)
        results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_CHARS // 3)
        for hit in results[:LIMIT]:  # with groupedby, `results` holds every match
            hit.fields()
            if mode != "plain":
                hit.highlights("text", top=SNIPPET_FRAGMENTS)
        if mode == "facets":
            for name in FACETS:
                groups = results.groups(name)
                sorted(groups.items(), key=lambda item: (-item[1], str(item[0])))[:LIMIT]
            return len(results)  # exact here: groupedby collected every match
        return -1

    def close(self) -> None:
        self.searcher.close()
