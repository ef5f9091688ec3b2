"""Weighted quantiles per cell, R ``survey``'s ``qrule="math"``, in one vectorised pass.

The "math" rule takes, in each cell, the smallest x whose weighted distribution function reaches p:
with the cell's rows sorted by x and cumulative weights c_i, let k be the last position with
c_i <= p * W. The quantile is x_k when c_k equals p * W exactly, else x_{k+1}. Cumulative sums are
accumulated in extended precision and rounded to double, as R does, so that ties at p * W resolve
the same way.
"""

from __future__ import annotations

import numpy as np


class SortedCells:
    """Rows of the cells sorted by (cell, x), with within-cell cumulative weights."""

    def __init__(
        self,
        cell: np.ndarray,
        x: np.ndarray,
        w: np.ndarray,
        n_cells: int,
        by_x: np.ndarray | None = None,
    ):
        """``by_x``: the rows in order of ``x`` (a stable sort), when known already."""
        by_x = np.argsort(x, kind="stable") if by_x is None else by_x
        keep = by_x[(cell[by_x] >= 0) & (w[by_x] > 0)]
        # then by cell, stably: by cell, then x (a linear-time radix sort for few cells)
        cells = cell[keep].astype(np.uint16) if n_cells <= 2**16 else cell[keep]
        order = keep[np.argsort(cells, kind="stable")]
        self.cell = cell[order]
        self.x = x[order]
        wl = w[order].astype(np.longdouble)
        counts = np.bincount(self.cell, minlength=n_cells)
        self.start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.count = counts
        # each cell's running total from zero, in extended precision: a running total over all
        # the cells less those before would carry their rounding into the exact comparisons
        cs = np.empty(len(wl), dtype=np.longdouble)
        for s, k in zip(self.start[counts > 0], counts[counts > 0], strict=True):
            np.cumsum(wl[s : s + k], out=cs[s : s + k])
        self.cumw = cs.astype(np.float64)
        ends = self.start + counts - 1
        self.total = np.where(
            counts > 0, self.cumw[np.maximum(ends, 0)] if len(self.cumw) else 0, 0.0
        )

    def quantile(self, p: np.ndarray) -> np.ndarray:
        """The math-rule quantile of each cell at probabilities ``p`` (one per cell, or NaN)."""
        p = np.asarray(p, dtype=float)
        out = np.full(len(self.count), np.nan)
        if len(self.x) == 0:
            return out
        target = p * self.total
        le = self.cumw <= target[self.cell]
        n_le = np.bincount(self.cell, weights=le, minlength=len(self.count)).astype(np.int64)
        last = self.start + n_le - 1
        end = self.start + self.count - 1
        exact = (n_le > 0) & (self.cumw[np.clip(last, 0, None)] == target)
        pos = np.where(exact, last, np.minimum(last + 1, end))
        valid = (self.count > 0) & np.isfinite(p)
        out[valid] = self.x[pos[valid]]
        return out
