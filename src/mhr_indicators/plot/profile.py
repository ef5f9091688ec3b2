"""A country profile: one A4 portrait page per area, from results alone.

Top to bottom: the header (area, periods, the migrant criterion and the comparison group, the
sources, at most three caveats), the context (migrant stock and women among migrants over time,
with the data type), the commitments checklist grouped by right, the outcomes (migrant vs
reference group per headline indicator, with intervals and the gap in its unit), breakdowns by
sex, age group and legal status, what has no data and what these data cannot see, and a footer
with the versions, the data vintages, the interval level and the date made.

The page follows the twenty points of the project's profile checklist (``docs/profiles.md``):
no ranks or scores, every interval labelled with its level, flagged estimates hollow, suppressed
cells printed and never drawn, units on every axis, nothing under 7 pt, margins of 12 mm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .._version import __version__
from ..catalogue.load import Catalogue
from ..errors import ConfigurationError
from ..vocab import NOT_STATED_SHARE
from .breakdowns import breakdowns_height, choose_breakdowns, draw_breakdowns
from .commitments import draw_commitments
from .common import ci_level
from .context import draw_context
from .data import (
    CRITERIA,
    ResultsLike,
    area_name,
    as_results,
    catalogue_of,
    format_period_range,
    group_name,
    indicator_name,
    latest_period,
    source_name,
    total_cell,
)
from .draw import is_drawable, is_flagged, legend_entries
from .outcomes import GAP_MM, Outcome, draw_outcomes, outcome_rows, outcomes_height
from .page import PT_PER_MM, Box, Page, Paragraph, paragraphs_height
from .style import A4_MM, LINE_SPACING, MARGIN_MM, MUTED_COLOUR, SIZES, mm, use_style
from .text import wrap

#: The headline outcome indicators of a profile, by right (override with ``outcomes=``).
HEADLINE_OUTCOMES: tuple[str, ...] = (
    "WORK.O.EPR",
    "WORK.O.UR",
    "WORK.O.INFORMAL",
    "SOCSEC.O.AROP",
    "HEALTH.O.UNMET_NEED",
    "EDU.O.NEET",
    "HOUSING.O.OVERCROWDING",
    "LIBERTY.O.UNSAFE",
    "NONDISC.O.DISCRIMINATION",
)
_GAP_MM = 3.0  # space between panels


def country_profile(
    results: ResultsLike,
    ref_area: str,
    time_period: str | int | None = None,
    *,
    outcomes: Sequence[str] | None = None,
    breakdowns: int = 2,
    catalogue: Catalogue | None = None,
    date: dt.date | str | None = None,
    figure: Figure | None = None,
) -> Figure:
    """One A4 portrait page on the human rights of migrants in one area.

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        Results of :func:`mhr_indicators.compute` or of a batch job (or their table read back
        from Parquet, or the file itself). The context series and the commitments are
        indicators of the results too.
    ref_area : str
        The area (``ref_area`` code: ISO 3166-1 alpha-3, ISO 3166-2 or M49).
    time_period : str or int, optional
        The period of the outcomes; default each indicator's latest. Context series are shown
        over all their periods and commitments at their latest date.
    outcomes : list of str, optional
        Outcome indicators of the outcomes panel (default :data:`HEADLINE_OUTCOMES`); those
        without data are listed as "no data".
    breakdowns : int
        How many of them get small multiples by sex, age group and legal status (fewer when
        the page has no room).
    catalogue : Catalogue, optional
        Names, rights and directions (default the shipped catalogue).
    date : datetime.date or str, optional
        The date printed as "made" in the footer (default today).
    figure : matplotlib.figure.Figure, optional
        Draw on this (empty) figure, resized to A4; default a new one.

    Returns
    -------
    matplotlib.figure.Figure
        The page (210 x 297 mm). Save it with ``fig.savefig("profile.pdf")``.

    Raises
    ------
    ConfigurationError
        The results hold no row for ``ref_area``.
    """
    res = as_results(results)
    if not (res.table["ref_area"] == str(ref_area)).any():
        raise ConfigurationError(f"the results hold no rows for area {ref_area!r}")
    area = str(ref_area)
    res = res.select(ref_area=area)
    ids = list(outcomes) if outcomes is not None else list(HEADLINE_OUTCOMES)
    with use_style():
        if figure is not None:
            figure.set_size_inches(mm(A4_MM[0]), mm(A4_MM[1]))
        page = Page(figure) if figure is not None else Page()
        rows, missing = outcome_rows(res, area, ids, time_period, catalogue)
        _compose(page, res, area, rows, missing, breakdowns, catalogue, date)
    return page.figure


def _compose(page, res, area, rows, missing, n_breakdowns, catalogue, date) -> None:
    width = page.content_width
    y = MARGIN_MM
    top, left, caveats = _header(res, area, rows)
    y += page.text_panel(Box(MARGIN_MM, y, width), top, "panel:header")
    if rows:  # context beside the header's text
        half = (width - 6) / 2
        h_left = page.text_panel(Box(MARGIN_MM, y, half), [*left, *caveats], "panel:header:data")
        used = draw_context(page, Box(MARGIN_MM + half + 6, y, half), res, area, max(h_left, 46))
        height = max(h_left, used)
    else:  # no outcomes: the context gets the page's width and more charts
        y += page.text_panel(Box(MARGIN_MM, y, width), [*left, *caveats], "panel:header:data")
        y += _GAP_MM
        height = draw_context(page, Box(MARGIN_MM, y, width), res, area, 62.0, wide=True)
    y += height + _GAP_MM
    y += draw_commitments(page, Box(MARGIN_MM, y, width), res, area, catalogue, 4) + _GAP_MM
    footer = _footer(res, area, date)
    footer_h = paragraphs_height(footer, width * PT_PER_MM) / PT_PER_MM
    rows, left_out = _fit_outcomes(rows, page.bottom - footer_h - y - 40.0)
    chosen = choose_breakdowns(res, area, rows, n_breakdowns)
    y += _outcomes_head(page, Box(MARGIN_MM, y, width), res, rows, chosen)
    if rows:
        y += draw_outcomes(page, Box(MARGIN_MM, y, width), rows)
    notes = _notes(res, rows, missing, catalogue) + left_out
    chosen, notes, chart = _fit_breakdowns(chosen, notes, page.bottom - footer_h - y, width)
    if chosen:
        y += draw_breakdowns(page, Box(MARGIN_MM, y, width), chosen, chart) + _GAP_MM
    if notes:
        page.text_panel(Box(MARGIN_MM, y, width), notes, "panel:notes")
    page.text_panel(Box(MARGIN_MM, page.bottom - footer_h, width), footer, "panel:footer")


def _fit_outcomes(rows: list[Outcome], room: float) -> tuple[list[Outcome], list[Paragraph]]:
    """As many outcome rows as fit in ``room`` mm (with the panel's head), and a note naming
    those left out."""
    keep = list(rows)
    while keep and outcomes_height(keep) > room:
        keep = keep[:-1]
    if len(keep) == len(rows):
        return keep, []
    names = "; ".join(o.name for o in rows[len(keep) :])
    return keep, [Paragraph(f"Not shown for lack of room on the page: {names}.")]


def _fit_breakdowns(
    chosen: list, notes: list[Paragraph], room: float, width: float, chart: float = 14.0
) -> tuple[list, list[Paragraph], float]:
    """As many breakdowns as fit in ``room`` mm beside the notes (a note says how many were
    left out), and the height of their charts (16 mm at least, 30 at most)."""
    for keep in range(len(chosen), -1, -1):
        extra = []
        if keep < len(chosen):
            extra = [
                Paragraph(
                    f"{len(chosen) - keep} breakdown(s) by sex, age group and legal status not "
                    "shown for lack of room on the page (see plot.disaggregation_chart)."
                )
            ]
        left = room - paragraphs_height([*notes, *extra], width * PT_PER_MM) / PT_PER_MM
        left -= _GAP_MM + 1.0
        need = breakdowns_height(chosen[:keep], width, chart)
        if keep == 0 or need <= left:
            return chosen[:keep], [*notes, *extra], min(30.0, chart + left - need)
    return [], notes, chart


# --- header ---------------------------------------------------------------------------------
def _criterion(rows: list[Outcome], res, area: str) -> str:
    pairs: dict[tuple[str, str | None], list[str]] = {}
    for o in rows:
        m = o.migrant["population"] if o.migrant is not None else None
        r = o.reference["population"] if o.reference is not None else None
        if m:
            pairs.setdefault((m, r), []).append(o.name)
    if not pairs:
        t = res.table
        stock = t[t["indicator_id"].str.startswith("CONTEXT.") & total_cell(t)]
        codes = sorted(set(stock["population"]) & set(CRITERIA))
        if not codes:
            return "Migrant criterion: not recorded in these results."
        kinds = " and ".join(f"{group_name(c)} (by {CRITERIA[c]})" for c in codes)
        return f"Migrants counted as {kinds}; no comparison group (no survey data)."
    parts = []
    for (m, r), names in sorted(pairs.items(), key=lambda kv: -len(kv[1])):
        text = f"{group_name(m)} (criterion: {CRITERIA.get(m, 'not stated')})"
        text += f", compared with the {group_name(r)}" if r else ", no comparison group"
        if len(pairs) > 1 and len(names) < len(rows):
            text += f" for {', '.join(names)}"
        parts.append(text)
    return "Migrants: " + "; ".join(parts) + "."


def _coverage(res, rows: list[Outcome]) -> str:
    t = res.table
    ids = [o.indicator_id for o in rows]
    share = t[t["indicator_id"].isin(ids) & (t["population"] == NOT_STATED_SHARE) & total_cell(t)]
    share = share["value"].dropna()
    if share.empty:
        return ""
    lo, hi = share.min(), share.max()
    span = f"{lo:.1f}%" if round(lo, 1) == round(hi, 1) else f"{lo:.1f}\u2013{hi:.1f}%"
    crit = CRITERIA.get(str(rows[0].migrant["population"]) if rows[0].migrant is not None else "")
    what = f"The {crit}" if crit else "Migrant status"
    return f" {what} is not stated for about {span} of the survey populations (in neither group)."


def _sources(res) -> list[tuple[str, str]]:
    """(dataset, period range) of every source of the area's rows."""
    t = res.table.assign(_source=res.table["source"].map(source_name))
    out = []
    for name, rows in t.groupby("_source", sort=True):
        out.append((str(name), format_period_range(rows["time_period"])))
    return out


def _header(
    res, area: str, rows: list[Outcome]
) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]]:
    """The title lines; the data (criterion, coverage, sources); the caveats."""
    name = area_name(area)
    title = f"{name}{'' if name == area else f' ({area})'}: human rights of migrants"
    t = res.table
    parts = []
    if rows:
        parts.append(f"outcomes {format_period_range([o.period for o in rows])}")
    context = t[t["indicator_id"].str.startswith("CONTEXT.")]
    if len(context):
        parts.append(f"migrant stock {format_period_range(context['time_period'])}")
    structural = t[t["type"] == "structural"]
    if len(structural):
        parts.append(f"commitments as of {latest_period(structural['time_period'])}")
    top = [
        Paragraph(title, SIZES["title"], "bold", after=2),
        Paragraph("Country profile \u2014 " + ", ".join(parts), SIZES["subtitle"], after=3),
    ]
    left = [Paragraph(_criterion(rows, res, area) + _coverage(res, rows), after=3)]
    return top, left, _caveats(res, rows)


def _caveats(res, rows: list[Outcome]) -> list[Paragraph]:
    """At most three caveats, most important first."""
    notes = []
    sources = " ".join(res.table["source"].dropna().astype(str)).lower()
    if "synthetic" in sources:
        notes.append("Synthetic example data, not a real country.")
    if rows:
        level = f"{ci_level(res):.0%}"
        notes.append(
            f"Survey estimates, with {level} confidence intervals: judge a gap by its own interval."
        )
        notes.append(
            "Household surveys miss most irregular migrants and people in camps, hostels or "
            "detention."
        )
    else:
        notes.append(
            "No survey data: how migrants fare compared with others cannot be shown from stock "
            "and treaty tables alone."
        )
    notes.append("No ranking or score: each figure stands on its own.")
    head = Paragraph("Read with care", weight="bold", after=0.5)
    return [head] + [
        Paragraph(f"{i}. {n}", indent=9.0, after=0.5) for i, n in enumerate(notes[:3], start=1)
    ]


# --- outcomes head, notes, footer -------------------------------------------------------------
def _drawn(res, rows: list[Outcome], chosen) -> pd.DataFrame:
    parts = [s for o in rows for s in (o.migrant, o.reference) if s is not None]
    frame = pd.DataFrame(parts)
    cells = [c for b in chosen for c in b.cells.values()]
    return pd.concat([frame, *cells], ignore_index=True) if parts or cells else frame


def _outcomes_head(page: Page, box: Box, res, rows: list[Outcome], chosen) -> float:
    """Title, legend and column headings of the outcomes panel; returns the height (mm)."""
    if not rows:
        text = (
            "No survey data: the outcome indicators compare migrants with a reference group "
            "and need survey microdata (a labour force or household survey); none was given "
            "for these results."
        )
        paras = [Paragraph("Outcomes", SIZES["panel"], "bold", after=2), Paragraph(text)]
        return page.text_panel(box, paras, "panel:outcomes") + _GAP_MM
    m = next((o.migrant["population"] for o in rows if o.migrant is not None), None)
    r = next((o.reference["population"] for o in rows if o.reference is not None), None)
    periods = format_period_range([o.period for o in rows])
    sources = ", ".join(sorted({o.source for o in rows}))
    title = f"Outcomes, {periods}: {group_name(m)} and {group_name(r)} (source: {sources})"
    used = page.text_panel(
        box, [Paragraph(title, SIZES["panel"], "bold", after=2)], "panel:outcomes"
    )
    drawn = _drawn(res, rows, chosen)
    ok = drawn[drawn.apply(is_drawable, axis=1)] if len(drawn) else drawn
    flags = {str(f) for f in ok.loc[ok.apply(is_flagged, axis=1), "flag"]} if len(ok) else set()
    handles, labels = legend_entries(
        {"migrant": group_name(m), "reference": group_name(r)},
        flags=flags,
        level=ci_level(res),
        suppressed=bool(drawn["suppressed"].any()) if len(drawn) else False,
    )
    n_rows = max((len(handles) + 1) // 2, 2)
    height = n_rows * 11.5 / PT_PER_MM
    ax = page.axes(Box(box.left, box.top + used, box.width), height, "panel:legend", text=True)
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0, 1),
        ncols=2,
        borderaxespad=0,
        handlelength=1.8,
        columnspacing=2.0,
        labelspacing=0.35,
        fontsize=SIZES["text"],
    )
    gap_x = (box.width - GAP_MM) * PT_PER_MM
    who = f"{group_name(m)} \u2212 {group_name(r)}" if r else "migrant group"
    ax.annotate(
        "\n".join(wrap(f"Gap, {who}", GAP_MM * PT_PER_MM, SIZES["text"], "bold")),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(gap_x, 0),
        textcoords="offset points",
        va="bottom",
        fontweight="bold",
        fontsize=SIZES["text"],
        linespacing=LINE_SPACING,
    )
    return used + height + 2


def _notes(res, rows: list[Outcome], missing: list[str], catalogue) -> list[Paragraph]:
    """No data, and what these data cannot see."""
    cat = catalogue_of(catalogue)
    have = set(res.table["indicator_id"])
    text = "Not in these results: "
    if missing:
        names = "; ".join(indicator_name(i, catalogue) for i in missing)
        text += f"no data for the headline indicators {names}. "
    absent: dict[str, int] = {}
    for ind in cat:
        retired = getattr(ind, "retired", None) is not None
        if ind.id not in have and ind.id not in missing and not retired:
            kind = ind.source_kind[0]
            absent[kind] = absent.get(kind, 0) + 1
    if absent:
        words = {
            "survey": "survey microdata",
            "stock": "stock tables",
            "admin": "administrative counts",
            "ratification": "legal records",
        }
        counts = ", ".join(f"{words.get(k, k)} {n}" for k, n in sorted(absent.items()))
        text += f"{sum(absent.values())} more catalogue indicators, needing {counts}."
    if not missing and not absent:
        return []
    return [Paragraph(text)]


def _footer(res, area: str, date) -> list[Paragraph]:
    meta = res.metadata
    made = date if date is not None else dt.date.today()
    made = made.isoformat() if isinstance(made, dt.date) else str(made)
    vintages = "; ".join(s if p in s else f"{s} {p}" for s, p in _sources(res))
    created = str(meta.get("created", ""))[:10]
    sampled = res.table["ci_lower"].notna().any()
    intervals = f"Intervals: {ci_level(res):.0%} confidence" if sampled else "No sample estimates"
    text = (
        f"Data: {vintages}. {intervals}. "
        f"mhr_indicators {meta.get('library_version', '(version not recorded)')}, catalogue "
        f"{meta.get('catalogue_version', '(not recorded)')}"
        + (f"; computed {created}" if created else "")
        + f"; page {made}"
        + (f" (mhr_indicators {__version__})" if __version__ != meta.get("library_version") else "")
        + ". No ranks or scores."
    )
    return [Paragraph(text, color=MUTED_COLOUR)]


__all__ = ["HEADLINE_OUTCOMES", "country_profile"]
