"""Shared fixtures: the seed articles, and one index of them built once per test session; Hypothesis profiles."""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> Path:
    """The seed file whose name starts with `prefix` ("000" ... "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory) -> Path:
    """A private copy of the seeds, so tests never touch the repository's files."""
    target = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_index(seeds_dir, tmp_path_factory):
    """An index of the five seeds, shared by the read-only tests."""
    from searchkit import Index

    with Index(tmp_path_factory.mktemp("index") / "ix") as ix:
        ix.add([seeds_dir])
        yield ix


@pytest.fixture(scope="session")
def split_seed_index(seeds_dir, tmp_path_factory):
    """The seeds indexed one file a run: an index of several segments (whose facet data is joined)."""
    from searchkit import Index

    with Index(tmp_path_factory.mktemp("split") / "ix") as ix:
        for path in sorted(seeds_dir.iterdir()):
            ix.add([path])
        yield ix


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path: write("a/b.txt", "text") or bytes."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


class Processes:
    """Whether processes run, read from /proc (Linux): a zombie has ended, only its exit status waits for a parent."""

    @staticmethod
    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def wait_until_ended(self, pids, timeout: float = 15) -> None:
        """Fail unless each of `pids` ends within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while any(self.running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if self.running(pid)]


@pytest.fixture
def processes() -> Processes:
    return Processes()


# --- Hypothesis profiles ----------------------------------------------------------------------------------------
# "ci" (the default) keeps the property tests to a few seconds each; `HYPOTHESIS_PROFILE=long pytest` is the long
# fuzzing run (thousands of examples a property). Deadlines are off: indexing a file takes tens of milliseconds,
# more on a loaded machine, and a slow example is not a failure.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@contextlib.contextmanager
def running_server(index_path, **options):
    """`searchkit serve`'s server for `index_path` on a free loopback port, in a thread; yields its base URL."""
    from searchkit.web import make_server

    server = make_server(str(index_path), port=0, quiet=True, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def seed_server(seed_index):
    """The base URL of a server of the seed index, shared by the web tests."""
    with running_server(seed_index.path) as url:
        yield url
