"""Benchmark SurveyDesign.proportion on a large stratified cluster sample.

Generates a 1,000,000-row sample (50 strata x 40 PSUs x 500 persons) with 80 replicate weights and
times ``proportion`` by four variables (sex x age group x sector x birthplace = 200 cells), by
linearisation and by SDR replicates. Prints rows per second and the ratio to a bare pandas
``groupby().sum()`` of the same columns, measured in the same run (machines are shared and noisy:
compare ratios, not seconds).

    python benchmarks/bench_survey.py [--rows 1000000] [--repeat 3]

Goals (issue 2): linearisation within 5x of the bare groupby; 1M rows x 80 replicates in seconds.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from mhr_indicators import SurveyDesign

BY = ["sex", "age_group", "sector", "born_abroad"]


def make_sample(rows: int, replicates: int = 80, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_strata, psus_per_stratum = 50, 40
    n_psu = n_strata * psus_per_stratum
    psu = np.sort(rng.integers(0, n_psu, rows))
    df = pd.DataFrame(
        {
            "stratum": psu // psus_per_stratum,
            "psu": psu,
            "weight": rng.uniform(50, 150, rows),
            "sex": rng.choice(np.array(["F", "M"]), rows),
            "age_group": rng.choice(
                np.array(["Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64"]), rows
            ),
            "sector": rng.choice(np.array(list("ABCFGHIKPQ")), rows),
            "born_abroad": (rng.random(rows) < 0.15).astype(np.int8),
            "employed": (rng.random(rows) < 0.6).astype(np.int8),
        }
    )
    factors = rng.choice(np.array([0.2929, 1.0, 1.7071]), size=(n_psu, replicates))
    reps = df["weight"].to_numpy()[:, None] * factors[psu]
    rep_cols = [f"rw{r}" for r in range(1, replicates + 1)]
    return pd.concat([df, pd.DataFrame(reps, columns=rep_cols)], axis=1)


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    df = make_sample(args.rows)
    print(f"generated {len(df):,} rows x {df.shape[1]} columns in {time.perf_counter() - t0:.1f} s")
    rep_cols = [c for c in df.columns if c.startswith("rw")]

    t0 = time.perf_counter()
    taylor = SurveyDesign(df, weights="weight", strata="stratum", psu="psu")
    build_taylor = time.perf_counter() - t0
    t0 = time.perf_counter()
    sdr = SurveyDesign(df, weights="weight", replicate_weights=rep_cols, method="SDR")
    build_sdr = time.perf_counter() - t0

    bare_small = best_of(args.repeat, lambda: df.groupby(BY)[["weight", "employed"]].sum())
    bare_reps = best_of(args.repeat, lambda: df.groupby(BY)[[*rep_cols, "employed"]].sum())
    lin = best_of(args.repeat, lambda: taylor.proportion("employed", by=BY))
    tracemalloc.start()
    first_rep = best_of(1, lambda: sdr.proportion("employed", by=BY))  # hashes factor patterns once
    rep = best_of(args.repeat, lambda: sdr.proportion("employed", by=BY))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cells = len(taylor.proportion("employed", by=BY))

    n = len(df)
    print(
        f"cells: {cells}; design build: linearisation {build_taylor:.2f} s, "
        f"SDR {build_sdr:.2f} s (best of {args.repeat} below)"
    )
    print(f"{'step':44s} {'seconds':>8s} {'rows/s':>14s} {'ratio':>8s}")
    rows = [
        ("bare groupby().sum() of weight, employed", bare_small, 1.0),
        ("proportion, linearisation", lin, lin / bare_small),
        ("bare groupby().sum() of 80 replicates", bare_reps, 1.0),
        ("proportion, 80 SDR replicates", rep, rep / bare_reps),
    ]
    for name, sec, ratio in rows:
        print(f"{name:44s} {sec:8.3f} {n / sec:14,.0f} {ratio:7.2f}x")
    print(f"linearisation / bare groupby of the same columns: {lin / bare_small:.2f}x (goal <= 5x)")
    print(f"SDR replicates / bare groupby of the replicate columns: {rep / bare_reps:.2f}x")
    print(
        f"first SDR call, with the one-off hashing of replicate-factor patterns for the df: "
        f"{first_rep:.2f} s"
    )
    print(
        f"peak extra memory during the replicate calls: {peak / 2**20:,.0f} MiB "
        f"(the replicate weights themselves: {len(df) * len(rep_cols) * 8 / 2**20:,.0f} MiB)"
    )


if __name__ == "__main__":
    main()
