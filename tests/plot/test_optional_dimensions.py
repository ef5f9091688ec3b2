"""Charts read results with an optional dimension (disability) as well as results without."""

from __future__ import annotations

import matplotlib
import pytest

import mhr_indicators as mhr
from mhr_indicators import plot
from mhr_indicators.errors import ConfigurationError
from mhr_indicators.plot import data

from ..conftest import REPO

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def by_disability():
    frame = mhr.harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")
    design = mhr.SurveyDesign(frame, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    return mhr.compute(["WORK.O.EPR", "WORK.O.UR"], survey=design, by=["sex", "disability"])


def test_rows_by_an_optional_dimension(by_disability):
    rows, area, _ = data.indicator_rows(by_disability, "WORK.O.EPR", by="disability")
    assert area == "XSY"
    assert set(rows["disability"]) == {"with_disability", "without_disability", "_T"}
    assert (rows["sex"] == "_T").all()
    total, _, _ = data.indicator_rows(by_disability, "WORK.O.EPR")
    assert (total[["sex", "disability"]] == "_T").all().all()
    assert data.total_cell(by_disability.table).sum() == len(
        by_disability.table.query("sex == '_T' and disability == '_T'")
    )
    with pytest.raises(ConfigurationError, match="not in these results"):
        data.indicator_rows(by_disability, "WORK.O.EPR", by="urbanisation")
    assert data.category_label("urbanisation", "R") == "Rural"
    assert data.DIMENSION_NAMES["disability"] == "Disability"


def test_the_country_profile_draws_with_the_column(by_disability):
    import matplotlib.pyplot as plt

    fig = plot.country_profile(by_disability, "XSY", date="2026-12-05")
    assert fig is not None
    plt.close("all")
