"""The OpenSearch backend: an index of passages on a cluster, `http(s)://host:port/name`.

Writing (`writing.py`: bulk requests, runs of several parts at once, visibility of committed batches, repair after a
crash, the manifest and actor registry kept in the cluster) and reading (`searching.py`: the query tree compiled by
`compile.py`, counts, facets, snippets; `catalog.py`: articles, actors, stats) meet here. Every read sees only
committed batches: `Cluster.visibility()` is part of every query.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

from ...models import Actor, Article, ArticleSummary, IndexStats, Results
from ...read import pipeline
from ...search.filters import Filters
from ..base import Run
from . import catalog, searching, writing
from .connection import Credentials, make_client, parse_location

# Client settings: a bulk request of 1,000 passages or a scan page may take long on a loaded cluster; a request to
# a node that died is tried again (on the same URL: the node named there must be up).
CLIENT_OPTIONS = {"timeout": 60, "max_retries": 3, "retry_on_timeout": True}


class OpenSearchBackend:
    """One index on a cluster, and the control index beside it (`<name>-searchkit`) that holds what searchkit
    keeps besides passages: committed batches, run locks, the actor overrides and registry."""

    def __init__(self, location: str, config: pipeline.PipelineConfig):
        self.where = parse_location(location)
        self.location = str(self.where)  # never credentials: they come from the environment only
        self.client = make_client(self.where, Credentials.from_environment(), **CLIENT_OPTIONS)
        self.cluster = writing.Cluster(self.client, self.where.index, self.location)
        self.config = dataclasses.replace(config, actor_overrides=self.cluster.remembered_overrides(config))
        self._reader: searching.Reader | None = None

    def exists(self) -> bool:
        return self.cluster.exists()

    def close(self) -> None:
        self._reader = None
        self.client.close()

    # -- writing ---------------------------------------------------------------------------------------------
    def run_lock(self, timeout: float, part: tuple[int, int] | None = None):
        return self.cluster.run_lock(timeout, part)

    def start_run(self, *, rebuild: bool, commit_every: int) -> Run:
        self._reader = None
        return self.cluster.start_run(self.config, rebuild=rebuild, commit_every=commit_every)

    def check(self) -> list[str]:
        return self.cluster.check()

    # -- reading ---------------------------------------------------------------------------------------------
    def _read(self) -> searching.Reader:
        """The reader of the last committed state (made again when a run has committed since)."""
        if self._reader is None or self._reader.stale():
            self._reader = searching.Reader(self.cluster, self.config)
        return self._reader

    def search(self, query: str, *, any_term: bool, filters: Filters, facets: Sequence[str],
               facet_limit: int | None, facet_order: str, limit: int, page: int, sort: str,
               per_article: int | None, explain: bool) -> Results:
        return self._read().search(query, any_term=any_term, filters=filters, facets=facets,
                                   facet_limit=facet_limit, facet_order=facet_order, limit=limit, page=page,
                                   sort=sort, per_article=per_article, explain=explain)

    def article(self, article_id: str) -> Article | None:
        return catalog.article(self._read(), article_id)

    def articles(self) -> list[ArticleSummary]:
        return catalog.articles(self._read())

    def actors(self, kind: str | None = None) -> list[Actor]:
        return catalog.actors(self._read(), kind)

    def stats(self) -> IndexStats:
        return catalog.stats(self._read())
