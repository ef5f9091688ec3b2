"""Survey indicators: the migrant group and its reference group in every cell, and comparisons.

For an indicator and each requested breakdown (every subset of ``by``; the dimensions left out
are ``_T``), one call of :meth:`SurveyDesign.estimate` estimates the indicator in the cells of
both groups at once, so their covariance is known; the comparisons (:mod:`.comparisons`) are
contrasts over those estimates. The share of the population whose migrant status is not stated
is reported beside them. The engine uses only the public API of :mod:`mhr_indicators.survey`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..catalogue.spec import Indicator
from ..errors import DataValidationError, MhrError
from ..filters import evaluate_filter, parse_filter, truth_values
from ..prepare.schemas import validate
from ..survey import CellSums, Estimates, SurveyDesign
from ..vocab import DIMENSIONS, NOT_STATED_SHARE, TOTAL
from .blocks import Block, constant, join, label_block, take
from .blocks import withhold as withhold_rows
from .comparisons import comparison_rows
from .migrant_status import criterion_columns, migrant_status
from .quality import QualityRules, assess, shown_interval

KEYS = ["ref_area", "time_period"]
#: Breakdowns of an indicator computed at once, in threads: the compiled loops over the pairs
#: release the GIL, so a second core adds up one breakdown's pairs while the first builds
#: another's rows. The results do not depend on it (each breakdown is computed alone, and the
#: rows keep their order); 1 computes them one by one.
BREAKDOWN_THREADS = min(2, os.cpu_count() or 1)
#: Threads reading the next indicator's rows while one is estimated (:meth:`SurveyRun.read_ahead`);
#: 0 reads each indicator's rows on its own turn. The results do not depend on it.
READ_AHEAD_THREADS = 1 if (os.cpu_count() or 1) > 1 else 0


class SurveyRun:
    """Per-call state: the design (grown by the derived columns indicators share), the domains
    of the populations, and the columns already validated."""

    def __init__(self, design: SurveyDesign, rules: QualityRules, level: float, source: str):
        self.design = design
        self.rules = rules
        self.level = level
        self.source = source
        self._failures: dict[str, pd.DataFrame] = {}
        self._domains: dict[str | None, np.ndarray] = {}
        self._sums: dict[tuple, CellSums] = {}
        self._users: dict[tuple, int] = {}  # indicators still to use each population's sums
        self._columns: list[str] | None = None
        self._not_stated: dict[tuple, Block] = {}  # the same for every indicator of a population
        self._reader: ThreadPoolExecutor | None = None
        self._ahead: Future | None = None

    def prepare(self, indicators: Sequence[Indicator], dims: Sequence[str] = ()) -> None:
        """Derive, before any estimate, the columns the survey indicators share (migrant status,
        status not stated, numerators given as filters), so that the cell sums of one
        population serve every indicator. An indicator whose columns are missing is left to
        fail on its own turn."""
        wanted: list[str] = []
        for ind in indicators:
            if "survey" not in ind.source_kind or not ind.migrant_criterion:
                continue
            if ind.missing_columns(self.columns):
                continue  # reported when the indicator's turn comes
            try:
                self.status_missing(ind.migrant_criterion)
                self.variables(ind)
            except MhrError:
                continue
            key = self._key(ind.population, ind.migrant_criterion, breakdown_dims(ind, dims))
            self._users[key] = self._users.get(key, 0) + 1
            wanted += [*ind.required_columns, *breakdown_dims(ind, dims)]
            wanted += criterion_columns(ind.migrant_criterion)
        self._validate_columns([*KEYS, *wanted])  # one schema check for every column

    def read_ahead(self, ind: Indicator | None, dims: Sequence[str] = ()) -> None:
        """Finish the reading started for the indicator now due, and start reading, in a
        background thread, the rows ``ind`` (the next survey indicator) will need: its
        population's finest cells and the sums of its variable and of the not-stated share.
        That reading is work on every row, which would otherwise keep one core busy while the
        other waits; done ahead, it overlaps the estimates of the indicator before. Only
        indicators counted by :meth:`prepare` are read ahead (their derived columns exist, so
        the design does not change); an error is left to the indicator's own turn, which
        reads the same rows again and reports it."""
        if self._ahead is not None:
            self._ahead.result()
            self._ahead = None
        if ind is None or READ_AHEAD_THREADS == 0:
            return
        dims = breakdown_dims(ind, dims)
        if self._key(ind.population, ind.migrant_criterion, dims) not in self._users:
            return
        if self._reader is None:
            self._reader = ThreadPoolExecutor(READ_AHEAD_THREADS, "mhr-read-ahead")
        self._ahead = self._reader.submit(self._read, ind, dims)

    def _read(self, ind: Indicator, dims: Sequence[str]) -> None:
        try:
            sums = self.sums(ind.population, ind.migrant_criterion, dims)
            sums.read("proportion", self.status_missing(ind.migrant_criterion))
            if ind.statistic != "quantile":
                variable, kwargs = self.variables(ind)
                sums.read(ind.statistic, variable, **kwargs)
        except Exception:  # raised again, in context, on the indicator's own turn
            return

    def close(self) -> None:
        """Stop the thread that reads ahead (after the reading under way)."""
        if self._reader is not None:
            self._reader.shutdown(wait=True)
            self._reader = None
        self._ahead = None

    def _key(self, population: str | None, criterion: str, dims: Sequence[str]) -> tuple:
        return (population, criterion, tuple(dims))

    @property
    def columns(self) -> list[str]:
        if self._columns is None:
            self._columns = self.design.column_names
        return self._columns

    def _derive(self, name: str, make) -> str:
        """Add a derived column to the design once (shared by every indicator that needs it)."""
        if name not in self.columns:
            values = np.asarray(make())
            if values.dtype == np.float64 and _binary(values):
                values = values.astype(np.float32)  # 0, 1 and NaN exactly, in half the memory
            self.design = self.design.assign(**{name: values})
            self._columns = None
        return name

    def _frame(self, columns: Sequence[str]) -> pd.DataFrame:
        present = set(self.columns)
        return self.design.get_columns([c for c in dict.fromkeys(columns) if c in present])

    def status(self, criterion: str) -> str:
        """The name of the column holding the migrant status under ``criterion``."""
        cols = criterion_columns(criterion)
        return self._derive(
            f"__status_{criterion}", lambda: migrant_status(self._frame(cols), criterion)
        )

    def domain(self, population: str | None) -> np.ndarray:
        """Rows of a spec's population filter, evaluated once per call."""
        if population not in self._domains:
            if population:
                frame = self._frame(parse_filter(population).columns)
                self._domains[population] = evaluate_filter(population, frame)
            else:
                self._domains[population] = np.ones(self.design.n_rows, dtype=bool)
        return self._domains[population]

    def check(self, columns: Sequence[str]) -> None:
        """Validate the canonical columns an indicator reads (each column once per call).

        Raises
        ------
        DataValidationError
            Listing every failing value of those columns (a code outside its list, an age of
            150, a missing ref_area), so that no row silently drops out of the cells.
        """
        self._validate_columns(columns)
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
                n_rows=self.design.n_rows,
            )

    def status_missing(self, criterion: str) -> str:
        """The name of the 0/1 column: the migrant status under ``criterion`` is not stated."""
        status = self.status(criterion)
        return self._derive(
            f"__status_missing_{criterion}",
            lambda: np.isnan(self._frame([status])[status].to_numpy(float)).astype(float),
        )

    def variables(self, ind: Indicator) -> tuple[str, dict]:
        """The column an indicator estimates, and the estimator's other arguments."""
        if ind.statistic == "proportion" and ind.numerator:
            cols = parse_filter(ind.numerator).columns
            name = self._derive(
                f"__numerator_{ind.id}", lambda: truth_values(ind.numerator, self._frame(cols))
            )
            return name, {}
        if ind.statistic == "ratio":
            return ind.numerator, {"denominator": ind.denominator}
        if ind.statistic == "quantile":
            return ind.variable, {"q": ind.quantile}
        return ind.variable, {}

    def sums(self, population: str | None, criterion: str, dims: Sequence[str]) -> CellSums:
        """The finest cells of a population (area, period, the breakdown's dimensions, migrant
        status), coded once for every indicator, breakdown and group that uses them."""
        status = self.status(criterion)
        key = (*self._key(population, criterion, dims), len(self.columns))
        if key not in self._sums:
            by = [*KEYS, *dims, status]
            self._sums[key] = self.design.cell_sums(by, where=self.domain(population))
        return self._sums[key]

    def _validate_columns(self, columns: Sequence[str]) -> None:
        """Check the columns not checked yet against the survey schema, all in one call, on
        their distinct values (one check per value, not per row); keep each column's failures,
        mapped back to every row holding the failing values."""
        present = set(self.columns)
        todo = [c for c in dict.fromkeys(columns) if c not in self._failures and c in present]
        if not todo:
            return
        distinct = {}
        for col in todo:
            values = self._frame([col])[col]
            codes, _ = pd.factorize(values, use_na_sentinel=False)
            first = np.full(codes.max() + 1 if len(codes) else 0, -1, dtype=np.int64)
            first[codes[::-1]] = np.arange(len(codes))[::-1]
            distinct[col] = values.take(first).to_numpy()  # never the whole column
        size = max(len(v) for v in distinct.values())
        # each column's distinct values, padded with its first one (checks are column-wise)
        sample = pd.DataFrame(
            {c: np.resize(v, size) if len(v) else np.full(size, None) for c, v in distinct.items()}
        )
        sample["weight"] = 1.0  # the design has checked its own weights
        for key in KEYS:
            if key not in sample.columns:
                sample[key] = "XXX" if key == "ref_area" else "2000"
        found = pd.DataFrame(columns=["column", "check", "index", "failure_case"])
        try:
            validate(sample, "survey", source=self.source)
        except DataValidationError as exc:
            found = exc.failure_cases
        for col in todo:
            mine = found[found["column"] == col]
            mine = mine[mine["index"].astype(np.int64) < len(distinct[col])]
            self._failures[col] = self._rows_failing(col, mine)

    def _rows_failing(self, column: str, found: pd.DataFrame) -> pd.DataFrame:
        """Every row whose value of ``column`` is among the failing distinct values."""
        if found.empty:
            return pd.DataFrame(columns=["column", "check", "index", "failure_case"])
        values = self._frame([column])[column]
        codes, _ = pd.factorize(values, use_na_sentinel=False)
        rows = []
        for check, group in found.groupby("check", sort=False):
            bad = np.isin(codes, group["index"].astype(np.int64).to_numpy())
            rows.append(
                pd.DataFrame(
                    {
                        "column": column,
                        "check": check,
                        "index": values.index[bad],
                        "failure_case": values[bad].to_numpy(),
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    def estimate(self, ind: Indicator, by: list[str], dims: Sequence[str]) -> Estimates:
        """The indicator's statistic in the cells of ``by`` within its population; ``dims`` are
        all the dimensions of the indicator's breakdowns (the finest cells)."""
        variable, kwargs = self.variables(ind)
        if ind.statistic == "quantile":  # the one statistic that needs the rows
            where = self.domain(ind.population)
            return self.design.estimate(
                "quantile", variable, by=by, where=where, level=self.level, **kwargs
            )
        sums = self.sums(ind.population, ind.migrant_criterion, dims)
        return sums.estimate(ind.statistic, variable, by=by, **kwargs)

    def release(self, ind: Indicator, dims: Sequence[str]) -> None:
        """Free the sums of an indicator's own variables once its rows are made, and the cells
        of its population once no later indicator needs them."""
        key = self._key(ind.population, ind.migrant_criterion, dims)
        if ind.statistic != "quantile":
            variable, kwargs = self.variables(ind)
            sums = self.sums(ind.population, ind.migrant_criterion, dims)
            for name in (variable, kwargs.get("denominator")):
                if name:
                    sums.forget(name)
        self._users[key] = self._users.get(key, 1) - 1
        if self._users[key] <= 0:
            for cached in [k for k in list(self._sums) if k[:3] == key]:  # a snapshot: threads
                self._sums.pop(cached, None)

    def not_stated_rows(
        self, population: str | None, criterion: str, by: list[str], dims: Sequence[str]
    ) -> Block:
        """Rows of the share of the population whose migrant status is not stated, in the
        cells of ``by``: the same for every indicator of the population, so made once (a
        data-quality figure, flagged by the rules but never withheld)."""
        key = (population, criterion, tuple(by))
        if key not in self._not_stated:
            missing = self.status_missing(criterion)
            est = self.sums(population, criterion, dims).estimate("proportion", missing, by=by)
            ci = self.rules.proportion_ci
            rows = estimate_rows(est, self, ci, "percent", 100.0, True, withhold=False)
            self._not_stated[key] = labelled(rows, population=NOT_STATED_SHARE)
        return self._not_stated[key]

    def ci_method(self, ind: Indicator) -> str:
        if ind.statistic == "proportion":
            return self.rules.proportion_ci
        return "woodruff" if ind.statistic == "quantile" else "wald"


def _binary(values: np.ndarray) -> bool:
    """Whether a float array holds only 0, 1 and NaN."""
    return bool(((values == 0.0) | (values == 1.0) | np.isnan(values)).all())


def breakdown_dims(ind: Indicator, dims: Sequence[str]) -> list[str]:
    """The requested dimensions an indicator is broken down by (those its spec allows)."""
    return [d for d in dims if d in ind.disaggregations]


def estimate_rows(
    est: Estimates,
    run: SurveyRun,
    ci: str,
    unit: str,
    multiplier: float,
    proportion: bool,
    withhold: bool = True,
) -> Block:
    """Result rows of every cell of ``est`` in the indicator's unit, with their flags.

    With ``withhold=False`` (data-quality rows such as the not-stated share) a value the rules
    would withhold is published with the flag ``U`` instead.
    """
    cols = est.columns(ci, run.level)
    n = len(est)
    work = pd.DataFrame(
        {
            **{c: cols[c] * multiplier for c in ("value", "se", "ci_lower", "ci_upper")},
            "cv": cols["cv"],
            "unit": constant(unit, n),
            "n_unweighted": cols["n_unweighted"],
            "n_weighted": cols["n_weighted"],
            "p": cols["value"],
            "df": cols["df"],
            "is_proportion": np.full(n, proportion),
            "has_variance": np.full(n, run.design.variance != "none"),
        }
    )
    work["ci_lower"], work["ci_upper"] = shown_interval(work, run.rules, run.level)
    flag, suppressed = assess(work, run.rules)
    if not withhold:
        flag, suppressed = np.where(suppressed, "U", flag), np.zeros_like(suppressed)
    block = label_block(est.labels)
    for col in ("value", "se", "ci_lower", "ci_upper", "cv", "n_unweighted", "n_weighted"):
        block[col] = work[col].to_numpy()
    block["unit"] = constant(unit, n)
    return withhold_rows(block, flag, suppressed)


def _breakdown(
    ind: Indicator,
    run: SurveyRun,
    subset: tuple[str, ...],
    dims: Sequence[str],
    kinds: Sequence[str],
) -> pd.DataFrame:
    """All rows of one breakdown: both groups, the not-stated share and the comparisons."""
    migrant_label, reference_label = ind.group_labels
    status = run.status(ind.migrant_criterion)
    keys = [*KEYS, *subset]
    by_group = run.estimate(ind, [*keys, status], dims)
    if ind.reference_group == "total":
        joint = Estimates.concat([by_group, run.estimate(ind, keys, dims)])
    else:
        joint = by_group
    proportion = ind.statistic == "proportion"
    rows = estimate_rows(joint, run, run.ci_method(ind), ind.unit, ind.multiplier, proportion)
    group = rows.pop(status)
    is_migrant = group[: len(by_group)] == 1
    mig_pos = np.flatnonzero(is_migrant)
    if ind.reference_group == "total":
        ref_pos = np.arange(len(by_group), len(joint))
    else:
        ref_pos = np.flatnonzero(~is_migrant)
    parts = []
    if ind.reports("migrant"):
        parts.append(labelled(take(rows, mig_pos), population=migrant_label))
    if ind.reports("reference"):
        parts.append(labelled(take(rows, ref_pos), population=reference_label))
    if ind.reports(NOT_STATED_SHARE):
        parts.append(run.not_stated_rows(ind.population, ind.migrant_criterion, keys, dims))
    parts += comparison_rows(ind, joint, rows, mig_pos, ref_pos, keys, kinds, run.level)
    block = pd.DataFrame(join(parts))
    for dim in dict.fromkeys((*DIMENSIONS, *dims)):  # the core four, and optional ones asked for
        if dim not in block.columns:
            block[dim] = TOTAL
    return block


def labelled(block: Block, **columns) -> Block:
    """``block`` with constant columns added."""
    n = len(next(iter(block.values())))
    return {**block, **{c: constant(v, n) for c, v in columns.items()}}


def survey_indicator(
    ind: Indicator, run: SurveyRun, dims: Sequence[str], kinds: Sequence[str]
) -> pd.DataFrame:
    """Result rows of a survey indicator for every subset of ``dims``."""
    subsets = [s for size in range(len(dims) + 1) for s in itertools.combinations(dims, size)]
    parts = [_breakdown(ind, run, subsets[0], dims, kinds)]  # fills the caches they share
    if BREAKDOWN_THREADS > 1 and len(subsets) > 2:
        with ThreadPoolExecutor(BREAKDOWN_THREADS) as pool:
            parts += pool.map(lambda s: _breakdown(ind, run, s, dims, kinds), subsets[1:])
    else:
        parts += [_breakdown(ind, run, s, dims, kinds) for s in subsets[1:]]
    run.release(ind, dims)
    result = pd.concat(parts, ignore_index=True)
    # the dtype aggregate sources use too (they have no case counts), so parts concatenate alike
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    result["indicator_id"] = ind.id
    result["type"] = ind.type
    result["right"] = ind.right
    result["attribute"] = ind.attribute
    result["source"] = run.source
    return result
