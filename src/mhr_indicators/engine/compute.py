"""``compute``: indicators + data -> a :class:`~.results.Results` (the tidy results table).

Each indicator is computed from the first of its source kinds that is given: survey microdata
with its design (:mod:`.survey_indicators`), or an aggregate table (:mod:`.aggregate_indicators`).
An indicator that cannot be computed either raises, or is recorded in the results' issues.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

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
)
from .aggregate_indicators import compute_aggregate
from .assemble import results_table
from .blocks import Block
from .migrant_status import criterion_columns
from .quality import QualityRules, resolve_rules
from .results import Results
from .survey_indicators import survey_indicator
from .survey_run import SurveyRun, breakdown_dims

__all__ = ["compute", "issue_record"]

#: Survey indicators computed at once, in threads (each one's breakdowns then made one after
#: another): the compiled loops of one release the GIL while another builds its rows. 1
#: computes them in turn, reading each next one's rows ahead. The results, the issues and their
#: order do not depend on it.
INDICATOR_THREADS = min(2, os.cpu_count() or 1)


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
) -> pd.DataFrame | Callable[[], Block]:
    """Result rows of one indicator from ``kind``, the first of its sources given (a survey
    indicator's as the function finishing them, as a block of arrays)."""
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


def _survey_part(ind, run: SurveyRun, dims, comparisons, issues) -> Callable[[], Block]:
    """Estimate a survey indicator; return the function that finishes it once its columns
    are checked (the checks may still run: a thread estimating indicators does not wait for
    them, the caller taking the parts in order does): its rows, or its error."""
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
    read = [*ind.required_columns, "ref_area", "time_period", *use_dims]
    read += criterion_columns(ind.migrant_criterion)
    kinds = _survey_kinds(ind, comparisons, use_dims, issues)
    try:
        rows, error = survey_indicator(ind, run, use_dims, kinds), None
    except Exception as exc:  # reported once the columns are checked (their error comes first)
        rows, error = {}, exc

    def finish() -> Block:
        run.check(read)  # a value that fails the checks is the error to report
        if error is not None:
            raise error
        return _reported(ind, rows, use_dims, issues)

    return finish


def _reported(ind, rows: Block, use_dims, issues) -> Block:
    """A survey indicator's rows, or the error that it has none; a note for each breakdown
    whose every value is missing (it gives no row)."""
    if not rows:
        used = ", ".join(c for c in (ind.variable, ind.numerator, ind.denominator) if c)
        raise EstimationInputError(
            f"{ind.id}: no person of its population ({ind.population or 'everyone'}) has a "
            f"value for {used} and a known migrant status: nothing to estimate"
        )
    for d in use_dims:
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
    kinds_of = {ind.id: [k for k in ind.source_kind if inputs[k] is not None] for ind in inds}
    from_survey = [ind for ind in inds if kinds_of[ind.id][:1] == ["survey"]]
    following = {a.id: b for a, b in itertools.pairwise([*from_survey, None])}
    concurrent = run is not None and run.concurrent and INDICATOR_THREADS > 1
    pool = ThreadPoolExecutor(INDICATOR_THREADS, "mhr-indicators") if concurrent else None

    def part_of(ind: Indicator, own: _Issues):
        kinds = kinds_of[ind.id]
        if not kinds:
            raise IndicatorInputError(ind.id, ind.source_kind, what="source (one of)")
        if kinds[0] == "survey" and not concurrent:  # the next one's rows read meanwhile
            run.read_ahead(following[ind.id], _present(run, dims))
        return _part(ind, kinds[0], inputs, problems, run, dims, comparisons, own, source)

    try:
        if run is not None:
            if from_survey and not concurrent:  # read while the columns are checked
                run.read_ahead(from_survey[0], _present(run, dims))
            run.check_columns()
            if concurrent:  # each indicator's breakdowns one after another, in its thread
                run.breakdown_threads = 1
        threaded = {ind.id for ind in from_survey} if concurrent else set()
        parts = _in_order(inds, part_of, pool, threaded, issues)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if run is not None:
            run.close()
    result = results_table(parts, dims)
    metadata = _metadata(inds, rules, level, inputs, catalogue)
    return Results(result, issues=pd.DataFrame(issues.rows), metadata=metadata)


def _in_order(inds, part_of, pool, threaded: set[str], issues: _Issues) -> list:
    """The parts of the indicators: those in ``threaded`` started in ``pool`` at once, the
    others made in turn; each one's notes kept apart and every outcome taken in the
    indicators' order (notes, then its part or its error), as if all ran in turn."""
    started = []
    for ind in inds:
        own = _Issues(issues.mode)
        if ind.id in threaded:
            started.append((ind, own, pool.submit(part_of, ind, own)))
        else:
            started.append((ind, own, _outcome(part_of, ind, own)))
    parts = []
    for ind, own, outcome in started:
        try:
            part = outcome.result()
            if callable(part):  # a survey indicator's, finished once its columns are checked
                part = part()
        except MhrError as exc:
            issues.rows += own.rows
            issues.report(exc, ind.id)
            continue
        issues.rows += own.rows
        parts.append(part)
    return parts


def _outcome(function, *args) -> Future:
    """``function(*args)`` called now, as a finished future (its result or its error)."""
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except MhrError as exc:
        done.set_exception(exc)
    return done
