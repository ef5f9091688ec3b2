"""Read treaty ratification status tables (one CSV per instrument) into canonical records.

The layout (``hr_status_<instrument>.csv``): ``iso2, member, state party (0/1), year ratification
or accession, signatory (0/1), no action (0/1), status, note``. Real transcriptions are messy: in a
few rows the 0/1 flags contradict the status text. They are resolved by explicit rules and every
such row is listed in the data-quality report, never silently:

1. The ``status`` text decides (``state party`` -> ``ratified``, ``signatory state`` ->
   ``signed``, ``no action`` -> ``not_signed``): it transcribes the UN Treaty Collection's own
   wording, and the 0/1 flags are derived from it.
2. A note recording a denunciation overrides the text: the state is no longer a party
   (``denounced``); the year the note gives is kept in ``denounced_year``.
3. A party without a year of ratification or accession keeps its status; the report says so.
4. A row whose ISO code is unknown is matched by its member name when that names exactly one
   country (reported), otherwise dropped (reported).

The status describes one date, ``as_of`` (the results' ``time_period``): give it as an ISO 8601
date (``"2022-08"`` for the 2022 transcription, "as of August 2022"); without it the reader takes
the year in the folder's name and says so in the report. The transcription records the year of
ratification or accession, not its date, and no reservations or declarations: those stay with the
UN Treaty Collection (record them in the legal-framework template where an indicator needs them).
Its notes (a signature by a predecessor State, a name found under another spelling) are kept in
``note``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import MhrError
from .m49 import iso2_to_iso3, name_to_iso3

INSTRUMENTS = {
    "icerd": "ICERD",
    "iccpr": "ICCPR",
    "iccpr_op1": "ICCPR-OP1",
    "iccpr_op2": "ICCPR-OP2",
    "icescr": "ICESCR",
    "icescr_op": "ICESCR-OP",
    "cedaw": "CEDAW",
    "op_cedaw": "OP-CEDAW",
    "cat": "CAT",
    "opcat": "OPCAT",
    "crc": "CRC",
    "op_crc_ac": "OP-CRC-AC",
    "op_crc_sc": "OP-CRC-SC",
    "op_crc_ic": "OP-CRC-IC",
    "icmw": "ICRMW",
    "cped": "CPED",
    "crpd": "CRPD",
    "op_crpd": "OP-CRPD",
}
_STATUS = {
    "state party": "ratified",
    "signatory state": "signed",
    "signatory": "signed",
    "no action": "not_signed",
}
_FLAGS_OF = {"ratified": ("1", "0", "0"), "signed": ("0", "1", "0"), "not_signed": ("0", "0", "1")}


@dataclass(frozen=True)
class TreatyRecords:
    """Canonical ratification records and the data-quality report of their source.

    Attributes
    ----------
    ratifications : pandas.DataFrame
        ``ref_area`` (ISO3), ``member``, ``instrument``, ``status`` (ratified, signed,
        not_signed, denounced), ``year`` (of ratification or accession), ``denounced_year``,
        ``as_of``, ``source``, ``note`` (the transcription's own note, or None).
    report : pandas.DataFrame
        One row per problem: ``file``, ``row`` (1-based data row), ``iso2``, ``member``,
        ``problem``, ``resolution``.
    """

    ratifications: pd.DataFrame
    report: pd.DataFrame


_AS_OF = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _as_of(value: str | dt.date) -> str:
    """An ISO 8601 date, or year-month, or year, as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not _AS_OF.match(text):
        raise MhrError(
            f"as_of={value!r} is not an ISO 8601 date: give 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' "
            "(e.g. '2022-08' for a status as of August 2022)"
        )
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise MhrError(f"as_of={text!r} is not a day of the calendar") from None
    return text


def read_treaty_status(folder: str | Path, as_of: str | dt.date | None = None) -> TreatyRecords:
    """Read every ``hr_status_*.csv`` of a folder (rules in the module docstring).

    Parameters
    ----------
    folder : str or path-like
        Folder of the per-instrument CSV files.
    as_of : str or datetime.date, optional
        The date the status describes (the ``time_period`` of structural indicators), as an ISO
        8601 date, year-month or year (``"2022-08"``). Default: the four-digit year in the
        folder's name, reported as a year-only reference.

    Returns
    -------
    TreatyRecords

    Raises
    ------
    MhrError
        When the folder holds no ``hr_status_*.csv`` file, or ``as_of`` is not a date.
    """
    folder = Path(folder)
    files = sorted(folder.glob("hr_status_*.csv"))
    if not files:
        raise MhrError(f"no hr_status_*.csv files in {folder}")
    records, report = [], []
    if as_of is None:
        found = re.search(r"(19|20)\d{2}", folder.name)
        if not found:
            raise MhrError(f"give as_of: the folder name {folder.name!r} holds no year")
        as_of = found.group(0)
        report.append(
            {
                "file": folder.name,
                "row": None,
                "iso2": None,
                "member": None,
                "problem": "no as_of date given",
                "resolution": f"status taken as of the year in the folder name ({as_of}); "
                "pass as_of='YYYY-MM-DD' for the date of the transcription",
            }
        )
    as_of = _as_of(as_of)
    for path in files:
        key = path.stem.removeprefix("hr_status_")
        instrument = INSTRUMENTS.get(key, key.upper())
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        raw.columns = [c.strip() for c in raw.columns]
        for i, row in enumerate(raw.to_dict("records"), start=1):

            def problem(text, resolution, row=row, i=i, path=path):
                report.append(
                    {
                        "file": path.name,
                        "row": i,
                        "iso2": row.get("iso2"),
                        "member": row.get("member"),
                        "problem": text,
                        "resolution": resolution,
                    }
                )

            text = row.get("status", "").strip().lower()
            status = _STATUS.get(text)
            if status is None:
                problem(f"unknown status text {text!r}", "row dropped")
                continue
            flags = (
                row.get("state party", "").strip(),
                row.get("signatory", "").strip(),
                row.get("no action", "").strip(),
            )
            if flags != _FLAGS_OF[status]:
                problem(
                    f"flags (state party, signatory, no action) = {flags} contradict status "
                    f"{text!r}",
                    f"rule 1: status text kept ({status})",
                )
            note = (row.get("note", "") or "").strip()
            denounced = None
            if status == "ratified" and re.search(r"denounc", note, re.I):
                status = "denounced"
                when = re.search(r"(19|20)\d{2}", note)
                denounced = int(when.group(0)) if when else None
                problem(
                    f"note {note!r} records a denunciation",
                    "rule 2: not a party (denounced"
                    + (f" in {denounced})" if denounced else ", year not given)"),
                )
            year = pd.to_numeric(row.get("year ratification or accession", ""), errors="coerce")
            if status == "ratified" and pd.isna(year):
                problem(
                    "state party without a year of ratification or accession",
                    "rule 3: kept as party, year unknown",
                )
            iso3 = iso2_to_iso3(row.get("iso2", ""))
            if iso3 is None:
                iso3 = name_to_iso3(row.get("member", ""))
                problem(
                    f"unknown ISO code {row.get('iso2')!r}",
                    f"rule 4: matched by member name ({iso3})" if iso3 else "rule 4: row dropped",
                )
                if iso3 is None:
                    continue
            records.append(
                {
                    "ref_area": iso3,
                    "member": row.get("member"),
                    "instrument": instrument,
                    "status": status,
                    "year": year,
                    "denounced_year": denounced,
                    "as_of": as_of,
                    "source": f"UN Treaty Collection status as of {as_of}",
                    "note": note or None,
                }
            )
    ratifications = pd.DataFrame.from_records(records)
    ratifications["year"] = ratifications["year"].astype("Int64")
    ratifications["denounced_year"] = ratifications["denounced_year"].astype("Int64")
    columns = ["file", "row", "iso2", "member", "problem", "resolution"]
    report = pd.DataFrame(report, columns=columns)
    report["row"] = report["row"].astype("Int64")
    return TreatyRecords(ratifications, report)
