"""SurveyDesign on tiny designs whose results are worked out by hand (exact fractions).

The design: two strata; stratum h1 holds PSUs a, b; stratum h2 holds PSUs c, d, e.

    row  stratum psu  w  y  sex
    0    h1      a    2  1  F
    1    h1      a    2  3  M
    2    h1      b    4  2  F
    3    h2      c    1  5  M
    4    h2      d    3  4  F
    5    h2      d    1  0  M
    6    h2      e    2  6  F

Total: Y = 45, W = 15. PSU totals of w*y: a 8, b 8 | c 5, d 12, e 12. Stratum h1 has no spread;
h2: mean 29/3, squared deviations (14/3)^2 + (7/3)^2 + (7/3)^2 = 294/9, times n/(n-1) = 3/2 -> 49.
So var(total) = 49, se = 7; with fpc (N_h1 = 4, N_h2 = 6 PSUs; f = 1/2 in both) var = 24.5.

Mean: 45/15 = 3. Scores w(y-3)/15 by PSU: a -4/15, b -4/15 | c 2/15, d 0, e 6/15. h1: 0.
h2: mean (8/3)/15, squared deviations (4 + 64 + 100)/9 / 15^2 = 168/(9*225), times 3/2 -> 28/225.
Degrees of freedom: 5 PSUs - 2 strata = 3.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mhr_indicators import SurveyDesign


@pytest.fixture()
def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stratum": ["h1", "h1", "h1", "h2", "h2", "h2", "h2"],
            "psu": ["a", "a", "b", "c", "d", "d", "e"],
            "w": [2.0, 2, 4, 1, 3, 1, 2],
            "y": [1.0, 3, 2, 5, 4, 0, 6],
            "sex": ["F", "M", "F", "M", "F", "M", "F"],
            "npsu": [4, 4, 4, 6, 6, 6, 6],
        }
    )


def design(df, **kw):
    return SurveyDesign(df, weights="w", strata="stratum", psu="psu", **kw)


def test_total_and_mean_by_hand(tiny):
    d = design(tiny)
    tot = d.total("y").iloc[0]
    assert tot["value"] == pytest.approx(45)
    assert tot["se"] == pytest.approx(7)
    assert tot["n_weighted"] == pytest.approx(15)
    assert tot["n_unweighted"] == 7
    assert tot["df"] == 3
    z = stats.norm.ppf(0.975)
    assert tot["ci_lower"] == pytest.approx(45 - z * 7)
    assert tot["cv"] == pytest.approx(7 / 45)
    m = d.mean("y").iloc[0]
    assert m["value"] == pytest.approx(3)
    assert m["se"] == pytest.approx(math.sqrt(28 / 225))


def test_fpc_as_counts_and_as_fractions(tiny):
    assert design(tiny, fpc="npsu").total("y")["se"].iloc[0] == pytest.approx(math.sqrt(24.5))
    frac = tiny.assign(f=[0.5] * 7)
    assert design(frac, fpc="f").total("y")["se"].iloc[0] == pytest.approx(math.sqrt(24.5))


def test_domain_keeps_the_full_design(tiny):
    # domain y >= 2 drops rows 0 and 5. Domain mean = 43/12. Scores w(y - 43/12)/12 by PSU:
    # a: 2(3 - 43/12) = -7/6; b: 4(2 - 43/12) = -19/3; c: 5 - 43/12 = 17/12;
    # d: 3(4 - 43/12) = 5/4; e: 2(6 - 43/12) = 29/6  (all over 12).
    m = 43 / 12
    a, b = -7 / 6, -19 / 3
    c, dd, e = 17 / 12, 5 / 4, 29 / 6
    h1 = 2 * ((a - (a + b) / 2) ** 2 + (b - (a + b) / 2) ** 2)
    mh2 = (c + dd + e) / 3
    h2 = 1.5 * ((c - mh2) ** 2 + (dd - mh2) ** 2 + (e - mh2) ** 2)
    expected_se = math.sqrt((h1 + h2) / 144)
    got = design(tiny).mean("y", where="y >= 2").iloc[0]
    assert got["value"] == pytest.approx(m)
    assert got["se"] == pytest.approx(expected_se)
    assert got["n_unweighted"] == 5
    assert got["df"] == 3  # every PSU still has a domain member
    # a boolean Series works the same as the filter text
    same = design(tiny).mean("y", where=tiny["y"] >= 2).iloc[0]
    assert same["se"] == pytest.approx(expected_se)


def test_by_cells_count_their_own_degrees_of_freedom(tiny):
    res = design(tiny).total("y", by="sex").set_index("sex")
    # F: rows 0, 2, 4, 6 -> PSUs a, b, d, e (4 PSUs, 2 strata) -> df 2; M: rows 1, 3, 5 ->
    # PSUs a, c, d -> df 1
    assert res.loc["F", "df"] == 2
    assert res.loc["M", "df"] == 1
    assert res.loc["F", "value"] == pytest.approx(2 + 8 + 12 + 12)
    # F PSU totals: a 2, b 8 | c 0, d 12, e 12: h1 2*(3^2+3^2) = 36; h2 mean 8: 1.5*(64+16+16)=144
    assert res.loc["F", "se"] == pytest.approx(math.sqrt(36 + 144))


def test_proportion_logit_and_beta_intervals(tiny):
    df = tiny.assign(high=(tiny["y"] >= 3).astype(int))
    d = design(df)
    p = 8 / 15  # weights of rows 1, 3, 4, 6: 2 + 1 + 3 + 2
    res = d.proportion("high", ci="logit").iloc[0]
    assert res["value"] == pytest.approx(p)
    se = res["se"]
    t = stats.t.ppf(0.975, 3)
    logit = math.log(p / (1 - p))
    half = t * se / (p * (1 - p))
    assert res["ci_lower"] == pytest.approx(1 / (1 + math.exp(-(logit - half))))
    assert res["ci_upper"] == pytest.approx(1 / (1 + math.exp(-(logit + half))))
    beta = d.proportion("high", ci="beta").iloc[0]
    n_eff = p * (1 - p) / se**2 * (stats.t.ppf(0.975, 6) / t) ** 2
    assert beta["ci_lower"] == pytest.approx(stats.beta.ppf(0.025, n_eff * p, n_eff * (1 - p) + 1))
    assert beta["ci_upper"] == pytest.approx(stats.beta.ppf(0.975, n_eff * p + 1, n_eff * (1 - p)))
    assert beta["n_eff"] == pytest.approx(min(p * (1 - p) / se**2, 7))


def test_ratio_and_zero_denominator(tiny):
    df = tiny.assign(x=[1.0, 1, 1, 0, 0, 0, 0])
    res = design(df).ratio("y", "x", by="stratum").set_index("stratum")
    assert res.loc["h1", "value"] == pytest.approx((2 + 6 + 8) / 8)
    assert np.isnan(res.loc["h2", "value"])  # zero denominator: NaN, no exception
    assert np.isnan(res.loc["h2", "se"])


def test_quantile_math_rule_by_hand(tiny):
    # sorted y: 0(w1) 1(w2) 2(w4) 3(w2) 4(w3) 5(w1) 6(w2); cumulative 1 3 7 9 12 13 15 of 15.
    d = design(tiny)
    assert d.quantile("y", 0.5)["value"].iloc[0] == 3  # 7.5 first reached at cum 9
    assert d.quantile("y", 0.2)["value"].iloc[0] == 1  # 3.0 reached exactly at y = 1
    assert d.quantile("y", 0.21)["value"].iloc[0] == 2


def test_quantile_order_kept_by_the_design_follows_a_reassigned_column(tiny):
    # the design keeps y's sort order for later quantiles; assigning y anew must drop it
    d = design(tiny)
    by_sex = d.quantile("y", 0.5, by="sex")
    # F: y 1(w2) 2(w4) 4(w3) 6(w2), half of 11 first reached at cum 6 -> 2
    # M: y 0(w1) 3(w2) 5(w1), half of 4 reached exactly at cum 3 -> 3
    assert by_sex["value"].tolist() == [2, 3]
    assert d.quantile("y", 0.5)["value"].iloc[0] == 3  # the kept order, another breakdown
    reversed_y = d.assign(y=-tiny["y"].to_numpy())
    # -y: -6(w2) -5(w1) -4(w3) -3(w2) -2(w4) -1(w2) 0(w1); 7.5 first reached at cum 8 -> -3
    assert reversed_y.quantile("y", 0.5)["value"].iloc[0] == -3


def test_missing_values_leave_the_domain(tiny):
    df = tiny.assign(y=[1.0, 3, 2, 5, np.nan, 0, 6])
    res = design(df).mean("y").iloc[0]
    assert res["value"] == pytest.approx((2 + 6 + 8 + 5 + 0 + 12) / 12)
    assert res["n_unweighted"] == 6


def test_replicate_variance_by_hand():
    # three units, JK1 replicates deleting one unit each, weights rescaled by 3/2
    df = pd.DataFrame(
        {
            "w": [1.0, 1, 2],
            "y": [2.0, 4, 6],
            "r1": [0, 1.5, 3],
            "r2": [1.5, 0, 3],
            "r3": [1.5, 1.5, 0],
        }
    )
    d = SurveyDesign(df, weights="w", replicate_weights=["r1", "r2", "r3"], method="JK1")
    res = d.mean("y").iloc[0]
    theta = 18 / 4
    reps = np.array([(6 + 18) / 4.5, (3 + 18) / 4.5, (3 + 6) / 3])
    assert res["value"] == pytest.approx(theta)
    assert res["se"] == pytest.approx(math.sqrt(2 / 3 * ((reps - theta) ** 2).sum()))
    assert res["df"] == 2  # rank 3 - 1
    centred = (
        SurveyDesign(df, weights="w", replicate_weights=["r1", "r2", "r3"], method="JK1", mse=False)
        .mean("y")
        .iloc[0]
    )
    assert centred["se"] == pytest.approx(math.sqrt(2 / 3 * ((reps - reps.mean()) ** 2).sum()))


def test_estimates_report_the_memory_their_covariance_needs(tiny):
    # replicate design: 2 cells by 3 replicates (8-byte floats), plus 5 arrays of 2 figures
    df = pd.DataFrame({"w": [1.0, 1, 2], "y": [2.0, 4, 6], "g": ["a", "a", "b"]})
    reps = {f"r{k}": [1.5, 1.5, 1.5] for k in range(1, 4)}
    d = SurveyDesign(df.assign(**reps), weights="w", replicate_weights=list(reps), method="JK1")
    assert d.estimate("mean", "y", by="g").nbytes == 2 * 3 * 8 + 5 * 2 * 8
    # linearisation: the cells' score totals per PSU (sex F: a b d e; M: a c d), as a sparse
    # matrix of 7 doubles and 7 int32 positions plus 3 row offsets
    design = SurveyDesign(tiny, weights="w", strata="stratum", psu="psu")
    by_sex = design.estimate("mean", "y", by="sex")
    assert by_sex.nbytes == 7 * (8 + 4) + 3 * 4 + 5 * 2 * 8


@pytest.mark.parametrize(
    ("method", "kw", "scale"),
    [
        ("SDR", {}, 4 / 4),
        ("BRR", {}, 1 / 4),
        ("Fay", {"rho": 0.5}, 1 / (4 * 0.25)),
        ("bootstrap", {}, 1 / 3),
        ("JK1", {}, 3 / 4),
        ("JKn", {"rscales": [0.5] * 4}, 0.5),
    ],
)
def test_replicate_scales(method, kw, scale):
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"w": np.ones(6), "y": rng.normal(size=6)})
    reps = rng.uniform(0.5, 1.5, size=(6, 4))
    for r in range(4):
        df[f"r{r}"] = reps[:, r]
    d = SurveyDesign(
        df, weights="w", replicate_weights=[f"r{r}" for r in range(4)], method=method, **kw
    )
    theta = df["y"].mean()
    thetas = (reps * df["y"].to_numpy()[:, None]).sum(0) / reps.sum(0)
    expected = math.sqrt(scale * ((thetas - theta) ** 2).sum())
    assert d.mean("y")["se"].iloc[0] == pytest.approx(expected)


def test_design_is_immutable_and_independent_of_later_changes(tiny):
    d = design(tiny)
    before = d.total("y")
    with pytest.raises(AttributeError):
        d.weights = "y"
    tiny.loc[0, "y"] = 100.0
    tiny.loc[0, "w"] = 50.0
    pd.testing.assert_frame_equal(d.total("y"), before)


def test_result_columns(tiny):
    res = design(tiny).proportion("y", where="y <= 1")  # y in {0, 1} inside that domain
    assert list(res.columns) == [
        "value",
        "se",
        "ci_lower",
        "ci_upper",
        "cv",
        "n_unweighted",
        "n_weighted",
        "df",
        "n_eff",
    ]
    by = design(tiny).mean("y", by=["stratum", "sex"])
    assert list(by.columns[:2]) == ["stratum", "sex"]
    assert by[["stratum", "sex"]].values.tolist() == [
        ["h1", "F"],
        ["h1", "M"],
        ["h2", "F"],
        ["h2", "M"],
    ]
