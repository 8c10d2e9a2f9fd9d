"""Writing runs' locks, kept in the control index: runs of different parts (`--part K/N`, same N) may write at once,
on any machines; a run of the whole index (no part, or --rebuild) excludes every other run.

A lock is a document `lock:<scope>` made with op_type=create (two runs of one scope cannot both make it) and renewed
by a heartbeat thread. It is stale, and taken over, once its lease has run out (a run killed anywhere) or at once
when it names a process of this machine that no longer runs (a run killed here: the usual crash needs no wait).
"""
from __future__ import annotations

import os
import random
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from opensearchpy import exceptions

from ...errors import IndexLockedError
from .control import ControlIndex

LEASE_S = 60.0  # a lock not renewed for this long is a dead run's
HEARTBEAT_S = 10.0


@dataclass(frozen=True)
class Holder:
    """Who holds a lock."""

    doc_id: str
    token: str
    part: tuple[int, int] | None
    host: str
    pid: int
    expires: float

    @classmethod
    def from_hit(cls, doc_id: str, source: dict) -> "Holder":
        part = source.get("part")
        return cls(doc_id, source.get("token", ""), tuple(part) if part else None, source.get("host", ""),
                   int(source.get("pid", 0)), float(source.get("expires", 0)))

    def alive(self, now: float | None = None) -> bool:
        if (now or time.time()) > self.expires:
            return False
        if self.host == socket.gethostname() and self.pid and not _process_runs(self.pid):
            return False
        return True

    def conflicts_with(self, part: tuple[int, int] | None) -> bool:
        """Whether a run of `part` may not write while this holder does: a whole run, or a share of another N."""
        return part is None or self.part is None or self.part[1] != part[1] or self.part == part

    def describe(self) -> str:
        what = "the whole index" if self.part is None else f"part {self.part[0]}/{self.part[1]}"
        return f"{what}, pid {self.pid} on {self.host}"


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has ended; only its parent has not read its exit status yet
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def scope_id(part: tuple[int, int] | None) -> str:
    return "lock:all" if part is None else f"lock:part-{part[0]}-of-{part[1]}"


class RunLocks:
    def __init__(self, control: ControlIndex, location: str, lease: float = LEASE_S, heartbeat: float = HEARTBEAT_S):
        self.control = control
        self.location = location
        self.lease, self.heartbeat = lease, heartbeat

    def holders(self) -> list[Holder]:
        """Every lock document, alive or not."""
        self.control.client.indices.refresh(index=self.control.name)  # a search sees only refreshed documents
        found = self.control.client.search(index=self.control.name, body={
            "query": {"term": {"kind": "lock"}}, "size": 1000, "seq_no_primary_term": True})
        return [Holder.from_hit(hit["_id"], hit["_source"]) for hit in found["hits"]["hits"]]

    def live_tokens(self) -> set[str]:
        now = time.time()
        return {h.token for h in self.holders() if h.alive(now)}

    @contextmanager
    def hold(self, timeout: float, part: tuple[int, int] | None) -> Iterator[str]:
        """Hold the lock of `part` (None: the whole index); yields the run's token."""
        token = uuid.uuid4().hex
        doc_id = scope_id(part)
        deadline = time.monotonic() + timeout
        while True:
            blocker = self._try_take(doc_id, token, part)
            if blocker is None:
                break
            if time.monotonic() >= deadline:
                raise IndexLockedError(f"index {self.location} is being written by another `index` run "
                                       f"({blocker.describe()}); try again when it ends" + _hint(part, blocker))
            time.sleep(random.uniform(0.1, 0.4))  # two runs that saw each other both step back: desynchronise
        stop = threading.Event()
        beat = threading.Thread(target=self._renew, args=(doc_id, token, stop), daemon=True, name="searchkit-lock")
        beat.start()
        try:
            yield token
        finally:
            stop.set()
            beat.join(5)
            self._release(doc_id, token)

    def _try_take(self, doc_id: str, token: str, part: tuple[int, int] | None) -> Holder | None:
        """Make our lock document and keep it if no live run conflicts; else the holder in the way."""
        self._clear_stale()
        made = self.control.client.create(index=self.control.name, id=doc_id, body=self._source(token, part),
                                          refresh="true", ignore=409)
        if made.get("status") == 409:  # a run of the same scope holds it
            same = [h for h in self.holders() if h.doc_id == doc_id]
            return same[0] if same else Holder(doc_id, "", part, "?", 0, 0)
        now = time.time()
        for holder in self.holders():
            if holder.token != token and holder.alive(now) and holder.conflicts_with(part):
                self._release(doc_id, token)
                return holder
        return None

    def _clear_stale(self) -> None:
        now = time.time()
        for holder in self.holders():
            if not holder.alive(now):
                self._release(holder.doc_id, holder.token)

    def _source(self, token: str, part: tuple[int, int] | None) -> dict:
        return {"kind": "lock", "token": token, "part": list(part) if part else None, "host": socket.gethostname(),
                "pid": os.getpid(), "expires": time.time() + self.lease, "started": time.time()}

    def _renew(self, doc_id: str, token: str, stop: threading.Event) -> None:
        while not stop.wait(self.heartbeat):
            try:
                got = self.control.get(doc_id)
                if got.get("_source", {}).get("token") != token:
                    return  # taken over: the run's commits will find their batch gone and stop
                source = dict(got["_source"], expires=time.time() + self.lease)
                self.control.client.index(index=self.control.name, id=doc_id, body=source, if_seq_no=got["_seq_no"],
                                          if_primary_term=got["_primary_term"], ignore=409)
            except exceptions.OpenSearchException:
                pass  # the cluster is busy or a node is down: the next beat tries again, well within the lease

    def _release(self, doc_id: str, token: str) -> None:
        """Delete the lock document if it is still `token`'s."""
        got = self.control.get(doc_id)
        if got.get("_source", {}).get("token") == token:
            self.control.client.delete(index=self.control.name, id=doc_id, if_seq_no=got["_seq_no"],
                                       if_primary_term=got["_primary_term"], refresh="true", ignore=[404, 409])


def _hint(part: tuple[int, int] | None, blocker: Holder) -> str:
    if part is not None and blocker.part is not None and blocker.part[1] != part[1]:
        return f" (runs at once must split the files alike: use --part K/{blocker.part[1]})"
    return ""
