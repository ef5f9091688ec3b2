"""compute runs survey indicators in threads: the same table and issues, in the same order, as
when it runs them one after another; an error is raised for the first failing indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.engine import compute as compute_module
from mhr_indicators.errors import IndicatorInputError
from mhr_indicators.prepare.harmonise import harmonise

from ..conftest import REPO

# proportions and a mean, one whose column is dropped below (an error), two not broken down
# by sex or by legal status (notes), an aggregate indicator (no survey input: an error), and
# two indicators of one population (their cells shared and freed once both are done)
IDS = [
    "WORK.O.EPR",
    "LIBERTY.O.PARTNER_VIOLENCE",
    "EDU.P.EARLY_CHILDHOOD",
    "WORK.O.EARN_MONTH",
    "WORK.O.INFORMAL",
    "HEALTH.P.INSURANCE",
    "CONTEXT.O.STOCK_PCT",
    "WORK.O.LFPR",
    "WORK.O.UR",
]


@pytest.fixture(scope="module")
def thin():
    data = harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")
    return mhr.SurveyDesign(
        data.drop(columns=["informal"]), weights="weight", strata="stratum", psu="psu", fpc="fpc"
    )


def _compute(monkeypatch, threads: int, design, **kwargs) -> mhr.Results:
    monkeypatch.setattr(compute_module, "INDICATOR_THREADS", threads)
    return mhr.compute(IDS, survey=design, by=["sex", "legal_status"], **kwargs)


def test_indicators_in_threads_give_what_they_give_in_turn(monkeypatch, thin):
    alone = _compute(monkeypatch, 1, thin, errors="collect")
    together = _compute(monkeypatch, 2, thin, errors="collect")
    pd.testing.assert_frame_equal(together.table, alone.table)
    pd.testing.assert_frame_equal(together.issues, alone.issues)
    # what the comparison rests on: every survey indicator there but the one lacking a column
    got = list(dict.fromkeys(alone.table["indicator_id"]))
    assert got == [i for i in IDS if i not in ("WORK.O.INFORMAL", "CONTEXT.O.STOCK_PCT")]
    problems = alone.issues.groupby("indicator_id")["problem"].agg(set)
    assert problems["WORK.O.INFORMAL"] == problems["CONTEXT.O.STOCK_PCT"] == {"missing_input"}
    assert problems["LIBERTY.O.PARTNER_VIOLENCE"] == {"not_disaggregated"}
    assert problems["EDU.P.EARLY_CHILDHOOD"] == {"not_disaggregated"}
    assert np.isfinite(alone.table["value"]).any()


def test_the_first_failing_indicator_raises(monkeypatch, thin):
    with pytest.raises(IndicatorInputError, match="WORK.O.INFORMAL"):
        _compute(monkeypatch, 2, thin)
