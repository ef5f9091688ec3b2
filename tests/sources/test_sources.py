"""Readers of real sources, on the real files of ../shared/data (skipped when absent): treaty
status and M49 codes. UN DESA: test_undesa.py and test_undesa_layout.py."""

from __future__ import annotations

import csv

import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import MhrError
from mhr_indicators.sources import m49_to_iso3, read_treaty_status

from ..conftest import shared_data


def test_m49_to_iso():
    assert m49_to_iso3(840) == "USA" and m49_to_iso3("4") == "AFG"
    assert m49_to_iso3(830) is None and m49_to_iso3(900) is None


def test_treaty_status_and_report():
    records = read_treaty_status(shared_data("treaty_ratification_2022"))
    rat, report = records.ratifications, records.report
    mhr.validate(rat, "ratifications")
    assert set(rat["instrument"]) >= {"ICRMW", "ICCPR", "ICESCR", "ICERD", "CEDAW", "CAT", "CRC"}
    icmw = rat[rat["instrument"] == "ICRMW"].set_index("ref_area")
    assert icmw.loc["MEX", "status"] == "ratified" and icmw.loc["MEX", "year"] == 1999
    assert icmw.loc["FRA", "status"] == "not_signed"
    # contradictions are reported and resolved by the documented rules
    moldova = report[(report["file"] == "hr_status_icescr.csv") & (report["iso2"] == "MD")]
    assert moldova["resolution"].str.startswith("rule 1").all()
    assert rat.set_index(["instrument", "ref_area"]).loc[("ICESCR", "MDA"), "status"] == "ratified"
    jamaica = rat.set_index(["instrument", "ref_area"]).loc[("ICCPR-OP1", "JAM")]
    assert jamaica["status"] == "denounced"
    assert (report["resolution"] == "rule 4: matched by member name (SSD)").any()


def _raw_rows():
    """Every row of the 2022 files, read here with the csv module."""
    folder = shared_data("treaty_ratification_2022")
    for path in sorted(folder.glob("hr_status_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=1):
                yield path.name, i, {k.strip(): (v or "").strip() for k, v in row.items()}


def test_every_contradiction_of_the_2022_table_is_listed_with_its_rule():
    """The contradictions, found here from the raw rows: 0/1 flags that disagree with the
    status text (rule 1), notes recording a denunciation (rule 2), parties without a year
    (rule 3), ISO codes that name no country (rule 4) — 15 in the 2022 files."""
    flags_of = {"state party": "100", "signatory state": "010", "no action": "001"}
    expected = set()
    for name, i, row in _raw_rows():
        text = row["status"].lower()
        flags = row["state party"] + row["signatory"] + row["no action"]
        if flags != flags_of[text]:
            expected.add((name, i, "rule 1"))
        if text == "state party" and "denounc" in row.get("note", "").lower():
            expected.add((name, i, "rule 2"))
        if text == "state party" and not row["year ratification or accession"]:
            expected.add((name, i, "rule 3"))
        if len(row["iso2"]) != 2:
            expected.add((name, i, "rule 4"))
    assert len(expected) == 15
    records = read_treaty_status(shared_data("treaty_ratification_2022"), as_of="2022-08")
    report = records.report
    got = {(r.file, r.row, r.resolution[:6]) for r in report.itertuples(index=False)}
    assert got == expected and len(report) == 15


def test_as_of_date_denunciations_and_notes():
    folder = shared_data("treaty_ratification_2022")
    records = read_treaty_status(folder, as_of="2022-08")
    rat = records.ratifications
    assert set(rat["as_of"]) == {"2022-08"}
    assert rat["source"].eq("UN Treaty Collection status as of 2022-08").all()
    by = rat.set_index(["instrument", "ref_area"])
    # the notes of the files: "Denounced the OP 1997" (Jamaica), "... in 2000" (Trinidad)
    assert by.loc[("ICCPR-OP1", "JAM"), "denounced_year"] == 1997
    assert by.loc[("ICCPR-OP1", "TTO"), "denounced_year"] == 2000
    assert by["denounced_year"].notna().sum() == 2
    assert by.loc[("ICESCR", "CZE"), "note"] == "Signed as Czechoslovakia"
    res = mhr.compute(["WORK.S.ICRMW"], ratifications=rat).table
    assert set(res["time_period"]) == {"2022-08"}
    # without a date: the folder's year, and the report says so
    default = read_treaty_status(folder)
    assert set(default.ratifications["as_of"]) == {"2022"}
    assert default.report["problem"].eq("no as_of date given").sum() == 1
    with pytest.raises(MhrError, match="as_of='August 2022' is not an ISO 8601 date"):
        read_treaty_status(folder, as_of="August 2022")
    with pytest.raises(MhrError, match="'2022-06-31' is not a day"):
        read_treaty_status(folder, as_of="2022-06-31")


def test_structural_indicators_from_records():
    records = read_treaty_status(shared_data("treaty_ratification_2022"))
    res = mhr.compute(
        mhr.load_catalogue().filter(type="structural"),
        ratifications=records.ratifications,
        errors="collect",
    )
    missing = set(res.issues["indicator_id"])
    # instruments the UN treaty tables do not hold (ILO conventions, the Palermo and Smuggling
    # Protocols, the refugee and statelessness conventions, national laws and policies, the SDG
    # 10.7.2 assessment) are reported as missing input, never guessed
    outside = ("ILO-", "POLICY-", "PALERMO", "SMUGGLING-", "REFUGEE-", "STATELESSNESS-", "SDG")
    assert missing == {
        i.id
        for i in mhr.load_catalogue().filter(type="structural")
        if not i.variable or i.variable.startswith(outside)
    }
    assert "WORK.S.ICRMW" not in missing
    icrmw = res.select(indicator="WORK.S.ICRMW").table.set_index("ref_area")
    assert icrmw.loc["MEX", "value"] == 1 and icrmw.loc["FRA", "value"] == 0
    assert icrmw.loc["MEX", "source"].endswith("ICRMW ratified or acceded 1999")
    assert (res.table["unit"] == "yes_no").all() and set(res.table["time_period"]) == {"2022"}
    counts = icrmw["value"].sum()
    assert (
        counts
        == (records.ratifications.query("instrument == 'ICRMW'")["status"] == "ratified").sum()
    )
