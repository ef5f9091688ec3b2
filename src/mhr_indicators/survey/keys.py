"""Distinct integer keys and the rows' positions among them: the grouping step of the cells."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compiled import number_cells


def number_keys(keys: np.ndarray, valid: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (all in ``[0, size)``) of the ``valid`` rows, sorted, and each row's
    position among them (-1 for a row that is not valid).

    Two compiled passes over the rows when ``size`` is small next to their number
    (:func:`.compiled.number_cells`); a hash table otherwise (no array of ``size`` is made).
    """
    if size <= max(4 * len(keys), 2**16):
        return number_cells(keys, valid, size)
    code = np.full(len(keys), -1, dtype=np.int64)
    if not valid.any():
        return np.array([], dtype=np.int64), code
    inverse, observed = pd.factorize(np.asarray(keys[valid], dtype=np.int64), sort=True)
    code[valid] = inverse
    return np.asarray(observed, dtype=np.int64), code
