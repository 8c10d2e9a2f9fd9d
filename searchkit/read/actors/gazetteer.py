"""The actor tables under searchkit/data/ (actors_*.tsv/txt), read once on first use into sets and dicts."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ...datafiles import data_text


# What a phrase of the tables is. Places and organisations are actors; a demonym points to a place; the rest
# are words that are never actors themselves.
PLACE, ORG, PERSON = "place", "organization", "person"
DEMONYM, TITLE, STOP, NOT_ACTOR = "demonym", "title", "stop", "not_actor"


@dataclass(frozen=True)
class Entry:
    """What a phrase of the tables means: its category and, for actors and demonyms, the canonical name."""

    kind: str
    name: str = ""


def norm_word(word: str) -> str:
    """The lookup form of a word: acronyms keep their case ("US" is not "us"), other words are lowercased."""
    word = word.replace("’", "'")
    return word if len(word) > 1 and word.isupper() else word.lower()


@dataclass
class PhraseTable:
    """Phrases of one or more words, matched longest first at a position of a list of normalised words."""

    entries: dict[str, Entry] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first word -> most words of a phrase it starts

    def add(self, phrase: str, entry: Entry) -> None:
        words = [norm_word(w) for w in phrase.split()]
        self.entries[" ".join(words)] = entry
        self.longest[words[0]] = max(self.longest.get(words[0], 0), len(words))

    def match(self, norms: list[str], i: int) -> tuple[int, Entry] | None:
        most = self.longest.get(norms[i])
        if most is None:
            return None
        for size in range(min(most, len(norms) - i), 0, -1):
            entry = self.entries.get(" ".join(norms[i : i + size]))
            if entry is not None:
                return size, entry
        return None


@dataclass
class Gazetteer:
    phrases: PhraseTable
    first_names: frozenset[str]  # lowercase
    org_cues: frozenset[str]  # lowercase
    company_suffixes: frozenset[str]  # lowercase, no final dot: "inc", "ltd", "l.p"
    place_cues: frozenset[str]  # lowercase
    misc_cues: frozenset[str]  # lowercase: words that end names of things that are not actors ("Agreement")
    org_openers: frozenset[str]  # lowercase: first words of organisations' names ("Banco", "Credit", "Groupe")
    context_nouns: dict[str, str]  # lowercase noun -> kind it announces
    speech_verbs: frozenset[str]
    acronyms: dict[str, tuple[str, str]]  # acronym as written -> (expansion, kind)
    variants: dict[str, str]  # lowercase spelling -> the spelling that stands for its group
    abbreviations: frozenset[str]  # words written with a final dot that stay one token ("Mr", "Gen", "St")
    possessive_words: frozenset[str]  # words the tables write with "'s", as written, less it: "Moody", "Lloyd"


def _lines(name: str) -> list[str]:
    text = data_text(name)
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _rows(name: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("\t")] for line in _lines(name)]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _dot_variants(title: str) -> list[str]:
    """ "Lt. Gen." -> ["Lt. Gen.", "Lt Gen"]: news writes abbreviations with and without the dot."""
    return [title, title.replace(".", "")] if "." in title else [title]


def _add_named(table: PhraseTable, name: str, kind: str) -> None:
    for row in _rows(name):
        names = [row[0], *(_split(row[1]) if len(row) > 1 else [])]
        for phrase in names:
            table.add(phrase, Entry(kind, row[0]))
        for demonym in _split(row[2]) if len(row) > 2 else []:
            table.add(demonym, Entry(DEMONYM, row[0]))


def _phrase_table(acronyms: dict[str, tuple[str, str]]) -> PhraseTable:
    # Later tables win where two share a phrase: an actor name beats a stop word.
    table = PhraseTable()
    for word in _lines("actors_stop_words.txt"):
        table.add(word, Entry(STOP))
    for word in _lines("actors_not_actors.txt"):
        table.add(word, Entry(NOT_ACTOR))
    for title in _lines("actors_titles.txt"):
        for variant in _dot_variants(title):
            table.add(variant, Entry(TITLE))
    _add_named(table, "actors_places.tsv", PLACE)
    _add_named(table, "actors_countries.tsv", PLACE)
    _add_named(table, "actors_organizations.tsv", ORG)
    for acronym, (expansion, kind) in acronyms.items():
        table.add(acronym, Entry(kind, expansion))
    return table


def _variants() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines("actors_name_variants.txt"):
        group = [w.lower() for w in line.split()]
        out.update((w, group[0]) for w in group)
    return out


def _abbreviations() -> frozenset[str]:
    dotted = {w[:-1] for t in _lines("actors_titles.txt") for w in t.split() if w.endswith(".") and len(w) > 2}
    dotted |= {"St", "Ft", "Mt", "Jr", "Sr", "Inc", "Co", "Corp", "Ltd", "Bros"}
    # "Calif.", "Penn.": the places' own abbreviations keep their dot.
    for name in ("actors_places.tsv", "actors_countries.tsv"):
        for row in _rows(name):
            aliases = [row[0], *(_split(row[1]) if len(row) > 1 else [])]
            dotted |= {a[:-1] for a in aliases if a.endswith(".") and a[:-1].isalpha() and " " not in a}
    return frozenset(dotted)


def _possessive_words() -> frozenset[str]:
    words = set()
    for name in ("actors_organizations.tsv", "actors_places.tsv"):
        for row in _rows(name):
            for phrase in [row[0], *(_split(row[1]) if len(row) > 1 else [])]:
                words |= {w[:-2] for w in phrase.replace("’", "'").split() if w.endswith("'s") and len(w) > 3}
    return frozenset(words)


def _lower_set(name: str) -> frozenset[str]:
    return frozenset(w.lower().rstrip(".") for w in _lines(name))


@functools.cache
def gazetteer() -> Gazetteer:
    """All tables, loaded on first use (not when searchkit is imported) and kept for the process."""
    acronyms = {row[0]: (row[1], row[2]) for row in _rows("actors_acronyms.tsv")}
    return Gazetteer(
        phrases=_phrase_table(acronyms),
        first_names=frozenset(w.lower() for w in _lines("actors_first_names.txt")),
        org_cues=_lower_set("actors_org_cues.txt") | _lower_set("actors_company_suffixes.txt"),
        company_suffixes=_lower_set("actors_company_suffixes.txt"),
        place_cues=_lower_set("actors_place_cues.txt"),
        misc_cues=_lower_set("actors_misc_cues.txt"),
        org_openers=_lower_set("actors_org_openers.txt"),
        context_nouns={row[0]: row[1] for row in _rows("actors_context_nouns.tsv")},
        speech_verbs=frozenset(_lines("actors_speech_verbs.txt")),
        acronyms=acronyms,
        variants=_variants(),
        abbreviations=_abbreviations(),
        possessive_words=_possessive_words(),
    )
