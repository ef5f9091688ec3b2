"""Weighted sums per finest cell, from one pass over the rows; estimates for any coarser cells.

Every estimate but a quantile is a ratio of weighted totals, and its variance depends on the
rows only through totals per cell and PSU (linearisation) or per cell and replicate
(replication). :meth:`SurveyDesign.cell_sums <mhr_indicators.survey.SurveyDesign.cell_sums>`
codes the finest cells of a breakdown once (a missing value is a level of its own, so that a
coarser breakdown that does not use the column keeps those rows); :meth:`CellSums.estimate`
reads a variable once and keeps its sums per (finest cell, PSU), per finest cell and replicate,
and per finest cell and replicate-factor pattern (for degrees of freedom); any breakdown by a
subset of the columns then follows from those small tables, never from the rows again. The
estimates equal those of :meth:`SurveyDesign.estimate` with the same cells (to rounding).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ConfigurationError, EstimationOptionError
from ..vocab import allowed
from .compiled import index_type, pair_groups, row_sums
from .estimate import CellEstimate
from .estimates import Estimates
from .inputs import binary_variable, given_values, valid_rows
from .table_loops import add_up_pairs, linearised_scores, pair_layout
from .variable_sums import VariableSums

SUM_STATISTICS = ("mean", "proportion", "ratio", "total")
#: Bytes of pair layouts (:func:`.table_loops.pair_layout`: where each finest pair goes in a
#: breakdown) a :class:`CellSums` keeps for its later variables; beyond, a breakdown's layout
#: is made again for each variable (as for the breakdowns of a census sample by many dimensions).
LAYOUT_BYTES = 32 * 2**20


def _nbytes(arrays: Sequence[np.ndarray]) -> int:
    return sum(a.nbytes for a in arrays)


def _narrow(cell: np.ndarray, psu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' codes in 32 bits where they fit: each breakdown reads them twice."""
    small = max(int(cell.max(initial=0)), int(psu.max(initial=0))) < 2**31
    return (cell.astype(np.int32), psu.astype(np.int32)) if small else (cell, psu)


class CellSums:
    """Weighted sums of variables per finest cell, built once, for estimates by any coarser
    breakdown. Made by :meth:`SurveyDesign.cell_sums`.

    Attributes
    ----------
    by : list of str
        The columns of the finest cells.
    labels : pandas.DataFrame
        The finest cells (a missing value is its own level).
    """

    def __init__(
        self,
        kernels,
        data_columns,
        labels: pd.DataFrame,
        code: np.ndarray,
        label_codes: dict[str, tuple[np.ndarray, int]] | None = None,
    ) -> None:
        self._kernels = kernels
        self._column = data_columns  # reader of the design: (name, statistic[, rows to check])
        self.labels = labels
        self.by = list(labels.columns)
        self._code = code  # finest cell of each row, -1 outside the domain
        self._vars: dict[tuple, VariableSums] = {}
        self._given: dict[tuple, VariableSums] = {}  # sums made elsewhere (from_tables)
        self._errors: dict[tuple, Exception] = {}
        self._breakdowns: dict[tuple, tuple[pd.DataFrame, np.ndarray]] = {}
        if label_codes is not None:  # as the cells were coded (see _label_codes)
            self._breakdowns[("codes",)] = label_codes
        self._some_weight_zero: bool | None = None  # in the domain
        self._layouts: dict[tuple, tuple] = {}  # breakdown -> its pair layout (under a budget)
        t = kernels.taylor
        self._pairs = None
        # the group each row's sums go to: its (finest cell, PSU) pair under linearisation,
        # its finest cell otherwise (-1 outside the domain)
        self._group, self._n_groups = code, len(labels)
        if t is not None:  # the pairs in PSU order: each breakdown then reads them in one scan
            small = index_type(len(code), len(labels), t.n_psus)  # 32 bits: less to read
            self._group, *pairs = pair_groups(code, t.psu, t.rows_by_psu, len(labels), small)
            self._pairs = tuple(pairs)
            self._n_groups = len(pairs[0])

    @classmethod
    def from_tables(
        cls,
        kernels,
        labels: pd.DataFrame,
        pairs: tuple[np.ndarray, np.ndarray] | None,
        sums: Mapping[tuple, Mapping[str, object]],
        errors: Mapping[tuple, Exception] | None = None,
    ) -> CellSums:
        """Cell sums added up elsewhere, e.g. over the partitions of a Dask dataframe.

        Parameters
        ----------
        kernels : Kernels
            The design's variance structure (its row-level arrays are not used).
        labels : pandas.DataFrame
            The finest cells, in sorted order of their codes (a missing value is a level of its
            own, last), as :meth:`SurveyDesign.cell_sums` makes them.
        pairs : tuple of numpy.ndarray or None
            Under linearisation, the finest cell and the PSU of each (cell, PSU) pair, each
            pair once, in any order; None otherwise (sums are then per finest cell).
        sums : mapping
            For each variable key ``(is_proportion, variable, denominator)``: arrays ``wy``,
            ``wx``, ``n``, ``nw``, ``positive`` per pair (or cell), and with replicate weights
            ``replicates_y``, ``replicates_x`` (cells by replicates) and ``presence`` (cells by
            replicate-factor patterns).
        errors : mapping, optional
            The error met reading a variable, raised when its estimate is asked for.

        Returns
        -------
        CellSums
            Whose estimates equal those of the same sums made from the rows (to rounding).
        """
        obj = cls.__new__(cls)
        obj._kernels = kernels
        obj._column = None
        obj.labels = labels
        obj.by = list(labels.columns)
        obj._code = None
        if pairs is not None and np.any(pairs[1][1:] < pairs[1][:-1]):
            order = np.argsort(pairs[1], kind="stable")  # the pairs in PSU order
            pairs = (pairs[0][order], pairs[1][order])
            fields = VariableSums.FIELDS
            sums = {
                key: {f: np.asarray(v)[order] if f in fields else v for f, v in arrays.items()}
                for key, arrays in sums.items()
            }
        if pairs is not None:
            pairs = _narrow(*pairs)
        obj._given = {key: VariableSums.of(**arrays) for key, arrays in sums.items()}
        obj._vars = dict(obj._given)
        obj._errors = dict(errors or {})
        obj._breakdowns = {}
        obj._layouts = {}
        obj._some_weight_zero = None
        obj._pairs = pairs
        obj._group = None
        obj._n_groups = len(labels) if pairs is None else len(pairs[0])
        return obj

    def __repr__(self) -> str:
        return (
            f"CellSums({len(self.labels)} finest cells by {', '.join(self.by) or '-'}; "
            f"{len(self._vars)} variables read)"
        )

    # --- one pass per variable ------------------------------------------------------------------
    def _sums(self, y: np.ndarray, x: np.ndarray | None) -> tuple[VariableSums, int]:
        """One pass over the rows: the variable's sums per group (see ``__init__``), and how
        many of its valid values in the domain are neither 0 nor 1."""
        k = self._kernels
        ratio = x is not None
        if self._some_weight_zero is None:  # (threads may race to set it: the same value)
            self._some_weight_zero = k.some_weight_zero and bool((k.w[self._code >= 0] <= 0).any())
        # the table's columns (each breakdown reads them all): w y, cases, w; then w x of a
        # ratio (a mean's is w); then the cases of positive weight where some weight is zero
        # (else they are the cases)
        wx = 3 if ratio else -1
        positive = (4 if ratio else 3) if self._some_weight_zero else -1
        table, not_binary = row_sums(
            self._group, k.w, y, x if ratio else y, self._n_groups, ratio, (0, wx, 1, 2, positive)
        )
        columns = (0, wx if ratio else 2, 1, 2, positive if positive >= 0 else 1)
        reps = {}
        if k.rep is not None:
            valid, code, yv, xv = valid_rows(self._code, y, x)
            reps_y, reps_x = k.rep.cell_sums(code, [yv, xv], len(self.labels))
            reps = dict(
                replicates_y=reps_y, replicates_x=reps_x, presence=self._presence(valid, code)
            )
        return VariableSums(table, columns, **reps), not_binary

    def _presence(self, valid: np.ndarray, code: np.ndarray) -> sp.csr_matrix:
        """The cells' replicate-factor patterns (for degrees of freedom), which depend only on
        which rows are valid: made once for every variable valid on the same rows, as the 0/1
        variables of one population usually are."""
        key = ("valid", int(valid.sum()), hashlib.blake2b(np.packbits(valid)).hexdigest())
        if key not in self._breakdowns:
            self._breakdowns[key] = self._kernels.rep.presence(code, len(self.labels))
        return self._breakdowns[key]

    def _variable(
        self, statistic: str, variable: str, denominator: str | None, values=None
    ) -> VariableSums:
        key = (statistic == "proportion", variable, denominator)
        if key in self._errors:
            raise self._errors[key]
        if key not in self._vars and key in self._given:
            self._vars[key] = self._given[key]
        if key not in self._vars:
            if self._column is None:
                raise ConfigurationError(
                    f"{variable!r} was not among the variables added up in these cell sums"
                )
            if values is None:
                y = self._column(variable, statistic)
            else:
                y = given_values(values(), variable, len(self._code))
            x = None if denominator is None else self._column(denominator, "ratio")
            sums, not_binary = self._sums(y, x)
            if statistic == "proportion" and not_binary:  # checked in that pass
                self._reject(variable, y if values is not None else None)
            self._vars[key] = sums
        return self._vars[key]

    def _reject(self, variable: str, given: np.ndarray | None) -> None:
        """Raise the error naming the rows of the domain where a proportion's variable is
        neither 0, 1 nor missing (a column of the design, or ``given`` values)."""
        domain = self._code >= 0
        if given is None:
            self._column(variable, "proportion", domain)
        else:
            binary_variable(pd.DataFrame({variable: given}, copy=False), variable, domain)
        raise AssertionError(f"{variable!r}: values other than 0/1 found but not named")

    def read(
        self,
        statistic: str,
        variable: str,
        *,
        denominator: str | None = None,
        values: Callable[[], np.ndarray] | None = None,
    ) -> None:
        """Read a variable into its sums now rather than at its first estimate (e.g. in
        another thread, while other estimates are made).

        Parameters
        ----------
        statistic, variable, denominator
            As for :meth:`estimate`.
        values : callable, optional
            For a variable that is not a column of the design (a condition the caller
            derives, say): a function returning its value in every row of the design, as
            floats (NaN: missing). It is called only if the variable is not read yet; later
            estimates find its sums by ``variable`` until :meth:`forget`.

        Raises
        ------
        EstimationInputError
            As :meth:`estimate` does, for a column or for ``values`` (the wrong length, or
            not 0/1 for a proportion).
        """
        allowed("statistic", statistic, SUM_STATISTICS, EstimationOptionError)
        self._variable(statistic, variable, denominator, values)

    def forget(self, variable: str) -> None:
        """Drop the sums kept for ``variable`` (as numerator or denominator), to free memory
        once its estimates are made; they are read again if asked for."""
        for key in [k for k in list(self._vars) if variable in k[1:]]:  # a snapshot: threads
            self._vars.pop(key, None)

    # --- any coarser breakdown --------------------------------------------------------------------
    def _coarse(self, by: Sequence[str]) -> tuple[Callable[[], pd.DataFrame], np.ndarray, int]:
        """Coarse cells of ``by`` (observed, sorted, no missing value): a function making their
        labels (once), each finest cell's coarse cell and their number (computed once per
        breakdown, shared by every variable)."""
        key = tuple(by)
        if key not in self._breakdowns:
            self._breakdowns[key] = self._make_coarse(by)
        labels, ids, first = self._breakdowns[key]
        return labels, ids, len(first)  # shared: the estimates never change their labels

    def coarse(self, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The cells of ``by`` (observed, sorted, no missing value) and the position of each
        finest cell among them (-1 where it has a missing value in ``by``)."""
        labels, ids, _ = self._coarse(list(by))
        return labels().copy(), ids

    def _make_coarse(
        self, by: Sequence[str]
    ) -> tuple[Callable[[], pd.DataFrame], np.ndarray, np.ndarray]:
        """The coarse cells of ``by``: a function making their labels (once, when first
        asked: the engine reads the label arrays instead), each finest cell's coarse cell, and
        each coarse cell's first finest cell (whose labels it takes)."""
        unknown = [c for c in by if c not in self.by]
        if unknown:
            raise ConfigurationError(
                f"{unknown} are not columns of these cell sums; they hold {self.by}"
            )
        if not by:
            one = pd.DataFrame(index=pd.RangeIndex(1))
            return lambda: one, np.zeros(len(self.labels), np.int64), np.zeros(1, np.int64)
        codes = self._label_codes()
        complete = np.ones(len(self.labels), dtype=bool)
        key = np.zeros(len(self.labels), dtype=np.int64)
        for col in by:  # one integer per combination, ordered as the sorted values
            code, size = codes[col]
            complete &= code >= 0
            key = key * max(size, 1) + np.maximum(code, 0)
        present, inverse = np.unique(key[complete], return_inverse=True)
        ids = np.full(len(self.labels), -1, dtype=np.int64)
        ids[complete] = inverse
        first = np.empty(len(present), dtype=np.int64)
        first[inverse[::-1]] = np.flatnonzero(complete)[::-1]
        columns = self._label_columns()  # (the function keeps them, not these sums)

        @functools.cache
        def labels() -> pd.DataFrame:  # column by column: cheaper than a frame's iloc
            return pd.DataFrame({c: columns[c].take(first) for c in by}, copy=False)

        return labels, ids, first

    def _label_columns(self, as_objects: bool = False) -> dict:
        """The finest cells' label columns, as arrays of their own dtypes (or of objects)."""
        key = ("columns", as_objects)
        if key not in self._breakdowns:
            self._breakdowns[key] = {
                c: v.to_numpy(dtype=object) if as_objects else v.array
                for c, v in self.labels.items()
            }
        return self._breakdowns[key]

    def _label_codes(self) -> dict[str, tuple[np.ndarray, int]]:
        """Each column of the finest cells as sorted integer codes (-1 for a missing value)."""
        if ("codes",) not in self._breakdowns:
            self._breakdowns[("codes",)] = {}
            for col in self.by:
                code, uniques = pd.factorize(self.labels[col], sort=True)
                self._breakdowns[("codes",)][col] = (code.astype(np.int64), len(uniques))
        return self._breakdowns[("codes",)]

    def estimate(
        self,
        statistic: str,
        variable: str,
        *,
        denominator: str | None = None,
        by: Sequence[str] | str | None = None,
    ) -> Estimates:
        """Estimate a statistic for the cells of ``by`` (a subset of :attr:`by`).

        Parameters
        ----------
        statistic : {"mean", "proportion", "ratio", "total"}
            As for :meth:`SurveyDesign.estimate` (quantiles need the rows: use it for them).
        variable, denominator : str
            The analysis column and, for a ratio, its denominator; read once per call of
            :meth:`SurveyDesign.cell_sums`, whatever the number of breakdowns.
        by : list of str, optional
            The cells; ``None`` for the whole domain.

        Returns
        -------
        Estimates
            The same estimates, variances, degrees of freedom and covariance material as
            :meth:`SurveyDesign.estimate` with ``by`` gives.
        """
        allowed("statistic", statistic, SUM_STATISTICS, EstimationOptionError)
        if (denominator is not None) != (statistic == "ratio"):
            raise EstimationOptionError("denominator= is needed by, and only by, a ratio")
        cols = [] if by is None else [by] if isinstance(by, str) else list(by)
        labels, ids, g = self._coarse(cols)
        sums = self._variable(statistic, variable, denominator)
        if self._pairs is not None:
            layout = self._layout(tuple(cols), ids, g)
            est = self._linearised(sums, labels, ids, g, layout, statistic == "total")
        else:
            est = self._by_cell(sums, labels, ids, g, statistic == "total")
        return Estimates(replace(est, label_arrays=self._label_arrays(cols)), statistic)

    def _label_arrays(self, by: Sequence[str]) -> dict[str, np.ndarray]:
        """The labels of breakdown ``by`` as object arrays, made once for every variable (taken
        from the finest cells' labels, themselves converted once)."""
        key = ("arrays", *by)
        if key not in self._breakdowns:
            self._coarse(by)
            first = self._breakdowns[tuple(by)][2]  # each coarse cell's first finest cell
            finest = self._label_columns(as_objects=True)
            self._breakdowns[key] = {str(c): finest[c][first] for c in by}
        return self._breakdowns[key]

    def _value(self, num, den, total: bool) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return num if total else np.where(den != 0, num / den, np.nan)

    def _layout(self, by: tuple, ids: np.ndarray, n_coarse: int) -> tuple:
        """Where the finest pairs go among the pairs of breakdown ``by`` (the coarse cell
        ``ids`` of each finest cell): the same for every variable, so kept (while the layouts
        kept hold under :data:`LAYOUT_BYTES`)."""
        layout = self._layouts.get(by)
        if layout is None:
            cell, psu = self._pairs
            layout = pair_layout(cell, psu, ids, n_coarse, index_type(len(cell)))
            held = sum(_nbytes(kept) for kept in self._layouts.values())
            if held + _nbytes(layout) <= LAYOUT_BYTES:
                self._layouts[by] = layout  # (threads may race to make it: the same layout)
        return layout

    def _linearised(
        self, s: VariableSums, labels, ids, g: int, layout: tuple, total: bool
    ) -> CellEstimate:
        t = self._kernels.taylor
        indptr, psu, pairs, cells = add_up_pairs(*self._pairs, ids, g, s.table, layout)
        num, den, n_unw, n_w = (np.ascontiguousarray(cells[:, j]) for j in s.columns[:4])
        value = np.ascontiguousarray(self._value(num, den, total))
        df, *csr, variance = linearised_scores(
            indptr, psu, pairs, s.columns, value, den, t.psu_stratum, t.n_psu, t.lonely,
            t.variance_coef, total, index_type(t.n_psus, len(psu)),
        )  # fmt: skip
        scores = sp.csr_matrix((csr[2], csr[1], csr[0]), shape=(g, t.n_psus))
        scores.has_sorted_indices = True
        present = None
        if t.lonely_psu == "average" and t.lonely.any():  # averaged over the strata present
            cases = pairs[:, s.columns[2]]
            with_case = cases > 0
            cell = np.repeat(np.arange(g), np.diff(indptr))[with_case]
            strata = t.psu_stratum[psu[with_case]]
            present = sp.csr_matrix((cases[with_case], (cell, strata)), shape=(g, t.n_strata))
            variance = t.variance(scores, present)
        variance = np.where(np.isfinite(value), variance, np.nan)
        return CellEstimate(
            labels, value, variance, df, n_unw, n_w, scores=scores, present=present, taylor=t
        )

    def _by_cell(self, s: VariableSums, labels, ids, g: int, total: bool) -> CellEstimate:
        k = self._kernels
        ok = ids >= 0
        agg = sp.csr_matrix((np.ones(ok.sum()), (ids[ok], np.flatnonzero(ok))), shape=(g, len(ids)))
        num, den, n_unw, n_w = (agg @ s.field(f) for f in ("wy", "wx", "n", "nw"))
        value = self._value(num, den, total)
        if k.rep is None:  # no design information
            nan = np.full(g, np.nan)
            return CellEstimate(labels, value, nan, nan.copy(), n_unw, n_w)
        reps = np.asarray(agg @ s.replicates_y)
        if not total:
            with np.errstate(divide="ignore", invalid="ignore"):
                reps = reps / np.asarray(agg @ s.replicates_x)
        df = k.rep.degrees_of_freedom_from(agg @ s.presence)
        variance = k.rep.variance(reps, value)
        return CellEstimate(
            labels, value, variance, df, n_unw, n_w, replicates=reps, replicate_design=k.rep
        )
