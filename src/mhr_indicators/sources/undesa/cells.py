"""Reading single cells of a DESA sheet: column letters, text, years and periods, figures and
cell markers, and type-of-data codes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ...errors import MhrError
from .spec import MARKERS, TYPE_LETTERS

_YEAR = re.compile(r"^(19|20)\d{2}(-(19|20)\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d*)?([eE][-+]?\d+)?$")


def col_letters(c: int) -> str:
    """Excel column letters of the 0-based column ``c`` (0 -> ``A``, 26 -> ``AA``)."""
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: object) -> str | None:
    """The stripped text of a cell holding non-blank text, else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def is_period(value: object) -> bool:
    """Whether a cell holds a year (``1990``) or a period of years (``1990-1995``)."""
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and float(value).is_integer()
    ):
        value = str(int(value))
    return isinstance(value, str) and bool(_YEAR.match(value.strip()))


def period_of(value: object) -> str:
    """The ``time_period`` of a year or period cell: ``"1990"`` or ``"1990-1995"``."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(int(value))
    return str(value).strip()


def cell_value(
    value: object,
    path: str | Path,
    table: str,
    r: int,
    c: int,
    name: str,
    marked: dict[str, list[str]] | None,
    where: str | None,
) -> float:
    """A figure cell as a float; a marker or a blank as NaN.

    Parameters
    ----------
    value : object
        The cell.
    path, table, r, c, name
        The file, sheet, 0-based row and column, and area name, for the error message.
    marked : dict of str to list of str, or None
        When given, a marker found is recorded here: ``marked[marker]`` gets ``where``.
    where : str or None
        How the cell is named in ``marked`` (``"1990 _T"``).

    Raises
    ------
    MhrError
        When the cell is text that is neither a number nor one of the markers.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text in MARKERS or not text:
        if marked is not None and text:
            marked.setdefault(text, []).append(where)
        return np.nan
    if _NUMBER.match(text.replace(",", "")):
        return float(text.replace(",", ""))
    raise MhrError(
        f"{path}, sheet {table!r}, cell {col_letters(c)}{r + 1} ({name}): {text!r} is not a "
        "figure, '..' (not available), '~' (below five, protected) or '\u2014' (less than half "
        "the unit)"
    )


def data_type_code(value: object, where: str, report: list[dict], base: dict) -> str | None:
    """A type-of-data cell normalised to its letters separated by one space (``CR`` -> ``C R``).

    A code written otherwise than its normal form is reported (``base`` gives the finding's
    file, sheet, row, column, m49 and area); a blank cell gives None.

    Raises
    ------
    MhrError
        When the cell holds a letter other than B, C, R, I (``where`` names the cell).
    """
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if not text.strip() or text.strip().lower() == "nan":
        return None
    letters = [ch for ch in text if not ch.isspace()]
    if set(letters) - TYPE_LETTERS:
        raise MhrError(
            f"{where}: type of data {text!r} is not made of the codes B (foreign-born), "
            "C (foreign citizens), R (refugees added), I (imputed)"
        )
    code = " ".join(dict.fromkeys(letters))
    if code != text:
        report.append(
            {
                **base,
                "problem": f"type of data written {text!r}",
                "resolution": f"read as {code!r}",
            }
        )
    return code
