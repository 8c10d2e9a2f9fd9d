"""searchkit, driven through its public Python API only, with its defaults."""
from __future__ import annotations

from pathlib import Path

from searchkit import Index  # imported here, not timed: the open figure is about the index, not imports

from queries import DATE_FROM, DATE_TO, FACETS, LIMIT, Query


def build(corpus: Path, path: Path) -> dict:
    """Index the corpus folder from scratch (`rebuild=True`; workers: the API's default)."""
    with Index(path) as ix:
        report = ix.add([corpus], rebuild=True, workers=None)
    return {"articles": report.articles, "passages": report.passages, "problems": len(report.problems)}


class Searcher:
    """One open `searchkit.Index`, reused across queries."""

    def __init__(self, path: Path):
        self.ix = Index(path, create=False)

    def search(self, query: Query, mode: str) -> int:
        """Run `query` in one of the modes of `queries.MODES`; returns how many passages matched.

        searchkit highlights every hit it returns (there is no switch), so "plain" includes snippets."""
        dates = {"date_from": DATE_FROM, "date_to": DATE_TO} if mode == "dates" else {}
        facets = FACETS if mode == "facets" else ()
        results = self.ix.search(query.text, match=query.match, facets=facets, limit=LIMIT, **dates)
        return results.total

    def close(self) -> None:
        self.ix.close()
