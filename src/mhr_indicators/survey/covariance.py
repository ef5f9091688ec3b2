"""Covariances of cell estimates: linear maps of their scores or replicates (the delta method).

A contrast (or the gradient of a comparison) is a matrix M applied to the cells: its scores are
M times the cells' score totals per PSU (linearisation), its replicate estimates M times theirs
(replication), and its variance follows from those as for any estimate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ConfigurationError
from .compiled import index_type
from .estimate import CellEstimate
from .table_loops import pair_forms as pair_forms_loop
from .table_loops import sparse_product


def _row_min(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Minimum of ``values`` over the nonzero columns of each row (NaN for an empty row)."""
    out = np.full(matrix.shape[0], np.nan)
    counts = np.diff(matrix.indptr)
    rows = np.flatnonzero(counts > 0)
    if rows.size:
        picked = values[matrix.indices].astype(float)
        out[rows] = np.minimum.reduceat(picked, matrix.indptr[rows])
    return out


def combine(
    est: CellEstimate,
    matrix: sp.csr_matrix,
    value: np.ndarray,
    labels: pd.DataFrame,
    pair_variance: np.ndarray | None = None,
) -> CellEstimate:
    """Estimates whose deviations are ``matrix`` times those of ``est`` (the delta method).

    ``value`` is the new estimate (a linear combination, or a nonlinear comparison whose
    gradient rows make up ``matrix``). ``pair_variance`` is the variance, when it is known
    already (:func:`pair_variance`): the result then has no scores to contrast further.
    """
    if not est.contrastable:
        raise ConfigurationError(
            "these estimates were compared without their scores (compare(..., scores=False)): "
            "contrast the estimates they compare instead"
        )
    involved = matrix.copy()
    involved.data = np.ones_like(involved.data)
    n_unw = involved @ est.n_unweighted
    n_w = involved @ est.n_weighted
    df = _row_min(involved, est.df)
    variance = np.full(len(value), np.nan)
    scores = present = replicates = None
    if pair_variance is not None:
        variance = pair_variance
    elif est.replicates is not None:
        linear = matrix @ est.value
        replicates = np.asarray(matrix @ est.replicates) + (value - linear)[:, None]
        variance = est.replicate_design.variance(replicates, value)
    elif est.scores is not None:
        scores = _product(matrix, est.scores)
        present = None if est.present is None else sp.csr_matrix(involved @ est.present)
        variance = est.taylor.variance(scores, present)
    variance = np.where(np.isfinite(value), variance, np.nan)
    return CellEstimate(
        labels,
        value,
        variance,
        df,
        n_unw,
        n_w,
        scores=scores,
        replicates=replicates,
        replicate_design=est.replicate_design,
        present=present,
        taylor=est.taylor,
        contrastable=pair_variance is None,
    )


def pair_forms(est: CellEstimate, a: np.ndarray, b: np.ndarray) -> tuple | None:
    """The variances of cells ``a[i]`` and ``b[i]`` and their covariance, from one pass over
    their scores (:func:`.table_loops.pair_forms`); None where a comparison's variance does
    not follow from them (replicate designs, whose replicates give it directly, and the
    ``average`` lonely-PSU policy, which scales each variance by the strata it covers)."""
    t = est.taylor
    if est.scores is None or t is None or (t.lonely_psu == "average" and t.lonely.any()):
        return None
    s = _csr(est.scores)
    if not s.has_sorted_indices:  # (scores made by linearised_scores come sorted)
        s = s.sorted_indices()
    return pair_forms_loop(
        s.indptr, s.indices, np.asarray(s.data, dtype=float), a, b,
        t.psu_stratum, t.n_psu, t.lonely, t.variance_coef, s.shape[1],
    )  # fmt: skip


def pair_variance(forms: tuple, ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """The variance of ``ga z_a + gb z_b`` for the :func:`pair_forms` of the cells (a
    quadratic form: never below zero but for rounding, which is clipped)."""
    qa, qb, qab = forms
    return np.maximum(ga * ga * qa + 2.0 * ga * gb * qab + gb * gb * qb, 0.0)


def _csr(matrix) -> sp.csr_matrix:
    """``matrix`` as CSR (itself when it is: no copy, no checks again)."""
    return matrix if isinstance(matrix, sp.csr_matrix) else sp.csr_matrix(matrix)


def _product(matrix: sp.csr_matrix, scores: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix @ scores``: the rows of a contrast matrix name few cells, so each row of the
    product adds up a few rows of scores (a compiled pass, no general sparse product)."""
    matrix, scores = _csr(matrix), _csr(scores)
    n_cols = scores.shape[1]
    size = int(np.diff(scores.indptr)[matrix.indices].sum())  # at most, the product's entries
    indptr, indices, data = sparse_product(
        matrix.indptr, matrix.indices, np.asarray(matrix.data, dtype=float),
        scores.indptr, scores.indices, np.asarray(scores.data, dtype=float), n_cols,
        index_type(n_cols, size),
    )  # fmt: skip
    return sp.csr_matrix((data, indices, indptr), shape=(matrix.shape[0], n_cols))


def taylor_covariance(e: CellEstimate) -> np.ndarray:
    """Covariance of the rows of a linearisation score matrix (R's ``svyrecvar``)."""
    t = e.taylor
    if t.lonely_psu == "average" and t.lonely.any():
        # the average policy scales each variance by the strata its domain covers: take
        # covariances by polarisation, so that var(a +/- b) is what a contrast reports
        n = e.scores.shape[0]
        i, j = np.triu_indices(n, 1)
        plus = combine(e, _pairs(i, j, 1.0, n), e.value[i] + e.value[j], e.labels.iloc[i])
        minus = combine(e, _pairs(i, j, -1.0, n), e.value[i] - e.value[j], e.labels.iloc[i])
        matrix = np.diag(e.variance)
        matrix[i, j] = matrix[j, i] = (plus.variance - minus.variance) / 4
        return matrix
    z = e.scores.toarray()
    s1 = np.asarray((e.scores @ t.stratum_indicator()).todense())
    mean = s1[:, t.psu_stratum] / t.n_psu[t.psu_stratum]
    centred = z - np.where(t.lonely[t.psu_stratum], 0.0, mean)
    coef = t.variance_coef[t.psu_stratum]
    matrix = (centred * coef) @ centred.T
    finite = np.isfinite(e.value)
    matrix[~finite, :] = np.nan
    matrix[:, ~finite] = np.nan
    return matrix


def _pairs(i: np.ndarray, j: np.ndarray, sign: float, n: int) -> sp.csr_matrix:
    k = len(i)
    rows = np.concatenate([np.arange(k), np.arange(k)])
    data = np.concatenate([np.ones(k), np.full(k, sign)])
    return sp.csr_matrix((data, (rows, np.concatenate([i, j]))), shape=(k, n))
