"""Canonical dtypes of the results and issues tables, as ``engine/results.py`` holds them.

Codes and ``time_period`` are text (pandas' own text dtype; an empty code is missing), the
measures ``float64``, ``n_unweighted`` ``Int64``, ``suppressed`` bool and ``flag`` ``""`` when
none. ``engine/headline.py`` uses :func:`text` for its group labels too.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigurationError
from ..vocab import ISSUE_COLUMNS, OPTIONAL_DIMENSIONS, RESULT_COLUMNS, result_columns

TEXT_DTYPE = pd.Series(["a"]).dtype  # pandas' own text dtype: "str" (pandas 3) or object
FLOAT_COLUMNS = ["value", "se", "ci_lower", "ci_upper", "cv", "n_weighted"]
#: The text columns of the results table (codes, labels, ``time_period``, ``flag``).
TEXT_COLUMNS = [
    c for c in RESULT_COLUMNS if c not in (*FLOAT_COLUMNS, "n_unweighted", "suppressed")
]


def as_text(value: Any) -> Any:
    """``value`` as a string (an enum by its value, ``2024.0`` as ``"2024"``); missing: None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # a year read as a number: 2024.0 -> "2024"
    return str(value)


def text(col: pd.Series, empty_is_missing: bool = True) -> pd.Series:
    """``col`` in pandas' text dtype (missing as None under ``object``); ``""`` missing too."""
    if col.dtype != TEXT_DTYPE or col.dtype == object:
        col = col.map(as_text, na_action="ignore")
    col = col.astype(TEXT_DTYPE)
    if empty_is_missing:
        col = col.mask(col == "")
    return col.where(col.notna(), None) if col.dtype == object else col


def normalise_table(table: pd.DataFrame) -> pd.DataFrame:
    """The results-table columns of ``table``, in order, with canonical dtypes.

    Those of ``vocab.RESULT_COLUMNS``, with the optional dimensions ``table`` has (see
    ``vocab.result_columns``); other columns are dropped.

    Raises
    ------
    ConfigurationError
        ``table`` is not a DataFrame, lacks a column (named), or holds a value of the wrong
        type.
    """
    if not isinstance(table, pd.DataFrame):
        raise ConfigurationError(f"a results table must be a DataFrame, not {type(table)}")
    missing = ", ".join(repr(c) for c in RESULT_COLUMNS if c not in table.columns)
    if missing:
        raise ConfigurationError(f"the results table lacks column(s) {missing}")
    # the optional dimensions the table has are kept (after legal_status), as text
    columns = result_columns(table.columns)
    out = table.loc[:, columns].reset_index(drop=True)
    out.attrs = {}
    try:
        for col in [*TEXT_COLUMNS, *(c for c in columns if c in OPTIONAL_DIMENSIONS)]:
            out[col] = text(out[col], empty_is_missing=col != "flag")
        out["flag"] = out["flag"].fillna("")
        for col in FLOAT_COLUMNS:
            out[col] = pd.to_numeric(out[col]).astype("float64")
        out["n_unweighted"] = pd.to_numeric(out["n_unweighted"]).astype("Int64")
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False).astype(bool)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"the results table has a value of the wrong type: {exc}") from exc
    return out


def normalise_issues(issues: Any) -> pd.DataFrame:
    """An issues table: ``vocab.ISSUE_COLUMNS`` first (missing ones empty), all as text.

    Raises
    ------
    ConfigurationError
        A non-empty table lacks the ``problem`` column.
    """
    frame = pd.DataFrame(issues if issues is not None else [])
    if len(frame) and "problem" not in frame.columns:
        raise ConfigurationError("the issues table lacks column 'problem'")
    for col in (c for c in ISSUE_COLUMNS if c not in frame.columns):
        frame[col] = pd.Series(dtype=object, index=frame.index)
    frame = frame[ISSUE_COLUMNS + [c for c in frame.columns if c not in ISSUE_COLUMNS]]
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({c: text(frame[c]) for c in frame.columns}, index=frame.index)
