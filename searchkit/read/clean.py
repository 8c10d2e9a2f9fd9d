"""Separate an article from the web page it was scraped from.

`split_blocks` cuts a text into paragraph-sized blocks; `clean` gives every block a role (`BLOCK_ROLES`): the body,
the header (title, byline, dateline, masthead), captions, credits, and the boilerplate to drop. Which lines state a
date or a byline is `cues`' business; which names are outlets, `outlets`'.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .cues import is_byline_shaped, is_dated_line, read_byline, read_dateline
from ..datafiles import data_lines
from ..models import Block, Document
from .outlets import OutletTable

__all__ = ["clean", "split_blocks"]

_HEADER_BLOCKS = 15  # a page's title, byline and date sit in its first blocks
_MAX_LOOSE = 6  # at most so many unclassified lines (section labels, tagline, title) sit above a header's cues
_LONG_LINE = 100  # hard-wrapped text never has lines this long: such a chunk has one paragraph per line
_MAX_WORDS = {"caption": 80, "credit": 40, "boilerplate": 25}  # longer blocks are never matched by line patterns



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
    return is_byline_shaped(line) or is_dated_line(line)


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
    first_letter = next((char for char in text if char.isalpha()), "")
    return (
        1 <= len(text.split()) <= 20
        and len(text) <= 160
        and first_letter
        and not first_letter.islower()  # capitalised, or a script without case (Arabic, Chinese)
        and letters > 3 * digits  # not a table row: "Net 5,436,000 vs 3,888,000"
        and bare[-1:] not in tuple(".,;:…-–—")
    )


@functools.cache
def _line_patterns() -> dict[str, list[re.Pattern[str]]]:
    """The [caption], [credit] and [boilerplate] patterns of line_patterns.txt, in that order of precedence."""
    patterns: dict[str, list[re.Pattern[str]]] = {"caption": [], "credit": [], "boilerplate": []}
    section = None
    for line in data_lines("line_patterns.txt"):
        if heading := re.fullmatch(r"\[(\w+)\]", line):
            section = heading[1]
        else:
            patterns[section].append(re.compile(line))
    return patterns
