"""Tokenizer, syntax tree and parser of the filter grammar (see :mod:`mhr_indicators.filters`).

Parsing takes time linear in the length of the text: the tokenizer moves forward with one
compiled pattern, and the recursive-descent parser reads each token once. Two limits keep a
hostile or generated filter from exhausting time or the interpreter's stack:
:data:`MAX_FILTER_LENGTH` characters and :data:`MAX_FILTER_DEPTH` levels of parentheses and
``not``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import pandas as pd

from ..errors import FilterError

__all__ = ["MAX_FILTER_DEPTH", "MAX_FILTER_LENGTH", "Filter", "parse_filter"]

#: Longest filter text accepted, in characters.
MAX_FILTER_LENGTH = 100_000
#: Deepest nesting of parentheses and ``not`` accepted.
MAX_FILTER_DEPTH = 100
#: Longest number literal accepted, in characters (Python refuses to convert longer integers).
_MAX_NUMBER = 300
#: Characters of the filter shown either side of a problem in long filters.
_EXCERPT = 40

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|<|>)
      | (?P<punct>[(),])
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s*")
_ESCAPE = re.compile(r"\\(.)")
_KEYWORDS = {"and", "or", "not", "in", "between", "is", "missing", "true", "false"}


def filter_error(message: str, text: str, position: int | None) -> FilterError:
    """A :class:`FilterError` whose pointer shows at most an excerpt of a long filter.

    The error's ``expression`` and ``position`` are those of the whole text.
    """
    if position is None or len(text) <= 2 * _EXCERPT + 20:
        return FilterError(message, text, position)
    start = max(0, position - _EXCERPT)
    end = min(len(text), position + _EXCERPT)
    head = "..." if start > 0 else ""
    tail = "..." if end < len(text) else ""
    err = FilterError(message, head + text[start:end] + tail, position - start + len(head))
    err.expression = text
    err.position = position
    return err


@dataclass(frozen=True)
class _Tok:
    kind: str  # number, string, op, punct, name, kw, end
    text: str
    value: Any
    pos: int


# --- syntax tree ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A column named in a filter."""

    name: str


@dataclass(frozen=True)
class Literal:
    """A number, text, ``true`` or ``false``."""

    value: Any


@dataclass(frozen=True)
class Compare:
    """``left op right`` with op one of == != < <= > >=."""

    op: str
    left: Column | Literal
    right: Column | Literal


@dataclass(frozen=True)
class IsIn:
    """``column [not] in (values)``."""

    column: Column
    values: tuple
    negate: bool


@dataclass(frozen=True)
class Between:
    """``column [not] between low and high`` (inclusive)."""

    column: Column
    low: Any
    high: Any
    negate: bool


@dataclass(frozen=True)
class IsMissing:
    """``column is [not] missing``."""

    column: Column
    negate: bool


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Node


@dataclass(frozen=True)
class BoolOp:
    """``operand and operand ...`` or ``operand or operand ...``."""

    op: str  # "and" / "or"
    operands: tuple


Node = Union[Compare, IsIn, Between, IsMissing, Not, BoolOp]  # noqa: UP007 (a runtime alias)


def _number(raw: str, text: str, start: int) -> int | float:
    if len(raw) > _MAX_NUMBER:
        raise filter_error(
            f"number of {len(raw)} characters is too long (at most {_MAX_NUMBER})", text, start
        )
    return float(raw) if any(c in raw for c in ".eE") else int(raw)


def _tokenize(text: str) -> list[_Tok]:
    """The tokens of ``text``, in one forward pass (linear time)."""
    tokens: list[_Tok] = []
    pos = 0
    text_len = len(text)
    while pos < text_len:
        if _SPACE.match(text, pos).end() == text_len:
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = _SPACE.match(text, pos).end()
            raise filter_error(f"unexpected character {text[start]!r}", text, start)
        kind = m.lastgroup
        raw = m.group(kind)
        start = m.start(kind)
        if kind == "number":
            value: Any = _number(raw, text, start)
        elif kind == "string":
            value = _ESCAPE.sub(r"\1", raw[1:-1])
        elif kind == "name" and raw in _KEYWORDS:
            kind, value = "kw", raw
        else:
            value = raw
        tokens.append(_Tok(kind, raw, value, start))
        pos = m.end()
    tokens.append(_Tok("end", "", None, text_len))
    return tokens


class _Parser:
    """Recursive descent over the token list; ``depth`` counts open parentheses and ``not``."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    # helpers
    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def next(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, message: str, tok: _Tok | None = None) -> FilterError:
        tok = tok or self.peek()
        return filter_error(message, self.text, tok.pos)

    def accept_kw(self, word: str) -> bool:
        tok = self.peek()
        if tok.kind == "kw" and tok.value == word:
            self.i += 1
            return True
        return False

    def expect_punct(self, char: str) -> None:
        tok = self.next()
        if tok.kind != "punct" or tok.text != char:
            raise self.error(f"expected {char!r}, found {tok.text or 'end of filter'!r}", tok)

    def enter(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_FILTER_DEPTH:
            raise self.error(
                f"the filter nests parentheses and 'not' deeper than the limit of "
                f"{MAX_FILTER_DEPTH} levels; simplify it, or pass a boolean array as where=",
                tok,
            )

    # grammar
    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.error("empty filter")
        node = self.or_expr()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().text!r}")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.accept_kw("or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.accept_kw("and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self) -> Node:
        tok = self.peek()
        if self.accept_kw("not"):
            self.enter(tok)
            node: Node = Not(self.not_expr())
            self.depth -= 1
            return node
        if tok.kind == "punct" and tok.text == "(":
            self.next()
            self.enter(tok)
            node = self.or_expr()
            self.expect_punct(")")
            self.depth -= 1
            return node
        return self.predicate()

    def literal(self) -> Any:
        tok = self.next()
        if tok.kind in ("number", "string"):
            return tok.value
        if tok.kind == "kw" and tok.value in ("true", "false"):
            return tok.value == "true"
        raise self.error(
            f"expected a number, a quoted string, true or false; found "
            f"{tok.text or 'end of filter'!r}",
            tok,
        )

    def operand(self) -> Column | Literal:
        tok = self.peek()
        if tok.kind == "name":
            self.next()
            return Column(tok.value)
        return Literal(self.literal())

    def predicate(self) -> Node:
        start = self.peek()
        left = self.operand()
        tok = self.peek()
        if tok.kind == "op":
            self.next()
            right = self.operand()
            if isinstance(left, Literal) and isinstance(right, Literal):
                raise self.error("a comparison needs at least one column name", start)
            return Compare(tok.value, left, right)
        if not isinstance(left, Column):
            raise self.error("expected a column name", start)
        negate = self.accept_kw("not")
        if self.accept_kw("in"):
            self.expect_punct("(")
            values = [self.literal()]
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.next()
                values.append(self.literal())
            self.expect_punct(")")
            return IsIn(left, tuple(values), negate)
        if self.accept_kw("between"):
            low = self.literal()
            if not self.accept_kw("and"):
                raise self.error("expected 'and' in 'between LOW and HIGH'")
            high = self.literal()
            return Between(left, low, high, negate)
        if not negate and self.accept_kw("is"):
            neg = self.accept_kw("not")
            if not self.accept_kw("missing"):
                raise self.error("expected 'missing' after 'is'")
            return IsMissing(left, neg)
        found = self.peek().text or "end of filter"
        raise self.error(
            f"expected a comparison (==, !=, <, <=, >, >=), 'in', 'between' or "
            f"'is missing' after column {left.name!r}; found {found!r}"
        )


def _columns(node: Node, out: list[str]) -> list[str]:
    """Append the columns ``node`` reads to ``out`` (depth is capped by the parser)."""
    if isinstance(node, Compare):
        out.extend(x.name for x in (node.left, node.right) if isinstance(x, Column))
    elif isinstance(node, (IsIn, Between, IsMissing)):
        out.append(node.column.name)
    elif isinstance(node, Not):
        _columns(node.operand, out)
    else:
        for part in node.operands:
            _columns(part, out)
    return out


@dataclass(frozen=True)
class Filter:
    """A parsed filter expression.

    Attributes
    ----------
    text : str
        The expression as written.
    tree : Node
        Its syntax tree.
    """

    text: str
    tree: Node

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns the filter reads, in order of first appearance."""
        return tuple(dict.fromkeys(_columns(self.tree, [])))

    def evaluate(self, data: pd.DataFrame) -> np.ndarray:
        """Return a boolean array: True where the expression is true (never where unknown)."""
        from .evaluate import evaluate_filter

        return evaluate_filter(self, data)


def parse_filter(text: str) -> Filter:
    """Parse a filter expression of the whitelisted grammar.

    Parameters
    ----------
    text : str
        For example ``"age >= 15 and age <= 64"``, ``"sector in ('A', 'F')"``,
        ``"earnings is not missing"``.

    Returns
    -------
    Filter

    Raises
    ------
    FilterError
        With the position of the problem in the text; also for a text longer than
        :data:`MAX_FILTER_LENGTH` characters or nested deeper than :data:`MAX_FILTER_DEPTH`.
    """
    if not isinstance(text, str):
        raise FilterError(f"a filter must be a string, got {type(text).__name__}", repr(text))
    if len(text) > MAX_FILTER_LENGTH:
        raise filter_error(
            f"the filter is {len(text):,} characters long; the limit is "
            f"{MAX_FILTER_LENGTH:,}: pass a boolean array as where= for a domain this complex",
            text,
            MAX_FILTER_LENGTH,
        )
    return Filter(text, _Parser(text).parse())
