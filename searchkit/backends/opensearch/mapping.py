"""The OpenSearch index of passages, made on purpose: one document per passage carrying its article's fields, an
English analysis that gives the Whoosh backend's terms, an unstemmed `.exact` subfield for prefixes, wildcards and
quoted words, keyword fields for filters and facets, and the stored values a hit shows.

The analysis is searchkit's one tokenisation (searchkit.query.tokens) in Lucene's terms: its compound pattern as the
tokenizer (words with inner dots, joined by "-" or "/"), lowercase, word_delimiter_graph keeping the compound and
adding its parts (split at the joiners and between letters and digits; dots and underscores stay inside a part, as
in Python), tokens of one character out, the same stop list, then Snowball English (Porter2), as the Whoosh
backend's StemFilter(lang="en"). `tests/test_opensearch_mapping.py` checks on a real cluster (`_analyze`) that the
terms equal the Whoosh backend's for the seed articles and sentences that try each rule. Differences that remain:
- Positions: the Whoosh backend renumbers positions over the words kept, Lucene leaves a gap for each word left out
  (stop words, single characters). Phrases with the stop word written match the same texts on both; "bank england"
  also matches "bank of England" on Whoosh only.
- Stemming: Lucene's Snowball English is an older Porter2. Of the 181,998 distinct whitespace-separated words of
  Reuters-21578, 11 get another stem ("realization": Whoosh "realize", Lucene "realiz"; "fertlizer"; compounds in
  "-rated": "b-rat" against "b-rate"); their unstemmed (exact) terms are all equal.
- Characters: Java's Unicode `\\w` takes combining marks and only decimal digits, Python's takes every numeric and
  no marks; Java lowercases per code point ("İ" -> "i", Python "i̇"); Lucene counts token length in UTF-16 units
  (a lone emoji is kept). None occurs in the parity test's texts.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ...query.tokens import COMPOUND, MIN_CHARS, stop_words
from .connection import ConnectionConfigError

ENGLISH = "searchkit_english"
EXACT = "searchkit_exact"
SHARDS_VAR = "SEARCHKIT_OPENSEARCH_SHARDS"
REPLICAS_VAR = "SEARCHKIT_OPENSEARCH_REPLICAS"

# The Whoosh backend's BM25 parameters (backends/whoosh/ranking.py, measured there on CISI and MED); Lucene's
# defaults are k1=1.2, b=0.75. Both engines apply b per field, as Whoosh's BM25F does.
BM25_K1 = 1.5
BM25_B = 0.9

# Java reads the pattern as Python does once UNICODE_CHARACTER_CLASS gives `\w` and `\d` their Unicode meaning.
TOKEN_PATTERN = COMPOUND.pattern


def analysis_settings() -> dict:
    """The `analysis` block of the index settings: the stemmed analyzer and the exact one."""
    words = ["lowercase", "searchkit_parts", "flatten_graph", "searchkit_min_length", "searchkit_stop"]
    return {
        "tokenizer": {
            "searchkit_words": {"type": "pattern", "pattern": TOKEN_PATTERN, "group": 0,
                                "flags": "UNICODE_CHARACTER_CLASS"},
        },
        "filter": {
            "searchkit_parts": {
                "type": "word_delimiter_graph", "preserve_original": True, "split_on_case_change": False,
                "split_on_numerics": True, "stem_english_possessive": False,
                # only "-", "/" and letter-digit changes cut a word: dots ("u.s", "3.5") and "_" stay inside
                "type_table": [". => ALPHANUM", "_ => ALPHANUM"],
            },
            "searchkit_min_length": {"type": "length", "min": MIN_CHARS},
            "searchkit_stop": {"type": "stop", "stopwords": sorted(stop_words())},
            # Snowball's English is Porter2, the Whoosh backend's stemmer; the "english" stemmer would be Porter1.
            "searchkit_stemmer": {"type": "snowball", "language": "English"},
        },
        "analyzer": {
            ENGLISH: {"type": "custom", "tokenizer": "searchkit_words", "filter": words + ["searchkit_stemmer"]},
            EXACT: {"type": "custom", "tokenizer": "searchkit_words", "filter": words},
        },
    }


@dataclass(frozen=True)
class IndexSettings:
    """Shards and replicas of a new index. One replica survives the loss of any one node; three primaries spread a
    small cluster's work over three nodes. A large archive wants more primaries (tens of GB each at most), which can
    only be chosen when the index is made."""

    shards: int = 3
    replicas: int = 1
    refresh_interval: str = "1s"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "IndexSettings":
        env = os.environ if environ is None else environ
        return cls(shards=_count(env, SHARDS_VAR, cls.shards, 1), replicas=_count(env, REPLICAS_VAR, cls.replicas, 0))


def _count(env: Mapping[str, str], name: str, default: int, least: int) -> int:
    value = env.get(name)
    if not value:
        return default
    if not value.strip().isdigit() or int(value) < least:
        raise ConnectionConfigError(f"{name}={value!r} is not a whole number of at least {least}: try {default}")
    return int(value)


def _keyword() -> dict:
    return {"type": "keyword"}


def _shown_only(kind: str = "keyword") -> dict:
    """A value a hit shows but no query reads: kept in _source only, no index structures."""
    return {"type": kind, "index": False, "doc_values": False}


def _text() -> dict:
    return {"type": "text", "analyzer": ENGLISH, "fields": {"exact": {"type": "text", "analyzer": EXACT}}}


def passage_mappings() -> dict:
    """Field by field: one document per passage, the article's fields repeated on each of its passages."""
    return {
        "dynamic": "strict",  # a misspelt field name is an error, not a new field
        "properties": {
            "passage_id": _keyword(),
            "article_id": _keyword(),
            "source_key": _keyword(),  # which file the article came from: incremental runs look passages up by it
            "source": _shown_only(),  # the path as the user gave it
            "position": {"type": "integer"},  # the passage's place in its article: --per-article keeps the first
            "head": {"type": "boolean"},  # true on an article's first passage: one document per article to count
            "title": _text(),
            "text": _text(),
            "date": {"type": "date", "format": "strict_date"},
            "year": _keyword(),  # "2007": exact facet counts need terms, not a date histogram's buckets of epochs
            "month": _keyword(),  # "2007-05"
            "outlet": _keyword(),
            "place": _keyword(),
            "author": _keyword(),  # one value per author
            "actor": _keyword(),  # "kind:Name" tokens (searchkit.fieldvalues.actor_token), one per actor
            "span": _shown_only("integer"),  # [start, end]: the passage's place in the article text
            "separator": _shown_only(),  # the article text between the previous passage and this one
            # The writing batch that wrote the passage, and its article's copy in it ("<article_id>@<batch>"): a
            # batch is visible once committed, and an article's old copy is hidden in the commit of its new one
            # (writing.Visibility).
            "batch": _keyword(),
            "version": _keyword(),
            "url": _shown_only(),
            "article": {"type": "object", "enabled": False},  # the article-level extras a hit shows, as they are
        },
    }


def index_body(settings: IndexSettings | None = None) -> dict:
    """The body of the create-index request."""
    chosen = settings or IndexSettings.from_environment()
    return {
        "settings": {
            "index": {
                "number_of_shards": chosen.shards,
                "number_of_replicas": chosen.replicas,
                "refresh_interval": chosen.refresh_interval,
                "similarity": {"default": {"type": "BM25", "k1": BM25_K1, "b": BM25_B}},
            },
            "analysis": analysis_settings(),
        },
        "mappings": passage_mappings(),
    }
