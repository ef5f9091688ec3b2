"""CellSums: estimates of every breakdown from one pass equal those of one call per breakdown."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr

DIMS = ["sex", "age_group", "sector", "born_abroad"]
STATISTICS = [
    ("proportion", "emp", None),
    ("mean", "earnings", None),
    ("ratio", "unemployed", "in_labour_force"),
    ("total", "emp", None),
]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = mhr.harmonise(mhr.load_example(), mhr.datasets.path("mappings/example_lfs.yaml"))
    status = d["labour_status"]
    d["emp"] = np.where(status.isna(), np.nan, (status == "employed").astype(float))
    return d


def _designs(d: pd.DataFrame) -> dict[str, mhr.SurveyDesign]:
    first = d["stratum"].iloc[0]
    one_psu = d[(d["stratum"] != first) | (d["psu"] == d.loc[d["stratum"] == first, "psu"].iloc[0])]
    return {
        "taylor": mhr.SurveyDesign(d, weights="weight", strata="stratum", psu="psu", fpc="fpc"),
        "sdr": mhr.SurveyDesign(
            d, weights="weight", replicate_weights=[f"rw{r}" for r in range(1, 81)], method="SDR"
        ),
        "none": mhr.SurveyDesign(d, weights="weight", variance="none"),
        "lonely_average": mhr.SurveyDesign(
            one_psu, weights="weight", strata="stratum", psu="psu", lonely_psu="average"
        ),
        # every seventh row of zero weight: its PSU counts for df only with a positive weight
        "zero_weights": mhr.SurveyDesign(
            d.assign(weight=np.where(np.arange(len(d)) % 7 == 0, 0.0, d["weight"])),
            weights="weight",
            strata="stratum",
            psu="psu",
        ),
    }


@pytest.mark.parametrize("kind", ["taylor", "sdr", "none", "lonely_average", "zero_weights"])
def test_every_breakdown_equals_its_own_call(data, kind):
    design = _designs(data)[kind]
    dims = DIMS[::2] if kind == "sdr" else DIMS  # replicate df are slow to compute per call
    sums = design.cell_sums(dims, where="age >= 15")
    for statistic, variable, denominator in STATISTICS:
        ci = "logit" if statistic == "proportion" else "wald"
        for size in range(len(dims) + 1):
            for sub in itertools.combinations(dims, size):
                by = list(sub) or None
                got = sums.estimate(statistic, variable, denominator=denominator, by=by)
                want = design.estimate(
                    statistic, variable, denominator=denominator, by=by, where="age >= 15"
                )
                a, b = got.to_frame(ci), want.to_frame(ci)
                assert len(a) == len(b), (statistic, sub)
                for col in sub:  # the same cells, in the same order
                    assert list(a[col].astype(str)) == list(b[col].astype(str))
                for col in ("value", "se", "df", "n_unweighted", "n_weighted", "ci_lower"):
                    np.testing.assert_allclose(a[col], b[col], rtol=1e-10, equal_nan=True)


def test_a_missing_value_stays_in_coarser_cells(data):
    """Rows with no sector are not in any sector cell, but are in the sex cells."""
    design = mhr.SurveyDesign(data, weights="weight")
    sums = design.cell_sums(["sex", "sector"])
    by_sex = sums.estimate("total", "emp", by=["sex"]).to_frame().set_index("sex")
    w = data["weight"] * data["emp"]
    assert data["sector"].isna().any()
    assert by_sex.loc["F", "value"] == pytest.approx(w[data["sex"] == "F"].sum(), rel=1e-12)
    by_sector = sums.estimate("total", "emp", by=["sector"]).to_frame()
    assert by_sector["value"].sum() == pytest.approx(w[data["sector"].notna()].sum(), rel=1e-12)


def test_cell_sums_refuse_what_they_cannot_do(data):
    sums = mhr.SurveyDesign(data, weights="weight").cell_sums(["sex"])
    with pytest.raises(mhr.ConfigurationError, match="quantile"):
        sums.estimate("quantile", "earnings")
    with pytest.raises(mhr.ConfigurationError, match="not columns"):
        sums.estimate("mean", "earnings", by=["age_group"])


def test_a_variable_given_by_its_values_equals_the_same_column(data):
    """A derived 0/1 variable read from values (no design column) estimates as the column."""
    design = _designs(data)["taylor"]
    sums = design.cell_sums(["sex", "age_group"], where="age >= 15")
    asked = []

    def values():
        asked.append(1)
        return data["emp"].to_numpy()

    sums.read("proportion", "derived_emp", values=values)
    sums.read("proportion", "derived_emp", values=values)  # already read: not asked again
    assert asked == [1]
    got = sums.estimate("proportion", "derived_emp", by=["sex"]).to_frame()
    want = sums.estimate("proportion", "emp", by=["sex"]).to_frame()
    for col in ("value", "se", "df", "n_unweighted"):
        np.testing.assert_array_equal(got[col], want[col])
    sums.forget("derived_emp")  # then it can only be read from values again
    with pytest.raises(mhr.ColumnNotFoundError, match="derived_emp"):
        sums.estimate("proportion", "derived_emp")


def test_a_proportion_column_is_checked_in_the_domain_only(data):
    """A value other than 0/1 outside the domain is never read; inside, its rows are named."""
    frame = data.copy()
    children = np.flatnonzero(frame["age"] < 15)
    adults = np.flatnonzero(frame["age"] >= 15)
    frame["flag"] = (frame["age"] >= 40).astype(float)
    frame.loc[frame.index[children[:3]], "flag"] = 2.0  # outside the domain below
    design = mhr.SurveyDesign(frame, weights="weight", strata="stratum", psu="psu")
    sums = design.cell_sums(["sex"], where="age >= 15")
    got = sums.estimate("proportion", "flag").value[0]
    w = frame["weight"].to_numpy()[adults]
    assert got == pytest.approx((w * (frame["age"].to_numpy()[adults] >= 40)).sum() / w.sum())
    frame.loc[frame.index[adults[[4, 9]]], "flag"] = 0.5
    design = mhr.SurveyDesign(frame, weights="weight", strata="stratum", psu="psu")
    sums = design.cell_sums(["sex"], where="age >= 15")
    with pytest.raises(mhr.EstimationInputError, match="'flag' must hold 0/1") as info:
        sums.estimate("proportion", "flag")
    assert info.value.rows == list(frame.index[adults[[4, 9]]])


def test_values_given_are_checked_as_a_column_is(data):
    sums = mhr.SurveyDesign(data, weights="weight").cell_sums(["sex"], where="age >= 15")
    with pytest.raises(mhr.EstimationInputError, match="0/1") as info:
        sums.read("proportion", "age_as_share", values=lambda: data["age"].to_numpy(float))
    assert info.value.column == "age_as_share"
    first = int(np.flatnonzero((data["age"] >= 15) & (data["age"] > 1))[0])
    assert info.value.rows[0] == first
    with pytest.raises(mhr.EstimationInputError, match="3 values given"):
        sums.read("mean", "short", values=lambda: np.ones(3))
