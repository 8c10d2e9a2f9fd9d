"""Keys that make spellings of one name equal: "Nouri al-Maliki" and "Nuri Al-Maliki" -> ("nuri", "maliki")."""
from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from .gazetteer import gazetteer

_ARTICLE = re.compile(r"^(?:al|el|ul|as|ash|ad|ar|at|az|an)[-‐‑]", re.IGNORECASE)
_NON_LETTERS = re.compile(r"[^a-z]+")
_DOUBLES = re.compile(r"(.)\1")
# Words dropped from keys: the Arabic article and name suffixes.
_SKIPPED = frozenset({"al", "el", "the", "jr", "sr", "ii", "iii", "iv"})
_SMALL = frozenset("of the and in for on at to de du des la le al el".split())
_AL_PREFIX = re.compile(r"(?<![\w-])(A|E)l-(?=\w)")


def _ascii(word: str) -> str:
    if word.isascii():
        return word
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


@functools.lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """One word's key: no accents, article or punctuation; variant spellings and swapped vowels folded."""
    word = _ascii(word).lower()
    if not word.isalpha():
        word = _NON_LETTERS.sub("", _ARTICLE.sub("", word))
    if not word or word in _SKIPPED:
        return ""
    word = gazetteer().variants.get(word, word)
    if "isation" in word:  # British spelling: "Organisation", "Privatisation"
        word = word.replace("isation", "ization")
    word = word.replace("ph", "f").replace("ck", "k").replace("q", "k")
    # Vowels that transliterations swap: o/u (Nouri, Nuri; Qods, Quds), e/i/y (Zebari, Zibari).
    word = word.replace("o", "u").replace("e", "i").replace("y", "i")
    return "".join(k for k, _ in itertools.groupby(word)) if _DOUBLES.search(word) else word


def name_keys(name: str) -> tuple[str, ...]:
    """The keys of a name's words, without articles ("al", "the") and suffixes ("Jr.")."""
    return tuple(key for key in map(word_key, name.split()) if key)


def is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    words = iter(long)
    return all(key in words for key in short)


def same_person(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether a shorter form may name the same person as a longer one: same surname, words in order."""
    return bool(short) and short[-1] == long[-1] and is_subsequence(short, long)


def is_acronym(name: str) -> bool:
    letters = name.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper() and " " not in name


def acronym_key(name: str) -> str:
    return name.replace(".", "").upper()


def initials(name: str) -> str:
    """ "Islamic State in Iraq and Syria" -> "ISIS"; "Agence France-Presse" -> "AFP"."""
    if " " not in name and "-" not in name:
        return ""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _SMALL]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def tidy_person_name(words: list[str], shouting: bool = False) -> str:
    """A person's name as written, minus possessives and line breaks, with the article lowercased: "al-Maliki"."""
    name = " ".join(w.title() if shouting and w.isupper() else w for w in words)
    return _AL_PREFIX.sub(lambda m: m.group(1).lower() + "l-", name)


def has_word(text: str, word: str) -> bool:
    """Whether `word` stands in `text` as a whole word (a find per occurrence: no pattern to compile per word)."""
    pos = text.find(word)
    while pos >= 0:
        end = pos + len(word)
        if (pos == 0 or not _word_char(text[pos - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        pos = text.find(word, pos + 1)
    return False


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "-_"
