"""Search options as people give them, to the command line (`searchkit search`) and to the HTTP API
(`searchkit serve`): their choices and defaults, in one place so the two take the same options."""
from __future__ import annotations

from typing import Sequence

from .models import ACTOR_KINDS, FACET_ORDERS

MATCHES = ("all", "any")  # every term (AND), or any of them (OR)
SORTS = ("relevance", "date")
# The facets Index.search counts (it checks the names and says which exist); listed here for help and the
# OpenAPI description.
FACET_NAMES = ("outlet", "actor", *(f"actor:{kind}" for kind in ACTOR_KINDS), "year", "month", "author")
DEFAULT_FACETS = ("outlet", "actor", "year", "month")  # counted by Index.search when a call names none
SHOWN_FACETS = ("outlet", "actor", "year")  # counted when a search names none


def chosen_facets(facets: Sequence[str], no_facets: bool) -> tuple[str, ...]:
    """The facets a search counts: those asked for, else SHOWN_FACETS; none with `no_facets`."""
    return () if no_facets else tuple(facets or SHOWN_FACETS)
