"""compute() comparisons (gaps, ratios, relative gaps) against R survey's svycontrast.

R: ``svyby(~y, ~group, subset(design, ...), svymean, covmat=TRUE)`` then ``svycontrast`` (see
``fixtures/r_survey/make_fixtures.R``): the delta-method SE carries the covariance of the two
groups, which share strata and PSUs (or replicates).
"""

from __future__ import annotations

import numpy as np
import pytest

import mhr_indicators as mhr
from mhr_indicators.engine.compute import compute
from mhr_indicators.prepare.harmonise import harmonise

from ..conftest import REPO
from ..survey.test_r_reference import REFERENCE


@pytest.fixture(scope="module")
def canonical():
    return harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")


@pytest.fixture(scope="module")
def designs(canonical):
    reps = [f"rw{r}" for r in range(1, 81)]
    return {
        "taylor": mhr.SurveyDesign(
            canonical, weights="weight", strata="stratum", psu="psu", fpc="fpc"
        ),
        "sdr": mhr.SurveyDesign(canonical, weights="weight", replicate_weights=reps, method="SDR"),
    }


CASES = [  # (R case stem, indicator, by, comparison kinds, multiplier of the unit)
    ("epr", "WORK.O.EPR", [], ["gap", "ratio"], 100.0),
    ("epr_by_sex", "WORK.O.EPR", ["sex"], ["gap", "ratio"], 100.0),
    ("earn", "WORK.O.EARN_MONTH", [], ["gap", "ratio"], 1.0),
    ("paygap_by_sex", "WORK.O.PAY_GAP", ["sex"], ["relative_gap"], 100.0),
]


@pytest.mark.parametrize("kind", ["taylor", "sdr"])
@pytest.mark.parametrize(("stem", "indicator", "by", "comparisons", "mult"), CASES)
def test_comparisons_match_svycontrast(designs, kind, stem, indicator, by, comparisons, mult):
    res = compute([indicator], survey=designs[kind], by=by, quality="none").table
    for comp in comparisons:
        ref = REFERENCE[REFERENCE["case"] == f"cmp_{kind}_{stem}_{comp}"].set_index("cell")
        assert len(ref) > 0
        rows = res[res["population"] == comp]
        if by:
            rows = rows[rows["sex"] != "_T"].set_index("sex")
        else:
            rows = rows.assign(cell="_T").set_index("cell")
        assert sorted(rows.index) == sorted(ref.index)
        scale = 1.0 if comp == "ratio" else mult
        for cell in ref.index:
            assert rows.loc[cell, "value"] == pytest.approx(
                ref.loc[cell, "value"] * scale, rel=1e-8
            )
            assert rows.loc[cell, "se"] == pytest.approx(ref.loc[cell, "se"] * scale, rel=1e-6)


def test_gap_se_is_not_the_naive_one(designs):
    res = compute(["WORK.O.EPR"], survey=designs["taylor"], quality="none").table
    rows = res.set_index("population")
    naive = np.hypot(rows.loc["foreign_born", "se"], rows.loc["native_born", "se"])
    assert rows.loc["gap", "se"] != pytest.approx(naive, rel=1e-3)
