"""Articles as OpenSearch documents (mapping.passage_mappings): one document a passage, carrying its article's fields;
the head passage (position 0) also carries `head: true` and the article-level extras a hit or the catalog shows and
the manifest reads back (as the Whoosh backend's `passage_documents` does)."""
from __future__ import annotations

from typing import Iterator

from ...fieldvalues import actor_token
from ...models import Article, Origin
from ..records import article_extras, article_fields


def version_of(article_id: str, batch: str) -> str:
    """The key of an article's copy written by one batch: what a commit hides when a newer copy replaces it."""
    return f"{article_id}@{batch}"


def document_id(passage_id: str, batch: str) -> str:
    """A passage's `_id`: per batch, so that an article's new copy is written beside its old one (never over it)
    and the old one stays whole until the commit that hides it."""
    return f"{passage_id}@{batch}"


def passage_documents(article: Article, source_key: str, digest: str, batch: str,
                      origin: Origin | None = None) -> Iterator[tuple[str, dict]]:
    """(`_id`, document) of each of the article's passages, as batch `batch` writes them."""
    common = article_fields(article, source_key)
    common.update(author=common["author"] or None, batch=batch, version=version_of(article.article_id, batch))
    if article.date is not None:
        common.update(date=article.date.isoformat(), year=f"{article.date.year:04d}",
                      month=f"{article.date.year:04d}-{article.date.month:02d}")
    previous_end = 0
    for passage in article.passages:
        doc = dict(common)
        doc.update(
            passage_id=passage.passage_id,
            position=passage.position,
            span=[passage.start, passage.end],
            separator=article.text[previous_end:passage.start],
            text=passage.text,
            actor=[actor_token(a) for a in passage.actors] or None,
        )
        previous_end = passage.end
        if passage.position == 0:
            doc.update(head=True, article=article_extras(article, digest, origin))
        yield document_id(passage.passage_id, batch), {k: v for k, v in doc.items() if v is not None}
