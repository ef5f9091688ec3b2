"""Write the output files of one batch run as one set: all of them, or none.

Every file is first written completely into a temporary folder beside the outputs (each through
the library's atomic writer, which flushes it to disk); only when all are written are they moved
into place, each by an atomic rename. A run that fails while writing leaves the previous run's
files untouched, so a folder never holds a mix of two runs' files. The temporary folder is
removed in every case.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

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
        for temp, target in staged:  # every file is complete: now switch them
            os.replace(temp, target)
        _sync_folder(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries (the renames) to disk where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
