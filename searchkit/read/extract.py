"""Read an article's metadata (title, authors, date, outlet, dateline place) from its file and its cleaned blocks.

What the file states wins. The text is read only for explicit cues: a byline, a dated header line ("Updated: March
12, 2007"), a dateline ("TEHRAN, 9 August 2007 —"), a masthead, the outlet's own house style ("told the FT").
A date or an outlet the text merely mentions is never taken: no cue, no value.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil import parser as date_parser

from .cues import DATE_RE, Dateline, read_byline, read_dateline
from ..models import Block, Document
from .outlets import OutletTable

__all__ = ["Metadata", "extract_metadata"]

# Words that make a byline part a job title rather than a person: "Times staff writers", "Special Correspondent".
_ROLE_WORDS = frozenset(
    "staff writer writers correspondent correspondents reporter reporters editor editors contributor contributors "
    "columnist bureau chief special desk team service wire news agency".split()
)
_PARTICLES = frozenset("al el bin ibn van von de der den da di du la le es y au".split())  # "Dar es Salaam"
_SELF_REFERENCE = (
    r"\b(?:told|telling|tells|said to|interview with|speaking to|spoke to|talking to|wrote to|writing to|seen by)"
    r"\s+(?:the\s+)?(?P<after_verb>{aliases})\b|\b(?P<learned>{aliases})\s+has\s+learned\b"
)


@dataclass
class Metadata:
    """What is known about an article; None (or empty) where neither the file nor the text says it."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: dt.date | None = None
    outlet: str | None = None
    place: str | None = None  # the dateline's place, proper-cased: "Tehran"


def extract_metadata(document: Document, blocks: list[Block], outlets: OutletTable) -> Metadata:
    """The article's metadata: the file's own first, then the cues of the cleaned blocks."""
    dateline = _dateline(blocks)
    return Metadata(
        title=_given_title(document.title, outlets) or next((b.text for b in blocks if b.role == "title"), None),
        authors=_given_authors(document, outlets) or _authors(blocks, outlets),
        date=_parse_date(document.date) or _header_date(blocks) or _dateline_date(dateline),
        outlet=_given_outlet(document, outlets) or _stated_outlet(blocks, dateline, outlets),
        place=_place(dateline),
    )


def _given_title(title: str | None, outlets: OutletTable) -> str | None:
    """The file's title without the outlet a page title ends with: "Headline | Los Angeles Times" -> "Headline"."""
    title = _squash(title)
    parts = re.split(r"\s+[|–—-]\s+", title) if title else []
    return title.rsplit(parts[-1], 1)[0].rstrip(" |–—-") if len(parts) > 1 and outlets.lookup(parts[-1]) else title


# --- Authors ----------------------------------------------------------------------------------------------------


def _authors(blocks: list[Block], outlets: OutletTable) -> list[str]:
    """People named by the byline lines: "By Steve Negus and Guy Dinmore" -> ["Steve Negus", "Guy Dinmore"]."""
    people: list[str] = []
    for block in blocks:
        if block.role == "byline" and (byline := read_byline(block.text, outlets)):
            people += [part for part in _byline_parts(byline.names) if _is_person(part, outlets)]
    return _unique(_proper_case(person) if person.isupper() else person for person in people)


def _given_authors(document: Document, outlets: OutletTable) -> list[str]:
    """The file's authors. A page's are found by trafilatura's byline heuristics as often as stated, so they pass the
    byline's person test: on the 88 benchmark pages it also returned "AP Auto Writer", "Phil Helsel is a reporter",
    "Syrian defense ministries", "November"."""
    authors = _unique(filter(None, map(_squash, document.authors)))
    if document.format != "html":
        return authors
    return [name for name in authors if _is_person(name, outlets) and not _has_common_word(name)]


def _has_common_word(name: str) -> bool:
    """A lower-case word other than a particle ("al", "van", "de"): a phrase, not a name."""
    return any(word[0].islower() and word.lower() not in _PARTICLES for word in name.split())


def _byline_parts(names: str) -> list[str]:
    """The names of a byline without their places: "A in Tehran and B, Staff Writer" -> ["A", "B", "Staff Writer"]."""
    parts = re.split(r"\s*[,;]\s*|\s+(?:and|AND|And|&)\s+", names)
    return [re.sub(r"\s+(?:in|from|at|IN|FROM|AT)\s+[A-Z].*$", "", part).strip() for part in parts]


def _is_person(part: str, outlets: OutletTable) -> bool:
    words = part.split()
    return 2 <= len(words) <= 5 and not _ROLE_WORDS.intersection(map(str.lower, words)) and not outlets.lookup(part)


def _proper_case(text: str) -> str:
    """An all-caps name or place in proper case: "MICHAEL O'BRIEN" -> "Michael O'Brien", "AL-MALIKI" -> "Al-Maliki"."""
    words = []
    for w, word in enumerate(text.split()):
        pieces = re.split(r"([-'’.])", word)
        words.append("".join(_proper_piece(piece, first=w == 0 and p == 0) for p, piece in enumerate(pieces)))
    return " ".join(words)


def _proper_piece(piece: str, first: bool) -> str:
    if len(piece) > 1 and re.fullmatch(r"[IVX]+", piece):
        return piece  # "Louis XIV"
    if not first and piece.lower() in _PARTICLES:
        return piece.lower()  # "Nuri al-Maliki", "Dar es Salaam", "Port-au-Prince"
    if piece.startswith("MC") and len(piece) > 3:
        return "Mc" + piece[2:].capitalize()
    return piece.capitalize()


# --- Dates ------------------------------------------------------------------------------------------------------


def _parse_date(raw: str | None) -> dt.date | None:
    """A date string as files and pages write it ("2007-03-12T10:00:00Z", "March 12, 2007"); None without a day."""
    if not raw or not re.search(r"(?<!\d)(?:1[89]\d\d|2[01]\d\d)(?!\d)|(?<!\d)\d{8}(?!\d)", raw):
        return None
    try:
        # Parsed with two defaults: a string without a day or month parses differently, and is not a date.
        parsed = [date_parser.parse(raw, default=dt.datetime(2000, m, m)).date() for m in (1, 2)]
    except (ValueError, OverflowError):
        found = DATE_RE.search(raw)
        return _parse_date(found[0]) if found and found[0] != raw else None
    return parsed[0] if parsed[0] == parsed[1] else None


def _header_date(blocks: list[Block]) -> dt.date | None:
    """The publication date of the header: "Published: May 28 2007 14:46 | Last updated: May 28 2007 22:39"."""
    for block in blocks:
        if block.role in ("dateline", "byline"):
            found = list(DATE_RE.finditer(block.text))
            cues = [block.text[start : match.start()] for start, match in zip([0] + [m.end() for m in found], found)]
            # Prefer a date not introduced as an update: the date the article was published.
            published = [match for match, cue in zip(found, cues) if not re.search(r"(?i)updat|modif", cue)]
            for match in published + found:
                if date := _parse_date(match[0]):
                    return date
    return None


def _dateline(blocks: list[Block]) -> Dateline | None:
    """The dateline opening the first body paragraph, or a dateline line of the header ("WASHINGTON —")."""
    first_body = next((block.text for block in blocks if block.role == "body"), None)
    if first_body and (dateline := read_dateline(first_body)) and dateline.opens_text:
        return dateline
    headers = (read_dateline(block.text) for block in blocks if block.role == "dateline")
    return next((dateline for dateline in headers if dateline), None)


def _dateline_date(dateline: Dateline | None) -> dt.date | None:
    """A dateline's date if it gives a year: "9 August 2007" is a date, Reuters' "Feb 26" is not."""
    return _parse_date(dateline.date) if dateline and dateline.date else None


def _place(dateline: Dateline | None) -> str | None:
    if not dateline:
        return None
    parts = [dateline.place, dateline.region] if dateline.region else [dateline.place]
    return ", ".join(_proper_case(part) if part.isupper() else part for part in parts)


# --- Outlet -----------------------------------------------------------------------------------------------------


def _given_outlet(document: Document, outlets: OutletTable) -> str | None:
    """The outlet the file states, by name or by the domain of its URL."""
    if name := _squash(document.outlet):
        return outlets.lookup(name) or name
    return outlets.lookup_domain(document.url) if document.url else None


def _stated_outlet(blocks: list[Block], dateline: Dateline | None, outlets: OutletTable) -> str | None:
    """The outlet the page names as its own: a masthead or byline, a wire dateline "(AP)", a self-reference."""
    for block in blocks:
        if block.role == "masthead" and (outlet := outlets.lookup(block.text)):
            return outlet
        if block.role == "byline" and (outlet := _byline_outlet(block.text, outlets)):
            return outlet
    if dateline and dateline.agency and (outlet := outlets.lookup(dateline.agency)):
        return outlet
    return _self_reference(blocks, outlets)


def _byline_outlet(text: str, outlets: OutletTable) -> str | None:
    """The outlet of "N.Y. TIMES, A & B", "By Reuters" or "By A, Los Angeles Times Staff Writer"."""
    byline = read_byline(text, outlets)
    if not byline or byline.outlet:
        return byline.outlet if byline else None
    for part in _byline_parts(byline.names):
        name = " ".join(word for word in part.split() if word.lower() not in _ROLE_WORDS)
        if name and (outlet := outlets.lookup(name)):
            return outlet
    return None


def _self_reference(blocks: list[Block], outlets: OutletTable) -> str | None:
    """An outlet named in its own house style in the body: "told the FT". Mentions of other outlets do not count."""
    if not outlets.self_refs:
        return None
    pattern = _self_reference_re(tuple(sorted(outlets.self_refs, key=len, reverse=True)))
    for block in blocks:
        if block.role == "body" and (match := pattern.search(block.text)):
            return outlets.self_refs[match["after_verb"] or match["learned"]]
    return None


@functools.lru_cache(maxsize=8)
def _self_reference_re(aliases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_SELF_REFERENCE.format(aliases="|".join(map(re.escape, aliases))))


# --- Small helpers ----------------------------------------------------------------------------------------------


def _squash(text: str | None) -> str | None:
    return (" ".join(text.split()) or None) if text else None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
