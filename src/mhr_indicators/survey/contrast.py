"""Comparisons between two groups of the same survey: gaps, ratios and parity indices.

The two estimates come from one design, so they are correlated (same strata and PSUs, or same
replicates). Each comparison f(a, b) is linearised: with gradient (g_a, g_b), its score is
g_a z_a + g_b z_b (linearisation) or its replicate value g_a a_r + g_b b_r (replication), and its
variance is that of the combination — var(a) g_a^2 + var(b) g_b^2 + 2 cov(a, b) g_a g_b, the
result of R's ``svyby(..., covmat=TRUE)`` followed by ``svycontrast`` (REFERENCE.md section 4).
Never sqrt(se_a^2 + se_b^2).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .estimate import CellEstimate

COMPARISONS = ("gap", "ratio", "relative_gap", "parity_index", "adjusted_parity_index")


def _value_and_gradient(kind: str, a: np.ndarray, b: np.ndarray):
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "gap":
            return a - b, np.ones_like(a), -np.ones_like(b)
        ratio = np.where(b != 0, a / b, np.nan)
        ga, gb = 1.0 / b, -a / (b * b)
        if kind in ("ratio", "parity_index"):
            return ratio, ga, gb
        if kind == "relative_gap":  # (b - a) / b = 1 - a / b
            return 1.0 - ratio, -ga, -gb
        if kind == "adjusted_parity_index":  # UIS: 2 - 1/PI above 1, symmetric around 1
            above = ratio > 1
            value = np.where(above, 2.0 - 1.0 / ratio, ratio)
            slope = np.where(above, 1.0 / (ratio * ratio), 1.0)
            return value, slope * ga, slope * gb
    raise ValueError(f"unknown comparison {kind!r}; expected one of {COMPARISONS}")


def compare(a: CellEstimate, b: CellEstimate, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Value and variance of a comparison between row-aligned estimates ``a`` and ``b``.

    Parameters
    ----------
    a, b : CellEstimate
        Estimates of the same cells (row i of ``a`` is compared with row i of ``b``) from the
        same design: ``a`` the migrant group, ``b`` the reference group.
    kind : {"gap", "ratio", "relative_gap", "parity_index", "adjusted_parity_index"}
        ``gap`` a - b; ``ratio`` and ``parity_index`` a / b; ``relative_gap`` (b - a) / b;
        ``adjusted_parity_index`` a / b, or 2 - b / a when a / b > 1 (UIS, SDG 4.5.1).

    Returns
    -------
    value, variance : numpy.ndarray
    """
    value, ga, gb = _value_and_gradient(kind, a.value, b.value)
    ga = np.nan_to_num(ga, nan=0.0, posinf=0.0, neginf=0.0)
    gb = np.nan_to_num(gb, nan=0.0, posinf=0.0, neginf=0.0)
    if a.replicates is None and a.scores is None:  # a design without variance information
        return value, np.full(len(value), np.nan)
    if a.replicates is not None:
        combo = ga[:, None] * a.replicates + gb[:, None] * b.replicates
        variance = a.replicate_design.variance(combo, ga * a.value + gb * b.value)
    else:
        scores = sp.csr_matrix(sp.diags(ga) @ a.scores + sp.diags(gb) @ b.scores)
        present = None if a.present is None else a.present + b.present
        variance = a.taylor.variance(scores, present)
    variance = np.where(np.isfinite(value), variance, np.nan)
    return value, variance
