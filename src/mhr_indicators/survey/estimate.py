"""One uniform result for every estimator: values, variances and what contrasts need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special

from ..vocab import ESTIMATE_COLUMNS
from .intervals import confidence_interval, proportion_effective_n
from .replicate import ReplicateStructure
from .taylor import TaylorStructure

RESULT_COLUMNS = ESTIMATE_COLUMNS


@dataclass(frozen=True, eq=False)
class CellEstimate:
    """Estimates for the cells of a breakdown, with the material for their sampling error.

    Attributes
    ----------
    label_source : pandas.DataFrame or callable
        The ``by`` values of each cell, or a function making them (called at the first use of
        :attr:`labels`: an engine that reads :attr:`label_arrays` never builds the frame).
    value, variance, df, n_unweighted, n_weighted : numpy.ndarray
        One entry per cell.
    scores : scipy.sparse.csr_matrix or None
        Linearised score totals (cells by PSUs), for linearisation designs.
    replicates : numpy.ndarray or None
        Replicate estimates (cells by replicates), for replicate designs.
    replicate_design : ReplicateStructure or None
        The replicate constants, to take variances of transformed estimates.
    present : scipy.sparse.csr_matrix or None
        Cells-by-strata presence (linearisation), for the lonely-PSU ``average`` policy.
    taylor : TaylorStructure or None
        The linearisation constants.
    interval : tuple of numpy.ndarray, optional
        A precomputed interval (Woodruff's for quantiles), used by ``ci="woodruff"``.
    label_arrays : dict of numpy.ndarray, optional
        The labels as one object array per column, where the maker keeps them (shared by the
        estimates of one breakdown: never changed).
    contrastable : bool
        False for comparisons made without their scores (their variances only), which
        cannot be contrasted further.
    """

    def take(self, rows: np.ndarray) -> CellEstimate:
        """The estimates of the given cell positions, with their variance material."""
        rows = np.asarray(rows, dtype=np.int64)
        return CellEstimate(
            self.labels.iloc[rows].reset_index(drop=True),
            self.value[rows],
            self.variance[rows],
            self.df[rows],
            self.n_unweighted[rows],
            self.n_weighted[rows],
            scores=None if self.scores is None else self.scores[rows],
            replicates=None if self.replicates is None else self.replicates[rows],
            replicate_design=self.replicate_design,
            present=None if self.present is None else self.present[rows],
            taylor=self.taylor,
            interval=None
            if self.interval is None
            else (self.interval[0][rows], self.interval[1][rows]),
        )

    label_source: pd.DataFrame | Callable[[], pd.DataFrame]
    value: np.ndarray
    variance: np.ndarray
    df: np.ndarray
    n_unweighted: np.ndarray
    n_weighted: np.ndarray
    scores: sp.csr_matrix | None = None
    replicates: np.ndarray | None = None
    replicate_design: ReplicateStructure | None = None
    present: sp.csr_matrix | None = None
    taylor: TaylorStructure | None = None
    interval: tuple[np.ndarray, np.ndarray] | None = None
    label_arrays: dict[str, np.ndarray] | None = None
    contrastable: bool = True

    @property
    def labels(self) -> pd.DataFrame:
        """The ``by`` values of each cell (made now if :attr:`label_source` makes them)."""
        source = self.label_source
        if callable(source):
            source = source()
            object.__setattr__(self, "label_source", source)  # made once
        return source

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(self.variance)

    def to_frame(self, ci: str, level: float, proportion: bool = False) -> pd.DataFrame:
        """The public result: ``by`` columns, then :data:`RESULT_COLUMNS`."""
        out = self.labels.copy()
        columns = self.columns(ci, level, proportion)
        for name in RESULT_COLUMNS:
            out[name] = columns[name]
        return out

    def columns(self, ci: str, level: float, proportion: bool = False) -> dict[str, np.ndarray]:
        """:data:`RESULT_COLUMNS` as arrays (no table built: the engine's fast path)."""
        se = self.se
        logit_se = None
        if ci == "logit" and self.replicates is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                logit_se = np.sqrt(
                    self.replicate_design.variance(
                        special.logit(self.replicates), special.logit(self.value)
                    )
                )
        if ci == "woodruff":
            lo, hi = self.interval
        else:
            lo, hi = confidence_interval(
                ci, self.value, se, self.df, self.n_unweighted, level, logit_se=logit_se
            )

        with np.errstate(divide="ignore", invalid="ignore"):
            cv = se / np.abs(self.value)
        n_eff = (
            proportion_effective_n(self.value, se, self.n_unweighted)
            if proportion
            else np.full(len(self.value), np.nan)
        )
        return {
            "value": self.value,
            "se": se,
            "ci_lower": lo,
            "ci_upper": hi,
            "cv": cv,
            "n_unweighted": self.n_unweighted.astype(np.int64),
            "n_weighted": self.n_weighted,
            "df": self.df,
            "n_eff": n_eff,
        }
