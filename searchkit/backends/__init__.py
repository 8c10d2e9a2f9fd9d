"""The search engines searchkit indexes into and searches: one package each (`whoosh`, the embedded default;
`opensearch`, a cluster), behind the interface of `base`. `open_backend` picks one by the index's location."""
from __future__ import annotations

import os

from ..errors import NoIndexError, SearchkitError
from ..read.pipeline import PipelineConfig
from .base import Backend
from .opensearch.connection import is_cluster_location

__all__ = ["Backend", "is_cluster_location", "open_backend"]


def open_backend(location: str | os.PathLike, config: PipelineConfig, *, create: bool) -> Backend:
    """The backend of the index at `location`: an `http(s)://host:port/name` URL is an OpenSearch index, anything
    else a Whoosh index folder. Raises NoIndexError when `create` is False and there is no index there."""
    if is_cluster_location(location):
        backend = _opensearch(str(location), config)
    else:
        from .whoosh.backend import WhooshBackend  # Whoosh's modules load only for a folder

        backend = WhooshBackend(os.fspath(location), config)
    if not create and not backend.exists():
        hint = "give --index DIR" if not is_cluster_location(location) else "check the URL's index name"
        raise NoIndexError(f"no index at {backend.location} (run `searchkit index PATH` first, or {hint})")
    return backend


def _opensearch(location: str, config: PipelineConfig) -> Backend:
    # Imported here: opensearch-py costs import time that a folder's searches need not pay.
    try:
        from .opensearch.backend import OpenSearchBackend
    except ModuleNotFoundError as exc:
        if exc.name not in ("searchkit.backends.opensearch.backend", "opensearchpy"):
            raise
        raise SearchkitError(f"{location}: the OpenSearch backend is not available in this build "
                             "(give an index folder instead)") from None
    return OpenSearchBackend(location, config)
