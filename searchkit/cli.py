"""The `searchkit` command line: parses options, calls `searchkit.Index`, renders. No behaviour of its own.

Exit codes: 0 results (or success), 1 no results, 2 bad usage, bad query or no index, 74 the index could not be
written (full disk, I/O error, read-only folder), 130 interrupted.
"""
from __future__ import annotations

import functools
import json
import os
import re
import sys

import click

from . import options, render, serialize
from .indexing import parse_part
from .errors import IndexDiskError, IndexInterrupted, SearchkitError
from .periods import DATE_FORMS

INDEX_ENV = "SEARCHKIT_INDEX"  # the same name as searchkit.api's; repeated so --help needs no engine import

EXIT_NO_RESULTS = 1
EXIT_USAGE = 2
EXIT_DISK = 74  # sysexits.h's EX_IOERR
EXIT_INTERRUPTED = 130


class UserError(click.ClickException):
    """A one-line error on stderr and exit code 2: what is wrong and where."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"searchkit: error: {self.format_message()}", err=True)


class OneLineUsage:
    """Click prints a usage error as usage, hint and message on four lines; ours are one line, like every error."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise _one_line(exc) from None


def _one_line(exc: click.UsageError) -> UserError:
    where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
    return UserError(" ".join(exc.format_message().split()) + where)


class Command(OneLineUsage, click.Command):
    pass


class Group(OneLineUsage, click.Group):
    command_class = Command


class IndexLocation(click.ParamType):
    """An index folder (not a file), or an http(s) URL of an index on an OpenSearch cluster, passed on as given."""

    name = "index"

    def convert(self, value, param, ctx):
        if re.match(r"(?i)https?://", str(value)):  # the backend checks the URL itself, naming what is wrong
            return str(value)
        return click.Path(file_okay=False).convert(value, param, ctx)


def index_option(command):
    return click.option(
        "--index", "index_path", envvar=INDEX_ENV, default="index", show_default=True, metavar="DIR|URL",
        type=IndexLocation(),
        help=f"The index folder, or an OpenSearch index as http(s)://host:port/name (or set {INDEX_ENV}).",
    )(command)


COLOR_CHOICES = ("auto", "always", "never")


def output_options(command):
    """--json and --color, the options of every command that prints something."""
    command = click.option(
        "--color", "color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
        help="Colour and bold: auto (on a terminal, unless NO_COLOR is set), always (for `less -R`), never.",
    )(command)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(command)


def user_errors(command):
    """Turn library errors into one-line messages with exit code 2, and Ctrl-C into a clean stop."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except IndexInterrupted as exc:
            click.echo(f"searchkit: {exc}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except KeyboardInterrupt:
            click.echo("searchkit: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except IndexDiskError as exc:
            click.echo(f"searchkit: error: {exc}", err=True)
            sys.exit(EXIT_DISK)
        except SearchkitError as exc:
            raise UserError(str(exc)) from None

    return wrapper


def _color(choice: str) -> bool | None:
    """click.echo's `color`: None (click's own test: a terminal) for auto, unless NO_COLOR is set
    (https://no-color.org: an explicit option overrides it)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return None


def _notices(notices) -> None:
    for notice in notices:
        click.echo(f"searchkit: {notice}", err=True)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _index(index_path: str, **options):
    """The library's Index, imported on use so that `searchkit --help` loads no search engine."""
    from .api import Index

    return Index(index_path, **options)


def _open(index_path: str):
    return _index(index_path, create=False)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searchkit")
def main() -> None:
    """Passage-level search for folders of news articles.

    \b
    Example:
        searchkit index seeds
        searchkit search "Iran talks" --actor Maliki
    """


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--rebuild", is_flag=True, help="Start from an empty index.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that read files and write the index's segments (default: cores, up to 4).")
@click.option("--outlets", "outlet_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="An extra outlet table (TSV, as searchkit/data/outlets.tsv).")
@click.option("--actor-overrides", type=click.Path(exists=True, dir_okay=False),
              help="A file of actor aliases to merge and words never to treat as actors.")
@click.option("--commit-every", type=click.IntRange(1), default=100_000, show_default=True, metavar="PASSAGES",
              help="Commit a batch every so many passages: smaller loses less to a crash, larger indexes faster.")
@click.option("--part", metavar="K/N", default=None,
              help="Index only share K of N of the files (by a hash of each file's path): N runs, on one machine or "
                   "several, split a folder between them; on an OpenSearch index they may run at once.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@output_options
@index_option
@user_errors
def index_command(paths, rebuild, workers, outlet_files, actor_overrides, commit_every, part, quiet, as_json, color,
                  index_path):
    """Index article files and folders (.txt, .html, .htm, .jsonl), incrementally.

    New files are added, changed files re-indexed, files gone from disk removed; of a .jsonl file only the new
    and changed lines are read. A folder's files of other kinds are counted and skipped.

    \b
    Example:
        searchkit index seeds ~/news/exports
    """
    bar = render.ProgressBar(enabled=not quiet and not as_json and sys.stderr.isatty())
    with _index(index_path, outlets=outlet_files, actor_overrides=actor_overrides) as ix:
        location = ix.location
        try:
            report = ix.add(paths, rebuild=rebuild, progress=bar.update, workers=workers, commit_every=commit_every,
                            part=parse_part(part) if part else None)
        finally:
            bar.close()
    for problem in report.problems:
        click.echo(f"searchkit: skipped {problem}", err=True)
    if (not_read := render.not_read_line(report)) is not None:
        click.echo(f"searchkit: {not_read}", err=True)
    if as_json:
        _echo_json(serialize.index_json(report))
    elif not quiet:
        click.echo(render.index_summary(report, location), color=_color(color))


@main.command()
@click.argument("words", nargs=-1)
@click.option("--or", "any_term", is_flag=True, help="Rank passages with any of the terms (default: all terms).")
@click.option("--from", "date_from", metavar="DATE", help=f"Published on or after ({DATE_FORMS}).")
@click.option("--to", "date_to", metavar="DATE", help=f"Published on or before; a month or year to its end ({DATE_FORMS}).")
@click.option("--outlet", "outlets", multiple=True, metavar="NAME", help="Only this outlet (repeatable).")
@click.option("--actor", "actors", multiple=True, metavar="NAME", help="Only passages naming this actor, any alias (repeatable).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 10000),
              help="Hits per page (articles, with --per-article); 0: the total and facets only.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of hits.")
@click.option("--sort", type=click.Choice(options.SORTS), default="relevance", show_default=True)
@click.option("--per-article", type=click.IntRange(1), default=None,
              help="Group by article: rank, count and page articles, showing up to N passages of each.")
@click.option("--facet", "facets", multiple=True, metavar="NAME",
              help="Facets to count: outlet, actor, actor:person|organization|place, year, month, author.")
@click.option("--facet-order", type=click.Choice(options.FACET_ORDERS), default="count", show_default=True,
              help="Facet values by count (most first) or by value (years and months in time order).")
@click.option("--no-facets", is_flag=True, help="Count no facets.")
@click.option("--explain", is_flag=True, help="Show why each passage scored what it did.")
@output_options
@index_option
@user_errors
def search(words, any_term, date_from, date_to, outlets, actors, limit, page, sort, per_article, facets, facet_order,
           no_facets, explain, as_json, color, index_path):
    """Search passages for WORDS (AND OR NOT, "phrases", field:value, wildcards*); quotes around the whole query
    are optional. With no words, list the passages that pass the filters, newest first.

    All words are required unless --or is given; --or ranks passages by how many of the words they have and how
    rare those are (BM25F), which suits long or pasted queries. -word (or NOT word) excludes passages with the
    word, with either; a query that starts with -word goes after `--`. Words that name a person or organisation
    also match passages naming them by another alias.

    \b
    Examples:
        searchkit search iran talks
        searchkit search "iran iraq security talks -Kerry" --or
        searchkit search '"prime minister" AND Maliki' --from 2007 --to "March 2008"
        searchkit search negotiations --actor "Ryan Crocker" --outlet "Financial Times"
        searchkit search --outlet "Financial Times" --limit 0 --facet month --facet-order value
        searchkit search -- -kerry iran
    """
    with _open(index_path) as ix:
        results = ix.search(
            " ".join(words), match="any" if any_term else "all", date_from=date_from, date_to=date_to,
            outlets=outlets, actors=actors, facets=options.chosen_facets(facets, no_facets), facet_order=facet_order,
            limit=limit, page=page, sort=sort, per_article=per_article, explain=explain,
        )
    _notices(results.notices)
    if as_json:
        _echo_json(serialize.results_json(results))
    else:
        click.echo(render.results_text(results), color=_color(color))
    if not results.total:
        sys.exit(EXIT_NO_RESULTS)


@main.command()
@click.argument("article_id")
@output_options
@index_option
@user_errors
def show(article_id, as_json, color, index_path):
    """Show an indexed article: metadata, passages and captions."""
    with _open(index_path) as ix:
        article = ix.article(article_id)
    if article is None:
        raise UserError(f"no article {article_id!r} in {ix.location} (see `searchkit articles`)")
    if as_json:
        _echo_json(serialize.article_json(article))
    else:
        click.echo(render.article_text(article), color=_color(color))


@main.command()
@output_options
@index_option
@user_errors
def articles(as_json, color, index_path):
    """List the indexed articles, by id."""
    with _open(index_path) as ix:
        found = ix.articles()
    if as_json:
        _echo_json([serialize.summary_json(a) for a in found])
    else:
        click.echo(render.articles_text(found), color=_color(color))


@main.command()
@output_options
@index_option
@user_errors
def stats(as_json, color, index_path):
    """Counts, date span, top outlets and actors."""
    with _open(index_path) as ix:
        figures = ix.stats()
    if as_json:
        _echo_json(serialize.stats_json(figures))
    else:
        click.echo(render.stats_text(figures, ix.location), color=_color(color))


@main.command()
@click.option("--kind", type=click.Choice(["person", "organization", "place"]), help="Only actors of this kind.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many actors (most named first).")
@output_options
@index_option
@user_errors
def actors(kind, limit, as_json, color, index_path):
    """The corpus's actors: canonical name, kind, aliases merged into it, passages naming it."""
    with _open(index_path) as ix:
        found = ix.actors(kind)[:limit]
    if as_json:
        _echo_json([serialize.actor_json(a) for a in found])
    else:
        click.echo(render.actors_text(found), color=_color(color))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--outlets", "outlet_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="An extra outlet table (TSV).")
@click.option("--actor-overrides", type=click.Path(exists=True, dir_okay=False), help="An actor overrides file.")
@output_options
@user_errors
def extract(file, outlet_files, actor_overrides, as_json, color):
    """Show how a file is read, without indexing it: metadata, passages, captions, boilerplate removed, actors.

    \b
    Example:
        searchkit extract seeds/003_e023b29d6142646f.txt --json
    """
    from .api import extract_file

    result = extract_file(file, outlets=outlet_files, actor_overrides=actor_overrides)
    for problem in result.problems:
        click.echo(f"searchkit: skipped {problem}", err=True)
    if as_json:
        _echo_json([serialize.extraction_json(a) for a in result.articles])
    else:
        click.echo("\n\n".join(render.extraction_text(a) for a in result.articles), color=_color(color))


@main.command()
@output_options
@index_option
@user_errors
def check(as_json, color, index_path):
    """Verify an index: read every segment, match passages to their articles. Exit 0 healthy, 1 problems found."""
    with _open(index_path) as ix:
        problems, location = ix.check(), ix.location
    if as_json:
        _echo_json(serialize.check_json(problems, location))
    else:
        click.echo(render.check_text(problems, location), color=_color(color))
    if problems:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read the index.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@index_option
@user_errors
def serve(host, port, index_path):
    """Serve a search page and a JSON HTTP API for the index, read-only, until Ctrl-C.

    The API is described at /api (OpenAPI: /api/openapi.json); /api/search takes the options of
    `searchkit search` and answers what `searchkit search --json` prints.

    \b
    Example:
        searchkit serve --port 8000     # then open http://127.0.0.1:8000/
    """
    from .web import serve as serve_index

    serve_index(index_path, host, port)


if __name__ == "__main__":  # pragma: no cover
    main()
