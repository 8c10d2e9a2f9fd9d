"""Articles ranked by the whole article, not only by their best passage (results grouped with `per_article`).

A news article split into passages spreads its evidence over them: ranked by its best passage alone, an article
whose every paragraph is about the query loses to one with a single paragraph that happens to repeat a query word.
Grouped results therefore rank the articles that the best-passage ranking puts first (`RERANK_DEPTH` of them) by

    best passage score / the query's best  +  ARTICLE_WEIGHT * article BM25 / the query's best article BM25

where the article BM25 scores the whole article (the term frequencies of all its passages summed, its length their
lengths summed, idf over articles) for the query's words and for `FEEDBACK_TERMS` words of the `FEEDBACK_ARTICLES`
first articles (pseudo-relevance feedback, RM3-style: the query words weigh 1 - FEEDBACK_SHARE of it). The articles
after the first `RERANK_DEPTH` keep their best-passage order; within an article, passages keep their own order.

Every constant was chosen by benchmarks/relevance.py on the TIME dev set (multi-paragraph news) and held on CISI and
MED (abstracts), see benchmarks/README.md: summing the passages' own scores was worse on all three (long articles
win on words such as "the number of" matched everywhere), the article BM25 alone better than the best passage alone
on TIME and CISI, their sum better than either, and feedback from the first five articles better again on all three.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from .analysis import stemmed_analyzer
from .ranking import BM25_B, BM25_K1

RERANK_DEPTH = 100  # articles re-ranked; past them, best-passage order (so every page agrees on the order)
ARTICLE_WEIGHT = 4.0
FEEDBACK_ARTICLES = 5
FEEDBACK_TERMS = 10
FEEDBACK_SHARE = 0.3
FIELD = "text"
# Feedback words are the index's own terms (the stemmed analyzer), weighed by their idf over passages. A passage
# count costs a term lookup in every segment, about 80 of them per word on Reuters x1 (20 ms a grouped query), so
# the counts are kept for the reader's life, up to this many words. Words as written with the vocabulary's article
# counts (what spelling suggestions use) cost less but measured worse on all three collections (TIME dev nDCG@10
# -0.011, CISI -0.008, MED -0.009).
CACHED_WORDS = 100_000


@dataclass
class ArticleSet:
    """The candidate articles: their numbers (article-id column values), best passage score, and passages."""

    articles: np.ndarray  # article numbers, in best-passage order
    best: np.ndarray  # each article's best passage score
    passage_docs: np.ndarray  # every live passage of these articles, sorted
    passage_article: np.ndarray  # the index into `articles` of each of passage_docs


def query_terms(query: wq.Query) -> dict[str, float]:
    """The query's words in the text field, each with its weight (the boosts on its way down, summed over
    repeats); excluded words and phrases are left out."""
    weights: Counter = Counter()

    def visit(node: wq.Query, boost: float) -> None:
        if isinstance(node, wq.Not):
            return
        boost *= getattr(node, "boost", 1.0)
        if isinstance(node, wq.Term):
            if node.fieldname == FIELD:
                text = node.text.decode("utf-8") if isinstance(node.text, bytes) else node.text
                weights[text] += boost
            return
        if isinstance(node, wq.AndNot):
            visit(node.a, boost)
            return
        if isinstance(node, wq.Phrase):
            return
        for child in node.children():
            visit(child, boost)

    visit(query, 1.0)
    return dict(weights)


class ArticleScorer:
    """BM25 of whole articles made of their passages' postings, for one searcher."""

    def __init__(self, searcher, docsets, article_column):
        self.reader = searcher.reader()
        self._passages_with: dict[str, int] = {}
        self.searcher = searcher
        self.docsets = docsets
        self.column = article_column
        self._leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers() if leaf.doc_count_all()]
        live = docsets.docs(wq.Every())
        self.article_count = max(article_column.distinct(live), 1)
        self.average_length = max(self.reader.field_length(FIELD) / self.article_count, 1.0)

    def candidates(self, articles: np.ndarray, best: np.ndarray) -> ArticleSet:
        pairs = np.isin(self.column.pair_values, articles)
        docs = self.docsets.docs(wq.Every(), within=np.sort(self.column.pair_docs[pairs]))
        position = {int(a): i for i, a in enumerate(articles.tolist())}
        owner = np.array([position[int(a)] for a in self.column.value_of(docs).tolist()], dtype=np.int64)
        return ArticleSet(articles, best, docs, owner)

    def order(self, query: wq.Query, found: ArticleSet) -> np.ndarray:
        """The candidates' positions, best first, by best passage, article BM25 and feedback."""
        weights = query_terms(query)
        if not weights or len(found.articles) < 2:
            return np.arange(len(found.articles))
        lengths = self._article_lengths(found)
        tf = {term: self._article_tf(term, found) for term in weights}
        first = self._combined(found, self._bm25(weights, tf, lengths))
        expanded = self._feedback(weights, found, np.argsort(-first, kind="stable")[:FEEDBACK_ARTICLES])
        for term in expanded:
            if term not in tf:
                tf[term] = self._article_tf(term, found)
        final = self._combined(found, self._bm25(expanded, tf, lengths))
        return np.argsort(-final, kind="stable")

    def _combined(self, found: ArticleSet, article_scores: np.ndarray) -> np.ndarray:
        best = found.best / (found.best.max() or 1.0)
        top = article_scores.max()
        return best + ARTICLE_WEIGHT * (article_scores / top if top > 0 else article_scores)

    def _bm25(self, weights: dict[str, float], tf: dict[str, np.ndarray], lengths: np.ndarray) -> np.ndarray:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / self.average_length)
        scores = np.zeros(len(lengths))
        for term, weight in weights.items():
            freq = tf[term]
            scores += weight * self._idf(term) * freq * (BM25_K1 + 1) / (freq + norm)
        return scores

    def _idf(self, term: str) -> float:
        docs = self.docsets.docs(wq.Term(FIELD, term))
        n = self.column.distinct(docs) if len(docs) else 0
        return math.log(1 + (self.article_count - n + 0.5) / (n + 0.5))

    def _article_lengths(self, found: ArticleSet) -> np.ndarray:
        lengths = [self.reader.doc_field_length(int(d), FIELD, 0) for d in found.passage_docs.tolist()]
        return np.bincount(found.passage_article, weights=lengths, minlength=len(found.articles))

    def _article_tf(self, term: str, found: ArticleSet) -> np.ndarray:
        """The term's frequency in each candidate article: its passages' frequencies, read by skipping through the
        term's postings to the candidates' passages only."""
        freq = np.zeros(len(found.passage_docs))
        docs = found.passage_docs
        for leaf, offset in self._leaves:
            low, high = np.searchsorted(docs, [offset, offset + leaf.doc_count_all()])
            if low == high or (FIELD, term) not in leaf:
                continue
            matcher = leaf.postings(FIELD, term)
            for i in range(low, high):
                local = int(docs[i]) - offset
                if matcher.id() < local:
                    matcher.skip_to(local)
                if not matcher.is_active():
                    break
                if matcher.id() == local:
                    freq[i] = matcher.weight()
        return np.bincount(found.passage_article, weights=freq, minlength=len(found.articles))

    def _feedback(self, weights: dict[str, float], found: ArticleSet, first: np.ndarray) -> dict[str, float]:
        """The query's words (share 1 - FEEDBACK_SHARE) and the feedback words of the first articles (the rest),
        each part normalised to its share. A word's evidence: its share of each first article's words times its
        idf over passages, summed over the articles."""
        analyzer = stemmed_analyzer()
        passages = self.reader.doc_count_all()
        evidence: Counter = Counter()
        for position in first.tolist():
            words: Counter = Counter()
            for doc in found.passage_docs[found.passage_article == position].tolist():
                words.update(token.text for token in analyzer(self.searcher.stored_fields(doc).get(FIELD, "")))
            total = sum(words.values()) or 1
            for word, count in words.items():
                with_word = self._passage_count(word)
                evidence[word] += count / total * math.log(1 + (passages - with_word + 0.5) / (with_word + 0.5))
        chosen = dict(evidence.most_common(FEEDBACK_TERMS))
        said, fed = sum(weights.values()), sum(chosen.values())
        if not fed:
            return weights
        mixed: Counter = Counter({w: (1 - FEEDBACK_SHARE) * v / said for w, v in weights.items()})
        for word, value in chosen.items():
            mixed[word] += FEEDBACK_SHARE * value / fed
        return dict(mixed)

    def _passage_count(self, word: str) -> int:
        count = self._passages_with.get(word)
        if count is None:
            if len(self._passages_with) >= CACHED_WORDS:
                self._passages_with.clear()
            count = self._passages_with[word] = self.reader.doc_frequency(FIELD, word)
        return count
