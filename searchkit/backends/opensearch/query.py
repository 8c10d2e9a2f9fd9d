"""A query string as this index runs it: parsed once (searchkit.query.parse), rewritten by the passes with what
the cluster knows (names, actors, stems), compiled to query DSL (compile.py), planned by query.planning."""
from __future__ import annotations

from typing import Callable

from ...query import planning
from .compile import Compiler, Query
from .stemming import stem

Plan = planning.Plan[Query]


class QueryParser(planning.QueryPlanner[Query]):
    """Query strings and filters as query DSL for one index (see QueryPlanner)."""

    def __init__(self, resolve_names: Callable[[str, str], list[str]],
                 names_actor: Callable[[str], bool] | None = None):
        super().__init__(Compiler(), stem, {"match_all": {}}, resolve_names, names_actor)
