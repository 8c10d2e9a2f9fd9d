"""Where names can be: runs of capitalised words in a text, cut into tokens with their offsets.

A chunk is a run of capitalised words (with initials, "Mr."-style abbreviations, "al-"/"bin"/"de" particles and
the small words of long names: "of", "and", "the"...). Deciding what each part of a chunk is, is `find`'s job.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .gazetteer import gazetteer

# Lowercase words that belong to a name: "Nouri al-Maliki", "Osama bin Laden", "Charles de Gaulle".
PARTICLES = frozenset(
    "al el bin ibn bint abu de da di do dos das du del della der den des van von le la ter ten zu y".split()
)
HYPHEN_PARTICLES = "al|el|ul|ad|ar|as|ash|at|az|an|bin|ibn|abu|bani|beni|ben|bint"
START_PARTICLES = "al|el|bin|ibn|de|van|von"
# Small words inside the long names of the tables ("Islamic State in Iraq and Syria", "Dar es Salaam").
JOINERS = "of|for|on|in|and|the|es|&"

_TERMINALS = frozenset(".!?:;|—–•»")
_OPENERS = frozenset(" \t\xa0“\"‘'([*«")
_LINE_ENDS = tuple('.!?:;|"”’)')
_ENGLISH_HYPHEN_ENDS = "led|run|ran|era|type|wide|like|made|born|held|free|only|rich|poor|area|side|wise|ward|fed|war"
WRAP_WIDTH = 30  # a line at least this long that ends mid-sentence was hard-wrapped (Reuters bodies)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


class Chunk:
    """A run of capitalised words; what is known about where it stands is worked out only when asked."""

    def __init__(self, text: str, tokens: list[Token], shouting_lines: dict[int, bool]) -> None:
        self.text, self.tokens, self._lines = text, tokens, shouting_lines

    @functools.cached_property
    def sentence_start(self) -> bool:
        """The first token starts a sentence, so its capital says nothing."""
        return is_sentence_start(self.text, self.tokens[0].start)

    @functools.cached_property
    def shouting(self) -> bool:
        """The line is written in capitals: its words are not acronyms."""
        return _is_shouting(self.text, self.tokens[0].start, self._lines)


def _upper_class() -> str:
    upper = "".join(c for c in map(chr, range(0x41, 0x2000)) if c.isupper() and c.isalpha())
    return "[" + re.escape(upper) + "]"


@functools.cache
def _chunk_pattern() -> re.Pattern[str]:
    up = _upper_class()
    letter = r"[^\W_]"
    g = gazetteer()
    # A possessive is no part of a name ("Iran's"), except before a company's legal form ("McDonald's Corp").
    suffixes = "|".join(sorted(w for w in g.company_suffixes if w.isalpha()))
    inner = rf"(?:{letter}|['’](?![sS]\b)(?=[^\W\d_])|['’][sS](?=[ \t\xa0]+(?i:{suffixes})\b)|&(?={up}))"
    # Korean given names: "Ban Ki-moon", "Kim Jong-un", "Roh Tae-woo" (a short capitalised part, a short lowercase
    # one), not "Iran-led" or "Saudi-run".
    korean = rf"[a-z]{{1,4}}[-‐‑](?!(?:{_ENGLISH_HYPHEN_ENDS})(?![a-z]))[a-z]{{2,4}}(?![\w-])"
    word = rf"{up}(?:{korean}|{inner}*(?:[-‐‑]{up}{inner}*)*)"
    abbreviations = "|".join(sorted(g.abbreviations, key=len, reverse=True))
    # Names the tables spell with a possessive: "Moody's", "Standard and Poor's", "Lloyd's".
    possessives = "|".join(sorted(map(re.escape, g.possessive_words), key=len, reverse=True))
    owned = rf"(?:{possessives})['’]s(?![\w-])|" if possessives else ""
    # The capital is checked once before the alternatives: most places the pattern is tried start a lowercase word.
    token = (
        rf"(?:(?={up})(?:{owned}(?:{abbreviations})\.(?!\w)|(?:{up}\.){{2,}}|{up}\.(?=[ \t\xa0]+{up})|{word})"
        rf"|(?:{HYPHEN_PARTICLES})[-‐‑]{word})"
    )
    # One space between the words of a name: two or more part names that lost the comma between them ("Citicorp  J.P.
    # Morgan", a table cell's gap).
    space = r"[ \t\xa0](?![ \t\xa0])"
    sep = rf"{space}(?:(?:{JOINERS}|{'|'.join(sorted(PARTICLES))}){space})*"
    tails = "|".join(sorted(_tail_words()))
    tail = rf"(?:[ \t\xa0]+(?:{tails})(?![\w-]))?" if tails else ""
    return re.compile(rf"(?<![^\W_])(?:(?:{START_PARTICLES})[ \t\xa0]+)?{token}(?:{sep}{token})*{tail}")


def _tail_words() -> set[str]:
    """Lowercase last words of table names, for names written half in lowercase: "the Qods force"."""
    g = gazetteer()
    last = {key.rsplit(" ", 1)[-1] for key in g.phrases.entries if " " in key}
    return {w for w in last if w in g.org_cues or w == "militia"}


_WORD = re.compile(r"\S+")


def _tokens(match: re.Match[str]) -> list[Token]:
    base, chunk = match.start(), match.group()
    if " " not in chunk and "\t" not in chunk and "\xa0" not in chunk:
        return [Token(base, match.end(), chunk)]
    return [Token(base + m.start(), base + m.end(), m.group()) for m in _WORD.finditer(match.group())]


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def is_wrapped(text: str, newline: int) -> bool:
    """Whether the line ending at `newline` goes on in the next line (hard-wrapped text), not a paragraph end."""
    line = text[_line_start(text, newline) : newline].rstrip()
    return len(line) >= WRAP_WIDTH and not line.endswith(_LINE_ENDS)


def is_sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    if i < 0:
        return True
    char = text[i]
    if char == "\n":
        return not is_wrapped(text, i)
    return char in _TERMINALS or (char == "-" and text[i - 1 : i] in (" ", "\t"))


def _is_shouting(text: str, pos: int, cache: dict[int, bool]) -> bool:
    start = _line_start(text, pos)
    if start not in cache:
        end = text.find("\n", start)
        line = text[start : end if end >= 0 else len(text)]
        upper = sum(map(str.isupper, line))
        cache[start] = upper >= 8 and upper > 2 * sum(map(str.islower, line))
    return cache[start]


def iter_chunks(text: str) -> Iterator[Chunk]:
    """The chunks of `text` in order. A name broken by a hard line wrap ("New\\nYork") stays one chunk."""
    lines: dict[int, bool] = {}
    pending: list[Token] = []
    for match in _chunk_pattern().finditer(text):
        tokens = _tokens(match)
        if pending and _join_across_wrap(text, pending, tokens[0].start):
            pending.extend(tokens)
            continue
        if pending:
            yield Chunk(text, pending, lines)
        pending = tokens
    if pending:
        yield Chunk(text, pending, lines)


_WRAP_GAP = re.compile(rf"(?:[ \t]+({JOINERS}|{'|'.join(PARTICLES)}))?[ \t]*\n")


def _join_across_wrap(text: str, pending: list[Token], start: int) -> bool:
    """Whether the next chunk at `start` goes on the name in `pending` across a hard line wrap; if the line
    ended with a small word of the name ("Securities and\\nExchange Commission"), it joins `pending`."""
    end = pending[-1].end
    gap = _WRAP_GAP.fullmatch(text, end, start)
    if gap is None or not is_wrapped(text, start - 1):
        return False
    if gap.group(1):
        pending.append(Token(gap.start(1), gap.end(1), gap.group(1)))
    return True
