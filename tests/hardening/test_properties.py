"""Properties of compute's results on random valid designs (hypothesis).

Whatever the design (strata, PSUs, weights, nested or unique PSU labels, replicate weights, no
design information), the published table:

- does not depend on the order of the input rows;
- keeps proportions within [0, 100] percent, intervals included;
- has intervals that contain their estimate;
- has gap = migrant - reference in every cell, to rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mhr_indicators as mhr

INDICATORS = ["HEALTH.P.INSURANCE", "WORK.O.EARN_MONTH"]
KEYS = ["indicator_id", "population", "sex"]
NUMBERS = ["value", "se", "ci_lower", "ci_upper", "cv", "n_unweighted", "n_weighted"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def surveys(draw) -> tuple[pd.DataFrame, dict]:
    """Canonical microdata and the arguments of its design."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_strata = draw(st.integers(1, 4))
    nested = draw(st.booleans())  # PSU labels numbered afresh in each stratum (nest=True)
    rows = []
    for h in range(n_strata):
        for j in range(draw(st.integers(2, 5))):
            label = f"p{j}" if nested else f"s{h}p{j}"
            rows += [(f"s{h}", label)] * int(rng.integers(1, 9))
    df = pd.DataFrame(rows, columns=["stratum", "psu"])
    n = len(df)
    df["ref_area"] = "XSY"
    df["time_period"] = 2024
    df["sex"] = rng.choice(["F", "M"], n)
    df["age"] = rng.integers(0, 95, n)
    born = rng.random(n) < draw(st.sampled_from([0.1, 0.3, 0.6]))
    df["born_abroad"] = np.where(rng.random(n) < 0.05, np.nan, born.astype(float))
    share = draw(st.sampled_from([0.0, 0.02, 0.5, 0.97, 1.0]))
    insured = (rng.random(n) < share).astype(float)
    df["health_insurance"] = np.where(rng.random(n) < 0.05, np.nan, insured)
    df["labour_status"] = rng.choice(["employed", "unemployed", "outside_labour_force"], n)
    df["earnings"] = np.where(
        df["labour_status"] == "employed", rng.gamma(3, 500, n).round(2), np.nan
    )
    df["weight"] = rng.uniform(0.5, 30, n).round(3)
    kind = draw(st.sampled_from(["taylor", "replicate", "none"]))
    if kind == "taylor":
        args = {"strata": "stratum", "psu": "psu", "lonely_psu": "adjust", "nest": nested}
    elif kind == "replicate":
        psu = pd.factorize(df["stratum"] + "/" + df["psu"])[0]
        factors = rng.choice([0.0, 1.0, 2.0], size=(psu.max() + 1, 10))
        for r in range(10):
            df[f"rw{r}"] = df["weight"] * factors[psu, r]
        args = {"replicate_weights": [f"rw{r}" for r in range(10)], "method": "bootstrap"}
    else:
        args = {"variance": "none"}
    return df, args


def results(df: pd.DataFrame, args: dict, quality: str = "none") -> pd.DataFrame:
    design = mhr.SurveyDesign(df, weights="weight", **args)
    res = mhr.compute(INDICATORS, survey=design, by=["sex"], quality=quality, errors="collect")
    return res.table


@SETTINGS
@given(surveys(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(survey, rnd):
    df, args = survey
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order]
    a = results(df, args).sort_values(KEYS).reset_index(drop=True)
    b = results(shuffled, args).sort_values(KEYS).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns=NUMBERS), b.drop(columns=NUMBERS))
    for col in NUMBERS:
        np.testing.assert_allclose(
            a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, atol=1e-9, err_msg=col
        )


@SETTINGS
@given(surveys(), st.sampled_from(["none", "nchs_proportions", "default"]))
def test_proportions_stay_within_0_and_100_percent(survey, quality):
    t = results(*survey, quality=quality)
    shares = t[(t["unit"] == "percent") & t["population"].ne("relative_gap")]
    for col in ("value", "ci_lower", "ci_upper"):
        v = shares[col].dropna()
        assert ((v >= -1e-9) & (v <= 100 + 1e-9)).all(), (col, v[(v < 0) | (v > 100)])


@SETTINGS
@given(surveys(), st.sampled_from(["none", "nchs_proportions"]))
def test_intervals_contain_their_estimate(survey, quality):
    t = results(*survey, quality=quality)
    shown = t.dropna(subset=["value", "ci_lower", "ci_upper"])
    tol = 1e-9 * np.maximum(1.0, shown["value"].abs())
    assert (shown["ci_lower"] <= shown["value"] + tol).all()
    assert (shown["value"] <= shown["ci_upper"] + tol).all()


@SETTINGS
@given(surveys())
def test_gap_is_migrant_minus_reference(survey):
    t = results(*survey)
    cells = ["indicator_id", "ref_area", "time_period", "sex", "age_group", "sector"]
    cells += ["legal_status"]
    wide = t.pivot_table(index=cells, columns="population", values="value", dropna=False)
    if not {"gap", "foreign_born", "native_born"} <= set(wide.columns):
        return
    both = wide.dropna(subset=["gap", "foreign_born", "native_born"])
    np.testing.assert_allclose(
        both["gap"], both["foreign_born"] - both["native_born"], rtol=1e-12, atol=1e-10
    )
    # a gap exists exactly where both groups have a value
    has_both = wide[["foreign_born", "native_born"]].notna().all(axis=1)
    assert (wide["gap"].notna() == has_both).all()
