"""The Whoosh layer under stress: killed and interrupted runs, searches during indexing, locks, `check`."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.query import Term

from searchkit import Index
from searchkit.read import pipeline
from searchkit.backends.whoosh.index import SCHEMA_VERSION, BatchWriter, IndexStore, analyse_articles, trie_ranges
from searchkit.errors import SearchkitError
from searchkit.read.ingest import read_article_file

from conftest import story_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FILES = 200


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return story_corpus(tmp_path_factory.mktemp("crash") / "corpus", FILES)


# One process; and four: two reading files, two writing segments (`Index.add`'s split of its workers).
WORKERS = [1, 4]


def start_indexing(corpus: Path, index: Path, workers: int = 1) -> subprocess.Popen:
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(index),
               "--commit-every", "20", "--workers", str(workers)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_from_a_terminal)


def _ctrl_c_as_from_a_terminal() -> None:
    # A shell starts background jobs (`pytest ... &` in a script) with SIGINT ignored, and the run inherited that:
    # it ignored the test's Ctrl-C and ran to the end (exit 0, or past the timeout with four workers).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_first_commit(index: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (index.exists() and IndexStore(index).exists() and Index(index).stats().articles):
        assert process.poll() is None, "indexing ended before its first commit"
        assert time.monotonic() < deadline
        time.sleep(0.05)


def child_processes(parent: int) -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.add(int(stat.parent.name))
    return children


@pytest.mark.parametrize("workers", WORKERS)
def test_killed_runs_leave_a_complete_index_and_a_rerun_finishes(corpus, tmp_path, workers, processes):
    index, rng = tmp_path / "ix", random.Random(11)
    seen = []
    for _ in range(3):
        process = start_indexing(corpus, index, workers)
        wait_for_first_commit(index, process)
        time.sleep(rng.uniform(0.0, 0.2))
        children = child_processes(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        processes.wait_until_ended(children)  # readers and writers of a killed run do not live on
        with Index(index) as ix:
            assert ix.check() == []  # every article present has all its passages, once
            seen.append(ix.stats().articles)
            assert ix.search("*", limit=1, facets=()).total == ix.stats().passages
    assert min(seen) < FILES  # a kill did land mid-run
    finished = start_indexing(corpus, index, workers)
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    with Index(index) as ix:
        assert ix.check() == [] and ix.stats().articles == FILES


@pytest.fixture(scope="module")
def one_jsonl(corpus) -> Path:
    """The corpus's FILES articles as the lines of one JSON Lines file."""
    feed = corpus.parent / "feed" / "all.jsonl"
    feed.parent.mkdir()
    lines = (json.dumps({"id": p.stem, "text": p.read_text()}) for p in sorted(corpus.glob("*.txt")))
    feed.write_text("\n".join(lines) + "\n")
    return feed


@pytest.mark.parametrize("workers", WORKERS)
def test_a_killed_run_over_one_jsonl_file_keeps_whole_articles_and_a_rerun_writes_only_the_rest(
        one_jsonl, tmp_path, workers):
    # Commits now fall between the batches of lines of one file: each article is still whole or absent.
    index = tmp_path / "ix"
    process = start_indexing(one_jsonl.parent, index, workers)
    wait_for_first_commit(index, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Index(index) as ix:
        assert ix.check() == []
        kept = ix.stats().articles
        assert 0 < kept < FILES
        report = ix.add([one_jsonl.parent], workers=workers)
        assert (report.updated, report.articles) == (1, FILES - kept)
        assert ix.check() == [] and ix.stats().articles == FILES


@pytest.mark.parametrize("workers", WORKERS)
def test_ctrl_c_stops_cleanly_with_a_message_and_keeps_committed_work(corpus, tmp_path, workers):
    index = tmp_path / "ix"
    process = start_indexing(corpus, index, workers)
    wait_for_first_commit(index, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    with Index(index) as ix:
        assert ix.check() == [] and 0 < ix.stats().articles < FILES


@pytest.mark.parametrize("workers", WORKERS)
def test_searches_during_indexing_see_committed_states_only(corpus, tmp_path, workers):
    index = tmp_path / "ix"
    process = start_indexing(corpus, index, workers)
    wait_for_first_commit(index, process)
    counts = []
    with Index(index) as reader:
        while process.poll() is None:
            assert reader.check() == []
            results = reader.search("iran OR iraq", facets=("outlet", "year"), limit=3)
            counts.append(reader.stats().articles)
            assert results.total > 0
    assert process.returncode == 0
    assert counts == sorted(counts) and len(counts) >= 2


def test_a_lock_left_by_a_killed_process_does_not_block_the_next_run(corpus, tmp_path):
    index = tmp_path / "ix"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from searchkit.backends.whoosh.index import IndexStore, trie_ranges\n"
         "with IndexStore(sys.argv[1]).run_lock():\n    print('held', flush=True); time.sleep(60)", str(index)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(Exception, match="locked by another process"):
        Index(index).add([corpus / "story000.txt"], lock_timeout=0.2)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert Index(index).add([corpus / "story000.txt"], lock_timeout=2).indexed == 1


def test_check_reports_an_article_missing_passages(corpus, tmp_path):
    with Index(tmp_path / "ix") as ix:
        ix.add([corpus / "story001.txt", corpus / "story002.txt"])
        assert ix.check() == []
        whoosh_index = ix.backend.store.open()
        with whoosh_index.searcher() as searcher:
            second = next(d for d in searcher.docs_for_query(Term("article_id", "story001"))
                          if searcher.stored_fields(d)["position"] == 1)
        with whoosh_index.writer() as writer:  # damage it: drop one passage behind the index's back
            writer.delete_document(second)
        problems = ix.check()
    assert len(problems) == 1 and "story001" in problems[0] and "expected passages" in problems[0]


def test_check_command_exit_codes(corpus, tmp_path):
    from click.testing import CliRunner

    from searchkit.cli import main

    Index(tmp_path / "ix").add([corpus / "story003.txt"])
    result = CliRunner().invoke(main, ["check", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0 and "healthy" in result.output
    result = CliRunner().invoke(main, ["check", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no index" in result.output


def test_an_index_of_classes_this_version_lacks_asks_for_a_rebuild(corpus, tmp_path, monkeypatch):
    """Indexes from before the backends/ layout pickled their schema's classes as searchkit.index.*: opening one
    raised ModuleNotFoundError from deep in Whoosh. Here the class's module is gone and the schema marker current,
    the worst case."""
    from whoosh import fields, index as whoosh_index

    (tmp_path / "gone_analysis.py").write_text("from whoosh.analysis import RegexTokenizer\n"
                                               "class OldTokenizer(RegexTokenizer):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import gone_analysis

    folder = tmp_path / "ix"
    folder.mkdir()
    whoosh_index.create_in(str(folder), fields.Schema(text=fields.TEXT(analyzer=gone_analysis.OldTokenizer())))
    (folder / "searchkit.json").write_text(json.dumps({"schema": SCHEMA_VERSION}))
    monkeypatch.delitem(sys.modules, "gone_analysis")
    (tmp_path / "gone_analysis.py").unlink()
    message = rf"^index {folder} was built by another searchkit version; rebuild it with --rebuild$"
    with pytest.raises(SearchkitError, match=message):
        Index(folder, create=False).search("iran")
    with pytest.raises(SearchkitError, match=message):
        Index(folder).check()
    assert Index(folder).add([corpus / "story003.txt"], rebuild=True).indexed == 1
    assert Index(folder, create=False).search("*").total > 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_analysed_articles_are_indexed_exactly_as_their_text(tmp_path):
    # Worker processes analyse titles and passages; from their analysis the writer must build the very index it
    # builds from the text: the same postings with positions, field lengths and stored fields.
    source = sorted(SEEDS.glob("*.txt"))[0]
    article = pipeline.build_article(read_article_file(source), "story")
    indexes = []
    for name, analysed in (("from-text", None), ("analysed", analyse_articles([article]))):
        ix = IndexStore(tmp_path / name).create()
        writer = BatchWriter(ix)
        writer.add_articles("key", [article], "digest", prepared=analysed)
        writer.commit()
        with ix.searcher() as searcher:
            reader = searcher.reader()
            docs = list(reader.all_doc_ids())
            indexes.append((
                {(f, t): list(reader.postings(f, t).items_as("positions")) for f in ("title", "text")
                 for t, _ in reader.iter_field(f)},
                [(reader.doc_field_length(d, "title"), reader.doc_field_length(d, "text")) for d in docs],
                [searcher.stored_fields(d) for d in docs],
            ))
    assert len(indexes[0][0]) > 100 and len(indexes[0][2]) == len(article.passages) > 1
    assert indexes[0] == indexes[1]


def test_index_module_is_importable_without_side_effects():
    code = "import searchkit, sys; print('whoosh' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


@pytest.mark.parametrize("seed", range(5))
def test_trie_ranges_cover_exactly_the_range_in_aligned_blocks(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        start = rng.choice([rng.randrange(300), rng.randrange(4_000_000), rng.randrange(2**32)])
        end = min(2**32 - 1, rng.choice([start + rng.randrange(300), start + rng.randrange(4_000_000),
                                         rng.randrange(start, 2**32)]))
        blocks = sorted(trie_ranges(start, end, 32, 8))
        assert blocks[0][0] == start and blocks[-1][1] == end
        assert all(last + 1 == following[0] for (_, last, _), following in zip(blocks, blocks[1:]))
        assert all(first % (1 << shift) == 0 and (last + 1) % (1 << shift) == 0 for first, last, shift in blocks)
