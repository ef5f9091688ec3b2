"""Column projection: which columns of a survey file a batch input needs to read.

A survey file often holds hundreds of columns (replicate weights, questions no indicator uses);
a job reads only those that the requested indicators, the breakdowns, the design and the
harmonisation mapping need, and holds text codes as categoricals where that is safe. The
results are the same as from a full read, for three reasons:

- every column the mapping reads (each rename source, each recoded column, the inputs of each
  derivation, the columns it keeps) is read, so the mapping behaves exactly as on the full file
  and fails, when it fails, with the same error;
- every canonical column the indicators read (:attr:`Indicator.required_columns`, the migrant
  criterion's columns in ``vocab.CRITERION_COLUMNS``, both alternatives), the breakdowns, the
  design's columns and ``ref_area``/``time_period`` are read, back through the mapping's renames;
- a code column is held as a categorical only when the mapping passes it through untouched
  (neither recoded nor read by a derivation), and categories are sorted.

A mapping with a derivation kind this module does not know is not projected (every column is
read). The checks of the schema then cover the columns read: a column no indicator reads is
not checked (nor was it used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..catalogue.spec import Indicator
from ..filters import parse_filter
from ..prepare.mapping import (
    AgeBandsDerivation,
    DivideDerivation,
    FlagDerivation,
    HarmonisationMapping,
    MapDerivation,
    RangesDerivation,
    RebinDerivation,
)
from ..vocab import CRITERION_COLUMNS, DIMENSIONS
from .config import DesignConfig

__all__ = ["Projection", "canonical_columns", "project"]

#: Canonical code columns that may be held as categoricals (besides the breakdowns).
CODE_COLUMNS = ("ref_area", "country_of_birth", "citizenship", *DIMENSIONS)


@dataclass(frozen=True)
class Projection:
    """The columns to read from a file, and those among them to hold as categoricals."""

    columns: list[str]
    categorical: list[str]


def canonical_columns(indicators: Iterable[Indicator], by: Sequence[str]) -> list[str]:
    """The canonical survey columns that computing ``indicators`` by ``by`` reads (besides the
    design's): ``ref_area``, ``time_period``, the breakdowns, each indicator's columns and its
    migrant criterion's columns (the 0/1 flag and the codes it can be derived from)."""
    cols = ["ref_area", "time_period", *by]
    for ind in indicators:
        cols += ind.required_columns
        if ind.migrant_criterion:
            flags, codes = CRITERION_COLUMNS[ind.migrant_criterion]
            cols += [*flags, *codes]
    return list(dict.fromkeys(cols))


def _derivation_inputs(derivation: object) -> list[str] | None:
    """The columns a derivation reads (None for a kind not known here)."""
    if isinstance(derivation, FlagDerivation):
        return list(parse_filter(derivation.flag).columns)
    if isinstance(derivation, DivideDerivation):
        args = derivation.divide
        return [args.numerator, *([args.denominator] if isinstance(args.denominator, str) else [])]
    for kind, attr in (
        (AgeBandsDerivation, "age_bands"),
        (RebinDerivation, "rebin"),
        (MapDerivation, "map"),
        (RangesDerivation, "ranges"),
    ):
        if isinstance(derivation, kind):
            return [getattr(derivation, attr).from_]
    return None


@dataclass
class _Trace:
    """What a mapping reads from the source and what it makes, in its own order of steps."""

    reads: list[str]  # names after the renames
    made: set[str]  # columns set by a constant or a derivation
    touched: set[str]  # columns recoded or read by a derivation (no categoricals there)


def _trace(mapping: HarmonisationMapping | None) -> _Trace | None:
    if mapping is None:
        return _Trace([], set(), set())
    reads = list(mapping.recode)  # (every rename source is read too: see project)
    touched = set(mapping.recode)
    made = set(mapping.constants)
    for derivation in mapping.derive:
        inputs = _derivation_inputs(derivation)
        if inputs is None:
            return None
        reads += [c for c in inputs if c not in made]
        touched |= set(inputs)
        made.add(derivation.column)
    reads += [c for c in mapping.keep or () if c not in made]
    return _Trace(reads, made, touched)


def _design_columns(design: DesignConfig | None, names: list[str]) -> list[str]:
    """The design's columns; a replicate-weights pattern is matched against ``names``."""
    if design is None:
        return []
    cols = [c for c in (design.weights, design.strata, design.psu, design.fpc) if c]
    reps = design.replicate_weights
    if isinstance(reps, str):
        pattern = re.compile(reps)
        cols += [c for c in names if pattern.fullmatch(c)]
    elif reps:
        cols += list(reps)
    return cols


def project(
    available: Sequence[str],
    mapping: HarmonisationMapping | None,
    wanted: Sequence[str],
    design: DesignConfig | None = None,
) -> Projection | None:
    """The columns of a file to read so that harmonising and computing give the full result.

    Parameters
    ----------
    available : list of str
        The file's columns, in order.
    mapping : HarmonisationMapping or None
        The input's harmonisation mapping.
    wanted : list of str
        The canonical columns the computation reads (see :func:`canonical_columns`).
    design : DesignConfig, optional
        The input's design: its columns are wanted too.

    Returns
    -------
    Projection or None
        The columns in the file's order and the code columns to hold as categoricals; None
        when the mapping cannot be traced (read every column then).
    """
    trace = _trace(mapping)
    if trace is None:
        return None
    rename = dict(mapping.rename) if mapping else {}
    source_of = {dst: src for src, dst in rename.items()}
    harmonised = [rename.get(c, c) for c in available] + sorted(trace.made)
    needed = [*trace.reads, *wanted, *_design_columns(design, harmonised)]
    sources = {source_of.get(c, c) for c in needed if c not in trace.made} | set(rename)
    columns = [c for c in dict.fromkeys(available) if c in sources]
    codes = [c for c in CODE_COLUMNS if c in wanted and c not in trace.made | trace.touched]
    categorical = [source_of.get(c, c) for c in codes if source_of.get(c, c) in columns]
    return Projection(columns, categorical)
