"""Why a passage ranked where it did, reduced from Lucene's explanation: each matched term or phrase with its score.

Reduced: Lucene explains the whole score tree (idf, tf, norms, the bool sums); searchkit's Explanation keeps its
leaves, the `weight(field:term ...)` clauses, whose scores add up to the passage's score as the Whoosh backend's
clauses do. A phrase's term is its stems joined by spaces, as on Whoosh.
"""
from __future__ import annotations

import re

from ...models import Explanation, TermScore
from .mapping import BM25_B, BM25_K1

_WEIGHT = re.compile(r'^weight\((?P<field>[\w.]+):(?P<term>"[^"]*"|\S+) in \d+\)')


def explain(answer: dict | None) -> Explanation:
    terms = [TermScore(field=field, term=term, boost=round(boost, 4), score=round(score, 4))
             for field, term, boost, score in _weights(answer or {})]
    terms.sort(key=lambda t: -t.score)
    return Explanation(model=f"BM25(k1={BM25_K1}, b={BM25_B}), Lucene on OpenSearch", terms=terms)


def _weights(node: dict):
    found = _WEIGHT.match(node.get("description", ""))
    if found:
        yield found["field"], found["term"].strip('"'), _boost(node), float(node["value"])
        return
    for child in node.get("details", []):
        yield from _weights(child)


def _boost(node: dict) -> float:
    """The clause's boost: OpenSearch's BM25 (Lucene's LegacyBM25Similarity) explains boost × (k1 + 1) as "boost"."""
    for child in node.get("details", []):
        if child.get("description") == "boost":
            return float(child["value"]) / (1 + BM25_K1)
        inner = _boost(child)
        if inner != 1.0:
            return inner
    return 1.0
