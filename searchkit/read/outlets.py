"""The outlet table: canonical outlet names by alias ("N.Y. Times", "FT") and by web domain.

Bundled as searchkit/data/outlets.tsv; a user extends it with files of the same format (`OutletTable.load`, or the
SEARCHKIT_OUTLETS environment variable).
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..datafiles import data_text
from ..errors import SearchkitError

__all__ = ["OutletTable"]



@dataclass
class OutletTable:
    """Canonical outlet names by alias and by web domain; alias lookups ignore case, punctuation and "The"."""

    names: dict[str, str] = field(default_factory=dict)  # alias key (see _outlet_key) -> canonical name
    domains: dict[str, str] = field(default_factory=dict)  # "nytimes.com" -> canonical name
    self_refs: dict[str, str] = field(default_factory=dict)  # "FT" -> "Financial Times", as written

    @classmethod
    def load(cls, extra_paths: Iterable[str | Path] = ()) -> OutletTable:
        """The bundled table, plus the file named by SEARCHKIT_OUTLETS, plus `extra_paths` (later files win).

        Without `extra_paths` the table is read once and shared: extend it with files, not with `add`.
        """
        extra = tuple(Path(path) for path in extra_paths)
        env = os.environ.get("SEARCHKIT_OUTLETS", "")
        if not extra:
            return _default_outlets(env)
        table = cls()
        table.add_tsv(data_text("outlets.tsv"), "outlets.tsv")
        for path in ([Path(env)] if env else []) + list(extra):
            table.add_tsv(_read_user_file(path), str(path))
        return table

    def add(
        self, name: str, aliases: Iterable[str] = (), domains: Iterable[str] = (), self_refs: Iterable[str] = ()
    ) -> None:
        """Add an outlet, or more aliases and domains to a known one."""
        for alias in [name, *aliases, *self_refs]:
            self.names[_outlet_key(alias)] = name
        for domain in domains:
            self.domains[domain.lower().removeprefix("www.")] = name
        for alias in self_refs:
            self.self_refs[alias] = name

    def add_tsv(self, text: str, source: str) -> None:
        """Add the outlets of a table in the outlets.tsv format (see the header of searchkit/data/outlets.tsv)."""
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            columns = [[item.strip() for item in column.split(";") if item.strip()] for column in line.split("\t")]
            if len(columns) > 4 or len(columns[0]) != 1:
                raise SearchkitError(f"{source}:{number}: expected name<TAB>aliases<TAB>domains<TAB>self_refs")
            self.add(columns[0][0], *columns[1:])

    def lookup(self, name: str) -> str | None:
        """The canonical name of an outlet named by an alias or a domain, or None."""
        name = name.strip()
        if re.fullmatch(r"(?:[\w-]+\.)+[A-Za-z]{2,}", name) and (outlet := self.lookup_domain(name)):
            return outlet
        return self.names.get(_outlet_key(name))

    def lookup_domain(self, url: str) -> str | None:
        """The outlet a URL or host belongs to; subdomains match their domain."""
        try:
            host = (urlsplit(url if "//" in url else "//" + url).hostname or "").removeprefix("www.")
        except ValueError:  # not a URL at all ("[]", "http://[broken")
            return None
        labels = host.split(".")
        for start in range(len(labels) - 1):
            if outlet := self.domains.get(".".join(labels[start:])):
                return outlet
        return None


def _outlet_key(name: str) -> str:
    """Lookup key of an outlet name: "N.Y. Times", "NY Times" -> "ny times"; "The Guardian" -> "guardian"."""
    key = unicodedata.normalize("NFKD", name).casefold().replace("&", " and ")
    key = re.sub(r"[^\w\s]", "", re.sub(r"[-/]", " ", key))
    return " ".join(key.split()).removeprefix("the ")


@functools.lru_cache(maxsize=4)
def _default_outlets(env_path: str) -> OutletTable:
    table = OutletTable()
    table.add_tsv(data_text("outlets.tsv"), "outlets.tsv")
    if env_path:
        table.add_tsv(_read_user_file(Path(env_path)), env_path)
    return table



def _read_user_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise SearchkitError(f"{path}: cannot read the outlet table ({error.strerror or error})") from error
