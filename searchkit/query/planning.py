"""What every backend does with a query string before its engine runs it: parse it once, rewrite it with what the
index knows (passes.prepare with the backend's Lookups), and compile trees with the backend's compiler (one
`compile` method a node, returning None for what is not searchable). Each backend's `QueryParser` adds its plans."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Generic, Protocol, TypeVar

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


class QueryPlanner(Generic[Q]):
    """Query strings and filters as one engine's queries; `resolve_names` maps a name field's value to the indexed
    values, `names_actor` tells whether some words name a person or organisation of the index, `stem` gives a
    word's form in the stemmed fields."""

    def __init__(self, compiler: TreeCompiler[Q], stem: Callable[[str], str],
                 resolve_names: Callable[[str, str], list[str]], names_actor: Callable[[str], bool] | None = None):
        self.index = passes.Lookups(resolve=resolve_names, names_actor=names_actor,
                                    key=lambda word: indexed_form(word, stem))
        self.compiler = compiler

    def tree(self, text: str, any_term: bool = False) -> t.Node:
        return passes.prepare(parse(text, "any" if any_term else "all"), self.index, text)

    def compile(self, node: t.Node) -> Q | None:
        return self.compiler.compile(node)

    def relaxed_queries(self, tree: t.Node, looser: t.Node, text: str) -> tuple[Q, Q]:
        """(matching, ranking) of a relaxation `looser` of `tree`: its matches, ranked by all of the words."""
        ranking = self.compiler.compile_query(passes.any_of(passes.relaxable_words(tree)), text)
        return self.compiler.compile_query(looser, text), ranking

    def filter_query(self, filters: "Filters") -> Q | None:
        """The filters as one query (None when there are none)."""
        tree = filters.tree()
        if tree is None:
            return None
        return self.compiler.compile(passes.resolve_names(tree, self.index.resolve))


def indexed_form(word: str, stem: Callable[[str], str]) -> str:
    """A word as the stemmed fields index it, so "talks talk" says one word twice."""
    return " ".join(stem(token.text) for w in words(word) for token in ([w.whole] if w.whole else list(w.parts)))
