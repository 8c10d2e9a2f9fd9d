"""An article as the catalog shows it, from its head passage's fields as any backend decodes them: `show` and
`articles` read the same on every backend."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..models import ActorRef, Article, ArticleSummary, Passage


@dataclass
class Head:
    """What an article's first passage holds of the article, decoded from a backend's stored fields."""

    article_id: str
    source: str
    title: str | None
    date: dt.date | None
    outlet: str | None
    authors: list[str]
    place: str | None
    extras: dict = field(default_factory=dict)  # digest, passages, captions, url, actors (documents/index)

    def article(self, text: str, passages: list[Passage]) -> Article:
        """The cleaned article whole: its text joined from the passages and what lay between them."""
        return Article(article_id=self.article_id, source=self.source, text=text, title=self.title, date=self.date,
                       outlet=self.outlet, authors=self.authors, place=self.place, url=self.extras.get("url"),
                       captions=self.extras.get("captions", []), passages=passages)

    def summary(self, actors: list[ActorRef]) -> ArticleSummary:
        return ArticleSummary(article_id=self.article_id, source=self.source, title=self.title, date=self.date,
                              outlet=self.outlet, authors=self.authors, actors=actors,
                              passages=int(self.extras.get("passages", 0)))
