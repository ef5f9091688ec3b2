"""The shipped synthetic example: reproducible from its generator, and plausible."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

from mhr_indicators import SurveyDesign

from ..conftest import REPO


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_example_lfs", REPO / "datasets" / "make_example_lfs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_file_is_what_the_seeded_generator_makes(example):
    made = _generator().make()
    pd.testing.assert_frame_equal(made.reset_index(drop=True), example, check_dtype=False)


def test_paley_hadamard_is_hadamard():
    h = _generator().paley_hadamard()
    assert h.shape == (80, 80)
    np.testing.assert_array_equal(h @ h.T, 80 * np.eye(80))


def test_csv_and_parquet_agree(example):
    csv = pd.read_csv(REPO / "datasets" / "example_lfs.csv")
    np.testing.assert_allclose(csv["rw17"], example["rw17"], rtol=1e-11)
    assert (csv["legal_status"] == example["legal_status"]).all()


def test_migrant_differences_are_plausible(example):
    d = SurveyDesign(
        example, weights="weight", replicate_weights=[f"rw{r}" for r in range(1, 81)], method="SDR"
    )
    share = d.mean("born_abroad").iloc[0]
    assert 0.08 < share["value"] < 0.25
    ur = d.ratio("unemployed", "in_labour_force", by="born_abroad").set_index("born_abroad")
    assert ur.loc[1.0, "value"] > ur.loc[0.0, "value"]
    pay = d.mean("earnings", by="born_abroad").set_index("born_abroad")
    assert pay.loc[1.0, "value"] < pay.loc[0.0, "value"]
    # the not-stated birthplace is kept apart, never folded into the native-born
    assert example["born_abroad"].isna().sum() > 0
    assert (example.loc[example["born_abroad"].isna(), "legal_status"] == "not_stated").all()
