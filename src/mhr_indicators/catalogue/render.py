"""Render the catalogue reference (Markdown) from the specs, so the docs never drift from them.

``mhr catalogue docs docs/catalogue`` writes ``index.md`` (every indicator in one table) and one
page per right; a test fails when the committed pages differ from what the specs render.
"""

from __future__ import annotations

from pathlib import Path

from ..io.tables import atomic_write
from .load import Catalogue
from .spec import Indicator

TYPES = ("structural", "process", "outcome")
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
    return [*lines, ""]


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
        index.append(
            f"| [{ind.id}]({ind.right}.md#{_anchor(ind)}) | {ind.right} | {ind.type} | "
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
        for kind in TYPES:
            group = [i for i in inds if i.type == kind]
            if group:
                lines += [f"## {kind.capitalize()} indicators", ""]
                for ind in group:
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
