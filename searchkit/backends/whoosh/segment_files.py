"""Files derived from Whoosh segments and kept beside the index: which segments there are, where a segment's files
go, and how those of merged-away segments are removed (they are written by `durable.save_cache`).

A segment never changes once written, so what is read from it once can be kept until a merge removes it. `facets`
(facet columns) and `postings` (the documents of frequent terms) each keep such files, in a folder of their own.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

SEPARATOR = "\x1f"  # between the terms of a field in a cache file (terms never hold control characters)
# What loading a cache file raises when it is missing or damaged; then the segment is read again. np.load raises
# zipfile.BadZipFile, which is neither OSError nor ValueError, for an .npz file cut short.
DAMAGED = (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile)


def segments(reader) -> list:
    """(segment reader, first document number) of each segment; an empty index has none."""
    return [(leaf, offset) for leaf, offset in reader.leaf_readers() if leaf.segment() is not None]


def segment_ids(reader) -> list[str]:
    return sorted(leaf.segment().segment_id() for leaf, _ in segments(reader))


def segment_file(folder: Path, leaf, suffix: str) -> Path:
    """Where a file of `leaf`'s goes in the cache folder `folder`: named by segment id, then `suffix`."""
    return folder / f"{leaf.segment().segment_id()}.{suffix}"


def term_docs(leaf, field: str, term: str | bytes) -> np.ndarray:
    """A term's documents in one segment, from Whoosh's postings (none when the segment lacks the term)."""
    if (field, term) not in leaf:
        return np.zeros(0, dtype=np.int64)
    return np.fromiter(leaf.postings(field, term).all_ids(), dtype=np.int64)


def join_terms(terms: list[str]) -> np.ndarray:
    return np.array(SEPARATOR.join(terms))


def split_terms(joined) -> list[str]:
    joined = str(joined)
    return joined.split(SEPARATOR) if joined else []


def remove_stale(folder: Path, current: set[str]) -> None:
    """Delete the files in `folder` that are not `current` (those of segments merged away); files in the making
    (named with a leading dot) are another process's."""
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.name not in current and not path.name.startswith("."):
            path.unlink(missing_ok=True)
