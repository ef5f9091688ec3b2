"""Lay a results table out as an SDMX-CSV 2.0 data message, and write it atomically.

The input is a results table (the columns of ``vocab.RESULT_COLUMNS``, as
``engine/results.py`` makes them canonical); this module knows nothing of the ``Results``
object, which delegates its ``to_sdmx_csv`` here. Columns, in order:

- ``STRUCTURE`` (``dataflow``), ``STRUCTURE_ID`` (``AGENCY:ID(VERSION)``) and ``ACTION``
  (``I`` information; SDMX-CSV 2.1 prefers ``M`` merge);
- the dimensions ``INDICATOR`` (indicator_id), ``REF_AREA``, ``TIME_PERIOD``, ``POPULATION``,
  ``SEX``, ``AGE`` (age_group), ``SECTOR``, ``LEGAL_STATUS`` (:data:`SDMX_DIMENSIONS`), then the
  optional dimensions the table has: ``DISABILITY_STATUS`` (disability) and ``URBANISATION``,
  the names of those dimensions in the SDG data structure definition, and
  ``CITIZENSHIP_STATUS`` (:data:`SDMX_OPTIONAL_DIMENSIONS`);
- the measure ``OBS_VALUE`` (value);
- the attributes ``UNIT_MEASURE`` (unit), ``OBS_STATUS`` (from the flag, see
  :data:`SDMX_OBS_STATUS`), ``CONF_STATUS`` (``C`` when suppressed, else ``F`` free), ``SE``,
  ``CI_LOWER``, ``CI_UPPER``, ``N_UNWEIGHTED`` and ``SOURCE``.

A suppressed row keeps its row with an empty ``OBS_VALUE`` (and empty SE and interval). Codes
are written as in the results table (``_T`` total, ``_Z`` not applicable; a range of years such
as ``2019-2024`` as is).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..vocab import DIMENSIONS
from .tables import atomic_write

#: The default ``STRUCTURE_ID`` of the library's dataflow.
STRUCTURE_ID = "MHR:MHR_INDICATORS(1.0)"
#: SDMX ``OBS_STATUS`` (code list CL_OBS_STATUS) of each reliability flag of the library: none
#: ``A`` normal, ``U``/``R`` ``U`` low reliability, ``N`` ``A``, ``X`` ``Q`` suppressed.
SDMX_OBS_STATUS: dict[str, str] = {"": "A", "U": "U", "R": "U", "N": "A", "X": "Q"}
_SDMX_ORDER = ["indicator_id", "ref_area", "time_period", "population", *DIMENSIONS]
#: SDMX dimension of each results-table column, in their SDMX-CSV order.
SDMX_DIMENSIONS = {c: c.upper() for c in _SDMX_ORDER} | dict(
    indicator_id="INDICATOR", age_group="AGE"
)
#: SDMX dimension of each optional results-table dimension, written after ``LEGAL_STATUS`` when
#: the table has the column (``DISABILITY_STATUS`` and ``URBANISATION`` as in the SDG DSD).
SDMX_OPTIONAL_DIMENSIONS = {
    "disability": "DISABILITY_STATUS",
    "urbanisation": "URBANISATION",
    "citizenship_status": "CITIZENSHIP_STATUS",
}
#: Results-table columns written as SDMX attributes after ``CONF_STATUS`` (upper-cased).
_ATTRIBUTES = ("se", "ci_lower", "ci_upper", "n_unweighted", "source")


def sdmx_csv_frame(
    table: pd.DataFrame, structure_id: str = STRUCTURE_ID, action: str = "I"
) -> pd.DataFrame:
    """The SDMX-CSV 2.0 layout of a results table (see the module docstring for the columns).

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with canonical dtypes (every column of ``vocab.RESULT_COLUMNS``, and
        the optional dimensions it was computed by; ``flag`` ``""`` when none, ``suppressed``
        bool).
    structure_id : str, default ``"MHR:MHR_INDICATORS(1.0)"``
        The ``STRUCTURE_ID`` column, as ``AGENCY:ID(VERSION)``.
    action : str, default ``"I"``
        The ``ACTION`` column.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``table``, in its order, with the SDMX columns.
    """
    t = table
    out = pd.DataFrame({"STRUCTURE": "dataflow", "STRUCTURE_ID": structure_id}, t.index)
    out["ACTION"] = action
    for col, name in SDMX_DIMENSIONS.items():
        out[name] = t[col]
    for col, name in SDMX_OPTIONAL_DIMENSIONS.items():
        if col in t.columns:
            out[name] = t[col]
    out["OBS_VALUE"] = t["value"]
    out["UNIT_MEASURE"] = t["unit"]
    out["OBS_STATUS"] = t["flag"].map(lambda f: SDMX_OBS_STATUS.get(f, f))
    out["CONF_STATUS"] = np.where(t["suppressed"], "C", "F")
    for col in _ATTRIBUTES:
        out[col.upper()] = t[col]
    return out


def write_sdmx_csv(
    table: pd.DataFrame,
    path: str | os.PathLike,
    structure_id: str = STRUCTURE_ID,
    action: str = "I",
) -> Path:
    """Write a results table as an SDMX-CSV 2.0 data message, atomically.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with canonical dtypes; see :func:`sdmx_csv_frame`.
    path : str or path-like
        The CSV file to write.
    structure_id : str, default ``"MHR:MHR_INDICATORS(1.0)"``
        The ``STRUCTURE_ID`` column, as ``AGENCY:ID(VERSION)``.
    action : str, default ``"I"``
        The ``ACTION`` column (``I`` information; SDMX-CSV 2.1 prefers ``M`` merge).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    frame = sdmx_csv_frame(table, structure_id, action)
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))


__all__ = [
    "SDMX_DIMENSIONS",
    "SDMX_OBS_STATUS",
    "SDMX_OPTIONAL_DIMENSIONS",
    "STRUCTURE_ID",
    "sdmx_csv_frame",
    "write_sdmx_csv",
]
