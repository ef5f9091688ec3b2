"""Optional disaggregations in the harmonisation and the schema: codes mapped from a source's
own (ACS PUMS DIS and CIT on real files; the example's Washington Group and DEGURBA columns),
a bad code named by column, rows and rule, and a mapping entry skipped when its source lacks it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators import DataValidationError, harmonise, validate
from mhr_indicators.io.tables import read_table
from mhr_indicators.vocab import DIMENSION_CODES

from ..conftest import REPO, shared_data

MAPPINGS = REPO / "datasets" / "mappings"


def test_the_example_maps_washington_group_and_degurba(example):
    data = harmonise(example, MAPPINGS / "example_lfs.yaml")
    validate(data, "survey")
    wg, dis = example["wg_ss"], data["disability"]
    assert (dis[wg >= 3] == "with_disability").all()
    assert (dis[wg.isin([1, 2])] == "without_disability").all()
    assert dis[wg.isna()].isna().all() and (example.loc[wg.isna(), "age"] < 5).all()
    urb = data["urbanisation"]
    assert (urb[example["degurba"].isin([1, 2])] == "U").all()
    assert (urb[example["degurba"] == 3] == "R").all()
    # urban strata hold no rural PSU
    assert (urb[example["urban"] == 1] == "U").all()


def test_a_bad_code_is_named_with_its_column_rows_and_rule(example):
    data = harmonise(example.head(30), MAPPINGS / "example_lfs.yaml")
    data.loc[[4, 7], "disability"] = ["yes", "yes"]
    data.loc[11, "urbanisation"] = "urban"
    data.loc[2, "citizenship_status"] = "citizen"
    with pytest.raises(DataValidationError) as err:
        validate(data, "survey", source="lfs.csv")
    fc = err.value.failure_cases
    got = {(c, i) for c, i in zip(fc["column"], fc["index"], strict=True)}
    assert {("disability", 4), ("disability", 7), ("urbanisation", 11)} <= got
    assert ("citizenship_status", 2) in got
    text = str(err.value)
    assert "column 'disability': must be one of" in text and "rows 4, 7" in text
    assert "'yes'" in text and "column 'urbanisation'" in text


def test_compute_refuses_a_bad_code_of_a_requested_dimension(example):
    data = harmonise(example, MAPPINGS / "example_lfs.yaml")
    data.loc[5, "urbanisation"] = "X"
    design = mhr.SurveyDesign(data, weights="weight")
    with pytest.raises(DataValidationError, match="urbanisation"):
        mhr.compute("WORK.O.EPR", survey=design, by=["urbanisation"])
    # not requested: not read, not checked
    mhr.compute("WORK.O.EPR", survey=design, by=["sex"])


def test_an_optional_derivation_is_skipped_when_the_source_lacks_its_column(example):
    data = harmonise(example.drop(columns=["wg_ss"]), MAPPINGS / "example_lfs.yaml")
    assert "disability" not in data.columns and "urbanisation" in data.columns
    required = {"derive": [{"column": "disability", "map": {"from": "wg_ss", "values": {1: 0}}}]}
    with pytest.raises(mhr.errors.ColumnNotFoundError):
        harmonise(example.drop(columns=["wg_ss"]), required)


def test_aggregate_tables_take_the_optional_dimensions_with_their_total():
    admin = pd.DataFrame(
        {
            "ref_area": "XSY",
            "time_period": "2024",
            "measure": "m",
            "disability": ["with_disability", "without_disability", "_T"],
            "value": [1.0, 2.0, 3.0],
        }
    )
    validate(admin, "admin")
    with pytest.raises(DataValidationError, match="disability"):
        validate(admin.assign(disability=["with_disability", "x", "_T"]), "admin")
    # a duplicate key counts the optional dimensions
    with pytest.raises(DataValidationError, match="duplicate key"):
        validate(pd.concat([admin, admin.tail(1)], ignore_index=True), "admin")


@pytest.fixture(scope="module", params=["p_11", "p_56"])
def acs(request):
    raw = read_table(shared_data("acs_pums_2024") / f"{request.param}.parquet")
    return raw, harmonise(raw, MAPPINGS / "acs_pums.yaml")


def test_acs_disability_and_citizenship_status_on_real_files(acs):
    raw, data = acs
    validate(data, "survey")
    assert set(data["disability"].dropna()) <= set(DIMENSION_CODES["disability"])
    with_dis = (data["disability"] == "with_disability").to_numpy()
    assert (with_dis == (raw["DIS"] == 1).to_numpy(dtype=bool)).all()
    assert not data["disability"].isna().any()  # DIS is recorded for every person
    expected = np.select(
        [raw["CIT"].isin([1, 2, 3]), raw["CIT"] == 4, raw["CIT"] == 5],
        ["citizen_by_birth", "naturalised", "non_citizen"],
        "",
    )
    assert (data["citizenship_status"].to_numpy() == expected).all()
    assert "urbanisation" not in data.columns  # PUMS has no urban/rural flag


def test_acs_employment_rate_by_disability_matches_the_raw_codes(acs):
    raw, data = acs
    design = mhr.SurveyDesign(data, weights="weight", variance="none")
    res = mhr.compute(
        "WORK.O.EPR", survey=design, by=["disability", "urbanisation"], quality="none"
    )
    t = res.table
    assert (t["urbanisation"] == "_T").all()  # asked for, absent from the ACS: total only
    assert "urbanisation is not in the survey data" in " ".join(res.issues["detail"])
    # independently, from the raw ACS codes: civilians 16+ (ESR 1, 2, 3, 6) of ages 15+
    pop = raw[(raw["AGEP"] >= 15) & raw["ESR"].isin([1, 2, 3, 6])]
    for nativity, group in ((1, "native_born"), (2, "foreign_born")):
        for dis, code in ((1, "with_disability"), (2, "without_disability")):
            cell = pop[(pop["NATIVITY"] == nativity) & (pop["DIS"] == dis)]
            w = cell["PWGTP"].astype(float)
            expected = 100 * w[cell["ESR"].isin([1, 2])].sum() / w.sum()
            row = t[(t["population"] == group) & (t["disability"] == code) & (t["sex"] == "_T")]
            assert row["value"].iloc[0] == pytest.approx(expected, rel=1e-10), (group, code)
