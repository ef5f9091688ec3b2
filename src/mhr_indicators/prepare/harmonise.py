"""Map a source's own columns and codes onto the canonical schema, from a small mapping.

A mapping is a dict (or a YAML file holding one) with any of these keys, applied in this order
(it is validated when loaded, as a :class:`~mhr_indicators.prepare.mapping.HarmonisationMapping`,
and every problem is reported in one :class:`~mhr_indicators.errors.SpecError`):

``rename``
    ``{source_column: canonical_column}``.
``recode``
    ``{column: {source_value: canonical_value}}``; values not listed are kept, unless the
    column's map holds the key ``_other`` (its value replaces every unlisted, non-missing value).
``constants``
    ``{column: value}`` for columns the source does not hold (``ref_area``, ``time_period``).
``derive``
    A list of derivations, each ``{column: NAME, <kind>: {...}}`` (and ``optional: true`` to
    skip it, leaving the column absent, when a column it reads is not in the data: for the
    optional disaggregations ``disability``, ``urbanisation``, ``citizenship_status``, which
    only some files of a source hold) with kind one of

    - ``flag: "FILTER"`` — 1/0 from a filter of the whitelisted grammar; missing where the filter
      is unknown (e.g. ``"country_of_birth != ref_area"`` gives ``born_abroad``; an unknown
      birthplace stays missing, never 0);
    - ``age_bands: {from: age, breaks: [15, 25, ...]}`` — SDMX-style labels ``Y_LT15``,
      ``Y15T24``, ..., ``Y_GE65``;
    - ``rebin: {from: age_group, groups: [Y15T24, Y25T54, ...]}`` — merge age bands into wider
      ones; refuses bands that do not nest;
    - ``divide: {numerator: A, denominator: B, multiplier: m}`` — A / B * m (missing where B is 0;
      B may be a number);
    - ``map: {from: COL, values: {code: value, ...}}`` — a new column from another's codes
      (codes not listed become missing);
    - ``ranges: {from: COL, ranges: [[low, high, value], ...]}`` — the value of the inclusive
      range a code falls in (codes in no range become missing), for code lists such as industry
      classifications.
``keep``
    A list of columns to keep (default: all).

``name``, ``description`` and ``source`` are free text.

Examples
--------
>>> harmonise(df, {"rename": {"AGEP": "age"}, "recode": {"SEX": {1: "M", 2: "F"}},
...                "derive": [{"column": "born_abroad", "flag": "NATIVITY == 2"}]})
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ColumnNotFoundError, DataValidationError
from ..filters import truth_values
from .bands import age_band_labels, band_bounds, rebin_age_groups, target_bands
from .mapping import (
    AgeBandsDerivation,
    Derivation,
    DivideDerivation,
    FlagDerivation,
    HarmonisationMapping,
    MapDerivation,
    RangesDerivation,
    RebinDerivation,
    load_mapping,
)
from .schemas import frame_problems

__all__ = [
    "HarmonisationMapping",
    "age_band_labels",
    "band_bounds",
    "harmonise",
    "load_mapping",
    "rebin_age_groups",
    "target_bands",
]


def _need(df: pd.DataFrame, col: str, role: str) -> pd.Series:
    if col not in df.columns:
        raise ColumnNotFoundError(col, role, list(df.columns))
    return df[col]


def _typed(values: pd.Series) -> pd.Series:
    """Numbers as a numeric column (missing as NaN), text as text: codes mapped to 0/1 must
    compare as numbers in filters."""
    present = values.dropna()
    if len(present) and present.map(lambda v: isinstance(v, (int, float, np.number))).all():
        return pd.to_numeric(values, errors="coerce")
    return values


def _role(d: Derivation, what: str) -> str:
    return f"{d.kind} {what} of {d.column!r}"


def _flag(df: pd.DataFrame, d: FlagDerivation) -> np.ndarray:
    return truth_values(d.flag, df)


def _age_bands(df: pd.DataFrame, d: AgeBandsDerivation) -> pd.Series:
    source = _need(df, d.age_bands.from_, _role(d, "source"))
    labels, edges = age_band_labels(d.age_bands.breaks)
    bands = pd.cut(pd.to_numeric(source), bins=edges, right=False, labels=labels).astype(object)
    return bands.where(source.notna(), None)


def _rebin(df: pd.DataFrame, d: RebinDerivation) -> pd.Series:
    return rebin_age_groups(_need(df, d.rebin.from_, _role(d, "source")), list(d.rebin.groups))


def _map(df: pd.DataFrame, d: MapDerivation) -> pd.Series:
    source = _need(df, d.map.from_, _role(d, "source"))
    values = dict(d.map.values)
    mapped = source.map(values).astype(object)
    return _typed(mapped.where(source.isin(list(values)), None))


def _ranges(df: pd.DataFrame, d: RangesDerivation) -> pd.Series:
    source = pd.to_numeric(_need(df, d.ranges.from_, _role(d, "source")))
    out = pd.Series(None, index=df.index, dtype=object)
    for low, high, value in d.ranges.ranges:
        out[(source >= low) & (source <= high)] = value
    return _typed(out)


def _divide(df: pd.DataFrame, d: DivideDerivation) -> pd.Series:
    args = d.divide
    num = pd.to_numeric(_need(df, args.numerator, _role(d, "numerator")))
    den = (
        pd.to_numeric(_need(df, args.denominator, _role(d, "denominator")))
        if isinstance(args.denominator, str)
        else pd.Series(float(args.denominator), index=df.index)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den.where(den != 0) * float(args.multiplier)


_APPLY: dict[type, Callable[[pd.DataFrame, Any], pd.Series | np.ndarray]] = {
    FlagDerivation: _flag,
    AgeBandsDerivation: _age_bands,
    RebinDerivation: _rebin,
    MapDerivation: _map,
    RangesDerivation: _ranges,
    DivideDerivation: _divide,
}


def _recode(series: pd.Series, codes: dict) -> pd.Series:
    codes = dict(codes)
    other = codes.pop("_other", None)
    mapped = series.map(codes)
    keep = series if other is None else pd.Series(other, index=series.index).where(series.notna())
    return mapped.where(series.isin(list(codes)), keep)


def harmonise(
    data: pd.DataFrame, mapping: dict | str | Path | HarmonisationMapping
) -> pd.DataFrame:
    """Return a canonical copy of ``data`` following ``mapping`` (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        The source frame, with its own column names and codes.
    mapping : dict, str, path-like or HarmonisationMapping
        The mapping, a YAML file holding it, or a mapping loaded by :func:`load_mapping`.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``data`` is not modified.

    Raises
    ------
    SpecError
        The mapping is not valid (raised before any data is touched).
    ColumnNotFoundError
        A column the mapping reads is not in the data (a derivation marked ``optional`` is
        skipped instead).
    HarmonisationError
        The data cannot be mapped, e.g. age bands that do not nest in the target bands.
    DataValidationError
        A column name appears twice in ``data``.
    """
    m = load_mapping(mapping)
    repeated = frame_problems(data)
    if repeated:
        raise DataValidationError("source", pd.DataFrame(repeated), n_rows=len(data))
    df = data.copy()
    for src in m.rename:
        _need(df, src, "rename source")
    df = df.rename(columns=m.rename)
    for col, codes in m.recode.items():
        df[col] = _recode(_need(df, col, "recode"), codes)
    for col, value in m.constants.items():
        df[col] = value
    for d in m.derive:
        try:
            df[d.column] = _APPLY[type(d)](df, d)
        except ColumnNotFoundError:
            if not d.optional:
                raise  # an optional derivation is skipped when the source lacks its column
    if m.keep:
        df = df[[_need(df, c, "keep").name for c in m.keep]]
    return df
