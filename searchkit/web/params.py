"""The HTTP API's query parameters: one table per operation, read with the command line's own click types (so a
bad value is told in the CLI's words) and described in the OpenAPI document from the same table."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import click

from ..errors import QueryError
from ..models import ACTOR_KINDS
from ..options import FACET_NAMES, FACET_ORDERS, MATCHES, SORTS, chosen_facets
from ..periods import DATE_FORMS

# Bounds of one request, so that no request can make the server work for long: queries longer than any pasted
# paragraph, pages larger than a screen and paging deeper than anyone reads are refused with a 400.
MAX_QUERY_CHARS = 2000
MAX_NAME_CHARS = 300  # an outlet, actor or date
MAX_PAGE_SIZE = 100
MAX_DEPTH = 10_000  # page x limit: Whoosh ranks the top page x limit passages to show a page
MAX_LIST = 1000  # actors or articles in one answer


@dataclass(frozen=True)
class Param:
    """A query parameter: its URL name, click type and help; `keyword` is the Index method's argument."""

    name: str
    type: click.ParamType
    description: str
    keyword: str = ""
    default: Any = None
    many: bool = False
    max_length: int = MAX_NAME_CHARS
    enum: Sequence[str] = field(default=())  # documented choices, checked by the library (its message lists them)

    def convert(self, value: str) -> Any:
        if len(value) > self.max_length:
            raise QueryError(
                f"Invalid value for {self.name!r}: {len(value)} characters is too long (at most {self.max_length})"
            )
        try:
            return self.type.convert(value, None, None)
        except click.BadParameter as exc:
            raise QueryError(f"Invalid value for {self.name!r}: {exc.message}") from None

    def schema(self) -> dict:
        one: dict[str, Any] = {"type": "string"}
        if isinstance(self.type, click.IntRange):
            one = {"type": "integer"}
            if self.type.min is not None:
                one["minimum"] = self.type.min
            if self.type.max is not None:
                one["maximum"] = self.type.max
        elif self.type is click.BOOL:
            one = {"type": "boolean"}
        elif isinstance(self.type, click.Choice):
            one["enum"] = list(self.type.choices)
        else:
            one["maxLength"] = self.max_length
            if self.enum:
                one["enum"] = list(self.enum)
        if self.default is not None and not self.many:
            one["default"] = self.default
        return {"type": "array", "items": one} if self.many else one


SEARCH = (
    Param("q", click.STRING, "The query, in the query language of `searchkit search` (AND OR NOT, \"phrases\", "
          "field:value, wildcards*); empty: every passage.", "query", "", max_length=MAX_QUERY_CHARS),
    Param("match", click.Choice(MATCHES), "all: every term is required (AND); any: rank passages with any of them.",
          default="all"),
    Param("from", click.STRING, f"Published on or after ({DATE_FORMS}).", "date_from"),
    Param("to", click.STRING, f"Published on or before; a month or year to its end ({DATE_FORMS}).", "date_to"),
    Param("outlet", click.STRING, "Only this outlet (repeatable).", "outlets", many=True),
    Param("actor", click.STRING, "Only passages naming this actor, by any alias (repeatable).", "actors", many=True),
    Param("facet", click.STRING, "Facets to count (repeatable; default: outlet, actor, year).", "facets", many=True,
          enum=FACET_NAMES),
    Param("no_facets", click.BOOL, "Count no facets.", default=False),
    Param("facet_limit", click.IntRange(1, MAX_LIST), "Values per facet: the most frequent.", default=10),
    Param("facet_order", click.Choice(FACET_ORDERS), "Facet values by count (most first) or by value (years and "
          "months in time order).", default="count"),
    Param("per_article", click.IntRange(1, MAX_PAGE_SIZE), "Group by article: total, limit and page count "
          "articles, each with up to this many of its best passages."),
    Param("sort", click.Choice(SORTS), "Order of the hits.", default="relevance"),
    Param("limit", click.IntRange(1, MAX_PAGE_SIZE), "Hits per page.", default=10),
    Param("page", click.IntRange(1, MAX_DEPTH), "Page of hits.", default=1),
    Param("explain", click.BOOL, "Give each hit the matched clauses and what each added to its score.",
          default=False),
)
ARTICLES = (
    Param("limit", click.IntRange(1, MAX_LIST), "Articles per page.", default=100),
    Param("page", click.IntRange(1), "Page of articles.", default=1),
)
ACTORS = (
    Param("kind", click.Choice(ACTOR_KINDS), "Only actors of this kind."),
    Param("limit", click.IntRange(1, MAX_LIST), "At most this many actors, most named first.", default=100),
)


def read(params: Sequence[Param], query: Mapping[str, list[str]]) -> dict[str, Any]:
    """The arguments a query string gives, by keyword, with defaults; a QueryError names the first bad one. An empty
    value counts as not given (an empty form field), except for `q`."""
    known = {p.name: p for p in params}
    for name in query:
        if name not in known:
            closest = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {closest[0]!r}?" if closest else f"use {', '.join(known)}"
            raise QueryError(f"unknown parameter {name!r} ({hint})")
    values: dict[str, Any] = {}
    for param in params:
        given = [v for v in query.get(param.name, []) if v or param.name == "q"]
        if len(given) > 1 and not param.many:
            raise QueryError(f"parameter {param.name!r} is given {len(given)} times (give it once)")
        converted = [param.convert(v) for v in given]
        if param.many:
            values[param.keyword or param.name] = tuple(converted)
        else:
            values[param.keyword or param.name] = converted[0] if converted else param.default
    return values


def search_arguments(query: Mapping[str, list[str]]) -> dict[str, Any]:
    """`Index.search` keywords for a query string of GET /api/search."""
    values = read(SEARCH, query)
    values["facets"] = chosen_facets(values["facets"], values.pop("no_facets"))
    if values["page"] * values["limit"] > MAX_DEPTH:
        raise QueryError(
            f"page {values['page']} of {values['limit']} hits goes past hit {MAX_DEPTH:,}, the deepest the API pages "
            f"(at most page {MAX_DEPTH // values['limit']}; narrow the query instead)"
        )
    return values
