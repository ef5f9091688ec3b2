"""The ``mhr`` command line.

``mhr example`` estimates key labour-market outcomes of the foreign-born and the native-born on
the shipped synthetic example, with design-based standard errors, and prints (or writes) the table.

Exit codes: 0 success, 1 a data or design error (message on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from . import __version__
from .datasets import load_example
from .errors import MhrError
from .survey import SurveyDesign

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
        from .io_atomic import write_table

        write_table(table, args.output)
        print(f"\nwrote {len(table)} rows to {args.output}")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MhrError as exc:
        print(f"mhr: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
