"""A light LocalCluster for the Dask tests, and the example data as pandas and as Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.vocab import DIMENSIONS

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

KEYS = ["indicator_id", "ref_area", "time_period", "population", *DIMENSIONS]


@pytest.fixture(scope="module")
def client():
    """Two in-process workers: the tasks and their results travel as on a real cluster."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def lfs() -> pd.DataFrame:
    """The shipped example survey, harmonised (with its 80 SDR replicate weights)."""
    return mhr.harmonise(mhr.load_example(), mhr.datasets.path("mappings/example_lfs.yaml"))


@pytest.fixture(scope="module")
def parquet(lfs, tmp_path_factory):
    """A Parquet copy in five partitions, cut so that PSUs straddle partition boundaries."""
    path = tmp_path_factory.mktemp("lfs") / "lfs_parquet"
    dd.from_pandas(lfs, npartitions=5, sort=False).to_parquet(path, write_index=False)
    return path


def same_tables(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 1e-9) -> None:
    """Two results tables hold the same rows and the same figures (to rounding)."""
    a = a.sort_values(KEYS, kind="stable").reset_index(drop=True)
    b = b.sort_values(KEYS, kind="stable").reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        if a[col].dtype.kind == "f":
            np.testing.assert_allclose(
                b[col].to_numpy(float), a[col].to_numpy(float), rtol=rtol, atol=0, err_msg=col
            )
        else:
            pd.testing.assert_series_equal(b[col], a[col], check_dtype=False, obj=col)
