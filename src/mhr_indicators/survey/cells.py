"""Cells of a ``by=`` breakdown: one integer code per row, computed in one vectorised pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .compiled import mixed_radix, small_integers
from .keys import number_keys


@dataclass(frozen=True)
class Cells:
    """Assignment of rows to the observed cells of a breakdown.

    Attributes
    ----------
    code : numpy.ndarray of int64
        Cell number of each row, ``-1`` for rows outside every cell (outside the domain, or with
        a missing ``by`` value).
    labels : pandas.DataFrame
        One row per cell (in sorted order of the ``by`` values), one column per ``by`` variable.
    """

    code: np.ndarray
    labels: pd.DataFrame
    #: Per ``by`` column, each cell's sorted code of its value (-1: missing) and the number of
    #: values the column takes (so that breakdowns by some of the columns need no factorising).
    label_codes: dict[str, tuple[np.ndarray, int]] | None = None

    @property
    def n_cells(self) -> int:
        return len(self.labels)


def factorize_column(values) -> tuple[np.ndarray, pd.Index]:
    """Sorted codes of a column (-1 for missing) and its levels; the codes in the narrowest
    integer type that holds them and one more level (a byte per row for a column of codes)."""
    coded = _arrow_text_codes(values) or _small_integer_codes(values)
    codes, levels = coded or pd.factorize(values, sort=True, use_na_sentinel=True)
    for narrow in (np.int8, np.int16, np.int32):
        if len(levels) < np.iinfo(narrow).max:
            return codes.astype(narrow), levels
    return codes, levels


def _arrow_text_codes(values) -> tuple[np.ndarray, pd.Index] | None:
    """What :func:`pandas.factorize` gives (sorted), for text held by Arrow: Arrow's
    dictionary encoding, its few distinct values then sorted (about twice as fast on a
    million rows); None for any other column."""
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype)):
        return None
    if values.dtype.storage != "pyarrow":
        return None
    arr = pa.array(values.array)  # the column's own Arrow data (no copy)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    encoded = pc.dictionary_encode(arr)
    words = encoded.dictionary.to_numpy(zero_copy_only=False)
    order = np.argsort(words, kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # a missing value
    codes = rank[encoded.indices.fill_null(-1).to_numpy()]
    return codes, pd.Index(words[order], dtype=values.dtype)


#: A numeric column whose values are all non-negative integers below this (or missing) has its
#: distinct values found in one pass (:func:`.compiled.small_integers`), not by hashing.
SMALL_INTEGERS = 1024


def _small_integer_codes(values) -> tuple[np.ndarray, pd.Index] | None:
    """What :func:`pandas.factorize` gives (sorted), for a column of NumPy numbers that are
    all small non-negative integers or missing (codes, 0/1 flags): one pass finds the values
    present, a lookup codes the rows; None for any other column."""
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, np.dtype)):
        return None
    if values.dtype.kind not in "fiu":
        return None
    arr = values.to_numpy()
    seen, missing, complete = small_integers(arr, SMALL_INTEGERS)
    if not complete:
        return None
    present = np.flatnonzero(seen)
    lookup = np.full(SMALL_INTEGERS + 1, -1, dtype=np.int64)  # the last: a missing value
    lookup[present] = np.arange(len(present))
    position = np.where(np.isnan(arr), SMALL_INTEGERS, arr) if missing else arr
    return lookup[position.astype(np.intp)], pd.Index(present.astype(values.dtype))


def distinct_values(values: pd.Series) -> np.ndarray:
    """A column's distinct values, missing included, in the column's dtype (in no particular
    order): found in one pass where they are small non-negative integers (codes, 0/1 flags),
    by hashing otherwise (:func:`pandas.unique`)."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiu":
        seen, missing, complete = small_integers(values.to_numpy(), SMALL_INTEGERS)
        if complete:
            found = np.flatnonzero(seen).astype(values.dtype)
            return np.append(found, np.nan).astype(values.dtype) if missing else found
    return pd.Series(pd.unique(values), dtype=values.dtype).to_numpy()


@dataclass(frozen=True)
class CellKeys:
    """Each row's combination of the ``by`` values as one integer, whatever the domain.

    Attributes
    ----------
    key : numpy.ndarray of int
        Mixed-radix key of each row's codes (sorted levels), in 32 bits when they fit;
        meaningless where ``complete`` is false.
    complete : numpy.ndarray of bool or None
        Rows with no missing ``by`` value (None: every row, as when missing values are levels).
    space : int
        One more than the largest possible key.
    levels : list of pandas.Index
        The levels of each ``by`` column (a missing value last, when it is a level).
    missing_level : list of bool
        Whether each column's levels end with a missing value.
    """

    key: np.ndarray
    complete: np.ndarray | None
    space: int
    levels: list
    missing_level: list


def cell_keys(
    data: pd.DataFrame,
    by: list[str],
    factorized: Callable[[str], tuple[np.ndarray, pd.Index]] | None = None,
    keep_missing: bool = False,
) -> CellKeys:
    """The rows' keys of the combinations of ``by`` (see :class:`CellKeys`), from which the
    cells of any domain follow by one count (:func:`make_cells`); each column added to the keys
    in one compiled pass (:func:`.compiled.mixed_radix`)."""
    coded, uniques, missing_level = [], [], []
    space = 1
    for col in by:
        codes, levels = factorized(col) if factorized else factorize_column(data[col])
        missing_level.append(keep_missing and bool((codes < 0).any()))
        if missing_level[-1]:
            levels = levels.append(pd.Index([None], dtype=object))
        coded.append(codes)
        uniques.append(levels)
        space *= len(levels) + 1
    combined = np.zeros(len(data), dtype=np.int32 if space < 2**31 else np.int64)
    complete = np.ones(len(data), dtype=bool)
    for codes, levels, missing in zip(coded, uniques, missing_level, strict=True):
        mixed_radix(combined, codes, len(levels) + 1, len(levels) - 1 if missing else -1, complete)
    return CellKeys(combined, None if complete.all() else complete, space, uniques, missing_level)


def make_cells(
    data: pd.DataFrame,
    by: list[str],
    domain: np.ndarray,
    factorized: Callable[[str], tuple[np.ndarray, pd.Index]] | None = None,
    keep_missing: bool = False,
    keys: CellKeys | None = None,
) -> Cells:
    """Code the observed combinations of ``by`` among the rows where ``domain`` is true.

    Rows with a missing value in any ``by`` column belong to no cell (documented behaviour: code
    missing values explicitly, e.g. ``not_stated``, to keep them as a cell); with
    ``keep_missing`` a missing value is a level of its own (last), for cells that are later
    summed into coarser ones. ``factorized`` may supply a column's codes from a cache, and
    ``keys`` the rows' keys (:func:`cell_keys`; callers that code the same columns many times).
    """
    if not by:
        code = np.where(domain, 0, -1).astype(np.int64)
        return Cells(code, pd.DataFrame(index=pd.RangeIndex(1)))
    if keys is None:
        keys = cell_keys(data, by, factorized, keep_missing)
    combined, uniques = keys.key, keys.levels
    valid = domain if keys.complete is None else domain & keys.complete
    observed, cell_code = number_keys(combined, valid, keys.space)
    # decode the mixed-radix keys back into the by values
    labels = {}
    rest = np.asarray(observed, dtype=np.int64)
    decoded = []
    for levels in reversed(uniques):
        base = len(levels) + 1
        decoded.append(rest % base)
        rest = rest // base
    label_codes = {}
    for col, levels, idx, missing in zip(
        by, uniques, reversed(decoded), keys.missing_level, strict=True
    ):
        labels[col] = levels.take(idx) if len(idx) else levels[:0]
        n_values = len(levels) - missing
        label_codes[col] = (np.where(idx < n_values, idx, -1), n_values)
    frame = pd.DataFrame(
        {
            col: np.asarray(vals) if not isinstance(vals, pd.Index) else vals
            for col, vals in labels.items()
        }
    )
    for col in by:  # keep the source dtype (categoricals, nullable ints, strings)
        try:
            frame[col] = frame[col].astype(data[col].dtype)
        except (TypeError, ValueError):
            pass
    return Cells(cell_code, frame.reset_index(drop=True), label_codes)
