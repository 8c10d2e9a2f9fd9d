"""Ids in natural order: numbers by value, the rest as text (reuters-2 before reuters-10)."""
from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> list:
    """Numbers in order of value, the rest in text order: reuters-2 before reuters-10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(text) if part]
