"""The query tree as OpenSearch query DSL: the only place that builds query DSL (one method per node kind, as
backends/whoosh/compile.py, which this mirrors node by node).

Words are split here as the index split the text (searchkit.query.tokens). A plain word is a `match` query, so the
cluster stems it with the analyzer that stemmed the index (Lucene's Snowball, which differs from Porter2 on a few
words). A compound such as "F-16" or "al-Maliki" matches the compound as written (its stem, a `term`: the analyzer
would split it), or its parts as a phrase when every part is indexed ("al maliki"), as on Whoosh. Title and text
are summed (a `bool` of `should` clauses), as Whoosh's BM25F sums its fields (backends/whoosh/ranking.py: no field
weighs more). A word the index leaves out (a stop word) compiles to nothing, and a group of nothing to nothing.
"""
from __future__ import annotations

from ...errors import QueryError
from ...query import tree as t
from ...query.tokens import Word, words
from .stemming import stem

EXACT = ".exact"  # the unstemmed subfield of title and text (mapping.py)
Query = dict


class Compiler:
    """`compile(node)` -> an OpenSearch query (a dict), or None when nothing of it is searchable."""

    def compile(self, node: t.Node) -> Query | None:
        return getattr(self, f"visit_{type(node).__name__}")(node)

    def compile_query(self, node: t.Node, text: str) -> Query:
        """The whole query; a query of stop words only is an error naming it (the Whoosh backend's message)."""
        compiled = self.compile(node)
        if compiled is None:
            raise QueryError(f"the query {text!r} has no terms to search for (only common words such as 'the')")
        return compiled

    # -- leaves ----------------------------------------------------------------------------------------------
    def visit_Term(self, node: t.Term) -> Query | None:
        if node.exact:
            return self._per_field(node, lambda f: _exact_word(f + EXACT, node.text))
        return self._per_field(node, lambda f: _word(f, node.text))

    def visit_Phrase(self, node: t.Phrase) -> Query | None:
        return self._per_field(node, lambda f: _phrase(f, node.words, node.slop))

    def visit_Pattern(self, node: t.Pattern) -> Query | None:
        if node.field is not None and node.field not in t.TEXT_FIELDS:  # a name or id field: its values as typed
            return _boost(_pattern(node.field, node.pattern), node.boost)
        return self._per_field(node, lambda f: _pattern(f + EXACT, node.pattern))

    def _per_field(self, node, build) -> Query | None:
        """The clause in the node's field, or in title and text, their scores summed."""
        fields = [node.field] if node.field else list(t.TEXT_FIELDS)
        clauses = [c for c in (build(f) for f in fields) if c is not None]
        if not clauses:
            return None
        return _boost(clauses[0] if len(clauses) == 1 else any_of(clauses), node.boost)

    def visit_Value(self, node: t.Value) -> Query:
        return {"term": {node.field: _boosted({"value": node.value}, node.boost)}}

    def visit_DateRange(self, node: t.DateRange) -> Query:
        if node.first is None and node.last is None:
            return _boost({"exists": {"field": "date"}}, node.boost)  # every dated passage
        bounds = {}
        if node.first is not None:
            bounds["gte"] = node.first.isoformat()
        if node.last is not None:
            bounds["lte"] = node.last.isoformat()
        return {"range": {"date": _boosted(bounds, node.boost)}}

    def visit_Range(self, node: t.Range) -> Query:
        raise QueryError(f"a range on {node.field} was not read as dates")  # passes.dates_as_periods reads them

    def visit_MatchAll(self, node: t.MatchAll) -> Query:
        return {"match_all": _boosted({}, node.boost)}

    def visit_MatchNone(self, node: t.MatchNone) -> Query:
        return {"match_none": {}}

    # -- groups ----------------------------------------------------------------------------------------------
    def visit_And(self, node: t.And) -> Query | None:
        wanted, excluded = [], []
        for part in node.parts:
            if isinstance(part, t.Not):
                compiled = self.compile(part.part)
                if compiled is not None:
                    excluded.append(compiled)
            else:
                compiled = self.compile(part)
                if compiled is not None:
                    wanted.append(compiled)
        if not wanted:
            return None if not excluded else _boost(_bool(must_not=excluded), node.boost)
        if len(wanted) == 1 and not excluded:
            return _boost(wanted[0], node.boost)
        return _boost(_bool(must=wanted, must_not=excluded), node.boost)

    def visit_Or(self, node: t.Or) -> Query | None:
        parts = [q for q in (self.compile(p) for p in node.parts) if q is not None]
        if not parts:
            return None
        return _boost(parts[0] if len(parts) == 1 else any_of(parts), node.boost)

    def visit_Not(self, node: t.Not) -> Query | None:
        """The whole query is an exclusion: every passage without it (an exclusion inside an And is its
        `must_not`, see visit_And)."""
        part = self.compile(node.part)
        return None if part is None else _bool(must=[{"match_all": {}}], must_not=[part])

    def visit_AndMaybe(self, node: t.AndMaybe) -> Query | None:
        required, optional = self.compile(node.required), self.compile(node.optional)
        if required is None or optional is None:
            return required
        return _bool(must=[required], should=[optional])

    def visit_ActorWords(self, node: t.ActorWords) -> Query | None:
        words_, actor = self.compile(node.words), self.compile(node.actor)
        if words_ is None:
            return actor
        return any_of([words_, actor])


# -- requests ----------------------------------------------------------------------------------------------------
def any_of(clauses: list[Query]) -> Query:
    """Any of the clauses, their scores summed (Whoosh's Or)."""
    return _bool(should=clauses, minimum_should_match=1)


def within(ranking: Query | None, filters: list[Query | None]) -> Query:
    """`ranking` scores the passages; each of `filters` (the exact match set, the filters, what is visible)
    restricts them without scoring. No ranking: every passage that passes the filters, scored alike."""
    kept = [f for f in filters if f is not None]
    if not kept:
        return ranking or {"match_all": {}}
    return _bool(must=[ranking or {"match_all": {}}], filter=kept)


def terms(field: str, values: list[str]) -> Query:
    """Passages whose `field` holds any of `values` (an article's passages, a page's articles)."""
    return {"terms": {field: list(values)}}


def term_present(field: str, value: str) -> Query:
    return {"term": {field: value}}


# -- helpers -------------------------------------------------------------------------------------------------------
def _bool(**clauses) -> Query:
    return {"bool": {kind: value for kind, value in clauses.items() if value}}


def _boosted(body: dict, boost: float) -> dict:
    return {**body, "boost": boost} if boost != 1.0 else body


def _boost(query: Query, boost: float) -> Query:
    """`query` weighing `boost` times more: in its own `boost` where it has one, else wrapped in a bool."""
    if boost == 1.0:
        return query
    (kind, body), = query.items()
    if kind in ("bool", "match_all", "exists"):
        return {kind: {**body, "boost": body.get("boost", 1.0) * boost}}
    if kind in ("term", "match", "match_phrase", "prefix", "wildcard", "range"):
        (field, params), = body.items()
        return {kind: {field: {**params, "boost": params.get("boost", 1.0) * boost}}}
    return {"bool": {"must": [query], "boost": boost}}


def _word(field: str, text: str) -> Query | None:
    """A written word in a stemmed field. Punctuation inside it ("iran,iraq") makes several words: all of them."""
    clauses = [_compound(field, word) for word in words(text)]
    return _all(clauses)


def _compound(field: str, word: Word) -> Query:
    if word.whole is None:
        return {"match": {field: {"query": word.parts[0].text}}}  # one token: the cluster stems it as it indexed
    whole = {"term": {field: {"value": stem(word.whole.text)}}}
    if word.complete and len(word.parts) > 1:
        return any_of([whole, {"match_phrase": {field: {"query": " ".join(p.text for p in word.parts)}}}])
    return whole


def _exact_word(field: str, text: str) -> Query | None:
    """A quoted word: its own form only, in the unstemmed subfield (a compound as written)."""
    return _all([{"term": {field: {"value": (w.whole or w.parts[0]).text}}} for w in words(text)])


def _phrase(field: str, typed: tuple[str, ...], slop: int) -> Query | None:
    """Words in order, analysed by the cluster as the text was: a compound stands at its parts' positions, and a
    stop word written in the phrase leaves the gap it leaves in the text (Whoosh closes such gaps, so "bank
    england" also matches "bank of England" there, not here)."""
    found = words(" ".join(typed))
    if not found:
        return None
    if len(found) == 1 and len(found[0].parts) <= 1:
        return _compound(field, found[0])
    return {"match_phrase": {field: {"query": " ".join(typed), "slop": slop}}}


def _pattern(field: str, pattern: str) -> Query:
    if pattern == "*":
        return {"exists": {"field": field}}
    head = pattern[:-1]
    if pattern.endswith("*") and "*" not in head and "?" not in head:
        return {"prefix": {field: {"value": head}}}
    return {"wildcard": {field: {"value": pattern}}}


def _all(clauses: list[Query]) -> Query | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else _bool(must=clauses)
