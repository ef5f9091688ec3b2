"""Confidence intervals, as R ``survey`` computes them.

- ``wald``: estimate +/- z * se with the normal quantile (R's ``confint`` on ``svymean`` etc.).
- ``t``: estimate +/- t(df) * se (``svyciprop(method="mean")``).
- ``logit``: expit(logit(p) +/- t(df) * se_logit) (``svyciprop(method="logit")``: the intercept
  of a quasibinomial ``svyglm``). Under linearisation se_logit = se / (p (1 - p)) exactly; under
  replication it is the replicate standard error of logit(p_r), as R refits on each replicate.
  Where a replicate proportion is 0 or 1, logit(p_r) is infinite and the interval is (0, 1);
  R reports whatever finite coefficient its glm iteration stopped at.
- ``beta``: Korn-Graubard, ``svyciprop(method="beta")``: effective sample size
  n* = p (1 - p) / var, times (t(n - 1) / t(df))^2 with n the domain's unweighted size, then
  Clopper-Pearson limits qbeta(a/2, n* p, n* (1 - p) + 1), qbeta(1 - a/2, n* p + 1, n* (1 - p)).
  Where p is 0 or 1 (variance 0) R gives NaN; here n* = n, as the NCHS standards prescribe
  (Parker et al. 2017), so that empty and full cells still get a one-sided interval.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from ..vocab import CI_METHODS

__all__ = ["CI_METHODS", "confidence_interval", "proportion_effective_n", "t_quantile"]


def _tq(level: float, df: np.ndarray) -> np.ndarray:
    # scipy.special.stdtrit is what scipy.stats.t.ppf computes, without the per-call checking
    # of scipy.stats' distributions (which costs more than the quantiles of a few hundred cells)
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(np.where(df > 0, df, 1), 0.5 + level / 2), np.nan)


def confidence_interval(
    method: str,
    value: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    n: np.ndarray,
    level: float,
    logit_se: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits for each estimate (arrays aligned with ``value``).

    ``logit_se`` is the standard error of logit(p) where the design measures it directly
    (replicate designs, where R refits the logit model on every replicate); otherwise the delta
    method gives se / (p (1 - p)).
    """
    value = np.asarray(value, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "wald":
            z = special.ndtri(0.5 + level / 2)  # the normal quantile (scipy.stats.norm.ppf)
            return value - z * se, value + z * se
        if method == "t":
            t = _tq(level, df)
            return value - t * se, value + t * se
        if method == "logit":
            t = _tq(level, df)
            interior = (value > 0) & (value < 1)
            half = t * (se / (value * (1 - value)) if logit_se is None else logit_se)
            logit = special.logit(np.where(interior, value, 0.5))
            lo = np.where(interior, special.expit(logit - half), np.nan)
            hi = np.where(interior, special.expit(logit + half), np.nan)
            return lo, hi
        if method == "beta":
            alpha = 1 - level
            n = np.asarray(n, dtype=float)
            var = se * se
            n_eff = np.where(var > 0, value * (1 - value) / var, n)
            ratio = _tq(level, n - 1) / _tq(level, df)
            n_eff = n_eff * ratio * ratio
            lo = np.where(
                value > 0, stats.beta.ppf(alpha / 2, n_eff * value, n_eff * (1 - value) + 1), 0.0
            )
            hi = np.where(
                value < 1,
                stats.beta.ppf(1 - alpha / 2, n_eff * value + 1, n_eff * (1 - value)),
                1.0,
            )
            bad = ~np.isfinite(n_eff) | ~np.isfinite(value)
            return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
    raise ValueError(f"unknown interval method {method!r}")


def t_quantile(level: float, df: np.ndarray) -> np.ndarray:
    """Two-sided Student t quantile for ``level`` (NaN where df <= 0)."""
    return _tq(level, df)


def proportion_effective_n(value: np.ndarray, se: np.ndarray, n: np.ndarray) -> np.ndarray:
    """NCHS effective sample size p(1-p)/se^2, capped at n; n where p is 0 or 1."""
    value = np.asarray(value, dtype=float)
    var = np.asarray(se, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where((value > 0) & (value < 1) & (var > 0), value * (1 - value) / var, n)
    return np.minimum(n_eff, n)
