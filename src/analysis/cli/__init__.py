"""Command line: ``python -m analysis <command>``.

Commands:
  ingest     data/raw -> data/processed (validated tables, reconciliation, data dictionary)
  report     execute the report notebooks and publish each authority's HTML pack for a period
  register   add a newly delivered file (e.g. next month's tracker) to data/raw/manifest.csv
  withdraw   undo a registration: remove the file's manifest row, move the file aside, take down
             the packs made from it
  unpublish  take one published pack down (to reports/withdrawn/)
  status     what is there: authorities, documents, published, stale and withdrawn packs
  public-stats  data/external (DfE/ONS/MHCLG downloads) -> public-statistics tables in data/processed
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import AnalysisError, problem_lines
from .common import EXIT_INPUT
from .deliveries import _SAME_FILE, _register, _status, _unpublish, _withdraw
from .reports import _notebooks, _report, add_report_arguments
from .tables import _ingest, _public_stats

__all__ = ["EXIT_INPUT", "add_report_arguments", "apply_settings", "build_parser", "command_parsers", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: ``python -m analysis COMMAND ...``, one subcommand per command.

    The reference's page of commands is generated from it.

    Returns
    -------
    argparse.ArgumentParser
        The parser.
    """
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", metavar="FILE", help="settings file (default: council.toml at the project "
                                                         "root, if any; or $COUNCIL_ANALYSIS_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # one function per command; ``sub`` is what add_subparsers returns (argparse keeps its type private)
    _ingest_command(sub)
    _register_command(sub)
    _withdraw_command(sub)
    _unpublish_command(sub)
    _status_command(sub)
    _notebooks_command(sub)
    _public_stats_command(sub)
    _report_command(sub)
    parser.set_defaults(commands=dict(sub.choices))  # each command's parser, for the reference (command_parsers)
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, by name, from :func:`build_parser`'s parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser :func:`build_parser` made.

    Returns
    -------
    dict of str to argparse.ArgumentParser
        The commands in the order ``--help`` lists them.
    """
    return dict(parser.get_default("commands") or {})


def _ingest_command(sub: Any) -> None:
    """The ``ingest`` command's options."""
    p = sub.add_parser("ingest", help="read data/raw into validated tables in data/processed")
    p.add_argument("--raw", help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--out", help="output folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=_ingest)


def _register_command(sub: Any) -> None:
    """The ``register`` command's options."""
    p = sub.add_parser("register", help="check a delivered file (already copied into data/raw) as ingest will, "
                                         "show what was read, and add it to the manifest")
    p.add_argument("file", help="file name in the raw folder")
    p.add_argument("--kind", help="savings_tracker, recovery_action_plan, … (default with --replace: the old one's)")
    p.add_argument("--authority", help="council name, e.g. Cambridgeshire (default with --replace: the old one's)")
    p.add_argument("--period", help="month a tracker reports, YYYY-MM")
    p.add_argument("--paper", help="title of the paper or export")
    p.add_argument("--date", help="date of the paper, ISO 8601 (default: the period)")
    p.add_argument("--unit", choices=["gbp", "gbp_thousands", "gbp_millions"],
                   help="what an unadorned figure means - a tracker: only when the file does not say (it is read "
                        "from a £, £000, £k or £m in its title or header); a paper: required")
    p.add_argument("--saving-sign", choices=["negative", "positive"],
                   help="a tracker: the sign it prints a saving with, only when its lines do not show it (it is "
                        "read from them: mostly negative or mostly positive planned amounts)")
    p.add_argument("--replace", nargs="?", const=_SAME_FILE, metavar="OLD",
                   help="correct a delivery: FILE replaces the registered OLD (default: FILE's own registration, "
                        "e.g. after the file was corrected in place); OLD's kind, authority, period and paper are "
                        "the defaults, its document id is kept and an OLD of another name moves to withdrawn/")
    p.add_argument("--check", action="store_true", help="read the file and show what would be registered; "
                                                         "change nothing")
    p.add_argument("--reports", help="with --replace: the reports folder whose packs made from OLD are taken "
                                     "down (default: reports/)")
    p.add_argument("--raw", help="raw folder (default: data/raw)")
    p.set_defaults(func=_register)


def _withdraw_command(sub: Any) -> None:
    """The ``withdraw`` command's options."""
    p = sub.add_parser("withdraw", help="undo a registration: remove FILE's row from the manifest, move the "
                                         "file into data/raw/withdrawn/ (never deleted) and take down every "
                                         "published pack made from it (to reports/withdrawn/)")
    p.add_argument("file", help="file name in the raw folder")
    p.add_argument("--raw", help="raw folder (default: data/raw)")
    p.add_argument("--reports", help="reports folder whose packs made from FILE are taken down (default: reports/)")
    p.add_argument("--reason", metavar="TEXT", help="why, for the index of withdrawn packs")
    p.set_defaults(func=_withdraw)


def _unpublish_command(sub: Any) -> None:
    """The ``unpublish`` command's options."""
    p = sub.add_parser("unpublish", help="take a published pack down: move reports/<authority>/<period>/ into "
                                          "reports/withdrawn/ and list it there on reports/index.html")
    p.add_argument("authority", help="the authority, by name or folder name")
    p.add_argument("period", help="the pack's month, YYYY-MM")
    p.add_argument("--reason", metavar="TEXT", help="why, for the index of withdrawn packs")
    p.add_argument("--reports", help="reports folder (default: reports/)")
    p.set_defaults(func=_unpublish)


def _status_command(sub: Any) -> None:
    """The ``status`` command's options."""
    p = sub.add_parser("status", help="what is there: authorities, their documents by period, published packs, "
                                       "stale packs, withdrawn files and packs, unregistered files (reads only)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts (the shape: analysis.report.status)")
    p.add_argument("--raw", help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--processed", help="processed tables (default: data/processed)")
    p.add_argument("--reports", help="reports folder (default: reports/)")
    p.set_defaults(func=_status)


def _notebooks_command(sub: Any) -> None:
    """The ``notebooks`` command's options."""
    p = sub.add_parser("notebooks", help="list the report notebooks and their parameters; --refresh re-executes "
                                          "them in place (the outputs nbval compares against)")
    p.add_argument("--refresh", action="store_true", help="execute each notebook in place with its defaults")
    p.add_argument("only", nargs="*", help="notebook names or number prefixes (default: all)")
    p.set_defaults(func=_notebooks)


def _public_stats_command(sub: Any) -> None:
    """The ``public-stats`` command's options."""
    p = sub.add_parser("public-stats", help="read public DfE/ONS statistics (data/external) into validated tables "
                                             "in data/processed")
    p.add_argument("--source", help="folder of the downloads, searched recursively (default: data/external)")
    p.add_argument("--out", help="output folder (default: data/processed)")
    p.add_argument("--download", action="store_true",
                   help="first fetch every registered release file missing from the source folder (verified by "
                        "sha256; files already there are not fetched again or overwritten), then build the tables")
    p.add_argument("--download-only", action="store_true", help="fetch as --download does, build nothing")
    p.add_argument("--mirror", metavar="URL",
                   help="fetch from URL/<path> (a server laid out like the source folder) instead of the registered "
                        "URLs (default: $ANALYSIS_PUBLIC_MIRROR, else the registry's)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=_public_stats)


def _report_command(sub: Any) -> None:
    """The ``report`` command's options."""
    p = sub.add_parser("report", help="execute the report notebooks and publish reports/<authority>/<period>/")
    add_report_arguments(p)
    p.set_defaults(func=_report)


#: settings key -> the option it gives a default to, per command (see analysis.settings)
SETTINGS_OPTIONS: dict[str, dict[str, str]] = {
    "ingest": {"raw": "raw", "processed": "out"},
    "register": {"raw": "raw", "reports": "reports"},
    "withdraw": {"raw": "raw", "reports": "reports"},
    "unpublish": {"reports": "reports"},
    "status": {"raw": "raw", "processed": "processed", "reports": "reports"},
    "public-stats": {"public_source": "source", "processed": "out", "mirror": "mirror"},
    "report": {"raw": "raw", "processed": "processed", "reports": "out", "jobs": "jobs", "timeout": "timeout"},
}


def apply_settings(args: argparse.Namespace) -> argparse.Namespace:
    """Fill the options the command line left unset from the settings file (:mod:`analysis.settings`).

    The command line always wins.  ``report`` also gets its defaults for ``--jobs`` (the CPUs) and
    ``--timeout`` (300 seconds a cell).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    argparse.Namespace
        ``args``, filled in.
    """
    from ..settings import load

    settings = load(getattr(args, "config", None))
    for key, option in SETTINGS_OPTIONS.get(args.command, {}).items():
        if getattr(args, option, None) is None and settings.get(key) is not None:
            setattr(args, option, settings.get(key))
    councils = settings.get("authority")
    assert councils is None or isinstance(councils, list)  # load() makes a single name a list
    if councils and args.command == "report" and not args.authority and not args.all_authorities:
        args.authority = list(councils)
    if councils and args.command == "register" and not args.authority and args.replace is None and len(councils) == 1:
        args.authority = councils[0]
    if args.command == "report":
        from ..report import pool

        args.jobs = args.jobs or pool.cores()
        args.timeout = args.timeout or 300
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` and return its exit status.

    A bad input or a report problem (:class:`~analysis.errors.AnalysisError`) is printed as
    ``error: ...`` lines, never a traceback.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments; ``None`` = ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, :data:`~analysis.cli.common.EXIT_INPUT` (2) for an error, 130 when interrupted,
        or the command's own status.
    """
    args = build_parser().parse_args(argv)
    try:
        args = apply_settings(args)
        return args.func(args)
    except AnalysisError as exc:
        for line in problem_lines(exc):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted: every published pack is as it was before this run (packs it had already "
              "switched in, if any, are complete)", file=sys.stderr)
        return 130
