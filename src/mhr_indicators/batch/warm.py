"""What a batch's worker processes start from: the library imported and warmed up once.

The fork server that starts the workers (:mod:`.parallel`) imports this module before forking
any. It imports the worker's code and computes the survey catalogue once on a few hundred rows
of the shipped example, which runs the input schemas' checks once, loads the compiled loops and
fills the caches of the first call. A worker forked from it starts with all that done instead of
redoing it for its input (measured: 1.2 s less CPU per input). The warm-up changes nothing a
worker computes; if it fails, workers start as they would without it.
"""

from __future__ import annotations

import warnings

from . import worker  # noqa: F401  (the worker's imports, done once)

__all__ = ["warm_up"]

#: Rows of the example the warm-up computes on (enough for every estimator's code path).
WARM_ROWS = 400


def warm_up() -> bool:
    """Compute the survey catalogue by sex and age group on a few rows of the example
    (results discarded); True when it ran, False when something failed."""
    try:
        import mhr_indicators as mhr

        data = mhr.harmonise(
            mhr.load_example().head(WARM_ROWS), mhr.datasets.path("mappings/example_lfs.yaml")
        )
        design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc")
        current = [i for i in mhr.load_catalogue().filter(source_kind="survey") if not i.retired]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mhr.compute(current, survey=design, by=["sex", "age_group"], errors="collect")
    except Exception:  # an optimisation only: never the reason a batch cannot start
        return False
    return True


warm_up()
