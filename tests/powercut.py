"""A disk that loses power, or fails, for tests: it records what the process does to the files under a folder (creates,
writes, syncs, renames, deletes, folders made and removed) and, at a chosen operation, "loses power": it writes into
another folder what a disk could hold after the cut, then stops the process's work by raising `PowerCut`.

What survives follows POSIX's promises and no more (the model of Lucene's MockDirectoryWrapper and of the ALICE and
CrashMonkey studies): a file's contents as of its last fsync, a folder's entries as of the folder's last fsync.
Everything since then is, one by one and at random, kept, lost, or left half done: a file's later writes are lost,
kept, torn (new bytes up to some point, old ones after) or zeroed (the size reached the disk, the data did not);
each create, rename, delete, mkdir and rmdir is kept or lost, and a rename may leave both names. Data still in a
Python buffer when the power goes is lost, as it would be.

It patches at the Python level, in this process only: Whoosh's FileStorage opens files with `open` from
`whoosh.filedb.filestore`, `searchkit.durable` with its own `open`; folders change through `os`. Lock files,
opened with `os.open`, are not recorded (a lost lock file is no loss); any other file that appears unrecorded
fails the test, so nothing escapes the model.
"""
from __future__ import annotations

import os
import random
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import whoosh.filedb.filestore

import searchkit.durable

UNRECORDED = {"MAIN_WRITELOCK", "SEARCHKIT_RUN"}  # lock files, created by os.open
_WRITE_MODES = set("wax+")


class PowerCut(BaseException):
    """The power went: no `except Exception` may carry on as if the write had happened."""


@dataclass
class _Op:
    kind: str  # create, unlink, rename, mkdir, rmdir
    name: str
    node: int
    new_name: str = ""


@dataclass
class Disk:
    """The recorded folder `root`. `cut_at`: the operation (1-based) at which the power goes; `rng`: the fates of
    what was not synced, or None for the worst case, every unsynced change lost."""

    root: Path
    survivor: Path | None = None
    cut_at: int | None = None
    rng: random.Random | None = None
    # A failing disk instead: the `fail_at`-th operation of a kind in `fail_kinds` raises OSError(`fail_errno`).
    fail_at: int | None = None
    fail_errno: int = 0
    fail_kinds: frozenset[str] = frozenset()
    stays_failing: bool = False  # after the first failure, every later one of those kinds fails (a disk still full)
    failed: int = 0
    phase: str = "batch"  # what the run is doing, set by the test: "batch" or "commit"
    operations: int = 0
    failable: int = 0
    syncs: int = 0
    log: list[tuple[str, str]] = field(default_factory=list)  # (kind, phase) of each operation
    _kind: dict[int, str] = field(default_factory=dict)
    _path: dict[int, Path] = field(default_factory=dict)  # live nodes -> their path now
    _entries: dict[int, dict[str, int]] = field(default_factory=dict)  # folder -> its entries now
    _durable_entries: dict[int, dict[str, int]] = field(default_factory=dict)
    _pending: dict[int, list[_Op]] = field(default_factory=dict)  # folder -> changes since its last sync
    _durable_content: dict[int, bytes] = field(default_factory=dict)
    _last_content: dict[int, bytes] = field(default_factory=dict)  # removed files: their bytes when removed

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self._top = self._scan(self.root)

    # -- the state before recording: all durable -------------------------------------------------------------
    def _scan(self, folder: Path) -> int:
        node = self._new("dir", folder)
        for child in sorted(folder.iterdir()):
            if child.name in UNRECORDED:
                continue
            if child.is_dir():
                self._entries[node][child.name] = self._scan(child)
            else:
                self._entries[node][child.name] = file = self._new("file", child)
                self._durable_content[file] = child.read_bytes()
        self._durable_entries[node] = dict(self._entries[node])
        return node

    def _new(self, kind: str, path: Path) -> int:
        node = len(self._kind)
        self._kind[node], self._path[node] = kind, path
        if kind == "dir":
            self._entries[node], self._durable_entries[node], self._pending[node] = {}, {}, []
        return node

    def _node(self, path) -> int | None:
        path = Path(os.path.abspath(path))
        if path == self.root:
            return self._top
        folder = self._node(path.parent) if self.root in path.parents else None
        return None if folder is None else self._entries[folder].get(path.name)

    def _folder(self, path) -> int | None:
        path = Path(os.path.abspath(path))
        return self._node(path.parent) if path == self.root or self.root in path.parents else None

    # -- recording ---------------------------------------------------------------------------------------------
    def _tick(self, kind: str, path) -> None:
        self.operations += 1
        self.log.append((kind, self.phase))
        if kind in self.fail_kinds:
            self.failable += 1
            if self.failable == self.fail_at or (self.stays_failing and self.failed):
                self.failed += 1
                raise OSError(self.fail_errno, os.strerror(self.fail_errno), str(path))
        if self.operations == self.cut_at:
            self._check_nothing_escaped()
            if self.survivor is not None:
                self._materialise(self._top, self.survivor, {})
            raise PowerCut(f"power cut at operation {self.operations}")

    def open(self, real_open, path, mode="r", *args, **kwargs):
        if not _WRITE_MODES & set(mode) or self._folder(path) is None:
            return real_open(path, mode, *args, **kwargs)
        self._tick("create" if self._node(path) is None else "open", path)
        existed = self._node(path)
        file = real_open(path, mode, *args, **kwargs)
        if existed is None:
            folder = self._folder(path)
            node = self._new("file", Path(os.path.abspath(path)))
            self._change(folder, _Op("create", Path(path).name, node))
        return _RecordedFile(file, self)

    def fsync(self, real_fsync, descriptor: int) -> None:
        path = os.readlink(f"/proc/self/fd/{descriptor}")
        self._tick("fsync", path)
        real_fsync(descriptor)
        self.syncs += 1
        node = self._node(path)
        if node is None:
            return
        if self._kind[node] == "dir":
            self._durable_entries[node] = dict(self._entries[node])
            self._pending[node] = []
        else:
            self._durable_content[node] = self._path[node].read_bytes()

    def rename(self, real_rename, source, target, *args, **kwargs) -> None:
        folder, node, replaced = self._folder(source), self._node(source), self._node(target)
        if folder is None or node is None:
            return real_rename(source, target, *args, **kwargs)
        assert self._folder(target) == folder, "renames across folders are not modelled"
        self._tick("rename", target)
        if replaced is not None:
            self._retire(replaced)
        real_rename(source, target, *args, **kwargs)
        self._path[node] = Path(os.path.abspath(target))
        self._change(folder, _Op("rename", Path(source).name, node, Path(target).name))

    def unlink(self, real_unlink, path, *args, **kwargs) -> None:
        folder, node = self._folder(path), self._node(path)
        if node is None:
            return real_unlink(path, *args, **kwargs)
        self._tick("unlink", path)
        self._retire(node)
        real_unlink(path, *args, **kwargs)
        self._change(folder, _Op("unlink", Path(path).name, node))

    def mkdir(self, real_mkdir, path, *args, **kwargs) -> None:
        folder = self._folder(path)
        if folder is None:
            return real_mkdir(path, *args, **kwargs)
        self._tick("mkdir", path)
        real_mkdir(path, *args, **kwargs)
        node = self._new("dir", Path(os.path.abspath(path)))
        self._change(folder, _Op("mkdir", Path(path).name, node))

    def rmdir(self, real_rmdir, path, *args, **kwargs) -> None:
        folder, node = self._folder(path), self._node(path)
        if node is None:
            return real_rmdir(path, *args, **kwargs)
        self._tick("rmdir", path)
        real_rmdir(path, *args, **kwargs)
        self._path.pop(node, None)
        self._change(folder, _Op("rmdir", Path(path).name, node))

    def _retire(self, node: int) -> None:
        if self._kind[node] == "file":
            self._last_content[node] = self._path[node].read_bytes()
        self._path.pop(node, None)

    def _change(self, folder: int, op: _Op) -> None:
        _apply(self._entries[folder], op, "kept")
        self._pending[folder].append(op)

    def _check_nothing_escaped(self) -> None:
        for node, entries in self._entries.items():
            path = self._path.get(node)
            if path is not None and self._kind[node] == "dir" and path.is_dir():
                unknown = {p.name for p in path.iterdir()} - set(entries) - UNRECORDED
                assert not unknown, f"files written behind the recorder's back in {path}: {sorted(unknown)}"

    # -- after the cut -------------------------------------------------------------------------------------------
    def _materialise(self, folder: int, target: Path, contents: dict[int, bytes]) -> None:
        target.mkdir(parents=True)
        entries = dict(self._durable_entries[folder])
        for op in self._pending[folder]:
            _apply(entries, op, self._fate(("kept", "lost", "both") if op.kind == "rename" else ("kept", "lost")))
        for name, node in entries.items():
            if self._kind[node] == "dir":
                self._materialise(node, target / name, contents)
            else:
                if node not in contents:
                    contents[node] = self._surviving_content(node)
                (target / name).write_bytes(contents[node])

    def _surviving_content(self, node: int) -> bytes:
        written = self._path[node].read_bytes() if node in self._path else self._last_content.get(node, b"")
        synced = self._durable_content.get(node, b"")
        fate = self._fate(("lost", "kept", "torn", "zeroed")) if written != synced else "kept"
        if fate == "lost":
            return synced
        if fate == "torn":
            cut = self.rng.randrange(len(written) + 1)
            return written[:cut] + synced[cut:]
        if fate == "zeroed":
            return synced + bytes(max(0, len(written) - len(synced)))
        return written

    def _fate(self, fates: tuple[str, ...]) -> str:
        return "lost" if self.rng is None else self.rng.choice(fates)


def _apply(entries: dict[str, int], op: _Op, fate: str) -> None:
    if fate == "lost":
        return
    if op.kind in ("create", "mkdir"):
        entries[op.name] = op.node
    elif op.kind in ("unlink", "rmdir"):
        if entries.get(op.name) == op.node:
            del entries[op.name]
    elif op.kind == "rename":
        entries[op.new_name] = op.node
        if fate == "kept" and entries.get(op.name) == op.node:
            del entries[op.name]


class _RecordedFile:
    """A file opened for writing: each write is an operation the power may cut before."""

    def __init__(self, file, disk: Disk):
        self._file, self._disk = file, disk

    def write(self, data) -> int:
        self._disk._tick("write", self._file.name)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def __iter__(self):
        return iter(self._file)


@contextmanager
def recording(disk: Disk):
    """Route this process's file operations under `disk.root` through `disk` while the block runs."""
    real = {name: getattr(os, name) for name in ("fsync", "rename", "replace", "unlink", "remove", "mkdir", "rmdir")}

    def through(method, real_function):
        return lambda *args, **kwargs: method(real_function, *args, **kwargs)

    with ExitStack() as stack:
        for module in (whoosh.filedb.filestore, searchkit.durable):
            stack.enter_context(mock.patch.object(module, "open", through(disk.open, open), create=True))
        stack.enter_context(mock.patch.object(os, "fsync", through(disk.fsync, real["fsync"])))
        for name in ("rename", "replace"):
            stack.enter_context(mock.patch.object(os, name, through(disk.rename, real[name])))
        for name in ("unlink", "remove"):
            stack.enter_context(mock.patch.object(os, name, through(disk.unlink, real[name])))
        stack.enter_context(mock.patch.object(os, "mkdir", through(disk.mkdir, real["mkdir"])))
        stack.enter_context(mock.patch.object(os, "rmdir", through(disk.rmdir, real["rmdir"])))
        yield disk
