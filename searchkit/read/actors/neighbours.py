"""Rules that read a name together with the other names of the text, once every chunk is read: a ticker after a
company ("Olsten Corp <OLS>"), an acronym in parentheses after what it abbreviates, a firm named by its partners
("Goldman, Sachs and Co"), a town before its state ("El Nido, Calif."), a company's short name ("Santa Fe")."""
from __future__ import annotations

import re

from .gazetteer import ORG, PERSON, PLACE, gazetteer, norm_word
from .names import acronym_key, initials, is_acronym
from .resolve import UNKNOWN, Found
from .spans import Chunk, Token

_TICKER_END = re.compile(r">|\.[A-Z]{1,2}>")
# The capitalised words before an opening parenthesis, with the small words of long names between them.
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w&'’.-]*[ \t]+(?:(?:of|and|for|on|the|de|du)[ \t]+)*)+)\($")
_PARTNERS = re.compile(r" (?:and|&) [A-Z][\w.']*(?: [A-Z][\w.']*)?$")  # "... and Co", "... & Smith Inc"
_AFTER_TOWN = re.compile(r"[,.;:)]|[ \t]+[a-z]|$")


def is_ticker(text: str, chunk: Chunk) -> bool:
    """A stock symbol in angle brackets right after a company's name: "Olsten Corp <OLS>", "<HIT.T>"."""
    if len(chunk.tokens) != 1:
        return False
    token = chunk.tokens[0]
    if token.start < 3 or text[token.start - 1] != "<" or not token.text.isupper():
        return False
    exchange = _TICKER_END.match(text, token.end)
    if exchange is None:
        return False
    # "<OLS>" is a symbol after a name ("Olsten Corp <OLS>"); "<CSR> said" opening a sentence may be a company.
    return exchange.group() != ">" or text[token.start - 3].isalnum() or text[token.start - 3] == "."


def join_neighbours(text: str, found: list[Found], suffixes: frozenset[str]) -> list[Found]:
    """`found` (in text order) with the rules of this module applied."""
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if prev is not None and _is_partners(text, prev, f, suffixes):
            out[-1] = Found(prev.start, f.end, ORG, text[prev.start : f.end], tokens=prev.tokens + f.tokens)
            continue
        if prev is not None and prev.kind == UNKNOWN and f.kind == PLACE and _is_town_of(text, prev, f):
            prev.kind, prev.name = PLACE, " ".join(t.text.title() if t.text.isupper() else t.text for t in prev.tokens)
        if len(f.tokens) == 1 and text[f.start - 1 : f.start] == "(" and text[f.end : f.end + 1] == ")":
            _read_acronym(text, f, prev)
        out.append(f)
    return out


def _is_partners(text: str, prev: Found, f: Found, suffixes: frozenset[str]) -> bool:
    """ "Goldman, Sachs and Co", "Smith Barney, Harris Upham and Co": names joined by a comma before a firm's name
    that ends "and <name> <legal form>"."""
    if f.kind != ORG or text[prev.end : f.start] != ", " or prev.kind not in (UNKNOWN, ORG):
        return False
    if prev.tokens[-1].text.rstrip(".").lower() in suffixes:
        return False  # a list of firms: "E.F. Hutton and Co Inc, Kidder Peabody and Co Inc"
    if _known_firm(f.tokens[: next((k for k, t in enumerate(f.tokens) if t.text in ("and", "&")), 0)]):
        return False  # a list of firms, the last one a firm the tables know: "Citicorp, J.P. Morgan and Co."
    return f.tokens[-1].text.rstrip(".").lower() in suffixes and _PARTNERS.search(text, f.start, f.end) is not None


def _known_firm(tokens: list[Token]) -> bool:
    entry = gazetteer().phrases.entries.get(" ".join(norm_word(t.text) for t in tokens)) if tokens else None
    return entry is not None and entry.kind == ORG


def _is_town_of(text: str, town: Found, region: Found) -> bool:
    """ "El Nido, Calif. plant", "Hunt Valley, Md., supplier": an unexplained name, a comma, a known place that
    ends the phrase. Not "Howard, Britain's..." (an apposition) nor "Wright, Texas Democrat"."""
    if text[town.end : region.start] != ", ":
        return False
    return text[region.end : region.end + 2] not in ("'s", "’s") and _AFTER_TOWN.match(text, region.end) is not None


def _read_acronym(text: str, f: Found, prev: Found | None) -> None:
    """An acronym in parentheses is what the name before it is: "Cable Value Network (CVN)" an organisation;
    "Strategic Defence Initiative (SDI)" no actor, when no actor ends just before it and the initials agree."""
    if not is_acronym(f.tokens[0].text) or f.name != f.tokens[0].text:
        return  # a table knows it ("OECD" -> the OECD's full name): it keeps its kind
    if prev is not None and prev.kind in (ORG, PLACE) and text[prev.end : f.start].strip() == "(":
        f.kind = prev.kind
        return
    m = _NAME_BEFORE.search(text, max(0, f.start - 120), f.start)
    if m is not None:
        words = [w for w in m.group(1).split() if w[0].isupper()]
        letters = f.tokens[0].text.replace(".", "")
        if "".join(w[0] for w in words[-len(letters) :]) == letters:
            f.kind = UNKNOWN


def company_short_forms(found: list[Found], suffixes: frozenset[str]) -> None:
    """The first words of a company's name that the text gives in full name that company: "Santa Fe" (not a person
    for its first name) after "Santa Fe Southern Pacific Corp", "Salomon said" after "Salomon Brothers Inc"."""
    full: dict[tuple[str, ...], tuple[str, bool]] = {}  # first words -> (company, shorter than its base name)
    for f in found:
        if f.kind == ORG and len(f.tokens) > 1 and f.tokens[-1].text.rstrip(".").lower() in suffixes:
            words = tuple(t.text for t in f.tokens[:-1])
            base = next((n for n, w in enumerate(words) if w in ("and", "&")), len(words))
            for n in range(1, len(words) + 1):
                full.setdefault(words[:n], (f.name, n < base))
    if not full:
        return
    for f in found:
        if f.kind in (UNKNOWN, PERSON) and (hit := full.get(tuple(t.text for t in f.tokens))) is not None:
            name, shorter = hit
            # A person the firm is named after stays a person ("Ivan Boesky" of "Ivan Boesky and Co L.P."); a lone
            # word stays open to a person of that surname ("Ford" after "Gerald Ford").
            if f.kind == UNKNOWN or (shorter and len(f.tokens) > 1):
                f.kind, f.name, f.guessed = ORG, name, f.kind == UNKNOWN


def name_defined_acronyms(text: str, found: list[Found]) -> None:
    """An acronym the text defines names what it abbreviates, wherever the text uses it: after "International
    Coffee Organization (ICO)" or "International Coffee Organization, ICO, executive board", every "ICO" of the text
    is that organisation. The initials must agree, so that a name before any parenthesis is not taken for one."""
    defined: dict[str, str] = {}
    for prev, f in zip(found, found[1:]):
        if prev.kind == ORG == f.kind and len(f.tokens) == 1 and _defines(text, prev, f):
            defined.setdefault(f.name, prev.name)
    if defined:
        for f in found:
            if f.kind == ORG and f.name in defined:
                f.name = defined[f.name]


def _defines(text: str, prev: Found, f: Found) -> bool:
    acronym = f.tokens[0].text
    if not is_acronym(acronym) or f.name != acronym:
        return False
    between, after = text[prev.end : f.start], text[f.end : f.end + 1]
    if not ((between.strip() == "(" and after == ")") or (between == ", " and after == ",")):
        return False
    letters = initials(prev.name)
    return len(letters) >= 2 and letters.endswith(acronym_key(acronym))
