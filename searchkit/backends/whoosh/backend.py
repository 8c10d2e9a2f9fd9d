"""The Whoosh backend: an index folder on this machine, written by one run at a time and read by any number of
processes (what `searchkit.Index` did with Whoosh before the backend seam)."""
from __future__ import annotations

import dataclasses
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar

from ... import durable
from ...errors import IndexLockedError, NoIndexError, SearchkitError
from ...models import Actor, Article, ArticleSummary, IndexStats, Results
from ...read import pipeline
from ...read.outlets import OutletTable
from ...search.filters import Filters
from ..base import Run
from . import catalog, facets, postings
from .engine import PassageSearcher
from .index import BatchWriter, IndexStore, analyse_articles, check_schema, read_manifest, verify

READ_RETRIES = 6
OVERRIDES_FILE = "actor_overrides.txt"  # the user's actor overrides, kept with the index
T = TypeVar("T")


class WhooshBackend:
    """An index folder. Searches reuse one open searcher, refreshed when a writer has committed since."""

    def __init__(self, location: str, config: pipeline.PipelineConfig):
        self.path = Path(location)
        self.location = str(self.path)
        self.store = IndexStore(self.path)
        remembered = self.path / OVERRIDES_FILE
        self._new_overrides = Path(config.actor_overrides) if config.actor_overrides else None
        # Overrides given once stay with the index: later runs and searches apply them without being told.
        overrides = config.actor_overrides or (str(remembered) if remembered.is_file() else None)
        self.config = dataclasses.replace(config, actor_overrides=overrides)
        self._ix = None
        self._searcher: PassageSearcher | None = None

    def exists(self) -> bool:
        return self.store.exists()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix = None

    def _index(self):
        if self._ix is None:
            if self.store.exists():
                check_schema(self.path)
            self._ix = self.store.open_or_create()
        return self._ix

    def _passages(self) -> PassageSearcher:
        """The open searcher, reused across queries, refreshed when a commit has happened since."""
        if self._searcher is None:
            self._searcher = PassageSearcher(
                self._index(), OutletTable.load(self.config.outlet_files), pipeline.load_actor_overrides(self.config)
            )
        else:
            self._searcher.refresh()
        return self._searcher

    # -- writing ---------------------------------------------------------------------------------------------
    @contextmanager
    def run_lock(self, timeout: float, part: tuple[int, int] | None = None) -> Iterator[None]:
        """One writing run at a time, whatever its part: the folder has one writer."""
        try:
            with self.store.run_lock(timeout):
                yield
        except IndexLockedError as exc:
            if part is None:
                raise
            raise IndexLockedError(f"{exc}; an index folder takes one run at a time, whatever its --part: run the "
                                   "parts one after another, or index into an OpenSearch cluster") from None

    def start_run(self, *, rebuild: bool, commit_every: int) -> Run:
        self.close()
        ix = self.store.create() if rebuild or not self.store.exists() else self._index()
        self._ix = ix
        self._remember_overrides()
        with ix.searcher() as searcher:
            manifest = read_manifest(searcher)
        writer = BatchWriter(ix, batch_passages=commit_every, folder=self.path)

        def readers(workers: int) -> int:
            readers, writer.helpers = _split_workers(workers)
            return readers

        return Run(manifest, writer, analyse_articles, self._warm_caches, readers)

    def _remember_overrides(self) -> None:
        """Copy the overrides into the index, durably (synced before any commit that applied them)."""
        if self._new_overrides is not None and self._new_overrides.resolve() != (self.path / OVERRIDES_FILE).resolve():
            try:
                content = self._new_overrides.read_bytes()
            except OSError as exc:
                raise SearchkitError(f"{self._new_overrides}: cannot read the actor overrides ({exc.strerror})") from exc
            durable.write_file(self.path / OVERRIDES_FILE, lambda file: file.write(content))

    def _warm_caches(self) -> None:
        """Build what searchers derive from the index (facet columns, the documents of frequent terms, the actor
        registry) once, now, so that the first search after indexing only loads files. The pass reads every
        segment: unmapped, so that its pages do not stay in this process's memory (Reuters-21578, one worker: the
        peak went from 355 MB to 165 MB)."""
        self.close()
        self._ix = self.store.open(mapped=False)
        with self._ix.searcher() as searcher:
            facets.prune(searcher.reader(), self.path)
            postings.prune(searcher.reader(), self.path)
        self._passages().registry
        self.close()

    # -- reading ---------------------------------------------------------------------------------------------
    def _read(self, action: Callable[[PassageSearcher], T]) -> T:
        """Run a read on the open searcher. A writer's commit may merge and delete segment files that this reader
        has not opened yet (Whoosh opens some lazily): then the read starts over on the latest commit."""
        for attempt in range(READ_RETRIES):
            try:
                return action(self._passages())
            except FileNotFoundError:
                self.close()
                time.sleep(0.02 * 2**attempt)  # a writer committing in a burst: let it finish
        return action(self._passages())

    def search(self, query: str, *, any_term: bool, filters: Filters, facets: Sequence[str],
               facet_limit: int | None, facet_order: str, limit: int, page: int, sort: str,
               per_article: int | None, explain: bool) -> Results:
        return self._read(lambda ps: ps.search(
            query, any_term=any_term, filters=filters, facets=facets, facet_limit=facet_limit,
            facet_order=facet_order, limit=limit, page=page, sort=sort, per_article=per_article, explain=explain,
        ))

    def article(self, article_id: str) -> Article | None:
        return self._read(lambda ps: catalog.article(ps, article_id))

    def articles(self) -> list[ArticleSummary]:
        return self._read(catalog.articles)

    def actors(self, kind: str | None = None) -> list[Actor]:
        return self._read(lambda ps: catalog.actors(ps, kind))

    def stats(self) -> IndexStats:
        return self._read(catalog.stats)

    def check(self) -> list[str]:
        """Problems found by reading every segment and matching passages to article records (empty: healthy)."""
        if not self.store.exists():
            raise NoIndexError(f"no index at {self.path}")
        check_schema(self.path)
        for attempt in range(READ_RETRIES):
            try:
                return verify(self.store.open())
            except FileNotFoundError:  # a commit replaced the segments while they were read: check the new ones
                time.sleep(0.02 * 2**attempt)
        return verify(self.store.open())


def _split_workers(workers: int) -> tuple[int, int]:
    """(processes reading files, helper processes writing segments) for a run of `workers` processes; one reader
    is this process itself. On two cores this process reads and two helpers analyse and write: Reuters-21578
    indexed in 48-51 s so, and in 54 s with two reader processes besides, which held 155 MB more in all."""
    if workers <= 2:
        return 1, workers if workers > 1 else 0
    return workers // 2, workers - workers // 2
