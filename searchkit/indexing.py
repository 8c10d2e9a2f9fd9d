"""Incremental indexing: what of the files given is new, changed or gone, and writing just that.

A .txt or .html file is one article and the unit of change: a changed file is read again and its article replaced.
A JSON Lines file is one article a line, and the line is the unit: its lines are hashed (not parsed) against what
the index holds of them, only new and changed lines are read and written, and the articles of lines gone are
deleted. Commits may fall between the batches of a JSON Lines file; an article is still whole or absent.

Article ids: an id a JSON Lines record gives is the article's across files. The first file indexed with it keeps
it (what is in the index stays put, whichever file a later run meets first); an article of another file with the
same id is skipped and reported with both files, in every run until the clash is resolved. Ids made from file
names or line numbers are searchkit's, not the user's: a clash gets a short suffix from its file's path.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .backends.base import Run, Writer
from .errors import BadInputError
from .models import Article, FileProblem, IndexReport, ManifestEntry
from .read import pipeline
from .read.ingest import JSONL_SUFFIXES, file_digest
from .read.lines import KnownLines, LineSelection, select_lines

Progress = Callable[[int, int, str], None]  # (bytes read, bytes to read, current file)


@dataclass
class Plan:
    """The files to read, with their digests (None: a JSON Lines file, compared line by line), the lines to read of
    each JSON Lines file, and the bytes to read in all."""

    files: dict[Path, str | None] = field(default_factory=dict)
    selections: dict[Path, LineSelection] = field(default_factory=dict)
    size: int = 0


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES


def source_key(path: Path) -> str:
    return str(path.resolve())


def parse_part(text: str) -> tuple[int, int]:
    """`--part K/N` -> (K, N), or a BadInputError naming the value and the closest valid one."""
    k, slash, n = text.strip().partition("/")
    if not (slash and k.isdigit() and n.isdigit()) or int(n) < 1:
        raise BadInputError(f"--part {text!r} is not K/N with whole numbers, N at least 1: try 1/2")
    return check_part((int(k), int(n)))


def check_part(part: tuple[int, int]) -> tuple[int, int]:
    k, n = part
    if n < 1 or not 1 <= k <= n:
        closest = f"{min(max(k, 1), max(n, 1))}/{max(n, 1)}"
        raise BadInputError(f"part {k}/{n} is not one of 1/{n} ... {n}/{n}: try {closest}")
    return k, n


def in_part(key: str, part: tuple[int, int] | None) -> bool:
    """Whether the file of source key `key` is in share K of N: by a hash of its key, so that every run (on any
    machine, listing the files in any order) gives each file to the same part, and adding files moves no other."""
    if part is None:
        return True
    k, n = part
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % n == k - 1


def plan(files: list[Path], manifest: dict[str, ManifestEntry], report: IndexReport) -> Plan:
    """What to read of `files`: new and changed files, and of JSON Lines files their new and changed lines.
    Unreadable files are reported; unchanged ones counted."""
    todo = Plan()
    seen: set[str] = set()
    for path in files:
        key = source_key(path)
        if key in seen:  # a file named twice (a folder and a file in it)
            continue
        seen.add(key)
        entry = manifest.get(key)
        try:
            if is_jsonl(path):
                selection = select_lines(path, KnownLines(entry.origins.items() if entry else ()))
                if entry is not None and not selection.ranges and set(selection.kept) == set(entry.origins):
                    report.unchanged += 1
                    continue
                todo.files[path], todo.selections[path] = None, selection
                todo.size += selection.size
                continue
            digest = file_digest(path)
        except BadInputError as exc:
            report.skipped += 1
            report.problems.append(FileProblem(str(path), str(exc).split(": ", 1)[-1]))
            continue
        if entry is not None and entry.digest == digest:
            report.unchanged += 1
        else:
            todo.files[path] = digest
            todo.size += _size(path)
    return todo


def remove_missing(manifest: dict[str, ManifestEntry], writer: Writer, report: IndexReport,
                   part: tuple[int, int] | None = None) -> None:
    """Delete the articles of files gone from disk (and forget them in `manifest`); of `part`'s files only, so that
    runs of different parts never delete each other's articles."""
    for key in list(manifest):
        if in_part(key, part) and not os.path.exists(key):
            writer.remove_articles(manifest[key].article_ids)
            report.removed += 1
            report.articles_removed += len(manifest[key].origins)
            del manifest[key]


def write(
    todo: Plan,
    run: Run,
    report: IndexReport,
    config: pipeline.PipelineConfig,
    readers: int = 1,
    progress: Progress | None = None,
) -> None:
    """Read what `todo` names and write its articles with the run's writer."""
    manifest, writer = run.manifest, run.writer
    ids = ArticleIds(manifest)
    done = 0
    current: _FileRun | _LinesRun | None = None
    # The backend's preparation (Whoosh: analysing titles and passages) is done by whichever processes are not this
    # one: the readers if there are any besides this one, else the backend's writers.
    prepare = run.prepare if readers > 1 else None
    results = pipeline.read_all(list(todo.files), config, readers, prepare=prepare, selections=todo.selections)
    # Closed here, on any exit: an interrupt's traceback would keep the generator, and its worker pool, alive until
    # the garbage collector shut the pool down from another thread ("cannot join current thread").
    with contextlib.closing(results):
        for result in results:
            if current is None or current.path != result.path:
                if current is not None:
                    current.finish(writer, report, ids)
                entry = manifest.get(source_key(result.path))
                if is_jsonl(result.path):
                    current = _LinesRun(result.path, entry, todo.selections[result.path])
                else:
                    current = _FileRun(result.path, todo.files[result.path], entry)
            current.add(result, writer, ids, report)
            done += result.size
            if progress:
                progress(done, todo.size, str(result.path))
    if current is not None:
        current.finish(writer, report, ids)


class ArticleIds:
    """Which file holds each article id (see the module's docstring for the rule)."""

    def __init__(self, manifest: dict[str, ManifestEntry]):
        self._owner = {aid: key for key, entry in manifest.items() for aid in entry.origins}

    def claim(self, article: Article, own_id: bool, key: str) -> tuple[Article | None, str | None]:
        """The article under the id it may have, and None; or None and the file that holds its id already."""
        owner = self._owner.get(article.article_id)
        if owner is not None and owner != key:
            if own_id:
                return None, owner
            suffix = hashlib.blake2b(key.encode(), digest_size=3).hexdigest()
            article = _renamed(article, f"{article.article_id}-{suffix}")
        self._owner[article.article_id] = key
        return article, None

    def release(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            self._owner.pop(article_id, None)


def _renamed(article: Article, new_id: str) -> Article:
    passages = [dataclasses.replace(p, article_id=new_id) for p in article.passages]
    return dataclasses.replace(article, article_id=new_id, passages=passages)


def _conflict(path: Path, article_id: str, owner: str, line: int | None) -> FileProblem:
    reason = (f"article id {article_id!r} is already that of an article of {owner} (the file indexed first keeps an "
              "id); give this one another id to index both")
    return FileProblem(str(path), reason, line)


class _FileRun:
    """A .txt or .html file being written: one article, which replaces the file's old one; it counts once in the
    report."""

    def __init__(self, path: Path, digest: str, entry: ManifestEntry | None):
        self.path, self.digest, self.key = path, digest, source_key(path)
        self.known = entry is not None
        self.replaces = entry.article_ids if entry else []  # the ids of the articles the index holds of this file
        self.articles = 0
        self.ids: set[str] = set()
        self.error: str | None = None

    def add(self, result: pipeline.ReadResult, writer: Writer, ids: ArticleIds, report: IndexReport) -> None:
        report.problems.extend(result.problems)
        self.error = self.error or result.error
        fresh, prepared = [], []
        for article, preparation in zip(result.articles, result.prepared or itertools.repeat(None)):
            article, _ = ids.claim(article, own_id=False, key=self.key)
            if article.article_id in self.ids:
                report.problems.append(FileProblem(str(self.path), f"duplicate article id {article.article_id!r}, skipped"))
                continue
            self.ids.add(article.article_id)
            fresh.append(article)
            prepared.append(preparation)
        if fresh:
            report.passages += writer.add_articles(self.key, fresh, self.digest, self.replaces, prepared)
            report.articles += len(fresh)
            self.articles += len(fresh)

    def finish(self, writer: Writer, report: IndexReport, ids: ArticleIds) -> None:
        if not self.articles:
            _report_unreadable(self.path, self.error, report)
            return
        writer.end_source()
        if self.known:
            report.updated += 1
        else:
            report.indexed += 1


class _LinesRun:
    """A JSON Lines file being written a batch of lines at a time, each batch committable: its new and changed
    articles are written (a changed one replacing its old version in the same commit), and at its end the articles
    of lines gone are deleted."""

    def __init__(self, path: Path, entry: ManifestEntry | None, selection: LineSelection):
        self.path, self.key = path, source_key(path)
        self.known = entry is not None
        self.old = entry.origins if entry else {}
        self.present = set(selection.kept)  # ids of the articles of the file's lines: unchanged or written
        self.written = 0
        self.conflicts = 0
        self.error: str | None = None

    def add(self, result: pipeline.ReadResult, writer: Writer, ids: ArticleIds, report: IndexReport) -> None:
        report.problems.extend(result.problems)
        self.error = self.error or result.error
        fresh, prepared, origins = [], [], []
        for read, preparation, origin in zip(result.articles, result.prepared or itertools.repeat(None), result.origins):
            article, owner = ids.claim(read, origin.own_id, self.key)
            if article is None:
                report.problems.append(_conflict(self.path, read.article_id, owner, origin.line))
                self.conflicts += 1
                continue
            if article.article_id in self.present:
                report.problems.append(
                    FileProblem(str(self.path), f"duplicate article id {article.article_id!r}, skipped", origin.line))
                continue
            self.present.add(article.article_id)
            fresh.append(article)
            prepared.append(preparation)
            origins.append(origin)
        if fresh:
            replaced = [a.article_id for a in fresh if a.article_id in self.old]
            report.passages += writer.add_articles(self.key, fresh, "", replaced, prepared, origins)
            report.articles += len(fresh)
            self.written += len(fresh)
            writer.end_source()

    def finish(self, writer: Writer, report: IndexReport, ids: ArticleIds) -> None:
        if not self.present:  # nothing readable: the file keeps what the index holds of it
            taken = f"{self.path}: every article's id is another file's" if self.conflicts else None
            _report_unreadable(self.path, self.error or taken, report)
            return
        gone = [article_id for article_id in self.old if article_id not in self.present]
        if gone:
            writer.remove_articles(gone)
            ids.release(gone)
            report.articles_removed += len(gone)
            writer.end_source()
        if not self.known:
            report.indexed += 1
        elif self.written or gone:
            report.updated += 1
        else:
            report.unchanged += 1


def _report_unreadable(path: Path, error: str | None, report: IndexReport) -> None:
    report.skipped += 1
    reason = error.split(": ", 1)[-1] if error else "no readable article"
    if not any(p.source == str(path) and p.line is None for p in report.problems):
        report.problems.append(FileProblem(str(path), reason))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
