"""Cell covariances, contrasts and intersectional comparisons against R ``survey``.

R: ``svyby(~y, ~sex + born_abroad, subset(design, ...), svymean, covmat=TRUE)``, then ``vcov`` and
``svycontrast`` (``tests/fixtures/r_contrasts/make_contrasts.R``; see its README).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr

from ..conftest import FIXTURES

HERE = FIXTURES / "r_contrasts"
CELLS = pd.read_csv(HERE / "cells.csv")
VCOV = pd.read_csv(HERE / "vcov.csv")
CONTRASTS = pd.read_csv(HERE / "contrasts.csv")
DESIGNS = pd.read_csv(HERE / "designs.csv").set_index("design")["degf"]

BANDS = {"Y15T24": (15, 24), "Y25T54": (25, 54), "Y55T64": (55, 64)}
CASES = {  # case: (variable, domain, by)
    "emp": ("emp", "age between 15 and 64", ["sex", "born_abroad"]),
    "earn": ("earnings", None, ["sex", "born_abroad"]),
    "emp_age": ("emp", "age between 15 and 64", ["sex", "born_abroad", "age_band"]),
}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    df = mhr.load_example()
    status = df["labour_status"]
    df["emp"] = np.where(status.isna(), np.nan, (status == "employed").astype(float))
    band = pd.Series(pd.NA, index=df.index, dtype="string")
    for label, (lo, hi) in BANDS.items():
        band[df["age"].between(lo, hi)] = label
    df["age_band"] = band
    return df


@pytest.fixture(scope="module")
def designs(data) -> dict[str, mhr.SurveyDesign]:
    reps = [f"rw{r}" for r in range(1, 81)]
    return {
        "taylor": mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc"),
        "sdr": mhr.SurveyDesign(data, weights="weight", replicate_weights=reps, method="SDR"),
    }


def _r_label(row: pd.Series, by: list[str]) -> str:
    parts = [str(row["sex"]), str(int(row["born_abroad"]))]
    if "age_band" in by:
        parts.append(str(row["age_band"]))
    return ".".join(parts)


def _estimates(designs, design: str, case: str) -> tuple[mhr.Estimates, list[str]]:
    variable, where, by = CASES[case]
    est = designs[design].estimate("mean", variable, by=by, where=where)
    labels = [_r_label(row, by) for _, row in est.labels.iterrows()]
    return est, labels


@pytest.mark.parametrize("design", ["taylor", "sdr"])
@pytest.mark.parametrize("case", list(CASES))
def test_cells_and_covariance_match_r(designs, design, case):
    est, labels = _estimates(designs, design, case)
    ref = CELLS[(CELLS["design"] == design) & (CELLS["case"] == case)].set_index("cell")
    assert sorted(labels) == sorted(ref.index)
    got = pd.Series(est.value, index=labels)
    se = pd.Series(est.se, index=labels)
    for cell in ref.index:
        assert got[cell] == pytest.approx(ref.loc[cell, "value"], rel=1e-8)
        assert se[cell] == pytest.approx(ref.loc[cell, "se"], rel=1e-6)
    vcov = est.vcov().to_numpy()
    rv = VCOV[(VCOV["design"] == design) & (VCOV["case"] == case)]
    pos = {label: i for i, label in enumerate(labels)}
    expected = np.zeros_like(vcov)
    for row in rv.itertuples():
        expected[pos[row.row_cell], pos[row.col_cell]] = row.covariance
    scale = np.sqrt(np.outer(np.diag(expected), np.diag(expected)))
    np.testing.assert_allclose(vcov / scale, expected / scale, rtol=0, atol=1e-6)


def _contrast_specs(labels: list[str], suffix: str = "") -> dict[str, dict]:
    """The linear contrasts of the fixture, as cell-coefficient dicts over R labels."""
    c = {k: k + suffix for k in ("F.0", "M.0", "F.1", "M.1")}
    specs = {
        "gap_F": {c["F.1"]: 1, c["F.0"]: -1},
        "gap_M": {c["M.1"]: 1, c["M.0"]: -1},
        "sex_gap_migrant": {c["F.1"]: 1, c["M.1"]: -1},
        "double_disadvantage": {c["F.1"]: 1, c["M.0"]: -1},
        "gap_difference": {c["F.1"]: 1, c["F.0"]: -1, c["M.1"]: -1, c["M.0"]: 1},
        "sum_all": {c["F.1"]: 0.5, c["M.1"]: 0.25, c["F.0"]: -2},
    }
    pos = {label: i for i, label in enumerate(labels)}
    out = {}
    for name, spec in specs.items():
        vector = np.zeros(len(labels))
        for label, coef in spec.items():
            vector[pos[label]] = coef
        out[name + suffix.replace(".", "_")] = vector
    return out


@pytest.mark.parametrize("design", ["taylor", "sdr"])
@pytest.mark.parametrize("case", list(CASES))
def test_linear_and_ratio_contrasts_match_svycontrast(designs, design, case):
    est, labels = _estimates(designs, design, case)
    ref = CONTRASTS[(CONTRASTS["design"] == design) & (CONTRASTS["case"] == case)]
    ref = ref.set_index("contrast")
    suffixes = [f".{b}" for b in BANDS] if case == "emp_age" else [""]
    pos = {label: i for i, label in enumerate(labels)}
    checked = 0
    for suffix in suffixes:
        linear = est.contrast(_contrast_specs(labels, suffix))
        frame = linear.to_frame().set_index("contrast")
        for name in frame.index:
            assert frame.loc[name, "value"] == pytest.approx(ref.loc[name, "value"], rel=1e-8)
            assert frame.loc[name, "se"] == pytest.approx(ref.loc[name, "se"], rel=1e-6)
            checked += 1
        tag = suffix.replace(".", "_")
        a = [pos["F.1" + suffix], pos["F.1" + suffix], pos["F.1" + suffix]]
        b = [pos["F.0" + suffix], pos["F.0" + suffix], pos["M.0" + suffix]]
        for i, (kind, name) in enumerate(
            [
                ("ratio", "ratio_F"),
                ("relative_gap", "relative_gap_F"),
                ("ratio", "ratio_migrant_women_native_men"),
            ]
        ):
            for scores in (True, False):  # scores kept, or the variances only
                got = est.compare([a[i]], [b[i]], kind, scores=scores)
                assert got.value[0] == pytest.approx(ref.loc[name + tag, "value"], rel=1e-8)
                assert got.se[0] == pytest.approx(ref.loc[name + tag, "se"], rel=1e-6)
            checked += 1
    assert checked == len(ref)


def test_contrast_by_cell_keys_and_errors(designs):
    est = designs["taylor"].estimate(
        "proportion", "emp", by=["sex", "born_abroad"], where="age between 15 and 64"
    )
    by_key = est.contrast({"dd": {("F", 1): 1, ("M", 0): -1}})
    ref = CONTRASTS.set_index(["design", "case", "contrast"])
    expected = ref.loc[("taylor", "emp", "double_disadvantage")]
    assert by_key.value[0] == pytest.approx(expected["value"], rel=1e-8)
    assert by_key.se[0] == pytest.approx(expected["se"], rel=1e-6)
    # the df of a contrast is the smallest of its cells'; counts add up
    rows = [est.rows(sex="F", born_abroad=1)[0], est.rows(sex="M", born_abroad=0)[0]]
    assert by_key.df[0] == min(est.df[rows])
    assert by_key.n_unweighted[0] == est.n_unweighted[rows].sum()
    with pytest.raises(mhr.ConfigurationError, match="no cell"):
        est.contrast({"x": {("F", 7): 1}})
    with pytest.raises(mhr.ConfigurationError, match="columns for 4 cells"):
        est.contrast([1, -1])
    with pytest.raises(ValueError, match="unknown kind 'difference'"):
        est.compare([0], [1], "difference")


def test_concat_keeps_the_joint_covariance(designs):
    """A cell of one call compared with a total of another: same as within one call."""
    d = designs["sdr"]
    where = "age between 15 and 64"
    by_group = d.estimate("proportion", "emp", by=["sex", "born_abroad"], where=where)
    total = d.estimate("proportion", "emp", by=["sex"], where=where)
    joint = mhr.Estimates.concat([by_group, total])
    f1 = by_group.rows(sex="F", born_abroad=1)[0]
    f_total = len(by_group) + total.rows(sex="F")[0]
    gap = joint.compare([f1], [f_total], "gap")
    # by hand from the replicates: var = scale * sum (dev_a - dev_b)^2
    reps_a = _replicates(d, "age between 15 and 64 and sex == 'F' and born_abroad == 1")
    reps_b = _replicates(d, "age between 15 and 64 and sex == 'F'")
    dev = (reps_a[1:] - reps_a[0]) - (reps_b[1:] - reps_b[0])
    assert gap.value[0] == pytest.approx(reps_a[0] - reps_b[0], rel=1e-12)
    assert gap.se[0] == pytest.approx(np.sqrt(4 / 80 * np.sum(dev**2)), rel=1e-9)


def _replicates(design: mhr.SurveyDesign, where: str) -> np.ndarray:
    """Full-sample and 80 replicate shares of ``emp`` in a domain, by plain weighted sums."""
    data = design.data
    rows = mhr.parse_filter(where).evaluate(data) & data["emp"].notna().to_numpy()
    emp = data.loc[rows, "emp"].to_numpy()
    weights = [data.loc[rows, "weight"].to_numpy()] + [
        data.loc[rows, f"rw{r}"].to_numpy() for r in range(1, 81)
    ]
    return np.array([np.sum(w * emp) / np.sum(w) for w in weights])


@pytest.mark.parametrize("design", ["taylor", "sdr"])
def test_compute_intersectional_comparisons_match_svycontrast(designs, design):
    spec = mhr.load_catalogue()["WORK.O.EPR"].model_dump()
    spec.update(id="WORK.O.EPR_1564", population="age between 15 and 64")
    ind = mhr.Indicator.model_validate(spec)
    kinds = ["gap", "sex_gap_migrant", "double_disadvantage", "gap_difference"]
    res = mhr.compute([ind], survey=designs[design], by=["sex"], comparisons=kinds, quality="none")
    table = res.table
    ref = CONTRASTS[(CONTRASTS["design"] == design) & (CONTRASTS["case"] == "emp")]
    ref = ref.set_index("contrast")
    for kind in kinds[1:]:
        row = table[table["population"] == kind]
        assert len(row) == 1 and row["sex"].item() == "_Z"
        assert row["unit"].item() == "percentage_points"
        assert row["value"].item() == pytest.approx(100 * ref.loc[kind, "value"], rel=1e-8)
        assert row["se"].item() == pytest.approx(100 * ref.loc[kind, "se"], rel=1e-6)
    gaps = table[table["population"] == "gap"].set_index("sex")
    for sex in ("F", "M"):
        assert gaps.loc[sex, "value"] == pytest.approx(100 * ref.loc[f"gap_{sex}", "value"])
        assert gaps.loc[sex, "se"] == pytest.approx(100 * ref.loc[f"gap_{sex}", "se"], rel=1e-6)


def test_intersectional_comparisons_need_sex(designs):
    res = mhr.compute(
        ["WORK.O.EPR"],
        survey=designs["taylor"],
        by=["age_group"],
        comparisons=["double_disadvantage"],
        errors="collect",
    )
    assert not (res.table["population"] == "double_disadvantage").any()
    assert res.issues["detail"].str.contains("need sex among the breakdowns").any()


def test_vcov_diagonal_is_the_variance_and_quantiles_refuse(designs):
    d = designs["taylor"]
    est = d.estimate("mean", "earnings", by="sex")
    np.testing.assert_allclose(np.diag(est.vcov().to_numpy()), est.se**2, rtol=1e-12)
    q = d.estimate("quantile", "earnings", q=0.5, by="sex")
    with pytest.raises(mhr.EstimationInputError, match="covariance of quantile"):
        q.vcov()
