"""The weighted sums of one analysis variable (with its denominator) per (finest cell, PSU)
pair or per finest cell: what :class:`~.sums.CellSums` keeps of the rows for each variable."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["VariableSums"]


@dataclass(frozen=True, eq=False)
class VariableSums:
    """The sums of one (numerator, denominator) pair over its valid rows."""

    table: np.ndarray  # a row per pair (or cell), a column per distinct sum
    columns: tuple[int, ...]  # the table's columns of w y, w x, cases, w, cases with w > 0
    replicates_y: np.ndarray | None = None  # finest cells x replicates
    replicates_x: np.ndarray | None = None
    presence: sp.csr_matrix | None = None  # finest cells x replicate-factor patterns

    FIELDS = ("wy", "wx", "n", "nw", "positive")

    @classmethod
    def of(cls, wy, wx, n, nw, positive, **replicates) -> VariableSums:
        """Sums per (finest cell, PSU) pair (linearisation) or per finest cell."""
        return cls.from_table(np.column_stack([wy, wx, n, nw, positive]), **replicates)

    @classmethod
    def from_table(cls, table: np.ndarray, **replicates) -> VariableSums:
        """From the five sums as columns. A sum equal to another (``w x`` of a mean is ``w``;
        cases of positive weight are the cases when no weight is zero) is kept once: each
        breakdown reads the whole table."""
        columns = [0, 1, 2, 3, 4]
        for field, same_as in ((1, 3), (4, 2)):
            if np.array_equal(table[:, field], table[:, same_as]):
                columns[field] = same_as
        kept = sorted(set(columns))
        if len(kept) < table.shape[1]:
            table = np.take(table, kept, axis=1)  # C order (a[:, kept] would be F order)
        table = np.ascontiguousarray(table, dtype=float)
        return cls(table, tuple(kept.index(c) for c in columns), **replicates)

    def field(self, name: str) -> np.ndarray:
        """One of :data:`FIELDS`, per pair (or cell)."""
        return self.table[:, self.columns[self.FIELDS.index(name)]]
