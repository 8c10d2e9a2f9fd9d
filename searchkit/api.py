"""The public face: `Index` opens or creates an index folder, adds files to it, and searches it.

The command line is built on exactly this class.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

from .read import pipeline
from . import durable
from .errors import BadInputError, IndexDiskError, IndexInterrupted, NoIndexError, SearchkitError
from .read.outlets import OutletTable
from . import indexing
from .backends.whoosh.index import BatchWriter, IndexStore, check_schema, read_manifest, verify
from .read.ingest import find_files
from .models import Actor, Article, ArticleSummary, IndexReport, IndexStats, Results
from .backends.whoosh import DEFAULT_FACETS, Filters, PassageSearcher, catalog, facets, parse_date_bound, postings

DEFAULT_INDEX = "index"
INDEX_ENV = "SEARCHKIT_INDEX"
# Each commit adds a segment per writing process, which Whoosh later merges (re-writing its postings) in the
# committing process: fewer commits, less merging. Reuters-21578 x4 (330,000 passages), one writer: 284 s at 5,000,
# 202 s at 50,000, with the same query latency. Two writers at 100,000 make the segments one writer made at 50,000;
# at 50,000 they would make 25,000-passage segments, and Whoosh's rule (merge the smallest segments once their sum
# is below a Fibonacci number of their count) would merge 26 of them, 650,000 passages, in one commit of a
# 1.3-million-passage run. A batch is also committed after 60 s, so a crash loses at most about a minute of work.
DEFAULT_COMMIT_PASSAGES = 100_000
# Below this much to read, worker processes cost more to start than they save.
PARALLEL_FROM_FILES = 16
PARALLEL_FROM_BYTES = 2 * 2**20

READ_RETRIES = 6
OVERRIDES_FILE = "actor_overrides.txt"  # the user's actor overrides, kept with the index
T = TypeVar("T")
Progress = indexing.Progress


def default_index_path() -> str:
    return os.environ.get(INDEX_ENV) or DEFAULT_INDEX


class Index:
    """A searchkit index folder. Use as a context manager, or call `close()`, to release its readers.

    >>> with Index("index") as ix:
    ...     ix.add(["seeds"])
    ...     results = ix.search("Iran talks", actors=["Maliki"], facets=["outlet", "year"])
    """

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        create: bool = True,
        outlets: Sequence[str | os.PathLike] = (),
        actor_overrides: str | os.PathLike | None = None,
    ):
        self.path = Path(path if path is not None else default_index_path())
        self.store = IndexStore(self.path)
        if not create and not self.store.exists():
            raise NoIndexError(f"no index at {self.path} (run `searchkit index PATH` first, or give --index DIR)")
        remembered = self.path / OVERRIDES_FILE
        self._new_overrides = Path(actor_overrides) if actor_overrides else None
        # Overrides given once stay with the index: later runs and searches apply them without being told.
        overrides = actor_overrides or (remembered if remembered.is_file() else None)
        self.config = pipeline.PipelineConfig(
            outlet_files=tuple(str(p) for p in outlets),
            actor_overrides=str(overrides) if overrides else None,
        )
        self._ix = None
        self._searcher: PassageSearcher | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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

    # -- writing ---------------------------------------------------------------------------------------------
    def add(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        workers: int | None = None,
        lock_timeout: float = 5.0,
        commit_every: int = DEFAULT_COMMIT_PASSAGES,
    ) -> IndexReport:
        """Index the article files under `paths`: new files are added, changed ones re-indexed, files gone from
        disk removed, unchanged ones left alone. `rebuild` starts from an empty index.

        Work is committed every `commit_every` passages (a .txt or .html file whole, a JSON Lines file a batch of
        lines at a time): a crash or Ctrl-C loses at most the batch under way, and the index stays readable with
        every article complete throughout. A JSON Lines file's new and changed lines are read, not the file."""
        started = time.perf_counter()
        report = IndexReport()
        found = find_files(paths)
        report.not_read = [str(p) for p in found.not_read]
        with self._disk_errors(), self.store.run_lock(lock_timeout):
            self.close()
            ix = self.store.create() if rebuild or not self.store.exists() else self._index()
            self._ix = ix
            self._remember_overrides()
            with ix.searcher() as searcher:
                manifest = read_manifest(searcher)
            todo = indexing.plan(found.files, manifest, report)
            workers = workers if workers is not None else _default_workers(len(todo.files), todo.size)
            readers, writers = _split_workers(workers)
            writer = BatchWriter(ix, batch_passages=commit_every, folder=self.path, helpers=writers)
            try:
                indexing.remove_missing(manifest, writer, report)
                indexing.write(todo, manifest, writer, report, self.config, readers, progress)
                writer.commit()
                self._warm_caches()
            except KeyboardInterrupt:
                writer.cancel()
                report.seconds = time.perf_counter() - started
                raise IndexInterrupted(report) from None
            except BaseException:
                writer.cancel()
                raise
        report.seconds = time.perf_counter() - started
        return report

    @contextmanager
    def _disk_errors(self):
        """A full, failing or read-only disk becomes one line naming the error and the index folder (the batch under
        way was cancelled; the last commit stands). Other OSErrors are bugs, and stay as they are."""
        try:
            yield
        except OSError as exc:
            if exc.errno not in durable.DISK_ERRORS:
                raise
            raise IndexDiskError(
                f"{self.path}: {durable.describe(exc)}: the index keeps its last commit; run `searchkit index` again "
                "once the disk can be written"
            ) from exc

    # -- reading ---------------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        match: str = "all",
        date_from: str | dt.date | None = None,
        date_to: str | dt.date | None = None,
        outlets: str | Sequence[str] = (),
        actors: str | Sequence[str] = (),
        facets: Sequence[str] = DEFAULT_FACETS,
        facet_limit: int | None = 10,
        facet_order: str = "count",
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        per_article: int | None = None,
        explain: bool = False,
    ) -> Results:
        """Ranked passages for `query` (searchkit's query language, see the README: title and text by default); an
        empty query lists the passages that pass the filters, newest first.

        `match="all"` needs every term (AND), `"any"` ranks passages with any of them (OR). Filters: a date
        range (inclusive; YYYY, YYYY-MM, YYYY-MM-DD, "March 2007", "12 March 2007"; a month or year given as
        `date_to` ends where it ends), outlets and actors (any alias of an actor works). A filter value that names
        nothing in the index adds a line to `Results.notices`, with the closest known name.

        `per_article` groups the hits by article: `total`, `limit` and `page` then count articles, each with up to
        `per_article` of its best passages. `limit=0` gives the total and facets only. Facet values come most
        frequent first, or with `facet_order="value"` in value order (years and months in time order).
        `explain` gives each hit the matched clauses and what each added to its score."""
        if match not in ("all", "any"):
            from .errors import QueryError

            raise QueryError(f"unknown match mode {match!r} (use 'all' or 'any')")
        filters = Filters(
            date_from=parse_date_bound(date_from),
            date_to=parse_date_bound(date_to, end=True),
            outlets=[outlets] if isinstance(outlets, str) else list(outlets),
            actors=[actors] if isinstance(actors, str) else list(actors),
        )
        return self._read(lambda ps: ps.search(
            query, any_term=match == "any", filters=filters, facets=facets, facet_limit=facet_limit,
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


def extract_file(
    path: str | os.PathLike,
    *,
    outlets: Sequence[str | os.PathLike] = (),
    actor_overrides: str | os.PathLike | None = None,
) -> pipeline.ReadResult:
    """How searchkit reads one file, without indexing it: its articles (metadata, passages, captions, boilerplate
    removed, actor mentions) and any problems. Raises BadInputError when the file cannot be read at all."""
    config = pipeline.PipelineConfig(tuple(str(p) for p in outlets), str(actor_overrides) if actor_overrides else None)
    path = Path(path)
    merged = pipeline.ReadResult(path=path)
    for result in pipeline.read_all([path], config):
        merged.articles.extend(result.articles)
        merged.problems.extend(result.problems)
        merged.error = merged.error or result.error
    if not merged.articles:
        raise BadInputError(merged.error or f"{path}: no readable article")
    return merged


def _default_workers(files: int, total_bytes: int) -> int:
    """Worker processes cost a second to start: worth it only for a corpus that takes longer than that."""
    if files < PARALLEL_FROM_FILES and total_bytes < PARALLEL_FROM_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _split_workers(workers: int) -> tuple[int, int]:
    """(processes reading files, helper processes writing segments) for a run of `workers` processes; one reader
    is this process itself. On two cores this process reads and two helpers analyse and write: Reuters-21578
    indexed in 48-51 s so, and in 54 s with two reader processes besides, which held 155 MB more in all."""
    if workers <= 2:
        return 1, workers if workers > 1 else 0
    return workers // 2, workers - workers // 2
