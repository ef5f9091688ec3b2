"""Column projection: a job reads only the columns it needs, and its results do not change."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyreadstat
import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.batch.config import DesignConfig
from mhr_indicators.batch.projection import canonical_columns, project
from mhr_indicators.batch.run import run_job
from mhr_indicators.io.tables import read_table, table_columns
from mhr_indicators.prepare.mapping import load_mapping

from ..conftest import REPO

DESIGN = {"weights": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}


def _run(tmp_path, inputs, indicators, by, read_columns, name="results"):
    cfg = {
        "indicators": indicators,
        "by": by,
        "inputs": inputs,
        "read_columns": read_columns,
        "output": {"path": f"out/{name}", "formats": ["parquet"]},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return run_job(path)


def test_projected_reads_give_the_results_of_full_reads_for_the_whole_survey_catalogue(
    tmp_path,
):
    shutil.copytree(REPO / "datasets" / "mappings", tmp_path / "mappings")
    mhr.load_example().to_parquet(tmp_path / "xsy.parquet")
    inputs = [
        {
            "name": "XSY",
            "path": "xsy.parquet",
            "mapping": "mappings/example_lfs.yaml",
            "design": DESIGN,
        }
    ]
    survey = {"source_kind": "survey"}
    full = _run(tmp_path, inputs, survey, ["legal_status"], "all", "full")
    part = _run(tmp_path, inputs, survey, ["legal_status"], "needed", "part")
    assert full.failed_inputs == part.failed_inputs == []
    pd.testing.assert_frame_equal(part.results, full.results)
    pd.testing.assert_frame_equal(part.issues, full.issues)
    read = part.report["inputs"][0]
    assert read["columns_in_file"] == 141  # with wg_ss and degurba (optional disaggregations)
    assert read["columns_read"] < 60  # no replicate weights, no column no indicator reads
    assert full.report["inputs"][0]["columns_read"] == 141


def test_a_renaming_recoding_mapping_is_traced_back_to_the_source_columns(tmp_path):
    """A source with its own names and codes (Stata and CSV): the projection reads the renamed
    and recoded columns under their source names, and the results do not change."""
    df = mhr.load_example()
    src = df.rename(columns={"sex": "SEXO", "age": "EDAD", "weight": "FACTOR"})
    src["SEXO"] = src["SEXO"].map({"M": 1, "F": 2})
    src = src.drop(columns=["age_group"])
    src.to_stata(tmp_path / "xsy.dta", write_index=False, version=118)
    src.to_csv(tmp_path / "xsy.csv", index=False)
    mapping = {
        "rename": {"SEXO": "sex", "EDAD": "age", "FACTOR": "weight"},
        "recode": {"sex": {1: "M", 2: "F"}},
        "derive": [
            {"column": "age_group", "age_bands": {"from": "age", "breaks": [15, 25, 55]}},
            {
                "column": "hourly_earnings",
                "divide": {"numerator": "earnings", "denominator": "hours"},
            },
        ],
    }
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping))
    inds = ["WORK.O.EPR", "WORK.O.UR", "WORK.O.PAY_GAP"]
    for path in ("xsy.dta", "xsy.csv"):
        inputs = [{"name": "XSY", "path": path, "mapping": "m.yaml", "design": DESIGN}]
        by = ["sex", "age_group", "sector"]
        full = _run(tmp_path, inputs, inds, by, "all", "full")
        part = _run(tmp_path, inputs, inds, by, "needed", "part")
        pd.testing.assert_frame_equal(part.results, full.results)
        pd.testing.assert_frame_equal(part.issues, full.issues)
        assert len(part.results) > 100
        assert part.report["inputs"][0]["columns_read"] < full.report["inputs"][0]["columns_read"]


def test_project_reads_what_the_mapping_and_the_indicators_read():
    available = ["SEXO", "EDAD", "FACTOR", "reg", "earn", "hrs", "unused", "rw1", "rw2", "sector"]
    mapping = load_mapping(
        {
            "rename": {"SEXO": "sex", "EDAD": "age", "FACTOR": "weight", "reg": "region"},
            "recode": {"sex": {1: "M", 2: "F"}},
            "constants": {"ref_area": "XSY", "time_period": 2024},
            "derive": [
                {"column": "age_group", "age_bands": {"from": "age", "breaks": [15, 25]}},
                {"column": "hourly", "divide": {"numerator": "earn", "denominator": "hrs"}},
                {"column": "urban_flag", "flag": "region == 'U'"},
            ],
        }
    )
    design = DesignConfig(weights="weight", replicate_weights="rw[0-9]+", method="SDR")
    chosen = project(available, mapping, ["ref_area", "sex", "age_group", "sector"], design)
    assert chosen.columns == [
        "SEXO",
        "EDAD",
        "FACTOR",
        "reg",
        "earn",
        "hrs",
        "rw1",
        "rw2",
        "sector",
    ]
    # sex is recoded and age_group derived: only the untouched code column is categorical
    assert chosen.categorical == ["sector"]
    assert project(available, None, ["sector", "nope"]).columns == ["sector"]


def test_canonical_columns_cover_each_migrant_criterion():
    cat = mhr.load_catalogue()
    epr, gap = cat["WORK.O.EPR"], cat["WORK.O.PAY_GAP"]
    cols = canonical_columns([epr, gap], ["sex"])
    assert {"ref_area", "time_period", "sex", "born_abroad"} <= set(cols)
    assert set(epr.required_columns) | set(gap.required_columns) <= set(cols)
    assert {"country_of_birth", "foreign_citizen", "citizenship"} <= set(cols)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".dta", ".sav"])
def test_read_table_reads_some_columns_of_every_format(tmp_path, suffix):
    df = mhr.load_example().iloc[:300, :40]
    path = tmp_path / f"x{suffix}"
    {
        ".parquet": lambda: df.to_parquet(path),
        ".csv": lambda: df.to_csv(path, index=False),
        ".dta": lambda: df.to_stata(path, write_index=False, version=118),
        ".sav": lambda: pyreadstat.write_sav(df, str(path)),
    }[suffix]()
    assert table_columns(path) == list(df.columns)
    full = read_table(path)
    part = read_table(path, columns=["sector", "weight", "sex", "age"], categorical=["sex", "age"])
    assert list(part.columns) == [c for c in df.columns if c in ("sector", "weight", "sex", "age")]
    assert isinstance(part["sex"].dtype, pd.CategoricalDtype)
    assert list(part["sex"].cat.categories) == ["F", "M"]
    assert pd.api.types.is_integer_dtype(part["age"]) or part["age"].dtype == float  # numbers
    pd.testing.assert_frame_equal(part.astype({"sex": full["sex"].dtype}), full[part.columns])
    with pytest.raises(mhr.MhrError, match="'nope'"):
        read_table(path, columns=["sex", "nope"])


def test_the_run_report_counts_the_columns_read(tmp_path):
    shutil.copytree(REPO / "datasets" / "mappings", tmp_path / "mappings")
    mhr.load_example().to_parquet(tmp_path / "xsy.parquet")
    inputs = [
        {
            "name": "XSY",
            "path": "xsy.parquet",
            "mapping": "mappings/example_lfs.yaml",
            "design": {"weights": "weight", "replicate_weights": "rw[0-9]+", "method": "SDR"},
        }
    ]
    result = _run(tmp_path, inputs, ["WORK.O.UR"], ["sex"], "needed")
    entry = json.loads((tmp_path / "out" / "results.run.json").read_text())["inputs"][0]
    assert entry == result.report["inputs"][0]
    # weight, 80 replicates, ref_area, time_period, sex, the UR columns, the criterion columns
    assert 85 <= entry["columns_read"] < 100 and entry["columns_in_file"] == 141
