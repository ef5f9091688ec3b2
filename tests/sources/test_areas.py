"""Reference areas: ISO 3166-2 subdivisions in ref_area, their country, names for results."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import DataValidationError, MhrError
from mhr_indicators.sources.areas import area, area_table, country_of, is_ref_area


def test_subdivisions_countries_and_regions():
    wy = area("US-WY")
    assert (wy.name, wy.kind, wy.country, wy.parent, wy.subdivision_type) == (
        "Wyoming",
        "subdivision",
        "USA",
        "USA",
        "State",
    )
    assert area("US-DC").subdivision_type == "District"
    # a province inside an autonomous community: parent is the community, country is Spain
    madrid = area("ES-M")
    assert madrid.parent == "ES-MD" and madrid.country == "ESP"
    assert area("USA").kind == "country" and country_of("USA") == "USA"
    assert country_of("US-AK") == "USA"
    assert area("001").name == "World" and area("001").kind == "region"
    assert area("1833").name == "Northern Africa and Western Asia"  # a DESA SDG region
    assert country_of("419") is None


def test_unknown_codes():
    assert not is_ref_area("US-ZZ") and not is_ref_area("us-wy") and not is_ref_area(None)
    with pytest.raises(MhrError, match="'US-ZZ' names no known area"):
        area("US-ZZ")
    with pytest.raises(MhrError, match="1 ref_area code\\(s\\) name no known area: 'XX-1'"):
        area_table(["US-WY", "XX-1"])


def test_area_table_for_results():
    table = area_table(["US-AK", "US-DC", "US-AK", "USA"])
    assert list(table["ref_area"]) == ["US-AK", "US-DC", "USA"]
    assert list(table["name"]) == ["Alaska", "District of Columbia", "United States"]
    assert list(table["country"]) == ["USA", "USA", "USA"]


def _survey(areas):
    return pd.DataFrame(
        {"weight": 1.0, "ref_area": areas, "time_period": "2024"}, index=range(len(areas))
    )


def test_schemas_accept_iso_3166_2_and_name_bad_codes():
    mhr.validate(_survey(["US-WY", "US-DC", "USA", "FRA"]), "survey")
    with pytest.raises(DataValidationError) as e:
        mhr.validate(_survey(["US-WY", "US-ZZ", "us-wy", "USA"]), "survey")
    fc = e.value.failure_cases
    assert set(zip(fc["index"], fc["failure_case"], strict=True)) == {(1, "US-ZZ"), (2, "us-wy")}
    assert "ISO 3166-2 subdivision code that ISO 3166-2 assigns" in str(e.value)
    legal = pd.DataFrame(
        {"ref_area": ["US-CA", "USA"], "instrument": ["POLICY-X"] * 2, "status": ["in_force"] * 2}
    )
    mhr.validate(legal, "ratifications")
