"""What the benchmark asks of both sides: a fixed query list drawn from article titles, and the four query modes.

Free-text queries are whole titles (run with OR semantics); AND queries are two words of a title that are not
stop words. Words are lower-cased letters and digits only, so a title never turns into query syntax (Reuters
titles are upper case: a title word "NOT" or "AND" would otherwise be an operator, "U.S.:" a field name).
The same list is used at every scale, drawn from the 1x corpus with a fixed seed.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from pathlib import Path

from whoosh.lang.stopwords import stoplists

from reuters import read_corpus

SEED = 21578
LIMIT = 10
# Each mode adds one thing to top-10 ranked passages with their stored fields:
MODES = {
    "plain": "top 10 with stored fields",
    "snippets": "+ highlighted snippets of the top 10",
    "facets": "+ snippets + counts over all matches for outlet, actor and year",
    "dates": "+ snippets, only passages dated March 1987",
}
FACETS = ("outlet", "actor", "year")
DATE_FROM = dt.date(1987, 3, 1)
DATE_TO = dt.date(1987, 3, 31)
# Snippet shape, as searchkit makes them (searchkit/search/snippets.py): two fragments of up to 240 characters.
SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2

_WORD = re.compile(r"[a-z0-9]+")
_STOP = stoplists["en"]  # the stop words of LanguageAnalyzer("en"), which both sides use


@dataclass(frozen=True)
class Query:
    text: str
    match: str  # "any" (OR) or "all" (AND)


def title_words(title: str) -> list[str]:
    return _WORD.findall(title.lower())


def make_queries(corpus: Path, free_text: int = 200, two_term: int = 50, seed: int = SEED) -> list[Query]:
    """`free_text` OR queries, then `two_term` AND queries: always the same for a given corpus and seed."""
    titles = sorted({r["title"] for r in read_corpus(corpus) if r.get("title")})
    rng = random.Random(seed)
    queries = []
    for title in rng.sample([t for t in titles if len(title_words(t)) >= 2], free_text):
        queries.append(Query(" ".join(title_words(title)), "any"))
    while len(queries) < free_text + two_term:
        words = sorted({w for w in title_words(rng.choice(titles)) if w.isalpha() and len(w) > 2 and w not in _STOP})
        if len(words) >= 2:
            queries.append(Query(" ".join(rng.sample(words, 2)), "all"))
    return queries
