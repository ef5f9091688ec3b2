"""UN M49 codes <-> ISO 3166-1 alpha-3, and the M49 region table shipped with the package."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd
import pycountry


@lru_cache(maxsize=1)
def m49_regions() -> pd.DataFrame:
    """M49 geographic regions (code, name, level, parent); see ``data/README.md`` for the source."""
    with resources.files("mhr_indicators").joinpath("data/m49_regions.csv").open() as fh:
        return pd.read_csv(fh, dtype=str)


@lru_cache(maxsize=512)
def m49_to_iso3(code: int | str) -> str | None:
    """ISO 3166-1 alpha-3 of an M49 country code (equal to ISO numeric); None for regions and
    areas without an ISO code (e.g. 830 Channel Islands)."""
    try:
        numeric = f"{int(code):03d}"
    except (TypeError, ValueError):
        return None
    country = pycountry.countries.get(numeric=numeric)
    return country.alpha_3 if country else None


#: Withdrawn alpha-2 codes still found in published data, and their current alpha-3.
WITHDRAWN_ALPHA2 = {"TP": "TLS"}  # East Timor (withdrawn 2002) -> Timor-Leste


@lru_cache(maxsize=512)
def iso2_to_iso3(code: str) -> str | None:
    """ISO alpha-3 of an alpha-2 code (withdrawn codes in :data:`WITHDRAWN_ALPHA2` mapped to the
    current country); None when unknown."""
    code = str(code).strip().upper()
    if code in WITHDRAWN_ALPHA2:
        return WITHDRAWN_ALPHA2[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_3 if country else None


def name_to_iso3(name: str) -> str | None:
    """ISO alpha-3 of a country named exactly (official, common or short name); None otherwise."""
    try:
        return pycountry.countries.lookup(str(name).strip()).alpha_3
    except LookupError:
        return None
