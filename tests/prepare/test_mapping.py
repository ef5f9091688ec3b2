"""The harmonisation mapping model: every problem reported at load time, with file, entry, field."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal
from pydantic import ValidationError

from mhr_indicators import ColumnNotFoundError, HarmonisationError, SpecError
from mhr_indicators.io.tables import read_table
from mhr_indicators.prepare.harmonise import harmonise
from mhr_indicators.prepare.mapping import (
    DERIVATIONS,
    DivideDerivation,
    HarmonisationMapping,
    MapDerivation,
    load_mapping,
)

from ..conftest import REPO, shared_data

MAPPINGS = REPO / "datasets" / "mappings"
KINDS = "flag, age_bands, rebin, divide, map, ranges"


def _problems(source) -> list[dict]:
    with pytest.raises(SpecError) as err:
        load_mapping(source)
    return err.value.problems


def _find(problems: list[dict], item: str, field: str) -> dict:
    found = [p for p in problems if p["item"] == item and p["field"] == field]
    assert found, f"no problem at {item} / {field} in {problems}"
    return found[0]


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_mapping_loads(path):
    m = load_mapping(path)
    assert isinstance(m, HarmonisationMapping) and m.name == path.stem
    assert load_mapping(m) is m
    assert load_mapping(m.model_dump(by_alias=True)) == m  # a dump loads back to the same model
    assert load_mapping(yaml.safe_load(path.read_text(encoding="utf-8"))) == m


SMALL = {
    "name": "small",
    "rename": {"AGEP": "age", "PWGTP": "weight"},
    "constants": {"ref_area": "USA", "time_period": 2024},
    "derive": [
        {"column": "sex", "map": {"from": "SEX", "values": {1: "M", 2: "F"}}},
        {"column": "born_abroad", "flag": "NATIVITY == 2"},
        {"column": "earnings", "divide": {"numerator": "WAGP", "denominator": 12}},
    ],
}


def test_repr_is_short():
    assert repr(load_mapping(SMALL)) == (
        "HarmonisationMapping('small', 2 renames, 0 recodes, 2 constants, 3 derived columns)"
    )
    one = load_mapping({"rename": {"A": "a"}, "derive": [{"column": "f", "flag": "a == 1"}]})
    assert repr(one) == "HarmonisationMapping(1 rename, 0 recodes, 0 constants, 1 derived column)"


def test_model_is_typed_and_frozen():
    m = load_mapping(SMALL)
    assert [d.kind for d in m.derive] == ["map", "flag", "divide"]
    sex, _, earnings = m.derive
    assert isinstance(sex, MapDerivation) and sex.map.from_ == "SEX"
    assert sex.map.values == {1: "M", 2: "F"}
    assert isinstance(earnings, DivideDerivation) and earnings.divide.denominator == 12
    with pytest.raises(ValidationError, match="frozen"):
        m.name = "other"
    assert list(DERIVATIONS) == KINDS.split(", ")


def test_codes_are_kept_as_written():
    m = load_mapping(
        {
            "recode": {"x": {"1": 1, 1: "1", 2.5: True, "_other": None}},
            "constants": {"time_period": 2024, "ref_area": "USA", "note": None},
        }
    )
    codes = m.recode["x"]
    assert list(codes) == ["1", 1, 2.5, "_other"]
    assert [type(v) for v in codes.values()] == [int, str, bool, type(None)]
    assert type(m.constants["time_period"]) is int


def test_top_level_typo_names_file_and_allowed_keys(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nrenames: {AGEP: age}\n", encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 1
    p = _find(problems, "mapping", "renames")
    assert p["file"] == str(path)
    assert "did you mean 'rename'" in p["message"]
    assert (
        "allowed keys: name, description, source, rename, recode, constants, derive, keep"
        in (p["message"])
    )
    with pytest.raises(SpecError, match=r"bad\.yaml: mapping: field 'renames': unknown key"):
        load_mapping(path)


def test_typo_in_a_derive_entry_names_entry_and_field(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text(
        "derive:\n"
        "  - column: born_abroad\n"
        "    flag: NATIVITY == 2\n"
        "  - column: sex\n"
        "    map: {form: SEX, values: {1: M, 2: F}}\n"
        "  - colum: armed_forces\n"
        "    flag: ESR in (4, 5)\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as err:
        load_mapping(path)
    problems = err.value.problems
    assert {p["file"] for p in problems} == {str(path)}
    typo = _find(problems, "derive[1] (sex)", "map.form")
    assert (
        typo["message"] == "unknown key 'form' (did you mean 'from'?); allowed keys: from, values"
    )
    assert _find(problems, "derive[1] (sex)", "map.from")["message"] == "is required"
    colum = _find(problems, "derive[2]", "colum")["message"]
    assert "allowed keys: column, optional, flag" in colum
    text = str(err.value)
    assert f"{path}: derive[1] (sex): field 'map.form': unknown key 'form'" in text


def test_wrong_option_values_list_what_is_allowed():
    problems = _problems(
        {
            "derive": [
                {"column": "x", "maps": {"from": "A", "values": {1: 2}}},
                {"column": "y", "map": {"from": "A", "values": {1: 2}}, "flag": "A == 1"},
                {"column": "age_group", "age_bands": {"breaks": [15, 15.5]}},
                {"column": "g", "rebin": {"groups": ["Y15-24"]}},
                {"column": "g", "rebin": {"groups": ["Y15T29", "Y25T64"]}},
                {"column": "r", "divide": {"numerator": "A", "denominator": 0}},
                {"column": "s", "ranges": {"from": "I", "ranges": [[1, 5, "A"], [5, 9, "B"]]}},
                {"column": "f", "flag": "A =="},
            ]
        }
    )
    msg = {(p["item"], p["field"]): p["message"] for p in problems}
    assert msg["derive[0] (x)", "maps"] == f"unknown derivation kind 'maps'; use one of {KINDS}"
    assert "several derivation kinds (map, flag)" in msg["derive[1] (y)", "map, flag"]
    assert "valid integer" in msg["derive[2] (age_group)", "age_bands.breaks[1]"]
    assert "not an age band label (Y15T24, Y_GE65, Y_LT15)" in msg["derive[3] (g)", "rebin.groups"]
    assert "overlap" in msg["derive[4] (g)", "rebin.groups"]
    assert "denominator of 0" in msg["derive[5] (r)", "divide.denominator"]
    assert "[1, 5] ('A') and [5, 9] ('B') overlap" in msg["derive[6] (s)", "ranges.ranges"]
    assert "found 'end of filter'" in msg["derive[7] (f)", "flag"]
    assert len(problems) == 8  # every problem at once, none twice
    assert {p["file"] for p in problems} == {"<dict>"}


def test_other_sections_name_their_entry():
    problems = _problems(
        {
            "rename": {"A": "a", "B": "a"},
            "recode": {"sex": {1: ["M"]}},
            "keep": ["a", 3],
        }
    )
    msg = {(p["item"], p["field"]): p["message"] for p in problems}
    assert msg["rename", "-"] == "'A' and 'B' are both renamed to 'a'"
    assert msg["recode[sex]", "1"] == "must be a number, text or null, got list ['M']"
    assert "valid string" in msg["keep[1]", "-"]
    for bad, message in [([1], "got list"), ("missing.yaml", "cannot read")]:
        with pytest.raises(SpecError, match=message):
            load_mapping(bad)


def test_same_output_from_a_dict_a_file_and_a_model(example):
    path = MAPPINGS / "example_lfs.yaml"
    from_file = harmonise(example, path)
    as_dict = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert_frame_equal(harmonise(example, as_dict), from_file)
    assert_frame_equal(harmonise(example, load_mapping(as_dict)), from_file)
    # only the derived columns are added: hourly earnings and the optional disaggregations
    added = ["hourly_earnings", "disability", "urbanisation"]
    assert_frame_equal(from_file.drop(columns=added), example)
    hourly = example["earnings"] / example["hours"].where(example["hours"] != 0) * (12 / 52)
    pd.testing.assert_series_equal(from_file["hourly_earnings"], hourly, check_names=False)


def test_same_output_on_acs():
    raw = read_table(shared_data("acs_pums_2024") / "p_56.parquet")
    path = MAPPINGS / "acs_pums.yaml"
    from_file = harmonise(raw, path)
    model = load_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert_frame_equal(harmonise(raw, model), from_file)


def test_errors_while_applying_name_the_column_and_rows():
    df = pd.DataFrame({"AGE": ["Y5T11", "Y12T17", "Y18T59", "Y12T17"]})
    with pytest.raises(ColumnNotFoundError, match=r"'SEX' \(map source of 'sex'\)"):
        harmonise(df, {"derive": [{"column": "sex", "map": {"from": "SEX", "values": {1: "M"}}}]})
    rebin = {"derive": [{"column": "g", "rebin": {"from": "AGE", "groups": ["Y15T19", "Y20T64"]}}]}
    with pytest.raises(HarmonisationError, match=r"Y12T17 \(column 'AGE', rows 1, 3\) does not"):
        harmonise(df, rebin)
