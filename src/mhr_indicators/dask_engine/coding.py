"""Global codes of cells, the same in every partition, so that partial sums add up by key.

The pandas path codes the finest cells of a breakdown by the sorted levels of each column (a
missing value a level of its own, last) combined in mixed radix
(:func:`mhr_indicators.survey.cells.make_cells`). Here the levels are those of the whole data,
collected once; a partition codes its rows with them, so a key means the same cell everywhere,
and sorted keys are the pandas path's cells in the pandas path's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigurationError
from ..survey.cells import factorize_column

STATUS_LEVELS = pd.Index([0.0, 1.0])  # migrant status: 1 migrant, 0 not, missing: not stated


def levels_of(values: Sequence[pd.Series]) -> pd.Index:
    """The sorted distinct non-missing values of a column, from its partitions' distinct values
    (as :func:`~mhr_indicators.survey.cells.factorize_column` sorts them)."""
    joined = pd.concat(list(values), ignore_index=True) if values else pd.Series([], dtype=object)
    _, levels = factorize_column(joined)
    if isinstance(levels, pd.CategoricalIndex):
        levels = pd.Index(np.asarray(levels))
    return levels


@dataclass(frozen=True)
class CellCoder:
    """Mixed-radix codes of the cells of some columns, from global levels.

    Attributes
    ----------
    columns : tuple of str
    levels : tuple of pandas.Index
        The sorted non-missing levels of each column.
    dtypes : tuple
        Each column's dtype, given back to the labels.
    """

    columns: tuple[str, ...]
    levels: tuple[pd.Index, ...]
    dtypes: tuple

    @classmethod
    def build(cls, columns: Sequence[str], levels: Mapping[str, pd.Index], dtypes: Mapping):
        return cls(
            tuple(columns),
            tuple(levels[c] for c in columns),
            tuple(dtypes[c] for c in columns),
        )

    @property
    def size(self) -> int:
        """The number of possible keys (Python int: it may be large)."""
        out = 1
        for lv in self.levels:
            out *= len(lv) + 1
        return out

    def encode(self, frame: pd.DataFrame, keep_missing: bool = True) -> np.ndarray:
        """Each row's cell key; a missing value is its own level (``keep_missing``) or puts the
        row in no cell (key -1)."""
        n = len(frame)
        key = np.zeros(n, dtype=np.int64)
        ok = np.ones(n, dtype=bool)
        for col, lv in zip(self.columns, self.levels, strict=True):
            values = frame[col]
            missing = values.isna().to_numpy()
            codes = lv.get_indexer(values.to_numpy())
            unknown = (codes < 0) & ~missing
            if unknown.any():
                raise ConfigurationError(
                    f"column {col!r} holds {values[unknown].iloc[0]!r}, which was not among its "
                    "values when the design was built: the data changed under the design"
                )
            codes = np.where(missing, len(lv), codes)
            ok &= keep_missing | ~missing
            key = key * (len(lv) + 1) + codes
        return np.where(ok, key, -1)

    def decode(self, keys: np.ndarray) -> pd.DataFrame:
        """The labels of sorted cell keys (a missing level as a missing value)."""
        rest = np.asarray(keys, dtype=np.int64)
        if not self.columns:
            return pd.DataFrame(index=pd.RangeIndex(len(rest)))
        parts = []
        for lv in reversed(self.levels):
            parts.append(rest % (len(lv) + 1))
            rest = rest // (len(lv) + 1)
        frame = {}
        for col, lv, dtype, idx in zip(
            self.columns, self.levels, self.dtypes, reversed(parts), strict=True
        ):
            full = lv.append(pd.Index([None], dtype=object))
            values = pd.Series(np.asarray(full.take(idx), dtype=object))
            if isinstance(dtype, pd.CategoricalDtype):
                # the partitions' categories may be unknown to Dask (a Parquet dataset's are):
                # casting to that dtype would turn every label into a missing value
                dtype = pd.CategoricalDtype(list(lv), ordered=dtype.ordered)
            try:
                values = values.astype(dtype)
            except (TypeError, ValueError):
                pass
            frame[col] = values
        return pd.DataFrame(frame).reset_index(drop=True)
