"""Article-level reads of the index: one article whole, the list of articles, the corpus's actors, statistics."""
from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
from whoosh.query import Term

from ...fieldvalues import split_list
from ...periods import from_day_number
from ...models import Actor, ActorRef, Article, ArticleSummary, IndexStats, Passage
from .engine import PassageSearcher

_DIGITS = re.compile(r"(\d+)")


def article(ps: PassageSearcher, article_id: str) -> Article | None:
    """The cleaned article as indexed: metadata, passages and captions (boilerplate is not kept in the index)."""
    searcher = ps.searcher
    stored = sorted(
        (searcher.stored_fields(d) for d in searcher.docs_for_query(Term("article_id", article_id))),
        key=lambda f: f.get("position", 0),
    )
    if not stored:
        return None
    head = stored[0]
    extras = json.loads(head.get("article") or "{}")
    text, passages = "", []
    for fields in stored:
        start, end, separator = fields.get("span") or [len(text), len(text) + len(fields["text"]), ""]
        text += separator + fields["text"]
        actors = _canonical(ps, split_list(fields.get("actor")))
        passages.append(Passage(article_id, int(fields["position"]), start, end, fields["text"], actors))
    return Article(
        article_id=article_id,
        source=head.get("source", ""),
        text=text,
        title=head.get("title") or None,
        date=_date(head.get("date")),
        outlet=head.get("outlet"),
        authors=split_list(head.get("author")),
        place=head.get("place"),
        url=extras.get("url"),
        captions=extras.get("captions", []),
        passages=passages,
    )


def articles(ps: PassageSearcher) -> list[ArticleSummary]:
    """Every indexed article, by id in natural order (reuters-2 before reuters-10)."""
    searcher = ps.searcher
    summaries = []
    for docnum in searcher.docs_for_query(Term("head", "1")):
        head = searcher.stored_fields(docnum)
        extras = json.loads(head.get("article") or "{}")
        summaries.append(
            ArticleSummary(
                article_id=head["article_id"],
                source=head.get("source", ""),
                title=head.get("title") or None,
                date=_date(head.get("date")),
                outlet=head.get("outlet"),
                authors=split_list(head.get("author")),
                actors=_canonical(ps, extras.get("actors", [])),
                passages=int(extras.get("passages", 0)),
            )
        )
    return sorted(summaries, key=lambda a: _natural_key(a.article_id))


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


def _canonical(ps: PassageSearcher, tokens: list[str]) -> list[ActorRef]:
    refs: list[ActorRef] = []
    for token in tokens:
        ref = ps.registry.canonical(token)
        if ref not in refs:
            refs.append(ref)
    return refs


def _natural_key(text: str) -> list:
    """Numbers in order of value, the rest in text order: reuters-2 before reuters-10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(text) if part]


def _date(value) -> dt.date | None:
    return from_day_number(value) if value is not None else None


def _folder_size(ps: PassageSearcher) -> int:
    storage = ps.ix.storage
    return sum(storage.file_length(name) for name in storage.list())
