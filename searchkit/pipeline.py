"""Documents to articles: the stages before the index, composed (ingest -> clean -> extract -> chunk -> actors).

Nothing here knows about Whoosh: the result is plain `Article`s with `Passage`s that any engine could index.
`read_source` is a top-level function of picklable arguments so that worker processes can run it.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from . import actors as actor_extraction
from .chunk import chunk
from .clean import clean
from .errors import BadInputError
from .extract import extract_metadata
from .ingest import SourceFile, article_id_for, read_file
from .models import ActorMention, ActorRef, Article, Document, FileProblem
from .outlets import OutletTable


@dataclass(frozen=True)
class PipelineConfig:
    """What the stages need besides the files: the user's extra outlet table and actor overrides, if any."""

    outlet_files: tuple[str, ...] = ()
    actor_overrides: str | None = None


@dataclass
class ReadResult:
    """A source file's articles, or why it was skipped."""

    path: Path
    digest: str = ""
    articles: list[Article] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    error: str | None = None  # set when the whole file was skipped


def read_source(path: Path, config: PipelineConfig = PipelineConfig()) -> ReadResult:
    """Read, clean, extract and chunk every article of one file. Never raises for bad content."""
    try:
        source = read_file(path)
    except BadInputError as exc:
        return ReadResult(path=path, error=str(exc))
    return build_articles(source, config)


def build_articles(source: SourceFile, config: PipelineConfig = PipelineConfig()) -> ReadResult:
    result = ReadResult(path=source.path, digest=source.digest, problems=list(source.problems))
    seen: set[str] = set()
    for number, document in enumerate(source.documents):
        article_id = document.doc_id or article_id_for(source.path, number, len(source.documents))
        if article_id in seen:
            result.problems.append(FileProblem(str(source.path), f"duplicate article id {article_id!r}, skipped"))
            continue
        seen.add(article_id)
        article = build_article(document, article_id, config)
        if article.passages:
            result.articles.append(article)
        else:
            result.problems.append(FileProblem(str(source.path), f"article {article_id!r} has no body text, skipped"))
    if not result.articles:
        result.error = f"{source.path}: no article with body text" + _first_reason(result.problems)
    return result


def _first_reason(problems: list[FileProblem]) -> str:
    return f" ({problems[0].reason})" if problems else ""


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
