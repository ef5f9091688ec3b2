"""Properties every design-based estimator must have (hypothesis-generated designs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr_indicators import SurveyDesign

COLS = ["value", "se", "ci_lower", "ci_upper", "df", "n_unweighted", "n_weighted"]


@st.composite
def samples(draw, replicate: bool = False):
    """A stratified cluster sample: 2-4 strata, 2-5 PSUs each, 1-6 rows per PSU."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(draw(st.integers(2, 4))):
        for j in range(draw(st.integers(2, 5))):
            for _ in range(int(rng.integers(1, 7))):
                rows.append((f"s{h}", f"p{j}"))
    df = pd.DataFrame(rows, columns=["stratum", "psu"])
    n = len(df)
    df["w"] = rng.uniform(0.5, 20, n).round(3)
    df["y"] = rng.normal(10, 3, n).round(2)
    df["b"] = (rng.random(n) < 0.4).astype(int)
    df["g"] = rng.choice(["x", "y", "z"], n)
    df["d"] = rng.random(n) < 0.7
    if replicate:
        psu_codes = pd.factorize(df["stratum"] + df["psu"])[0]
        factors = rng.choice([0.0, 1.0, 2.0], size=(psu_codes.max() + 1, 8))
        for r in range(8):
            df[f"r{r}"] = df["w"] * factors[psu_codes, r]
    return df


def build(df, replicate=False, weights="w"):
    if replicate:
        return SurveyDesign(
            df, weights=weights, replicate_weights=[f"r{r}" for r in range(8)], method="bootstrap"
        )
    # PSUs are numbered afresh in each stratum (p0, p1, ...): nested, as R's nest=TRUE
    return SurveyDesign(df, weights=weights, strata="stratum", psu="psu", nest=True)


def assert_same(a, b, cols=COLS, rtol=1e-9):
    for c in cols:
        np.testing.assert_allclose(
            a[c].to_numpy(float), b[c].to_numpy(float), rtol=rtol, atol=1e-9, err_msg=c
        )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(samples(replicate=True), st.booleans(), st.randoms())
def test_row_order_does_not_matter(df, replicate, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order].reset_index(drop=True)
    a_design, b_design = build(df, replicate), build(shuffled, replicate)
    for method in ("mean", "total"):
        assert_same(getattr(a_design, method)("y", by="g"), getattr(b_design, method)("y", by="g"))
    assert_same(
        a_design.proportion("b", by="g", ci="beta"), b_design.proportion("b", by="g", ci="beta")
    )
    a = a_design.quantile("y", 0.5, by="g")
    b = b_design.quantile("y", 0.5, by="g")
    assert_same(a, b, cols=["value", "df", "n_unweighted"])


@SETTINGS
@given(samples(replicate=True), st.floats(0.01, 1000))
def test_scaling_weights(df, c):
    scaled = df.copy()
    for col in ["w"] + [f"r{r}" for r in range(8)]:
        scaled[col] = df[col] * c
    for replicate in (False, True):
        base, big = build(df, replicate), build(scaled, replicate)
        t0, t1 = base.total("y", by="g"), big.total("y", by="g")
        np.testing.assert_allclose(t1["value"], c * t0["value"], rtol=1e-9)
        np.testing.assert_allclose(t1["se"], c * t0["se"], rtol=1e-7)
        assert_same(
            base.mean("y", by="g"),
            big.mean("y", by="g"),
            cols=["value", "se", "ci_lower", "ci_upper", "df"],
            rtol=1e-7,
        )
        assert_same(
            base.proportion("b"),
            big.proportion("b"),
            cols=["value", "se", "ci_lower", "ci_upper", "df"],
            rtol=1e-7,
        )


@SETTINGS
@given(samples(replicate=True))
def test_domain_equals_zeroed_indicator(df):
    df = df.assign(yd=df["y"] * df["d"], one_d=df["d"].astype(float))
    for replicate in (False, True):
        d = build(df, replicate)
        dom = d.total("y", where=df["d"])
        zeroed = d.total("yd")
        assert_same(dom, zeroed, cols=["value", "se"])
        # a domain mean is the ratio of the zeroed variable to the domain indicator
        assert_same(d.mean("y", where="d == true"), d.ratio("yd", "one_d"), cols=["value", "se"])


@SETTINGS
@given(samples(replicate=True))
def test_by_equals_one_cell_at_a_time(df):
    for replicate in (False, True):
        d = build(df, replicate)
        for method, args in (
            ("mean", ["y"]),
            ("proportion", ["b"]),
            ("total", ["y"]),
            ("quantile", ["y", 0.5]),
        ):
            together = getattr(d, method)(*args, by="g").set_index("g")
            for level in together.index:
                alone = getattr(d, method)(*args, where=f"g == '{level}'")
                assert_same(together.loc[[level]].reset_index(drop=True), alone)
