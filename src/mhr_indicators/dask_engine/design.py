"""``DaskSurveyDesign``: a survey design whose rows stay in a Dask dataframe."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ColumnNotFoundError, DesignError, DesignOptionError, EstimationOptionError
from ..survey.estimators import Estimators
from ..survey.inputs import check_design_combination
from ..survey.kernels import Kernels
from ..survey.replicate import ReplicateStructure, canonical_method, default_scales
from ..vocab import ALL_DIMENSIONS, LONELY_PSU_POLICIES, LonelyPSU, VarianceKind, allowed
from .backend import dask_frame, map_partitions
from .facts import DesignColumns, combine_facts, partition_facts

KEYS = ("ref_area", "time_period")


def _levels_part(part: pd.DataFrame, number: int, columns: tuple) -> dict:
    return {c: part[c].drop_duplicates().dropna() for c in columns}


class DaskSurveyDesign(Estimators):
    """A sample and its design, the rows kept in a Dask dataframe (out of core, or on a cluster).

    The design is the one :class:`~mhr_indicators.SurveyDesign` takes (strata, PSUs, fpc, or
    replicate weights; the same checks and lonely-PSU policies). Its facts — PSUs per stratum,
    sampling fractions, replicate-factor patterns, the levels of the cell columns — are
    collected in one pass when it is built. :func:`~mhr_indicators.compute` and the estimators
    (:meth:`mean`, :meth:`proportion`, :meth:`ratio`, :meth:`total`, :meth:`quantile`,
    :meth:`estimate`) reduce each partition to weighted sums per cell and PSU (or replicate)
    on the workers; only those small tables reach the client, and the estimates equal those of
    the pandas path to rounding.

    Parameters
    ----------
    data : dask.dataframe.DataFrame, str or os.PathLike
        The sample: a Dask dataframe, or the path of a Parquet file or dataset (read lazily).
    weights, strata, psu, fpc : str
        As for :class:`~mhr_indicators.SurveyDesign`.
    replicate_weights, method, rho, scale, rscales, mse : optional
        As for :class:`~mhr_indicators.SurveyDesign`.
    lonely_psu, variance, nest : optional
        As for :class:`~mhr_indicators.SurveyDesign`.
    populations_per_pass : int, optional
        How many populations (distinct population filters and breakdowns) one pass of
        :func:`~mhr_indicators.compute` adds up. By default all, in one read of the data; the
        client then holds every population's (cell, PSU) tables at once, which can outgrow its
        memory on very large samples: 1 holds one population's at a time (one read each).

    Raises
    ------
    ConfigurationError
        When dask is not installed (``pip install "mhr_indicators[dask]"``).

    Examples
    --------
    >>> design = DaskSurveyDesign("lfs_parquet/", weights="weight", strata="stratum", psu="psu")
    >>> res = mhr.compute(["WORK.O.EPR"], survey=design, by=["sex"])
    """

    def __init__(
        self,
        data: Any,
        *,
        weights: str,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        replicate_weights: Sequence[str] | None = None,
        method: str | None = None,
        rho: float | None = None,
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        mse: bool = True,
        lonely_psu: LonelyPSU = "fail",
        variance: VarianceKind = "design",
        nest: bool = False,
        populations_per_pass: int | None = None,
    ) -> None:
        self.frame = dask_frame(data)
        self.populations_per_pass = populations_per_pass
        allowed("lonely_psu policy", lonely_psu, LONELY_PSU_POLICIES, DesignOptionError)
        allowed("variance", variance, ("design", "none"), DesignOptionError)
        reps = None if replicate_weights is None else tuple(replicate_weights)
        if not isinstance(nest, (bool, np.bool_)):
            raise DesignOptionError(f"nest must be True or False, got {nest!r}")
        check_design_combination(
            strata, psu, fpc, reps, method, (rho, scale, rscales), variance, nest
        )
        self.weights, self.strata, self.psu, self.fpc = weights, strata, psu, fpc
        self.replicate_weights, self.lonely_psu, self.variance = reps, lonely_psu, variance
        self.nest = bool(nest)
        for name, role in [(weights, "weights"), (strata, "strata"), (psu, "psu"), (fpc, "fpc")]:
            if name:
                self._numeric(name, role) if role in ("weights", "fpc") else self._column(name)
        for name in reps or ():
            self._numeric(name, "replicate weight")
        levels = tuple(c for c in (*KEYS, *ALL_DIMENSIONS) if c in self.column_names)
        linearised = variance == "design" and reps is None
        self.spec = DesignColumns(weights, strata, psu, fpc, reps, levels, linearised)
        results = map_partitions(self.frame, self.spec.read, partition_facts, self.spec)
        self.facts = combine_facts(results, self.spec, lonely_psu, self.nest)
        self._levels = dict(self.facts.levels)
        rep = None
        if reps is not None:
            self.method = canonical_method(method)
            sc, rsc = default_scales(self.method, len(reps), rho, scale, rscales)
            rep = ReplicateStructure.from_patterns(
                self.facts.pattern_factors, self.method, sc, rsc, bool(mse)
            )
        else:
            self.method = "linearisation" if linearised else "none"
        self.kernels = Kernels(np.empty(0), self.facts.taylor, rep)

    def _column(self, name: str, role: str = "column") -> None:
        if not isinstance(name, str) or name not in self.column_names:
            raise ColumnNotFoundError(str(name), role, self.column_names)

    def _numeric(self, name: str, role: str) -> None:
        self._column(name, role)
        dtype = self.frame.dtypes[name]
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise DesignError(f"column {name!r} ({role}) must be numeric, not {dtype}", column=name)

    # --- description ---------------------------------------------------------------------------
    @property
    def column_names(self) -> list[str]:
        """The columns of the design's data."""
        return list(self.frame.columns)

    @property
    def dtypes(self) -> pd.Series:
        return self.frame.dtypes

    @property
    def n_rows(self) -> int:
        return self.facts.n_rows

    def __len__(self) -> int:
        return self.n_rows

    @property
    def pattern_keys(self) -> np.ndarray | None:
        """Hash keys of the replicate-factor patterns (replicate designs), in pattern order."""
        return self.facts.pattern_keys

    def __repr__(self) -> str:
        kind = self.method
        t = self.kernels.taylor
        if t is not None:
            kind = f"linearisation: {t.n_strata} strata, {t.n_psus} PSUs"
        elif self.replicate_weights:
            kind = f"{len(self.replicate_weights)} {self.method} replicate weights"
        return (
            f"DaskSurveyDesign({self.n_rows} rows in {self.frame.npartitions} partitions, "
            f"weights={self.weights!r}; {kind})"
        )

    def levels(self, columns: Sequence[str]) -> dict[str, pd.Index]:
        """The sorted distinct values of cell columns (one pass for those not yet known)."""
        todo = tuple(c for c in dict.fromkeys(columns) if c not in self._levels)
        for c in todo:
            self._column(c, "by")
        if todo:
            from .coding import levels_of

            parts = map_partitions(self.frame, todo, _levels_part, todo)
            for c in todo:
                self._levels[c] = levels_of([p[c] for p in parts])
        return {c: self._levels[c] for c in columns}

    # --- compute and the estimators ------------------------------------------------------------
    def survey_run(self, rules, level: float, source: str):
        """The engine's run of :func:`~mhr_indicators.compute` on this design."""
        from .run import DaskSurveyRun

        return DaskSurveyRun(self, rules, level, source)

    def cell_sums(self, by: Sequence[str] | str, *, where=None, variables=()):
        """:class:`~mhr_indicators.survey.CellSums` of ``variables`` (``(statistic, name,
        denominator)`` triples) in the finest cells of ``by``, in one pass.

        ``where`` is a filter expression (the rows stay on the workers: no boolean arrays).
        """
        from .estimate import design_cell_sums

        return design_cell_sums(self, by, where, variables)

    def estimate(
        self,
        statistic: str,
        variable: str,
        *,
        denominator: str | None = None,
        q: float | None = None,
        by: Sequence[str] | str | None = None,
        where=None,
        level: float = 0.95,
    ):
        """As :meth:`SurveyDesign.estimate <mhr_indicators.SurveyDesign.estimate>`; ``where``
        is a filter expression."""
        from .estimate import design_estimate

        if (q is not None) != (statistic == "quantile"):
            raise EstimationOptionError("q= is needed by, and only by, a quantile")
        return design_estimate(self, statistic, variable, denominator, q, by, where, level)
