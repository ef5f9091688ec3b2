"""Reference areas of the results table: what a ``ref_area`` code names, and where it lies.

A ``ref_area`` is one of

- an ISO 3166-1 alpha-3 country code (``USA``);
- an ISO 3166-2 subdivision code (``US-WY``: the alpha-2 code of the country, a hyphen, and up to
  three letters or digits), for the regions national statistics offices publish by;
- a UN M49 region code (``001`` World, ``419``), or a UN DESA aggregate (``900`` and above,
  ``1833``), as the DESA migrant-stock tables give them.

Names, kinds and parents come from ``pycountry`` (ISO 3166-1 and ISO 3166-2), the shipped M49
region table and the shipped list of DESA groupings, so that results and plots name an area the
same way everywhere. A subdivision's country (:func:`country_of`) is what a birthplace or a
citizenship is compared with: a person living in ``US-WY`` born in ``USA`` is native-born.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pycountry

from ..errors import MhrError
from .m49 import m49_regions
from .undesa import undesa_groupings

#: ISO 3166-1 alpha-3.
ISO3_PATTERN = r"^[A-Z]{3}$"
#: ISO 3166-2 subdivision: alpha-2 country code, hyphen, 1-3 letters or digits.
ISO3166_2_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
#: UN M49 region or DESA aggregate: three or four digits.
M49_PATTERN = r"^\d{3,4}$"

_ISO3 = re.compile(ISO3_PATTERN)
_SUB = re.compile(ISO3166_2_PATTERN)
_M49 = re.compile(M49_PATTERN)


@dataclass(frozen=True)
class Area:
    """One reference area.

    Attributes
    ----------
    code : str
        The ``ref_area`` code.
    name : str
        Its name (ISO 3166 short name; M49 or DESA name for regions).
    kind : {"country", "subdivision", "region"}
        ISO 3166-1 country, ISO 3166-2 subdivision, or M49/DESA region or grouping.
    parent : str or None
        The area it lies in: a subdivision's parent subdivision (``ES-M`` lies in ``ES-MD``) or
        its country's alpha-3 code; a region's parent M49 region; None for countries and
        top-level groupings.
    country : str or None
        ISO 3166-1 alpha-3 of the country: the area itself for a country, the country of a
        subdivision; None for regions.
    subdivision_type : str or None
        ISO 3166-2 category of a subdivision (``State``, ``District``, ``Province``, ...).
    """

    code: str
    name: str
    kind: str
    parent: str | None = None
    country: str | None = None
    subdivision_type: str | None = None


def is_subdivision(code: object) -> bool:
    """True if ``code`` is written as an ISO 3166-2 subdivision code (``US-WY``)."""
    return isinstance(code, str) and bool(_SUB.match(code))


@lru_cache(maxsize=4096)
def _lookup(code: str) -> Area | None:
    if _ISO3.match(code):
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            return None
        return Area(code, country.name, "country", None, code)
    if _SUB.match(code):
        sub = pycountry.subdivisions.get(code=code)
        if sub is None:
            return None
        country = pycountry.countries.get(alpha_2=sub.country_code)
        iso3 = country.alpha_3 if country else None
        parent = sub.parent_code or iso3
        return Area(code, sub.name, "subdivision", parent, iso3, sub.type)
    if _M49.match(code):
        regions = m49_regions().set_index("m49")
        if code in regions.index:
            row = regions.loc[code]
            parent = row["parent"] if isinstance(row["parent"], str) else None
            return Area(code, row["name"], "region", parent)
        groups = undesa_groupings().set_index("m49")
        if int(code) in groups.index:
            return Area(code, groups.at[int(code), "name"], "region")
    return None


def area(code: str) -> Area:
    """The area a ``ref_area`` code names.

    Parameters
    ----------
    code : str
        ISO 3166-1 alpha-3 (``USA``), ISO 3166-2 (``US-WY``) or M49/DESA region code (``001``,
        ``1833``).

    Returns
    -------
    Area

    Raises
    ------
    MhrError
        When the code is none of these, or is well formed but not assigned.

    Examples
    --------
    >>> area("US-WY")
    Area(code='US-WY', name='Wyoming', kind='subdivision', parent='USA', country='USA', subdivision_type='State')
    """  # noqa: E501
    found = _lookup(str(code).strip()) if isinstance(code, str) else None
    if found is None:
        raise MhrError(
            f"ref_area {code!r} names no known area: expected an ISO 3166-1 alpha-3 code "
            "(USA), an assigned ISO 3166-2 subdivision code (US-WY) or an M49 / UN DESA region "
            "code (001, 1833)"
        )
    return found


def is_ref_area(code: object) -> bool:
    """True if ``code`` names a known area (see :func:`area`); never raises."""
    return isinstance(code, str) and _lookup(code.strip()) is not None


def country_of(code: str) -> str | None:
    """ISO 3166-1 alpha-3 of the country an area lies in (itself for a country); None for
    regions. Compare birthplaces and citizenships with this, not with a subdivision code."""
    return area(code).country


def area_table(codes: Iterable[str]) -> pd.DataFrame:
    """Names, kinds and parents of the given ``ref_area`` codes, for results and plots.

    Parameters
    ----------
    codes : iterable of str
        ``ref_area`` codes (duplicates are listed once).

    Returns
    -------
    pandas.DataFrame
        One row per code: ``ref_area``, ``name``, ``kind``, ``parent``, ``country``,
        ``subdivision_type``.

    Raises
    ------
    MhrError
        Naming every code that is not a known area.
    """
    unique = list(dict.fromkeys(str(c) for c in codes))
    unknown = [c for c in unique if not is_ref_area(c)]
    if unknown:
        raise MhrError(
            f"{len(unknown)} ref_area code(s) name no known area: "
            + ", ".join(map(repr, unknown[:10]))
            + (" ..." if len(unknown) > 10 else "")
            + " (expected ISO 3166-1 alpha-3, ISO 3166-2 or M49 region codes)"
        )
    rows = [area(c) for c in unique]
    return pd.DataFrame(
        {
            "ref_area": [a.code for a in rows],
            "name": [a.name for a in rows],
            "kind": [a.kind for a in rows],
            "parent": [a.parent for a in rows],
            "country": [a.country for a in rows],
            "subdivision_type": [a.subdivision_type for a in rows],
        }
    )


__all__ = [
    "ISO3_PATTERN",
    "ISO3166_2_PATTERN",
    "M49_PATTERN",
    "Area",
    "area",
    "area_table",
    "country_of",
    "is_ref_area",
    "is_subdivision",
]
