"""Write the output files of one batch run as one set: all of them, or none.

Every file is first written completely into a temporary folder beside the outputs (each through
the library's atomic writer, which flushes it to disk); only when all are written are they moved
into place, each by an atomic rename. A run that fails while writing leaves the previous run's
files untouched, so a folder never holds a mix of two runs' files. The temporary folder is
removed in every case.

An output may be a folder (the Parquet dataset partitioned by area and period): it is written
whole in the temporary folder, its files flushed to disk, then the previous folder is moved
aside and the new one renamed into place (the previous one is put back if that rename fails).

:func:`results_writers` gives the writers of the job's formats: ``<stem>.parquet`` (the table
and its metadata), ``<stem>.csv`` (with ``<stem>.csv.meta.json``), ``<stem>.sdmx.csv``
(SDMX-CSV 2.0, :func:`mhr_indicators.io.sdmx.write_sdmx_csv`) and ``<stem>_by_area/`` (Parquet
files ``ref_area=XSY/time_period=2024/part-0.parquet``, hive-style).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..io.sdmx import write_sdmx_csv
from ..io.tables import METADATA_KEY, fsync_path, write_table

Writer = Callable[[Path], object]


def write_output_set(writers: dict[Path, Writer]) -> list[Path]:
    """Write every file of ``writers`` (target path -> function writing to a given path).

    Parameters
    ----------
    writers : dict
        For each output file, a function that writes it to the path it is given.

    Returns
    -------
    list of pathlib.Path
        The targets, in the order given.
    """
    if not writers:
        return []
    targets = list(writers)
    folder = targets[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mhr-run-", dir=folder))
    try:
        staged = []
        for i, (target, write) in enumerate(writers.items()):
            target.parent.mkdir(parents=True, exist_ok=True)
            write(staging / f"{i}-{target.name}")
            # a writer may add files beside its own (a CSV's metadata sidecar): they go too
            for made in sorted(staging.glob(f"{i}-*")):
                staged.append((made, target.parent / made.name[len(f"{i}-") :]))
        for n, (temp, target) in enumerate(staged):  # every file is complete: switch them
            _switch(temp, target, staging / f"previous-{n}")
        fsync_path(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets


def _switch(temp: Path, target: Path, aside: Path) -> None:
    """Rename ``temp`` onto ``target``; a folder replaces the previous folder as a whole."""
    if not temp.is_dir():
        os.replace(temp, target)
        return
    for item in sorted(temp.rglob("*")):
        if item.is_file():
            fsync_path(item)
    moved = target.exists()
    if moved:
        os.replace(target, aside)
    try:
        os.replace(temp, target)
    except OSError:
        if moved:
            os.replace(aside, target)
        raise


def results_writers(
    stem: Path, formats: list[str], table: pd.DataFrame, metadata: dict
) -> dict[Path, Writer]:
    """The writers of a results table in each of ``formats`` (see the module docstring)."""
    files = {
        "parquet": (stem.with_name(stem.name + ".parquet"), write_table),
        "csv": (stem.with_name(stem.name + ".csv"), write_table),
        "sdmx": (stem.with_name(stem.name + ".sdmx.csv"), lambda t, p, _m: write_sdmx_csv(t, p)),
        "partitioned": (stem.with_name(stem.name + "_by_area"), write_partitioned),
    }
    return {
        files[fmt][0]: (lambda p, write=files[fmt][1]: write(table, p, metadata)) for fmt in formats
    }


def write_partitioned(table: pd.DataFrame, folder: Path, metadata: dict | None = None) -> Path:
    """Write ``table`` as a Parquet dataset partitioned by ``ref_area`` and ``time_period``.

    One file per area and period, ``folder/ref_area=XSY/time_period=2024/part-0.parquet``, its
    rows in the table's order. The partition columns live in the folder names (read them back
    as text: ``pyarrow.dataset.dataset(folder, partitioning=pyarrow.dataset.partitioning(
    pyarrow.schema([("ref_area", pyarrow.string()), ("time_period", pyarrow.string())]),
    flavor="hive"))``, or ``pandas.read_parquet(folder)`` for categoricals). ``metadata`` goes
    into each file's schema metadata as in the single Parquet file, less ``input_rows`` (row
    ranges of that file).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    # one chunk per column: the files' row groups then do not depend on how the frame was built
    arrow = pa.Table.from_pandas(table, preserve_index=False).combine_chunks()
    if metadata is not None:
        merged = dict(arrow.schema.metadata or {})
        kept = {k: v for k, v in metadata.items() if k != "input_rows"}
        merged[METADATA_KEY] = json.dumps(kept).encode()
        arrow = arrow.replace_schema_metadata(merged)
    ds.write_dataset(
        arrow,
        folder,
        format="parquet",
        partitioning=["ref_area", "time_period"],
        partitioning_flavor="hive",
        basename_template="part-{i}.parquet",
        use_threads=False,
        existing_data_behavior="error",
    )
    return folder
