"""Datelines: "BUFFALO, N.Y., March 31 -", "TEHRAN, 9 August 2007 —", "Calgary, Alberta, March 18 -". The words
before the date at the start of a line name the place the story was filed from (and its state or province),
whether or not a table knows it."""
from __future__ import annotations

import functools
import re

from .gazetteer import PLACE, Gazetteer, norm_word
from .resolve import Found
from .spans import Token

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)


@functools.cache
def _pattern() -> re.Pattern[str]:
    word = r"(?:[A-Z]\.){2,}|[A-Z][A-Za-z'’-]*\.?"  # "N.Y.", "ST.", "WEST"
    name = rf"(?:{word})(?:[ \t]+(?:{word})){{0,3}}"
    date = rf"(?:(?:{_MONTHS})\.?[ \t]+\d{{1,2}}|\d{{1,2}}[ \t]+(?:{_MONTHS}))(?:,?[ \t]+\d{{4}})?"
    return re.compile(rf"^[ \t]*(?P<city>{name}),[ \t]+(?:(?P<region>{name}),[ \t]+)?{date}[ \t]*[-—–]", re.M)


def dateline_places(text: str, g: Gazetteer) -> list[Found]:
    """The city and region of every dateline in `text`, as places."""
    found = []
    for m in _pattern().finditer(text):
        for group in ("city", "region"):
            if m.group(group) and (place := _place(text, m.start(group), m.end(group), g)) is not None:
                found.append(place)
    return found


def _place(text: str, start: int, end: int, g: Gazetteer) -> Found | None:
    words = text[start:end].split()
    # Shouted words ("WEST PALM BEACH", "MASS.") are looked up as acronyms first ("N.Y."), then as words.
    entries = g.phrases.entries
    entry = entries.get(" ".join(map(norm_word, words))) or entries.get(" ".join(words).lower())
    if entry is not None and entry.kind != PLACE:
        return None  # "NOTE, March 3 -" is no place
    name = entry.name if entry else " ".join(w.title() if w.isupper() else w for w in words)
    tokens, pos = [], start
    for w in words:
        pos = text.index(w, pos)
        tokens.append(Token(pos, pos + len(w), w))
        pos += len(w)
    return Found(start, end, PLACE, name, tokens=tokens)
