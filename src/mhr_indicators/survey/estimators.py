"""The named estimators of a design (mean, proportion, ratio, total, quantile): each is
:meth:`SurveyDesign.estimate` followed by :meth:`Estimates.to_frame`, with the interval chosen."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import EstimationOptionError
from ..vocab import CI_METHODS, MeanCI, ProportionCI, allowed


class Estimators:
    """The estimators every :class:`SurveyDesign` offers (R's ``svymean``, ``svyciprop``,
    ``svyratio``, ``svytotal``, ``svyquantile`` with ``svyby``)."""

    @staticmethod
    def _check_ci(ci: str, choices: Sequence[str]) -> None:
        allowed("ci", ci, tuple(choices), EstimationOptionError)

    @staticmethod
    def _check_level(level: float) -> None:
        if not 0 < level < 1:
            raise EstimationOptionError(f"level must be between 0 and 1, got {level!r}")

    def mean(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: MeanCI = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the mean of a numeric variable in each cell, with its sampling error.

        Parameters
        ----------
        variable : str
            Numeric (or boolean) column; missing values leave the domain.
        by : list of str, optional
            Columns whose observed combinations define the cells; rows with a missing ``by`` value
            belong to no cell.
        where : str, Filter or boolean array, optional
            Domain filter (the filter grammar of :mod:`mhr_indicators.filters`, or a boolean
            Series aligned with the data). The full design is kept for the variance.
        ci : {"wald", "t"}
            Interval: normal quantile (as R's ``confint``) or Student t with the cell's df.
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row per cell: the ``by`` columns, then value, se, ci_lower, ci_upper, cv,
            n_unweighted, n_weighted, df, n_eff (NaN: defined for proportions).
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        return self.estimate("mean", variable, by=by, where=where).to_frame(ci, level)

    def proportion(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: ProportionCI = "logit",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the share of a 0/1 variable in each cell, with its sampling error.

        Parameters
        ----------
        variable : str
            Column holding 0/1 (or boolean) values; missing values leave the domain.
        by : list of str, optional
            Columns whose observed combinations define the cells.
        where : str, Filter or boolean array, optional
            Domain filter. The full design is kept for the variance.
        ci : {"logit", "beta", "wald", "t"}
            Interval method, as R's ``svyciprop``: ``logit`` (default), ``beta``
            (Korn-Graubard), ``t`` (``method="mean"``), or ``wald`` (normal quantile).
        level : float
            Confidence level.

        Returns
        -------
        pandas.DataFrame
            One row per cell: the ``by`` columns, then value (a share between 0 and 1), se,
            ci_lower, ci_upper, cv, n_unweighted, n_weighted, df (design degrees of freedom of
            the cell), n_eff (NCHS effective sample size, p(1-p)/se^2 capped at n).
        """
        self._check_ci(ci, CI_METHODS)
        self._check_level(level)
        return self.estimate("proportion", variable, by=by, where=where).to_frame(ci, level)

    def ratio(
        self,
        numerator: str,
        denominator: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: MeanCI = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the ratio of two weighted totals, sum(w y) / sum(w x), in each cell.

        Parameters
        ----------
        numerator, denominator : str
            Numeric columns; a row missing either leaves the domain.
        by, where, ci, level
            As for :meth:`mean`. A cell whose denominator total is zero gives NaN.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`.
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        est = self.estimate("ratio", numerator, denominator=denominator, by=by, where=where)
        return est.to_frame(ci, level)

    def total(
        self,
        variable: str,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        ci: MeanCI = "wald",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate the population total of a variable in each cell.

        Parameters
        ----------
        variable : str
            Numeric or boolean column; missing values leave the domain.
        by, where, ci, level
            As for :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`; ``n_weighted`` is the estimated population of the cell.
        """
        self._check_ci(ci, ("wald", "t"))
        self._check_level(level)
        return self.estimate("total", variable, by=by, where=where).to_frame(ci, level)

    def quantile(
        self,
        variable: str,
        q: float,
        *,
        by: Sequence[str] | str | None = None,
        where=None,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate a quantile (e.g. the median, ``q=0.5``) in each cell, with a Woodruff interval.

        The estimate is the smallest value whose weighted distribution function reaches ``q``
        (R's ``qrule="math"``). The interval is Woodruff's, as R's ``svyquantile`` default: the
        share of the cell at or below the estimate, F, gets the interval F +/- t(df) se(F), whose
        ends are mapped back through the same quantile rule (an end outside [0, 1] gives NaN).
        ``se`` is the interval's width over 2 t(df).

        Parameters
        ----------
        variable : str
            Numeric column; missing values leave the domain.
        q : float
            Probability in (0, 1).
        by, where, level
            As for :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            As for :meth:`mean`.
        """
        est = self.estimate("quantile", variable, q=q, by=by, where=where, level=level)
        return est.to_frame("woodruff")
