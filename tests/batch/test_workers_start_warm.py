"""What a batch's worker processes start from: a warmed-up fork server, and their share of
the cores."""

from __future__ import annotations

import pytest

import mhr_indicators as mhr
from mhr_indicators.batch import parallel, warm
from mhr_indicators.engine import column_checks, compute, survey_indicators, survey_run


def test_the_warm_up_computes_and_never_stops_a_batch(monkeypatch):
    assert warm.warm_up() is True

    def broken():
        raise OSError("example data unreadable")

    monkeypatch.setattr(mhr, "load_example", broken)
    assert warm.warm_up() is False  # workers then start cold, as without it


@pytest.mark.parametrize(
    ("threads", "breakdowns", "read_ahead", "checks"), [(1, 1, 0, 1), (2, 2, 1, 2), (8, 2, 1, 2)]
)
def test_a_worker_uses_its_share_of_the_cores(monkeypatch, threads, breakdowns, read_ahead, checks):
    monkeypatch.setattr(compute, "INDICATOR_THREADS", 2)
    monkeypatch.setattr(survey_indicators, "BREAKDOWN_THREADS", 2)
    monkeypatch.setattr(survey_run, "READ_AHEAD_THREADS", 1)
    monkeypatch.setattr(column_checks, "CHECK_THREADS", 2)
    parallel._share_cores(threads)
    assert compute.INDICATOR_THREADS == breakdowns  # indicators at once: as breakdowns
    assert survey_indicators.BREAKDOWN_THREADS == breakdowns
    assert survey_run.READ_AHEAD_THREADS == read_ahead
    assert column_checks.CHECK_THREADS == checks
