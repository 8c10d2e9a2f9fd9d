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
from typing import Callable, Iterable, Iterator, Mapping

from . import actors as actor_extraction
from .chunk import chunk
from ..children import follow_parent, keep_interrupts
from .clean import clean
from ..errors import BadInputError
from .extract import extract_metadata
from .ingest import JSONL_SUFFIXES, article_id_for, decode, iter_raw_lines, jsonl_document, read_article_file
from .lines import LineSelection, line_digest
from ..models import ActorMention, ActorRef, Article, Document, FileProblem, Origin
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
    lines: list[tuple[int, str, str]] | None = None  # JSONL: (line number, line, its digest); None: one article
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
    origins: list[Origin | None] = field(default_factory=list)  # each article's line (None: a whole file)


def work_units(path: Path, lines_per_unit: int = JSONL_BATCH, selection: LineSelection | None = None) -> Iterator[WorkUnit]:
    """Cut a file into work units; JSON Lines files are streamed, `lines_per_unit` lines at a time, and only the
    lines of `selection` (None: all) are read."""
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield WorkUnit(path, size=_size(path))
        return
    batch: list[tuple[int, str, str]] = []
    problems: list[FileProblem] = []
    size, units = 0, 0
    try:
        for number, raw, why in iter_raw_lines(path):
            if selection is not None and number not in selection:
                continue
            if raw is not None:
                size += len(raw)
                try:
                    batch.append((number, decode(raw, path).strip(), line_digest(raw)))
                except BadInputError as exc:
                    why = str(exc).split(": ", 1)[-1]
            if why is not None:
                problems.append(FileProblem(str(path), why, number))
            if len(batch) >= lines_per_unit:
                yield WorkUnit(path, batch, size, problems)
                batch, problems, size, units = [], [], 0, units + 1
    except BadInputError as exc:
        yield WorkUnit(path, error=str(exc))
        return
    if batch or problems or not units:  # every file has a unit: one with no lines still tells the file was seen
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
    for article_id, document, origin in documents:
        article = build_article(document, article_id, config)
        if article.passages:
            result.articles.append(article)
            result.origins.append(origin)
        elif unit.lines is None:
            result.error = f"{unit.path}: no article text (only boilerplate, captions or nothing)"
        else:
            result.problems.append(FileProblem(str(unit.path), f"article {article_id!r} has no body text", origin.line))
    return result


def _documents(unit: WorkUnit, problems: list[FileProblem]) -> list[tuple[str, Document, Origin | None]]:
    """(article id, document, origin) of each readable article of a unit; bad lines go to `problems`."""
    if unit.lines is None:
        return [(article_id_for(unit.path), read_article_file(unit.path), None)]
    documents = []
    for number, line, digest in unit.lines:
        try:
            document = jsonl_document(line, str(unit.path))
        except BadInputError as exc:
            problems.append(FileProblem(str(unit.path), str(exc), number))
            continue
        origin = Origin(digest, number, own_id=document.doc_id is not None)
        documents.append((document.doc_id or article_id_for(unit.path, number), document, origin))
    return documents


def read_all(
    paths: Iterable[Path],
    config: PipelineConfig = PipelineConfig(),
    workers: int = 1,
    prepare: Callable[[list[Article]], object] | None = None,
    selections: Mapping[Path, LineSelection] | None = None,
) -> Iterator[ReadResult]:
    """Read every file's work units, in order; with `workers` > 1 in that many processes, a few units ahead.
    `prepare` (a top-level function, so that it pickles) runs on each unit's articles where they were read: the
    next stage's work that the workers can take off the process consuming the results. `selections`: the lines to
    read of JSON Lines files (a file not in it: all)."""
    selections = selections or {}
    units = (unit for path in paths for unit in work_units(path, selection=selections.get(path)))
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
