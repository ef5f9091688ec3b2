"""Fixtures of the plot tests: the Agg backend and fixed rcParams, the example's results
computed once (the whole catalogue, by sex and age group, with the default quality rules), and
helpers that read what a figure drew."""

from __future__ import annotations

import matplotlib
import matplotlib as mpl
import pandas as pd
import pytest

import mhr_indicators as mhr

from ..conftest import REPO

matplotlib.use("Agg")

DATA = REPO / "datasets"


@pytest.fixture(autouse=True)
def _fixed_rcparams():
    """Every test draws from matplotlib's defaults (the plots apply their own style on top)."""
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams["svg.hashsalt"] = "mhr"
        yield
    matplotlib.pyplot.close("all")


@pytest.fixture(scope="session")
def example_results() -> mhr.Results:
    """The example job's computation: survey, stock, admin counts and legal records of XSY."""
    lfs = mhr.harmonise(mhr.load_example(), DATA / "mappings" / "example_lfs.yaml")
    stock = pd.read_csv(DATA / "example_stock.csv", dtype={"time_period": str})
    admin = pd.read_csv(DATA / "example_admin.csv", dtype={"time_period": str})
    legal = pd.read_csv(DATA / "example_legal.csv", dtype={"as_of": str})
    design = mhr.SurveyDesign(lfs, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    return mhr.compute(
        mhr.load_catalogue(),
        survey=design,
        stock=stock,
        admin=admin,
        ratifications=legal,
        by=["sex", "age_group"],
        quality="default",
        errors="collect",
    )


def gids(fig, prefix: str) -> list:
    """Artists of ``fig`` whose gid starts with ``prefix``."""
    return fig.findobj(lambda a: (a.get_gid() or "").startswith(prefix))


def axes_by_gid(fig, prefix: str) -> list:
    """Axes of ``fig`` whose gid starts with ``prefix``."""
    return [ax for ax in fig.axes if (ax.get_gid() or "").startswith(prefix)]


def cell_key(row) -> str:
    """The cell part of an artist's gid for a results row (see ``plot.draw.cell_gid``)."""
    from mhr_indicators.plot.draw import cell_gid

    return cell_gid("", row)[1:]
