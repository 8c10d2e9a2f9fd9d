"""Whoosh analyzers built from searchkit's one tokenisation (searchkit.query.tokens): the stemmed fields
(title, text) and their unstemmed copies (title_exact, text_exact), which prefixes, wildcards and quoted words
search."""
from __future__ import annotations

import functools

from whoosh.analysis import StemFilter, Token, Tokenizer

from ...query.tokens import tokens

EXACT_SUFFIX = "_exact"


class WordTokenizer(Tokenizer):
    """Whoosh tokens of `searchkit.query.tokens.tokens`: lower-cased, stop words out, compounds and their parts."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for found in _tokens(value):
            token.text = found.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[found.start:found.end]
            if positions:
                token.pos = start_pos + found.position
            if chars:
                token.startchar, token.endchar = start_char + found.start, start_char + found.end
            yield token


@functools.lru_cache(maxsize=4)
def _tokens(value: str) -> tuple:
    """Each title and passage is analysed for its stemmed field, then at once for its exact copy: once is enough."""
    return tuple(tokens(value))


@functools.cache
def stemmer() -> StemFilter:
    # English Snowball stemming: it matches "negotiating" with "negotiations", which Porter (Whoosh's default) does not.
    return StemFilter(lang="en", cachesize=50000)


def stemmed_analyzer():
    return WordTokenizer() | stemmer()


def exact_analyzer():
    return WordTokenizer()


def stem(word: str) -> str:
    """A lower-cased token's indexed form in the stemmed fields."""
    return stemmer()._stem(word)
