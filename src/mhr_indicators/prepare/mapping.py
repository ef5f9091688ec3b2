"""The harmonisation mapping as a typed model, checked when it is loaded.

:func:`load_mapping` validates a mapping (see :mod:`mhr_indicators.prepare.harmonise` for what
each key does) against :class:`HarmonisationMapping` before any data is touched, and reports every
problem at once in a :class:`SpecError` naming the file, the entry (``recode[sex]``,
``derive[3] (sex)``), the field and what was expected. Unknown keys list the allowed keys; each
``derive`` entry holds ``column`` and exactly one kind, each kind with its own model; filters must
parse, age breaks be distinct integers, age bands valid labels that do not overlap, ranges not
overlap. Codes and values are kept as written: ``1`` stays an integer and ``"1"`` text.

Examples
--------
>>> m = load_mapping({"rename": {"AGEP": "age"}, "derive": [{"column": "sex",
...                   "map": {"from": "SEX", "values": {1: "M", 2: "F"}}}]})
>>> m
HarmonisationMapping(1 rename, 0 recodes, 0 constants, 1 derived column)
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Union

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import SpecError
from ..filters import parse_filter
from .bands import target_bands

__all__ = [
    "DERIVATIONS",
    "AgeBandsArgs",
    "AgeBandsDerivation",
    "DivideArgs",
    "DivideDerivation",
    "FlagDerivation",
    "HarmonisationMapping",
    "MapArgs",
    "MapDerivation",
    "RangesArgs",
    "RangesDerivation",
    "RebinArgs",
    "RebinDerivation",
    "load_mapping",
]


# --- value types ------------------------------------------------------------------------------
def _as_written(what: str, *types: type) -> AfterValidator:
    """A validator keeping a value exactly as written (no conversion) if it is one of ``types``."""

    def check(value: Any) -> Any:
        if isinstance(value, types):
            return value
        raise ValueError(f"must be {what}, got {type(value).__name__} {value!r}")

    return AfterValidator(check)


Code = Annotated[Any, _as_written("a number or text", str, numbers.Real)]
Value = Annotated[Any, _as_written("a number, text or null", str, numbers.Real, type(None))]
Scalar = Annotated[
    Any, _as_written("a number, text, a date or null", str, numbers.Real, type(None), dt.date)
]
Name = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Args(_Frozen):
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)


# --- one model per derivation kind ------------------------------------------------------------
class AgeBandsArgs(_Args):
    """Options of ``age_bands``: the age column and the breaks."""

    from_: Name = Field("age", alias="from", description="the age column")
    breaks: tuple[int, ...] = Field(min_length=1, description="lower bounds of the bands")

    @field_validator("breaks")
    @classmethod
    def _distinct(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(v)) != len(v):
            raise ValueError(f"age breaks must be distinct, got {list(v)}")
        return v


class RebinArgs(_Args):
    """Options of ``rebin``: the age-band column and the wider target bands."""

    from_: Name = Field("age_group", alias="from", description="the age-band column")
    groups: tuple[str, ...] = Field(min_length=1, description="target bands, e.g. Y15T24")

    @field_validator("groups")
    @classmethod
    def _bands(cls, v: tuple[str, ...]) -> tuple[str, ...]:

        target_bands(v)  # raises HarmonisationError, a ValueError, on a bad label or an overlap
        return v


class DivideArgs(_Frozen):
    """Options of ``divide``: ``numerator / denominator * multiplier``."""

    numerator: Name
    denominator: Name | float = Field(description="a column, or a number")
    multiplier: float = 1.0

    @field_validator("denominator")
    @classmethod
    def _not_zero(cls, v: str | float) -> str | float:
        if not isinstance(v, str) and v == 0:
            raise ValueError("a constant denominator of 0 would leave every value missing")
        return v


class MapArgs(_Args):
    """Options of ``map``: the source column and its codes (codes not listed become missing)."""

    from_: Name = Field(alias="from", description="the source column")
    values: dict[Code, Value] = Field(min_length=1)


class RangesArgs(_Args):
    """Options of ``ranges``: the source column and inclusive ``[low, high, value]`` ranges."""

    from_: Name = Field(alias="from", description="the source column")
    ranges: tuple[tuple[float, float, Code], ...] = Field(min_length=1)

    @field_validator("ranges")
    @classmethod
    def _ordered(cls, v: tuple[tuple[float, float, Any], ...]) -> tuple:
        for low, high, value in v:
            if low > high:
                raise ValueError(f"range [{low:g}, {high:g}] of {value!r} has low > high")
        ordered = sorted(v, key=lambda r: (r[0], r[1]))
        for (lo1, hi1, v1), (lo2, hi2, v2) in itertools.pairwise(ordered):
            if lo2 <= hi1:
                raise ValueError(
                    f"ranges [{lo1:g}, {hi1:g}] ({v1!r}) and [{lo2:g}, {hi2:g}] ({v2!r}) overlap"
                )
        return v


DERIVATIONS: dict[str, type[_Derivation]] = {}
"""The derivation models by kind, in the order they are listed in messages."""


_COMMON = ("column", "optional")  # the keys every derivation may have besides its kind


class _Derivation(_Frozen):
    kind: ClassVar[str]
    column: Name = Field(description="the column to create (or replace)")
    optional: bool = Field(
        False,
        description="skip the derivation (the column stays absent) when a column it reads is "
        "not in the data, e.g. an optional disaggregation the source may lack",
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        cls.kind = next(n for n in cls.model_fields if n not in _COMMON)  # the kind's key
        DERIVATIONS[cls.kind] = cls


class FlagDerivation(_Derivation):
    """``flag: FILTER`` — 1/0 from a filter; missing where the filter is unknown."""

    flag: str

    @field_validator("flag")
    @classmethod
    def _parses(cls, v: str) -> str:
        parse_filter(v)
        return v


class AgeBandsDerivation(_Derivation):
    """``age_bands: {from, breaks}`` — SDMX labels Y_LT15, Y15T24, ..., Y_GE65."""

    age_bands: AgeBandsArgs


class RebinDerivation(_Derivation):
    """``rebin: {from, groups}`` — age bands merged into wider ones that they nest in."""

    rebin: RebinArgs


class DivideDerivation(_Derivation):
    """``divide: {numerator, denominator, multiplier}``."""

    divide: DivideArgs


class MapDerivation(_Derivation):
    """``map: {from, values}`` — a new column from another's codes."""

    map: MapArgs


class RangesDerivation(_Derivation):
    """``ranges: {from, ranges}`` — the value of the range a code falls in."""

    ranges: RangesArgs


_KIND_LIST = ", ".join(DERIVATIONS)


def _kind_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((k for k in value if k in DERIVATIONS), None)
    return getattr(value, "kind", None)


def _one_kind(value: Any) -> Any:
    """Refuse a derivation with no known kind, or several, before the union is tried."""
    kinds = [k for k in value if k in DERIVATIONS] if isinstance(value, dict) else []
    if isinstance(value, _Derivation) or len(kinds) == 1:
        return value
    other = [str(k) for k in value if k not in _COMMON] if isinstance(value, dict) else []
    if not isinstance(value, dict):
        reason = "a derivation is a mapping {column: NAME, <kind>: ...}"
    elif kinds:
        reason = f"several derivation kinds ({', '.join(kinds)}); give exactly one"
    else:
        reason = f"unknown derivation kind {', '.join(map(repr, other))}; use one of {_KIND_LIST}"
    ctx = {"reason": reason, "keys": kinds or other}
    raise PydanticCustomError("derivation_kind", "{reason}", ctx)


Derivation = Annotated[
    Union[tuple(Annotated[c, Tag(k)] for k, c in DERIVATIONS.items())],  # noqa: UP007
    Discriminator(_kind_of),
    BeforeValidator(_one_kind),
]
"""One ``derive`` entry: a discriminated union on its kind key."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class HarmonisationMapping(_Frozen):
    """A source's columns and codes onto the canonical schema.

    Attributes
    ----------
    name, description, source : str or None
        Free text.
    rename : dict
        ``{source_column: canonical_column}``.
    recode : dict
        ``{column: {source_code: canonical_code}}``; ``_other`` replaces every unlisted code.
    constants : dict
        ``{column: value}`` for columns the source does not hold.
    derive : tuple
        Derivations applied in order, one model per kind (:class:`FlagDerivation`, ...).
    keep : tuple of str or None
        The columns to keep (default: all).
    """

    name: str | None = None
    description: str | None = None
    source: str | None = None  # free text: the source the mapping is for
    rename: dict[Name, Name] = Field(default_factory=dict)
    recode: dict[Name, dict[Code, Value]] = Field(default_factory=dict)
    constants: dict[Name, Scalar] = Field(default_factory=dict)
    derive: tuple[Derivation, ...] = ()
    keep: tuple[Name, ...] | None = None

    @field_validator("rename")
    @classmethod
    def _distinct_targets(cls, v: dict[str, str]) -> dict[str, str]:
        seen: dict[str, str] = {}
        for src, dst in v.items():
            if dst in seen:
                raise ValueError(f"{seen[dst]!r} and {src!r} are both renamed to {dst!r}")
            seen[dst] = src
        return v

    def __repr__(self) -> str:
        parts = [
            _plural(len(self.rename), "rename"),
            _plural(len(self.recode), "recode"),
            _plural(len(self.constants), "constant"),
            _plural(len(self.derive), "derived column"),
        ]
        if self.keep:
            parts.append(f"keeps {_plural(len(self.keep), 'column')}")
        name = [repr(self.name)] if self.name else []
        return f"HarmonisationMapping({', '.join(name + parts)})"


# --- loading and error reports ----------------------------------------------------------------
def _allowed(parent: tuple) -> list[str]:
    """The keys allowed at ``parent`` (a pydantic error location): the mapping's, a derivation's
    (``derive, i, kind``) or its options' (``derive, i, kind, kind``)."""
    model: Any = HarmonisationMapping
    if parent[:1] == ("derive",) and len(parent) in (3, 4) and parent[2] in DERIVATIONS:
        model = DERIVATIONS[parent[2]]
        if len(parent) == 4:
            model = model.model_fields[parent[2]].annotation
    elif parent:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _entry(loc: tuple, raw: Any) -> tuple[str, tuple]:
    """The entry a location points into, and the rest of the location."""
    if not loc:
        return "mapping", ()
    if loc[0] == "derive" and len(loc) > 1 and isinstance(loc[1], int):
        item = f"derive[{loc[1]}]"
        entries = raw.get("derive") if isinstance(raw, dict) else None
        if isinstance(entries, Sequence) and loc[1] < len(entries):
            entry = entries[loc[1]]
            if isinstance(entry, dict) and isinstance(entry.get("column"), str):
                item += f" ({entry['column']})"
        rest = loc[2:]
        return item, rest[1:] if rest and rest[0] in DERIVATIONS else rest
    if loc[0] in ("rename", "recode", "constants", "keep"):
        return (f"{loc[0]}[{loc[1]}]", loc[2:]) if len(loc) > 1 else (loc[0], ())
    return "mapping", loc


def _field(rest: tuple) -> str:
    """``('age_bands', 'breaks', 1)`` -> ``age_bands.breaks[1]``."""
    text = ""
    for part in rest:
        if isinstance(part, int) and text:
            text += f"[{part}]"
        else:
            text += ("." if text else "") + ("(key)" if part == "[key]" else str(part))
    return text or "-"


def _message(e: dict, loc: tuple) -> str:
    kind, ctx = e["type"], e.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {loc[-1]!r}{hint}; allowed keys: {', '.join(allowed)}"
    if kind == "literal_error" and "expected" in ctx:
        return f"expected {ctx['expected']}, got {e.get('input')!r}"
    if kind == "missing":
        return "is required"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    return e["msg"]


def _problems(err: ValidationError, file: str, raw: Any) -> list[dict]:
    problems = []
    errors = err.errors()
    inner = [tuple(e["loc"]) for e in errors]
    for e in errors:
        loc = tuple(e["loc"])
        if e["type"] == "too_short" and any(o[: len(loc)] == loc != o for o in inner):
            continue  # a container emptied by its failing items: the items are reported
        item, rest = _entry(loc, raw)
        if e["type"] == "derivation_kind":
            field = ", ".join(map(str, e["ctx"].get("keys") or [])) or "-"
        else:
            field = _field(rest)
        problems.append({"file": file, "item": item, "field": field, "message": _message(e, loc)})
    return problems


def load_mapping(source: dict | str | Path | HarmonisationMapping) -> HarmonisationMapping:
    """Read and validate a harmonisation mapping.

    Parameters
    ----------
    source : dict, str, path-like or HarmonisationMapping
        The mapping, a YAML file holding it, or an already-loaded mapping (returned as is).

    Returns
    -------
    HarmonisationMapping

    Raises
    ------
    SpecError
        Listing every problem: the file (``<dict>`` for a dict), the entry, the field and what
        was expected. Unknown keys list the allowed keys.
    """
    if isinstance(source, HarmonisationMapping):
        return source
    file, raw = "<dict>", source
    if isinstance(source, (str, Path)):
        file = str(source)
        try:
            raw = yaml.safe_load(Path(source).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            problem = {"file": file, "item": "-", "field": "-", "message": f"cannot read: {exc}"}
            raise SpecError([problem]) from exc
    if not isinstance(raw, dict):
        message = f"a mapping must be a dict (YAML mapping), got {type(raw).__name__}"
        raise SpecError([{"file": file, "item": "mapping", "field": "-", "message": message}])
    try:
        return HarmonisationMapping.model_validate(raw)
    except ValidationError as exc:
        raise SpecError(_problems(exc, file, raw)) from exc
