"""Words of a text, one definition for indexing, querying and highlighting (every engine's analysis starts here).

Words are runs of letters and digits with inner dots ("U.S.", "3.5"), as Whoosh's default tokenizer made them.
A compound joins such words with "-" or "/" (G-5, COVID-19, 9/11, year-end, al-Maliki), or letters with digits
(MH17): it is kept as written AND as its parts, like Lucene's word-delimiter filter with `preserve_original`.
The compound takes the position of its first part and the parts take consecutive positions, so a phrase of the
parts ("nouri al maliki") matches, and a query for the compound matches only the compound.
Then everything is lower-cased and stop words are left out, positions renumbered over the words kept (so
"bank of england" is still a phrase of two adjacent words, as Whoosh's StopFilter made it).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from ..datafiles import data_lines

_WORD = r"\w+(?:\.?\w+)*"
COMPOUND = re.compile(rf"{_WORD}(?:[-/]{_WORD})*")
_JOINER = re.compile(r"[-/]")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
MIN_CHARS = 2  # single letters and digits are left out, as Whoosh's StopFilter(minsize=2) did


@functools.cache
def stop_words() -> frozenset[str]:
    return frozenset(data_lines("stop_words_en.txt"))


@dataclass(frozen=True)
class Token:
    """A word as it is indexed: lower-cased `text`, its place among the kept words, and where it is written."""

    text: str
    position: int
    start: int
    end: int
    compound: bool = False  # the whole of a word that is also indexed as its parts


def split_words(text: str) -> Iterator[tuple[str, int, list[tuple[str, int]]]]:
    """(word as written, start, its parts with their starts) for each word of `text`: one part unless a compound."""
    for match in COMPOUND.finditer(text):
        yield match.group(), match.start(), list(_parts(match.group(), match.start()))


def _parts(word: str, offset: int) -> Iterator[tuple[str, int]]:
    start = 0
    for piece in _JOINER.split(word):
        inner = 0
        for cut in [m.start() for m in _LETTER_DIGIT.finditer(piece)] + [len(piece)]:
            yield piece[inner:cut], offset + start + inner
            inner = cut
        start += len(piece) + 1


@dataclass(frozen=True)
class Word:
    """One written word's tokens: `whole` for a compound (None otherwise), and the parts kept; `complete` when no
    part was left out (a stop word or a single character), so the parts stand for the whole word."""

    whole: Token | None
    parts: tuple[Token, ...]
    complete: bool


def words(text: str) -> list[Word]:
    """The written words of `text` with their kept tokens; words with nothing kept are left out."""
    stops = stop_words()
    found: list[Word] = []
    slot, kept_slot, position = -1, -1, -1  # slots count every word and part; positions only those kept

    def keep(word: str, start: int, at_slot: int, compound: bool) -> Token | None:
        nonlocal kept_slot, position
        lowered = word.lower()
        if len(lowered) < MIN_CHARS or lowered in stops:
            return None
        if at_slot != kept_slot:
            kept_slot, position = at_slot, position + 1
        return Token(lowered, position, start, start + len(word), compound)

    for word, start, parts in split_words(text):
        whole = keep(word, start, slot + 1, True) if len(parts) > 1 else None
        kept = []
        for part, part_start in parts:
            slot += 1
            token = keep(part, part_start, slot, False)
            if token is not None:
                kept.append(token)
        if whole is not None or kept:
            found.append(Word(whole, tuple(kept), len(kept) == len(parts)))
    return found


def tokens(text: str) -> list[Token]:
    """The indexed tokens of `text`, lower-cased, without stop words, with positions and character offsets; a
    compound comes just before its parts."""
    return [token for word in words(text) for token in ([word.whole] if word.whole else []) + list(word.parts)]
