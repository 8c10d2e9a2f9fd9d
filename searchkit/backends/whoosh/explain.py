"""Why a passage ranked where it did: each matched clause of the query, scored alone against the passage."""
from __future__ import annotations

from whoosh import query as wq

from ...models import Explanation, TermScore
from . import ranking


def explain(searcher, parsed: wq.Query, docnum: int) -> Explanation:
    """The clauses of `parsed` that match document `docnum`, with the score each adds (BM25F sums them)."""
    terms = [
        TermScore(field=leaf.field() or "", term=_label(leaf), boost=round(leaf.boost, 4), score=round(score, 4))
        for leaf, score in _matched_leaves(searcher, parsed, docnum)
    ]
    terms.sort(key=lambda t: -t.score)
    return Explanation(model=f"BM25F(B={ranking.BM25_B}, K1={ranking.BM25_K1})", terms=terms)


def _matched_leaves(searcher, node: wq.Query, docnum: int) -> list[tuple[wq.Query, float]]:
    """Single-field clauses (terms, phrases) that score the document, found only under groups that match it:
    in `(iran AND talks) OR x`, "iran" alone adds nothing when "talks" is missing."""
    if isinstance(node, wq.Not):
        # Whoosh scores a passage that lacks the excluded words with a constant: shown as a clause of its own.
        score = _score(searcher, node, docnum)
        return [(node, score)] if score else []
    if node.is_leaf() or isinstance(node, (wq.Phrase, wq.Ordered)):
        score = _score(searcher, node, docnum)
        return [(node, score)] if score and node.field() else []
    if _score(searcher, node, docnum) is None:
        return []
    return [found for child in node.children() for found in _matched_leaves(searcher, child, docnum)]


def _score(searcher, node: wq.Query, docnum: int) -> float | None:
    """The score `node` gives the document, or None when it does not match it."""
    matcher = node.matcher(searcher, searcher.context())
    if not matcher.is_active():
        return None
    matcher.skip_to(docnum)
    if matcher.is_active() and matcher.id() == docnum:
        return float(matcher.score())
    return None


def _label(leaf: wq.Query) -> str:
    if isinstance(leaf, wq.Not):
        return f"NOT {leaf.query}"
    if isinstance(leaf, wq.Phrase):
        return " ".join(str(w) for w in leaf.words)
    text = getattr(leaf, "text", None)
    return str(text) if text is not None else str(leaf)
