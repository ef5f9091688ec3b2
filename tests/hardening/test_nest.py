"""``SurveyDesign(nest=)``, as R's ``svydesign(nest=)``.

R refuses PSU labels found in two strata unless ``nest=TRUE`` ("Clusters not nested in strata at
top level; you may want nest=TRUE"): a repeated label is usually a coding error that would
silently split one PSU in two. With ``nest=True`` a label is read within its stratum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mhr_indicators import SurveyDesign
from mhr_indicators.errors import DesignError


def numbered_within_strata(n_strata: int = 4, n_psu: int = 3, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        (f"h{h}", j + 1)
        for h in range(n_strata)
        for j in range(n_psu)
        for _ in range(int(rng.integers(2, 6)))
    ]
    df = pd.DataFrame(rows, columns=["stratum", "psu"])
    df["w"] = rng.uniform(1, 5, len(df))
    df["y"] = (rng.random(len(df)) < 0.4).astype(int)
    df["x"] = rng.normal(10, 2, len(df))
    df["g"] = rng.choice(["a", "b"], len(df))
    return df


def test_repeated_labels_are_an_error_by_default():
    df = numbered_within_strata()
    with pytest.raises(DesignError) as err:
        SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    text = str(err.value)
    assert "column 'psu' (psu)" in text and "column 'stratum'" in text
    assert "PSU 1 in strata 'h0', 'h1', 'h2', 'h3'" in text
    assert "nest=True" in text and "Clusters not nested in strata" in text
    assert err.value.column == "psu" and err.value.rows[:1] == [0]


def test_many_shared_labels_are_summarised():
    df = numbered_within_strata(n_strata=8, n_psu=9)
    with pytest.raises(DesignError) as err:
        SurveyDesign(df, weights="w", strata="stratum", psu="psu")
    text = str(err.value)
    assert "PSU 5 in strata 'h0', 'h1', 'h2', 'h3', 'h4' (and 3 more)" in text
    assert "(and 4 more PSU labels)" in text and "PSU 6 " not in text


def test_nest_true_equals_unique_labels():
    df = numbered_within_strata()
    nested = SurveyDesign(df, weights="w", strata="stratum", psu="psu", nest=True)
    unique = SurveyDesign(
        df.assign(psu=df["stratum"] + "-" + df["psu"].astype(str)),
        weights="w",
        strata="stratum",
        psu="psu",
    )
    for a, b in (
        (nested.proportion("y", by="g"), unique.proportion("y", by="g")),
        (nested.mean("x", by="g"), unique.mean("x", by="g")),
        (nested.total("x"), unique.total("x")),
    ):
        pd.testing.assert_frame_equal(a, b)
    assert "nest=True" in repr(nested) and "12 PSUs" in repr(nested)


def test_nest_changes_nothing_when_labels_are_already_unique():
    df = numbered_within_strata()
    df["psu"] = df["stratum"] + "/" + df["psu"].astype(str)
    a = SurveyDesign(df, weights="w", strata="stratum", psu="psu").mean("x")
    b = SurveyDesign(df, weights="w", strata="stratum", psu="psu", nest=True).mean("x")
    pd.testing.assert_frame_equal(a, b)


def test_without_strata_or_psu_nest_is_moot():
    df = numbered_within_strata()
    a = SurveyDesign(df, weights="w", psu="psu").mean("x")  # one stratum: labels are PSUs
    b = SurveyDesign(df, weights="w", psu="psu", nest=True).mean("x")
    pd.testing.assert_frame_equal(a, b)
    SurveyDesign(df, weights="w", strata="stratum")  # each row its own PSU: nothing to check
