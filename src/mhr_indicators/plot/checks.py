"""Layout checks of a rendered figure: overlapping text, text off the page or in its margins,
and text too small to read in print.

The figure is drawn once with a renderer that records every piece of text it actually draws
(tick labels outside the axis range are not drawn, so not checked); bounding boxes come from
the renderer, as they will be on paper.

Examples
--------
>>> from mhr_indicators.plot.checks import layout_problems
>>> layout_problems(fig)  # doctest: +SKIP
[]
"""

from __future__ import annotations

import itertools

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .style import MIN_TEXT_PT, MIN_TICK_PT, MM_PER_INCH

_DPI = 100.0


class _RecordingRenderer(RendererAgg):
    """An Agg renderer that remembers the Text artists it draws."""

    def __init__(self, width: float, height: float, dpi: float):
        super().__init__(width, height, dpi)
        self.texts: list[Text] = []

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if mtext is not None and s.strip() and mtext not in self.texts:
            self.texts.append(mtext)
        super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)


def drawn_text(fig: Figure, dpi: float = _DPI) -> tuple[list[tuple[Text, Bbox]], float]:
    """Every text the figure draws, with its bounding box in pixels at ``dpi``.

    Returns
    -------
    (list of (Text, Bbox), float)
        The texts and boxes, and the number of pixels per millimetre.
    """
    original = fig.dpi
    fig.set_dpi(dpi)
    try:
        w, h = fig.get_size_inches() * dpi
        renderer = _RecordingRenderer(w, h, dpi)
        fig.draw(renderer)
        boxes = [(t, t.get_window_extent(renderer)) for t in renderer.texts]
    finally:
        fig.set_dpi(original)
    return boxes, dpi / MM_PER_INCH


def _name(t: Text) -> str:
    text = t.get_text().replace("\n", " ")
    return repr(text if len(text) <= 40 else text[:37] + "...")


def text_overlaps(fig: Figure, tolerance_px: float = 1.0) -> list[str]:
    """Pairs of texts whose boxes overlap by more than ``tolerance_px`` pixels (at 100 dpi)."""
    boxes, _ = drawn_text(fig)
    found = []
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        dx = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        dy = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if dx > tolerance_px and dy > tolerance_px:
            found.append(f"{_name(a)} overlaps {_name(b)}")
    return found


def text_outside(fig: Figure, margin_mm: float = 10.0) -> list[str]:
    """Texts that reach into the page margin (``margin_mm`` on each side) or off the page."""
    boxes, px_per_mm = drawn_text(fig)
    w, h = fig.get_size_inches() * _DPI
    m = margin_mm * px_per_mm - 0.5
    return [
        f"{_name(t)} reaches into the {margin_mm:g} mm margin"
        for t, b in boxes
        if b.x0 < m or b.y0 < m or b.x1 > w - m or b.y1 > h - m
    ]


def _tick_labels(fig: Figure) -> set[int]:
    ids = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ids.update((id(tick.label1), id(tick.label2)))
    return ids


def small_text(fig: Figure) -> list[str]:
    """Texts smaller than 7 pt (tick labels) or 8 pt (all other text)."""
    boxes, _ = drawn_text(fig)
    ticks = _tick_labels(fig)
    found = []
    for t, _ in boxes:
        least = MIN_TICK_PT if id(t) in ticks else MIN_TEXT_PT
        if t.get_fontsize() < least - 1e-9:
            found.append(f"{_name(t)} is {t.get_fontsize():g} pt (at least {least:g} pt)")
    return found


def layout_problems(fig: Figure, margin_mm: float = 10.0) -> list[str]:
    """Everything :func:`text_overlaps`, :func:`text_outside` and :func:`small_text` find."""
    return text_overlaps(fig) + text_outside(fig, margin_mm) + small_text(fig)


__all__ = ["drawn_text", "layout_problems", "small_text", "text_outside", "text_overlaps"]
