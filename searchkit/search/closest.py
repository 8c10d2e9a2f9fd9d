"""What to say when a filter value names nothing in the index: the closest name the index holds, if any is close."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from rapidfuzz import fuzz, process, utils

if TYPE_CHECKING:
    from .filters import Filters

# Normalised edit similarity (0-100) below which a known name is no suggestion: "Finacial Times" -> "Financial
# Times" is 97, "Obma" -> "Obama" 89, "Obma" -> "Barack Obama" 50, "Reuters" -> "Xinhua" 15.
MIN_SIMILARITY = 70


def closest_name(value: str, known: Iterable[str]) -> str | None:
    """The known name most like `value` (case and punctuation aside), or None when none is close."""
    found = process.extractOne(value, list(known), scorer=fuzz.ratio, processor=utils.default_process,
                               score_cutoff=MIN_SIMILARITY)
    return found[0] if found else None


def unknown_name_notice(field: str, value: str, known: Iterable[str]) -> str:
    """"no outlet 'Finacial Times' in the index; did you mean 'Financial Times'?" """
    notice = f"no {field} {value!r} in the index"
    better = closest_name(value, known)
    return f"{notice}; did you mean {better!r}?" if better else notice


def filter_notices(filters: "Filters", resolve: Callable[[str, str], list[str]],
                   known: Callable[[str], Iterable[str]]) -> list[str]:
    """A line for each outlet or actor filter value that names nothing in the index (`resolve` finds no indexed
    value for it), with the closest of the `known` names of its field."""
    notices = []
    for fieldname, names in (("outlet", filters.outlets), ("actor", filters.actors)):
        for name in names:
            if not resolve(fieldname, name):
                notices.append(unknown_name_notice(fieldname, name, known(fieldname)))
    return notices

