"""The index's vocabulary for 'did you mean', asked of the cluster: the words near a word (OpenSearch's term
suggester over the unstemmed title and text) and how common a word is, with searchkit.search.spelling's rules.

Differs from the Whoosh backend's vocabulary file: frequencies count passages, not articles (RARE_DOCS and
MORE_COMMON then compare passages), and only words the cluster holds now are offered (Whoosh's file keeps the words
of removed articles; every suggestion is checked against the index on both).
"""
from __future__ import annotations

import re
from typing import Callable

from rapidfuzz.distance import DamerauLevenshtein

from .compile import Query

_WORD = re.compile(r"[^\W\d_]{3,}")  # the words the Whoosh backend's vocabulary holds: letters only, three or more
FIELDS = ("text.exact", "title.exact")
CANDIDATES = 25


class ClusterVocabulary:
    """What searchkit.search.spelling asks of a vocabulary (`frequency`, `near`), answered by the cluster.
    `search(body)` runs a search body on the passages that are visible; `count(query)` counts them."""

    def __init__(self, search: Callable[[dict], dict], count: Callable[[Query], int]):
        self._search = search
        self._count = count
        self._frequencies: dict[str, int] = {}

    def frequency(self, word: str) -> int:
        """Passages holding `word` as written, in the title or the text."""
        if word not in self._frequencies:
            self._frequencies[word] = self._count(
                {"bool": {"should": [{"term": {f: word}} for f in FIELDS], "minimum_should_match": 1}})
        return self._frequencies[word]

    def near(self, word: str, max_distance: int) -> list[tuple[int, str]]:
        """(edit distance, word) for the words within `max_distance` edits that share the first letter."""
        suggest = {f"in_{i}": {"text": word, "term": {
            "field": field, "suggest_mode": "always", "max_edits": min(max_distance, 2), "prefix_length": 1,
            "min_word_length": 3, "size": CANDIDATES, "string_distance": "damerau_levenshtein",
            # words in up to this many passages a shard are corrected (the default, 1% of them, would leave out
            # every word of a small index); spelling.better_spelling decides with the counts
            "max_term_freq": 1000}} for i, field in enumerate(FIELDS)}
        answer = self._search({"size": 0, "suggest": suggest})
        found: dict[str, int] = {}
        for entries in answer.get("suggest", {}).values():
            for entry in entries:
                for option in entry["options"]:
                    candidate = option["text"]
                    if _WORD.fullmatch(candidate):
                        found[candidate] = max(found.get(candidate, 0), option["freq"])
        near = []
        for candidate, frequency in found.items():
            # the suggester's count in one field: at most the passages holding it in either, a lower bound
            self._frequencies.setdefault(candidate, frequency)
            distance = DamerauLevenshtein.distance(word, candidate)
            if distance <= max_distance:
                near.append((distance, candidate))
        return near
