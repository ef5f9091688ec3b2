"""Reliability presets on the unit the results carry, for every unit of the catalogue.

The NCHS standard for proportions (Parker JD, Talih M, Malec DJ, et al. National Center for
Health Statistics Data Presentation Standards for Proportions. Vital Health Stat 2(175), 2017)
is written for p and its standard error as fractions. The engine hands the rules rows in the
indicator's unit (a percent row carries value and SE times 100, and p as a fraction), so the
rule must bring the SE back to the fraction scale: issue 11 found every percent proportion
withheld because it did not. The expectations here come from an implementation of the standard
written for this test from ``scipy.stats.beta`` and ``scipy.stats.t``, row by row, without the
library's interval code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mhr_indicators as mhr
from mhr_indicators.engine.quality import PRESETS, assess, resolve_rules, shown_interval

LEVEL = 0.95


# --- the standard, written out for the test ------------------------------------------------------
def parker_interval(p: float, se: float, df: float, n: float, level: float = LEVEL):
    """Korn-Graubard interval as Parker et al. (2017) define it: the effective sample size
    p(1-p)/SE^2 times (t_{n-1}/t_df)^2, capped at n; n itself where p is 0 or 1."""
    a = 1 - level
    if p in (0.0, 1.0):
        m = n
    else:
        factor = (stats.t.ppf(1 - a / 2, n - 1) / stats.t.ppf(1 - a / 2, df)) ** 2 if df > 0 else 0
        m = min(n, p * (1 - p) / se**2 * factor) if se > 0 else n
    x = m * p
    lower = 0.0 if p == 0 or m == 0 else stats.beta.ppf(a / 2, x, m - x + 1)
    upper = 1.0 if p == 1 or m == 0 else stats.beta.ppf(1 - a / 2, x + 1, m - x)
    return lower, upper


def parker_flag(p: float, se: float, df: float, n: float) -> str:
    """X (suppress), R (statistical review), U (footnote on the complement) or ''."""
    n_eff = n if p in (0.0, 1.0) or se == 0 else min(n, p * (1 - p) / se**2)
    if n_eff < 30:
        return "X"
    lower, upper = parker_interval(p, se, df, n)
    width = upper - lower
    if width > 0.05 and (width >= 0.30 or (p > 0 and width / p > 1.30)):
        return "X"
    if df < 8 or p in (0.0, 1.0):
        return "R"
    if width > 0.05 and p < 1 and width / (1 - p) > 1.30:
        return "U"
    return ""


def rate_flag(value: float, lower: float, upper: float, n: float) -> str:
    """NCHS counts and rates: present only with 10 cases or more and a relative CI width of at
    most 160%."""
    return "X" if n < 10 or abs((upper - lower) / value) > 1.6 else ""


def default_flag(n: float, cv: float) -> str:
    if n < 20 or cv > 0.333:
        return "X"
    return "U" if n < 50 or cv > 0.165 else ""


def eurostat_flag(weighted: float, a: float, b: float) -> str:
    return "X" if weighted < a else "U" if weighted < b else ""


# --- hand-checked values -------------------------------------------------------------------------
def test_reference_implementation_by_hand():
    # x = 0: the Clopper-Pearson upper limit is 1 - (alpha/2)^(1/n) in closed form
    assert parker_interval(0.0, 0.0, 5, 50)[1] == pytest.approx(1 - 0.025 ** (1 / 50))
    # the issue's row: native-born, p = 0.924, SE 0.0038, df 134, n 5,561 -> width ~0.015
    lower, upper = parker_interval(0.924, 0.0038, 134, 5561)
    assert upper - lower == pytest.approx(0.0152, abs=5e-4)
    assert parker_flag(0.924, 0.0038, 134, 5561) == ""


def test_the_issue_row_in_percent_is_shown():
    row = pd.DataFrame(
        {
            "value": [92.4],
            "se": [0.38],
            "ci_lower": [91.6],
            "ci_upper": [93.1],
            "cv": [0.0041],
            "unit": ["percent"],
            "n_unweighted": [5561],
            "n_weighted": [2.1e6],
            "p": [0.924],
            "df": [134],
            "is_proportion": [True],
        }
    )
    flag, suppressed = assess(row, PRESETS["nchs_proportions"])
    assert flag.tolist() == [""] and not suppressed[0]


def test_nchs_without_a_standard_error():
    """variance="none": n < 30 is withheld (n_eff <= n), p of 0 or 1 is reviewed (n_eff = n
    needs no SE), anything else is flagged N."""
    rows = pd.DataFrame(
        {
            "value": [30.0, 30.0, 0.0, 100.0],
            "se": np.nan,
            "ci_lower": np.nan,
            "ci_upper": np.nan,
            "cv": np.nan,
            "unit": "percent",
            "n_unweighted": [20, 100, 100, 100],
            "n_weighted": 1e4,
            "p": [0.3, 0.3, 0.0, 1.0],
            "df": np.nan,
            "is_proportion": True,
            "has_variance": False,
        }
    )
    flag, suppressed = assess(rows, PRESETS["nchs_proportions"])
    assert flag.tolist() == ["X", "N", "R", "R"]
    assert suppressed.tolist() == [True, False, False, False]
    # the engine passes the same columns as a mapping of arrays, with the same outcome
    arrays = {c: rows[c].to_numpy() for c in rows.columns}
    flag, suppressed = assess(arrays, PRESETS["nchs_proportions"])
    assert flag.tolist() == ["X", "N", "R", "R"]
    assert suppressed.tolist() == [True, False, False, False]
    from_arrays = shown_interval(arrays, PRESETS["nchs_proportions"], 0.95)
    from_frame = shown_interval(rows, PRESETS["nchs_proportions"], 0.95)
    for a, b in zip(from_arrays, from_frame, strict=True):
        np.testing.assert_array_equal(a, b)


# --- every preset, every unit of the catalogue ---------------------------------------------------
def catalogue_units() -> dict[str, float]:
    """Each unit the catalogue uses, with the multiplier its indicators apply."""
    return {ind.unit: ind.multiplier for ind in mhr.load_catalogue()}


UNITS = catalogue_units()
PRESET_RULES = {
    "default": "default",
    "nchs_proportions": "nchs_proportions",
    "none": "none",
    "eurostat_lfs": {"preset": "eurostat_lfs", "limit_a": 4000, "limit_b": 9000},
}


def grid(proportion: bool, seed: int = 11) -> pd.DataFrame:
    """Rows on the statistic's scale: shares (with 0, 1 and tiny cells) or positive means."""
    rng = np.random.default_rng(seed)
    k = 400
    n = rng.choice([5, 12, 25, 40, 80, 300, 2000, 20000], k).astype(float)
    df = rng.choice([1, 4, 7, 8, 20, 134, 900], k).astype(float)
    if proportion:
        p = np.round(rng.choice([0.0, 1.0, 0.003, 0.02, 0.1, 0.5, 0.9, 0.97, 0.999], k), 6)
        deff = rng.choice([0.5, 1.0, 1.5, 3.0, 8.0], k)
        se = np.sqrt(p * (1 - p) / n * deff)
    else:
        p = rng.uniform(0.5, 50, k)
        se = p * rng.choice([0.01, 0.1, 0.3, 0.6, 1.2], k)
    return pd.DataFrame(
        {"p": p, "se": se, "df": df, "n": n, "weighted": n * rng.uniform(20, 200, k)}
    )


def rows_in_unit(g: pd.DataFrame, multiplier: float, unit: str, proportion: bool):
    """The rows as the engine hands them to the rules: value, SE and interval in the unit."""
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    lower, upper = g["p"] - z * g["se"], g["p"] + z * g["se"]
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = g["se"] / g["p"]
    return pd.DataFrame(
        {
            "value": g["p"] * multiplier,
            "se": g["se"] * multiplier,
            "ci_lower": lower * multiplier,
            "ci_upper": upper * multiplier,
            "cv": cv,
            "unit": unit,
            "n_unweighted": g["n"],
            "n_weighted": g["weighted"],
            "p": g["p"],
            "df": g["df"],
            "is_proportion": proportion,
        }
    )


def expected_flags(g: pd.DataFrame, preset: str, proportion: bool) -> list[str]:
    out = []
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    for r in g.itertuples():
        if preset == "none":
            out.append("")
        elif preset == "default":
            out.append(default_flag(r.n, r.se / r.p if r.p else np.nan))
        elif preset == "eurostat_lfs":
            out.append(eurostat_flag(r.weighted, 4000, 9000))
        elif proportion:
            out.append(parker_flag(r.p, r.se, r.df, r.n))
        else:
            out.append(rate_flag(r.p, r.p - z * r.se, r.p + z * r.se, r.n))
    return out


@pytest.mark.parametrize("proportion", [True, False], ids=["proportion", "other"])
@pytest.mark.parametrize("preset", list(PRESET_RULES))
@pytest.mark.parametrize("unit", sorted(UNITS))
def test_every_preset_on_every_unit(unit: str, preset: str, proportion: bool):
    g = grid(proportion)
    rows = rows_in_unit(g, UNITS[unit], unit, proportion)
    flag, suppressed = assess(rows, resolve_rules(PRESET_RULES[preset]))
    expected = expected_flags(g, preset, proportion)
    mismatch = [
        (i, g.iloc[i].to_dict(), flag[i], expected[i])
        for i in range(len(g))
        if flag[i] != expected[i]
    ]
    assert not mismatch, mismatch[:5]
    assert (suppressed == (np.array(expected) == "X")).all()


def test_the_nchs_rule_reaches_every_branch():
    """The grid is not vacuous: it yields every NCHS outcome for proportions."""
    g = grid(True)
    assert set(expected_flags(g, "nchs_proportions", True)) == {"", "X", "R", "U"}


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_nchs_shows_the_interval_it_judges(unit: str):
    """Under the NCHS preset a proportion shows Parker's Korn-Graubard interval, in its unit, at
    the results' level; other rows keep their interval."""
    g = grid(True)
    mult = UNITS[unit]
    rows = rows_in_unit(g, mult, unit, True)
    for level in (0.95, 0.90):
        lower, upper = shown_interval(rows, PRESETS["nchs_proportions"], level)
        want = np.array([parker_interval(r.p, r.se, r.df, r.n, level) for r in g.itertuples()])
        np.testing.assert_allclose(lower, want[:, 0] * mult, rtol=1e-9, atol=1e-12 * mult)
        np.testing.assert_allclose(upper, want[:, 1] * mult, rtol=1e-9, atol=1e-12 * mult)
    for other in ("default", "none"):
        lower, upper = shown_interval(rows, PRESETS[other], 0.95)
        np.testing.assert_array_equal(lower, rows["ci_lower"].to_numpy())
        np.testing.assert_array_equal(upper, rows["ci_upper"].to_numpy())


# --- end to end: compute's table, in the units it publishes ---------------------------------------
STRATA, PSUS = 3, 4  # every PSU holds every cell, so each cell has df = 12 - 3 = 9


def synthetic_survey(seed: int, rare: bool) -> pd.DataFrame:
    """Canonical microdata in which every (sex, birthplace) cell spans all PSUs."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(STRATA):
        for j in range(PSUS):
            for sex in "FM":
                for born in (0, 1):
                    for _ in range(int(rng.integers(2, 7))):
                        rows.append((f"s{h}", f"s{h}-p{j}", sex, born))
    df = pd.DataFrame(rows, columns=["stratum", "psu", "sex", "born_abroad"])
    k = len(df)
    df["ref_area"] = "XSY"
    df["time_period"] = 2024
    df["age"] = rng.integers(16, 80, k)
    df["weight"] = rng.uniform(1, 9, k).round(2)
    df["health_insurance"] = (rng.random(k) < (0.04 if rare else 0.8)).astype(int)
    df["labour_status"] = "employed"
    df["earnings"] = rng.gamma(4, 400, k).round(1)
    df["recruitment_cost_ratio"] = rng.uniform(0, 3, k)
    return df


INDICATORS = ["HEALTH.P.INSURANCE", "WORK.O.EARN_MONTH", "WORK.P.RECRUITMENT_COST"]
GROUPS = ["foreign_born", "native_born", "not_stated_share"]
KEYS = ["indicator_id", "population", "sex"]


@pytest.mark.parametrize("preset", list(PRESET_RULES))
@pytest.mark.parametrize("seed,rare", [(1, False), (2, True), (3, False)])
def test_compute_flags_match_the_rules_in_the_published_unit(preset, seed, rare):
    data = synthetic_survey(seed, rare)
    design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu")
    plain = mhr.compute(INDICATORS, survey=design, by=["sex"], quality="none").table
    ruled = mhr.compute(INDICATORS, survey=design, by=["sex"], quality=PRESET_RULES[preset]).table
    plain = plain[plain["population"].isin(GROUPS)].set_index(KEYS)
    ruled = ruled[ruled["population"].isin(GROUPS)].set_index(KEYS).loc[plain.index]
    cat = mhr.load_catalogue()
    df = STRATA * PSUS - STRATA
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    for key, row in plain.iterrows():
        ind = cat[key[0]]
        proportion = key[1] == "not_stated_share" or ind.statistic == "proportion"
        mult = 100.0 if proportion else UNITS[ind.unit]
        assert row["unit"] in UNITS or row["unit"] == "percent"
        p, se, n = row["value"] / mult, row["se"] / mult, row["n_unweighted"]
        if preset == "none":
            want = ""
        elif preset == "default":
            want = default_flag(n, row["cv"])
        elif preset == "eurostat_lfs":
            want = eurostat_flag(row["n_weighted"], 4000, 9000)
        elif proportion:
            want = parker_flag(round(p, 12), se, df, n)
        else:
            want = rate_flag(p, p - z * se, p + z * se, n)
        if key[1] == "not_stated_share":  # data-quality rows are flagged, never withheld
            want = "U" if want == "X" else want
        got = ruled.loc[key]
        assert got["flag"] == want, (key, p, se, n, got["flag"], want)
        assert bool(got["suppressed"]) == (want == "X")


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_compute_shows_the_nchs_interval(level):
    data = synthetic_survey(1, False)
    design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu")
    t = mhr.compute(
        ["HEALTH.P.INSURANCE"],
        survey=design,
        by=["sex"],
        quality="nchs_proportions",
        level=level,
    ).table
    t = t[t["population"].isin(GROUPS) & ~t["suppressed"]]
    assert len(t)
    df = STRATA * PSUS - STRATA
    for row in t.itertuples():
        lower, upper = parker_interval(
            round(row.value / 100, 12), row.se / 100, df, row.n_unweighted, level
        )
        assert row.ci_lower == pytest.approx(100 * lower, rel=1e-9, abs=1e-10)
        assert row.ci_upper == pytest.approx(100 * upper, rel=1e-9, abs=1e-10)
