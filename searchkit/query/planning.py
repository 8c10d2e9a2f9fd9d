"""What every backend does with a query string before its engine runs it: parse it once, rewrite it with what the
index knows (passes.prepare with the backend's Lookups), and compile the tree into a `Plan` with the backend's
compiler (one `compile` method a node, returning None for what is not searchable)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Generic, Iterator, Protocol, TypeVar

from . import passes
from . import tree as t
from .parse import parse
from .tokens import words

if TYPE_CHECKING:  # the filters build a tree of this package: only the type is needed here
    from ..search.filters import Filters

Q = TypeVar("Q")


class TreeCompiler(Protocol[Q]):
    def compile(self, node: t.Node) -> Q | None: ...

    def compile_query(self, node: t.Node, text: str) -> Q: ...


@dataclass(frozen=True)
class Plan(Generic[Q]):
    """What the engine runs for one query: `matching` finds the exact set of passages; `ranking` orders them
    (within that set when `rank_within_matches`, since it may match more)."""

    text: str
    tree: t.Node
    matching: Q
    ranking: Q
    rank_within_matches: bool


class QueryPlanner(Generic[Q]):
    """Query strings and filters as one engine's queries; `resolve_names` maps a name field's value to the indexed
    values, `names_actor` tells whether some words name a person or organisation of the index, `stem` gives a
    word's form in the stemmed fields, `everything` is the engine's query of every passage."""

    def __init__(self, compiler: TreeCompiler[Q], stem: Callable[[str], str], everything: Q,
                 resolve_names: Callable[[str, str], list[str]], names_actor: Callable[[str], bool] | None = None):
        self.index = passes.Lookups(resolve=resolve_names, names_actor=names_actor,
                                    key=lambda word: indexed_form(word, stem))
        self.compiler = compiler
        self.everything = everything

    def tree(self, text: str, any_term: bool = False) -> t.Node:
        return passes.prepare(parse(text, "any" if any_term else "all"), self.index, text)

    def compile(self, node: t.Node) -> Q | None:
        return self.compiler.compile(node)

    def plan(self, text: str, any_term: bool = False) -> Plan[Q]:
        tree = self.tree(text, any_term)
        matching = self.compiler.compile_query(tree, text)
        if passes.has_exclusions(tree):
            # Ranked without the exclusions, which add nothing to a score, within the exact set (on Whoosh, its
            # AndNot matcher let passages through whose excluded words are in another field, and could crash when
            # it skipped: tests/test_search.py); so "NOT iran" lists passages by date, as a query of no words does.
            ranking = self.compiler.compile(passes.without_exclusions(tree)) or self.everything
            return Plan(text, tree, matching, ranking, True)
        return Plan(text, tree, matching, matching, False)

    def relaxed(self, plan: Plan[Q], looser: t.Node) -> Plan[Q]:
        """`plan` matching only `looser` (a relaxation of its tree), its matches ranked by all of its words; the
        tree stays whole, for highlighting and spelling."""
        ranking = self.compiler.compile_query(passes.any_of(passes.relaxable_words(plan.tree)), plan.text)
        return replace(plan, matching=self.compiler.compile_query(looser, plan.text), ranking=ranking,
                       rank_within_matches=True)

    def relaxations(self, plan: Plan[Q], count: Callable[[Q], int]) -> Iterator[tuple[Plan[Q], list[str]]]:
        """Looser plans of a query that matched nothing, most of its words kept, the most common dropped first
        (passes.relaxations), each with the words it dropped; `count` counts the passages a compiled word finds."""
        def documents(word: t.Node) -> int | None:
            compiled = self.compile(word)
            return None if compiled is None else count(compiled)

        for looser, dropped in passes.relaxations(plan.tree, documents):
            yield self.relaxed(plan, looser), [passes.label(w) for w in dropped]

    def scored(self, plan: Plan[Q]) -> bool:
        """Whether the plan's ranking scores anything (a query of no words lists passages by date)."""
        return plan.ranking != self.everything

    def filter_query(self, filters: "Filters") -> Q | None:
        """The filters as one query (None when there are none)."""
        tree = filters.tree()
        if tree is None:
            return None
        return self.compiler.compile(passes.resolve_names(tree, self.index.resolve))


def indexed_form(word: str, stem: Callable[[str], str]) -> str:
    """A word as the stemmed fields index it, so "talks talk" says one word twice."""
    return " ".join(stem(token.text) for w in words(word) for token in ([w.whole] if w.whole else list(w.parts)))
