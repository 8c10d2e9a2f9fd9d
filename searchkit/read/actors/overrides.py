"""A user's corrections to actor extraction: aliases to merge into one name, words that are never actors.

The file format is documented in searchkit/data/actor_overrides.example.txt.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike

from ...models import ACTOR_KINDS, ActorMention, ActorRef
from .gazetteer import Entry, PhraseTable

_KIND_PREFIX = re.compile(rf"^({'|'.join(ACTOR_KINDS)})\s*:\s*(.+)$")


@dataclass(frozen=True)
class AliasRule:
    """ "Merge these aliases into this name", for one kind of actor or (kind None) for any."""

    name: str
    aliases: tuple[str, ...]
    kind: str | None = None


@dataclass(frozen=True)
class Overrides:
    rules: tuple[AliasRule, ...] = ()
    ignored: frozenset[str] = frozenset()  # casefolded names that are never actors

    @classmethod
    def parse(cls, text: str) -> Overrides:
        rules, ignored = [], set()
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("!"):
                ignored.add(line[1:].strip().casefold())
            elif "=" in line:
                rules.append(_rule(line))
            else:
                raise ValueError(f"not an override line (want 'NAME = ALIAS | ALIAS' or '! WORD'): {raw!r}")
        return cls(tuple(rules), frozenset(ignored))

    @functools.cached_property
    def _targets(self) -> dict[str, AliasRule]:
        return {n.casefold(): rule for rule in self.rules for n in (rule.name, *rule.aliases)}

    @functools.cached_property
    def phrases(self) -> PhraseTable | None:
        """Names of the rules that give a kind, for find_actors to recognise even when nothing else would."""
        table = PhraseTable()
        for rule in self.rules:
            if rule.kind is not None:
                for phrase in (rule.name, *rule.aliases):
                    table.add(phrase, Entry(rule.kind, rule.name))
        return table if table.entries else None

    def is_ignored(self, name: str) -> bool:
        return name.casefold() in self.ignored

    def target(self, ref: ActorRef) -> ActorRef | None:
        """The ref a rule merges `ref` into, or None."""
        rule = self._targets.get(ref.name.casefold())
        if rule is None or rule.kind not in (None, ref.kind):
            return None
        return ActorRef(rule.name, rule.kind or ref.kind)

    def apply(self, mentions: Iterable[ActorMention]) -> list[ActorMention]:
        out = []
        for m in mentions:
            if self.is_ignored(m.name) or self.is_ignored(m.text):
                continue
            to = self.target(ActorRef(m.name, m.kind)) or self.target(ActorRef(m.text, m.kind))
            out.append(m if to is None else ActorMention(m.start, m.end, m.text, to.kind, to.name, m.derived))
        return out


def _rule(line: str) -> AliasRule:
    left, right = (part.strip() for part in line.split("=", 1))
    kind = None
    if (m := _KIND_PREFIX.match(left)) is not None:
        kind, left = m.group(1), m.group(2).strip()
    aliases = tuple(a.strip() for a in right.split("|") if a.strip())
    if not left or not aliases:
        raise ValueError(f"an alias line needs a name and at least one alias: {line!r}")
    return AliasRule(left, aliases, kind)


def load_overrides(path: str | PathLike[str]) -> Overrides:
    """Read a user's overrides file (UTF-8). Raises ValueError on a line it cannot read."""
    with open(path, encoding="utf-8") as f:
        return Overrides.parse(f.read())
