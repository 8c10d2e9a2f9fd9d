"""What an article's head passage records of it, the same on every backend: the extras a hit and the catalog show,
and what the manifest reads back from them (the digest to compare, and a JSON Lines article's line)."""
from __future__ import annotations

from collections.abc import Iterable

from ..fieldvalues import LIST_SEPARATOR, actor_token
from ..models import Article, ManifestEntry, Origin


def article_fields(article: Article, source_key: str) -> dict:
    """The article's fields every one of its passage documents repeats (None: no value), authors as a list whose
    names keep no comma (the Whoosh backend joins them with commas)."""
    return {
        "article_id": article.article_id,
        "source_key": source_key,
        "source": article.source,
        "title": article.title or "",
        "outlet": article.outlet or None,
        "place": article.place or None,
        "author": [a.replace(LIST_SEPARATOR, " ") for a in article.authors],
    }


def article_extras(article: Article, digest: str, origin: Origin | None) -> dict:
    """The digest the manifest compares (a JSON Lines line's own, for an article of one), how many passages the
    article has, captions, url, every actor token; the line and whether the record gave its id, for a line."""
    extras = {
        "digest": origin.digest if origin else digest,
        "passages": len(article.passages),
        "captions": article.captions,
        "url": article.url,
        "actors": sorted({actor_token(a) for p in article.passages for a in p.actors}),
    }
    if origin is not None and origin.line is not None:
        extras.update(line=origin.line, own_id=origin.own_id)
    return extras


def manifest_from_heads(heads: Iterable[tuple[str, str, str, dict]]) -> dict[str, ManifestEntry]:
    """Source file -> what the index holds of it, from each head passage's (source key, source, article id,
    extras)."""
    manifest: dict[str, ManifestEntry] = {}
    file_origins: dict[str, Origin] = {}  # a .txt or .html file's articles share one: only JSON Lines lines differ
    for key, source, article_id, extras in heads:
        digest, line = extras.get("digest", ""), extras.get("line")
        entry = manifest.get(key)
        if entry is None:
            entry = manifest[key] = ManifestEntry(key, source or key, digest)
        if line is None:
            origin = file_origins.get(digest) or file_origins.setdefault(digest, Origin(digest))
        else:
            origin = Origin(digest, line, extras.get("own_id", False))
        entry.origins[article_id] = origin
    return manifest
