"""Canonical input schemas (pandera ``DataFrameSchema`` objects) and their lazy validation.

Every input kind has one schema: survey microdata, aggregate migrant stock, administrative counts
and treaty ratifications. Optional columns are checked when present; the columns an indicator needs
are required only when that indicator is requested (:func:`validate` takes ``required=``).
Validation is lazy and complete: one :class:`~mhr_indicators.errors.DataValidationError` lists
every failing column, check, row and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

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


def _assigned_subdivisions(series: pd.Series) -> pd.Series:
    """False for ISO 3166-2-shaped codes that ISO 3166-2 does not assign (checked once per code);
    countries and other values are left to the pattern check."""
    codes = series.dropna().astype(str).unique()
    bad = {c for c in codes if is_subdivision(c) and not is_ref_area(c)}
    return ~series.astype(object).isin(bad)


_ASSIGNED = pa.Check(_assigned_subdivisions, name="assigned_subdivision")


def _column(*checks: pa.Check, required: bool = False, nullable: bool = True) -> pa.Column:
    """A column of a schema: optional, and may be missing, unless said otherwise."""
    return pa.Column(checks=list(checks) or None, required=required, nullable=nullable)


def _known(*checks: pa.Check, required: bool = False) -> pa.Column:
    """A column that must never be missing where present."""
    return _column(*checks, required=required, nullable=False)


def _codes(values, required: bool = False, nullable: bool = True) -> pa.Column:
    """A column of codes from a list."""
    return _column(pa.Check.isin(values), required=required, nullable=nullable)


#: A 0/1 variable (missing: not asked, not stated).
_ZERO_ONE = _codes(ZERO_ONE)


# The schemas are declared as ``DataFrameSchema`` objects, not ``DataFrameModel`` classes: a
# model's conversion to a schema imports Dask's types whenever Dask is installed (about half a
# second on a process's first validation).
SurveyMicrodata = pa.DataFrameSchema(
    {
        "person_id": _known(),
        "weight": _known(pa.Check.gt(0), required=True),
        "stratum": _known(),
        "psu": _known(),
        "fpc": _known(pa.Check.gt(0)),
        "ref_area": _known(pa.Check.str_matches(REF_AREA), _ASSIGNED, required=True),
        "time_period": _known(required=True),
        "age": _column(pa.Check.ge(0), pa.Check.le(120)),
        "age_group": _column(pa.Check.str_matches(AGE_GROUP)),
        "sex": _codes(SEX),
        "country_of_birth": _column(pa.Check.str_matches(ISO3)),
        "citizenship": _column(pa.Check.str_matches(ISO3)),
        "born_abroad": _ZERO_ONE,
        "foreign_citizen": _ZERO_ONE,
        "legal_status": _codes(LEGAL_STATUS),
        "citizenship_status": _codes(CITIZENSHIP_STATUS),
        "disability": _codes(DISABILITY),
        "urbanisation": _codes(URBANISATION),
        "armed_forces": _ZERO_ONE,
        "labour_status": _codes(LABOUR_STATUS),
        "sector": _codes(ISIC_SECTIONS),
        "informal": _ZERO_ONE,
        "hours": _column(pa.Check.ge(0), pa.Check.le(168)),
        "earnings": _column(pa.Check.ge(0)),
        "hourly_earnings": _column(pa.Check.ge(0)),
        "education": _codes(list(range(9))),
        "in_education": _ZERO_ONE,
        "health_insurance": _ZERO_ONE,
        "occupation": _codes(list(range(10))),
        "temporary_contract": _ZERO_ONE,
        "wants_more_hours": _ZERO_ONE,
        "social_security_contributor": _ZERO_ONE,
        "social_protection": _ZERO_ONE,
        "at_risk_of_poverty": _ZERO_ONE,
        "unmet_medical_need": _ZERO_ONE,
        "good_health": _ZERO_ONE,
        "feels_unsafe": _ZERO_ONE,
        "experienced_discrimination": _ZERO_ONE,
        "recruitment_cost_ratio": _column(pa.Check.ge(0)),
        "overcrowded": _ZERO_ONE,
        "housing_cost_overburden": _ZERO_ONE,
        "social_housing": _ZERO_ONE,
        "union_member": _ZERO_ONE,
        # catalogue 2026.12.0: forced labour, domestic work, children, standard of living, violence
        "employee": _ZERO_ONE,
        "recently_recruited": _ZERO_ONE,
        "available_more_hours": _ZERO_ONE,
        "forced_labour": _ZERO_ONE,
        "documents_retained": _ZERO_ONE,
        "below_minimum_wage": _ZERO_ONE,
        "weekly_rest": _ZERO_ONE,
        "child_labour": _ZERO_ONE,
        "violence_victim": _ZERO_ONE,
        "bias_crime_victim": _ZERO_ONE,
        "partner_violence": _ZERO_ONE,
        "food_insecure": _ZERO_ONE,
        "food_assistance": _ZERO_ONE,
        "safely_managed_water": _ZERO_ONE,
        "safely_managed_sanitation": _ZERO_ONE,
    },
    strict=False,
    name="survey microdata",
    title="SurveyMicrodata",
    description="Person-level survey or census-sample microdata in canonical form.",
)

MigrantStock = pa.DataFrameSchema(
    {
        "ref_area": _known(required=True),
        "time_period": _known(required=True),
        "origin": _column(),
        "sex": _codes([*SEX, "_T"], required=True, nullable=False),
        "age_group": _column(),
        "value": _column(pa.Check.ge(0), required=True),
        "data_type": _column(),
    },
    strict=False,
    name="migrant stock",
    title="MigrantStock",
    description=(
        "Aggregate migrant stock (e.g. UN DESA): counts by area, period, origin, sex and age."
    ),
)

AdminCounts = pa.DataFrameSchema(
    {
        "ref_area": _known(required=True),
        "time_period": _known(required=True),
        "measure": _known(required=True),
        "value": _column(pa.Check.ge(0), required=True),
        "sex": _codes([*SEX, "_T"], nullable=False),
        "age_group": _column(),
        "disability": _codes([*DISABILITY, TOTAL], nullable=False),
        "urbanisation": _codes([*URBANISATION, TOTAL], nullable=False),
        "citizenship_status": _codes([*CITIZENSHIP_STATUS, TOTAL], nullable=False),
    },
    strict=False,
    name="administrative counts",
    title="AdminCounts",
    description=(
        "Administrative counts in tidy form: one row per area, period, cell and ``measure`` "
        "(e.g. ``immigration_detention``, ``detected_trafficking_victims``, "
        "``occupational_injuries``, ``workers``), with ``_T`` for totals. A rate's numerator "
        "and denominator are two measures over the same cells (matching coverage, SDG 8.8.1)."
    ),
)

Ratifications = pa.DataFrameSchema(
    {
        "ref_area": _known(pa.Check.str_matches(REF_AREA), _ASSIGNED, required=True),
        "instrument": _known(required=True),
        "instrument_type": _column(),
        "status": _codes(
            ["ratified", "signed", "not_signed", "denounced", "in_force", "not_in_force"],
            required=True,
            nullable=False,
        ),
        "year": _column(pa.Check.ge(1945), pa.Check.le(2100)),
        # whom a law or policy covers (empty for treaties): see datasets/templates/README.md
        "coverage": _codes(["all_migrants", "regular_only", "none"]),
    },
    strict=False,
    name="ratifications",
    title="Ratifications",
    description=(
        "Legal-framework records, one row per State and instrument: treaties (``ratified``, "
        "``signed``, ``not_signed``, ``denounced``) and national laws or policies "
        "(``in_force``, ``not_in_force``). ``datasets/templates/legal_framework.csv`` is a "
        "template to fill in."
    ),
)


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
            SCHEMAS[kind].name, pd.DataFrame(frame_failures), source=source, n_rows=len(data)
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
