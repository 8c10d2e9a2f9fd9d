"""The corpus's actors: which indexed actor names are one actor, recomputed from the index itself.

The index stores each passage's actors as named within its article. Which of those names are one actor across the
corpus is a pure function of the set of distinct names (`actors.merge_aliases`), so it is derived from the actor
field's vocabulary whenever a searcher opens, and can never disagree with the index.
"""
from __future__ import annotations

from collections import defaultdict

from ..actors import find_actors, merge_aliases
from ..actors.names import name_keys
from ..index import actor_token, parse_actor_token
from ..models import ACTOR_KINDS, ActorRef


class ActorRegistry:
    def __init__(self, tokens: list[str], overrides=None):
        refs = [parse_actor_token(t) for t in tokens]
        self._merge = merge_aliases(refs, overrides=overrides)
        self._overrides = overrides
        self.canonical_of: dict[str, ActorRef] = {actor_token(r): self._merge.get(r, r) for r in refs}
        self.members: dict[ActorRef, list[str]] = defaultdict(list)
        for token, canonical in self.canonical_of.items():
            self.members[canonical].append(token)
        self._by_key: dict[str, set[ActorRef]] = defaultdict(set)
        for token, canonical in self.canonical_of.items():
            self._by_key[_key(parse_actor_token(token).name)].add(canonical)

    @classmethod
    def from_reader(cls, reader, overrides=None) -> "ActorRegistry":
        tokens = []
        if "actor" in reader.schema and reader.doc_count_all():
            tokens = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("actor")]
        return cls(tokens, overrides)

    def canonical(self, token: str) -> ActorRef:
        return self.canonical_of.get(token) or parse_actor_token(token)

    def aliases(self, actor: ActorRef) -> list[str]:
        """Every name the index holds for an actor, canonical first."""
        names = sorted({parse_actor_token(t).name for t in self.members.get(actor, [])} - {actor.name})
        return [actor.name] + names

    def resolve(self, name: str) -> list[str]:
        """The indexed tokens of every actor `name` may denote: any alias, any case, with or without titles."""
        name = name.strip()
        kind, sep, rest = name.partition(":")
        kinds = [kind] if sep and kind in ACTOR_KINDS else list(ACTOR_KINDS)
        name = rest if sep and kind in ACTOR_KINDS else name
        found = self._known(name, kinds)
        if not found:
            # Read the name as the extractor would ("Mr. Maliki" -> "Maliki"), then apply the alias rules to it.
            for mention in find_actors(name):
                found |= self._known(mention.name, [mention.kind]) or self._merged_with(mention.name, [mention.kind])
        if not found:
            found = self._merged_with(name, kinds)
        return sorted(t for c in found for t in self.members.get(c, ()))

    def names_actor(self, words: str, kinds: tuple[str, ...] = ("person", "organization")) -> bool:
        """Whether `words` is, exactly (any case or spelling variant), a name the index holds for such an actor."""
        return bool(self._known(words, list(kinds)))

    def _known(self, name: str, kinds: list[str]) -> set[ActorRef]:
        return {c for c in self._by_key.get(_key(name), ()) if c.kind in kinds}

    def _merged_with(self, name: str, kinds: list[str]) -> set[ActorRef]:
        """Actors the alias rules would merge `name` into, had the corpus named it so ("Mr. Maliki" -> Maliki)."""
        probes = [ActorRef(name, kind) for kind in kinds]
        known = [parse_actor_token(t) for t in self.canonical_of]
        merged = merge_aliases(known + probes, overrides=self._overrides)
        found = set()
        for probe in probes:
            target = merged.get(probe, probe)
            if target != probe and actor_token(target) in self.canonical_of:
                found.add(self.canonical_of[actor_token(target)])
        return found


def _key(name: str) -> str:
    """Spellings of one name share a key ("Nouri al-Maliki", "nuri Al-Maliki")."""
    return " ".join(name_keys(name)) or name.casefold()
