"""Bad input gets the library's own exceptions, naming the column, rows and rule broken."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mhr_indicators import (
    ColumnNotFoundError,
    DesignError,
    EstimationInputError,
    FilterError,
    LonelyPSUError,
    MhrError,
    SurveyDesign,
)


@pytest.fixture()
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stratum": [1, 1, 2, 2, 3, 3],
            "psu": [1, 2, 1, 2, 1, 2],
            "w": [1.0, 2, 3, 4, 5, 6],
            "y": [0, 1, 1, 0, 1, 1],
            "x": [1.5, 2, 3, 4, 5, 6],
            "r1": [1.0, 2, 3, 4, 5, 6],
            "r2": [2.0, 2, 3, 4, 5, 6],
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_missing_column_is_named(df):
    with pytest.raises(ColumnNotFoundError, match="'weight' \\(weights\\)"):
        SurveyDesign(df, weights="weight")
    d = SurveyDesign(df, weights="w")
    with pytest.raises(ColumnNotFoundError, match="'earnings'"):
        d.mean("earnings")
    with pytest.raises(ColumnNotFoundError, match="'sex' \\(by\\)"):
        d.mean("x", by=["sex"])
    assert issubclass(ColumnNotFoundError, MhrError)


def test_negative_weights_name_rows(df):
    df.loc[12, "w"] = -1.5
    with pytest.raises(DesignError, match="must be >= 0; negative at rows 12; values -1.5") as e:
        SurveyDesign(df, weights="w")
    assert e.value.column == "w"
    assert e.value.rows == [12]


def test_nan_and_non_numeric_weights(df):
    df.loc[[11, 14], "w"] = np.nan
    with pytest.raises(DesignError, match="must not be missing.*rows 11, 14"):
        SurveyDesign(df, weights="w")
    df["w"] = ["1", "2", "x", "4", "5", "6"]
    with pytest.raises(DesignError, match="'w' \\(weights\\) must be numeric.*rows 12; values 'x'"):
        SurveyDesign(df, weights="w")


def test_lonely_psu_fail_names_the_stratum(df):
    df.loc[15, "psu"] = 1  # stratum 3 now has one PSU
    with pytest.raises(LonelyPSUError, match="stratum 3 of column 'stratum' has only one PSU") as e:
        SurveyDesign(df, weights="w", strata="stratum", psu="psu", nest=True)
    assert e.value.strata == [3]
    # the other policies build
    d = SurveyDesign(df, weights="w", strata="stratum", psu="psu", nest=True, lonely_psu="remove")
    assert np.isfinite(d.mean("x")["se"].iloc[0])


def test_where_of_the_wrong_length_or_type(df):
    d = SurveyDesign(df, weights="w")
    with pytest.raises(EstimationInputError, match="where has shape \\(3,\\) but the design has 6"):
        d.mean("x", where=np.array([True, False, True]))
    with pytest.raises(EstimationInputError, match="must be boolean"):
        d.mean("x", where=np.arange(6))
    with pytest.raises(EstimationInputError, match="index does not match"):
        d.mean("x", where=pd.Series([True] * 6))


def test_proportion_needs_zero_one(df):
    d = SurveyDesign(df, weights="w")
    with pytest.raises(EstimationInputError, match="'x' must hold 0/1.*rows 10, 11, 12") as e:
        d.proportion("x")
    assert e.value.column == "x"


def test_unknown_method_and_missing_settings(df):
    with pytest.raises(DesignError, match="unknown replicate method 'JK3'"):
        SurveyDesign(df, weights="w", replicate_weights=["r1", "r2"], method="JK3")
    with pytest.raises(DesignError, match="replicate_weights need a method"):
        SurveyDesign(df, weights="w", replicate_weights=["r1", "r2"])
    with pytest.raises(DesignError, match="JKn' needs rscales"):
        SurveyDesign(df, weights="w", replicate_weights=["r1", "r2"], method="JKn")
    with pytest.raises(DesignError, match="Fay' needs rho"):
        SurveyDesign(df, weights="w", replicate_weights=["r1", "r2"], method="Fay")
    with pytest.raises(DesignError, match="not both"):
        SurveyDesign(df, weights="w", strata="stratum", replicate_weights=["r1"], method="BRR")
    with pytest.raises(DesignError, match="lonely_psu"):
        SurveyDesign(df, weights="w", lonely_psu="ignore")


def test_bad_fpc(df):
    df["fpc"] = [10, 11, 10, 10, 10, 10]
    with pytest.raises(DesignError, match="constant within each stratum.*rows 10, 11"):
        SurveyDesign(df, weights="w", strata="stratum", psu="psu", fpc="fpc", nest=True)
    df["fpc"] = 1.5
    with pytest.raises(DesignError, match="more sampled PSUs \\(2\\) than its population count"):
        SurveyDesign(df, weights="w", strata="stratum", psu="psu", fpc="fpc", nest=True)


def test_bad_options(df):
    d = SurveyDesign(df, weights="w")
    with pytest.raises(EstimationInputError, match="unknown ci 'logit'"):
        d.mean("x", ci="logit")
    with pytest.raises(EstimationInputError, match="q must be strictly between"):
        d.quantile("x", 1.5)
    with pytest.raises(FilterError):
        d.mean("x", where="x >>> 2")
