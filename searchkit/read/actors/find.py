"""find_actors: the people, organisations and places a text names, with offsets and canonical names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...models import ActorMention
from . import context
from .gazetteer import DEMONYM, NOT_ACTOR, ORG, PERSON, PLACE, STOP, TITLE, Gazetteer, PhraseTable, gazetteer, norm_word
from .dateline import dateline_places
from .names import has_word, is_acronym, tidy_person_name
from .neighbours import company_short_forms, is_ticker, join_neighbours, name_defined_acronyms
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
        items = self._join_cues(self._segment())
        found: list[Found] = []
        for it in items:
            if it.cat in (PLACE, ORG, PERSON, DEMONYM):
                kind = PLACE if it.cat == DEMONYM else it.cat
                found.append(self._found(it.i, it.j, kind, it.name, it.cat == DEMONYM))
            elif it.cat == TITLE and it.j - it.i > 1:
                found.extend(self._org_in_title(it))
        for a, b in self._runs(items):
            found.extend(self._read_run(items, a, b))
        return found

    def _org_in_title(self, title: _Item) -> list[Found]:
        """The organisation a title begins with: "Treasury Secretary", "OPEC President"."""
        hit = self.g.phrases.match(self.norms[title.i : title.j - 1], 0)
        if hit is None or hit[1].kind != ORG:
            return []
        return [self._found(title.i, title.i + hit[0], ORG, hit[1].name)]

    def _found(self, i: int, j: int, kind: str, name: str, derived: bool = False) -> Found:
        if kind != PERSON and j - i > 1 and self.norms[i] == "the" and not name.startswith("The "):
            i += 1  # "The Washington Post" is named "Washington Post": the article is not part of the name
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
            items.append(_Item(i, i + 1, self._word_category(self.tokens[i].text, self.norms[i], i > 0)))
            i += 1
        return items

    def _after_first_name(self, items: list[_Item]) -> bool:
        """A place right after a lone first name is a surname: "George Washington", "Michael Jordan"."""
        if not items or items[-1].cat != NAME or (len(items) > 1 and items[-2].cat in (NAME, PARTICLE)):
            return False
        return self.norms[items[-1].i] in self.g.first_names

    @staticmethod
    def _word_category(word: str, norm: str, inside: bool) -> str:
        if word[0].islower():
            if "-" in word:
                return NAME  # al-Sadr
            return PARTICLE if norm in PARTICLES else LOWER
        if len(word) == 1:
            return NAME if inside and word.isalpha() else STOP  # "Circle K Corp"; but "&", a first "A" or "I"
        return NAME

    def _join_cues(self, items: list[_Item]) -> list[_Item]:
        """A cue word makes the name around it one item of its kind: an organisation ("Mahdi Army", "Ministry of
        Oil", "Hitachi Ltd"), a place ("Prudhoe Bay", "Strait of Hormuz") or no actor at all ("Berne Agreement")."""
        k = 0
        while k < len(items):
            kind = self._cue_at(items, k)
            if kind is not None:
                left, right = self._cue_left(items, k, kind), self._cue_right(items, k)
                if right > left:
                    i, j = items[left].i, items[right].j
                    name = " ".join(t.text for t in self.tokens[i:j])
                    items[left : right + 1] = [_Item(i, j, kind, name.replace("’", "'"))]
                    k = left
            k += 1
        return items

    def _cue_kind(self, i: int) -> str | None:
        norm = self.norms[i].rstrip(".")  # "Co." as "Co"
        if norm in self.g.org_cues:
            return ORG
        if norm in self.g.place_cues:
            return PLACE
        return NOT_ACTOR if norm in self.g.misc_cues else None

    def _cue_at(self, items: list[_Item], k: int) -> str | None:
        """The kind of the cue word at k, if it ends or opens a name. One followed by another name word is inside
        a longer title ("CSIS Report on Iraqi Force Development"); one followed by "and" and more of the name
        is not its end ("Savings and Loan Association", "Securities and Exchange Commission")."""
        if items[k].cat not in (NAME, NOT_ACTOR) or (kind := self._cue_kind(items[k].i)) is None:
            return None
        follower = items[k + 1] if k + 1 < len(items) else None
        if follower is not None and follower.cat == NAME and self._cue_kind(follower.i) is None:
            return None
        return None if self._name_goes_on(items, k) else kind

    def _name_goes_on(self, items: list[_Item], k: int) -> bool:
        if k + 2 >= len(items) or not self._is_and(items[k + 1]) or self._is_suffix(items[k].i):
            return False  # a company's legal form ends its name: "Lehman Brothers Inc and Merrill Lynch"
        for it in items[k + 2 :]:
            if it.cat not in (NAME, NOT_ACTOR):
                return False
            if self._cue_kind(it.i) == ORG:
                return True
        return False

    def _is_suffix(self, i: int) -> bool:
        return self.norms[i].rstrip(".") in self.g.company_suffixes

    def _cue_left(self, items: list[_Item], k: int, kind: str) -> int:
        left = k
        while left > 0:
            before = items[left - 1]
            if before.cat in _ORG_LEFT:
                left -= 1
            elif left > 1 and self._is_and(before) and kind == ORG and self._joins_over_and(items, left - 2, k):
                left -= 2  # "Securities and Exchange Commission", "Food and Drug Administration"
            elif left > 1 and before.cat == TITLE and items[left - 2].cat in _ORG_LEFT:
                left -= 2  # a rank inside a name: "Overseas Private Investment Corp."
            else:
                break
        # A one-word rank in front, unless a person's name follows: "Justice Department", "General Dynamics Corp".
        if left > 0 and items[left - 1].cat == TITLE and items[left - 1].j - items[left - 1].i == 1:
            if left == k or self.norms[items[left].i] not in self.g.first_names:
                left -= 1
        return left

    def _joins_over_and(self, items: list[_Item], m: int, k: int) -> bool:
        """Whether item m, before "and", belongs to the name the cue at k ends: a name word, or a known firm before
        "and Co" ("Merrill Lynch and Co")."""
        return items[m].cat in (NAME, NOT_ACTOR) or (items[m].cat == ORG and m + 2 == k and self._is_suffix(items[k].i))

    def _is_and(self, item: _Item) -> bool:
        return item.j == item.i + 1 and self.norms[item.i] in ("and", "&")

    def _cue_right(self, items: list[_Item], k: int) -> int:
        """The end of a name a cue word opens: "Ministry of Oil", "Center for Strategic and International
        Studies"; never after a company's legal form: "Hitachi Ltd of Japan", "NEC Corp of Japan" are two actors
        (Reuters' way of saying where a company is; "Aluminum Co of America" is then cut too)."""
        link = k + 1
        if link + 1 >= len(items) or self.norms[items[link].i] not in _ORG_LINKS or self._is_suffix(items[k].i):
            return k
        if self.norms[items[link + 1].i] == "the":
            link += 1
        right = link
        while right + 1 < len(items) and items[right + 1].cat in _ORG_RIGHT:
            right += 1
            # "Organisation for Economic Cooperation and Development"
            if right + 2 < len(items) and self._is_and(items[right + 1]) and items[right + 2].cat in (NAME, NOT_ACTOR):
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
        titled = a > 0 and items[a - 1].cat == TITLE and self._rank_names_person(items, a, b)
        if a == 0 and self.chunk.sentence_start and not titled and self.norms[items[a].i] not in PARTICLES:
            kind = self._run_kind(items, a, b, titled, context_before=False)
            names = [k for k in range(a, b) if items[k].cat == NAME]
            if kind is None and len(names) > 1:
                # The sentence's first word is capitalised anyway: read the rest as a name on its own. The first
                # word may still be a surname the text gives in full elsewhere ("Maliki Issues Plea").
                first = self._found(items[a].i, items[names[1] - 1].j, UNKNOWN, "")
                first.opens_sentence = names[1] == a + 1
                return [first, *self._read_run(items, names[1], b)]
        else:
            kind = self._run_kind(items, a, b, titled, context_before=True)
        i, j = items[a].i, items[b - 1].j
        if kind is None and self._after_adjective_rank(items, a, b):
            kind = ORG  # "General Automation said": the rank is the company's first word (below)
        if kind == PERSON and a == 0 and j - i == 1 and not titled and self._common_word(i):
            kind = None
        if kind == PERSON:
            words = [t.text for t in self.tokens[i:j]]
            return [self._found(i, j, PERSON, tidy_person_name(words, self.chunk.shouting))]
        if kind == PLACE:
            return [self._found(i, j, PLACE, " ".join(t.text for t in self.tokens[i:j]))]
        if kind == ORG:
            if self._after_adjective_rank(items, a, b):
                i -= 1  # the rank is the company's first word: "General Tire said it"
            name = " ".join(t.text for t in self.tokens[i:j])
            found = self._found(i, j, ORG, self.g.acronyms.get(name, (name, ORG))[0])
            found.guessed = j - i == 1 and not is_acronym(name)  # "Kato opened" may still be Mutsuki Kato
            return [found]
        return [self._found(i, j, UNKNOWN, "")]

    def _common_word(self, i: int) -> bool:
        """A lone word that opens a sentence and that the text also writes in lowercase is a common word, whatever
        follows it: "Traders said he raised his recommendation" beside "..., traders said". It stays open to a
        person the text names in full ("Rose said he" after "Stephen Rose")."""
        word = self.tokens[i].text
        if not self.chunk.sentence_start or not word[1:].islower():
            return False
        return has_word(self.text, word.lower())

    def _after_article(self, i: int) -> bool:
        """Whether token i follows "the": "The Post said he"."""
        start = self.tokens[i].start
        return _THE_BEFORE.search(self.text, max(0, start - 5), start) is not None

    def _after_adjective_rank(self, items: list[_Item], a: int, b: int) -> bool:
        """Run a..b is one word after a rank that is an adjective of company names: "General Tire"."""
        if a == 0 or b - a != 1 or items[a].j - items[a].i != 1 or (b < len(items) and items[b].cat == TITLE):
            return False  # one word, and no rank after it: "General Sales Manager Melvin Sims"
        rank = items[a - 1]
        return rank.cat == TITLE and rank.j - rank.i == 1 and self.norms[rank.i] in _ADJECTIVE_RANKS

    def _rank_names_person(self, items: list[_Item], a: int, b: int) -> bool:
        """Whether the rank before run a..b makes it a person's name. Not when another rank follows, so that the run
        is part of a longer title ("Deputy Agriculture Secretary Peter Myers"); nor for a rank that is an adjective
        of company names before one word ("General Dynamics", "General Manager", "General Tire": on Reuters,
        "General" before a person's name comes before a full name, "Secretary General Javier Perez")."""
        if b < len(items) and items[b].cat == TITLE:
            return False
        return not self._after_adjective_rank(items, a, b)

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
        if j - i == 1 and (self._cue_kind(i) is not None or len(self.tokens[i].text) == 1):
            return None  # "the Bank said": a cue word alone names nothing; nor a letter ("Class B shares")
        if titled:
            return PERSON
        if self.text.startswith("-based", self.tokens[j - 1].end):
            return PLACE  # "Oporto-based", "Abidjan-based"
        if j - i > 1 and self.norms[i] in self.g.org_openers:
            return ORG  # "Banco Portugues de Investimento", "Credit Lyonnais"
        words = [t.text for t in self.tokens[i:j]]
        if len(words) == 1 and _unknown_acronym(words[0]) and not self.chunk.shouting:
            # Before the words around it: people are not written in capitals ("the ICO, executive board", "CFTC
            # said he" were people on Reuters).
            return ORG
        names = [w for w in words if not w[0].islower() or "-" in w]
        before = context.before(self.text, self.tokens[i].start) if context_before and a == 0 else None
        if before in (PERSON, ORG):
            return before
        if len(names) > 1 and (self.norms[i] in self.g.first_names or _shaped(words)):
            return PERSON
        at_end = all(it.cat == LOWER for it in items[b:])
        after = context.after(self.text, self.tokens[j - 1].end, self._after_article(i)) if at_end else None
        if after in (PERSON, ORG):
            return after
        # Companies say things too ("Hughes said", "said Texaco"): a verb of saying is evidence only before a
        # name of two words or more ("said Jorio Dauster").
        if before in (context.SPEECH, context.BYLINE) and 1 < len(names) <= 4:
            return PERSON
        return None


_ADJECTIVE_RANKS = frozenset({"general"})
_THE_BEFORE = re.compile(r"(?<![^\W\d_])[Tt]he\s+$")
_NAME_PARTICLES = frozenset("al el bin ibn bint abu de da di van von der".split())


def _shaped(words: list[str]) -> bool:
    """Name-shaped: an initial ("Vali R. Nasr", "A. Karasmasoglu") or a particle inside ("Tariq al-Hashimi", "bin
    Laden")."""
    return any(
        (len(w) == 2 and w[1] == ".") or (w[0].islower() and w.split("-")[0] in _NAME_PARTICLES) for w in words[1:]
    ) or (len(words[0]) == 2 and words[0][1] == "." and not words[-1].endswith("."))


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


def _with_datelines(found: list[Found], datelines: list[Found]) -> list[Found]:
    """The dateline's places replace what the chunks made of the same words ("WEST PALM BEACH", "ST. LOUIS")."""
    kept = [f for f in found if not any(f.start < d.end and d.start < f.end for d in datelines)]
    return sorted(kept + datelines, key=lambda f: f.start)


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
        if is_ticker(text, chunk):
            continue
        quick = _read_table_word(chunk, g, extra)
        found.extend(_Reader(text, chunk, g, extra).read() if quick is None else quick)
    found.sort(key=lambda f: f.start)
    if datelines := dateline_places(text, g):
        found = _with_datelines(found, datelines)
    found = join_neighbours(text, found, g.company_suffixes)
    name_defined_acronyms(text, found)
    company_short_forms(found, g.company_suffixes)
    mentions = resolve_people(text, found)
    return overrides.apply(mentions) if overrides else mentions
