"""Evaluation of a parsed filter over a data frame, in three-valued logic.

Each node evaluates to a pair of boolean masks (is true, is false); rows in neither are
*unknown* (a missing value took part). See :mod:`mhr_indicators.filters` for the rules.

Given the integer codes of text columns (``codes=``, e.g. :meth:`SurveyDesign.codes`), a test
of a text column against text (``==``, ``!=``, ``in``) compares codes instead of strings: the
same rows, some eighty times faster on a million rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import ColumnNotFoundError, FilterError
from .grammar import (
    Between,
    Column,
    Compare,
    Filter,
    IsIn,
    IsMissing,
    Literal,
    Node,
    Not,
    parse_filter,
)

__all__ = ["evaluate_filter", "truth_values"]

#: A column's sorted integer codes (-1 where missing) and its levels.
Codes = Callable[[str], tuple[np.ndarray, pd.Index]]

_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_MIRROR = {"==": "eq", "!=": "ne", "<": "gt", "<=": "ge", ">": "lt", ">=": "le"}
_UFUNCS = {
    "==": "equal", "!=": "not_equal", "<": "less", "<=": "less_equal",
    ">": "greater", ">=": "greater_equal",
}  # fmt: skip


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


def _text_codes(column: Column, data: pd.DataFrame, codes: Codes | None):
    """The codes and levels of a text column, when they are given (None otherwise: the
    values are compared as they are)."""
    if codes is None or column.name not in data.columns:
        return None
    dtype = data[column.name].dtype
    if not (pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)):
        return None
    try:
        return codes(column.name)
    except TypeError:  # values that cannot be sorted (text mixed with numbers)
        return None


def _coded_isin(code: np.ndarray, levels: pd.Index, values) -> tuple[np.ndarray, np.ndarray]:
    """(is one of ``values``, is another known value) from a column's codes."""
    at = levels.get_indexer(list(values))
    if len(at) == 1:
        hit = code == at[0] if at[0] >= 0 else np.zeros(len(code), dtype=bool)
    else:  # a lookup table by code (the last entry, for -1, is False)
        table = np.zeros(len(levels) + 1, dtype=bool)
        table[at[at >= 0]] = True
        hit = table[code]
    return hit, (code >= 0) & ~hit


def _compare(
    node: Compare, data: pd.DataFrame, f: Filter, codes: Codes | None = None
) -> tuple[np.ndarray, np.ndarray]:
    column, literal = node.left, node.right
    if isinstance(literal, Column):  # ``'employed' == labour_status``
        column, literal = literal, column
    if (
        node.op in ("==", "!=")
        and isinstance(column, Column)
        and isinstance(literal, Literal)
        and isinstance(literal.value, str)
    ):
        coded = _text_codes(column, data, codes)
        if coded is not None:
            equal, other = _coded_isin(*coded, [literal.value])
            return (equal, other) if node.op == "==" else (other, equal)
    left, lmiss = _values(node.left, data, f)
    right, rmiss = _values(node.right, data, f)
    if _is_numeric(left) != _is_numeric(right):
        col = node.left if isinstance(node.left, Column) else node.right
        raise FilterError(
            f"cannot compare column {col.name!r} with a value of another type "
            "(a number with text): quote text values, leave numbers bare",
            f.text,
        )
    fast = _numeric_compare(left, right, node.op)
    if fast is not None:
        return _known(fast, lmiss, rmiss)
    try:
        if isinstance(left, pd.Series):
            result = getattr(left, _OPS[node.op])(right)
        else:  # literal on the left: mirror the operator
            result = getattr(right, _MIRROR[node.op])(left)
    except TypeError as exc:  # e.g. a text column holding numbers too, compared with <
        raise FilterError(
            f"cannot evaluate {node.op!r} on the values of "
            f"{', '.join(repr(c.name) for c in (node.left, node.right) if isinstance(c, Column))}"
            f": {exc}",
            f.text,
        ) from None
    result = np.asarray(result.fillna(False) if hasattr(result, "fillna") else result, dtype=bool)
    return _known(result, lmiss, rmiss)


def _plain_numbers(x) -> np.ndarray | None:
    """A column's values as a NumPy array when they are plain numbers (no extension dtype)."""
    if isinstance(x, pd.Series) and isinstance(x.dtype, np.dtype) and x.dtype.kind in "iuf":
        return x.to_numpy()
    return None


def _numeric_compare(left, right, op: str) -> np.ndarray | None:
    """A comparison of a column of plain numbers with a number (or another such column)
    done on the arrays (a missing value's result is masked by the caller); None otherwise."""
    a, b = _plain_numbers(left), _plain_numbers(right)
    if a is not None and (b is not None or _is_number(right)):
        pair = (a, right if b is None else b)
    elif b is not None and _is_number(left):
        pair = (left, b)
    else:
        return None
    try:
        return getattr(np, _UFUNCS[op])(*pair)
    except (TypeError, OverflowError):  # e.g. a negative number against unsigned codes
        return None


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.number)) and not isinstance(x, (bool, np.bool_))


def _known(result: np.ndarray, *missing: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(true, false) of a comparison's result where no operand is missing."""
    unknown = [m for m in missing if m is not None and m.any()]
    if not unknown:
        return result, ~result
    known = ~np.logical_or.reduce(unknown) if len(unknown) > 1 else ~unknown[0]
    return result & known, ~result & known


def _between(node: Between, data: pd.DataFrame, f: Filter) -> tuple[np.ndarray, np.ndarray]:
    series, miss = _values(node.column, data, f)
    if not (_is_numeric(series) == _is_numeric(node.low) == _is_numeric(node.high)):
        raise FilterError(
            f"'between' bounds for column {node.column.name!r} must have the column's type",
            f.text,
        )
    values = _plain_numbers(series)
    if values is not None:  # on the array: a missing value is masked below
        inside = (values >= node.low) & (values <= node.high)
        t, fl = _known(inside, miss)
        return (fl, t) if node.negate else (t, fl)
    try:
        inside = (series >= node.low) & (series <= node.high)
    except TypeError as exc:
        raise FilterError(
            f"cannot evaluate 'between' on the values of column {node.column.name!r}: {exc}",
            f.text,
        ) from None
    inside = inside.fillna(False).to_numpy(dtype=bool)
    t, fl = inside & ~miss, ~inside & ~miss
    return (fl, t) if node.negate else (t, fl)


def _eval(
    node: Node, data: pd.DataFrame, f: Filter, codes: Codes | None = None
) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(node, Compare):
        return _compare(node, data, f, codes)
    if isinstance(node, IsMissing):
        series, miss = _values(node.column, data, f)
        return (~miss, miss) if node.negate else (miss, ~miss)
    if isinstance(node, IsIn):
        coded = _text_codes(node.column, data, codes)
        if coded is not None and all(isinstance(v, str) for v in node.values):
            t, fl = _coded_isin(*coded, node.values)
            return (fl, t) if node.negate else (t, fl)
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
        return _between(node, data, f)
    if isinstance(node, Not):
        t, fl = _eval(node.operand, data, f, codes)
        return fl, t
    # and / or: fold the operands one at a time (memory of one pair of masks, not of all)
    t, fl = _eval(node.operands[0], data, f, codes)
    for part in node.operands[1:]:
        pt, pf = _eval(part, data, f, codes)
        if node.op == "and":
            t, fl = t & pt, fl | pf
        else:
            t, fl = t | pt, fl & pf
    return t, fl


def evaluate_filter(
    expression: str | Filter, data: pd.DataFrame, codes: Codes | None = None
) -> np.ndarray:
    """Evaluate a filter over a data frame.

    Parameters
    ----------
    expression : str or Filter
        The filter text or an already parsed :class:`Filter`.
    data : pandas.DataFrame
        Frame holding every column the filter names.
    codes : callable, optional
        ``codes(column)`` gives a text column's sorted integer codes (-1 where missing) and
        its levels, as :meth:`SurveyDesign.codes` does: tests of text against text then
        compare codes (the same rows, much faster on large data).

    Returns
    -------
    numpy.ndarray of bool
        True for rows where the expression is true; False where it is false or unknown.

    Raises
    ------
    FilterError
        When the text does not parse, or values cannot be compared (a number with text).
    ColumnNotFoundError
        When the filter names a column that is not in ``data``.
    """
    f = expression if isinstance(expression, Filter) else parse_filter(expression)
    return _eval(f.tree, data, f, codes)[0]


def truth_values(
    expression: str | Filter,
    data: pd.DataFrame,
    codes: Codes | None = None,
    dtype: np.dtype | type = np.float64,
) -> np.ndarray:
    """Evaluate a filter as a 0/1 variable: 1.0 true, 0.0 false, NaN unknown.

    Used where a condition is *counted* (an indicator's numerator, a derived flag): a row whose
    condition is unknown because a value is missing must leave the domain, not count as 0.
    ``codes`` as for :func:`evaluate_filter`. ``dtype`` is a floating type (``numpy.float32``
    holds the three values exactly, in half the memory).
    """
    f = expression if isinstance(expression, Filter) else parse_filter(expression)
    true, false = _eval(f.tree, data, f, codes)
    values = true.astype(dtype)
    values[~(true | false)] = np.nan
    return values
