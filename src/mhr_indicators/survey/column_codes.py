"""Each column's sorted integer codes, made once per design and shared by every breakdown and
filter that reads the column (also when threads ask for the same column at once)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .cells import factorize_column
from .inputs import column


class ColumnCodes:
    """The codes of a frame's columns, each made once, when first asked.

    Parameters
    ----------
    data : pandas.DataFrame
        The design's data (never changed).
    """

    def __init__(self, data: pd.DataFrame, found: dict | None = None) -> None:
        self._data = data
        self._found: dict[str, tuple[np.ndarray, pd.Index]] = dict(found or {})
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def __call__(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """A column's sorted codes (-1 where missing) and its levels.

        Raises
        ------
        ColumnNotFoundError
            When the data have no column ``name``.
        """
        found = self._found.get(name)
        if found is None:
            with self._lock(name):  # one thread codes it; another asking waits for it
                found = self._found.get(name)
                if found is None:
                    found = self._found[name] = factorize_column(column(self._data, name, "by"))
        return found

    def _lock(self, name: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.Lock())

    def without(self, names: Iterable[str], data: pd.DataFrame) -> ColumnCodes:
        """The codes kept for ``data``, a frame with ``names`` added or replaced."""
        names = set(names)
        return ColumnCodes(data, {k: v for k, v in self._found.items() if k not in names})
