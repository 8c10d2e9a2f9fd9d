"""One page of ranked passages, one by one or grouped by article: which Whoosh hits to show, in what order.

Grouped by article (`per_article`), a page holds articles, ranked by their best passage, each with up to
`per_article` of its best passages. Whoosh's own collapsing cannot do it: its collector drops a passage from a full
top-N heap without telling the collapse, so an article whose best passage fell out is never shown, and pages come
up short (`--limit 1000 --per-article 1` listed 12 articles of 132). Here the passages are ranked plainly, grouped
by the article-id column, and the page's articles get their best passages in a second search among their own.
In score order, the first articles are then ranked by the whole article (`articles.ArticleScorer`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from whoosh import query as wq
from whoosh.sorting import FieldFacet, ScoreFacet

from .articles import RERANK_DEPTH, ArticleScorer
from .docsets import DocSets

# Grouped by article, the first ranking asks for this many passages per article wanted, then four times more until
# it holds enough articles (or every match).
PASSAGES_PER_ARTICLE_GUESS = 4

ArticleOf = Callable[[np.ndarray], np.ndarray]  # document numbers -> article numbers


@dataclass(frozen=True)
class PageRequest:
    """Which page of results: `limit` hits (or articles, with `per_article`) from page `page` on, in `sort` order."""

    limit: int = 10
    page: int = 1
    sort: str = "relevance"
    per_article: int | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def end(self) -> int:
        return self.offset + self.limit

    def scored(self, query: wq.Query) -> bool:
        """Whether hits come in score order (not by date): only then is a hit's score worth showing."""
        return self.sort == "relevance" and not isinstance(query, wq.Every)


@dataclass
class RankedHit:
    """A Whoosh hit to show and its rank: the passage's, or its article's when grouped by article."""

    hit: object
    rank: int


def page_hits(searcher, docsets: DocSets, query: wq.Query, allowed: np.ndarray | None, request: PageRequest,
              article_of: ArticleOf, articles: ArticleScorer | None = None) -> list[RankedHit]:
    """The hits of one page for `query`, among the `allowed` documents (all when None); grouped by article and in
    score order, the articles ranked by `articles` when given."""
    if request.limit == 0 or (allowed is not None and not len(allowed)):
        return []  # and Whoosh reads an empty filter as no filter at all
    if not request.per_article:
        found = _search(searcher, query, allowed, request, request.end)
        return [RankedHit(found[i], i + 1) for i in range(request.offset, min(len(found.top_n), request.end))]
    rerank = articles is not None and request.scored(query)
    wanted = max(request.end, RERANK_DEPTH) if rerank else request.end
    found, firsts = _best_of_each_article(searcher, query, allowed, request, article_of, wanted)
    if rerank:
        firsts = _by_whole_article(articles, query, found, firsts, article_of)
    leaders = [found[i] for i in firsts[request.offset:request.end]]
    if request.per_article == 1 or not leaders:
        return [RankedHit(hit, request.offset + n + 1) for n, hit in enumerate(leaders)]
    return _best_passages_of(searcher, docsets, query, allowed, request, article_of, leaders)


def _best_of_each_article(searcher, query, allowed, request: PageRequest, article_of: ArticleOf, wanted: int):
    """Whoosh's ranking, long enough to hold `wanted` articles, and the positions in it of each article's best
    passage, in rank order."""
    limit = wanted * PASSAGES_PER_ARTICLE_GUESS
    while True:
        found = _search(searcher, query, allowed, request, limit)
        _, firsts = np.unique(article_of(_docnums(found)), return_index=True)
        if len(firsts) >= wanted or len(found.top_n) < limit:
            return found, sorted(firsts.tolist())
        limit *= PASSAGES_PER_ARTICLE_GUESS


def _by_whole_article(articles: ArticleScorer, query, found, firsts: list[int], article_of: ArticleOf) -> list[int]:
    """The first RERANK_DEPTH articles (positions of their best passages in `found`) in whole-article order, then
    the rest as they were."""
    top = firsts[:RERANK_DEPTH]
    best = np.array([found.top_n[i][0] for i in top], dtype=float)
    numbers = article_of(np.array([found.top_n[i][1] for i in top], dtype=np.int64))
    order = articles.order(query, articles.candidates(numbers, best))
    return [top[i] for i in order.tolist()] + firsts[RERANK_DEPTH:]


def _best_passages_of(searcher, docsets: DocSets, query, allowed, request: PageRequest, article_of: ArticleOf,
                      leaders: list) -> list[RankedHit]:
    """Up to `per_article` best passages of each leader's article, the articles in the leaders' order."""
    within = docsets.docs(wq.Or([wq.Term("article_id", hit["article_id"]) for hit in leaders]), within=allowed)
    found = _search(searcher, query, within, request, len(within))
    articles = article_of(_docnums(found))
    rank = {int(a): request.offset + n + 1 for n, a in enumerate(article_of(np.array([h.docnum for h in leaders])))}
    taken: dict[int, int] = {}
    chosen = []
    for position, article in enumerate(articles.tolist()):
        if taken.get(article, 0) < request.per_article and article in rank:
            taken[article] = taken.get(article, 0) + 1
            chosen.append(RankedHit(found[position], rank[article]))
    chosen.sort(key=lambda ranked: ranked.rank)  # stable: each article's passages stay in rank order
    return chosen


def _docnums(found) -> np.ndarray:
    return np.fromiter((docnum for _, docnum in found.top_n), dtype=np.int64, count=len(found.top_n))


def _search(searcher, query: wq.Query, allowed: np.ndarray | None, request: PageRequest, limit: int):
    options: dict = {"filter": None if allowed is None else set(allowed.tolist()), "limit": limit}
    if not request.scored(query):
        # Newest first; passages of a day by score, and of equal scores (no query words) in index order, which is
        # each article's passages in order (Whoosh's reverse=True would reverse that too).
        options.update(sortedby=[FieldFacet("date", reverse=True), ScoreFacet()])
    return searcher.search(query, **options)
