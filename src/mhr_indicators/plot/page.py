"""An A4 page laid out in millimetres: panels as axes at exact positions, text set in points.

A profile is composed top-down: each panel takes a box (left, top, width in mm), draws, and
reports the height it used, so panels never overlap and every margin is at least
:data:`~mhr_indicators.plot.style.MARGIN_MM`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .style import A4_MM, MARGIN_MM, MM_PER_INCH, SIZES, mm
from .text import TextFlow, line_height, wrap

PT_PER_MM = 72.0 / MM_PER_INCH


@dataclass(frozen=True)
class Box:
    """A panel's place on the page, in millimetres from the top-left corner."""

    left: float
    top: float
    width: float

    @property
    def width_pt(self) -> float:
        """The width in points."""
        return self.width * PT_PER_MM


@dataclass(frozen=True)
class Paragraph:
    """A piece of text to set: wrapped to the panel width, with space after it (points)."""

    text: str
    size: float = SIZES["text"]
    weight: str = "normal"
    color: str = "black"
    after: float = 0.0
    indent: float = 0.0
    gid: str | None = None


@dataclass
class Page:
    """A figure of A4 portrait size whose panels are placed in millimetres.

    Parameters
    ----------
    figure : matplotlib.figure.Figure, optional
        Default: a new A4 figure (210 x 297 mm).
    """

    figure: Figure = field(default_factory=lambda: Figure(figsize=(mm(A4_MM[0]), mm(A4_MM[1]))))

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in millimetres."""
        w, h = self.figure.get_size_inches()
        return w * MM_PER_INCH, h * MM_PER_INCH

    @property
    def content_width(self) -> float:
        """Width between the margins (mm)."""
        return self.size[0] - 2 * MARGIN_MM

    @property
    def bottom(self) -> float:
        """The lowest a panel may reach (mm from the top)."""
        return self.size[1] - MARGIN_MM

    def axes(self, box: Box, height: float, gid: str, *, text: bool = False) -> Axes:
        """An axes at ``box`` with ``height`` mm; a text panel has no axis or frame."""
        w, h = self.size
        rect = (box.left / w, 1 - (box.top + height) / h, box.width / w, max(height, 0.1) / h)
        ax = self.figure.add_axes(rect)
        ax.set_gid(gid)
        if text:
            ax.set_axis_off()
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
        return ax

    def resize(self, ax: Axes, box: Box, height: float) -> None:
        """Give an axes placed at ``box`` a new height (its top stays)."""
        w, h = self.size
        ax.set_position((box.left / w, 1 - (box.top + height) / h, box.width / w, height / h))

    def text_panel(self, box: Box, paragraphs: list[Paragraph], gid: str) -> float:
        """Set paragraphs in a text panel at ``box``; returns the height used (mm)."""
        height = paragraphs_height(paragraphs, box.width_pt) / PT_PER_MM
        ax = self.axes(box, height, gid, text=True)
        flow = TextFlow(ax, box.width_pt)
        for p in paragraphs:
            flow.paragraph(
                p.text, size=p.size, weight=p.weight, color=p.color, indent=p.indent, gid=p.gid
            )
            flow.skip(p.after)
        return height


def paragraphs_height(paragraphs: list[Paragraph], width_pt: float) -> float:
    """Height in points that :meth:`Page.text_panel` uses for these paragraphs."""
    total = 0.0
    for p in paragraphs:
        lines = wrap(p.text, width_pt - p.indent, p.size, p.weight)
        total += len(lines) * line_height(p.size) + p.after
    return total


__all__ = ["PT_PER_MM", "Box", "Page", "Paragraph", "paragraphs_height"]
