"""Result rows as blocks of arrays: the engine's working form between estimates and the table.

A survey indicator makes many small groups of rows (each group, the not-stated share and each
comparison, in every breakdown). Building a pandas frame for each costs more than the estimates
themselves, so the engine holds each group as a *block* — a dict of equally long NumPy arrays,
one per column — and makes one frame of many indicators' joined blocks.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

Block = dict[str, np.ndarray]

#: The columns a suppressed row withholds.
WITHHELD = ("value", "se", "ci_lower", "ci_upper", "cv")


def constant(value, n: int) -> np.ndarray:
    """A column holding ``value`` in each of ``n`` rows."""
    return np.full(n, value, dtype=object)


def withhold(block: Block, flag: np.ndarray, suppressed: np.ndarray) -> Block:
    """Attach flags, and withhold the values of suppressed rows (the rows stay)."""
    suppressed = np.asarray(suppressed, dtype=bool)
    out = dict(block)
    for col in WITHHELD:
        out[col] = np.where(suppressed, np.nan, np.asarray(block[col], dtype=float))
    out["flag"] = np.asarray(flag, dtype=object)
    out["suppressed"] = suppressed
    return out


def take(block: Block, rows: np.ndarray) -> Block:
    """The given rows of a block."""
    return {c: v[rows] for c, v in block.items()}


def join(blocks: Sequence[Block]) -> Block:
    """Blocks stacked row-wise; they must hold the same columns."""
    blocks = [b for b in blocks if b]
    if not blocks:
        return {}
    names = list(blocks[0])
    for b in blocks[1:]:
        if set(b) != set(names):
            raise ValueError(f"blocks with different columns: {sorted(names)} vs {sorted(b)}")
    return {c: np.concatenate([b[c] for b in blocks]) for c in names}


def row_keys(block: Block, columns: Sequence[str]) -> list[tuple]:
    """Each row's values of ``columns``, as a tuple (to match cells across blocks)."""
    if not columns:
        n = len(next(iter(block.values()))) if block else 0
        return [()] * n
    return list(zip(*(block[c].tolist() for c in columns), strict=True))


def match(**groups: tuple[list[tuple], np.ndarray]) -> dict[str, np.ndarray]:
    """Cells present in every group, in the first group's order.

    Parameters
    ----------
    **groups : (list of tuple, numpy.ndarray)
        Per group, each cell's key and its position in the joint estimates.

    Returns
    -------
    dict
        One array of positions per group, and ``"_keys"``: the matched keys.
    """
    names = list(groups)
    lookups = [dict(zip(*groups[n], strict=True)) for n in names[1:]]
    first_keys, first_pos = groups[names[0]]
    out: dict[str, list] = {n: [] for n in names}
    matched = []
    for key, pos in zip(first_keys, first_pos, strict=True):
        if all(key in lookup for lookup in lookups):
            matched.append(key)
            out[names[0]].append(pos)
            for n, lookup in zip(names[1:], lookups, strict=True):
                out[n].append(lookup[key])
    result = {n: np.asarray(v, dtype=np.int64) for n, v in out.items()}
    result["_keys"] = matched
    return result


def keys_block(keys: Sequence[str], matched: list[tuple]) -> Block:
    """Labels of matched cells as a block with columns ``keys``."""
    columns = list(zip(*matched, strict=True)) if matched else [() for _ in keys]
    return {k: np.asarray(col, dtype=object) for k, col in zip(keys, columns, strict=True)}


@functools.lru_cache(maxsize=256)
def unlabelled(n: int) -> pd.DataFrame:
    """Labels of ``n`` cells whose labels the engine keeps in blocks (no columns; one frame
    per ``n``, shared: estimates never change their labels)."""
    return pd.DataFrame(index=pd.RangeIndex(n))
