"""What a search asks for, the same on every backend: its options checked, the facets a backend counts, actors as
facet values."""
from __future__ import annotations

from typing import Sequence

from ..errors import QueryError
from ..fieldvalues import parse_actor_token
from ..models import ACTOR_KINDS, FACET_ORDERS, ActorRef, FacetValue
from ..options import SORTS

FACET_FIELDS = ("outlet", "actor", "year", "month", "author")
SUGGEST_BELOW = 3  # suggest a spelling when a query matches fewer passages than this


def check_request(limit: int, page: int, sort: str, per_article: int | None, facets: Sequence[str],
                  facet_order: str) -> None:
    if limit < 0 or page < 1:
        raise QueryError("--limit must be 0 or more (0: counts and facets only), --page 1 or more")
    if per_article is not None and per_article < 1:
        raise QueryError("--per-article must be 1 or more")
    if facet_order not in FACET_ORDERS:
        raise QueryError(f"unknown facet order {facet_order!r} (use {' or '.join(FACET_ORDERS)})")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (use {' or '.join(SORTS)})")
    for name in facets:
        fieldname, _, kind = name.partition(":")
        if fieldname not in FACET_FIELDS or (kind and (fieldname != "actor" or kind not in ACTOR_KINDS)):
            raise QueryError(
                f"unknown facet {name!r} (use {', '.join(FACET_FIELDS)}, or actor:person|organization|place)"
            )


def actor_value(ref: ActorRef) -> str:
    """An actor as a facet counts it: "kind:Name"."""
    return f"{ref.kind}:{ref.name}"


def actor_facet(value: FacetValue) -> FacetValue:
    ref = parse_actor_token(value.value)
    return FacetValue(value=ref.name, count=value.count, kind=ref.kind)
