"""merge_aliases: one canonical actor for the spellings, short forms and acronyms of a name across a corpus."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ...models import ActorRef
from .gazetteer import ORG, PERSON, gazetteer
from .names import acronym_key, initials, is_acronym, name_keys, same_person
from .overrides import Overrides


class _Groups:
    """Refs by number (sorted input first, then names the rules bring in) with union-find over the numbers.
    The root of a group is its smallest number, so the result does not depend on the input's order."""

    def __init__(self, refs: list[ActorRef], counts: Counter[ActorRef]) -> None:
        self.refs = list(refs)
        self.number = {ref: i for i, ref in enumerate(self.refs)}
        self.parent = list(range(len(self.refs)))
        self.acronym = [is_acronym(ref.name) for ref in self.refs]
        self.keys = [_keys(ref, acronym) for ref, acronym in zip(self.refs, self.acronym)]
        self.counts = [counts[ref] for ref in self.refs]

    def add(self, ref: ActorRef) -> int:
        """The number of `ref`, adding it (with count 0) if the input did not have it."""
        if ref not in self.number:
            self.number[ref] = len(self.refs)
            self.refs.append(ref)
            self.parent.append(len(self.parent))
            self.acronym.append(is_acronym(ref.name))
            self.keys.append(_keys(ref, self.acronym[-1]))
            self.counts.append(0)
        return self.number[ref]

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _keys(ref: ActorRef, acronym: bool) -> tuple[str, ...]:
    if acronym:
        return (acronym_key(ref.name).lower(),)
    words = ref.name.split()
    if ref.kind != PERSON and words and words[0].lower() == "the":
        words = words[1:]
    if ref.kind == ORG:
        # "Organisation of Economic Cooperation and Development" is the OECD too: the small words of a long name
        # vary from one writer to the next, its other words and their order do not.
        words = [w for w in _head_last(words) if w.lower() not in _SMALL_WORDS] or words
    return name_keys(" ".join(words))


_SMALL_WORDS = frozenset("of for on in and the at to".split())


_HEADS = frozenset({"department", "ministry"})


def _head_last(words: list[str]) -> list[str]:
    """ "U.S. Department of Agriculture" in the order of "U.S. Agriculture Department", "Ministry of Finance" in that
    of "Finance Ministry": the two ways of naming one government body."""
    for k in range(len(words) - 2):
        if words[k].lower() in _HEADS and words[k + 1] == "of" and all(w[0].isupper() for w in words[k + 2 :]):
            return words[:k] + words[k + 2 :] + [words[k]]
    return words


def _join_spellings(g: _Groups) -> None:
    """Same kind and same key: "Nouri al-Maliki" ~ "Nuri Al-Maliki" ~ "Nouri Maliki"; "Qods Force" ~ "Quds force"."""
    first: dict[tuple[str, tuple[str, ...]], int] = {}
    for i, ref in enumerate(g.refs):
        if g.keys[i] and (j := first.setdefault((ref.kind, g.keys[i]), i)) != i:
            g.union(j, i)


# A bare surname that several people of the corpus share is one of them only when that one clearly dominates: at
# least DOMINANT_PASSAGES passages naming it in full, DOMINANT_SHARE of the passages that name any of them in full,
# and DOMINANT_RATIO times as many as the next. Reuters-21578, passages (paragraphs) naming each full name:
# "Reagan" -> Ronald Reagan (51; next Nancy Reagan 2; share 0.91), "Regan" -> Donald Regan (43; 1), "Herrington" ->
# John Herrington (59; 2) are joined; "Baker" stays alone: James Baker 534, but Howard Baker, of the same cabinet,
# 61 (8.8 times fewer; share 0.88); "Hussein": Saddam Hussein 9, Jaafar Hussein 2. The ratio to the next person,
# not the share alone, decides between Reagan and Baker: one-off forms ("Athough Reagan", a typo read as a given
# name) lower a share but not the ratio.
DOMINANT_PASSAGES = 10
DOMINANT_SHARE = 0.8
DOMINANT_RATIO = 10


def _join_people(g: _Groups) -> None:
    """A shorter form joins the one person whose longer forms contain it, surname last: "Nuri al-Maliki" ~
    "Nuri Kamal al-Maliki", "Maliki" ~ both. Forms are taken longest first, so by the time a short form is
    read the longer ones are already people; when they are two or more people, it joins the one that dominates
    the corpus (above), or stays alone."""
    forms: dict[tuple[str, ...], int] = {}
    for i, ref in enumerate(g.refs):
        if ref.kind == PERSON and g.keys[i]:
            forms.setdefault(g.keys[i], i)
    by_surname: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:
        by_surname.setdefault(form[-1], []).append(form)
    passages: Counter[int] = Counter()  # group root -> passages naming any of its refs
    for i in range(len(g.refs)):
        passages[g.find(i)] += g.counts[i]
    for form in sorted(forms, key=len, reverse=True):
        longer = [f for f in by_surname[form[-1]] if len(f) > len(form) and same_person(form, f)]
        people = {g.find(forms[f]) for f in longer}
        if len(people) > 1:
            people = _dominant(people, passages)
        if len(people) == 1:
            short, person = g.find(forms[form]), people.pop()
            if short != person:
                total = passages.pop(short) + passages.pop(person)
                g.union(short, person)
                passages[g.find(person)] = total


def _dominant(people: set[int], passages: Counter[int]) -> set[int]:
    """The one of `people` (group roots) that clearly dominates the corpus, if any; else all of them."""
    ranked = sorted(sorted(people), key=passages.__getitem__, reverse=True)
    lead, runner_up = passages[ranked[0]], passages[ranked[1]]
    total = sum(passages[root] for root in people)
    if lead >= DOMINANT_PASSAGES and lead >= DOMINANT_SHARE * total and lead >= DOMINANT_RATIO * runner_up:
        return {ranked[0]}
    return people


def _join_acronyms(g: _Groups) -> None:
    """ "U.S." ~ "US" ~ "United States" from the acronym table; "CFR" ~ "Council on Foreign Relations" when the
    corpus has exactly one name of that kind with those initials."""
    table = {acronym_key(a): ActorRef(name, kind) for a, (name, kind) in gazetteer().acronyms.items()}
    by_initials: dict[tuple[str, str], list[int]] = {}
    acronyms = []
    for i, ref in enumerate(g.refs):
        if g.acronym[i]:
            acronyms.append(i)
        elif letters := initials(ref.name):
            by_initials.setdefault((ref.kind, letters), []).append(i)
    for i in acronyms:
        ref = g.refs[i]
        expansion = table.get(acronym_key(ref.name))
        if expansion is not None and expansion.kind == ref.kind:
            g.union(i, g.add(expansion))
            continue
        named = {g.find(j) for j in by_initials.get((ref.kind, acronym_key(ref.name)), ())}
        if len(named) == 1:
            g.union(i, named.pop())


def _force(g: _Groups, overrides: Overrides) -> dict[int, int]:
    """Join refs to the names the user's rules give them; those names are their groups' canonicals."""
    targets = []
    for i in range(len(g.refs)):
        to = overrides.target(g.refs[i])
        if to is not None:
            t = g.add(to)
            g.union(i, t)
            targets.append(t)
    return {g.find(t): t for t in sorted(targets)}


def _canonical(g: _Groups, members: list[int]) -> int:
    """The most frequent spelling of the longest form; ties: the longer name, then the smaller string."""
    if len(members) == 1:
        return members[0]
    form_counts: Counter[tuple[str, ...]] = Counter()
    for i in members:
        form_counts[g.keys[i]] += g.counts[i]

    def rank(i: int) -> tuple[int, int, int, int, str]:
        name = g.refs[i].name
        return (-len(g.keys[i]), -form_counts[g.keys[i]], -g.counts[i], -len(name), name)

    return min(members, key=rank)


def _count(refs: Iterable[ActorRef] | Mapping[ActorRef, int]) -> Counter[ActorRef]:
    return Counter(dict(refs)) if isinstance(refs, Mapping) else Counter(refs)


def merge_aliases(
    refs: Iterable[ActorRef] | Mapping[ActorRef, int], overrides: Overrides | None = None
) -> dict[ActorRef, ActorRef]:
    """Map every ref to its corpus canonical ref (itself for most).

    Joins, within a kind: spellings of one name (transliteration, "al-", case), a shorter form to the one person
    whose fuller forms contain it (a bare surname only when one person has it), and acronyms to expansions.
    The canonical is the most frequent spelling of the longest form (ties: the longer, then the smaller string).
    `refs` may be a mapping ref -> count (passages naming it); otherwise each ref counts once per occurrence.
    The result depends only on the set (or counts) given, not on its order. Refs that `overrides` says are not
    actors are left out of the result.
    """
    counts = _count(refs)
    live = [r for r in counts if not (overrides and overrides.is_ignored(r.name))]
    live.sort(key=lambda r: (r.name, r.kind))
    g = _Groups(live, counts)
    _join_spellings(g)
    _join_acronyms(g)
    _join_people(g)
    forced = _force(g, overrides) if overrides else {}
    members: dict[int, list[int]] = {}
    for i in range(len(g.refs)):
        members.setdefault(g.find(i), []).append(i)
    canonical = {root: forced[root] if root in forced else _canonical(g, group) for root, group in members.items()}
    return {ref: g.refs[canonical[g.find(i)]] for i, ref in enumerate(live)}
