"""Comparisons of two estimates: their value and gradient, for the delta method.

Two estimates of one design are correlated (same strata and PSUs, or same replicates). A
comparison f(a, b) is linearised: with gradient (g_a, g_b), its variance is
g_a^2 var(a) + g_b^2 var(b) + 2 g_a g_b cov(a, b), as R's ``svycontrast`` does after
``svyby(..., covmat=TRUE)`` — never sqrt(se_a^2 + se_b^2). :class:`~.estimates.Estimates` applies
the gradient to the scores (linearisation) or the replicates (replication).
"""

from __future__ import annotations

import numpy as np

from ..vocab import COMPARISONS, allowed


def value_and_gradient(
    kind: str, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value of the comparison ``kind`` of ``a`` with ``b``, and its gradient (d/da, d/db).

    ``gap`` a - b; ``ratio`` and ``parity_index`` a / b; ``relative_gap`` (b - a) / b;
    ``adjusted_parity_index`` a / b, or 2 - b / a when a / b > 1 (UNESCO UIS, SDG 4.5.1).
    A zero ``b`` gives NaN for the ratio forms.
    """
    allowed("kind", kind, COMPARISONS)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "gap":
            return a - b, np.ones_like(a), -np.ones_like(b)
        ratio = np.where(b != 0, a / b, np.nan)
        ga, gb = 1.0 / b, -a / (b * b)
        if kind in ("ratio", "parity_index"):
            return ratio, ga, gb
        if kind == "relative_gap":  # (b - a) / b = 1 - a / b
            return 1.0 - ratio, -ga, -gb
        # adjusted parity index: symmetric around 1
        above = ratio > 1
        value = np.where(above, 2.0 - 1.0 / ratio, ratio)
        slope = np.where(above, 1.0 / (ratio * ratio), 1.0)
        return value, slope * ga, slope * gb
