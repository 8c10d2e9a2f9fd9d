"""Ranked passages for a query on a cluster: parse, filter, rank, page, highlight, count facets, suggest spellings,
with the Whoosh backend's semantics (backends/whoosh/engine.py PassageSearcher.search).

One search is one request (grouped by article too: collapse with inner hits); more when a query must be relaxed, a
facet recounted or a spelling checked. Every request filters with `cluster.visibility()`: only committed batches, never half an
article. Counts:
- passages: `track_total_hits`, exact.
- articles: exact, counted on each shard and summed, which holds because an article's passages are routed to one
  shard (writing.py). OpenSearch's cardinality aggregation, even at its highest precision (40,000), was off by 1-2
  articles in 60 of the 250 benchmark queries on Reuters x1 (about 10,000 matching articles each).
- facets: exact, see facets.py.
Relevance ranking asks for `dfs_query_then_fetch`: term statistics over the whole index, not per shard, so a
passage scores the same whichever shard holds it.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Iterator, Sequence

from opensearchpy import helpers

from ...errors import QueryError
from ...models import ActorRef, FacetValue, Hit, Results
from ...options import DEFAULT_FACETS
from ...read import pipeline
from ...read.outlets import OutletTable
from ...search import snippets
from ...search.aliases import ActorRegistry
from ...search.closest import filter_notices
from ...search.filters import Filters, indexed_values
from ...search.request import SUGGEST_BELOW, actor_facet, check_request
from ...search.spelling import better_query
from . import audit, facets as facet_counts
from .compile import Query, within
from .explain import explain as explain_hit
from .failures import cluster_errors, reported
from .query import Plan, QueryParser
from .spelling import ClusterVocabulary
from .stemming import stem

# Each shard's distinct article ids, summed over the shards.
ARTICLES_PER_SHARD = {
    "init_script": "state.ids = new HashSet();",
    "map_script": "state.ids.add(doc['article_id'].value);",
    "combine_script": "return state.ids.size();",
    "reduce_script": "long total = 0; for (def n : states) { if (n != null) { total += n; } } return total;",
}
SHOWN = ["passage_id", "article_id", "position", "source", "title", "date", "outlet", "author", "actor", "text"]
SCAN_PAGE = 2000
RESULT_WINDOW = 10_000  # OpenSearch's default index.max_result_window: from + size of one page at most


class Reader:
    """Searches and catalog reads of one cluster index, as of one generation (`stale()` once a run has committed)."""

    def __init__(self, cluster, config: pipeline.PipelineConfig):
        self.cluster = cluster
        self.client = cluster.client
        self.index = cluster.index
        self.location = cluster.location  # what cluster failures name
        self.generation = cluster.generation()
        self.outlets = OutletTable.load(config.outlet_files)
        self.overrides = pipeline.load_actor_overrides(config)
        self._registry: ActorRegistry | None = None
        self._values: dict[str, list[str]] = {}
        self._canonical: dict[str, str] | None = None
        self.parser = QueryParser(self.resolve_names, lambda words: self.registry.names_actor(words))
        self.vocabulary = ClusterVocabulary(self.run, self.count)

    def stale(self) -> bool:
        return self.cluster.generation() != self.generation

    # -- what the passes and filters ask ---------------------------------------------------------------------
    @property
    def registry(self) -> ActorRegistry:
        if self._registry is None:
            self._registry = self.cluster.actor_registry(self.overrides)
        return self._registry

    def resolve_names(self, fieldname: str, value: str) -> list[str]:
        """The indexed values a user's name for an outlet, actor, author or place stands for."""
        if fieldname == "actor":
            return self.registry.resolve(value)
        return indexed_values(fieldname, value, self.values(fieldname), self.outlets)

    def values(self, fieldname: str) -> list[str]:
        """Every value of a keyword field among the visible passages."""
        if fieldname not in self._values:
            with cluster_errors(self.location):
                query = within(None, [self.cluster.visibility()])
                self._values[fieldname] = sorted(audit.composite_counts(self.client, self.index, fieldname, query))
        return self._values[fieldname]

    def filter_notices(self, filters: Filters) -> list[str]:
        """A line for each outlet or actor filter value that names nothing in the index, with the closest name."""
        return filter_notices(filters, self.resolve_names, self._known_names)

    def _known_names(self, fieldname: str) -> list[str]:
        return self.registry.canonical_names() if fieldname == "actor" else self.values(fieldname)

    # -- requests --------------------------------------------------------------------------------------------
    @reported
    def run(self, body: dict, **params) -> dict:
        return self.client.search(index=self.index, body=body, **params)

    @reported
    def count(self, query: Query) -> int:
        """Visible passages matching `query`."""
        body = {"query": within(query, [self.cluster.visibility()])}
        return int(self.client.count(index=self.index, body=body)["count"])

    def passages(self, query: Query, size: int, sort: list | None = None) -> list[dict]:
        """The visible passages matching `query` (up to `size`), every stored field."""
        body = {"query": within(query, [self.cluster.visibility()]), "size": size, "sort": sort or ["_doc"]}
        return [hit["_source"] for hit in self.run(body)["hits"]["hits"]]

    def scan(self, query: Query) -> Iterator[dict]:
        """Every visible passage matching `query`, every stored field, in no order."""
        with cluster_errors(self.location):
            body = {"query": within(query, [self.cluster.visibility()])}
            for hit in helpers.scan(self.client, index=self.index, query=body, size=SCAN_PAGE):
                yield hit["_source"]

    @reported
    def size_bytes(self) -> int:
        """The index's size on the cluster, one copy of each shard (replicas hold as much again)."""
        stats = self.client.indices.stats(index=self.index, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    # -- searching -------------------------------------------------------------------------------------------
    def search(self, query: str, *, any_term: bool = False, filters: Filters | None = None,
               facets: Sequence[str] = DEFAULT_FACETS, facet_limit: int | None = 10, facet_order: str = "count",
               limit: int = 10, page: int = 1, sort: str = "relevance", per_article: int | None = None,
               explain: bool = False) -> Results:
        started = time.perf_counter()
        check_request(limit, page, sort, per_article, facets, facet_order)
        filters = filters or Filters()
        plan = self.parser.plan(query, any_term=any_term)
        notices = self.filter_notices(filters)
        allowed = [self.parser.filter_query(filters), self.cluster.visibility()]
        answer = self._page(plan, allowed, facets, facet_limit, limit, page, sort, per_article, explain)
        strict_total, dropped = answer["hits"]["total"]["value"], []
        if not strict_total and not any_term:
            relaxed = self._relaxed(plan, allowed)
            if relaxed is not None:
                plan, dropped = relaxed
                answer = self._page(plan, allowed, facets, facet_limit, limit, page, sort, per_article, explain)
        passages = answer["hits"]["total"]["value"]
        articles = int(answer["aggregations"]["articles"]["value"] or 0) if passages else 0
        if page * limit > RESULT_WINDOW and (articles if per_article else passages) > (page - 1) * limit:
            raise QueryError(f"--page {page} with --limit {limit} reaches past hit {RESULT_WINDOW:,}, the last an "
                             f"OpenSearch index pages to (index.max_result_window): narrow the query or try "
                             f"--page {max(1, RESULT_WINDOW // max(1, limit))}")
        results = Results(query=query, total=articles if per_article else passages,
                          hits=self._hits(plan, answer, limit, page, sort, per_article, explain), page=page,
                          limit=limit, dropped=dropped, passages=passages, articles=articles,
                          unit="articles" if per_article else "passages", notices=notices)
        if facets:
            results.facets = self._facets(plan, allowed, answer, facets, facet_limit, facet_order)
        if strict_total < SUGGEST_BELOW:
            results.suggestion = self._suggestion(plan, any_term, allowed, strict_total)
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    def _query(self, plan: Plan, allowed: list[Query | None]) -> Query:
        return within(plan.ranking, [plan.matching if plan.rank_within_matches else None] + allowed)

    def _page(self, plan: Plan, allowed, facets, facet_limit, limit, page, sort, per_article, explain) -> dict:
        """One request: the page's hits, the totals and the facets' first counts."""
        scored = sort == "relevance" and self.parser.scored(plan)
        if page * limit > RESULT_WINDOW:  # the cluster would refuse the page: counts only (see search)
            limit = page = 0
        body: dict = {
            "query": self._query(plan, allowed), "track_total_hits": True, "size": limit,
            "from": max(0, page - 1) * limit, "_source": SHOWN, "sort": _order(scored),
            "aggs": {"articles": {"scripted_metric": ARTICLES_PER_SHARD}},
        }
        if explain:
            body["explain"] = True
        if per_article:
            body["collapse"] = {"field": "article_id"}
            if per_article > 1:
                body["collapse"]["inner_hits"] = {"name": "best", "size": per_article, "_source": SHOWN,
                                                  "sort": _order(scored), "explain": explain}
        canonical = self._canonical_map(facets)
        for name in facets:
            body["aggs"][f"facet_{name}"] = facet_counts.terms_aggregation(
                facet_counts.FacetRequest.of(name), facet_limit, canonical)
        return self.run(body, search_type="dfs_query_then_fetch" if scored else "query_then_fetch")

    def _relaxed(self, plan: Plan, allowed) -> tuple[Plan, list[str]] | None:
        """When no passage has every word: the passages with most of them, dropping the most common words first,
        ranked by all the words (passes.relaxations); None when the query is strict or nothing comes of it."""
        for relaxed, dropped in self.parser.relaxations(plan, self.count):
            if self.count(within(relaxed.matching, allowed)):
                return relaxed, dropped
        return None

    # -- hits ------------------------------------------------------------------------------------------------
    def _hits(self, plan: Plan, answer: dict, limit: int, page: int, sort: str, per_article: int | None,
              explain: bool) -> list[Hit]:
        highlighter = snippets.Highlighter(plan.tree, stem)
        scored = sort == "relevance" and self.parser.scored(plan)
        hits = []
        for n, found in enumerate(answer["hits"]["hits"]):
            rank = (page - 1) * limit + n + 1
            group = found.get("inner_hits", {}).get("best", {}).get("hits", {}).get("hits") or [found]
            for member in group:
                hit = self._hit(member, rank, highlighter, scored)
                if explain:
                    hit.explanation = explain_hit(member.get("_explanation") or found.get("_explanation"))
                hits.append(hit)
        return hits

    def _hit(self, found: dict, rank: int, highlighter: snippets.Highlighter, scored: bool) -> Hit:
        stored = found["_source"]
        text = stored.get("text", "")
        return Hit(
            rank=rank,
            score=round(float(found.get("_score") or 0.0), 4) if scored else None,
            article_id=stored["article_id"],
            passage_id=stored["passage_id"],
            position=int(stored.get("position", 0)),
            source=stored.get("source", ""),
            title=stored.get("title") or None,
            date=dt.date.fromisoformat(stored["date"]) if stored.get("date") else None,
            outlet=stored.get("outlet"),
            authors=list(stored.get("author") or []),
            actors=self.canonical(stored.get("actor") or []),
            text=text,
            snippet=highlighter.snippet(text),
        )

    def canonical(self, tokens: list[str]) -> list[ActorRef]:
        return self.registry.canonical_refs(tokens)

    # -- facets ----------------------------------------------------------------------------------------------
    def _canonical_map(self, facets: Sequence[str]) -> dict[str, str]:
        """What the actor facet script maps, made once a reader (for every token of the index: Reuters x1 has
        25,229, of which 1,289 are mapped)."""
        if not any(name.partition(":")[0] == "actor" for name in facets):
            return {}
        if self._canonical is None:
            self._canonical = facet_counts.canonical_map(self.registry.canonical_of)
        return self._canonical

    def _facets(self, plan: Plan, allowed, answer: dict, names: Sequence[str], limit: int | None,
                order: str) -> dict[str, list[FacetValue]]:
        """Counts over every matched passage: the `limit` most frequent values of each, most first, or
        (`order="value"`) in value order; counted again value by value when the first counts may be inexact."""
        counts: dict[str, list[FacetValue]] = {}
        query = self._query(plan, allowed)
        for name in names:
            facet = facet_counts.FacetRequest.of(name)
            values = facet_counts.counted(facet, answer["aggregations"][f"facet_{name}"], limit)
            if values is None:
                canonical = self._canonical_map([name])
                values = facet_counts.count_all(facet, limit, canonical, lambda agg: self.run(
                    {"size": 0, "query": query, "aggs": {"values": agg}})["aggregations"]["values"])
            counts[name] = [actor_facet(v) for v in values] if facet.field == "actor" else values
            if order == "value":
                counts[name].sort(key=lambda v: v.value.casefold())
        return counts

    def count_facets(self, names: Sequence[str], limit: int | None) -> dict[str, list[FacetValue]]:
        """Facet counts over every visible passage (the catalog's actors and stats)."""
        return self.search("", facets=names, facet_limit=limit, limit=0).facets

    # -- suggestions -----------------------------------------------------------------------------------------
    def _suggestion(self, plan: Plan, any_term: bool, allowed, total: int) -> str | None:
        return better_query(self.vocabulary, plan.text, plan.tree, total, lambda text: self.count(
            within(self.parser.plan(text, any_term=any_term).matching, allowed)))


def _order(scored: bool) -> list:
    """Best first, ties in article and passage order; or newest first (undated last), a day's passages by score."""
    ties = [{"article_id": "asc"}, {"position": "asc"}]
    if scored:
        return [{"_score": "desc"}] + ties
    return [{"date": {"order": "desc", "missing": "_last"}}, {"_score": "desc"}] + ties
