"""A query string as this index runs it: parsed once (searchkit.query.parse), rewritten by the passes with what
the index knows (names, actors, stems), compiled to Whoosh (compile.py), planned by query.planning."""
from __future__ import annotations

from typing import Callable

from whoosh import query as wq

from ...query import planning
from .analysis import stem
from .compile import Compiler

Plan = planning.Plan[wq.Query]


class QueryParser(planning.QueryPlanner[wq.Query]):
    """Query strings and filters as Whoosh queries for one index; `resolve_names` maps a name field's value to the
    indexed values, `names_actor` tells whether some words name a person or organisation of the index."""

    def __init__(self, resolve_names: Callable[[str, str], list[str]],
                 names_actor: Callable[[str], bool] | None = None):
        super().__init__(Compiler(), stem, wq.Every(), resolve_names, names_actor)

    def parse(self, text: str, any_term: bool = False) -> wq.Query:
        """The Whoosh query that finds a query's passages."""
        return self.plan(text, any_term).matching
