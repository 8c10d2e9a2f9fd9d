"""The nouns every layer shares: plain dataclasses, no behaviour beyond small conveniences.

Data flows one way: ingest makes a `Document`, clean splits it into `Block`s, extract and chunk turn those into an
`Article` with `Passage`s, the index stores them, and search answers with `Results` of `Hit`s.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ACTOR_KINDS = ("person", "organization", "place")
FACET_ORDERS = ("count", "value")  # facet values most frequent first, or in value order (periods in time order)


@dataclass
class Document:
    """One article as found in a file, before cleaning.

    `text` is the body as lines of text (HTML already turned into text, one block per line or paragraph).
    The other fields hold only what the file states as metadata (JSON fields, HTML meta tags); the text itself
    is read for metadata later, by `extract`.
    """

    source: str
    text: str
    doc_id: str | None = None
    format: str = "text"  # "text", "html" or "jsonl"
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    captions: list[str] = field(default_factory=list)


# What a block of a scraped page is. Only "body" blocks become passages.
BLOCK_ROLES = (
    "body",  # article text
    "title",  # the headline
    "byline",  # "By Steve Negus and Guy Dinmore", "Prepared by: ...", "N.Y. TIMES, MICHAEL GORDON & DAVID SANGER"
    "dateline",  # a line that carries the publication date: "Updated: March 12, 2007", "April 7, 2008 | 9:58 am"
    "masthead",  # the outlet or blog name at the top of the page: "Babylon & Beyond"
    "caption",  # photo captions and credits: kept as the article's captions
    "credit",  # "Additional reporting by ...", "— Times staff writers in ..."
    "boilerplate",  # navigation, tools, link bars, separators, promos: dropped
)


@dataclass
class Block:
    """A paragraph-sized piece of a document with the role `clean` gave it."""

    text: str
    role: str = "body"


@dataclass(frozen=True)
class ActorMention:
    """A name in a text: `text[start:end]` is the name as written, `name` its canonical form."""

    start: int
    end: int
    text: str
    kind: str  # one of ACTOR_KINDS
    name: str
    derived: bool = False  # True for words that point to an actor without naming it ("Iranian" -> Iran)


@dataclass(frozen=True)
class ActorRef:
    """An actor as a passage or hit lists it: canonical name and kind."""

    name: str
    kind: str


@dataclass
class Passage:
    """A paragraph (or a part of a long one) of an article; `text == article.text[start:end]`."""

    article_id: str
    position: int
    start: int
    end: int
    text: str
    actors: list[ActorRef] = field(default_factory=list)

    @property
    def passage_id(self) -> str:
        return f"{self.article_id}#{self.position}"


@dataclass
class Article:
    """A cleaned article with its metadata. Unknown values are None (or empty), never guessed."""

    article_id: str
    source: str
    text: str  # the clean body: paragraphs joined by blank lines
    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    place: str | None = None  # the dateline's place ("TEHRAN, 9 August 2007 —" -> "Tehran")
    url: str | None = None
    captions: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    mentions: list[ActorMention] = field(default_factory=list)  # actor mentions, offsets into `text`


@dataclass
class Actor:
    """An actor of the corpus: one canonical name, the aliases merged into it and how many passages name it."""

    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    passages: int = 0


@dataclass
class FacetValue:
    value: str
    count: int
    kind: str | None = None  # for actor facets: person, organization or place


@dataclass
class TermScore:
    """One matched clause of a query and what it added to a passage's score."""

    field: str
    term: str  # as indexed: a stem for text fields ("negoti"), a phrase's words joined by spaces
    boost: float
    score: float


@dataclass
class Explanation:
    """Why a passage scored what it did: the ranking model and the matched clauses, whose scores add up."""

    model: str
    terms: list[TermScore] = field(default_factory=list)


@dataclass
class Hit:
    """One ranked passage."""

    rank: int  # the passage's place in the results; grouped by article (per_article), its article's place
    score: float | None  # BM25F; None when the hits are in date order (sorted by date, or no query words)
    article_id: str
    passage_id: str
    position: int
    source: str
    title: str | None
    date: dt.date | None
    outlet: str | None
    authors: list[str]
    actors: list[ActorRef]
    text: str
    snippet: str  # the best fragment(s): matches wrapped in <mark>…</mark>, everything else HTML-escaped
    explanation: Explanation | None = None  # with search(..., explain=True)


@dataclass
class Results:
    """One page of hits, and counts over every match.

    `total` counts `unit`s: matching passages, or matching articles when the hits are grouped by article
    (`per_article`), so that pages and limits go through what is counted. Both figures are in `passages` and
    `articles`. Facet counts are passages."""

    query: str
    total: int  # how many `unit`s match, before paging
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    took_ms: float = 0.0
    page: int = 1
    limit: int = 10
    # Words left out because no passage has every word (relaxed matching), least telling first; empty otherwise.
    dropped: list[str] = field(default_factory=list)
    unit: str = "passages"  # what `total` counts: "passages", or "articles" when grouped by article
    passages: int = 0  # matching passages
    articles: int = 0  # matching articles
    notices: list[str] = field(default_factory=list)  # what the user should know: a filter value naming nothing

    @property
    def pages(self) -> int:
        """How many pages of `limit` hits (articles, when grouped) the matches fill."""
        return -(-self.total // self.limit) if self.limit else 0


@dataclass
class ArticleSummary:
    """An indexed article as `articles` lists it."""

    article_id: str
    source: str
    title: str | None
    date: dt.date | None
    outlet: str | None
    authors: list[str]
    actors: list[ActorRef]
    passages: int


@dataclass
class IndexStats:
    """What an index holds."""

    articles: int
    passages: int
    files: int
    first_date: dt.date | None
    last_date: dt.date | None
    undated_articles: int
    outlets: list[FacetValue] = field(default_factory=list)  # by passages
    actors: list[FacetValue] = field(default_factory=list)  # by passages
    size_bytes: int = 0


@dataclass
class FileProblem:
    """A file (or one line of it) that could not be read: skipped, and reported in one line."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class IndexReport:
    """What an `index` run did, counted in files."""

    indexed: int = 0  # new files
    updated: int = 0  # changed files, re-indexed (a JSON Lines file: its new, changed and removed lines only)
    unchanged: int = 0
    removed: int = 0  # files gone from disk, their articles removed
    skipped: int = 0  # unreadable files
    articles: int = 0  # articles written in this run
    passages: int = 0  # passages written in this run
    articles_removed: int = 0  # articles deleted: of files gone, and of JSON Lines lines gone
    problems: list[FileProblem] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)  # files in the folders given, of suffixes searchkit does not read
    seconds: float = 0.0

    def not_read_by_suffix(self) -> dict[str, int]:
        """How many files of each suffix were not read, most first: {".pdf": 12, ".png": 2}."""
        counts = Counter(Path(name).suffix.lower() or "(no suffix)" for name in self.not_read)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True, slots=True)  # the manifest holds one per article indexed: 304,688 of them at Reuters x16
class Origin:
    """Where an article was read, as the index records it to tell later what changed: the digest of its file's
    bytes; for a JSON Lines article the digest of its line, the line's number, and whether the record gave its id."""

    digest: str
    line: int | None = None
    own_id: bool = False


@dataclass
class ManifestEntry:
    """What the index holds of one source file: its digest (a .txt or .html file), and its articles with where each
    was read (for a JSON Lines file, each article's line)."""

    source_key: str
    source: str
    digest: str
    origins: dict[str, Origin] = field(default_factory=dict)  # article id -> its origin

    @property
    def article_ids(self) -> list[str]:
        return list(self.origins)
