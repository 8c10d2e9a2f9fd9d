"""Restrictions on which passages match, apart from the ranked query: a date range, outlets, actors."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..errors import QueryError
from ..periods import DATE_FORMS, period
from ..query.tree import And, DateRange, Node, Or, Term

if TYPE_CHECKING:  # the outlet table is the reading layer's: only its type is needed here
    from ..read.outlets import OutletTable


@dataclass
class Filters:
    """Restrictions on which passages match, separate from the ranked query."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlets: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.outlets or self.actors)

    def tree(self) -> Node | None:
        """The filters as a query tree (None when there are none); outlet and actor names are resolved by the
        same pass as `outlet:` and `actor:` in a query."""
        parts: list[Node] = []
        if self.date_from or self.date_to:
            if self.date_from and self.date_to and self.date_from > self.date_to:
                raise QueryError(f"--from {self.date_from} is after --to {self.date_to}")
            parts.append(DateRange(self.date_from, self.date_to))
        for fieldname, names in (("outlet", self.outlets), ("actor", self.actors)):
            if names:
                parts.append(Or(tuple(Term(name, fieldname) for name in names)))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))


def parse_date_bound(value: str | dt.date | None, end: bool = False) -> dt.date | None:
    """'2007' / '2007-03' / '2007-03-12' / 'March 2007' -> the first (or, with `end`, last) day it covers."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        first, last = period(value)
    except ValueError as exc:
        raise QueryError(f"cannot read the date {value!r}: {exc} (use {DATE_FORMS})") from None
    return last if end else first


def indexed_values(fieldname: str, value: str, values: Iterable[str], outlets: "OutletTable | None") -> list[str]:
    """The `values` an outlet, author or place field holds that a user's `value` names: any case, and for an outlet
    its canonical name in the outlet table ("NYT" -> "The New York Times")."""
    wanted = {value.casefold()}
    if fieldname == "outlet" and outlets is not None:
        canonical = outlets.lookup(value)
        if canonical:
            wanted.add(canonical.casefold())
    return [v for v in values if v.casefold() in wanted]
