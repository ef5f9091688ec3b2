"""Render the catalogue reference (Markdown) from the specs, so the docs never drift from them.

``mhr catalogue docs docs/catalogue`` writes ``index.md`` (every indicator in one table) and one
page per right; a test fails when the committed pages differ from what the specs render.
"""

from __future__ import annotations

from pathlib import Path

from ..io.tables import atomic_write
from .load import Catalogue
from .spec import Indicator

TYPES = ("structural", "process", "outcome", "context")
#: The Guide's three types: one column each in a right's attributes table.
GUIDE_TYPES = ("structural", "process", "outcome")
HEADER = "<!-- Generated from indicators/*.yaml by `mhr catalogue docs`: do not edit by hand. -->"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") if text is not None else ""


def _indicator_section(ind: Indicator) -> list[str]:
    lines = [f"### {ind.id} — {ind.name}", "", ind.description.strip(), ""]
    rows = [
        ("Type", ind.type),
        ("Attribute", ind.attribute),
        ("Source", ", ".join(ind.source_kind)),
        ("Statistic", ind.statistic),
        ("Formula", f"`{ind.formula}`"),
        ("Unit", ind.unit),
    ]
    if ind.population:
        rows.append(("Population", f"`{ind.population}`"))
    if ind.numerator:
        rows.append(("Numerator", f"`{ind.numerator}`"))
    if ind.denominator:
        rows.append(("Denominator", f"`{ind.denominator}`"))
    if ind.variable:
        rows.append(("Variable", f"`{ind.variable}`"))
    if ind.migrant_criterion:
        migrant, reference = ind.group_labels
        rows.append(
            (
                "Migrants",
                f"{ind.migrant_criterion.replace('_', ' ')} "
                f"(`{migrant}` compared with `{reference}`)",
            )
        )
    if ind.comparisons:
        rows.append(("Comparisons", ", ".join(ind.comparisons)))
    if ind.disaggregations:
        rows.append(("Disaggregations", ", ".join(ind.disaggregations)))
    if ind.higher_is_better is not None:
        rows.append(("Higher is better", "yes" if ind.higher_is_better else "no"))
    lines += ["| | |", "| --- | --- |"] + [f"| {k} | {_cell(v)} |" for k, v in rows]
    if ind.references:
        lines += ["", "References: " + "; ".join(_cell(r) for r in ind.references) + "."]
    if ind.notes:
        lines += ["", f"Note: {ind.notes.strip()}"]
    if ind.deprecation:
        lines += ["", f"Retired: {ind.deprecation}."]
    return [*lines, ""]


def _guide_view(right: dict, inds: list[Indicator]) -> list[str]:
    """The Guide's view of a right: attributes x structural / process / outcome, with the ids of
    the current indicators in the cells, and the attributes still without an indicator of some
    type."""
    attributes = list(right.get("attributes") or [])
    current = [i for i in inds if i.retired is None and i.type in GUIDE_TYPES]
    if not attributes or not current:
        return []
    lines = [
        "## Attributes and indicator types",
        "",
        "| attribute | " + " | ".join(GUIDE_TYPES) + " |",
        "| --- |" + " --- |" * len(GUIDE_TYPES),
    ]
    gaps = []
    for attribute in attributes:
        cells = []
        for kind in GUIDE_TYPES:
            ids = [i.id for i in current if i.attribute == attribute and i.type == kind]
            cells.append(", ".join(f"[{i}](#{_anchor_of(i, inds)})" for i in ids))
            if not ids:
                gaps.append((attribute, kind))
        lines.append(f"| {_cell(attribute)} | " + " | ".join(cells) + " |")
    lines.append("")
    if gaps:
        missing: dict[str, list[str]] = {}
        for attribute, kind in gaps:
            missing.setdefault(attribute, []).append(kind)
        lines.append(
            "Coverage: still without an indicator — "
            + "; ".join(f"{a} ({', '.join(k)})" for a, k in missing.items())
            + "."
        )
    else:
        lines.append("Coverage: every attribute has structural, process and outcome indicators.")
    return [*lines, ""]


def _anchor_of(ind_id: str, inds: list[Indicator]) -> str:
    return next(_anchor(i) for i in inds if i.id == ind_id)


def render(cat: Catalogue) -> dict[str, str]:
    """File name -> Markdown text for the catalogue reference."""
    pages: dict[str, str] = {}
    index = [
        HEADER,
        "",
        f"# Indicator catalogue {cat.version}",
        "",
        f"{len(cat)} indicators. One page per right; the framework is OHCHR's *Human Rights "
        "Indicators: A Guide to Measurement and Implementation* (2012): each right is split "
        "into attributes, each measured by structural, process and outcome indicators. "
        "There is no composite index and no ranking of countries.",
        "",
        "| id | right | type | name | unit | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for ind in cat:
        kind = f"{ind.type} (retired)" if ind.retired is not None else ind.type
        index.append(
            f"| [{ind.id}]({ind.right}.md#{_anchor(ind)}) | {ind.right} | {kind} | "
            f"{_cell(ind.name)} | {ind.unit} | {', '.join(ind.source_kind)} |"
        )
    pages["index.md"] = "\n".join(index) + "\n"
    for right_id, right in cat.rights.items():
        inds = list(cat.filter(right=right_id))
        lines = [HEADER, "", f"# {right.get('name', right_id)}", ""]
        if right.get("references"):
            lines += ["Normative sources: " + "; ".join(right["references"]) + ".", ""]
        if right.get("attributes"):
            lines += ["Attributes: " + "; ".join(right["attributes"]) + ".", ""]
        lines += _guide_view(right, inds)
        for kind in TYPES:
            group = [i for i in inds if i.type == kind and i.retired is None]
            if group:
                lines += [f"## {kind.capitalize()} indicators", ""]
                for ind in group:
                    lines += _indicator_section(ind)
        retired = [i for i in inds if i.retired is not None]
        if retired:
            lines += [
                "## Retired indicators",
                "",
                "Kept with their old definitions so that jobs written for earlier catalogue "
                "versions still run; use their successors.",
                "",
            ]
            for ind in retired:
                lines += _indicator_section(ind)
        pages[f"{right_id}.md"] = "\n".join(lines).rstrip() + "\n"
    return pages


def _anchor(ind: Indicator) -> str:
    text = f"{ind.id} — {ind.name}".lower()
    keep = "".join(c for c in text if c.isalnum() or c in " -_")
    return keep.replace(" ", "-")


def write(cat: Catalogue, folder: str | Path) -> list[Path]:
    """Write the rendered pages into ``folder`` (atomically, one file at a time)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(cat).items():
        target = folder / name
        atomic_write(target, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
        written.append(target)
    return written
