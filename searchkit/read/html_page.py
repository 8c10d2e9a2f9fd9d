"""An HTML page to a `Document`: the article's paragraphs, its captions kept apart, and what the page states of its
title, authors, date, site name and address.

The article body is trafilatura's (a maintained main-content extractor for news pages, with its own readability and
jusText fallbacks), in its precision mode and without reader comments; its XML tree keeps the paragraphs, headings
and list items that become passages. On the 88 pages of the ScrapingHub benchmark (`benchmarks/html_reading.py`),
with `clean` on top, that reads at F1 0.971 against 0.834 for the hand-written reader it replaced. A page that
trafilatura cannot read (nesting deeper than lxml allows, markup that breaks it) is read by a plain fallback: its
visible text, block by block.
"""
from __future__ import annotations

import datetime as dt
import logging
import re

from ..models import Document

# trafilatura and htmldate log what they cannot read at ERROR level; with no handler configured Python would print
# it to stderr mid-run. searchkit reports unreadable files itself; an application that configures logging sees them.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

# What trafilatura is asked for. Precision mode and no comments: F1 0.969 (91% of pages >= 0.9) against 0.954
# (85%) with its defaults on the 88 benchmark pages; reader comments are not the article.
# Menus, scripts and captions are pruned first: trafilatura's last resort on a page with no article (a page of only a
# menu) takes all its text. Pruning them changes none of the 88 benchmark pages' scores.
_EXTRACTION = dict(favor_precision=True, include_comments=False, include_tables=True, include_images=False,
                   include_links=False, include_formatting=False, with_metadata=True,
                   prune_xpath="//script|//style|//template|//noscript|//nav|//header|//footer|//aside|//button"
                               "|//figcaption")
# htmldate's settings. `extensive_search` reads dates out of free text: with every date tag, JSON-LD and <time>
# removed from the 87 benchmark pages that have a date, it still returned one on every page and 51 of them were
# wrong (copyright years read as 1 January, related stories' dates); without it, 46 pages had no date and 13 a
# wrong one. On the pages as they are, both agree with the stated date equally often (66 of 74). Not guessing wins.
_DATES = dict(extensive_search=False, original_date=True)

# The tags of trafilatura's XML that run inside a paragraph; every other tag is a block of its own.
_INLINE = frozenset({"hi", "ref", "del", "lb", "cell", "span"})
# The fallback reader's tags whose text is never article text (a <form> may wrap a whole ASP.NET page: kept).
_DROP = "script, style, noscript, template, svg, nav, header, footer, aside, button, iframe, select, textarea"
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, td, dd, dt"


def read_html(text: str, source: str) -> Document:
    """The article of an HTML page and what it states of itself. The page is never used to fetch anything."""
    from selectolax.lexbor import LexborHTMLParser  # imported here: only HTML files need it

    tree = LexborHTMLParser(text)
    meta = _meta_tags(tree)
    captions = [_squash(node.text(separator=" ")) for node in tree.css("figcaption")]
    extracted = _trafilatura(text)
    body = _body_text(extracted.body) if extracted is not None and extracted.body is not None else ""
    if not re.search(r"\w", body):
        body = _visible_text(tree)
    title_node = tree.css_first("title")
    return Document(
        source=source,
        text=body,
        format="html",
        title=meta.get("og:title") or _attr(extracted, "title") or (_squash(title_node.text()) if title_node else None),
        date=meta.get("article:published_time") or _attr(extracted, "date"),
        outlet=meta.get("og:site_name") or _stated_sitename(extracted),
        authors=_authors(meta.get("author") or _attr(extracted, "author")),
        url=meta.get("og:url") or _attr(extracted, "url"),
        captions=[c for c in captions if c],
    )


def _trafilatura(text: str):
    """trafilatura's extraction (body tree and metadata), or None when it finds no article."""
    extracted = _extract(text)
    if extracted is None and not re.match(r"\s*(<!doctype|<html)", text[:200], re.IGNORECASE):
        # trafilatura refuses a fragment ("<p>...</p>" alone) as not HTML; it reads the same text as a page.
        extracted = _extract(f"<html><body>{text}</body></html>")
    return extracted


def _extract(text: str):
    import trafilatura

    dates = {**_DATES, "max_date": dt.date.today().isoformat()}
    try:
        return trafilatura.bare_extraction(text, date_extraction_params=dates, **_EXTRACTION)
    except Exception:  # noqa: BLE001
        # Odd markup breaks it in ways of its own (an AssertionError in lxml for "<svg><div></div><div></div></svg>",
        # trees deeper than lxml allows): the fallback reader still reads the page.
        return None


def _body_text(body) -> str:
    """trafilatura's body tree as text: blocks (paragraphs, headings, list items, table rows) separated by blank
    lines, line breaks kept, inline runs joined as written (CJK text has no spaces to add)."""
    from lxml import etree

    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            parts.append("\n" if tag == "lb" else " " if tag == "cell" else "" if tag in _INLINE else "\n\n")
            parts.append(element.text or "")
        else:
            parts.append("" if tag in _INLINE else "\n\n")
            if element is not body:
                parts.append(element.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _visible_text(tree) -> str:
    """The fallback: the text of the page's block elements (or of its whole body when it has none), minus scripts,
    menus and captions."""
    for node in tree.css(_DROP + ", figcaption"):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    blocks = [_squash(node.text(separator=" ")) for node in _innermost(root.css(_BLOCKS))]
    if not any(blocks):
        blocks = [_squash(line) for line in root.text(separator="\n").split("\n")]
    return "\n\n".join(b for b in blocks if b)


def _innermost(nodes) -> list:
    """Block elements that hold no other block (a <blockquote> of <p>s is read as its paragraphs)."""
    nodes = list(nodes)
    holds_a_block: set[int] = set()
    for node in nodes:
        # Mark each block's ancestors; a walk stops at a node already marked, so deep nesting stays linear.
        parent = node.parent
        while parent is not None and parent.mem_id not in holds_a_block:
            holds_a_block.add(parent.mem_id)
            parent = parent.parent
    return [node for node in nodes if node.mem_id not in holds_a_block]


def _meta_tags(tree) -> dict[str, str]:
    """The page's <meta> tags by property or name, the first of each: what the page states outright."""
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        key = (node.attributes.get("property") or node.attributes.get("name") or "").strip().lower()
        value = (node.attributes.get("content") or "").strip()
        if key and value and key not in meta:
            meta[key] = value
    return meta


def _attr(extracted, name: str) -> str | None:
    value = getattr(extracted, name, None) if extracted is not None else None
    return _squash(value) or None if isinstance(value, str) else None


def _stated_sitename(extracted) -> str | None:
    """trafilatura's site name when the page states one; the host name it falls back to is no name (the outlet
    table reads the domain of the URL itself)."""
    name = _attr(extracted, "sitename")
    url = _attr(extracted, "url") or ""
    return None if name is None or name.lower() in url.lower() else name


def _authors(names: str | None) -> list[str]:
    """trafilatura joins several authors with "; "."""
    return [name for part in (names or "").split(";") if (name := _squash(part))]


def _squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""
