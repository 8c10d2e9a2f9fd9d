"""Paragraphs to passages: one passage a paragraph, short ones joined to a neighbour, long ones split at sentences.

Each passage knows its article, its position and its character offsets in the article's clean text, which is the
paragraphs joined by blank lines, so that `text[passage.start:passage.end] == passage.text`.
"""
from __future__ import annotations

import functools
from ..datafiles import data_lines
from ..models import Passage

PARAGRAPH_SEPARATOR = "\n\n"
MIN_PASSAGE_CHARS = 100
MAX_PASSAGE_CHARS = 1500


def chunk(article_id: str, paragraphs: list[str]) -> tuple[str, list[Passage]]:
    """The article's clean text and its passages."""
    text = PARAGRAPH_SEPARATOR.join(paragraphs)
    spans = _paragraph_spans(paragraphs)
    spans = _join_short(spans)
    pieces = [piece for start, end in spans for piece in _split_long(text, start, end)]
    passages = [
        Passage(article_id=article_id, position=position, start=start, end=end, text=text[start:end])
        for position, (start, end) in enumerate(pieces)
    ]
    return text, passages


def _paragraph_spans(paragraphs: list[str]) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for paragraph in paragraphs:
        spans.append((offset, offset + len(paragraph)))
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return spans


def _join_short(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join each paragraph under MIN_PASSAGE_CHARS to the next one (the last one to the one before)."""
    joined: list[tuple[int, int]] = []
    pending_start: int | None = None
    for start, end in spans:
        if pending_start is not None:
            start, pending_start = pending_start, None
        if end - start < MIN_PASSAGE_CHARS:
            pending_start = start
            continue
        joined.append((start, end))
    if pending_start is not None:
        last_end = spans[-1][1]
        if joined and last_end - joined[-1][0] <= MAX_PASSAGE_CHARS:
            joined[-1] = (joined[-1][0], last_end)
        else:
            joined.append((pending_start, last_end))
    return joined


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span over MAX_PASSAGE_CHARS into pieces of whole sentences, each at most MAX_PASSAGE_CHARS if it can."""
    if end - start <= MAX_PASSAGE_CHARS:
        return [(start, end)]
    sentences = [(start + s, start + e) for s, e in sentence_spans(text[start:end])]
    sentences = [piece for s, e in sentences for piece in _split_at_spaces(text, s, e)]
    pieces: list[tuple[int, int]] = []
    for s, e in sentences:
        if pieces and e - pieces[-1][0] <= MAX_PASSAGE_CHARS:
            pieces[-1] = (pieces[-1][0], e)
        else:
            pieces.append((s, e))
    return pieces


def _split_at_spaces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A 'sentence' longer than the limit (a list, a table, text without punctuation) is cut at white space."""
    pieces = []
    while end - start > MAX_PASSAGE_CHARS:
        cut = text.rfind(" ", start + MAX_PASSAGE_CHARS // 2, start + MAX_PASSAGE_CHARS)
        if cut <= start:
            cut = start + MAX_PASSAGE_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in `text` by NLTK's Punkt, told our abbreviations (Mr., U.S., Gen., ...)."""
    return list(_sentence_splitter().span_tokenize(text))


@functools.cache
def _sentence_splitter():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_abbreviations())
    return PunktSentenceTokenizer(params)


def _abbreviations() -> list[str]:
    return data_lines("abbreviations.txt")
