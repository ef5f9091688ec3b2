"""The migrant status of each person under a criterion (country of birth, citizenship, legal
status), and the columns that can give it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import MhrError
from ..filters import truth_values
from ..sources import country_of
from ..vocab import CRITERION_COLUMNS


def migrant_status(data: pd.DataFrame, criterion: str) -> np.ndarray:
    """1 for migrants, 0 for the non-migrant group, NaN where the status is not stated.

    ``country_of_birth`` reads ``born_abroad`` (or compares ``country_of_birth`` with
    ``ref_area``); ``citizenship`` reads ``foreign_citizen`` (or ``citizenship`` vs
    ``ref_area``); ``legal_status`` counts every status but ``citizen`` as migrant, and
    ``not_stated``/``unknown`` as not stated. Unknown status is never folded into either group.
    """
    flag_cols, code_cols = CRITERION_COLUMNS[criterion]
    if criterion == "legal_status":
        status = data["legal_status"]
        out = np.where(status == "citizen", 0.0, 1.0)
        unknown = status.isna() | status.isin(["not_stated", "unknown"])
        return np.where(unknown.to_numpy(), np.nan, out)
    if flag_cols[0] in data.columns:
        values = pd.to_numeric(data[flag_cols[0]], errors="coerce").to_numpy(dtype=float)
        return np.where(np.isin(values, [0.0, 1.0]), values, np.nan)
    # a birthplace or citizenship is a country: compare it with the country of the area, so
    # that a sub-national area (US-WY) is compared with USA
    codes = data[code_cols[1]].astype(object)
    country = codes.map({c: _country(c) for c in pd.unique(codes.dropna()) if isinstance(c, str)})
    frame = pd.DataFrame({"code": data[code_cols[0]], "country": country}, index=data.index)
    return truth_values("code != country", frame)


def _country(code: str) -> str | None:
    """The country of an area code (itself for a country; its parent for a subdivision)."""
    try:
        return country_of(code)
    except MhrError:
        return code


def criterion_columns(criterion: str) -> list[str]:
    """Every column that can give the migrant status under ``criterion`` (flag or codes)."""
    return [c for group in CRITERION_COLUMNS[criterion] for c in group]
