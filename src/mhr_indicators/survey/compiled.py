"""Compiled loops of the estimators: the steps NumPy could only do by sorting, hashing or
several passes over the data.

Numbering the (cell, PSU) pairs of the rows, a variable's sums per pair, adding the pairs up
into a breakdown's pairs, the scores and degrees of freedom, the per-stratum variance, and the
replicate-weighted sums. Each reads its input once, in order, with per-cell or per-stratum
scratch arrays, so its time is linear in what it reads. They are compiled by
`Numba <https://numba.pydata.org>`_ on first use and the machine code is cached on disk (beside
this module, or in the user's cache folder), so only the first run on a machine pays for the
compilation; where no cache folder is writable they are compiled in memory, once per process.
They release the GIL.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "add_up_pairs",
    "index_type",
    "linearised_scores",
    "pair_groups",
    "replicate_sums",
    "row_sums",
    "sparse_product",
    "stratum_variance",
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
    code: np.ndarray, psu: np.ndarray, rows_by_psu: np.ndarray, n_cells: int
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

    Returns
    -------
    group : numpy.ndarray
        Each row's pair (-1 for a row in no cell).
    cell, pair_psu : numpy.ndarray
        Each pair's cell and PSU; the pairs in PSU order, those of a PSU in order of their
        first row.
    """
    n = len(code)
    group = np.full(n, -1, dtype=np.int64)
    seen_in = np.full(n_cells, -1, dtype=np.int64)  # the PSU of each cell's newest pair
    newest = np.zeros(n_cells, dtype=np.int64)
    cell = np.empty(n, dtype=np.int64)
    pair_psu = np.empty(n, dtype=np.int64)
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
) -> np.ndarray:
    """A variable's sums per group, in one pass over the rows.

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
    numpy.ndarray, shape (n_groups, max(columns) + 1)
        Per group, the sums over its valid rows.
    """
    c_wy, c_wx, c_n, c_w, c_positive = columns
    out = np.zeros((n_groups, max(columns) + 1))
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
        out[g, c_wy] += wi * y[i]
        if c_wx >= 0:
            out[g, c_wx] += wi * xi
        out[g, c_n] += 1.0
        out[g, c_w] += wi
        if c_positive >= 0 and wi > 0:
            out[g, c_positive] += 1.0
    return out


@compiled
def add_up_pairs(
    cell: np.ndarray, psu: np.ndarray, coarse: np.ndarray, n_coarse: int, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add the sums of (finest cell, PSU) pairs up into (coarse cell, PSU) pairs.

    Parameters
    ----------
    cell, psu : numpy.ndarray of int64
        Each finest pair's cell and PSU, the pairs in PSU order (cells in any order within a PSU).
    coarse : numpy.ndarray of int64
        The coarse cell of each finest cell (-1: left out of the breakdown).
    n_coarse : int
        The number of coarse cells.
    values : numpy.ndarray of float64, shape (pairs, k)
        ``k`` sums per finest pair.

    Returns
    -------
    indptr : numpy.ndarray
        CSR row pointer: the coarse pairs of coarse cell ``c`` are ``indptr[c]:indptr[c + 1]``.
    pair_psu : numpy.ndarray
        The PSU of each coarse pair, increasing within a cell.
    pair_sums : numpy.ndarray, shape (coarse pairs, k)
        The sums per coarse pair.
    cell_sums : numpy.ndarray, shape (n_coarse, k)
        The sums per coarse cell.
    """
    n_pairs, k = values.shape
    last = np.full(n_coarse, -1, dtype=np.int64)  # the last PSU met in each coarse cell
    count = np.zeros(n_coarse, dtype=np.int64)
    cell_sums = np.zeros((n_coarse, k))
    for i in range(n_pairs):  # count first: this pass reads the codes only
        c = coarse[cell[i]]
        if c >= 0 and last[c] != psu[i]:
            last[c] = psu[i]
            count[c] += 1
    indptr = np.zeros(n_coarse + 1, dtype=np.int64)
    for c in range(n_coarse):
        indptr[c + 1] = indptr[c] + count[c]
    n_out = indptr[n_coarse]
    pair_psu = np.empty(n_out, dtype=np.int64)
    pair_sums = np.zeros((n_out, k))
    slot = indptr[:-1] - 1  # each coarse cell's current pair
    last[:] = -1
    for i in range(n_pairs):  # PSUs in order: each cell's pairs come out sorted by PSU
        c = coarse[cell[i]]
        if c < 0:
            continue
        if last[c] != psu[i]:
            last[c] = psu[i]
            slot[c] += 1
            pair_psu[slot[c]] = psu[i]
        s = slot[c]
        for j in range(k):
            pair_sums[s, j] += values[i, j]
            cell_sums[c, j] += values[i, j]
    return indptr, pair_psu, pair_sums, cell_sums


@compiled
def linearised_scores(
    indptr: np.ndarray,
    pair_psu: np.ndarray,
    pair_sums: np.ndarray,
    columns: tuple,
    value: np.ndarray,
    den: np.ndarray,
    psu_stratum: np.ndarray,
    total: bool,
    index_like: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores per (cell, PSU) and degrees of freedom of ratio (or total) estimates.

    Parameters
    ----------
    indptr, pair_psu, pair_sums : numpy.ndarray
        The (cell, PSU) pairs as :func:`add_up_pairs` returns them.
    columns : tuple of int
        The columns of ``pair_sums`` holding ``w y``, ``w x``, cases, ``w`` and cases of
        positive weight.
    value, den : numpy.ndarray
        Each cell's estimate ``R`` and denominator total ``X``.
    psu_stratum : numpy.ndarray
        The stratum of each PSU (nondecreasing in the PSU number).
    total : bool
        Scores of a total (``w y``) rather than of a ratio (``(w y - R w x) / X``).
    index_like : numpy.ndarray
        An array of the integer type of the score matrix's index arrays (:func:`index_type`).

    Returns
    -------
    df : numpy.ndarray
        Per cell, the PSUs minus the strata holding a case of positive weight (R's ``degf``).
    score_indptr, score_psu, score : numpy.ndarray
        The cells-by-PSUs score matrix in CSR form, PSUs sorted: one entry per pair holding a
        case (a cell whose estimate is not finite scores zero).
    """
    wy, wx, cases, positive = columns[0], columns[1], columns[2], columns[4]
    n_cells = len(indptr) - 1
    df = np.zeros(n_cells)
    score_indptr = np.zeros(n_cells + 1, dtype=index_like.dtype)
    score_psu = np.empty(len(pair_psu), dtype=index_like.dtype)
    score = np.empty(len(pair_psu))
    m = 0
    for c in range(n_cells):
        finite = np.isfinite(value[c])
        r = value[c] if finite else 0.0
        inv = 1.0 / den[c] if finite and den[c] != 0 else 0.0
        psus = 0
        strata = 0
        last_stratum = -1
        for i in range(indptr[c], indptr[c + 1]):
            p = pair_psu[i]
            if pair_sums[i, positive] > 0:  # PSUs sorted: their strata come in order
                psus += 1
                if psu_stratum[p] != last_stratum:
                    last_stratum = psu_stratum[p]
                    strata += 1
            if pair_sums[i, cases] > 0:
                score_psu[m] = p
                if total:
                    score[m] = pair_sums[i, wy]
                else:
                    score[m] = inv * (pair_sums[i, wy] - r * pair_sums[i, wx])
                m += 1
        df[c] = psus - strata
        score_indptr[c + 1] = m
    return df, score_indptr, score_psu[:m], score[:m]


@compiled
def stratum_variance(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    psu_stratum: np.ndarray,
    n_psu: np.ndarray,
    lonely: np.ndarray,
    coef: np.ndarray,
) -> np.ndarray:
    """Each row's sum over strata of ``coef`` times its centred sum of squared PSU scores.

    The rows of a cells-by-PSUs score matrix in CSR form (``indptr``, ``indices``, ``data``; the
    indices in any order). For stratum ``h`` the centred sum is
    ``sum_j z_j^2 - (sum_j z_j)^2 / n_psu[h]`` over the PSUs of the stratum (absent PSUs count,
    with a zero score); a lonely PSU's stratum (``lonely[h]``) is not centred (R's "adjust").
    The sums run over the row's nonzero scores only, never over a dense cells-by-strata table.
    """
    n_rows = len(indptr) - 1
    n_strata = len(n_psu)
    s1 = np.zeros(n_strata)
    s2 = np.zeros(n_strata)
    seen = np.zeros(n_strata, dtype=np.bool_)
    touched = np.empty(n_strata, dtype=np.int64)
    out = np.zeros(n_rows)
    for r in range(n_rows):
        m = 0
        for i in range(indptr[r], indptr[r + 1]):
            h = psu_stratum[indices[i]]
            if not seen[h]:
                seen[h] = True
                touched[m] = h
                m += 1
            z = data[i]
            s1[h] += z
            s2[h] += z * z
        total = 0.0
        for t in range(m):
            h = touched[t]
            centred = s2[h] if lonely[h] else s2[h] - s1[h] * s1[h] / n_psu[h]
            total += coef[h] * centred
            s1[h] = 0.0
            s2[h] = 0.0
            seen[h] = False
        out[r] = total
    return out


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
def sparse_product(
    a_indptr: np.ndarray,
    a_indices: np.ndarray,
    a_data: np.ndarray,
    b_indptr: np.ndarray,
    b_indices: np.ndarray,
    b_data: np.ndarray,
    n_cols: int,
    index_like: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR product ``A @ B`` where each row of ``A`` has few entries (contrasts of cells
    over their scores): each row of the product adds up the rows of ``B`` it names, scaled,
    in one pass over them. Its index arrays are of the integer type of ``index_like``
    (:func:`index_type`).

    Returns
    -------
    indptr, indices, data : numpy.ndarray
        The product in CSR form; a row's columns in order of first appearance (not sorted).
    """
    n_rows = len(a_indptr) - 1
    size = 0
    for e in range(a_indptr[n_rows]):
        j = a_indices[e]
        size += b_indptr[j + 1] - b_indptr[j]
    indptr = np.zeros(n_rows + 1, dtype=index_like.dtype)
    indices = np.empty(size, dtype=index_like.dtype)
    data = np.empty(size)
    where = np.full(n_cols, -1, dtype=np.int64)  # the column's entry, if made for this row
    m = 0
    for r in range(n_rows):
        start = m
        for e in range(a_indptr[r], a_indptr[r + 1]):
            j = a_indices[e]
            coef = a_data[e]
            for f in range(b_indptr[j], b_indptr[j + 1]):
                p = b_indices[f]
                s = where[p]
                if s < start:  # made for an earlier row, or never
                    where[p] = m
                    indices[m] = p
                    data[m] = coef * b_data[f]
                    m += 1
                else:
                    data[s] += coef * b_data[f]
        indptr[r + 1] = m
    return indptr, indices[:m].copy(), data[:m].copy()
