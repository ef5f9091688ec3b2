"""A small, whitelisted filter grammar for domains and indicator populations.

Indicator specs are shared files, so their filters are never handed to ``eval`` or
``DataFrame.query``. This module parses them into a tiny syntax tree and evaluates that tree with
vectorised pandas/numpy operations.

Grammar (keywords are lower case)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | predicate
    predicate  := operand op operand                      op: == != < <= > >=
                | NAME ["not"] "in" "(" literal ("," literal)* ")"
                | NAME ["not"] "between" literal "and" literal   (inclusive)
                | NAME "is" ["not"] "missing"
    operand    := NAME | literal
    literal    := number | 'string' | "string" | true | false

Missing values follow three-valued logic: a comparison with a missing value is *unknown*; ``not``
of unknown is unknown; ``unknown and false`` is false, ``unknown or true`` is true. A row belongs to
the filtered domain only when the whole expression is *true*, so a missing age never enters an
``age >= 15`` population nor its negation. Use ``is missing`` to select missing values explicitly.

Examples
--------
>>> f = parse_filter("age between 15 and 64 and sex == 'F'")
>>> f.columns
('age', 'sex')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import pandas as pd

from .errors import ColumnNotFoundError, FilterError

__all__ = ["Filter", "evaluate_filter", "parse_filter"]

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
_KEYWORDS = {"and", "or", "not", "in", "between", "is", "missing", "true", "false"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # number, string, op, punct, name, kw, end
    text: str
    value: Any
    pos: int


# --- syntax tree ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Compare:
    op: str
    left: Column | Literal
    right: Column | Literal


@dataclass(frozen=True)
class IsIn:
    column: Column
    values: tuple
    negate: bool


@dataclass(frozen=True)
class Between:
    column: Column
    low: Any
    high: Any
    negate: bool


@dataclass(frozen=True)
class IsMissing:
    column: Column
    negate: bool


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" / "or"
    operands: tuple


Node = Union[Compare, IsIn, Between, IsMissing, Not, BoolOp]  # noqa: UP007 (a runtime alias)


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    text_len = len(text)
    while pos < text_len:
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise FilterError(f"unexpected character {text[start]!r}", text, start)
        kind = m.lastgroup
        raw = m.group(kind)
        start = m.start(kind)
        if kind == "number":
            value: Any = float(raw) if any(c in raw for c in ".eE") else int(raw)
        elif kind == "string":
            value = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif kind == "name" and raw in _KEYWORDS:
            kind, value = "kw", raw
        else:
            value = raw
        tokens.append(_Tok(kind, raw, value, start))
        pos = m.end()
    tokens.append(_Tok("end", "", None, len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    # helpers
    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def next(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, message: str, tok: _Tok | None = None) -> FilterError:
        tok = tok or self.peek()
        return FilterError(message, self.text, tok.pos)

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
        if self.accept_kw("not"):
            return Not(self.not_expr())
        tok = self.peek()
        if tok.kind == "punct" and tok.text == "(":
            self.next()
            node = self.or_expr()
            self.expect_punct(")")
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


def _columns(node: Node) -> list[str]:
    if isinstance(node, Compare):
        return [x.name for x in (node.left, node.right) if isinstance(x, Column)]
    if isinstance(node, (IsIn, Between, IsMissing)):
        return [node.column.name]
    if isinstance(node, Not):
        return _columns(node.operand)
    return [c for part in node.operands for c in _columns(part)]


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
        return tuple(dict.fromkeys(_columns(self.tree)))

    def evaluate(self, data: pd.DataFrame) -> np.ndarray:
        """Return a boolean array: True where the expression is true (never where unknown)."""
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
        With the position of the problem in the text.
    """
    if not isinstance(text, str):
        raise FilterError(f"a filter must be a string, got {type(text).__name__}", repr(text))
    return Filter(text, _Parser(text).parse())


# --- evaluation: three-valued logic as a pair of masks (is_true, is_false) ----------------------
def _values(operand: Column | Literal, data: pd.DataFrame, f: Filter):
    if isinstance(operand, Literal):
        return operand.value, None
    if operand.name not in data.columns:
        raise ColumnNotFoundError(operand.name, f"used in filter {f.text!r}", list(data.columns))
    series = data[operand.name]
    return series, series.isna().to_numpy()


def _is_numeric(x) -> bool:
    if isinstance(x, pd.Series):
        return pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)
    return isinstance(x, (int, float, bool, np.number))


def _compare(node: Compare, data: pd.DataFrame, f: Filter) -> tuple[np.ndarray, np.ndarray]:
    left, lmiss = _values(node.left, data, f)
    right, rmiss = _values(node.right, data, f)
    if _is_numeric(left) != _is_numeric(right):
        col = node.left if isinstance(node.left, Column) else node.right
        raise FilterError(
            f"cannot compare column {col.name!r} with a value of another type "
            "(a number with text): quote text values, leave numbers bare",
            f.text,
        )
    ops = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
    if isinstance(left, pd.Series):
        result = getattr(left, ops[node.op])(right)
    else:  # literal on the left: mirror the operator
        mirror = {"==": "eq", "!=": "ne", "<": "gt", "<=": "ge", ">": "lt", ">=": "le"}
        result = getattr(right, mirror[node.op])(left)
    result = np.asarray(result.fillna(False) if hasattr(result, "fillna") else result, dtype=bool)
    missing = np.zeros(len(data), dtype=bool)
    for m in (lmiss, rmiss):
        if m is not None:
            missing |= m
    return result & ~missing, ~result & ~missing


def _eval(node: Node, data: pd.DataFrame, f: Filter) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(node, Compare):
        return _compare(node, data, f)
    if isinstance(node, IsMissing):
        series, miss = _values(node.column, data, f)
        return (~miss, miss) if node.negate else (miss, ~miss)
    if isinstance(node, IsIn):
        series, miss = _values(node.column, data, f)
        for v in node.values:
            if _is_numeric(series) != _is_numeric(v):
                raise FilterError(
                    f"'in' list for column {node.column.name!r} mixes numbers and "
                    "text with the column's type",
                    f.text,
                )
        hit = series.isin(list(node.values)).to_numpy(dtype=bool)
        t, fl = hit & ~miss, ~hit & ~miss
        return (fl, t) if node.negate else (t, fl)
    if isinstance(node, Between):
        series, miss = _values(node.column, data, f)
        if not (_is_numeric(series) == _is_numeric(node.low) == _is_numeric(node.high)):
            raise FilterError(
                f"'between' bounds for column {node.column.name!r} must have the column's type",
                f.text,
            )
        inside = ((series >= node.low) & (series <= node.high)).fillna(False).to_numpy(dtype=bool)
        t, fl = inside & ~miss, ~inside & ~miss
        return (fl, t) if node.negate else (t, fl)
    if isinstance(node, Not):
        t, fl = _eval(node.operand, data, f)
        return fl, t
    results = [_eval(part, data, f) for part in node.operands]
    ts = np.array([r[0] for r in results])
    fs = np.array([r[1] for r in results])
    if node.op == "and":
        return ts.all(axis=0), fs.any(axis=0)
    return ts.any(axis=0), fs.all(axis=0)


def evaluate_filter(expression: str | Filter, data: pd.DataFrame) -> np.ndarray:
    """Evaluate a filter over a data frame.

    Parameters
    ----------
    expression : str or Filter
        The filter text or an already parsed :class:`Filter`.
    data : pandas.DataFrame
        Frame holding every column the filter names.

    Returns
    -------
    numpy.ndarray of bool
        True for rows where the expression is true; False where it is false or unknown.
    """
    f = expression if isinstance(expression, Filter) else parse_filter(expression)
    return _eval(f.tree, data, f)[0]


def truth_values(expression: str | Filter, data: pd.DataFrame) -> np.ndarray:
    """Evaluate a filter as a 0/1 variable: 1.0 true, 0.0 false, NaN unknown.

    Used where a condition is *counted* (an indicator's numerator, a derived flag): a row whose
    condition is unknown because a value is missing must leave the domain, not count as 0.
    """
    f = expression if isinstance(expression, Filter) else parse_filter(expression)
    true, false = _eval(f.tree, data, f)
    return np.where(true, 1.0, np.where(false, 0.0, np.nan))
