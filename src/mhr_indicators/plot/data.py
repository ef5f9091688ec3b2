"""What a chart needs from results and the catalogue, read and never recomputed.

Turns a results object (or a results table read back from a file) into the pieces charts draw:
the migrant and reference rows of an indicator, readable names of areas, groups, categories and
instruments, the natural order of periods and age bands, and the status of a commitment as the
results' ``source`` records it. Nothing here estimates anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..catalogue.load import Catalogue, load_catalogue
from ..catalogue.spec import Indicator
from ..engine.results import Results, read_results
from ..errors import ConfigurationError, MhrError
from ..prepare.bands import band_bounds
from ..sources import area
from ..vocab import ALL_DIMENSIONS, TOTAL, table_dimensions

ResultsLike = Results | pd.DataFrame | str | os.PathLike

#: Readable names of the ``population`` codes of the results table.
GROUP_NAMES: dict[str, str] = {
    "foreign_born": "foreign-born",
    "native_born": "native-born",
    "foreign_citizen": "foreign citizens",
    "national": "nationals",
    "non_citizen": "non-citizens",
    "citizen": "citizens",
    "total": "total population",
    TOTAL: "total",
    "gap": "gap",
    "ratio": "ratio",
    "relative_gap": "relative gap",
}
#: The migrant criterion behind each migrant group label (ILO, 20th ICLS, 2018).
CRITERIA: dict[str, str] = {
    "foreign_born": "country of birth",
    "foreign_citizen": "citizenship",
    "non_citizen": "legal status",
}
#: Names of the disaggregation dimensions, for axis titles.
DIMENSION_NAMES: dict[str, str] = {
    "sex": "Sex",
    "age_group": "Age group (years)",
    "sector": "Economic activity (ISIC Rev.4 section)",
    "legal_status": "Legal status",
    "disability": "Disability",
    "urbanisation": "Urban / rural area",
    "citizenship_status": "Citizenship status",
}
#: Short names of the catalogue's rights, for panel labels.
RIGHT_NAMES: dict[str, str] = {
    "work": "Work",
    "social_security": "Social security",
    "health": "Health",
    "education": "Education",
    "housing": "Housing",
    "living": "Standard of living",
    "liberty": "Liberty and security",
    "torture": "Freedom from torture",
    "justice": "Access to justice",
    "family": "Family life",
    "children": "Children",
    "asylum": "Asylum",
    "life": "Life",
    "nondiscrimination": "Non-discrimination",
    "participation": "Participation",
    "trafficking": "Trafficking",
    "context": "Context",
}
_SEX = {"F": "Female", "M": "Male", TOTAL: "Total", "_Z": "Both sexes"}
_URBANISATION = {"U": "Urban", "R": "Rural"}


def as_results(results: ResultsLike) -> Results:
    """A :class:`~mhr_indicators.Results` from a results object, a results table (e.g. read
    back from Parquet) or the path of a written results file."""
    if isinstance(results, Results):
        return results
    if isinstance(results, pd.DataFrame):
        return Results(results)
    if isinstance(results, (str, os.PathLike)):
        return read_results(results)
    raise ConfigurationError(
        f"expected a Results object, a results table or a results file, got {type(results)!r}"
    )


@lru_cache(maxsize=1)
def _shipped_catalogue() -> Catalogue:
    return load_catalogue()


def catalogue_entry(indicator_id: str, catalogue: Catalogue | None = None) -> Indicator | None:
    """The catalogue's spec of an indicator, or None when the catalogue does not hold it."""
    cat = catalogue if catalogue is not None else _shipped_catalogue()
    return cat[indicator_id] if indicator_id in cat else None


def catalogue_of(catalogue: Catalogue | None) -> Catalogue:
    """The catalogue given, else the shipped one."""
    return catalogue if catalogue is not None else _shipped_catalogue()


def indicator_name(indicator_id: str, catalogue: Catalogue | None = None) -> str:
    """The catalogue name of an indicator (its id when the catalogue does not hold it); a
    retired indicator's name loses its "Retired:" mark (the results computed it as named)."""
    spec = catalogue_entry(indicator_id, catalogue)
    if spec is None:
        return indicator_id
    name = re.sub(r"^Retired:\s*", "", spec.name)
    return name[:1].upper() + name[1:]


def right_name(right: str | None) -> str:
    """Short name of a right (``social_security`` -> ``Social security``)."""
    if not right or right != right:
        return "Other"
    return RIGHT_NAMES.get(str(right), str(right).replace("_", " ").capitalize())


def right_order(catalogue: Catalogue | None = None) -> list[str]:
    """The rights in the catalogue's order (``indicators/catalogue.yaml``)."""
    return list(catalogue_of(catalogue).rights)


def direction_note(spec: Indicator | None) -> str:
    """``"higher = better"``, ``"higher = worse"`` (with no-break spaces, so that a line never
    breaks inside it), or ``""`` when the catalogue says neither."""
    if spec is None or spec.higher_is_better is None:
        return ""
    return "higher\u00a0=\u00a0better" if spec.higher_is_better else "higher\u00a0=\u00a0worse"


@lru_cache(maxsize=4096)
def area_name(code: str) -> str:
    """Name of a ``ref_area`` (ISO 3166-1/-2 or M49); the code itself when it names no known
    area (e.g. the fictional example country ``XSY``)."""
    try:
        return area(str(code)).name
    except (MhrError, KeyError, ValueError, TypeError):
        return str(code)


def group_name(label: str | None) -> str:
    """Readable name of a population code (``foreign_born`` -> ``foreign-born``)."""
    if label is None or label != label:
        return "not stated"
    return GROUP_NAMES.get(str(label), str(label).replace("_", " "))


def category_label(dimension: str, code: str) -> str:
    """Readable category of a dimension: ``Y15T24`` -> ``15–24``, ``Y_GE65`` -> ``65+``,
    ``F`` -> ``Female``, ``asylum_seeker`` -> ``asylum seeker``."""
    if code == TOTAL:
        return "Total"
    if dimension == "sex":
        return _SEX.get(code, code)
    if dimension == "urbanisation":
        return _URBANISATION.get(code, code)
    if dimension == "age_group":
        try:
            lo, hi = band_bounds(code)
        except MhrError:
            return code
        if np.isinf(hi):
            return f"{lo:.0f}+"
        if str(code).startswith("Y_LT"):
            return f"under {hi:.0f}"
        return f"{lo:.0f}\u2013{hi - 1:.0f}"
    return str(code).replace("_", " ")


def category_order(dimension: str, codes: list[str]) -> list[str]:
    """Categories in their natural order: age bands by age, sexes F then M, others as
    sorted text; the total last."""

    def key(code: str) -> tuple:
        if dimension == "age_group":
            try:
                return (0, band_bounds(code)[0], code)
            except MhrError:
                return (1, 0.0, code)
        return (0, 0.0, code)

    ordered = sorted((c for c in codes if c != TOTAL), key=key)
    return ordered + ([TOTAL] if TOTAL in codes else [])


def period_key(period: str) -> tuple[float, str]:
    """Sort key of a ``time_period``: its first year (``2019-2024`` -> 2019), then the text."""
    match = re.match(r"^\s*(\d{4})", str(period))
    return (float(match.group(1)) if match else np.inf, str(period))


def latest_period(periods) -> str | None:
    """The latest of some ``time_period`` values (by their last year), or None."""
    values = [str(p) for p in pd.unique(pd.Series(periods).dropna())]
    if not values:
        return None

    def end(p: str) -> tuple[float, str]:
        years = re.findall(r"\d{4}", p)
        return (float(years[-1]) if years else -np.inf, p)

    return max(values, key=end)


def format_period_range(periods) -> str:
    """``"2019"``, or ``"1990–2020"`` from the first and last year of some periods."""
    values = sorted({str(p) for p in pd.Series(periods).dropna()}, key=period_key)
    if not values:
        return "period not recorded"
    years = [y for p in values for y in re.findall(r"\d{4}", p)]
    if not years:
        return ", ".join(values)
    first, last = min(years), max(years)
    return first if first == last else f"{first}–{last}"


def total_cell(table: pd.DataFrame) -> pd.Series:
    """Rows with no breakdown (every dimension ``_T``, the optional ones too where the table
    has them)."""
    return (table[table_dimensions(table.columns)] == TOTAL).all(axis=1)


def indicator_rows(
    results: Results,
    indicator_id: str,
    *,
    ref_area: str | None = None,
    time_period: str | int | None = None,
    by: str | None = None,
    all_periods: bool = False,
) -> tuple[pd.DataFrame, str, str | None]:
    """The rows of one indicator for one area: its total cell, or its breakdown by ``by``.

    Parameters
    ----------
    results : Results
        The results.
    indicator_id : str
        The indicator.
    ref_area : str, optional
        The area; needed when the results hold several for this indicator.
    time_period : str or int, optional
        The period; default the latest (ignored with ``all_periods``).
    by : str, optional
        A dimension: the rows broken down by it alone (every other dimension ``_T``), and the
        total cell. Default: the total cell only.
    all_periods : bool
        Keep every period (for trends).

    Returns
    -------
    (pandas.DataFrame, str, str or None)
        The rows, the area, and the period (None with ``all_periods``).

    Raises
    ------
    ConfigurationError
        The indicator is not in the results, the area is ambiguous or absent, or ``by`` is not
        a dimension of the results table.
    """
    t = results.table
    rows = t[t["indicator_id"] == indicator_id]
    if rows.empty:
        raise ConfigurationError(f"indicator {indicator_id!r} is not in these results")
    areas = sorted(rows["ref_area"].dropna().unique())
    if ref_area is None:
        if len(areas) != 1:
            raise ConfigurationError(
                f"{indicator_id} has results for {len(areas)} areas ({', '.join(areas[:5])}"
                f"{' ...' if len(areas) > 5 else ''}): pass ref_area="
            )
        ref_area = areas[0]
    rows = rows[rows["ref_area"] == str(ref_area)]
    if rows.empty:
        raise ConfigurationError(f"{indicator_id} has no results for area {ref_area!r}")
    period = None
    if not all_periods:
        period = str(time_period) if time_period is not None else latest_period(rows["time_period"])
        rows = rows[rows["time_period"] == period]
        if rows.empty:
            raise ConfigurationError(f"{indicator_id} has no results for {ref_area} in {period}")
    present = table_dimensions(rows.columns)
    if by is not None and by not in present:
        dims = ", ".join(present)
        why = "not in these results" if by in ALL_DIMENSIONS else "not a dimension"
        raise ConfigurationError(f"by={by!r} is {why}: use one of {dims}")
    others = [d for d in present if d != by]
    keep = (rows[others] == TOTAL).all(axis=1)
    return rows[keep], str(ref_area), period


def source_name(source: str) -> str:
    """The dataset a ``source`` cell names: the text before a ``": "`` detail (structural rows
    carry ``"<dataset>: <instrument> ratified or acceded 1990"``)."""
    return str(source).split(": ", 1)[0]


@dataclass(frozen=True)
class Pair:
    """The groups an indicator compares, as the results record them.

    Attributes
    ----------
    migrant, reference : str or None
        ``population`` codes of the migrant and the reference group (reference None when the
        indicator describes one group).
    """

    migrant: str | None
    reference: str | None


def pair_of(results: Results, indicator_id: str) -> Pair:
    """The migrant and reference group labels of an indicator (results metadata, else
    inferred from its populations by ``Results.groups``)."""
    found = results.groups.get(indicator_id, {})
    return Pair(found.get("migrant"), found.get("reference"))


__all__ = [
    "CRITERIA",
    "DIMENSION_NAMES",
    "GROUP_NAMES",
    "RIGHT_NAMES",
    "Pair",
    "ResultsLike",
    "area_name",
    "as_results",
    "catalogue_entry",
    "catalogue_of",
    "category_label",
    "category_order",
    "direction_note",
    "format_period_range",
    "group_name",
    "indicator_name",
    "indicator_rows",
    "latest_period",
    "pair_of",
    "period_key",
    "right_name",
    "right_order",
    "source_name",
    "total_cell",
]
