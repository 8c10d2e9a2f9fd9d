"""The index's vocabulary: each word and how many articles use it, what spelling suggestions are drawn from.

Kept in a file beside the Whoosh index rather than as postings (a posting per word per article cost a third of
indexing time). It is derived, advisory data, written (and synced) just before each commit: a batch whose commit then
fails (a crash, a full disk) is counted again by the run that redoes it, and words of removed articles stay in it.
Both only change which suggestions are possible, and every suggestion is checked against the index before it is
shown. A file damaged some other way is read as empty: suggestions start again from the words indexed next.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from ..durable import write_text

FILE_NAME = "vocabulary.json"
_WORD = re.compile(r"[^\W\d_]{3,}")  # words worth a spelling suggestion: letters only, three or more


def article_words(title: str | None, text: str) -> set[str]:
    return set(_WORD.findall(f"{title or ''} {text}".lower()))


class Vocabulary:
    def __init__(self, counts: Counter | None = None):
        self.counts: Counter = counts or Counter()
        self._buckets: dict[tuple[str, int], list[str]] | None = None

    @classmethod
    def load(cls, folder: Path) -> "Vocabulary":
        try:
            return cls(Counter(json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))))
        except (OSError, ValueError):  # none yet, or unreadable: suggestions start from nothing
            return cls()

    def save(self, folder: Path) -> None:
        """Replace the file whole and durably: a reader, even after a power cut, finds the old one or the new one."""
        write_text(folder / FILE_NAME, json.dumps(self.counts, ensure_ascii=False, separators=(",", ":")))

    def add(self, words: set[str]) -> None:
        self.counts.update(words)
        self._buckets = None

    def frequency(self, word: str) -> int:
        return self.counts.get(word, 0)

    def near(self, word: str, max_distance: int) -> list[tuple[int, str]]:
        """(edit distance, word) for the words within `max_distance` edits that share the first letter (few typos
        are in the first letter, and it keeps the comparisons few)."""
        found = []
        for length in range(len(word) - max_distance, len(word) + max_distance + 1):
            bucket = self._bucket(word[:1], length)
            matches = process.extract(
                word, bucket, scorer=DamerauLevenshtein.distance, score_cutoff=max_distance, limit=None
            )
            found.extend((int(distance), candidate) for candidate, distance, _ in matches)
        return found

    def _bucket(self, first: str, length: int) -> list[str]:
        if self._buckets is None:
            buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
            for word in self.counts:
                buckets[(word[:1], len(word))].append(word)
            self._buckets = buckets
        return self._buckets.get((first, length), [])
