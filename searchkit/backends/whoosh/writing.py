"""Whoosh writers for one batch of passages: a plain one in this process, or one whose documents are written to new
segments by helper processes, so that indexing uses every core.

The parallel writer keeps Whoosh's guarantees: this process holds the index's write lock, deletes, merges old
segments and writes the table of contents that makes the batch visible, once, at commit. Helpers only write segment
files that no reader sees before that commit. It checks what Whoosh's own `MpWriter` does not: a helper that failed
or vanished fails the commit (Whoosh would commit without its documents), helpers leave Ctrl-C to this process, and
helpers of a killed run end by themselves (`children`).
"""
from __future__ import annotations

import multiprocessing
import os
import queue

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment
from whoosh.index import TOC, clean_files
from whoosh.writing import SegmentWriter

from ... import durable
from ...children import follow_parent, keep_interrupts
from ...errors import IndexWriteError

DOCS_PER_JOB = 500  # documents sent to a helper at a time: large enough to keep pickling overhead low
POLL_SECONDS = 1.0  # how often the parent, waiting on a queue, checks that its helpers are alive
# A helper's postings in memory before they spill to a sorted run on disk. Reuters-21578, two helpers: 32, 16, 8
# and 4 MB took the same time (47.5-51.3 s); a helper's peak RSS was 93, 75, 67 and 65 MB. A 100,000-passage batch
# then spills about 80 runs a helper, within the 128 that Whoosh merges at once.
HELPER_LIMIT_MB = 4


class _LengthsReader(W3PerDocReader):
    # Whoosh looks up every posting's field length, and for a field without lengths (ids, keywords) asks the file
    # system each time whether the column exists: 755,000 stat calls for Reuters-21578. Remember the answer.
    def _cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)
        return self._readers[fieldname]


class _WritingCodec(W3Codec):
    """Whoosh's codec, with field lengths looked up once per field while a segment is written."""

    def per_document_reader(self, storage, segment):
        return _LengthsReader(storage, segment)

    def new_segment(self, storage, indexname):
        # The segment (pickled into the index's table of contents) names the plain codec, so plain Whoosh reads it.
        return W3Segment(W3Codec(), indexname)


class DurableSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, whose commit survives a power cut. Whoosh writes the table of contents (TOC) that
    makes a commit under a temporary name and renames it, but syncs nothing, so after a power cut the new TOC may
    name segment files whose contents never reached the disk, or be empty itself. Here the commit follows Lucene's
    order: sync every file of the new segments (whichever process wrote them) and the folder, then write the TOC,
    sync it, rename it into place and sync the folder; only then are the old TOC and merged-away segments deleted."""

    def __init__(self, ix, **options):
        try:
            super().__init__(ix, **options)
        except BaseException:  # a full disk as the new segment's files are opened: Whoosh would keep its lock
            if getattr(self.writelock, "locked", False):
                self.writelock.release()
            raise
        # The segments committed when the writer opened: Whoosh appends new ones to `self.segments` as it goes.
        self._committed = {segment.segment_id() for segment in self.segments}

    def _commit_toc(self, segments) -> None:
        folder = self.storage.folder
        for segment in segments:
            if segment.segment_id() not in self._committed:
                for name in segment.list_files(self.storage):
                    durable.sync_path(os.path.join(folder, name))
        durable.sync_folder(folder)
        write_toc(self.storage, TOC(self.schema, segments, self.generation), self.indexname)
        clean_files(self.storage, self.indexname, self.generation, segments)


def write_toc(storage, toc: TOC, indexname: str) -> None:
    """Write a table of contents durably: Whoosh's own writing (temporary file, rename), the file synced before it
    is renamed, the folder after."""
    toc.write(_SyncedRenames(storage), indexname)


class _SyncedRenames:
    """The two storage calls `TOC.write` makes, each made durable: the created file is synced as it is closed, and
    the folder after the rename."""

    def __init__(self, storage):
        self._storage = storage

    def create_file(self, name: str):
        file = self._storage.create_file(name)
        file.onclose = lambda opened: durable.sync_file(opened.file)  # StructFile calls it just before closing
        return file

    def rename_file(self, old: str, new: str, safe: bool = False) -> None:
        self._storage.rename_file(old, new, safe=safe)
        durable.sync_folder(self._storage.folder)


def segment_writer(ix, limitmb: int, lock: bool = True) -> SegmentWriter:
    return DurableSegmentWriter(ix, limitmb=limitmb, codec=_WritingCodec(), _lk=lock)


class ParallelWriter:
    """The writer interface BatchWriter uses (add_document, delete_by_term, commit, cancel), with documents written
    by `helpers` processes, each into a segment of its own."""

    def __init__(self, ix, helpers: int, limitmb: int):
        """`limitmb`: the pool of this process's own writer, which merges old segments."""
        self._own = segment_writer(ix, limitmb)  # first, so that a locked index fails before any process starts
        context = multiprocessing.get_context()
        self._jobs = context.Queue(helpers * 2)  # bounded: a slow helper holds up the parent, not its memory
        self._results = context.Queue()
        self._helpers = [
            context.Process(
                target=_write_segment,
                args=(ix.storage, ix.indexname, HELPER_LIMIT_MB, self._jobs, self._results, os.getpid()),
                daemon=True,
                name=f"searchkit-writer-{n}",
            )
            for n in range(helpers)
        ]
        with keep_interrupts():
            for helper in self._helpers:
                helper.start()
        self._buffer: list[dict] = []
        self._sent = 0

    def add_document(self, **fields) -> None:
        self._buffer.append(fields)
        if len(self._buffer) >= DOCS_PER_JOB:
            self._send()

    def delete_by_term(self, fieldname: str, text: str) -> None:
        self._own.delete_by_term(fieldname, text)

    def commit(self) -> None:
        """Wait for every helper's segment, then commit them with this process's deletions and merges."""
        try:
            self._send()
            for _ in self._helpers:
                self._put(None)
            segments = self._own._merge_segments(None, None, None)  # meanwhile the helpers finish their segments
            new = [segment for segment in (self._result() for _ in self._helpers) if segment is not None]
        except BaseException:
            self.cancel()
            raise
        reached = sum(segment.doc_count_all() for segment in new)  # what is in the segments, not what was said
        if reached != self._sent:
            self.cancel()
            raise IndexWriteError(f"writer processes wrote {reached} of {self._sent} passages")
        segments += new
        if self._own._added:  # old segments merged into this process's own new one
            segments.append(self._own._finalize_segment())
        else:
            self._own._close_segment()
        self._own._commit_toc(segments)
        self._own._finish()
        self._join()

    def cancel(self) -> None:
        """Stop the helpers and release the index; their segment files, never committed, are removed by the next
        commit."""
        for helper in self._helpers:
            if helper.is_alive():
                helper.terminate()
        self._jobs.cancel_join_thread()  # jobs no helper will read must not hold up this process's exit
        self._join()
        if not self._own.is_closed:
            self._own.cancel()

    def _send(self) -> None:
        if self._buffer:
            self._put(self._buffer)
            self._sent += len(self._buffer)
            self._buffer = []

    def _put(self, job) -> None:
        while True:
            try:
                self._jobs.put(job, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self._check_helpers()

    def _result(self):
        while True:
            try:
                outcome, value = self._results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_helpers()
                continue
            if outcome == "disk":  # the helper's OSError, rebuilt: a full disk reads as one, in any process
                raise OSError(*value)
            if outcome == "error":
                raise IndexWriteError(f"a writer process failed: {value}")
            return value  # the helper's new segment, or None when it was sent nothing

    def _check_helpers(self) -> None:
        # A helper that has exited without putting its result (killed, out of memory) would be waited for forever.
        for helper in self._helpers:
            if not helper.is_alive() and helper.exitcode != 0:
                raise IndexWriteError(f"writer process {helper.name} ended with exit code {helper.exitcode}")

    def _join(self) -> None:
        for helper in self._helpers:
            helper.join(timeout=10)
        self._jobs.close()
        self._results.close()


def _write_segment(storage, indexname: str, limitmb: int, jobs, results, parent: int) -> None:
    """A helper's life: add the documents of each job to one new segment; on None, finish it and report it."""
    follow_parent(parent)
    try:
        writer = segment_writer(storage.open_index(indexname), limitmb, lock=False)
        while (job := jobs.get()) is not None:
            for fields in job:
                writer.add_document(**fields)
        # Never _finish(): that would remove the temporary folder the other helpers are still using.
        results.put(("done", writer._finalize_segment() if writer._added else writer._close_segment()))
    except OSError as exc:
        results.put(("disk", (exc.errno, exc.strerror, exc.filename)))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
