"""The control index `<name>-searchkit` beside the passages: what searchkit keeps besides passages, in the cluster.

Documents (by `_id`):
- `state`: the writing state every read depends on: `pending` (batches being written: hidden), `owners` (batch ->
  the lock token of the run writing it), `retired` (article copies a commit replaced or removed, hidden until
  deleted), `generation` (counts commits) and `epoch` (a new one on --rebuild).
- `lock:<scope>`: a writing run's lock (see `locks.py`).
- `overrides`: the actor overrides given once, kept with the index.
- `registry`: the actor alias merge of the committed state, and what it was computed for.

The state document is changed by read-modify-write with optimistic concurrency (`if_seq_no`), so runs of several
parts on several machines never lose each other's changes.
"""
from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from opensearchpy import OpenSearch, exceptions

STATE = "state"
OVERRIDES = "overrides"
REGISTRY = "registry"
CONFLICT_RETRIES = 50


@dataclass
class State:
    pending: list[str] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    generation: int = 0
    epoch: str = ""

    @classmethod
    def from_source(cls, source: dict) -> "State":
        return cls(list(source.get("pending", [])), dict(source.get("owners", {})), list(source.get("retired", [])),
                   int(source.get("generation", 0)), source.get("epoch", ""))

    def source(self) -> dict:
        return {"kind": "state", "pending": self.pending, "owners": self.owners, "retired": self.retired,
                "generation": self.generation, "epoch": self.epoch}


def control_body() -> dict:
    """One shard copied to every node: small, read by every query's visibility lookup (locally, where a copy is)."""
    return {
        "settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-all", "refresh_interval": "1s"}},
        # Only `kind` is searched (to list locks); everything else is read from _source by id.
        "mappings": {"dynamic": False, "properties": {"kind": {"type": "keyword"}}},
    }


class ControlIndex:
    def __init__(self, client: OpenSearch, name: str):
        self.client = client
        self.name = name

    def exists(self) -> bool:
        return bool(self.client.indices.exists(index=self.name))

    def ensure(self) -> None:
        """Create the control index (and an empty state) unless there is one; two runs may race to do it."""
        if not self.exists():  # 400: another run made it just now (resource_already_exists_exception)
            made = self.client.indices.create(index=self.name, body=control_body(), ignore=400)
            if made.get("status") == 400 and made["error"]["type"] != "resource_already_exists_exception":
                raise exceptions.RequestError(400, made["error"]["type"], made)
        # 409: there is a state already. (Expected statuses are passed as `ignore`: the client logs others.)
        self.client.create(index=self.name, id=STATE, body=State(epoch=new_epoch()).source(), ignore=409)

    # -- the state ---------------------------------------------------------------------------------------------
    def state(self) -> State:
        return State.from_source(self.read(STATE) or {})

    def change_state(self, change: Callable[[State], None]) -> State:
        """Apply `change` to the latest state and write it back, again on the newer state if another run wrote in
        between. `change` may raise to give up."""
        for _ in range(CONFLICT_RETRIES):
            got = self.client.get(index=self.name, id=STATE)
            state = State.from_source(got["_source"])
            change(state)
            written = self.client.index(index=self.name, id=STATE, body=state.source(), if_seq_no=got["_seq_no"],
                                        if_primary_term=got["_primary_term"], ignore=409)
            if written.get("status") != 409:
                return state
            time.sleep(random.uniform(0.01, 0.1))
        raise RuntimeError(f"{self.name}: the state document kept changing under {CONFLICT_RETRIES} attempts")

    def reset(self) -> None:
        """A new, empty state in a new epoch (--rebuild), keeping locks and overrides."""
        self.client.index(index=self.name, id=STATE, body=State(epoch=new_epoch()).source(), refresh="true")
        self.delete(REGISTRY)

    # -- other documents ---------------------------------------------------------------------------------------
    def read(self, doc_id: str) -> dict | None:
        return self.get(doc_id).get("_source")

    def get(self, doc_id: str) -> dict:
        """The document with its `_seq_no` and `_primary_term`; without `_source` when there is none (or no index)."""
        return self.client.get(index=self.name, id=doc_id, ignore=404)

    def write(self, doc_id: str, source: dict) -> None:
        self.client.index(index=self.name, id=doc_id, body=source)

    def delete(self, doc_id: str) -> None:
        self.client.delete(index=self.name, id=doc_id, ignore=404)


def new_epoch() -> str:
    return uuid.uuid4().hex[:12]
