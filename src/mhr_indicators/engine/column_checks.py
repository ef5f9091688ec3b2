"""The survey schema's checks of the columns a call of ``compute`` reads: each column checked
once per call, on its distinct values (one check per value, not per row), in the background
while the populations are evaluated and the indicators estimated; the failing values mapped
back to every row that holds them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..errors import DataValidationError
from ..prepare.schemas import validate
from ..survey import SurveyDesign, distinct_values

#: Threads finding the distinct values of the columns to check (1: one column after another).
CHECK_THREADS = min(2, os.cpu_count() or 1)
#: Columns every check needs beside those checked, with a valid stand-in value.
_KEY_STAND_INS = {"ref_area": "XXX", "time_period": "2000"}


class ColumnChecks:
    """The checks of a design's columns against the survey schema, each column once.

    Parameters
    ----------
    design : SurveyDesign
        The caller's design (its columns only are checked; the design never changes).
    source : str
        The dataset's name, for the errors.
    """

    def __init__(self, design: SurveyDesign, source: str):
        self._design = design
        self._source = source
        self._failures: dict[str, pd.DataFrame | None] = {}  # column -> failing rows (None: none)
        self._started: Future | None = None

    def start(self, columns: Sequence[str]) -> None:
        """Start checking ``columns`` in a background thread (once: later calls do nothing)."""
        if self._started is None:
            pool = ThreadPoolExecutor(1, "mhr-checks")
            self._started = pool.submit(self._validate, list(columns))
            pool.shutdown(wait=False)  # the thread ends with the checks

    def wait(self) -> None:
        """Wait for the checks started (their error, if any, is raised)."""
        if self._started is not None:
            self._started.result()

    def failures(self, columns: Sequence[str]) -> pd.DataFrame | None:
        """Every failing value of ``columns`` (checking those not checked yet), one row per
        failing row (``column``, ``check``, ``index``, ``failure_case``); None if none fails."""
        self.wait()
        self._validate(columns)
        failing = [
            self._failures[c]
            for c in dict.fromkeys(columns)
            if self._failures.get(c) is not None and len(self._failures[c])
        ]
        return pd.concat(failing, ignore_index=True) if failing else None

    def _validate(self, columns: Sequence[str]) -> None:
        """Check the columns not checked yet, all in one call of the schema, on their distinct
        values; keep each column's failures, mapped back to every row holding them."""
        present = set(self._design.column_names)
        todo = [c for c in dict.fromkeys(columns) if c not in self._failures and c in present]
        if not todo:
            return
        if CHECK_THREADS > 1 and len(todo) > 1:  # factorising releases the GIL
            with ThreadPoolExecutor(CHECK_THREADS) as pool:
                distinct = dict(zip(todo, pool.map(self._distinct, todo), strict=True))
        else:
            distinct = {col: self._distinct(col) for col in todo}
        size = max(len(v) for v in distinct.values())
        # each column's distinct values, padded with its first one (checks are column-wise)
        sample = pd.DataFrame(
            {c: np.resize(v, size) if len(v) else np.full(size, None) for c, v in distinct.items()}
        )
        sample["weight"] = 1.0  # the design has checked its own weights
        for key, stand_in in _KEY_STAND_INS.items():
            if key not in sample.columns:
                sample[key] = stand_in
        try:
            validate(sample, "survey", source=self._source)
            found = {}
        except DataValidationError as exc:
            found = dict(list(exc.failure_cases.groupby("column", sort=False)))
        for col in todo:
            mine = found.get(col)
            if mine is not None:
                mine = mine[mine["index"].astype(np.int64) < len(distinct[col])]
            failing = None if mine is None else self._rows_failing(col, mine, distinct[col])
            self._failures[col] = failing

    def _distinct(self, column: str) -> np.ndarray:
        """A column's distinct values (missing included); a text column's are the levels of
        its codes, made once per design (the filters and cells reading it share them)."""
        values = self._column(column)
        if not isinstance(values.dtype, pd.StringDtype):
            return distinct_values(values)
        codes, levels = self._design.codes(column)
        missing = np.flatnonzero(codes < 0)[:1]
        return np.append(levels.to_numpy(dtype=object), values.iloc[missing].to_numpy(object))

    def _column(self, name: str) -> pd.Series:
        """One column of the design (no frame made for it)."""
        return self._design.get_columns([name])[name]

    def _rows_failing(self, column: str, found: pd.DataFrame, distinct: np.ndarray) -> pd.DataFrame:
        """Every row whose value of ``column`` is among the failing ``distinct`` values (the
        failure cases ``found`` name them by position)."""
        if found.empty:
            return pd.DataFrame(columns=["column", "check", "index", "failure_case"])
        values = self._column(column)
        rows = []
        for check, group in found.groupby("check", sort=False):
            failing = distinct[group["index"].astype(np.int64).to_numpy()]
            bad = values.isin(failing).to_numpy(dtype=bool)
            if pd.isna(failing).any():
                bad = bad | values.isna().to_numpy()
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
