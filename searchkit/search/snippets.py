"""Highlighted snippets: the best fragments of a passage around the query's words, as escaped HTML with <mark>.

Every fragment is a verbatim piece of the passage, cut at spaces; " … " stands exactly where text was left out
(before, between or after the fragments) and nowhere else; fragments that meet are one. A word is highlighted
where the index would match it: the passage's own tokens (searchkit.query.tokens) compared with the query's
words as the stemmed fields index them, or as written for quoted words, prefixes and wildcards. Everything but
the <mark> tags is HTML-escaped, so article text can never inject markup. Engine-neutral: each backend passes
the stemmer its stemmed fields use (Whoosh's Porter2; for OpenSearch nltk's, the same Porter2 in Python).
"""
from __future__ import annotations

import fnmatch
import html
import re
from dataclasses import dataclass
from typing import Callable

from ..query import tree as t
from ..query.tokens import tokens, words

SNIPPET_CHARS = 240
FRAGMENTS = 2
SURROUND = SNIPPET_CHARS // 3  # context shown before a fragment's first match
ELLIPSIS = "…"


@dataclass(frozen=True)
class Fragment:
    start: int
    end: int
    score: float


class Highlighter:
    """Which words of a passage a query matches, and the snippet that shows them."""

    def __init__(self, tree: t.Node, stem: Callable[[str], str]):
        self.stem = stem
        self.sequences: set[tuple[str, ...]] = set()  # stemmed words in a row: a word, a phrase, a compound's parts
        self.exact: set[str] = set()
        patterns: list[str] = []
        for leaf in t.positive_leaves(tree):
            if getattr(leaf, "field", None) not in (None,) + t.TEXT_FIELDS:
                continue
            if isinstance(leaf, t.Term) and leaf.exact:
                self.exact.update(w.whole.text if w.whole else w.parts[0].text for w in words(leaf.text))
            elif isinstance(leaf, t.Term):
                for word in words(leaf.text):
                    if word.whole:
                        self.sequences.add((stem(word.whole.text),))
                    if word.complete or not word.whole:
                        self.sequences.add(tuple(stem(p.text) for p in word.parts))
            elif isinstance(leaf, t.Phrase):
                stems = tuple(stem(tok.text) for tok in tokens(" ".join(leaf.words)) if not tok.compound)
                self.sequences.update([stems] if leaf.slop == 0 else [(s,) for s in stems])
            elif isinstance(leaf, t.Pattern):
                patterns.append(fnmatch.translate(leaf.pattern.lower()))
        self.pattern = re.compile("|".join(patterns)) if patterns else None
        self.longest = max((len(s) for s in self.sequences), default=0)

    def marks(self, text: str) -> list[tuple[int, int]]:
        """The character spans to highlight, in order, overlaps joined (a compound and its matched part)."""
        found = tokens(text)
        spans = [(tok.start, tok.end) for tok in found if tok.text in self.exact
                 or (self.pattern is not None and self.pattern.match(tok.text))
                 or (tok.compound and (self.stem(tok.text),) in self.sequences)]
        parts = [tok for tok in found if not tok.compound]
        stems = [self.stem(tok.text) for tok in parts]
        for i in range(len(parts)):
            for size in range(1, min(self.longest, len(parts) - i) + 1):
                if parts[i + size - 1].position - parts[i].position != size - 1:
                    break
                if tuple(stems[i:i + size]) in self.sequences:
                    spans.append((parts[i].start, parts[i + size - 1].end))
        return _joined(sorted(spans))

    def snippet(self, text: str) -> str:
        """The highlighted fragments of a passage, or its opening words when none of its words matched."""
        marks = self.marks(text)
        if not marks:
            return lead(text)
        return render(text, best_fragments(text, marks), marks)


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def best_fragments(text: str, marks: list[tuple[int, int]], count: int = FRAGMENTS) -> list[tuple[int, int]]:
    """Up to `count` non-overlapping pieces of at most SNIPPET_CHARS, those with the most different matched words
    first, in text order."""
    candidates = [_fragment(text, marks, i) for i in range(min(len(marks), 200))]
    chosen: list[Fragment] = []
    for fragment in sorted(candidates, key=lambda f: (-f.score, f.start)):
        if len(chosen) == count:
            break
        if all(fragment.end <= c.start or fragment.start >= c.end for c in chosen):
            chosen.append(fragment)
    return [(f.start, f.end) for f in sorted(chosen, key=lambda f: f.start)]


def _fragment(text: str, marks: list[tuple[int, int]], first: int) -> Fragment:
    """The piece that starts a little before mark `first` and takes in as many later marks as fit."""
    mark_start, mark_end = marks[first]
    start = _word_start(text, max(0, mark_start - SURROUND), mark_start)
    end = mark_end
    inside = [marks[first]]
    for span in marks[first + 1:]:
        if span[1] - start > SNIPPET_CHARS:
            break
        end = span[1]
        inside.append(span)
    end = _word_end(text, min(len(text), start + SNIPPET_CHARS), end)
    start, end = _strip(text, start, end)
    distinct = {text[a:b].lower() for a, b in inside}
    return Fragment(start, end, len(distinct) + len(inside) / 1000)


def _word_start(text: str, at: int, limit: int) -> int:
    """`at`, moved forward to the start of a word (not past `limit`, the first match)."""
    while 0 < at < limit and not text[at - 1].isspace():
        at += 1
    return at


def _word_end(text: str, at: int, limit: int) -> int:
    """`at`, moved back to the end of a word (not before `limit`, the last match)."""
    while limit < at < len(text) and not text[at].isspace():
        at -= 1
    return at


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def render(text: str, fragments: list[tuple[int, int]], marks: list[tuple[int, int]]) -> str:
    """The fragments as HTML: marks in <mark>, " … " where text was left out, fragments that meet joined."""
    joined: list[list[int]] = []
    for start, end in fragments:
        if joined and not text[joined[-1][1]:start].strip():
            joined[-1][1] = end  # only spaces between: nothing left out
        else:
            joined.append([start, end])
    pieces, previous_end = [], 0
    for start, end in joined:
        if text[previous_end:start].strip():
            pieces.append(ELLIPSIS)
        pieces.append(_marked(text, start, end, marks))
        previous_end = end
    out = " ".join(pieces)
    return out + f" {ELLIPSIS}" if text[joined[-1][1]:].strip() else out


def _marked(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    out, at = [], start
    for a, b in marks:
        if a >= start and b <= end:
            out += [html.escape(text[at:a], quote=False), "<mark>", html.escape(text[a:b], quote=False), "</mark>"]
            at = b
    out.append(html.escape(text[at:end], quote=False))
    return "".join(out)


def lead(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The passage's opening words, with " …" when it goes on."""
    if len(text) <= limit:
        return html.escape(text, quote=False)
    cut = _word_end(text, limit, limit // 2)
    start, end = _strip(text, 0, cut if cut > limit // 2 else limit)
    return html.escape(text[start:end], quote=False) + (f" {ELLIPSIS}" if text[end:].strip() else "")
