"""Benchmark ``compute`` (indicators into the results table) on a large survey.

Generates a 1,000,000-row stratified cluster sample (50 strata x 40 PSUs) with canonical
labour-force columns and times the six work outcome indicators by sex x age group (4 breakdowns,
migrant and reference groups, gaps, ratios, not-stated shares and quality flags), printing the
ratio to a bare pandas ``groupby().sum()`` of the weights by the same cells, in the same run.

    python benchmarks/bench_compute.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import mhr_indicators as mhr

IDS = [
    "WORK.O.LFPR",
    "WORK.O.EPR",
    "WORK.O.UR",
    "WORK.O.INFORMAL",
    "WORK.O.EARN_MONTH",
    "WORK.O.PAY_GAP",
]


def make_sample(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, 2000, n))
    df = pd.DataFrame(
        {
            "ref_area": "XSY",
            "time_period": 2024,
            "stratum": psu // 40,
            "psu": psu,
            "weight": rng.uniform(50, 150, n),
            "age": rng.integers(0, 90, n),
            "sex": rng.choice(np.array(["F", "M"]), n),
            "born_abroad": (rng.random(n) < 0.15).astype(float),
            "foreign_citizen": (rng.random(n) < 0.1).astype(float),
        }
    )
    labels = ["Y_LT15", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"]
    df["age_group"] = pd.cut(
        df["age"], [0, 15, 25, 35, 45, 55, 65, 200], right=False, labels=labels
    ).astype(str)
    status = rng.choice(
        np.array(["employed", "unemployed", "outside_labour_force"]), n, p=[0.55, 0.05, 0.4]
    )
    df["labour_status"] = np.where(df["age"] >= 15, status, None)
    employed = df["labour_status"] == "employed"
    df["employee"] = np.where(employed, (rng.random(n) < 0.8).astype(float), np.nan)
    df["informal"] = np.where(employed, (rng.random(n) < 0.2).astype(float), np.nan)
    df["earnings"] = np.where(employed, rng.lognormal(7.8, 0.5, n), np.nan)
    df["hours"] = np.where(employed, rng.integers(10, 60, n), np.nan)
    df["hourly_earnings"] = df["earnings"] / (df["hours"] * 52 / 12)
    return df


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    df = make_sample(args.rows)
    design = mhr.SurveyDesign(df, weights="weight", strata="stratum", psu="psu")
    t0 = time.perf_counter()
    df.groupby(["sex", "age_group", "born_abroad"])[["weight"]].sum()
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = mhr.compute(IDS, survey=design, by=["sex", "age_group"]).table
    took = time.perf_counter() - t0
    estimates = int(res["population"].isin(["foreign_born", "native_born"]).sum())
    print(
        f"{len(df):,} rows; {len(IDS)} indicators x 4 breakdowns -> {len(res)} result rows "
        f"({estimates} group estimates with linearised SEs)"
    )
    print(
        f"compute: {took:.2f} s = {took / bare:.0f}x one bare groupby().sum() "
        f"({bare:.3f} s); {took / estimates * 1000:.1f} ms per group estimate"
    )


if __name__ == "__main__":
    main()
