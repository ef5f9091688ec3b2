"""The engine's survey run on a :class:`~.design.DaskSurveyDesign`.

:class:`~mhr_indicators.engine.survey_run.SurveyRun` derives shared columns, evaluates
population filters, validates columns and asks for cell sums. Here the derivations are only
named on the client (each partition makes them with the pandas code); the first check or sums
asked for runs one pass over the data that validates every column the indicators read and adds
up every population's variables; quantiles run their own exact passes (:mod:`.quantile`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..catalogue.spec import Indicator
from ..engine.migrant_status import criterion_columns
from ..engine.survey_run import KEYS, SurveyRun, breakdown_dims
from ..errors import DataValidationError
from ..filters import parse_filter
from ..survey import CellSums, Estimates
from .coding import STATUS_LEVELS, CellCoder
from .partition import CellsSpec, Variable
from .passes import context, sums_pass
from .quantile import quantile_estimates

_EMPTY = pd.DataFrame(columns=["column", "check", "index", "failure_case"])


class DaskSurveyRun(SurveyRun):
    """A :class:`SurveyRun` whose rows stay in the partitions of a Dask dataframe."""

    concurrent = False  # one pass over the partitions serves every indicator, in turn

    def __init__(self, design, rules, level: float, source: str):
        super().__init__(design, rules, level, source)
        self._derived: list[str] = []
        self._plan: dict[tuple, dict] = {}
        self._to_check: list[str] = []
        self._checked: set[str] = set()
        self._failing = _EMPTY
        self._tables: dict[tuple, object] = {}
        self._done: set[tuple] = set()
        self._quantiles: dict[tuple, Estimates] = {}
        self._ctx = context(design, rules, level, source)

    @property
    def columns(self) -> list[str]:
        return [*self.design.column_names, *self._derived]

    def _derive(self, name: str, make) -> str:
        """Name a derived column; each partition makes it with the pandas code."""
        if name not in self.columns:
            self._derived.append(name)
        return name

    def read_ahead(self, ind: Indicator | None, dims: Sequence[str] = ()) -> None:
        """Nothing to read ahead: the first sums asked for run one pass for every population."""

    def identity(self, population: str | None) -> str | None:
        """A population is its filter here (its rows stay in the partitions)."""
        return population

    def domain(self, population: str | None) -> np.ndarray:
        raise NotImplementedError("a Dask run evaluates population filters in the partitions")

    def _frame(self, columns: Sequence[str]) -> pd.DataFrame:
        raise NotImplementedError("a Dask run reads columns in the partitions, never whole")

    def check_columns(self) -> None:
        """Plan the checks of the keys (columns are validated in the partitions, in the first
        pass, with the indicators' columns)."""
        self._to_check += KEYS

    def prepare(self, indicators: Sequence[Indicator], dims: Sequence[str] = ()) -> None:
        """As :meth:`SurveyRun.prepare`: name the shared derived columns, count each
        population's users; and plan the one pass (every population's cells and variables,
        every column the indicators read)."""
        for ind in indicators:
            if "survey" not in ind.source_kind or not ind.migrant_criterion:
                continue
            if ind.missing_columns(self.columns):
                continue  # reported when the indicator's turn comes
            use = breakdown_dims(ind, dims)
            crit = ind.migrant_criterion
            key = self._key(ind.population, crit, use)
            self._users[key] = self._users.get(key, 0) + 1
            self._to_check += [*ind.required_columns, *KEYS, *use, *criterion_columns(crit)]
            entry = self._entry(ind.population, crit, use)
            entry["indicators"].append(ind)
            if ind.statistic != "quantile":
                variable, kwargs = self.variables(ind)
                entry["variables"].append(
                    Variable(ind.statistic, variable, kwargs.get("denominator"))
                )

    def _entry(self, population: str | None, criterion: str, dims: Sequence[str]) -> dict:
        key = self._key(population, criterion, dims)
        if key not in self._plan:
            missing = Variable("proportion", self.status_missing(criterion))
            self._plan[key] = {
                "population": population,
                "criterion": criterion,
                "dims": list(dims),
                "indicators": [],
                "variables": [missing],
            }
        return self._plan[key]

    def _coder(self, criterion: str, dims: Sequence[str]) -> CellCoder:
        """The finest cells of a population: area, period, the dimensions, migrant status."""
        status = self.status(criterion)
        by = [*KEYS, *dims]
        levels = dict(self.design.levels(by))
        levels[status] = STATUS_LEVELS
        dtypes = {**dict(self.design.dtypes), status: np.dtype(float)}
        return CellCoder.build([*by, status], levels, dtypes)

    def _spec(self, key: tuple, entry: dict) -> CellsSpec:
        variables = tuple({v.key: v for v in entry["variables"]}.values())
        return CellsSpec(
            key,
            entry["population"],
            entry["criterion"],
            tuple(entry["indicators"]),
            self._coder(entry["criterion"], entry["dims"]),
            variables,
        )

    def _columns_read(self, entries: Sequence[dict], check: Sequence[str]) -> list[str]:
        cols = [*KEYS, *check]
        for entry in entries:
            cols += [*entry["dims"], *criterion_columns(entry["criterion"])]
            if entry["population"]:
                cols += parse_filter(entry["population"]).columns
            for ind in entry["indicators"]:
                cols += ind.required_columns
        return cols

    def _run_pass(self, keys: Sequence[tuple], check: Sequence[str]) -> None:
        """One pass over the data: checks of ``check`` and the sums of populations ``keys``."""
        specs = [self._spec(k, self._plan[k]) for k in keys]
        columns = self._columns_read([self._plan[k] for k in keys], check)
        failures, tables = sums_pass(self.design, self._ctx, specs, check, columns)
        if failures is not None:
            self._failing = pd.concat([self._failing, failures], ignore_index=True)
        self._checked.update(check)
        self._tables.update(tables)
        self._done.update(keys)

    def _first_pass(self) -> None:
        if not self._checked and self._plan:
            todo = [c for c in dict.fromkeys(self._to_check) if c in self.design.column_names]
            self._run_pass(self._batch(next(iter(self._plan))), todo)

    def _batch(self, key: tuple) -> list[tuple]:
        """``key`` and the next planned populations not yet added up, as many as the design's
        ``populations_per_pass`` allows (all by default: one read of the data)."""
        rest = [k for k in self._plan if k != key and k not in self._done]
        size = self.design.populations_per_pass or len(self._plan)
        return [key, *rest[: max(size - 1, 0)]]

    def check(self, columns: Sequence[str]) -> None:
        """As :meth:`SurveyRun.check`; the failing values come from the partitions (their
        ``index`` is the row label within its partition)."""
        self._first_pass()
        cols = [c for c in dict.fromkeys(columns) if c in self.design.column_names]
        todo = [c for c in cols if c not in self._checked]
        if todo:
            self._run_pass([], todo)
        failing = self._failing[self._failing["column"].isin(cols)]
        if len(failing):
            raise DataValidationError(
                "survey",
                failing.reset_index(drop=True),
                source=self.source,
                n_rows=self.design.n_rows,
            )

    def sums(self, population: str | None, criterion: str, dims: Sequence[str]) -> CellSums:
        """The population's cell sums, from the one pass (made now if not yet)."""
        key = self._key(population, criterion, dims)
        if key not in self._sums:
            self._first_pass()
            if key not in self._tables:  # not added up yet, or released and asked again
                self._entry(population, criterion, dims)
                self._run_pass(self._batch(key), [])
            found = self._tables.pop(key)
            if isinstance(found, Exception):
                raise found
            self._sums[key] = found
        return self._sums[key]

    def estimate(self, ind: Indicator, by: list[str], dims: Sequence[str]) -> Estimates:
        if ind.statistic != "quantile":
            return super().estimate(ind, by, dims)
        key = (ind.id, tuple(dims), tuple(by))
        if key not in self._quantiles:
            self._quantiles.update(self._all_quantiles(ind, dims, by))
        return self._quantiles.pop(key)

    def _all_quantiles(self, ind: Indicator, dims: Sequence[str], by: list[str]) -> dict:
        """The quantiles of every breakdown of ``ind`` at once (the passes are shared)."""
        status = self.status(ind.migrant_criterion)
        subsets = [list(s) for r in range(len(dims) + 1) for s in itertools.combinations(dims, r)]
        wanted = [[*KEYS, *s, status] for s in subsets]
        if ind.reference_group == "total":
            wanted += [[*KEYS, *s] for s in subsets]
        if by not in wanted:
            wanted = [by]
        spec = CellsSpec(
            ("quantile", ind.id, tuple(dims)),
            ind.population,
            ind.migrant_criterion,
            (ind,),
            self._coder(ind.migrant_criterion, dims),
            nonmissing=ind.variable,
        )
        entry = {
            "population": ind.population,
            "criterion": ind.migrant_criterion,
            "dims": list(dims),
            "indicators": [ind],
        }
        columns = self._columns_read([entry], [])
        found = quantile_estimates(
            self.design, self._ctx, spec, ind.quantile, self.level, wanted, columns
        )
        return {(ind.id, tuple(dims), tuple(b)): est for b, est in found.items()}
