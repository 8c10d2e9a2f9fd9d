"""What the lowercase words around a name say it is: "cleric Moktada al-Sadr", "Hoshyer Zebari, Iraq's foreign
minister", "said Jorio Dauster", "The daily Kargozaran"."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .gazetteer import ORG, PERSON, gazetteer

SPEECH = "speech"  # a verb of saying just before the name: "said Jorio Dauster"
BYLINE = "byline"  # "By Steve Negus", "Additional reporting by Gareth Smyth"
_LOOK_BACK = 48


@dataclass(frozen=True)
class _Patterns:
    noun_before: re.Pattern[str]
    speech_before: re.Pattern[str]
    by_before: re.Pattern[str]
    owned_before: re.Pattern[str]
    apposition: re.Pattern[str]
    owned_after: re.Pattern[str]
    pronoun_after: re.Pattern[str]
    quoted_after: re.Pattern[str]
    indefinite: re.Pattern[str]
    speech_after: re.Pattern[str]


# What only a company has or is: "Newman shares", "Circle K common stock", "Heck's chairman", "shares of Sequoia",
# "president of Sequoia".
_HOLDINGS = "shares|stock|common|stockholders|shareholders|unit|units|subsidiary|subsidiaries|stake"
_HEADS = "chairman|president|board|directors|parent"
# After "X said it": the verbs that make "it" the company itself, not an empty subject ("it appears", "it is").
_COMPANY_DOES = (
    "has|had|plans|planned|agreed|intends|expects|received|sold|bought|acquired|completed|signed|filed|reached|won"
    "|will (?!be\\b)|would (?!be\\b)|also|now|does|did|is (?:selling|buying|seeking|offering)"
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> _Patterns:
    g = gazetteer()
    nouns, verbs = _alternation(g.context_nouns), _alternation(g.speech_verbs)
    owner = r"(?:a|an|the|his|her|its|their|our|[A-Z][\w.'’-]*['’]s)"
    # ", said a former ambassador" is not an apposition: no verb or link word may open one.
    link = "and|or|but|which|who|whom|where|when|while|as|in|on|at|to|from|with|by|for|if|has|have|had|is|was|will"
    not_clause = rf"(?!(?:{verbs}|{link})\b)"
    few_words = r"(?:[\w'’.-]+\s+){0,3}?"
    byline = r"(?:\b(?:reporting|written|prepared|edited|compiled|[Pp]hotos?)\s+by|^[ \t]*By):?\s+$"
    speech = rf"(?:has\s+|had\s+)?(?:{verbs})"
    # A rank before a name is the next item of a list, not an apposition: "names Dome, chairman J. Howard Macdonald".
    apposition_end = r"(?![ \t]+[A-Z])"
    return _Patterns(
        noun_before=re.compile(rf"\b({nouns})[ \t]*,?\s+$"),
        speech_before=re.compile(rf"\b(?:{verbs})(?:\s+to)?\s+$"),
        by_before=re.compile(byline, re.MULTILINE),
        owned_before=re.compile(rf"\b(?:{_HOLDINGS}|{_HEADS})\s+(?:of|in)\s+$"),
        apposition=re.compile(rf",\s+{not_clause}(?:\d{{1,3}}\s*,|(?:{owner}\s+)?{few_words}({nouns})\b{apposition_end})"),
        owned_after=re.compile(rf"(?:['’]s\s+(?:{_HEADS}|{_HOLDINGS})|\s+(?:{_HOLDINGS}))\b"),
        pronoun_after=re.compile(
            rf"\s+(?:{speech}\s+(?:[\w'’-]+\s+){{0,3}}?(?:(he|she|his|her)\b|(its\b|it\s+(?:{_COMPANY_DOES})))"
            r"|told\s+(?:reporters|journalists|parliament|a\s+(?:news|press)\s+conference)\b"
            r"|(?:['’]s\s+)?(?:administration|nomination|appointment|resignation|remarks|wife|husband)\b)"
            r"|,\s+(?:speaking|testifying|writing)\b"
        ),
        indefinite=re.compile(r",\s+an?\s"),
        speech_after=re.compile(rf"\s+{speech}\b"),
        # A share price's move: "Hawker was unchanged at 528p", "Research-Cottrell closed at 44-1/4".
        quoted_after=re.compile(
            r"\s+(?:(?:rose|fell|gained|eased|dipped|climbed|slipped|jumped|dropped|closed|opened|firmed)"
            r"(?:\s+(?:at|to|by|up|down|off))?\s+\d|(?:was|were)\s+unchanged\b)"
        ),
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
    if p.owned_before.search(text, lo, start):
        return ORG
    return None


def after(text: str, end: int, article: bool = False) -> str | None:
    """The kind an apposition after `end` announces (", Iraq's foreign minister", ", 63,", ", a daily") or None.
    A verb of saying after a name says nothing: companies say things too ("Hughes said"); nor does "he" after
    one that follows "the" (`article`): "The Post said he" is a newspaper."""
    p = _patterns()
    if (m := p.apposition.match(text, end)) is not None and not _speaker(text, m):
        return gazetteer().context_nouns[m.group(1)] if m.group(1) else PERSON
    if p.owned_after.match(text, end) or p.quoted_after.match(text, end):
        return ORG
    if (m := p.pronoun_after.match(text, end)) is not None:
        if m.group(2):
            return ORG  # "Westmin said it has"
        # "Ongpin told the meeting he", "the Reagan administration"
        return None if article and m.group(1) else PERSON
    return None


def _speaker(text: str, apposition: re.Match[str]) -> bool:
    """", a mine spokesman said": a new subject, the sentence's speaker, not an apposition to the name before
    (", SAMBA managing director said" is one: Reuters drops the second comma)."""
    p = _patterns()
    return p.indefinite.match(text, apposition.start()) is not None and p.speech_after.match(
        text, apposition.end()) is not None
