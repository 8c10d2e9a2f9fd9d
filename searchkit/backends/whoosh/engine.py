"""Ranked passages for a query: parse, filter, rank (BM25F), page, highlight, count facets, suggest spellings.

One `PassageSearcher` wraps one open Whoosh searcher and the caches derived from it (facet columns, the actor
registry); `refresh()` swaps them when a writer has committed since.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from whoosh import query as wq

from ...read.outlets import OutletTable
from ...fieldvalues import split_list
from ...periods import from_day_number
from ...search.vocabulary import Vocabulary
from ...options import DEFAULT_FACETS
from ...models import FacetValue, Hit, Results
from . import ranking
from ...search import snippets
from .analysis import stem
from .articles import ArticleScorer
from .docsets import DocSets
from .explain import explain as explain_hit
from .paging import PageRequest, page_hits
from ...search.aliases import ActorRegistry
from .facets import FacetColumn, FacetData, top_values
from .query import Plan, QueryParser
from ...search.filters import Filters, indexed_values
from .segment_files import segment_ids
from ...search.closest import filter_notices
from ...search.spelling import better_query
from ...search.request import SUGGEST_BELOW, actor_facet, actor_value, check_request

_PERIODS = {"year": "Y", "month": "M"}  # facets read off the date column


class PassageSearcher:
    def __init__(self, ix, outlets: OutletTable | None = None, overrides=None):
        self.ix = ix
        self.outlets = outlets
        self.overrides = overrides
        self.searcher = ix.searcher(weighting=ranking.weighting())
        self._columns: dict[str, FacetColumn] = {}
        self._registry: ActorRegistry | None = None
        self._vocabulary: Vocabulary | None = None
        self._facet_data: FacetData | None = None
        self._docsets: DocSets | None = None
        self._articles: ArticleScorer | None = None
        self.parser = QueryParser(self.resolve_names, lambda words: self.registry.names_actor(words))

    # -- lifecycle -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """See the last commit: reopen the reader if the index changed, dropping what was derived from it."""
        if self.ix.latest_generation() == self.searcher.reader().generation():
            return
        # A new searcher, not Whoosh's refresh(): refresh reuses the old reader's segment readers, and after a
        # writer's merge that showed passages twice (tests/test_index.py, searches during indexing).
        fresh = self.ix.searcher(weighting=ranking.weighting())
        self.searcher.close()
        if fresh is not self.searcher:
            self.searcher = fresh
            self._columns.clear()
            self._registry = None
            self._vocabulary = None
            self._facet_data = None
            self._docsets = None
            self._articles = None

    def close(self) -> None:
        self.searcher.close()

    # -- derived, cached per reader --------------------------------------------------------------------------
    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.load(Path(self.ix.storage.folder))
        return self._vocabulary

    @property
    def registry(self) -> ActorRegistry:
        if self._registry is None:
            key = ",".join(segment_ids(self.searcher.reader()))
            folder = Path(self.ix.storage.folder)
            self._registry = ActorRegistry.load(self.facet_data.term_counts("actor"), folder, key, self.overrides)
        return self._registry

    @property
    def facet_data(self) -> FacetData:
        if self._facet_data is None:
            self._facet_data = FacetData.load(self.searcher.reader(), Path(self.ix.storage.folder))
        return self._facet_data

    def column(self, name: str) -> FacetColumn:
        if name not in self._columns:
            if name in _PERIODS:
                self._columns[name] = self.facet_data.period_column(_PERIODS[name])
            elif name == "actor":
                self._columns[name] = self.facet_data.column(name, lambda t: actor_value(self.registry.canonical(t)))
            else:
                self._columns[name] = self.facet_data.column(name)
        return self._columns[name]

    def resolve_names(self, fieldname: str, value: str) -> list[str]:
        """The indexed terms a user's name for an outlet, actor, author or place stands for."""
        if fieldname == "actor":
            return self.registry.resolve(value)
        return indexed_values(fieldname, value, self._terms(fieldname), self.outlets)

    def filter_notices(self, filters: Filters) -> list[str]:
        """A line for each outlet or actor filter value that names nothing in the index, with the closest name."""
        return filter_notices(filters, self.resolve_names, self._known_names)

    def _known_names(self, fieldname: str) -> list[str]:
        return self.registry.canonical_names() if fieldname == "actor" else self._terms(fieldname)

    def _terms(self, fieldname: str) -> list[str]:
        reader = self.searcher.reader()
        if not reader.doc_count_all():
            return []
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]

    # -- searching -------------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        any_term: bool = False,
        filters: Filters | None = None,
        facets: Sequence[str] = DEFAULT_FACETS,
        facet_limit: int | None = 10,
        facet_order: str = "count",
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        per_article: int | None = None,
        explain: bool = False,
    ) -> Results:
        started = time.perf_counter()
        check_request(limit, page, sort, per_article, facets, facet_order)
        request = PageRequest(limit, page, sort, per_article)
        filters = filters or Filters()
        plan = self.parser.plan(query, any_term=any_term)
        notices = self.filter_notices(filters)
        allowed = self._filter_docs(filters)
        matched = self._matched_docs(plan.matching, allowed)
        strict_total, dropped = len(matched), []
        if not strict_total and not any_term:
            plan, matched, dropped = self._relaxed(plan, allowed) or (plan, matched, [])
        hits = self._hits(plan, matched if plan.rank_within_matches else allowed, request, explain)
        results = Results(query=query, total=0, hits=hits, page=page, limit=limit, dropped=dropped,
                          passages=int(len(matched)), articles=self.count_articles(matched),
                          unit="articles" if per_article else "passages", notices=notices)
        results.total = results.articles if per_article else results.passages
        if facets:
            results.facets = self.count_facets(matched, facets, facet_limit, facet_order)
        if strict_total < SUGGEST_BELOW:
            results.suggestion = self._suggestion(plan, any_term, allowed, strict_total)
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    @property
    def article_column(self) -> FacetColumn:
        """Each passage's article."""
        if "article_id" not in self._columns:
            self._columns["article_id"] = self.facet_data.term_column("article_id")
        return self._columns["article_id"]

    def count_articles(self, matched: np.ndarray) -> int:
        """How many articles the `matched` passages belong to."""
        return self.article_column.distinct(matched)

    @property
    def docsets(self) -> DocSets:
        if self._docsets is None:
            self._docsets = DocSets(self.searcher, days=self.facet_data.days, folder=Path(self.ix.storage.folder))
        return self._docsets

    @property
    def articles(self) -> ArticleScorer:
        """Whole-article scores for grouped results."""
        if self._articles is None:
            self._articles = ArticleScorer(self.searcher, self.docsets, self.article_column)
        return self._articles

    def _filter_docs(self, filters: Filters) -> np.ndarray | None:
        filter_query = self.parser.filter_query(filters)
        return None if filter_query is None else self.docsets.docs(filter_query)

    def _matched_docs(self, parsed: wq.Query, allowed: np.ndarray | None) -> np.ndarray:
        return self.docsets.docs(parsed, within=allowed)

    def _relaxed(self, plan: Plan, allowed: np.ndarray | None) -> tuple[Plan, np.ndarray, list[str]] | None:
        """When no passage has every word: the passages with most of them, dropping the most common words first,
        ranked by all the words (passes.relaxations); None when the query is strict or nothing comes of it."""
        for relaxed, dropped in self.parser.relaxations(plan, lambda query: len(self.docsets.docs(query))):
            matched = self._matched_docs(relaxed.matching, allowed)
            if len(matched):
                return relaxed, matched, dropped
        return None

    def _hits(self, plan: Plan, within: np.ndarray | None, request: PageRequest, explain: bool) -> list[Hit]:
        page = page_hits(self.searcher, self.docsets, plan.ranking, within, request, self.article_column.value_of,
                         self.articles if request.per_article else None)
        highlighter = snippets.Highlighter(plan.tree, stem)
        scored = request.scored(plan.ranking)
        hits = [self._hit(found.hit, found.rank, highlighter, scored) for found in page]
        if explain:
            for hit, found in zip(hits, page):
                hit.explanation = explain_hit(self.searcher, plan.ranking, found.hit.docnum)
        return hits

    def _hit(self, whoosh_hit, rank: int, highlighter: "snippets.Highlighter", scored: bool = True) -> Hit:
        stored = whoosh_hit.fields()
        actors = self.registry.canonical_refs(split_list(stored.get("actor")))
        day = stored.get("date")
        text = stored.get("text", "")
        return Hit(
            rank=rank,
            score=round(float(whoosh_hit.score or 0.0), 4) if scored else None,  # sorted: the score is a date
            article_id=stored["article_id"],
            passage_id=stored["passage_id"],
            position=int(stored.get("position", 0)),
            source=stored.get("source", ""),
            title=stored.get("title") or None,
            date=from_day_number(day) if day is not None else None,
            outlet=stored.get("outlet"),
            authors=split_list(stored.get("author")),
            actors=actors,
            text=text,
            snippet=highlighter.snippet(text),
        )

    def count_facets(self, matched: np.ndarray, names: Iterable[str], limit: int | None = 10,
                     order: str = "count") -> dict[str, list[FacetValue]]:
        """Counts over every matched passage. Names: outlet, actor, year, month, author, or actor:KIND. The `limit`
        most frequent values of each, most first, or (`order="value"`) in value order: years and months in time
        order."""
        counts: dict[str, list[FacetValue]] = {}
        for name in names:
            fieldname, _, kind = name.partition(":")
            column = self.column(fieldname)
            if fieldname == "actor":
                keep = (lambda v, k=kind: v.startswith(k + ":")) if kind else (lambda v: True)
                values = top_values(column, matched, limit, keep)
                counts[name] = [actor_facet(v) for v in values]
            else:
                counts[name] = top_values(column, matched, limit)
            if order == "value":
                counts[name].sort(key=lambda v: v.value.casefold())
        return counts

    def _suggestion(self, plan: Plan, any_term: bool, allowed, total: int) -> str | None:
        return better_query(self.vocabulary, plan.text, plan.tree, total, lambda text: len(
            self._matched_docs(self.parser.parse(text, any_term=any_term), allowed)))
