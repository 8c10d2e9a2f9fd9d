"""The query language (Whoosh's, over title and text) and the filters, with errors a user can act on.

Whoosh's parser forgives everything: an unknown field becomes text, an unbalanced quote vanishes. A search engine
should say so instead, so queries are checked before parsing.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup

from ...errors import QueryError
from .index import day_range
from ...periods import period
from . import ranking

DEFAULT_FIELDS = ("title", "text")
# Fields a user may name in a query; the others are internal.
PUBLIC_FIELDS = ("title", "text", "outlet", "actor", "author", "year", "month", "date", "place", "article_id")
# Fields whose values are names: a query value is resolved to the names the index holds (case, aliases).
NAME_FIELDS = ("outlet", "actor", "author", "place")
MATCH_ALL = {"", "*"}

_DATE_ALIASES = re.compile(r"(?<![\w\"'])(?:year|month):(?=\S)")  # year:2007 and month:2007-03 are date: periods
_MAX_NAME_WORDS = 4
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# A query's tokens: quoted phrases, plain words (letters, with inner hyphens, dots and apostrophes), anything else.
_QUERY_TOKEN = re.compile(r'(?P<quoted>"[^"]*")|(?P<word>[^\W\d_][\w\'’.-]*(?<![.-]))|(?P<other>[^\s\w]+|\d\w*)')
_FIELD_PREFIX = re.compile(r"(?<![\w\"'])([A-Za-z_][\w]*):(?=[\S])")
_QUOTED = re.compile(r'"[^"]*"')
# "-word", "-title:word", '-"a phrase"', "-(a b)": a minus that opens a term excludes it, as in web search engines.
# Not "al-Maliki", not "-5".
_MINUS = re.compile(r'(?P<quoted>"[^"]*")|(?:^|(?<=[\s(]))-(?=[^\W\d_]|["(])')


@dataclass
class Filters:
    """Restrictions on which passages match, separate from the ranked query."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlets: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.outlets or self.actors)


def parse_date_bound(value: str | dt.date | None, end: bool = False) -> dt.date | None:
    """'2007' / '2007-03' / '2007-03-12' / 'March 2007' -> the first (or, with `end`, last) day it covers."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        first, last = period(value)
    except ValueError as exc:
        raise QueryError(f"cannot read the date {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    return last if end else first


class QueryParser:
    """Turns query strings into Whoosh queries; `resolve_names` maps a name field's value to indexed terms, and
    `names_actor` tells whether some words name a person or organisation of the index (for alias expansion)."""

    def __init__(
        self,
        schema,
        resolve_names: Callable[[str, str], list[str]],
        names_actor: Callable[[str], bool] | None = None,
    ):
        self.schema = schema
        self.resolve_names = resolve_names
        self.names_actor = names_actor
        self._parsers = {
            group: MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=ranking.FIELD_BOOSTS, group=group)
            for group in (AndGroup, OrGroup)
        }

    def parse(self, text: str, any_term: bool = False) -> wq.Query:
        if text.strip() in MATCH_ALL:
            return wq.Every()
        check_syntax(text)
        rewritten = _minus_as_not(_DATE_ALIASES.sub("date:", text))
        parser = self._parsers[OrGroup if any_term else AndGroup]
        try:
            parsed = parser.parse(self.expand_actor_names(rewritten))
        except Exception as exc:  # Whoosh raises bare ValueErrors and worse for odd field values
            raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
        if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
            raise QueryError(f"the query {text!r} has no terms to search for")
        parsed = parsed.accept(_exclusions_as_and_not).accept(lambda node: self._resolve_field_value(node, text))
        return self._weigh_repeats(parsed, text)

    def expand_actor_names(self, text: str) -> str:
        """Words that name a person or organisation of the index also match the passages that name them otherwise:
        "Nouri al-Maliki" becomes `((Nouri al-Maliki) OR actor:"Nouri al-Maliki")`, which finds "Mr. Maliki" too."""
        if self.names_actor is None:
            return text
        pieces, last = [], 0
        for start, end in self._actor_spans(text):
            # Whoosh binds OR tighter than the implicit AND between words: the words need brackets of their own.
            pieces += [text[last:start], f'(({text[start:end]}) OR actor:"{text[start:end]}")']
            last = end
        return "".join(pieces) + text[last:]

    def _actor_spans(self, text: str) -> list[tuple[int, int]]:
        """The longest runs of up to four plain words (outside quotes, not field values or operators) naming an actor."""
        spans: list[tuple[int, int]] = []
        for run in _plain_word_runs(text):
            i = 0
            while i < len(run):
                for j in range(min(len(run), i + _MAX_NAME_WORDS), i, -1):
                    if self.names_actor(text[run[i][0]:run[j - 1][1]]):
                        spans.append((run[i][0], run[j - 1][1]))
                        i = j
                        break
                else:
                    i += 1
        return spans

    def _weigh_repeats(self, parsed: wq.Query, text: str) -> wq.Query:
        """Whoosh's parser keeps one copy of a repeated word; a query that says a word three times (as pasted
        text does) means it more, so its terms get a boost of √count (measured on CISI: +0.045 nDCG@10)."""
        counts = Counter(token.text for token in self.schema["text"].analyzer(text))
        if not counts or max(counts.values()) < 2:
            return parsed

        def weigh(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.Term) and node.fieldname in DEFAULT_FIELDS and counts[node.text] > 1:
                node = node.copy()
                node.boost *= math.sqrt(counts[node.text])
            return node

        return parsed.accept(weigh)

    def _resolve_field_value(self, node: wq.Query, text: str) -> wq.Query:
        """A name field's value becomes the names the index holds; a date that reached the query as a plain term
        (quoted: `date:"2007-03"`, which skips the date field's parser) becomes its period."""
        if not isinstance(node, wq.Term):
            return node
        if node.fieldname in NAME_FIELDS:
            terms = self.resolve_names(node.fieldname, str(node.text))
            if not terms:
                return wq.NullQuery
            return wq.Or([wq.Term(node.fieldname, t) for t in terms]) if len(terms) > 1 else wq.Term(node.fieldname, terms[0])
        if node.fieldname == "date":
            try:
                first, last = period(str(node.text))
            except ValueError:
                raise QueryError(
                    f"cannot read the date {node.text!r} in the query {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
                ) from None
            return day_range("date", first, last, node.boost)
        return node

    def filter_query(self, filters: Filters) -> wq.Query | None:
        """The filters as one Whoosh query (None when there are none)."""
        parts: list[wq.Query] = []
        if filters.date_from or filters.date_to:
            if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
                raise QueryError(f"--from {filters.date_from} is after --to {filters.date_to}")
            parts.append(day_range("date", filters.date_from, filters.date_to))
        for fieldname, names in (("outlet", filters.outlets), ("actor", filters.actors)):
            if names:
                parts.append(self._any_of(fieldname, names))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _any_of(self, fieldname: str, names: Iterable[str]) -> wq.Query:
        terms = sorted({t for name in names for t in self.resolve_names(fieldname, name)})
        if not terms:
            return wq.NullQuery
        return wq.Or([wq.Term(fieldname, t) for t in terms])


def _minus_as_not(text: str) -> str:
    return _MINUS.sub(lambda match: match.group("quoted") or "NOT ", text)  # a phrase is left as it is


def _exclusions_as_and_not(node: wq.Query) -> wq.Query:
    """One form for every exclusion: `Not` parts of an `And` (or a lone `Not`), which search.engine relies on.

    `a ANDNOT b` becomes `a AND NOT b`. With OR semantics, `iran talks NOT maliki` means (iran OR talks) AND NOT
    maliki; Whoosh reads it as iran OR talks OR (anything without maliki), which matches nearly every passage."""
    if isinstance(node, wq.AndNot):
        return wq.And([node.a, wq.Not(node.b)], boost=node.boost)
    if not isinstance(node, wq.Or):
        return node
    excluded = [q for q in node.subqueries if isinstance(q, wq.Not)]
    if not excluded:
        return node
    wanted = [q for q in node.subqueries if not isinstance(q, wq.Not)]
    if wanted:
        excluded.insert(0, wanted[0] if len(wanted) == 1 else wq.Or(wanted, boost=node.boost))
    return wq.And(excluded)


def _plain_word_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of adjacent plain words: broken by operators, quotes, brackets, field prefixes and query syntax."""
    runs: list[list[tuple[int, int]]] = [[]]
    for match in _QUERY_TOKEN.finditer(text):
        word = match.group()
        plain = match.lastgroup == "word" and word not in _OPERATORS and not text.startswith(":", match.end())
        if plain and not (match.start() and text[match.start() - 1] in ":^~"):
            runs[-1].append(match.span())
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def check_syntax(text: str) -> None:
    """Raise QueryError for unbalanced quotes or brackets and for unknown field names."""
    if text.count('"') % 2:
        raise QueryError(f"unbalanced quote in the query {text!r}")
    unquoted = _QUOTED.sub(" ", text)
    for opening, closing in ("()", "[]", "{}"):
        depth = 0
        for ch in unquoted:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                break
        if depth:
            raise QueryError(f"unbalanced {opening}{closing} in the query {text!r}")
    for match in _FIELD_PREFIX.finditer(unquoted):
        name = match.group(1)
        if name not in PUBLIC_FIELDS:
            raise QueryError(
                f"unknown field {name!r} in the query {text!r} (fields: {', '.join(PUBLIC_FIELDS)})"
            )
