"""Exception types of the library.

Every error the library raises on bad input is one of these types. Each carries structured fields
(the column, the offending row labels and values) as attributes, so that a batch job can log them,
and a message a statistician can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_MAX_SHOWN = 5


class MhrError(Exception):
    """Base class of every error raised by ``mhr_indicators``."""


class ConfigurationError(MhrError, ValueError):
    """An option of a call or a config has a value the library does not accept.

    The message lists the allowed values. It is also a ``ValueError``, as Python's own usage
    errors are.
    """


class ColumnNotFoundError(MhrError, KeyError):
    """A column named in a design, an estimator call or a filter is not in the data."""

    def __init__(self, column: str, role: str, available: Sequence[str]):
        self.column = column
        self.role = role
        self.available = list(available)
        close = [
            c for c in self.available if c.lower() == column.lower() or column.lower() in c.lower()
        ]
        hint = f" Did you mean {', '.join(map(repr, close[:3]))}?" if close else ""
        super().__init__(f"column {column!r} ({role}) is not in the data.{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownIndicatorError(MhrError, KeyError):
    """An indicator id that the catalogue does not hold (the message suggests close ids)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class RowsError(MhrError, ValueError):
    """Base of the errors that point at rows of the input.

    Attributes
    ----------
    column : str or None
        The column at fault, when there is one.
    rows : list
        Labels (index values) of the first offending rows.
    values : list
        The offending values at those rows.
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        rows: Sequence[Any] = (),
        values: Sequence[Any] = (),
    ):
        self.column = column
        self.rows = list(rows)
        self.values = list(values)
        super().__init__(message)


class DesignError(RowsError):
    """The sampling design is not valid: bad weights, strata, PSUs, fpc or replicate settings."""


class LonelyPSUError(DesignError):
    """A stratum has a single PSU and the lonely-PSU policy is ``"fail"``."""

    def __init__(self, strata: Sequence[Any], column: str | None):
        self.strata = list(strata)
        shown = ", ".join(repr(s) for s in self.strata[:_MAX_SHOWN])
        more = (
            f" (and {len(self.strata) - _MAX_SHOWN} more)" if len(self.strata) > _MAX_SHOWN else ""
        )
        super().__init__(
            f"stratum {shown}{more} of column {column!r} has only one PSU, so its variance "
            "cannot be estimated. Collapse it with a neighbouring stratum, or choose "
            "lonely_psu='adjust', "
            "'average', 'remove' or 'certainty' (see the user guide, 'Lonely PSUs').",
            column=column,
        )


class EstimationInputError(RowsError):
    """An estimator was called with an unusable variable, domain or option."""


class DesignOptionError(DesignError, ConfigurationError):
    """A design option (``lonely_psu``, ``variance``, the replicate ``method``) is not one of the
    accepted values: the message lists them."""


class EstimationOptionError(EstimationInputError, ConfigurationError):
    """An estimator option (``ci``, ``level``, ``q``, the statistic) is not accepted: the message
    lists the accepted values."""


class FilterError(MhrError, ValueError):
    """A filter expression (``where=`` or a spec's ``population``) cannot be parsed or evaluated.

    Attributes
    ----------
    expression : str
        The filter text.
    position : int or None
        Character offset of the problem in ``expression``, when known.
    """

    def __init__(self, message: str, expression: str, position: int | None = None):
        self.expression = expression
        self.position = position
        pointer = ""
        if position is not None:
            pointer = f"\n  {expression}\n  {' ' * position}^"
        super().__init__(f"{message}{pointer}")


class SpecError(MhrError, ValueError):
    """An indicator spec (``indicators/*.yaml``), a harmonisation mapping or a job config is not
    valid.

    Attributes
    ----------
    problems : list of dict
        One entry per problem: ``file``, ``item`` (indicator id or position), ``field`` and
        ``message``.
    """

    def __init__(self, problems: Sequence[dict]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in indicator specs, a mapping or a config:"]
        for p in self.problems[:20]:
            lines.append(f"  {p['file']}: {p['item']}: field {p['field']!r}: {p['message']}")
        if len(self.problems) > 20:
            lines.append(f"  ... and {len(self.problems) - 20} more")
        super().__init__("\n".join(lines))


class DataValidationError(MhrError, ValueError):
    """Input data failed its schema: every failing column, check, row and value is listed.

    Attributes
    ----------
    failure_cases : pandas.DataFrame
        Columns ``column``, ``check``, ``index`` (row label) and ``failure_case`` (the value).
    kind : str
        The input kind (``survey``, ``stock``, ``admin``, ``ratifications``).
    source : str or None
        The file or dataset name, when known.
    """

    def __init__(self, kind: str, failure_cases, source: str | None = None, n_rows: int = 0):
        self.kind = kind
        self.failure_cases = failure_cases
        self.source = source
        where = f" ({source})" if source else ""
        groups = failure_cases.groupby(["column", "check"], sort=False, dropna=False)
        lines = [
            f"{kind} data{where} failed {groups.ngroups} check(s) "
            f"({len(failure_cases)} failing values in {n_rows} rows)"
        ]
        for (column, check), rows in groups:
            if check == "column is missing":
                lines.append(f"  column {column!r}: is missing")
                continue
            shown = rows.head(_MAX_SHOWN)
            idx = ", ".join(str(i) for i in shown["index"])
            vals = ", ".join(repr(v) for v in shown["failure_case"])
            more = f" (and {len(rows) - _MAX_SHOWN} more)" if len(rows) > _MAX_SHOWN else ""
            lines.append(f"  column {column!r}: {check}    rows {idx}{more}  values {vals}")
        lines.append(
            "Fix the source or map the codes in the harmonisation mapping "
            "(see docs: 'Harmonising a source')."
        )
        super().__init__("\n".join(lines))


class HarmonisationError(MhrError, ValueError):
    """A harmonisation mapping cannot be applied (bad mapping, or bands that do not nest)."""


class IndicatorInputError(MhrError, ValueError):
    """A requested indicator cannot be computed from the inputs given.

    Attributes
    ----------
    indicator_id : str
        The indicator.
    missing : list of str
        The missing columns or sources.
    """

    def __init__(self, indicator_id: str, missing: Sequence[str], what: str = "columns"):
        self.indicator_id = indicator_id
        self.missing = list(missing)
        super().__init__(
            f"indicator {indicator_id} cannot be computed: missing {what} "
            + ", ".join(repr(m) for m in self.missing)
        )
