"""Which indicators, and which disaggregations, a set of inputs can produce — and why not others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from ..survey import SurveyDesign
from ..vocab import AGGREGATE_COLUMNS, DIMENSIONS
from .load import Catalogue, load_catalogue
from .spec import Indicator


def coverage(
    indicators: Catalogue | Iterable[Indicator] | None = None,
    *,
    survey: pd.DataFrame | SurveyDesign | None = None,
    stock: pd.DataFrame | None = None,
    admin: pd.DataFrame | None = None,
    ratifications: pd.DataFrame | None = None,
    by: Sequence[str] = DIMENSIONS,
) -> pd.DataFrame:
    """Report, for each indicator, whether the inputs can produce it and with which breakdowns.

    Parameters
    ----------
    indicators : Catalogue or list of Indicator, optional
        Default: the whole shipped catalogue.
    survey : DataFrame or SurveyDesign, optional
        Canonical survey microdata.
    stock, admin, ratifications : DataFrame, optional
        Aggregate inputs.
    by : sequence of str
        Disaggregations to check (default: all of the results table).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator_id``, ``right``, ``type``, ``source`` (the input
        that would feed it), ``computable``, ``missing`` (what is lacking: a source, columns,
        measures or records), ``disaggregations`` (available) and ``not_available``
        (requested disaggregations it cannot give, with the reason).
    """
    inds = list(indicators if indicators is not None else load_catalogue())
    data = survey.data if isinstance(survey, SurveyDesign) else survey
    tables = {"survey": data, "stock": stock, "admin": admin, "ratification": ratifications}
    rows = []
    for ind in inds:
        kinds = [k for k in ind.source_kind if tables[k] is not None]
        missing: list[str] = []
        dims_ok: list[str] = []
        dims_no: list[str] = []
        source = kinds[0] if kinds else None
        if source is None:
            missing.append("source: " + " or ".join(ind.source_kind))
        elif source == "survey":
            missing += [f"column {c}" for c in ind.missing_columns(data.columns)]
        else:
            table = tables[source]
            missing += [f"column {c}" for c in AGGREGATE_COLUMNS[source] if c not in table.columns]
            if not missing:
                missing += _missing_records(ind, table, source)
        for dim in by:
            if dim not in ind.disaggregations:
                dims_no.append(f"{dim} (not a disaggregation of this indicator)")
            elif source is not None and dim not in tables[source].columns:
                dims_no.append(f"{dim} (no {dim} column in the {source} input)")
            else:
                dims_ok.append(dim)
        rows.append(
            {
                "indicator_id": ind.id,
                "right": ind.right,
                "type": ind.type,
                "source": source,
                "computable": not missing,
                "missing": "; ".join(missing),
                "disaggregations": ", ".join(dims_ok),
                "not_available": "; ".join(dims_no),
            }
        )
    return pd.DataFrame(rows)


def _missing_records(ind: Indicator, table: pd.DataFrame, source: str) -> list[str]:
    from ..filters import evaluate_filter, parse_filter

    if source == "ratification" and ind.statistic == "status":
        return (
            []
            if (table["instrument"] == ind.variable).any()
            else [f"records for instrument {ind.variable}"]
        )
    texts = [
        t
        for t in (
            ind.numerator,
            ind.denominator,
            ind.variable if ind.statistic == "growth_rate" else None,
        )
        if t
    ]
    out = []
    for text in texts:
        f = parse_filter(text)
        absent = [c for c in f.columns if c not in table.columns]
        if absent:
            out += [f"column {c}" for c in absent]
        elif not evaluate_filter(f, table).any():
            out.append(f"rows matching {text!r}")
    return out
