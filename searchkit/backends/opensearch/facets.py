"""Facet counts over every matching passage, exact: terms aggregations whose counts are checked, not trusted.

A terms aggregation counts on each shard and keeps only each shard's `shard_size` most frequent values, so a value
can be undercounted. OpenSearch reports how far off a count can be (`doc_count_error_upper_bound`): 0 means every
shard returned every value it has, and the counts are exact. Asked with a shard_size of SHARD_SIZE values, that holds
whenever no shard holds more distinct values among the matches; otherwise the facet is counted again, value by
value, with a composite aggregation paged to the end (exact at any size, at a round trip per COMPOSITE_PAGE values).

Actors are counted by canonical actor (searchkit.search.aliases): a Painless script maps each passage's actor tokens
to their canonical actors and returns each once, so a passage naming "Maliki" and "Nouri al-Maliki" counts once.
It costs: on 40 of Reuters x1's benchmark queries (about 10,000 matches each, a loaded machine) the cluster took a
median 90 ms with the script's counts against 51 ms for the raw tokens' (a typed script: 93 ms). With SHARD_SIZE
5,000, 60 such searches made 8 composite recount requests (a shard held more actors among its matches); with
20,000, none.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...models import FacetValue
from ...search.request import actor_value

SHARD_SIZE = 20_000  # values a shard lists: Reuters x1 holds 25,229 actor tokens in all
COMPOSITE_PAGE = 5000
ALL_VALUES = 65_536  # the most values a terms aggregation returns when every value is asked for
# Each passage's canonical actors, each once (tokens whose canonical actor is themselves are not in the map).
CANONICAL_ACTORS = """
Set seen = new HashSet();
for (def token : doc['actor']) { def canonical = params.canonical.get(token); seen.add(canonical == null ? token : canonical); }
return new ArrayList(seen);
""".strip()


@dataclass(frozen=True)
class FacetRequest:
    """One facet: `name` as asked ("actor:person"), counted over `field`, values kept when they match `kind`."""

    name: str
    field: str
    kind: str

    @classmethod
    def of(cls, name: str) -> "FacetRequest":
        field, _, kind = name.partition(":")
        return cls(name, field, kind)

    def keep(self, value: str) -> bool:
        return not self.kind or value.startswith(self.kind + ":")


def canonical_map(canonical_of: dict) -> dict[str, str]:
    """token -> canonical "kind:Name", for the tokens an actor facet must count as another actor."""
    found = {}
    for token, ref in canonical_of.items():
        value = actor_value(ref)
        if value != token:
            found[token] = value
    return found


def source(facet: FacetRequest, canonical: dict[str, str]) -> dict:
    """Where a facet's values come from: the keyword field, or for actors the canonical actors script."""
    if facet.field == "actor":
        return {"script": {"source": CANONICAL_ACTORS, "lang": "painless", "params": {"canonical": canonical}}}
    return {"field": facet.field}


def terms_aggregation(facet: FacetRequest, limit: int | None, canonical: dict[str, str]) -> dict:
    size = ALL_VALUES if limit is None else limit
    body = {**source(facet, canonical), "size": size, "shard_size": max(SHARD_SIZE, size),
            "order": [{"_count": "desc"}, {"_key": "asc"}]}
    if facet.kind:
        body["include"] = f"{facet.kind}:.*"
    return {"terms": body}


def counted(facet: FacetRequest, answer: dict, limit: int | None) -> list[FacetValue] | None:
    """The facet's values from a terms aggregation's answer; None when they may not be exact."""
    if answer.get("doc_count_error_upper_bound", 0) or (limit is None and answer.get("sum_other_doc_count", 0)):
        return None
    return [FacetValue(value=b["key"], count=b["doc_count"]) for b in answer["buckets"] if facet.keep(b["key"])]


def count_all(facet: FacetRequest, limit: int | None, canonical: dict[str, str],
              search: Callable[[dict], dict]) -> list[FacetValue]:
    """Every value counted with a composite aggregation, page by page (`search` runs an aggregation body over the
    matching passages and returns its answer), the `limit` most frequent first, ties by value."""
    counts: dict[str, int] = {}
    after = None
    while True:
        composite = {"size": COMPOSITE_PAGE, "sources": [{"value": {"terms": source(facet, canonical)}}]}
        if after is not None:
            composite["after"] = after
        answer = search({"composite": composite})
        for bucket in answer["buckets"]:
            counts[bucket["key"]["value"]] = bucket["doc_count"]
        after = answer.get("after_key")
        if not answer["buckets"] or after is None:
            break
    ranked = sorted(((v, n) for v, n in counts.items() if facet.keep(v)), key=lambda vn: (-vn[1], vn[0]))
    return [FacetValue(value=v, count=n) for v, n in ranked[:limit]]
