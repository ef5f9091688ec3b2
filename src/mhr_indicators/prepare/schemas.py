"""Canonical input schemas (pandera ``DataFrameModel`` classes) and their lazy validation.

Every input kind has one model: survey microdata, aggregate migrant stock, administrative counts
and treaty ratifications. Optional columns are checked when present; the columns an indicator needs
are required only when that indicator is requested (:func:`validate` takes ``required=``).
Validation is lazy and complete: one :class:`~mhr_indicators.errors.DataValidationError` lists
every failing column, check, row and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..errors import ConfigurationError, DataValidationError
from ..sources.areas import ISO3_PATTERN, ISO3166_2_PATTERN, is_ref_area, is_subdivision
from ..vocab import ALL_DIMENSIONS, DIMENSION_CODES, TOTAL, allowed

#: Legal-status codes (DESIGN.md conventions) plus ``not_stated``.
LEGAL_STATUS = [
    "citizen",
    "permanent_resident",
    "temporary_resident",
    "refugee",
    "asylum_seeker",
    "irregular",
    "unknown",
    "not_stated",
]
LABOUR_STATUS = ["employed", "unemployed", "outside_labour_force"]
ISIC_SECTIONS = list("ABCDEFGHIJKLMNOPQRSTU")
SEX = ["F", "M"]
ISO3 = ISO3_PATTERN
#: A reference area of microdata or legal records: a country (ISO 3166-1 alpha-3, ``USA``) or a
#: subdivision (ISO 3166-2, ``US-WY``), whose country is then known (``sources.areas``).
REF_AREA = rf"{ISO3_PATTERN}|{ISO3166_2_PATTERN}"
AGE_GROUP = r"^Y(\d+T\d+|_GE\d+|_LT\d+)$"
#: Codes of the optional dimensions (``vocab.DIMENSION_CODES``); missing is "not stated".
DISABILITY = list(DIMENSION_CODES["disability"])
URBANISATION = list(DIMENSION_CODES["urbanisation"])
CITIZENSHIP_STATUS = list(DIMENSION_CODES["citizenship_status"])
ZERO_ONE = [0, 1]

# ``Optional`` is what pandera reads to make a column optional; keep it (not ``X | None``).
# ruff: noqa: UP045


def _assigned_subdivisions(series: pd.Series) -> pd.Series:
    """False for ISO 3166-2-shaped codes that ISO 3166-2 does not assign (checked once per code);
    countries and other values are left to the pattern check."""
    codes = series.dropna().astype(str).unique()
    bad = {c for c in codes if is_subdivision(c) and not is_ref_area(c)}
    return ~series.astype(object).isin(bad)


class SurveyMicrodata(pa.DataFrameModel):
    """Person-level survey or census-sample microdata in canonical form."""

    person_id: Optional[Series] = pa.Field(nullable=False)
    weight: Series = pa.Field(gt=0)
    stratum: Optional[Series] = pa.Field(nullable=False)
    psu: Optional[Series] = pa.Field(nullable=False)
    fpc: Optional[Series] = pa.Field(gt=0)
    ref_area: Series = pa.Field(str_matches=REF_AREA)
    time_period: Series = pa.Field(nullable=False)
    age: Optional[Series] = pa.Field(ge=0, le=120, nullable=True)
    age_group: Optional[Series] = pa.Field(str_matches=AGE_GROUP, nullable=True)
    sex: Optional[Series] = pa.Field(isin=SEX, nullable=True)
    country_of_birth: Optional[Series] = pa.Field(str_matches=ISO3, nullable=True)
    citizenship: Optional[Series] = pa.Field(str_matches=ISO3, nullable=True)
    born_abroad: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    foreign_citizen: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    legal_status: Optional[Series] = pa.Field(isin=LEGAL_STATUS, nullable=True)
    citizenship_status: Optional[Series] = pa.Field(isin=CITIZENSHIP_STATUS, nullable=True)
    disability: Optional[Series] = pa.Field(isin=DISABILITY, nullable=True)
    urbanisation: Optional[Series] = pa.Field(isin=URBANISATION, nullable=True)
    armed_forces: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    labour_status: Optional[Series] = pa.Field(isin=LABOUR_STATUS, nullable=True)
    sector: Optional[Series] = pa.Field(isin=ISIC_SECTIONS, nullable=True)
    informal: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    hours: Optional[Series] = pa.Field(ge=0, le=168, nullable=True)
    earnings: Optional[Series] = pa.Field(ge=0, nullable=True)
    hourly_earnings: Optional[Series] = pa.Field(ge=0, nullable=True)
    education: Optional[Series] = pa.Field(isin=list(range(9)), nullable=True)
    in_education: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    health_insurance: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    occupation: Optional[Series] = pa.Field(isin=list(range(10)), nullable=True)
    temporary_contract: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    wants_more_hours: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    social_security_contributor: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    social_protection: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    at_risk_of_poverty: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    unmet_medical_need: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    good_health: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    feels_unsafe: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    experienced_discrimination: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    recruitment_cost_ratio: Optional[Series] = pa.Field(ge=0, nullable=True)
    overcrowded: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    housing_cost_overburden: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    social_housing: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    union_member: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    # catalogue 2026.12.0: forced labour, domestic work, children, standard of living, violence
    employee: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    recently_recruited: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    available_more_hours: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    forced_labour: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    documents_retained: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    below_minimum_wage: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    weekly_rest: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    child_labour: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    violence_victim: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    bias_crime_victim: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    partner_violence: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    food_insecure: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    food_assistance: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    safely_managed_water: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)
    safely_managed_sanitation: Optional[Series] = pa.Field(isin=ZERO_ONE, nullable=True)

    @pa.check("ref_area", name="assigned_subdivision")
    @classmethod
    def _ref_area_assigned(cls, series: Series) -> Series:
        return _assigned_subdivisions(series)

    class Config:
        strict = False
        name = "survey microdata"


class MigrantStock(pa.DataFrameModel):
    """Aggregate migrant stock (e.g. UN DESA): counts by area, period, origin, sex and age."""

    ref_area: Series = pa.Field(nullable=False)
    time_period: Series = pa.Field(nullable=False)
    origin: Optional[Series] = pa.Field(nullable=True)
    sex: Series = pa.Field(isin=[*SEX, "_T"])
    age_group: Optional[Series] = pa.Field(nullable=True)
    value: Series = pa.Field(ge=0, nullable=True)
    data_type: Optional[Series] = pa.Field(nullable=True)

    class Config:
        strict = False
        name = "migrant stock"


class AdminCounts(pa.DataFrameModel):
    """Administrative counts in tidy form: one row per area, period, cell and ``measure`` (e.g.
    ``immigration_detention``, ``detected_trafficking_victims``, ``occupational_injuries``,
    ``workers``), with ``_T`` for totals. A rate's numerator and denominator are two measures
    over the same cells (matching coverage, SDG 8.8.1)."""

    ref_area: Series = pa.Field(nullable=False)
    time_period: Series = pa.Field(nullable=False)
    measure: Series = pa.Field(nullable=False)
    value: Series = pa.Field(ge=0, nullable=True)
    sex: Optional[Series] = pa.Field(isin=[*SEX, "_T"])
    age_group: Optional[Series] = pa.Field(nullable=True)
    disability: Optional[Series] = pa.Field(isin=[*DISABILITY, TOTAL])
    urbanisation: Optional[Series] = pa.Field(isin=[*URBANISATION, TOTAL])
    citizenship_status: Optional[Series] = pa.Field(isin=[*CITIZENSHIP_STATUS, TOTAL])

    class Config:
        strict = False
        name = "administrative counts"


class Ratifications(pa.DataFrameModel):
    """Legal-framework records, one row per State and instrument: treaties (``ratified``,
    ``signed``, ``not_signed``, ``denounced``) and national laws or policies (``in_force``,
    ``not_in_force``). ``datasets/templates/legal_framework.csv`` is a template to fill in."""

    ref_area: Series = pa.Field(str_matches=REF_AREA)
    instrument: Series = pa.Field(nullable=False)
    instrument_type: Optional[Series] = pa.Field(nullable=True)
    status: Series = pa.Field(
        isin=["ratified", "signed", "not_signed", "denounced", "in_force", "not_in_force"]
    )
    year: Optional[Series] = pa.Field(ge=1945, le=2100, nullable=True)
    #: whom a law or policy covers (empty for treaties): see datasets/templates/README.md
    coverage: Optional[Series] = pa.Field(
        isin=["all_migrants", "regular_only", "none"], nullable=True
    )

    @pa.check("ref_area", name="assigned_subdivision")
    @classmethod
    def _ref_area_assigned(cls, series: Series) -> Series:
        return _assigned_subdivisions(series)

    class Config:
        strict = False
        name = "ratifications"


SCHEMAS = {
    "survey": SurveyMicrodata,
    "stock": MigrantStock,
    "admin": AdminCounts,
    "ratification": Ratifications,
}
#: The 0.1 spelling of a kind, still accepted.
_ALIASES = {"ratifications": "ratification"}

#: Columns that identify a row of an aggregate table: two rows may not share them.
KEY_COLUMNS = {
    "stock": ["ref_area", "time_period", "measure", "population", "origin", *ALL_DIMENSIONS],
    "admin": ["ref_area", "time_period", "measure", "population", *ALL_DIMENSIONS],
    "ratification": ["ref_area", "instrument"],
}


def _duplicate_keys(data: pd.DataFrame, kind: str) -> list[dict]:
    """One failure per row whose key repeats an earlier row's (a value counted twice, or two
    contradicting records); the key columns are those of ``KEY_COLUMNS`` present."""
    keys = [c for c in KEY_COLUMNS.get(kind, []) if c in data.columns]
    if not keys or "ref_area" not in keys:
        return []
    repeated = data.duplicated(subset=keys, keep=False).to_numpy()
    if not repeated.any():
        return []
    rows = data.loc[repeated, keys].astype(str).agg("/".join, axis=1)
    check = f"duplicate key ({', '.join(keys)}): each must appear once"
    return [
        {"column": "(key)", "check": check, "index": idx, "failure_case": key}
        for idx, key in rows.items()
    ]


def frame_problems(data: pd.DataFrame, empty_is_error: bool = False) -> list[dict]:
    """Problems of a frame as a whole: repeated column names (a column would be read twice,
    or one of them ignored) and, for aggregate tables, no rows at all."""
    problems = []
    names = pd.Index(data.columns)
    for name in names[names.duplicated()].unique():
        positions = [i for i, c in enumerate(names) if c == name]
        problems.append(
            {
                "column": str(name),
                "check": f"column name appears {len(positions)} times (positions {positions})",
                "index": None,
                "failure_case": name,
            }
        )
    if empty_is_error and len(data) == 0:
        problems.append(
            {"column": "(frame)", "check": "has no rows", "index": None, "failure_case": None}
        )
    return problems


def _numeric(series: pd.Series) -> pd.Series:
    """True where a value is a number or missing (text such as '1,200' is not)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return pd.Series(True, index=series.index)
    converted = pd.to_numeric(series, errors="coerce")
    return converted.notna() | series.isna()


_CHECK_TEXT = [
    (re.compile(r"greater_than\((.*)\)"), r"must be > \1"),
    (re.compile(r"greater_than_or_equal_to\((.*)\)"), r"must be >= \1"),
    (re.compile(r"less_than_or_equal_to\((.*)\)"), r"must be <= \1"),
    (re.compile(r"isin\((.*)\)"), r"must be one of \1"),
    (re.compile(r"str_matches\('?(.*?)'?\)"), r"must match \1"),
    (re.compile(r"not_nullable"), "must not be missing"),
    (re.compile(r"column_in_dataframe"), "column is missing"),
    (
        re.compile(r"assigned_subdivision"),
        "must be an ISO 3166-2 subdivision code that ISO 3166-2 assigns (e.g. US-WY)",
    ),
]


def _readable(check: str) -> str:
    for pattern, text in _CHECK_TEXT:
        if pattern.fullmatch(str(check)):
            return pattern.sub(text, str(check))
    return str(check)


def validate(
    data: pd.DataFrame,
    kind: str = "survey",
    *,
    required: Iterable[str] = (),
    source: str | None = None,
) -> pd.DataFrame:
    """Validate a frame against the canonical schema of its kind, reporting every failure.

    Parameters
    ----------
    data : pandas.DataFrame
        The input.
    kind : {"survey", "stock", "admin", "ratification"}
        Which schema to apply (``"ratifications"``, the 0.1 spelling, is accepted).
    required : iterable of str
        Columns that must be present on top of the schema's own required ones (e.g. the columns
        the requested indicators read).
    source : str, optional
        File or dataset name, quoted in the error.

    Returns
    -------
    pandas.DataFrame
        ``data``, unchanged, when it passes.

    Raises
    ------
    DataValidationError
        Whose ``failure_cases`` frame lists column, check, row label and value of every failure:
        the schema's checks, and for aggregate tables a key repeated in two rows (a figure
        counted twice, or two contradicting records) and a value that is not a number.
    """
    kind = _ALIASES.get(kind, kind)
    allowed("data kind", kind, tuple(SCHEMAS))
    if not isinstance(data, pd.DataFrame):
        raise ConfigurationError(f"validate takes a pandas DataFrame, not a {type(data).__name__}")
    frame_failures = frame_problems(data, empty_is_error=kind != "survey")
    if frame_failures:
        raise DataValidationError(
            SCHEMAS[kind].Config.name, pd.DataFrame(frame_failures), source=source, n_rows=len(data)
        )
    failures = _duplicate_keys(data, kind)
    if "value" in data.columns and kind in ("stock", "admin"):
        bad = ~_numeric(data["value"])
        failures += [
            {"column": "value", "check": "must be a number", "index": i, "failure_case": v}
            for i, v in data.loc[bad.to_numpy(), "value"].items()
        ]
        if bad.any():  # the range checks cannot read text: report the text first
            data = data.assign(value=pd.to_numeric(data["value"], errors="coerce"))
    missing = [c for c in dict.fromkeys(required) if c not in data.columns]
    for col in missing:
        failures.append(
            {"column": col, "check": "column is missing", "index": None, "failure_case": col}
        )
    try:
        SCHEMAS[kind].validate(data, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        for row in fc.itertuples(index=False):
            absent = str(row.check) == "column_in_dataframe"
            failures.append(
                {
                    "column": row.failure_case if absent else row.column,
                    "check": _readable(row.check),
                    "index": row.index,
                    "failure_case": row.failure_case,
                }
            )
    if failures:
        frame = pd.DataFrame(
            failures, columns=["column", "check", "index", "failure_case"], dtype=object
        )
        frame["column"] = frame["column"].fillna("(frame)")
        raise DataValidationError(kind, frame, source=source, n_rows=len(data))
    return data
