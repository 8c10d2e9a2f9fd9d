"""The query tree as OpenSearch query DSL: each node kind compiles as the Whoosh backend's compiler does it, and
on a real cluster the same queries over the seed passages match the same passages on both engines."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from searchkit.backends.opensearch.compile import Compiler, within
from searchkit.errors import QueryError
from searchkit.query import passes
from searchkit.query import tree as t
from searchkit.query.parse import parse

compile_ = Compiler().compile


def prepared(text: str, match: str = "all") -> dict | None:
    return compile_(passes.prepare(parse(text, match), passes.Lookups(resolve=lambda f, v: [v])))


def test_a_word_is_matched_in_title_and_text_and_the_scores_add_up():
    assert compile_(t.Term("talks")) == {"bool": {"should": [{"match": {"title": {"query": "talks"}}},
                                                             {"match": {"text": {"query": "talks"}}}],
                                                  "minimum_should_match": 1}}


def test_a_word_in_a_field_is_searched_there_only_with_its_boost():
    assert compile_(t.Term("vienna", "title", boost=2.0)) == {"match": {"title": {"query": "vienna", "boost": 2.0}}}


def test_a_compound_matches_itself_or_its_parts_as_a_phrase():
    clause = compile_(t.Term("al-Maliki", "text"))
    assert clause == {"bool": {"should": [{"term": {"text": {"value": "al-maliki"}}},
                                          {"match_phrase": {"text": {"query": "al maliki"}}}],
                               "minimum_should_match": 1}}


def test_a_compound_with_a_part_left_out_matches_only_as_written():
    assert compile_(t.Term("G-7", "text")) == {"term": {"text": {"value": "g-7"}}}
    assert compile_(t.Term("COVID-19", "text"))["bool"]["should"][0] == {"term": {"text": {"value": "covid-19"}}}


def test_punctuation_inside_a_word_makes_words_that_must_all_be_there():
    clause = compile_(t.Term("iran,iraq", "text"))
    assert clause == {"bool": {"must": [{"match": {"text": {"query": "iran"}}}, {"match": {"text": {"query": "iraq"}}}]}}


def test_a_quoted_word_is_its_own_form_in_the_exact_subfield():
    assert compile_(t.Term("Talks", "title", exact=True)) == {"term": {"title.exact": {"value": "talks"}}}


def test_stop_words_compile_to_nothing_and_a_query_of_them_is_an_error():
    assert compile_(t.Term("the")) is None
    assert compile_(t.And((t.Term("the"), t.Term("talks", "text")))) == {"match": {"text": {"query": "talks"}}}
    with pytest.raises(QueryError, match="has no terms to search for"):
        Compiler().compile_query(t.Term("the"), "the")


def test_phrases_keep_their_slop_and_a_phrase_of_one_word_is_that_word():
    assert compile_(t.Phrase(("prime", "minister"), "text", slop=2)) == {
        "match_phrase": {"text": {"query": "prime minister", "slop": 2}}}
    assert compile_(t.Phrase(("the", "talks"), "text")) == {"match": {"text": {"query": "talks"}}}


def test_prefixes_and_wildcards_run_on_the_exact_subfield_and_on_names_as_typed():
    assert compile_(t.Pattern("negotiat*", "text")) == {"prefix": {"text.exact": {"value": "negotiat"}}}
    assert compile_(t.Pattern("wom?n", "title")) == {"wildcard": {"title.exact": {"value": "wom?n"}}}
    assert compile_(t.Pattern("Fin*", "outlet")) == {"prefix": {"outlet": {"value": "Fin"}}}
    assert compile_(t.Pattern("*", "outlet")) == {"exists": {"field": "outlet"}}


def test_values_dates_everything_and_nothing():
    assert compile_(t.Value("actor", "person:Nouri al-Maliki")) == {"term": {"actor": {"value": "person:Nouri al-Maliki"}}}
    assert compile_(t.DateRange(dt.date(2007, 1, 1), dt.date(2007, 3, 31))) == {
        "range": {"date": {"gte": "2007-01-01", "lte": "2007-03-31"}}}
    assert compile_(t.DateRange(None, dt.date(2007, 3, 31))) == {"range": {"date": {"lte": "2007-03-31"}}}
    assert compile_(t.DateRange(None, None)) == {"exists": {"field": "date"}}
    assert compile_(t.MatchAll()) == {"match_all": {}}
    assert compile_(t.MatchNone()) == {"match_none": {}}


def test_an_exclusion_is_a_must_not_of_its_and():
    clause = compile_(t.And((t.Term("iran", "text"), t.Not(t.Term("maliki", "text")))))
    assert clause == {"bool": {"must": [{"match": {"text": {"query": "iran"}}}],
                               "must_not": [{"match": {"text": {"query": "maliki"}}}]}}
    assert compile_(t.Not(t.Term("maliki", "text"))) == {
        "bool": {"must": [{"match_all": {}}], "must_not": [{"match": {"text": {"query": "maliki"}}}]}}


def test_or_andmaybe_and_actor_words():
    either = compile_(t.Or((t.Term("iran", "text"), t.Term("iraq", "text")), boost=2.0))
    assert either["bool"]["should"][1] == {"match": {"text": {"query": "iraq"}}} and either["bool"]["boost"] == 2.0
    maybe = compile_(t.AndMaybe(t.Term("iran", "text"), t.Term("iraq", "text")))
    assert maybe == {"bool": {"must": [{"match": {"text": {"query": "iran"}}}],
                              "should": [{"match": {"text": {"query": "iraq"}}}]}}
    named = compile_(t.ActorWords(t.Term("the", "text"), t.Value("actor", "person:The")))
    assert named == {"term": {"actor": {"value": "person:The"}}}


def test_a_repeated_word_weighs_the_root_of_its_count():
    assert prepared("talks talks")["bool"]["boost"] == pytest.approx(2 ** 0.5)


def test_ranking_within_filters_scores_only_the_ranking():
    assert within(None, [None]) == {"match_all": {}}
    body = within({"match_all": {}}, [{"term": {"outlet": "Reuters"}}, None])
    assert body == {"bool": {"must": [{"match_all": {}}], "filter": [{"term": {"outlet": "Reuters"}}]}}


# -- parity on a real cluster ---------------------------------------------------------------------------------------
PARITY_QUERIES = [
    "iran", "Iran talks", "iran OR iraq", "iran AND NOT maliki", "talks -iran", "NOT iran", "Maliki",
    "Nouri al-Maliki", "al-Maliki", "Al-Maliki's government", "face-to-face", "U.S.", "U.S. officials",
    '"prime minister"', '"prime minister"~3', '"security crisis in Iraq"', '"talks"', '"Talks"', "negotiat*", "secur?ty",
    "counter*", "title:talks", "title:(iran OR iraq)", "text:baghdad", "outlet:*", "actor:Maliki", 'actor:"Ryan Crocker"',
    "author:*", "date:2007", "year:2008", "month:2007-05", "date:[2007-03 to 2007-08]", "date:[2008 to]",
    "iran ANDMAYBE iraq", "iran^3 iraq", "(iran OR iraq) AND (talks OR meeting)", "Tehran Washington",
    "security security security", "2003 invasion", "power-sharing", "Kazemi-Qomi", "the talks", "Shiite-led", "Sunni*", "*",
]


@pytest.fixture(scope="module")
def both_engines(seed_index, opensearch_url):
    """The seed passages in Whoosh (seed_index) and copied into an OpenSearch index of this module's own."""
    from opensearchpy import OpenSearch

    from opensearch_seeds import copy_passages

    client = OpenSearch([opensearch_url], timeout=60)
    name = f"ossearch-compile-{uuid.uuid4().hex[:8]}"
    copy_passages(seed_index, client, name)
    try:
        yield seed_index.backend._passages(), client, name
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)
        client.close()


@pytest.mark.parametrize("query", PARITY_QUERIES)
def test_the_same_query_matches_the_same_passages_on_both_engines(both_engines, query):
    whoosh, client, name = both_engines
    tree = whoosh.parser.tree(query)  # names resolved with the Whoosh index's registry: the same passages
    matched = whoosh.docsets.docs(whoosh.parser.compiler.compile_query(tree, query))
    expected = {whoosh.searcher.stored_fields(int(d))["passage_id"] for d in matched}
    found = client.search(index=name, body={"query": Compiler().compile_query(tree, query), "size": 1000,
                                            "_source": ["passage_id"]})
    assert {hit["_source"]["passage_id"] for hit in found["hits"]["hits"]} == expected
    assert expected, f"{query!r} matches nothing: a weak parity check"
