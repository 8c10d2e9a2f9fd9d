"""Article-level reads of a cluster index: one article whole, the list of articles, the corpus's actors, statistics
(the Whoosh backend's catalog.py, read from the visible passages)."""
from __future__ import annotations

import datetime as dt

from ...models import Actor, ActorRef, Article, ArticleSummary, IndexStats, Passage
from ..heads import Head
from ...search.natural import natural_key
from .compile import term_present
from .searching import Reader

MAX_PASSAGES = 10_000  # an article's passages read in one request (the cluster's default result window)


def article(reader: Reader, article_id: str) -> Article | None:
    """The cleaned article as indexed: metadata, passages and captions."""
    stored = reader.passages(term_present("article_id", article_id), MAX_PASSAGES, sort=[{"position": "asc"}])
    if not stored:
        return None
    head = _head(stored[0])
    text, passages = "", []
    for fields in stored:
        start, end = fields.get("span") or [len(text), len(text) + len(fields["text"])]
        text += fields.get("separator", "") + fields["text"]
        passages.append(Passage(article_id, int(fields["position"]), start, end, fields["text"],
                                reader.canonical(fields.get("actor") or [])))
    return head.article(text, passages)


def articles(reader: Reader) -> list[ArticleSummary]:
    """Every indexed article, by id in natural order (reuters-2 before reuters-10)."""
    summaries = []
    for stored in reader.scan(term_present("head", True)):
        head = _head(stored)
        summaries.append(head.summary(reader.canonical(head.extras.get("actors", []))))
    return sorted(summaries, key=lambda a: natural_key(a.article_id))


def actors(reader: Reader, kind: str | None = None) -> list[Actor]:
    """The corpus's actors with their aliases and passage counts, most named first."""
    counts = reader.count_facets([f"actor:{kind}" if kind else "actor"], limit=None)
    found = []
    for value in next(iter(counts.values())):
        ref = ActorRef(value.value, value.kind or "")
        found.append(Actor(name=ref.name, kind=ref.kind, aliases=reader.registry.aliases(ref)[1:],
                           passages=value.count))
    return found


def stats(reader: Reader, top: int = 10) -> IndexStats:
    summaries = articles(reader)
    dates = [a.date for a in summaries if a.date]
    everything = reader.search("", facets=["outlet", "actor"], facet_limit=top, limit=0)
    return IndexStats(
        articles=len(summaries),
        passages=everything.passages,
        files=len({a.source for a in summaries}),
        first_date=min(dates, default=None),
        last_date=max(dates, default=None),
        undated_articles=len(summaries) - len(dates),
        outlets=everything.facets["outlet"],
        actors=everything.facets["actor"],
        size_bytes=reader.size_bytes(),
    )


def _head(stored: dict) -> Head:
    return Head(article_id=stored["article_id"], source=stored.get("source", ""), title=stored.get("title") or None,
                date=_date(stored.get("date")), outlet=stored.get("outlet"), authors=list(stored.get("author") or []),
                place=stored.get("place"), extras=stored.get("article") or {})


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
