"""What the lowercase words around a name say it is: "cleric Moktada al-Sadr", "Hoshyer Zebari, Iraq's foreign
minister", "said Jorio Dauster", "The daily Kargozaran"."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .gazetteer import PERSON, gazetteer

SPEECH = "speech"  # a verb of saying just before the name: "said Jorio Dauster"
BYLINE = "byline"  # "By Steve Negus", "Additional reporting by Gareth Smyth"
_LOOK_BACK = 48


@dataclass(frozen=True)
class _Patterns:
    noun_before: re.Pattern[str]
    speech_before: re.Pattern[str]
    by_before: re.Pattern[str]
    apposition: re.Pattern[str]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> _Patterns:
    g = gazetteer()
    nouns, verbs = _alternation(g.context_nouns), _alternation(g.speech_verbs)
    owner = r"(?:a|an|the|his|her|its|their|our|[A-Z][\w.'’-]*['’]s)"
    # ", said a former ambassador" is not an apposition: no verb or link word may open one.
    link = "and|or|but|which|who|whom|where|when|while|as|in|on|at|to|from|with|by|for|if"
    not_clause = rf"(?!(?:{verbs}|{link})\b)"
    few_words = r"(?:[\w'’.-]+\s+){0,3}?"
    byline = r"(?:\b(?:reporting|written|prepared|edited|compiled|[Pp]hotos?)\s+by|^[ \t]*By):?\s+$"
    return _Patterns(
        noun_before=re.compile(rf"\b({nouns})[ \t]*,?\s+$"),
        speech_before=re.compile(rf"\b(?:{verbs})(?:\s+to)?\s+$"),
        by_before=re.compile(byline, re.MULTILINE),
        apposition=re.compile(rf",\s+{not_clause}(?:\d{{1,3}}\s*,|(?:{owner}\s+)?{few_words}({nouns})\b)"),
    )


def before(text: str, start: int) -> str | None:
    """The kind the words just before `start` announce (PERSON, an organisation, SPEECH, BYLINE) or None."""
    p, lo = _patterns(), max(0, start - _LOOK_BACK)
    if (m := p.noun_before.search(text, lo, start)) is not None:
        return gazetteer().context_nouns[m.group(1)]
    if p.speech_before.search(text, lo, start):
        return SPEECH
    if p.by_before.search(text, lo, start):
        return BYLINE
    return None


def after(text: str, end: int) -> str | None:
    """The kind an apposition after `end` announces (", Iraq's foreign minister", ", 63,", ", a daily") or None.
    A verb of saying after a name says nothing: companies say things too ("Hughes said")."""
    m = _patterns().apposition.match(text, end)
    if m is None:
        return None
    return gazetteer().context_nouns[m.group(1)] if m.group(1) else PERSON
