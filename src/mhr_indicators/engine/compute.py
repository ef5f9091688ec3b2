"""``compute``: indicators + data -> a :class:`~.results.Results` (the tidy results table).

Each indicator is computed from the first of its source kinds that is given: survey microdata
with its design (:mod:`.survey_indicators`), or an aggregate table (:mod:`.aggregate_indicators`).
An indicator that cannot be computed either raises, or is recorded in the results' issues.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .._version import __version__
from ..catalogue.load import Catalogue, load_catalogue
from ..catalogue.spec import Indicator
from ..errors import (
    ConfigurationError,
    DataValidationError,
    EstimationInputError,
    IndicatorInputError,
    MhrError,
)
from ..prepare.schemas import validate
from ..survey import SurveyDesign
from ..vocab import (
    AGGREGATE_COLUMNS,
    ALL_DIMENSIONS,
    COMPARISONS,
    INPUT_ARGUMENT,
    INTERSECTIONAL,
    OPTIONAL_DIMENSIONS,
    TOTAL,
    ErrorMode,
    IssueCode,
    allowed,
    result_columns,
)
from .aggregate_indicators import compute_aggregate
from .blocks import Block, constant, join
from .migrant_status import criterion_columns
from .quality import QualityRules, resolve_rules
from .results import Results
from .survey_indicators import survey_indicator
from .survey_run import SurveyRun, breakdown_dims

__all__ = ["compute", "issue_record"]


def _resolve(indicators, cat: Catalogue | None) -> list[Indicator]:
    """The specs asked for; a retired one is computed with its old definition, and a warning
    names its successors."""
    if isinstance(indicators, (str, Indicator)):
        indicators = [indicators]
    out = []
    for item in indicators:
        ind = item if isinstance(item, Indicator) else (cat or load_catalogue())[item]
        if ind.deprecation and not isinstance(indicators, Catalogue):
            warnings.warn(ind.deprecation, FutureWarning, stacklevel=3)
        out.append(ind)
    return out


def _stacked(admin: pd.DataFrame, stock: pd.DataFrame) -> pd.DataFrame:
    """Administrative counts and the stock table in one table, for rates over the stock: a
    dimension one of them lacks is its total (``_T``) there, never a missing cell."""
    dims = [d for d in ALL_DIMENSIONS if d in admin.columns or d in stock.columns]
    parts = [t.assign(**{d: TOTAL for d in dims if d not in t.columns}) for t in (admin, stock)]
    return pd.concat(parts, ignore_index=True)


def issue_record(exc: MhrError) -> dict[str, str]:
    """The ``problem`` code and ``detail`` of an issue row for an error."""
    if isinstance(exc, IndicatorInputError):
        code = IssueCode.MISSING_INPUT
    elif isinstance(exc, DataValidationError):
        code = IssueCode.INVALID_DATA
    else:
        code = IssueCode.CANNOT_ESTIMATE
    return {"problem": str(code), "detail": f"{type(exc).__name__}: {exc}"}


class _Issues:
    """What could not be computed: raised at once, or collected as issue rows."""

    def __init__(self, mode: str):
        allowed("errors", mode, ("raise", "collect"))
        self.mode = mode
        self.rows: list[dict] = []

    def report(self, exc: MhrError, indicator_id: str) -> None:
        if self.mode == "raise":
            raise exc
        self.rows.append({"indicator_id": indicator_id, **issue_record(exc)})

    def note(self, indicator_id: str, problem: IssueCode, detail: str) -> None:
        self.rows.append({"indicator_id": indicator_id, "problem": str(problem), "detail": detail})


def _period_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _aggregate_indicator(
    ind: Indicator,
    table: pd.DataFrame,
    kind: str,
    dims: Sequence[str],
    issues: _Issues,
    source: str | None,
) -> pd.DataFrame:
    missing = [c for c in AGGREGATE_COLUMNS[kind] if c not in table.columns]
    if missing:
        raise IndicatorInputError(ind.id, missing)
    use = [d for d in dims if d in ind.disaggregations and d in table.columns]
    for d in dims:
        if d not in use:
            issues.note(
                ind.id,
                IssueCode.NOT_DISAGGREGATED,
                f"{d} is not a disaggregation of {ind.id} or not in the {kind} table",
            )
    rows = compute_aggregate(ind, table, kind, use, ALL_DIMENSIONS, source or kind)
    rows["indicator_id"] = ind.id
    rows["type"] = ind.type
    rows["right"] = ind.right
    rows["attribute"] = ind.attribute
    return rows


def _survey_kinds(ind: Indicator, comparisons: Sequence[str] | None, dims, issues) -> list[str]:
    """The comparisons to make: those requested (or the spec's), that the spec reports."""
    if comparisons is None:
        kinds = [k for k in ind.comparisons if ind.reports(k)]
    else:
        kinds = list(comparisons)
    if ind.statistic == "quantile" and kinds:
        issues.note(
            ind.id,
            IssueCode.CANNOT_ESTIMATE,
            "comparisons of quantiles are not computed: their covariance is not available",
        )
        return []
    if any(k in INTERSECTIONAL for k in kinds) and "sex" not in dims:
        issues.note(
            ind.id,
            IssueCode.NOT_DISAGGREGATED,
            "intersectional comparisons need sex among the breakdowns (by=[..., 'sex'])",
        )
    return kinds


def _present(run: SurveyRun, dims: Sequence[str]) -> list[str]:
    """``dims`` without the optional dimensions the survey data lack (core ones stay: a core
    dimension the data lack is an input error of the indicators that use it)."""
    return [d for d in dims if d not in OPTIONAL_DIMENSIONS or d in run.columns]


def _part(
    ind, kind, inputs, problems, run, dims, comparisons, issues, source
) -> pd.DataFrame | Block:
    """Result rows of one indicator from ``kind``, the first of its sources given (a survey
    indicator's as a block of arrays)."""
    stock = inputs["stock"]
    for used in [kind, *(["stock"] if kind == "admin" and stock is not None else [])]:
        if used in problems:
            raise problems[used]
    if kind == "survey":
        return _survey_part(ind, run, dims, comparisons, issues)
    table = inputs[kind]
    if kind == "admin" and stock is not None:
        # administrative counts over denominators from the stock table
        table = _stacked(table, stock)
    return _aggregate_indicator(ind, table, kind, dims, issues, source)


def _survey_part(ind, run: SurveyRun, dims, comparisons, issues) -> Block:
    for d in dims:
        if d not in _present(run, dims) and d in ind.disaggregations:
            issues.note(
                ind.id,
                IssueCode.NOT_DISAGGREGATED,
                f"{d} is not in the survey data (an optional dimension): not broken down by it",
            )
    dims = _present(run, dims)
    use_dims = breakdown_dims(ind, dims)
    for d in dims:
        if d not in ind.disaggregations:
            issues.note(
                ind.id, IssueCode.NOT_DISAGGREGATED, f"{d} is not an allowed disaggregation"
            )
    missing = ind.missing_columns(run.columns) + [d for d in use_dims if d not in run.columns]
    if missing:
        raise IndicatorInputError(ind.id, list(dict.fromkeys(missing)))
    criterion_cols = criterion_columns(ind.migrant_criterion)
    run.check([*ind.required_columns, "ref_area", "time_period", *use_dims, *criterion_cols])
    kinds = _survey_kinds(ind, comparisons, use_dims, issues)
    rows = survey_indicator(ind, run, use_dims, kinds)
    if not rows:
        used = ", ".join(c for c in (ind.variable, ind.numerator, ind.denominator) if c)
        raise EstimationInputError(
            f"{ind.id}: no person of its population ({ind.population or 'everyone'}) has a "
            f"value for {used} and a known migrant status: nothing to estimate"
        )
    for d in use_dims:  # a breakdown whose every value is missing gives no row: say so
        if not (rows[d] != TOTAL).any():
            issues.note(
                ind.id,
                IssueCode.NOT_DISAGGREGATED,
                f"no person of its population has a value of {d}: not broken down by it",
            )
    return rows


def _input_problems(inputs: dict) -> dict[str, MhrError]:
    """Each input checked once against its schema: the error of those that fail."""
    problems: dict[str, MhrError] = {}
    for kind, table in inputs.items():
        if table is None:
            continue
        if kind == "survey":
            if table.n_rows == 0:
                problems[kind] = EstimationInputError("the survey design has no rows")
            continue
        try:
            validate(table, kind, source=f"{INPUT_ARGUMENT[kind]}=")
        except DataValidationError as exc:
            problems[kind] = exc
    return problems


def _metadata(inds, rules: QualityRules, level: float, inputs: dict, cat) -> dict:
    groups = {
        i.id: dict(zip(("migrant", "reference"), i.group_labels, strict=True))
        for i in inds
        if "survey" in i.source_kind and i.migrant_criterion
    }
    return {
        "library_version": __version__,
        "catalogue_version": (cat or load_catalogue()).version,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "level": level,
        "quality": dict(rules.__dict__),
        "inputs": [
            {"kind": kind, "rows": value.n_rows if isinstance(value, SurveyDesign) else len(value)}
            for kind, value in inputs.items()
            if value is not None
        ],
        "groups": groups,
    }


def _with_totals(part: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    """``part`` with ``_T`` in the columns of ``dims`` it lacks (itself, not a copy, when it
    lacks none: a copy of a frame of text columns costs more than the rows it holds)."""
    lacking = [d for d in dims if d not in part.columns]
    return part.assign(**dict.fromkeys(lacking, TOTAL)) if lacking else part


def _frames(parts: Sequence[pd.DataFrame | Block], dims: Sequence[str]) -> list[pd.DataFrame]:
    """The parts as frames with ``_T`` in the columns of ``dims`` they lack, in order; the
    blocks of consecutive survey indicators made one frame (a frame per indicator would cost
    more than their rows: each text column is converted when a frame is made)."""
    frames, blocks = [], []
    for part in [*parts, None]:
        if isinstance(part, dict):
            n = len(next(iter(part.values())))
            blocks.append({**part, **{d: constant(TOTAL, n) for d in dims if d not in part}})
            continue
        if blocks:
            block = join(blocks)
            # the dtype aggregate sources use too (they have no case counts)
            block["n_unweighted"] = pd.array(block["n_unweighted"], dtype="Int64")
            frames.append(pd.DataFrame(block))
            blocks = []
        if part is not None:
            frames.append(_with_totals(part, dims))
    return frames


def compute(
    indicators: str | Indicator | Catalogue | Iterable[str | Indicator],
    *,
    survey: SurveyDesign | None = None,
    stock: pd.DataFrame | None = None,
    admin: pd.DataFrame | None = None,
    ratifications: pd.DataFrame | None = None,
    by: Sequence[str] | str | None = None,
    comparisons: Sequence[str] | None = None,
    quality: str | dict | QualityRules | None = "default",
    errors: ErrorMode = "raise",
    source: str | None = None,
    level: float = 0.95,
    catalogue: Catalogue | None = None,
) -> Results:
    """Compute indicators into a :class:`Results` (the results table, issues and metadata).

    Parameters
    ----------
    indicators : str, Indicator, Catalogue or list of them
        Catalogue ids (``"WORK.O.UR"``), :class:`Indicator` specs, or a :class:`Catalogue`.
    survey : SurveyDesign, optional
        Canonical survey microdata with its design (validate it with
        :func:`mhr_indicators.validate` first). Needs ``ref_area`` and ``time_period``.
    stock, admin, ratifications : pandas.DataFrame, optional
        Aggregate inputs, for indicators fed by those sources: tidy tables with ``measure`` and
        ``value`` columns (stock, admin), or legal-framework records (ratifications). Admin
        indicators may take their denominators (e.g. the migrant stock) from ``stock``.
    by : list of str, optional
        Disaggregations among ``sex``, ``age_group``, ``sector``, ``legal_status`` and the
        optional ``disability``, ``urbanisation``, ``citizenship_status``
        (``vocab.OPTIONAL_DIMENSIONS``). Every subset is computed, so each dimension also
        appears at its total (``_T``). An indicator is broken down only by the dimensions its
        spec allows (others are noted in the issues). An optional dimension's column is in the
        table only when requested here (``_T`` on the rows not broken down by it).
    comparisons : list of str, optional
        Comparisons for every survey indicator, replacing those of the specs: ``gap``,
        ``ratio``, ``relative_gap``, ``parity_index``, ``adjusted_parity_index`` (migrant vs
        reference group in each cell), and, with ``sex`` in ``by``, ``sex_gap_migrant``,
        ``double_disadvantage`` and ``gap_difference`` (see :mod:`.comparisons`).
    quality : str, dict or QualityRules
        Reliability rules (:mod:`mhr_indicators.engine.quality`): ``"default"``,
        ``"nchs_proportions"``, ``{"preset": "eurostat_lfs", "limit_a": ..., "limit_b": ...}``,
        ``"none"`` or custom thresholds.
    errors : {"raise", "collect"}
        On an indicator that cannot be computed: raise, or record it in the results' issues
        and compute the rest.
    source : str, optional
        Name of the dataset, written in the ``source`` column (default ``"survey"``).
    level : float
        Confidence level of the intervals, in (0, 1).
    catalogue : Catalogue, optional
        Where to look ids up (default: the shipped catalogue).

    Returns
    -------
    Results
        ``.table``: one row per indicator, area, period, population (the migrant group, the
        reference group, ``not_stated_share`` and each comparison) and cell; ``.issues``: what
        could not be computed or broken down, and why; ``.metadata``: versions, rules, inputs.
    """
    inds = _resolve(indicators, catalogue)
    dims = [by] if isinstance(by, str) else list(by or [])
    bad = [d for d in dims if d not in ALL_DIMENSIONS]
    if bad:
        raise ConfigurationError(
            f"by={bad} is not a results-table dimension; use any of {list(ALL_DIMENSIONS)} "
            f"(the last {len(OPTIONAL_DIMENSIONS)} are optional: their columns appear only "
            "when requested)"
        )
    for kind in comparisons or []:
        allowed("comparison", kind, (*COMPARISONS, *INTERSECTIONAL))
    if not 0 < level < 1:
        raise ConfigurationError(f"level must be between 0 and 1, got {level!r}")
    # a Dask-backed design (mhr.DaskSurveyDesign) brings its own run: dispatch on it
    own_run = None if isinstance(survey, SurveyDesign) else getattr(survey, "survey_run", None)
    if survey is not None and not isinstance(survey, SurveyDesign) and not callable(own_run):
        raise ConfigurationError(
            f"survey= takes a SurveyDesign, not a {type(survey).__name__}: build one with "
            "mhr.SurveyDesign(data, weights=..., strata=..., psu=...) (or, for a Dask "
            "dataframe or a Parquet dataset, mhr.DaskSurveyDesign(data, ...))"
        )
    rules = resolve_rules(quality)
    issues = _Issues(errors)
    run = SurveyRun(survey, rules, level, source or "survey") if survey is not None else None
    if callable(own_run):
        run = own_run(rules, level, source or "survey")
    if run is not None:
        run.prepare(inds, _present(run, dims))
    inputs = {"survey": survey, "stock": stock, "admin": admin, "ratification": ratifications}
    problems = _input_problems(inputs)
    parts = []
    kinds_of = {ind.id: [k for k in ind.source_kind if inputs[k] is not None] for ind in inds}
    from_survey = [ind for ind in inds if kinds_of[ind.id][:1] == ["survey"]]
    following = {a.id: b for a, b in itertools.pairwise([*from_survey, None])}
    try:
        if run is not None:
            if from_survey:  # the first one's rows are read while the columns are checked
                run.read_ahead(from_survey[0], _present(run, dims))
            run.check_columns()
        for ind in inds:
            try:
                kinds = kinds_of[ind.id]
                if not kinds:
                    raise IndicatorInputError(ind.id, ind.source_kind, what="source (one of)")
                if kinds[0] == "survey":  # the next one's rows are read while this one runs
                    run.read_ahead(following[ind.id], _present(run, dims))
                parts.append(
                    _part(ind, kinds[0], inputs, problems, run, dims, comparisons, issues, source)
                )
            except MhrError as exc:
                issues.report(exc, ind.id)
    finally:
        if run is not None:
            run.close()
    # an optional dimension requested in ``by`` is a column of every row: ``_T`` on the rows
    # of indicators that do not allow it; a table without optional dimensions is unchanged
    columns = result_columns(dims)
    extra = [d for d in columns if d in OPTIONAL_DIMENSIONS]
    frames = _frames(parts, extra)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    result = result[columns]
    # a year or a period string ("2015-2020"): always text, so that one table holds both
    result["time_period"] = result["time_period"].map(_period_text).astype(object)
    result["suppressed"] = result["suppressed"].astype(bool)
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    metadata = _metadata(inds, rules, level, inputs, catalogue)
    return Results(result, issues=pd.DataFrame(issues.rows), metadata=metadata)
