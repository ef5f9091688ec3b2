"""The partitions' sums tables added up by key into :class:`~mhr_indicators.survey.CellSums`.

A key is a finest cell (times the number of PSUs, plus the PSU, under linearisation), the same
in every partition, so the tables combine by exact addition: a PSU split between partitions
gets the sum of its parts. The combined tables are what the pandas path builds from the rows,
so every estimate, variance, df and comparison follows by the pandas path's own code.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..survey import CellSums
from ..survey.kernels import Kernels
from .partition import CellsSpec

_FIELDS = ("wy", "wx", "n", "nw", "positive")


@dataclass(frozen=True, eq=False)
class Combined:
    """Keys present in any partition, and where each partition's keys go among them."""

    keys: np.ndarray
    order: np.ndarray  # stable sort of the concatenated keys
    starts: np.ndarray  # first position of each distinct key in the sorted order
    positions: list[np.ndarray]  # each partition's keys -> index among ``keys``

    @classmethod
    def of(cls, parts: list[np.ndarray]) -> Combined:
        joined = np.concatenate(parts) if parts else np.empty(0, np.int64)
        order = np.argsort(joined, kind="stable")
        ordered = joined[order]
        new = np.ones(len(ordered), dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(new)
        index = np.cumsum(new) - 1
        where = np.empty(len(joined), dtype=np.int64)
        where[order] = index
        bounds = np.cumsum([0, *(len(p) for p in parts)])
        positions = [where[a:b] for a, b in itertools.pairwise(bounds)]
        return cls(ordered[starts], order, starts, positions)

    def add(self, tables: list[np.ndarray]) -> np.ndarray:
        """Rows of the partitions' tables (in partition order) added up per key."""
        joined = np.concatenate(tables)
        if not len(joined):
            return np.zeros((0, *joined.shape[1:]))
        return np.add.reduceat(joined[self.order], self.starts, axis=0)


def _presence(parts: list, combined: Combined, pattern_keys: np.ndarray) -> sp.csr_matrix:
    cells, patterns, counts = [], [], []
    for part, pos in zip(parts, combined.positions, strict=True):
        group, keys, n = part
        cells.append(pos[group])
        patterns.append(np.searchsorted(pattern_keys, keys))
        counts.append(n.astype(float))
    shape = (len(combined.keys), len(pattern_keys))
    m = sp.csr_matrix(
        (np.concatenate(counts), (np.concatenate(cells), np.concatenate(patterns))), shape=shape
    )
    m.sum_duplicates()
    return m


def _variable(results: list[dict], key, combined: Combined, pattern_keys) -> dict:
    table = combined.add([r["sums"][key] for r in results])
    arrays = {name: table[:, i].copy() for i, name in enumerate(_FIELDS)}
    if pattern_keys is not None:
        arrays["replicates_y"] = combined.add([r["reps"][key][0] for r in results])
        arrays["replicates_x"] = combined.add([r["reps"][key][1] for r in results])
        presence = [r["presence"][key] for r in results]
        arrays["presence"] = _presence(presence, combined, pattern_keys)
    return arrays


def combine_cells(
    results: list[dict], spec: CellsSpec, kernels: Kernels, pattern_keys: np.ndarray | None
) -> CellSums:
    """One population's :class:`CellSums` from its partitions' tables.

    Raises
    ------
    MhrError
        The first partition's error in building the population's cells (a variable's error
        is raised when its estimate is asked for).
    """
    for r in results:
        if "error" in r:
            raise r["error"]
    combined = Combined.of([r["keys"] for r in results])
    errors = {}
    for r in results:
        for key, exc in r["errors"].items():
            errors.setdefault(key, exc)
    sums = {
        var.key: _variable(results, var.key, combined, pattern_keys)
        for var in spec.variables
        if var.key not in errors
    }
    t = kernels.taylor
    if t is not None:
        cell_key, psu = np.divmod(combined.keys, t.n_psus)
        cells, pair_cell = np.unique(cell_key, return_inverse=True)
        pairs = (pair_cell.astype(np.int64), psu.astype(np.int64))
    else:
        cells, pairs = combined.keys, None
    labels = spec.coder.decode(cells)
    return CellSums.from_tables(kernels, labels, pairs, sums, errors)
