"""The headline view of a results table: migrant group, reference group and their gap.

Functions over a results table (canonical dtypes, as ``engine/results.py`` makes them) and the
``groups`` entry of its metadata (``{indicator_id: {"migrant": label, "reference": label}}``).
Indicators missing from ``groups`` have their roles inferred from their populations: migrant
labels of ``vocab.GROUP_LABELS`` first, then unknown labels, then reference labels and the
total. ``Results.headline`` and ``Results.groups`` delegate here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce

import numpy as np
import pandas as pd

from .. import vocab
from ..vocab import table_dimensions
from .dtypes import text

#: The comparison shown in a headline's gap columns: the first one an indicator reports.
HEADLINE_COMPARISONS = ("gap", "relative_gap", *(c for c in vocab.COMPARISONS if "gap" not in c))
_MIGRANT_LABELS = {m for m, _ in vocab.GROUP_LABELS.values()}
_REFERENCE_LABELS = {r for _, r in vocab.GROUP_LABELS.values()} | {"total"}
_SIDE = ["value", "ci_lower", "ci_upper", "flag", "suppressed"]

Groups = Mapping[str, Mapping[str, str | None]]


_NOT_GROUPS = {*vocab.COMPARISONS, *vocab.INTERSECTIONAL, vocab.NOT_STATED_SHARE}


def roles(table: pd.DataFrame, groups: Groups | None = None) -> pd.DataFrame:
    """Per indicator: the migrant and reference labels and the headline comparison.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with canonical dtypes.
    groups : dict, optional
        Known roles, ``{indicator_id: {"migrant": label, "reference": label}}``; they win over
        the inferred ones.

    Returns
    -------
    pandas.DataFrame
        Text columns ``indicator_id``, ``migrant``, ``reference`` and ``comparison`` (the first
        of ``HEADLINE_COMPARISONS`` the indicator reports), missing when none.
    """
    pairs = table[["indicator_id", "population"]].drop_duplicates()
    pop = pairs["population"]
    comp = pairs[pop.isin(HEADLINE_COMPARISONS)]
    order = {c: i for i, c in enumerate(HEADLINE_COMPARISONS)}
    comp = comp.assign(_rank=comp["population"].map(order)).sort_values("_rank", kind="stable")
    comp = comp.drop_duplicates("indicator_id").rename(columns={"population": "comparison"})
    found = pairs[~pop.isin([*vocab.COMPARISONS, *vocab.INTERSECTIONAL, vocab.NOT_STATED_SHARE])]
    # migrant labels first, then unknown labels, reference labels, and the total code
    g = found["population"]
    rank = 1 - g.isin(_MIGRANT_LABELS) + g.isin(_REFERENCE_LABELS) + 2 * g.eq(vocab.TOTAL)
    found = found.assign(_rank=rank.astype(int)).sort_values("_rank", kind="stable")
    nth = found.groupby("indicator_id", sort=False).cumcount()
    migrant = found[nth == 0].rename(columns={"population": "migrant"})
    # a migrant label is never a reference group: context figures of several areas may be
    # foreign-born in one and foreign citizens in another (UN DESA type-of-data codes)
    second = found["population"].isin(_MIGRANT_LABELS)
    reference = found[(nth == 1) & (found["population"] != vocab.TOTAL) & ~second]
    reference = reference.rename(columns={"population": "reference"})
    out = migrant.merge(reference[["indicator_id", "reference"]], "left", "indicator_id")
    known = pd.DataFrame.from_dict(groups or {}, orient="index")
    known = known.reindex(columns=["migrant", "reference"]).rename_axis("indicator_id")
    known = known.reset_index()
    out = out[~out["indicator_id"].isin(known["indicator_id"])]
    out = pd.concat([known, out[["indicator_id", "migrant", "reference"]]])
    out = out.merge(comp[["indicator_id", "comparison"]], "outer", "indicator_id")
    return pd.DataFrame({c: text(out[c]) for c in out.columns})


def indicator_groups(
    table: pd.DataFrame, groups: Groups | None = None
) -> dict[str, dict[str, str | None]]:
    """``{indicator_id: {"migrant": label, "reference": label}}`` of every indicator with a
    migrant label: from ``groups``, else inferred (a single population fills the migrant
    slot); see :func:`roles`."""
    found = roles(table, groups).dropna(subset=["migrant"]).astype(object)
    found = found.where(found.notna(), None)
    return {
        r["indicator_id"]: {"migrant": r["migrant"], "reference": r["reference"]}
        for r in found.to_dict("records")
    }


def headline(table: pd.DataFrame, groups: Groups | None = None) -> pd.DataFrame:
    """The migrant group, the reference group and their gap side by side, one row per cell.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with canonical dtypes.
    groups : dict, optional
        Known roles, as for :func:`roles`.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and cell (``ref_area``, ``time_period``, the four dimensions and
        the optional ones the table has, ``source``) with ``migrant_*`` and ``reference_*``
        (``group``, ``value``, ``ci_lower``, ``ci_upper``, ``flag``, ``suppressed``), ``unit``
        and the comparison
        ``gap`` (``gap_kind``, ``gap``, ``gap_ci_lower``, ``gap_ci_upper``, ``gap_unit``,
        ``gap_flag``, ``gap_suppressed``). ``gap_kind`` is the first comparison the
        indicator reports among ``HEADLINE_COMPARISONS`` (``gap``, else ``relative_gap``
        ...). An indicator without a pair (structural, a single group) has its value in
        ``migrant_value``, ``migrant_group`` its population, and empty reference and gap.
        Missing cells are empty (NA); rows follow the order of the results table.
    """
    keys = ["indicator_id", "ref_area", "time_period", *table_dimensions(table.columns), "source"]
    t = table.assign(_pos=np.arange(len(table)))
    t = t.merge(roles(table, groups), on="indicator_id", how="left")
    parts = []
    for role, label, prefix in (
        ("migrant", "migrant", "migrant_"),
        ("reference", "reference", "reference_"),
        ("gap", "comparison", "gap_"),
    ):
        match = t["population"].eq(t[label])
        if role == "migrant":  # a single-group indicator: its group in each area, whatever label
            alone = t["reference"].isna() & ~t["population"].isin(_NOT_GROUPS)
            match |= alone & t["population"].isin(_MIGRANT_LABELS)
        part = t.loc[match, [*keys, "_pos", "population", *_SIDE, "unit"]]
        names = {c: prefix + c for c in _SIDE}
        names.update(population=f"{role}_group", _pos=f"_pos_{role}", unit=f"_unit_{role}")
        if role == "gap":
            names.update(population="gap_kind", value="gap", unit="gap_unit")
        parts.append(part.rename(columns=names))
    out = reduce(lambda a, b: a.merge(b, on=keys, how="outer"), parts)
    out["unit"] = out["_unit_migrant"].fillna(out["_unit_reference"])
    out["_pos"] = out[["_pos_migrant", "_pos_reference", "_pos_gap"]].min(axis=1)
    labels = t[["indicator_id", "right", "type"]].drop_duplicates("indicator_id")
    out = out.merge(labels, on="indicator_id", how="left").sort_values("_pos", kind="stable")
    for col in ("migrant_suppressed", "reference_suppressed", "gap_suppressed"):
        out[col] = out[col].astype("boolean")
    columns = ["indicator_id", "right", "type", *keys[1:-1]]
    for who in ("migrant", "reference"):
        columns += [f"{who}_group", *(f"{who}_{c}" for c in _SIDE)]
    columns += ["unit", "gap_kind", "gap", "gap_ci_lower", "gap_ci_upper", "gap_unit"]
    return out[[*columns, "gap_flag", "gap_suppressed", "source"]].reset_index(drop=True)


__all__ = ["HEADLINE_COMPARISONS", "headline", "indicator_groups", "roles"]
