"""'Did you mean': a better spelling of a query, drawn from the index's own vocabulary."""
from __future__ import annotations

import re
from typing import Callable

from ..query.tree import Node, Term, walk
from .vocabulary import Vocabulary

MAX_DISTANCE = 2
# A word this rare, beside a neighbour this many times more common, is taken for a misspelling.
RARE_DOCS = 2
MORE_COMMON = 10
_SPELLABLE = re.compile(r"[^\W\d_][\w'’]*")  # a word of letters (not a number, a code or a compound)


def better_query(vocabulary: Vocabulary, query_text: str, tree: Node, total: int,
                 matches: Callable[[str], int]) -> str | None:
    """The query respelt (`suggest` on its plain words), when the respelt query finds more than the `total` the
    query found; `matches(text)` counts what a query finds, and may raise for one that does not parse."""
    better = suggest(vocabulary, query_text, plain_words(tree))
    if not better or better == query_text:
        return None
    try:
        better_total = matches(better)
    except Exception:  # a suggestion that does not parse is no suggestion
        return None
    return better if better_total > total else None


def plain_words(tree: Node) -> list[tuple[int, int]]:
    """Where the query's plain words are written (not quoted, not a field's value, no wildcard): what a spelling
    suggestion may replace."""
    spans = []
    for node in walk(tree):
        if isinstance(node, Term) and node.field is None and not node.exact and node.span:
            spans.append(node.span)
    return sorted(set(spans))


def suggest(vocabulary: Vocabulary, query_text: str, words: list[tuple[int, int]]) -> str | None:
    """The query with its misspelt words replaced, or None when every word looks right. `words`: where the
    query's plain words are written (the parser knows which are words, not operators or field values)."""
    replaced = False
    pieces, last = [], 0
    for start, end in words:
        word = query_text[start:end]
        if not _SPELLABLE.fullmatch(word):
            continue
        better = better_spelling(vocabulary, word.lower())
        if better:
            pieces.append(query_text[last:start])
            pieces.append(better)
            last = end
            replaced = True
    if not replaced:
        return None
    pieces.append(query_text[last:])
    return "".join(pieces)


def better_spelling(vocabulary: Vocabulary, word: str) -> str | None:
    """A much more common word within two edits of `word`, closest first, then most common."""
    seen = vocabulary.frequency(word)
    if seen > RARE_DOCS or len(word) < 3:
        return None
    best: tuple[int, int, str] | None = None
    for distance, candidate in vocabulary.near(word, MAX_DISTANCE):
        frequency = vocabulary.frequency(candidate)
        if candidate == word or frequency < max(1, seen * MORE_COMMON):
            continue
        key = (distance, -frequency, candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None
