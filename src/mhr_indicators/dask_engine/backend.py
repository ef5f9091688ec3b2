"""Dask, imported only when the Dask path is used, and the one way the path runs partitions.

Every pass over the data maps one function over the partitions of a Dask dataframe; each call
returns small tables (sums, distinct values, failing values), never rows. The results come back
to the client in the order of the partitions, whatever scheduler is active (a
``dask.distributed`` client when one is running, Dask's default scheduler otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ConfigurationError

INSTALL = 'pip install "mhr_indicators[dask]"'


def require_dask():
    """The ``dask.dataframe`` module, or a ConfigurationError saying how to install it."""
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the test environment has dask
        raise ConfigurationError(
            f"the Dask path needs dask and distributed, which are not installed: {INSTALL}"
        ) from exc
    return dd


def is_dask_frame(data: Any) -> bool:
    """Whether ``data`` is a Dask dataframe (without importing dask when it is not one)."""
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "npartitions")


def dask_frame(data: Any, columns: Sequence[str] | None = None):
    """A Dask dataframe from a Dask dataframe or the path of a Parquet dataset.

    Parameters
    ----------
    data : dask.dataframe.DataFrame, str or os.PathLike
        The data, or a Parquet file or folder of files (a partitioned dataset).
    columns : list of str, optional
        Read only these columns of a Parquet dataset.
    """
    dd = require_dask()
    if isinstance(data, (str, os.PathLike)):
        return dd.read_parquet(os.fspath(data), columns=None if columns is None else list(columns))
    if not is_dask_frame(data):
        raise ConfigurationError(
            f"DaskSurveyDesign takes a Dask dataframe or the path of a Parquet dataset, not a "
            f"{type(data).__name__} (for a pandas DataFrame use mhr.SurveyDesign)"
        )
    return data


def map_partitions(frame, columns: Sequence[str], fn: Callable, *args) -> list:
    """``fn(partition, number, *args)`` for every partition of ``frame`` (only ``columns``
    read), computed on the active scheduler; the results in partition order.

    ``args`` are put in the task graph once, however many partitions use them.
    """
    import dask

    parts = frame[list(dict.fromkeys(columns))].to_delayed()
    shared = [dask.delayed(a, traverse=False) for a in args]
    tasks = [dask.delayed(fn, pure=True)(p, i, *shared) for i, p in enumerate(parts)]
    client = _distributed_client()
    if client is None:
        return list(dask.compute(*tasks))
    # stream the results to the client as they complete, so that the workers never hold more
    # than the partitions they are reducing
    from distributed import as_completed

    futures = client.compute(tasks)
    where = {f.key: i for i, f in enumerate(futures)}
    out: list = [None] * len(futures)
    for future, result in as_completed(futures, with_results=True):
        out[where[future.key]] = result
        future.release()
    return out


def _distributed_client():
    """The active ``dask.distributed`` client, or None."""
    try:
        from distributed import default_client
    except ImportError:  # pragma: no cover
        return None
    try:
        return default_client()
    except ValueError:
        return None
