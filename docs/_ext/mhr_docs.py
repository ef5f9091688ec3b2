"""Reference pages generated from the code when the site is built (nothing is written to disk).

A page holds a marker line ``<!-- mhr-docs: NAME -->``; when Sphinx reads the page, the marker is
replaced by MyST Markdown made from the code:

``cli``
    every ``mhr`` command, its usage and arguments, from ``mhr_indicators.cli.build_parser()``;
``results-table``
    the results-table columns (``vocab.RESULT_COLUMNS``) with their dtypes
    (``engine.dtypes``), the issues columns and the issue codes (``vocab.IssueCode``), and the
    columns of an estimator's table (``vocab.ESTIMATE_COLUMNS``);
``schemas``
    the input schemas: the pandera schemas of ``prepare/schemas.py``, column by column;
``api-top``
    autodoc entries for every name of ``mhr_indicators.__all__``;
``api-module MODULE [MODULE ...]``
    autodoc of modules, leaving out the names already documented at the top level.

The generated catalogue index (``catalogue/index.md``) also gets a hidden toctree of the
right pages, so that they sit under it in the navigation.

A column of the results table or of an estimator's table without a meaning below fails the
build (under ``-W``): the reference cannot silently fall behind the code.
"""

from __future__ import annotations

import argparse
import enum
import inspect
import re
import types
from importlib import import_module

from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

logger = logging.getLogger(__name__)

MARKER = re.compile(r"^<!-- mhr-docs: (?P<what>[\w-]+)(?P<args>[^>]*?) -->$", re.M)

# --- meanings of the columns (the code gives the names, the order and the dtypes) -------------
RESULT_MEANINGS = {
    "indicator_id": "the catalogue id of the indicator (`WORK.O.UR`)",
    "type": "`structural`, `process`, `outcome` or `context`",
    "right": "the right the indicator belongs to (the catalogue's `right`)",
    "attribute": "the attribute of the right it measures (OHCHR framework)",
    "ref_area": "ISO 3166-1 alpha-3 code (`MEX`), ISO 3166-2 subdivision (`US-WY`) or UN M49 "
    "code of a region",
    "time_period": "the year, or the period as text (`2024`, `2022-08`)",
    "population": "the group the value describes (`foreign_born`, `native_born`, "
    "`foreign_citizen`, `national`, `non_citizen`, `citizen`, `total`), or a comparison of "
    "two groups (`gap`, `ratio`, `relative_gap`, `parity_index`, `adjusted_parity_index`, "
    "`sex_gap_migrant`, `double_disadvantage`, `gap_difference`), or `not_stated_share`",
    "sex": "`F`, `M`, `_T` (both, not broken down) or `_Z` (not applicable: the "
    "intersectional comparisons span both sexes)",
    "age_group": "SDMX-style age band (`Y15T24`, `Y_GE65`) or `_T`",
    "sector": "ISIC Rev.4 section (`A` … `U`) or `_T`",
    "legal_status": "legal-status code (`citizen`, `permanent_resident`, `temporary_resident`, "
    "`refugee`, `asylum_seeker`, `irregular`, `unknown`) or `_T`",
    "value": "the estimate, in `unit`; empty when withheld (`suppressed`)",
    "unit": "`percent`, `ratio`, `per_100000`, `yes_no`, `currency_per_month`, … (a gap of "
    "percentages is in percentage points)",
    "se": "standard error (design-based); empty for complete sources (stock, administrative "
    "counts, records) and for designs without variance information",
    "ci_lower": "lower end of the confidence interval (95% unless the run's `level` says "
    "otherwise)",
    "ci_upper": "upper end of the confidence interval",
    "cv": "coefficient of variation, se / |value| (unit-free)",
    "n_unweighted": "sample cases behind the estimate",
    "n_weighted": "the population they represent (sum of weights)",
    "flag": "reliability flag: empty, `U` low reliability, `R` statistical review, `X` "
    "withheld, `N` no standard error, `D` definition differs (see "
    "{py:mod}`mhr_indicators.engine.quality`)",
    "suppressed": "true when `value` is withheld by the quality rules; the row and its counts stay",
    "source": "the dataset the value came from (for records: the instrument and year)",
}
OPTIONAL_MEANINGS = {
    "disability": "persons with or without disability; in surveys with the Washington Group "
    'Short Set, with disability = at least one of its six domains answered "a lot of '
    'difficulty" or "cannot do at all" (the Washington Group\'s cut-off); the categories of '
    "the SDG data structure's `DISABILITY_STATUS` dimension",
    "urbanisation": "urban or rural area of residence, the codes of the SDG code list "
    "`CL_URBANISATION` (IAEG-SDGs); by the Degree of Urbanisation (UN Statistical Commission, "
    "2020), cities and towns and semi-dense areas are urban, rural areas rural",
    "citizenship_status": "how a person holds the country's citizenship (UN *Principles and "
    "Recommendations for Population and Housing Censuses*, Rev. 3, 2017, topic "
    '"citizenship"): by birth, by naturalisation, foreign citizen, stateless, or '
    "`non_citizen` where a source does not tell foreign citizens from stateless persons. Not "
    "the `citizenship` input column (a country code defining the migrant group under the "
    "citizenship criterion)",
}
ESTIMATE_MEANINGS = {
    "value": "the estimate (a share between 0 and 1 for `proportion`)",
    "se": "standard error",
    "ci_lower": "lower end of the confidence interval at `level` (default 0.95)",
    "ci_upper": "upper end of the confidence interval",
    "cv": "coefficient of variation, se / |value|",
    "n_unweighted": "rows in the cell's domain",
    "n_weighted": "the sum of their weights",
    "df": "design degrees of freedom of the cell",
    "n_eff": "for proportions, the effective sample size p(1 − p)/se², capped at n; empty "
    "otherwise",
}
ISSUE_MEANINGS = {
    "indicator_id": "the indicator concerned (empty for a problem of a whole input)",
    "problem": "an issue code (below)",
    "detail": "what happened, in words",
}

# --- helpers ------------------------------------------------------------------------------------


def _cell(text: object) -> str:
    """Text for a Markdown table cell."""
    return str(text).replace("|", r"\|").replace("\n", " ")


def _code(text: object) -> str:
    text = str(text)
    fence = "``" if "`" in text else "`"
    return f"{fence}{_cell(text)}{fence}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _first_line(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n")[0].replace("\n", " ")


def _missing(kind: str, names: list[str], meanings: dict[str, str], docname: str) -> None:
    for name in names:
        if name not in meanings:
            logger.warning(
                f"{kind} column {name!r} has no meaning in docs/_ext/mhr_docs.py",
                location=docname,
            )
    for name in meanings:
        if name not in names:
            logger.warning(
                f"docs/_ext/mhr_docs.py describes a {kind} column {name!r} the code does not have",
                location=docname,
            )


# --- the command line ---------------------------------------------------------------------------


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return str(action.metavar)
    if action.choices:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest.upper()


def _argument_rows(parser: argparse.ArgumentParser) -> list[list[str]]:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                name += " " + _metavar(action)
        else:
            name = action.metavar or action.dest
        if action.nargs == "*":
            name += " …"
        elif action.nargs == "?":
            name = f"[{name}]"
        notes = []
        if action.choices:
            notes.append("one of " + ", ".join(_code(c) for c in action.choices))
        if action.required and action.option_strings:
            notes.append("required")
        if action.default not in (None, False, argparse.SUPPRESS) and action.nargs != 0:
            notes.append(f"default {_code(action.default)}")
        rows.append([_code(name), _cell(action.help or ""), "; ".join(notes)])
    return rows


def _cli() -> str:
    from mhr_indicators.cli import build_parser

    parser = build_parser()
    out = [
        "```text",
        parser.format_usage().strip(),
        "```",
        "",
        _cell(parser.description or ""),
        "",
        _table(["option", "meaning", ""], _argument_rows(parser)),
    ]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, command in sub.choices.items():
        out += [
            f"## `mhr {name}`",
            "",
            _sentence(helps.get(name) or ""),
            "",
            "```text",
            command.format_usage().strip(),
            "```",
            "",
        ]
        groups = command._mutually_exclusive_groups
        rows = _argument_rows(command)
        if rows:
            out.append(_table(["argument", "meaning", ""], rows))
        for group in groups:
            names = " / ".join(a.option_strings[0] for a in group._group_actions)
            required = "exactly one" if group.required else "at most one"
            out.append(f"Give {required} of {names}.\n")
    return "\n".join(out)


# --- the results table --------------------------------------------------------------------------


def _results_table(docname: str) -> str:
    from mhr_indicators import vocab
    from mhr_indicators.engine import dtypes

    _missing("results-table", list(vocab.RESULT_COLUMNS), RESULT_MEANINGS, docname)
    _missing("optional dimension", list(vocab.OPTIONAL_DIMENSIONS), OPTIONAL_MEANINGS, docname)
    _missing("estimator", list(vocab.ESTIMATE_COLUMNS), ESTIMATE_MEANINGS, docname)
    _missing("issues", list(vocab.ISSUE_COLUMNS), ISSUE_MEANINGS, docname)

    def dtype(col: str) -> str:
        if col in dtypes.FLOAT_COLUMNS:
            return "float64"
        if col == "n_unweighted":
            return "Int64"
        if col == "suppressed":
            return "bool"
        return "text"

    rows = [
        [str(i), _code(c), dtype(c), _cell(RESULT_MEANINGS.get(c, ""))]
        for i, c in enumerate(vocab.RESULT_COLUMNS, 1)
    ]
    attr_docs = ModuleAnalyzer.for_module("mhr_indicators.vocab").find_attr_docs()
    codes = [
        [_code(member.value), _cell(" ".join(attr_docs.get(("IssueCode", member.name), [])))]
        for member in vocab.IssueCode
    ]
    est_rows = [[_code(c), _cell(ESTIMATE_MEANINGS.get(c, ""))] for c in vocab.ESTIMATE_COLUMNS]
    optional = [
        [
            _code(d),
            ", ".join(_code(c) for c in vocab.DIMENSION_CODES[d]) + f", `{vocab.TOTAL}`",
            _cell(OPTIONAL_MEANINGS.get(d, "")),
        ]
        for d in vocab.OPTIONAL_DIMENSIONS
    ]
    return "\n".join(
        [
            "## The columns",
            "",
            f"{len(vocab.RESULT_COLUMNS)} columns, in this order "
            "(`mhr_indicators.RESULT_COLUMNS`). A dimension that is not broken down holds "
            f"`{vocab.TOTAL}`; one that does not apply holds `{vocab.NOT_APPLICABLE}`.",
            "",
            _table(["#", "column", "dtype", "meaning"], rows),
            "## Optional dimensions",
            "",
            "Three more disaggregations (A/69/302, para. 101), for sources that have them "
            "(`mhr_indicators.vocab.OPTIONAL_DIMENSIONS`). Request them in `by=` (or a batch "
            "job's `by:`): each one requested is a text column after `legal_status`, in the "
            f"order below, `{vocab.TOTAL}` on every row not broken down by it (the rows of "
            "indicators whose spec does not allow it included). A table computed without them "
            "has exactly the columns above. `concat_results` joins tables with and without "
            f"them (the missing column is `{vocab.TOTAL}`), and the SDMX-CSV writer adds the "
            "dimensions `DISABILITY_STATUS`, `URBANISATION` (their names in the SDG data "
            "structure definition) and `CITIZENSHIP_STATUS` when the table has the columns. "
            'A missing value in the input is "not stated": the person is in no cell of '
            "the breakdown, only in its totals.",
            "",
            _table(["column", "codes", "meaning"], optional),
            "## The issues table",
            "",
            "`Results.issues` (and a batch's `results.issues.csv`, which adds the `input`) has "
            "the columns " + ", ".join(_code(c) for c in vocab.ISSUE_COLUMNS) + ":",
            "",
            _table(
                ["column", "meaning"],
                [[_code(c), _cell(ISSUE_MEANINGS.get(c, ""))] for c in vocab.ISSUE_COLUMNS],
            ),
            "Issue codes (`mhr_indicators.IssueCode`):",
            "",
            _table(["problem", "meaning"], codes),
            "## An estimator's table",
            "",
            "`SurveyDesign.proportion`, `.mean`, `.ratio`, `.total`, `.quantile` and "
            "`Estimates.to_frame()` return one row per cell: the `by` columns, then",
            "",
            _table(["column", "meaning"], est_rows),
        ]
    )


# --- the input schemas --------------------------------------------------------------------------


def _check_text(check) -> str:
    stats = check.statistics or {}
    name = check.name
    if name == "greater_than":
        return f"> {stats['min_value']}"
    if name == "greater_than_or_equal_to":
        return f"≥ {stats['min_value']}"
    if name == "less_than":
        return f"< {stats['max_value']}"
    if name == "less_than_or_equal_to":
        return f"≤ {stats['max_value']}"
    if name == "in_range":
        return f"between {stats['min_value']} and {stats['max_value']}"
    if name == "isin":
        values = stats.get("allowed_values", [])
        return "one of " + ", ".join(_code(v) for v in values)
    if name == "str_matches":
        return "matches " + _code(stats.get("pattern"))
    if name == "assigned_subdivision":
        return "an ISO 3166-2 code must be one ISO 3166-2 assigns"
    return _cell(name)


def _schemas() -> str:
    from mhr_indicators.prepare import schemas

    out = []
    for kind, schema in schemas.SCHEMAS.items():
        rows = []
        for name, column in schema.columns.items():
            checks = [_check_text(c) for c in column.checks]
            rows.append(
                [
                    _code(name),
                    "yes" if column.required else "",
                    "yes" if column.nullable else "",
                    "; ".join(checks),
                ]
            )
        doc = schema.description or ""
        out += [
            f"## {kind}: `{schema.title}`",
            "",
            doc.replace("\n", " "),
            "",
            f'`validate(df, "{kind}")`; extra columns are allowed.',
            "",
            _table(["column", "required", "may be missing", "check"], rows),
        ]
        keys = schemas.KEY_COLUMNS.get(kind)
        if keys:
            out.append(
                "A row is identified by the columns it has among "
                + ", ".join(_code(k) for k in keys)
                + ": two rows with the same key are an error.\n"
            )
    return "\n".join(out)


# --- the API ------------------------------------------------------------------------------------

#: The sections of the top-level API page, in pipeline order; other names go to "Other names".
API_SECTIONS = {
    "The catalogue": ["load_catalogue", "Catalogue", "Indicator", "coverage"],
    "Reading data": ["read_table", "load_example"],
    "Harmonising and validating": ["harmonise", "load_mapping", "HarmonisationMapping", "validate"],
    "Survey designs": ["SurveyDesign", "Estimates"],
    "Computing indicators": [
        "compute",
        "Results",
        "read_results",
        "concat_results",
        "QualityRules",
        "RESULT_COLUMNS",
        "IssueCode",
    ],
    "Filters": ["parse_filter", "Filter"],
}
#: Where the subpackages and data names of ``__all__`` are documented.
API_LINKS = {
    "datasets": ("mhr_indicators.io.datasets", "files shipped with the package"),
    "plot": ("mhr_indicators.plot", "country profiles and charts"),
}


def _top_level() -> set[int]:
    import mhr_indicators

    return {
        id(getattr(mhr_indicators, n))
        for n in mhr_indicators.__all__
        if not isinstance(getattr(mhr_indicators, n), (types.ModuleType, str, list))
    }


def _rst(text: str) -> str:
    """reStructuredText inside a MyST page (autodoc writes reStructuredText)."""
    return "```{eval-rst}\n" + text.rstrip() + "\n```\n"


def _directive(name: str, obj: object) -> str:
    target = f"mhr_indicators.{name}"
    if inspect.isclass(obj):
        if issubclass(obj, enum.Enum):
            return _rst(f".. autoclass:: {target}\n   :members:\n   :undoc-members:")
        bases = obj.__mro__[1:]
        own = [b for b in bases if b.__module__.startswith("mhr_indicators")]
        if own and not issubclass(obj, BaseException):  # SurveyDesign's estimators
            other = ", ".join(b.__name__ for b in bases if b not in own)
            return _rst(f".. autoclass:: {target}\n   :inherited-members: {other}")
        return _rst(f".. autoclass:: {target}")
    if callable(obj):
        return _rst(f".. autofunction:: {target}")
    if name == "RESULT_COLUMNS":
        return _rst(
            f".. py:data:: {name}\n   :module: mhr_indicators\n   :type: list[str]\n\n"
            "   The columns of the results table, in order: see :doc:`/reference/results-table`."
        )
    if name == "__version__":
        return _rst(
            f".. py:data:: {name}\n   :module: mhr_indicators\n   :type: str\n\n"
            "   The library version."
        )
    if isinstance(obj, types.ModuleType):
        module, what = API_LINKS.get(name, (obj.__name__, ""))
        return f"`{target}`\n: {{py:mod}}`{module}`{' — ' + what if what else ''}\n"
    return _rst(f".. py:data:: {name}\n   :module: mhr_indicators")


def _api_top() -> str:
    import mhr_indicators

    names = list(mhr_indicators.__all__)
    placed = {n for group in API_SECTIONS.values() for n in group}
    errors = [
        n
        for n in names
        if inspect.isclass(getattr(mhr_indicators, n))
        and issubclass(getattr(mhr_indicators, n), BaseException)
    ]
    sections = dict(API_SECTIONS)
    sections["Errors"] = errors
    sections["Subpackages and version"] = [n for n in names if n in API_LINKS or n == "__version__"]
    placed |= set(errors) | set(sections["Subpackages and version"])
    rest = [n for n in names if n not in placed]
    if rest:
        sections["Other names"] = rest
    out = []
    for title, group in sections.items():
        group = [n for n in group if n in names]
        if not group:
            continue
        out += [f"## {title}", ""]
        out += [_directive(n, getattr(mhr_indicators, n)) for n in group]
    return "\n".join(out)


def _api_module(modules: list[str]) -> str:
    shown = _top_level()
    out = []
    for modname in modules:
        module = import_module(modname)
        public = getattr(module, "__all__", None)
        if public is None:
            public = [
                n
                for n, v in vars(module).items()
                if not n.startswith("_")
                and getattr(v, "__module__", None) == modname
                and (inspect.isclass(v) or inspect.isfunction(v))
            ]
        skip = [n for n in public if id(getattr(module, n, None)) in shown]
        options = ["   :members:"]
        if skip:
            options.append("   :exclude-members: " + ", ".join(skip))
        out += [f"## `{modname}`", ""]
        out.append(_rst("\n".join([f".. automodule:: {modname}", *options])))
        if skip:
            links = ", ".join(f"{{py:obj}}`~mhr_indicators.{n}`" for n in skip)
            out += [f"Also here, documented at the top level: {links}.", ""]
    return "\n".join(out)


# --- wiring ---------------------------------------------------------------------------------------


def _generate(what: str, args: list[str], docname: str) -> str:
    if what == "cli":
        return _cli()
    if what == "results-table":
        return _results_table(docname)
    if what == "schemas":
        return _schemas()
    if what == "api-top":
        return _api_top()
    if what == "api-module":
        return _api_module(args)
    logger.warning(f"unknown mhr-docs marker {what!r}", location=docname)
    return ""


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    text = source[0]
    if docname == "catalogue/index":
        text += "\n\n```{toctree}\n:hidden:\n:glob:\n\n*\n```\n"
    source[0] = MARKER.sub(lambda m: _generate(m["what"], m["args"].split(), docname), text)


def _module_sections(app, what, name, obj, options, lines: list[str]) -> None:
    """Section headings of a module docstring (``Examples`` over dashes) as rubrics: two
    modules on one page would otherwise both define the section id ``examples``."""
    if what != "module":
        return
    out: list[str] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        under = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if title and under and set(under) <= set("-=~") and len(under) >= len(title):
            out += [f".. rubric:: {title}", ""]
            i += 2
            continue
        out.append(lines[i])
        i += 1
    lines[:] = out


#: Members of pydantic models that are machinery, not API.
PYDANTIC_MACHINERY = {"model_config", "model_fields", "model_computed_fields"}


def _skip_member(app, what, name, obj, skip, options):
    if name in PYDANTIC_MACHINERY:
        return True
    return None


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("source-read", _source_read)
    app.connect("autodoc-process-docstring", _module_sections, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
