"""The JSON form of searchkit's nouns: one home for the command line's `--json` and the HTTP API of `searchkit serve`,
so the two can never drift apart."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from .models import Actor, Article, ArticleSummary, IndexReport, IndexStats, Results


def jsonable(value: Any) -> Any:
    """A noun as JSON data: a dataclass becomes an object of all its fields, so a field added to `Results` or `Hit`
    reaches `--json` and the HTTP API without an edit here; dates become YYYY-MM-DD, None null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # a numpy number or array
        return value.tolist()
    return value


def results_json(results: Results) -> dict:
    """What `searchkit search --json` prints and `GET /api/search` answers."""
    return jsonable(results)


def summary_json(article: ArticleSummary) -> dict:
    return jsonable(article)


def actor_json(actor: Actor) -> dict:
    return jsonable(actor)


def stats_json(stats: IndexStats) -> dict:
    return jsonable(stats)


def index_json(report: IndexReport) -> dict:
    """What `searchkit index --json` prints: the run's counts, problems, and the files it did not read."""
    return {**jsonable(report), "not_read_by_suffix": report.not_read_by_suffix()}


def article_json(article: Article) -> dict:
    """An article as `show` gives it: metadata, passages (with their ids) and captions; not its raw text."""
    return {
        "article_id": article.article_id,
        "source": article.source,
        "title": article.title,
        "date": jsonable(article.date),
        "outlet": article.outlet,
        "authors": article.authors,
        "place": article.place,
        "url": article.url,
        "passages": [{"passage_id": p.passage_id, **jsonable(p)} for p in article.passages],
        "captions": article.captions,
    }


def extraction_json(article: Article) -> dict:
    """An article as `extract` reads it: everything `show` gives, plus what was removed and each actor mention."""
    return {**article_json(article), "boilerplate": article.boilerplate, "mentions": jsonable(article.mentions)}


def check_json(problems: list[str], index_path: str) -> dict:
    """What `check --json` prints."""
    return {"index": index_path, "healthy": not problems, "problems": problems}
