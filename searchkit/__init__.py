"""searchkit: passage-level full-text search for folders of news articles.

    import searchkit
    with searchkit.Index("index") as ix:
        ix.add(["seeds"])
        for hit in ix.search("Iran talks", actors=["Maliki"]).hits:
            print(hit.rank, hit.title, hit.snippet)

Everything not named in `__all__` may change without notice.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public names and the modules they live in; imported on first use, so `import searchkit` stays light.
_PUBLIC = {
    "Index": "api",
    "default_index_path": "api",
    "extract_file": "api",
    "find_actors": "read.actors",
    "ActorMention": "models",
    "ActorRef": "models",
    "Actor": "models",
    "Article": "models",
    "ArticleSummary": "models",
    "Passage": "models",
    "Hit": "models",
    "Results": "models",
    "FacetValue": "models",
    "IndexReport": "models",
    "IndexStats": "models",
    "FileProblem": "models",
    "SearchkitError": "errors",
    "QueryError": "errors",
    "BadInputError": "errors",
    "IndexLockedError": "errors",
    "NoIndexError": "errors",
    "IndexInterrupted": "errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'searchkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
