"""Shared fixtures: the seed articles, and one index of them built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
