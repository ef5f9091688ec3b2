"""The indicator spec: the typed model every ``indicators/*.yaml`` entry is validated against.

A spec says *what* an indicator is (right, attribute, type, references) and *how* to compute it
(statistic, population filter, numerator/denominator or variable, unit, migrant criterion,
reference group, comparisons). Filters are parsed at load time with the library's whitelisted
grammar (:mod:`mhr_indicators.filters`), so a spec with a bad filter never loads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..filters import parse_filter
from ..vocab import (
    CRITERION_COLUMNS,
    GROUP_LABELS,
    UNIT_MULTIPLIER,
    AnyDimension,
    Comparison,
    IndicatorType,
    Intersectional,
    MigrantCriterion,
    ReferenceGroup,
    SourceKind,
    Statistic,
    Unit,
)

#: ``RIGHT.T.NAME``: T is S(tructural), P(rocess) or O(utcome); context indicators keep ``O``.
ID_PATTERN = re.compile(r"^[A-Z]+\.[SPO]\.[A-Z0-9_]+$")

__all__ = ["GROUP_LABELS", "UNIT_MULTIPLIER", "Indicator", "Reference", "Retirement"]


class Reference(BaseModel):
    """A normative or statistical reference: a treaty article, an SDG indicator, an ILO standard."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["treaty", "general_comment", "sdg", "ilo", "ohchr", "other"]
    instrument: str | None = None
    article: str | None = None
    code: str | None = None
    custodian: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        parts = [
            p
            for p in (
                self.instrument,
                f"art. {self.article}" if self.article else None,
                self.code,
                f"({self.custodian})" if self.custodian else None,
                self.text,
            )
            if p
        ]
        return " ".join(parts)


class Retirement(BaseModel):
    """When and why an indicator was retired, and the indicators that replace it.

    A retired indicator stays in the catalogue, with its old definition, so that a batch job
    written for an earlier catalogue version still runs; new work should use ``replaced_by``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    reason: str
    replaced_by: list[str] = Field(default_factory=list)

    @field_validator("replaced_by")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not ID_PATTERN.fullmatch(v)]
        if bad:
            raise ValueError(f"replaced_by lists ids that are not catalogue ids: {bad}")
        return value


class Indicator(BaseModel):
    """One indicator of the catalogue.

    Attributes
    ----------
    id : str
        Stable identifier, ``RIGHT.T.NAME`` with T = S(tructural), P(rocess) or O(utcome).
    type : str
        ``structural``, ``process``, ``outcome`` (the OHCHR framework), or ``context`` for
        background statistics about the migrant population that measure no right.
    statistic : str
        ``proportion`` (share of ``population`` meeting ``numerator``, a filter, or with
        ``variable`` = 1), ``mean`` / ``quantile`` / ``total`` of ``variable``, ``ratio`` of the
        totals of ``numerator`` and ``denominator`` (columns) — from survey microdata;
        ``rate_per`` (sum of the rows matching the ``numerator`` filter over those matching the
        ``denominator`` filter) and ``growth_rate`` (of the rows matching ``variable``) — from
        aggregate stock or administrative tables; ``status`` (party to the instrument named by
        ``variable``) — from ratification records.
    population : str
        Eligibility filter: the denominator's population. A rate's numerator is counted inside it,
        so numerator and denominator always cover the same population (matching coverage).
    retired : Retirement, optional
        Set when the indicator is retired: it stays loadable with its old definition, and
        :attr:`deprecation` names its successors.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN.pattern)
    name: str
    description: str
    right: str
    attribute: str
    type: IndicatorType
    source_kind: list[SourceKind] = Field(min_length=1)
    statistic: Statistic
    formula: str
    population: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    variable: str | None = None
    quantile: float | None = Field(default=None, gt=0, lt=1)
    unit: Unit
    migrant_criterion: MigrantCriterion | None = None
    reference_group: ReferenceGroup | None = None
    comparisons: list[Comparison | Intersectional] = Field(default_factory=list)
    report: list[str] | None = None
    describes: Literal["migrants", "total"] = "total"
    higher_is_better: bool | None = None
    #: the core dimensions and the optional ones (disability, urbanisation, citizenship_status)
    disaggregations: list[AnyDimension] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    notes: str | None = None
    retired: Retirement | None = None

    @field_validator("population")
    @classmethod
    def _population_parses(cls, value: str | None) -> str | None:
        if value is not None:
            parse_filter(value)
        return value

    @model_validator(mode="after")
    def _statistic_has_its_inputs(self) -> Indicator:
        need = {
            "proportion": ("numerator or variable", self.numerator or self.variable),
            "mean": ("variable", self.variable),
            "quantile": ("variable and quantile", self.variable and self.quantile),
            "total": ("variable", self.variable),
            "ratio": ("numerator and denominator", self.numerator and self.denominator),
            "rate_per": ("numerator and denominator", self.numerator and self.denominator),
            "growth_rate": ("variable", self.variable),
            "count": ("numerator", self.numerator),
            "status": ("variable (the instrument)", self.variable),
        }
        what, ok = need[self.statistic]
        if not ok:
            raise ValueError(f"statistic {self.statistic!r} needs {what}")
        if self.statistic == "proportion" and self.numerator:
            parse_filter(self.numerator)
        if self.statistic == "count":
            parse_filter(self.numerator)
        if self.statistic == "rate_per":
            parse_filter(self.numerator)
            parse_filter(self.denominator)
        if self.statistic == "growth_rate":
            parse_filter(self.variable)
        if self.statistic in ("rate_per", "growth_rate", "count") and "survey" in self.source_kind:
            raise ValueError(
                f"statistic {self.statistic!r} is for aggregate sources (stock, admin), "
                "not survey microdata"
            )
        if "survey" in self.source_kind and self.type != "structural":
            if self.migrant_criterion is None or self.reference_group is None:
                raise ValueError("a survey indicator needs migrant_criterion and reference_group")
        crit, ref = self.migrant_criterion, self.reference_group
        if ref == "native_born" and crit != "country_of_birth":
            raise ValueError(
                "reference_group 'native_born' goes with migrant_criterion 'country_of_birth'"
            )
        if ref == "nationals" and crit not in ("citizenship", "legal_status"):
            raise ValueError(
                "reference_group 'nationals' goes with migrant_criterion "
                "'citizenship' or 'legal_status'"
            )
        if self.statistic == "quantile" and self.comparisons:
            raise ValueError(
                "comparisons of quantiles are not supported: their standard error "
                "needs replicate quantiles (compare means, or report the groups)"
            )
        if self.report is not None:
            allowed = {"migrant", "reference", "not_stated_share", *self.comparisons}
            unknown = set(self.report) - allowed
            if unknown:
                raise ValueError(f"report lists {sorted(unknown)}; allowed: {sorted(allowed)}")
        return self

    # --- derived -------------------------------------------------------------------------------
    @property
    def deprecation(self) -> str | None:
        """The message to show when a retired indicator is used (``None`` when it is current)."""
        if self.retired is None:
            return None
        use = f"; use {', '.join(self.retired.replaced_by)}" if self.retired.replaced_by else ""
        return (
            f"{self.id} was retired in catalogue {self.retired.version} "
            f"({self.retired.reason}){use}"
        )

    @property
    def multiplier(self) -> float:
        """Factor turning the statistic into the unit (100 for percent, 1 otherwise)."""
        return UNIT_MULTIPLIER.get(self.unit, 1.0)

    @property
    def group_labels(self) -> tuple[str, str]:
        """``population`` labels of the migrant and the reference group in results."""
        migrant, non_migrant = GROUP_LABELS[self.migrant_criterion or "country_of_birth"]
        return migrant, ("total" if self.reference_group == "total" else non_migrant)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Canonical survey columns this indicator reads (besides weights and design)."""
        if "survey" not in self.source_kind:
            return ()
        cols: list[str] = []
        for text in (self.population, self.numerator if self.statistic == "proportion" else None):
            if text:
                cols += parse_filter(text).columns
        for col in (
            self.variable,
            self.denominator,
            self.numerator if self.statistic != "proportion" else None,
        ):
            if col:
                cols.append(col)
        return tuple(dict.fromkeys(cols))

    def for_criterion(self, criterion: str) -> Indicator:
        """The same indicator with migrants defined by another criterion.

        The id gets the ILOSTAT suffix of the criterion (``_CBR`` country of birth, ``_CCT``
        citizenship, ``_LGS`` legal status) and the reference group follows it (native-born,
        nationals). Use it to publish both series, as ILOSTAT does.
        """
        if criterion == self.migrant_criterion:
            return self
        suffix = {"country_of_birth": "_CBR", "citizenship": "_CCT", "legal_status": "_LGS"}
        reference = {
            "country_of_birth": "native_born",
            "citizenship": "nationals",
            "legal_status": "nationals",
        }
        data = self.model_dump()
        data.update(
            id=self.id + suffix[criterion],
            migrant_criterion=criterion,
            reference_group=("total" if self.reference_group == "total" else reference[criterion]),
        )
        return Indicator.model_validate(data)

    def missing_columns(self, columns: Sequence[str]) -> list[str]:
        """The survey columns this indicator needs that ``columns`` lack (the migrant criterion's
        alternatives are given as one entry, ``born_abroad (or country_of_birth and ref_area)``)."""
        have = set(columns)
        missing = [c for c in (*self.required_columns, "ref_area", "time_period") if c not in have]
        if self.migrant_criterion:
            flag_cols, code_cols = CRITERION_COLUMNS[self.migrant_criterion]
            if not (have.issuperset(flag_cols) or have.issuperset(code_cols)):
                missing.append(" or ".join(flag_cols) + " (or " + " and ".join(code_cols) + ")")
        return list(dict.fromkeys(missing))

    def __repr__(self) -> str:
        groups = " vs ".join(self.group_labels) if self.migrant_criterion else "no groups"
        return (
            f"Indicator({self.id}: {self.name}; {self.type}, right {self.right!r}, "
            f"{self.statistic} in {self.unit}, {groups})"
        )

    def _repr_html_(self) -> str:
        from html import escape

        rows = [
            ("id", self.id),
            ("name", self.name),
            ("right / attribute", f"{self.right} / {self.attribute}"),
            ("type", self.type),
            ("formula", self.formula),
            ("population", self.population or "everyone"),
            ("unit", self.unit),
            ("groups", " vs ".join(self.group_labels) if self.migrant_criterion else "-"),
            ("sources", ", ".join(self.source_kind)),
            ("references", "; ".join(str(r) for r in self.references)),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return f"<table>{body}</table>"

    def reports(self, population: str) -> bool:
        """Whether rows of this ``population`` kind are part of the indicator's output."""
        return self.report is None or population in self.report
