"""The Dask path equals the pandas path: the whole survey catalogue, estimators and quantiles,
on a partitioned Parquet copy of the example on a LocalCluster (rtol 1e-9)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr

from .conftest import same_tables

dd = pytest.importorskip("dask.dataframe")

BY = ["sex", "age_group"]
REPS = [f"rw{r}" for r in range(1, 81)]
LINEARISED = dict(weights="weight", strata="stratum", psu="psu", fpc="fpc")
REPLICATED = dict(weights="weight", replicate_weights=REPS, method="SDR")


def _catalogue() -> list[str]:
    cat = mhr.load_catalogue().filter(source_kind="survey")
    return [i.id for i in cat if i.type != "structural" and not i.deprecation]


def _both(lfs, parquet, design: dict, ids, by=BY, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        pandas_res = mhr.compute(ids, survey=mhr.SurveyDesign(lfs, **design), by=by, **kwargs)
        dask_res = mhr.compute(ids, survey=mhr.DaskSurveyDesign(parquet, **design), by=by, **kwargs)
    return pandas_res, dask_res


def test_the_parquet_copy_splits_psus_between_partitions(parquet):
    parts = dd.read_parquet(parquet).to_delayed()
    assert len(parts) == 5
    psus = [set(p.compute()["psu"]) for p in parts]
    assert any(a & b for i, a in enumerate(psus) for b in psus[i + 1 :])


def test_the_catalogue_by_linearisation_equals_the_pandas_path(client, lfs, parquet):
    a, b = _both(lfs, parquet, LINEARISED, _catalogue(), errors="collect")
    assert len(a.table) > 1000
    same_tables(a.table, b.table)
    pd.testing.assert_frame_equal(a.issues, b.issues)
    assert b.metadata["inputs"][0]["rows"] == len(lfs)


def test_the_catalogue_by_replicate_weights_equals_the_pandas_path(client, lfs, parquet):
    a, b = _both(lfs, parquet, REPLICATED, _catalogue(), errors="collect")
    same_tables(a.table, b.table)
    pd.testing.assert_frame_equal(a.issues, b.issues)


def test_a_dask_dataframe_in_memory_and_the_default_scheduler(lfs):
    ddf = dd.from_pandas(lfs.sample(frac=1.0, random_state=3), npartitions=3)
    ids = ["WORK.O.EPR", "WORK.O.UR", "WORK.O.EARN_MONTH"]
    a = mhr.compute(ids, survey=mhr.SurveyDesign(lfs, weights="weight"), by=["sex"])
    b = mhr.compute(ids, survey=mhr.DaskSurveyDesign(ddf, weights="weight"), by=["sex"])
    same_tables(a.table, b.table)


@pytest.mark.parametrize("design", [LINEARISED, REPLICATED], ids=["taylor", "replicates"])
def test_estimators_and_their_covariance(client, lfs, parquet, design):
    pd_design = mhr.SurveyDesign(lfs, **design)
    dk_design = mhr.DaskSurveyDesign(parquet, **design)
    by = ["sex", "born_abroad"]
    where = "age >= 15 and age <= 64"
    for statistic, variable, denominator in [
        ("proportion", "employed", None),
        ("mean", "earnings", None),
        ("ratio", "unemployed", "in_labour_force"),
        ("total", "employed", None),
    ]:
        kw = dict(denominator=denominator, by=by, where=where)
        a = pd_design.estimate(statistic, variable, **kw)
        b = dk_design.estimate(statistic, variable, **kw)
        pd.testing.assert_frame_equal(
            b.to_frame(), a.to_frame(), rtol=1e-9, atol=0, check_dtype=False
        )
        np.testing.assert_allclose(b.vcov().to_numpy(), a.vcov().to_numpy(), rtol=1e-9)
    pd.testing.assert_frame_equal(
        dk_design.proportion("employed", by="sex", ci="beta"),
        pd_design.proportion("employed", by="sex", ci="beta"),
        rtol=1e-9,
        check_dtype=False,
    )


@pytest.mark.parametrize("design", [LINEARISED, REPLICATED], ids=["taylor", "replicates"])
@pytest.mark.parametrize("q", [0.5, 0.1])
def test_quantiles_equal_the_pandas_path(client, lfs, parquet, design, q):
    a = mhr.SurveyDesign(lfs, **design).quantile("earnings", q, by=["sex", "born_abroad"])
    b = mhr.DaskSurveyDesign(parquet, **design).quantile("earnings", q, by=["sex", "born_abroad"])
    pd.testing.assert_frame_equal(b, a, rtol=1e-9, atol=0, check_dtype=False)


def test_a_median_indicator_in_compute(client, lfs, parquet):
    spec = mhr.load_catalogue()["WORK.O.EARN_MONTH"].model_dump()
    spec.update(id="WORK.O.EARN_MEDIAN", statistic="quantile", quantile=0.5, comparisons=[])
    median = mhr.Indicator.model_validate(spec)
    a, b = _both(lfs, parquet, LINEARISED, [median], by=["sex"])
    assert (a.table["population"] != "not_stated_share").sum() >= 6
    same_tables(a.table, b.table)


def test_design_errors_are_those_of_the_pandas_path(lfs, tmp_path):
    lonely = lfs[~((lfs["stratum"] == lfs["stratum"].iloc[0]) & (lfs["psu"] != lfs["psu"].iloc[0]))]
    ddf = dd.from_pandas(lonely, npartitions=2)
    with pytest.raises(mhr.LonelyPSUError):
        mhr.DaskSurveyDesign(ddf, weights="weight", strata="stratum", psu="psu")
    bad = lfs.assign(weight=lfs["weight"].where(lfs.index != 7, -1.0))
    with pytest.raises(mhr.DesignError, match="must be >= 0"):
        mhr.DaskSurveyDesign(dd.from_pandas(bad, npartitions=2), weights="weight")
    with pytest.raises(mhr.ColumnNotFoundError):
        mhr.DaskSurveyDesign(dd.from_pandas(lfs, npartitions=2), weights="wgt")
    with pytest.raises(mhr.DesignError, match="DaskSurveyDesign"):
        mhr.SurveyDesign(dd.from_pandas(lfs, npartitions=2), weights="weight")


def test_invalid_codes_are_reported_as_by_the_pandas_path(lfs):
    bad = lfs.assign(sex=lfs["sex"].where(lfs.index != 11, "X"))
    design = mhr.DaskSurveyDesign(dd.from_pandas(bad, npartitions=3), weights="weight")
    with pytest.raises(mhr.DataValidationError, match="sex"):
        mhr.compute(["WORK.O.EPR"], survey=design, by=["sex"])
    res = mhr.compute(["WORK.O.EPR"], survey=design, by=["sex"], errors="collect")
    assert "DataValidationError" in res.issues["detail"].iloc[0]


def test_importing_the_package_does_not_need_dask():
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['dask.dataframe'] = None\n"
        "import mhr_indicators as mhr\n"
        "try:\n"
        "    mhr.DaskSurveyDesign('data.parquet', weights='w')\n"
        "except mhr.ConfigurationError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "mhr_indicators[dask]"' in out.stdout
