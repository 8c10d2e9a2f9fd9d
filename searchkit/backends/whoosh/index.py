"""The Whoosh index of passages: schema, analyzers, the per-run lock, batched commits and the article manifest.

Every passage is one Whoosh document. Article-level data (source file, its content hash, captions, passage count)
is stored on the article's first passage (`head`), so the manifest commits atomically with the passages it
describes: a run killed mid-way leaves the last committed index, with every article in it complete.
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import os
import pickle
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from whoosh import fields, index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh import query
from whoosh.index import clean_files
from whoosh.query import Term

from ... import durable
from ...errors import IndexLockedError, NoIndexError, SearchkitError
from ...models import Article, ManifestEntry, Origin
from ..records import article_extras, article_fields, manifest_from_heads
from ...periods import day_number, period
from .storage import MappedFileStorage
from ...fieldvalues import LIST_SEPARATOR, actor_token
from ...search.vocabulary import Vocabulary, article_words
from .analysis import EXACT_SUFFIX, exact_analyzer, stemmed_analyzer
from .writing import ParallelWriter, segment_writer, write_toc

SCHEMA_VERSION = "7"  # 7: compounds kept whole and as parts; unstemmed title_exact and text_exact
# Postings held in memory before they spill to a sorted run on disk. Reuters-21578, 50,000-passage batches: 64 MB
# peaks at 183 MB RSS, 256 MB at 399 MB, in the same time (54 s and 51 s). With helper processes writing, this
# process's pool only holds old segments being merged.
WRITER_LIMIT_MB = 64
RUN_LOCK = "SEARCHKIT_RUN"
INDEX_NAME = whoosh_index._DEF_INDEX_NAME  # "MAIN": the name Whoosh gives an index's files, which open_index reads


def make_schema() -> fields.Schema:
    english, exact = stemmed_analyzer(), exact_analyzer()
    return fields.Schema(
        passage_id=fields.STORED(),
        article_id=fields.ID(stored=True, sortable=True),
        source_key=fields.STORED(),  # absolute path: which file the article came from
        head=fields.ID(),  # "1" on an article's first passage, which carries the article-level fields
        position=fields.STORED(),  # never searched or ranged: no index terms
        # No index-time field boost: the title weighs in at query time (search.ranking), where it can be tuned.
        title=AnalysedText(analyzer=english, stored=True),
        text=AnalysedText(analyzer=english, stored=True),
        # The words as written (lower-cased), for prefixes, wildcards and quoted words: like a search engine's
        # `text.exact` subfield. No positions: phrases run on the stemmed fields.
        title_exact=AnalysedText(analyzer=exact, phrase=False),
        text_exact=AnalysedText(analyzer=exact, phrase=False),
        date=DayField(),
        outlet=fields.ID(stored=True),
        place=fields.ID(stored=True),
        author=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        actor=fields.KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        source=fields.STORED(),  # the path as the user gave it
        span=fields.STORED(),  # [start, end, separator before]: the passage's place in the article text
        article=fields.STORED(),  # JSON of the article-level extras, on head passages only
    )


@dataclass(frozen=True)
class Analysed:
    """A field value already analysed: Whoosh's (term, frequency, weight, encoded positions) of each of its terms."""

    postings: list


class AnalysedText(fields.TEXT):
    """A TEXT field that also takes its value `Analysed` beforehand: worker processes analyse the passages (a third
    of the writing process's work), and the writer only adds their postings."""

    def index(self, value, **kwargs):
        if isinstance(value, Analysed):
            return value.postings
        return super().index(value, **kwargs)


@dataclass(frozen=True)
class AnalysedArticle:
    """An article's title and each of its passages' texts, analysed as the index would: field -> postings."""

    title: dict[str, Analysed]
    passages: list[dict[str, Analysed]]


def analyse_articles(articles: list[Article]) -> list[AnalysedArticle]:
    """What the writer would analyse of each article, done here, in whatever process calls this."""
    schema = _analysing_schema()

    def analyse(field: str, value: str) -> dict[str, Analysed]:
        return {name: Analysed(list(schema[name].index(value))) for name in (field, field + EXACT_SUFFIX)}

    return [
        AnalysedArticle(analyse("title", a.title or ""), [analyse("text", p.text) for p in a.passages])
        for a in articles
    ]


@functools.cache
def _analysing_schema() -> fields.Schema:
    return make_schema()  # once per process: its analyzers cache their stems


class DayField(fields.NUMERIC):
    """A publication day, as a day number: four index terms a passage where Whoosh's DATETIME makes eight, a column
    for sorting, facets and filters, and the query syntax `date:2007`, `date:2007-03`, `date:[2007 to 2008-06]`."""

    MISSING = 0  # day numbers are ordinals, 1 and up

    def __init__(self):
        super().__init__(numtype=int, bits=32, signed=False, shift_step=8, stored=True, sortable=True,
                         default=self.MISSING)

    def parse_query(self, fieldname, qstring, boost=1.0):
        if qstring == "*":
            return query.Every(fieldname, boost=boost)
        first, last = period(qstring)  # a ValueError becomes the parser's error for this query
        return day_range(fieldname, first, last, boost)

    def parse_range(self, fieldname, start, end, startexcl, endexcl, boost=1.0):
        first = period(start)[0] if start is not None else None
        last = period(end)[1] if end is not None else None
        return day_range(fieldname, first, last, boost)


def day_range(fieldname: str, first: dt.date | None, last: dt.date | None, boost: float = 1.0) -> query.Query:
    """Passages published from `first` to `last`, both included (None: open-ended)."""
    start = day_number(first) if first else DayField.MISSING + 1
    end = day_number(last) if last else None
    return DayRange(fieldname, start, end, boost=boost, constantscore=True)


class DayRange(query.NumericRange):
    """A NumericRange whose trie terms are right. Whoosh's split_ranges masks a negative bound into a huge positive
    one, so a range whose end is below one block of the next precision (days 1-255; or, at the 2**16 precision,
    every real date when the range spans 2**16 days) adds whole blocks of terms: `date:[1900 to 2100]` matched
    undated passages too."""

    def _compile_query(self, ixreader):
        field = ixreader.schema[self.fieldname]
        start = 0 if self.start is None else field.prepare_number(self.start)
        end = 2**field.bits - 1 if self.end is None else field.prepare_number(self.end)
        subqueries = []
        for first, last, shift in trie_ranges(start, end, field.bits, field.shift_step):
            low, high = field.sortable_to_bytes(first, shift), field.sortable_to_bytes(last, shift)
            subqueries.append(Term(self.fieldname, low) if first == last else query.TermRange(self.fieldname, low, high))
        if not subqueries:
            return query.NullQuery
        compiled = subqueries[0] if len(subqueries) == 1 else query.Or(subqueries, boost=self.boost)
        return query.ConstantScoreQuery(compiled, self.boost) if self.constantscore else compiled


def trie_ranges(start: int, end: int, bits: int, step: int) -> Iterator[tuple[int, int, int]]:
    """Cover the integers start..end (both included) with (first, last, shift) blocks of trie terms: full precision
    at the edges, coarser in the middle (Lucene's splitRange). Python's unbounded ints keep a bound that falls
    below zero negative, which is what ends the loop."""
    shift = 0
    while start <= end:
        mask = ((1 << step) - 1) << shift
        low_bits = (1 << shift) - 1
        has_lower, has_upper = bool(start & mask), (end & mask) != mask
        next_start = (start + (1 << (shift + step)) if has_lower else start) & ~mask
        next_end = (end - (1 << (shift + step)) if has_upper else end) & ~mask
        if shift + step >= bits or next_start > next_end:
            yield start, end | low_bits, shift
            return
        if has_lower:
            yield start, start | mask | low_bits, shift
        if has_upper:
            yield end & ~mask, end | low_bits, shift
        start, end, shift = next_start, next_end, shift + step


def passage_documents(
    article: Article, source_key: str, digest: str, analysed: AnalysedArticle | None = None,
    origin: Origin | None = None,
) -> Iterator[dict]:
    """The Whoosh documents of an article's passages; their title and text analysed already, when `analysed`.
    `origin`, for a JSON Lines article: its line, whose digest it records instead of the file's."""
    common = article_fields(article, source_key)
    common["author"] = LIST_SEPARATOR.join(common["author"])
    if analysed is not None:
        common.update(analysed.title, _stored_title=common["title"])
    else:
        common["title" + EXACT_SUFFIX] = common["title"]
    if article.date is not None:
        common["date"] = day_number(article.date)
    extras = article_extras(article, digest, origin)
    previous_end = 0
    for number, passage in enumerate(article.passages):
        doc = dict(common)
        separator = article.text[previous_end:passage.start]
        previous_end = passage.end
        doc.update(
            passage_id=passage.passage_id,
            position=passage.position,
            span=[passage.start, passage.end, separator],
            text=passage.text,
            actor=LIST_SEPARATOR.join(actor_token(a) for a in passage.actors),
        )
        if analysed is not None:
            doc.update(analysed.passages[number], _stored_text=passage.text)
        else:
            doc["text" + EXACT_SUFFIX] = passage.text
        if passage.position == 0:
            doc.update(head="1", article=json.dumps(extras, ensure_ascii=False))
        yield {k: v for k, v in doc.items() if v is not None}


class IndexStore:
    """An index folder: opens or creates the Whoosh index and guards writing runs."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def exists(self) -> bool:
        # A table of contents is there. Not read, as Whoosh's exists_in does: a commit deletes the old one just
        # after writing the new, and `check` during indexing failed with FileNotFoundError (tests/test_index.py).
        return self.path.is_dir() and whoosh_index.TOC._latest_generation(FileStorage(str(self.path)), INDEX_NAME) > -1

    def open(self, mapped: bool = True):
        """The index; `mapped=False` reads segment files instead of memory-mapping them, for a one-off pass over
        all of them whose pages need not stay resident afterwards."""
        if not self.exists():
            raise NoIndexError(f"no index at {self.path} (run `searchkit index PATH` first, or give --index DIR)")
        storage = MappedFileStorage(str(self.path)) if mapped else FileStorage(str(self.path), supports_mmap=False)
        try:
            return storage.open_index()
        except (ImportError, AttributeError, pickle.UnpicklingError):
            # The table of contents pickles the schema's classes by module path ("searchkit.index" before the
            # backends/ layout): an index made of classes this version lacks cannot be read at all.
            raise SearchkitError(_another_version(self.path)) from None

    def create(self):
        """A new, empty index (over an old one: `--rebuild`), made durable: the folder, the schema marker and the
        first table of contents are synced before it is used."""
        self.path.mkdir(parents=True, exist_ok=True)
        durable.sync_folder(self.path.parent)  # the index folder's own entry
        durable.write_text(self.path / "searchkit.json", json.dumps({"schema": SCHEMA_VERSION}) + "\n")
        storage = FileStorage(str(self.path))
        prefix = f"_{INDEX_NAME}_"
        for name in storage.list():  # what Whoosh's create_in clears: the old index's TOCs and segments
            if name.startswith(prefix):
                storage.delete_file(name)
        write_toc(storage, whoosh_index.TOC(make_schema(), [], 0), INDEX_NAME)
        return self.open()

    def open_or_create(self):
        return self.open() if self.exists() else self.create()

    @contextmanager
    def run_lock(self, timeout: float = 5.0):
        """Hold the index for one writing run; a second writer waits up to `timeout` seconds, then fails."""
        self.path.mkdir(parents=True, exist_ok=True)
        # fcntl locks vanish with the process that held them, so a killed run never leaves a stale lock.
        from whoosh.util.filelock import FcntlLock

        lock = FcntlLock(str(self.path / RUN_LOCK))
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"index {self.path} is locked by another process (an `index` run); try again when it ends"
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()


def read_manifest(searcher) -> dict[str, ManifestEntry]:
    """Source file -> what the index holds of it, from the head passages' stored fields."""

    def heads():
        for docnum in searcher.docs_for_query(Term("head", "1")):
            stored = searcher.stored_fields(docnum)
            key = stored["source_key"]
            yield key, stored.get("source", key), stored["article_id"], json.loads(stored.get("article") or "{}")

    return manifest_from_heads(heads())


class BatchWriter:
    """Writes articles in batches, one commit a batch, so an interrupted run keeps every batch before it.

    A source file's old passages are deleted in the same commit as its new ones are added, and only once it has
    new ones: a file that has turned unreadable keeps its last good version. Commits happen only at `end_source`:
    after a whole .txt or .html file, or after a batch of a JSON Lines file's lines (a JSON Lines article is a line).
    """

    def __init__(
        self,
        ix,
        batch_passages: int = 100_000,
        batch_seconds: float = 60.0,
        folder: Path | None = None,
        helpers: int = 0,
    ):
        self.ix = ix
        self.helpers = helpers
        self.folder = folder
        self.vocabulary = Vocabulary.load(folder) if folder else Vocabulary()
        self.batch_passages = batch_passages
        self.batch_seconds = batch_seconds
        self._writer = None
        self._pending = 0
        self._started = 0.0
        self._source: str | None = None

    def _ensure_writer(self):
        if self._writer is None:
            try:
                self._writer = (
                    ParallelWriter(self.ix, self.helpers, WRITER_LIMIT_MB) if self.helpers
                    else segment_writer(self.ix, WRITER_LIMIT_MB)
                )
            except whoosh_index.LockError as exc:
                raise IndexLockedError(f"index {self.ix.storage.folder} is locked by another writer") from exc
            self._started = time.monotonic()
        return self._writer

    def add_articles(
        self,
        source_key: str,
        articles: list[Article],
        digest: str,
        replaces: Sequence[str] = (),
        prepared: list[AnalysedArticle | None] | None = None,
        origins: list[Origin | None] | None = None,
    ) -> int:
        """Add articles of a source file, replacing its old articles (`replaces`: their ids); returns passages
        written. `prepared`: each article's `analyse_articles`, where a worker process made it. `origins`: each
        article's line, for the articles of a JSON Lines file."""
        writer = self._ensure_writer()
        if self._source != source_key:
            self._delete_articles(writer, replaces)
            self._source = source_key
        written = 0
        extras = zip(prepared or itertools.repeat(None), origins or itertools.repeat(None))
        for article, (analysis, origin) in zip(articles, extras):
            self.vocabulary.add(article_words(article.title, article.text))
            for doc in passage_documents(article, source_key, digest, analysis, origin):
                writer.add_document(**doc)
                written += 1
        self._pending += written
        return written

    def end_source(self) -> None:
        """The current source file is complete: commit if the batch is full or old."""
        self._source = None
        if self._writer is not None and (
            self._pending >= self.batch_passages or time.monotonic() - self._started >= self.batch_seconds
        ):
            self.commit()

    def remove_articles(self, article_ids: Sequence[str]) -> None:
        """Delete articles whose file is gone."""
        self._delete_articles(self._ensure_writer(), article_ids)
        self._pending += 1

    @staticmethod
    def _delete_articles(writer, article_ids) -> None:
        for article_id in article_ids:
            writer.delete_by_term("article_id", article_id)

    def commit(self) -> None:
        if self._writer is not None:
            if self.folder is not None:
                # Before the commit, so that a full disk fails the commit rather than leave the vocabulary behind it.
                self.vocabulary.save(self.folder)
            self._writer.commit()
            self._writer = None
            self._pending = 0

    def cancel(self) -> None:
        if self._writer is not None:
            try:
                self._writer.cancel()
            except Exception:  # the writer may already be half torn down by the interrupt
                pass
            self._writer = None
        remove_uncommitted(self.ix)  # also after a writer that failed to start


def remove_uncommitted(ix) -> None:
    """Delete the files no commit names (a cancelled batch's segments and sorting runs, a table of contents cut
    short): on a full disk they hold the space a rerun needs. Whoosh would delete the segments at the next commit,
    and never the others; only a run holding the index's lock may call this."""
    shutil.rmtree(Path(ix.storage.folder) / f"{ix.indexname}.tmp", ignore_errors=True)  # SegmentWriter's runs
    try:
        toc = ix._read_toc()
        clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        unfinished = re.compile(rf"^_{re.escape(ix.indexname)}_\d+\.toc\.")  # TOC.write's temporary name
        for name in ix.storage.list():
            if unfinished.match(name):
                ix.storage.delete_file(name)
    except OSError:
        pass  # a failing disk: the next commit deletes the segments


def check_schema(path: Path) -> None:
    marker = path / "searchkit.json"
    if marker.exists():
        version = json.loads(marker.read_text()).get("schema")
        if version != SCHEMA_VERSION:
            raise SearchkitError(_another_version(path))


def _another_version(path: Path) -> str:
    return f"index {path} was built by another searchkit version; rebuild it with --rebuild"


def verify(ix) -> list[str]:
    """Problems found in an index: unreadable segments, articles whose passages are missing or repeated."""
    problems: list[str] = []
    try:
        searcher = ix.searcher()
    except FileNotFoundError:
        raise  # a commit replaced the files just now: the caller reads the new ones
    except Exception as exc:  # any other failure to open is a finding, not a crash
        return [f"cannot open the index: {exc}"]
    with searcher:
        reader = searcher.reader()
        for segment_reader, _ in reader.leaf_readers():
            try:
                for docnum in segment_reader.all_doc_ids():
                    segment_reader.stored_fields(docnum)
            except FileNotFoundError:
                raise
            except Exception as exc:
                problems.append(f"segment {getattr(segment_reader, 'segid', lambda: '?')()} unreadable: {exc}")
        expected: dict[str, int] = {}
        for docnum in searcher.docs_for_query(Term("head", "1")):
            stored = searcher.stored_fields(docnum)
            expected[stored["article_id"]] = json.loads(stored.get("article") or "{}").get("passages", 0)
        found: dict[str, list[int]] = {}
        for docnum in reader.all_doc_ids():
            stored = searcher.stored_fields(docnum)
            found.setdefault(stored["article_id"], []).append(int(stored.get("position", -1)))
        for article_id, positions in sorted(found.items()):
            if article_id not in expected:
                problems.append(f"article {article_id}: passages without an article record")
            elif sorted(positions) != list(range(expected[article_id])):
                problems.append(
                    f"article {article_id}: expected passages 0..{expected[article_id] - 1}, found {sorted(positions)}"
                )
        problems.extend(f"article {a}: article record without passages" for a in sorted(set(expected) - set(found)))
    return problems
