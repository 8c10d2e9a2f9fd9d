"""One run's writer on a cluster: passages sent in bulk requests, committed batch by batch through the cluster's
state (writing.Cluster: a batch is hidden until its commit, which also hides the copies it replaces)."""
from __future__ import annotations

import itertools
import time
import uuid
from typing import TYPE_CHECKING, Sequence

from ...models import Article, Origin
from .bulk import Action, BulkSender
from .documents import passage_documents
from .failures import reported

if TYPE_CHECKING:  # the cluster makes its runs' writers: only the type is needed here
    from .writing import Cluster

# A batch hides at most this many replaced or removed articles: the state document lists each until it is deleted.
MAX_RETIRED = 10_000
FLUSH_PASSAGES = 1_000  # passages in one bulk request: ~1-2 MB of Reuters passages
FLUSH_BYTES = 8 * 2**20


class BulkWriter:
    """One run's writer: batches of passages sent in bulk requests, each batch committed as described above.

    `replaces` (a changed file's old articles) and removed articles are hidden in the commit of the batch under way,
    as the Whoosh backend deletes them in the same commit as it adds the new copies."""

    def __init__(self, cluster: Cluster, token: str, batch_passages: int, batch_seconds: float = 60.0):
        self.cluster, self.token = cluster, token
        self.location = cluster.location
        self.sender = BulkSender(cluster.client, cluster.index, cluster.location)
        self.batch_passages, self.batch_seconds = batch_passages, batch_seconds
        self._batch: str | None = None
        self._buffer: list[Action] = []
        self._buffered_bytes = 0
        self._replaced: set[str] = set()
        self._pending = 0
        self._started = 0.0
        self._source: str | None = None

    @reported
    def add_articles(self, source_key: str, articles: list[Article], digest: str, replaces: Sequence[str] = (),
                     prepared: list | None = None, origins: list[Origin | None] | None = None) -> int:
        if self._source != source_key:
            self._replaced.update(replaces)
            self._source = source_key
        batch = self._open()
        written = 0
        for article, origin in zip(articles, origins or itertools.repeat(None)):
            for doc_id, doc in passage_documents(article, source_key, digest, batch, origin):
                self._buffer.append(Action(doc_id, article.article_id, doc))
                self._buffered_bytes += len(doc["text"]) + len(doc.get("title", "")) + 400
                written += 1
            if len(self._buffer) >= FLUSH_PASSAGES or self._buffered_bytes >= FLUSH_BYTES:
                self._flush()
        self._pending += written
        return written

    def remove_articles(self, article_ids: Sequence[str]) -> None:
        """Hide and delete these articles in the next commit; committed every MAX_RETIRED articles, as a terms
        lookup reads at most 65,536 values (a removal is whole per article, whichever commit takes it)."""
        for article_id in article_ids:
            self._replaced.add(article_id)
            if len(self._replaced) >= MAX_RETIRED:
                self.commit()
        self._pending += 1
        if not self._started:
            self._started = time.monotonic()

    def end_source(self) -> None:
        self._source = None
        due = (self._pending >= self.batch_passages or len(self._replaced) >= MAX_RETIRED
               or (self._started and time.monotonic() - self._started >= self.batch_seconds))
        if due:
            self.commit()

    @reported
    def commit(self) -> None:
        if self._batch is None and not self._replaced:
            return
        self._flush()
        if self._batch is not None:
            self.cluster.client.indices.refresh(index=self.cluster.index)  # every passage searchable before shown
        retired = self.cluster.visible_versions(self._replaced)
        self.cluster.commit(self._batch, self.token, retired)
        self._batch, self._replaced, self._pending, self._started = None, set(), 0, 0.0
        self.cluster.purge(retired)

    def cancel(self) -> None:
        """Delete what the batch under way wrote, if the cluster lets us now; else the next run does."""
        self._buffer, self._buffered_bytes, self._replaced = [], 0, set()
        batch, self._batch = self._batch, None
        if batch is not None:
            try:
                self.cluster.drop_batch(batch)
            except Exception:  # an interrupt or a lost cluster: the batch stays pending and hidden
                pass

    def _open(self) -> str:
        if self._batch is None:
            batch = uuid.uuid4().hex[:16]
            self.cluster.open_batch(batch, self.token)
            self._batch = batch
            if not self._started:
                self._started = time.monotonic()
        return self._batch

    def _flush(self) -> None:
        if self._buffer:
            self.sender.send(self._buffer)
            self._buffer, self._buffered_bytes = [], 0
