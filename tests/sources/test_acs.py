"""ACS PUMS end to end: the shipped mapping, the survey indicators, against R (point estimates).

The reference (fixtures/acs/acs_reference.csv, made by make_acs_reference.R from the raw ACS
codes, independently of the library's mapping) gives svymean point estimates with the person
weight. The files carry no replicate weights: the library must report no standard error (NaN,
flag ``N``) rather than a with-replacement formula.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.io.tables import read_table

from ..conftest import FIXTURES, REPO, shared_data

MAPPING = REPO / "datasets" / "mappings" / "acs_pums.yaml"
IDS = ["WORK.O.EPR", "WORK.O.LFPR", "WORK.O.UR", "HEALTH.P.INSURANCE", "EDU.O.TERTIARY"]
REFERENCE = pd.read_csv(FIXTURES / "acs" / "acs_reference.csv")


@pytest.fixture(scope="module", params=["p_02", "p_11", "p_50", "p_56"])
def state(request):
    raw = read_table(shared_data("acs_pums_2024") / f"{request.param}.parquet")
    data = mhr.harmonise(raw, MAPPING)
    mhr.validate(data, "survey")
    design = mhr.SurveyDesign(data, weights="weight", variance="none")
    cat = mhr.load_catalogue()
    inds = [cat[i] for i in IDS] + [cat[i].for_criterion("citizenship") for i in IDS]
    res = mhr.compute(
        inds,
        survey=design,
        by=["sex", "age_group"],
        quality="none",
        source=f"ACS PUMS 2024 {request.param}",
    ).table
    return request.param, raw, data, res


def test_wyoming_weights_total(state):
    name, raw, data, _ = state
    if name == "p_56":
        assert len(raw) == 6199 and data["weight"].sum() == 587618


def test_point_estimates_match_r(state):
    name, _, _, res = state
    ref = REFERENCE[REFERENCE["file"] == name]
    labels = {
        ("CBR", 1): "foreign_born",
        ("CBR", 0): "native_born",
        ("CCT", 1): "foreign_citizen",
        ("CCT", 0): "national",
    }
    checked = 0
    for row in ref.itertuples(index=False):
        ind = row.indicator + ("_CCT" if row.criterion == "CCT" else "")
        pop = labels[(row.criterion, row.group)]
        got = res[
            (res["indicator_id"] == ind)
            & (res["population"] == pop)
            & (res["sex"] == row.sex)
            & (res["age_group"] == row.age_group)
        ]
        if len(got) == 0 and row.age_group == "Y_LT15":
            continue  # the indicator's population has no one under 15 there
        assert len(got) == 1, (ind, pop, row.sex, row.age_group)
        assert got["value"].item() == pytest.approx(row.value, rel=1e-9), (ind, pop, row)
        checked += 1
    assert checked > 100


def test_no_standard_error_is_invented(state):
    _, _, _, res = state
    groups = res[res["population"].isin(["foreign_born", "native_born"])]
    assert groups["se"].isna().all() and groups["ci_lower"].isna().all()
    assert (groups["flag"] == "N").all()
    gaps = res[res["population"] == "gap"]
    assert gaps["value"].notna().all() and gaps["se"].isna().all()


def test_mapping_proxies(state):
    _, raw, data, _ = state
    # legal status is a proxy: non-citizens are 'unknown', never a guessed status
    assert set(data.loc[raw["CIT"] == 5, "legal_status"]) == {"unknown"}
    assert set(data.loc[raw["CIT"] == 4, "citizenship_status"]) == {"naturalised"}
    # the armed forces are kept apart from the civilian labour force
    armed = raw["ESR"].isin([4, 5]).fillna(False).to_numpy(bool)
    assert data.loc[armed, "labour_status"].isna().all()
    assert (data.loc[armed, "armed_forces"] == 1).all()
    employed = (data["labour_status"] == "employed").to_numpy()
    assert data.loc[employed & raw["INDP"].notna().to_numpy(), "sector"].notna().mean() > 0.99
    assert np.allclose(data["earnings"].dropna(), raw["WAGP"].dropna() / 12)
