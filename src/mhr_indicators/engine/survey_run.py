"""The per-call state of the survey indicators: the design (grown by the columns indicators
share), the populations' domains and finest cells, the columns checked, and the reading of the
next indicator's rows ahead of its turn."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..catalogue.spec import Indicator
from ..errors import DataValidationError, MhrError
from ..filters import evaluate_filter, parse_filter, truth_values
from ..survey import CellSums, Estimates, SurveyDesign
from ..vocab import NOT_STATED_SHARE
from .blocks import Block
from .column_checks import ColumnChecks
from .migrant_status import criterion_columns, migrant_status
from .quality import QualityRules
from .survey_rows import estimate_rows, labelled

KEYS = ["ref_area", "time_period"]
#: Threads reading the next indicator's rows while one is estimated (:meth:`SurveyRun.read_ahead`);
#: 0 reads each indicator's rows on its own turn. The results do not depend on it.
READ_AHEAD_THREADS = 1 if (os.cpu_count() or 1) > 1 else 0


class SurveyRun:
    """Per-call state: the design (grown by the derived columns indicators share), the domains
    of the populations, and the columns already validated."""

    #: Whether indicators may be computed in threads at once (once :meth:`prepare` has made the
    #: derived columns and :meth:`check_columns` checked them, estimates only read the design).
    concurrent = True

    def __init__(self, design: SurveyDesign, rules: QualityRules, level: float, source: str):
        self.design = design
        self.rules = rules
        self.level = level
        self.source = source
        self._checks = ColumnChecks(design, source)
        self._domains: dict[str | None, np.ndarray] = {}  # population -> its rows, as bits
        self._identities: dict[str | None, str] = {}  # population -> digest of its rows
        self._sums: dict[tuple, CellSums] = {}
        self._users: dict[tuple, int] = {}  # indicators still to use each population's sums
        self._waiting: list[tuple] | None = None  # releases made while the users are counted
        self._columns: list[str] | None = None
        self._numerators: dict[str, str] = {}  # name -> filter of the numerators given as filters
        self._not_stated: dict[tuple, Block] = {}  # the same for every indicator of a population
        self._reader: ThreadPoolExecutor | None = None
        self._workers: ThreadPoolExecutor | None = None  # for breakdowns, kept for the call
        self._wanted: list[str] = []  # the columns the prepared indicators read
        self._locks: dict[tuple, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._ahead: Future | None = None
        self._counting: Future | None = None  # each population's users (prepare)
        #: Threads for an indicator's breakdowns (None: ``BREAKDOWN_THREADS``).
        self.breakdown_threads: int | None = None

    def prepare(self, indicators: Sequence[Indicator], dims: Sequence[str] = ()) -> None:
        """Derive, before any estimate, the columns the survey indicators share (migrant status,
        status not stated), so that the cell sums of one population serve every indicator.
        An indicator whose columns are missing is left to fail on its own turn. The checks of
        every column they read (:meth:`check_columns`) start first, in the background.

        Then, also in the background, each population's filter is evaluated once and its
        indicators counted (its cells are freed after the last, :meth:`release`): populations
        selecting the same rows are known to be one (:meth:`identity`) before any is released,
        so their cells are made once. The indicators may start meanwhile (a population is
        evaluated once, by whichever thread asks first)."""
        counted = [
            ind
            for ind in indicators
            if "survey" in ind.source_kind
            and ind.migrant_criterion
            and not ind.missing_columns(self.columns)  # reported when the indicator's turn comes
        ]
        for ind in counted:
            self._wanted += [*ind.required_columns, *breakdown_dims(ind, dims)]
            self._wanted += criterion_columns(ind.migrant_criterion)
        self.check_columns()  # in the background, while the columns are derived
        prepared = []
        for ind in counted:
            try:
                self.status_missing(ind.migrant_criterion)
                self.variables(ind)
            except MhrError:
                continue
            prepared.append(ind)
        self._waiting = []
        pool = ThreadPoolExecutor(1, "mhr-populations")
        self._counting = pool.submit(self._count_users, prepared, list(dims))
        pool.shutdown(wait=False)  # the thread ends with the counting

    def _count_users(self, prepared: Sequence[Indicator], dims: Sequence[str]) -> None:
        """Count the indicators of each population (evaluating its filter); then apply the
        releases made meanwhile."""
        try:
            for ind in prepared:
                try:
                    use = breakdown_dims(ind, dims)
                    key = self._key(ind.population, ind.migrant_criterion, use)
                except MhrError:
                    continue  # reported when the indicator's turn comes
                with self._locks_lock:
                    self._users[key] = self._users.get(key, 0) + 1
        finally:
            with self._locks_lock:
                waiting, self._waiting = self._waiting or [], None
                for key in waiting:
                    self._drop(key)

    def _counted(self) -> dict[tuple, int]:
        """The indicators still to use each population's cells (once :meth:`prepare` has
        counted them)."""
        if self._counting is not None:
            self._counting.result()
        return self._users

    def codes(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """A column's sorted codes (:meth:`SurveyDesign.codes`). This run's design is the
        caller's with the derived columns added, and shares the caller's design's codes of its
        columns: they are made and kept there, so later calls of ``compute`` on it find them."""
        return self.design.codes(name)

    def check_columns(self) -> None:
        """Start checking every column the indicators counted by :meth:`prepare` read, against
        the survey schema, in one call, in a background thread (the checks only read the
        caller's design: the populations are evaluated and the indicators estimated
        meanwhile). Each indicator raises its columns' failures on its own turn
        (:meth:`check`), which waits for these checks."""
        self._checks.start([*KEYS, *self._wanted])

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
        users = self._counted()
        if ind.population not in self._identities:
            return  # not counted by prepare (its turn reports why)
        dims = breakdown_dims(ind, dims)
        if self._key(ind.population, ind.migrant_criterion, dims) not in users:
            return
        if self._reader is None:
            self._reader = ThreadPoolExecutor(READ_AHEAD_THREADS, "mhr-read-ahead")
        self._ahead = self._reader.submit(self._read, ind, dims)

    def _read(self, ind: Indicator, dims: Sequence[str]) -> None:
        try:
            sums = self.sums(ind.population, ind.migrant_criterion, dims)
            sums.read("proportion", self.status_missing(ind.migrant_criterion))
            if ind.statistic != "quantile":
                self._read_variable(sums, ind)
        except Exception:  # raised again, in context, on the indicator's own turn
            return

    def workers(self, threads: int) -> ThreadPoolExecutor:
        """Threads for an indicator's breakdowns, started once per call (not per indicator)."""
        if self._workers is None:
            self._workers = ThreadPoolExecutor(threads, "mhr-breakdowns")
        return self._workers

    def close(self) -> None:
        """Stop the threads that read ahead and make breakdowns (after the work under way),
        and wait for the checks and the counting started by :meth:`prepare`."""
        for pool in (self._reader, self._workers):
            if pool is not None:
                pool.shutdown(wait=True)
        self._reader = self._workers = None
        self._ahead = None
        for started in (self._checks.wait, self._counted):
            try:
                started()
            except Exception:  # an indicator's turn has reported it
                pass

    def _key(self, population: str | None, criterion: str, dims: Sequence[str]) -> tuple:
        """What the cells of a population are made of: its rows, the migrant criterion and
        the breakdown's dimensions."""
        return (self.identity(population), criterion, tuple(dims))

    @property
    def has_variance(self) -> bool:
        """Whether the design estimates variances (not ``variance="none"``)."""
        return self.design.variance != "none"

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
        """Rows of a spec's population filter, evaluated once per call, by the first thread
        to ask (and kept as bits, an eighth of a byte per row, with the digest of them that is
        its :meth:`identity`)."""
        packed = self._domains.get(population)
        if packed is None:
            with self._lock(("domain", population)):
                packed = self._domains.get(population)
                if packed is None:
                    return self._evaluate(population)
        return np.unpackbits(packed, count=self.design.n_rows).view(bool)

    def _evaluate(self, population: str | None) -> np.ndarray:
        if population:
            frame = self._frame(parse_filter(population).columns)
            rows = evaluate_filter(population, frame, codes=self.codes)
        else:
            rows = np.ones(self.design.n_rows, dtype=bool)
        packed = np.packbits(rows)
        self._identities[population] = hashlib.blake2b(packed, digest_size=16).hexdigest()
        self._domains[population] = packed  # (after its identity: a thread finding it finds both)
        return rows

    def check(self, columns: Sequence[str]) -> None:
        """Validate the canonical columns an indicator reads (each column once per call).

        Raises
        ------
        DataValidationError
            Listing every failing value of those columns (a code outside its list, an age of
            150, a missing ref_area), so that no row silently drops out of the cells.
        """
        failing = self._checks.failures(columns)
        if failing is not None:
            raise DataValidationError(
                "survey", failing, source=self.source, n_rows=self.design.n_rows
            )

    def status_missing(self, criterion: str) -> str:
        """The name of the 0/1 column: the migrant status under ``criterion`` is not stated."""
        status = self.status(criterion)
        return self._derive(
            f"__status_missing_{criterion}",
            lambda: np.isnan(self._frame([status])[status].to_numpy(float)).astype(float),
        )

    def variables(self, ind: Indicator) -> tuple[str, dict]:
        """The variable an indicator estimates, and the estimator's other arguments: a column,
        or the name of a numerator given as a filter (made by :meth:`derived` when read)."""
        if ind.statistic == "proportion" and ind.numerator:
            name = f"__numerator_{ind.id}"
            self._numerators[name] = ind.numerator
            return name, {}
        if ind.statistic == "ratio":
            return ind.numerator, {"denominator": ind.denominator}
        if ind.statistic == "quantile":
            return ind.variable, {"q": ind.quantile}
        return ind.variable, {}

    def derived(self, name: str) -> np.ndarray | None:
        """The 0/1 values (NaN: unknown) of a numerator named by :meth:`variables`; None for a
        column of the design. Made when read and never kept: each is one indicator's."""
        if name not in self._numerators:
            return None
        text = self._numerators[name]
        frame = self._frame(parse_filter(text).columns)
        return truth_values(text, frame, self.codes, dtype=np.float32)  # 0, 1, NaN exactly

    def _read_variable(self, sums: CellSums, ind: Indicator) -> tuple[str, dict]:
        """Read the indicator's variable into the population's sums (once); its name and
        the estimator's other arguments."""
        variable, kwargs = self.variables(ind)
        given = (lambda: self.derived(variable)) if variable in self._numerators else None
        sums.read(ind.statistic, variable, values=given, **kwargs)
        return variable, kwargs

    def identity(self, population: str | None) -> str:
        """What a population is: the rows it selects (a digest of them). Populations whose
        filters select the same persons (``age >= 15 and x is not missing`` and ``... and y is
        not missing`` where neither is missing) are one: their cells, sums and not-stated
        share are made once."""
        if population not in self._identities:
            self.domain(population)
        return self._identities[population]

    def sums(self, population: str | None, criterion: str, dims: Sequence[str]) -> CellSums:
        """The finest cells of a population (area, period, the breakdown's dimensions, migrant
        status), coded once for every indicator, breakdown and group that uses them (and for
        every population selecting the same rows)."""
        status = self.status(criterion)
        key = (self.identity(population), criterion, tuple(dims), len(self.columns))
        found = self._sums.get(key)
        if found is None:
            with self._lock(key):  # made once, also when the read-ahead thread asks too
                found = self._sums.get(key)
                if found is None:
                    by = [*KEYS, *dims, status]
                    found = self.design.cell_sums(by, where=self.domain(population))
                    self._sums[key] = found
        return found

    def _lock(self, key: tuple) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(key, threading.Lock())

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
        self._read_variable(sums, ind)
        return sums.estimate(ind.statistic, variable, by=by, **kwargs)

    def release(self, ind: Indicator, dims: Sequence[str]) -> None:
        """Free the sums of an indicator's own variables once its rows are made, and the cells
        of its population once no later indicator needs them (nor one whose population
        selects the same rows; if the indicators are still being counted, once counted)."""
        key = self._key(ind.population, ind.migrant_criterion, dims)
        if ind.statistic != "quantile":
            variable, kwargs = self.variables(ind)
            sums = self.sums(ind.population, ind.migrant_criterion, dims)
            for name in (variable, kwargs.get("denominator")):
                if name:
                    sums.forget(name)
        with self._locks_lock:  # (indicators may finish at once)
            if self._waiting is not None:  # still counting: applied once counted
                self._waiting.append(key)
            else:
                self._drop(key)

    def _drop(self, key: tuple) -> None:
        """One indicator fewer to use the cells ``key``: freed after the last (under the lock)."""
        self._users[key] = self._users.get(key, 1) - 1
        if self._users[key] <= 0:
            for cached in [k for k in list(self._sums) if k[:3] == key]:
                self._sums.pop(cached, None)

    def not_stated_rows(
        self, population: str | None, criterion: str, by: list[str], dims: Sequence[str]
    ) -> Block:
        """Rows of the share of the population whose migrant status is not stated, in the
        cells of ``by``: the same for every indicator of the population, so made once (a
        data-quality figure, flagged by the rules but never withheld)."""
        key = (self.identity(population), criterion, tuple(by))
        if key not in self._not_stated:
            missing = self.status_missing(criterion)
            est = self.sums(population, criterion, dims).estimate("proportion", missing, by=by)
            ci = self.rules.proportion_ci
            rows = estimate_rows(
                est, self.rules, self.level, ci=ci, unit="percent", multiplier=100.0,
                proportion=True, has_variance=self.has_variance, withhold=False,
            )  # fmt: skip
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
