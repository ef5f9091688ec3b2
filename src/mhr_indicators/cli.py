"""The ``mhr`` command line.

- ``mhr compute CONFIG.yaml [--jobs N] [--force]`` runs a batch job (see
  :mod:`mhr_indicators.batch.run`): inputs in N worker processes, unchanged inputs reused unless
  ``--force``, a run report at the end;
- ``mhr profile RESULTS.parquet --area ISO3 [--period P] --out profile.pdf|png|svg`` (or ``--all``
  for one page per area) draws country profiles from results;
- ``mhr catalogue list [--right R] [--type T] [--source-kind K]`` and ``mhr catalogue show ID``;
- ``mhr validate DATA --kind survey [--mapping M.yaml] [--indicators ID ...]``;
- ``mhr example`` estimates key outcomes on the shipped synthetic survey.

Exit codes: 0 success, 1 a data, spec or design error (message on stderr; for ``compute``, also
when any input of the batch failed — the others are still written), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd
import yaml

from ._version import __version__
from .batch.run import run_job
from .catalogue.load import load_catalogue
from .errors import MhrError
from .io.datasets import load_example
from .io.tables import read_table, write_table
from .prepare.harmonise import harmonise
from .prepare.schemas import validate
from .survey import SurveyDesign
from .vocab import INDICATOR_TYPES, INPUT_ARGUMENT, SOURCE_KINDS

GROUP = {0.0: "native-born", 1.0: "foreign-born"}


def example_design(kind: str = "replicate") -> SurveyDesign:
    """The example survey's design: its 80 SDR replicate weights, or strata/PSUs/fpc."""
    df = load_example()
    if kind == "replicate":
        reps = [f"rw{r}" for r in range(1, 81)]
        return SurveyDesign(df, weights="weight", replicate_weights=reps, method="SDR")
    return SurveyDesign(df, weights="weight", strata="stratum", psu="psu", fpc="fpc")


def example_table(design: SurveyDesign) -> pd.DataFrame:
    """Employment, unemployment, informality, earnings and health cover by birthplace and sex."""
    by = ["born_abroad", "sex"]
    parts = [
        (
            "employment-to-population ratio, 15-64",
            "percent",
            design.proportion("employed", by=by, where="age between 15 and 64"),
        ),
        (
            "unemployment rate, 15+",
            "percent",
            design.ratio("unemployed", "in_labour_force", by=by, where="age >= 15"),
        ),
        (
            "informal employment share",
            "percent",
            design.proportion("informal", by=by, where="labour_status == 'employed'"),
        ),
        ("mean monthly earnings, employed", "currency per month", design.mean("earnings", by=by)),
        (
            "median monthly earnings, employed",
            "currency per month",
            design.quantile("earnings", 0.5, by=by),
        ),
        (
            "health insurance coverage, all ages",
            "percent",
            design.proportion("health_insurance", by=by),
        ),
    ]
    frames = []
    for name, unit, res in parts:
        res = res.copy()
        if unit == "percent":
            res[["value", "se", "ci_lower", "ci_upper"]] *= 100
        res.insert(0, "unit", unit)
        res.insert(0, "estimate", name)
        frames.append(res)
    out = pd.concat(frames, ignore_index=True)
    out["born_abroad"] = out["born_abroad"].map(GROUP)
    return out.rename(columns={"born_abroad": "population"})


def _print_table(table: pd.DataFrame) -> None:
    show = table[
        ["estimate", "population", "sex", "value", "se", "ci_lower", "ci_upper", "n_unweighted"]
    ]
    with pd.option_context(
        "display.width", 200, "display.max_rows", 200, "display.float_format", "{:,.2f}".format
    ):
        print(show.to_string(index=False))


def _cmd_example(args: argparse.Namespace) -> int:
    design = example_design(args.design)
    table = example_table(design)
    print("Synthetic example survey (not real data): foreign-born vs native-born, by sex")
    print(f"Design: {design!r}\n")
    _print_table(table)
    if args.output:
        write_table(table, args.output)
        print(f"\nwrote {len(table)} rows to {args.output}")
    return 0


def _cmd_catalogue(args: argparse.Namespace) -> int:
    cat = load_catalogue(args.catalogue) if args.catalogue else load_catalogue()
    if args.action == "show":
        if not args.arg:
            print("mhr: error: catalogue show needs an indicator id", file=sys.stderr)
            return 2
        try:
            ind = cat[args.arg]
        except KeyError as exc:
            print(f"mhr: error: {exc.args[0]}", file=sys.stderr)
            return 1
        print(
            yaml.safe_dump(
                ind.model_dump(exclude_none=True), sort_keys=False, allow_unicode=True, width=100
            )
        )
        return 0
    if args.action == "docs":
        from .catalogue.render import write

        for path in write(cat, args.arg or "docs/catalogue"):
            print(f"wrote {path}")
        return 0
    if args.action == "coverage":
        if not args.arg:
            print("mhr: error: catalogue coverage needs a data file", file=sys.stderr)
            return 2
        from .catalogue.coverage import coverage

        data = read_table(args.arg)
        if args.mapping:
            data = harmonise(data, args.mapping)
        key = INPUT_ARGUMENT[_kind(args.kind)]
        report = coverage(cat.filter(right=args.right, type=args.type), **{key: data})
        ok = report[report["computable"]]
        print(f"{args.arg}: {len(ok)} of {len(report)} indicators can be computed")
        with pd.option_context(
            "display.width", 200, "display.max_colwidth", 70, "display.max_rows", 500
        ):
            print(
                report[["indicator_id", "computable", "disaggregations", "missing"]].to_string(
                    index=False
                )
            )
        return 0
    sub = cat.filter(right=args.right, type=args.type, source_kind=_kind(args.source_kind))
    frame = sub.to_frame()[["id", "type", "right", "unit", "name"]]
    print(f"Catalogue {cat.version}: {len(sub)} of {len(cat)} indicators")
    if len(frame):
        print(frame.to_string(index=False))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    data = read_table(args.data)
    if args.mapping:
        data = harmonise(data, args.mapping)
    required: list[str] = []
    for ind_id in args.indicators or []:
        required += list(load_catalogue()[ind_id].required_columns)
    validate(data, args.kind, required=required, source=str(args.data))
    print(
        f"{args.data}: {len(data)} rows pass the {args.kind} schema"
        + (f" and hold the columns of {', '.join(args.indicators)}" if args.indicators else "")
    )
    return 0


def _cmd_compute(args: argparse.Namespace) -> int:
    from .batch.report import format_report

    if args.jobs < 1:
        print(f"mhr: error: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    result = run_job(args.config, jobs=args.jobs, force=args.force)
    res = result.results
    print(
        f"computed {len(res)} estimates for {res['indicator_id'].nunique()} indicators; "
        f"{int(res['suppressed'].sum())} withheld by the quality rules"
    )
    headline = res[
        (res[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
        & ~res["population"].isin(
            ["not_stated_share", "ratio", "parity_index", "adjusted_parity_index"]
        )
    ]
    if len(headline):
        cols = ["indicator_id", "time_period", "population", "value", "unit", "se", "flag"]
        with pd.option_context(
            "display.width", 160, "display.max_rows", 100, "display.float_format", "{:,.2f}".format
        ):
            print("\nHeadline estimates (no breakdown):")
            print(headline[cols].to_string(index=False), "\n")
    for path in result.outputs:
        print(f"wrote {path}")
    if len(result.issues):
        notes = result.issues["problem"] == "not_disaggregated"
        if notes.any():
            print(
                f"{int(notes.sum())} requested breakdown(s) not available for some indicators "
                "(listed in the issues file)"
            )
        problems = result.issues[~notes]
        if len(problems):
            print(f"{len(problems)} issue(s), see the issues file:")
        for row in problems.head(10).itertuples(index=False):
            print(
                f"  [{row.input}] {row.indicator_id or '-'}: {row.problem}: "
                f"{str(row.detail).splitlines()[0]}"
            )
    print("\n" + format_report(result.report))
    if result.failed_inputs:
        print(
            f"mhr: error: {len(result.failed_inputs)} input(s) failed: "
            + ", ".join(result.failed_inputs),
            file=sys.stderr,
        )
        return 1
    return 0


#: Input kinds on the command line (with the 0.1 spelling ``ratifications``).
_KIND_CHOICES = [*SOURCE_KINDS, "ratifications"]


def _kind(text: str | None) -> str | None:
    return "ratification" if text == "ratifications" else text


def _cmd_profile(args: argparse.Namespace) -> int:
    from .plot import country_profile, save_figure, save_profiles

    if args.area:
        fig = country_profile(args.results, args.area, args.period)
        print(f"wrote {save_figure(fig, args.out)}")
        return 0

    def progress(done: int, total: int, area: str) -> None:
        bar = "#" * (30 * done // total)
        print(f"\r[{bar:<30}] {done}/{total} {area:<10}", end="", file=sys.stderr, flush=True)

    paths = save_profiles(args.results, args.out, time_period=args.period, progress=progress)
    print(file=sys.stderr)
    for path in paths:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mhr", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"mhr_indicators {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("example", help="estimate key outcomes on the shipped example survey")
    ex.add_argument(
        "--design",
        choices=["replicate", "linearisation"],
        default="replicate",
        help="variance from the 80 SDR replicate weights (default) or from "
        "strata/PSUs/fpc by linearisation",
    )
    ex.add_argument("--output", help="also write the table to this .csv or .parquet file")
    ex.set_defaults(func=_cmd_example)

    comp = sub.add_parser("compute", help="run a batch job from a YAML config")
    comp.add_argument("config", help="the job's YAML file")
    comp.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="compute N inputs at once, each in a worker process of its own (default 1: one "
        "after the other, in this process)",
    )
    comp.add_argument(
        "--force",
        action="store_true",
        help="compute every input again, even those unchanged since the last run",
    )
    comp.set_defaults(func=_cmd_compute)

    cat = sub.add_parser(
        "catalogue",
        help="list or show indicators, write the catalogue reference, or check a dataset's "
        "coverage",
    )
    cat.add_argument("action", choices=["list", "show", "docs", "coverage"])
    cat.add_argument(
        "arg",
        nargs="?",
        help="show: an indicator id; docs: the output folder (default docs/catalogue); "
        "coverage: a data file",
    )
    cat.add_argument(
        "--kind",
        default="survey",
        choices=_KIND_CHOICES,
        help="coverage: the kind of the data file",
    )
    cat.add_argument("--mapping", help="coverage: harmonisation mapping to apply first")
    cat.add_argument("--right")
    cat.add_argument("--type", choices=INDICATOR_TYPES)
    cat.add_argument("--source-kind", choices=_KIND_CHOICES)
    cat.add_argument("--catalogue", help="a catalogue folder other than the shipped one")
    cat.set_defaults(func=_cmd_catalogue)

    val = sub.add_parser("validate", help="check a data file against its canonical schema")
    val.add_argument("data", help="CSV, Parquet, Stata .dta or SPSS .sav file")
    val.add_argument("--kind", default="survey", choices=_KIND_CHOICES)
    val.add_argument("--mapping", help="harmonisation mapping (YAML) to apply first")
    val.add_argument("--indicators", nargs="*", help="also require these indicators' columns")
    val.set_defaults(func=_cmd_validate)
    prof = sub.add_parser("profile", help="draw country profiles (one A4 page per area)")
    prof.add_argument("results", help="a results file (.parquet or .csv) of mhr compute")
    which = prof.add_mutually_exclusive_group(required=True)
    which.add_argument("--area", help="the area's ref_area code (ISO3, ISO 3166-2 or M49)")
    which.add_argument("--all", action="store_true", help="every area of the results")
    prof.add_argument("--period", help="the period of the outcomes (default: the latest)")
    prof.add_argument(
        "--out",
        required=True,
        help="a .pdf, .png or .svg file; with --all a .pdf (a page each) or a name with "
        "{area} (profiles/{area}.png: a file each)",
    )
    prof.set_defaults(func=_cmd_profile)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except OSError as exc:
        print(f"mhr: error: {exc}", file=sys.stderr)
        return 1
    except (MhrError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"mhr: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
