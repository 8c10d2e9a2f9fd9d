"""The OpenSearch index of passages, made on purpose: one document per passage carrying its article's fields, an
English analysis that gives the Whoosh backend's terms, an unstemmed `.exact` subfield for prefixes and wildcards,
keyword fields for filters and facets, and the stored values a hit shows.

The analyzer mirrors the Whoosh backend's `LanguageAnalyzer("en")` step by step: its RegexTokenizer pattern, Python's
lowercase, Whoosh's English stop list (its STOP_WORDS and the language list, both) with its minimum token length of 2,
and the Snowball English (Porter2) stemmer. `tests/test_opensearch_mapping.py` checks, on a real cluster, that
`_analyze` gives the same terms as Whoosh for sample news sentences. Differences that OpenSearch cannot avoid:
- Positions: Whoosh renumbers the positions of the words left after stop words are dropped ("bank of England" is
  indexed as bank@0 england@1), Lucene keeps the gap (bank@0 england@2). A phrase with a stop word inside matches
  the same texts on both; a phrase typed without the stop word ("bank england") also matches "bank of England" on
  Whoosh only.
- Characters: Python's `\\w` counts every Unicode letter, digit and numeric (superscripts, fractions, Roman numeral
  signs); Java's Unicode `\\w` counts decimal digits only and also takes combining marks. Lowercasing is per code
  point in Java ("İ" -> "i") where Python may give two ("i̇"). Both are rare in news text; the sample sentences of
  the parity test have none.
- Token length: Lucene counts UTF-16 units, so a one-character token outside the Basic Multilingual Plane (an
  emoji) survives the minimum length of 2 in OpenSearch and not in Whoosh.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .connection import ConnectionConfigError

ENGLISH = "searchkit_english"
EXACT = "searchkit_exact"
SHARDS_VAR = "SEARCHKIT_OPENSEARCH_SHARDS"
REPLICAS_VAR = "SEARCHKIT_OPENSEARCH_REPLICAS"

# The Whoosh backend's analysis written out, so this backend needs no Whoosh; tests/test_opensearch_mapping.py checks
# both against Whoosh's own. Whoosh's RegexTokenizer default pattern: Java reads the same syntax, and the flag
# UNICODE_CHARACTER_CLASS gives `\w` the Unicode meaning it has in Python.
WHOOSH_TOKEN_PATTERN = r"[\w\*]+(\.?[\w\*]+)*"
# Whoosh's StopFilter(lang="en"): its default STOP_WORDS and its English list, together.
WHOOSH_ENGLISH_STOP_WORDS = (
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "did", "do", "does",
    "doing", "don", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "may", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
    "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she", "should",
    "so", "some", "such", "t", "tbd", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "yet", "you",
    "your", "yours", "yourself", "yourselves",
)
# With compound tokens on: words joined by inner hyphens ("G-5", "COVID-19", "al-Maliki") are one token, and the
# analysis adds their parts beside it (word_delimiter_graph keeps the original), so both "covid-19" and "covid" match.
COMPOUND_TOKEN_PATTERN = r"[\w\*]+(?:[.\-][\w\*]+)*"
STOP_MIN_LENGTH = 2  # Whoosh's StopFilter also drops tokens shorter than this


@dataclass(frozen=True)
class Analysis:
    """What the English analysis does, as one value the index settings are made from, so the OpenSearch analysis can
    follow a change of the Whoosh backend's tokenization by changing this value (and its parity test)."""

    token_pattern: str = WHOOSH_TOKEN_PATTERN
    compound_parts: bool = False  # index the parts of hyphen-joined tokens beside the whole token

    def settings(self) -> dict:
        chain = ["lowercase"]
        if self.compound_parts:
            chain += ["searchkit_compound_parts", "flatten_graph"]  # a graph filter needs flattening to be indexed
        return {
            "tokenizer": {
                "searchkit_words": {
                    "type": "pattern", "pattern": self.token_pattern, "group": 0, "flags": "UNICODE_CHARACTER_CLASS",
                },
            },
            "filter": {
                "searchkit_min_length": {"type": "length", "min": STOP_MIN_LENGTH},
                "searchkit_stop": {"type": "stop", "stopwords": list(WHOOSH_ENGLISH_STOP_WORDS)},
                # Snowball's English is Porter2, Whoosh's `lang="en"` stemmer; the "english" stemmer would be Porter1.
                "searchkit_stemmer": {"type": "snowball", "language": "English"},
                "searchkit_compound_parts": {
                    "type": "word_delimiter_graph", "preserve_original": True, "split_on_case_change": False,
                    "split_on_numerics": False, "stem_english_possessive": False,
                    # split on hyphens only: dots ("u.s") and underscores stay inside a token, as in Whoosh
                    "type_table": [". => ALPHANUM", "_ => ALPHANUM", "* => ALPHANUM"],
                },
            },
            "analyzer": {
                ENGLISH: {
                    "type": "custom", "tokenizer": "searchkit_words",
                    "filter": chain + ["searchkit_min_length", "searchkit_stop", "searchkit_stemmer"],
                },
                # For prefixes and wildcards: the words as written, lowercased, nothing dropped or stemmed.
                EXACT: {"type": "custom", "tokenizer": "searchkit_words", "filter": chain},
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
            "url": _shown_only(),
            "article": {"type": "object", "enabled": False},  # the article-level extras a hit shows, as they are
        },
    }


def index_body(settings: IndexSettings | None = None, analysis: Analysis | None = None) -> dict:
    """The body of the create-index request."""
    chosen = settings or IndexSettings.from_environment()
    return {
        "settings": {
            "index": {
                "number_of_shards": chosen.shards,
                "number_of_replicas": chosen.replicas,
                "refresh_interval": chosen.refresh_interval,
            },
            "analysis": (analysis or Analysis()).settings(),
        },
        "mappings": passage_mappings(),
    }
