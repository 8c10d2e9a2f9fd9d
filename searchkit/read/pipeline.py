"""Documents to articles: the stages before the index, composed (ingest -> clean -> extract -> chunk -> actors).

Nothing here knows about Whoosh: the result is plain `Article`s with `Passage`s that any engine could index.
Files are cut into work units (a whole .txt or .html file, or a batch of JSON Lines) that worker processes read
in parallel: `read_unit` is a top-level function of picklable arguments for that reason. The caller may hand the
workers its own next step too (`read_all`'s `prepare`: the index analyses the text there).
"""
from __future__ import annotations

import bisect
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import actors as actor_extraction
from .chunk import chunk
from ..children import follow_parent, keep_interrupts
from .clean import clean
from ..errors import BadInputError
from .extract import extract_metadata
from .ingest import JSONL_SUFFIXES, article_id_for, iter_jsonl, jsonl_document, read_article_file
from ..models import ActorMention, ActorRef, Article, Document, FileProblem
from .outlets import OutletTable


JSONL_BATCH = 64  # JSON Lines articles in one work unit
UNITS_AHEAD = 4  # work units queued per worker process


@dataclass(frozen=True)
class PipelineConfig:
    """What the stages need besides the files: the user's extra outlet table and actor overrides, if any."""

    outlet_files: tuple[str, ...] = ()
    actor_overrides: str | None = None


@dataclass
class WorkUnit:
    """A piece of reading work: a whole .txt/.html file, or a batch of lines of a JSON Lines file."""

    path: Path
    lines: list[tuple[int, str]] | None = None  # JSONL: (line number, line); None: the file is one article
    size: int = 0  # bytes of the file this unit covers, for progress
    problems: list[FileProblem] = field(default_factory=list)  # found while cutting the file into units
    error: str | None = None  # the file cannot be read at all


@dataclass
class ReadResult:
    """The articles of a work unit, the problems met, or why its file was skipped whole."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    error: str | None = None
    size: int = 0
    prepared: object = None  # what read_all's `prepare` made of the articles, in the process that read them


def work_units(path: Path, lines_per_unit: int = JSONL_BATCH) -> Iterator[WorkUnit]:
    """Cut a file into work units; JSON Lines files are streamed, `lines_per_unit` lines at a time."""
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield WorkUnit(path, size=_size(path))
        return
    batch: list[tuple[int, str]] = []
    problems: list[FileProblem] = []
    size = 0
    try:
        for number, line, why in iter_jsonl(path):
            if why is not None:
                problems.append(FileProblem(str(path), why, number))
                continue
            batch.append((number, line))
            size += len(line) + 1
            if len(batch) >= lines_per_unit:
                yield WorkUnit(path, batch, size, problems)
                batch, problems, size = [], [], 0
    except BadInputError as exc:
        yield WorkUnit(path, error=str(exc))
        return
    if batch or problems:
        yield WorkUnit(path, batch, size, problems)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_unit(unit: WorkUnit, config: PipelineConfig = PipelineConfig()) -> ReadResult:
    """Clean, extract and chunk the articles of a work unit. Never raises for bad content."""
    result = ReadResult(path=unit.path, problems=list(unit.problems), error=unit.error, size=unit.size)
    if unit.error:
        return result
    try:
        documents = _documents(unit, result.problems)
    except BadInputError as exc:
        result.error = str(exc)
        return result
    for article_id, document, number in documents:
        article = build_article(document, article_id, config)
        if article.passages:
            result.articles.append(article)
        elif unit.lines is None:
            result.error = f"{unit.path}: no article text (only boilerplate, captions or nothing)"
        else:
            result.problems.append(FileProblem(str(unit.path), f"article {article_id!r} has no body text", number))
    return result


def _documents(unit: WorkUnit, problems: list[FileProblem]) -> list[tuple[str, Document, int | None]]:
    """(article id, document, line number) of each readable article of a unit; bad lines go to `problems`."""
    if unit.lines is None:
        return [(article_id_for(unit.path), read_article_file(unit.path), None)]
    documents = []
    for number, line in unit.lines:
        try:
            document = jsonl_document(line, str(unit.path))
        except BadInputError as exc:
            problems.append(FileProblem(str(unit.path), str(exc), number))
            continue
        documents.append((document.doc_id or article_id_for(unit.path, number), document, number))
    return documents


def read_all(
    paths: Iterable[Path],
    config: PipelineConfig = PipelineConfig(),
    workers: int = 1,
    prepare: Callable[[list[Article]], object] | None = None,
) -> Iterator[ReadResult]:
    """Read every file's work units, in order; with `workers` > 1 in that many processes, a few units ahead.
    `prepare` (a top-level function, so that it pickles) runs on each unit's articles where they were read: the
    next stage's work that the workers can take off the process consuming the results."""
    units = (unit for path in paths for unit in work_units(path))
    if workers <= 1:
        yield from (_read_and_prepare(unit, config, prepare) for unit in units)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=follow_parent, initargs=(os.getpid(),))
    pending: deque = deque()
    try:
        for unit in units:
            with keep_interrupts():  # a submit may start the worker processes
                pending.append(pool.submit(_read_and_prepare, unit, config, prepare))
            if len(pending) >= workers * UNITS_AHEAD:  # bounded: a large corpus never queues up in memory
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_and_prepare(unit: WorkUnit, config: PipelineConfig, prepare) -> ReadResult:
    result = read_unit(unit, config)
    if prepare is not None and result.articles:
        result.prepared = prepare(result.articles)
    return result


def build_article(document: Document, article_id: str, config: PipelineConfig = PipelineConfig()) -> Article:
    """One document through clean, extract, chunk and actor extraction."""
    outlets = _outlets(config.outlet_files)
    blocks = clean(document, outlets)
    metadata = extract_metadata(document, blocks, outlets)
    text, passages = chunk(article_id, [b.text for b in blocks if b.role == "body"])
    mentions = actor_extraction.find_actors(text, overrides=load_actor_overrides(config))
    _assign_actors(passages, mentions)
    return Article(
        article_id=article_id,
        source=document.source,
        text=text,
        title=metadata.title,
        date=metadata.date,
        outlet=metadata.outlet,
        authors=metadata.authors,
        place=metadata.place,
        url=document.url,
        captions=document.captions + [b.text for b in blocks if b.role == "caption"],
        boilerplate=[b.text for b in blocks if b.role in ("boilerplate", "credit", "masthead")],
        passages=passages,
        mentions=mentions,
    )


def _assign_actors(passages, mentions: list[ActorMention]) -> None:
    """Give each passage the distinct actors whose mentions start inside it, in order of first mention."""
    starts = [p.start for p in passages]
    for mention in mentions:
        passage = passages[max(bisect.bisect_right(starts, mention.start) - 1, 0)]
        ref = ActorRef(mention.name, mention.kind)
        if ref not in passage.actors:
            passage.actors.append(ref)


_OUTLET_TABLES: dict[tuple[str, ...], OutletTable] = {}
_OVERRIDES: dict[str, object] = {}


def _outlets(files: tuple[str, ...]) -> OutletTable:
    if files not in _OUTLET_TABLES:
        _OUTLET_TABLES[files] = OutletTable.load(files)
    return _OUTLET_TABLES[files]


def load_actor_overrides(config: PipelineConfig):
    """The user's actor overrides named by `config`, loaded once per process (None when there are none)."""
    path = config.actor_overrides
    if path is None:
        return None
    if path not in _OVERRIDES:
        _OVERRIDES[path] = actor_extraction.load_overrides(path)
    return _OVERRIDES[path]
