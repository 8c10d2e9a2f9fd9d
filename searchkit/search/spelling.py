"""'Did you mean': a better spelling of a query, drawn from the index's own vocabulary."""
from __future__ import annotations

import re

from .vocabulary import Vocabulary

MAX_DISTANCE = 2
# A word this rare, beside a neighbour this many times more common, is taken for a misspelling.
RARE_DOCS = 2
MORE_COMMON = 10
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Bare words of the query: not field-qualified, not in a wildcard, not an operator.
_WORD = re.compile(r"(?<![\w:*?\-])([^\W\d_][\w'’]*)(?![\w:*?])")


def suggest(vocabulary: Vocabulary, query_text: str) -> str | None:
    """The query with its misspelt words replaced, or None when every word looks right."""
    replaced = False
    pieces, last = [], 0
    for match in _WORD.finditer(query_text):
        word = match.group(1)
        if word in _OPERATORS:
            continue
        better = better_spelling(vocabulary, word.lower())
        if better:
            pieces.append(query_text[last:match.start(1)])
            pieces.append(better)
            last = match.end(1)
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
