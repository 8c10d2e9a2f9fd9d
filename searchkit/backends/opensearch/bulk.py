"""Bulk requests that survive a node's loss: items refused for a reason that passes (a node gone, a shard being
promoted or relocated, a full queue) are sent again with backoff until they succeed or the patience runs out; an
item refused for good (a document the mapping rejects) fails the run at once."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass

from opensearchpy import OpenSearch, exceptions

from ...errors import IndexWriteError

# Statuses of items worth sending again: too many requests, and a cluster between states (a primary lost and its
# replica not promoted yet answers 503 unavailable_shards_exception after the request's timeout).
RETRY_STATUSES = {429, 500, 502, 503, 504}
PATIENCE_S = 300.0  # a node's loss is noticed in ~30 s and its shards' replicas promoted in seconds after


@dataclass
class Action:
    """One document to write (or, without a body, to delete): its `_id`, routing (its article: an article's
    passages share a shard) and body."""

    doc_id: str
    routing: str
    source: dict | None = None


class BulkSender:
    def __init__(self, client: OpenSearch, index: str, location: str, patience: float = PATIENCE_S):
        self.client, self.index, self.location = client, index, location
        self.patience = patience

    def send(self, actions: list[Action]) -> None:
        """Write every action, or raise IndexWriteError naming the first that cannot be written."""
        deadline = time.monotonic() + self.patience
        todo, attempt = actions, 0
        while todo:
            failed, last = self._send_once(todo)
            if not failed:
                return
            if time.monotonic() >= deadline:
                raise IndexWriteError(f"{self.location}: the cluster kept refusing {len(failed)} passages for "
                                      f"{self.patience:.0f} s ({last}); nothing of the batch was committed")
            attempt += 1
            time.sleep(min(10.0, 0.5 * 2 ** min(attempt, 5)) * random.uniform(0.5, 1.0))
            todo = failed

    def _send_once(self, actions: list[Action]) -> tuple[list[Action], str]:
        """(the actions to send again, why the last of them failed)."""
        body: list[dict] = []
        for action in actions:
            meta = {"_index": self.index, "_id": action.doc_id, "routing": action.routing}
            if action.source is None:
                body.append({"delete": meta})
            else:
                body.extend(({"index": meta}, action.source))
        try:
            answer = self.client.bulk(body=body, params={"timeout": "60s"}, request_timeout=120)
        except (exceptions.ConnectionError, exceptions.ConnectionTimeout) as exc:
            return actions, f"no answer: {type(exc).__name__}"
        except exceptions.TransportError as exc:
            if exc.status_code in RETRY_STATUSES:
                return actions, f"{exc.status_code} {exc.error}"
            raise
        if not answer.get("errors"):
            return [], ""
        again, reason = [], ""
        for action, item in zip(actions, answer["items"]):
            result = next(iter(item.values()))
            status = result.get("status", 200)
            if status < 300 or (action.source is None and status == 404):  # deleted already
                continue
            error = result.get("error") or {}
            reason = f"{status} {error.get('type', '?')}: {error.get('reason', '')}"
            if status not in RETRY_STATUSES:
                raise IndexWriteError(f"{self.location}: passage document {action.doc_id} was refused ({reason})")
            again.append(action)
        return again, reason
