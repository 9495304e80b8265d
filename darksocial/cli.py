"""The ``darksocial`` command line.

Each sub-command is a thin wrapper over a package function. Errors raised on purpose
(:class:`darksocial.errors.DarkSocialError`) are printed as one line on stderr and the
command exits with status 2; nothing else is caught.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from darksocial import __version__, config
from darksocial.errors import DarkSocialError


def _cmd_sample(args: argparse.Namespace) -> int:
    from darksocial import sample

    written = sample.write_sample(args.output, seed=args.seed)
    print(f"wrote {len(written)} files to {args.output}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from darksocial.io import inspect

    print(inspect(args.path, brand=args.brand or None))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from darksocial.coverage import assess
    from darksocial.io import load_folder
    from darksocial.io.calendar import NO_CALENDAR
    from darksocial.pages.params import data_folder

    folder = data_folder(args.data)
    coverage = assess(load_folder(folder))
    print(coverage.report())
    if coverage.campaigns is None:
        # the listing above is what a new folder needs first; the exit code still says
        # that no report can run on it yet
        print(f"darksocial check: error: {folder.name}: {NO_CALENDAR}", file=sys.stderr)
        return 2
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from darksocial import planning
    from darksocial.campaign import DEFAULT_FIT, holiday_country
    from darksocial.io import load_series
    from darksocial.its import COUNT_MODELS

    y = load_series(args.metric, data=args.data, csv=args.csv, column=args.column)
    # plan with the model the campaign report will use afterwards
    options = {k: DEFAULT_FIT[k] for k in ("seasonality", "transform")}
    options["holidays"] = holiday_country(args.country or y.attrs.get("country"))
    if args.model in COUNT_MODELS:
        options.pop("transform")
    print(
        planning.plan_text(
            y,
            args.launch,
            duration=args.duration,
            lift=args.lift,
            model=args.model,
            alpha=args.alpha,
            power=args.power,
            n_sim=args.n_sim,
            seed=args.seed,
            exclude=y.attrs.get("campaigns"),
            **options,
        )
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from darksocial import reporting

    return reporting.run_reports(
        campaigns=args.campaign,
        notebooks=args.notebook,
        parameters=reporting.parse_parameters(args.parameter, params_file=args.params_file),
        data_dir=args.data,
        reports_dir=args.reports_dir,
        workers=args.workers,
    )


def _cmd_fetch(args: argparse.Namespace) -> int:
    from darksocial.fetch import fetch_folder

    fetch_folder(args.data, sources=args.source, yes=args.yes)
    return 0


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``darksocial report`` options to a parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser.
    """
    parser.add_argument(
        "--campaign",
        action="append",
        metavar="ID",
        help="campaign report for this calendar id (repeatable); default: every campaign",
    )
    parser.add_argument(
        "--notebook",
        action="append",
        metavar="NAME",
        help="run only this notebook (stem in notebooks/ or a path); repeatable",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="data folder: calendar, darksocial.yml and exports as downloaded (default: the sample)",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (VALUE is read as YAML: 0.1, true, [a, b], text)",
    )
    parser.add_argument(
        "--params-file", type=Path, help="YAML file of notebook parameters (command line wins)"
    )
    parser.add_argument("--reports-dir", type=Path, default=config.REPORTS_DIR)
    parser.add_argument("--workers", type=int, default=None, help="parallel runs (default: cores)")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``darksocial`` command.

    Returns
    -------
    argparse.ArgumentParser
        The parser, with one sub-parser per sub-command.
    """
    parser = argparse.ArgumentParser(
        prog="darksocial",
        description="Measure dark social: campaign lifts in branded search, direct traffic "
        "and self-reported attribution.",
    )
    parser.add_argument("--version", action="version", version=f"darksocial {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("sample", help="regenerate the TrackMyTools sample data")
    p.add_argument("--output", type=Path, default=config.SAMPLE_DIR, help="folder to write")
    p.add_argument("--seed", type=int, default=config.SEED, help="random seed")
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("inspect", help="recognise an export, load it and summarise it")
    p.add_argument("path", type=Path, help="export file, Search Console zip/folder, events folder")
    p.add_argument(
        "--brand", action="append", metavar="TERM", help="brand term (repeatable; Search Console)"
    )
    p.set_defaults(func=_cmd_inspect)

    p = sub.add_parser(
        "check", help="list the exports of a data folder and what reports they support"
    )
    p.add_argument(
        "--data", type=Path, default=None, help="data folder (default: the bundled sample)"
    )
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("plan", help="minimum detectable lift and duration needed before launch")
    p.add_argument("--metric", default="branded_clicks", help="series to plan on")
    p.add_argument("--launch", required=True, help="planned launch date, YYYY-MM-DD")
    p.add_argument("--duration", type=int, default=28, help="planned length in periods")
    p.add_argument("--lift", type=float, help="target lift (0.1 = +10%%): duration needed")
    p.add_argument("--data", type=Path, default=config.SAMPLE_DIR, help="sample-like folder")
    p.add_argument("--csv", type=Path, help="CSV with a date column instead of --data")
    p.add_argument("--column", help="column of --csv to use (default: --metric)")
    p.add_argument(
        "--country",
        help="ISO code whose public holidays enter the model (default: the "
        "data folder's darksocial.yml; none for --csv)",
    )
    p.add_argument("--model", default="segmented", help="ITS model (default segmented)")
    p.add_argument("--alpha", type=float, default=config.ALPHA, help="significance level")
    p.add_argument("--power", type=float, default=0.8, help="target power")
    p.add_argument("--n-sim", type=int, default=40, help="pseudo-launches per grid point")
    p.add_argument("--seed", type=int, default=config.SEED, help="random seed")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser(
        "fetch", help="bring a data folder up to date from the APIs its darksocial.yml names"
    )
    p.add_argument("--data", type=Path, required=True, metavar="DIR", help="data folder")
    p.add_argument(
        "--source",
        action="append",
        choices=("search_console", "ga4", "bigquery", "meta"),
        help="fetch only this source (repeatable); default: every source in the settings",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="run the BigQuery query even above maximum_bytes_billed",
    )
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("report", help="run the report notebooks and write HTML reports")
    _add_report_arguments(p)
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``darksocial`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status: 0 on success, 2 on bad input.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 0

    shown = warnings.showwarning

    def one_line(message, category, filename, lineno, file=None, line=None):
        # a warning about the input (dates beyond today in a GA4 file) is for the user, not
        # a Python trace: it printed the package's file, line number and source line; a
        # library's own warning (numpy, statsmodels) is shown as Python shows it
        if issubclass(category, UserWarning) and "darksocial" in str(filename):
            print(f"darksocial {args.command}: warning: {message}", file=file or sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.showwarning = one_line
        warnings.filterwarnings("default", category=UserWarning, module=r"darksocial\.")
        try:
            return args.func(args)
        except DarkSocialError as exc:
            print(f"darksocial {args.command}: error: {exc}", file=sys.stderr)
            return 2


if __name__ == "__main__":  # ``python -m darksocial.cli``, the same as ``python -m darksocial``
    raise SystemExit(main())
