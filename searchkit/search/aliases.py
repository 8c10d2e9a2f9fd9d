"""The corpus's actors: which indexed actor names are one actor, recomputed from the index itself.

The index stores each passage's actors as named within its article. Which of those names are one actor across the
corpus is a pure function of the distinct names and how many passages hold each (`actors.merge_aliases`), so it is
derived from the actor field's terms and their counts whenever a searcher opens, and can never disagree with the
index. The merge is cached in `actors.json`, named by the index's segments, synced when written and computed again
when missing, damaged or made for other segments or rules.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..durable import save_cache
from ..read.actors import find_actors, merge_aliases
from ..read.actors.names import name_keys
from ..fieldvalues import actor_token, parse_actor_token
from ..models import ACTOR_KINDS, ActorRef


REGISTRY_FILE = "actors.json"
# Changes when the merge rules do, so that a registry cached by an older searchkit is computed again.
RULES_VERSION = "2"


class ActorRegistry:
    def __init__(self, tokens: Iterable[str] | Mapping[str, int], overrides=None,
                 canonical: dict[str, str] | None = None, keys: dict[str, str] | None = None):
        """`tokens`: the indexed actor tokens, or each with the number of passages that hold it (a bare surname
        joins the person who dominates the corpus by passages). `canonical` (token -> canonical token) and `keys`
        (token -> spelling key), when given, were computed before for these tokens."""
        self._overrides = overrides
        passages = dict(tokens) if isinstance(tokens, Mapping) else dict.fromkeys(tokens, 1)
        self._refs = {parse_actor_token(t): n for t, n in passages.items()}
        if canonical is None:
            merge = merge_aliases(self._refs, overrides=overrides)
            self.canonical_of: dict[str, ActorRef] = {actor_token(r): merge.get(r, r) for r in self._refs}
        else:
            self.canonical_of = {t: parse_actor_token(canonical.get(t, t)) for t in passages}
        self.keys = keys if keys is not None else {t: _key(parse_actor_token(t).name) for t in passages}
        self.members: dict[ActorRef, list[str]] = defaultdict(list)
        self._by_key: dict[str, set[ActorRef]] = defaultdict(set)
        for token, canonical in self.canonical_of.items():
            self.members[canonical].append(token)
            self._by_key[self.keys.get(token) or _key(parse_actor_token(token).name)].add(canonical)

    @classmethod
    def load(cls, tokens: Mapping[str, int], folder: Path, key: str, overrides=None) -> "ActorRegistry":
        """The registry of these tokens (with their passage counts), from the cache beside the index when it was
        made for the same segments (`key`) by the same rules and no user overrides apply; otherwise computed, and
        cached for the next searcher."""
        path = folder / REGISTRY_FILE
        key = f"{RULES_VERSION}:{key}"
        if overrides is None:
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
                if saved.get("key") == key:
                    return cls(tokens, canonical=saved["canonical"], keys=saved["keys"])
            except (OSError, ValueError, KeyError):
                pass
        registry = cls(tokens, overrides)
        if overrides is None:
            changed = {t: actor_token(c) for t, c in registry.canonical_of.items() if actor_token(c) != t}
            text = json.dumps({"key": key, "canonical": changed, "keys": registry.keys}, ensure_ascii=False)
            save_cache(path, lambda file: file.write(text.encode("utf-8")))  # skipped on a read-only index
        return registry

    def canonical(self, token: str) -> ActorRef:
        return self.canonical_of.get(token) or parse_actor_token(token)

    def canonical_names(self) -> list[str]:
        """The name of every actor, in order: what a name that matches nothing is compared with."""
        return sorted({parse_actor_token(t).name for t in self.canonical_of})

    def canonical_refs(self, tokens: Iterable[str]) -> list[ActorRef]:
        """Each token's canonical actor, each once, in the tokens' order."""
        refs: list[ActorRef] = []
        for token in tokens:
            ref = self.canonical(token)
            if ref not in refs:
                refs.append(ref)
        return refs

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
        probes = {ActorRef(name, kind): 0 for kind in kinds if ActorRef(name, kind) not in self._refs}
        merged = merge_aliases({**self._refs, **probes}, overrides=self._overrides)
        found = set()
        for probe in probes:
            target = merged.get(probe, probe)
            if target != probe and actor_token(target) in self.canonical_of:
                found.add(self.canonical_of[actor_token(target)])
        return found


def _key(name: str) -> str:
    """Spellings of one name share a key ("Nouri al-Maliki", "nuri Al-Maliki")."""
    return " ".join(name_keys(name)) or name.casefold()
