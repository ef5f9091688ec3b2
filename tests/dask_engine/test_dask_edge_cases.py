"""Inputs a review found to break the Dask path silently: categorical Parquet columns (their
categories unknown to Dask), exact ties of cumulative weights in quantiles, and the row named
by a missing design value. Each is compared with the pandas path or with a hand-derived figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import DesignError

from .conftest import same_tables

dd = pytest.importorskip("dask.dataframe")

LINEARISED = dict(weights="weight", strata="stratum", psu="psu", fpc="fpc")


def test_categorical_parquet_columns_keep_their_cells(lfs, tmp_path):
    """Categories written by pandas come back from Parquet unknown to Dask; the cells must keep
    their labels (they used to become missing, and the broken-down rows vanished)."""
    data = lfs.copy()
    for col in ("sex", "age_group", "ref_area", "stratum", "psu"):
        data[col] = data[col].astype("category")
    path = tmp_path / "categorical"
    path.mkdir()
    half = len(data) // 2
    data.iloc[:half].to_parquet(path / "part0.parquet", index=False)
    data.iloc[half:].to_parquet(path / "part1.parquet", index=False)
    assert not dd.read_parquet(path)["sex"].cat.known  # the case under test
    ids = ["WORK.O.EPR", "WORK.O.UR"]
    pandas_res = mhr.compute(ids, survey=mhr.SurveyDesign(lfs, **LINEARISED), by=["sex"])
    dask_res = mhr.compute(ids, survey=mhr.DaskSurveyDesign(path, **LINEARISED), by=["sex"])
    assert set(dask_res.table["sex"]) == {"F", "M", "_T"}
    same_tables(pandas_res.table, dask_res.table)


def test_medians_at_exact_ties_are_the_lower_middle_value(lfs):
    """Equal weights within a cell and an even count: the target weight p * total is exactly
    the running weight of the (n/2)-th value, whose value is the median (the smallest x with
    F(x) >= 1/2). Cells cumulated across each other used to miss the tie and take the next."""
    rng = np.random.default_rng(3)
    weights = lfs["weight"].unique()  # real survey weights (two decimals)
    rows = []
    for g in range(400):
        k = int(rng.choice([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]))
        w = float(rng.choice(weights))
        values = np.sort(rng.choice(np.arange(100, 5000), k, replace=False)) * 10.0
        rows += [(f"c{g:03d}", w, v) for v in values]
    frame = pd.DataFrame(rows, columns=["g", "w", "y"])
    expected = frame.groupby("g")["y"].apply(lambda s: np.sort(s.to_numpy())[len(s) // 2 - 1])
    pandas_median = mhr.SurveyDesign(frame, weights="w").quantile("y", 0.5, by="g")
    dask_design = mhr.DaskSurveyDesign(
        dd.from_pandas(frame, npartitions=4, sort=False), weights="w"
    )
    dask_median = dask_design.quantile("y", 0.5, by="g")
    for result in (pandas_median, dask_median):
        got = result.set_index("g")["value"].reindex(expected.index)
        np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("column", ["psu", "stratum", "fpc"])
def test_a_missing_design_value_names_its_row(lfs, column):
    data = lfs.copy()
    numeric = pd.api.types.is_numeric_dtype(data[column])
    data[column] = data[column].astype(float if numeric else object)
    data.loc[3000, column] = np.nan if numeric else None
    ddf = dd.from_pandas(data, npartitions=4, sort=False)
    with pytest.raises(DesignError, match=rf"'{column}'.*must not be missing.*3000"):
        mhr.DaskSurveyDesign(ddf, **LINEARISED)
