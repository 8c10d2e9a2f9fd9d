"""Shared fixtures: the seed articles, and one index of them built once per test session; Hypothesis profiles."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CLUSTER_SCRIPT = REPO / "scripts" / "opensearch-cluster"
# A running cluster to test against: the folder `scripts/opensearch-cluster start DIR` was given (every test runs), or
# a URL (the fault test, which must kill a node, is skipped). Unset: the session starts its own and stops it.
TEST_CLUSTER_VAR = "SEARCHKIT_TEST_OPENSEARCH"


def seed(prefix: str) -> Path:
    """The seed file whose name starts with `prefix` ("000" ... "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def story_corpus(folder: Path, files: int) -> Path:
    """`files` articles made of real seed paragraphs, three or four to a file, written into `folder`."""
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text().split("\n") if len(p) > 200]
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for n in range(files):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 4)))
        (folder / f"story{n:03}.txt").write_text(f"Story number {n}\n\nBy Jane Doe\n\nPublished: May 28 2007\n\n{body}\n")
    return folder


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


# --- The OpenSearch cluster ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalCluster:
    """A three-node cluster for the OpenSearch tests: its URL, and its folder when this machine runs its nodes."""

    url: str
    folder: Path | None

    def run(self, *args: str) -> str:
        """Run `scripts/opensearch-cluster COMMAND FOLDER ARGS...`; its stdout."""
        done = subprocess.run([str(CLUSTER_SCRIPT), args[0], str(self.folder), *args[1:]], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"opensearch-cluster {' '.join(args)} failed: {done.stderr.strip()}"
        return done.stdout


def _java_found() -> bool:
    homes = (os.environ.get("SEARCHKIT_JAVA_HOME"), "/usr/lib/jvm/java-17-openjdk-amd64", os.environ.get("JAVA_HOME"))
    return shutil.which("java") is not None or any(h and Path(h, "bin", "java").exists() for h in homes)


@pytest.fixture(scope="session")
def opensearch_cluster():
    """The cluster named by SEARCHKIT_TEST_OPENSEARCH, else one of our own for the session (stopped at its end)."""
    named = os.environ.get(TEST_CLUSTER_VAR, "").strip()
    if named.startswith(("http://", "https://")):
        yield LocalCluster(url=named.rstrip("/"), folder=None)
        return
    if named:
        cluster = LocalCluster(url="", folder=Path(named))
        yield LocalCluster(url=cluster.run("url").strip(), folder=cluster.folder)
        return
    if not _java_found():
        pytest.skip("no Java on this machine: the OpenSearch tests run a local cluster, which needs a Java 17 JDK")
    # Not under pytest's tmp_path: its folder is closed to others (mode 700), and the nodes run as their own user.
    folder = Path(tempfile.mkdtemp(prefix="searchkit-opensearch-"))
    own = LocalCluster(url="", folder=folder)
    try:
        yield LocalCluster(url=own.run("start").strip().splitlines()[-1], folder=folder)
    finally:
        own.run("stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def opensearch_url(opensearch_cluster) -> str:
    return opensearch_cluster.url


def cluster_index_name(prefix: str) -> str:
    """A fresh index name on the test cluster (shared with others: never a fixed name)."""
    return f"test-{prefix}-{uuid.uuid4().hex[:10]}"


def drop_cluster_index(url: str) -> None:
    """Delete a test's index on the cluster and its control index."""
    from searchkit.backends.opensearch.connection import make_client, parse_location

    where = parse_location(url)
    client = make_client(where)
    client.indices.delete(index=f"{where.index},{where.index}-searchkit", ignore_unavailable=True)
    client.close()


@pytest.fixture(scope="session", params=["whoosh", "opensearch"])
def backend_seed_index(request, seeds_dir, tmp_path_factory):
    """An index of the five seeds on each engine: a folder (Whoosh), and an index on the test cluster (OpenSearch),
    for the tests of behaviour both backends share."""
    from searchkit import Index

    if request.param == "whoosh":
        yield request.getfixturevalue("seed_index")
        return
    url = f"{request.getfixturevalue('opensearch_url')}/{cluster_index_name('seeds')}"
    try:
        with Index(url) as ix:
            ix.add([seeds_dir])
            yield ix
    finally:
        drop_cluster_index(url)


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


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def local_get(url: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, decoded JSON or text) of one request to a server this test session runs on a loopback
    address (`running_server`); any other host is refused, since tests never reach the network."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"{url}: tests only talk to servers of their own on a loopback address")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                           headers=headers or {})
        response = connection.getresponse()
        status, head, body = response.status, response.headers, response.read()
    finally:
        connection.close()
    text = body.decode("utf-8")
    return status, head, json.loads(text) if head.get("Content-Type", "").startswith("application/json") else text


def local_api(base: str, path: str, **params):
    """`local_get` of an HTTP API route with query parameters (a list gives the parameter once per value)."""
    return local_get(f"{base}{path}?{urlencode(params, doseq=True)}")


@pytest.fixture(scope="session")
def seed_server(seed_index):
    """The base URL of a server of the seed index, shared by the web tests."""
    with running_server(seed_index.path) as url:
        yield url
