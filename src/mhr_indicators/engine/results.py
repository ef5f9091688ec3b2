"""``Results``: the results table of a computation, with its issues and run metadata.

A :class:`Results` object holds three things that travel together: ``table`` (one row per
estimate, the columns of :data:`~mhr_indicators.vocab.RESULT_COLUMNS`, and after
``legal_status`` the optional dimensions of :data:`~mhr_indicators.vocab.OPTIONAL_DIMENSIONS`
that were requested, ``_T`` where not broken down), ``issues`` (what
could not be computed or broken down, :data:`~mhr_indicators.vocab.ISSUE_COLUMNS`) and
``metadata`` (a JSON-serialisable dict: versions, quality rules, inputs and their checksums, and
``groups``, the migrant and reference population labels of each indicator). Its writers keep all
three (Parquet schema metadata, or a CSV with a ``.meta.json`` sidecar) and :func:`read_results`
restores them exactly. The object is immutable: every method returns a new one.

The headline view and the group roles are built in ``engine/headline.py``, the SDMX-CSV layout
in ``io/sdmx.py`` and the canonical dtypes in ``engine/dtypes.py``; ``Results`` delegates to them.
"""

from __future__ import annotations

import copy
import datetime as dt
import fnmatch
import html
import json
import os
from collections.abc import Iterable, Sequence
from enum import Enum
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigurationError, MhrError
from ..io.sdmx import SDMX_DIMENSIONS as SDMX_DIMENSIONS
from ..io.sdmx import SDMX_OBS_STATUS as SDMX_OBS_STATUS
from ..io.sdmx import STRUCTURE_ID, write_sdmx_csv
from ..io.tables import read_metadata, write_table
from ..vocab import DIMENSIONS, OPTIONAL_DIMENSIONS, RESULT_COLUMNS, TOTAL
from .dtypes import TEXT_COLUMNS as _TEXT
from .dtypes import as_text as _as_text
from .dtypes import normalise_issues as _normalise_issues
from .dtypes import normalise_table as _normalise_table
from .headline import HEADLINE_COMPARISONS as HEADLINE_COMPARISONS
from .headline import headline as _headline
from .headline import indicator_groups, roles

_CELLS = ["population", "ref_area", "time_period", *DIMENSIONS]


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (Enum, Path, dt.date)):
        return _as_text(value)
    raise ConfigurationError(f"metadata value {value!r} is not JSON-serialisable")


class Results:
    """Estimates of a computation, with the issues met and the run's metadata.

    Parameters
    ----------
    table : pandas.DataFrame
        The results table: it must hold every column of ``vocab.RESULT_COLUMNS``; the optional
        dimensions (``vocab.OPTIONAL_DIMENSIONS``) it has are kept after ``legal_status``,
        other columns are dropped. Dtypes are made canonical: codes and ``time_period`` as
        text (an empty code is missing), ``flag`` ``""`` when none, ``n_unweighted``
        ``Int64``, ``suppressed`` bool.
    issues : pandas.DataFrame or list of dict, optional
        Columns ``indicator_id``, ``problem`` (required; normally an ``IssueCode`` value) and
        ``detail`` (missing ones are left empty); further text columns (e.g. a batch's
        ``input``) are kept after them. Default: ``metadata["issues"]``, else
        ``table.attrs["issues"]`` (as ``compute`` sets it), else none.
    metadata : dict, optional
        JSON-serialisable run metadata, e.g. ``library_version``, ``catalogue_version``,
        ``level``, ``quality``, ``inputs`` (list of ``{name, kind, path, sha256, rows}``),
        ``created`` and ``groups`` (``{indicator_id: {"migrant": label, "reference": label}}``).
        The key ``issues`` is reserved for the issues table in written files.

    Raises
    ------
    ConfigurationError
        A column is missing (it is named), a value has the wrong type, or the metadata is not
        JSON-serialisable.
    """

    __slots__ = ("_issues", "_metadata", "_table")

    def __init__(
        self,
        table: pd.DataFrame,
        issues: pd.DataFrame | Sequence[dict] | None = None,
        metadata: dict | None = None,
    ):
        meta = dict(metadata or {})
        stored = meta.pop("issues", None)
        if issues is None:
            issues = stored if stored is not None else getattr(table, "attrs", {}).get("issues")
        self._table = _normalise_table(table)
        self._issues = _normalise_issues(issues)
        self._metadata = json.loads(json.dumps(meta, default=_json_default))

    @property
    def table(self) -> pd.DataFrame:
        """The results table (``vocab.RESULT_COLUMNS``, with the optional dimensions it was
        computed by after ``legal_status``); do not modify it."""
        return self._table

    @property
    def issues(self) -> pd.DataFrame:
        """What could not be computed or broken down (``vocab.ISSUE_COLUMNS`` first)."""
        return self._issues

    @property
    def metadata(self) -> dict:
        """A copy of the run metadata (JSON-serialisable)."""
        return copy.deepcopy(self._metadata)

    def __len__(self) -> int:
        return len(self._table)

    def _counts(self) -> tuple[str, str, list[str], list[str]]:
        """(rows and indicators, suppressed/flagged/issues, areas, periods), as text.

        Flagged counts the rows with a flag that are not suppressed."""
        t = self._table
        flagged = int(((t["flag"] != "") & ~t["suppressed"]).sum())
        return (
            f"{len(t):,} estimates of {t['indicator_id'].nunique():,} indicators",
            f"{int(t['suppressed'].sum()):,} suppressed, {flagged:,} flagged; "
            f"{len(self._issues):,} issues",
            sorted(t["ref_area"].dropna().unique()),
            sorted(t["time_period"].dropna().unique()),
        )

    def __repr__(self) -> str:
        size, quality, areas, periods = self._counts()
        shown = [
            ", ".join(v) if len(v) <= 3 else f"{len(v)} {n}"
            for v, n in ((areas, "areas"), (periods, "periods"))
            if v
        ]
        where = f" for {' '.join(shown)}" if shown else ""
        return f"Results({size}{where}; {quality})"

    def _repr_html_(self, rows: int = 10) -> str:
        size, quality, areas, periods = self._counts()
        items = [size, quality, f"areas: {', '.join(areas)}", f"periods: {', '.join(periods)}"]
        summary = "".join(f"<li>{html.escape(i)}</li>" for i in items)
        head = self._table.head(rows).to_html(index=False, escape=True, na_rep="", border=0)
        return f"<div><strong>Results</strong><ul>{summary}</ul>{head}</div>"

    def select(
        self,
        indicator: str | Sequence[str] | None = None,
        population: str | Sequence[str] | None = None,
        ref_area: str | Sequence[str] | None = None,
        time_period: str | int | Sequence[str | int] | None = None,
        sex: str | Sequence[str] | None = None,
        age_group: str | Sequence[str] | None = None,
        sector: str | Sequence[str] | None = None,
        legal_status: str | Sequence[str] | None = None,
        right: str | Sequence[str] | None = None,
        type: str | Sequence[str] | None = None,
        disability: str | Sequence[str] | None = None,
        urbanisation: str | Sequence[str] | None = None,
        citizenship_status: str | Sequence[str] | None = None,
    ) -> Results:
        """The rows matching every given criterion.

        Parameters
        ----------
        indicator : str or list of str, optional
            Indicator ids or shell-style patterns (``"WORK.*"``, ``"*.S.*"``).
        population, ref_area, time_period, sex, age_group, sector, legal_status, right, type
            A value or a list of values of that column (``time_period`` may be a number).
        disability, urbanisation, citizenship_status
            Values of an optional dimension. A table without that column is not broken down
            by it: its rows match ``"_T"`` only.

        Returns
        -------
        Results
            The selected rows; issues keep the indicators matched by ``indicator`` (or, with
            ``right`` or ``type``, the indicators of the selected rights or types). The metadata
            is kept.
        """
        t = self._table

        def wanted(values) -> list[str]:
            return [
                _as_text(v) for v in ([values] if isinstance(values, (str, int, float)) else values)
            ]

        keep = np.ones(len(t), dtype=bool)
        ids = set(t["indicator_id"].dropna()) | set(self._issues["indicator_id"].dropna())
        if indicator is not None:
            ids = {i for p in wanted(indicator) for i in ids if fnmatch.fnmatchcase(i, p)}
            keep &= t["indicator_id"].isin(ids).to_numpy()
        for col, values in (("right", right), ("type", type)):
            if values is not None:
                keep &= t[col].isin(wanted(values)).to_numpy()
                ids &= set(t.loc[keep, "indicator_id"])
        cells = (population, ref_area, time_period, sex, age_group, sector, legal_status)
        for col, values in zip(_CELLS, cells, strict=True):
            if values is not None:
                keep &= t[col].isin(wanted(values)).to_numpy()
        optional = (disability, urbanisation, citizenship_status)
        for col, values in zip(OPTIONAL_DIMENSIONS, optional, strict=True):
            if values is None:
                continue
            if col in t.columns:
                keep &= t[col].isin(wanted(values)).to_numpy()
            elif TOTAL not in wanted(values):  # not broken down: every row is its total
                keep &= False
        issues = self._issues
        if indicator is not None or right is not None or type is not None:
            issues = issues[issues["indicator_id"].isin(ids)]
        return Results(t[keep], issues, self._metadata)

    def _roles(self) -> pd.DataFrame:
        """Per indicator: the migrant and reference labels and the headline comparison."""
        return roles(self._table, self._metadata.get("groups"))

    @property
    def groups(self) -> dict[str, dict[str, str | None]]:
        """``{indicator_id: {"migrant": label, "reference": label}}``: from the metadata's
        ``groups``, else inferred from the populations (migrant labels of
        ``vocab.GROUP_LABELS`` first; a single population fills the migrant slot); see
        ``engine/headline.py``."""
        return indicator_groups(self._table, self._metadata.get("groups"))

    def headline(self) -> pd.DataFrame:
        """The migrant group, the reference group and their gap side by side, one row per cell.

        Returns
        -------
        pandas.DataFrame
            One row per indicator and cell, with ``migrant_*``, ``reference_*`` and ``gap_*``
            columns (values, intervals, flags, units); the columns are described in
            :func:`mhr_indicators.engine.headline.headline`, which builds it.
        """
        return _headline(self._table, self._metadata.get("groups"))

    def _file_metadata(self) -> dict:
        issues = self._issues.astype(object)
        return {**self._metadata, "issues": issues.where(issues.notna(), None).to_dict("records")}

    def to_parquet(self, path: str | os.PathLike) -> Path:
        """Write the table to one Parquet file, atomically; the metadata and the issues (as
        records under ``"issues"``) go into its schema metadata (key ``mhr_indicators``).

        Returns
        -------
        pathlib.Path
            The written file.
        """
        if Path(path).suffix.lower() != ".parquet":
            raise MhrError(f"cannot write {path} as Parquet: use a .parquet file name")
        return write_table(self._table, path, self._file_metadata())

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write the table as CSV, atomically, with ``<path>.meta.json`` (the metadata, the
        issues under ``"issues"``) and ``<stem>.issues.csv`` (the issues, for people).

        Returns
        -------
        pathlib.Path
            The written table.
        """
        p = Path(path)
        if p.suffix.lower() != ".csv":
            raise MhrError(f"cannot write {p} as CSV: use a .csv file name")
        write_table(self._table, p, self._file_metadata())
        write_table(self._issues, p.with_name(p.stem + ".issues.csv"))
        return p

    def to_sdmx_csv(
        self,
        path: str | os.PathLike,
        structure_id: str = STRUCTURE_ID,
        action: str = "I",
    ) -> Path:
        """Write the table as an SDMX-CSV 2.0 data message, atomically.

        Columns, in order: ``STRUCTURE``, ``STRUCTURE_ID`` (``structure_id``, as
        ``AGENCY:ID(VERSION)``), ``ACTION`` (``action``: ``I`` information; SDMX-CSV 2.1
        prefers ``M`` merge), the dimensions (``INDICATOR`` ... ``LEGAL_STATUS``, then
        ``DISABILITY_STATUS``, ``URBANISATION``, ``CITIZENSHIP_STATUS`` when the table has
        those optional dimensions),
        ``OBS_VALUE``, then the attributes (``UNIT_MEASURE``, ``OBS_STATUS``, ``CONF_STATUS``,
        ``SE``, ``CI_LOWER``, ``CI_UPPER``, ``N_UNWEIGHTED``, ``SOURCE``); a suppressed row
        keeps its row with an empty ``OBS_VALUE``. The layout is documented and built in
        ``io/sdmx.py``.

        Returns
        -------
        pathlib.Path
            The written file.
        """
        return write_sdmx_csv(self._table, path, structure_id, action)

    @classmethod
    def concat(cls, items: Iterable[Results | pd.DataFrame]) -> Results:
        """Join results (or plain results tables): every row and every issue is kept.

        Parts computed by different optional dimensions join: a part without one of them has
        ``_T`` (not broken down) in that column.

        Metadata is merged key by key: a value equal in every part is kept, differing values
        become the list of the distinct values; ``inputs`` lists are joined and ``groups``
        dicts merged (the first part wins for an indicator in several).
        """
        parts = [i if isinstance(i, Results) else Results(i) for i in items]
        if not parts:
            return cls(pd.DataFrame(columns=RESULT_COLUMNS))
        # an optional dimension one part has is ``_T`` (not broken down) in the others
        extra = [d for d in OPTIONAL_DIMENSIONS if any(d in p._table.columns for p in parts)]
        tables = [
            p._table.assign(**{d: TOTAL for d in extra if d not in p._table.columns}) for p in parts
        ]
        table = pd.concat(tables, ignore_index=True)
        issues = pd.concat([p._issues for p in parts], ignore_index=True)
        metas = [p._metadata for p in parts]
        merged: dict[str, Any] = {}
        for key in dict.fromkeys(k for m in metas for k in m):
            values = [m[key] for m in metas if key in m]
            if key == "inputs" and all(isinstance(v, list) for v in values):
                merged[key] = [x for v in values for x in v]
            elif key == "groups" and all(isinstance(v, dict) for v in values):
                merged[key] = reduce(lambda a, b: {**b, **a}, values, {})
            else:
                distinct = list({json.dumps(v, sort_keys=True): v for v in values}.values())
                merged[key] = distinct[0] if len(distinct) == 1 else distinct
        return cls(table, issues, merged)


def concat_results(items: Iterable[Results | pd.DataFrame]) -> Results:
    """Join results or results tables; see :meth:`Results.concat`."""
    return Results.concat(items)


def read_results(path: str | os.PathLike) -> Results:
    """Read results written by :meth:`Results.to_parquet` or :meth:`Results.to_csv`.

    Parameters
    ----------
    path : str or path-like
        A ``.parquet`` file (table, metadata and issues in one file), or a ``.csv`` table with
        its ``.meta.json`` sidecar and ``<stem>.issues.csv`` when present. A results table
        written by someone else (without metadata) reads too.

    Returns
    -------
    Results
        With the table's dtypes restored (codes and ``time_period`` as text, ``n_unweighted``
        ``Int64``, ``suppressed`` bool, ``flag`` ``""`` when none).
    """
    p = Path(path)
    if not p.is_file():
        raise MhrError(f"results file {p} does not exist")
    suffix = p.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise MhrError(f"cannot read results from {p}: use a .parquet or .csv file")
    meta = read_metadata(p)
    issues = meta.pop("issues", None)
    text = dict(keep_default_na=False, na_values=[""])  # "NA" (Namibia) stays a code
    side = p.with_name(p.stem + ".issues.csv")  # written beside results by batch jobs too
    if issues is None and side.is_file():
        issues = pd.read_csv(side, dtype=str, **text)
    if suffix == ".parquet":
        return Results(pd.read_parquet(p), issues, meta)
    dtypes = {c: str for c in _TEXT} | {"n_unweighted": "Int64", "suppressed": "boolean"}
    table = pd.read_csv(p, dtype=dtypes, **text)
    return Results(table, issues, meta)


__all__ = ["Results", "concat_results", "read_results"]
