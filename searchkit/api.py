"""The public face: `Index` opens or creates an index folder, adds files to it, and searches it.

The command line is built on exactly this class.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from . import pipeline
from .errors import IndexInterrupted, NoIndexError
from .outlets import OutletTable
from .index import BatchWriter, IndexStore, ManifestEntry, check_schema, read_manifest, verify
from .ingest import file_digest, find_files
from .models import Actor, Article, ArticleSummary, FileProblem, IndexReport, IndexStats, Results
from .search import DEFAULT_FACETS, Filters, PassageSearcher, catalog, parse_date_bound

DEFAULT_INDEX = "index"
INDEX_ENV = "SEARCHKIT_INDEX"
# Below this many files to read, worker processes cost more to start than they save.
PARALLEL_FROM_FILES = 16

Progress = Callable[[int, int, str], None]  # (files done, files to read, current file)


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
        self.config = pipeline.PipelineConfig(
            outlet_files=tuple(str(p) for p in outlets),
            actor_overrides=str(actor_overrides) if actor_overrides else None,
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

    # -- writing ---------------------------------------------------------------------------------------------
    def add(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        workers: int | None = None,
        lock_timeout: float = 5.0,
    ) -> IndexReport:
        """Index the article files under `paths`: new files are added, changed ones re-indexed, files gone from
        disk removed, unchanged ones left alone. `rebuild` starts from an empty index."""
        started = time.perf_counter()
        report = IndexReport()
        files = list(find_files(paths))
        with self.store.run_lock(lock_timeout):
            self.close()
            ix = self.store.create() if rebuild or not self.store.exists() else self._index()
            self._ix = ix
            with ix.searcher() as searcher:
                manifest = read_manifest(searcher)
            todo = self._plan(files, manifest, report)
            writer = BatchWriter(ix)
            try:
                self._remove_missing(manifest, writer, report)
                self._write(todo, manifest, writer, report, progress, workers)
                writer.commit()
            except KeyboardInterrupt:
                writer.cancel()
                report.seconds = time.perf_counter() - started
                raise IndexInterrupted(report) from None
            except BaseException:
                writer.cancel()
                raise
        report.seconds = time.perf_counter() - started
        return report

    def _plan(self, files: list[Path], manifest: dict[str, ManifestEntry], report: IndexReport) -> list[tuple[Path, str]]:
        """The files whose content is new or changed, with their digests; unreadable ones are reported."""
        todo = []
        for path in files:
            try:
                digest = file_digest(path.read_bytes())
            except OSError as exc:
                report.skipped += 1
                report.problems.append(FileProblem(str(path), f"cannot read ({exc.strerror or exc})"))
                continue
            entry = manifest.get(_source_key(path))
            if entry is not None and entry.digest == digest:
                report.unchanged += 1
            else:
                todo.append((path, digest))
        return todo

    def _remove_missing(self, manifest: dict[str, ManifestEntry], writer: BatchWriter, report: IndexReport) -> None:
        for key in list(manifest):
            if not os.path.exists(key):
                writer.remove_source(key)
                report.removed += 1
                del manifest[key]

    def _write(self, todo, manifest, writer: BatchWriter, report: IndexReport, progress, workers) -> None:
        taken = {aid: key for key, entry in manifest.items() for aid in entry.article_ids}
        for done, result in enumerate(self._read_all([p for p, _ in todo], workers), start=1):
            key = _source_key(result.path)
            if progress:
                progress(done, len(todo), str(result.path))
            report.problems.extend(result.problems)
            if result.error:
                report.skipped += 1
                if result.error not in {str(p) for p in result.problems}:
                    report.problems.append(FileProblem(str(result.path), result.error.split(": ", 1)[-1]))
                continue
            articles = [_unique_id(a, key, taken) for a in result.articles]
            report.passages += writer.replace_source(key, articles, result.digest)
            report.articles += len(articles)
            if key in manifest:
                report.updated += 1
            else:
                report.indexed += 1

    def _read_all(self, paths: list[Path], workers: int | None) -> Iterator[pipeline.ReadResult]:
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        if workers <= 1 or len(paths) < PARALLEL_FROM_FILES:
            yield from (pipeline.read_source(p, self.config) for p in paths)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(pipeline.read_source, paths, [self.config] * len(paths), chunksize=8)

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
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        per_article: int | None = None,
        explain: bool = False,
    ) -> Results:
        """Ranked passages for `query` (Whoosh query language over title and text).

        `match="all"` needs every term (AND), `"any"` ranks passages with any of them (OR). Filters: a date
        range (YYYY, YYYY-MM or YYYY-MM-DD, inclusive), outlets and actors (any alias of an actor works).
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
        return self._passages().search(
            query, any_term=match == "any", filters=filters, facets=facets, facet_limit=facet_limit,
            limit=limit, page=page, sort=sort, per_article=per_article, explain=explain,
        )

    def article(self, article_id: str) -> Article | None:
        return catalog.article(self._passages(), article_id)

    def articles(self) -> list[ArticleSummary]:
        return catalog.articles(self._passages())

    def actors(self, kind: str | None = None) -> list[Actor]:
        return catalog.actors(self._passages(), kind)

    def stats(self) -> IndexStats:
        return catalog.stats(self._passages())

    def check(self) -> list[str]:
        """Problems found by reading every segment and matching passages to article records (empty: healthy)."""
        if not self.store.exists():
            raise NoIndexError(f"no index at {self.path}")
        check_schema(self.path)
        return verify(self.store.open())


def extract_file(
    path: str | os.PathLike,
    *,
    outlets: Sequence[str | os.PathLike] = (),
    actor_overrides: str | os.PathLike | None = None,
) -> pipeline.ReadResult:
    """How searchkit reads one file, without indexing it: its articles (metadata, passages, captions, boilerplate
    removed, actor mentions) and any problems. Raises BadInputError when the file cannot be read at all."""
    from .errors import BadInputError

    config = pipeline.PipelineConfig(tuple(str(p) for p in outlets), str(actor_overrides) if actor_overrides else None)
    result = pipeline.read_source(Path(path), config)
    if result.error:
        raise BadInputError(result.error)
    return result


def _source_key(path: Path) -> str:
    return str(path.resolve())


def _unique_id(article: Article, source_key: str, taken: dict[str, str]) -> Article:
    """Keep article ids unique across files: a clash gets a short suffix from its file's path."""
    owner = taken.get(article.article_id)
    if owner is not None and owner != source_key:
        suffix = hashlib.blake2b(source_key.encode(), digest_size=3).hexdigest()
        new_id = f"{article.article_id}-{suffix}"
        article = dataclasses.replace(
            article,
            article_id=new_id,
            passages=[dataclasses.replace(p, article_id=new_id) for p in article.passages],
        )
    taken[article.article_id] = source_key
    return article
