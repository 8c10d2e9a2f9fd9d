"""Queries, filters, facets, snippets and suggestions, on the seed index and on small crafted corpora."""
import json

import pytest
from whoosh.sorting import FieldFacet

from searchkit import Index
from searchkit.errors import QueryError
from searchkit.search.query import check_syntax, parse_date_bound


def jsonl(write, name, records):
    return write(name, "\n".join(json.dumps(r) for r in records) + "\n")


@pytest.fixture
def small_index(tmp_path, write):
    records = [
        {"id": "a", "title": "Talks in Baghdad", "date": "2007-05-28", "outlet": "Financial Times",
         "text": "The United States and Iran held talks in Baghdad on security. " * 3},
        {"id": "b", "title": "Negotiating in Vienna", "date": "2014-06-16", "outlet": "The New York Times",
         "text": "Diplomats were negotiating a nuclear agreement in Vienna, far from Baghdad. " * 3},
        {"id": "c", "title": "Markets", "date": "2008-04-07",
         "text": "Oil prices rose while talks stalled and security worsened in Baghdad. " * 3},
    ]
    with Index(tmp_path / "ix") as ix:
        ix.add([jsonl(write, "feed.jsonl", records)])
        yield ix


def test_stemming_matches_negotiations_with_negotiating(small_index):
    assert [h.article_id for h in small_index.search("negotiations").hits] == ["b"]


def test_all_terms_are_required_by_default_and_any_with_match_any(small_index):
    assert {h.article_id for h in small_index.search("iran oil").hits} == set()
    assert {h.article_id for h in small_index.search("iran oil", match="any").hits} == {"a", "c"}


def test_phrase_query_needs_adjacent_words(small_index):
    assert [h.article_id for h in small_index.search('"held talks"').hits] == ["a"]
    assert small_index.search('"talks held"').total == 0


def test_title_matches_rank_above_text_only_matches(small_index):
    hits = small_index.search("talks", match="any").hits
    assert [h.article_id for h in hits] == ["a", "c"]


def test_field_query_and_wildcard(small_index):
    assert [h.article_id for h in small_index.search("title:vienna").hits] == ["b"]
    assert {h.article_id for h in small_index.search("negoti*").hits} == {"b"}


def test_date_filter_is_inclusive_of_whole_periods(small_index):
    assert [h.article_id for h in small_index.search("baghdad", date_from="2007", date_to="2007-05").hits] == ["a"]
    assert {h.article_id for h in small_index.search("baghdad", date_from="2008-04-07").hits} == {"b", "c"}


def test_outlet_filter_accepts_any_case_and_aliases(small_index):
    assert [h.article_id for h in small_index.search("baghdad", outlets=["financial times"]).hits] == ["a"]
    assert [h.article_id for h in small_index.search("baghdad", outlets=["NYT"]).hits] == ["b"]


def test_facets_count_every_match_not_just_the_page(small_index):
    results = small_index.search("baghdad", limit=1, facets=["outlet", "year"])
    assert results.total == 3 and len(results.hits) == 1
    assert {v.value: v.count for v in results.facets["year"]} == {"2007": 1, "2008": 1, "2014": 1}
    assert {v.value: v.count for v in results.facets["outlet"]} == {"Financial Times": 1, "The New York Times": 1}


def test_sort_by_date_puts_newest_first(small_index):
    assert [h.article_id for h in small_index.search("baghdad", sort="date").hits] == ["b", "c", "a"]


def test_paging_continues_where_the_last_page_ended(small_index):
    first = small_index.search("baghdad", limit=2, page=1).hits
    second = small_index.search("baghdad", limit=2, page=2).hits
    assert [h.rank for h in first + second] == [1, 2, 3]
    assert len({h.article_id for h in first + second}) == 3


def test_snippet_marks_matches_and_escapes_everything_else(tmp_path, write):
    text = "Officials said <script>alert('x')</script> & the talks went on, and on, in Baghdad. " * 2
    with Index(tmp_path / "ix") as ix:
        ix.add([jsonl(write, "x.jsonl", [{"id": "x", "text": text}])])
        snippet = ix.search("talks").hits[0].snippet
    assert "<mark>talks</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.mark.parametrize("query, message", [
    ('"iran talks', "unbalanced quote"),
    ("(iran OR iraq", "unbalanced ()"),
    ("colour:red iran", "unknown field 'colour'"),
    ("date:[garbage to 2008]", "cannot understand"),
])
def test_bad_query_is_explained(small_index, query, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        small_index.search(query)


def test_quoted_colon_is_not_a_field():
    check_syntax('"time: 9:58" iran')


def test_bad_dates_and_options_are_query_errors(small_index):
    with pytest.raises(QueryError, match="cannot read the date"):
        small_index.search("iran", date_from="yesterday-ish")
    with pytest.raises(QueryError, match="unknown facet"):
        small_index.search("iran", facets=["colour"])
    with pytest.raises(QueryError, match="is after"):
        small_index.search("iran", date_from="2009", date_to="2008")


def test_partial_dates_cover_their_whole_period():
    assert str(parse_date_bound("2008-02", end=True)) == "2008-02-29"
    assert str(parse_date_bound("2007")) == "2007-01-01"
    assert str(parse_date_bound("March 12, 2007")) == "2007-03-12"


def test_match_all_query_with_a_filter_lists_passages_newest_first(small_index):
    hits = small_index.search("*", date_from="2008").hits
    assert [h.article_id for h in hits] == ["b", "c"]


# -- the seeds ---------------------------------------------------------------------------------------------------
def test_phrase_query_on_the_seeds(seed_index):
    results = seed_index.search('"prime minister"', limit=50)
    assert results.total >= 5
    assert all("prime minister" in h.text.lower() for h in results.hits)


def test_misspelt_name_gets_a_suggestion(seed_index):
    results = seed_index.search("Malikki")
    assert results.total == 0 and results.suggestion == "maliki"


def test_well_spelt_query_gets_no_suggestion(seed_index):
    assert seed_index.search("Maliki").suggestion is None


def test_actor_filter_accepts_any_alias(seed_index):
    by_alias = {name: {h.passage_id for h in seed_index.search("*", actors=[name], limit=200).hits}
                for name in ("Nuri Kamal al-Maliki", "Mr. Maliki", "nouri maliki")}
    assert len(by_alias["Mr. Maliki"]) > 10
    assert by_alias["Nuri Kamal al-Maliki"] == by_alias["Mr. Maliki"] == by_alias["nouri maliki"]


def test_actor_facet_names_maliki_once_across_the_seeds(seed_index):
    values = seed_index.search("Maliki", facets=["actor:person"], facet_limit=None).facets["actor:person"]
    malikis = [v for v in values if "maliki" in v.value.lower()]
    assert len(malikis) == 1 and malikis[0].kind == "person"


def test_per_article_limit_keeps_the_best_passages_of_each_article(seed_index):
    hits = seed_index.search("iran", per_article=1, limit=20).hits
    assert len(hits) == len({h.article_id for h in hits}) == 5


def test_facet_counts_equal_whoosh_groupedby(seed_index):
    ps = seed_index._passages()
    for query in ("iran", "iraq OR talks", "*"):
        parsed = ps.parser.parse(query)
        matched = ps._matched_docs(parsed, None)
        ours = ps.count_facets(matched, ["outlet", "year", "month", "author"], limit=None)
        for field in ("outlet", "year", "month", "author"):
            facet = FieldFacet(field, allow_overlap=field == "author")
            groups = ps.searcher.search(parsed, limit=None, groupedby={field: facet}).groups(field)
            whoosh_counts = {k.decode() if isinstance(k, bytes) else k: len(v) for k, v in groups.items() if k}
            assert {v.value: v.count for v in ours[field]} == whoosh_counts, (query, field)
