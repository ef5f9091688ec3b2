"""compute checks every input before it publishes a number from it (never a silent wrong one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr

from .test_aggregate import _stock

SHARE = ["CONTEXT.O.STOCK_PCT"]


def _legal(**changes) -> pd.DataFrame:
    rows = [
        {"ref_area": "XSY", "instrument": "ICRMW", "status": "ratified", "year": 2005},
        {"ref_area": "XSZ", "instrument": "ICRMW", "status": "not_signed", "year": None},
    ]
    frame = pd.DataFrame(rows)
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_a_duplicated_stock_row_is_an_error_naming_the_rows():
    stock = _stock()
    doubled = pd.concat([stock, stock.iloc[[0]]], ignore_index=True)  # 2015 total stock twice
    with pytest.raises(mhr.DataValidationError) as err:
        mhr.compute(SHARE, stock=doubled)
    text = str(err.value)
    assert "duplicate key" in text and "XSY/2015/migrant_stock/_T" in text
    assert set(err.value.failure_cases["index"]) == {0, len(stock)}
    # collected: the indicator is reported, nothing is published from the bad table
    res = mhr.compute(SHARE, stock=doubled, errors="collect")
    assert len(res.table) == 0
    assert res.issues.set_index("indicator_id").loc[SHARE[0], "problem"] == "invalid_data"
    # the correct table gives 1000 / 20000 = 5%
    assert mhr.compute(SHARE, stock=stock).table["value"].iloc[0] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("value", -1000.0, "must be >= 0"),
        ("sex", "X", "must be one of"),
        ("value", "1,000", "must be a number"),
    ],
)
def test_bad_stock_values_are_errors(column, value, message):
    stock = _stock()
    stock[column] = stock[column].astype(object)
    stock.loc[0, column] = value
    with pytest.raises(mhr.DataValidationError, match=message) as err:
        mhr.compute(SHARE, stock=stock)
    assert 0 in set(err.value.failure_cases["index"])


def test_legal_records_are_checked():
    ind = ["WORK.S.ICRMW"]
    ok = mhr.compute(ind, ratifications=_legal()).table.set_index("ref_area")["value"]
    assert ok.to_dict() == {"XSY": 1.0, "XSZ": 0.0}
    with pytest.raises(mhr.DataValidationError, match="must be one of"):
        mhr.compute(ind, ratifications=_legal(status=(0, "ratifed")))  # a typo is not a 0
    contradicting = pd.concat([_legal(), _legal().iloc[[0]].assign(status="signed")])
    with pytest.raises(mhr.DataValidationError, match="duplicate key"):
        mhr.compute(ind, ratifications=contradicting.reset_index(drop=True))


def test_empty_and_all_missing_survey_inputs_say_why(example):
    mapping = mhr.datasets.path("mappings/example_lfs.yaml")
    data = mhr.harmonise(example, mapping)
    empty = mhr.SurveyDesign(data.iloc[:0], weights="weight")
    with pytest.raises(mhr.EstimationInputError, match="no rows"):
        mhr.compute(["WORK.O.EARN_MONTH"], survey=empty)
    blank = mhr.SurveyDesign(data.assign(earnings=np.nan), weights="weight")
    res = mhr.compute(["WORK.O.EARN_MONTH", "WORK.O.EPR"], survey=blank, errors="collect")
    assert set(res.table["indicator_id"]) == {"WORK.O.EPR"}
    issue = res.issues.set_index("indicator_id").loc["WORK.O.EARN_MONTH"]
    assert issue["problem"] == "cannot_estimate" and "earnings" in issue["detail"]


@pytest.mark.parametrize("level", [1.5, 0.0, -0.2])
def test_a_confidence_level_outside_0_1_is_a_usage_error(example, level):
    design = mhr.SurveyDesign(example, weights="weight")
    with pytest.raises(mhr.ConfigurationError, match="level"):
        mhr.compute(["WORK.O.EPR"], survey=design, level=level)
    with pytest.raises(ValueError):  # a ConfigurationError is also a ValueError
        mhr.compute(["WORK.O.EPR"], survey=design, errors="sometimes")


def test_admin_rates_over_the_stock_whatever_the_columns_of_each():
    """An admin table with an age_group column (all _T) and a stock table without one give the
    same rates as when neither has it: the missing column is the total, not a lost row."""
    from ..conftest import REPO

    admin = pd.read_csv(REPO / "datasets" / "example_admin.csv")
    stock = pd.read_csv(REPO / "datasets" / "example_stock.csv")
    ids = ["LIBERTY.O.DETENTION_RATE"]
    plain = admin.drop(columns=["age_group"], errors="ignore")
    want = mhr.compute(ids, admin=plain, stock=stock, errors="collect").table
    assert want["value"].notna().any()
    got = mhr.compute(ids, admin=plain.assign(age_group="_T"), stock=stock, errors="collect")
    cols = ["time_period", "sex", "value"]
    pd.testing.assert_frame_equal(got.table[cols], want[cols])


def test_a_retired_indicator_still_computes_with_a_warning(example):
    retired = next(iter(mhr.load_catalogue().filter(retired=True)), None)
    if retired is None:
        pytest.skip("no retired indicator in this catalogue version")
    with pytest.warns(FutureWarning, match="retired"):
        mhr.compute(
            [retired.id], survey=mhr.SurveyDesign(example, weights="weight"), errors="collect"
        )
