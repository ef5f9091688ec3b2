"""Map a source's own columns and codes onto the canonical schema, from a small mapping.

A mapping is a dict (or a YAML file holding one) with any of these keys, applied in this order:

``rename``
    ``{source_column: canonical_column}``.
``recode``
    ``{column: {source_value: canonical_value}}``; values not listed are kept, unless the
    column's map holds the key ``_other`` (its value replaces every unlisted, non-missing value).
``constants``
    ``{column: value}`` for columns the source does not hold (``ref_area``, ``time_period``).
``derive``
    A list of derivations, each ``{column: NAME, <kind>: {...}}`` with kind one of

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

Examples
--------
>>> harmonise(df, {"rename": {"AGEP": "age"}, "recode": {"SEX": {1: "M", 2: "F"}},
...                "derive": [{"column": "born_abroad", "flag": "NATIVITY == 2"}]})
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..errors import ColumnNotFoundError, HarmonisationError
from ..filters import truth_values

_KEYS = {"name", "description", "source", "rename", "recode", "constants", "derive", "keep"}
_BAND = re.compile(r"^Y(?:(\d+)T(\d+)|_GE(\d+)|_LT(\d+))$")


def load_mapping(mapping: dict | str | Path) -> dict:
    """Read a mapping from a dict or a YAML file, and check its top-level keys."""
    if isinstance(mapping, (str, Path)):
        path = Path(mapping)
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise HarmonisationError(f"cannot read mapping {path}: {exc}") from exc
    if not isinstance(mapping, dict):
        raise HarmonisationError("a mapping must be a dict (YAML mapping)")
    unknown = set(mapping) - _KEYS
    if unknown:
        raise HarmonisationError(
            f"unknown mapping keys {sorted(unknown)}; allowed: {sorted(_KEYS)}"
        )
    return mapping


def band_bounds(label: str) -> tuple[float, float]:
    """``[low, high)`` of an SDMX age label: ``Y15T24`` -> (15, 25), ``Y_GE65`` -> (65, inf)."""
    m = _BAND.match(str(label))
    if not m:
        raise HarmonisationError(f"{label!r} is not an age band label (Y15T24, Y_GE65, Y_LT15)")
    lo, hi, ge, lt = m.groups()
    if lo is not None:
        return float(lo), float(hi) + 1
    if ge is not None:
        return float(ge), math.inf
    return 0.0, float(lt)


def age_band_labels(breaks: list[float]) -> tuple[list[str], list[float]]:
    """Labels and bin edges for age breaks ``[15, 25, 65]`` -> Y_LT15, Y15T24, Y25T64, Y_GE65."""
    b = sorted(int(x) for x in breaks)
    if len(b) != len(set(b)) or not b:
        raise HarmonisationError(f"age breaks must be distinct numbers, got {breaks}")
    labels = [f"Y_LT{b[0]}"] + [f"Y{lo}T{hi - 1}" for lo, hi in itertools.pairwise(b)]
    labels.append(f"Y_GE{b[-1]}")
    return labels, [-math.inf, *b, math.inf]


def rebin_age_groups(values: pd.Series, groups: list[str]) -> pd.Series:
    """Merge age-band labels into wider bands, refusing bands that do not nest.

    Every source band present must lie inside one target band; a source band that straddles a
    target boundary (e.g. ``Y18T59`` into ``Y15T24``/``Y25T64``) raises
    :class:`HarmonisationError`. Source bands outside every target become missing.
    """
    targets = [(g, *band_bounds(g)) for g in groups]
    ordered = sorted(targets, key=lambda t: t[1])
    for (g1, _, hi1), (g2, lo2, _) in itertools.pairwise(ordered):
        if lo2 < hi1:
            raise HarmonisationError(f"target age groups {g1} and {g2} overlap")
    out = {}
    for label in pd.unique(values.dropna()):
        lo, hi = band_bounds(label)
        inside = [g for g, tlo, thi in targets if tlo <= lo and hi <= thi]
        touching = [g for g, tlo, thi in targets if lo < thi and tlo < hi]
        if inside:
            out[label] = inside[0]
        elif touching:
            raise HarmonisationError(
                f"age band {label} does not nest in the target groups: it straddles "
                f"{', '.join(touching)}. Source bands must combine exactly into the targets "
                "(e.g. UNHCR's 5-11/12-17/18-59 cannot be re-binned to 5-year bands)"
            )
    return values.map(out).astype(object).where(values.map(out).notna(), None)


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


def _derive(df: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    spec = dict(spec)
    column = spec.pop("column", None)
    if not column or len(spec) != 1:
        raise HarmonisationError(
            f"each derivation needs 'column' and exactly one kind; got "
            f"{sorted(spec)} for {column!r}"
        )
    kind, args = next(iter(spec.items()))
    if kind == "flag":
        df[column] = truth_values(str(args), df)
    elif kind == "age_bands":
        source = _need(df, args.get("from", "age"), "age_bands source")
        labels, edges = age_band_labels(args["breaks"])
        df[column] = pd.cut(pd.to_numeric(source), bins=edges, right=False, labels=labels).astype(
            object
        )
        df[column] = df[column].where(source.notna(), None)
    elif kind == "rebin":
        df[column] = rebin_age_groups(
            _need(df, args.get("from", "age_group"), "rebin source"), list(args["groups"])
        )
    elif kind == "map":
        source = _need(df, args["from"], "map source")
        mapped = source.map(dict(args["values"])).astype(object)
        df[column] = _typed(mapped.where(source.isin(list(args["values"])), None))
    elif kind == "ranges":
        source = pd.to_numeric(_need(df, args["from"], "ranges source"))
        out = pd.Series(None, index=df.index, dtype=object)
        for low, high, value in args["ranges"]:
            out[(source >= low) & (source <= high)] = value
        df[column] = _typed(out)
    elif kind == "divide":
        num = pd.to_numeric(_need(df, args["numerator"], "divide numerator"))
        den_arg = args["denominator"]
        den = (
            pd.Series(float(den_arg), index=df.index)
            if isinstance(den_arg, (int, float))
            else pd.to_numeric(_need(df, den_arg, "divide denominator"))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = num / den.where(den != 0) * float(args.get("multiplier", 1.0))
        df[column] = ratio
    else:
        raise HarmonisationError(
            f"unknown derivation {kind!r} for column {column!r}; use flag, "
            "age_bands, rebin, divide, map or ranges"
        )
    return df


def harmonise(data: pd.DataFrame, mapping: dict | str | Path) -> pd.DataFrame:
    """Return a canonical copy of ``data`` following ``mapping`` (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        The source frame, with its own column names and codes.
    mapping : dict, str or path-like
        The mapping, or a YAML file holding it.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``data`` is not modified.
    """
    m = load_mapping(mapping)
    df = data.copy()
    rename = m.get("rename") or {}
    for src in rename:
        _need(df, src, "rename source")
    df = df.rename(columns=rename)
    for col, codes in (m.get("recode") or {}).items():
        series = _need(df, col, "recode")
        codes = dict(codes)
        other = codes.pop("_other", None)
        mapped = series.map(codes)
        keep = (
            series if other is None else pd.Series(other, index=series.index).where(series.notna())
        )
        df[col] = mapped.where(series.isin(list(codes)), keep)
    for col, value in (m.get("constants") or {}).items():
        df[col] = value
    for spec in m.get("derive") or []:
        df = _derive(df, spec)
    if m.get("keep"):
        df = df[[_need(df, c, "keep").name for c in m["keep"]]]
    return df
