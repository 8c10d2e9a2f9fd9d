"""Facet counts over all matches, as vectorised counts over columns of value ids.

Whoosh's `groupedby` visits every hit in Python; here each facet field becomes, once per opened searcher, two
numpy arrays of (document number, value id) pairs read from the field's posting lists, and counting a result set
is one `bincount` over the pairs whose document matched.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..models import FacetValue

_ORDINAL_1970 = 719163


@dataclass
class FacetColumn:
    """Every (document, value) pair of one field; `values[i]` is the display value of id i."""

    values: list[str]
    pair_docs: np.ndarray
    pair_values: np.ndarray

    def count(self, matched: np.ndarray) -> np.ndarray:
        """How many matched documents have each value; `matched` is a boolean mask over document numbers."""
        if not len(self.pair_docs):
            return np.zeros(len(self.values), dtype=np.int64)
        hits = self.pair_values[matched[self.pair_docs]]
        return np.bincount(hits, minlength=len(self.values))


def build_column(reader, fieldname: str, display: Callable[[str], str | None] = lambda v: v) -> FacetColumn:
    """Read a field's lexicon and postings into a column. `display` maps a term to the value shown (None: skip);
    terms that display the same are one value, and a document counts once per value."""
    ids: dict[str, int] = {}
    docs_parts: list[np.ndarray] = []
    value_parts: list[np.ndarray] = []
    if fieldname in reader.schema and reader.doc_count_all():
        for raw in reader.lexicon(fieldname):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            shown = display(term)
            if shown is None:
                continue
            value_id = ids.setdefault(shown, len(ids))
            docnums = np.fromiter(reader.postings(fieldname, raw).all_ids(), dtype=np.int64)
            docs_parts.append(docnums)
            value_parts.append(np.full(len(docnums), value_id, dtype=np.int32))
    if docs_parts:
        pairs = np.unique(np.stack([np.concatenate(docs_parts), np.concatenate(value_parts)]), axis=1)
        pair_docs, pair_values = pairs[0], pairs[1].astype(np.int32)
    else:
        pair_docs, pair_values = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return FacetColumn(values=list(ids), pair_docs=pair_docs, pair_values=pair_values)


def build_period_column(reader, fieldname: str, unit: str) -> FacetColumn:
    """Years ("Y": "2007") or months ("M": "2007-03") of a day-number column, one value per dated document."""
    if fieldname not in reader.schema or not reader.doc_count_all():
        return FacetColumn(values=[], pair_docs=np.zeros(0, dtype=np.int64), pair_values=np.zeros(0, dtype=np.int32))
    missing = reader.schema[fieldname].MISSING
    days = np.fromiter(reader.column_reader(fieldname), dtype=np.int64, count=reader.doc_count_all())
    docs = np.flatnonzero(days != missing)
    # Day numbers are proleptic ordinals: 1970-01-01 is 719163.
    periods = (np.datetime64("1970-01-01", "D") + (days[docs] - _ORDINAL_1970)).astype(f"datetime64[{unit}]")
    labels, ids = np.unique(periods, return_inverse=True)
    return FacetColumn(values=[str(v) for v in labels], pair_docs=docs, pair_values=ids.astype(np.int32))


def top_values(column: FacetColumn, matched: np.ndarray, limit: int | None,
               keep: Callable[[str], bool] = lambda v: True) -> list[FacetValue]:
    """The most frequent values among matched documents, most first, ties by value."""
    counts = column.count(matched)
    order = sorted((i for i in np.flatnonzero(counts) if keep(column.values[i])),
                   key=lambda i: (-counts[i], column.values[i]))
    if limit is not None:
        order = order[:limit]
    return [FacetValue(value=column.values[i], count=int(counts[i])) for i in order]
