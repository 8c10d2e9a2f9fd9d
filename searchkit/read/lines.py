"""Which lines of a JSON Lines file the index lacks: each line is an article, and only new or changed lines are read.

The index knows each article of a JSON Lines file by the digest of its line, the line's number, and whether the
record gave its id. A line is unchanged when an article of its file has its digest and either its number (an id
made from a line number holds only there) or an id of its own (the record's `id` holds wherever the line moves).
Scanning is cheap beside reading: the lines are hashed as bytes, never decoded or parsed.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..models import Origin
from .ingest import iter_raw_lines


def line_digest(raw: bytes) -> str:
    """The digest of a line's content (surrounding whitespace and the line end are not content)."""
    return hashlib.blake2b(raw.strip(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class KnownLine:
    article_id: str
    line: int
    own_id: bool


class KnownLines:
    """The lines of one JSON Lines file that the index holds articles of, by digest; each matches one line."""

    def __init__(self, origins: Iterable[tuple[str, Origin]] = ()):
        self._by_digest: dict[str, list[KnownLine]] = {}
        for article_id, origin in origins:
            if origin.line is not None:  # an index written before articles recorded their lines: read them all
                self._by_digest.setdefault(origin.digest, []).append(KnownLine(article_id, origin.line, origin.own_id))

    def match(self, number: int, digest: str) -> str | None:
        """The id of the indexed article that line `number`, of content `digest`, still is (None: read the line)."""
        candidates = self._by_digest.get(digest)
        if not candidates:
            return None
        at_line = [c for c in candidates if c.line == number]
        chosen = at_line[0] if at_line else next((c for c in candidates if c.own_id), None)
        if chosen is None:
            return None
        candidates.remove(chosen)
        return chosen.article_id


@dataclass
class LineSelection:
    """What to read of a JSON Lines file: the lines the index lacks (ranges of line numbers, both ends included, in
    order) and their bytes; and the ids of the articles whose lines are unchanged."""

    ranges: list[tuple[int, int]] = field(default_factory=list)
    size: int = 0
    kept: list[str] = field(default_factory=list)
    _last_scanned: int = 0

    def __contains__(self, number: int) -> bool:
        at = bisect.bisect_right(self.ranges, (number, float("inf"))) - 1
        return at >= 0 and self.ranges[at][0] <= number <= self.ranges[at][1]

    def add_read(self, number: int, size: int) -> None:
        if self.ranges and self.ranges[-1][1] == self._last_scanned:  # blank lines between do not break a range
            self.ranges[-1] = (self.ranges[-1][0], number)
        else:
            self.ranges.append((number, number))
        self.size += size
        self._last_scanned = number

    def add_kept(self, number: int, article_id: str) -> None:
        self.kept.append(article_id)
        self._last_scanned = number


def select_lines(path: Path, known: KnownLines) -> LineSelection:
    """Scan a JSON Lines file for the lines to read. Raises BadInputError when the file cannot be read at all."""
    selection = LineSelection()
    for number, raw, _ in iter_raw_lines(path):
        article_id = known.match(number, line_digest(raw)) if raw is not None else None
        if article_id is None:
            selection.add_read(number, len(raw) if raw is not None else 0)  # an over-long line: read to report it
        else:
            selection.add_kept(number, article_id)
    return selection
