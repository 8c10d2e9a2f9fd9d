"""Rewrites of the query tree, each one pass: what the language means beyond its grammar.

`prepare` runs them in order. The backend supplies what only the index knows: which indexed names a name field's
value stands for (`resolve`), whether some words name an actor (`names_actor`), and a word's indexed form (`key`,
so "talks talk" counts one word twice).
"""
from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Iterator

from ..errors import QueryError
from ..periods import DATE_FORMS, period
from .tree import (
    DATE_FIELDS, NAME_FIELDS, TEXT_FIELDS, ActorWords, And, AndMaybe, DateRange, MatchAll, MatchNone, Node, Not, Or,
    Pattern, Phrase, Range, Term, Value, children, transform, walk, with_children,
)

MAX_NAME_WORDS = 4  # the longest run of words looked up as an actor's name
MAX_RELAXED_WORDS = 8  # up to 2^8 sets of words tried when no passage has them all


@dataclass(frozen=True)
class Lookups:
    """What the passes ask of the index."""

    resolve: Callable[[str, str], list[str]]  # (field, value as typed) -> the values the index holds
    names_actor: Callable[[str], bool] | None = None  # words -> whether they name a person or organisation
    key: Callable[[str], str] = str.casefold  # a word -> its indexed form, for counting repeats


def prepare(tree: Node, index: Lookups, text: str = "") -> Node:
    """The tree as the engine should run it. `text` (the query as typed) names the query in errors."""
    tree = exclusions_in_one_form(tree)
    tree = dates_as_periods(tree, text)
    if index.names_actor is not None:
        tree = expand_actor_names(tree, index.names_actor)
    tree = resolve_names(tree, index.resolve)
    return weigh_repeats(tree, index.key)


def exclusions_in_one_form(tree: Node) -> Node:
    """Every exclusion becomes a `Not` part of an `And` (or the whole query is one `Not`).

    With OR semantics, `iran talks NOT maliki` means (iran OR talks) AND NOT maliki, never "iran or talks or
    anything without maliki", which matches nearly every passage. An `Or` with `Not` parts becomes the `And` of
    the `Or` of its other parts and those `Not`s."""
    def rewrite(node: Node) -> Node:
        if not isinstance(node, Or):
            return node
        excluded = [part for part in node.parts if isinstance(part, Not)]
        if not excluded:
            return node
        wanted = [part for part in node.parts if not isinstance(part, Not)]
        if wanted:
            excluded.insert(0, wanted[0] if len(wanted) == 1 else replace(node, parts=tuple(wanted)))
        return And(tuple(excluded), node.boost)

    return transform(tree, rewrite)


def dates_as_periods(tree: Node, text: str = "") -> Node:
    """`year:2007`, `month:2007-03`, `date:2007-03-12` and `date:[2007 to 2008-06]` become date ranges."""
    def rewrite(node: Node) -> Node:
        if isinstance(node, Range):
            first = _period(node.start, text)[0] if node.start else None
            last = _period(node.end, text)[1] if node.end else None
            return DateRange(first, last)
        if isinstance(node, Pattern) and node.field in DATE_FIELDS:
            if node.pattern != "*":
                raise QueryError(f"a date cannot have wildcards ({node.field}:{node.pattern}) in the query {text!r}")
            return DateRange(None, None, node.boost)  # date:* -> every dated passage
        if isinstance(node, Term) and node.field in DATE_FIELDS:
            first, last = _period(node.text, text)
            return DateRange(first, last, node.boost)
        return node

    return transform(tree, rewrite)


def _period(value: str, text: str):
    try:
        return period(value)
    except ValueError as exc:
        raise QueryError(f"cannot read the date {value!r} in the query {text!r}: {exc} (use {DATE_FORMS})") from None


def expand_actor_names(tree: Node, names_actor: Callable[[str], bool]) -> Node:
    """Words that name a person or organisation of the index also match the passages that name them otherwise:
    "Nouri al-Maliki" also finds "Mr. Maliki", ranked after the words as typed. Runs of up to four words side by
    side (not quoted, not a field's value, no operator between them) are looked up, longest first."""
    if _plain_word(tree):
        return _actor_run([tree], tree, names_actor)[0]

    def rewrite(node: Node) -> Node:
        kids = children(node)
        if not kids:
            return node
        if isinstance(node, (And, Or)) and node.implicit:
            return replace(node, parts=tuple(_expand_runs(node, names_actor)))
        return with_children(node, [_actor_run([k], node, names_actor)[0] if _plain_word(k) else k for k in kids])

    return _transform_top_down(tree, rewrite)


def _transform_top_down(node: Node, rewrite) -> Node:
    if isinstance(node, ActorWords):  # made by this pass: its words were looked up already
        return node
    node = rewrite(node)
    if isinstance(node, ActorWords):
        return node
    kids = children(node)
    return with_children(node, [_transform_top_down(k, rewrite) for k in kids]) if kids else node


def _plain_word(node: Node) -> bool:
    return isinstance(node, Term) and node.field is None and not node.exact and node.boost == 1.0


def _expand_runs(group: And | Or, names_actor) -> list[Node]:
    parts: list[Node] = []
    run: list[Node] = []
    for part in group.parts + (None,):
        if part is not None and _plain_word(part):
            run.append(part)
            continue
        parts += _actor_run(run, group, names_actor)
        run = []
        if part is not None:
            parts.append(part)
    return parts


def _actor_run(run: list[Term], group: Node, names_actor) -> list[Node]:
    """A run of words with each longest stretch that names an actor made an `ActorWords`."""
    out: list[Node] = []
    i = 0
    while i < len(run):
        for j in range(min(len(run), i + MAX_NAME_WORDS), i, -1):
            words = " ".join(t.text for t in run[i:j])
            if names_actor(words):
                typed = run[i] if j == i + 1 else _group_like(group, run[i:j])
                out.append(ActorWords(typed, Term(words, "actor")))
                i = j
                break
        else:
            out.append(run[i])
            i += 1
    return out


def _group_like(group: Node, parts: list[Node]) -> Node:
    """The words of a name joined as the words around them are (all of them under match="all", any otherwise)."""
    kind = Or if isinstance(group, Or) and group.implicit else And
    return kind(tuple(parts), implicit=True)


def resolve_names(tree: Node, resolve: Callable[[str, str], list[str]]) -> Node:
    """A name field's value becomes the values the index holds for it (any case, any alias of an actor); an
    article id is taken as written. A name the index does not hold matches nothing."""
    def rewrite(node: Node) -> Node:
        if not isinstance(node, Term):
            return node
        if node.field == "article_id":
            return Value("article_id", node.text, node.boost)
        if node.field not in NAME_FIELDS:
            return node
        values = resolve(node.field, node.text)
        if not values:
            return MatchNone()
        found = tuple(Value(node.field, v, node.boost) for v in values)
        return found[0] if len(found) == 1 else Or(found)

    return transform(tree, rewrite)


def weigh_repeats(tree: Node, key: Callable[[str], str] = str.casefold) -> Node:
    """A word said twice in the query is kept once, weighing √count: pasted text that says a word three times
    means it more (measured on CISI: +0.045 nDCG@10)."""
    counted = Counter(key(word) for node in walk(tree) for word in _words_of(node))
    if not counted or max(counted.values()) < 2:
        return tree

    def rewrite(node: Node) -> Node:
        if isinstance(node, Term) and node.field in (None,) + TEXT_FIELDS and not node.exact:
            count = counted[key(node.text)]
            if count > 1:
                return replace(node, boost=node.boost * math.sqrt(count))
        if isinstance(node, (And, Or)):
            # Each word once, however written ("Retrieval", "retrieval", "retrieve"): its weight says how often.
            first: dict = {}
            for part in node.parts:
                first.setdefault(_same_word(part, key), part)
            unique = tuple(first.values())
            return replace(node, parts=unique) if len(unique) > 1 else unique[0]
        return node

    return transform(tree, rewrite)


def _same_word(node: Node, key: Callable[[str], str]):
    """What makes two parts of a group the same: a word's indexed form (and where it is searched), else equality."""
    if isinstance(node, Term) and node.field in (None,) + TEXT_FIELDS and not node.exact:
        return Term, node.field, key(node.text), node.boost
    return node


def _words_of(node: Node) -> list[str]:
    if isinstance(node, Term) and node.field in (None,) + TEXT_FIELDS:
        return [node.text]
    if isinstance(node, Phrase) and node.field in (None,) + TEXT_FIELDS:
        return list(node.words)
    return []


def without_exclusions(tree: Node) -> Node:
    """The tree with its `Not` parts taken out (after `exclusions_in_one_form`, an And's parts or the whole
    query). Exclusions add nothing to a score, so this, ranked within the exact match set, orders the passages
    as the whole query would; engines whose NOT matchers misbehave rank this instead."""
    if isinstance(tree, Not):
        return MatchAll()
    if isinstance(tree, And):
        kept = [without_exclusions(part) for part in tree.parts if not isinstance(part, Not)]
        return replace(tree, parts=tuple(kept)) if kept else MatchAll()
    kids = children(tree)
    return with_children(tree, [without_exclusions(k) for k in kids]) if kids else tree


def has_exclusions(tree: Node) -> bool:
    return any(isinstance(node, Not) for node in walk(tree))


# -- relaxed matching --------------------------------------------------------------------------------------------
def relaxable_words(tree: Node) -> list[Node] | None:
    """The words a query with no match may do without: those of words side by side under match="all", when no
    part is quoted, fielded or joined by an operator the user typed (those stay strict). None: not relaxable."""
    if not (isinstance(tree, And) and tree.implicit):
        return None
    words = [part for part in tree.parts if not isinstance(part, Not)]
    for part in words:
        if not (_plain_word(part) or isinstance(part, ActorWords)
                or (isinstance(part, Pattern) and part.field is None)):
            return None
    return words if len(words) > 1 else None


def relaxations(tree: Node, documents: Callable[[Node], int | None]) -> Iterator[tuple[Node, list[Node]]]:
    """Ever looser versions of a relaxable query, each with the words it drops: first every way of dropping one
    word, then two, and so on (never all); among equals, the words in the most passages (the least telling) go
    first, as in Meilisearch's "frequency" matching strategy. Meilisearch drops them one by one in that order, which
    can drop three words of "militia support Sunni insurgents" where one was enough. `documents` counts the
    passages a word matches (None: a word the index leaves out, such as a stop word)."""
    words = relaxable_words(tree)
    if words is None:
        return
    counts = {i: documents(word) for i, word in enumerate(words)}
    droppable = [i for i, count in counts.items() if count is not None]
    excluded = tuple(part for part in tree.parts if isinstance(part, Not))
    for size in range(1, len(droppable)):
        for dropped in _ways_to_drop(droppable, counts, size):
            parts = tuple(w for j, w in enumerate(words) if j not in dropped) + excluded
            yield (parts[0] if len(parts) == 1 else replace(tree, parts=parts)), [words[j] for j in dropped]


def _ways_to_drop(droppable: list[int], counts: dict[int, int], size: int) -> list[tuple[int, ...]]:
    """The sets of `size` words to drop, most common words first (ties: the later words); past
    MAX_RELAXED_WORDS words only the most common ones (2^n sets grow too fast)."""
    if len(droppable) > MAX_RELAXED_WORDS:
        ordered = sorted(droppable, key=lambda i: (-counts[i], -i))
        return [tuple(ordered[:size])]
    return sorted(itertools.combinations(droppable, size),
                  key=lambda ways: (-sum(counts[i] for i in ways), [-i for i in ways]))


def label(node: Node) -> str:
    """A word or name as the user typed it, for messages."""
    if isinstance(node, ActorWords):
        return label(node.words)
    if isinstance(node, Term):
        return node.text
    if isinstance(node, Pattern):
        return node.pattern
    if isinstance(node, (And, Or)):
        return " ".join(label(p) for p in node.parts)
    return str(node)


def any_of(tree_parts: list[Node]) -> Node:
    """The words of a relaxed query, any of them: what ranks its matches (more of the words, higher)."""
    return tree_parts[0] if len(tree_parts) == 1 else Or(tuple(tree_parts), implicit=True)

