"""'Did you mean': a better spelling of a query, drawn from the index's own unstemmed vocabulary."""
from __future__ import annotations

import re

from nltk.metrics.distance import edit_distance

SPELLING_FIELD = "words"
MAX_DISTANCE = 2
# A word this rare, beside a neighbour this many times more common, is taken for a misspelling.
RARE_DOCS = 2
MORE_COMMON = 10
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Bare words of the query: not field-qualified, not in a wildcard, not an operator.
_WORD = re.compile(r"(?<![\w:*?\-])([^\W\d_][\w'’]*)(?![\w:*?])")


def suggest(reader, query_text: str) -> str | None:
    """The query with its misspelt words replaced, or None when every word looks right."""
    replaced = False
    pieces, last = [], 0
    for match in _WORD.finditer(query_text):
        word = match.group(1)
        if word in _OPERATORS:
            continue
        better = better_spelling(reader, word.lower())
        if better:
            pieces.append(query_text[last:match.start(1)])
            pieces.append(better)
            last = match.end(1)
            replaced = True
    if not replaced:
        return None
    pieces.append(query_text[last:])
    return "".join(pieces)


def better_spelling(reader, word: str) -> str | None:
    """A much more common word within two edits of `word`, closest first, then most common."""
    seen = reader.doc_frequency(SPELLING_FIELD, word)
    if seen > RARE_DOCS or len(word) < 3:
        return None
    best: tuple[int, int, str] | None = None
    # Requiring the first letter to be right keeps the automaton small; few typos are in the first letter.
    for candidate in reader.terms_within(SPELLING_FIELD, word, MAX_DISTANCE, prefix=1):
        if candidate == word:
            continue
        frequency = reader.doc_frequency(SPELLING_FIELD, candidate)
        if frequency < max(1, seen * MORE_COMMON):
            continue
        key = (edit_distance(word, candidate, transpositions=True), -frequency, candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None
