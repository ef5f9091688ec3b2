"""The Dask path: survey indicators from data that do not fit one machine's memory.

:class:`DaskSurveyDesign` keeps the rows in a Dask dataframe (a Parquet dataset read lazily, or
any Dask dataframe) on a local or distributed cluster. :func:`mhr_indicators.compute` and the
design's estimators reduce each partition to weighted sums per cell and PSU (or replicate)
with the pandas path's own code, add the partitions' tables up on the client, and estimate
from them exactly as the pandas path does; quantiles take four exact passes with bounded
memory. Dask is optional: importing this package does not import it
(``pip install "mhr_indicators[dask]"``).
"""

from .design import DaskSurveyDesign

__all__ = ["DaskSurveyDesign"]
