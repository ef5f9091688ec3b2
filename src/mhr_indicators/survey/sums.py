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

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ConfigurationError, EstimationOptionError
from ..vocab import allowed
from .estimate import CellEstimate
from .estimates import Estimates
from .keys import count_distinct, distinct_keys

SUM_STATISTICS = ("mean", "proportion", "ratio", "total")
#: Pair maps kept per cell sums (the breakdowns met last): an indicator's estimates of one
#: breakdown come together, so a few suffice, and each costs as much memory as the pairs.
KEEP_PAIR_MAPS = 4


@dataclass(frozen=True, eq=False)
class _VariableSums:
    """The sums of one (numerator, denominator) pair over its valid rows."""

    wy: np.ndarray  # sum of w y per (finest cell, PSU) pair (linearisation) or per finest cell
    wx: np.ndarray
    n: np.ndarray
    nw: np.ndarray
    positive: np.ndarray  # rows with w > 0 per pair (linearisation df)
    replicates_y: np.ndarray | None = None  # finest cells x replicates
    replicates_x: np.ndarray | None = None
    presence: sp.csr_matrix | None = None  # finest cells x replicate-factor patterns


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

    def __init__(self, kernels, data_columns, labels: pd.DataFrame, code: np.ndarray) -> None:
        self._kernels = kernels
        self._column = data_columns  # name -> (values as float, role) reader of the design
        self.labels = labels
        self.by = list(labels.columns)
        self._code = code  # finest cell of each row, -1 outside the domain
        self._vars: dict[tuple, _VariableSums] = {}
        self._given: dict[tuple, _VariableSums] = {}  # sums made elsewhere (from_tables)
        self._errors: dict[tuple, Exception] = {}
        self._breakdowns: dict[tuple, tuple[pd.DataFrame, np.ndarray]] = {}
        t = kernels.taylor
        self._pairs = None
        # the group each row's sums go to: its (finest cell, PSU) pair under linearisation,
        # its finest cell otherwise (-1 outside the domain)
        self._group, self._n_groups = code, len(labels)
        if t is not None:
            keep = code >= 0
            size = len(labels)
            # PSU-major order of the pairs: each breakdown then sorts them by a small key only
            key = t.psu[keep] * size + code[keep]
            uniq, inverse = distinct_keys(key, size * t.n_psus, sort=True)
            self._pairs = (uniq % size, uniq // size)
            self._group = np.full(len(code), -1, dtype=np.int64)
            self._group[keep] = inverse
            self._n_groups = len(uniq)

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
        obj._given = {key: _VariableSums(**arrays) for key, arrays in sums.items()}
        obj._vars = dict(obj._given)
        obj._errors = dict(errors or {})
        obj._breakdowns = {}
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
    def _sums(self, y: np.ndarray, x: np.ndarray | None) -> _VariableSums:
        """One pass over the rows: the variable's sums per group (see ``__init__``)."""
        k = self._kernels
        valid = ~np.isnan(y) & (self._group >= 0)
        if x is not None:
            valid &= ~np.isnan(x)
        w = k.w
        yv = np.where(valid, y, 0.0)
        group = self._group[valid]

        def total(values: np.ndarray) -> np.ndarray:
            return np.bincount(group, weights=values[valid], minlength=self._n_groups)

        shared = self._shared_sums(valid, group)
        xv = None if x is None else np.where(valid, x, 0.0)
        wx = shared["nw"] if xv is None else total(w * xv)
        reps = dict(replicates_y=None, replicates_x=None, presence=None)
        if k.rep is not None:
            code = np.where(valid, self._code, -1)
            g = len(self.labels)
            reps = dict(
                replicates_y=k.rep.cell_sums(code, yv, g),
                replicates_x=shared["replicates"] if xv is None else k.rep.cell_sums(code, xv, g),
                presence=shared["presence"],
            )
        return _VariableSums(
            wy=total(w * yv),
            wx=wx,
            n=shared["n"],
            nw=shared["nw"],
            positive=shared["positive"],
            **reps,
        )

    def _shared_sums(self, valid: np.ndarray, group: np.ndarray) -> dict[str, object]:
        """The sums that depend only on which rows are valid (case counts, weights, replicate
        weights, factor patterns): computed once for every variable valid on the same rows, as
        the 0/1 variables of one population usually are."""
        key = ("valid", int(valid.sum()), hashlib.blake2b(np.packbits(valid)).hexdigest())
        if key not in self._breakdowns:
            k = self._kernels
            w = k.w[valid]
            out: dict[str, object] = {
                "n": np.bincount(group, minlength=self._n_groups).astype(float),
                "nw": np.bincount(group, weights=w, minlength=self._n_groups),
                "positive": np.bincount(group, weights=w > 0, minlength=self._n_groups),
            }
            if k.rep is not None:
                code = np.where(valid, self._code, -1)
                g = len(self.labels)
                out["replicates"] = k.rep.cell_sums(code, np.ones(len(valid)), g)
                out["presence"] = k.rep.presence(code, g)
            self._breakdowns[key] = out
        return self._breakdowns[key]

    def _variable(self, statistic: str, variable: str, denominator: str | None) -> _VariableSums:
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
            domain = self._code >= 0
            y = self._column(variable, statistic, domain)
            x = None if denominator is None else self._column(denominator, "ratio", domain)
            self._vars[key] = self._sums(y, x)
        return self._vars[key]

    def forget(self, variable: str) -> None:
        """Drop the sums kept for ``variable`` (as numerator or denominator), to free memory
        once its estimates are made; they are read again if asked for."""
        for key in [k for k in self._vars if variable in k[1:]]:
            del self._vars[key]

    # --- any coarser breakdown --------------------------------------------------------------------
    def _coarse(self, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """Coarse cells of ``by`` (observed, sorted, no missing value) and each finest cell's
        (computed once per breakdown, shared by every variable)."""
        key = tuple(by)
        if key not in self._breakdowns:
            self._breakdowns[key] = self._make_coarse(by)
        labels, ids = self._breakdowns[key]
        return labels.copy(), ids

    def coarse(self, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The cells of ``by`` (observed, sorted, no missing value) and the position of each
        finest cell among them (-1 where it has a missing value in ``by``)."""
        return self._coarse(list(by))

    def _make_coarse(self, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        unknown = [c for c in by if c not in self.by]
        if unknown:
            raise ConfigurationError(
                f"{unknown} are not columns of these cell sums; they hold {self.by}"
            )
        if not by:
            return pd.DataFrame(index=pd.RangeIndex(1)), np.zeros(len(self.labels), np.int64)
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
        labels = self.labels[list(by)].iloc[first].reset_index(drop=True)
        return labels, ids

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
        labels, ids = self._coarse(cols)
        sums = self._variable(statistic, variable, denominator)
        if self._pairs is not None:
            est = self._linearised(sums, labels, ids, tuple(cols), statistic == "total")
        else:
            est = self._by_cell(sums, labels, ids, statistic == "total")
        return Estimates(est, statistic)

    def _value(self, num, den, total: bool) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return num if total else np.where(den != 0, num / den, np.nan)

    def _pair_map(self, by: tuple, ids: np.ndarray, g: int) -> tuple:
        """How the (finest cell, PSU) pairs add up into (coarse cell, PSU) pairs: the mask of
        finest pairs kept (None for all), each kept pair's coarse pair, and the coarse pairs'
        cell and PSU, ordered by cell then PSU. Shared by every variable; kept for the
        breakdowns met last (:data:`KEEP_PAIR_MAPS`). With the finest pairs in PSU order, a
        stable sort by the coarse cell alone (a linear-time radix sort for fewer than 65,536
        cells) orders them."""
        maps = self._breakdowns.setdefault(("pair maps",), OrderedDict())
        if by in maps:
            maps.move_to_end(by)
            return maps[by]
        cell, psu = self._pairs
        by_psu = self._psu_order()
        coarse = ids[cell] if by_psu is None else ids[cell[by_psu]]
        ok = coarse >= 0
        kept = np.flatnonzero(ok) if by_psu is None else by_psu[ok]
        coarse = coarse[ok]
        small = coarse.astype(np.uint16) if g <= 2**16 else coarse
        order = np.argsort(small, kind="stable")
        kept, c = kept[order], coarse[order]
        p = psu[kept]
        new = np.ones(len(c), dtype=bool)
        new[1:] = (c[1:] != c[:-1]) | (p[1:] != p[:-1])
        starts = np.flatnonzero(new)
        inverse = np.full(len(cell), -1, dtype=np.int64)  # each finest pair's coarse pair
        inverse[kept] = np.cumsum(new) - 1
        mask = None if ok.all() else inverse >= 0
        inverse = inverse if mask is None else inverse[mask]
        maps[by] = (mask, inverse, c[starts], p[starts])
        while len(maps) > KEEP_PAIR_MAPS:  # each is as long as the pairs: keep a few
            maps.popitem(last=False)
        return maps[by]

    def _psu_order(self) -> np.ndarray | None:
        """The finest pairs' positions in PSU order (None when they are in it already)."""
        if ("psu_order",) not in self._breakdowns:
            psu = self._pairs[1]
            ordered = bool(np.all(psu[1:] >= psu[:-1]))
            self._breakdowns[("psu_order",)] = None if ordered else np.argsort(psu, kind="stable")
        return self._breakdowns[("psu_order",)]

    def _linearised(self, s: _VariableSums, labels, ids, by, total: bool) -> CellEstimate:
        t = self._kernels.taylor
        g = len(labels)
        ok, inverse, c, p = self._pair_map(by, ids, g)

        def agg(values):
            kept = values if ok is None else values[ok]
            return np.bincount(inverse, weights=kept, minlength=len(c))

        wy, wx, n, nw, pos = (agg(v) for v in (s.wy, s.wx, s.n, s.nw, s.positive))
        num = np.bincount(c, weights=wy, minlength=g)
        den = np.bincount(c, weights=wx, minlength=g)
        value = self._value(num, den, total)
        n_unw = np.bincount(c, weights=n, minlength=g)
        n_w = np.bincount(c, weights=nw, minlength=g)
        seen = pos > 0
        psus = np.bincount(c[seen], minlength=g)
        strata = count_distinct(c[seen], t.psu_stratum[p[seen]], t.n_strata, g)
        df = (psus - strata).astype(float)
        has = n > 0
        if total:
            score = wy
        else:
            r = np.where(np.isfinite(value), value, 0.0)[c]
            inv = np.where(np.isfinite(value) & (den != 0), 1.0 / np.where(den != 0, den, 1.0), 0.0)
            score = inv[c] * (wy - r * wx)
        # the pairs are sorted by cell, then PSU: the CSR arrays directly, with no sort
        indptr = np.concatenate([[0], np.cumsum(np.bincount(c[has], minlength=g))])
        scores = sp.csr_matrix((score[has], p[has], indptr), shape=(g, t.n_psus))
        scores.has_sorted_indices = True
        present = None
        if t.lonely_psu == "average" and t.lonely.any():
            strata_of = t.psu_stratum[p[has]]
            present = sp.csr_matrix((n[has], (c[has], strata_of)), shape=(g, t.n_strata))
        variance = np.where(np.isfinite(value), t.variance(scores, present), np.nan)
        return CellEstimate(
            labels, value, variance, df, n_unw, n_w, scores=scores, present=present, taylor=t
        )

    def _by_cell(self, s: _VariableSums, labels, ids, total: bool) -> CellEstimate:
        k = self._kernels
        g = len(labels)
        ok = ids >= 0
        agg = sp.csr_matrix((np.ones(ok.sum()), (ids[ok], np.flatnonzero(ok))), shape=(g, len(ids)))
        num, den, n_unw, n_w = (agg @ v for v in (s.wy, s.wx, s.n, s.nw))
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
