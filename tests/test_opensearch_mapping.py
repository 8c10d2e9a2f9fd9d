"""The OpenSearch index settings and mapping: the English analysis gives the Whoosh backend's terms (checked on the
real cluster with `_analyze`), and a passage document is indexed and found through each kind of field."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from searchkit.backends.opensearch.connection import ConnectionConfigError, make_client, parse_location
from searchkit.backends.opensearch.mapping import (
    ENGLISH,
    EXACT,
    REPLICAS_VAR,
    SHARDS_VAR,
    IndexSettings,
    index_body,
)
from searchkit.backends.whoosh.analysis import exact_analyzer, stemmed_analyzer

# Sentences that try each step of the analysis: possessives and contractions, dotted abbreviations and decimals,
# compounds (hyphens, slashes, letters with digits), single letters, stop words in capitals, accents, underscores and
# asterisks, stems of all kinds.
TRICKY = [
    "The U.S. envoy's talks with Iraq's al-Maliki on the F-16s aren't over, officials said on Monday.",
    "COVID-19 cases rose 3.5% in Q3; the G-5 ministers met at 10:30 a.m. in São Paulo and Zürich.",
    "Negotiators were negotiating; negotiations negotiated a ceasefire generously, dying hopes notwithstanding.",
    "IT'S A BIG DEAL: I, you, he and she can't; x_y and a*b and 2007-05-28 and ...dots... end.",
    "Analysts' forecasts: running, runs, ran, easily, fairly, happiness, relational, conditional, rationalization.",
    "The U.S.-led talks after 9/11 on MH17, year-end deals, F-16s, 3.5-fold gains, x2y and 2007-05-28 in Paris/Berlin.",
    "Nouri al-Maliki met the Al-Qaeda-linked a-b-c group's self-styled heads at the Abu-Ghraib one-on-one.",
]


def seed_paragraphs() -> list[str]:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    return [p for f in sorted(seeds.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def client(opensearch_url):
    return make_client(parse_location(f"{opensearch_url}/unused"))


@pytest.fixture
def index(client):
    """A fresh index with searchkit's settings and mapping, deleted after the test."""
    name = f"test-mapping-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, body=index_body(IndexSettings(shards=1, replicas=1)))
    yield name
    client.indices.delete(index=name)


def opensearch_terms(client, index: str, text: str, analyzer: str = ENGLISH) -> list[str]:
    analysed = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in analysed["tokens"]]


def whoosh_terms(text: str, analyzer) -> list[str]:
    return [token.text for token in analyzer(text)]


def test_the_analysis_gives_the_whoosh_backends_terms(client, index):
    texts = TRICKY + seed_paragraphs()
    assert len(texts) > 50
    stemmed, exact = stemmed_analyzer(), exact_analyzer()
    for text in texts:
        assert opensearch_terms(client, index, text) == whoosh_terms(text, stemmed), text
        assert opensearch_terms(client, index, text, EXACT) == whoosh_terms(text, exact), text


def test_the_stemmers_differ_on_the_listed_words(client, index):
    """Listed in mapping.py: OpenSearch's Snowball is an older Porter2 (11 of 181,998 distinct Reuters words)."""
    assert whoosh_terms("realization", stemmed_analyzer()) == ["realize"]
    assert opensearch_terms(client, index, "realization") == ["realiz"]


def test_compounds_are_indexed_whole_and_as_their_parts(client, index):
    assert opensearch_terms(client, index, "COVID-19 talks with al-Maliki on MH17", EXACT) == [
        "covid-19", "covid", "19", "talks", "al-maliki", "al", "maliki", "mh17", "mh", "17"]


def test_the_exact_subfield_keeps_words_unstemmed(client, index):
    analysed = client.indices.analyze(index=index, body={"field": "text.exact", "text": "The Negotiators NEGOTIATING"})
    assert [t["token"] for t in analysed["tokens"]] == ["negotiators", "negotiating"]


def passage(**fields) -> dict:
    doc = {
        "passage_id": "a1#0", "article_id": "a1", "source_key": "/news/a1.txt", "source": "news/a1.txt",
        "position": 0, "head": True, "title": "Talks in Baghdad",
        "text": "Negotiators met Nouri al-Maliki on Monday to discuss oil revenue.",
        "date": "2007-05-28", "year": "2007", "month": "2007-05", "outlet": "Reuters", "place": "Baghdad",
        "author": ["Ann Bee", "Cy Dee"], "actor": ["person:Nouri al-Maliki", "place:Iraq"], "span": [0, 66],
        "url": "https://example.org/a1", "article": {"captions": ["A photo"], "extra": {"any": ["shape"]}},
    }
    return {**doc, **fields}


def test_a_passage_is_found_through_each_kind_of_field(client, index):
    client.index(index=index, id="a1#0", body=passage(), refresh=True)
    queries = [
        {"match": {"text": "negotiations"}},  # stemmed
        {"prefix": {"text.exact": "negotiat"}},  # unstemmed prefix
        {"match": {"title": "talk"}},
        {"term": {"outlet": "Reuters"}},
        {"term": {"author": "Cy Dee"}},
        {"term": {"actor": "person:Nouri al-Maliki"}},
        {"term": {"month": "2007-05"}},
        {"range": {"date": {"gte": "2007-05-01", "lt": "2007-06-01"}}},
    ]
    for query in queries:
        found = client.search(index=index, body={"query": query, "track_total_hits": True})
        assert found["hits"]["total"]["value"] == 1, query
    assert found["hits"]["hits"][0]["_source"]["article"] == passage()["article"]


def test_an_unknown_field_is_refused(client, index):
    with pytest.raises(Exception) as raised:
        client.index(index=index, id="x", body=passage(titel="typo"))
    assert "strict_dynamic_mapping_exception" in str(raised.value)


def test_shards_and_replicas_default_to_three_and_one_and_follow_the_environment():
    assert IndexSettings.from_environment({}) == IndexSettings(shards=3, replicas=1)
    assert IndexSettings.from_environment({SHARDS_VAR: "12", REPLICAS_VAR: "0"}) == IndexSettings(12, 0)
    with pytest.raises(ConnectionConfigError, match=f"{SHARDS_VAR}='0' is not a whole number of at least 1: try 3"):
        IndexSettings.from_environment({SHARDS_VAR: "0"})
