"""The seam between engine-neutral code (read/, query/, search/, indexing, api, cli, web) and each search engine.

A backend is opened on a location (a folder: Whoosh; an http(s) URL: OpenSearch) by `searchkit.backends.open_backend`.
`api.Index` talks to it only through `Backend`, and `indexing` writes through the `Writer` of a `Run`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ContextManager, Protocol, Sequence

from ..models import Actor, Article, ArticleSummary, IndexStats, ManifestEntry, Origin, Results

if TYPE_CHECKING:  # the pipeline imports its readers: only the type is needed here
    from ..read.pipeline import PipelineConfig
    from ..search.filters import Filters


class Writer(Protocol):
    """Writes one run's articles; engine-specific batching and commits. What indexing.py calls."""

    def add_articles(self, source_key: str, articles: list[Article], digest: str, replaces: Sequence[str] = (),
                     prepared: list | None = None, origins: list[Origin | None] | None = None) -> int:
        """Add a source's articles; `replaces`: ids of the file's old articles, deleted in the same commit as the
        new ones are added; `prepared`: what the backend's `prepare` made of each article in a reader process
        (Whoosh: its analysis); `origins`: each article's line, for a JSON Lines file. Returns passages written."""
        ...

    def remove_articles(self, article_ids: Sequence[str]) -> None: ...

    def end_source(self) -> None:
        """A source (file, or a batch of JSON Lines lines) is complete: the writer may commit."""
        ...

    def commit(self) -> None: ...

    def cancel(self) -> None:
        """Drop what is not committed; the index stays at its last commit."""
        ...


def _all_read(workers: int) -> int:
    return workers


@dataclass
class Run:
    """One writing run, as a backend starts it."""

    manifest: dict[str, ManifestEntry]  # source_key -> what the index holds of that file (at run start)
    writer: Writer
    # Run on each batch of articles in the reader worker processes (a top-level function: it must pickle), when
    # the run has reader processes besides this one; the writer then gets its results as `prepared`, else None.
    prepare: Callable[[list[Article]], list] | None
    finish: Callable[[], None]  # after the last commit: warm caches / refresh / save registry
    # Called once, before writing, with the worker processes the run uses (known only once the manifest has told
    # what to read): how many of them read files, this process included; the backend keeps the rest (Whoosh:
    # helper processes that write segments). By default every worker reads.
    readers: Callable[[int], int] = _all_read


class Backend(Protocol):
    location: str  # the folder, or the URL without credentials: for messages
    # The pipeline settings as this index applies them: the actor overrides remembered with the index when the
    # caller gave none (they are read in the reader processes, so `Index.add` needs them before a run starts).
    config: PipelineConfig

    def exists(self) -> bool: ...

    def run_lock(self, timeout: float, part: tuple[int, int] | None = None) -> ContextManager[None]:
        """Whoosh: one writing run at a time. OpenSearch: runs of different --part K/N may run at once; two runs of
        the same part may not."""
        ...

    def start_run(self, *, rebuild: bool, commit_every: int) -> Run:
        """Open the index for a run (a new, empty one with `rebuild`), under `run_lock`. The run's worker count
        is given later, to `Run.readers`: it depends on how much there is to read."""
        ...

    def search(self, query: str, *, any_term: bool, filters: Filters, facets: Sequence[str],
               facet_limit: int | None, facet_order: str, limit: int, page: int, sort: str,
               per_article: int | None, explain: bool) -> Results: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self) -> list[ArticleSummary]: ...

    def actors(self, kind: str | None = None) -> list[Actor]: ...

    def stats(self) -> IndexStats: ...

    def check(self) -> list[str]:
        """Problems found (empty: healthy)."""
        ...

    def close(self) -> None: ...
