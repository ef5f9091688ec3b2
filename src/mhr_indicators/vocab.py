"""The library's shared vocabulary, defined once: codes, dimensions, kinds, units and options.

Every other module takes these names from here, so that a source kind, a dimension or the total
code is spelled one way in the specs, the engine, the results table and the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Literal, get_args

# --- codes of the results table (SDMX conventions) ---------------------------------------------
#: A dimension that is not broken down: the total over its categories.
TOTAL = "_T"
#: A dimension that does not apply to the row (an intersectional comparison spans both sexes).
NOT_APPLICABLE = "_Z"

Dimension = Literal["sex", "age_group", "sector", "legal_status"]
#: The core disaggregation dimensions of the results table, in their column order: always
#: present, ``_T`` where not broken down.
DIMENSIONS: tuple[str, ...] = get_args(Dimension)

OptionalDimension = Literal["disability", "urbanisation", "citizenship_status"]
#: Optional disaggregations (A/69/302, para. 101: disability, urban/rural, nationality), for
#: sources that have them. An optional dimension's column is in the results table only when it
#: was requested in ``by`` (after ``legal_status``, in this order), ``_T`` on every row not
#: broken down by it; a table without them is exactly the four-dimension table.
OPTIONAL_DIMENSIONS: tuple[str, ...] = get_args(OptionalDimension)

AnyDimension = Literal[
    "sex", "age_group", "sector", "legal_status", "disability", "urbanisation", "citizenship_status"
]
#: Every dimension ``compute(by=...)``, batch jobs and the catalogue's ``disaggregations`` accept.
ALL_DIMENSIONS: tuple[str, ...] = get_args(AnyDimension)

#: The controlled codes of each optional dimension (a missing value is "not stated"):
#:
#: - ``disability``: persons with / without disability. Surveys with the Washington Group Short
#:   Set count a person with disability when at least one of the six domains is answered "a lot
#:   of difficulty" or "cannot do at all" (the Washington Group's recommended cut-off); the
#:   categories are those of the SDG data structure's DISABILITY_STATUS dimension, but the
#:   code ids are the library's own (the SDG code list's ids could not be confirmed).
#: - ``urbanisation``: ``U`` urban, ``R`` rural, the codes of the SDG code list
#:   IAEG-SDGs:CL_URBANISATION. By the Degree of Urbanisation (UN Statistical Commission, 2020),
#:   cities and towns and semi-dense areas are urban, rural areas rural.
#: - ``citizenship_status``: how a person holds the citizenship of the country, following the
#:   census topic "citizenship" of the UN Principles and Recommendations for Population and
#:   Housing Censuses, Rev. 3 (2017): citizens by birth, by naturalisation, foreign citizens and
#:   stateless persons; ``non_citizen`` where a source does not tell foreign citizens from
#:   stateless persons (the ACS). Not the ``citizenship`` column, which holds a country code
#:   (ISO 3166-1 alpha-3) and defines the migrant group under the citizenship criterion.
DIMENSION_CODES: dict[str, tuple[str, ...]] = {
    "disability": ("with_disability", "without_disability"),
    "urbanisation": ("U", "R"),
    "citizenship_status": (
        "citizen_by_birth",
        "naturalised",
        "foreign_citizen",
        "stateless",
        "non_citizen",
    ),
}

Sex = Literal["F", "M"]
SEXES: tuple[str, ...] = get_args(Sex)

# --- inputs -------------------------------------------------------------------------------------
SourceKind = Literal["survey", "stock", "admin", "ratification"]
#: The kinds of input data an indicator is computed from.
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)

#: The keyword of ``compute`` (and ``coverage``) that takes an input of each kind.
INPUT_ARGUMENT: dict[str, str] = {
    "survey": "survey",
    "stock": "stock",
    "admin": "admin",
    "ratification": "ratifications",
}

#: Columns an aggregate input of each kind must hold.
AGGREGATE_COLUMNS: dict[str, list[str]] = {
    "stock": ["ref_area", "time_period", "measure", "value"],
    "admin": ["ref_area", "time_period", "measure", "value"],
    "ratification": ["ref_area", "instrument", "status"],
}

# --- the catalogue --------------------------------------------------------------------------------
#: ``context``: background statistics about the migrant population (its size and make-up), not a
#: structural, process or outcome indicator of any right.
IndicatorType = Literal["structural", "process", "outcome", "context"]
INDICATOR_TYPES: tuple[str, ...] = get_args(IndicatorType)

Statistic = Literal[
    "proportion",
    "mean",
    "ratio",
    "total",
    "quantile",
    "rate_per",
    "growth_rate",
    "count",
    "status",
]

Unit = Literal[
    "percent",
    "percent_per_year",
    "per_100000",
    "per_1000",
    "currency_per_month",
    "currency_per_hour",
    "ratio",
    "yes_no",
    "count",
    "years",
    "hours_per_week",
    "days",
]
#: Multiplier applied to a statistic's value (and its SE and interval) for each unit.
UNIT_MULTIPLIER: dict[str, float] = {"percent": 100.0, "per_100000": 1e5, "per_1000": 1e3}

MigrantCriterion = Literal["country_of_birth", "citizenship", "legal_status"]
ReferenceGroup = Literal["non_migrant", "native_born", "nationals", "total"]

#: Labels of the migrant and non-migrant groups under each criterion (ILO ICLS 2018: a label
#: never says just "migrant" without its criterion).
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "country_of_birth": ("foreign_born", "native_born"),
    "citizenship": ("foreign_citizen", "national"),
    "legal_status": ("non_citizen", "citizen"),
}

#: Columns that give the migrant status under each criterion: a 0/1 flag, or two codes compared.
CRITERION_COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    "country_of_birth": (["born_abroad"], ["country_of_birth", "ref_area"]),
    "citizenship": (["foreign_citizen"], ["citizenship", "ref_area"]),
    "legal_status": (["legal_status"], ["legal_status"]),
}

Comparison = Literal["gap", "ratio", "relative_gap", "parity_index", "adjusted_parity_index"]
#: Comparisons of the migrant group with the reference group, within each cell.
COMPARISONS: tuple[str, ...] = get_args(Comparison)

Intersectional = Literal["sex_gap_migrant", "double_disadvantage", "gap_difference"]
#: Comparisons across sex and migrant status (computed within the cells of the other dimensions):
#: women - men within the migrant group; migrant women - reference-group men; and the
#: difference-in-differences (migrant women - reference women) - (migrant men - reference men).
INTERSECTIONAL: tuple[str, ...] = get_args(Intersectional)

#: Population codes of rows that are not a group of people.
NOT_STATED_SHARE = "not_stated_share"

# --- options of the estimators --------------------------------------------------------------------
VarianceKind = Literal["design", "none"]
LonelyPSU = Literal["fail", "remove", "adjust", "average", "certainty"]
LONELY_PSU_POLICIES: tuple[str, ...] = get_args(LonelyPSU)
ReplicateMethod = Literal["SDR", "JK1", "JKn", "BRR", "Fay", "bootstrap"]
REPLICATE_METHODS: tuple[str, ...] = get_args(ReplicateMethod)
ProportionCI = Literal["logit", "beta", "wald", "t"]
CI_METHODS: tuple[str, ...] = get_args(ProportionCI)
MeanCI = Literal["wald", "t"]
ErrorMode = Literal["raise", "collect"]

# --- the results table ----------------------------------------------------------------------------
#: Sampling-error and size columns shared by estimator tables and the results table.
SAMPLING_COLUMNS: list[str] = ["se", "ci_lower", "ci_upper", "cv", "n_unweighted", "n_weighted"]

#: The columns of an estimator's table after the ``by`` columns (``SurveyDesign.mean`` etc.).
ESTIMATE_COLUMNS: tuple[str, ...] = ("value", *SAMPLING_COLUMNS, "df", "n_eff")

#: The columns of the results table (the public contract), in order.
RESULT_COLUMNS: list[str] = [
    "indicator_id",
    "type",
    "right",
    "attribute",
    "ref_area",
    "time_period",
    "population",
    *DIMENSIONS,
    "value",
    "unit",
    *SAMPLING_COLUMNS,
    "flag",
    "suppressed",
    "source",
]


def result_columns(optional: Iterable[str] = ()) -> list[str]:
    """The results-table columns with the optional dimensions among ``optional``.

    ``RESULT_COLUMNS`` with those of :data:`OPTIONAL_DIMENSIONS` that ``optional`` names (any
    other names are ignored) inserted after ``legal_status``, in the order of
    ``OPTIONAL_DIMENSIONS``.
    """
    wanted = set(optional)
    extra = [d for d in OPTIONAL_DIMENSIONS if d in wanted]
    at = RESULT_COLUMNS.index(DIMENSIONS[-1]) + 1
    return [*RESULT_COLUMNS[:at], *extra, *RESULT_COLUMNS[at:]]


def table_dimensions(columns: Iterable[str]) -> list[str]:
    """The dimensions of a results table with these columns: the core four, then the optional
    ones it has."""
    have = set(columns)
    return [*DIMENSIONS, *(d for d in OPTIONAL_DIMENSIONS if d in have)]


#: The columns of a results object's issues table.
ISSUE_COLUMNS: list[str] = ["indicator_id", "problem", "detail"]


class IssueCode(str, Enum):
    """Why an indicator, a breakdown or an input is missing from the results, or needs care."""

    NOT_DISAGGREGATED = "not_disaggregated"
    """A requested breakdown is not allowed by the spec, or not in the data."""
    MISSING_INPUT = "missing_input"
    """The data an indicator needs (a source, a column, records) are not given."""
    INVALID_DATA = "invalid_data"
    """The input failed its schema or a value check."""
    CANNOT_ESTIMATE = "cannot_estimate"
    """The estimate is undefined for the data given (no cases, a zero denominator, ...)."""
    SOURCE_QUALITY = "source_data_quality"
    """A problem the source's reader found and resolved by a documented rule."""
    INPUT_FAILED = "input_failed"
    """A whole input of a batch could not be read, mapped or computed."""
    CARRIED_OVER = "carried_over"
    """A batch input failed on a rerun: its results are the previous run's."""

    def __str__(self) -> str:
        return self.value


def allowed(name: str, value: object, choices: tuple[str, ...], error: type | None = None) -> None:
    """Raise ``error`` (a ConfigurationError by default) when ``value`` is not one of ``choices``.

    The message lists the accepted values: ``unknown ci 'logti'; expected one of: 'logit', ...``.
    """
    if value not in choices:
        from .errors import ConfigurationError

        raise (error or ConfigurationError)(
            f"unknown {name} {value!r}; expected one of: " + ", ".join(map(repr, choices))
        )
