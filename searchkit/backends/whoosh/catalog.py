"""Article-level reads of the index: one article whole, the list of articles, the corpus's actors, statistics."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
from whoosh.query import Term

from ...fieldvalues import split_list
from ...periods import from_day_number
from ...search.natural import natural_key
from ...models import Actor, ActorRef, Article, ArticleSummary, IndexStats, Passage
from ..heads import Head
from .engine import PassageSearcher


def article(ps: PassageSearcher, article_id: str) -> Article | None:
    """The cleaned article as indexed: metadata, passages and captions (boilerplate is not kept in the index)."""
    searcher = ps.searcher
    stored = sorted(
        (searcher.stored_fields(d) for d in searcher.docs_for_query(Term("article_id", article_id))),
        key=lambda f: f.get("position", 0),
    )
    if not stored:
        return None
    head = _head(stored[0])
    text, passages = "", []
    for fields in stored:
        start, end, separator = fields.get("span") or [len(text), len(text) + len(fields["text"]), ""]
        text += separator + fields["text"]
        actors = ps.registry.canonical_refs(split_list(fields.get("actor")))
        passages.append(Passage(article_id, int(fields["position"]), start, end, fields["text"], actors))
    return head.article(text, passages)


def articles(ps: PassageSearcher) -> list[ArticleSummary]:
    """Every indexed article, by id in natural order (reuters-2 before reuters-10)."""
    searcher = ps.searcher
    summaries = []
    for docnum in searcher.docs_for_query(Term("head", "1")):
        head = _head(searcher.stored_fields(docnum))
        summaries.append(head.summary(ps.registry.canonical_refs(head.extras.get("actors", []))))
    return sorted(summaries, key=lambda a: natural_key(a.article_id))


def actors(ps: PassageSearcher, kind: str | None = None) -> list[Actor]:
    """The corpus's actors with their aliases and passage counts, most named first."""
    counts = ps.count_facets(_live_docs(ps), [f"actor:{kind}" if kind else "actor"], limit=None)
    found = []
    for value in next(iter(counts.values())):
        ref = ActorRef(value.value, value.kind or "")
        found.append(Actor(name=ref.name, kind=ref.kind, aliases=ps.registry.aliases(ref)[1:], passages=value.count))
    return found


def stats(ps: PassageSearcher, top: int = 10) -> IndexStats:
    reader = ps.searcher.reader()
    summaries = articles(ps)
    dates = [a.date for a in summaries if a.date]
    facets = ps.count_facets(_live_docs(ps), ["outlet", "actor"], limit=top)
    return IndexStats(
        articles=len(summaries),
        passages=reader.doc_count(),
        files=len({a.source for a in summaries}),
        first_date=min(dates, default=None),
        last_date=max(dates, default=None),
        undated_articles=len(summaries) - len(dates),
        outlets=facets["outlet"],
        actors=facets["actor"],
        size_bytes=_folder_size(ps),
    )


def _live_docs(ps: PassageSearcher) -> np.ndarray:
    return np.fromiter(ps.searcher.reader().all_doc_ids(), dtype=np.int64)


def _head(stored: dict) -> Head:
    return Head(article_id=stored["article_id"], source=stored.get("source", ""), title=stored.get("title") or None,
                date=_date(stored.get("date")), outlet=stored.get("outlet"), authors=split_list(stored.get("author")),
                place=stored.get("place"), extras=json.loads(stored.get("article") or "{}"))


def _date(value) -> dt.date | None:
    return from_day_number(value) if value is not None else None


def _folder_size(ps: PassageSearcher) -> int:
    storage = ps.ix.storage
    return sum(storage.file_length(name) for name in storage.list())
