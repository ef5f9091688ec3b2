"""The estimation kernels of a design: weighted sums per cell, and their sampling variance.

Every estimate is a ratio of weighted totals per cell, sum(w y) / sum(w x) (a mean when x = 1, a
total without the division), or a quantile. The kernels take row-level arrays and the cells'
codes and return a :class:`~.estimate.CellEstimate`: values, variances, degrees of freedom and the
material of covariances (scores per PSU, or replicate estimates).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .cells import Cells
from .compiled import row_sums
from .estimate import CellEstimate
from .inputs import valid_rows
from .intervals import t_quantile
from .quantile import SortedCells
from .replicate import ReplicateStructure
from .taylor import TaylorStructure


@dataclass(frozen=True, eq=False)
class Kernels:
    """A design's weights and variance structure (one of ``taylor``, ``rep``, or neither when
    the data carry no design information)."""

    w: np.ndarray
    taylor: TaylorStructure | None
    rep: ReplicateStructure | None

    @property
    def no_variance(self) -> bool:
        return self.taylor is None and self.rep is None

    @functools.cached_property
    def some_weight_zero(self) -> bool:
        """Whether any row's weight is zero (or below): found once per design."""
        return bool((self.w <= 0).any())

    def df(self, cell: np.ndarray, n_cells: int) -> np.ndarray:
        if self.no_variance:
            return np.full(n_cells, np.nan)
        if self.rep is not None:
            return self.rep.degrees_of_freedom(cell, n_cells)
        return self.taylor.degrees_of_freedom(cell, self.w > 0, n_cells)

    def ratio(
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
        _, code, yv, xv = valid_rows(cells.code, y, x)
        g = cells.n_cells
        w = self.w
        sums, _ = row_sums(code, w, yv, xv, g, True)  # w y, w x, cases, w per cell
        num, den, n_unw, n_w = (sums[:, j].copy() for j in range(4))
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num if total else np.where(den != 0, num / den, np.nan)
        df = self.df(code, g)
        if self.no_variance:
            return CellEstimate(cells.labels, value, np.full(g, np.nan), df, n_unw, n_w)
        if self.rep is not None:
            if total:
                (reps,) = self.rep.cell_sums(code, [yv], g)
            else:
                rnum, rden = self.rep.cell_sums(code, [yv, xv], g)
                with np.errstate(divide="ignore", invalid="ignore"):
                    reps = rnum / rden
            variance = self.rep.variance(reps, value)
            return CellEstimate(
                cells.labels,
                value,
                variance,
                df,
                n_unw,
                n_w,
                replicates=reps,
                replicate_design=self.rep,
            )
        t = self.taylor
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

    def quantile(
        self, x: np.ndarray, cells: Cells, q: float, level: float, by_x: np.ndarray | None = None
    ) -> CellEstimate:
        """Math-rule quantile per cell, with its Woodruff interval (``SurveyDesign.quantile``);
        ``by_x``: the rows in order of ``x`` (a stable sort), when known already."""
        code = np.where(np.isnan(x), -1, cells.code)
        g = cells.n_cells
        sorted_cells = SortedCells(code, x, self.w, g, by_x)
        qhat = sorted_cells.quantile(np.full(g, q))
        # Woodruff: the CDF at the estimate, with its design-based standard error
        at_or_below = np.where(code >= 0, x <= qhat[np.maximum(code, 0)], np.nan)
        cdf = self.ratio(at_or_below.astype(float), None, Cells(code, cells.labels))
        tq = t_quantile(level, cdf.df)
        p_lo = cdf.value - tq * cdf.se
        p_hi = cdf.value + tq * cdf.se
        lo = sorted_cells.quantile(np.where(p_lo < 0, np.nan, p_lo))
        hi = sorted_cells.quantile(np.where(p_hi > 1, np.nan, p_hi))
        se = (hi - lo) / (2 * tq)
        return CellEstimate(
            cells.labels, qhat, se * se, cdf.df, cdf.n_unweighted, cdf.n_weighted, interval=(lo, hi)
        )
