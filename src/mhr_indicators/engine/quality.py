"""Reliability flags and suppression of published estimates, by explicit, documented rules.

Every row of a results table gets a ``flag`` and a ``suppressed`` marker. A suppressed value is
withheld (``value``, ``se``, interval and ``cv`` become missing) but its row, counts and flag stay:
rows are never dropped.

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
``"D"``
    A figure of a published source that disagrees with its own derivation (SDMX ``OBS_STATUS``
    D, "definition differs"): e.g. a UN DESA stock share whose published value differs from
    stock / population in the same workbook. Set by the source reader; a figure combining such
    a row with others is withheld.

Presets
-------
``default``
    Withhold below 20 unweighted cases or above a CV of 33.3%; flag ``U`` below 50 cases or above
    a CV of 16.5% (CV bands in the style of Statistics Canada; small-cell counts in the style of
    EU-SILC and DHS/MICS; survey-specific thresholds should replace them where published).
``nchs_proportions``
    NCHS Data Presentation Standards for Proportions (Parker JD, Talih M, Malec DJ, et al.,
    Vital Health Stat 2(175), 2017), with the Korn-Graubard interval (Korn EL, Graubard BI,
    Survey Methodology 24(2):193-201, 1998), for proportions. The rule reads the share p and
    its standard error on the fraction scale: the SE of a row is divided by its unit's
    multiplier first (100 for percent), so the rule gives the same answer in every unit:

    1. withhold if the effective sample size n_eff = p(1 - p) / SE^2 is below 30. n_eff is
       capped at the cell's sample size n, and is n where p is 0 or 1; it is *not* adjusted
       for degrees of freedom (that adjustment belongs to the interval);
    2. otherwise present if the 95% Korn-Graubard interval is at most 0.05 wide; else withhold
       if it is 0.30 wide or wider, or wider than 130% of p (this relative width is undefined,
       so not applied, where p is 0);
    3. flag ``R`` (statistical review) if df < 8 or p is 0 or 1: a cell with no (or only)
       cases is reviewed, not withheld, as in NCHS's own implementations;
    4. flag ``U`` (NCHS footnote on the complement) if the width exceeds 0.05 and 130% of
       1 - p.

    The Korn-Graubard interval is the NCHS one: the effective sample size times the
    degrees-of-freedom factor (t(n - 1) / t(df))^2, *then* capped at n (n itself, unadjusted,
    where p is 0 or 1; 0, an interval of (0, 1), where df is 0), in Clopper-Pearson limits
    (see :func:`nchs_interval`). It is the interval this preset shows
    (:func:`shown_interval`), at the requested level; the rule always judges the 95% one, as
    the standard is written. p within 1e-12 of 0 or 1 counts as 0 or 1, as in NCHS's SAS
    macro. Rows without a standard error (a design with ``variance="none"``) are withheld
    when n < 30 (then n_eff < 30 whatever the design effect), flagged ``R`` where p is 0 or 1
    (n_eff = n needs no standard error) and otherwise ``N``.
    Other estimates follow the NCHS rule for counts and rates: withhold below 10 cases or when
    the interval is wider than 160% of the estimate.
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

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import special, stats

from ..errors import ConfigurationError
from ..survey import proportion_effective_n
from ..vocab import UNIT_MULTIPLIER

#: The level of the interval the NCHS proportion rule judges (the standard is written for it).
NCHS_LEVEL = 0.95
#: p within this distance of 0 or 1 counts as 0 or 1 (as SAS ``fuzz`` in NCHS's macro).
_FUZZ = 1e-12


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
        """Interval method for proportions: Korn-Graubard under NCHS rules, logit otherwise.

        ``"beta"`` is R's ``svyciprop(method="beta")``; under NCHS rules :func:`shown_interval`
        replaces it by the NCHS variant (:func:`nchs_interval`), the one the rule judges.
        """
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


def unit_multiplier(units) -> np.ndarray:
    """The multiplier from the statistic's scale to each row's unit (percent: 100)."""
    return np.array([UNIT_MULTIPLIER.get(u, 1.0) for u in units], dtype=float)


def nchs_interval(
    p: np.ndarray, se: np.ndarray, df: np.ndarray, n: np.ndarray, level: float = NCHS_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Korn-Graubard interval of proportions as the NCHS standards compute it.

    Parameters
    ----------
    p, se : numpy.ndarray
        The share and its standard error, on the fraction scale (0 to 1).
    df : numpy.ndarray
        Design degrees of freedom of each cell.
    n : numpy.ndarray
        Unweighted sample size of each cell.
    level : float
        Confidence level.

    Returns
    -------
    lower, upper : numpy.ndarray
        Clopper-Pearson limits ``qbeta(a/2, x, m - x + 1)`` and ``qbeta(1 - a/2, x + 1, m - x)``
        with x = m p and m the effective sample size p(1 - p)/se^2 times
        (t(n - 1) / t(df))^2, then capped at n (Parker et al. 2017). Where p is 0 or 1,
        m = n without adjustment (a one-sided interval); where df is 0, m = 0 and the
        interval is (0, 1). Unlike R's ``svyciprop(method="beta")`` the effective size is
        capped. Missing where se is missing.
    """
    p, se, df, n = (np.asarray(a, dtype=float) for a in (p, se, df, n))
    p = _fuzz(p)
    alpha = 1 - level
    edge = (p == 0) | (p == 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(se > 0, p * (1 - p) / (se * se), np.inf)
        # Student t quantiles: scipy.special.stdtrit is what scipy.stats.t.ppf computes
        t_n = special.stdtrit(np.where(n > 1, n - 1, 1), 1 - alpha / 2)
        t_df = special.stdtrit(np.where(df > 0, df, 1), 1 - alpha / 2)
        factor = np.where(df > 0, (t_n / t_df) ** 2, 0.0)
        m = np.where(edge, n, np.minimum(n, np.where(factor > 0, n_eff * factor, 0.0)))
        x = m * p
        has_lo = (p > 0) & (m > 0)  # else the lower limit is 0
        has_hi = (p < 1) & (m > 0)  # else the upper limit is 1
        lo = np.zeros_like(p)
        hi = np.ones_like(p)
        lo[has_lo] = stats.beta.ppf(alpha / 2, x[has_lo], m[has_lo] - x[has_lo] + 1)
        hi[has_hi] = stats.beta.ppf(1 - alpha / 2, x[has_hi] + 1, m[has_hi] - x[has_hi])
    bad = np.isnan(p) | np.isnan(n) | ~edge & (np.isnan(se) | np.isnan(df))
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def _fuzz(p: np.ndarray) -> np.ndarray:
    """p within 1e-12 of 0 or 1 made exactly 0 or 1 (as SAS ``fuzz`` in NCHS's macro)."""
    return np.where(np.abs(p) < _FUZZ, 0.0, np.where(np.abs(1 - p) < _FUZZ, 1.0, p))


def _nchs_proportion(
    p: np.ndarray, se: np.ndarray, df: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Withhold, review and footnote masks of the NCHS standard for proportions (fraction
    scale; see the module docstring)."""
    p = _fuzz(np.asarray(p, dtype=float))
    lo, hi = nchs_interval(p, se, df, n, NCHS_LEVEL)
    width = hi - lo
    n_eff = proportion_effective_n(p, se, n)  # capped at n; n where p is 0 or 1; no df factor
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(p > 0, width / p, np.nan)  # undefined at p = 0: not applied
        complement = np.where(p < 1, width / (1 - p), np.nan)
        suppress = (n_eff < 30) | ((width > 0.05) & ((width >= 0.30) | (relative > 1.30)))
        review = (df < 8) | (p == 0) | (p == 1)
        caution = (width > 0.05) & (complement > 1.30)
    return suppress, review, caution


def _column(rows, name: str, dtype) -> np.ndarray:
    """A column of ``rows`` (a frame or a mapping of arrays) as an array of ``dtype``."""
    return np.asarray(rows[name], dtype=dtype)


def shown_interval(
    rows: Mapping[str, np.ndarray] | pd.DataFrame, rules: QualityRules, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """The interval to publish for each row, in the row's unit.

    Under NCHS rules a proportion row shows the Korn-Graubard interval of :func:`nchs_interval`
    at ``level`` (the one the rule judges, at 95%); every other row keeps its ``ci_lower`` and
    ``ci_upper``.

    Parameters
    ----------
    rows : mapping of str to numpy.ndarray, or pandas.DataFrame
        As for :func:`assess` (``unit``, ``p``, ``se``, ``df``, ``n_unweighted``,
        ``is_proportion``, ``ci_lower``, ``ci_upper``).
    rules : QualityRules
    level : float
        The confidence level of the results.

    Returns
    -------
    lower, upper : numpy.ndarray
    """
    lower = _column(rows, "ci_lower", float).copy()
    upper = _column(rows, "ci_upper", float).copy()
    if not rules.nchs or not len(lower):
        return lower, upper
    prop = _column(rows, "is_proportion", bool)
    mult = unit_multiplier(rows["unit"])
    lo, hi = nchs_interval(
        _column(rows, "p", float),
        _column(rows, "se", float) / mult,
        _column(rows, "df", float),
        _column(rows, "n_unweighted", float),
        level,
    )
    return np.where(prop, lo * mult, lower), np.where(prop, hi * mult, upper)


def assess(
    rows: Mapping[str, np.ndarray] | pd.DataFrame, rules: QualityRules
) -> tuple[np.ndarray, np.ndarray]:
    """Flags and suppression for estimate rows.

    Parameters
    ----------
    rows : mapping of str to numpy.ndarray, or pandas.DataFrame
        Columns (arrays of one length) ``value``, ``se``, ``cv``, ``ci_lower``, ``ci_upper``
        (in the row's ``unit``), ``unit``, ``n_unweighted``, ``n_weighted``, the
        statistic-scale ``p`` (the share, for proportions), ``df`` and ``is_proportion``. The
        NCHS proportion rule works on the fraction scale: ``se`` is divided by the unit's
        multiplier (:data:`mhr_indicators.vocab.UNIT_MULTIPLIER`; 1 for other units).
    rules : QualityRules

    Returns
    -------
    flag : numpy.ndarray of str
    suppressed : numpy.ndarray of bool
    """
    n = _column(rows, "n_unweighted", float)
    nw = _column(rows, "n_weighted", float)
    cv = _column(rows, "cv", float)
    suppress = np.zeros(len(n), dtype=bool)
    caution = np.zeros(len(n), dtype=bool)
    review = np.zeros(len(n), dtype=bool)
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
            prop = _column(rows, "is_proportion", bool)
            if prop.any():
                # one scale: the share p and its standard error as a fraction (percent / 100)
                p = _column(rows, "p", float)
                se = _column(rows, "se", float) / unit_multiplier(rows["unit"])
                s, r, c = _nchs_proportion(p, se, _column(rows, "df", float), n)
                suppress |= prop & s
                review |= prop & r
                caution |= prop & c
            # the interval and the value in the same unit, so the relative width is unit-free
            width = _column(rows, "ci_upper", float) - _column(rows, "ci_lower", float)
            rel = np.abs(width / _column(rows, "value", float))
            suppress |= ~prop & ((n < 10) | (rel > 1.6))
    no_se = (
        ~_column(rows, "has_variance", bool)
        if "has_variance" in rows
        else np.zeros(len(n), dtype=bool)
    )
    flag = np.where(
        suppress, "X", np.where(review, "R", np.where(caution, "U", np.where(no_se, "N", "")))
    )
    return flag.astype(object), suppress


_SEVERITY = ("", "N", "U", "R", "D", "X")  # flags, least to most severe
_RANK = {flag: rank for rank, flag in enumerate(_SEVERITY)}


def combine(flag_a: np.ndarray, flag_b: np.ndarray, sup_a: np.ndarray, sup_b: np.ndarray):
    """Flag and suppression of a comparison from those of its two groups: the more severe
    flag of the two, suppressed if either is."""
    suppressed = sup_a | sup_b
    worst = np.maximum(
        np.fromiter((_RANK[f] for f in flag_a), dtype=np.int64, count=len(flag_a)),
        np.fromiter((_RANK[f] for f in flag_b), dtype=np.int64, count=len(flag_b)),
    )
    return np.array(_SEVERITY, dtype=object)[worst], suppressed
