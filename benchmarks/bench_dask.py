"""The Dask path on a Parquet dataset larger than the workers' memory.

    python benchmarks/bench_dask.py                     # 10M rows, 2 workers x 1 GiB
    python benchmarks/bench_dask.py --rows 4000000 --memory-limit 1GiB

Writes the shipped example tiled to ``--rows`` rows (each copy its own strata and PSUs, as
``bench_engine.py`` does) as a Parquet dataset of 100,000-row files in a temporary folder, starts
a ``LocalCluster`` of 2 single-threaded worker processes with ``--memory-limit`` each, and runs
the whole survey catalogue by sex x age group with ``mhr.DaskSurveyDesign``. Prints the rows,
the data's size in memory against the workers' limit, the wall time, and, on a size that fits
(``--compare`` rows, default 1M), the Dask path's time as a ratio to the pandas path's, with the
largest relative difference between the two results tables.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import mhr_indicators as mhr

FILE_ROWS = 100_000


def write_dataset(rows: int, folder: Path) -> float:
    """The tiled example as Parquet files; returns the data's size in memory (GiB)."""
    from bench_engine import tiled  # the same sample as the engine benchmark

    block = tiled(FILE_ROWS)
    copies = -(-FILE_ROWS // 3841)
    folder.mkdir(parents=True)
    size = 0
    for i, start in enumerate(range(0, rows, FILE_ROWS)):
        part = block.iloc[: min(FILE_ROWS, rows - start)].copy()
        part["stratum"] += i * copies * 1000
        part["psu"] += i * copies * 100_000
        part["fpc"] *= -(-rows // FILE_ROWS)  # the population grows with the sample
        size += part.memory_usage(deep=True).sum()
        part.to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    return size / 2**30


def catalogue() -> list[str]:
    cat = mhr.load_catalogue().filter(source_kind="survey")
    return [i.id for i in cat if i.type != "structural" and not i.deprecation]


def run_dask(path: Path, by: list[str], per_pass: int | None) -> tuple[float, mhr.Results]:
    t0 = time.perf_counter()
    design = mhr.DaskSurveyDesign(
        path,
        weights="weight",
        strata="stratum",
        psu="psu",
        fpc="fpc",
        populations_per_pass=per_pass,
    )
    res = mhr.compute(catalogue(), survey=design, by=by, errors="collect")
    return time.perf_counter() - t0, res


def largest_difference(a: pd.DataFrame, b: pd.DataFrame) -> float:
    keys = ["indicator_id", "ref_area", "time_period", "population", "sex", "age_group"]
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    worst = 0.0
    for col in ("value", "se", "ci_lower", "ci_upper"):
        x, y = a[col].to_numpy(float), b[col].to_numpy(float)
        ok = np.isfinite(x) & (x != 0)
        worst = max(worst, float(np.max(np.abs(y[ok] - x[ok]) / np.abs(x[ok]), initial=0.0)))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--compare", type=int, default=1_000_000)
    parser.add_argument("--memory-limit", default="1GiB")
    args = parser.parse_args()
    warnings.simplefilter("ignore", FutureWarning)
    from distributed import Client, LocalCluster

    by = ["sex", "age_group"]
    tmp = Path(tempfile.mkdtemp(prefix="mhr_bench_dask_"))
    try:
        big, small = tmp / "big", tmp / "small"
        t0 = time.perf_counter()
        gib = write_dataset(args.rows, big)
        wrote = time.perf_counter() - t0
        write_dataset(args.compare, small)
        print(f"wrote {args.rows:,} rows ({gib:.1f} GiB in memory) in {wrote:.0f} s")
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, memory_limit=args.memory_limit,
                dashboard_address=None,
            ) as cluster,
            Client(cluster),
        ):  # fmt: skip
            took, res = run_dask(big, by, 1)
            print(
                f"Dask path, {args.rows:,} rows, 2 workers x {args.memory_limit} "
                f"(data {gib:.1f} GiB; one population per pass): {took:.1f} s, "
                f"{len(res.table):,} results"
            )
            took_small, res_small = run_dask(small, by, None)
        frame = pd.read_parquet(small)
        t0 = time.perf_counter()
        design = mhr.SurveyDesign(frame, weights="weight", strata="stratum", psu="psu", fpc="fpc")
        ref = mhr.compute(catalogue(), survey=design, by=by, errors="collect")
        took_pandas = time.perf_counter() - t0
        print(
            f"{args.compare:,} rows: Dask {took_small:.1f} s, pandas {took_pandas:.1f} s "
            f"(ratio {took_small / took_pandas:.2f}); largest relative difference "
            f"{largest_difference(ref.table, res_small.table):.1e}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
