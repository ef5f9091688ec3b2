"""Reliability flags and suppression of published estimates, by explicit, documented rules.

Every row of a results table gets a ``flag`` and a ``suppressed`` marker. A suppressed value is
withheld (``value``, ``se``, interval and ``cv`` become missing) but its row, counts and flag stay:
rows are never dropped (REFERENCE.md section 5).

Flags
-----
``""``
    No reliability concern under the rules applied.
``"U"``
    Low reliability: publish with a warning (SDMX ``OBS_STATUS`` U; Eurostat ``u``).
``"R"``
    Flagged for statistical review (NCHS: fewer than 8 degrees of freedom, or p of 0 or 1).
``"X"``
    Withheld as too unreliable (``suppressed`` is true).
``"N"``
    A sample estimate without a standard error: the data carried no design information
    (``SurveyDesign(..., variance="none")``), so its reliability cannot be assessed beyond the
    case counts. Not used for counts from complete sources (stock, administrative, ratification).

Presets
-------
``default``
    Withhold below 20 unweighted cases or above a CV of 33.3%; flag ``U`` below 50 cases or above
    a CV of 16.5% (CV bands in the style of Statistics Canada; small-cell counts in the style of
    EU-SILC and DHS/MICS; survey-specific thresholds should replace them where published).
``nchs_proportions``
    NCHS Data Presentation Standards for Proportions (Parker et al. 2017) for proportions:
    withhold if the effective sample size is below 30; present if the Korn-Graubard interval is
    at most 0.05 wide; otherwise withhold if it is 0.30 or wider or wider than 130% of p; flag
    ``R`` if df < 8 or p is 0 or 1; flag ``U`` if the width exceeds 130% of 1 - p. Other
    estimates follow the NCHS rule for counts and rates: withhold below 10 cases or when the
    interval is wider than 160% of the estimate.
``eurostat_lfs``
    Eurostat LFS reliability limits, given per country in weighted persons: withhold below
    ``limit_a``, flag ``U`` below ``limit_b`` (``{"preset": "eurostat_lfs", "limit_a": ...,
    "limit_b": ...}``); applied to the weighted population of the cell (verify the base
    Eurostat prescribes for your country and series).
``none``
    No rule.

Comparison rows (gaps, ratios) are withheld when either group is, and flagged when either is.
Rows of the share whose migrant status is not stated (``not_stated_share``) are data-quality
metadata: the rules flag them (``U`` where they would withhold) but never withhold them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..errors import ConfigurationError
from ..survey import confidence_interval, proportion_effective_n


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of a reliability policy (see the module docstring for the presets)."""

    name: str = "custom"
    suppress_n_below: float | None = None
    flag_n_below: float | None = None
    suppress_cv_above: float | None = None
    flag_cv_above: float | None = None
    suppress_weighted_below: float | None = None
    flag_weighted_below: float | None = None
    nchs: bool = False

    def __repr__(self) -> str:
        set_ = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if f.name != "name" and getattr(self, f.name) not in (None, False)
        ]
        return f"QualityRules({self.name!r}{', ' if set_ else ''}{', '.join(set_)})"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<code>{escape(repr(self))}</code>"

    @property
    def proportion_ci(self) -> str:
        """Interval shown for proportions: Korn-Graubard under NCHS rules, logit otherwise."""
        return "beta" if self.nchs else "logit"


PRESETS = {
    "default": QualityRules(
        "default",
        suppress_n_below=20,
        flag_n_below=50,
        suppress_cv_above=0.333,
        flag_cv_above=0.165,
    ),
    "nchs_proportions": QualityRules("nchs_proportions", nchs=True),
    "none": QualityRules("none"),
}


def resolve_rules(quality: str | dict | QualityRules | None) -> QualityRules:
    """Turn a preset name, a dict of thresholds or a :class:`QualityRules` into rules."""
    if quality is None:
        return PRESETS["none"]
    if isinstance(quality, QualityRules):
        return quality
    if isinstance(quality, str):
        if quality == "eurostat_lfs":
            raise ConfigurationError(
                "quality 'eurostat_lfs' needs the country's reliability limits: "
                "{'preset': 'eurostat_lfs', 'limit_a': ..., 'limit_b': ...} "
                "(weighted persons, published by Eurostat per country)"
            )
        if quality not in PRESETS:
            raise ConfigurationError(
                f"unknown quality preset {quality!r}; expected one of "
                f"{sorted([*PRESETS, 'eurostat_lfs'])} or a dict of thresholds"
            )
        return PRESETS[quality]
    if isinstance(quality, dict):
        q = dict(quality)
        preset = q.pop("preset", None)
        if preset == "eurostat_lfs":
            try:
                a, b = float(q.pop("limit_a")), float(q.pop("limit_b"))
            except KeyError as exc:
                raise ConfigurationError(f"quality 'eurostat_lfs' needs {exc.args[0]}") from None
            base = QualityRules("eurostat_lfs", suppress_weighted_below=a, flag_weighted_below=b)
        else:
            base = resolve_rules(preset) if preset else QualityRules("custom")
        allowed = {f.name for f in fields(QualityRules)} - {"name"}
        unknown = set(q) - allowed
        if unknown:
            raise ConfigurationError(
                f"unknown quality settings {sorted(unknown)}; allowed: {sorted(allowed)}"
            )
        return QualityRules(**{**base.__dict__, **q})
    raise ConfigurationError(
        f"quality must be a preset name, a dict or QualityRules, not {quality!r}"
    )


def _nchs_proportion(p, se, df, n, level=0.95):
    lo, hi = confidence_interval("beta", p, se, df, n, level)
    width = hi - lo
    n_eff = proportion_effective_n(p, se, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        suppress = (n_eff < 30) | ((width > 0.05) & ((width >= 0.30) | (width / p > 1.30)))
        review = (df < 8) | (p == 0) | (p == 1)
        caution = (width > 0.05) & (width / (1 - p) > 1.30)
    return suppress, review, caution


def assess(rows: pd.DataFrame, rules: QualityRules) -> tuple[np.ndarray, np.ndarray]:
    """Flags and suppression for estimate rows.

    Parameters
    ----------
    rows : pandas.DataFrame
        Columns ``value``, ``se``, ``cv``, ``ci_lower``, ``ci_upper`` (in the indicator's unit),
        ``n_unweighted``, ``n_weighted``, the statistic-scale ``p`` (the share, for
        proportions), ``df`` and ``is_proportion``.
    rules : QualityRules

    Returns
    -------
    flag : numpy.ndarray of str
    suppressed : numpy.ndarray of bool
    """
    n = rows["n_unweighted"].to_numpy(float)
    nw = rows["n_weighted"].to_numpy(float)
    cv = rows["cv"].to_numpy(float)
    suppress = np.zeros(len(rows), dtype=bool)
    caution = np.zeros(len(rows), dtype=bool)
    review = np.zeros(len(rows), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for limit, target, values, below in (
            (rules.suppress_n_below, suppress, n, True),
            (rules.flag_n_below, caution, n, True),
            (rules.suppress_cv_above, suppress, cv, False),
            (rules.flag_cv_above, caution, cv, False),
            (rules.suppress_weighted_below, suppress, nw, True),
            (rules.flag_weighted_below, caution, nw, True),
        ):
            if limit is not None:
                target |= (values < limit) if below else (values > limit)
        if rules.nchs:
            prop = rows["is_proportion"].to_numpy(bool)
            p = rows["p"].to_numpy(float)
            s, r, c = _nchs_proportion(p, rows["se"].to_numpy(float), rows["df"].to_numpy(float), n)
            suppress |= prop & s
            review |= prop & r
            caution |= prop & c
            # the interval and the value in the same unit, so the relative width is unit-free
            width = (rows["ci_upper"] - rows["ci_lower"]).to_numpy(float)
            rel = np.abs(width / rows["value"].to_numpy(float))
            suppress |= ~prop & ((n < 10) | (rel > 1.6))
    no_se = (
        ~rows["has_variance"].to_numpy(bool)
        if "has_variance" in rows
        else np.zeros(len(rows), dtype=bool)
    )
    flag = np.where(
        suppress, "X", np.where(review, "R", np.where(caution, "U", np.where(no_se, "N", "")))
    )
    return flag.astype(object), suppress


def combine(flag_a: np.ndarray, flag_b: np.ndarray, sup_a: np.ndarray, sup_b: np.ndarray):
    """Flag and suppression of a comparison from those of its two groups."""
    suppressed = sup_a | sup_b
    order = {"X": 4, "R": 3, "U": 2, "N": 1, "": 0}
    worst = np.maximum(
        pd.Series(flag_a, dtype=object).map(order).to_numpy(int),
        pd.Series(flag_b, dtype=object).map(order).to_numpy(int),
    )
    back = np.array(["", "N", "U", "R", "X"], dtype=object)
    return back[worst], suppressed
