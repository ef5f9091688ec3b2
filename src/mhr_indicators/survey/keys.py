"""Distinct integer keys and their positions: the grouping step of the small-table kernels."""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_keys(
    keys: np.ndarray, size: int, *, sort: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (all in ``[0, size)``) and each key's position among them.

    A dense count when ``size`` is small next to the number of keys (the keys then come out
    sorted); a hash table otherwise (no array of ``size`` is made; the keys come out in order of
    first appearance, or sorted with ``sort=True``). Sums by the positions are the same either
    way: each group adds its members in the order of ``keys``.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if size <= max(4 * len(keys), 2**16):
        present = np.flatnonzero(np.bincount(keys, minlength=size))
        lookup = np.full(size, -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        return present, lookup[keys]
    inverse, uniq = pd.factorize(keys, sort=False)
    uniq = np.asarray(uniq, dtype=np.int64)
    inverse = inverse.astype(np.int64, copy=False)
    if sort:
        order = np.argsort(uniq, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return uniq[order], rank[inverse]
    return uniq, inverse
