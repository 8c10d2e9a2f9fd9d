"""Durable as a database: a power cut at any moment of an indexing run leaves the last durable commit; a full disk
or an I/O error stops the run with one line and the index at its last commit; a search survives a full disk.

The power cuts are simulated (`powercut.Disk`): the run is recorded operation by operation in this process
(`workers=1`), and at a random operation the disk keeps only what was synced, plus a random part of the rest.
"""
from __future__ import annotations

import dataclasses
import errno
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from whoosh.query import Term

import searchkit.durable
from searchkit import Index
from searchkit.cli import EXIT_DISK, main
from searchkit.backends.whoosh.index import BatchWriter, IndexStore
from searchkit.backends.whoosh.backend import WhooshBackend
from searchkit.errors import IndexDiskError

from powercut import Disk, PowerCut, recording

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
COMMIT_EVERY = 5  # passages: a commit every two files or so
# Crash points: a few in CI (about a second each), hundreds in the long profile.
POWER_CUTS = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 6


def story(rng: random.Random, paragraphs: list[str], n: int) -> str:
    body = "\n\n".join(rng.sample(paragraphs, rng.randint(2, 3)))
    return f"Story number {n}\n\nBy Jane Doe\n\nPublished: May 28 2007\n\n{body}\n"


@dataclass(frozen=True)
class Scenario:
    """An index of a first corpus, then a run over a second one that adds, changes and removes files."""

    corpus: Path
    baseline: Path  # the index before the run: everything in it durable
    states: list[tuple[int, int]]  # (articles, passages) of the baseline and after each commit of the run
    reported_at: list[int]  # how many file operations the run had made when each commit was reported
    operations: int  # file operations of the whole run


def make_corpus(folder: Path) -> Path:
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text().split("\n") if len(p) > 200]
    rng = random.Random(3)
    corpus = folder / "corpus"
    corpus.mkdir()
    for n in range(10):
        (corpus / f"story{n:02}.txt").write_text(story(rng, paragraphs, n))
    return corpus


def state(index: Path) -> tuple[int, int]:
    """(articles, passages) of the index, read without writing any cache (the recorder would count the writes)."""
    with IndexStore(index).open().searcher() as searcher:
        return len(list(searcher.docs_for_query(Term("head", "1")))), searcher.doc_count()


def run(corpus: Path, index: Path) -> None:
    with Index(index) as ix:
        ix.add([corpus], workers=1, commit_every=COMMIT_EVERY)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    folder = tmp_path_factory.mktemp("power")
    corpus = make_corpus(folder)
    baseline = folder / "baseline"
    with Index(baseline) as ix:
        ix.add([corpus / f"story{n:02}.txt" for n in range(4)], workers=1)
    (corpus / "story00.txt").unlink()  # the run removes it,
    (corpus / "story01.txt").write_text((corpus / "story01.txt").read_text() + "\nA last paragraph, changed.\n")
    states, reported_at = [state(baseline)], []
    work = folder / "dry"
    shutil.copytree(baseline, work)
    real_commit = BatchWriter.commit

    def commit(self):
        real_commit(self)
        states.append(state(work))
        reported_at.append(disk.operations)

    with mock.patch.object(BatchWriter, "commit", commit), recording(Disk(work)) as disk:
        run(corpus, work)
    assert len(states) >= 4 and disk.syncs  # several commits, and the run does sync
    return Scenario(corpus, baseline, states, reported_at, disk.operations)


def cut_power(scenario: Scenario, cut_at: int, rng: random.Random | None, folder: Path) -> tuple[Path, int]:
    """Run the scenario until the power goes at operation `cut_at`: (what the disk holds, commits reported)."""
    work, survivor = folder / "ix", folder / "after"
    shutil.copytree(scenario.baseline, work)
    reported = []
    real_commit = BatchWriter.commit

    def commit(self):
        real_commit(self)
        reported.append(True)

    with mock.patch.object(BatchWriter, "commit", commit), recording(Disk(work, survivor, cut_at, rng)):
        with pytest.raises(PowerCut):
            run(scenario.corpus, work)
    return survivor, len(reported)


def assert_at_a_durable_commit(scenario: Scenario, survivor: Path, reported: int) -> None:
    """The index opens at the last commit reported, or at the one under way when the power went; it is whole; a
    search answers; its vocabulary is whole; and a rerun finishes the job."""
    with Index(survivor, create=False) as ix:
        assert ix.check() == []
        articles, passages = state(survivor)
        assert (articles, passages) in scenario.states[reported:reported + 2]
        assert ix.stats().passages == passages
        assert ix.search("*", limit=1, facets=("outlet", "year", "actor")).total == passages
    vocabulary = survivor / "vocabulary.json"
    if vocabulary.exists():
        json.loads(vocabulary.read_text(encoding="utf-8"))
    run(scenario.corpus, survivor)
    with Index(survivor, create=False) as ix:
        assert ix.check() == []
    assert state(survivor) == scenario.states[-1]


@settings(max_examples=POWER_CUTS)
@given(data=st.data())
def test_a_power_cut_at_any_moment_leaves_the_last_durable_commit(scenario, data):
    cut_at = data.draw(st.integers(1, scenario.operations), label="cut at operation")
    seed = data.draw(st.integers(0, 2**32 - 1), label="fates of what was not synced")
    with tempfile.TemporaryDirectory() as folder:
        survivor, reported = cut_power(scenario, cut_at, random.Random(seed), Path(folder))
        assert_at_a_durable_commit(scenario, survivor, reported)


def test_a_power_cut_after_a_commit_keeps_it_even_when_everything_unsynced_is_lost(scenario, tmp_path):
    """The worst case, at the moment just after the first commit is reported: it must be there."""
    survivor, reported = cut_power(scenario, scenario.reported_at[0] + 1, None, tmp_path)
    assert reported == 1 and state(survivor) == scenario.states[1]


def test_without_syncing_a_power_cut_loses_a_reported_commit(scenario, tmp_path, monkeypatch):
    """The simulated disk has teeth: with syncing off (what searchkit did before), a commit reported done is
    gone after the power cut, or the index does not open."""
    monkeypatch.setenv(searchkit.durable.SYNC_ENV, "0")
    work = tmp_path / "dry"
    shutil.copytree(scenario.baseline, work)
    with recording(Disk(work)) as unsynced:
        run(scenario.corpus, work)
    survivor, reported = cut_power(scenario, unsynced.operations, None, tmp_path)  # the run's last operation
    assert reported >= 1
    try:
        kept = state(survivor)
    except Exception:  # the index itself is gone or unreadable
        return
    assert kept == scenario.states[0] != scenario.states[reported]


# -- a full disk and I/O errors ------------------------------------------------------------------------------------
def phases(scenario: Scenario, folder: Path) -> list[tuple[str, str]]:
    """(kind, phase) of every operation of the scenario's run (phases: see `committing`)."""
    work = folder / "phases"
    shutil.copytree(scenario.baseline, work)
    with recording(Disk(work)) as disk, committing(disk):
        run(scenario.corpus, work)
    return disk.log


@contextmanager
def committing(disk: Disk):
    """Tell `disk` what the run is doing ("commit", "caches" once every batch is committed, else "batch"), and
    count the commits reported."""
    real_commit, real_warm = BatchWriter.commit, WhooshBackend._warm_caches
    disk.reported = 0

    def commit(self):
        disk.phase = "commit"
        try:
            real_commit(self)
        finally:
            disk.phase = "batch"
        disk.reported += 1

    def warm(self):
        disk.phase = "caches"
        real_warm(self)

    with mock.patch.object(BatchWriter, "commit", commit), mock.patch.object(WhooshBackend, "_warm_caches", warm):
        yield


FAULTS = [  # (errno, the kind of operation that fails, during what)
    (errno.ENOSPC, "write", "batch"), (errno.ENOSPC, "write", "commit"),
    (errno.EIO, "write", "batch"), (errno.EIO, "fsync", "commit"),
]


@pytest.mark.parametrize("error, kind, phase", FAULTS, ids=lambda v: errno.errorcode.get(v, v) if isinstance(v, int) else v)
def test_a_failing_disk_stops_the_run_with_one_line_and_the_index_at_its_last_commit(scenario, tmp_path, error, kind, phase):
    of_kind = [p for k, p in phases(scenario, tmp_path) if k == kind]
    nth = random.Random(f"{error}{kind}{phase}").choice([n for n, p in enumerate(of_kind) if p == phase]) + 1
    work = tmp_path / "ix"
    shutil.copytree(scenario.baseline, work)
    disk = Disk(work, fail_at=nth, fail_errno=error, fail_kinds=frozenset({kind}))
    with recording(disk), committing(disk):
        result = CliRunner().invoke(main, ["index", str(scenario.corpus), "--index", str(work), "--workers", "1",
                                           "--commit-every", str(COMMIT_EVERY), "--quiet"])
    assert result.exit_code == EXIT_DISK, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(work) in lines[0] and f"({errno.errorcode[error]})" in lines[0], lines
    assert state(work) == scenario.states[disk.reported]  # the last commit, whole
    with Index(work, create=False) as ix:
        assert ix.check() == []
    assert not [p.name for p in work.rglob("*") if ".toc." in p.name or p.name.endswith(".tmp")]  # nothing half made
    run(scenario.corpus, work)  # the disk works again: a rerun finishes the job
    assert state(work) == scenario.states[-1]


def test_a_search_on_a_full_disk_skips_its_caches_and_answers(seed_index, tmp_path):
    """Every cache a search would write (facet columns, their join, the actor merge) fails with ENOSPC at its first
    write: the answers are the same, and nothing is left in the folder."""
    index = tmp_path / "ix"
    shutil.copytree(seed_index.path, index, ignore=shutil.ignore_patterns("facets", "postings", "actors.json"))
    before = files(index)
    queries = [("iran OR talks", ["Maliki"]), ("security", [])]
    expected = [seed_index.search(q, actors=a, facets=("outlet", "actor", "year")) for q, a in queries]
    disk = Disk(index, fail_at=1, fail_errno=errno.ENOSPC, fail_kinds=frozenset({"write"}), stays_failing=True)
    with recording(disk):
        for (query, actors), wanted in zip(queries, expected):
            with Index(index, create=False) as ix:  # a new searcher each time: each tries to cache again
                results = ix.search(query, actors=actors, facets=("outlet", "actor", "year"))
            assert (results.total, results.facets, [h.passage_id for h in results.hits]) == (
                wanted.total, wanted.facets, [h.passage_id for h in wanted.hits])
    assert disk.failed >= 2  # writes were tried, and failed
    assert files(index) == before  # no cache, and no piece of one


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- read-only archives ---------------------------------------------------------------------------------------------
READS = {  # what a reader asks, less what differs between two askings (time taken, the folder's size)
    "search": lambda ix: dataclasses.replace(
        ix.search("iran OR talks", actors=["Maliki"], facets=("outlet", "actor", "year", "month")), took_ms=0),
    "articles": lambda ix: ix.articles(),
    "actors": lambda ix: ix.actors(),
    "stats": lambda ix: dataclasses.replace(ix.stats(), size_bytes=0),
    "check": lambda ix: ix.check(),
}


def answers(index: Path) -> dict:
    with Index(index, create=False) as ix:
        return {name: read(ix) for name, read in READS.items()}


def without_caches(seed_index, folder: Path) -> Path:
    """A copy of the seed index whose caches were never written (an index from an older searchkit, say)."""
    index = folder / "ix"
    shutil.copytree(seed_index.path, index, ignore=shutil.ignore_patterns("facets", "postings", "actors.json"))
    return index


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES], ids=errno.errorcode.get)
def test_a_read_only_index_is_searched_listed_and_checked_without_writing(seed_index, tmp_path, error):
    """Root ignores file permissions, so the folder refuses every change here (create, write, rename, delete,
    mkdir) the way a read-only mount does; what is read answers as on a writable copy, and nothing changes."""
    index = without_caches(seed_index, tmp_path)
    expected = answers(without_caches(seed_index, tmp_path / "writable"))
    before = files(index)
    disk = Disk(index, fail_at=1, fail_errno=error, stays_failing=True,
                fail_kinds=frozenset({"create", "open", "write", "rename", "unlink", "mkdir", "rmdir"}))
    with recording(disk):
        assert answers(index) == expected
    assert files(index) == before


@pytest.fixture
def read_only_mount(tmp_path):
    """A read-only bind mount of tmp_path/"source" at tmp_path/"mounted": root cannot write there either."""
    source, mounted = tmp_path / "source", tmp_path / "mounted"
    source.mkdir()
    mounted.mkdir()
    if os.system(f"mount --bind -o ro {source} {mounted} 2>/dev/null") != 0:
        pytest.skip("mount --bind -o ro is not permitted here (needs root and CAP_SYS_ADMIN)")
    try:
        yield source, mounted
    finally:
        os.system(f"umount {mounted}")


def test_an_index_on_a_read_only_mount_answers_and_tries_no_write(seed_index, read_only_mount):
    source, mounted = read_only_mount
    shutil.copytree(seed_index.path, source / "ix", ignore=shutil.ignore_patterns("facets", "postings", "actors.json"))
    expected = answers(without_caches(seed_index, source.parent / "writable"))
    disk = Disk(mounted / "ix")
    with recording(disk):
        assert answers(mounted / "ix") == expected
    assert disk.operations == 0  # not one write tried: the folder is known read-only before any is
    runner = CliRunner()
    for command in (["search", "iran", "--facet", "actor"], ["articles"], ["actors"], ["stats"], ["check"]):
        result = runner.invoke(main, [*command, "--index", str(mounted / "ix")])
        assert result.exit_code == 0 and not result.stderr, (command, result.output)
    result = runner.invoke(main, ["index", str(SEEDS), "--index", str(mounted / "ix"), "--rebuild"])
    assert result.exit_code == EXIT_DISK and "(EROFS)" in result.stderr and str(mounted / "ix") in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 600 KB tmpfs at tmp_path/"disk" (an index of the corpus below needs about 1.3 MB), and a way to grow it."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.system(f"mount -t tmpfs -o size=600k tmpfs {disk} 2>/dev/null") != 0:
        pytest.skip("mount -t tmpfs is not permitted here (needs root and CAP_SYS_ADMIN)")
    try:
        yield disk, lambda: os.system(f"mount -o remount,size=20m {disk}")
    finally:
        os.system(f"umount {disk}")


def test_a_real_full_disk_stops_a_run_with_helper_processes_and_a_rerun_finishes(small_disk, tmp_path):
    """No injection: a disk that really fills up, under two helper processes writing segments."""
    disk, grow = small_disk
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text().split("\n") if len(p) > 200]
    rng = random.Random(9)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(120):
        (corpus / f"story{n:03}.txt").write_text(story(rng, paragraphs, n))
    command = [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(disk / "ix"),
               "--workers", "2", "--commit-every", "40", "--quiet"]
    full = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert full.returncode == EXIT_DISK, full.stderr
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1 and "(ENOSPC)" in lines[0] and str(disk / "ix") in lines[0], lines
    with Index(disk / "ix", create=False) as ix:
        assert ix.check() == [] and ix.stats().articles < 120
    assert grow() == 0
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    with Index(disk / "ix", create=False) as ix:
        assert ix.check() == [] and ix.stats().articles == 120
