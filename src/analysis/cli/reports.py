"""``report`` and ``notebooks``: the commands that run the report notebooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths
from .common import _folder, _show

__all__ = ["add_report_arguments"]


def _notebooks(args: argparse.Namespace) -> int:
    from ..report.kernels import refresh
    from ..report.notebooks import notebook_paths, parameters

    for path in notebook_paths():
        if args.only and not any(path.stem.startswith(o) or path.name == o for o in args.only):
            continue
        params = ", ".join(f"{p.name}={p.default!r}" for p in parameters(path).values())
        print(f"{path.name}: {params}")
        if args.refresh:
            refresh(path)
            print("  refreshed (executed in place with its default parameters)")
    return 0


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``report`` command's options to its parser.

    ``--period``/``--latest``/``--year`` (one of them required), ``--measure``, ``--authority`` and
    the rest.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The ``report`` subcommand's parser.
    """
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", action="append", metavar="YYYY-MM",
                      help="month of the pack (repeat for a batch); without --authority: every authority "
                           "with documents for it")
    when.add_argument("--latest", action="store_true", help="each authority's latest period")
    when.add_argument("--year", action="append", type=int, metavar="YYYY",
                      help="public-statistics packs for every English authority in the public tables, papers or "
                           "not (or --authority ones), dated the month the figures at 31 March YYYY were published "
                           "(the command says which), and reports/england-YYYY.html")
    p.add_argument("--measure", default="", metavar="NAME",
                   help="with --year: the England page ranks the authorities by this published measure (a LAIT code "
                        "such as CIN or Work_Force_Agecy_Rate, LAC, placement:residential, per_cla:CODE), best first "
                        "by its polarity; written as reports/england-YYYY-NAME.html (default: LAC, the CLA rate)")
    p.add_argument("--as-of", default="", metavar="YYYY-MM",
                   help="hindsight view: the packs asked for (their month unchanged) with the statistics published "
                        "up to this later month; every page says so (reports/<authority>/<period>-as-of-YYYY-MM/)")
    p.add_argument("--all-authorities", action="store_true",
                   help="with --year: every English authority (the default when no --authority is given)")
    p.add_argument("--authority", action="append", metavar="NAME",
                   help="the authority of the pack, by name or folder name (repeat for a batch; default: all)")
    p.add_argument("--only", nargs="+", metavar="NOTEBOOK", default=[],
                   help="run only these notebooks (name or number prefix, e.g. 10 90); the reports are merged "
                        "into the published pack")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: one per core this process may use)")
    p.add_argument("--out", default=None, help="reports folder (default: reports/)")
    p.add_argument("--processed", default=None, help="processed tables (default: data/processed)")
    p.add_argument("--raw", default=None, help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--notebooks", default=None, help="folder of report notebooks (default: notebooks/)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter in every notebook that has it (checked against its type)")
    p.add_argument("--timeout", type=int, default=None, help="per-cell timeout in seconds (default: 300)")
    p.add_argument("--engine", choices=("fork", "kernel"), default="fork",
                   help="what runs each notebook: a child forked from a warm worker (fork, the default) or a Jupyter "
                        "kernel started for it (kernel, as JupyterLab and nbval run them; slower)")
    p.add_argument("--quiet", action="store_true", help="print only problems (for cron)")
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on a Dask cluster (needs the dask extra)")
    dask.add_argument("--dask-local", type=int, metavar="N", help="run on a local Dask cluster of N workers")


def _report(args: argparse.Namespace) -> int:
    from ..errors import ReportError
    from ..report.execute import STATUS_FAILED

    extra = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ReportError(f"--param {item!r}: expected NAME=VALUE")
        extra[name.strip()] = value
    out = _folder(args.out, paths.reports_dir(), "--out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"--out {_show(out)}: cannot create the reports folder ({exc.strerror})") from None
    from ..progress import bar

    with bar(0, "report", quiet=args.quiet) as shown:
        say = (lambda m: None) if args.quiet else shown.write
        outcome = _run_report(args, out, extra, say, shown)
    say = (lambda m: None) if args.quiet else (lambda m: print(m, flush=True))
    for plan, results, where, published in outcome.packs:
        failed = [r.name for r in results if r.status == STATUS_FAILED]
        if plan.stops:
            print(f"error: {plan.key}: not published - its papers carry a check that stops the pack "
                  f"(the published pack for {plan.key}, if any, is untouched):", file=sys.stderr)
            for reason in plan.stops:
                print(f"error:   {reason}", file=sys.stderr)
            print("error:   correct the file (or the unit it is registered with) and register it again: "
                  "python -m analysis register FILE --replace [--unit gbp|gbp_thousands|gbp_millions]",
                  file=sys.stderr)
        elif published:
            say(f"{plan.key}: published {len(results)} report(s) to {_show(where / 'index.html')}"
                + (f" ({len(plan.skipped)} not applicable)" if plan.skipped else ""))
        elif where.parent.name == "withdrawn":
            print(f"{plan.key}: NOT published: a file it was made from was withdrawn while this run was making it "
                  f"(filed at {_show(where)}); run `python -m analysis ingest`, then this report again",
                  file=sys.stderr)
        elif failed:
            print(f"{plan.key}: {len(failed)} report(s) FAILED: {', '.join(failed)}; the failed run is at "
                  f"{_show(where / 'index.html')} (the published pack for {plan.key}, if any, is untouched)",
                  file=sys.stderr)
    if (out / "index.html").is_file():
        say(f"All packs: {_show(out / 'index.html')}")
    return 0 if outcome.ok else 1


def _run_report(args: argparse.Namespace, out: Path, extra: dict[str, str], say, shown):
    from ..report.notebooks import ENGINES
    from ..report.run import run_report
    from ..report.years import year_month_sentence

    for year in dict.fromkeys(args.year or ()):
        say(year_month_sentence(year))

    return run_report(
        authorities=None if args.all_authorities else args.authority,
        periods=None if args.latest or args.year else args.period, years=args.year, out_dir=out,
        processed_dir=_folder(args.processed, paths.processed_dir(), "--processed"),
        raw_dir=_folder(args.raw, paths.raw_dir(), "--raw"),
        notebooks_dir=_folder(args.notebooks, paths.notebooks_dir(), "--notebooks") if args.notebooks else None,
        only=args.only, extra=extra, jobs=args.jobs, timeout=args.timeout, dask_scheduler=args.dask_scheduler,
        dask_local=args.dask_local, progress=say, bar=shown, as_of=str(args.as_of or "").strip(),
        engine=ENGINES[args.engine], measure=str(args.measure or "").strip())
