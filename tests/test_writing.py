"""Parallel writing: helper processes write segments, and the parent commits all of them or nothing."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from searchkit.read import pipeline
from searchkit.backends.whoosh.index import BatchWriter, IndexStore, analyse_articles
from searchkit.read.ingest import read_article_file
from searchkit.errors import IndexWriteError
from searchkit.backends.whoosh.writing import DOCS_PER_JOB, ParallelWriter, segment_writer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def articles():
    """The seed articles, each a few times over with its own id: more passages than one helper job holds."""
    paths = sorted(SEEDS.glob("*.txt"))
    copies = [pipeline.build_article(read_article_file(p), f"{p.stem}-{n}") for n in range(15) for p in paths]
    assert sum(len(a.passages) for a in copies) > 2 * DOCS_PER_JOB
    return copies


def write_all(path: Path, articles, helpers: int, analysed: bool = True):
    ix = IndexStore(path).create()
    writer = BatchWriter(ix, helpers=helpers)
    writer.add_articles("key", articles, "digest", prepared=analyse_articles(articles) if analysed else None)
    writer.commit()
    return ix


def contents(ix) -> tuple:
    """Everything a search can see, keyed by passage id rather than by document number (which differs when the
    documents are spread over several segments)."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {d: searcher.stored_fields(d)["passage_id"] for d in reader.all_doc_ids()}
        postings = {
            (field, term): sorted((ids[d], tuple(p)) for d, p in reader.postings(field, term).items_as("positions"))
            for field in ("title", "text") for term, _ in reader.iter_field(field)
        }
        keywords = {
            (field, term): sorted(ids[d] for d in reader.postings(field, term).all_ids())
            for field in ("actor", "outlet", "head", "article_id") for term, _ in reader.iter_field(field)
        }
        lengths = sorted((ids[d], reader.doc_field_length(d, "title"), reader.doc_field_length(d, "text")) for d in ids)
        stored = sorted((searcher.stored_fields(d) for d in ids), key=lambda s: s["passage_id"])
        return postings, keywords, lengths, stored, len(reader.leaf_readers())


@pytest.mark.parametrize("analysed", [True, False], ids=["analysed-by-readers", "text"])
def test_helpers_write_the_same_index_as_one_writer(tmp_path, articles, analysed):
    single = contents(write_all(tmp_path / "one", articles, helpers=0))
    parallel = contents(write_all(tmp_path / "two", articles, helpers=2, analysed=analysed))
    assert parallel[-1] == 2 and single[-1] == 1  # really two segments, one per helper
    assert len(single[0]) > 500 and len(single[3]) == sum(len(a.passages) for a in articles)
    assert parallel[:-1] == single[:-1]


def test_a_failing_helper_fails_the_commit_and_the_last_commit_stays(tmp_path, articles):
    ix = write_all(tmp_path / "ix", articles[:3], helpers=0)
    before = contents(ix)
    writer = ParallelWriter(ix, helpers=2, limitmb=8)
    writer.add_document(passage_id="fine", text="a passage")
    writer.add_document(passage_id="bad", no_such_field="x")  # Whoosh refuses it in the helper
    with pytest.raises(IndexWriteError, match="no_such_field"):
        writer.commit()
    assert contents(ix) == before
    assert multiprocessing.active_children() == []
    segment_writer(ix, limitmb=8).cancel()  # the write lock was released


def test_a_helper_killed_mid_batch_fails_the_commit(tmp_path, articles):
    ix = write_all(tmp_path / "ix", articles[:3], helpers=0)
    before = contents(ix)
    writer = ParallelWriter(ix, helpers=2, limitmb=8)
    writer.add_document(passage_id="p", text="a passage")
    os.kill(writer._helpers[0].pid, signal.SIGKILL)
    with pytest.raises(IndexWriteError, match="exit code -9"):
        writer.commit()
    assert contents(ix) == before
    assert multiprocessing.active_children() == []


def test_cancel_stops_the_helpers_and_commits_nothing(tmp_path, articles):
    ix = write_all(tmp_path / "ix", articles[:3], helpers=0)
    before = contents(ix)
    writer = ParallelWriter(ix, helpers=2, limitmb=8)
    for n in range(DOCS_PER_JOB * 3):
        writer.add_document(passage_id=f"p{n}", text="a passage")
    writer.cancel()
    assert multiprocessing.active_children() == []
    assert contents(ix) == before
    segment_writer(ix, limitmb=8).cancel()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_helpers_end_when_their_parent_is_killed(tmp_path, processes):
    IndexStore(tmp_path / "ix").create()
    script = (
        "import sys, time\n"
        "from searchkit.backends.whoosh.index import IndexStore\n"
        "from searchkit.backends.whoosh.writing import ParallelWriter\n"
        "writer = ParallelWriter(IndexStore(sys.argv[1]).open(), helpers=2, limitmb=8)\n"
        "print(*[h.pid for h in writer._helpers], flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "ix")], stdout=subprocess.PIPE, text=True)
    helpers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(helpers) == 2 and all(processes.running(pid) for pid in helpers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    processes.wait_until_ended(helpers)
