"""Files that survive a power cut: the one place where searchkit writes a file whole and makes it durable.

A file is written under a temporary name in its own folder, synced, renamed over its real name, and then the folder
is synced: after a power cut a reader finds the old file or the new one, each whole. A rename alone is not enough:
the operating system may write the rename to disk before the file's contents (Lucene and SQLite sync in this order
for the same reason). The Whoosh commit follows the same order (`backends/whoosh/writing.py`).

What a reader relies on after a power cut, file by file:
- Whoosh's segment files and table of contents (`_MAIN_<n>.toc`): synced at each commit, in Lucene's order.
- the manifest (which file each article came from, its digest): stored on each article's first passage, so it is
  committed, and synced, with the passages.
- `searchkit.json` (the schema version): synced when the index is created.
- `actor_overrides.txt` (the copy of `--actor-overrides`): synced before the run's first commit.
- `vocabulary.json` (spelling suggestions): synced before each commit; read as empty if damaged some other way.
- `actors.json`, `facets/`, `postings/`: caches, synced when written, and rebuilt when missing, damaged or stale.
- `SEARCHKIT_RUN`, `MAIN_WRITELOCK`: locks, which nothing reads after a crash.

`SEARCHKIT_FSYNC=0` turns syncing off, for throwaway indexes (tests, benchmarks on scratch disks): a crash of the
process still leaves every commit whole, but a power cut may lose or damage the index.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO, Callable

SYNC_ENV = "SEARCHKIT_FSYNC"
# What a full, failing or read-only disk raises (`os.strerror` names them); any of them stops an indexing run with
# one line and exit code 74, and is skipped by a search that only wanted to cache something.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG})


def syncing() -> bool:
    """Whether files are synced (read each time, so helper processes and tests see the current setting)."""
    return os.environ.get(SYNC_ENV, "1") != "0"


def sync_file(file) -> None:
    """Push an open file's writes to the disk."""
    file.flush()
    if syncing():
        os.fsync(file.fileno())


def sync_path(path: str | os.PathLike) -> None:
    """Push a closed file's writes (by this or any other process) to the disk."""
    if syncing():
        _sync_descriptor(os.open(path, os.O_RDONLY))


def sync_folder(path: str | os.PathLike) -> None:
    """Push a folder's entries (files created, renamed, deleted in it) to the disk."""
    if syncing():
        _sync_descriptor(os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))


def _sync_descriptor(descriptor: int) -> None:
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Replace `path` whole and durably with what `write` writes to the file object it is given. On failure (a full
    disk) nothing is left behind: the temporary file is removed and `path` is as it was."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # a leading dot: caches skip files in the making
    try:
        with open(temporary, "wb") as file:
            write(file)
            sync_file(file)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    sync_folder(path.parent)


def write_text(path: Path, text: str) -> None:
    write_file(path, lambda file: file.write(text.encode("utf-8")))


def make_folder(path: Path) -> None:
    """Create a folder (and its parents) durably: its entry in its parent folder is synced."""
    if not path.is_dir():
        make_folder(path.parent)
        path.mkdir(exist_ok=True)
        sync_folder(path.parent)


def writable(folder: Path) -> bool:
    """Whether files can be created in `folder` (or, when it does not exist yet, in its parent). False on a
    read-only mount even for root, who ignores file permissions."""
    return os.access(folder if folder.is_dir() else folder.parent, os.W_OK)


def save_cache(path: Path, write: Callable[[BinaryIO], None]) -> bool:
    """Write a file that its reader rebuilds when it is missing or damaged (a cache): durably when possible, and not
    at all when its folder is read-only (nothing is attempted), full or failing (then nothing is left behind).
    False when skipped: the caller keeps what it computed in memory, so a search still answers."""
    if not writable(path.parent):
        return False
    try:
        make_folder(path.parent)
        write_file(path, write)
    except OSError:
        return False
    return True


def describe(error: OSError) -> str:
    """'No space left on device (ENOSPC)': the system's words and the error's name, for one-line messages."""
    name = errno.errorcode.get(error.errno or 0, "")
    words = error.strerror or str(error)
    return f"{words} ({name})" if name else words
