"""The documents of each segment's frequent terms, cached as arrays beside the index: what match sets are made of.

Whoosh keeps a term's postings in blocks of 128, each a compressed pickle of document numbers, weights and
positions; a match set needs only the numbers, yet reading them costs a block's decompression and unpickling every
128 documents. At Reuters-21578 x16 (1.3 million passages), a two-word AND query spent as long reading its terms'
documents as Whoosh spent ranking its top 10. A segment never changes once written, so the documents of its
frequent terms are read once, when the indexer finishes (`prune`), into `postings/<segment>.<version>.*` in the
index folder; a term of one block or less is still read from Whoosh, as cheaply as from here.

The cache is advisory: a segment without one (an index being written, or built by an older searchkit) is read from
Whoosh, with the same result. Its files are synced when written (`durable.save_cache`): a documents file whose rename
reached the disk before its contents would otherwise be the right length and the wrong documents after a power cut.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...durable import save_cache
from .segment_files import (
    DAMAGED, join_terms, remove_stale, segment_file, segments, split_terms, term_docs,
)

CACHE_FOLDER = "postings"
CACHE_VERSION = "v1"
FIELDS = ("title", "text")  # the ranked fields: every free-text query reads them
MIN_DOCS = 129  # more than one Whoosh block (Whoosh's W3Codec blocklimit is 128)


class SegmentPostings:
    """One segment's cached terms: (field, term) -> its documents, in segment-local numbers."""

    def __init__(self, starts: dict[tuple[str, str], tuple[int, int]], docs: np.ndarray):
        self._starts = starts
        self._docs = docs

    def get(self, field: str, term: str) -> np.ndarray | None:
        """The term's documents, or None when the term is not cached (rare in the segment, or absent)."""
        span = self._starts.get((field, term))
        return None if span is None else self._docs[span[0]:span[1]]


def load(leaf, folder: Path) -> SegmentPostings | None:
    """The segment's cache, or None when there is none (or it is damaged: then Whoosh answers)."""
    index_path, docs_path = _paths(leaf, folder)
    try:
        with np.load(index_path, allow_pickle=False) as saved:
            starts: dict[tuple[str, str], tuple[int, int]] = {}
            for field in FIELDS:
                bounds = saved[f"{field}.bounds"].tolist()
                for i, term in enumerate(split_terms(saved[f"{field}.terms"])):
                    starts[(field, term)] = (bounds[i], bounds[i + 1])
            expected = int(saved["size"])
        docs = np.load(docs_path, mmap_mode="r", allow_pickle=False)
    except DAMAGED:
        return None
    return SegmentPostings(starts, docs) if len(docs) == expected else None


def build(leaf, folder: Path) -> None:
    """Write the segment's cache, unless it exists. The documents are written first and the index file that points
    into them last, each whole: a reader sees a whole cache or none."""
    index_path, docs_path = _paths(leaf, folder)
    if index_path.exists():
        return
    arrays, parts, size = {}, [], 0
    dtype = np.uint16 if leaf.doc_count_all() <= 2**16 else np.uint32
    for field in FIELDS:
        terms, bounds = [], [size]
        if field in leaf.schema and leaf.doc_count_all():
            for raw, info in leaf.iter_field(field):
                if info.doc_frequency() < MIN_DOCS:
                    continue
                docs = term_docs(leaf, field, raw).astype(dtype)
                terms.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                parts.append(docs)
                size += len(docs)
                bounds.append(size)
        arrays[f"{field}.terms"] = join_terms(terms)
        arrays[f"{field}.bounds"] = np.array(bounds, dtype=np.int64)
    arrays["size"] = np.array(size)
    docs = np.concatenate(parts) if parts else np.zeros(0, dtype)
    if save_cache(docs_path, lambda file: np.save(file, docs)):
        save_cache(index_path, lambda file: np.savez(file, **arrays))


def prune(reader, folder: Path) -> None:
    """Build the caches of the index's segments and delete those of segments merged away."""
    for leaf, _ in segments(reader):
        build(leaf, folder)
    remove_stale(folder / CACHE_FOLDER, {path.name for leaf, _ in segments(reader) for path in _paths(leaf, folder)})


def _paths(leaf, folder: Path) -> tuple[Path, Path]:
    """The segment's index file (terms and where their documents start) and its documents file."""
    cache = folder / CACHE_FOLDER
    return segment_file(cache, leaf, f"{CACHE_VERSION}.npz"), segment_file(cache, leaf, f"{CACHE_VERSION}.docs.npy")
