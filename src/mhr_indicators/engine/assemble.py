"""The results table of ``compute``: the parts of every indicator, in order, as one table.

Survey indicators give their rows as blocks of arrays (:mod:`.blocks`), aggregate ones as
frames; an optional dimension requested in ``by`` is a column of every row (``_T`` on the rows
of indicators that do not allow it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..vocab import OPTIONAL_DIMENSIONS, TOTAL, result_columns
from .blocks import Block, constant, join

__all__ = ["results_table"]


def results_table(parts: Sequence[pd.DataFrame | Block], dims: Sequence[str]) -> pd.DataFrame:
    """The parts as one table with the results-table columns for ``by=dims``, in order."""
    columns = result_columns(dims)
    extra = [d for d in columns if d in OPTIONAL_DIMENSIONS]
    frames = _frames(parts, extra)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    result = result[columns]
    # a year or a period string ("2015-2020"): always text, so that one table holds both
    codes, periods = pd.factorize(result["time_period"])  # each distinct period once
    texts = np.array([_period_text(p) for p in periods] + [None], dtype=object)
    result["time_period"] = pd.Series(texts[codes], index=result.index, dtype=object)
    result["suppressed"] = result["suppressed"].astype(bool)
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    return result


def _period_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _with_totals(part: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    """``part`` with ``_T`` in the columns of ``dims`` it lacks (itself, not a copy, when it
    lacks none: a copy of a frame of text columns costs more than the rows it holds)."""
    lacking = [d for d in dims if d not in part.columns]
    return part.assign(**dict.fromkeys(lacking, TOTAL)) if lacking else part


def _frames(parts: Sequence[pd.DataFrame | Block], dims: Sequence[str]) -> list[pd.DataFrame]:
    """The parts as frames with ``_T`` in the columns of ``dims`` they lack, in order; the
    blocks of consecutive survey indicators made one frame (a frame per indicator would cost
    more than their rows: each text column is converted when a frame is made)."""
    frames, blocks = [], []
    for part in [*parts, None]:
        if isinstance(part, dict):
            n = len(next(iter(part.values())))
            blocks.append({**part, **{d: constant(TOTAL, n) for d in dims if d not in part}})
            continue
        if blocks:
            block = join(blocks)
            # the dtype aggregate sources use too (they have no case counts)
            block["n_unweighted"] = pd.array(block["n_unweighted"], dtype="Int64")
            frames.append(pd.DataFrame(block))
            blocks = []
        if part is not None:
            frames.append(_with_totals(part, dims))
    return frames
