"""Highlighted snippets: the best fragments of a passage around the matched terms, as escaped HTML with <mark>.

Everything in a snippet but the <mark> tags is HTML-escaped, so article text can never inject markup.
"""
from __future__ import annotations

import html

from whoosh import highlight

SNIPPET_CHARS = 240
FRAGMENTS = 2
ELLIPSIS = " … "


class MarkFormatter(highlight.Formatter):
    """Wraps matched terms in <mark>…</mark> and escapes all text."""

    between = ELLIPSIS

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format(self, fragments, replace=False):
        """The fragments in text order, with an ellipsis where the passage goes on before or after them."""
        fragments = sorted(fragments, key=lambda f: f.startchar)
        joined = super().format(fragments, replace)
        if not fragments:
            return joined
        text = fragments[0].text
        before = "… " if text[: fragments[0].startchar].strip() else ""
        after = " …" if text[fragments[-1].endchar:].strip() else ""
        return before + joined.strip() + after


def configure(results) -> None:
    """Set a Whoosh Results object to make our snippets (fragments cut at word bounds, around the matches)."""
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_CHARS // 3)
    results.formatter = MarkFormatter()


def snippet(hit, text: str) -> str:
    """The highlighted fragments of a Whoosh hit's text, or its opening words when no term of the text matched
    (a title-only match)."""
    fragments = hit.highlights("text", text=text, top=FRAGMENTS)
    return fragments or lead(text)


def lead(text: str, limit: int = SNIPPET_CHARS) -> str:
    if len(text) <= limit:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, limit)
    return html.escape(text[: cut if cut > limit // 2 else limit], quote=False) + "…"
