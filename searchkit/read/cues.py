"""Cues that a line states an article's metadata: dates, news datelines and bylines, as pages print them.

`clean` uses them to find a page's header; `extract` reads the values out of the lines clean marked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .outlets import OutletTable

__all__ = ["DATE_RE", "Byline", "Dateline", "is_byline_shaped", "is_dated_line", "read_byline", "read_dateline"]

# Dates as pages print them: "March 12, 2007", "May 28 2007", "9 August 2007", "2007-03-12".
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
_ISO = rf"{_YEAR}-[01]\d-[0-3]\d"
_YEAR_RE = re.compile(_YEAR)
DATE_RE = re.compile(rf"\b(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_ISO})\b", re.IGNORECASE)
_TIME_RE = re.compile(r"\b\d{1,2}(?::\d\d){1,2}(?:\s*[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?", re.IGNORECASE)
_DATE_WORDS = frozenset(
    "updated published posted last first modified created on at date dated filed issued am pm gmt utc bst est edt "
    "et pt pst pdt cet cest local time monday tuesday wednesday thursday friday saturday sunday mon tue tues wed "
    "thu thur thurs fri sat sun".split()
)

# A news dateline opening a story: "TEHRAN, 9 August 2007 —", "SALVADOR, Feb 26 -", "BAGHDAD, Iraq (AP) —".
_PLACE_WORD = r"[A-Z][A-Za-z'’]*(?:[./-][A-Za-z'’]+)*\.?"  # "NEW", "ST.", "WILKES-BARRE", "DALLAS/FORT"
_DATELINE_RE = re.compile(
    rf"(?P<place>{_PLACE_WORD}(?: {_PLACE_WORD}){{0,3}})"
    rf"(?:, (?P<region>{_PLACE_WORD}(?: {_PLACE_WORD})?))?"
    r"(?: ?\((?P<agency>[^()]{2,40})\))?"
    rf"(?:, (?P<date>(?i:(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH})(?:,?\s+{_YEAR})?|{_ISO})))?"
    r"(?P<end>\s*[—–-]{1,2}\s+(?=[^a-z\s])|\s*[—–:-]*\s*$)"
)

# "By Steve Negus and Guy Dinmore", "Prepared by: Lionel Beehner", "Posted by ... at 9:58 am".
_BYLINE_RE = re.compile(
    r"(?:(?i:prepared|written|posted|reported|compiled|edited|words|story|text)\s+by|By|BY)\b\s*:?\s*(?P<names>\S.*)"
)
_NAME_GLUE = frozenset(
    "and in of the for from at to de van von der den al el bin ibn da di du la le y staff writer writers "
    "correspondent correspondents reporter reporters editor editors contributor special".split()
)


@dataclass(frozen=True)
class Byline:
    """What a byline line says: the names part ("Steve Negus and Guy Dinmore") and an outlet if it names one."""

    names: str
    outlet: str | None = None


@dataclass(frozen=True)
class Dateline:
    """A news dateline as written: "TEHRAN, 9 August 2007 —" has place "TEHRAN" and date "9 August 2007"."""

    place: str
    region: str | None = None  # "Ill." in "LOMBARD, Ill., March 3 -"
    agency: str | None = None  # "AP" in "BAGHDAD (AP) —"
    date: str | None = None  # as written, possibly without a year: "Feb 26"
    opens_text: bool = False  # True when the story goes on after it on the same line


def read_byline(text: str, outlets: OutletTable | None = None) -> Byline | None:
    """The byline a line states ("By A and B", "N.Y. TIMES, A & B"), or None if it is not a byline."""
    match = _BYLINE_RE.fullmatch(text)
    if match:
        names = _cut_names(match["names"])
        outlet = (outlets or OutletTable.load()).lookup(names)
        if outlet:
            return Byline("", outlet)
        return Byline(names) if _looks_like_names(names) else None
    return _outlet_byline(text, outlets or OutletTable.load())


def is_dated_line(text: str) -> bool:
    """True for a line that only gives a date: "Updated: March 12, 2007", "April 7, 2008 | 9:58 am"."""
    if len(text) > 160 or not _YEAR_RE.search(text):  # cheap test first: this runs on every line of a file
        return False
    first = DATE_RE.search(text)
    if not first:
        return False
    before = re.findall(r"[^\W\d_]+", text[: first.start()])
    after = re.findall(r"[^\W\d_]+", _TIME_RE.sub(" ", DATE_RE.sub(" ", text[first.start() :])))
    # All-caps words before the date are a place: "TEHRAN, April 7, 2008".
    return all(word.lower() in _DATE_WORDS or word.isupper() for word in before) and all(
        word.lower() in _DATE_WORDS for word in after
    )


def read_dateline(text: str) -> Dateline | None:
    """The news dateline a block starts with ("TEHRAN, 9 August 2007 — ...", "WASHINGTON —"), or None."""
    match = _DATELINE_RE.match(text)
    if not match:
        return None
    opens_text = match.end() < len(text)
    if opens_text and not (match["place"].isupper() or match["date"] or match["agency"]):
        return None  # a capitalised word and a dash ("Iran - the ...") is not a dateline
    if not opens_text and not (match["place"].isupper() and (match["agency"] or match["date"] or text[-1] in "—–-")):
        return None  # a line of its own must look the part: "WASHINGTON —", not "ANALYSIS" or "Record March 31"
    return Dateline(match["place"], match["region"], match["agency"], match["date"], opens_text)


def is_byline_shaped(line: str) -> bool:
    """A "By ..." line whose names part looks like names, whatever the outlet table says."""
    byline = _BYLINE_RE.fullmatch(line)
    return bool(byline and _looks_like_names(_cut_names(byline["names"])))


def _cut_names(names: str) -> str:
    """The names part of a byline, without what follows it: "| April 7, 2008", " at 9:58 am", "— Updated"."""
    names = re.split(r"\s+[|•·]\s*|\s+[—–-]\s+|\s+(?:at|on)\s+(?=\d)", names)[0]
    if date := DATE_RE.search(names):
        names = names[: date.start()]
    return re.sub(r"(?:[\s,;:]|\b(?:on|at|updated|published)\b)+$", "", names)


def _looks_like_names(names: str) -> bool:
    """True for "Steve Negus and Guy Dinmore", "John Smith, Staff Writer"; False for "contrast, the company said"."""
    words = re.findall(r"[^\s,&]+", names)
    if not 1 <= len(words) <= 16 or not words[0][0].isupper() or names.endswith(("!", "?")):
        return False
    return all(
        word[0].isupper() or word.lower() in _NAME_GLUE or re.match(r"[a-z]{1,3}-[A-Z]", word) for word in words
    )


def _outlet_byline(text: str, outlets: OutletTable) -> Byline | None:
    """An all-caps "OUTLET, AUTHOR & AUTHOR" line: "N.Y. TIMES, MICHAEL GORDON & DAVID SANGER"."""
    if text != text.upper() or "," not in text or not any(char.isalpha() for char in text):
        return None
    head, _, names = text.partition(",")
    outlet = outlets.lookup(head)
    names = names.strip()
    return Byline(names, outlet) if outlet and _looks_like_names(names) else None
