"""Writing an OpenSearch index so that a search never shows half an article, runs of several parts write at once, and
the next run repairs what a crash left.

How (the control index's `state` document, control.py, holds the lists named here):
- Every passage carries its writing `batch` and its article's copy, `version` = "<article_id>@<batch>"; its `_id`
  is per batch too, so a new copy of an article is written beside the old one, never over it.
- A batch is registered as `pending` before its first document is sent: every read filters pending batches out
  (`Cluster.visibility`, a terms lookup on the state document, resolved by the cluster at each query).
- Commit: the bulk requests succeeded and the index was refreshed (every passage of the batch searchable), then one
  state write removes the batch from `pending` and adds the copies it replaces (and the articles removed) to
  `retired`, which reads also filter out: the new copies appear and the old ones vanish in that one write.
- Then the retired copies are deleted, the index refreshed, and they leave `retired`.
- An article's passages are routed to one shard (routing = article id), so one shard's refresh shows or hides an
  article whole.
- A run that dies leaves its batch pending (hidden); the next run deletes the documents of pending batches whose
  run holds no live lock, and finishes deleting retired copies.
"""
from __future__ import annotations

import hashlib
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from opensearchpy import OpenSearch, exceptions

from ...fieldvalues import actor_token
from ...errors import IndexWriteError, NoIndexError, SearchkitError
from ...search.aliases import RULES_VERSION, ActorRegistry
from ..base import Run
from . import audit
from .batches import BulkWriter
from .bulk import Action, BulkSender
from .control import OVERRIDES, REGISTRY, ControlIndex, State
from .failures import cluster_errors, reported
from .locks import RunLocks
from .mapping import index_body

ABANDONED = "abandoned"  # the owner of a pending batch whose documents a repair is deleting
TERMS_CHUNK = 10_000  # values in one terms query (the cluster allows 65,536)
DELETES_PER_REQUEST = 5_000


class Cluster:
    """An index of passages on a cluster and its control index; what the OpenSearch backend writes and reads through."""

    def __init__(self, client: OpenSearch, index: str, location: str):
        self.client = client
        self.index = index
        self.control = f"{index}-searchkit"
        self.location = location
        self.store = ControlIndex(client, self.control)
        self.locks = RunLocks(self.store, location)
        self._token: str | None = None  # the lock this process holds for its run
        self._new_overrides: Path | None = None
        self._control_exists = False

    # -- what readers use --------------------------------------------------------------------------------------
    @reported
    def exists(self) -> bool:
        return bool(self.client.indices.exists(index=self.index))

    def visibility(self) -> dict | None:
        """The filter every read adds: passages of pending batches and retired copies out. A terms lookup: the cluster
        reads the state document when it runs each query, so no reader holds an outdated list."""
        if not self._control_exists:
            with _errors(self):
                self._control_exists = self.store.exists()
            if not self._control_exists:
                return None  # nothing was ever written by searchkit here
        lookup = {"index": self.control, "id": "state"}
        return {"bool": {"must_not": [{"terms": {"batch": {**lookup, "path": "pending"}}},
                                      {"terms": {"version": {**lookup, "path": "retired"}}}]}}

    @reported
    def generation(self) -> str:
        state = self.store.state()  # one GET a search (the reader's staleness check); an empty State without an index
        return f"{state.epoch}:{state.generation}"

    @reported
    def remembered_overrides(self, config) -> str | None:
        """The actor overrides file to apply: the one given (saved with the index at the run's start), else a copy of
        the one kept in the control index, written to this machine's temporary folder."""
        if config.actor_overrides:
            self._new_overrides = Path(config.actor_overrides)
            return config.actor_overrides
        kept = self.store.read(OVERRIDES)
        if not kept:
            return None
        text = kept["text"]
        path = Path(tempfile.gettempdir()) / f"searchkit-overrides-{hashlib.sha1(text.encode()).hexdigest()[:16]}.txt"
        if not path.exists():
            scratch = path.with_suffix(f".{time.monotonic_ns()}")
            scratch.write_text(text, encoding="utf-8")
            scratch.replace(path)
        return str(path)

    @reported
    def actor_registry(self, overrides) -> ActorRegistry:
        """The actor alias merge of the committed state; kept in the control index (without user overrides, as the
        Whoosh backend caches it) for the generation it was computed at."""
        generation = self.generation()
        key = f"{RULES_VERSION}:{generation}"
        if overrides is None:
            saved = self.store.read(REGISTRY)
            if saved and saved.get("key") == key:
                return ActorRegistry(saved["tokens"], canonical=saved["canonical"], keys=saved["keys"])
        tokens = audit.actor_counts(self.client, self.index, self.visibility())
        registry = ActorRegistry(tokens, overrides)
        if overrides is None and self.generation() == generation:  # no commit since: the merge is of this state
            changed = {t: actor_token(c) for t, c in registry.canonical_of.items() if actor_token(c) != t}
            self.store.write(REGISTRY, {"kind": "registry", "key": key, "tokens": tokens, "canonical": changed,
                                        "keys": registry.keys})
        return registry

    # -- runs --------------------------------------------------------------------------------------------------
    @contextmanager
    def run_lock(self, timeout: float, part: tuple[int, int] | None) -> Iterator[None]:
        """Runs of different parts of the same N write at once; a whole run (or --rebuild) waits for every other."""
        with _errors(self):
            self.store.ensure()
        with _errors(self), self.locks.hold(timeout, part) as token:
            self._token = token
            try:
                yield
            finally:
                self._token = None

    @reported
    def start_run(self, config, *, rebuild: bool, commit_every: int) -> Run:
        if self._token is None:
            raise SearchkitError(f"{self.location}: a run starts under run_lock")
        if rebuild:
            self.client.indices.delete(index=self.index, ignore_unavailable=True)
            self.store.reset()
        self._create_index()
        self._save_overrides()
        self.repair()
        manifest = audit.read_manifest(self.client, self.index, self.visibility())
        writer = BulkWriter(self, self._token, commit_every)
        return Run(manifest, writer, None, self._finish)

    def _create_index(self) -> None:
        if self.exists():
            return
        made = self.client.indices.create(index=self.index, body=index_body(), ignore=400,
                                          params={"wait_for_active_shards": "all", "timeout": "60s"},
                                          request_timeout=90)  # without it the client takes "timeout" as its own
        if made.get("status") == 400 and made["error"]["type"] != "resource_already_exists_exception":
            raise exceptions.RequestError(400, made["error"]["type"], made)  # not another part's run making it

    def _save_overrides(self) -> None:
        if self._new_overrides is None:
            return
        try:
            text = self._new_overrides.read_text(encoding="utf-8")
        except OSError as exc:
            raise SearchkitError(f"{self._new_overrides}: cannot read the actor overrides ({exc.strerror})") from exc
        self.store.write(OVERRIDES, {"kind": "overrides", "text": text})

    def _finish(self) -> None:
        self.actor_registry(None)  # computed once now, so that the first search only reads it

    # -- batches -----------------------------------------------------------------------------------------------
    def open_batch(self, batch: str, token: str) -> None:
        """Register `batch` as pending (hidden) before any of its documents is written."""
        def change(state: State) -> None:
            state.pending.append(batch)
            state.owners[batch] = token

        self.store.change_state(change)

    def commit(self, batch: str | None, token: str, retired: list[str]) -> None:
        """Show `batch` and hide the `retired` copies, in one write of the state."""
        def change(state: State) -> None:
            if batch is not None:
                if state.owners.get(batch) != token:
                    raise IndexWriteError(f"{self.location}: this run lost its lock (no heartbeat for a minute) and "
                                          "another run removed its unfinished batch; run `searchkit index` again")
                state.pending.remove(batch)
                del state.owners[batch]
            known = set(state.retired)
            state.retired.extend(v for v in retired if v not in known)
            state.generation += 1

        self.store.change_state(change)

    def visible_versions(self, article_ids: Sequence[str]) -> list[str]:
        """The copies of these articles that reads show now."""
        found: list[str] = []
        for chunk in _chunks(sorted(set(article_ids)), TERMS_CHUNK):
            found.extend(audit.versions(self.client, self.index, {"terms": {"article_id": chunk}}, self.visibility()))
        return found

    def purge(self, versions: Sequence[str]) -> None:
        """Delete retired copies, then drop them from `retired`. If the cluster cannot now, they stay hidden and the
        next run deletes them."""
        if not versions:
            return
        try:
            for chunk in _chunks(list(versions), TERMS_CHUNK):
                self._delete_where({"terms": {"version": chunk}})
        except (exceptions.TransportError, IndexWriteError):
            return
        gone = set(versions)
        self.store.change_state(lambda state: setattr(state, "retired", [v for v in state.retired if v not in gone]))

    def drop_batch(self, batch: str) -> None:
        """Delete a batch's documents and forget it (it was never committed)."""
        self._delete_where({"term": {"batch": batch}})

        def change(state: State) -> None:
            if batch in state.pending:
                state.pending.remove(batch)
            state.owners.pop(batch, None)

        self.store.change_state(change)

    def _delete_where(self, query: dict) -> None:
        """Delete the documents `query` matches, and refresh. By search and bulk deletes: `_delete_by_query` is in
        OpenSearch's reindex module, which a minimal distribution (the test cluster's) does not have."""
        sender = BulkSender(self.client, self.index, self.location)
        doomed = [Action(hit["_id"], hit.get("_routing", "")) for hit in audit.matching(self.client, self.index, query)]
        for chunk in _chunks(doomed, DELETES_PER_REQUEST):
            sender.send(chunk)
        self.client.indices.refresh(index=self.index)

    def repair(self) -> None:
        """Delete what runs that died left: the documents of their pending batches, and retired copies."""
        live = self.locks.live_tokens()
        state = self.store.state()
        dead = [b for b in state.pending if state.owners.get(b) not in live]
        if dead:
            def abandon(state: State) -> None:  # their owners may no longer commit them
                for batch in dead:
                    if batch in state.owners and state.owners[batch] not in live:
                        state.owners[batch] = ABANDONED

            self.store.change_state(abandon)
            for batch in dead:
                self.drop_batch(batch)
        self.purge(self.store.state().retired)

    # -- checking ----------------------------------------------------------------------------------------------
    @reported
    def check(self) -> list[str]:
        if not self.exists():
            raise NoIndexError(f"no index at {self.location}")
        problems = audit.health_problems(self.client, self.index)
        state = self.store.state()
        live = self.locks.live_tokens() if state.epoch else set()  # no state: no control index, no locks
        for batch in state.pending:
            if state.owners.get(batch) not in live:
                count = self.client.count(index=self.index, body={"query": {"term": {"batch": batch}}})["count"]
                problems.append(f"batch {batch}: {count} passages of a run that did not finish (hidden); the next "
                                "`searchkit index` run deletes them")
        if state.retired and not live:
            problems.append(f"{len(state.retired)} replaced or removed articles not deleted yet (hidden); the next "
                            "`searchkit index` run deletes them")
        return problems + audit.article_problems(self.client, self.index, self.visibility())


def _errors(cluster: Cluster):
    return cluster_errors(cluster.location)


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
