"""``Results``: the results table of a computation, with its issues and run metadata.

A :class:`Results` object holds three things that travel together: ``table`` (one row per
estimate, exactly the columns of :data:`~mhr_indicators.vocab.RESULT_COLUMNS`), ``issues`` (what
could not be computed or broken down, :data:`~mhr_indicators.vocab.ISSUE_COLUMNS`) and
``metadata`` (a JSON-serialisable dict: versions, quality rules, inputs and their checksums, and
``groups``, the migrant and reference population labels of each indicator). Its writers keep all
three (Parquet schema metadata, or a CSV with a ``.meta.json`` sidecar) and :func:`read_results`
restores them exactly. The object is immutable: every method returns a new one.
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

from .. import vocab
from ..errors import ConfigurationError, MhrError
from ..io.tables import _atomic, read_metadata, write_table
from ..vocab import DIMENSIONS, ISSUE_COLUMNS, RESULT_COLUMNS

_TEXT_DTYPE = pd.Series(["a"]).dtype  # pandas' own text dtype: "str" (pandas 3) or object
_FLOAT = ["value", "se", "ci_lower", "ci_upper", "cv", "n_weighted"]
_TEXT = [c for c in RESULT_COLUMNS if c not in (*_FLOAT, "n_unweighted", "suppressed")]
_KEYS = ["indicator_id", "ref_area", "time_period", *DIMENSIONS, "source"]
#: The comparison shown in a headline's gap columns: the first one an indicator reports.
HEADLINE_COMPARISONS = ("gap", "relative_gap", *(c for c in vocab.COMPARISONS if "gap" not in c))
_MIGRANT_LABELS = {m for m, _ in vocab.GROUP_LABELS.values()}
_REFERENCE_LABELS = {r for _, r in vocab.GROUP_LABELS.values()} | {"total"}
#: SDMX ``OBS_STATUS`` (code list CL_OBS_STATUS) of each reliability flag of the library.
SDMX_OBS_STATUS: dict[str, str] = {"": "A", "U": "U", "R": "U", "N": "A", "X": "Q"}
_CELLS = ["population", "ref_area", "time_period", *DIMENSIONS]
_SDMX_ORDER = ["indicator_id", "ref_area", "time_period", "population", *DIMENSIONS]
#: SDMX dimension of each results-table column, in their SDMX-CSV order.
SDMX_DIMENSIONS = {c: c.upper() for c in _SDMX_ORDER} | dict(
    indicator_id="INDICATOR", age_group="AGE"
)


def _as_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # a year read as a number: 2024.0 -> "2024"
    return str(value)


def _text(col: pd.Series, empty_is_missing: bool = True) -> pd.Series:
    if col.dtype != _TEXT_DTYPE or col.dtype == object:
        col = col.map(_as_text, na_action="ignore")
    col = col.astype(_TEXT_DTYPE)
    if empty_is_missing:
        col = col.mask(col == "")
    return col.where(col.notna(), None) if col.dtype == object else col


def _normalise_table(table: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise ConfigurationError(f"a results table must be a DataFrame, not {type(table)}")
    missing = ", ".join(repr(c) for c in RESULT_COLUMNS if c not in table.columns)
    if missing:
        raise ConfigurationError(f"the results table lacks column(s) {missing}")
    out = table.loc[:, RESULT_COLUMNS].reset_index(drop=True)
    out.attrs = {}
    try:
        for col in _TEXT:
            out[col] = _text(out[col], empty_is_missing=col != "flag")
        out["flag"] = out["flag"].fillna("")
        for col in _FLOAT:
            out[col] = pd.to_numeric(out[col]).astype("float64")
        out["n_unweighted"] = pd.to_numeric(out["n_unweighted"]).astype("Int64")
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False).astype(bool)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"the results table has a value of the wrong type: {exc}") from exc
    return out


def _normalise_issues(issues: Any) -> pd.DataFrame:
    frame = pd.DataFrame(issues if issues is not None else [])
    if len(frame) and "problem" not in frame.columns:
        raise ConfigurationError("the issues table lacks column 'problem'")
    for col in (c for c in ISSUE_COLUMNS if c not in frame.columns):
        frame[col] = pd.Series(dtype=object, index=frame.index)
    frame = frame[ISSUE_COLUMNS + [c for c in frame.columns if c not in ISSUE_COLUMNS]]
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({c: _text(frame[c]) for c in frame.columns}, index=frame.index)


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
        The results table: it must hold every column of ``vocab.RESULT_COLUMNS`` (others are
        dropped). Dtypes are made canonical: codes and ``time_period`` as text (an empty code
        is missing), ``flag`` ``""`` when none, ``n_unweighted`` ``Int64``, ``suppressed`` bool.
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
        """The results table (columns exactly ``vocab.RESULT_COLUMNS``); do not modify it."""
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
    ) -> Results:
        """The rows matching every given criterion.

        Parameters
        ----------
        indicator : str or list of str, optional
            Indicator ids or shell-style patterns (``"WORK.*"``, ``"*.S.*"``).
        population, ref_area, time_period, sex, age_group, sector, legal_status, right, type
            A value or a list of values of that column (``time_period`` may be a number).

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
        issues = self._issues
        if indicator is not None or right is not None or type is not None:
            issues = issues[issues["indicator_id"].isin(ids)]
        return Results(t[keep], issues, self._metadata)

    def _roles(self) -> pd.DataFrame:
        """Per indicator: the migrant and reference labels and the headline comparison."""
        pairs = self._table[["indicator_id", "population"]].drop_duplicates()
        pop = pairs["population"]
        comp = pairs[pop.isin(HEADLINE_COMPARISONS)]
        order = {c: i for i, c in enumerate(HEADLINE_COMPARISONS)}
        comp = comp.assign(_rank=comp["population"].map(order)).sort_values("_rank", kind="stable")
        comp = comp.drop_duplicates("indicator_id").rename(columns={"population": "comparison"})
        groups = pairs[
            ~pop.isin([*vocab.COMPARISONS, *vocab.INTERSECTIONAL, vocab.NOT_STATED_SHARE])
        ]
        # migrant labels first, then unknown labels, reference labels, and the total code
        g = groups["population"]
        rank = 1 - g.isin(_MIGRANT_LABELS) + g.isin(_REFERENCE_LABELS) + 2 * g.eq(vocab.TOTAL)
        groups = groups.assign(_rank=rank.astype(int)).sort_values("_rank", kind="stable")
        nth = groups.groupby("indicator_id", sort=False).cumcount()
        migrant = groups[nth == 0].rename(columns={"population": "migrant"})
        reference = groups[(nth == 1) & (groups["population"] != vocab.TOTAL)]
        reference = reference.rename(columns={"population": "reference"})
        roles = migrant.merge(reference[["indicator_id", "reference"]], "left", "indicator_id")
        known = pd.DataFrame.from_dict(self._metadata.get("groups") or {}, orient="index")
        known = known.reindex(columns=["migrant", "reference"]).rename_axis("indicator_id")
        known = known.reset_index()
        roles = roles[~roles["indicator_id"].isin(known["indicator_id"])]
        roles = pd.concat([known, roles[["indicator_id", "migrant", "reference"]]])
        roles = roles.merge(comp[["indicator_id", "comparison"]], "outer", "indicator_id")
        return pd.DataFrame({c: _text(roles[c]) for c in roles.columns})

    @property
    def groups(self) -> dict[str, dict[str, str | None]]:
        """``{indicator_id: {"migrant": label, "reference": label}}``: from the metadata's
        ``groups``, else inferred from the populations (migrant labels of
        ``vocab.GROUP_LABELS`` first; a single population fills the migrant slot)."""
        roles = self._roles().dropna(subset=["migrant"]).astype(object)
        roles = roles.where(roles.notna(), None)
        return {
            r["indicator_id"]: {"migrant": r["migrant"], "reference": r["reference"]}
            for r in roles.to_dict("records")
        }

    def headline(self) -> pd.DataFrame:
        """The migrant group, the reference group and their gap side by side, one row per cell.

        Returns
        -------
        pandas.DataFrame
            One row per indicator and cell (``ref_area``, ``time_period``, the four dimensions,
            ``source``) with ``migrant_*`` and ``reference_*`` (``group``, ``value``,
            ``ci_lower``, ``ci_upper``, ``flag``, ``suppressed``), ``unit`` and the comparison
            ``gap`` (``gap_kind``, ``gap``, ``gap_ci_lower``, ``gap_ci_upper``, ``gap_unit``,
            ``gap_flag``, ``gap_suppressed``). ``gap_kind`` is the first comparison the
            indicator reports among ``HEADLINE_COMPARISONS`` (``gap``, else ``relative_gap``
            ...). An indicator without a pair (structural, a single group) has its value in
            ``migrant_value``, ``migrant_group`` its population, and empty reference and gap.
            Missing cells are empty (NA); rows follow the order of the results table.
        """
        t = self._table.assign(_pos=np.arange(len(self._table)))
        t = t.merge(self._roles(), on="indicator_id", how="left")
        side = ["value", "ci_lower", "ci_upper", "flag", "suppressed"]
        parts = []
        for role, label, prefix in (
            ("migrant", "migrant", "migrant_"),
            ("reference", "reference", "reference_"),
            ("gap", "comparison", "gap_"),
        ):
            part = t.loc[
                t["population"].eq(t[label]), [*_KEYS, "_pos", "population", *side, "unit"]
            ]
            names = {c: prefix + c for c in side}
            names.update(population=f"{role}_group", _pos=f"_pos_{role}", unit=f"_unit_{role}")
            if role == "gap":
                names.update(population="gap_kind", value="gap", unit="gap_unit")
            parts.append(part.rename(columns=names))
        out = reduce(lambda a, b: a.merge(b, on=_KEYS, how="outer"), parts)
        out["unit"] = out["_unit_migrant"].fillna(out["_unit_reference"])
        out["_pos"] = out[["_pos_migrant", "_pos_reference", "_pos_gap"]].min(axis=1)
        labels = t[["indicator_id", "right", "type"]].drop_duplicates("indicator_id")
        out = out.merge(labels, on="indicator_id", how="left").sort_values("_pos", kind="stable")
        for col in ("migrant_suppressed", "reference_suppressed", "gap_suppressed"):
            out[col] = out[col].astype("boolean")
        columns = ["indicator_id", "right", "type", *_KEYS[1:-1]]
        for who in ("migrant", "reference"):
            columns += [f"{who}_group", *(f"{who}_{c}" for c in side)]
        columns += ["unit", "gap_kind", "gap", "gap_ci_lower", "gap_ci_upper", "gap_unit"]
        return out[[*columns, "gap_flag", "gap_suppressed", "source"]].reset_index(drop=True)

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
        structure_id: str = "MHR:MHR_INDICATORS(1.0)",
        action: str = "I",
    ) -> Path:
        """Write the table as an SDMX-CSV 2.0 data message, atomically.

        Columns, in order: ``STRUCTURE`` (``dataflow``), ``STRUCTURE_ID`` (``structure_id``,
        as ``AGENCY:ID(VERSION)``), ``ACTION`` (``action``: ``I`` information; SDMX-CSV 2.1
        prefers ``M`` merge), the dimensions ``INDICATOR`` (indicator_id), ``REF_AREA``,
        ``TIME_PERIOD``, ``POPULATION``, ``SEX``, ``AGE`` (age_group), ``SECTOR``,
        ``LEGAL_STATUS``, the measure ``OBS_VALUE`` (value), then the attributes
        ``UNIT_MEASURE`` (unit), ``OBS_STATUS`` (from the flag, see ``SDMX_OBS_STATUS``: none
        ``A`` normal, ``U``/``R`` ``U`` low reliability, ``N`` ``A``, ``X`` ``Q`` suppressed),
        ``CONF_STATUS`` (``C`` when suppressed, else ``F`` free), ``SE``, ``CI_LOWER``,
        ``CI_UPPER``, ``N_UNWEIGHTED`` and ``SOURCE``. A suppressed row keeps its row with an
        empty ``OBS_VALUE`` (and empty SE and interval). Codes are written as in the results
        table (``_T`` total, ``_Z`` not applicable; a range of years such as ``2019-2024``
        as is).

        Returns
        -------
        pathlib.Path
            The written file.
        """
        t = self._table
        out = pd.DataFrame({"STRUCTURE": "dataflow", "STRUCTURE_ID": structure_id}, t.index)
        out["ACTION"] = action
        for col, name in SDMX_DIMENSIONS.items():
            out[name] = t[col]
        out["OBS_VALUE"] = t["value"]
        out["UNIT_MEASURE"] = t["unit"]
        out["OBS_STATUS"] = t["flag"].map(lambda f: SDMX_OBS_STATUS.get(f, f))
        out["CONF_STATUS"] = np.where(t["suppressed"], "C", "F")
        for col in ("se", "ci_lower", "ci_upper", "n_unweighted", "source"):
            out[col.upper()] = t[col]
        target = Path(path)
        _atomic(target, lambda tmp: out.to_csv(tmp, index=False))
        return target

    @classmethod
    def concat(cls, items: Iterable[Results | pd.DataFrame]) -> Results:
        """Join results (or plain results tables): every row and every issue is kept.

        Metadata is merged key by key: a value equal in every part is kept, differing values
        become the list of the distinct values; ``inputs`` lists are joined and ``groups``
        dicts merged (the first part wins for an indicator in several).
        """
        parts = [i if isinstance(i, Results) else Results(i) for i in items]
        if not parts:
            return cls(pd.DataFrame(columns=RESULT_COLUMNS))
        table = pd.concat([p._table for p in parts], ignore_index=True)
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
    if suffix == ".parquet":
        return Results(pd.read_parquet(p), issues, meta)
    text = dict(keep_default_na=False, na_values=[""])  # "NA" (Namibia) stays a code
    dtypes = {c: str for c in _TEXT} | {"n_unweighted": "Int64", "suppressed": "boolean"}
    table = pd.read_csv(p, dtype=dtypes, **text)
    side = p.with_name(p.stem + ".issues.csv")
    if issues is None and side.is_file():
        issues = pd.read_csv(side, dtype=str, **text)
    return Results(table, issues, meta)


__all__ = ["Results", "concat_results", "read_results"]
