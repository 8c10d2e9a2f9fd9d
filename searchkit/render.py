"""How the command line shows things to people: text, with colour on a terminal (JSON is `serialize`'s)."""
from __future__ import annotations

import datetime as dt
import html
import re

import click

from .models import Actor, Article, ArticleSummary, Hit, IndexReport, IndexStats, Results
from .read.ingest import READS

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def terminal_snippet(snippet: str) -> str:
    """<mark>ed HTML to terminal text: matches bold and coloured (click strips the styles when not a terminal)."""
    pieces, last = [], 0
    for match in _MARK.finditer(snippet):
        pieces.append(html.unescape(snippet[last:match.start()]))
        pieces.append(click.style(html.unescape(match.group(1)), fg="yellow", bold=True))
        last = match.end()
    pieces.append(html.unescape(snippet[last:]))
    return "".join(pieces)


def _byline(title: str | None, outlet: str | None, date: dt.date | None) -> tuple[str, str]:
    details = " · ".join(x for x in (outlet or "outlet unknown", _date(date) or "date unknown"))
    return title or "(untitled)", details


def hit_text(hit: Hit, same_article: bool = False) -> str:
    """A hit as three lines (rank and title, details, snippet); a further passage of the article just shown (grouped
    results) as its details and snippet."""
    title, details = _byline(hit.title, hit.outlet, hit.date)
    score = f" · score {hit.score:.2f}" if hit.score is not None else ""
    if same_article:
        text = f"{click.style(f'     {hit.passage_id}{score}', dim=True)}\n     {terminal_snippet(hit.snippet)}"
    else:
        head = f"{click.style(f'{hit.rank:>3}.', dim=True)} {click.style(title, bold=True)}"
        meta = click.style(f"     {details} · {hit.passage_id}{score}", dim=True)
        text = f"{head}\n{meta}\n     {terminal_snippet(hit.snippet)}"
    if hit.explanation:
        clauses = " + ".join(
            f"{t.field + ':' if t.field else ''}{t.term}{f' ×{t.boost:g}' if t.boost != 1 else ''} {t.score:.2f}"
            for t in hit.explanation.terms
        )
        total = f" = {hit.score:.2f}" if hit.score is not None else ""
        text += click.style(f"\n     why: {clauses}{total} ({hit.explanation.model})", fg="cyan")
    return text


def results_header(results: Results) -> str:
    """'1-10 of 31 passages for 'iran' (5 ms)'; grouped by article, '1-6 of 6 articles (31 passages) ...'."""
    counted = f"{results.total} {_unit(results.total, results.unit)}"
    if results.unit == "articles":
        counted += f" ({results.passages} {_unit(results.passages, 'passages')})"
    if results.hits:
        first = (results.page - 1) * results.limit + 1
        last = first + len({h.rank for h in results.hits}) - 1
        counted = f"{first}-{last} of {counted}"
    what = f" for {results.query!r}" if results.query.strip() else ", newest first"
    header = f"{counted}{what} ({results.took_ms:.0f} ms)"
    if not results.hits and results.limit and results.total:
        pages = results.pages
        header += f"; page {results.page} is past the end ({pages} page{'s' if pages > 1 else ''} of {results.limit})"
    return header


def _unit(count: int, unit: str) -> str:
    return unit[:-1] if count == 1 else unit


def results_text(results: Results) -> str:
    lines = []
    if results.suggestion:
        lines.append(click.style(f"Did you mean: {results.suggestion}", fg="cyan"))
    lines.append(click.style(results_header(results), dim=True))
    if results.dropped:
        lines.append(click.style(f"No passage has every word: showing passages without {', '.join(results.dropped)}",
                                 fg="cyan"))
    previous = None
    for hit in results.hits:
        lines.append(hit_text(hit, same_article=previous is not None and previous.rank == hit.rank) + "\n")
        previous = hit
    for name, values in results.facets.items():
        if values:
            counts = ", ".join(f"{v.value} ({v.count})" for v in values)
            lines.append(f"{click.style(name, bold=True)}: {counts}")
    return "\n".join(lines)


def article_text(article: Article) -> str:
    title, details = _byline(article.title, article.outlet, article.date)
    lines = [click.style(title, bold=True), click.style(details, dim=True)]
    if article.authors:
        lines.append(f"By {', '.join(article.authors)}")
    if article.place:
        lines.append(f"Dateline: {article.place}")
    lines.append(click.style(f"{article.article_id} · {article.source}", dim=True))
    for passage in article.passages:
        lines.append(f"\n[{passage.position}] {passage.text}")
        if passage.actors:
            lines.append(click.style("    actors: " + ", ".join(a.name for a in passage.actors), dim=True))
    for caption in article.captions:
        lines.append(click.style(f"\nCaption: {caption}", italic=True))
    return "\n".join(lines)


def articles_text(found: list[ArticleSummary]) -> str:
    """A table of the articles: id, date, outlet, passages, title; headed, and ended by the count."""
    width = max([len("ID")] + [len(a.article_id) for a in found])
    head = f"{'ID':<{width}}  {'DATE':<10}  {'OUTLET':<24}  {'PASSAGES':>8}  TITLE"
    rows = [
        f"{a.article_id:<{width}}  {_date(a.date) or '-':<10}  {(a.outlet or '-')[:24]:<24}  {a.passages:>8}  "
        f"{a.title or '(untitled)'}"
        for a in found
    ]
    return "\n".join([click.style(head, bold=True)] + rows + [click.style(f"{len(found)} articles", dim=True)])


def stats_text(stats: IndexStats, index_path: str) -> str:
    span = f"{_date(stats.first_date)} to {_date(stats.last_date)}" if stats.first_date else "no dates"
    lines = [
        f"index: {index_path} ({stats.size_bytes / 1e6:.1f} MB)",
        f"{stats.articles} articles from {stats.files} files, in {stats.passages} passages",
        f"dates: {span} ({stats.undated_articles} {_unit(stats.undated_articles, 'articles')} undated)",
        "top outlets, by passages: " + (", ".join(f"{v.value} ({v.count})" for v in stats.outlets) or "none known"),
        "top actors, by passages naming them: " + (", ".join(f"{v.value} ({v.count})" for v in stats.actors) or "none"),
    ]
    return "\n".join(lines)


def actors_text(found: list[Actor]) -> str:
    rows = []
    for actor in found:
        aliases = f"  (also: {'; '.join(actor.aliases)})" if actor.aliases else ""
        rows.append(f"{actor.passages:>6}  {actor.kind:<12}  {actor.name}{click.style(aliases, dim=True)}")
    return "\n".join(rows + [click.style(f"{len(found)} actors", dim=True)])


def extraction_text(article: Article) -> str:
    lines = [article_text(article)]
    for block in article.boilerplate:
        lines.append(click.style(f"Removed: {block}", dim=True))
    mentions = ", ".join(f"{m.text}->{m.name} ({m.kind}{', derived' if m.derived else ''}) @{m.start}"
                         for m in article.mentions)
    lines.append(f"\nActor mentions: {mentions or 'none'}")
    return "\n".join(lines)


def check_text(problems: list[str], index_path: str) -> str:
    lines = [f"problem: {problem}" for problem in problems]
    return "\n".join(lines + [f"{index_path}: {'healthy' if not problems else f'{len(problems)} problems'}"])


def index_summary(report: IndexReport, index_path: str) -> str:
    removed = f", {report.articles_removed} removed" if report.articles_removed else ""
    return (
        f"{index_path}: {report.indexed} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {report.skipped} skipped files; "
        f"{report.articles} articles, {report.passages} passages written{removed} in {report.seconds:.1f} s"
    )


def not_read_line(report: IndexReport) -> str | None:
    """"skipped 14 files: 12 .pdf, 2 .png; searchkit reads .txt, .html, .htm, .jsonl" (None: every file was read)."""
    if not report.not_read:
        return None
    counts = ", ".join(f"{n} {suffix}" for suffix, n in report.not_read_by_suffix().items())
    files = "file" if len(report.not_read) == 1 else "files"
    return f"skipped {len(report.not_read)} {files}: {counts}; searchkit reads {READS}"


class ProgressBar:
    """A progress bar on stderr for an indexing run, in bytes read, made when the run knows how much it will read."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._shown = 0

    def update(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label="indexing", file=click.get_text_stream("stderr"))
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
