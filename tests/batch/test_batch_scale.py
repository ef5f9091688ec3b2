"""Batch runs at NSO scale: parallel workers, a killed worker, incremental reruns, --force,
the run report and the combined outputs (SDMX-CSV, the partitioned Parquet dataset)."""

from __future__ import annotations

import json
import os
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.batch import outputs as batch_outputs
from mhr_indicators.batch import parallel as batch_parallel
from mhr_indicators.batch import worker as batch_worker
from mhr_indicators.batch.run import run_job
from mhr_indicators.cli import main
from mhr_indicators.io.sdmx import sdmx_csv_frame

from ..conftest import REPO

DESIGN = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}
FORMATS = ["parquet", "csv", "sdmx", "partitioned"]


@pytest.fixture()
def workdir(tmp_path):
    """Three countries in three formats (Parquet, CSV, Stata without citizenship columns)."""
    shutil.copytree(REPO / "datasets" / "mappings", tmp_path / "mappings")
    df = mhr.load_example()
    df.to_parquet(tmp_path / "xsy.parquet")
    df.assign(ref_area="XSZ", time_period=2023).to_csv(tmp_path / "xsz.csv", index=False)
    other = df.assign(ref_area="XSW").drop(columns=["foreign_citizen", "citizenship"])
    other.iloc[:, :40].to_stata(tmp_path / "xsw.dta", write_index=False, version=118)
    return tmp_path


INPUTS = [("XSY", "xsy.parquet"), ("XSZ", "xsz.csv"), ("XSW", "xsw.dta")]


def _config(workdir, inputs=INPUTS, **extra) -> str:
    cfg = {
        "indicators": ["WORK.O.EPR", "WORK.O.UR", "WORK.O.PAY_GAP"],
        "by": ["sex"],
        "inputs": [
            {"name": n, "path": p, "mapping": "mappings/example_lfs.yaml", "design": DESIGN}
            for n, p in inputs
        ],
        "output": {"path": "out/results", "formats": FORMATS},
        **extra,
    }
    path = workdir / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def _files(folder) -> dict[str, bytes]:
    """Every file under ``folder`` but the run report, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".run.json")
    }


def _statuses(result) -> dict[str, str]:
    return {r["name"]: r["status"] for r in result.report["inputs"]}


def test_parallel_workers_write_the_files_of_a_serial_run(workdir):
    cfg = _config(workdir)
    serial = run_job(cfg)
    serial_files = _files(workdir / "out")
    parallel = run_job(cfg, jobs=2, force=True)
    assert _statuses(parallel) == {"XSY": "computed", "XSZ": "computed", "XSW": "computed"}
    assert _files(workdir / "out") == serial_files  # byte for byte, every format
    pd.testing.assert_frame_equal(parallel.results, serial.results)
    assert list(dict.fromkeys(parallel.results["source"])) == ["XSY", "XSZ", "XSW"]  # config order
    report = json.loads((workdir / "out" / "results.run.json").read_text())
    assert report["jobs"] == 2 and report["force"] is True
    for entry in report["inputs"]:
        assert entry["rows_read"] == 3841 and entry["peak_memory_mib"] > 10
        assert entry["wall_time_s"] > 0 and entry["indicators_requested"] == 3
    # the Stata file lacks citizenship: PAY_GAP is an issue of that input, counted in the report
    xsw = report["inputs"][2]
    assert xsw["indicators_computed"] == 2 and xsw["data_quality_issues"] == 1


def test_a_killed_worker_fails_its_own_input_and_the_others_complete(workdir, monkeypatch):
    real = batch_worker.read_table

    def dies_on_xsz(path, *args, **kwargs):
        if str(path).endswith("xsz.csv"):
            os._exit(9)  # the worker process ends at once, as when the system kills it
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch_worker, "read_table", dies_on_xsz)
    monkeypatch.setattr(batch_parallel, "START_METHOD", "fork")  # workers inherit the patch
    result = run_job(_config(workdir), jobs=2)
    assert result.failed_inputs == ["XSZ"]
    assert list(dict.fromkeys(result.results["source"])) == ["XSY", "XSW"]
    row = result.issues[result.issues["input"] == "XSZ"].iloc[0]
    assert row["problem"] == "input_failed" and "worker process" in row["detail"]
    assert _statuses(result) == {"XSY": "computed", "XSZ": "failed", "XSW": "computed"}
    written = mhr.read_results(workdir / "out" / "results.parquet").table
    assert set(written["source"]) == {"XSY", "XSW"}


def test_unchanged_inputs_are_skipped_and_their_rows_reused_byte_identically(workdir, monkeypatch):
    cfg = _config(workdir)
    run_job(cfg)
    df = pd.read_csv(workdir / "xsz.csv")
    df.loc[df.index[:200], "employed"] = 1 - df.loc[df.index[:200], "employed"]
    df.to_csv(workdir / "xsz.csv", index=False)  # XSZ changes, XSY and XSW do not
    read = []
    real = batch_worker.read_table
    monkeypatch.setattr(
        batch_worker, "read_table", lambda p, *a, **k: read.append(p.name) or real(p, *a, **k)
    )
    rerun = run_job(cfg)
    assert read == ["xsz.csv"]  # the unchanged files are not even read
    assert rerun.skipped_inputs == ["XSY", "XSW"]
    reasons = {r["name"]: r["reason"] for r in rerun.report["inputs"]}
    assert reasons["XSZ"] == "input file changed"
    incremental = _files(workdir / "out")
    forced = run_job(cfg, force=True)
    assert forced.skipped_inputs == [] and set(_statuses(forced).values()) == {"computed"}
    assert _files(workdir / "out") == incremental  # reused rows and issues are byte-identical
    summary = json.loads((workdir / "out" / "results.run.json").read_text())
    assert summary["skipped_inputs"] == [] and summary["force"] is True


def test_what_makes_an_input_computed_again(workdir):
    cfg = _config(workdir, inputs=INPUTS[:2])
    run_job(cfg)
    mapping = workdir / "mappings" / "example_lfs.yaml"
    mapping.write_text(mapping.read_text() + "\n# a comment changes the file\n")
    rerun = run_job(cfg)
    assert {r["reason"] for r in rerun.report["inputs"]} == {"mapping changed"}
    raw = yaml.safe_load(open(cfg))
    raw["inputs"][1]["design"] = {"weights": "weight"}  # XSZ's section changes
    open(cfg, "w").write(yaml.safe_dump(raw))
    rerun = run_job(cfg)
    assert rerun.skipped_inputs == ["XSY"]
    assert rerun.report["inputs"][1]["reason"].startswith("config changed")
    raw["by"] = ["age_group"]  # a job setting changes every input
    open(cfg, "w").write(yaml.safe_dump(raw))
    assert run_job(cfg).skipped_inputs == []
    assert run_job(cfg).skipped_inputs == ["XSY", "XSZ"]


def test_a_new_catalogue_version_computes_everything_again(workdir):
    shutil.copytree(REPO / "indicators", workdir / "catalogue")
    cfg = _config(workdir, inputs=INPUTS[:1], catalogue="catalogue")
    run_job(cfg)
    assert run_job(cfg).skipped_inputs == ["XSY"]
    index = workdir / "catalogue" / "catalogue.yaml"
    text = index.read_text()
    version = yaml.safe_load(text)["version"]
    index.write_text(text.replace(f'version: "{version}"', 'version: "2099.1.0"'))
    rerun = run_job(cfg)
    assert rerun.skipped_inputs == []
    assert rerun.report["inputs"][0]["reason"].startswith("catalogue version changed")


def test_an_input_carried_over_is_computed_again_once_it_reads(workdir):
    cfg = _config(workdir, inputs=INPUTS[:2])
    run_job(cfg)
    saved = (workdir / "xsz.csv").read_bytes()
    (workdir / "xsz.csv").unlink()
    failed = run_job(cfg)
    assert failed.failed_inputs == ["XSZ"] and failed.skipped_inputs == ["XSY"]
    assert failed.report["inputs"][1]["carried_over_rows"] > 0
    assert failed.report["carried_over_inputs"] == ["XSZ"]
    (workdir / "xsz.csv").write_bytes(saved)  # the same file as the first run's
    again = run_job(cfg)
    assert _statuses(again) == {"XSY": "skipped", "XSZ": "computed"}
    assert again.report["inputs"][1]["reason"].startswith("no complete previous results")
    assert not (again.issues["problem"] == "carried_over").any()


def test_sdmx_and_partitioned_outputs_hold_the_results(workdir):
    result = run_job(_config(workdir))
    out = workdir / "out"
    table = mhr.read_results(out / "results.parquet").table
    pd.testing.assert_frame_equal(table, result.results.reset_index(drop=True))
    sdmx = pd.read_csv(out / "results.sdmx.csv", dtype=str, keep_default_na=False)
    expected = sdmx_csv_frame(table).astype(str).replace({"nan": "", "<NA>": "", "None": ""})
    assert list(sdmx.columns) == list(expected.columns) and len(sdmx) == len(table)
    assert sdmx["REF_AREA"].tolist() == table["ref_area"].tolist()
    assert (
        sdmx["OBS_VALUE"]
        .replace("", "nan")
        .astype(float)
        .round(9)
        .equals(table["value"].astype(float).round(9))
    )
    parts = sorted(
        p.relative_to(out).as_posix() for p in (out / "results_by_area").rglob("*.parquet")
    )
    assert parts == [
        "results_by_area/ref_area=XSW/time_period=2024/part-0.parquet",
        "results_by_area/ref_area=XSY/time_period=2024/part-0.parquet",
        "results_by_area/ref_area=XSZ/time_period=2023/part-0.parquet",
    ]
    text = pa.schema([("ref_area", pa.string()), ("time_period", pa.string())])
    dataset = ds.dataset(out / "results_by_area", partitioning=ds.partitioning(text, flavor="hive"))
    back = dataset.to_table().to_pandas()[table.columns]
    key = ["ref_area", "time_period"]
    for area, rows in table.groupby(key, sort=False):
        got = back[(back[key] == list(area)).all(axis=1)].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            got, rows.reset_index(drop=True), check_dtype=False, check_categorical=False
        )


def test_a_failed_write_leaves_the_previous_folder_and_files_whole(workdir, monkeypatch):
    cfg = _config(workdir, inputs=INPUTS[:2])
    run_job(cfg)
    before = _files(workdir / "out")

    def failing(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch_outputs, "write_sdmx_csv", failing)
    (workdir / "xsz.csv").unlink()  # the new run would differ
    with pytest.raises(OSError, match="No space"):
        run_job(cfg)
    assert _files(workdir / "out") == before
    assert not [p for p in (workdir / "out").iterdir() if p.name.startswith(".mhr-run-")]


def test_formats_must_keep_a_readable_results_file(workdir):
    raw = yaml.safe_load(open(_config(workdir)))
    raw["output"]["formats"] = ["sdmx", "partitioned"]
    open(workdir / "job.yaml", "w").write(yaml.safe_dump(raw))
    with pytest.raises(mhr.SpecError, match="parquet or csv"):
        run_job(workdir / "job.yaml")


def test_cli_jobs_force_and_the_printed_run_report(workdir, capsys):
    cfg = _config(workdir, inputs=INPUTS[:2])
    assert main(["compute", cfg, "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "Run report: 2 input(s): 2 computed, 0 skipped (unchanged), 0 failed" in out
    assert "2 worker processes" in out and "MiB" in out
    assert main(["compute", cfg]) == 0
    assert "0 computed, 2 skipped (unchanged)" in capsys.readouterr().out
    assert main(["compute", cfg, "--force"]) == 0
    assert "2 computed, 0 skipped" in capsys.readouterr().out
    assert main(["compute", cfg, "--jobs", "0"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_a_folder_output_is_put_back_when_its_switch_fails(tmp_path, monkeypatch):
    target = tmp_path / "out" / "results_by_area"
    (target / "XSY").mkdir(parents=True)
    (target / "XSY" / "part-0.parquet").write_text("previous run")
    real = os.replace

    def replace(src, dst):
        if str(dst) == str(target) and "previous-" not in str(src):
            raise OSError(5, "Input/output error")
        return real(src, dst)

    def write(folder):
        (folder / "XSY").mkdir(parents=True)
        (folder / "XSY" / "part-0.parquet").write_text("this run")

    monkeypatch.setattr(batch_outputs.os, "replace", replace)
    with pytest.raises(OSError, match="Input/output"):
        batch_outputs.write_output_set({target: write})
    assert (target / "XSY" / "part-0.parquet").read_text() == "previous run"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["results_by_area"]


def test_the_progress_bar_shows_only_when_asked_or_on_a_terminal(workdir, capsys, monkeypatch):
    cfg = _config(workdir, inputs=INPUTS[:1])
    monkeypatch.setattr(batch_parallel, "PROGRESS_DELAY", 0)
    run_job(cfg, force=True)  # standard error is not a terminal here
    assert "inputs:" not in capsys.readouterr().err
    run_job(cfg, force=True, progress=True)
    assert "inputs: 100%" in capsys.readouterr().err
