"""Comparisons made from the variances and covariance of the compared cells (no scores kept)
equal those made from their scores, for every kind and lonely-PSU policy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import mhr_indicators as mhr
from mhr_indicators.errors import ConfigurationError
from mhr_indicators.survey.table_loops import pair_forms

KINDS = ["gap", "ratio", "relative_gap", "parity_index", "adjusted_parity_index"]


def test_pair_forms_by_hand():
    # two cells over three PSUs: PSUs 0 and 1 in stratum 0 (2 PSUs), PSU 2 alone in stratum 1
    scores = sp.csr_matrix(np.array([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]]))
    n_psu = np.array([2.0, 1.0])
    lonely = np.array([False, True])
    coef = np.array([2.0, 1.0])  # n_h / (n_h - 1) for stratum 0; 1 for the lonely one
    qa, qb, qab = pair_forms(
        scores.indptr, scores.indices, scores.data, np.array([0, 0]), np.array([1, 0]),
        np.array([0, 0, 1]), n_psu, lonely, coef, 3,
    )  # fmt: skip
    # stratum 0, cell 0: 2 * (1 + 9 - 4^2 / 2) = 4; lonely stratum 1 (not centred): 2^2
    assert qa.tolist() == [8.0, 8.0]
    # cell 1: 2 * (16 - 4^2 / 2) = 16, plus 5^2
    assert qb.tolist() == [41.0, 8.0]
    # covariance: 2 * (1 * 4 + 3 * 0 - 4 * 4 / 2) = -8, plus 2 * 5
    assert qab.tolist() == [2.0, 8.0]


def test_pair_forms_of_rows_whose_psus_are_not_in_order():
    """Scores made by a contrast list a row's PSUs in order of first appearance: they are
    sorted before the rows are read together."""
    from dataclasses import replace

    from mhr_indicators.survey.covariance import pair_forms as forms_of

    data = mhr.harmonise(mhr.load_example(), mhr.datasets.path("mappings/example_lfs.yaml"))
    design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu")
    est = design.estimate("mean", "age", by=["sex", "born_abroad"])._est
    sorted_scores = est.scores.tocsr()
    psus = [set(sorted_scores[r].indices) for r in range(sorted_scores.shape[0])]
    assert psus[0] != psus[1] and psus[0] & psus[1]  # the rows share some PSUs, not all
    shuffled = sorted_scores.copy()
    for r in range(shuffled.shape[0]):  # each row's entries reversed: the same matrix
        lo, hi = shuffled.indptr[r], shuffled.indptr[r + 1]
        shuffled.indices[lo:hi] = shuffled.indices[lo:hi][::-1].copy()
        shuffled.data[lo:hi] = shuffled.data[lo:hi][::-1].copy()
    shuffled.has_sorted_indices = False
    a, b = np.array([0, 1, 0]), np.array([1, 1, 3])
    want = forms_of(replace(est, scores=sorted_scores), a, b)
    got = forms_of(replace(est, scores=shuffled), a, b)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-14)
    # the variance of a row is that of the design's estimate
    np.testing.assert_allclose(want[0], est.variance[a], rtol=1e-12)


@pytest.fixture(scope="module")
def data():
    return mhr.harmonise(mhr.load_example(), mhr.datasets.path("mappings/example_lfs.yaml"))


@pytest.mark.parametrize("lonely_psu", ["adjust", "certainty", "remove", "average"])
def test_without_scores_equals_with_scores(data, lonely_psu):
    # a lonely PSU: one stratum cut down to a single PSU
    first = data["stratum"].iloc[0]
    alone = data[(data["stratum"] != first) | (data["psu"] == data["psu"].iloc[0])]
    design = mhr.SurveyDesign(
        alone, weights="weight", strata="stratum", psu="psu", lonely_psu=lonely_psu
    )
    est = design.estimate("proportion", "employed", by=["sex", "born_abroad"], where="age >= 15")
    cells = est.labels
    women = np.flatnonzero(cells["sex"].eq("F").to_numpy())
    men = np.flatnonzero(cells["sex"].eq("M").to_numpy())
    a = np.concatenate([women, women[:1]])  # the last pair compares a cell with itself
    b = np.concatenate([men, women[:1]])
    for kind in KINDS:
        slow = est.compare(a, b, kind)
        fast = est.compare(a, b, kind, scores=False)
        np.testing.assert_array_equal(fast.value, slow.value)
        np.testing.assert_allclose(fast.se, slow.se, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(fast.n_unweighted, slow.n_unweighted)
        np.testing.assert_array_equal(fast.df, slow.df)
    assert fast.se[-1] == 0.0 or np.isnan(fast.se[-1])  # a cell against itself
    assert np.isfinite(fast.se[:-1]).all() and (fast.se[:-1] > 0).all()


def test_replicate_designs_and_further_contrasts(data):
    reps = [f"rw{r}" for r in range(1, 81)]
    design = mhr.SurveyDesign(data, weights="weight", replicate_weights=reps, method="SDR")
    est = design.estimate("proportion", "employed", by=["sex"], where="age >= 15")
    fast = est.compare([0], [1], "ratio", scores=False)
    np.testing.assert_array_equal(fast.se, est.compare([0], [1], "ratio").se)
    taylor = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu")
    gaps = taylor.estimate("mean", "hours", by=["sex"]).compare([0, 1], [1, 0], scores=False)
    with pytest.raises(ConfigurationError, match="without their scores"):
        gaps.contrast([1.0, 1.0])
