"""Separate an article from the web page it was scraped from.

`split_blocks` cuts a text into paragraph-sized blocks; `clean` gives every block a role (`BLOCK_ROLES`): the body,
the header (title, byline, dateline, masthead), captions, credits, and the boilerplate to drop. The line patterns it
shares with `extract` (dates, datelines, bylines) and the outlet table that recognises mastheads live here too.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from searchkit.errors import SearchkitError
from searchkit.models import Block, Document

__all__ = [
    "DATE_RE", "Byline", "Dateline", "OutletTable", "clean", "is_dated_line", "read_byline", "read_dateline",
    "split_blocks",
]

_HEADER_BLOCKS = 15  # a page's title, byline and date sit in its first blocks
_MAX_LOOSE = 6  # at most so many unclassified lines (section labels, tagline, title) sit above a header's cues
_LONG_LINE = 100  # hard-wrapped text never has lines this long: such a chunk has one paragraph per line
_MAX_WORDS = {"caption": 80, "credit": 40, "boilerplate": 25}  # longer blocks are never matched by line patterns

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


@dataclass
class OutletTable:
    """Canonical outlet names by alias and by web domain; alias lookups ignore case, punctuation and "The"."""

    names: dict[str, str] = field(default_factory=dict)  # alias key (see _outlet_key) -> canonical name
    domains: dict[str, str] = field(default_factory=dict)  # "nytimes.com" -> canonical name
    self_refs: dict[str, str] = field(default_factory=dict)  # "FT" -> "Financial Times", as written

    @classmethod
    def load(cls, extra_paths: Iterable[str | Path] = ()) -> OutletTable:
        """The bundled table, plus the file named by SEARCHKIT_OUTLETS, plus `extra_paths` (later files win).

        Without `extra_paths` the table is read once and shared: extend it with files, not with `add`.
        """
        extra = tuple(Path(path) for path in extra_paths)
        env = os.environ.get("SEARCHKIT_OUTLETS", "")
        if not extra:
            return _default_outlets(env)
        table = cls()
        table.add_tsv(_data_text("outlets.tsv"), "outlets.tsv")
        for path in ([Path(env)] if env else []) + list(extra):
            table.add_tsv(_read_user_file(path), str(path))
        return table

    def add(
        self, name: str, aliases: Iterable[str] = (), domains: Iterable[str] = (), self_refs: Iterable[str] = ()
    ) -> None:
        """Add an outlet, or more aliases and domains to a known one."""
        for alias in [name, *aliases, *self_refs]:
            self.names[_outlet_key(alias)] = name
        for domain in domains:
            self.domains[domain.lower().removeprefix("www.")] = name
        for alias in self_refs:
            self.self_refs[alias] = name

    def add_tsv(self, text: str, source: str) -> None:
        """Add the outlets of a table in the outlets.tsv format (see the header of searchkit/data/outlets.tsv)."""
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            columns = [[item.strip() for item in column.split(";") if item.strip()] for column in line.split("\t")]
            if len(columns) > 4 or len(columns[0]) != 1:
                raise SearchkitError(f"{source}:{number}: expected name<TAB>aliases<TAB>domains<TAB>self_refs")
            self.add(columns[0][0], *columns[1:])

    def lookup(self, name: str) -> str | None:
        """The canonical name of an outlet named by an alias or a domain, or None."""
        name = name.strip()
        if re.fullmatch(r"(?:[\w-]+\.)+[A-Za-z]{2,}", name) and (outlet := self.lookup_domain(name)):
            return outlet
        return self.names.get(_outlet_key(name))

    def lookup_domain(self, url: str) -> str | None:
        """The outlet a URL or host belongs to; subdomains match their domain."""
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").removeprefix("www.")
        labels = host.split(".")
        for start in range(len(labels) - 1):
            if outlet := self.domains.get(".".join(labels[start:])):
                return outlet
        return None


def split_blocks(text: str) -> list[str]:
    """Paragraph-sized blocks of a text, whether paragraphs are separated by blank lines or one per line."""
    blocks = (block for chunk in _chunks(text) for block in _split_chunk(chunk))
    return [squashed for block in blocks if (squashed := " ".join(block.split()))]


def clean(document: Document, outlets: OutletTable | None = None) -> list[Block]:
    """Every block of a document with its role, in order; `outlets` (default: the bundled table) names mastheads."""
    texts = split_blocks(document.text)
    roles = [_pattern_role(text) for text in texts]
    _mark_captions_before_pipes(texts, roles)
    _mark_header(texts, roles, document, outlets or OutletTable.load())
    _mark_footer(texts, roles)
    return [Block(_caption_text(t) if role == "caption" else t, role or "body") for t, role in zip(texts, roles)]


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


# --- Splitting --------------------------------------------------------------------------------------------------


def _chunks(text: str) -> Iterator[list[str]]:
    """Runs of non-blank lines."""
    chunk: list[str] = []
    for line in text.splitlines():
        if line.strip():
            chunk.append(line.rstrip())
        elif chunk:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _split_chunk(lines: list[str]) -> list[str]:
    """A run of lines as blocks: one a line, or hard-wrapped lines joined (indentation starts a paragraph)."""
    texts = [line.strip() for line in lines]
    indents = [len(line) - len(line.lstrip()) for line in lines]
    base, indented = min(indents), max(indents) > min(indents)
    if not indented and any(len(text) > _LONG_LINE for text in texts):
        return texts
    # Fixed-width text (Reuters, e-mail) breaks lines anywhere, even after a capitalised word.
    fixed = len(texts) >= 3 and max(len(text) for text in texts) >= 55
    blocks = [texts[0]]
    for i in range(1, len(texts)):
        previous, text = texts[i - 1], texts[i]
        if indented:  # paragraphs start indented; a one-space indent may be noise (Reuters-21578 has some)
            wrapped = _looks_wrapped(previous, fixed)
            starts = indents[i] >= base + 2 or (indents[i] > base and not wrapped)
            joins = not starts and (wrapped or not _stands_alone(text))  # a date line may end a sentence
        else:
            joins = _looks_wrapped(previous, fixed) and not _stands_alone(text)
        if joins and not _stands_alone(previous):
            blocks[-1] += " " + text
        else:
            blocks.append(text)
    return blocks


def _looks_wrapped(line: str, fixed: bool) -> bool:
    """True if a line breaks off mid-sentence: it ends open ("Iran,", "the"), or anywhere but at a sentence's end
    in fixed-width text."""
    if _ends_sentence(line) or line.endswith(":"):
        return False
    last_word = re.search(r"([^\W\d_]+)\W*$", line)
    return fixed or line[-1] in ",;-–—(" or bool(last_word and last_word[1][0].islower())


def _stands_alone(line: str) -> bool:
    """Lines never joined to their neighbours: long lines, separators, pipe-ended captions, table rows, bylines,
    date lines."""
    if len(line) > _LONG_LINE or line.startswith("|") or line.endswith("|") or "   " in line:
        return True
    if not any(char.isalnum() for char in line):
        return True
    byline = _BYLINE_RE.fullmatch(line)
    return bool(byline and _looks_like_names(_cut_names(byline["names"]))) or is_dated_line(line)


# --- Roles ------------------------------------------------------------------------------------------------------


def _pattern_role(text: str) -> str | None:
    """The role a block has on its own: separators, link bars and the line patterns of line_patterns.txt."""
    if not any(char.isalnum() for char in text):
        return "boilerplate"
    words = len(text.split())
    for role, patterns in _line_patterns().items():
        if words <= _MAX_WORDS[role] and any(pattern.fullmatch(text) for pattern in patterns):
            return role
    return "boilerplate" if _is_link_bar(text) else None


def _is_link_bar(text: str) -> bool:
    """Short link texts joined by "|" or "•": "Iraq Study Group Report | Brookings Report: Things Fall Apart |"."""
    if not re.search(r"[|•·»]", text):
        return False
    items = [item.strip() for item in re.split(r"[|•·«»›]", text) if item.strip()]
    return len(items) >= 2 and all(len(item.split()) <= 10 and not _ends_sentence(item) for item in items)


def _mark_captions_before_pipes(texts: list[str], roles: list[str | None]) -> None:
    """A caption without a credit is a line that sits right before a "|" separator and does not end a sentence."""
    for i in range(len(texts) - 1):
        text = texts[i]
        if roles[i] is None and texts[i + 1] == "|" and not _ends_sentence(text) and text[-1] not in ",;:—–-":
            roles[i] = "caption"


def _mark_header(texts: list[str], roles: list[str | None], document: Document, outlets: OutletTable) -> None:
    """Title, byline, dateline and masthead at the top of the page; the other lines up there are boilerplate."""
    limit = min(len(texts), _HEADER_BLOCKS)
    cues = [_header_cue(text, outlets) for text in texts[:limit]]
    end = next((i for i in range(limit) if roles[i] is None and not cues[i] and _starts_body(texts[i])), None)
    if end is None:
        return  # no body paragraph near the top (a table, a list): nothing here is surely a header
    for i in range(end):
        if cues[i] and roles[i] in (None, "boilerplate") and _at_top(texts, roles, i, cues[i]):
            roles[i] = cues[i]
    anchors = [i for i in range(end) if roles[i] in ("byline", "dateline")]
    header = [i for i in range(end) if roles[i] in ("byline", "dateline", "masthead")]
    title = _find_title(texts, roles, end, anchors, document)
    if title is not None:
        if _at_top(texts, roles, title):  # a title found lower down (the file's title) sweeps nothing
            header.append(title)
        roles[title] = "title"
    if header and document.format != "jsonl":  # a JSONL text is usually just the body: keep what is unclear
        for i in range(max(header)):
            roles[i] = roles[i] or "boilerplate"


def _mark_footer(texts: list[str], roles: list[str | None]) -> None:
    """Below the last paragraph, headings that follow boilerplate ("Related Articles") are links, not body."""
    last = max((i for i, role in enumerate(roles) if role is None and _is_prose(texts[i])), default=len(texts))
    in_links = False
    for i in range(last + 1, len(texts)):
        in_links = in_links or roles[i] == "boilerplate"
        if in_links and roles[i] is None and _is_heading(texts[i]):
            roles[i] = "boilerplate"


def _header_cue(text: str, outlets: OutletTable) -> str | None:
    if read_byline(text, outlets):
        return "byline"
    dateline = read_dateline(text)
    if is_dated_line(text) or (dateline and not dateline.opens_text):
        return "dateline"
    if len(text.split()) <= 8 and outlets.lookup(text):
        return "masthead"
    return None


def _starts_body(text: str) -> bool:
    """A body paragraph, or any block that opens with a news dateline ("SALVADOR, Feb 26 - Showers ...")."""
    dateline = read_dateline(text)
    return _is_prose(text) or bool(dateline and dateline.opens_text)


def _at_top(texts: list[str], roles: list[str | None], i: int, cue: str | None = None) -> bool:
    """True if only a few heading-like lines (labels, a tagline, the title) without a role sit above block i.

    A masthead must be the first line with a role: an outlet's name lower down is a sign-off or a mention.
    """
    loose = [j for j in range(i) if roles[j] is None]
    limit = 0 if cue == "masthead" else _MAX_LOOSE
    return len(loose) <= limit and all(_is_heading(texts[j]) for j in loose)


def _find_title(
    texts: list[str], roles: list[str | None], end: int, anchors: list[int], document: Document
) -> int | None:
    """The headline: the file's title if the header repeats it, else the heading nearest above the byline/date."""
    if document.title:
        given = " ".join(document.title.split()).casefold()
        wanted = {given, re.split(r"\s+[|–—-]\s+", given)[0]}  # "Headline | Site Name"
        found = next((i for i in range(end) if roles[i] is None and texts[i].casefold() in wanted), None)
        if found is not None or document.format == "jsonl" or not anchors:
            return found  # with the title in the file, a first line without a byline under it is body
    if anchors:
        above = range(anchors[0] - 1, -1, -1)
        return next((i for i in above if roles[i] is None and _is_heading(texts[i])), None)
    first = next((i for i in range(end) if roles[i] is None), None)
    if first is None or not _is_heading(texts[first]):
        return None
    after = next((i for i in range(first + 1, len(texts)) if roles[i] not in ("boilerplate", "caption")), None)
    return first if after is not None and roles[after] is None and _is_prose(texts[after]) else None


def _caption_text(text: str) -> str:
    return re.sub(r"^\|\s*|\s*\|$", "", text)


# --- Line shapes ------------------------------------------------------------------------------------------------


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…][\"'”’)\]]*$", text))


def _is_prose(text: str) -> bool:
    """A body paragraph rather than a heading or a label."""
    words = len(text.split())
    return words >= 25 or (words >= 6 and _ends_sentence(text))


def _is_heading(text: str) -> bool:
    """Short, capitalised, mostly words, and not a sentence: "Maliki Issues Plea for Help at Iraq Talks"."""
    bare = text.rstrip("\"'”’)")
    letters = sum(char.isalpha() for char in text)
    digits = sum(char.isdigit() for char in text)
    return (
        1 <= len(text.split()) <= 20
        and len(text) <= 160
        and not re.match(r"[\W\d_]*[^\W\d_]", text)[0][-1].islower()
        and letters > 3 * digits  # not a table row: "Net 5,436,000 vs 3,888,000"
        and bare[-1:] not in tuple(".,;:…-–—")
    )


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


# --- Data files -------------------------------------------------------------------------------------------------


def _outlet_key(name: str) -> str:
    """Lookup key of an outlet name: "N.Y. Times", "NY Times" -> "ny times"; "The Guardian" -> "guardian"."""
    key = unicodedata.normalize("NFKD", name).casefold().replace("&", " and ")
    key = re.sub(r"[^\w\s]", "", re.sub(r"[-/]", " ", key))
    return " ".join(key.split()).removeprefix("the ")


@functools.lru_cache(maxsize=4)
def _default_outlets(env_path: str) -> OutletTable:
    table = OutletTable()
    table.add_tsv(_data_text("outlets.tsv"), "outlets.tsv")
    if env_path:
        table.add_tsv(_read_user_file(Path(env_path)), env_path)
    return table


@functools.cache
def _line_patterns() -> dict[str, list[re.Pattern[str]]]:
    """The [caption], [credit] and [boilerplate] patterns of line_patterns.txt, in that order of precedence."""
    patterns: dict[str, list[re.Pattern[str]]] = {"caption": [], "credit": [], "boilerplate": []}
    section = None
    for line in _data_text("line_patterns.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if heading := re.fullmatch(r"\[(\w+)\]", line):
            section = heading[1]
        else:
            patterns[section].append(re.compile(line))
    return patterns


def _data_text(name: str) -> str:
    return (resources.files("searchkit") / "data" / name).read_text(encoding="utf-8")


def _read_user_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise SearchkitError(f"{path}: cannot read the outlet table ({error.strerror or error})") from error
