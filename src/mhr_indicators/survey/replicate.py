"""Replicate-weight variance (BRR, Fay, JK1, JKn, bootstrap, successive difference).

The variance of an estimate is ``scale * sum_r rscale_r * (theta_r - centre)^2`` where ``theta_r``
is the estimate recomputed with replicate weight column r and ``centre`` is the full-sample estimate
(``mse=True``, the default here) or the mean of the replicates (``mse=False``, R's default).
Conventions follow R ``survey``'s ``svrepdesign`` (see ``REFERENCE.md`` section 4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import DesignError, DesignOptionError
from ..vocab import REPLICATE_METHODS
from .compiled import replicate_sums

_ALIASES = {
    "successive-difference": "SDR",
    "acs": "SDR",
    "sdr": "SDR",
    "jk1": "JK1",
    "jkn": "JKn",
    "brr": "BRR",
    "fay": "Fay",
    "bootstrap": "bootstrap",
}


def canonical_method(method: str | None) -> str:
    """Return the canonical spelling of a replicate method, or raise :class:`DesignError`."""
    if method is None:
        raise DesignOptionError(
            "replicate_weights need a method: one of " + ", ".join(REPLICATE_METHODS)
        )
    name = method if method in REPLICATE_METHODS else _ALIASES.get(str(method).lower())
    if name is None:
        raise DesignOptionError(
            f"unknown replicate method {method!r}; expected one of " + ", ".join(REPLICATE_METHODS)
        )
    return name


def default_scales(
    method: str, n_replicates: int, rho: float | None, scale: float | None, rscales
) -> tuple[float, np.ndarray]:
    """Return ``(scale, rscales)`` for a method, applying user overrides where given."""
    r = n_replicates
    if method == "Fay":
        if rho is None or not 0 <= rho < 1:
            raise DesignError(
                f"method='Fay' needs rho, the Fay coefficient, with 0 <= rho < 1 (got {rho!r})"
            )
    elif rho is not None:
        raise DesignError(f"rho is only used with method='Fay', not {method!r}")
    defaults = {
        "SDR": 4.0 / r,
        "JK1": (r - 1.0) / r,
        "JKn": 1.0,
        "BRR": 1.0 / r,
        "Fay": 1.0 / (r * (1.0 - (rho or 0.0)) ** 2),
        "bootstrap": 1.0 / (r - 1.0) if r > 1 else np.nan,
    }
    out_scale = float(scale) if scale is not None else defaults[method]
    if rscales is None:
        if method == "JKn":
            raise DesignError(
                "method='JKn' needs rscales: one multiplier per replicate, "
                "(n_h - 1)/n_h for the stratum the replicate deletes from"
            )
        out_rscales = np.ones(r)
    else:
        out_rscales = np.asarray(rscales, dtype=float).ravel()
        if out_rscales.size == 1:
            out_rscales = np.repeat(out_rscales, r)
        if out_rscales.size != r or not np.isfinite(out_rscales).all():
            raise DesignError(
                f"rscales must hold {r} finite numbers, one per replicate (got {out_rscales.size})"
            )
    if not np.isfinite(out_scale) or out_scale <= 0:
        raise DesignError(f"the replicate scale must be a positive number (got {out_scale!r})")
    out_rscales.flags.writeable = False
    return out_scale, out_rscales


@dataclass(frozen=True, eq=False)
class ReplicateStructure:
    """Replicate weights and their variance constants, built once per design."""

    weights: np.ndarray  # n x R, C order
    full_weight: np.ndarray  # n
    method: str
    scale: float
    rscales: np.ndarray
    mse: bool

    @property
    def n_replicates(self) -> int:
        return self.weights.shape[1]

    def cell_sums(
        self, cell: np.ndarray, variables: Sequence[np.ndarray], n_cells: int
    ) -> list[np.ndarray]:
        """Replicate-weighted sums of each variable per cell (rows with ``cell < 0`` left
        out): one cells-by-replicates matrix per variable, from one read of the weights."""
        values = np.column_stack([np.asarray(v, dtype=float) for v in variables])
        weights = np.ascontiguousarray(self.weights, dtype=float)
        return list(replicate_sums(np.asarray(cell, dtype=np.int64), weights, values, n_cells))

    def variance(self, replicates: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Variance of each row of a cells-by-replicates matrix of estimates."""
        if self.mse:
            centre = estimate[:, None]
        else:
            centre = replicates[:, self.rscales > 0].mean(axis=1, keepdims=True)
        dev = replicates - centre
        return self.scale * (dev * dev) @ self.rscales

    @classmethod
    def from_patterns(
        cls,
        factors: np.ndarray,
        method: str,
        scale: float,
        rscales: np.ndarray,
        mse: bool,
    ) -> ReplicateStructure:
        """A structure without rows, for cell sums made elsewhere (e.g. added up over the
        partitions of a Dask dataframe): its variances and, from the distinct replicate-factor
        patterns ``factors`` (patterns by replicates), its degrees of freedom."""
        r = factors.shape[1]
        new = cls(np.empty((0, r)), np.empty(0), method, scale, rscales, mse)
        new.__dict__["_patterns"] = (np.empty(0, dtype=np.int64), np.asarray(factors, float))
        return new

    def pattern_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's pattern number, each pattern's hash key (the same for the same pattern
        in any data) and the patterns (distinct rows of replicate / full weight)."""
        w = self.full_weight
        safe = np.where(w > 0, w, 1.0)
        key = np.zeros(len(w), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(self.n_replicates):  # column by column: memory O(n), not O(n R)
                column = np.round(self.weights[:, r] / safe, 10)
                key = key * np.uint64(1_000_003) ^ pd.util.hash_array(column)
        ids, first = pd.factorize(key)
        # representative row of each pattern
        rep_rows = np.zeros(len(first), dtype=np.int64)
        rep_rows[ids[::-1]] = np.arange(len(ids))[::-1]
        factors = self.weights[rep_rows] / safe[rep_rows, None]
        return ids, np.asarray(first, dtype=np.uint64), factors

    @cached_property
    def _patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct rows of the replicate *factor* matrix (replicate / full weight) and each
        row's pattern number. Rescaling a row does not change the rank, and most designs have one
        factor pattern per PSU, so ranks are computed on a small matrix."""
        ids, _, factors = self.pattern_table()
        return ids, factors

    def presence(self, cell: np.ndarray, n_cells: int) -> sp.csr_matrix:
        """Cells-by-patterns matrix: how many rows of each cell carry each replicate-factor
        pattern (rows with ``cell < 0`` are left out)."""
        ids, patterns = self._patterns
        keep = cell >= 0
        m = sp.csr_matrix(
            (np.ones(keep.sum()), (cell[keep], ids[keep])), shape=(n_cells, len(patterns))
        )
        m.sum_duplicates()
        return m

    def degrees_of_freedom(self, cell: np.ndarray, n_cells: int) -> np.ndarray:
        """Rank of the replicate weights of each cell's rows, minus one (R's ``degf``)."""
        return self.degrees_of_freedom_from(self.presence(cell, n_cells))

    def degrees_of_freedom_from(self, presence: sp.spmatrix) -> np.ndarray:
        """Degrees of freedom of cells given their pattern presence (see :meth:`presence`).

        The rank is taken from each cell's Gram matrix of the distinct factor patterns it holds.
        It depends only on that set of patterns, so each distinct set is ranked once per design
        (most cells of most variables and breakdowns hold the same sets, often every pattern).
        """
        held = sp.csr_matrix(presence, dtype=float)
        held.eliminate_zeros()
        held.sort_indices()
        keys = [  # a digest of the set (the sets of a large design are long)
            hashlib.blake2b(
                held.indices[held.indptr[i] : held.indptr[i + 1]], digest_size=16
            ).digest()
            for i in range(held.shape[0])
        ]
        memo = self._ranks
        first: dict[bytes, int] = {}  # the first cell holding each set not ranked yet
        for i, key in enumerate(keys):
            if key not in memo:
                first.setdefault(key, i)
        if first:
            rows = list(first.values())
            for key, rank in zip(first, self._ranks_of(held[rows]), strict=True):
                memo[key] = int(rank)
        rank = np.array([memo[key] for key in keys], dtype=float)
        return np.where(np.diff(held.indptr) > 0, rank - 1.0, np.nan)

    @cached_property
    def _ranks(self) -> dict[bytes, int]:
        """Rank of the replicate weights of each set of factor patterns met so far."""
        return {}

    def _ranks_of(self, presence: sp.csr_matrix) -> np.ndarray:
        """Rank of each row's set of patterns, from its Gram matrix. Work is bounded by pattern
        chunks (never a loop over cells): batched BLAS products when most cells hold most
        patterns, a sparse product when each cell holds few."""
        _, patterns = self._patterns
        n_cells = presence.shape[0]
        presence = sp.csc_matrix(presence)
        presence.data[:] = 1.0
        r = self.n_replicates
        k = len(patterns)
        grams = np.zeros((n_cells, r, r))
        if presence.nnz * 4 >= n_cells * k:  # dense presence
            chunk = max(1, int(2**22 // max(1, n_cells * r)))
            for start in range(0, k, chunk):
                block = presence[:, start : start + chunk].toarray()
                masked = block[:, :, None] * patterns[None, start : start + chunk]
                grams += np.matmul(masked.transpose(0, 2, 1), masked)
        else:  # sparse presence
            chunk = max(1, int(2**23 // (r * r)))
            for start in range(0, k, chunk):
                u = patterns[start : start + chunk]
                outer = (u[:, :, None] * u[:, None, :]).reshape(len(u), r * r)
                grams += (presence[:, start : start + chunk] @ outer).reshape(n_cells, r, r)
        eig = np.linalg.eigvalsh(grams)
        top = eig.max(axis=1, keepdims=True)
        return (eig > np.maximum(top, 0) * 1e-10).sum(axis=1)
