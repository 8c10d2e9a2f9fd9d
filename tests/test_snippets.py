"""The neutral snippet highlighter gives the same snippets with either backend's stemmer."""
from __future__ import annotations

import pytest

from searchkit.backends.opensearch.stemming import stem as nltk_stem
from searchkit.backends.whoosh.analysis import stem as whoosh_stem
from searchkit.query.parse import parse
from searchkit.search.snippets import Highlighter

QUERIES = ["iran talks", "negotiations", "negotiating security", "Nouri al-Maliki", '"prime minister"', "secur*",
           "militias supported insurgents", "officials said", "cooperation relations dying hopes", "U.S.-led"]


@pytest.mark.parametrize("query", QUERIES)
def test_both_backends_stemmers_highlight_the_seeds_alike(seed_index, query):
    tree = parse(query, "any")
    whoosh, nltk = Highlighter(tree, whoosh_stem), Highlighter(tree, nltk_stem)
    texts = [p.text for s in seed_index.articles() for p in seed_index.article(s.article_id).passages]
    assert len(texts) > 50
    assert [nltk.snippet(text) for text in texts] == [whoosh.snippet(text) for text in texts]
    assert sum("<mark>" in whoosh.snippet(text) for text in texts) > 0


def test_every_distinct_seed_word_gets_the_same_stem():
    from searchkit.query.tokens import tokens
    from conftest import SEEDS

    words = {tok.text for path in SEEDS.glob("*.txt") for tok in tokens(path.read_text(encoding="utf-8"))}
    assert len(words) > 1000
    assert [w for w in sorted(words) if nltk_stem(w) != whoosh_stem(w)] == []
