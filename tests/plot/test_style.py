"""The one style: colour-blind-safe colours that stay apart in greyscale, hollow flagged
markers, readable sizes, unit labels and numbers."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest

from mhr_indicators.plot import style
from mhr_indicators.plot.draw import plot_estimate
from mhr_indicators.plot.style import estimate_style, format_value, unit_label


def _grey(colour: str) -> float:
    r, g, b = mcolors.to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_colours_come_from_the_okabe_ito_palette():
    palette = {c.lower() for c in style.OKABE_ITO.values()}
    for colour in style.COLOURS.values():
        assert colour.lower() in palette
    for colour in style.RC_PARAMS["axes.prop_cycle"].by_key()["color"]:
        assert colour.lower() in palette


def test_migrant_and_reference_groups_differ_in_greyscale_and_in_shape():
    assert abs(_grey(style.MIGRANT_COLOUR) - _grey(style.REFERENCE_COLOUR)) > 0.25
    assert style.MARKERS["migrant"] != style.MARKERS["reference"]


def test_no_red_green_pair_among_the_group_colours():
    used = {c.upper() for c in style.COLOURS.values()}
    assert not {style.OKABE_ITO["vermillion"], style.OKABE_ITO["bluish_green"]} <= used


def test_flagged_estimates_are_hollow():
    plain, flagged = estimate_style("migrant", False), estimate_style("migrant", True)
    assert plain["markerfacecolor"] == style.MIGRANT_COLOUR
    assert flagged["markerfacecolor"] == "white"
    assert flagged["markeredgecolor"] == style.MIGRANT_COLOUR


def test_a_flagged_marker_is_white_inside_in_greyscale_pixels():
    """Render a plain and a flagged estimate; the centre of the flagged one is white."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with style.use_style():
        fig = Figure(figsize=(2, 1), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 2)
        ax.set_axis_off()
        row = {"value": 1.0, "ci_lower": np.nan, "ci_upper": np.nan, "suppressed": False}
        plot_estimate(ax, {**row, "flag": ""}, 1.0, "migrant")
        plot_estimate(ax, {**row, "value": 2.0, "flag": "U"}, 1.0, "migrant")
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    grey = pixels @ np.array([0.299, 0.587, 0.114])
    height = grey.shape[0]
    plain = grey[height // 2, int(1 / 3 * grey.shape[1])]
    hollow = grey[height // 2, int(2 / 3 * grey.shape[1])]
    assert plain < 0.5 < 0.95 < hollow


def test_minimum_font_sizes_are_print_sizes():
    assert style.RC_PARAMS["xtick.labelsize"] >= style.MIN_TICK_PT == 7
    assert style.RC_PARAMS["font.size"] >= style.MIN_TEXT_PT == 8
    assert min(v for k, v in style.SIZES.items() if k != "tick") >= 8


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        ("percent", "Percent (%)"),
        ("percentage_points", "Percentage points (pp)"),
        ("ratio", "Ratio"),
        ("currency_per_month", "Currency units per month"),
        ("something_new", "Something new"),
    ],
)
def test_unit_labels(unit, label):
    assert unit_label(unit) == label


def test_numbers_carry_their_unit_and_a_true_minus():
    assert format_value(12.345, "percent") == "12.3%"
    assert format_value(-4.12, "percentage_points", signed=True) == "\u22124.1 pp"
    assert format_value(3.2, "percentage_points", signed=True) == "+3.2 pp"
    assert format_value(0.874, "ratio") == "0.87"
    assert format_value(1234.5, "currency_per_month") == "1,234 per month"
    assert format_value(float("nan"), "percent") == "n/a"
