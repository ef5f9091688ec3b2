"""Benchmark batch jobs: a batch of country inputs serially, in worker processes, and rerun.

Writes N copies of the shipped example survey (3,841 rows, 139 columns) as N fictional countries
(Parquet files) and one job computing the work indicators by sex x age group for all of them,
then times, in the same run:

1. the serial run (``jobs=1``, one input after the other in one process);
2. the same job with ``--jobs J`` worker processes (``force=True``: everything computed again),
   checking that its files are byte-identical to the serial run's;
3. a rerun with everything unchanged (every input skipped, its rows reused);
4. a rerun after one input changed (that input computed again, the others reused).

It prints each time, its ratio to the serial run, the columns read per input (projection) and the
peak memory of each worker. The machines are shared and noisy: compare the ratios.

    python benchmarks/bench_batch.py [--inputs 8] [--jobs 2] [--indicators work|all]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import yaml

import mhr_indicators as mhr
from mhr_indicators.batch.run import run_job

DESIGN = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}


def make_job(folder: Path, n_inputs: int, indicators: str) -> Path:
    """N countries (XAA, XAB, ...) from the example survey, and the job computing them."""
    df = mhr.load_example()
    shutil.copy(mhr.datasets.path("mappings/example_lfs.yaml"), folder / "example_lfs.yaml")
    inputs = []
    for k in range(n_inputs):
        code = f"XA{chr(ord('A') + k)}"
        df.assign(ref_area=code).to_parquet(folder / f"{code}.parquet")
        inputs.append(
            {
                "name": code,
                "path": f"{code}.parquet",
                "mapping": "example_lfs.yaml",
                "design": DESIGN,
            }
        )
    cfg = {
        "indicators": {"right": "work"} if indicators == "work" else {"source_kind": "survey"},
        "by": ["sex", "age_group"],
        "inputs": inputs,
        "output": {"path": "out/results", "formats": ["parquet", "csv", "sdmx", "partitioned"]},
    }
    path = folder / "job.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".run.json")
    }


def timed(label: str, config: Path, **kwargs) -> tuple[float, object]:
    """Run the job; print its wall time and the CPU time its inputs took (from the report)."""
    start = time.perf_counter()
    result = run_job(config, progress=False, **kwargs)
    took = time.perf_counter() - start
    records = result.report["inputs"]
    cpu = sum(r["cpu_time_s"] or 0 for r in records)
    statuses = [r["status"] for r in records]
    counts = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
    print(f"{label:<30} wall {took:7.2f} s   inputs' CPU {cpu:7.2f} s   {counts}")
    return took, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--indicators", choices=["work", "all"], default="work")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mhr-bench-batch-"))
    try:
        config = make_job(folder, args.inputs, args.indicators)
        print(
            f"{args.inputs} inputs of 3,841 rows x 139 columns; indicators: {args.indicators}, "
            f"by sex x age group; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} before the run\n"
        )
        serial, first = timed("serial (jobs=1)", config, force=True)
        serial_files = files(folder / "out")
        parallel, second = timed(f"parallel (jobs={args.jobs})", config, jobs=args.jobs, force=True)
        same = files(folder / "out") == serial_files
        rerun, _ = timed("rerun, everything unchanged", config)
        changed = folder / "XAA.parquet"
        data = mhr.load_example().assign(ref_area="XAA")
        data["weight"] = data["weight"] * 1.01
        data.to_parquet(changed)
        one, _ = timed("rerun, one input changed", config)
        print()
        print(f"parallel / serial wall time:        {parallel / serial:6.3f}")
        print(f"unchanged rerun / serial:           {rerun / serial:6.3f}")
        print(f"one changed, rerun / serial:  {one / serial:6.3f}  (1/N: {1 / args.inputs:.3f})")
        print(f"parallel files byte-identical to serial: {same}")
        entry = first.report["inputs"][0]
        print(f"columns read per input: {entry['columns_read']} of {entry['columns_in_file']}")
        peaks = [r["peak_memory_mib"] for r in second.report["inputs"]]
        print(f"peak memory per worker: {min(peaks):.0f}-{max(peaks):.0f} MiB")
        print(f"result rows: {len(first.results):,}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
