"""Cell estimates with their joint sampling covariance, and contrasts over them.

:meth:`SurveyDesign.estimate <mhr_indicators.survey.SurveyDesign.estimate>` returns an
:class:`Estimates`: the estimates of every cell of one call together with what their covariance
needs (linearised score totals per PSU, or replicate estimates). This is R's
``svyby(..., covmat=TRUE)``; :meth:`Estimates.contrast` (any linear combination) and
:meth:`Estimates.compare` (differences and the ratio forms, by the delta method) are R's
``svycontrast``. Results of contrasts are :class:`Estimates` again, so they combine further, and
:meth:`Estimates.concat` joins estimates of several calls on one design into one covariance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ConfigurationError, EstimationInputError
from ..vocab import CI_METHODS, allowed
from .compiled import index_type
from .contrast import value_and_gradient
from .covariance import combine, pair_forms, pair_variance, taylor_covariance
from .estimate import CellEstimate

_CI_BY_STATISTIC = {
    "proportion": CI_METHODS,
    "quantile": ("woodruff",),
}


class Estimates:
    """Estimates of the cells of one call, with their joint sampling covariance.

    Build it with :meth:`SurveyDesign.estimate
    <mhr_indicators.survey.SurveyDesign.estimate>`; read it with :meth:`to_frame` (the same
    table the estimators return) and :meth:`vcov`; compare its cells with :meth:`contrast` and
    :meth:`compare`.

    Attributes
    ----------
    statistic : str
        ``mean``, ``proportion``, ``ratio``, ``total``, ``quantile``, or ``contrast`` for a
        combination of estimates.
    labels : pandas.DataFrame
        The cells: one row per estimate, one column per ``by`` variable (``contrast`` for named
        contrasts).
    value, se, variance, df, n_unweighted, n_weighted : numpy.ndarray
        One entry per cell. ``df`` are the design degrees of freedom of the cell (of a contrast:
        the smallest of the cells it involves).

    Examples
    --------
    >>> est = design.estimate("proportion", "employed", by=["sex", "born_abroad"])
    >>> est.vcov()
    >>> est.contrast({"double_disadvantage": {("F", 1): 1, ("M", 0): -1}}).to_frame()
    """

    __slots__ = ("_est", "_forms", "statistic")

    def __init__(self, cells: CellEstimate, statistic: str) -> None:
        self._est = cells
        self.statistic = statistic
        self._forms: tuple | None = None  # the last pairs compared without scores

    # --- reading --------------------------------------------------------------------------------
    @property
    def labels(self) -> pd.DataFrame:
        return self._est.labels.copy()

    def label_arrays(self) -> dict[str, np.ndarray]:
        """The cells' labels as one object array per column (for callers assembling many
        estimates into one table: no frame is copied)."""
        if self._est.label_arrays is not None:  # made once for the estimates of a breakdown
            return dict(self._est.label_arrays)
        return {str(c): v.to_numpy(dtype=object) for c, v in self._est.labels.items()}

    @property
    def value(self) -> np.ndarray:
        return self._est.value.copy()

    @property
    def variance(self) -> np.ndarray:
        return self._est.variance.copy()

    @property
    def se(self) -> np.ndarray:
        return self._est.se

    @property
    def df(self) -> np.ndarray:
        return self._est.df.copy()

    @property
    def n_unweighted(self) -> np.ndarray:
        return self._est.n_unweighted.copy()

    @property
    def n_weighted(self) -> np.ndarray:
        return self._est.n_weighted.copy()

    def __len__(self) -> int:
        return len(self._est.value)

    @property
    def nbytes(self) -> int:
        """Memory held by the estimates, mostly what their covariance is computed from (the
        cells' scores per PSU, or their replicate estimates): to bound how many are kept at
        once."""
        e = self._est
        held = sum(
            m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
            for m in (e.scores, e.present)
            if m is not None
        )
        if e.replicates is not None:
            held += e.replicates.nbytes
        return held + 5 * e.value.nbytes

    def __repr__(self) -> str:
        by = ", ".join(map(str, self._est.labels.columns)) or "the whole domain"
        e = self._est
        kind = (
            "replicate weights"
            if e.replicates is not None
            else "linearisation"
            if e.scores is not None
            else "no covariance"
        )
        return f"Estimates({self.statistic}, {len(self)} cells by {by}; {kind})"

    def to_frame(self, ci: str | None = None, level: float = 0.95) -> pd.DataFrame:
        """The estimates as a table: the cells' columns, then value, se, ci_lower, ci_upper, cv,
        n_unweighted, n_weighted, df, n_eff.

        Parameters
        ----------
        ci : str, optional
            Interval method: for proportions ``logit`` (default), ``beta``, ``wald`` or ``t``;
            quantiles ``woodruff``; other statistics and contrasts ``wald`` (default) or ``t``.
        level : float
            Confidence level, in (0, 1).
        """
        ci = self._checked_ci(ci, level)
        return self._est.to_frame(ci, level, proportion=self.statistic == "proportion")

    def columns(self, ci: str | None = None, level: float = 0.95) -> dict[str, np.ndarray]:
        """The numeric columns of :meth:`to_frame` as arrays, without the cells' labels (the
        same figures, for callers that assemble many estimates into one table).

        Parameters
        ----------
        ci, level
            As for :meth:`to_frame`.

        Returns
        -------
        dict of str to numpy.ndarray
            ``value``, ``se``, ``ci_lower``, ``ci_upper``, ``cv``, ``n_unweighted``,
            ``n_weighted``, ``df``, ``n_eff``: one entry per cell.
        """
        ci = self._checked_ci(ci, level)
        return self._est.columns(ci, level, proportion=self.statistic == "proportion")

    def _checked_ci(self, ci: str | None, level: float) -> str:
        choices = _CI_BY_STATISTIC.get(self.statistic, ("wald", "t"))
        ci = ci or choices[0]
        allowed("ci", ci, choices)
        if not 0 < level < 1:
            raise ConfigurationError(f"level must be between 0 and 1, got {level!r}")
        return ci

    def _index(self) -> pd.Index:
        labels = self._est.labels
        if labels.shape[1] == 0:
            return pd.RangeIndex(len(labels))
        if labels.shape[1] == 1:
            return pd.Index(labels.iloc[:, 0], name=labels.columns[0])
        return pd.MultiIndex.from_frame(labels)

    def vcov(self) -> pd.DataFrame:
        """The sampling covariance matrix of the cells (R's ``vcov`` of ``svyby(covmat=TRUE)``).

        Returns
        -------
        pandas.DataFrame
            Square, indexed by the cells both ways. All missing for a design without variance
            information (``variance="none"``).

        Raises
        ------
        EstimationInputError
            For quantiles: their Woodruff intervals are per cell, with no covariance.
        """
        e = self._est
        n = len(self)
        if e.replicates is not None:
            centre = (
                e.value[:, None]
                if e.replicate_design.mse
                else e.replicates[:, e.replicate_design.rscales > 0].mean(axis=1, keepdims=True)
            )
            dev = e.replicates - centre
            matrix = e.replicate_design.scale * (dev * e.replicate_design.rscales) @ dev.T
        elif e.scores is not None:
            matrix = taylor_covariance(e)
        elif e.interval is not None:
            raise EstimationInputError(
                "the covariance of quantile estimates is not available: their Woodruff "
                "intervals are computed cell by cell"
            )
        else:
            matrix = np.full((n, n), np.nan)
        index = self._index()
        return pd.DataFrame(matrix, index=index, columns=index)

    # --- selecting ------------------------------------------------------------------------------
    def rows(self, **values) -> np.ndarray:
        """Positions of the cells whose labels equal the given values (a list: any of them).

        >>> est.rows(sex="F", born_abroad=1)
        """
        labels = self._est.labels
        mask = np.ones(len(labels), dtype=bool)
        for column, wanted in values.items():
            if column not in labels.columns:
                raise ConfigurationError(
                    f"{column!r} is not a column of these estimates' cells: "
                    + ", ".join(map(str, labels.columns))
                )
            many = isinstance(wanted, (list, tuple, set, np.ndarray, pd.Index))
            col = labels[column]
            mask &= (col.isin(list(wanted)) if many else col == wanted).to_numpy(bool)
        return np.flatnonzero(mask)

    def take(self, rows: Sequence[int] | np.ndarray) -> Estimates:
        """The estimates of the given cell positions, keeping their covariance."""
        return Estimates(self._est.take(np.asarray(rows, dtype=np.int64)), self.statistic)

    @classmethod
    def concat(cls, parts: Sequence[Estimates], labels: pd.DataFrame | None = None) -> Estimates:
        """Join estimates of several calls on the same design, keeping their joint covariance
        (e.g. a group estimate and the total it is compared with).

        Parameters
        ----------
        parts : list of Estimates
            Estimates of one design.
        labels : pandas.DataFrame, optional
            The joined cells' labels, one row per cell (default: the parts' labels, stacked).
            A caller that keeps the labels itself may pass a frame without columns.
        """
        parts = list(parts)
        if not parts:
            raise ConfigurationError("concat needs at least one Estimates")
        first = parts[0]._est
        for p in parts[1:]:
            same = (p._est.taylor is first.taylor) and (
                p._est.replicate_design is first.replicate_design
            )
            if not same:
                raise ConfigurationError(
                    "Estimates.concat joins estimates of one design only: their covariance "
                    "across designs is unknown"
                )
        ests = [p._est for p in parts]
        if labels is None:
            labels = pd.concat([e.labels for e in ests], ignore_index=True)
        elif len(labels) != sum(len(e.value) for e in ests):
            raise ConfigurationError(
                f"{len(labels)} label rows for {sum(len(e.value) for e in ests)} cells"
            )

        def stack(name, how):
            items = [getattr(e, name) for e in ests]
            return None if any(i is None for i in items) else how(items)

        fields = ("value", "variance", "df", "n_unweighted", "n_weighted")
        joined = CellEstimate(
            labels,
            *(np.concatenate([getattr(e, f) for e in ests]) for f in fields),
            scores=stack("scores", lambda m: sp.vstack(m, format="csr")),
            replicates=stack("replicates", np.vstack),
            replicate_design=first.replicate_design,
            present=stack("present", lambda m: sp.vstack(m, format="csr")),
            taylor=first.taylor,
            interval=stack("interval", _join_intervals),
        )
        statistics = {p.statistic for p in parts}
        return cls(joined, statistics.pop() if len(statistics) == 1 else "mixed")

    # --- contrasts ------------------------------------------------------------------------------
    def _cell_position(self, key) -> int:
        labels = self._est.labels
        key = key if isinstance(key, tuple) else (key,)
        if len(key) != labels.shape[1]:
            raise ConfigurationError(
                f"cell {key!r} must give one value per column of the cells: "
                + ", ".join(map(str, labels.columns))
            )
        mask = np.ones(len(labels), dtype=bool)
        for col, value in zip(labels.columns, key, strict=True):
            mask &= (labels[col] == value).to_numpy(bool)
        found = np.flatnonzero(mask)
        if len(found) != 1:
            raise ConfigurationError(f"no cell {key!r} among these estimates")
        return int(found[0])

    def _coefficients(self, coefficients, names) -> tuple[np.ndarray, list[str]]:
        n = len(self)
        if isinstance(coefficients, Mapping):
            names = [str(k) for k in coefficients]
            rows = []
            for spec in coefficients.values():
                if isinstance(spec, Mapping):
                    row = np.zeros(n)
                    for key, coef in spec.items():
                        row[self._cell_position(key)] += float(coef)
                    rows.append(row)
                else:
                    rows.append(np.asarray(spec, dtype=float))
            matrix = np.vstack(rows) if rows else np.zeros((0, n))
        else:
            matrix = np.atleast_2d(np.asarray(coefficients, dtype=float))
        if matrix.shape[1] != n:
            raise ConfigurationError(
                f"contrast coefficients have {matrix.shape[1]} columns for {n} cells"
            )
        names = list(names) if names is not None else [f"c{i + 1}" for i in range(len(matrix))]
        if len(names) != len(matrix):
            raise ConfigurationError(f"{len(names)} names for {len(matrix)} contrasts")
        return matrix, names

    def contrast(
        self,
        coefficients,
        names: Sequence[str] | None = None,
        labels: pd.DataFrame | None = None,
    ) -> Estimates:
        """Linear combinations of the cells, with covariance-correct standard errors.

        Parameters
        ----------
        coefficients : array-like or dict
            A vector (one contrast) or a matrix (one row per contrast) with one coefficient per
            cell, in the cells' order; or a dict ``{name: {cell: coefficient}}`` where a cell is
            a tuple of its label values (a scalar when cells have one column), or
            ``{name: vector}``.
        names : list of str, optional
            Names of the contrasts (default ``c1``, ``c2``, ... or the dict's keys).
        labels : pandas.DataFrame, optional
            Labels of the contrasts, one row each (default: a ``contrast`` column of the names).

        Returns
        -------
        Estimates
            One row per contrast (cells labelled by a ``contrast`` column); ``df`` is the
            smallest of the cells involved; ``n_unweighted``/``n_weighted`` add up the cells
            involved.
        """
        matrix, names = self._coefficients(coefficients, names)
        csr = sp.csr_matrix(matrix)
        if labels is None:
            labels = pd.DataFrame({"contrast": names})
        elif len(labels) != len(names):
            raise ConfigurationError(f"{len(labels)} label rows for {len(names)} contrasts")
        labels = labels.reset_index(drop=True)
        return Estimates(combine(self._est, csr, matrix @ self._est.value, labels), "contrast")

    def compare(
        self,
        a: Sequence[int] | np.ndarray,
        b: Sequence[int] | np.ndarray,
        kind: str = "gap",
        labels: pd.DataFrame | None = None,
        scores: bool = True,
    ) -> Estimates:
        """Compare cells ``a[i]`` with ``b[i]``: a difference or a ratio form, by the delta method.

        Parameters
        ----------
        a, b : sequence of int
            Cell positions (e.g. from :meth:`rows`), paired element by element.
        kind : {"gap", "ratio", "relative_gap", "parity_index", "adjusted_parity_index"}
            ``gap`` a - b; ``ratio``/``parity_index`` a / b; ``relative_gap`` (b - a) / b;
            ``adjusted_parity_index`` a / b, or 2 - b / a when a / b > 1.
        labels : pandas.DataFrame, optional
            Labels of the comparisons (default: the labels of the ``a`` cells).
        scores : bool
            Keep the comparisons' linearised scores, so that they can be contrasted further.
            With False only their variances are made (the same values, to rounding): the
            variances and covariance of the compared cells are found once for every kind of
            comparison of the same pairs, much faster, but the result cannot be contrasted.

        Returns
        -------
        Estimates
            One row per pair, statistic ``contrast``.
        """
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        if a.shape != b.shape or a.ndim != 1:
            raise ConfigurationError("compare needs two equally long lists of cell positions")
        value, ga, gb = value_and_gradient(kind, self._est.value[a], self._est.value[b])
        ga = np.nan_to_num(ga, nan=0.0, posinf=0.0, neginf=0.0)
        gb = np.nan_to_num(gb, nan=0.0, posinf=0.0, neginf=0.0)
        matrix = _pair_matrix(a, b, ga, gb, len(self))
        if labels is None:
            labels = self._est.labels.iloc[a].reset_index(drop=True)
        forms = None if scores else self._pair_forms(a, b)
        variance = None if forms is None else pair_variance(forms, ga, gb)
        return Estimates(combine(self._est, matrix, value, labels, variance), "contrast")

    def _pair_forms(self, a: np.ndarray, b: np.ndarray) -> tuple | None:
        """The :func:`.covariance.pair_forms` of the pairs (a, b), kept for the next kinds
        of comparison of the same pairs."""
        key = (a.tobytes(), b.tobytes())
        if self._forms is None or self._forms[0] != key:
            self._forms = (key, pair_forms(self._est, a, b))
        return self._forms[1]


def _pair_matrix(
    a: np.ndarray, b: np.ndarray, ga: np.ndarray, gb: np.ndarray, n: int
) -> sp.csr_matrix:
    """The k-by-n matrix whose row i holds ``ga[i]`` in column ``a[i]`` and ``gb[i]`` in
    column ``b[i]`` (added up where they are one column), columns in order within a row."""
    k = len(a)
    if np.any(a == b):
        rows = np.concatenate([np.arange(k), np.arange(k)])
        matrix = sp.csr_matrix((np.concatenate([ga, gb]), (rows, np.concatenate([a, b]))), (k, n))
        matrix.sum_duplicates()
        return matrix
    first = a < b  # built directly: two entries a row, no sorting of a COO matrix
    columns = np.where(first, a, b), np.where(first, b, a)
    values = np.where(first, ga, gb), np.where(first, gb, ga)
    index = index_type(n, 2 * k).dtype
    return sp.csr_matrix(
        (
            np.column_stack(values).ravel(),
            np.column_stack(columns).ravel().astype(index),
            np.arange(0, 2 * k + 1, 2, dtype=index),
        ),
        shape=(k, n),
    )


def _join_intervals(intervals: list[tuple[np.ndarray, np.ndarray]]):
    return tuple(np.concatenate(ends) for ends in zip(*intervals, strict=True))
