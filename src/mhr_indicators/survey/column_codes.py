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
    parent : ColumnCodes, optional
        The codes of the design this one's data were derived from (:meth:`derived`): its
        columns but ``replaced`` are coded and kept there, shared by both designs.
    replaced : set of str
        The columns the derivation added or replaced (coded here).
    """

    def __init__(
        self,
        data: pd.DataFrame,
        parent: ColumnCodes | None = None,
        replaced: Iterable[str] = (),
    ) -> None:
        self._data = data
        self._parent = parent
        self._replaced = set(replaced)
        self._found: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def __call__(self, name: str) -> tuple[np.ndarray, pd.Index]:
        """A column's sorted codes (-1 where missing) and its levels.

        Raises
        ------
        ColumnNotFoundError
            When the data have no column ``name``.
        """
        if self._parent is not None and name not in self._replaced:
            return self._parent(name)  # the same column: coded (and kept) by the parent
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

    def derived(self, replaced: Iterable[str], data: pd.DataFrame) -> ColumnCodes:
        """The codes of ``data``, this one's data with the columns ``replaced`` added or
        replaced: the other columns' codes stay shared with this one."""
        return ColumnCodes(data, parent=self, replaced=replaced)
