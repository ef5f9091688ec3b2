"""A batch never loses work: failures of one input, failed reruns, failed writes, reruns."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.batch import outputs as batch_outputs
from mhr_indicators.batch import worker as batch_worker
from mhr_indicators.batch.run import run_job

from ..conftest import REPO


@pytest.fixture()
def workdir(tmp_path):
    shutil.copytree(REPO / "datasets" / "mappings", tmp_path / "mappings")
    df = mhr.load_example()
    df.to_parquet(tmp_path / "xsy.parquet")
    df.assign(ref_area="XSZ", time_period=2023).to_parquet(tmp_path / "xsz.parquet")
    return tmp_path


def _config(workdir, inputs, **extra) -> str:
    design = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}
    cfg = {
        "indicators": ["WORK.O.EPR", "WORK.O.UR"],
        "by": ["sex"],
        "inputs": [
            {"name": n, "path": p, "mapping": "mappings/example_lfs.yaml", "design": design}
            for n, p in inputs
        ],
        "output": {"path": "out/results", "formats": ["parquet", "csv"]},
        **extra,
    }
    path = workdir / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


BOTH = [("XSY", "xsy.parquet"), ("XSZ", "xsz.parquet")]


def test_same_inputs_give_byte_identical_files(workdir):
    cfg = _config(workdir, BOTH)
    run_job(cfg)
    first = _files(workdir / "out")
    assert run_job(cfg).skipped_inputs == ["XSY", "XSZ"]  # unchanged: rows reused
    second = _files(workdir / "out")
    run_job(cfg, force=True)  # computed again
    third = _files(workdir / "out")
    assert set(first) == {
        "results.parquet",
        "results.csv",
        "results.csv.meta.json",
        "results.issues.csv",
        "results.run.json",
    }
    for name in first:
        if name != "results.run.json":  # when the run happened is recorded there only
            assert first[name] == second[name] == third[name], name


def test_failed_rerun_keeps_the_previous_results_of_that_input(workdir):
    cfg = _config(workdir, BOTH)
    good = run_job(cfg).results
    xsz_before = good[good["source"] == "XSZ"].reset_index(drop=True)
    (workdir / "xsz.parquet").unlink()  # the rerun cannot read XSZ
    rerun = run_job(cfg)
    assert rerun.failed_inputs == ["XSZ"]
    table = mhr.read_results(workdir / "out" / "results.parquet").table
    xsz_after = table[table["source"] == "XSZ"].reset_index(drop=True)
    pd.testing.assert_frame_equal(xsz_after, xsz_before)
    assert len(table) == len(good)
    carried = rerun.issues[rerun.issues["problem"] == "carried_over"]
    assert list(carried["input"]) == ["XSZ"]
    assert str(len(xsz_before)) in carried["detail"].item()


def test_a_run_where_every_input_fails_keeps_every_result(workdir):
    cfg = _config(workdir, BOTH)
    before = mhr.read_results(run_job(cfg).outputs[0]).table
    for name in ("xsy.parquet", "xsz.parquet"):
        (workdir / name).unlink()
    result = run_job(cfg)
    assert sorted(result.failed_inputs) == ["XSY", "XSZ"]
    pd.testing.assert_frame_equal(
        mhr.read_results(workdir / "out" / "results.parquet").table, before
    )
    assert set(result.issues.loc[result.issues["problem"] == "carried_over", "input"]) == {
        "XSY",
        "XSZ",
    }


def test_a_first_run_where_every_input_fails_writes_nothing(workdir):
    for name in ("xsy.parquet", "xsz.parquet"):
        (workdir / name).unlink()
    result = run_job(_config(workdir, BOTH))
    assert result.outputs == [] and not (workdir / "out").exists()


def test_an_unexpected_error_in_one_input_does_not_stop_the_batch(workdir, monkeypatch):
    real = batch_worker.harmonise

    def broken(data, mapping):
        if (data["ref_area"] == "XSZ").any():
            raise KeyError("values")  # a bug, not a library error
        return real(data, mapping)

    monkeypatch.setattr(batch_worker, "harmonise", broken)
    result = run_job(_config(workdir, BOTH))
    assert result.failed_inputs == ["XSZ"]
    assert set(result.results["source"]) == {"XSY"}
    row = result.issues[result.issues["input"] == "XSZ"].iloc[0]
    assert row["problem"] == "input_failed" and "KeyError" in row["detail"]


def test_a_failed_write_leaves_the_previous_files_whole(workdir, monkeypatch):
    cfg = _config(workdir, BOTH)
    run_job(cfg)
    before = _files(workdir / "out")
    real = batch_outputs.write_table

    def failing(table, path, metadata=None):
        if str(path).endswith(".csv") and metadata is not None:
            raise OSError(28, "No space left on device")
        return real(table, path, metadata)

    monkeypatch.setattr(batch_outputs, "write_table", failing)
    (workdir / "xsz.parquet").unlink()  # the new run differs from the old one
    with pytest.raises(OSError, match="No space"):
        run_job(cfg)
    assert _files(workdir / "out") == before  # no mix of two runs, no half-written file
    assert not [p for p in (workdir / "out").iterdir() if p.name.startswith(".mhr-run-")]


def test_duplicate_input_names_are_refused(workdir):
    cfg = _config(workdir, [("XSY", "xsy.parquet"), ("XSY", "xsz.parquet")])
    with pytest.raises(mhr.SpecError, match=r"unique.*'XSY'"):
        run_job(cfg)


def test_ratifications_kind_keeps_its_old_spelling(workdir):
    cfg = yaml.safe_load(open(_config(workdir, BOTH)))
    cfg["inputs"] = [{"name": "LEGAL", "path": "legal.csv", "kind": "ratifications"}]
    from mhr_indicators.batch.config import JobConfig

    assert JobConfig.model_validate(cfg).inputs[0].kind == "ratification"


def test_results_read_back_from_a_batch_keep_their_issues(workdir):
    cfg = _config(workdir, BOTH, by=["sex", "sector"])  # UR has no sector breakdown: an issue
    result = run_job(cfg)
    assert len(result.issues) > 0
    back = mhr.read_results(workdir / "out" / "results.parquet")
    assert len(back.issues) == len(result.issues)
    assert set(back.issues["input"]) == {"XSY", "XSZ"}


def test_a_job_writes_the_profiles_it_lists(workdir):
    cfg = yaml.safe_load(open(_config(workdir, BOTH)))
    cfg["output"]["profiles"] = ["XSZ", "XNO"]  # XNO has no results: no page
    cfg["output"]["profile_formats"] = ["png"]
    path = workdir / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = run_job(str(path))
    made = sorted(p.name for p in result.outputs if "_profile_" in p.name)
    assert made == ["results_profile_XSZ.png"]
    assert (workdir / "out" / made[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_stock_input_that_only_gives_denominators_is_not_a_failure(workdir):
    for name in ("example_stock.csv", "example_admin.csv"):
        shutil.copy(REPO / "datasets" / name, workdir / name)
    cfg = {
        "indicators": {"right": "liberty"},  # no stock indicator among them
        "inputs": [
            {"name": "STOCK", "kind": "stock", "path": "example_stock.csv"},
            {"name": "ADMIN", "kind": "admin", "path": "example_admin.csv", "stock_from": "STOCK"},
        ],
        "output": {"path": "out/results"},
    }
    path = workdir / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    result = run_job(str(path))
    assert result.failed_inputs == []
    rate = result.results[result.results["indicator_id"] == "LIBERTY.O.DETENTION_RATE"]
    assert rate["value"].notna().any()  # the stock gave the denominators
