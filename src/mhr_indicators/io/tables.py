"""Read input tables (CSV, Parquet, Stata, SPSS) and write result tables atomically.

Readers refuse what they cannot read faithfully: a folder given as a file, an unsupported type,
duplicate column names (pandas would silently rename the copies ``age.1``). A CSV may start with
a byte-order mark and use ``,``, ``;``, tab or ``|`` as delimiter: the delimiter is the one that
splits the header line into the most fields (``,`` on a tie).

Writers go through a temporary file in the destination folder, flushed to disk, and an atomic
rename, so a reader (or a crashed batch) never sees a half-written file. The temporary file is
created as an ordinary file is (mode 0o666 less the user's umask), so outputs on a shared drive
are as readable as the user's other files. Run metadata (library and catalogue versions, input
checksums) goes into the Parquet schema metadata, or into a ``.meta.json`` file beside a CSV.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..errors import ColumnNotFoundError, ConfigurationError, DataValidationError, MhrError

READERS = (".csv", ".parquet", ".dta", ".sav")
METADATA_KEY = b"mhr_indicators"
#: Delimiters a CSV may use (the first wins a tie).
CSV_DELIMITERS = (",", ";", "\t", "|")


def read_table(
    path: str | os.PathLike,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a CSV, Parquet, Stata (``.dta``) or SPSS (``.sav``) file into a frame.

    Stata and SPSS files are read with pyreadstat keeping the stored codes (not their value
    labels), so harmonisation mappings recode the codes the survey documentation lists; SPSS
    user-missing codes and empty strings (how both formats store a missing text value) become
    missing values. A CSV may start with a UTF-8 byte-order mark; its delimiter (``,``, ``;``,
    tab or ``|``) is the one that splits the header line into the most fields. Decimal commas
    (``1,5``) are not guessed: such a column stays text, and the checks of the design or schema
    name its values.

    Parameters
    ----------
    path : str or path-like
        The file.
    columns : list of str, optional
        Read only these columns (Parquet ``columns=``, pyreadstat and CSV ``usecols=``), in the
        file's order; their values are exactly those of a full read. Default: every column.
    categorical : list of str, optional
        Columns to hold as pandas categoricals when they hold text (codes such as ``sex``):
        Parquet reads them as dictionaries, the other formats convert them after reading.
        A numeric column stays numeric. Names the file lacks are ignored.

    Raises
    ------
    ConfigurationError
        When ``path`` does not exist, is a folder, or has an unsupported suffix.
    ColumnNotFoundError
        When ``columns`` names a column the file does not hold.
    DataValidationError
        When two columns have the same name (listing the names and their positions).
    MhrError
        When the file cannot be parsed (the parser's message, with the file named).
    """
    p = _readable(path)
    suffix = p.suffix.lower()
    names = None
    if columns is not None:
        names = table_columns(p)
        wanted = set(columns)
        for col in columns:
            if col not in names:
                raise ColumnNotFoundError(col, "column to read", names)
        names = [c for c in dict.fromkeys(names) if c in wanted]  # the file's order
    try:
        if suffix == ".csv":
            df = _read_csv(p, names)
        elif suffix == ".parquet":
            df = _read_parquet(p, names, categorical)
        else:
            df = _read_stat(p, suffix, names)
    except MhrError:
        raise
    except Exception as exc:  # a parser's own error, re-raised with the file named
        raise MhrError(f"cannot read {p}: {type(exc).__name__}: {exc}") from exc
    return _as_categories(df, categorical)


def table_columns(path: str | os.PathLike) -> list[str]:
    """The column names of a table file, in order, read from its header or schema only.

    Raises
    ------
    ConfigurationError, MhrError
        As :func:`read_table`.
    """
    p = _readable(path)
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            return _csv_header(p)[1]
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(p).names)
        import pyreadstat

        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        return list(reader(str(p), metadataonly=True)[1].column_names)
    except Exception as exc:
        raise MhrError(f"cannot read {p}: {type(exc).__name__}: {exc}") from exc


def _readable(path: str | os.PathLike) -> Path:
    """``path`` as a Path, when it is a regular file of a supported type."""
    p = Path(path)
    if p.is_dir():
        raise ConfigurationError(
            f"input {p} is a folder, not a file: give the path of a file inside it "
            f"({', '.join(READERS)})"
        )
    if not p.exists():
        raise ConfigurationError(f"input file {p} does not exist")
    if not p.is_file():
        raise ConfigurationError(f"input {p} is not a regular file")
    if p.suffix.lower() not in READERS:
        raise ConfigurationError(
            f"cannot read {p}: unsupported file type {p.suffix.lower()!r}; use one of {READERS}"
        )
    return p


def _read_csv(p: Path, columns: list[str] | None) -> pd.DataFrame:
    delimiter, header = _csv_header(p)
    df = pd.read_csv(p, sep=delimiter, encoding="utf-8-sig", usecols=columns)
    _unique_columns(header, p, len(df))
    return df


def _read_parquet(p: Path, columns: list[str] | None, categorical: Sequence[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.read_metadata(p)
    schema = meta.schema.to_arrow_schema()
    _unique_columns(schema.names, p, meta.num_rows)
    text = [
        f.name
        for f in schema
        if f.name in set(categorical)
        and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
    if columns is not None:
        text = [c for c in text if c in columns]
    return pd.read_parquet(p, columns=columns, read_dictionary=text or None)


def _read_stat(p: Path, suffix: str, columns: list[str] | None) -> pd.DataFrame:
    import pyreadstat

    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    df, _meta = reader(str(p), apply_value_formats=False, usecols=columns)
    _unique_columns(list(df.columns), p, len(df))
    # Stata and SPSS have no missing string: an empty string is how they store one
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].mask(df[col] == "")
    return df


def _as_categories(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` with the text columns among ``columns`` as categoricals (numbers stay numbers).

    Categories are sorted whichever way the column was read (a Parquet dictionary lists its
    values in the order they first appear), so a code's position never depends on the file.
    """
    for col in columns:
        if col not in df.columns:
            continue
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if not values.cat.ordered:
                df[col] = values.cat.reorder_categories(sorted(values.cat.categories))
        elif pd.api.types.is_string_dtype(values) and values.dropna().map(type).eq(str).all():
            df[col] = values.astype("category")
    return df


def _csv_header(path: Path) -> tuple[str, list[str]]:
    """The delimiter of a CSV file and its header's fields.

    The delimiter is the candidate of :data:`CSV_DELIMITERS` that splits the first line into
    the most fields, quotes respected (a split that leaves a quote inside a field cut a quoted
    name apart, so it does not count); ``,`` when none splits it.
    """
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        line = fh.readline(1 << 20).rstrip("\r\n")
    best, fields = ",", next(csv.reader([line], delimiter=","), [])
    for delimiter in CSV_DELIMITERS[1:]:
        split = next(csv.reader([line], delimiter=delimiter), [])
        if len(split) > len(fields) and not any('"' in f for f in split):
            best, fields = delimiter, split
    return best, fields


def _unique_columns(names: Sequence, path: Path, n_rows: int) -> None:
    """Refuse a header naming a column twice (pandas would rename the copy ``name.1``)."""
    counts = Counter(str(n) for n in names)
    repeated = [n for n, k in counts.items() if k > 1]
    if not repeated:
        return
    failures = pd.DataFrame(
        [
            {
                "column": name,
                "check": f"column name appears {counts[name]} times in the header: "
                "each column needs its own name",
                "index": f"(header, column {i + 1})",
                "failure_case": name,
            }
            for name in repeated
            for i, n in enumerate(names)
            if str(n) == name
        ]
    )
    raise DataValidationError("input", failures, source=str(path), n_rows=n_rows)


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
        ``target``, with the permissions of a newly created file (0o666 less the umask, not the
        0o600 of :func:`tempfile.mkstemp`), its content flushed to disk before the rename. When
        ``write`` fails the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temporary(target)
    try:
        write(tmp)
        fsync_path(tmp, os.O_RDONLY)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_path(str(target.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    return target


def _new_temporary(target: Path) -> str:
    """Create an empty temporary file beside ``target`` with the mode a new file gets.

    ``os.open`` with mode 0o666 lets the operating system apply the umask (and a folder's
    default ACL), exactly as for any file the user creates; ``O_EXCL`` makes the name ours.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return str(tmp)
    raise MhrError(f"cannot create a temporary file beside {target}")


def fsync_path(path: str | os.PathLike, flags: int = os.O_RDONLY) -> None:
    """Flush a file (or a folder's entry list) to disk, where the platform allows it."""
    try:
        fd = os.open(path, flags)
    except OSError:  # e.g. folders cannot be opened on Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
