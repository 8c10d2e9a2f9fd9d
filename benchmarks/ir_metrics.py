"""Ranking metrics with binary relevance, per query and averaged; definitions as in benchmarks/README.md.

A ranking is a list of document ids, best first; `relevant` is the set of ids judged relevant to the query.
Repeated ids count once, at their first rank. Run `python benchmarks/ir_metrics.py` for the self-check.
"""
from __future__ import annotations

import math
import random
from typing import Callable, Mapping, Sequence

Ranking = Sequence[str]


def _dedupe(ranking: Ranking) -> list[str]:
    seen: set[str] = set()
    return [d for d in ranking if not (d in seen or seen.add(d))]


def ndcg(ranking: Ranking, relevant: set[str], k: int = 10) -> float:
    """Binary gains, log2(rank + 1) discount; the ideal ranks all min(|relevant|, k) relevant documents first."""
    dcg = sum(1 / math.log2(rank + 1) for rank, d in enumerate(_dedupe(ranking)[:k], 1) if d in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def average_precision(ranking: Ranking, relevant: set[str], k: int = 100) -> float:
    """Sum of precision@r over the ranks r <= k holding a relevant document, divided by min(|relevant|, k)."""
    hits, total = 0, 0.0
    for rank, d in enumerate(_dedupe(ranking)[:k], 1):
        if d in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def precision(ranking: Ranking, relevant: set[str], k: int = 10) -> float:
    """Relevant documents in the top k over k (a ranking shorter than k is padded with misses)."""
    return sum(d in relevant for d in _dedupe(ranking)[:k]) / k


def recall(ranking: Ranking, relevant: set[str], k: int = 100) -> float:
    return sum(d in relevant for d in _dedupe(ranking)[:k]) / len(relevant) if relevant else 0.0


METRICS: dict[str, Callable[[Ranking, set[str]], float]] = {
    "nDCG@10": lambda r, rel: ndcg(r, rel, 10),
    "MAP@100": lambda r, rel: average_precision(r, rel, 100),
    "P@10": lambda r, rel: precision(r, rel, 10),
    "Recall@100": lambda r, rel: recall(r, rel, 100),
}


def per_query(rankings: Mapping[str, Ranking], qrels: Mapping[str, set[str]]) -> dict[str, dict[str, float]]:
    """Metric -> query id -> score, over the judged queries (a judged query with no ranking scores 0)."""
    judged = [q for q in qrels if qrels[q]]
    return {name: {q: fn(rankings.get(q, ()), qrels[q]) for q in judged} for name, fn in METRICS.items()}


def mean(scores: Mapping[str, float]) -> float:
    return sum(scores.values()) / len(scores) if scores else 0.0


def evaluate(rankings: Mapping[str, Ranking], qrels: Mapping[str, set[str]]) -> dict[str, float]:
    """Metric -> mean over the judged queries."""
    return {name: mean(scores) for name, scores in per_query(rankings, qrels).items()}


def paired_p_value(a: Mapping[str, float], b: Mapping[str, float], rounds: int = 10_000, seed: int = 0) -> float:
    """Two-sided paired randomisation test of mean(a) == mean(b): how often random sign flips of the per-query
    differences give a mean difference at least as large as the one observed."""
    diffs = [a[q] - b[q] for q in a]
    observed = abs(sum(diffs))
    if not diffs or observed == 0:
        return 1.0
    rng = random.Random(seed)
    extreme = sum(
        abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12 for _ in range(rounds)
    )
    return (extreme + 1) / (rounds + 1)


def self_check() -> None:
    """Hand-computed cases; raises AssertionError if a metric is wrong."""
    close = lambda x, y: abs(x - y) < 1e-9  # noqa: E731
    rel = {"a", "b", "c"}
    perfect = ["a", "b", "c", "x", "y"]
    for fn in METRICS.values():
        assert fn(["x", "y"], rel) == 0.0
    assert close(ndcg(perfect, rel), 1.0) and close(average_precision(perfect, rel), 1.0)
    assert close(recall(perfect, rel), 1.0) and close(precision(perfect, rel), 0.3)
    # Relevant at ranks 2 and 4 of three relevant: AP = (1/2 + 2/4) / 3; DCG = 1/log2(3) + 1/log2(5).
    ranking = ["x", "a", "y", "b"]
    assert close(average_precision(ranking, rel), (0.5 + 0.5) / 3)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert close(ndcg(ranking, rel), (1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert close(recall(ranking, rel), 2 / 3) and close(precision(ranking, rel, 4), 0.5)
    # A repeated id counts once, at its first rank.
    assert close(precision(["a", "a", "a"], rel, 3), 1 / 3)
    # Cut-offs: a relevant document past k earns nothing; the AP denominator is capped at k.
    assert ndcg([f"x{i}" for i in range(10)] + ["a"], rel) == 0.0
    many = {str(i) for i in range(20)}
    assert close(average_precision([str(i) for i in range(5)], many, k=5), 1.0)
    assert close(ndcg([str(i) for i in range(10)], many), 1.0)
    assert evaluate({"q1": perfect}, {"q1": rel, "q2": {"z"}, "q3": set()})["MAP@100"] == 0.5
    assert paired_p_value({"1": 1.0, "2": 1.0}, {"1": 1.0, "2": 1.0}) == 1.0


if __name__ == "__main__":
    self_check()
    print("metrics: self-check passed")
