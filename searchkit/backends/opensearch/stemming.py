"""Porter2 stems in Python, for what the OpenSearch backend must stem itself: a compound's whole word in a query
(the index's analyzer would split it), the snippet highlighter, and counting a query's repeated words.

nltk's SnowballStemmer("english") gives the Whoosh backend's stems for every word tried (searchkit.backends.whoosh
uses Whoosh's own Porter2). Lucene's Snowball English, which stems the indexed text, is an older Porter2 that
differs on 11 of Reuters-21578's 181,998 distinct words (mapping.py); plain words in a query are therefore stemmed by
the cluster itself (a `match` query), only compounds here.
"""
from __future__ import annotations

import functools

from nltk.stem.snowball import SnowballStemmer

_STEMMER = SnowballStemmer("english")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A lower-cased token's stem."""
    return _STEMMER.stem(word)
