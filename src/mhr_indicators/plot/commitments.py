"""The commitments panel of a profile: a checklist of instruments, grouped by right.

Each structural indicator's status is read from its results row — party with the year of
ratification or accession, signed only, not signed, denounced, a law or policy in force since a
year or not in force, a count — and listed "as of" the results' date, with "no data" for the
catalogue's instruments the results do not cover. A checklist, never counted into a score.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pandas as pd

from ..catalogue.load import Catalogue
from ..catalogue.spec import Indicator
from .data import catalogue_of, latest_period, right_name, right_order
from .page import PT_PER_MM, Box, Page, Paragraph
from .style import MUTED_COLOUR, SIZES
from .text import TextFlow, line_height, text_width, wrap


@dataclass(frozen=True)
class Commitment:
    """The status of a structural indicator, as its results row records it.

    Attributes
    ----------
    status : str
        ``party``, ``in_force``, ``signed``, ``not_signed``, ``not_in_force``, ``denounced``,
        ``count``, ``unknown`` or ``no_data``.
    year : str or None
        Year of ratification, accession or entry into force, when recorded.
    text : str
        Short wording for a checklist: ``party 1976``, ``signed only``, ``in force since
        2010``, ``not signed``, ...
    """

    status: str
    year: str | None
    text: str


_PATTERNS = (
    (re.compile(r"ratified or acceded (\d{4}|\(year unknown\))\s*$"), "party"),
    (re.compile(r"in force since (\d{4}|\(year unknown\))\s*$"), "in_force"),
    (re.compile(r"\bnot in force\s*$"), "not_in_force"),
    (re.compile(r"\bnot signed\s*$"), "not_signed"),
    (re.compile(r"\bdenounced\s*$"), "denounced"),
    (re.compile(r"\bsigned\s*$"), "signed"),
)
_WORDS = {
    "party": "party",
    "in_force": "in force",
    "not_in_force": "not in force",
    "not_signed": "not signed",
    "denounced": "denounced",
    "signed": "signed only",
}


def commitment(row: pd.Series) -> Commitment:
    """Read a structural indicator's status from its results row.

    The engine writes the instrument's status and year into ``source``
    (``"... ICESCR ratified or acceded 1976"``, ``"... CPED signed"``, ``"... in force since
    2010"``); ``value`` is 1 (party, in force) or 0. A count (``unit`` ``count``) is reported as
    the number.
    """
    if bool(row.get("suppressed", False)) or pd.isna(row.get("value")):
        return Commitment("no_data", None, "suppressed" if row.get("suppressed") else "no data")
    if row.get("unit") == "count":
        return Commitment("count", None, f"{row['value']:,.0f}")
    source = str(row.get("source") or "")
    for pattern, status in _PATTERNS:
        match = pattern.search(source)
        if match:
            year = match.group(1) if match.groups() else None
            year = None if year is None or not year.isdigit() else year
            since = " since" if status == "in_force" else ""
            words = _WORDS[status] + (f"{since} {year}" if year else "")
            return Commitment(status, year, words)
    yes = float(row["value"]) >= 1
    return Commitment("party" if yes else "unknown", None, "yes" if yes else "no")


def instrument_label(spec: Indicator | None, indicator_id: str) -> str:
    """A short checklist label: the treaty's abbreviation (``ICRMW``), ``ILO C97``, its
    instrument code in words (``Refugee Convention 1951``, ``Palermo Protocol``), or the law or
    policy named by the catalogue (without "in force")."""
    if spec is None:
        return indicator_id
    name = re.sub(r"^Retired:\s*", "", spec.name.strip())
    name = name[:1].upper() + name[1:]
    ilo = re.match(r"^State party to ILO Convention No\. (\d+)", name)
    if ilo:
        return f"ILO C{ilo.group(1)}"
    if name.startswith("State party to "):
        abbrev = re.search(r"\(([A-Z][A-Za-z0-9 -]{1,11})\)\s*$", name)
        if abbrev:
            return abbrev.group(1)
        if spec.variable:  # REFUGEE-CONVENTION-1951 -> Refugee Convention 1951
            words = spec.variable.replace("-", " ").split()
            return " ".join(w if w.isupper() and len(w) <= 4 else w.capitalize() for w in words)
        core = re.sub(r"^State party to (the )?", "", name)
        return re.split(r" on | \(", core)[0]
    return re.sub(r"[\s,]+in force$", "", name)


_SYMBOLS = {
    "party": "\u25cf",
    "in_force": "\u25cf",
    "count": "\u25cf",
    "signed": "\u25d0",
    "not_signed": "\u25cb",
    "not_in_force": "\u25cb",
    "denounced": "\u25cb",
    "unknown": "?",
    "no_data": "\u2013",
}
#: The key printed above the checklist.
CHECKLIST_KEY = (
    "\u25cf party / in force    \u25d0 signed only    \u25cb not a party / not in force"
    "    \u2013 no data"
)


def _structural_ids(cat: Catalogue, have: set[str]) -> list[str]:
    """The catalogue's structural indicators in its order, and those of the results it does
    not hold. A retired indicator is listed only when the results hold it and none of its
    successors."""
    ids = []
    for ind in cat:
        if ind.type != "structural":
            continue
        retired = getattr(ind, "retired", None)
        if retired is not None and (
            ind.id not in have or set(getattr(retired, "replaced_by", [])) & have
        ):
            continue
        ids.append(ind.id)
    return ids + sorted(have - {i.id for i in cat})


def _checklist(res, area: str, catalogue: Catalogue | None) -> tuple[list, str | None]:
    """[(right, [(label, Commitment)])] in the catalogue's order, and the "as of" period."""
    cat = catalogue_of(catalogue)
    t = res.table
    rows = t[(t["ref_area"] == area) & (t["type"] == "structural")]
    as_of = latest_period(rows["time_period"])
    rows = rows[rows["time_period"] == as_of] if as_of else rows
    groups: dict[str, list] = {}
    for ind in _structural_ids(cat, set(rows["indicator_id"])):
        spec = cat[ind] if ind in cat else None
        found = rows[rows["indicator_id"] == ind]
        status = commitment(found.iloc[0]) if len(found) else Commitment("no_data", None, "no data")
        right = spec.right if spec is not None else str(found["right"].iloc[0])
        groups.setdefault(right, []).append((instrument_label(spec, ind), status))
    order = right_order(catalogue)
    ranked = sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    return ranked, as_of


def _shorten(label: str, most: int = 46) -> str:
    """A label of at most about ``most`` characters, cut at a word with an ellipsis."""
    if len(label) <= most:
        return label
    return label[:most].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def _fit(label: str, status: str, width_pt: float, lines: int = 2) -> str:
    """``"label: status"`` in at most ``lines`` lines: the label is cut (with an ellipsis)
    where needed, the status never."""
    text = f"{label}: {status}"
    words = label.split()
    while len(wrap(text, width_pt, SIZES["text"])) > lines and len(words) > 1:
        words = words[:-1]
        text = f"{' '.join(words).rstrip(',;:')}\u2026: {status}"
    return text


def _checklist_lines(groups: list, width_pt: float) -> list[list[tuple[str, str, float]]]:
    """Per right: its lines as (text, weight, x offset in points). Instruments without data
    share one line per right ("– no data: A; B")."""
    blocks = []
    indent = text_width("\u25cf ", SIZES["text"])
    for right, items in groups:
        lines = [(right_name(right), "bold", 0.0)]
        entries = [
            (_fit(label, s.text, width_pt - indent), s.status)
            for label, s in items
            if s.status != "no_data"
        ]
        missing = [_shorten(label) for label, s in items if s.status == "no_data"]
        if missing:
            entries.append(("no data: " + "; ".join(missing), "no_data"))
        for text, status in entries:
            wrapped = wrap(text, width_pt - indent, SIZES["text"])
            lines.append((f"{_SYMBOLS[status]} {wrapped[0]}", "normal", 0.0))
            lines += [(w, "normal", indent) for w in wrapped[1:]]
        blocks.append(lines)
    return blocks


def _balance(blocks: list[list], n: int) -> list[list]:
    """Blocks in reading order split into at most ``n`` columns, the longest as short as
    possible (every split of the sequence is tried: there are few blocks)."""
    n = max(1, min(n, len(blocks)))
    sizes = [len(b) for b in blocks]
    best, best_cuts = None, ()
    for cuts in itertools.combinations(range(1, len(blocks)), n - 1):
        edges = [0, *cuts, len(blocks)]
        longest = max(sum(sizes[a:b]) for a, b in itertools.pairwise(edges))
        if best is None or longest < best:
            best, best_cuts = longest, cuts
    edges = [0, *best_cuts, len(blocks)]
    return [blocks[a:b] for a, b in itertools.pairwise(edges)]


def _without_data(groups: list) -> tuple[list, str]:
    """The rights with at least one instrument recorded, and a line naming the rights with
    none ("No data for: Asylum (4 instruments), ...")."""
    kept, empty = [], []
    for right, items in groups:
        if all(s.status == "no_data" for _, s in items):
            empty.append(f"{right_name(right)} ({len(items)})")
        else:
            kept.append((right, items))
    line = ""
    if empty:
        line = "No data on any instrument of: " + ", ".join(empty) + " (number of instruments)."
    return kept, line


def draw_commitments(
    page: Page, box: Box, res, area: str, catalogue: Catalogue | None, n_columns: int = 3
) -> float:
    """The checklist panel at ``box``, in ``n_columns`` columns; returns the height used (mm).

    Rights with data list every instrument (those without data on one "no data" line);
    rights without data on any instrument are named, with their number of instruments, on one
    line under the checklist."""
    groups, as_of = _checklist(res, area, catalogue)
    groups, empty = _without_data(groups)
    when = f", as of {as_of}" if as_of else ""
    title = f"Commitments{when}: a checklist, not a score"
    ax = page.axes(box, 6.0, "panel:commitments", text=True)
    flow = TextFlow(ax, box.width_pt)
    flow.line(title, size=SIZES["panel"], weight="bold", advance=False)
    key_x = text_width(title, SIZES["panel"], "bold") + 12
    if key_x + text_width(CHECKLIST_KEY) > box.width_pt:  # the key on a line of its own
        flow.skip(line_height(SIZES["panel"]))
        key_x = 0.0
    flow.line(CHECKLIST_KEY, x=key_x, color=MUTED_COLOUR)
    used = (max(flow.y, line_height(SIZES["panel"])) + 3) / PT_PER_MM
    column = (box.width - 5 * (n_columns - 1)) / n_columns
    columns = _balance(_checklist_lines(groups, column * PT_PER_MM), n_columns)
    lh = line_height(SIZES["text"])
    height = 0.0
    for i, col in enumerate(columns):
        lines = [line for block in col for line in block]
        at = Box(box.left + i * (column + 5), box.top + used, column)
        h = (len(lines) * lh + 2 * len(col)) / PT_PER_MM
        ax = page.axes(at, h, f"panel:commitments:column{i + 1}", text=True)
        flow = TextFlow(ax, column * PT_PER_MM)
        for j, block in enumerate(col):
            if j:
                flow.skip(2)
            for text, weight, x in block:
                flow.line(text, x=x, weight=weight, gid="commitment")
        height = max(height, h)
    used += height
    if empty:
        para = [Paragraph(empty, color=MUTED_COLOUR)]
        used += 1 + page.text_panel(
            Box(box.left, box.top + used + 1, box.width), para, "panel:commitments:none"
        )
    return used


__all__ = ["CHECKLIST_KEY", "Commitment", "commitment", "draw_commitments", "instrument_label"]
