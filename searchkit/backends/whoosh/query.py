"""A query string as this index runs it: parsed once (searchkit.query.parse), rewritten by the passes with what
the index knows (names, actors, stems), compiled to Whoosh (compile.py)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from whoosh import query as wq

from ...query import passes
from ...query import tree as t
from ...query.planning import QueryPlanner
from .analysis import stem
from .compile import Compiler


@dataclass(frozen=True)
class Plan:
    """What the engine runs for one query: `matching` finds the exact set of passages; `ranking` orders them
    (within that set when `rank_within_matches`, since it may match more)."""

    text: str
    tree: t.Node
    matching: wq.Query
    ranking: wq.Query
    rank_within_matches: bool


class QueryParser(QueryPlanner[wq.Query]):
    """Query strings and filters as Whoosh queries for one index; `resolve_names` maps a name field's value to the
    indexed values, `names_actor` tells whether some words name a person or organisation of the index."""

    def __init__(self, resolve_names: Callable[[str, str], list[str]],
                 names_actor: Callable[[str], bool] | None = None):
        super().__init__(Compiler(), stem, resolve_names, names_actor)

    def plan(self, text: str, any_term: bool = False) -> Plan:
        return self.plan_tree(text, self.tree(text, any_term))

    def relaxed(self, plan: Plan, looser: t.Node) -> Plan:
        """`plan` matching only `looser` (a relaxation of its tree), its matches ranked by all of its words; the
        tree stays whole, for highlighting and spelling."""
        matching, ranking = self.relaxed_queries(plan.tree, looser, plan.text)
        return replace(plan, matching=matching, ranking=ranking, rank_within_matches=True)

    def plan_tree(self, text: str, tree: t.Node) -> Plan:
        """The plan of a prepared tree."""
        matching = self.compiler.compile_query(tree, text)
        if passes.has_exclusions(tree):
            # Whoosh's AndNot matcher lets passages through whose excluded words are in another field, and can
            # crash when it skips: rank without the exclusions, within the exact set (tests/test_search.py).
            ranking = self.compiler.compile(passes.without_exclusions(tree)) or wq.Every()
            return Plan(text, tree, matching, ranking, True)
        return Plan(text, tree, matching, matching, False)

    def parse(self, text: str, any_term: bool = False) -> wq.Query:
        """The Whoosh query that finds a query's passages."""
        return self.plan(text, any_term).matching
