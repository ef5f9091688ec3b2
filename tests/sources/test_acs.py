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
from mhr_indicators.sources.areas import area, country_of

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
        if len(got) == 0 and row.age_group == "Y_LT16":
            continue  # the indicator's population has no one under 16 there
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
    # every employed person has an industry and a sector (INDP codes 5791, 6781 included)
    employed = (data["labour_status"] == "employed").to_numpy()
    assert raw.loc[employed, "INDP"].notna().all()
    assert data.loc[employed, "sector"].notna().all()
    assert data.loc[armed, "sector"].eq("O").all()  # military industries: defence
    assert np.allclose(data["earnings"].dropna(), raw["WAGP"].dropna() / 12)


# --- states as areas; the mapping against the 2024 PUMS data dictionary ------------------------

#: STATE codes of the 2024 ACS PUMS data dictionary (October 16, 2025), with their names.
STATES_2024 = {
    "01": "Alabama", "02": "Alaska", "04": "Arizona", "05": "Arkansas", "06": "California",
    "08": "Colorado", "09": "Connecticut", "10": "Delaware", "11": "District of Columbia",
    "12": "Florida", "13": "Georgia", "15": "Hawaii", "16": "Idaho", "17": "Illinois",
    "18": "Indiana", "19": "Iowa", "20": "Kansas", "21": "Kentucky", "22": "Louisiana",
    "23": "Maine", "24": "Maryland", "25": "Massachusetts", "26": "Michigan", "27": "Minnesota",
    "28": "Mississippi", "29": "Missouri", "30": "Montana", "31": "Nebraska", "32": "Nevada",
    "33": "New Hampshire", "34": "New Jersey", "35": "New Mexico", "36": "New York",
    "37": "North Carolina", "38": "North Dakota", "39": "Ohio", "40": "Oklahoma",
    "41": "Oregon", "42": "Pennsylvania", "44": "Rhode Island", "45": "South Carolina",
    "46": "South Dakota", "47": "Tennessee", "48": "Texas", "49": "Utah", "50": "Vermont",
    "51": "Virginia", "53": "Washington", "54": "West Virginia", "55": "Wisconsin",
    "56": "Wyoming", "72": "Puerto Rico",
}  # fmt: skip

#: INDP codes of the 2024 ACS PUMS data dictionary ("Industry recode for 2023 and later based
#: on 2022 IND codes"), 9920 (unemployed, last worked 5 years ago or earlier or never worked)
#: apart.
INDP_2024 = """
0170 0180 0190 0270 0280 0290 0370 0380 0390 0470 0490 0570 0580 0590 0670 0680 0690 0770 1070
1080 1090 1170 1180 1190 1270 1280 1290 1370 1390 1470 1480 1490 1570 1590 1670 1691 1770 1790
1870 1880 1890 1990 2070 2090 2170 2180 2190 2270 2280 2290 2370 2380 2390 2470 2480 2490 2570
2590 2670 2680 2690 2770 2780 2790 2870 2880 2890 2970 2980 2990 3070 3080 3095 3170 3180 3291
3365 3370 3380 3390 3470 3490 3570 3580 3590 3670 3680 3690 3770 3780 3790 3875 3895 3960 3970
3980 3990 4070 4080 4090 4170 4180 4195 4265 4270 4280 4290 4370 4380 4390 4470 4480 4490 4560
4570 4580 4585 4590 4670 4681 4691 4771 4796 4871 4881 4891 4971 4973 4981 4991 5071 5081 5090
5171 5181 5191 5276 5281 5296 5371 5382 5392 5471 5481 5491 5571 5581 5680 5791 6070 6080 6090
6170 6180 6190 6270 6280 6290 6370 6380 6390 6471 6481 6490 6570 6590 6671 6680 6690 6695 6770
6781 6871 6881 6890 6970 6991 6992 7071 7072 7080 7181 7190 7270 7280 7290 7370 7380 7390 7460
7470 7480 7490 7570 7580 7590 7670 7680 7690 7770 7780 7790 7860 7870 7880 7890 7970 7980 7990
8070 8080 8090 8170 8180 8191 8192 8270 8290 8370 8380 8390 8470 8561 8562 8563 8564 8570 8580
8590 8660 8670 8680 8690 8770 8780 8790 8870 8891 8970 8980 8990 9070 9080 9090 9160 9170 9180
9190 9290 9370 9380 9390 9470 9480 9490 9570 9590 9670 9680 9690 9770 9780 9790 9870
""".split()


def _derivation(column):
    import yaml

    spec = yaml.safe_load(MAPPING.read_text())
    return next(d for d in spec["derive"] if d["column"] == column)


def test_every_indp_code_of_the_2024_dictionary_has_one_section():
    assert len(INDP_2024) == 264
    ranges = _derivation("sector")["ranges"]["ranges"]
    for code in INDP_2024:
        hits = [sec for low, high, sec in ranges if low <= int(code) <= high]
        assert len(hits) == 1, (code, hits)
    # spot checks against the dictionary's labels: RET-, INF-, MIL-, SRV-Private Households
    section = {c: next(s for lo, hi, s in ranges if lo <= int(c) <= hi) for c in INDP_2024}
    assert section["5791"] == "G" and section["6781"] == "J"
    assert section["9670"] == "O" and section["9290"] == "T" and section["0770"] == "F"


def test_state_codes_are_iso_3166_2_subdivisions_of_the_united_states():
    values = _derivation("ref_area")["map"]["values"]
    assert set(values) == set(STATES_2024)
    for fips, code in values.items():
        found = area(code)
        assert found.kind == "subdivision" and found.country == "USA"
        assert found.name == STATES_2024[fips], (fips, code, found.name)
    assert country_of("US-WY") == "USA"


def test_four_state_files_give_four_state_areas():
    raw = pd.concat(
        [
            read_table(shared_data("acs_pums_2024") / f"p_{s}.parquet")
            for s in ("02", "11", "50", "56")
        ],
        ignore_index=True,
    )
    data = mhr.harmonise(raw, MAPPING)
    mhr.validate(data, "survey")
    design = mhr.SurveyDesign(data, weights="weight", variance="none")
    res = mhr.compute(["WORK.O.EPR"], survey=design, quality="none").table
    groups = res[res["population"].isin(["foreign_born", "native_born"])]
    assert set(groups["ref_area"]) == {"US-AK", "US-DC", "US-VT", "US-WY"}
    # each state's figure is that state's own, as from its file alone (R reference, all ages)
    ref = REFERENCE[
        (REFERENCE["indicator"] == "WORK.O.EPR")
        & (REFERENCE["criterion"] == "CBR")
        & (REFERENCE["sex"] == "_T")
        & (REFERENCE["age_group"] == "_T")
    ]
    states = {"p_02": "US-AK", "p_11": "US-DC", "p_50": "US-VT", "p_56": "US-WY"}
    for row in ref.itertuples(index=False):
        pop = "foreign_born" if row.group == 1 else "native_born"
        got = groups[(groups["ref_area"] == states[row.file]) & (groups["population"] == pop)]
        got = got[(got["sex"] == "_T") & (got["age_group"] == "_T")]
        assert got["value"].item() == pytest.approx(row.value, rel=1e-9)
