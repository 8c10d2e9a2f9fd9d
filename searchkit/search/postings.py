"""The documents of each segment's frequent terms, cached as arrays beside the index: what match sets are made of.

Whoosh keeps a term's postings in blocks of 128, each a compressed pickle of document numbers, weights and
positions; a match set needs only the numbers, yet reading them costs a block's decompression and unpickling every
128 documents. At Reuters-21578 x16 (1.3 million passages), a two-word AND query spent as long reading its terms'
documents as Whoosh spent ranking its top 10. A segment never changes once written, so the documents of its
frequent terms are read once, when the indexer finishes (`prune`), into `postings/<segment>.<version>.*` in the
index folder; a term of one block or less is still read from Whoosh, as cheaply as from here.

The cache is advisory: a segment without one (an index being written, or built by an older searchkit) is read from
Whoosh, with the same result.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

CACHE_FOLDER = "postings"
CACHE_VERSION = "v1"
FIELDS = ("title", "text")  # the ranked fields: every free-text query reads them
MIN_DOCS = 129  # more than one Whoosh block (Whoosh's W3Codec blocklimit is 128)
_SEPARATOR = "\x1f"  # between a field's terms in the cache (analysed terms never hold control characters)


class SegmentPostings:
    """One segment's cached terms: (field, term) -> its documents, in segment-local numbers."""

    def __init__(self, starts: dict[tuple[str, str], tuple[int, int]], docs: np.ndarray):
        self._starts = starts
        self._docs = docs

    def get(self, field: str, term: str) -> np.ndarray | None:
        """The term's documents, or None when the term is not cached (rare in the segment, or absent)."""
        span = self._starts.get((field, term))
        return None if span is None else self._docs[span[0]:span[1]]


def term_docs(leaf, field: str, term: str | bytes) -> np.ndarray:
    """A term's documents in one segment, from Whoosh's postings."""
    if (field, term) not in leaf:
        return np.zeros(0, dtype=np.int64)
    return np.fromiter(leaf.postings(field, term).all_ids(), dtype=np.int64)


def load(leaf, folder: Path) -> SegmentPostings | None:
    """The segment's cache, or None when there is none (or it is damaged: then Whoosh answers)."""
    index_path, docs_path = _paths(leaf, folder)
    try:
        with np.load(index_path, allow_pickle=False) as saved:
            starts: dict[tuple[str, str], tuple[int, int]] = {}
            for field in FIELDS:
                terms = str(saved[f"{field}.terms"])
                bounds = saved[f"{field}.bounds"].tolist()
                for i, term in enumerate(terms.split(_SEPARATOR) if terms else ()):
                    starts[(field, term)] = (bounds[i], bounds[i + 1])
            expected = int(saved["size"])
        docs = np.load(docs_path, mmap_mode="r", allow_pickle=False)
    except (OSError, KeyError, ValueError, IndexError):
        return None
    return SegmentPostings(starts, docs) if len(docs) == expected else None


def build(leaf, folder: Path) -> None:
    """Write the segment's cache, unless it exists. The arrays are written first and the index file that points
    into them last, each under a temporary name and then renamed: a reader sees a whole cache or none."""
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
        arrays[f"{field}.terms"] = np.array(_SEPARATOR.join(terms))
        arrays[f"{field}.bounds"] = np.array(bounds, dtype=np.int64)
    arrays["size"] = np.array(size)
    try:
        index_path.parent.mkdir(exist_ok=True)
        _replace(docs_path, lambda path: np.save(path, np.concatenate(parts) if parts else np.zeros(0, dtype)))
        _replace(index_path, lambda path: np.savez(path, **arrays))
    except OSError:  # a read-only index still answers, from Whoosh
        pass


def prune(reader, folder: Path) -> None:
    """Build the caches of the index's segments and delete those of segments merged away."""
    leaves = [leaf for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]
    current = {path.name for leaf in leaves for path in _paths(leaf, folder)}
    for leaf in leaves:
        build(leaf, folder)
    cache = folder / CACHE_FOLDER
    for stale in cache.iterdir() if cache.is_dir() else ():
        if stale.name not in current and not stale.name.startswith("."):  # not another process's file in the making
            stale.unlink(missing_ok=True)


def _paths(leaf, folder: Path) -> tuple[Path, Path]:
    stem = f"{leaf.segment().segment_id()}.{CACHE_VERSION}"
    return folder / CACHE_FOLDER / f"{stem}.npz", folder / CACHE_FOLDER / f"{stem}.docs.npy"


def _replace(path: Path, write) -> None:
    temporary = path.with_name(f".{os.getpid()}.{path.name}")  # np.save keeps a name ending in .npy or .npz
    write(temporary)
    os.replace(temporary, path)
