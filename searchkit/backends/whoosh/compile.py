"""The query tree as Whoosh queries: the only place that builds Whoosh's query classes (one method per node kind,
as SQLAlchemy's compiler has one per element).

Words are analysed here as the index analysed the text (searchkit.query.tokens, then the stemmer). A compound
such as "F-16" or "al-Maliki" matches the compound as written, or its parts as a phrase when every part is
indexed ("al maliki"): passages with the compound itself match both, so they rank first. A word the index leaves
out (a stop word) compiles to nothing, and a group of nothing to nothing.
"""
from __future__ import annotations

from whoosh import query as wq

from ...errors import QueryError
from ...query import tree as t
from ...query.tokens import Word, words
from .analysis import EXACT_SUFFIX, stem
from .index import day_range
from .ranking import FIELD_BOOSTS


class Compiler:
    """`compile(node)` -> a Whoosh query, or None when nothing of it is searchable."""

    def compile(self, node: t.Node) -> wq.Query | None:
        return getattr(self, f"visit_{type(node).__name__}")(node)

    def compile_query(self, node: t.Node, text: str) -> wq.Query:
        """The whole query; a query of stop words only is an error naming it."""
        compiled = self.compile(node)
        if compiled is None:
            raise QueryError(f"the query {text!r} has no terms to search for (only common words such as 'the')")
        return compiled

    # -- leaves ----------------------------------------------------------------------------------------------
    def visit_Term(self, node: t.Term) -> wq.Query | None:
        if node.exact:
            return self._per_field(node, lambda f: _exact_word(f + EXACT_SUFFIX, node.text))
        return self._per_field(node, lambda f: _word(f, node.text))

    def visit_Phrase(self, node: t.Phrase) -> wq.Query | None:
        return self._per_field(node, lambda f: _phrase(f, node.words, node.slop))

    def visit_Pattern(self, node: t.Pattern) -> wq.Query | None:
        if node.field is not None and node.field not in t.TEXT_FIELDS:  # a name or id field: its values as typed
            return _pattern(node.field, node.pattern, node.boost)
        return self._per_field(node, lambda f: _pattern(f + EXACT_SUFFIX, node.pattern))

    def _per_field(self, node, build) -> wq.Query | None:
        """The clause in the node's field, or in title and text (an Or, as Whoosh's multifield parser made it)."""
        fields = [node.field] if node.field else list(t.TEXT_FIELDS)
        clauses = []
        for field in fields:
            clause = build(field)
            if clause is not None:
                clauses.append(_boost(clause, node.boost * (1.0 if node.field else FIELD_BOOSTS[field])))
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else wq.Or(clauses)

    def visit_Value(self, node: t.Value) -> wq.Query:
        return wq.Term(node.field, node.value, boost=node.boost)

    def visit_DateRange(self, node: t.DateRange) -> wq.Query:
        return day_range("date", node.first, node.last, node.boost)

    def visit_Range(self, node: t.Range) -> wq.Query:
        raise QueryError(f"a range on {node.field} was not read as dates")  # passes.dates_as_periods reads them

    def visit_MatchAll(self, node: t.MatchAll) -> wq.Query:
        return wq.Every(boost=node.boost)

    def visit_MatchNone(self, node: t.MatchNone) -> wq.Query:
        return wq.NullQuery

    # -- groups ----------------------------------------------------------------------------------------------
    def visit_And(self, node: t.And) -> wq.Query | None:
        return self._group(wq.And, node)

    def visit_Or(self, node: t.Or) -> wq.Query | None:
        return self._group(wq.Or, node)

    def _group(self, kind, node) -> wq.Query | None:
        parts = [q for q in (self.compile(p) for p in node.parts) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return _boost(parts[0], node.boost)
        return kind(_flat(kind, parts), boost=node.boost)

    def visit_Not(self, node: t.Not) -> wq.Query | None:
        part = self.compile(node.part)
        return None if part is None else wq.Not(part)

    def visit_AndMaybe(self, node: t.AndMaybe) -> wq.Query | None:
        required, optional = self.compile(node.required), self.compile(node.optional)
        if required is None or optional is None:
            return required
        return wq.AndMaybe(required, optional)

    def visit_ActorWords(self, node: t.ActorWords) -> wq.Query | None:
        words_, actor = self.compile(node.words), self.compile(node.actor)
        if words_ is None:
            return actor
        return wq.Or(_flat(wq.Or, [words_, actor]))


def _flat(kind, parts: list[wq.Query]) -> list[wq.Query]:
    """The parts of a group, with the parts of unboosted groups of the same kind taken in (a OR (b OR c) is
    a OR b OR c; scores are the same sums). Whoosh runs an Or as a binary tree of union matchers, each of which
    it may narrow to an intersection when its two sides' best scores cannot reach the top N: nested groups
    (a word's title and text clauses, a name's words beside its actor) made those trees deeper and lopsided, and
    the median OR query of the benchmark 10% slower than the flat query Whoosh's parser made."""
    flat: list[wq.Query] = []
    for part in parts:
        if type(part) is kind and part.boost == 1.0:
            flat.extend(part.subqueries)
        else:
            flat.append(part)
    return flat


def _boost(query: wq.Query, boost: float) -> wq.Query:
    if boost == 1.0:
        return query
    query = query.copy()
    query.boost *= boost
    return query


def _word(field: str, text: str) -> wq.Query | None:
    """A written word in a stemmed field. Punctuation inside it ("iran,iraq") makes several words: all of them."""
    clauses = [_compound(field, word) for word in words(text)]
    return _all(clauses)


def _compound(field: str, word: Word) -> wq.Query:
    parts = [stem(p.text) for p in word.parts]
    if word.whole is None:
        return wq.Term(field, parts[0])
    whole = wq.Term(field, stem(word.whole.text))
    if word.complete and len(parts) > 1:
        return wq.Or([whole, wq.Phrase(field, parts)])
    return whole


def _exact_word(field: str, text: str) -> wq.Query | None:
    """A quoted word: its own form only, in the unstemmed copy (a compound as written)."""
    return _all([wq.Term(field, (w.whole or w.parts[0]).text) for w in words(text)])


def _phrase(field: str, typed: tuple[str, ...], slop: int) -> wq.Query | None:
    """Words in order. A compound stands as its parts when all are indexed; else as its kept parts, or itself
    when none is (G-5), so the positions line up with the index's (searchkit.query.tokens)."""
    terms: list[str] = []
    for word in words(" ".join(typed)):
        if word.parts:
            terms += [p.text for p in word.parts]
        else:
            terms.append(word.whole.text)
    terms = [stem(term) for term in terms]
    if not terms:
        return None
    if len(terms) == 1:
        return wq.Term(field, terms[0])
    return wq.Phrase(field, terms, slop=slop + 1)  # Whoosh's slop 1 is words side by side


def _pattern(field: str, pattern: str, boost: float = 1.0) -> wq.Query:
    if pattern == "*":
        return wq.Every(field, boost=boost)
    head = pattern[:-1]
    if pattern.endswith("*") and "*" not in head and "?" not in head:
        return wq.Prefix(field, head, boost=boost)
    return wq.Wildcard(field, pattern, boost=boost)


def _all(clauses: list[wq.Query]) -> wq.Query | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)
