"""Writing an OpenSearch index (backends/opensearch/writing.py) on the test cluster: incremental runs, rebuilds,
crashes that leave no visible half article and are repaired by the next run, and `check`."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchkit import Index
from searchkit.backends.opensearch import batches, writing
from searchkit.indexing import in_part
from searchkit.errors import IndexInterrupted, SearchkitError

from conftest import REPO, cluster_index_name, drop_cluster_index, story_corpus

FILES = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return story_corpus(tmp_path_factory.mktemp("cluster-corpus") / "corpus", FILES)


@pytest.fixture
def url(opensearch_url):
    name = f"{opensearch_url}/{cluster_index_name('writing')}"
    yield name
    drop_cluster_index(name)


def documents(ix: Index) -> dict[str, dict]:
    """Every passage document in the index, visible or not: _id -> source."""
    cluster = ix.backend.cluster
    cluster.client.indices.refresh(index=cluster.index)
    found = cluster.client.search(index=cluster.index, body={"query": {"match_all": {}}, "size": 10_000})
    return {hit["_id"]: hit["_source"] for hit in found["hits"]["hits"]}


def visible(ix: Index) -> dict[str, dict]:
    """The passages reads see (the visibility filter applied): passage_id -> source."""
    cluster = ix.backend.cluster
    query = {"bool": {"filter": [cluster.visibility()]}}
    found = cluster.client.search(index=cluster.index, body={"query": query, "size": 10_000})
    return {hit["_source"]["passage_id"]: hit["_source"] for hit in found["hits"]["hits"]}


def whole_articles(passages: dict[str, dict]) -> dict[str, int]:
    """article id -> passages, asserting that every article shown is whole and shown once."""
    by_article: dict[str, list[int]] = {}
    for doc in passages.values():
        by_article.setdefault(doc["article_id"], []).append(doc["position"])
    heads = {d["article_id"]: d["article"]["passages"] for d in passages.values() if d.get("head")}
    for article_id, positions in by_article.items():
        assert sorted(positions) == list(range(heads[article_id])), article_id
    return {a: len(p) for a, p in by_article.items()}


def test_the_seeds_index_on_both_engines_checks_clean_with_the_same_passages(backend_seed_index, seed_index):
    assert backend_seed_index.check() == []
    if backend_seed_index.path is None:
        counts = whole_articles(visible(backend_seed_index))
        assert sum(counts.values()) == seed_index.stats().passages
        assert len(counts) == seed_index.stats().articles


def test_an_incremental_run_rewrites_only_changed_files_and_removes_deleted_ones(corpus, tmp_path, url):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(corpus.iterdir())[:6]:
        (folder / path.name).write_bytes(path.read_bytes())
    with Index(url) as ix:
        assert ix.add([folder]).indexed == 6
        before = documents(ix)
        again = ix.add([folder])
        assert (again.unchanged, again.indexed, again.updated, again.passages) == (6, 0, 0, 0)
        assert documents(ix) == before  # nothing rewritten

        changed, deleted = folder / "story000.txt", folder / "story001.txt"
        changed.write_text(changed.read_text().replace("Story number 0", "Story number zero, revised"))
        deleted.unlink()
        report = ix.add([folder])
        assert (report.updated, report.removed, report.unchanged) == (1, 1, 4)
        after = visible(ix)
        titles = {d["title"] for d in after.values() if d["source_key"] == str(changed.resolve())}
        assert titles == {"Story number zero, revised"}
        assert not [d for d in after.values() if d["source_key"] == str(deleted.resolve())]
        assert len(documents(ix)) == len(after)  # the old copies are deleted, not only hidden
        unchanged_ids = {i for i, d in before.items() if d["source_key"] not in (str(changed.resolve()),
                                                                                 str(deleted.resolve()))}
        assert unchanged_ids <= documents(ix).keys()  # the four unchanged files' passages are the same documents
        assert ix.check() == []


def test_a_rebuild_writes_everything_again_in_a_new_epoch(corpus, url):
    with Index(url) as ix:
        ix.add([corpus])
        epoch = ix.backend.cluster.generation().split(":")[0]
        first = documents(ix)
        report = ix.add([corpus], rebuild=True)
        assert report.indexed == FILES
        rebuilt = documents(ix)
        assert len(rebuilt) == len(first) and not rebuilt.keys() & first.keys()
        assert ix.backend.cluster.generation().split(":")[0] != epoch
        assert ix.check() == []


def _index_until_the_third_commit_then_die(url: str, folder: str) -> None:
    """Index `folder`, and die (no clean-up at all) at the third commit: after its passages were written and
    refreshed, before the state shows them."""
    commits = 0
    original = writing.Cluster.commit

    def commit(self, batch, token, retired):
        nonlocal commits
        commits += 1
        if commits == 3:
            os._exit(9)
        original(self, batch, token, retired)

    writing.Cluster.commit = commit
    Index(url).add([folder], commit_every=20, workers=1)


def test_a_run_dying_with_written_passages_shows_no_half_article_and_the_next_run_repairs_it(corpus, url):
    child = multiprocessing.get_context("fork").Process(target=_index_until_the_third_commit_then_die,
                                                         args=(url, str(corpus)))
    child.start()
    child.join(120)
    assert child.exitcode == 9
    with Index(url) as ix:
        shown, stored = visible(ix), documents(ix)
        assert len(stored) > len(shown)  # the dead run's last batch is in the index, hidden
        shown_articles = whole_articles(shown)
        assert 0 < len(shown_articles) < FILES
        problems = ix.check()
        assert len(problems) == 1 and "of a run that did not finish" in problems[0], problems
        report = ix.add([corpus])
        assert report.unchanged == len(shown_articles) and report.indexed == FILES - len(shown_articles)
        assert ix.check() == []
        assert documents(ix).keys() == {f"{p}@{d['batch']}" for p, d in visible(ix).items()}
        assert len(whole_articles(visible(ix))) == FILES


def test_a_killed_index_command_leaves_whole_articles_and_a_rerun_finishes(corpus, url):
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", url, "--commit-every", "20",
               "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with Index(url) as ix:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if ix.backend.cluster.exists() and ix.backend.cluster.generation().endswith(":2"):
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        whole_articles(visible(ix))
        ix.add([corpus])
        assert ix.check() == []
        assert len(whole_articles(visible(ix))) == FILES


def test_an_interrupted_run_deletes_its_unfinished_batch_at_once(corpus, url):
    def interrupt(done: int, total: int, current: str) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with Index(url) as ix:
        with pytest.raises(IndexInterrupted):
            ix.add([corpus], commit_every=1_000_000, workers=1, progress=interrupt)
        assert documents(ix) == {}  # nothing committed; the batch's passages deleted by cancel
        assert ix.check() == []


def test_check_finds_a_passage_deleted_behind_searchkits_back(corpus, url):
    with Index(url) as ix:
        ix.add(sorted(corpus.iterdir())[:3])
        cluster = ix.backend.cluster
        victim = next(d for d in visible(ix).values() if d["position"] == 1)
        cluster.client.delete(index=cluster.index, id=f"{victim['passage_id']}@{victim['batch']}",
                              routing=victim["article_id"], refresh=True)
        problems = ix.check()
        assert len(problems) == 1 and problems[0].startswith(f"article {victim['article_id']}: expected passages 0..")


def run_index(url: str, *args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "searchkit.cli", "index", *args, "--index", url, "--workers", "1", "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def passages_of(ix: Index) -> set[tuple[str, str, str]]:
    return {(d["passage_id"], d["title"], d["text"]) for d in visible(ix).values()}


def test_two_parts_run_at_once_give_what_one_run_gives(corpus, url, opensearch_url):
    parts = [run_index(url, str(corpus), "--part", f"{k}/2", "--commit-every", "10") for k in (1, 2)]
    outcomes = [p.communicate(timeout=300) for p in parts]
    assert [p.returncode for p in parts] == [0, 0], [err for _, err in outcomes]
    reports = [json.loads(out) for out, _ in outcomes]
    assert sum(r["indexed"] for r in reports) == FILES and min(r["indexed"] for r in reports) > FILES // 4
    whole = f"{opensearch_url}/{cluster_index_name('whole')}"
    try:
        with Index(url) as parted, Index(whole) as single:
            single.add([corpus])
            assert passages_of(parted) == passages_of(single)
            assert parted.check() == []
            again = parted.add([corpus], part=(1, 2))  # a part's run leaves the other part's files alone
            assert again.unchanged == reports[0]["indexed"] and again.removed == 0
            assert passages_of(parted) == passages_of(single)
    finally:
        drop_cluster_index(whole)


def test_a_part_removes_only_its_own_files_gone(corpus, tmp_path, url):
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    with Index(url) as ix:
        ix.add([folder])
        shutil.rmtree(folder)
        report = ix.add([tmp_path], part=(1, 3))
        assert 0 < report.removed < FILES
        left = {d["source_key"] for d in visible(ix).values()}
        assert len(left) == FILES - report.removed
        assert not [key for key in left if in_part(key, (1, 3))]


def test_the_manifest_and_registry_live_in_the_cluster_not_on_this_machine(corpus, tmp_path, url):
    overrides = tmp_path / "overrides.txt"
    overrides.write_text("Jane Doe = Jane Q. Doe\n")
    places = {}
    for run in ("first", "second"):
        home = places[run] = tmp_path / run
        (home / "tmp").mkdir(parents=True)
        env = {"HOME": str(home), "TMPDIR": str(home / "tmp"), "XDG_CACHE_HOME": str(home / "cache")}
        extra = ["--actor-overrides", str(overrides)] if run == "first" else []
        out, err = run_index(url, str(corpus), *extra, cwd=home, env=env).communicate(timeout=300)
        assert err == "" or "Traceback" not in err, err
        report = json.loads(out)
        assert report["unchanged"] == (0 if run == "first" else FILES)
    assert [p for p in places["first"].rglob("*") if p.is_file()] == []
    # The second run, which was not given the overrides, got them from the cluster: its only file is their copy.
    copies = [p for p in places["second"].rglob("*") if p.is_file()]
    assert [p.read_text() for p in copies] == [overrides.read_text()]
    with Index(url) as ix:
        saved = ix.backend.cluster.store.read("registry")
        assert saved["key"].endswith(ix.backend.cluster.generation()) and saved["tokens"]


def test_an_unreachable_cluster_is_one_line_naming_the_location_without_secrets(tmp_path, monkeypatch, write):
    monkeypatch.setenv("SEARCHKIT_OPENSEARCH_USER", "reader")
    monkeypatch.setenv("SEARCHKIT_OPENSEARCH_PASSWORD", "s3cret-word")
    write("in/one.txt", "One\n\nA paragraph of text about the talks in Baghdad on Monday.\n")
    with pytest.raises(SearchkitError) as raised:
        Index("http://127.0.0.1:9/news").add([tmp_path / "in"])
    message = str(raised.value)
    assert message.startswith("http://127.0.0.1:9/news: cannot reach the cluster") and "\n" not in message
    assert "s3cret" not in message and "reader" not in message


def test_removing_many_articles_commits_them_a_bounded_number_at_a_time(corpus, tmp_path, url, monkeypatch):
    monkeypatch.setattr(batches, "MAX_RETIRED", 4)
    retired_at_commit = []
    original = writing.Cluster.commit

    def commit(self, batch, token, retired):
        retired_at_commit.append(len(retired))
        original(self, batch, token, retired)

    monkeypatch.setattr(writing.Cluster, "commit", commit)
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    with Index(url) as ix:
        ix.add([folder])
        retired_at_commit.clear()
        shutil.rmtree(folder)
        assert ix.add([tmp_path]).removed == FILES
        assert max(retired_at_commit) == 4 and sum(retired_at_commit) == FILES
        assert visible(ix) == {} and documents(ix) == {}
        assert ix.backend.cluster.store.state().retired == []
        assert ix.check() == []
