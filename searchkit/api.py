"""The public face: `Index` opens or creates an index (a folder, or an index on an OpenSearch cluster), adds files
to it, and searches it. Engine-neutral: the engine is a `searchkit.backends` backend, chosen by the location.

The command line is built on exactly this class.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Sequence

from . import durable, indexing
from .backends import is_cluster_location, open_backend
from .backends.base import Backend
from .errors import BadInputError, IndexDiskError, IndexInterrupted, QueryError
from .models import Actor, Article, ArticleSummary, IndexReport, IndexStats, Results
from .options import DEFAULT_FACETS
from .read import pipeline
from .read.ingest import find_files
from .search.filters import Filters, parse_date_bound

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

Progress = indexing.Progress


def default_index_path() -> str:
    return os.environ.get(INDEX_ENV) or DEFAULT_INDEX


class Index:
    """A searchkit index: a folder (Whoosh, embedded) or an `http(s)://host:port/name` URL (an OpenSearch cluster's
    index `name`). Use as a context manager, or call `close()`, to release its readers.

    >>> with Index("index") as ix:
    ...     ix.add(["seeds"])
    ...     results = ix.search("Iran talks", actors=["Maliki"], facets=["outlet", "year"])
    """

    def __init__(
        self,
        location: str | os.PathLike | None = None,
        *,
        create: bool = True,
        outlets: Sequence[str | os.PathLike] = (),
        actor_overrides: str | os.PathLike | None = None,
    ):
        config = pipeline.PipelineConfig(
            outlet_files=tuple(str(p) for p in outlets),
            actor_overrides=str(actor_overrides) if actor_overrides else None,
        )
        location = location if location is not None else default_index_path()
        self.backend: Backend = open_backend(location, config, create=create)
        self.config = self.backend.config  # with the actor overrides the index remembers, when none are given
        self.location = self.backend.location  # what messages show: the folder, or the URL without credentials
        self.path = None if is_cluster_location(location) else Path(location)  # the index folder

    # -- lifecycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

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
        part: tuple[int, int] | None = None,
    ) -> IndexReport:
        """Index the article files under `paths`: new files are added, changed ones re-indexed, files gone from
        disk removed, unchanged ones left alone. `rebuild` starts from an empty index.

        Work is committed every `commit_every` passages (a .txt or .html file whole, a JSON Lines file a batch of
        lines at a time): a crash or Ctrl-C loses at most the batch under way, and the index stays readable with
        every article complete throughout. A JSON Lines file's new and changed lines are read, not the file.
        `part=(K, N)`: this run is part K of N run over the same files (on an OpenSearch index, runs of different
        parts may write at once)."""
        started = time.perf_counter()
        report = IndexReport()
        part = indexing.check_part(part) if part is not None else None
        if rebuild and part is not None:
            raise BadInputError(f"{self.location}: --rebuild empties the whole index: run it once without --part, "
                                "then the parts")
        found = find_files(paths)
        report.not_read = [str(p) for p in found.not_read]
        files = [f for f in found.files if indexing.in_part(indexing.source_key(f), part)]
        with self._disk_errors(), self.backend.run_lock(lock_timeout, part):
            run = self.backend.start_run(rebuild=rebuild, commit_every=commit_every)
            todo = indexing.plan(files, run.manifest, report)
            workers = workers if workers is not None else _default_workers(len(todo.files), todo.size)
            readers = run.readers(workers)
            try:
                indexing.remove_missing(run.manifest, run.writer, report, part)
                indexing.write(todo, run, report, self.config, readers, progress)
                run.writer.commit()
                run.finish()
            except KeyboardInterrupt:
                run.writer.cancel()
                report.seconds = time.perf_counter() - started
                raise IndexInterrupted(report) from None
            except BaseException:
                run.writer.cancel()
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
                f"{self.location}: {durable.describe(exc)}: the index keeps its last commit; run `searchkit index` again "
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

        `per_article` groups the hits by article: `total`, `limit` and `page` then count articles, ranked by the
        whole article (its best passage, its BM25 and feedback words), each with up to `per_article` of its best
        passages. `limit=0` gives the total and facets only. Facet values come most
        frequent first, or with `facet_order="value"` in value order (years and months in time order).
        `explain` gives each hit the matched clauses and what each added to its score."""
        if match not in ("all", "any"):
            raise QueryError(f"unknown match mode {match!r} (use 'all' or 'any')")
        filters = Filters(
            date_from=parse_date_bound(date_from),
            date_to=parse_date_bound(date_to, end=True),
            outlets=[outlets] if isinstance(outlets, str) else list(outlets),
            actors=[actors] if isinstance(actors, str) else list(actors),
        )
        return self.backend.search(
            query, any_term=match == "any", filters=filters, facets=facets, facet_limit=facet_limit,
            facet_order=facet_order, limit=limit, page=page, sort=sort, per_article=per_article, explain=explain,
        )

    def article(self, article_id: str) -> Article | None:
        return self.backend.article(article_id)

    def articles(self) -> list[ArticleSummary]:
        return self.backend.articles()

    def actors(self, kind: str | None = None) -> list[Actor]:
        return self.backend.actors(kind)

    def stats(self) -> IndexStats:
        return self.backend.stats()

    def check(self) -> list[str]:
        """Problems found by reading the whole index and matching passages to article records (empty: healthy)."""
        return self.backend.check()


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
