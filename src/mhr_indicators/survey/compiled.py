"""Compiled loops of the estimators over the rows: the steps NumPy could only do by sorting,
hashing or several passes over the data (the loops over the small tables made from them are in
:mod:`.table_loops`).

Numbering the (cell, PSU) pairs of the rows, a variable's sums per pair, and the
replicate-weighted sums. Each reads its input once, in order, with per-cell scratch arrays, so
its time is linear in what it reads. They are compiled by
`Numba <https://numba.pydata.org>`_ on first use and the machine code is cached on disk (beside
this module, or in the user's cache folder), so only the first run on a machine pays for the
compilation; where no cache folder is writable they are compiled in memory, once per process.
They release the GIL.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "compiled",
    "index_type",
    "mixed_radix",
    "number_cells",
    "pair_groups",
    "replicate_sums",
    "row_sums",
    "small_integers",
]


def index_type(*bounds: int) -> np.ndarray:
    """An empty array of the integer type for the index arrays of a sparse matrix whose
    indices and entries stay below ``bounds``: 32 bits where they fit, as SciPy keeps them
    (given 64-bit indices, SciPy would scan and copy them on every matrix built)."""
    return np.empty(0, dtype=np.int32 if max(bounds, default=0) < 2**31 - 1 else np.int64)


def compiled(function):
    """``function`` compiled by Numba (releasing the GIL), its machine code cached on disk
    where Numba finds a writable cache folder, kept in memory otherwise."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(function)


@compiled
def pair_groups(
    code: np.ndarray, psu: np.ndarray, rows_by_psu: np.ndarray, n_cells: int, index_like: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number the (cell, PSU) pairs of the rows, in PSU order.

    Parameters
    ----------
    code : numpy.ndarray of int64
        Each row's cell (-1: in none).
    psu : numpy.ndarray of int64
        Each row's PSU.
    rows_by_psu : numpy.ndarray
        The rows in PSU order.
    n_cells : int
        The number of cells.
    index_like : numpy.ndarray
        An array of the integer type of the results (:func:`index_type`: 32 bits where the
        rows, cells and PSUs are fewer than 2**31).

    Returns
    -------
    group : numpy.ndarray
        Each row's pair (-1 for a row in no cell).
    cell, pair_psu : numpy.ndarray
        Each pair's cell and PSU; the pairs in PSU order, those of a PSU in order of their
        first row.
    """
    n = len(code)
    group = np.full(n, -1, dtype=index_like.dtype)
    seen_in = np.full(n_cells, -1, dtype=np.int64)  # the PSU of each cell's newest pair
    newest = np.zeros(n_cells, dtype=np.int64)
    cell = np.empty(n, dtype=index_like.dtype)
    pair_psu = np.empty(n, dtype=index_like.dtype)
    m = 0
    for k in range(n):
        i = rows_by_psu[k]
        c = code[i]
        if c < 0:
            continue
        if seen_in[c] != psu[i]:
            seen_in[c] = psu[i]
            newest[c] = m
            cell[m] = c
            pair_psu[m] = psu[i]
            m += 1
        group[i] = newest[c]
    return group, cell[:m].copy(), pair_psu[:m].copy()


@compiled
def row_sums(
    group: np.ndarray,
    w: np.ndarray,
    y: np.ndarray,
    x: np.ndarray,
    n_groups: int,
    ratio: bool,
    columns: tuple = (0, 1, 2, 3, 4),
) -> tuple[np.ndarray, int]:
    """A variable's sums per group, in one pass over the rows; and how many of its valid
    values are neither 0 nor 1 (a proportion's variable is checked in the same pass).

    Parameters
    ----------
    group : numpy.ndarray
        Each row's group (-1: in none).
    w, y, x : numpy.ndarray
        Weights, analysis variable and (for a ratio) denominator; a row is valid where ``y``
        (and for a ratio ``x``) is not NaN.
    n_groups : int
        The number of groups.
    ratio : bool
        Whether ``x`` is a denominator (otherwise the denominator is 1).
    columns : tuple of 5 int
        The output column of each sum: ``w y``, ``w x``, cases, ``w`` and cases with w > 0
        (-1: not made, e.g. ``w x`` of a mean, which is ``w``).

    Returns
    -------
    sums : numpy.ndarray, shape (n_groups, max(columns) + 1)
        Per group, the sums over its valid rows.
    not_binary : int
        The valid rows whose ``y`` is neither 0 nor 1.
    """
    c_wy, c_wx, c_n, c_w, c_positive = columns
    out = np.zeros((n_groups, max(columns) + 1))
    not_binary = 0
    for i in range(len(group)):
        g = group[i]
        if g < 0 or np.isnan(y[i]):
            continue
        xi = 1.0
        if ratio:
            xi = x[i]
            if np.isnan(xi):
                continue
        wi = w[i]
        yi = y[i]
        if yi != 0.0 and yi != 1.0:
            not_binary += 1
        out[g, c_wy] += wi * yi
        if c_wx >= 0:
            out[g, c_wx] += wi * xi
        out[g, c_n] += 1.0
        out[g, c_w] += wi
        if c_positive >= 0 and wi > 0:
            out[g, c_positive] += 1.0
    return out, not_binary


@compiled
def replicate_sums(
    cell: np.ndarray, weights: np.ndarray, values: np.ndarray, n_cells: int
) -> np.ndarray:
    """Replicate-weighted sums of some variables per cell, reading the replicate weights once.

    Parameters
    ----------
    cell : numpy.ndarray
        Each row's cell (-1: in none).
    weights : numpy.ndarray, shape (rows, R)
        The replicate weights, C order (each row's weights together).
    values : numpy.ndarray, shape (rows, k)
        The variables.
    n_cells : int
        The number of cells.

    Returns
    -------
    numpy.ndarray, shape (k, n_cells, R)
        Per variable, cell and replicate: the sum of value times replicate weight.
    """
    n, n_reps = weights.shape
    k = values.shape[1]
    out = np.zeros((k, n_cells, n_reps))
    for i in range(n):
        c = cell[i]
        if c < 0:
            continue
        for j in range(k):
            v = values[i, j]
            for r in range(n_reps):
                out[j, c, r] += v * weights[i, r]
    return out


@compiled
def small_integers(values: np.ndarray, limit: int) -> tuple[np.ndarray, bool, bool]:
    """Which of the integers ``0 .. limit - 1`` the values hold, in one pass (the distinct
    values of a code or 0/1 column, without hashing every row).

    Returns
    -------
    seen : numpy.ndarray of bool, shape (limit,)
        Whether each integer occurs.
    missing : bool
        Whether a NaN occurs.
    complete : bool
        Whether every value is NaN or one of those integers (when False, ``seen`` and
        ``missing`` are incomplete: find the distinct values otherwise).
    """
    seen = np.zeros(limit, dtype=np.bool_)
    missing = False
    for v in values:
        if v != v:  # NaN
            missing = True
        elif 0 <= v < limit and int(v) == v:
            seen[int(v)] = True
        else:
            return seen, missing, False
    return seen, missing, True


@compiled
def mixed_radix(
    key: np.ndarray, codes: np.ndarray, base: int, missing_code: int, complete: np.ndarray
) -> None:
    """Append a column's codes to the rows' mixed-radix keys, in place, in one pass:
    ``key = key * base + code``; a missing code (-1) is ``missing_code`` where that is a level
    (>= 0), else it stays -1 and the row is marked not ``complete``."""
    for i in range(len(key)):
        c = codes[i]
        if c < 0:
            if missing_code >= 0:
                c = missing_code
            else:
                complete[i] = False
        key[i] = key[i] * base + c


@compiled
def number_cells(key: np.ndarray, valid: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (all in ``[0, size)``) of the valid rows, sorted, and each row's
    position among them (-1 for a row that is not valid), in two passes over the rows.

    Returns
    -------
    observed : numpy.ndarray of int64
        The keys present, sorted.
    code : numpy.ndarray of int64
        Each row's cell: the position of its key in ``observed``.
    """
    n = len(key)
    present = np.zeros(size, dtype=np.bool_)
    for i in range(n):
        if valid[i]:
            present[key[i]] = True
    lookup = np.full(size, -1, dtype=np.int64)
    m = 0
    for k in range(size):
        if present[k]:
            lookup[k] = m
            m += 1
    observed = np.empty(m, dtype=np.int64)
    for k in range(size):
        if lookup[k] >= 0:
            observed[lookup[k]] = k
    code = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if valid[i]:
            code[i] = lookup[key[i]]
    return observed, code
