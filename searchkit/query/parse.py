"""The query language, parsed once into searchkit's tree (searchkit.query.tree).

A hand-written recursive descent parser, not a parser library or Whoosh's qparser: the language is a dozen rules,
its errors must name the query and the closest valid choice (a generated parser reports "expected X at column
7"), and the tree must not depend on any engine. Precedence, tightest first, is Whoosh's, which the language
has always followed: ANDNOT and ANDMAYBE, then NOT, then AND, then OR, then words side by side (all required
under match="all", any under match="any").

    query    := sequence
    sequence := or_expr*                        side by side: And/Or(implicit=True)
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := not_expr ("AND" not_expr)*
    not_expr := "NOT" not_expr | tight
    tight    := unary (("ANDNOT" | "ANDMAYBE") unary)*
    unary    := "-" unary | primary             -word, -"phrase", -(group), -field:value exclude
    primary  := "(" sequence ")" boost? | FIELD ":" value | value
    value    := "(" sequence ")" | RANGE | QUOTED ("~" N)? boost? | WORD boost?
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from ..errors import QueryError
from .tree import (
    DATE_FIELDS, NAME_FIELDS, PUBLIC_FIELDS, And, AndMaybe, MatchAll, Node, Not, Or, Pattern, Phrase, Range, Term,
    transform,
)

OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
MATCH_ALL = {"", "*"}
# Fields whose value is one name or id, quoted or not ("Financial Times"), never a phrase of words.
_VALUE_FIELDS = NAME_FIELDS + DATE_FIELDS + ("article_id",)
_BOOST = r"(?:\^(?P<boost>\d*\.?\d+))?"
_LEXER = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<quoted>"(?P<inner>[^"]*)"(?:~(?P<slop>\d+))?{_BOOST})
  | (?P<open>\()
  | (?P<close>\){_BOOST.replace('boost', 'cboost')})
  | (?P<range>(?P<ropen>[\[{{])(?P<rbody>[^\]}}]*)(?P<rclose>[\]}}]))
  | (?P<minus>-(?=[^\W\d_]|["(]))
  | (?P<field>(?P<fname>[^\W\d]\w*):(?=\S))
  | (?P<word>[^\s()"\[\]{{}}][^\s()"]*?){_BOOST.replace('boost', 'wboost')}(?=[\s()"]|$)
  | (?P<stray>\S)
    """,
    re.VERBOSE,
)
_RANGE_BODY = re.compile(r"^\s*(?P<start>.*?)\s*(?:^|\s)(?:to|TO|To|tO)(?:\s|$)\s*(?P<end>.*?)\s*$")


@dataclass(frozen=True)
class Lexeme:
    kind: str  # quoted, open, close, range, minus, field, word, operator
    text: str
    start: int
    end: int
    match: re.Match


def parse(text: str, match: str = "all") -> Node:
    """The tree of a query string; `match` ("all" or "any") joins words side by side. Raises QueryError."""
    if text.strip() in MATCH_ALL:
        return MatchAll()
    _check_balance(text)
    parser = _Parser(text, _lex(text), match)
    node = parser.sequence()
    if parser.at < len(parser.lexemes):  # a ")" with no "(" (balance was checked outside quotes)
        raise QueryError(f"unbalanced () in the query {text!r}")
    return node


def _lex(text: str) -> list[Lexeme]:
    lexemes = []
    for m in _LEXER.finditer(text):
        kind = m.lastgroup if m.lastgroup in ("space", "stray") else next(
            k for k in ("quoted", "open", "close", "range", "minus", "field", "word") if m.group(k) is not None)
        if kind == "space":
            continue
        if kind == "stray":
            raise QueryError(f"unexpected {m.group()!r} in the query {text!r}")
        if kind == "word" and m.group("word") in OPERATORS:
            kind = "operator"
        lexemes.append(Lexeme(kind, m.group(), m.start(), m.end(), m))
    return lexemes


class _Parser:
    def __init__(self, text: str, lexemes: list[Lexeme], match: str):
        self.text, self.lexemes, self.match, self.at = text, lexemes, match, 0

    # -- helpers ---------------------------------------------------------------------------------------------
    def peek(self) -> Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def take(self) -> Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def is_operator(self, *names: str) -> bool:
        lexeme = self.peek()
        return lexeme is not None and lexeme.kind == "operator" and lexeme.text in names

    def fail(self, problem: str) -> QueryError:
        return QueryError(f"{problem} in the query {self.text!r}")

    # -- grammar ---------------------------------------------------------------------------------------------
    def sequence(self) -> Node:
        parts: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind != "close":
            parts.append(self.or_expr())
        if not parts:
            raise self.fail("nothing to search for")
        if len(parts) == 1:
            return parts[0]
        return And(tuple(parts), implicit=True) if self.match == "all" else Or(tuple(parts), implicit=True)

    def or_expr(self) -> Node:
        return self._infix("OR", self.and_expr, Or)

    def and_expr(self) -> Node:
        return self._infix("AND", self.not_expr, And)

    def _infix(self, name: str, operand, group) -> Node:
        parts = [operand()]
        while self.is_operator(name):
            self.take()
            parts.append(self._operand_after(name, operand))
        return parts[0] if len(parts) == 1 else group(tuple(parts))

    def _operand_after(self, name: str, operand) -> Node:
        lexeme = self.peek()
        if lexeme is None or lexeme.kind == "close" or (lexeme.kind == "operator" and lexeme.text != "NOT"):
            raise self.fail(f"{name} needs a term after it (to search for the word, write it in lower case)")
        return operand()

    def not_expr(self) -> Node:
        if self.is_operator("NOT"):
            self.take()
            return Not(self._operand_after("NOT", self.not_expr))
        return self.tight()

    def tight(self) -> Node:
        node = self.unary()
        while self.is_operator("ANDNOT", "ANDMAYBE"):
            name = self.take().text
            other = self._operand_after(name, self.unary)
            node = And((node, Not(other))) if name == "ANDNOT" else AndMaybe(node, other)
        return node

    def unary(self) -> Node:
        lexeme = self.peek()
        if lexeme is not None and lexeme.kind == "minus":
            self.take()
            if self.peek() is None:
                raise self.fail("'-' needs a term after it")
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        lexeme = self.peek()
        if lexeme is None:
            raise self.fail("the query ends where a term was expected")
        if lexeme.kind == "operator":
            raise self.fail(f"{lexeme.text} needs a term before it (to search for the word, write it in lower case)")
        if lexeme.kind == "field":
            self.take()
            name = lexeme.match.group("fname")
            if name not in PUBLIC_FIELDS:
                raise self.fail(_unknown_field(name))
            if self.peek() is None or self.peek().kind in ("close", "operator", "minus"):
                raise self.fail(f"{name}: needs a value")
            return self.value(name)
        return self.value(None)

    def value(self, field: str | None) -> Node:
        lexeme = self.take()
        if lexeme.kind == "open":
            inner = self.sequence()
            close = self.peek()
            if close is None or close.kind != "close":
                raise self.fail("unbalanced ()")
            self.take()
            inner = _in_field(inner, field) if field else inner
            return _boosted(inner, close.match.group("cboost"))
        if lexeme.kind == "range":
            return self._range(lexeme, field)
        if lexeme.kind == "quoted":
            return self._quoted(lexeme, field)
        if lexeme.kind == "word":
            return self._word(lexeme, field)
        raise self.fail(f"unexpected {lexeme.text!r}")

    def _word(self, lexeme: Lexeme, field: str | None) -> Node:
        m = lexeme.match
        word, span = m.group("word"), (m.start("word"), m.end("word"))
        boost = float(m.group("wboost")) if m.group("wboost") else 1.0
        if word == "*" and field is None:
            return MatchAll(boost)
        if "*" in word or "?" in word:
            return Pattern(word if field in _VALUE_FIELDS else word.lower(), field, boost, span=span)
        return Term(word, field, boost, span=span)

    def _quoted(self, lexeme: Lexeme, field: str | None) -> Node:
        m = lexeme.match
        inner, span = m.group("inner"), (m.start("inner"), m.end("inner"))
        boost = float(m.group("boost")) if m.group("boost") else 1.0
        if field in _VALUE_FIELDS:
            return Term(inner.strip(), field, boost, span=span)
        words = tuple(inner.split())
        if len(words) == 1 and not m.group("slop"):
            return Term(words[0], field, boost, exact=True, span=span)  # a quoted word: that form only
        return Phrase(words, field, boost, int(m.group("slop") or 0), span=span)

    def _range(self, lexeme: Lexeme, field: str | None) -> Node:
        if field not in DATE_FIELDS:
            where = f"{field}: cannot take a range" if field else "a range needs a field"
            raise self.fail(f"{where} (ranges are for dates: date:[2007 to 2008-06])")
        body = _RANGE_BODY.match(lexeme.match.group("rbody"))
        if body is None:
            raise self.fail(f"cannot read the range {lexeme.text!r} (write date:[2007 to 2008-06])")
        return Range("date", body.group("start") or None, body.group("end") or None, span=(lexeme.start, lexeme.end))


def _in_field(node: Node, field: str) -> Node:
    """`title:(a OR "b c")`: every word of the group searched in that field."""
    def set_field(leaf: Node) -> Node:
        if isinstance(leaf, (Term, Phrase, Pattern)) and leaf.field is None:
            if isinstance(leaf, Phrase) and field in _VALUE_FIELDS:
                return Term(" ".join(leaf.words), field, leaf.boost, span=leaf.span)
            return replace(leaf, field=field)
        if isinstance(leaf, MatchAll):
            return Pattern("*", field, leaf.boost)
        return leaf

    return transform(node, set_field)


def _boosted(node: Node, boost: str | None) -> Node:
    if not boost or not hasattr(node, "boost"):
        return node
    return replace(node, boost=node.boost * float(boost))


def _unknown_field(name: str) -> str:
    near = difflib.get_close_matches(name.lower(), PUBLIC_FIELDS, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}? " if near else ""
    return f"unknown field {name!r} ({hint}fields: {', '.join(PUBLIC_FIELDS)})"


def _check_balance(text: str) -> None:
    """Unbalanced quotes and brackets, found before parsing so the message names them, not a later symptom."""
    if text.count('"') % 2:
        raise QueryError(f"unbalanced quote in the query {text!r}")
    unquoted = re.sub(r'"[^"]*"', " ", text)
    for opening, closing in ("()", "[]", "{}"):
        depth = 0
        for ch in unquoted:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                break
        if depth:
            raise QueryError(f"unbalanced {opening}{closing} in the query {text!r}")
