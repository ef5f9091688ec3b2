"""Read input tables (CSV, Parquet, Stata, SPSS) and write result tables atomically.

Writers go through a temporary file in the destination folder and an atomic rename, so a reader
(or a crashed batch) never leaves a half-written file. Run metadata (library and catalogue
versions, input checksums) goes into the Parquet schema metadata, or into a ``.meta.json`` file
beside a CSV.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import MhrError

READERS = (".csv", ".parquet", ".dta", ".sav")
METADATA_KEY = b"mhr_indicators"


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV, Parquet, Stata (``.dta``) or SPSS (``.sav``) file into a frame.

    Stata and SPSS files are read with pyreadstat keeping the stored codes (not their value
    labels), so harmonisation mappings recode the codes the survey documentation lists; SPSS
    user-missing codes and empty strings (how both formats store a missing text value) become
    missing values.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        raise MhrError(f"input file {p} does not exist")
    try:
        if suffix == ".csv":
            return pd.read_csv(p)
        if suffix == ".parquet":
            return pd.read_parquet(p)
        if suffix in (".dta", ".sav"):
            import pyreadstat

            reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
            df, _meta = reader(str(p), apply_value_formats=False)
            # Stata and SPSS have no missing string: an empty string is how they store one
            for col in df.columns:
                if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                    df[col] = df[col].mask(df[col] == "")
            return df
    except MhrError:
        raise
    except Exception as exc:  # a parser's own error, re-raised with the file named
        raise MhrError(f"cannot read {p}: {type(exc).__name__}: {exc}") from exc
    raise MhrError(f"cannot read {p}: unsupported file type {suffix!r}; use one of {READERS}")


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, for run metadata."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write(target: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Write ``target`` atomically: ``write`` fills a temporary file, then it is renamed.

    Parameters
    ----------
    target : str or path-like
        The file to (re)place; its folder is created when missing.
    write : callable
        Called with the path (``str``) of a temporary file in ``target``'s folder; it must
        write the whole content there.

    Returns
    -------
    pathlib.Path
        ``target``. When ``write`` fails the temporary file is removed and ``target`` is left
        as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_atomic = atomic_write  # the former private name, still used by catalogue/render.py


def write_table(table: pd.DataFrame, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Write ``table`` to ``path`` (``.csv`` or ``.parquet``) atomically.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to write.
    path : str or path-like
        Destination; its suffix chooses the format.
    metadata : dict, optional
        JSON-serialisable run metadata: stored in the Parquet schema metadata under the key
        ``mhr_indicators``, or in ``<path>.meta.json`` beside a CSV.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise MhrError(f"cannot write {target}: use a .csv or .parquet file name")
    if suffix == ".csv":
        atomic_write(target, lambda tmp: table.to_csv(tmp, index=False))
        if metadata is not None:
            meta = target.with_name(target.name + ".meta.json")
            atomic_write(meta, lambda tmp: Path(tmp).write_text(json.dumps(metadata, indent=2)))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(table, preserve_index=False)
        if metadata is not None:
            merged = dict(arrow.schema.metadata or {})
            merged[METADATA_KEY] = json.dumps(metadata).encode()
            arrow = arrow.replace_schema_metadata(merged)
        atomic_write(target, lambda tmp: pq.write_table(arrow, tmp))
    return target


def read_metadata(path: str | os.PathLike) -> dict:
    """The run metadata written with a results file (Parquet metadata or CSV sidecar)."""
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        raw = (pq.read_schema(p).metadata or {}).get(METADATA_KEY)
        return json.loads(raw) if raw else {}
    side = p.with_name(p.name + ".meta.json")
    return json.loads(side.read_text()) if side.is_file() else {}
