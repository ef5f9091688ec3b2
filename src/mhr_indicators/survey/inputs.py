"""Read and check the columns a design or an estimate uses, naming the rows that break a rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ColumnNotFoundError, DesignError, EstimationInputError
from ..filters import Filter, evaluate_filter
from .compiled import small_integers


def first_rows(data: pd.DataFrame, mask: np.ndarray, column: str) -> tuple[list, list]:
    """Labels and values of the first five rows where ``mask`` holds."""
    idx = np.flatnonzero(mask)[:5]
    return list(data.index[idx]), list(data[column].iloc[idx])


def offending(data: pd.DataFrame, mask: np.ndarray, column: str) -> str:
    """``rows 3, 8 (and 2 more); values 'x', -1`` for an error message."""
    rows, values = first_rows(data, mask, column)
    more = f" (and {int(mask.sum()) - len(rows)} more)" if mask.sum() > len(rows) else ""
    return f"rows {', '.join(map(str, rows))}{more}; values {', '.join(repr(v) for v in values)}"


def column(data: pd.DataFrame, name: str, role: str) -> pd.Series:
    """The column ``name``, or a ColumnNotFoundError saying what it was for."""
    if not isinstance(name, str) or name not in data.columns:
        raise ColumnNotFoundError(str(name), role, list(data.columns))
    return data[name]


def design_numeric(data: pd.DataFrame, name: str, role: str) -> np.ndarray:
    """A design column (weights, fpc, replicate weights): numeric, finite, never missing."""
    col = column(data, name, role)
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        conv = pd.to_numeric(col, errors="coerce")
        bad = (conv.isna() & col.notna()).to_numpy()
        raise DesignError(
            f"column {name!r} ({role}) must be numeric; non-numeric at "
            + offending(data, bad if bad.any() else col.notna().to_numpy(), name),
            column=name,
        )
    arr = col.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DesignError(
            f"column {name!r} ({role}) must not be missing or infinite; "
            + offending(data, bad, name),
            column=name,
            rows=first_rows(data, bad, name)[0],
        )
    return arr


def design_codes(data: pd.DataFrame, name: str, role: str) -> np.ndarray:
    """Integer codes of a design column (strata, PSUs) that must never be missing."""
    col = column(data, name, role)
    codes, _ = pd.factorize(col, use_na_sentinel=True)
    if (codes < 0).any():
        raise DesignError(
            f"column {name!r} ({role}) must not be missing; " + offending(data, codes < 0, name),
            column=name,
        )
    return codes.astype(np.int64)


def analysis_variable(
    data: pd.DataFrame, name: str, role: str, as_held: bool = False
) -> np.ndarray:
    """A numeric or boolean analysis variable as floats (missing values as NaN); a column of
    NumPy floats is returned as it is held (read it, never write into it). With ``as_held``,
    a column of NumPy integers or 32-bit floats is too (for the compiled loops, which read
    any of them: no converted copy of the column is made)."""
    col = column(data, name, role)
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        if isinstance(col.dtype, np.dtype):  # NumPy's own: NaN is its missing value
            values = col.to_numpy()
            held = values.dtype == np.float64 or (
                as_held and (values.dtype == np.float32 or values.dtype.kind in "iu")
            )
            return values if held else values.astype(float)
        return col.to_numpy(dtype=float, na_value=np.nan)
    conv = pd.to_numeric(col, errors="coerce")
    bad = (conv.isna() & col.notna()).to_numpy()
    raise EstimationInputError(
        f"column {name!r} ({role}) must be numeric or boolean; "
        "non-numeric at " + offending(data, bad, name),
        column=name,
        rows=first_rows(data, bad, name)[0],
    )


def binary_variable(data: pd.DataFrame, name: str, domain: np.ndarray) -> np.ndarray:
    """A 0/1 variable; values outside the domain are not checked (nor used)."""
    y = analysis_variable(data, name, "proportion variable")
    if small_integers(y, 2)[2]:  # every value 0, 1 or missing (one compiled pass)
        return y
    bad = domain & ~np.isnan(y) & (y != 0) & (y != 1)
    if bad.any():
        raise EstimationInputError(
            f"column {name!r} must hold 0/1 (or boolean) values for a "
            "proportion; other values at " + offending(data, bad, name),
            column=name,
            rows=first_rows(data, bad, name)[0],
        )
    return y


def given_values(values, name: str, n_rows: int) -> np.ndarray:
    """A variable's values given by a caller rather than read from a column: floats, one
    per row (32-bit floats kept as they are)."""
    y = np.asarray(values)
    if y.dtype not in (np.float32, np.float64):
        y = y.astype(float)
    if y.shape != (n_rows,):
        raise EstimationInputError(
            f"{name!r}: {y.shape[0] if y.ndim else 0} values given for {n_rows} rows"
        )
    return y


def valid_rows(
    cell: np.ndarray, y: np.ndarray, x: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of a cell where ``y`` (and the denominator ``x``) are known.

    Returns
    -------
    valid : numpy.ndarray of bool
        Those rows.
    code : numpy.ndarray
        Each row's cell there, -1 elsewhere.
    yv, xv : numpy.ndarray
        ``y`` and ``x`` there (``x`` is 1 for a mean: ``x`` None), 0 elsewhere.
    """
    valid = (cell >= 0) & ~np.isnan(y)
    if x is not None:
        valid &= ~np.isnan(x)
    yv = np.where(valid, y, 0.0)
    xv = np.ones_like(yv) if x is None else np.where(valid, x, 0.0)
    return valid, np.where(valid, cell, -1), yv, xv


def domain_mask(data: pd.DataFrame, where) -> np.ndarray:
    """The rows of a ``where=`` domain: a filter expression, or a boolean Series or array."""
    n = len(data)
    if where is None:
        return np.ones(n, dtype=bool)
    if isinstance(where, (str, Filter)):
        return evaluate_filter(where, data)
    if isinstance(where, pd.Series):
        if len(where) != n:
            raise EstimationInputError(f"where has {len(where)} values but the design has {n} rows")
        if not where.index.equals(data.index):
            raise EstimationInputError(
                "where's index does not match the design data's index: "
                "build it from the same frame, or pass .to_numpy()"
            )
        if not (pd.api.types.is_bool_dtype(where)):
            raise EstimationInputError(f"where must be boolean, got dtype {where.dtype}")
        return where.fillna(False).to_numpy(dtype=bool)
    arr = np.asarray(where)
    if arr.ndim != 1 or len(arr) != n:
        raise EstimationInputError(f"where has shape {arr.shape} but the design has {n} rows")
    if arr.dtype != bool:
        raise EstimationInputError(f"where must be boolean, got dtype {arr.dtype}")
    return arr


def check_design_combination(
    strata, psu, fpc, replicate_weights, method, replicate_options, variance: str, nest: bool
) -> None:
    """Refuse design arguments that do not go together (a pandas or a Dask design alike).

    Raises
    ------
    DesignError
        ``nest=True`` without strata and PSUs; ``variance="none"`` with design columns; both
        linearisation and replicate columns; an empty list of replicate weights; ``method``,
        ``rho``, ``scale`` or ``rscales`` (``replicate_options``) without replicate weights.
    """
    if nest and (variance == "none" or replicate_weights is not None):
        raise DesignError(
            "nest=True applies to designs given by strata and psu (linearisation) only"
        )
    if variance == "none":
        if strata or psu or fpc or replicate_weights is not None or method is not None:
            raise DesignError(
                "variance='none' declares that the data carry no design information: do "
                "not give strata, psu, fpc or replicate weights with it"
            )
    elif replicate_weights is not None:
        if strata or psu or fpc:
            raise DesignError(
                "give either strata/psu/fpc (linearisation) or "
                "replicate_weights (replication), not both"
            )
        if not list(replicate_weights):
            raise DesignError("replicate_weights is empty")
    elif method is not None or any(o is not None for o in replicate_options):
        raise DesignError("method, rho, scale and rscales apply only with replicate_weights")
