"""Facet counts over all matches, as vectorised counts over columns of value ids.

Whoosh's `groupedby` visits every hit in Python. Here each facet field is a pair of numpy arrays, (document number,
value id), and counting a result set is one `bincount` over the pairs whose document matched.

The arrays are assembled from a cache file per Whoosh segment (`facets/<segment>.npz` in the index folder): a
segment never changes once written, so its (document, term) pairs are read from its postings once, when the
indexer finishes or the first searcher needs them. The segments' pairs joined into whole-index arrays are cached
too (`facets/index-<digest of the segment names>.npz`), so a searcher opening the index loads one file. Both are
caches: synced when written (`durable.save_cache`), read again from the segments when missing or damaged, and not
written at all on a read-only index, whose searchers keep the joined arrays in memory.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ...models import FacetValue
from ...durable import save_cache
from .segment_files import (
    DAMAGED, join_terms, remove_stale, segment_file, segment_ids, segments, split_terms, term_docs,
)

CACHE_FOLDER = "facets"
CACHE_VERSION = "v3"
JOINED_PREFIX = "index-"
TERM_FIELDS = ("outlet", "author", "actor", "article_id")
# Fields of one value a document, read from their sortable column: article ids are one term an article, and reading
# a segment's 9,500 of them term by term took 0.16 s on Reuters-21578, their column 0.03 s.
COLUMN_FIELDS = ("article_id",)
DAY_FIELD = "date"
_ORDINAL_1970 = 719163  # day numbers are proleptic ordinals: 1970-01-01 is 719163
# Match sets smaller than 1/SPARSE_SHARE of a column's pairs look their pairs up (a binary search a document);
# larger ones pass over every pair.
SPARSE_SHARE = 32


@dataclass
class FacetColumn:
    """Every (document, value) pair of one facet, sorted by document; `values[i]` is the display value of id i."""

    values: list[str]
    pair_docs: np.ndarray
    pair_values: np.ndarray
    _by_document: np.ndarray | None = dataclasses.field(default=None, init=False, repr=False)
    _ranks: np.ndarray | None = dataclasses.field(default=None, init=False, repr=False)

    def count(self, matched: np.ndarray) -> np.ndarray:
        """How many of the `matched` documents (sorted document numbers) have each value."""
        if not len(self.pair_docs) or not len(matched):
            return np.zeros(len(self.values), dtype=np.int64)
        if len(matched) * SPARSE_SHARE < len(self.pair_docs):
            hits = self.pair_values[self._pairs_of(matched)]
        elif self._single_valued():  # a value a document at most (year, outlet): a lookup per matched document
            found = self._by_document[matched[matched < len(self._by_document)]]
            hits = found[found >= 0]
        else:  # one pass over every pair
            mask = np.zeros(int(max(self.pair_docs[-1], matched[-1])) + 1, dtype=bool)
            mask[matched] = True
            hits = self.pair_values[mask[self.pair_docs]]
        return np.bincount(hits, minlength=len(self.values))

    def distinct(self, matched: np.ndarray) -> int:
        """How many values the `matched` documents have between them (articles, for the article id column)."""
        return int(np.count_nonzero(self.count(matched)))

    def value_of(self, docs: np.ndarray) -> np.ndarray:
        """The value id of each of `docs` (-1 for none), for a column of one value a document (article ids)."""
        found = np.full(len(docs), -1, dtype=np.int64)
        if not len(self.pair_docs):
            return found
        if not self._single_valued():
            raise ValueError("value_of needs a column of one value a document")
        inside = docs < len(self._by_document)
        found[inside] = self._by_document[docs[inside]]
        return found

    def ranks(self) -> np.ndarray:
        """Each value's place in the sorted values: ties between counts are broken by value."""
        if self._ranks is None:
            self._ranks = np.empty(len(self.values), dtype=np.int64)
            self._ranks[np.argsort(np.array(self.values, dtype=object), kind="stable")] = np.arange(len(self.values))
        return self._ranks

    def _pairs_of(self, matched: np.ndarray) -> np.ndarray:
        """The positions of the matched documents' pairs (the pairs are sorted by document)."""
        starts = np.searchsorted(self.pair_docs, matched, "left")
        lengths = np.searchsorted(self.pair_docs, matched, "right") - starts
        ends = np.cumsum(lengths)
        return np.arange(ends[-1]) + np.repeat(starts - (ends - lengths), lengths)

    def _single_valued(self) -> bool:
        if self._by_document is None:
            if len(self.pair_docs) > 1 and (self.pair_docs[1:] == self.pair_docs[:-1]).any():
                self._by_document = np.zeros(0, dtype=np.int32)  # several values for some document
            else:
                self._by_document = np.full(int(self.pair_docs[-1]) + 1, -1, dtype=np.int32)
                self._by_document[self.pair_docs] = self.pair_values
        return len(self._by_document) > 0


@dataclass
class SegmentFacets:
    """One segment's facet data, in segment-local document numbers."""

    terms: dict[str, list[str]]  # field -> its terms, sorted
    pair_docs: dict[str, np.ndarray]  # field -> documents of each (document, term) pair
    pair_terms: dict[str, np.ndarray]  # field -> index into terms[field] of each pair
    days: np.ndarray  # the day number of every document, 0 for none


class FacetData:
    """The facet data of a whole index: every segment's pairs in index document numbers, joined once.

    The join is cached too (`facets/index-<digest>.npz`, named by the index's segments), so a searcher that opens
    an unchanged index reads one file and joins nothing."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        """`arrays`: as `join` makes them."""
        self.days: np.ndarray = arrays["days"]
        self._joined_terms = {f: arrays[f"{f}.terms"] for f in TERM_FIELDS}
        self._terms: dict[str, list[str]] = {}  # split on first use: the article ids are as many as the articles
        self._pairs = {f: (arrays[f"{f}.docs"], arrays[f"{f}.ids"]) for f in TERM_FIELDS}

    @classmethod
    def load(cls, reader, folder: Path) -> "FacetData":
        """The facet data of the index `reader` reads, from the cached join, or joined (and cached) now."""
        path = _joined_file(folder, reader)
        arrays = _load_joined(path)
        if arrays is None:
            arrays = join([(segment_facets(leaf, folder), offset) for leaf, offset in segments(reader)])
            save_cache(path, lambda file: np.savez(file, **arrays))
        return cls(arrays)

    def terms(self, field: str) -> list[str]:
        """Every term of a field, in any segment, sorted."""
        if field not in self._terms:
            self._terms[field] = split_terms(self._joined_terms[field])
        return self._terms[field]

    def term_counts(self, field: str) -> dict[str, int]:
        """How many documents hold each term of a field."""
        _, term_ids = self._pairs[field]
        counts = np.bincount(term_ids, minlength=len(self.terms(field))) if len(term_ids) else ()
        return {t: int(c) for t, c in zip(self.terms(field), counts)}

    def term_column(self, field: str) -> FacetColumn:
        """A term field's column with its terms as values, as indexed."""
        docs, ids = self._pairs[field]
        return FacetColumn(self.terms(field), docs, ids)

    def column(self, field: str, display: Callable[[str], str | None] = lambda v: v) -> FacetColumn:
        """A term field's column; terms that `display` the same are one value, counted once per document."""
        values: dict[str, int] = {}
        value_of = np.array([-1 if (v := display(t)) is None else values.setdefault(v, len(values))
                             for t in self.terms(field)], dtype=np.int32)
        docs, term_ids = self._pairs[field]
        pair_values = value_of[term_ids] if len(term_ids) else np.zeros(0, dtype=np.int32)
        keep = pair_values >= 0
        docs, pair_values = docs[keep], pair_values[keep]
        shared = np.bincount(value_of[value_of >= 0], minlength=len(values)) > 1
        if shared.any():  # a document may name two terms of one value (two aliases of an actor)
            again = _repeated(docs, pair_values, shared[pair_values])
            docs, pair_values = docs[~again], pair_values[~again]
        return FacetColumn(list(values), docs, pair_values)

    def period_column(self, unit: str) -> FacetColumn:
        """Years ("Y": "2007") or months ("M": "2007-03") of the dated documents."""
        docs = np.flatnonzero(self.days)
        if not len(docs):
            return FacetColumn(values=[], pair_docs=docs, pair_values=np.zeros(0, dtype=np.int32))
        periods = (np.datetime64("1970-01-01", "D") + (self.days[docs] - _ORDINAL_1970)).astype(f"datetime64[{unit}]")
        # Periods are few and close together: numbered by their distance from the first, without sorting.
        steps = periods.astype(np.int64)
        steps -= steps.min()
        present = np.flatnonzero(np.bincount(steps))
        ids = np.searchsorted(present, steps).astype(np.int32)
        labels = periods.min() + present.astype(f"timedelta64[{unit}]")
        return FacetColumn(values=[str(v) for v in labels], pair_docs=docs, pair_values=ids)


def join(parts: list[tuple["SegmentFacets", int]]) -> dict[str, np.ndarray]:
    """The segments' facet data as whole-index arrays: per term field, its sorted terms and its (document, term)
    pairs sorted by document, then term."""
    arrays = {"days": np.concatenate([p.days for p, _ in parts]) if parts else np.zeros(0, dtype=np.int64)}
    for field in TERM_FIELDS:
        terms = sorted({term for part, _ in parts for term in part.terms[field]})
        number = {term: i for i, term in enumerate(terms)}
        docs, ids = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
        for part, offset in parts:  # segment by segment, so that the temporary arrays are one segment's
            if part.terms[field]:
                term_ids = np.array([number[t] for t in part.terms[field]], dtype=np.int32)[part.pair_terms[field]]
                order = np.lexsort((term_ids, part.pair_docs[field]))
                docs.append((part.pair_docs[field][order] + offset).astype(np.int32))
                ids.append(term_ids[order])
        arrays[f"{field}.terms"] = join_terms(terms)
        arrays[f"{field}.docs"] = np.concatenate(docs)
        arrays[f"{field}.ids"] = np.concatenate(ids)
    return arrays


def _repeated(docs: np.ndarray, values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Which pairs repeat an earlier pair's (document, value), looking only among the `candidates`."""
    where = np.flatnonzero(candidates)
    keys = docs[where].astype(np.int64) * (int(values.max()) + 1) + values[where]
    order = np.argsort(keys, kind="stable")
    repeated = np.zeros(len(docs), dtype=bool)
    repeated[where[order[1:]][keys[order[1:]] == keys[order[:-1]]]] = True
    return repeated


def _joined_file(folder: Path, reader) -> Path:
    digest = hashlib.blake2b(",".join(segment_ids(reader)).encode(), digest_size=8).hexdigest()
    return folder / CACHE_FOLDER / f"{JOINED_PREFIX}{digest}.{CACHE_VERSION}.npz"


def _load_joined(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
    except DAMAGED:  # not joined yet for these segments, or a damaged file
        return None
    wanted = {"days"} | {f"{f}.{part}" for f in TERM_FIELDS for part in ("terms", "docs", "ids")}
    return arrays if wanted <= arrays.keys() else None


def segment_facets(leaf, folder: Path) -> SegmentFacets:
    """A segment's facet data from its cache file, read from its postings (and cached) the first time."""
    path = _cache_file(folder, leaf)
    try:
        with np.load(path, allow_pickle=False) as saved:
            return SegmentFacets(
                terms={f: split_terms(saved[f"{f}.terms"]) for f in TERM_FIELDS},
                pair_docs={f: saved[f"{f}.docs"] for f in TERM_FIELDS},
                pair_terms={f: saved[f"{f}.ids"] for f in TERM_FIELDS},
                days=saved["days"],
            )
    except DAMAGED:  # not cached yet, or a damaged file: read the segment again
        pass
    facets = _read_segment(leaf)
    _save(facets, path)
    return facets


def _read_segment(leaf) -> SegmentFacets:
    terms, pair_docs, pair_terms = {}, {}, {}
    for field in TERM_FIELDS:
        if field in COLUMN_FIELDS and field in leaf.schema and leaf.doc_count_all() and leaf.has_column(field):
            terms[field], pair_docs[field], pair_terms[field] = _column_pairs(leaf, field)
            continue
        names, docs, ids = [], [], []
        if field in leaf.schema and leaf.doc_count_all():
            for number, raw in enumerate(leaf.lexicon(field)):
                names.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                found = term_docs(leaf, field, raw)
                docs.append(found)
                ids.append(np.full(len(found), number, dtype=np.int32))
        terms[field] = names
        pair_docs[field] = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        pair_terms[field] = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
    return SegmentFacets(terms, pair_docs, pair_terms, _segment_days(leaf))


def _column_pairs(leaf, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A single-valued field's sorted terms and (document, term) pairs, from its column."""
    values = [v.decode("utf-8") if isinstance(v, bytes) else v for v in leaf.column_reader(field)]
    names, ids = np.unique(np.array(values, dtype=object), return_inverse=True)
    return [str(n) for n in names], np.arange(len(values), dtype=np.int64), ids.astype(np.int32).ravel()


def _segment_days(leaf) -> np.ndarray:
    count = leaf.doc_count_all()
    if DAY_FIELD not in leaf.schema or not count or not leaf.has_column(DAY_FIELD):
        return np.zeros(count, dtype=np.int64)
    return np.fromiter(leaf.column_reader(DAY_FIELD), dtype=np.int64, count=count)


def _save(facets: SegmentFacets, path: Path) -> None:
    arrays = {"days": facets.days}
    for field in TERM_FIELDS:
        arrays.update({f"{field}.terms": join_terms(facets.terms[field]),
                       f"{field}.docs": facets.pair_docs[field],
                       f"{field}.ids": facets.pair_terms[field]})
    save_cache(path, lambda file: np.savez(file, **arrays))


def _cache_file(folder: Path, leaf) -> Path:
    return segment_file(folder / CACHE_FOLDER, leaf, f"{CACHE_VERSION}.npz")


def prune(reader, folder: Path) -> None:
    """Build the caches of the index's segments and their join; delete those of segments merged away."""
    FacetData.load(reader, folder)
    current = {_cache_file(folder, leaf).name for leaf, _ in segments(reader)} | {_joined_file(folder, reader).name}
    remove_stale(folder / CACHE_FOLDER, current)


def top_values(column: FacetColumn, matched: np.ndarray, limit: int | None,
               keep: Callable[[str], bool] = lambda v: True) -> list[FacetValue]:
    """The most frequent values among matched documents, most first, ties by value."""
    counts = column.count(matched)
    present = np.flatnonzero(counts)
    chosen: list[FacetValue] = []
    for i in present[np.lexsort((column.ranks()[present], -counts[present]))]:
        if keep(column.values[i]):
            chosen.append(FacetValue(value=column.values[i], count=int(counts[i])))
            if limit is not None and len(chosen) == limit:
                break
    return chosen
