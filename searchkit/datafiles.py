"""The data tables shipped in searchkit/data/, read once where they are used."""
from __future__ import annotations

from importlib import resources


def data_text(name: str) -> str:
    """The text of searchkit/data/NAME."""
    return (resources.files("searchkit") / "data" / name).read_text(encoding="utf-8")


def data_lines(name: str) -> list[str]:
    """The non-blank lines of searchkit/data/NAME that are not # comments, stripped."""
    return [line.strip() for line in data_text(name).splitlines() if line.strip() and not line.lstrip().startswith("#")]
