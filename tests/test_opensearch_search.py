"""The OpenSearch read side: when facet counts are trusted, the actor map the facet script gets, explanations reduced
to their clauses (no cluster needed); a reader while another run commits (on the test cluster).
tests/test_backends.py runs the shared behaviour on both backends."""
from __future__ import annotations

from searchkit.backends.opensearch.explain import explain
from searchkit.backends.opensearch.facets import FacetRequest, canonical_map, counted, terms_aggregation
from searchkit.models import ActorRef, FacetValue


def test_facet_counts_are_trusted_only_when_every_shard_listed_every_value():
    answer = {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 4,
              "buckets": [{"key": "Reuters", "doc_count": 9}, {"key": "Xinhua", "doc_count": 5}]}
    assert counted(FacetRequest.of("outlet"), answer, 2) == [FacetValue("Reuters", 9), FacetValue("Xinhua", 5)]
    assert counted(FacetRequest.of("outlet"), answer, None) is None  # values left out when all were asked for
    assert counted(FacetRequest.of("outlet"), {**answer, "doc_count_error_upper_bound": 3}, 2) is None


def test_an_actor_facet_of_one_kind_keeps_that_kind_only():
    facet = FacetRequest.of("actor:person")
    assert terms_aggregation(facet, 5, {})["terms"]["include"] == "person:.*"
    answer = {"buckets": [{"key": "person:Maliki", "doc_count": 3}, {"key": "place:Iraq", "doc_count": 2}]}
    assert counted(facet, answer, 5) == [FacetValue("person:Maliki", 3)]


def test_the_facet_script_maps_only_the_tokens_merged_into_another_actor():
    canonical_of = {"person:Maliki": ActorRef("Nouri al-Maliki", "person"),
                    "person:Nouri al-Maliki": ActorRef("Nouri al-Maliki", "person"), "place:Iraq": ActorRef("Iraq", "place")}
    assert canonical_map(canonical_of) == {"person:Maliki": "person:Nouri al-Maliki"}


def test_an_explanation_keeps_the_weighted_clauses_with_their_boosts():
    lucene = {"value": 3.5, "description": "sum of:", "details": [
        {"value": 2.0, "description": "weight(text:talk in 4) [PerFieldSimilarity], result of:", "details": [
            {"value": 2.0, "description": "score(freq=1.0), computed as boost * idf * tf from:", "details": [
                {"value": 5.0, "description": "boost", "details": []}]}]},
        {"value": 1.5, "description": 'weight(title:"prime minist" in 4) [PerFieldSimilarity], result of:',
         "details": []}]}
    terms = explain(lucene).terms
    assert [(t.field, t.term, t.boost, t.score) for t in terms] == [("text", "talk", 2.0, 2.0),
                                                                  ("title", "prime minist", 1.0, 1.5)]


def test_a_reader_sees_whole_articles_while_another_run_commits_and_each_commit_at_once(opensearch_url, tmp_path):
    import threading

    from searchkit import Index

    from conftest import cluster_index_name, drop_cluster_index, story_corpus

    corpus = story_corpus(tmp_path / "corpus", 40)
    url = f"{opensearch_url}/{cluster_index_name('reading')}"
    try:
        with Index(url) as writer, Index(url) as reader:
            writer.add([corpus / "story000.txt"])
            done = threading.Thread(target=lambda: writer.add([corpus], commit_every=12, workers=1))
            done.start()
            seen, checked = set(), 0
            while done.is_alive() or not checked:
                cluster = reader.backend.cluster
                generation = cluster.generation()
                passages = reader.search("", facets=[], limit=0).passages
                summaries = reader.articles()
                if cluster.generation() == generation:  # no commit in between: one committed state
                    assert passages == sum(a.passages for a in summaries)  # every article whole
                    seen.add(len(summaries))
                    checked += 1
            done.join()
            assert reader.search("", facets=[], limit=0).articles == 40  # the last commit, seen at once
            assert len(seen) > 1 and checked > 2  # states between the first commit and the last were read
    finally:
        drop_cluster_index(url)
