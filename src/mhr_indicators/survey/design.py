"""``SurveyDesign``: one immutable object for a sample's design, and its estimators."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DesignError, DesignOptionError, EstimationOptionError
from ..vocab import (
    LONELY_PSU_POLICIES,
    LonelyPSU,
    ReplicateMethod,
    VarianceKind,
    allowed,
)
from .cells import Cells, cell_keys, make_cells
from .column_codes import ColumnCodes
from .estimates import Estimates
from .estimators import Estimators
from .inputs import (
    analysis_variable,
    binary_variable,
    check_design_combination,
    column,
    design_numeric,
    domain_mask,
    first_rows,
    offending,
)
from .kernels import Kernels
from .replicate import ReplicateStructure, canonical_method, default_scales
from .sums import CellSums
from .taylor import taylor_from_columns

_PANDAS_COW = int(pd.__version__.split(".")[0]) >= 3

SurveyStatistic = Literal["mean", "proportion", "ratio", "total", "quantile"]
SURVEY_STATISTICS = ("mean", "proportion", "ratio", "total", "quantile")
#: Row-level arrays a design keeps per kind, made on first use: the rows' keys of the finest
#: cells of :meth:`SurveyDesign.cell_sums` (shared by every population broken down by the same
#: columns), and the rows' order by a quantile's variable (shared by its breakdowns).
KEEP_ROW_ARRAYS = 4


class SurveyDesign(Estimators):
    """A sample and its design: weights, strata, PSUs, fpc, or replicate weights.

    Estimates follow R's ``survey`` package (``svydesign``/``svrepdesign``): ultimate-cluster
    Taylor linearisation for designs given by strata and PSUs, replicate variance for designs
    given by replicate weights. The object is immutable: strata and PSUs are factorised once at
    construction and every estimate depends only on the design and the call.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per sampled unit.
    weights : str
        Column of sampling (analysis) weights: numeric, finite, >= 0.
    strata : str, optional
        Column of first-stage strata. Without it the design has one stratum.
    psu : str, optional
        Column of primary sampling units. Without it each row is its own PSU.
    nest : bool, default False
        As R's ``svydesign(nest=)``. With ``False`` a PSU label must belong to a single
        stratum: a label found in two strata raises :class:`DesignError` naming the labels and
        strata (R: "Clusters not nested in strata at top level; you may want nest=TRUE"), since
        it is usually a coding error that would silently split one PSU in two. With ``True`` PSU
        labels are read within their stratum, so a label repeated in two strata is two PSUs
        (surveys that number PSUs 1, 2, ... afresh in every stratum, as NHANES's ``SDMVPSU``).
        Applies to designs given by ``strata`` and ``psu`` only.
    fpc : str, optional
        Finite-population correction per stratum: the population number of PSUs in the stratum,
        or the sampling fraction when every value is <= 1. Must be constant within a stratum.
    replicate_weights : list of str, optional
        Columns of full-sample replicate weights (R's ``combined.weights=TRUE``). Excludes
        ``strata``, ``psu`` and ``fpc``.
    method : {"SDR", "JK1", "JKn", "BRR", "Fay", "bootstrap"}, optional
        Replicate method (required with ``replicate_weights``). Scales: SDR 4/R, JK1 (R-1)/R,
        JKn per-replicate ``rscales``, BRR 1/R, Fay 1/(R(1-rho)^2), bootstrap 1/(R-1).
    rho : float, optional
        Fay coefficient, for ``method="Fay"``.
    scale, rscales : float, sequence of float, optional
        Override the method's overall scale and per-replicate multipliers.
    mse : bool, default True
        Centre replicate deviations on the full-sample estimate (R's ``mse=TRUE``); ``False``
        centres them on the mean of the replicates (R's default).
    variance : {"design", "none"}, default "design"
        ``"none"`` declares that the data carry no design information (e.g. a public-use extract
        without strata, PSUs or replicate weights): estimates come with missing standard errors,
        intervals and degrees of freedom, rather than a with-replacement formula that would
        understate the error of a clustered sample. (With ``"design"`` and no strata, PSUs or
        replicate weights, every row is its own PSU, as R's ``svydesign(ids=~1)``.)
    lonely_psu : {"fail", "remove", "adjust", "average", "certainty"}, default "fail"
        What to do with a stratum holding a single PSU, as R's ``survey.lonely.psu`` option:
        fail with an error naming the strata; contribute nothing (``remove``, ``certainty``);
        contribute the PSU's uncentred score total (``adjust``, centring at the grand mean for
        means, proportions and ratios); or take the average variance of the other strata
        (``average``).

    Examples
    --------
    >>> d = SurveyDesign(df, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    >>> d.proportion("employed", by=["born_abroad", "sex"], where="age between 15 and 64")
    >>> est = d.estimate("proportion", "employed", by=["sex", "born_abroad"])
    >>> est.vcov()  # the covariance of the four cells, as R's svyby(covmat=TRUE)
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        replicate_weights: Sequence[str] | None = None,
        method: ReplicateMethod | None = None,
        rho: float | None = None,
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        mse: bool = True,
        lonely_psu: LonelyPSU = "fail",
        variance: VarianceKind = "design",
        nest: bool = False,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            hint = ""
            if type(data).__module__.startswith("dask") or isinstance(data, (str, os.PathLike)):
                hint = (
                    ": for a Dask dataframe or a Parquet dataset, build "
                    "mhr.DaskSurveyDesign(data, weights=..., strata=..., psu=...)"
                )
            raise DesignError(f"data must be a pandas DataFrame, got {type(data).__name__}{hint}")
        duplicated = list(dict.fromkeys(data.columns[data.columns.duplicated()].tolist()))
        if duplicated:
            raise DesignError(
                f"data has duplicate column names {duplicated}: every column must have its own "
                "name (rename or drop the copies before building the design)",
                column=str(duplicated[0]),
            )
        allowed("lonely_psu policy", lonely_psu, LONELY_PSU_POLICIES, DesignOptionError)
        allowed("variance", variance, ("design", "none"), DesignOptionError)
        if not isinstance(nest, (bool, np.bool_)):
            raise DesignOptionError(f"nest must be True or False, got {nest!r}")
        s = object.__setattr__
        s(self, "_data", data.copy(deep=not _PANDAS_COW))
        s(self, "_codes", ColumnCodes(self._data))
        s(self, "_keys", {})  # by columns -> the rows' cell keys
        s(self, "_orders", {})  # quantile variable -> the rows in its order
        for name, value in (
            ("weights", weights),
            ("strata", strata),
            ("psu", psu),
            ("fpc", fpc),
            ("lonely_psu", lonely_psu),
            ("variance", variance),
            ("nest", bool(nest)),
        ):
            s(self, name, value)
        w = design_numeric(self._data, weights, "weights")
        if (w < 0).any():
            raise DesignError(
                f"column {weights!r} (weights): weights must be >= 0; negative at "
                + offending(self._data, w < 0, weights),
                column=weights,
                rows=first_rows(self._data, w < 0, weights)[0],
            )
        if len(w) and not (w > 0).any():
            raise DesignError(f"column {weights!r} (weights): every weight is zero", column=weights)
        w.flags.writeable = False
        s(self, "_w", w)
        s(self, "replicate_weights", None)
        s(self, "_rep", None)
        s(self, "_taylor", None)
        check_design_combination(
            strata, psu, fpc, replicate_weights, method, (rho, scale, rscales), variance, nest
        )
        if variance == "none":
            s(self, "method", "none")
        elif replicate_weights is not None:
            cols = list(replicate_weights)
            mat = np.column_stack([design_numeric(self._data, c, "replicate weight") for c in cols])
            name = canonical_method(method)
            sc, rsc = default_scales(name, len(cols), rho, scale, rscales)
            mat = np.ascontiguousarray(mat)
            mat.flags.writeable = False
            s(self, "replicate_weights", tuple(cols))
            s(self, "method", name)
            s(self, "_rep", ReplicateStructure(mat, w, name, sc, rsc, bool(mse)))
        else:
            s(self, "method", "linearisation")
            s(
                self,
                "_taylor",
                taylor_from_columns(self._data, strata, psu, fpc, lonely_psu, nest=bool(nest)),
            )
        s(self, "_kernels", Kernels(w, self._taylor, self._rep))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SurveyDesign is immutable: build a new design instead")

    # --- description ---------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The design's data (a copy: changing it does not change the design)."""
        return self._data.copy(deep=not _PANDAS_COW)

    @property
    def column_names(self) -> list[str]:
        """The columns of the design's data."""
        return list(self._data.columns)

    def get_columns(self, columns: Sequence[str]) -> pd.DataFrame:
        """A frame of some columns of the design's data (cheaper than :attr:`data` for a few).

        Raises
        ------
        ColumnNotFoundError
            Naming a column that is not in the data.
        """
        wanted = {c: column(self._data, c, "column") for c in columns}
        # built from the columns (selecting a list of columns from a wide frame costs more)
        return pd.DataFrame(wanted, index=self._data.index, copy=not _PANDAS_COW)

    def codes(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """A column's sorted integer codes (-1 where missing) and its levels, computed once
        per design and shared by every breakdown and filter that reads the column.

        Raises
        ------
        ColumnNotFoundError
            When the data have no column ``name``.
        """
        return self._factorized(name)

    @property
    def n_rows(self) -> int:
        return len(self._data)

    @property
    def degrees_of_freedom(self) -> float:
        """Design degrees of freedom of the whole sample (R's ``degf``)."""
        everyone = np.zeros(self.n_rows, dtype=np.int64)
        return float(self._kernels.df(everyone, 1)[0])

    def __repr__(self) -> str:
        if self.variance == "none":
            kind = "no design information: estimates without standard errors"
        elif self._rep is not None:
            kind = (
                f"{self._rep.n_replicates} {self.method} replicate weights "
                f"(scale {self._rep.scale:.6g}, mse={self._rep.mse})"
            )
        else:
            t = self._taylor
            kind = (
                f"linearisation: {t.n_strata} strata, {t.n_psus} PSUs"
                + (f", fpc {self.fpc!r}" if self.fpc else "")
                + f", lonely_psu={self.lonely_psu!r}"
                + (", nest=True" if self.nest else "")
            )
        return f"SurveyDesign({self.n_rows} rows, weights={self.weights!r}; {kind})"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<code>{escape(repr(self))}</code>"

    # --- derived designs -----------------------------------------------------------------------
    def assign(self, **columns) -> SurveyDesign:
        """A new design with added (or replaced) analysis columns, as R's ``update(design, ...)``.

        The sampling design (weights, strata, PSUs, replicate weights) is shared, not rebuilt.

        Parameters
        ----------
        **columns : array-like or pandas.Series
            One value per row (a Series must carry the design data's index).

        Raises
        ------
        DesignError
            When a column would replace a design column, or has the wrong length.
        """
        protected = {self.weights, self.strata, self.psu, self.fpc, *(self.replicate_weights or ())}
        clash = sorted(protected.intersection(columns))
        if clash:
            raise DesignError(f"assign cannot replace design columns {clash}: build a new design")
        n = self.n_rows
        extra = {}
        for name, values in columns.items():
            if isinstance(values, pd.Series):
                if not values.index.equals(self._data.index):
                    raise DesignError(f"assign: {name!r} is not aligned with the design's data")
                values = values.to_numpy()
            values = np.asarray(values)
            if values.shape != (n,):
                raise DesignError(f"assign: {name!r} has shape {values.shape}; expected ({n},)")
            extra[name] = values
        kept = self._data.drop(columns=[c for c in columns if c in self._data.columns])
        added = pd.DataFrame(extra, index=self._data.index)
        data = pd.concat([kept, added], axis=1, **({} if _PANDAS_COW else {"copy": False}))
        new = object.__new__(SurveyDesign)
        for key, value in self.__dict__.items():
            object.__setattr__(new, key, value)
        object.__setattr__(new, "_data", data)
        object.__setattr__(new, "_codes", self._codes.derived(columns, data))
        keys = {k: v for k, v in self._keys.items() if not set(k) & set(columns)}
        object.__setattr__(new, "_keys", keys)
        orders = {k: v for k, v in self._orders.items() if k not in columns}
        object.__setattr__(new, "_orders", orders)
        return new

    # --- engine --------------------------------------------------------------------------------
    @staticmethod
    def _kept(store: dict, key, make):
        """``store[key]``, made by ``make()`` if absent; a store keeps its last
        :data:`KEEP_ROW_ARRAYS` entries (each as long as the data)."""
        value = store.get(key)
        if value is None:  # (threads may race to make it: each gets a correct value)
            value = store[key] = make()
            for oldest in list(store)[: max(0, len(store) - KEEP_ROW_ARRAYS)]:  # a snapshot
                store.pop(oldest, None)
        return value

    def _factorized(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """A column's sorted codes, computed once per design (the data never change)."""
        return self._codes(name)

    def _cells(self, by, domain: np.ndarray) -> Cells:
        cols = [] if by is None else [by] if isinstance(by, str) else list(by)
        for c in cols:
            column(self._data, c, "by")
        return make_cells(self._data, cols, domain, self._factorized)

    def cell_sums(self, by: Sequence[str] | str, *, where=None) -> CellSums:
        """Code the finest cells of ``by`` once, for estimates by any subset of its columns.

        A breakdown's estimates need the rows only through weighted sums per cell and PSU (or
        replicate): :meth:`CellSums.estimate` reads each variable once and derives every
        coarser breakdown from those sums, which is much faster than one :meth:`estimate` per
        breakdown when there are many (the results are the same).

        Parameters
        ----------
        by : list of str
            The columns of the finest cells; a missing value is a level of its own, so a
            breakdown that leaves the column out keeps those rows.
        where : str, Filter or boolean array, optional
            The domain, as for :meth:`mean`.

        Returns
        -------
        CellSums
        """
        cols = [by] if isinstance(by, str) else list(by)
        for c in cols:
            column(self._data, c, "by")
        domain = domain_mask(self._data, where)
        keys = self._kept(
            self._keys,
            tuple(cols),  # the same for every domain
            lambda: cell_keys(self._data, cols, self._factorized, keep_missing=True),
        )
        cells = make_cells(self._data, cols, domain, keys=keys)

        def read(name: str, statistic: str, check_in: np.ndarray | None = None) -> np.ndarray:
            if statistic == "proportion" and check_in is not None:
                return binary_variable(self._data, name, check_in)
            return analysis_variable(self._data, name, f"{statistic} variable", as_held=True)

        return CellSums(self._kernels, read, cells.labels, cells.code, cells.label_codes)

    # --- the general estimator -----------------------------------------------------------------
    def estimate(
        self,
        statistic: SurveyStatistic,
        variable: str,
        *,
        denominator: str | None = None,
        q: float | None = None,
        by: Sequence[str] | str | None = None,
        where=None,
        level: float = 0.95,
    ) -> Estimates:
        """Estimate a statistic in each cell, keeping the cells' joint covariance.

        The estimators (:meth:`mean`, :meth:`proportion`, ...) are this call followed by
        :meth:`Estimates.to_frame`; use it directly for the covariance of the cells
        (:meth:`Estimates.vcov`, R's ``svyby(..., covmat=TRUE)``) and contrasts between them
        (:meth:`Estimates.contrast`, :meth:`Estimates.compare`, R's ``svycontrast``).

        Parameters
        ----------
        statistic : {"mean", "proportion", "ratio", "total", "quantile"}
            What to estimate: the mean, share (0/1 variable), ratio of totals (``variable`` over
            ``denominator``), total, or quantile ``q`` of ``variable``.
        variable : str
            The analysis column (the numerator of a ratio).
        denominator : str, optional
            The ratio's denominator column (``statistic="ratio"`` only).
        q : float, optional
            The probability of a quantile, in (0, 1) (``statistic="quantile"`` only).
        by, where
            Cells and domain, as for :meth:`mean`.
        level : float
            Confidence level of a quantile's Woodruff interval (made with the estimate; other
            intervals are made by :meth:`Estimates.to_frame`).

        Returns
        -------
        Estimates
        """
        allowed("statistic", statistic, SURVEY_STATISTICS, EstimationOptionError)
        if (denominator is not None) != (statistic == "ratio"):
            raise EstimationOptionError("denominator= is needed by, and only by, a ratio")
        if (q is not None) != (statistic == "quantile"):
            raise EstimationOptionError("q= is needed by, and only by, a quantile")
        if statistic == "quantile":  # the options first, then the data
            self._check_level(level)
            if not 0 < q < 1:
                raise EstimationOptionError(f"q must be strictly between 0 and 1, got {q!r}")
        domain = domain_mask(self._data, where)
        if statistic == "proportion":
            y = binary_variable(self._data, variable, domain)
        else:
            y = analysis_variable(self._data, variable, f"{statistic} variable")
        if statistic == "quantile":
            cells = self._cells(by, domain & ~np.isnan(y))
            by_y = self._kept(self._orders, variable, lambda: _stable_order(y))
            return Estimates(self._kernels.quantile(y, cells, q, level, by_y), statistic)
        x = (
            analysis_variable(self._data, denominator, "ratio denominator")
            if statistic == "ratio"
            else None
        )
        cells = self._cells(by, domain)
        return Estimates(self._kernels.ratio(y, x, cells, total=statistic == "total"), statistic)


def _stable_order(values: np.ndarray) -> np.ndarray:
    """The rows in order of ``values`` (stable; NaN last), in 32 bits where they fit."""
    order = np.argsort(values, kind="stable")
    return order.astype(np.int32) if len(values) < 2**31 else order
