"""Taylor-linearisation (ultimate-cluster) variance, as R ``survey``'s ``svyrecvar``.

An estimate's influence is summarised by its score totals per PSU, held as a sparse matrix with
one row per cell and one column per PSU. The variance of a row is

    sum over strata h of  c_h * [ sum_j Z_hj^2 - (sum_j Z_hj)^2 / n_h ]

with c_h = (1 - f_h) n_h / (n_h - 1), f_h the first-stage sampling fraction and n_h the number of
PSUs the *design* has in stratum h (PSUs of the stratum with no member in the domain count, with a
zero score: R's ``subset()`` semantics). Strata with a single PSU follow the lonely-PSU policy.
Because the score matrix is linear, contrasts (gaps between cells) are variances of differences of
score rows, which carries their covariance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import DesignError, LonelyPSUError
from ..vocab import LONELY_PSU_POLICIES
from .inputs import design_codes, design_numeric, first_rows, offending
from .table_loops import stratum_variance

__all__ = ["LONELY_PSU_POLICIES", "TaylorStructure", "taylor_from_columns"]

_SHOWN = 5  # PSU labels (and strata of each) named in an error


@dataclass(frozen=True)
class TaylorStructure:
    """Design-level arrays for linearisation, built once per design.

    Attributes
    ----------
    psu : numpy.ndarray
        Global PSU number of each row (PSUs are nested in strata).
    stratum : numpy.ndarray
        Stratum number of each row.
    psu_stratum : numpy.ndarray
        Stratum number of each PSU.
    n_psu : numpy.ndarray
        Number of sampled PSUs per stratum.
    coef : numpy.ndarray
        Variance multiplier per stratum (see module docstring); for lonely strata the policy's
        multiplier (``adjust``: 1 - f_h on the uncentred PSU total; ``remove``/``certainty``: 0;
        ``average``: NaN, replaced by the average of the other strata).
    lonely : numpy.ndarray of bool
        Strata with a single PSU.
    lonely_psu : str
        The policy.
    """

    psu: np.ndarray
    stratum: np.ndarray
    psu_stratum: np.ndarray
    n_psu: np.ndarray
    coef: np.ndarray
    lonely: np.ndarray
    lonely_psu: str

    @cached_property
    def variance_coef(self) -> np.ndarray:
        """``coef`` with the NaN of the ``average`` policy's lonely strata as 0 (the policy
        then averages the other strata's terms, :meth:`variance`)."""
        return np.nan_to_num(self.coef)

    @cached_property
    def rows_by_psu(self) -> np.ndarray:
        """The rows in PSU order (made once per design, on first use)."""
        return np.argsort(self.psu, kind="stable")

    @property
    def n_psus(self) -> int:
        return len(self.psu_stratum)

    @property
    def n_strata(self) -> int:
        return len(self.n_psu)

    @classmethod
    def build(
        cls, stratum: np.ndarray, psu: np.ndarray, fraction: np.ndarray, lonely_psu: str
    ) -> TaylorStructure:
        """Build from row-level stratum and global PSU codes, and per-stratum sampling fractions."""
        n_strata = int(stratum.max()) + 1 if len(stratum) else 0
        n_psus = int(psu.max()) + 1 if len(psu) else 0
        psu_stratum = np.zeros(n_psus, dtype=np.int64)
        psu_stratum[psu] = stratum
        if np.any(psu_stratum[1:] < psu_stratum[:-1]):
            # number the PSUs stratum by stratum: a cell's PSUs, in order, then run through
            # its strata in order (the degrees of freedom count strata as they change)
            order = np.argsort(psu_stratum, kind="stable")
            rank = np.empty(n_psus, dtype=np.int64)
            rank[order] = np.arange(n_psus)
            psu, psu_stratum = rank[psu], psu_stratum[order]
        n_psu = np.bincount(psu_stratum, minlength=n_strata)
        lonely = n_psu == 1
        f = 1.0 - fraction  # R's f: the finite-population correction factor
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = np.where(lonely, f, f * n_psu / (n_psu - 1.0))
        coef = np.where(f < 1e-7, 0.0, coef)  # a stratum taken whole contributes no variance
        if lonely_psu in ("remove", "certainty"):
            coef = np.where(lonely, 0.0, coef)
        elif lonely_psu == "average":
            coef = np.where(lonely, np.nan, coef)
        for arr in (psu, stratum, psu_stratum, n_psu, coef, lonely):
            arr.flags.writeable = False
        return cls(psu, stratum, psu_stratum, n_psu, coef, lonely, lonely_psu)

    def stratum_indicator(self) -> sp.csr_matrix:
        """Sparse PSU-by-stratum indicator matrix."""
        ones = np.ones(self.n_psus)
        return sp.csr_matrix(
            (ones, (np.arange(self.n_psus), self.psu_stratum)), shape=(self.n_psus, self.n_strata)
        )

    def _sum_by(
        self,
        cell: np.ndarray,
        other: np.ndarray,
        width: int,
        values: np.ndarray | None,
        n_cells: int,
    ) -> sp.csr_matrix:
        """Sum ``values`` (or count rows) by (cell, other) over rows with ``cell >= 0``.

        A dense ``bincount`` over the combined key when the cells-by-``width`` table is small
        (the usual case: it is much faster than building a sparse matrix from every row), a
        sparse matrix otherwise.
        """
        keep = cell >= 0
        if n_cells * width <= 2**24:
            key = cell[keep] * width + other[keep]
            sums = np.bincount(
                key, weights=None if values is None else values[keep], minlength=n_cells * width
            ).astype(float)
            return sp.csr_matrix(sums.reshape(n_cells, width))
        data = np.ones(keep.sum()) if values is None else values[keep]
        m = sp.csr_matrix((data, (cell[keep], other[keep])), shape=(n_cells, width))
        m.sum_duplicates()
        return m

    def psu_totals(self, cell: np.ndarray, values: np.ndarray, n_cells: int) -> sp.csr_matrix:
        """Sum ``values`` by (cell, PSU) over rows with ``cell >= 0``: a cells-by-PSUs matrix."""
        return self._sum_by(cell, self.psu, self.n_psus, values, n_cells)

    def strata_present(self, cell: np.ndarray, n_cells: int) -> sp.csr_matrix | None:
        """Cells-by-strata matrix, nonzero where the cell has a row in the stratum. Only the
        ``average`` lonely-PSU policy needs it: None otherwise."""
        if self.lonely_psu != "average" or not self.lonely.any():
            return None
        return self._sum_by(cell, self.stratum, self.n_strata, None, n_cells)

    def variance(self, scores: sp.csr_matrix, present: sp.csr_matrix | None) -> np.ndarray:
        """Variance of each row of a cells-by-PSUs score matrix.

        Parameters
        ----------
        scores : scipy.sparse.csr_matrix
            Score totals per cell and PSU.
        present : scipy.sparse.csr_matrix
            Cells-by-strata matrix, nonzero where the cell has members in the stratum (used by
            the ``average`` policy: R averages over the strata present in the domain).
        """
        scores = scores if isinstance(scores, sp.csr_matrix) else sp.csr_matrix(scores)
        if not (self.lonely_psu == "average" and self.lonely.any()):
            return self._by_stratum(scores, self.variance_coef)
        ok = ~self.lonely
        contrib = self._by_stratum(scores, np.where(ok, self.coef, 0.0))
        pres = (present != 0).astype(float)
        n_present = np.asarray(pres.sum(axis=1)).ravel()
        n_ok = np.asarray(pres[:, np.flatnonzero(ok)].sum(axis=1)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n_ok > 0, contrib * n_present / n_ok, np.nan)

    def _by_stratum(self, scores: sp.csr_matrix, coef: np.ndarray) -> np.ndarray:
        """Each row's sum over strata of ``coef`` times its centred sum of squared PSU scores
        (a lonely PSU's stratum not centred, R's "adjust"), from the nonzero scores only."""
        return stratum_variance(
            scores.indptr,
            scores.indices,
            np.asarray(scores.data, dtype=float),
            self.psu_stratum,
            self.n_psu,
            self.lonely,
            np.asarray(coef, dtype=float),
        )

    def degrees_of_freedom(
        self, cell: np.ndarray, positive_weight: np.ndarray, n_cells: int
    ) -> np.ndarray:
        """PSUs minus strata with a member of positive weight in each cell (R's ``degf``)."""
        code = np.where(positive_weight, cell, -1)
        psus = self._sum_by(code, self.psu, self.n_psus, None, n_cells)
        strata = self._sum_by(code, self.stratum, self.n_strata, None, n_cells)
        psus.eliminate_zeros()
        strata.eliminate_zeros()
        return (psus.getnnz(axis=1) - strata.getnnz(axis=1)).astype(float)


def taylor_from_columns(
    data: pd.DataFrame,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: str,
    *,
    nest: bool = False,
) -> TaylorStructure:
    """Check a design's strata, PSU and fpc columns and build its linearisation structure.

    With ``nest=True`` PSU labels are read within strata (a label repeated in two strata is two
    PSUs); with ``nest=False`` (R's default) a label found in two strata raises
    :class:`DesignError` naming the labels and their strata. ``fpc`` is the population number
    of PSUs per stratum, or the sampling fraction when every value is <= 1; it must be constant
    within a stratum and not below the number of sampled PSUs. With ``lonely_psu="fail"``, a
    stratum with a single PSU raises :class:`LonelyPSUError`.
    """
    n = len(data)
    stratum = design_codes(data, strata, "strata") if strata else np.zeros(n, np.int64)
    if psu:
        raw = design_codes(data, psu, "psu")
        if strata and not nest:
            _check_nested(data, strata, psu, stratum, raw)
        psu_code, _ = pd.factorize(stratum * (int(raw.max()) + 1 if n else 1) + raw)
        psu_code = psu_code.astype(np.int64)
    else:
        psu_code = np.arange(n, dtype=np.int64)
    n_strata = int(stratum.max()) + 1 if n else 0
    psu_stratum = np.zeros(int(psu_code.max()) + 1 if n else 0, dtype=np.int64)
    psu_stratum[psu_code] = stratum
    n_psu = np.bincount(psu_stratum, minlength=n_strata)
    fraction = _sampling_fraction(data, fpc, stratum, n_psu) if fpc else np.zeros(n_strata)
    lonely = np.flatnonzero(n_psu == 1)
    if lonely.size and lonely_psu == "fail":
        first_row = np.full(n_strata, -1)
        first_row[stratum[::-1]] = np.arange(n)[::-1]
        labels = list(data[strata].iloc[first_row[lonely]]) if strata else ["(whole sample)"]
        raise LonelyPSUError(labels, strata)
    return TaylorStructure.build(stratum, psu_code, fraction, lonely_psu)


def _check_nested(
    data: pd.DataFrame, strata: str, psu: str, stratum: np.ndarray, raw: np.ndarray
) -> None:
    """Refuse PSU labels found in more than one stratum (R's ``svydesign(nest=FALSE)``)."""
    width = int(stratum.max()) + 1 if len(stratum) else 1
    n_labels = int(raw.max()) + 1 if len(raw) else 0
    pairs = np.unique(raw * width + stratum)
    shared = np.flatnonzero(np.bincount(pairs // width, minlength=n_labels) > 1)
    if not shared.size:
        return
    # name the shared labels in order of first appearance, each with its strata
    first = np.full(n_labels, len(raw))
    np.minimum.at(first, raw, np.arange(len(raw)))
    shared = shared[np.argsort(first[shared], kind="stable")]
    parts = []
    for label in shared[:_SHOWN]:
        at = np.flatnonzero(raw == label)
        names = list(dict.fromkeys(data[strata].iloc[at].tolist()))
        label_text = repr(data[psu].iloc[at[:1]].tolist()[0])
        strata_text = ", ".join(map(repr, names[:_SHOWN]))
        if len(names) > _SHOWN:
            strata_text += f" (and {len(names) - _SHOWN} more)"
        parts.append(f"PSU {label_text} in strata {strata_text}")
    more = f" (and {shared.size - _SHOWN} more PSU labels)" if shared.size > _SHOWN else ""
    bad = np.isin(raw, shared)
    rows, values = first_rows(data, bad, psu)
    raise DesignError(
        f"column {psu!r} (psu): PSU labels are not nested in the strata of column {strata!r}: "
        + "; ".join(parts)
        + more
        + ". Like R's svydesign ('Clusters not nested in strata at top level; you may want "
        "nest=TRUE'), a label must name one PSU. If PSUs are numbered afresh within each "
        "stratum, pass nest=True (a label is then a different PSU in each stratum); otherwise "
        "fix the PSU codes. First rows: " + offending(data, bad, psu),
        column=psu,
        rows=rows,
        values=values,
    )


def _sampling_fraction(
    data: pd.DataFrame, fpc: str, stratum: np.ndarray, n_psu: np.ndarray
) -> np.ndarray:
    """First-stage sampling fraction per stratum from an fpc column (counts or fractions)."""
    values = design_numeric(data, fpc, "fpc")
    if (values <= 0).any():
        raise DesignError(
            f"column {fpc!r} (fpc) must be > 0; " + offending(data, values <= 0, fpc),
            column=fpc,
        )
    n_strata = len(n_psu)
    lo = np.full(n_strata, np.inf)
    hi = np.full(n_strata, -np.inf)
    np.minimum.at(lo, stratum, values)
    np.maximum.at(hi, stratum, values)
    varying = np.flatnonzero(lo != hi)
    if varying.size:
        bad = np.isin(stratum, varying)
        raise DesignError(
            f"column {fpc!r} (fpc) must be constant within each "
            "stratum; it varies at " + offending(data, bad, fpc),
            column=fpc,
        )
    if bool((values <= 1).all()):
        return lo
    if (n_psu > lo).any():
        h = int(np.flatnonzero(n_psu > lo)[0])
        raise DesignError(
            f"column {fpc!r} (fpc): a stratum has more sampled PSUs "
            f"({n_psu[h]}) than its population count ({lo[h]:g}); "
            + offending(data, stratum == h, fpc),
            column=fpc,
        )
    return n_psu / lo
