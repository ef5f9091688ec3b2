"""The indicator catalogue: ``indicators/*.yaml`` loaded into typed, validated objects."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from difflib import get_close_matches
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from ..errors import SpecError, UnknownIndicatorError
from ..io.resources import resource_dir
from .spec import Indicator

INDEX_FILE = "catalogue.yaml"


class Catalogue:
    """An ordered, read-only collection of :class:`~mhr_indicators.catalogue.spec.Indicator` specs.

    Iterate over it, index it by id (``cat["WORK.O.UR"]``), narrow it with :meth:`filter`, or view
    it as a table with :meth:`to_frame`.

    Attributes
    ----------
    version : str
        The catalogue version (from ``indicators/catalogue.yaml``).
    rights : dict
        Right id -> its description (name, references) from the index file.
    """

    def __init__(
        self,
        indicators: Iterable[Indicator],
        version: str = "unversioned",
        rights: dict | None = None,
    ):
        self._items = {ind.id: ind for ind in indicators}
        self.version = version
        self.rights = dict(rights or {})

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self._items[key]
        except KeyError:
            close = get_close_matches(str(key), list(self._items), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownIndicatorError(
                f"no indicator {key!r} in catalogue {self.version}{hint}"
            ) from None

    @property
    def ids(self) -> list[str]:
        return list(self._items)

    def filter(
        self,
        *,
        right: str | None = None,
        type: str | None = None,
        source_kind: str | None = None,
        statistic: str | None = None,
        retired: bool | None = None,
    ) -> Catalogue:
        """The indicators matching every given criterion.

        Parameters
        ----------
        right, type, source_kind, statistic : str, optional
            E.g. ``right="work"``, ``type="outcome"``, ``source_kind="survey"``.
        retired : bool, optional
            ``False`` for the current indicators only, ``True`` for the retired ones (kept so
            that jobs written for an earlier catalogue version still run).
        """
        keep = [
            ind
            for ind in self
            if (retired is None or (ind.retired is not None) == retired)
            and (right is None or ind.right == right)
            and (type is None or ind.type == type)
            and (source_kind is None or source_kind in ind.source_kind)
            and (statistic is None or ind.statistic == statistic)
        ]
        return Catalogue(keep, self.version, self.rights)

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator, for notebooks and docs."""
        rows = []
        for ind in self:
            rows.append(
                {
                    "id": ind.id,
                    "name": ind.name,
                    "right": ind.right,
                    "attribute": ind.attribute,
                    "type": ind.type,
                    "source_kind": ", ".join(ind.source_kind),
                    "statistic": ind.statistic,
                    "unit": ind.unit,
                    "migrant_criterion": ind.migrant_criterion,
                    "reference_group": ind.reference_group,
                    "comparisons": ", ".join(ind.comparisons),
                    "disaggregations": ", ".join(ind.disaggregations),
                    "higher_is_better": ind.higher_is_better,
                    "formula": ind.formula,
                    "references": "; ".join(str(r) for r in ind.references),
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "id",
                "name",
                "right",
                "attribute",
                "type",
                "source_kind",
                "statistic",
                "unit",
                "migrant_criterion",
                "reference_group",
                "comparisons",
                "disaggregations",
                "higher_is_better",
                "formula",
                "references",
            ],
        )

    def __repr__(self) -> str:
        by_type = pd.Series([i.type for i in self]).value_counts().to_dict() if len(self) else {}
        head = (
            f"Catalogue {self.version}: {len(self)} indicators ("
            + ", ".join(f"{n} {t}" for t, n in by_type.items())
            + ")"
        )
        lines = [head] + [f"  {i.id:<24} {i.type:<10} {i.name}" for i in list(self)[:40]]
        if len(self) > 40:
            lines.append(f"  ... and {len(self) - 40} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols = [
            "id",
            "name",
            "right",
            "type",
            "statistic",
            "unit",
            "migrant_criterion",
            "reference_group",
        ]
        table = self.to_frame()[cols].to_html(index=False, escape=True)
        return f"<p><b>Catalogue {self.version}</b>: {len(self)} indicators</p>{table}"


def _problems_from(err: ValidationError, file: str, item: str) -> list[dict]:
    out = []
    for e in err.errors():
        field = ".".join(str(x) for x in e["loc"]) or "(indicator)"
        msg = e["msg"]
        if e["type"] == "literal_error" and "expected" in e.get("ctx", {}):
            msg = f"expected {e['ctx']['expected']}, got {e.get('input')!r}"
        elif e["type"] == "missing":
            msg = "is required"
        out.append({"file": file, "item": item, "field": field, "message": msg})
    return out


def _problem(file: str, item: str, field: str, message: str) -> dict:
    return {"file": file, "item": item, "field": field, "message": message}


def _checked(raw: dict, path: Path, item: str, rights: dict, seen: dict) -> tuple:
    """One spec validated against the model and the index: (indicator or None, problems)."""
    try:
        ind = Indicator.model_validate(raw)
    except ValidationError as exc:
        return None, _problems_from(exc, path.name, item)
    problems = []
    attributes = rights.get(ind.right, {}).get("attributes")
    if attributes and ind.attribute not in attributes:
        problems.append(
            _problem(
                path.name,
                item,
                "attribute",
                f"{ind.attribute!r} is not an attribute of right {ind.right!r}; "
                f"the index lists {attributes}",
            )
        )
    if ind.right not in rights:
        problems.append(
            _problem(
                path.name,
                item,
                "right",
                f"unknown right {ind.right!r}; the index lists {sorted(rights)}",
            )
        )
    if ind.id in seen:
        problems.append(_problem(path.name, item, "id", f"duplicate id (also in {seen[ind.id]})"))
    seen[ind.id] = path.name
    return ind, problems


def _read_specs(path: Path, rights: dict, seen: dict) -> tuple[list[Indicator], list[dict]]:
    """The indicators of one catalogue file, and the problems found in it."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return [], [_problem(path.name, "-", "-", f"not valid YAML: {exc}")]
    if not isinstance(doc, dict):
        return [], [
            _problem(path.name, "-", "-", "must be a mapping with 'right' and 'indicators'")
        ]
    entries = doc.get("indicators", [])
    if not isinstance(entries, list):
        return [], [_problem(path.name, "-", "indicators", "must be a list of indicator specs")]
    indicators, problems = [], []
    for pos, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            problems.append(_problem(path.name, f"#{pos}", "-", "each indicator must be a mapping"))
            continue
        item = str(raw.get("id", f"indicator #{pos}"))
        ind, found = _checked({"right": doc.get("right"), **raw}, path, item, rights, seen)
        problems += found
        if ind is not None:
            indicators.append(ind)
    return indicators, problems


def load_catalogue(folder: str | Path | None = None) -> Catalogue:
    """Load and validate every indicator spec of a catalogue folder.

    Parameters
    ----------
    folder : str or path-like, optional
        A folder holding ``catalogue.yaml`` and one YAML file per right. Default: the catalogue
        shipped with the package (loaded once, then reused: a catalogue is read-only).

    Returns
    -------
    Catalogue

    Raises
    ------
    SpecError
        Listing every problem: the file, the indicator, the field and what was expected.
    """
    if folder is None:
        return _shipped()
    root = Path(folder)
    index_path = root / INDEX_FILE
    if not index_path.is_file():
        raise SpecError([_problem(str(index_path), "-", "-", "catalogue index file is missing")])
    index = yaml.safe_load(index_path.read_text(encoding="utf-8")) or {}
    version = str(index.get("version", "unversioned"))
    rights = {r["id"]: r for r in index.get("rights", [])}
    indicators: list[Indicator] = []
    problems: list[dict] = []
    seen: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name != INDEX_FILE:
            found, trouble = _read_specs(path, rights, seen)
            indicators += found
            problems += trouble
    if problems:
        raise SpecError(problems)
    return Catalogue(indicators, version, rights)


@functools.lru_cache(maxsize=1)
def _shipped() -> Catalogue:
    """The catalogue shipped with the package."""
    return load_catalogue(resource_dir("indicators"))
