"""How passages are scored: the BM25F parameters and field weights, in one place.

Measured with benchmarks/relevance.py (CISI and MED, searchkit beside plain Whoosh BM25F in the same run); each
value is kept because it measured better there, see benchmarks/README.md.
"""
from __future__ import annotations

from whoosh import scoring

# Whoosh's defaults are B=0.75, K1=1.2. Stronger length normalisation and term-frequency saturation later
# measured better on both collections.
BM25_B = 0.9
BM25_K1 = 1.5
# The title is a BM25F field of its own, so a title word already adds to the same word in the text; an extra
# multiplier measured worse (title 2.0: CISI nDCG@10 -0.010, MAP@100 -0.008).
FIELD_BOOSTS = {"title": 1.0, "text": 1.0}


def weighting() -> scoring.WeightingModel:
    return scoring.BM25F(B=BM25_B, K1=BM25_K1)
