"""Text on a page: measure it, wrap it to a width, and set lines of text one under the other.

Widths are measured with the font itself (:class:`matplotlib.textpath.TextToPath`), not guessed
from a number of characters, so that wrapped labels fit their column on every backend and text
panels never overflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

from .style import LINE_SPACING, RC_PARAMS, SIZES

_TO_PATH = TextToPath()
#: Rendered text is up to about 2% wider than its outline (hinting): wrap with this much room.
_SAFETY = 0.97


@lru_cache(maxsize=65536)
def text_width(text: str, size: float = SIZES["text"], weight: str = "normal") -> float:
    """Width of one line of text in points, in the style's font."""
    if not text:
        return 0.0
    prop = FontProperties(family=RC_PARAMS["font.family"], size=size, weight=weight)
    width, _, _ = _TO_PATH.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def wrap(
    text: str,
    width_pt: float,
    size: float = SIZES["text"],
    weight: str = "normal",
    max_lines: int | None = None,
) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt`` points, at spaces.

    Parameters
    ----------
    text : str
        The text; existing line breaks are kept.
    width_pt : float
        The width available, in points.
    size, weight
        Font size (points) and weight.
    max_lines : int, optional
        Keep at most this many lines; the last one then ends with an ellipsis.

    Returns
    -------
    list of str
        The lines. A single word wider than the width is cut with a hyphen.
    """
    width_pt = width_pt * _SAFETY
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        current = ""
        for word in (w for w in paragraph.split(" ") if w):  # a no-break space holds
            trial = f"{current} {word}" if current else word
            if text_width(trial, size, weight) <= width_pt:
                current = trial
                continue
            if current:
                lines.append(current)
            current = word
            while text_width(current, size, weight) > width_pt and len(current) > 2:
                cut = len(current) - 1
                while cut > 1 and text_width(current[:cut] + "-", size, weight) > width_pt:
                    cut -= 1
                lines.append(current[:cut] + "-")
                current = current[cut:]
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + " …", size, weight) > width_pt:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = [*lines[: max_lines - 1], last + " …"]
    return lines


def line_height(size: float = SIZES["text"]) -> float:
    """Distance between two baselines of text of this size, in points."""
    return size * LINE_SPACING


@dataclass
class TextFlow:
    """Lines of text set top-down in an axes used as a text panel (its axis switched off).

    Positions are in points from the axes' top-left corner, so the spacing of lines does not
    depend on the panel's size; :attr:`y` is the depth used so far.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel.
    width_pt : float
        The width of the panel in points (lines are wrapped to it).
    """

    ax: Axes
    width_pt: float
    y: float = 0.0
    texts: list[Text] = field(default_factory=list)

    def line(
        self,
        text: str,
        *,
        x: float = 0.0,
        size: float = SIZES["text"],
        weight: str = "normal",
        color: str = "black",
        gid: str | None = None,
        advance: bool = True,
    ) -> Text:
        """Set one line at depth :attr:`y` and ``x`` points from the left; move down a line."""
        t = self.ax.annotate(
            text,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(x, -self.y),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=size,
            fontweight=weight,
            color=color,
            annotation_clip=False,
        )
        if gid:
            t.set_gid(gid)
        self.texts.append(t)
        if advance:
            self.y += line_height(size)
        return t

    def paragraph(
        self,
        text: str,
        *,
        x: float = 0.0,
        size: float = SIZES["text"],
        weight: str = "normal",
        color: str = "black",
        indent: float = 0.0,
        gid: str | None = None,
        max_lines: int | None = None,
    ) -> list[Text]:
        """Set ``text`` wrapped to the panel width (less ``x``); continuation lines are
        indented by ``indent`` points."""
        lines = wrap(text, self.width_pt - x - indent, size, weight, max_lines)
        style = {"size": size, "weight": weight, "color": color, "gid": gid}
        return [self.line(s, x=x + (indent if i else 0.0), **style) for i, s in enumerate(lines)]

    def skip(self, points: float) -> None:
        """Leave ``points`` of vertical space."""
        self.y += points


__all__ = ["TextFlow", "line_height", "text_width", "wrap"]
