"""A query string as this index runs it: parsed once (searchkit.query.parse), rewritten by the passes with what
the cluster knows (names, actors, stems), compiled to query DSL (compile.py). Mirrors backends/whoosh/query.py."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ...query import passes
from ...query import tree as t
from ...query.planning import QueryPlanner
from .compile import Compiler, Query
from .stemming import stem


@dataclass(frozen=True)
class Plan:
    """What the cluster runs for one query: `matching` finds the exact set of passages; `ranking` orders them
    (within that set when `rank_within_matches`)."""

    text: str
    tree: t.Node
    matching: Query
    ranking: Query
    rank_within_matches: bool

    @property
    def scored(self) -> bool:
        """Whether the ranking scores anything (a query of no words lists passages by date)."""
        return self.ranking != {"match_all": {}}


class QueryParser(QueryPlanner[Query]):
    """Query strings and filters as query DSL for one index (see QueryPlanner)."""

    def __init__(self, resolve_names: Callable[[str, str], list[str]],
                 names_actor: Callable[[str], bool] | None = None):
        super().__init__(Compiler(), stem, resolve_names, names_actor)

    def plan(self, text: str, any_term: bool = False) -> Plan:
        tree = self.tree(text, any_term)
        matching = self.compiler.compile_query(tree, text)
        if passes.has_exclusions(tree):
            # As on Whoosh: ranked without the exclusions (which add nothing to a score), within the exact set; so
            # "NOT iran" lists passages by date, as a query of no words does.
            ranking = self.compiler.compile(passes.without_exclusions(tree)) or {"match_all": {}}
            return Plan(text, tree, matching, ranking, True)
        return Plan(text, tree, matching, matching, False)

    def relaxed(self, plan: Plan, looser: t.Node) -> Plan:
        """`plan` matching only `looser` (a relaxation of its tree), its matches ranked by all of its words."""
        matching, ranking = self.relaxed_queries(plan.tree, looser, plan.text)
        return replace(plan, matching=matching, ranking=ranking, rank_within_matches=True)
