"""Behaviour both backends share, on the seeds indexed by each (`backend_seed_index`: whoosh, opensearch), each answer
compared with the Whoosh backend's (`seed_index`). Where the engines may differ (scores: Whoosh's BM25F against
Lucene's BM25; the order of equal scores), what is promised is compared: the same passages, totals and counts."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searchkit.cli import main
from searchkit.errors import QueryError

QUERIES = ["iran", "Iran talks", "iran OR iraq", "Maliki", "Nouri al-Maliki", "talks -iran", '"prime minister"',
           "negotiat*", "title:talks", "security AND (baghdad OR tehran)", "U.S. officials", "actor:Crocker", "*",
           "date:[2007-05 to 2008]", "face-to-face", "iran ANDMAYBE oil"]
ALL = 1000  # more than the seeds' passages: every match on one page
FACETS = ["outlet", "actor", "year", "month", "author", "actor:person", "actor:organization", "actor:place"]


def matches(ix, query: str, **options) -> dict:
    return {h.passage_id: h for h in ix.search(query, limit=ALL, facets=[], **options).hits}


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_matches_the_same_passages_and_counts_them_alike(backend_seed_index, seed_index, query):
    found, expected = backend_seed_index.search(query, facets=[]), seed_index.search(query, facets=[])
    assert (found.total, found.passages, found.articles) == (expected.total, expected.passages, expected.articles)
    assert found.total > 0
    assert matches(backend_seed_index, query).keys() == matches(seed_index, query).keys()


@pytest.mark.parametrize("query", ["iran", "Maliki", "iran OR iraq", "talks"])
def test_hits_come_best_first_and_pages_follow_the_ranking(backend_seed_index, query):
    # Not compared with Whoosh's order: BM25F and Lucene's BM25 weigh rare words differently (benchmarks/README.md)
    ranked = backend_seed_index.search(query, limit=ALL, facets=[]).hits
    scores = [h.score for h in ranked]
    assert scores == sorted(scores, reverse=True) and len(ranked) > 20
    pages = [backend_seed_index.search(query, page=n, facets=[]).hits for n in (1, 2)]
    assert [h.passage_id for h in pages[0] + pages[1]] == [h.passage_id for h in ranked[:20]]
    assert [h.rank for h in pages[0] + pages[1]] == list(range(1, 21))


@pytest.mark.parametrize("query", ["iran", "Maliki", "*", "talks -iran"])
def test_facets_count_every_match_alike(backend_seed_index, seed_index, query):
    found = backend_seed_index.search(query, facets=FACETS, facet_limit=None, limit=0)
    expected = seed_index.search(query, facets=FACETS, facet_limit=None, limit=0)
    assert found.facets == expected.facets
    assert found.hits == [] and found.total == expected.total


def test_facet_limits_and_value_order(backend_seed_index, seed_index):
    for options in ({"facet_limit": 2}, {"facet_limit": 3, "facet_order": "value"}):
        found = backend_seed_index.search("iran", facets=["actor", "month"], limit=0, **options).facets
        assert found == seed_index.search("iran", facets=["actor", "month"], limit=0, **options).facets


def test_an_actor_is_counted_once_per_passage_whichever_alias_it_goes_by(backend_seed_index):
    people = backend_seed_index.search("*", facets=["actor:person"], facet_limit=None, limit=0).facets["actor:person"]
    maliki = [v for v in people if "Maliki" in v.value]
    assert len(maliki) == 1
    assert maliki[0].count == backend_seed_index.search("*", actors=["Maliki"], facets=[]).total


@pytest.mark.parametrize("query", ["iran talks", "Nouri al-Maliki", '"prime minister"', "secur*", "U.S.-led"])
def test_snippets_are_the_same_for_the_same_passage(backend_seed_index, seed_index, query):
    expected = {pid: hit.snippet for pid, hit in matches(seed_index, query).items()}
    found = matches(backend_seed_index, query)
    assert {pid: hit.snippet for pid, hit in found.items()} == expected
    assert any("<mark>" in snippet for snippet in expected.values())


def test_snippets_escape_everything_but_the_marks(backend_seed_index):
    for hit in backend_seed_index.search("iran", limit=50, facets=[]).hits:
        assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("per_article", [1, 2])
def test_grouped_by_article_each_article_once_with_its_best_passages(backend_seed_index, seed_index, per_article):
    found = backend_seed_index.search("talks", per_article=per_article, limit=ALL, facets=[])
    expected = seed_index.search("talks", per_article=per_article, limit=ALL, facets=[])
    assert (found.total, found.unit, found.passages, found.articles) == (
        expected.total, "articles", expected.passages, expected.articles)
    ranks = {}
    for hit in found.hits:
        ranks.setdefault(hit.article_id, []).append(hit)
    assert ranks.keys() == {h.article_id for h in expected.hits}
    assert all(len(hits) <= per_article and len({h.rank for h in hits}) == 1 for hits in ranks.values())
    every = backend_seed_index.search("talks", limit=ALL, facets=[]).hits
    for article_id, hits in ranks.items():
        best = [h.passage_id for h in every if h.article_id == article_id][:per_article]
        assert [h.passage_id for h in hits] == best


def test_grouped_pages_hold_articles(backend_seed_index):
    first = backend_seed_index.search("iran", per_article=1, limit=2, page=1, facets=[])
    second = backend_seed_index.search("iran", per_article=1, limit=2, page=2, facets=[])
    assert [h.rank for h in first.hits + second.hits] == [1, 2, 3, 4]
    assert len({h.article_id for h in first.hits + second.hits}) == 4 and first.total == 5


@pytest.mark.parametrize("filters", [
    {"outlets": ["financial times"]}, {"outlets": ["NYT"]}, {"actors": ["Maliki"]}, {"actors": ["Nuri al-Maliki"]},
    {"date_from": "2007", "date_to": "2007-05"}, {"date_from": "2008-04-07"}, {"actors": ["Crocker"], "outlets": ["FT"]},
])
def test_filters_keep_the_same_passages(backend_seed_index, seed_index, filters):
    found = matches(backend_seed_index, "*", **filters)
    assert found and found.keys() == matches(seed_index, "*", **filters).keys()


def test_a_filter_value_naming_nothing_gives_the_same_notice(backend_seed_index, seed_index):
    found = backend_seed_index.search("iran", outlets=["Finacial Times"], facets=[])
    assert found.notices == seed_index.search("iran", outlets=["Finacial Times"], facets=[]).notices
    assert "did you mean 'Financial Times'" in found.notices[0] and found.total == 0


def test_no_passage_with_every_word_drops_the_fewest_most_common(backend_seed_index, seed_index):
    found = backend_seed_index.search("militia support Sunni zebra", facets=[])
    expected = seed_index.search("militia support Sunni zebra", facets=[])
    assert found.dropped == expected.dropped == ["zebra"]
    assert {h.passage_id for h in found.hits} == {h.passage_id for h in expected.hits} and found.total > 0


def test_a_misspelt_word_gets_a_suggestion(backend_seed_index):
    assert backend_seed_index.search("Malikki", facets=[]).suggestion == "maliki"
    assert backend_seed_index.search("Maliki", facets=[]).suggestion is None


def test_date_order_is_newest_first_without_scores(backend_seed_index, seed_index):
    hits = backend_seed_index.search("iran", sort="date", limit=ALL, facets=[]).hits
    dated = [h.date for h in hits if h.date]
    assert dated == sorted(dated, reverse=True) and [h.date for h in hits[len(dated):]] == [None] * (len(hits) - len(dated))
    assert all(h.score is None for h in hits)
    assert {h.passage_id for h in hits} == set(matches(seed_index, "iran"))
    assert all(h.score is None for h in backend_seed_index.search("", facets=[]).hits)


def test_explanations_add_up_to_the_score(backend_seed_index):
    for hit in backend_seed_index.search("iran talks", explain=True, limit=3, facets=[]).hits:
        terms = hit.explanation.terms
        assert {t.term for t in terms} <= {"iran", "talk"} and terms
        assert sum(t.score for t in terms) == pytest.approx(hit.score, abs=1e-3)


@pytest.mark.parametrize("query, message", [("the", "has no terms to search for"), ("date:someday", "cannot read the date"),
                                            ('"iran talks', "quote"), ("colour:red", "unknown field")])
def test_query_errors_are_the_same_lines(backend_seed_index, seed_index, query, message):
    with pytest.raises(QueryError) as found:
        backend_seed_index.search(query)
    with pytest.raises(QueryError) as expected:
        seed_index.search(query)
    assert str(found.value) == str(expected.value) and message in str(found.value).lower()


def test_show_articles_actors_and_stats_are_the_same(backend_seed_index, seed_index):
    assert backend_seed_index.articles() == seed_index.articles()
    for summary in seed_index.articles():
        assert backend_seed_index.article(summary.article_id) == seed_index.article(summary.article_id)
    assert backend_seed_index.article("no-such-article") is None
    assert backend_seed_index.actors() == seed_index.actors()
    assert backend_seed_index.actors("person") == seed_index.actors("person")
    found, expected = backend_seed_index.stats(), seed_index.stats()
    found.size_bytes = expected.size_bytes = 0
    assert found == expected


def test_the_command_line_answers_alike_with_json(backend_seed_index, seed_index):
    def search(ix) -> dict:
        result = CliRunner().invoke(main, ["search", "Iran talks", "--index", str(ix.location), "--json",
                                           "--facet", "outlet", "--limit", "50"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    found, expected = search(backend_seed_index), search(seed_index)
    assert (found["total"], found["facets"]) == (expected["total"], expected["facets"])
    assert {h["passage_id"] for h in found["hits"]} == {h["passage_id"] for h in expected["hits"]}


def test_facets_are_counted_again_when_shards_could_not_list_every_value(backend_seed_index, seed_index, monkeypatch):
    from searchkit.backends.opensearch import facets

    # One value a shard: the terms aggregation's counts may be short (OpenSearch says so), so each facet is counted
    # again through the composite aggregation (on Whoosh this changes nothing).
    monkeypatch.setattr(facets, "SHARD_SIZE", 1)
    counted = []
    monkeypatch.setattr(facets, "count_all", lambda *args, real=facets.count_all: counted.append(1) or real(*args))
    names = ["outlet", "actor", "actor:person", "author"]
    found = backend_seed_index.search("iran OR iraq", facets=names, facet_limit=2, limit=0).facets
    assert found == seed_index.search("iran OR iraq", facets=names, facet_limit=2, limit=0).facets
    assert counted or backend_seed_index.path is not None


def test_a_page_past_the_end_is_empty_however_far(backend_seed_index):
    for page in (50, 2000):  # 2000 x 10 is past OpenSearch's result window: the cluster is asked for counts only
        results = backend_seed_index.search("iran", page=page, facets=["outlet"])
        assert results.hits == [] and results.total == 45 and results.facets["outlet"]


def test_a_page_the_cluster_cannot_reach_is_a_clear_error(backend_seed_index, monkeypatch):
    from searchkit.backends.opensearch import searching

    monkeypatch.setattr(searching, "RESULT_WINDOW", 20)  # the seeds hold fewer passages than the real 10,000
    if backend_seed_index.path is not None:
        assert backend_seed_index.search("iran", page=3, facets=[]).hits  # Whoosh pages anywhere
        return
    with pytest.raises(QueryError, match=r"--page 3 with --limit 10 reaches past hit 20, .* try --page 2"):
        backend_seed_index.search("iran", page=3, facets=[])
    assert len(backend_seed_index.search("iran", page=2, facets=[]).hits) == 10


def test_explanations_come_with_date_order_too(backend_seed_index, seed_index):
    for ix in (backend_seed_index, seed_index):
        hit = ix.search("iran", sort="date", explain=True, limit=1, facets=[]).hits[0]
        assert hit.explanation is not None and {t.term for t in hit.explanation.terms} == {"iran"}


@pytest.mark.parametrize("command", [["show", "001_634cfce6626220ea"], ["articles"], ["actors", "--kind", "person"],
                                     ["stats"]])
def test_the_catalog_commands_print_the_same_json(backend_seed_index, seed_index, command):
    def run(ix) -> dict | list:
        result = CliRunner().invoke(main, command + ["--index", str(ix.location), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    found, expected = run(backend_seed_index), run(seed_index)
    if command == ["stats"]:
        found.pop("size_bytes"), expected.pop("size_bytes")
    assert found == expected and found


def test_the_http_api_answers_alike(backend_seed_index, seed_index):
    from conftest import local_api, running_server

    def answer(ix) -> dict:
        with running_server(ix.location) as base:
            status, _, found = local_api(base, "/api/search", q="iran talks", facet=["outlet", "actor"], limit=50)
            assert status == 200
            return found

    found, expected = answer(backend_seed_index), answer(seed_index)
    assert (found["total"], found["facets"]) == (expected["total"], expected["facets"]) and found["total"]
    assert {h["passage_id"]: h["snippet"] for h in found["hits"]} == {h["passage_id"]: h["snippet"] for h in expected["hits"]}
