"""``compute``: indicators + data -> the tidy results table of DESIGN.md.

For each survey indicator and each requested breakdown (every subset of ``by``, the dimensions
left out shown as ``_T``), the engine estimates the indicator for the migrant group and the
reference group in one grouped pass, then the requested comparisons with their covariance, the
share of the population whose migrant status is not stated, and the reliability flags.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..catalogue.load import Catalogue, catalogue
from ..catalogue.spec import Indicator
from ..errors import DataValidationError, IndicatorInputError, MhrError
from ..filters import evaluate_filter, truth_values
from ..prepare.schemas import validate
from ..survey import SurveyDesign
from ..survey.cells import Cells, factorize_column, make_cells
from ..survey.contrast import compare
from ..survey.estimate import CellEstimate
from ..survey.intervals import confidence_interval
from .aggregate_indicators import TOTAL, compute_aggregate
from .quality import QualityRules, assess, combine, resolve_rules

DIMENSIONS = ("sex", "age_group", "sector", "legal_status")
RESULT_COLUMNS = [
    "indicator_id",
    "type",
    "right",
    "attribute",
    "ref_area",
    "time_period",
    "population",
    "sex",
    "age_group",
    "sector",
    "legal_status",
    "value",
    "unit",
    "se",
    "ci_lower",
    "ci_upper",
    "cv",
    "n_unweighted",
    "n_weighted",
    "flag",
    "suppressed",
    "source",
]
_STATUS = "__migrant_status"
_CRITERION_COLUMNS = {
    "country_of_birth": (["born_abroad"], ["country_of_birth", "ref_area"]),
    "citizenship": (["foreign_citizen"], ["citizenship", "ref_area"]),
    "legal_status": (["legal_status"], ["legal_status"]),
}


def migrant_status(data: pd.DataFrame, criterion: str) -> np.ndarray:
    """1 for migrants, 0 for the non-migrant group, NaN where the status is not stated.

    ``country_of_birth`` reads ``born_abroad`` (or compares ``country_of_birth`` with
    ``ref_area``); ``citizenship`` reads ``foreign_citizen`` (or ``citizenship`` vs
    ``ref_area``); ``legal_status`` counts every status but ``citizen`` as migrant, and
    ``not_stated``/``unknown`` as not stated. Unknown status is never folded into either group.
    """
    flag_cols, code_cols = _CRITERION_COLUMNS[criterion]
    if criterion == "legal_status":
        status = data["legal_status"]
        out = np.where(status == "citizen", 0.0, 1.0)
        unknown = status.isna() | status.isin(["not_stated", "unknown"])
        return np.where(unknown.to_numpy(), np.nan, out)
    if flag_cols[0] in data.columns:
        values = pd.to_numeric(data[flag_cols[0]], errors="coerce").to_numpy(dtype=float)
        return np.where(np.isin(values, [0.0, 1.0]), values, np.nan)
    return truth_values(f"{code_cols[0]} != {code_cols[1]}", data)


def _criterion_missing(data: pd.DataFrame, criterion: str) -> list[str]:
    flag_cols, code_cols = _CRITERION_COLUMNS[criterion]
    if all(c in data.columns for c in flag_cols) or all(c in data.columns for c in code_cols):
        return []
    return [" or ".join(flag_cols) + " (or " + " and ".join(code_cols) + ")"]


def _resolve(indicators, cat: Catalogue | None) -> list[Indicator]:
    if isinstance(indicators, (str, Indicator)):
        indicators = [indicators]
    out = []
    for item in indicators:
        if isinstance(item, Indicator):
            out.append(item)
        else:
            out.append((cat or catalogue())[item])
    return out


class _Issues:
    def __init__(self, mode: str):
        if mode not in ("raise", "collect"):
            raise MhrError(f"errors must be 'raise' or 'collect', not {mode!r}")
        self.mode = mode
        self.rows: list[dict] = []

    def report(self, exc: MhrError, indicator_id: str) -> None:
        if self.mode == "raise":
            raise exc
        self.rows.append(
            {"indicator_id": indicator_id, "problem": type(exc).__name__, "detail": str(exc)}
        )

    def note(self, indicator_id: str, problem: str, detail: str) -> None:
        self.rows.append({"indicator_id": indicator_id, "problem": problem, "detail": detail})


class _SurveyRun:
    """Per-call state for survey indicators: the design, and the cells shared between them."""

    def __init__(self, design: SurveyDesign, rules: QualityRules, level: float, source: str):
        self.design = design
        self.data = design._data
        self.rules = rules
        self.level = level
        self.source = source
        self._cells: dict[tuple, tuple[Cells, Cells, np.ndarray]] = {}
        self._status: dict[str, np.ndarray] = {}
        self._failures: dict[str, pd.DataFrame] = {}
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._not_stated: dict[tuple, CellEstimate] = {}

    def codes(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """A column's cell codes, computed once per call for all indicators and breakdowns."""
        if column not in self._codes:
            self._codes[column] = factorize_column(self.data[column])
        return self._codes[column]

    def not_stated(
        self, population: str | None, criterion: str, dims: tuple[str, ...]
    ) -> CellEstimate:
        """Share of the population whose migrant status is not stated, shared by indicators."""
        key = (population, criterion, dims)
        if key not in self._not_stated:
            _, overall, status = self.cells(population, criterion, dims)
            self._not_stated[key] = self.design._ratio(
                np.isnan(status).astype(float), None, overall
            )
        return self._not_stated[key]

    def check(self, columns: Sequence[str]) -> None:
        """Validate the canonical columns an indicator reads (each column once per call).

        Raises
        ------
        DataValidationError
            Listing every failing value of those columns (a code outside its list, an age of
            150, a missing ref_area), so that no row silently drops out of the cells.
        """
        todo = [c for c in dict.fromkeys(columns) if c not in self._failures]
        todo = [c for c in todo if c in self.data.columns]
        if todo:
            base = [c for c in ("ref_area", "time_period") if c not in todo]
            sub = self.data[todo + base].copy()
            sub["weight"] = 1.0  # the design has checked its own weights
            try:
                validate(sub, "survey", source=self.source)
                found = pd.DataFrame(columns=["column", "check", "index", "failure_case"])
            except DataValidationError as exc:
                found = exc.failure_cases
            for col in todo:
                self._failures[col] = found[found["column"] == col]
        failing = [
            self._failures[c]
            for c in dict.fromkeys(columns)
            if c in self._failures and len(self._failures[c])
        ]
        if failing:
            raise DataValidationError(
                "survey",
                pd.concat(failing, ignore_index=True),
                source=self.source,
                n_rows=len(self.data),
            )

    def status(self, criterion: str) -> np.ndarray:
        if criterion not in self._status:
            self._status[criterion] = migrant_status(self.data, criterion)
        return self._status[criterion]

    def cells(self, population: str | None, criterion: str, dims: tuple[str, ...]):
        """(cells by group, cells regardless of group, status) for a population and breakdown.

        Indicators sharing a population, criterion and breakdown reuse the same cells: one
        grouped pass codes them all.
        """
        key = (population, criterion, dims)
        if key not in self._cells:
            n = len(self.data)
            domain = (
                evaluate_filter(population, self.data) if population else np.ones(n, dtype=bool)
            )
            status = self.status(criterion)
            cols = ["ref_area", "time_period", *dims]
            frame = self.data[cols].copy()
            frame[_STATUS] = status

            def cached(col: str, criterion=criterion):
                if col == _STATUS:
                    key = f"{_STATUS}:{criterion}"
                    if key not in self._codes:
                        self._codes[key] = factorize_column(self.status(criterion))
                    return self._codes[key]
                return self.codes(col)

            by_group = make_cells(frame, [*cols, _STATUS], domain & ~np.isnan(status), cached)
            overall = make_cells(frame, cols, domain, cached)
            self._cells[key] = (by_group, overall, status)
        return self._cells[key]

    def variables(self, ind: Indicator, domain_rows: np.ndarray):
        d = self.design
        if ind.statistic == "proportion":
            if ind.numerator:
                return truth_values(ind.numerator, self.data), None
            return d._binary(ind.variable, domain_rows), None
        if ind.statistic == "ratio":
            return (
                d._variable(ind.numerator, "ratio numerator"),
                d._variable(ind.denominator, "ratio denominator"),
            )
        return d._variable(ind.variable, f"{ind.statistic} variable"), None

    def estimate(self, ind: Indicator, y, x, cells: Cells) -> CellEstimate:
        d = self.design
        if ind.statistic == "quantile":
            return d._quantile(y, cells, ind.quantile, self.level)
        return d._ratio(y, x, cells, total=ind.statistic == "total")

    def ci_method(self, ind: Indicator) -> str:
        if ind.statistic == "proportion":
            return self.rules.proportion_ci
        return "woodruff" if ind.statistic == "quantile" else "wald"


def _group_rows(
    est: CellEstimate,
    rows: np.ndarray,
    ind: Indicator,
    population: str,
    run: _SurveyRun,
    unit: str,
    multiplier: float,
) -> pd.DataFrame:
    sub = est.take(rows)
    frame = sub.to_frame(run.ci_method(ind), run.level, proportion=ind.statistic == "proportion")
    out = sub.labels.drop(columns=[_STATUS], errors="ignore").copy()
    out["population"] = population
    for col in ("value", "se", "ci_lower", "ci_upper"):
        out[col] = frame[col].to_numpy() * multiplier
    out["cv"] = frame["cv"].to_numpy()
    out["unit"] = unit
    out["n_unweighted"] = frame["n_unweighted"].to_numpy()
    out["n_weighted"] = frame["n_weighted"].to_numpy()
    out["p"] = frame["value"].to_numpy()
    out["df"] = frame["df"].to_numpy()
    out["is_proportion"] = ind.statistic == "proportion"
    out["has_variance"] = run.design.variance != "none"
    return out


def _comparison_unit(ind: Indicator, kind: str) -> tuple[str, float]:
    if kind == "gap":
        return ("percentage_points" if ind.unit == "percent" else ind.unit), ind.multiplier
    if kind == "relative_gap":
        return "percent", 100.0
    return "ratio", 1.0


def _survey_indicator(ind: Indicator, run: _SurveyRun, dims: Sequence[str]) -> pd.DataFrame:
    migrant_label, reference_label = ind.group_labels
    # the analysis variables do not depend on the breakdown: read them once
    population_rows = run.cells(ind.population, ind.migrant_criterion, ())[1].code >= 0
    y, x = run.variables(ind, population_rows)
    parts = []
    for size in range(len(dims) + 1):
        for subset in itertools.combinations(dims, size):
            by_group, overall, _ = run.cells(ind.population, ind.migrant_criterion, subset)
            est = run.estimate(ind, y, x, by_group)
            labels = est.labels
            key_cols = ["ref_area", "time_period", *subset]
            is_migrant = (labels[_STATUS] == 1).to_numpy()
            mig_rows = np.flatnonzero(is_migrant)
            if ind.reference_group == "total":
                ref_est = run.estimate(ind, y, x, overall)
                ref_labels = ref_est.labels
            else:
                ref_est, ref_labels = est, labels
            ref_rows = (
                np.arange(len(ref_labels))
                if ind.reference_group == "total"
                else np.flatnonzero(~is_migrant)
            )
            mig = _group_rows(est, mig_rows, ind, migrant_label, run, ind.unit, ind.multiplier)
            ref = _group_rows(
                ref_est, ref_rows, ind, reference_label, run, ind.unit, ind.multiplier
            )
            mig_flag, mig_sup = assess(mig, run.rules)
            ref_flag, ref_sup = assess(ref, run.rules)
            rows = []
            if ind.reports("migrant"):
                rows.append(_finish(mig, mig_flag, mig_sup))
            if ind.reports("reference"):
                rows.append(_finish(ref, ref_flag, ref_sup))
            if ind.reports("not_stated_share"):
                ns = run.not_stated(ind.population, ind.migrant_criterion, subset)
                frame = _group_rows(
                    ns,
                    np.arange(len(overall.labels)),
                    ind,
                    "not_stated_share",
                    run,
                    "percent",
                    100.0,
                )
                frame["is_proportion"] = True
                # data-quality metadata: flagged by the rules, never withheld
                ns_flag, ns_sup = assess(frame, run.rules)
                rows.append(_finish(frame, np.where(ns_sup, "U", ns_flag), np.zeros_like(ns_sup)))
            # comparisons between cells present in both groups
            mig_keys = labels.iloc[mig_rows][key_cols].reset_index(drop=True)
            ref_keys = ref_labels.iloc[ref_rows][key_cols].reset_index(drop=True)
            pairs = mig_keys.reset_index().merge(
                ref_keys.reset_index(), on=key_cols, suffixes=("_m", "_r")
            )
            pm, pr = pairs["index_m"].to_numpy(), pairs["index_r"].to_numpy()
            a, b = est.take(mig_rows[pm]), ref_est.take(ref_rows[pr])
            comp_flag, comp_sup = combine(mig_flag[pm], ref_flag[pr], mig_sup[pm], ref_sup[pr])
            for kind in ind.comparisons:
                if not ind.reports(kind):
                    continue
                value, variance = compare(a, b, kind)
                unit, mult = _comparison_unit(ind, kind)
                se = np.sqrt(variance)
                lo, hi = confidence_interval("wald", value, se, a.df, a.n_unweighted, run.level)
                out = pairs[key_cols].copy()
                out["population"] = kind
                out["value"], out["se"] = value * mult, se * mult
                out["ci_lower"], out["ci_upper"] = lo * mult, hi * mult
                with np.errstate(divide="ignore", invalid="ignore"):
                    out["cv"] = se / np.abs(value)
                out["unit"] = unit
                out["n_unweighted"] = a.n_unweighted + b.n_unweighted
                out["n_weighted"] = a.n_weighted + b.n_weighted
                rows.append(_finish(out, comp_flag, comp_sup))
            block = pd.concat(rows, ignore_index=True)
            for dim in DIMENSIONS:
                if dim not in subset:
                    block[dim] = TOTAL
            parts.append(block)
    result = pd.concat(parts, ignore_index=True)
    # the dtype aggregate sources use too (they have no case counts), so parts concatenate alike
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    result["indicator_id"] = ind.id
    result["type"] = ind.type
    result["right"] = ind.right
    result["attribute"] = ind.attribute
    result["source"] = run.source
    return result


def _finish(block: pd.DataFrame, flag: np.ndarray, suppressed: np.ndarray) -> pd.DataFrame:
    """Attach flags, withhold suppressed values (the row stays), drop working columns."""
    block = block.drop(columns=["p", "df", "is_proportion", "has_variance"], errors="ignore")
    block = block.copy()
    block["flag"] = flag
    block["suppressed"] = np.asarray(suppressed, dtype=bool)
    block.loc[block["suppressed"], ["value", "se", "ci_lower", "ci_upper", "cv"]] = np.nan
    return block


def _period_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


#: Columns an aggregate input of each kind must hold.
AGGREGATE_COLUMNS = {
    "stock": ["ref_area", "time_period", "measure", "value"],
    "admin": ["ref_area", "time_period", "measure", "value"],
    "ratification": ["ref_area", "instrument", "status"],
}


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
                "not_disaggregated",
                f"{d} is not a disaggregation of {ind.id} or not in the {kind} table",
            )
    rows = compute_aggregate(ind, table, kind, use, DIMENSIONS, source or kind)
    rows["indicator_id"] = ind.id
    rows["type"] = ind.type
    rows["right"] = ind.right
    rows["attribute"] = ind.attribute
    return rows


def compute(
    indicators: str | Indicator | Catalogue | Iterable[str | Indicator],
    *,
    survey: SurveyDesign | None = None,
    stock: pd.DataFrame | None = None,
    admin: pd.DataFrame | None = None,
    ratifications: pd.DataFrame | None = None,
    by: Sequence[str] | str | None = None,
    quality: str | dict | QualityRules | None = "default",
    errors: str = "raise",
    source: str | None = None,
    level: float = 0.95,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Compute indicators into the results table.

    Parameters
    ----------
    indicators : str, Indicator, Catalogue or list of them
        Catalogue ids (``"WORK.O.UR"``), :class:`Indicator` specs, or a :class:`Catalogue`.
    survey : SurveyDesign, optional
        Canonical survey microdata with its design (validate it with
        :func:`mhr_indicators.prepare.schemas.validate` first). Needs ``ref_area`` and
        ``time_period``.
    stock, admin, ratifications : pandas.DataFrame, optional
        Aggregate inputs, for indicators fed by those sources: tidy tables with ``measure`` and
        ``value`` columns (stock, admin), or legal-framework records (ratifications). Admin
        indicators may take their denominators (e.g. the migrant stock) from ``stock``.
    by : list of str, optional
        Disaggregations among ``sex``, ``age_group``, ``sector``, ``legal_status``. Every subset
        is computed, so each dimension also appears at its total (``_T``). An indicator is broken
        down only by the dimensions its spec allows (others are noted in ``issues``).
    quality : str, dict or QualityRules
        Reliability rules (:mod:`mhr_indicators.engine.quality`): ``"default"``,
        ``"nchs_proportions"``, ``{"preset": "eurostat_lfs", "limit_a": ..., "limit_b": ...}``,
        ``"none"`` or custom thresholds.
    errors : {"raise", "collect"}
        On an indicator that cannot be computed: raise, or record it in ``result.attrs["issues"]``
        (a list of records with indicator_id, problem, detail: ``pd.DataFrame(...)`` it) and
        compute the rest.
    source : str, optional
        Name of the dataset, written in the ``source`` column (default ``"survey"``).
    level : float
        Confidence level of the intervals.
    catalogue : Catalogue, optional
        Where to look ids up (default: the shipped catalogue).

    Returns
    -------
    pandas.DataFrame
        The results table (DESIGN.md): one row per indicator, area, period, population (the
        migrant group, the reference group, ``not_stated_share`` and each comparison) and cell.
        ``result.attrs["issues"]`` lists what could not be computed or broken down.
    """
    inds = _resolve(indicators, catalogue)
    dims = [by] if isinstance(by, str) else list(by or [])
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad:
        raise MhrError(f"by={bad} is not a results-table dimension; use any of {DIMENSIONS}")
    rules = resolve_rules(quality)
    issues = _Issues(errors)
    run = _SurveyRun(survey, rules, level, source or "survey") if survey is not None else None
    inputs = {"survey": survey, "stock": stock, "admin": admin, "ratification": ratifications}
    parts = []
    for ind in inds:
        try:
            kinds = [k for k in ind.source_kind if inputs[k] is not None]
            if not kinds:
                raise IndicatorInputError(ind.id, ind.source_kind, what="source (one of)")
            if kinds[0] != "survey":
                table = inputs[kinds[0]]
                if kinds[0] == "admin" and stock is not None:
                    # administrative counts over denominators from the stock table
                    table = pd.concat([table, stock], ignore_index=True)
                parts.append(_aggregate_indicator(ind, table, kinds[0], dims, issues, source))
                continue
            data = run.data
            missing = [
                c
                for c in (*ind.required_columns, "ref_area", "time_period")
                if c not in data.columns
            ]
            missing += _criterion_missing(data, ind.migrant_criterion)
            use_dims = [d for d in dims if d in ind.disaggregations]
            for d in dims:
                if d not in ind.disaggregations:
                    issues.note(
                        ind.id,
                        "not_disaggregated",
                        f"{d} is not an allowed disaggregation of {ind.id}",
                    )
            missing += [d for d in use_dims if d not in data.columns]
            if missing:
                raise IndicatorInputError(ind.id, list(dict.fromkeys(missing)))
            criterion_cols = [
                c for group in _CRITERION_COLUMNS[ind.migrant_criterion] for c in group
            ]
            run.check(
                [*ind.required_columns, "ref_area", "time_period", *criterion_cols, *use_dims]
            )
            parts.append(_survey_indicator(ind, run, use_dims))
        except MhrError as exc:
            issues.report(exc, ind.id)
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)
    result = result[RESULT_COLUMNS]
    # a year or a period string ("2015-2020"): always text, so that one table holds both
    result["time_period"] = result["time_period"].map(_period_text).astype(object)
    result["suppressed"] = result["suppressed"].astype(bool)
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    result.attrs["issues"] = issues.rows  # JSON-serialisable: survives to_parquet
    return result


__all__ = ["DIMENSIONS", "RESULT_COLUMNS", "compute", "migrant_status"]
