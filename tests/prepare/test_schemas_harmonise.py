"""Canonical schemas (lazy, complete validation) and harmonisation mappings."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators import DataValidationError, HarmonisationError, harmonise, validate
from mhr_indicators.prepare.harmonise import band_bounds, rebin_age_groups


def test_example_passes_the_survey_schema():
    assert validate(mhr.load_example(), "survey") is not None


def test_every_failure_is_reported_at_once():
    df = mhr.load_example().head(50).copy()
    df.loc[[3, 9], "weight"] = [0.0, -2.0]
    df.loc[8, "sex"] = "X"
    df.loc[12, "age"] = 150
    df.loc[20, "ref_area"] = "xsy"
    with pytest.raises(DataValidationError) as err:
        validate(df, "survey", required=["hourly_earnings"], source="lfs.csv")
    fc = err.value.failure_cases
    got = {(c, i) for c, i in zip(fc["column"], fc["index"], strict=True)}
    assert {("weight", 3), ("weight", 9), ("sex", 8), ("age", 12), ("ref_area", 20)} <= got
    assert ("hourly_earnings", None) in got
    text = str(err.value)
    assert "survey data (lfs.csv) failed" in text
    assert "column 'weight': must be > 0    rows 3, 9  values 0.0, -2.0" in text
    assert "column 'hourly_earnings': is missing" in text


def test_other_schemas():
    rat = pd.DataFrame(
        {
            "ref_area": ["FRA", "MEX"],
            "instrument": ["ICRMW", "ICRMW"],
            "status": ["not_signed", "ratified"],
            "year": [np.nan, 1999],
        }
    )
    validate(rat, "ratifications")
    with pytest.raises(DataValidationError, match="status"):
        validate(rat.assign(status=["party", "ratified"]), "ratifications")
    stock = pd.DataFrame(
        {"ref_area": ["MEX"], "time_period": [2020], "sex": ["_T"], "value": [1197624.0]}
    )
    validate(stock, "stock")
    with pytest.raises(ValueError, match="unknown data kind"):
        validate(stock, "census")


def test_harmonise_rename_recode_constants_derive():
    src = pd.DataFrame(
        {
            "AGEP": [10, 15, 40, 70, np.nan],
            "SEX": [1, 2, 2, 1, 2],
            "POB": ["USA", "MEX", None, "USA", "IND"],
            "WAGP": [0, 100, 2600, 0, 50],
            "WKHP": [0, 10, 40, np.nan, 5],
        }
    )
    mapping = {
        "rename": {"AGEP": "age", "SEX": "sex", "POB": "country_of_birth"},
        "recode": {"sex": {1: "M", 2: "F"}},
        "constants": {"ref_area": "USA", "time_period": 2024},
        "derive": [
            {"column": "born_abroad", "flag": "country_of_birth != ref_area"},
            {"column": "age_group", "age_bands": {"from": "age", "breaks": [15, 25, 65]}},
            {"column": "hourly", "divide": {"numerator": "WAGP", "denominator": "WKHP"}},
        ],
    }
    out = harmonise(src, mapping)
    assert out["sex"].tolist() == ["M", "F", "F", "M", "F"]
    assert out["born_abroad"].tolist()[:2] == [0.0, 1.0]
    assert np.isnan(out["born_abroad"].iloc[2])  # unknown birthplace stays unknown, never 0
    assert out["age_group"].tolist() == ["Y_LT15", "Y15T24", "Y25T64", "Y_GE65", None]
    assert np.isnan(out["hourly"].iloc[0]) and out["hourly"].iloc[2] == 65.0
    assert "AGEP" not in out.columns and "AGEP" in src.columns  # source untouched


def test_rebinning_refuses_bands_that_do_not_nest():
    assert band_bounds("Y15T24") == (15, 25) and band_bounds("Y_GE65")[1] == np.inf
    s = pd.Series(["Y15T19", "Y20T24", "Y25T29", "Y_GE65"])
    assert rebin_age_groups(s, ["Y15T24", "Y25T64", "Y_GE65"]).tolist() == [
        "Y15T24",
        "Y15T24",
        "Y25T64",
        "Y_GE65",
    ]
    unhcr = pd.Series(["Y5T11", "Y12T17", "Y18T59"])
    with pytest.raises(HarmonisationError, match=r"Y12T17 \(rows 1\) does not nest"):
        rebin_age_groups(unhcr, ["Y15T19", "Y20T24", "Y25T64"])
    with pytest.raises(HarmonisationError, match="overlap"):
        rebin_age_groups(s, ["Y15T29", "Y25T64"])


def test_bad_mappings():
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(mhr.SpecError, match="unknown key 'renames'"):
        harmonise(df, {"renames": {}})
    with pytest.raises(mhr.ColumnNotFoundError, match="'b'"):
        harmonise(df, {"rename": {"b": "c"}})
    with pytest.raises(mhr.SpecError, match="unknown derivation kind 'square'"):
        harmonise(df, {"derive": [{"column": "x", "square": "a"}]})


def test_validating_never_imports_dask():
    # a DataFrameModel's conversion to a schema imports Dask's types when Dask is installed
    # (about half a second on a process's first validation); the schemas are declared without it
    code = (
        "import sys, pandas as pd, mhr_indicators as mhr\n"
        "mhr.validate(pd.DataFrame({'weight': [1.0], 'ref_area': ['XSY'], "
        "'time_period': [2020]}), 'survey')\n"
        "print('dask.dataframe' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
