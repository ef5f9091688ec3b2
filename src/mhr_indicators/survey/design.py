"""``SurveyDesign``: one immutable object for a sample's design, and its estimators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ColumnNotFoundError, DesignError, EstimationInputError, LonelyPSUError
from ..filters import Filter, evaluate_filter
from .cells import Cells, make_cells
from .estimate import CellEstimate
from .intervals import CI_METHODS, t_quantile
from .quantile import SortedCells
from .replicate import ReplicateStructure, canonical_method, default_scales
from .taylor import LONELY_PSU_POLICIES, TaylorStructure

_PANDAS_COW = int(pd.__version__.split(".")[0]) >= 3


def _first_rows(data: pd.DataFrame, mask: np.ndarray, column: str) -> tuple[list, list]:
    idx = np.flatnonzero(mask)[:5]
    return list(data.index[idx]), list(data[column].iloc[idx])


def _offending(data: pd.DataFrame, mask: np.ndarray, column: str) -> str:
    rows, values = _first_rows(data, mask, column)
    more = f" (and {int(mask.sum()) - len(rows)} more)" if mask.sum() > len(rows) else ""
    return f"rows {', '.join(map(str, rows))}{more}; values {', '.join(repr(v) for v in values)}"


class SurveyDesign:
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
        Column of primary sampling units, nested in strata (a PSU label may repeat across
        strata: it is a different PSU in each). Without it each row is its own PSU.
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
    >>> d.proportion("employed", by=["migrant", "sex"], where="age between 15 and 64")
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
        method: str | None = None,
        rho: float | None = None,
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        mse: bool = True,
        lonely_psu: str = "fail",
        variance: str = "design",
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DesignError(f"data must be a pandas DataFrame, got {type(data).__name__}")
        if lonely_psu not in LONELY_PSU_POLICIES:
            raise DesignError(
                f"unknown lonely_psu policy {lonely_psu!r}; expected one of "
                + ", ".join(LONELY_PSU_POLICIES)
            )
        s = object.__setattr__
        s(self, "_data", data.copy(deep=not _PANDAS_COW))
        s(self, "weights", weights)
        s(self, "strata", strata)
        s(self, "psu", psu)
        s(self, "fpc", fpc)
        s(self, "lonely_psu", lonely_psu)
        w = self._numeric_design_column(weights, "weights")
        if (w < 0).any():
            raise DesignError(
                f"column {weights!r} (weights): weights must be >= 0; negative at "
                + _offending(self._data, w < 0, weights),
                column=weights,
                rows=_first_rows(self._data, w < 0, weights)[0],
            )
        if len(w) and not (w > 0).any():
            raise DesignError(f"column {weights!r} (weights): every weight is zero", column=weights)
        w.flags.writeable = False
        s(self, "_w", w)
        if variance not in ("design", "none"):
            raise DesignError(f"variance must be 'design' or 'none', not {variance!r}")
        s(self, "variance", variance)
        if variance == "none":
            if strata or psu or fpc or replicate_weights is not None or method is not None:
                raise DesignError(
                    "variance='none' declares that the data carry no design information: do "
                    "not give strata, psu, fpc or replicate weights with it"
                )
            s(self, "replicate_weights", None)
            s(self, "method", "none")
            s(self, "_rep", None)
            s(self, "_taylor", None)
        elif replicate_weights is not None:
            if strata or psu or fpc:
                raise DesignError(
                    "give either strata/psu/fpc (linearisation) or "
                    "replicate_weights (replication), not both"
                )
            cols = list(replicate_weights)
            if not cols:
                raise DesignError("replicate_weights is empty")
            mat = np.column_stack(
                [self._numeric_design_column(c, "replicate weight") for c in cols]
            )
            name = canonical_method(method)
            sc, rsc = default_scales(name, len(cols), rho, scale, rscales)
            mat = np.ascontiguousarray(mat)
            mat.flags.writeable = False
            s(self, "replicate_weights", tuple(cols))
            s(self, "method", name)
            s(self, "_rep", ReplicateStructure(mat, w, name, sc, rsc, bool(mse)))
            s(self, "_taylor", None)
        else:
            if method is not None or rho is not None or scale is not None or rscales is not None:
                raise DesignError(
                    "method, rho, scale and rscales apply only with replicate_weights"
                )
            s(self, "replicate_weights", None)
            s(self, "method", "linearisation")
            s(self, "_rep", None)
            s(self, "_taylor", self._build_taylor())

    # --- construction helpers ------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SurveyDesign is immutable: build a new design instead")

    def _column(self, name: str, role: str) -> pd.Series:
        if not isinstance(name, str) or name not in self._data.columns:
            raise ColumnNotFoundError(str(name), role, list(self._data.columns))
        return self._data[name]

    def _numeric_design_column(self, name: str, role: str) -> np.ndarray:
        col = self._column(name, role)
        if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
            conv = pd.to_numeric(col, errors="coerce")
            bad = (conv.isna() & col.notna()).to_numpy()
            raise DesignError(
                f"column {name!r} ({role}) must be numeric; non-numeric at "
                + _offending(self._data, bad if bad.any() else col.notna().to_numpy(), name),
                column=name,
            )
        arr = col.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(arr)
        if bad.any():
            raise DesignError(
                f"column {name!r} ({role}) must not be missing or infinite; "
                + _offending(self._data, bad, name),
                column=name,
                rows=_first_rows(self._data, bad, name)[0],
            )
        return arr

    def _codes(self, name: str, role: str) -> np.ndarray:
        col = self._column(name, role)
        codes, _ = pd.factorize(col, use_na_sentinel=True)
        if (codes < 0).any():
            raise DesignError(
                f"column {name!r} ({role}) must not be missing; "
                + _offending(self._data, codes < 0, name),
                column=name,
            )
        return codes.astype(np.int64)

    def _build_taylor(self) -> TaylorStructure:
        n = len(self._data)
        stratum = self._codes(self.strata, "strata") if self.strata else np.zeros(n, np.int64)
        if self.psu:
            raw = self._codes(self.psu, "psu")
            psu, _ = pd.factorize(stratum * (int(raw.max()) + 1 if n else 1) + raw)
            psu = psu.astype(np.int64)
        else:
            psu = np.arange(n, dtype=np.int64)
        n_strata = int(stratum.max()) + 1 if n else 0
        psu_stratum = np.zeros(int(psu.max()) + 1 if n else 0, dtype=np.int64)
        psu_stratum[psu] = stratum
        n_psu = np.bincount(psu_stratum, minlength=n_strata)
        fraction = np.zeros(n_strata)
        if self.fpc:
            fpc = self._numeric_design_column(self.fpc, "fpc")
            if (fpc <= 0).any():
                raise DesignError(
                    f"column {self.fpc!r} (fpc) must be > 0; "
                    + _offending(self._data, fpc <= 0, self.fpc),
                    column=self.fpc,
                )
            lo = np.full(n_strata, np.inf)
            hi = np.full(n_strata, -np.inf)
            np.minimum.at(lo, stratum, fpc)
            np.maximum.at(hi, stratum, fpc)
            varying = np.flatnonzero(lo != hi)
            if varying.size:
                bad = np.isin(stratum, varying)
                raise DesignError(
                    f"column {self.fpc!r} (fpc) must be constant within each "
                    "stratum; it varies at " + _offending(self._data, bad, self.fpc),
                    column=self.fpc,
                )
            as_fraction = bool((fpc <= 1).all())
            fraction = lo if as_fraction else n_psu / lo
            if not as_fraction and (n_psu > lo).any():
                h = int(np.flatnonzero(n_psu > lo)[0])
                bad = stratum == h
                raise DesignError(
                    f"column {self.fpc!r} (fpc): a stratum has more sampled PSUs "
                    f"({n_psu[h]}) than its population count ({lo[h]:g}); "
                    + _offending(self._data, bad, self.fpc),
                    column=self.fpc,
                )
        lonely = np.flatnonzero(n_psu == 1)
        if lonely.size and self.lonely_psu == "fail":
            first_row = np.full(n_strata, -1)
            first_row[stratum[::-1]] = np.arange(n)[::-1]
            labels = (
                list(self._data[self.strata].iloc[first_row[lonely]])
                if self.strata
                else ["(whole sample)"]
            )
            raise LonelyPSUError(labels, self.strata)
        return TaylorStructure.build(stratum, psu, fraction, self.lonely_psu)

    # --- description ---------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The design's data (a copy-on-write view: changing it does not change the design)."""
        return self._data.copy(deep=not _PANDAS_COW)

    @property
    def n_rows(self) -> int:
        return len(self._data)

    @property
    def degrees_of_freedom(self) -> float:
        """Design degrees of freedom of the whole sample (R's ``degf``)."""
        everyone = np.zeros(self.n_rows, dtype=np.int64)
        return float(self._df(everyone, 1)[0])

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
            )
        return f"SurveyDesign({self.n_rows} rows, weights={self.weights!r}; {kind})"

    # --- resolving arguments -------------------------------------------------------------------
    def _where(self, where) -> np.ndarray:
        n = self.n_rows
        if where is None:
            return np.ones(n, dtype=bool)
        if isinstance(where, (str, Filter)):
            return evaluate_filter(where, self._data)
        if isinstance(where, pd.Series):
            if len(where) != n:
                raise EstimationInputError(
                    f"where has {len(where)} values but the design has {n} rows"
                )
            if not where.index.equals(self._data.index):
                raise EstimationInputError(
                    "where's index does not match the design data's index: "
                    "build it from the same frame, or pass .to_numpy()"
                )
            if not (pd.api.types.is_bool_dtype(where)):
                raise EstimationInputError(f"where must be boolean, got dtype {where.dtype}")
            return where.fillna(False).to_numpy(dtype=bool)
        arr = np.asarray(where)
        if arr.ndim != 1 or len(arr) != n:
            raise EstimationInputError(f"where has shape {arr.shape} but the design has {n} rows")
        if arr.dtype != bool:
            raise EstimationInputError(f"where must be boolean, got dtype {arr.dtype}")
        return arr

    def _by(self, by) -> list[str]:
        if by is None:
            return []
        cols = [by] if isinstance(by, str) else list(by)
        for c in cols:
            self._column(c, "by")
        return cols

    def _variable(self, name: str, role: str) -> np.ndarray:
        col = self._column(name, role)
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            return col.to_numpy(dtype=float, na_value=np.nan)
        conv = pd.to_numeric(col, errors="coerce")
        bad = (conv.isna() & col.notna()).to_numpy()
        raise EstimationInputError(
            f"column {name!r} ({role}) must be numeric or boolean; "
            "non-numeric at " + _offending(self._data, bad, name),
            column=name,
            rows=_first_rows(self._data, bad, name)[0],
        )

    def _binary(self, name: str, domain: np.ndarray) -> np.ndarray:
        """A 0/1 variable; values outside the domain are not checked (nor used)."""
        y = self._variable(name, "proportion variable")
        bad = domain & ~np.isnan(y) & (y != 0) & (y != 1)
        if bad.any():
            raise EstimationInputError(
                f"column {name!r} must hold 0/1 (or boolean) values for a "
                "proportion; other values at " + _offending(self._data, bad, name),
                column=name,
                rows=_first_rows(self._data, bad, name)[0],
            )
        return y

    # --- engine --------------------------------------------------------------------------------
    def _df(self, cell: np.ndarray, n_cells: int) -> np.ndarray:
        if self.variance == "none":
            return np.full(n_cells, np.nan)
        if self._rep is not None:
            return self._rep.degrees_of_freedom(cell, n_cells)
        return self._taylor.degrees_of_freedom(cell, self._w > 0, n_cells)

    def _cells(self, by: list[str], domain: np.ndarray) -> Cells:
        return make_cells(self._data, by, domain)

    def _ratio(
        self,
        y: np.ndarray,
        x: np.ndarray | None,
        cells: Cells,
        total: bool = False,
    ) -> CellEstimate:
        """Ratio sum(w y)/sum(w x) (x=None: x = 1, a mean), or total sum(w y), per cell.

        ``cells`` assigns the domain's rows to cells (others: -1); rows with a missing ``y``
        (or ``x``) leave the domain.
        """
        valid = ~np.isnan(y)
        if x is not None:
            valid &= ~np.isnan(x)
        code = np.where(valid, cells.code, -1)
        g = cells.n_cells
        w = self._w
        yv = np.where(valid, y, 0.0)
        xv = np.ones_like(yv) if x is None else np.where(valid, x, 0.0)
        keep = code >= 0
        num = np.bincount(code[keep], weights=(w * yv)[keep], minlength=g)
        den = np.bincount(code[keep], weights=(w * xv)[keep], minlength=g)
        n_unw = np.bincount(code[keep], minlength=g).astype(float)
        n_w = np.bincount(code[keep], weights=w[keep], minlength=g)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num if total else np.where(den != 0, num / den, np.nan)
        df = self._df(code, g)
        if self.variance == "none":
            return CellEstimate(cells.labels, value, np.full(g, np.nan), df, n_unw, n_w)
        if self._rep is not None:
            rnum = self._rep.cell_sums(code, yv, g)
            if total:
                reps = rnum
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    reps = rnum / self._rep.cell_sums(code, xv, g)
            variance = self._rep.variance(reps, value)
            return CellEstimate(
                cells.labels,
                value,
                variance,
                df,
                n_unw,
                n_w,
                replicates=reps,
                replicate_design=self._rep,
            )
        t = self._taylor
        za = t.psu_totals(code, w * yv, g)
        if total:
            scores = za
        else:
            zb = t.psu_totals(code, w * xv, g)
            ok = np.isfinite(value)
            r = np.where(ok, value, 0.0)
            inv = np.where(ok & (den != 0), 1.0 / np.where(den != 0, den, 1.0), 0.0)
            scores = sp.diags(inv) @ (za - sp.diags(r) @ zb)
        scores = sp.csr_matrix(scores)
        present = t.strata_present(code, g)
        variance = t.variance(scores, present)
        variance = np.where(np.isfinite(value), variance, np.nan)
        return CellEstimate(
            cells.labels, value, variance, df, n_unw, n_w, scores=scores, present=present, taylor=t
        )

    @staticmethod
    def _check_ci(ci: str, allowed: Sequence[str]) -> None:
        if ci not in allowed:
            raise EstimationInputError(f"unknown ci {ci!r}; expected one of {', '.join(allowed)}")

    @staticmethod
    def _check_level(level: float) -> None:
        if not 0 < level < 1:
            raise EstimationInputError(f"level must be between 0 and 1, got {level!r}")

    # --- public estimators ---------------------------------------------------------------------
    def mean(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: str = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the mean of a numeric variable in each cell, with its sampling error.

        Parameters
        ----------
        variable : str
            Numeric (or boolean) column; missing values leave the domain.
        by : list of str, optional
            Columns whose observed combinations define the cells; rows with a missing ``by`` value
            belong to no cell.
        where : str, Filter or boolean array, optional
            Domain filter (the filter grammar of :mod:`mhr_indicators.filters`, or a boolean
            Series aligned with the data). The full design is kept for the variance.
        ci : {"wald", "t"}
            Interval: normal quantile (as R's ``confint``) or Student t with the cell's df.
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row per cell: the ``by`` columns, then value, se, ci_lower, ci_upper, cv,
            n_unweighted, n_weighted, df, n_eff (NaN: defined for proportions).
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        y = self._variable(variable, "mean variable")
        cells = self._cells(self._by(by), self._where(where))
        return self._ratio(y, None, cells).to_frame(ci, level)

    def proportion(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: str = "logit",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the share of a 0/1 variable in each cell, with its sampling error.

        Parameters
        ----------
        variable : str
            Column holding 0/1 (or boolean) values; missing values leave the domain.
        by : list of str, optional
            Columns whose observed combinations define the cells.
        where : str, Filter or boolean array, optional
            Domain filter. The full design is kept for the variance.
        ci : {"logit", "beta", "wald", "t"}
            Interval method, as R's ``svyciprop``: ``logit`` (default), ``beta``
            (Korn-Graubard), ``t`` (``method="mean"``), or ``wald`` (normal quantile).
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row per cell: the ``by`` columns, then value (a share between 0 and 1), se,
            ci_lower, ci_upper, cv, n_unweighted, n_weighted, df (design degrees of freedom of
            the cell), n_eff (NCHS effective sample size, p(1-p)/se^2 capped at n).
        """
        self._check_ci(ci, CI_METHODS)
        self._check_level(level)
        domain = self._where(where)
        y = self._binary(variable, domain)
        est = self._ratio(y, None, self._cells(self._by(by), domain))
        return est.to_frame(ci, level, proportion=True)

    def ratio(
        self,
        numerator: str,
        denominator: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: str = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the ratio of two weighted totals, sum(w y) / sum(w x), in each cell.

        Parameters
        ----------
        numerator, denominator : str
            Numeric columns; a row missing either leaves the domain.
        by, where, ci, level
            As for :meth:`mean`. A cell whose denominator total is zero gives NaN.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`.
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        y = self._variable(numerator, "ratio numerator")
        x = self._variable(denominator, "ratio denominator")
        cells = self._cells(self._by(by), self._where(where))
        return self._ratio(y, x, cells).to_frame(ci, level)

    def total(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: str = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the population total of a variable in each cell.

        Parameters
        ----------
        variable : str
            Numeric or boolean column; missing values leave the domain.
        by, where, ci, level
            As for :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`; ``n_weighted`` is the estimated population of the cell.
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        y = self._variable(variable, "total variable")
        est = self._ratio(y, None, self._cells(self._by(by), self._where(where)), total=True)
        return est.to_frame(ci, level)

    def quantile(
        self,
        variable: str,
        q: float,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate a quantile (e.g. the median, ``q=0.5``) in each cell, with a Woodruff interval.

        The estimate is the smallest value whose weighted distribution function reaches ``q``
        (R's ``qrule="math"``). The interval is Woodruff's, as R's ``svyquantile`` default: the
        share of the cell at or below the estimate, F, gets the interval F +/- t(df) se(F), whose
        ends are mapped back through the same quantile rule (an end outside [0, 1] gives NaN).
        ``se`` is the interval's width over 2 t(df).

        Parameters
        ----------
        variable : str
            Numeric column; missing values leave the domain.
        q : float
            Probability in (0, 1).
        by, where, level
            As for :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`.
        """
        self._check_level(level)
        if not 0 < q < 1:
            raise EstimationInputError(f"q must be strictly between 0 and 1, got {q!r}")
        x = self._variable(variable, "quantile variable")
        cells = self._cells(self._by(by), self._where(where) & ~np.isnan(x))
        return self._quantile(x, cells, q, level).to_frame("woodruff", level)

    def _quantile(self, x: np.ndarray, cells: Cells, q: float, level: float) -> CellEstimate:
        """Math-rule quantile per cell with its Woodruff interval (see :meth:`quantile`)."""
        code = np.where(np.isnan(x), -1, cells.code)
        g = cells.n_cells
        sorted_cells = SortedCells(code, x, self._w, g)
        qhat = sorted_cells.quantile(np.full(g, q))
        # Woodruff: the CDF at the estimate, with its design-based standard error
        at_or_below = np.where(code >= 0, x <= qhat[np.maximum(code, 0)], np.nan)
        cdf = self._ratio(at_or_below.astype(float), None, Cells(code, cells.labels))
        tq = t_quantile(level, cdf.df)
        p_lo = cdf.value - tq * cdf.se
        p_hi = cdf.value + tq * cdf.se
        lo = sorted_cells.quantile(np.where(p_lo < 0, np.nan, p_lo))
        hi = sorted_cells.quantile(np.where(p_hi > 1, np.nan, p_hi))
        se = (hi - lo) / (2 * tq)
        return CellEstimate(
            cells.labels, qhat, se * se, cdf.df, cdf.n_unweighted, cdf.n_weighted, interval=(lo, hi)
        )
