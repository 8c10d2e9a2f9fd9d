"""find_actors: the people, organisations and places a text names, with offsets and canonical names."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import ActorMention
from . import context
from .gazetteer import DEMONYM, NOT_ACTOR, ORG, PERSON, PLACE, STOP, TITLE, Gazetteer, PhraseTable, gazetteer, norm_word
from .names import is_acronym, tidy_person_name
from .overrides import Overrides
from .resolve import Found, resolve_people
from .spans import PARTICLES, Chunk, Token, iter_chunks

NAME, PARTICLE, LOWER = "name", "particle", "lower"  # item categories beside the tables' ones
UNKNOWN = "unknown"
_ORG_LEFT = frozenset({NAME, NOT_ACTOR, PLACE, DEMONYM, ORG})  # what may stand before a cue word in a name
_ORG_RIGHT = frozenset({NAME, NOT_ACTOR, PLACE, DEMONYM})  # and after "Ministry of", "Center for"
_ORG_LINKS = frozenset({"of", "for", "on"})


@dataclass(slots=True)
class _Item:
    """Tokens i..j-1 of a chunk and what they are."""

    i: int
    j: int
    cat: str
    name: str = ""


@dataclass
class _Reader:
    """Reads one chunk: splits it into table phrases and name runs, then decides what each run names."""

    text: str
    chunk: Chunk
    g: Gazetteer
    extra: PhraseTable | None
    tokens: list[Token] = field(init=False)
    norms: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self._split_compounds(self.chunk.tokens)
        self.norms = [self._norm(t.text) for t in self.tokens]

    def _norm(self, word: str) -> str:
        norm = norm_word(word)
        # A word in capitals that no table knows is a shouted word ("IRAQ"), not an acronym.
        if norm == word and norm not in self.g.phrases.longest and not self._knows(norm):
            return word.lower()
        return norm

    def _knows(self, norm: str) -> bool:
        return self.extra is not None and norm in self.extra.longest

    def _split_compounds(self, tokens: list[Token]) -> list[Token]:
        """ "US-Iranian" is two actors; "Al-Maliki" and "France-Presse" are one word."""
        out: list[Token] = []
        for t in tokens:
            parts = t.text.split("-")
            if len(parts) > 1 and norm_word(t.text) not in self.g.phrases.entries and all(
                norm_word(p) in self.g.phrases.entries for p in parts
            ):
                pos = t.start
                for p in parts:
                    out.append(Token(pos, pos + len(p), p))
                    pos += len(p) + 1
            else:
                out.append(t)
        return out

    def read(self) -> list[Found]:
        items = self._join_org_cues(self._segment())
        found: list[Found] = []
        for it in items:
            if it.cat in (PLACE, ORG, PERSON, DEMONYM):
                kind = PLACE if it.cat == DEMONYM else it.cat
                found.append(self._found(it.i, it.j, kind, it.name, it.cat == DEMONYM))
        for a, b in self._runs(items):
            found.extend(self._read_run(items, a, b))
        return found

    def _found(self, i: int, j: int, kind: str, name: str, derived: bool = False) -> Found:
        return Found(self.tokens[i].start, self.tokens[j - 1].end, kind, name, derived, self.tokens[i:j])

    def _segment(self) -> list[_Item]:
        items: list[_Item] = []
        i, n = 0, len(self.tokens)
        while i < n:
            hit = (self.extra and self.extra.match(self.norms, i)) or self.g.phrases.match(self.norms, i)
            if hit and not (hit[0] == 1 and hit[1].kind == PLACE and self._after_first_name(items)):
                size, entry = hit
                items.append(_Item(i, i + size, entry.kind, entry.name))
                i += size
                continue
            items.append(_Item(i, i + 1, self._word_category(self.tokens[i].text, self.norms[i])))
            i += 1
        return items

    def _after_first_name(self, items: list[_Item]) -> bool:
        """A place right after a lone first name is a surname: "George Washington", "Michael Jordan"."""
        if not items or items[-1].cat != NAME or (len(items) > 1 and items[-2].cat in (NAME, PARTICLE)):
            return False
        return self.norms[items[-1].i] in self.g.first_names

    @staticmethod
    def _word_category(word: str, norm: str) -> str:
        if word[0].islower():
            if "-" in word:
                return NAME  # al-Sadr
            return PARTICLE if norm in PARTICLES else LOWER
        if len(word) == 1:
            return STOP
        return NAME

    def _join_org_cues(self, items: list[_Item]) -> list[_Item]:
        """ "Mahdi Army", "Fars News Agency", "Ministry of Oil": a cue word makes the name around it an org."""
        k = 0
        while k < len(items):
            if self._is_cue(items, k):
                left = self._org_left(items, k)
                if left == k and k > 0 and items[k - 1].cat == TITLE:
                    left -= 1  # "Justice Department"
                right = self._org_right(items, k)
                if right > left:
                    i, j = items[left].i, items[right].j
                    name = " ".join(t.text for t in self.tokens[i:j])
                    items[left : right + 1] = [_Item(i, j, ORG, name.replace("’", "'"))]
                    k = left
            k += 1
        return items

    def _is_cue(self, items: list[_Item], k: int) -> bool:
        """A cue word ends or opens an org name; one followed by another name word is inside a longer title
        ("CSIS Report on Iraqi Force Development")."""
        if items[k].cat not in (NAME, NOT_ACTOR) or not self._cue_word(items[k].i):
            return False
        follower = items[k + 1] if k + 1 < len(items) else None
        return follower is None or follower.cat != NAME or self._cue_word(follower.i)

    def _cue_word(self, i: int) -> bool:
        return self.norms[i].rstrip(".") in self.g.org_cues  # "Co." as "Co"

    def _org_left(self, items: list[_Item], k: int) -> int:
        left = k
        while left > 0:
            if items[left - 1].cat in _ORG_LEFT:
                left -= 1
            elif left > 1 and self._is_and(items[left - 1]) and items[left - 2].cat in (NAME, NOT_ACTOR):
                left -= 2  # "Securities and Exchange Commission", "Food and Drug Administration"
            else:
                break
        return left

    def _is_and(self, item: _Item) -> bool:
        return item.j == item.i + 1 and self.norms[item.i] in ("and", "&")

    def _org_right(self, items: list[_Item], k: int) -> int:
        link = k + 1
        if link + 1 >= len(items) or self.norms[items[link].i] not in _ORG_LINKS:
            return k
        if self.norms[items[link + 1].i] == "the":
            link += 1
        right = link
        while right + 1 < len(items) and items[right + 1].cat in _ORG_RIGHT:
            right += 1
        return right if right > link else k

    @staticmethod
    def _runs(items: list[_Item]) -> list[tuple[int, int]]:
        """Item ranges of unclaimed capitalised words, particles inside ("Osama bin Laden") or in front."""
        runs, a = [], None
        for k, it in enumerate(items + [_Item(0, 0, STOP)]):
            if it.cat in (NAME, PARTICLE):
                a = k if a is None else a
                continue
            if a is not None:
                b = k
                while b > a and items[b - 1].cat == PARTICLE:
                    b -= 1
                if b > a:
                    runs.append((a, b))
                a = None
        return runs

    def _read_run(self, items: list[_Item], a: int, b: int) -> list[Found]:
        split = self._first_name_inside(items, a, b)
        if split is not None:
            head = self._found(items[a].i, items[split - 1].j, UNKNOWN, "")
            return [head, *self._read_run(items, split, b)]
        titled = a > 0 and items[a - 1].cat == TITLE
        if a == 0 and self.chunk.sentence_start and not titled and self.norms[items[a].i] not in PARTICLES:
            kind = self._run_kind(items, a, b, titled, context_before=False)
            names = [k for k in range(a, b) if items[k].cat == NAME]
            if kind is None and len(names) > 1:
                # The sentence's first word is capitalised anyway: read the rest as a name on its own. The first
                # word may still be a surname the text gives in full elsewhere ("Maliki Issues Plea").
                first = self._found(items[a].i, items[names[1] - 1].j, UNKNOWN, "")
                return [first, *self._read_run(items, names[1], b)]
        else:
            kind = self._run_kind(items, a, b, titled, context_before=True)
        i, j = items[a].i, items[b - 1].j
        if kind == PERSON:
            words = [t.text for t in self.tokens[i:j]]
            return [self._found(i, j, PERSON, tidy_person_name(words, self.chunk.shouting))]
        if kind == ORG:
            name = " ".join(t.text for t in self.tokens[i:j])
            return [self._found(i, j, ORG, self.g.acronyms.get(name, (name, ORG))[0])]
        return [self._found(i, j, UNKNOWN, "")]

    def _first_name_inside(self, items: list[_Item], a: int, b: int) -> int | None:
        """Where a person's name starts inside a run of unknown words: "(Secretary of State for) Economic Affairs
        Allen Wallis". Only when the run's first word is not a given name itself ("Mohammed Ali Hosseini")."""
        if self.norms[items[a].i] in self.g.first_names or b - a < 3:
            return None
        for k in range(a + 1, b - 1):
            if items[k].cat == NAME and self.norms[items[k].i] in self.g.first_names and items[k + 1].cat == NAME:
                return k
        return None

    def _run_kind(self, items: list[_Item], a: int, b: int, titled: bool, context_before: bool) -> str | None:
        i, j = items[a].i, items[b - 1].j
        if j - i == 1 and self._cue_word(i):
            return None  # "the Bank said": a cue word alone names nothing
        if titled:
            return PERSON
        words = [t.text for t in self.tokens[i:j]]
        names = [w for w in words if not w[0].islower() or "-" in w]
        before = context.before(self.text, self.tokens[i].start) if context_before and a == 0 else None
        if before in (PERSON, ORG):
            return before
        if len(names) > 1 and (self.norms[i] in self.g.first_names or _shaped(words)):
            return PERSON
        at_end = all(it.cat == LOWER for it in items[b:])
        after = context.after(self.text, self.tokens[j - 1].end) if at_end else None
        if after in (PERSON, ORG):
            return after
        # Companies say things too ("Hughes said", "said Texaco"): a verb of saying is evidence only before a
        # name of two words or more ("said Jorio Dauster").
        if before in (context.SPEECH, context.BYLINE) and 1 < len(names) <= 4:
            return PERSON
        if len(words) == 1 and _unknown_acronym(words[0]) and not self.chunk.shouting:
            return ORG
        return None


_NAME_PARTICLES = frozenset("al el bin ibn bint abu de da di van von der".split())


def _shaped(words: list[str]) -> bool:
    """Name-shaped: a middle initial ("Vali R. Nasr") or a particle inside ("Tariq al-Hashimi", "bin Laden")."""
    return any(
        (len(w) == 2 and w[1] == ".") or (w[0].islower() and w.split("-")[0] in _NAME_PARTICLES) for w in words[1:]
    )


def _read_table_word(chunk: Chunk, g: Gazetteer, extra: PhraseTable | None) -> list[Found] | None:
    """Most chunks are one word a table knows ("The", "Iraq", "U.S."): read those without the full reader."""
    if len(chunk.tokens) != 1:
        return None
    token = chunk.tokens[0]
    norm = norm_word(token.text)
    entry = (extra.entries.get(norm) if extra else None) or g.phrases.entries.get(norm)
    if entry is None or "-" in token.text:
        return None
    if entry.kind in (PLACE, ORG, PERSON, DEMONYM):
        kind = PLACE if entry.kind == DEMONYM else entry.kind
        return [Found(token.start, token.end, kind, entry.name, entry.kind == DEMONYM, [token])]
    return []


def _unknown_acronym(word: str) -> bool:
    """An acronym no table knows is an organisation ("AHN"), but not a rating or a code ("AA", "BBB", "MD")."""
    return is_acronym(word) and 3 <= len(word) <= 6 and len(set(word)) > 1 and "." not in word


def find_actors(text: str, overrides: Overrides | None = None) -> list[ActorMention]:
    """Every person, organisation and place `text` names, in text order, without overlaps.

    `name` is the canonical name within this text: titles and possessives dropped, a surname or shorter form
    resolved to the fullest form of the same person ("Mr. Maliki" -> "Nuri Kamal al-Maliki"), table names to
    their canonical spelling ("U.S." -> "United States"). Demonyms ("Iraqi") point to their place, derived=True.
    """
    g = gazetteer()
    extra = overrides.phrases if overrides else None
    found: list[Found] = []
    for chunk in iter_chunks(text):
        quick = _read_table_word(chunk, g, extra)
        found.extend(_Reader(text, chunk, g, extra).read() if quick is None else quick)
    mentions = resolve_people(text, found)
    return overrides.apply(mentions) if overrides else mentions
