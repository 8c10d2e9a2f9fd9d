"""The OpenAPI 3.0 description of the HTTP API, built from the same parameter tables the server reads
(`params`), so the description cannot drift from what the server accepts."""
from __future__ import annotations

from typing import Sequence

from .. import __version__
from .params import ACTORS, ARTICLES, SEARCH, Param

_ERROR = {"$ref": "#/components/responses/Error"}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_ACTOR_REF = {"type": "object", "required": ["name", "kind"],
              "properties": {"name": {"type": "string"}, "kind": {"type": "string"}}}
_FACET_VALUE = {"type": "object", "required": ["value", "count"],
                "properties": {"value": {"type": "string"}, "count": {"type": "integer"},
                               "kind": _NULLABLE_STRING}}
_HIT = {
    "type": "object",
    "required": ["rank", "article_id", "passage_id", "title", "date", "outlet", "actors", "snippet", "text"],
    "properties": {
        "rank": {"type": "integer", "description": "The passage's place; grouped by article, its article's."},
        "score": {"type": "number", "nullable": True, "description": "BM25F; null when the hits are in date order."},
        "article_id": {"type": "string"},
        "passage_id": {"type": "string"}, "position": {"type": "integer"}, "source": {"type": "string"},
        "title": _NULLABLE_STRING, "date": {**_NULLABLE_STRING, "format": "date"}, "outlet": _NULLABLE_STRING,
        "authors": {"type": "array", "items": {"type": "string"}},
        "actors": {"type": "array", "items": _ACTOR_REF},
        "snippet": {"type": "string", "description": "Matches in <mark>…</mark>; all other text HTML-escaped."},
        "text": {"type": "string"},
    },
}
_RESULTS = {
    "type": "object",
    "required": ["query", "total", "hits", "facets", "suggestion", "took_ms", "page", "limit"],
    "properties": {
        "query": {"type": "string"},
        "total": {"type": "integer", "description": "How many `unit`s match: passages, or articles with per_article."},
        "unit": {"type": "string", "enum": ["passages", "articles"]},
        "passages": {"type": "integer", "description": "Matching passages."},
        "articles": {"type": "integer", "description": "Matching articles."},
        "notices": {"type": "array", "items": {"type": "string"},
                    "description": "What the user should know, such as a filter value that names nothing."},
        "hits": {"type": "array", "items": _HIT},
        "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _FACET_VALUE}},
        "suggestion": {**_NULLABLE_STRING, "description": "A spelling that matches more (\"did you mean\")."},
        "took_ms": {"type": "number"}, "page": {"type": "integer"}, "limit": {"type": "integer"},
        "dropped": {"type": "array", "items": {"type": "string"},
                    "description": "Words left out because no passage has every word (relaxed matching)."},
    },
}
_ARTICLE = {
    "type": "object",
    "required": ["article_id", "title", "date", "outlet", "passages", "captions"],
    "properties": {
        "article_id": {"type": "string"}, "source": {"type": "string"}, "title": _NULLABLE_STRING,
        "date": _NULLABLE_STRING, "outlet": _NULLABLE_STRING, "place": _NULLABLE_STRING, "url": _NULLABLE_STRING,
        "authors": {"type": "array", "items": {"type": "string"}},
        "passages": {"type": "array", "items": {"type": "object"}},
        "captions": {"type": "array", "items": {"type": "string"}},
    },
}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "searchkit",
            "version": __version__,
            "description": "Read-only search of a searchkit index. GET /api/search answers exactly what "
                           "`searchkit search --json` prints for the same options. Bad input is a 400 (or 404) "
                           "whose `error` is the command line's one-line message.",
        },
        "paths": {
            "/api/search": _get("Ranked passages, facet counts and a spelling suggestion", SEARCH, _RESULTS),
            "/api/articles": _get("Indexed articles, a page at a time", ARTICLES,
                                  {"type": "array", "items": {"type": "object"}}),
            "/api/articles/{article_id}": _get(
                "One article: metadata, passages and captions (as `searchkit show --json`)", (), _ARTICLE,
                extra=[{"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                missing=True),
            "/api/actors": _get("The corpus's actors, most named first", ACTORS,
                                {"type": "array", "items": {"type": "object"}}),
            "/api/stats": _get("Counts, date span, top outlets and actors", (), {"type": "object"}),
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "Bad input: what is wrong, in one line",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
                    }}},
                },
            },
        },
    }


def _get(summary: str, params: Sequence[Param], schema: dict, extra: Sequence[dict] = (), missing: bool = False):
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "400": _ERROR,
        "414": _ERROR,  # a URL over 8,192 characters
    }
    if missing:
        responses["404"] = _ERROR
    return {"get": {
        "summary": summary,
        "parameters": [*extra, *(_parameter(p) for p in params)],
        "responses": responses,
    }}


def _parameter(param: Param) -> dict:
    described = {"name": param.name, "in": "query", "description": param.description, "schema": param.schema()}
    if param.many:
        described.update(style="form", explode=True)
    if param.name != "q":
        described["allowEmptyValue"] = True  # an empty value is an empty form field: not given (params.read)
    return described
