"""The development cluster itself (scripts/opensearch-cluster): three nodes, green, still answering in full while one
node is down, and an `index` run finishing with nothing lost when a node dies under it."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import pytest
from opensearchpy import helpers

from searchkit import Index
from searchkit.backends.opensearch.connection import make_client, parse_location
from searchkit.backends.opensearch.mapping import IndexSettings, index_body

from conftest import cluster_index_name, drop_cluster_index, story_corpus

PASSAGES = 3000
FAULT_FILES = 300  # enough for the run to outlast the first commit by the time a node is killed


@pytest.fixture(scope="module")
def client(opensearch_url):
    return make_client(parse_location(f"{opensearch_url}/unused"), timeout=60)


def test_the_cluster_has_three_nodes_and_is_green(client):
    health = client.cluster.health(wait_for_status="green", params={"timeout": "60s"}, request_timeout=90)
    assert (health["status"], health["number_of_nodes"], health["number_of_data_nodes"]) == ("green", 3, 3)
    nodes = client.nodes.info(metric="process,plugins")["nodes"].values()
    assert len({node["process"]["id"] for node in nodes}) == 3  # one process a node
    for node in nodes:
        assert {"analysis-common", "lang-painless"} <= {module["name"] for module in node["modules"]}


def elected_manager(client) -> str:
    return client.cat.cluster_manager(format="json")[0]["node"]


def count_all(client, index: str) -> tuple[int, int]:
    """Total hits of a query every passage matches (exact), and the number of shards that failed to answer."""
    found = client.search(index=index, body={"query": {"match": {"text": "passage"}}, "track_total_hits": True,
                                             "size": 0})
    return found["hits"]["total"]["value"], found["_shards"]["failed"]


def test_searches_stay_complete_while_a_node_is_down_and_it_comes_back(client, opensearch_cluster):
    if opensearch_cluster.folder is None:
        pytest.skip("SEARCHKIT_TEST_OPENSEARCH names a URL, not a cluster folder: this test must kill and start nodes")
    index = f"test-fault-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, body=index_body(IndexSettings(shards=3, replicas=1)))
    try:
        docs = ({"_index": index, "_id": f"a{i}#0", "passage_id": f"a{i}#0", "article_id": f"a{i}",
                 "text": f"passage number {i} of the fault test"} for i in range(PASSAGES))
        assert helpers.bulk(client, docs, refresh=True)[0] == PASSAGES
        client.cluster.health(index=index, wait_for_status="green", params={"timeout": "60s"}, request_timeout=90)
        # The node that leads the cluster when it is not node 1 (the URL's): its loss also forces an election.
        victim = elected_manager(client)
        number = int(victim.rsplit("-", 1)[1]) if victim != "node-1" else 3
        opensearch_cluster.run("kill-node", str(number))
        try:
            counts, deadline = [], time.monotonic() + 30
            while time.monotonic() < deadline:  # search through the moment the loss is noticed, and after
                counts.append(count_all(client, index))
                if client.cluster.health()["number_of_nodes"] == 2 and len(counts) >= 20:
                    break
            assert client.cluster.health()["number_of_nodes"] == 2
            assert set(counts) == {(PASSAGES, 0)}
        finally:
            opensearch_cluster.run("start-node", str(number))
        health = client.cluster.health(wait_for_status="green", wait_for_nodes="3", params={"timeout": "90s"},
                                       request_timeout=120)
        assert (health["status"], health["number_of_nodes"]) == ("green", 3)
        assert count_all(client, index) == (PASSAGES, 0)
    finally:
        client.indices.delete(index=index)


def test_indexing_finishes_while_a_node_is_killed_and_nothing_is_lost(client, opensearch_cluster, tmp_path):
    """With one replica, kill one node of three during an `index` run: the run finishes (bulk items refused while
    the node's shards fail over are sent again), nothing is lost, and the cluster is green again once it returns."""
    if opensearch_cluster.folder is None:
        pytest.skip("SEARCHKIT_TEST_OPENSEARCH names a URL, not a cluster folder: this test must kill and start nodes")
    corpus = story_corpus(tmp_path / "corpus", FAULT_FILES)
    with Index(tmp_path / "whoosh") as whoosh:
        whoosh.add([corpus])
        expected = whoosh.stats()
    url = f"{opensearch_cluster.url}/{cluster_index_name('fault-indexing')}"
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", url, "--commit-every", "20",
               "--workers", "1", "--json"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with Index(url) as ix:
            deadline = time.monotonic() + 120
            while not (ix.backend.cluster.exists() and ix.backend.cluster.generation().endswith(":1")):
                assert run.poll() is None and time.monotonic() < deadline, "the run ended before its first commit"
                time.sleep(0.05)
            victim = elected_manager(client)
            number = int(victim.rsplit("-", 1)[1]) if victim != "node-1" else 3
            opensearch_cluster.run("kill-node", str(number))
            try:
                assert run.poll() is None, "the run ended before the node was killed: give it more files"
                out, err = run.communicate(timeout=600)
                assert run.returncode == 0, err
                assert client.cluster.health()["number_of_nodes"] == 2
            finally:
                opensearch_cluster.run("start-node", str(number))
            report = json.loads(out)
            assert (report["indexed"], report["passages"]) == (FAULT_FILES, expected.passages)
            health = client.cluster.health(wait_for_status="green", wait_for_nodes="3", params={"timeout": "120s"},
                                           request_timeout=150)
            assert (health["status"], health["number_of_nodes"]) == ("green", 3)
            assert ix.check() == []
            visible = {"bool": {"filter": [ix.backend.cluster.visibility()]}}
            passages = client.count(index=ix.backend.cluster.index, body={"query": visible})["count"]
            heads = client.count(index=ix.backend.cluster.index,
                                 body={"query": {"bool": {"filter": [visible, {"term": {"head": True}}]}}})["count"]
            assert (passages, heads) == (expected.passages, expected.articles)
    finally:
        run.kill()
        drop_cluster_index(url)
