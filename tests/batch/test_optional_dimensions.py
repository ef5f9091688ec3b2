"""A batch job broken down by an optional dimension: ``by: [sex, disability]``."""

from __future__ import annotations

import shutil

import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.batch.config import load_job
from mhr_indicators.batch.run import run_job
from mhr_indicators.engine.results import read_results
from mhr_indicators.errors import SpecError
from mhr_indicators.vocab import result_columns

from ..conftest import REPO

DESIGN = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}


def _job(tmp_path, by) -> str:
    shutil.copytree(REPO / "datasets" / "mappings", tmp_path / "mappings", dirs_exist_ok=True)
    mhr.load_example().to_parquet(tmp_path / "xsy.parquet")
    cfg = {
        "indicators": ["WORK.O.EPR", "EDU.P.EARLY_CHILDHOOD"],
        "by": by,
        "inputs": [
            {
                "name": "XSY",
                "path": "xsy.parquet",
                "mapping": "mappings/example_lfs.yaml",
                "design": DESIGN,
            }
        ],
        "output": {"path": "out/results", "formats": ["parquet", "csv", "sdmx"]},
    }
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def test_a_job_by_sex_and_disability(tmp_path):
    result = run_job(_job(tmp_path, ["sex", "disability"]))
    assert result.failed_inputs == []
    back = read_results(tmp_path / "out" / "results.parquet")
    assert list(back.table.columns) == result_columns(["disability"])
    t = back.table
    epr = t[t["indicator_id"] == "WORK.O.EPR"]
    assert set(epr["disability"]) == {"with_disability", "without_disability", "_T"}
    # EDU.P.EARLY_CHILDHOOD (ages 3-5) has no disability breakdown: _T, with an issue
    early = t[t["indicator_id"] == "EDU.P.EARLY_CHILDHOOD"]
    assert len(early) and (early["disability"] == "_T").all()
    assert "disability" in " ".join(back.issues["detail"].dropna())
    # the job's figures are those of compute on the same data
    mapping = REPO / "datasets" / "mappings" / "example_lfs.yaml"
    data = mhr.harmonise(mhr.load_example(), mapping)
    design = mhr.SurveyDesign(data, **DESIGN)
    direct = mhr.compute("WORK.O.EPR", survey=design, by=["sex", "disability"]).table
    key = ["population", "sex", "disability"]
    mine = epr.set_index(key)["value"]
    theirs = direct.set_index(key)["value"]
    cell = ("foreign_born", "F", "without_disability")
    assert mine[cell] == pytest.approx(theirs[cell]) and mine[cell] > 0
    assert mine.reindex(theirs.index).equals(theirs)
    sdmx = (tmp_path / "out" / "results.sdmx.csv").read_text().splitlines()[0]
    assert "DISABILITY_STATUS" in sdmx.split(",")


def test_a_job_config_refuses_an_unknown_dimension(tmp_path):
    with pytest.raises(
        SpecError, match=r"by\.1.*'disability', 'urbanisation' or 'citizenship_status'"
    ):
        load_job(_job(tmp_path, ["sex", "disabilty"]))
