"""searchkit's query tree: what a query means, before any engine sees it.

The parser makes it, passes rewrite it (searchkit.query.passes), and each backend compiles it to its engine's
queries in one module. Words are kept as the user wrote them; each engine analyses them as it indexed the text.
Every node is an immutable dataclass; `span` (where a word is written in the query) is not part of its identity.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as attribute, replace
from typing import Iterator, Union

# Fields a user may name in a query; the others are internal.
TEXT_FIELDS = ("title", "text")  # searched when a word names no field
NAME_FIELDS = ("outlet", "actor", "author", "place")  # values are names, resolved to the names the index holds
DATE_FIELDS = ("date", "year", "month")  # year:2007 and month:2007-03 are date periods
PUBLIC_FIELDS = ("title", "text", "outlet", "actor", "author", "year", "month", "date", "place", "article_id")


@dataclass(frozen=True)
class Term:
    """A word of the text (`field` None: title or text), or a field's value as typed (`outlet:"Financial Times"`).
    `exact`: the word's own form, unstemmed (a quoted single word)."""

    text: str
    field: str | None = None
    boost: float = 1.0
    exact: bool = False
    span: tuple[int, int] | None = attribute(default=None, compare=False)


@dataclass(frozen=True)
class Phrase:
    """Words in order, with at most `slop` other words among them (`"prime minister"`, `"a b"~2`)."""

    words: tuple[str, ...]
    field: str | None = None
    boost: float = 1.0
    slop: int = 0
    span: tuple[int, int] | None = attribute(default=None, compare=False)


@dataclass(frozen=True)
class Pattern:
    """A word with wildcards (`negotiat*`, `wom?n`), matched against the words as written, in lower case."""

    pattern: str
    field: str | None = None
    boost: float = 1.0
    span: tuple[int, int] | None = attribute(default=None, compare=False)

    @property
    def prefix(self) -> str | None:
        """The fixed start of a pattern that is only a prefix (`negotiat*`), else None."""
        head = self.pattern[:-1]
        return head if self.pattern.endswith("*") and not any(c in head for c in "*?") else None


@dataclass(frozen=True)
class DateRange:
    """Passages published from `first` to `last`, both included (None: open)."""

    first: dt.date | None
    last: dt.date | None
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """A range as typed (`date:[2007 to 2008-06]`), before a pass reads its bounds."""

    field: str
    start: str | None
    end: str | None
    span: tuple[int, int] | None = attribute(default=None, compare=False)


@dataclass(frozen=True)
class Value:
    """One value exactly as a name or id field indexes it (what name resolution makes of `actor:Maliki`)."""

    field: str
    value: str
    boost: float = 1.0


@dataclass(frozen=True)
class And:
    """Every part. `implicit`: words side by side under match="all", not an AND the user typed."""

    parts: tuple["Node", ...]
    boost: float = 1.0
    implicit: bool = False


@dataclass(frozen=True)
class Or:
    """Any part. `implicit`: words side by side under match="any"."""

    parts: tuple["Node", ...]
    boost: float = 1.0
    implicit: bool = False


@dataclass(frozen=True)
class Not:
    """Passages without `part`. After the passes, only a part of an And, or the whole query."""

    part: "Node"


@dataclass(frozen=True)
class AndMaybe:
    """`required`, ranked higher when `optional` matches too (ANDMAYBE)."""

    required: "Node"
    optional: "Node"


@dataclass(frozen=True)
class ActorWords:
    """Words that name an actor of the index: the words as typed, or any passage naming that actor, ranked after
    the words (made by passes.expand_actor_names)."""

    words: "Node"
    actor: "Node"


@dataclass(frozen=True)
class MatchAll:
    boost: float = 1.0


@dataclass(frozen=True)
class MatchNone:
    """Nothing: a name value the index does not hold."""


Node = Union[Term, Phrase, Pattern, DateRange, Range, Value, And, Or, Not, AndMaybe, ActorWords, MatchAll, MatchNone]
GROUPS = (And, Or)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or)):
        return node.parts
    if isinstance(node, Not):
        return (node.part,)
    if isinstance(node, AndMaybe):
        return (node.required, node.optional)
    if isinstance(node, ActorWords):
        return (node.words, node.actor)
    return ()


def with_children(node: Node, parts: list[Node]) -> Node:
    """`node` with its children replaced (in the order `children` gives them)."""
    if isinstance(node, (And, Or)):
        return replace(node, parts=tuple(parts))
    if isinstance(node, Not):
        return Not(parts[0])
    if isinstance(node, AndMaybe):
        return AndMaybe(parts[0], parts[1])
    if isinstance(node, ActorWords):
        return ActorWords(parts[0], parts[1])
    return node


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node under it, parents first."""
    yield node
    for child in children(node):
        yield from walk(child)


def transform(node: Node, rewrite) -> Node:
    """Rewrite the tree bottom-up: `rewrite` gets each node with its children already rewritten."""
    kids = children(node)
    if kids:
        node = with_children(node, [transform(child, rewrite) for child in kids])
    return rewrite(node)


def positive_leaves(node: Node) -> Iterator[Node]:
    """The leaves a matching passage may contain (not those under a Not): what a snippet highlights."""
    if isinstance(node, Not):
        return
    kids = children(node)
    if not kids:
        yield node
    for child in kids:
        yield from positive_leaves(child)
