"""The seed passages in an OpenSearch index, copied from a Whoosh index of them: the same passages on both engines,
for the compile parity tests (the write side builds its own documents; these carry only what a query reads)."""
from __future__ import annotations

from opensearchpy import OpenSearch, helpers

from searchkit.backends.opensearch.mapping import IndexSettings, index_body
from searchkit.fieldvalues import split_list
from searchkit.periods import from_day_number


def passage_document(stored: dict) -> dict:
    """A Whoosh passage's stored fields as an OpenSearch passage document."""
    doc = {
        "passage_id": stored["passage_id"], "article_id": stored["article_id"], "position": stored["position"],
        "head": stored["position"] == 0, "title": stored.get("title", ""), "text": stored["text"],
        "outlet": stored.get("outlet"), "place": stored.get("place"), "author": split_list(stored.get("author")),
        "actor": split_list(stored.get("actor")),
    }
    if stored.get("date") is not None:
        day = from_day_number(stored["date"])
        doc.update(date=day.isoformat(), year=f"{day.year}", month=day.strftime("%Y-%m"))
    return {k: v for k, v in doc.items() if v is not None}


def copy_passages(whoosh_index, client: OpenSearch, name: str) -> None:
    searcher = whoosh_index.backend._passages().searcher
    client.indices.create(index=name, body=index_body(IndexSettings(shards=3, replicas=0)))
    actions = [{"_index": name, "_id": stored["passage_id"], "_source": passage_document(stored)}
               for stored in searcher.documents()]
    helpers.bulk(client, actions, refresh=True)
