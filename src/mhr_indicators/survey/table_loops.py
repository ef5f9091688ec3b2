"""Compiled loops over the small tables the rows are added up into: a breakdown's (cell, PSU)
pairs from the finest ones, the scores and degrees of freedom of the estimates, the variance
by stratum, and the scores of contrasts.

Each reads its input once, in order, with per-cell or per-stratum scratch arrays, so its time
is linear in what it reads; compiled as the loops over the rows are (:func:`.compiled.compiled`:
cached on disk, releasing the GIL).
"""

from __future__ import annotations

import numpy as np

from .compiled import compiled, index_type

__all__ = [
    "add_into_pairs",
    "add_up_pairs",
    "linearised_scores",
    "pair_forms",
    "pair_layout",
    "sparse_product",
    "stratum_variance",
]


@compiled
def pair_layout(
    cell: np.ndarray, psu: np.ndarray, coarse: np.ndarray, n_coarse: int, index_like: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the (finest cell, PSU) pairs go among the (coarse cell, PSU) pairs of a breakdown.

    It depends only on the cells, not on the variable: made once, it serves every variable
    added up by the breakdown (:func:`add_into_pairs`).

    Parameters
    ----------
    cell, psu : numpy.ndarray of int64
        Each finest pair's cell and PSU, the pairs in PSU order (cells in any order within a PSU).
    coarse : numpy.ndarray of int64
        The coarse cell of each finest cell (-1: left out of the breakdown).
    n_coarse : int
        The number of coarse cells.
    index_like : numpy.ndarray
        An array of the integer type of ``pair_psu`` and ``slot`` (:func:`.index_type`; its
        values are below the number of finest pairs).

    Returns
    -------
    indptr : numpy.ndarray
        CSR row pointer: the coarse pairs of coarse cell ``c`` are ``indptr[c]:indptr[c + 1]``.
    pair_psu : numpy.ndarray
        The PSU of each coarse pair, increasing within a cell.
    slot : numpy.ndarray
        The coarse pair of each finest pair (-1: left out).
    """
    n_pairs = len(cell)
    last = np.full(n_coarse, -1, dtype=np.int64)  # the last PSU met in each coarse cell
    count = np.zeros(n_coarse, dtype=np.int64)
    for i in range(n_pairs):  # count first: this pass reads the codes only
        c = coarse[cell[i]]
        if c >= 0 and last[c] != psu[i]:
            last[c] = psu[i]
            count[c] += 1
    indptr = np.zeros(n_coarse + 1, dtype=np.int64)
    for c in range(n_coarse):
        indptr[c + 1] = indptr[c] + count[c]
    pair_psu = np.empty(indptr[n_coarse], dtype=index_like.dtype)
    slot = np.full(n_pairs, -1, dtype=index_like.dtype)
    current = indptr[:-1] - 1  # each coarse cell's current pair
    last[:] = -1
    for i in range(n_pairs):  # PSUs in order: each cell's pairs come out sorted by PSU
        c = coarse[cell[i]]
        if c < 0:
            continue
        if last[c] != psu[i]:
            last[c] = psu[i]
            current[c] += 1
            pair_psu[current[c]] = psu[i]
        slot[i] = current[c]
    return indptr, pair_psu, slot


@compiled
def add_into_pairs(
    slot: np.ndarray,
    cell: np.ndarray,
    coarse: np.ndarray,
    n_out: int,
    n_coarse: int,
    values: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Add the sums of the finest pairs up into the coarse pairs :func:`pair_layout` placed
    them in (``slot``, ``n_out`` of them), and into the coarse cells, in one pass.

    Returns
    -------
    pair_sums : numpy.ndarray, shape (n_out, k)
        The sums per coarse pair.
    cell_sums : numpy.ndarray, shape (n_coarse, k)
        The sums per coarse cell.
    """
    n_pairs, k = values.shape
    pair_sums = np.zeros((n_out, k))
    cell_sums = np.zeros((n_coarse, k))
    if k == 3:  # w y, cases, w: every mean and proportion without zero weights (the most)
        for i in range(n_pairs):  # written out: a third faster than the loop over columns
            s = slot[i]
            if s < 0:
                continue
            c = coarse[cell[i]]
            wy, n, w = values[i, 0], values[i, 1], values[i, 2]
            pair_sums[s, 0] += wy
            pair_sums[s, 1] += n
            pair_sums[s, 2] += w
            cell_sums[c, 0] += wy
            cell_sums[c, 1] += n
            cell_sums[c, 2] += w
        return pair_sums, cell_sums
    for i in range(n_pairs):
        s = slot[i]
        if s < 0:
            continue
        c = coarse[cell[i]]
        for j in range(k):
            pair_sums[s, j] += values[i, j]
            cell_sums[c, j] += values[i, j]
    return pair_sums, cell_sums


def add_up_pairs(
    cell: np.ndarray,
    psu: np.ndarray,
    coarse: np.ndarray,
    n_coarse: int,
    values: np.ndarray,
    layout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Add the sums of (finest cell, PSU) pairs up into (coarse cell, PSU) pairs.

    Parameters
    ----------
    cell, psu, coarse, n_coarse
        As for :func:`pair_layout`.
    values : numpy.ndarray of float64, shape (pairs, k)
        ``k`` sums per finest pair.
    layout : tuple of numpy.ndarray, optional
        What :func:`pair_layout` returns for these cells (made here if not given).

    Returns
    -------
    indptr, pair_psu : numpy.ndarray
        As :func:`pair_layout` returns them.
    pair_sums : numpy.ndarray, shape (coarse pairs, k)
        The sums per coarse pair.
    cell_sums : numpy.ndarray, shape (n_coarse, k)
        The sums per coarse cell.
    """
    if layout is None:
        layout = pair_layout(cell, psu, coarse, n_coarse, index_type(len(cell)))
    indptr, pair_psu, slot = layout
    pair_sums, cell_sums = add_into_pairs(slot, cell, coarse, len(pair_psu), n_coarse, values)
    return indptr, pair_psu, pair_sums, cell_sums


@compiled
def _stratum_term(
    h: int,
    coef: np.ndarray,
    lonely: np.ndarray,
    n_psu: np.ndarray,
    products: float,
    a: float,
    b: float,
) -> float:
    """Stratum ``h``'s term of a variance (or covariance): ``coef`` times the sum of products of
    two rows' PSU scores in it, centred by their sums ``a`` and ``b`` (not if it is lonely)."""
    return coef[h] * (products if lonely[h] else products - a * b / n_psu[h])


@compiled
def linearised_scores(
    indptr: np.ndarray,
    pair_psu: np.ndarray,
    pair_sums: np.ndarray,
    columns: tuple,
    value: np.ndarray,
    den: np.ndarray,
    psu_stratum: np.ndarray,
    n_psu: np.ndarray,
    lonely: np.ndarray,
    coef: np.ndarray,
    total: bool,
    index_like: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores per (cell, PSU), degrees of freedom and variances of ratio (or total) estimates,
    in one pass over the pairs.

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
    n_psu, lonely, coef : numpy.ndarray
        Per stratum, as :func:`stratum_variance` takes them.
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
    variance : numpy.ndarray
        Per cell, what :func:`stratum_variance` gives for its scores (the same sums, in the
        same order: its PSUs, hence its strata, come sorted).
    """
    wy, wx, cases, positive = columns[0], columns[1], columns[2], columns[4]
    n_cells = len(indptr) - 1
    df = np.zeros(n_cells)
    variance = np.zeros(n_cells)
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
        h = -1  # the stratum whose scores are being added up
        s1 = 0.0
        s2 = 0.0
        v = 0.0
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
                    z = pair_sums[i, wy]
                else:
                    z = inv * (pair_sums[i, wy] - r * pair_sums[i, wx])
                score[m] = z
                m += 1
                if psu_stratum[p] != h:  # a stratum's sums are complete: its term
                    if h >= 0:
                        v += _stratum_term(h, coef, lonely, n_psu, s2, s1, s1)
                    h = psu_stratum[p]
                    s1 = 0.0
                    s2 = 0.0
                s1 += z
                s2 += z * z
        if h >= 0:
            v += _stratum_term(h, coef, lonely, n_psu, s2, s1, s1)
        df[c] = psus - strata
        variance[c] = v
        score_indptr[c + 1] = m
    return df, score_indptr, score_psu[:m], score[:m], variance


@compiled
def _touch(h: int, seen: np.ndarray, touched: np.ndarray, m: int) -> int:
    """Note stratum ``h`` as met (``touched[:m]`` are those met so far); the new count."""
    if seen[h]:
        return m
    seen[h] = True
    touched[m] = h
    return m + 1


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
            m = _touch(h, seen, touched, m)
            z = data[i]
            s1[h] += z
            s2[h] += z * z
        total = 0.0
        for t in range(m):
            h = touched[t]
            total += _stratum_term(h, coef, lonely, n_psu, s2[h], s1[h], s1[h])
            s1[h] = 0.0
            s2[h] = 0.0
            seen[h] = False
        out[r] = total
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


@compiled
def pair_forms(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    psu_stratum: np.ndarray,
    n_psu: np.ndarray,
    lonely: np.ndarray,
    coef: np.ndarray,
    n_cols: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The variance forms of pairs of rows of a cells-by-PSUs score matrix (CSR, each row's
    PSUs sorted and once): for each ``i``, the variances of rows ``a[i]`` and ``b[i]`` and their
    covariance as :func:`stratum_variance` takes them (per stratum, ``coef`` times the centred
    sums of products of PSU scores; a lonely PSU's stratum not centred).
    The two rows are read together in PSU order, hence stratum by stratum. The variance of
    ``ga z_a + gb z_b`` is then ``ga² qa + 2 ga gb qab + gb² qb``: every comparison of the two
    cells (a gap, a ratio by the delta method) follows from one pass, with no scratch array.
    """
    k = len(a)
    qa = np.zeros(k)
    qb = np.zeros(k)
    qab = np.zeros(k)
    for i in range(k):
        ea, end_a = indptr[a[i]], indptr[a[i] + 1]
        eb, end_b = indptr[b[i]], indptr[b[i] + 1]
        h = -1
        va = vb = vab = 0.0
        s1a = s1b = s2a = s2b = cross = 0.0  # the sums of the stratum being read
        while ea < end_a or eb < end_b:
            pa = indices[ea] if ea < end_a else n_cols
            pb = indices[eb] if eb < end_b else n_cols
            p = pa if pa < pb else pb
            if psu_stratum[p] != h:  # the last stratum's sums are complete: its terms
                if h >= 0:
                    va += _stratum_term(h, coef, lonely, n_psu, s2a, s1a, s1a)
                    vb += _stratum_term(h, coef, lonely, n_psu, s2b, s1b, s1b)
                    vab += _stratum_term(h, coef, lonely, n_psu, cross, s1a, s1b)
                h = psu_stratum[p]
                s1a = s1b = s2a = s2b = cross = 0.0
            za = zb = 0.0
            if pa == p:
                za = data[ea]
                ea += 1
            if pb == p:
                zb = data[eb]
                eb += 1
            s1a += za
            s1b += zb
            s2a += za * za
            s2b += zb * zb
            cross += za * zb
        if h >= 0:
            va += _stratum_term(h, coef, lonely, n_psu, s2a, s1a, s1a)
            vb += _stratum_term(h, coef, lonely, n_psu, s2b, s1b, s1b)
            vab += _stratum_term(h, coef, lonely, n_psu, cross, s1a, s1b)
        qa[i] = va
        qb[i] = vb
        qab[i] = vab
    return qa, qb, qab
