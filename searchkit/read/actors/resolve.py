"""One name per person within a text: "Mr. Maliki" and "Maliki's" become "Nuri Kamal al-Maliki" when the text
names him in full; a capitalised word that is the surname of a person the text names is that person."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ...models import ActorMention
from .gazetteer import ORG, PERSON
from .names import has_word, name_keys, same_person, tidy_person_name
from .spans import Token

UNKNOWN = "unknown"


@dataclass(slots=True)
class Found:
    """A name found in a chunk, before people are resolved. `kind` UNKNOWN: capitalised, nothing says what."""

    start: int
    end: int
    kind: str
    name: str
    derived: bool = False
    tokens: list[Token] = field(default_factory=list)
    keys: tuple[str, ...] = ()
    guessed: bool = False  # an organisation only by the words around it ("Westmin said it"): a known surname wins
    opens_sentence: bool = False  # a sentence's first word, read apart from the name after it ("Michio Watanabe")


@dataclass
class _Person:
    forms: list[tuple[str, ...]]  # longest first
    mentions: list[Found]
    starts: list[int] = field(default_factory=list)  # the mentions' starts, sorted: nearest-before by bisection

    def __post_init__(self) -> None:
        self.starts = sorted(m.start for m in self.mentions)

    def add(self, mentions: list[Found]) -> None:
        for m in mentions:
            self.mentions.append(m)
            bisect.insort(self.starts, m.start)

    def distance(self, pos: int) -> tuple[int, int]:
        """How far back this person was last named before `pos`; never-before persons rank after, by first mention."""
        i = bisect.bisect_left(self.starts, pos)
        return (0, pos - self.starts[i - 1]) if i else (1, self.starts[0])

    def canonical(self) -> str:
        """The most frequent spelling of the longest form; the first one on a tie."""
        longest = [m for m in self.mentions if len(m.keys) == len(self.forms[0])]
        counts: dict[str, int] = {}
        for m in longest:
            counts[m.name] = counts.get(m.name, 0) + 1
        return max(longest, key=lambda m: (counts[m.name], -m.start)).name


def _cluster(people: list[Found]) -> list[_Person]:
    """Group mentions by person: a shorter form joins the one person whose longer form contains it; if several
    do ("Bush" after "George Bush" and "Laura Bush"), each mention joins the person named last before it."""
    by_form: dict[tuple[str, ...], list[Found]] = {}
    for m in people:
        by_form.setdefault(m.keys, []).append(m)
    persons: list[_Person] = []
    for form in sorted(by_form, key=lambda f: (-len(f), by_form[f][0].start)):
        candidates = [p for p in persons if any(same_person(form, longer) for longer in p.forms)]
        if not candidates:
            persons.append(_Person([form], list(by_form[form])))
        elif len(candidates) == 1:
            candidates[0].forms.append(form)
            candidates[0].add(by_form[form])
        else:
            for m in by_form[form]:
                _nearest(candidates, m.start).add([m])
    return persons


def _nearest(persons: list[_Person], pos: int) -> _Person:
    return min(persons, key=lambda p: p.distance(pos))


def _claim(unknowns: list[Found], persons: list[_Person]) -> list[Found]:
    """Capitalised words nothing else explained that name a known person: "Obama administration", "Maliki's".
    A whole run that names one becomes a person in place; the new mentions for single words are returned."""
    by_surname: dict[str, list[_Person]] = {}
    for p in persons:
        by_surname.setdefault(p.forms[0][-1], []).append(p)
    claimed: list[Found] = []
    for u in unknowns:
        keys = name_keys(" ".join(t.text for t in u.tokens))
        whole = [p for p in by_surname.get(keys[-1], []) if any(same_person(keys, f) for f in p.forms)] if keys else []
        if whole:
            u.kind, u.keys, u.name = PERSON, keys, tidy_person_name([t.text for t in u.tokens])
            _nearest(whole, u.start).add([u])
        elif len(u.tokens) > 1 and not u.guessed:
            claimed.extend(_claim_words(u, by_surname))
    return claimed


def _claim_words(u: Found, by_surname: dict[str, list[_Person]]) -> list[Found]:
    """In an unexplained run such as a headline ("Maliki Issues Plea"), each word that is a known surname."""
    out = []
    for t in u.tokens:
        keys = name_keys(t.text)
        if len(keys) == 1 and keys[0] in by_surname:
            f = Found(t.start, t.end, PERSON, t.text, tokens=[t], keys=keys)
            _nearest(by_surname[keys[0]], t.start).add([f])
            out.append(f)
    return out


def _rejoin_first_words(text: str, found: list[Found], persons: list[_Person]) -> None:
    """A sentence's first word read apart ("Michio" of "Michio Watanabe, a Nakasone faction member") is the given
    name of the person the word after it turned out to be ("Watanabe said he"): the two are one mention, and the
    person is named in full throughout the text."""
    of_mention = {id(m): p for p in persons for m in p.mentions}
    for first, f in zip(found, found[1:]):
        person = of_mention.get(id(f))
        if not first.opens_sentence or first.kind != UNKNOWN or person is None or len(f.tokens) != 1:
            continue
        if text[first.end : f.start] != " " or len(first.tokens) != 1 or not _given_name_shaped(text, first.tokens[0]):
            continue
        f.start, f.tokens = first.start, first.tokens + f.tokens
        f.name = tidy_person_name([t.text for t in f.tokens])
        f.keys = name_keys(f.name)
        if len(f.keys) > len(person.forms[0]):
            person.forms.insert(0, f.keys)


def _given_name_shaped(text: str, word: Token) -> bool:
    """Not a word in capitals (a table's "CASCAVEL NIL"), a participle ("Replacing Greeniaus") or a word the text
    writes in lowercase too ("Behind Baker")."""
    w = word.text
    return not w.isupper() and not w.endswith("ing") and not has_word(text, w.lower())


def _administrations_of_people(found: list[Found], surnames: set[str]) -> None:
    """ "the Reagan Administration" is the president's, not an agency named Reagan Administration, when the text
    names a person of that surname: the surname becomes a word for `_claim` to give to that person (a name used as a
    modifier is a person mention, as in "the Reagan administration")."""
    for f in found:
        if f.kind == ORG and len(f.tokens) == 2 and f.tokens[1].text == "Administration":
            keys = name_keys(f.tokens[0].text)
            if len(keys) == 1 and keys[0] in surnames:
                f.kind, f.name, f.end, f.tokens = UNKNOWN, "", f.tokens[0].end, f.tokens[:1]


def resolve_people(text: str, found: list[Found]) -> list[ActorMention]:
    """Mentions in text order, each person named by the fullest form of that person in the text."""
    people = [f for f in found if f.kind == PERSON]
    for f in people:
        f.keys = name_keys(f.name)
    persons = _cluster([f for f in people if f.keys])
    _administrations_of_people(found, {p.forms[0][-1] for p in persons})
    claimed = _claim([f for f in found if f.kind == UNKNOWN or f.guessed], persons)
    _rejoin_first_words(text, found, persons)
    named = {}
    for person in persons:
        canonical = person.canonical()
        named.update((id(m), canonical) for m in person.mentions)
    out = []
    for f in found + claimed:
        if f.kind == UNKNOWN or (f.kind == PERSON and id(f) not in named):
            continue
        name = named.get(id(f), f.name)
        out.append(ActorMention(f.start, f.end, text[f.start : f.end], f.kind, name, f.derived))
    out.sort(key=lambda m: m.start)
    return out
