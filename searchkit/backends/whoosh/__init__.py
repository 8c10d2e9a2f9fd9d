"""The Whoosh backend: the embedded default. Everything that knows Whoosh's classes lives in this package."""
from ...search.request import FACET_FIELDS, SORTS
from .engine import DEFAULT_FACETS, PassageSearcher
from ...search.filters import Filters, parse_date_bound

__all__ = ["DEFAULT_FACETS", "FACET_FIELDS", "SORTS", "Filters", "PassageSearcher", "parse_date_bound"]
