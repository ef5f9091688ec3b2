"""SurveyRun, the per-call state of the survey indicators: populations are evaluated once while
the indicators may already run, and a population's cells are freed after its last indicator,
also when an indicator ends before the indicators are counted."""

from __future__ import annotations

import collections
import threading

import pytest

import mhr_indicators as mhr
from mhr_indicators.engine import compute as compute_module
from mhr_indicators.engine import survey_run
from mhr_indicators.engine.quality import resolve_rules
from mhr_indicators.prepare.harmonise import harmonise

from ..conftest import REPO

# LFPR and EPR: one population; UR and INSURANCE: others
IDS = ["WORK.O.LFPR", "WORK.O.EPR", "WORK.O.UR", "HEALTH.P.INSURANCE"]


@pytest.fixture(scope="module")
def design():
    data = harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")
    return mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc")


def _indicators():
    cat = mhr.load_catalogue()
    return [cat[i] for i in IDS]


def test_each_population_is_evaluated_once_with_indicators_in_threads(monkeypatch, design):
    evaluated = collections.Counter()
    evaluate = survey_run.evaluate_filter

    def counted(text, *args, **kwargs):
        evaluated[text] += 1
        return evaluate(text, *args, **kwargs)

    monkeypatch.setattr(survey_run, "evaluate_filter", counted)
    monkeypatch.setattr(compute_module, "INDICATOR_THREADS", 2)
    mhr.compute(IDS, survey=design, by=["sex"])
    populations = {ind.population for ind in _indicators()}
    assert set(evaluated) == populations
    assert len(populations) == 3
    assert all(n == 1 for n in evaluated.values()), evaluated


def test_cells_released_before_the_counting_ends_are_freed_after_the_last_user(
    monkeypatch, design
):
    lfpr, epr = _indicators()[:2]
    assert lfpr.population == epr.population
    go = threading.Event()
    count = survey_run.SurveyRun._count_users

    def held(self, *args):
        assert go.wait(10)
        count(self, *args)

    monkeypatch.setattr(survey_run.SurveyRun, "_count_users", held)
    run = survey_run.SurveyRun(design, resolve_rules("default"), 0.95, "survey")
    run.prepare([lfpr, epr], ["sex"])
    sums = run.sums(lfpr.population, lfpr.migrant_criterion, ["sex"])
    run.release(lfpr, ["sex"])  # before the counting: applied once counted
    assert run.sums(lfpr.population, lfpr.migrant_criterion, ["sex"]) is sums
    go.set()
    run.close()  # waits for the counting
    assert run.sums(lfpr.population, lfpr.migrant_criterion, ["sex"]) is sums  # EPR still to come
    run.release(epr, ["sex"])
    assert run.sums(lfpr.population, lfpr.migrant_criterion, ["sex"]) is not sums  # freed: anew
