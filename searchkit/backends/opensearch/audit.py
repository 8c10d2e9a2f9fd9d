"""Reading the whole index for the writer and for `check`: the manifest (from the head passages, as the Whoosh
backend's `read_manifest`), article copies, exact actor counts, and the problems `check` reports."""
from __future__ import annotations

from typing import Iterator

from opensearchpy import OpenSearch, helpers

from ...models import ManifestEntry
from ..records import manifest_from_heads

SCAN_PAGE = 5_000
COMPOSITE_PAGE = 10_000


def _query(*clauses: dict | None) -> dict:
    kept = [c for c in clauses if c]
    return {"bool": {"filter": kept}} if kept else {"match_all": {}}


def _scan(client: OpenSearch, index: str, query: dict, fields: list[str]) -> Iterator[dict]:
    for hit in helpers.scan(client, index=index, query={"query": query, "_source": fields}, size=SCAN_PAGE,
                            request_timeout=120):
        yield hit["_source"]


def matching(client: OpenSearch, index: str, query: dict) -> Iterator[dict]:
    """The hits (`_id`, `_routing`, no source) of every document `query` matches."""
    yield from helpers.scan(client, index=index, query={"query": query, "_source": False}, size=SCAN_PAGE,
                            request_timeout=120)


def read_manifest(client: OpenSearch, index: str, visibility: dict | None) -> dict[str, ManifestEntry]:
    """Source file -> what the index shows of it, from the visible head passages."""
    fields = ["source_key", "source", "article_id", "article.digest", "article.line", "article.own_id"]
    heads = _scan(client, index, _query({"term": {"head": True}}, visibility), fields)
    return manifest_from_heads((h["source_key"], h.get("source", ""), h["article_id"], h.get("article") or {})
                               for h in heads)


def composite_counts(client: OpenSearch, index: str, field: str, query: dict) -> dict[str, int]:
    """Every value of a keyword field among the documents `query` matches, with its document count: exact (a
    composite aggregation pages through all values, unlike a terms aggregation's per-shard top lists)."""
    counts: dict[str, int] = {}
    after = None
    while True:
        composite: dict = {"size": COMPOSITE_PAGE, "sources": [{"value": {"terms": {"field": field}}}]}
        if after is not None:
            composite["after"] = after
        answer = client.search(index=index, body={"size": 0, "query": query, "aggs": {"all": {"composite": composite}}},
                               request_timeout=120)
        result = answer["aggregations"]["all"]
        for bucket in result["buckets"]:
            counts[bucket["key"]["value"]] = bucket["doc_count"]
        after = result.get("after_key")
        if not result["buckets"] or after is None:
            return counts


def versions(client: OpenSearch, index: str, selection: dict, visibility: dict | None) -> list[str]:
    """The article copies (`version` values) of the visible passages `selection` matches."""
    return sorted(composite_counts(client, index, "version", _query(selection, visibility)))


def actor_counts(client: OpenSearch, index: str, visibility: dict | None) -> dict[str, int]:
    """Each actor token with the number of visible passages that hold it."""
    return composite_counts(client, index, "actor", _query(visibility))


def health_problems(client: OpenSearch, index: str) -> list[str]:
    health = client.cluster.health(index=index)
    if health["status"] == "red":
        return [f"index {index} is red: {health['unassigned_shards']} shard copies unassigned, some with no copy "
                "left; searches miss their passages"]
    return []


def article_problems(client: OpenSearch, index: str, visibility: dict | None) -> list[str]:
    """Articles whose visible passages are missing, repeated, without a head, or shown in two copies."""
    expected: dict[str, int] = {}
    found: dict[str, list[int]] = {}
    copies: dict[str, set[str]] = {}
    fields = ["article_id", "position", "head", "article.passages", "version"]
    for doc in _scan(client, index, _query(visibility), fields):
        article_id = doc["article_id"]
        found.setdefault(article_id, []).append(int(doc.get("position", -1)))
        copies.setdefault(article_id, set()).add(doc.get("version", ""))
        if doc.get("head"):
            expected[article_id] = int((doc.get("article") or {}).get("passages", 0))
    problems = []
    for article_id, positions in sorted(found.items()):
        if len(copies[article_id]) > 1:
            problems.append(f"article {article_id}: {len(copies[article_id])} copies shown "
                            f"({', '.join(sorted(copies[article_id]))})")
        elif article_id not in expected:
            problems.append(f"article {article_id}: passages without an article record")
        elif sorted(positions) != list(range(expected[article_id])):
            problems.append(
                f"article {article_id}: expected passages 0..{expected[article_id] - 1}, found {sorted(positions)}")
    return problems
