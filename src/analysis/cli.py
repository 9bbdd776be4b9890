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
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import paths
from .errors import AnalysisError, InputError, problem_lines

EXIT_INPUT = 2


def _ingest(args: argparse.Namespace) -> int:
    _release_memory_promptly()
    from .ingest import run_ingest
    from .money import format_gbp

    raw = Path(args.raw).resolve() if args.raw else paths.raw_dir()
    out = Path(args.out).resolve() if args.out else paths.processed_dir()
    _check_out(out)
    _terminate_as_interrupt()  # SIGTERM (cron, systemd, kill): clean up like Ctrl-C, keep the old tables
    from .progress import bar
    from .reconcile import stops_by_document

    try:
        with bar(0, "ingest", quiet=args.quiet) as shown:
            result = run_ingest(raw, out, progress=shown)
    except OSError as exc:  # the output folder could not be written (full disk, permissions)
        raise InputError(exc.filename or out, expected="a folder the processed tables can be written to",
                         found=exc.strerror or type(exc).__name__) from None
    for line in result.warnings:  # shown under --quiet too: cron mails them
        print(f"warning: {line}", file=sys.stderr)
    for reasons in stops_by_document(result.reconciliation).values():
        for reason in reasons:
            print(f"warning: {reason} - a pack made from it will not be published", file=sys.stderr)
    if args.quiet:
        return 0
    rec = result.reconciliation
    counts = rec.status.value_counts()
    print(f"Read {len(result.documents)} documents from {_show(raw)}; wrote {len(result.tables)} tables "
          f"(Parquet + CSV) and the data dictionary to {_show(out)}")
    for row in result.summary().itertuples():
        print(f"  {row.table:<28} {row.rows:>5} rows")
    print(f"Reconciliation: {len(rec)} checks - {counts.get('ok', 0)} ok, {counts.get('within rounding', 0)} within rounding, "
          f"{counts.get('mismatch', 0)} mismatch, "
          f"{counts.get('not computable', 0)} not computable")
    for row in rec[rec.status == "mismatch"].itertuples():
        unit = row.unit
        fmt = (lambda v: format_gbp(v)) if unit == "gbp" else (lambda v: f"{v:,.2f}".rstrip("0").rstrip("."))
        print(f"  mismatch  {row.source_file}:{row.source_line}  {row.item}: printed {fmt(row.stated)}, "
              f"computed {fmt(row.computed)}")
    return 0


def _check_out(out: Path) -> None:
    """``--out`` must be a folder, or a path where one can be made beside which a staging folder
    can be created: one error line otherwise (before any input is read)."""
    if out.exists() and not out.is_dir():
        raise InputError(out, column="--out", expected="a folder for the processed tables", found="a file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{out.name}-probe-", dir=out.parent)
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(out, column="--out", expected="a folder that can be created and written",
                         found=f"{exc.strerror or type(exc).__name__}"
                               + (f" ({exc.filename})" if exc.filename else "")) from None


def _release_memory_promptly() -> None:
    """Arrow's default allocator (mimalloc) keeps freed memory for reuse; for one large ingest the
    system allocator returns it, keeping the peak about 60 MB lower (benchmarks/ingest.py).  Set
    before pyarrow is first imported (it reads the variable once)."""
    if "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def _terminate_as_interrupt() -> None:
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)
    from .report.interrupts import keep_interrupts

    keep_interrupts()  # an interrupt raised inside a weakref callback or __del__ is not lost


_SAME_FILE = object()  # ``register FILE --replace`` with no value: FILE's own registration


def _register(args: argparse.Namespace) -> int:
    from .ingest.delivery import inspect, register_delivery, screen

    raw = Path(args.raw).resolve() if args.raw else paths.raw_dir()
    replacing = None if args.replace is None else Path(args.file).name if args.replace is _SAME_FILE else args.replace
    try:
        found = inspect(raw, args.file, kind=args.kind, authority=args.authority, period=args.period or "",
                        paper=args.paper or "", date=args.date or "", unit=args.unit, saving_sign=args.saving_sign,
                        replacing=replacing)
    except AnalysisError as exc:
        for line in problem_lines(exc):
            print(f"error: {line}", file=sys.stderr)
        print(f"Nothing was registered: {_show(raw / 'manifest.csv')} is unchanged.", file=sys.stderr)
        return EXIT_INPUT
    for line in screen(found):
        print(line)
    doc = found.document
    if args.check:
        print(f"Not registered (--check): {_show(raw / 'manifest.csv')} is unchanged.")
        return 0
    taken = []
    if found.replacing:  # the packs made from the delivery being corrected come down first
        from .report.unpublish import unpublish_made_from

        reports = _folder(args.reports, paths.reports_dir(), "--reports")
        taken = unpublish_made_from(reports, found.replacing["file"], found.replacing["sha256"].lower(),
                                    f"replaced by {doc.file}")
    doc, moved = register_delivery(raw, found)
    print(f"Registered {doc.file} as document {doc.document} in {_show(raw / 'manifest.csv')}"
          + (f", replacing {found.replacing['file']} (moved to {_show(moved)})" if moved else
             ", replacing its earlier registration" if found.replacing else "") + ".")
    if found.replacing:
        _say_taken_down(taken, reports, f"made from the replaced {found.replacing['file']}")
    if len(found.stops):
        print(f"A pack made from it will not be published until the STOP above is resolved: correct the file (or "
              f"the unit) and run `python -m analysis register {doc.file} --replace`.")
    when = f" --period {doc.period}" if doc.period else " --latest"
    print(f"Next: python -m analysis ingest && python -m analysis report --authority {_quoted(doc.authority)}{when}")
    return 0


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _withdraw(args: argparse.Namespace) -> int:
    from .manifest import MANIFEST_NAME, withdraw, withdrawal_sha256
    from .report.unpublish import unpublish_made_from

    raw = Path(args.raw).resolve() if args.raw else paths.raw_dir()
    reports = _folder(args.reports, paths.reports_dir(), "--reports")
    name = Path(args.file).name
    taken = unpublish_made_from(reports, name, withdrawal_sha256(raw, name), args.reason or "")  # packs first:
    doc, moved = withdraw(raw, args.file)  # run again after an interruption, withdraw finishes the job
    what = (f"document {doc.document} ({doc.kind}, {doc.authority}, period {doc.period or '-'})" if doc
            else "a file no longer listed")
    print(f"Withdrew {name}: {what}; its row is removed from {_show(raw / MANIFEST_NAME)}"
          + (f" and the file moved to {_show(moved)} (not deleted)" if moved else "; the file was already gone")
          + ". Run `python -m analysis ingest` to rebuild data/processed without it.")
    _say_taken_down(taken, reports, f"made from {name}")
    return 0


def _say_taken_down(taken: list[Path], reports: Path, what: str) -> None:
    if not taken:
        print(f"No published pack was {what}.")
        return
    import json
    import shlex

    print(f"Took down {len(taken)} published pack(s) {what} (moved, not deleted; listed as withdrawn on "
          f"{_show(reports / 'index.html')}):")
    commands = []
    for where in taken:
        print(f"  {_show(where)}")
        try:
            made = json.loads((where / "manifest.json").read_text(encoding="utf-8"))
            commands.append(f"python -m analysis report --authority {shlex.quote(made['authority'])} "
                            f"--period {made['period']}")
        except (OSError, ValueError, KeyError, TypeError):
            commands.append("python -m analysis report --authority NAME --period YYYY-MM")
    print("A withdrawn pack never comes back by itself. To publish a new one from the papers in force (a corrected "
          "file registered first): `python -m analysis ingest`, then")
    for command in dict.fromkeys(commands):
        print(f"  {command}")


def _unpublish(args: argparse.Namespace) -> int:
    from .report.unpublish import unpublish

    reports = _folder(args.reports, paths.reports_dir(), "--reports")
    where = unpublish(reports, args.authority, args.period, args.reason or "")
    _say_taken_down([where], reports, f"for {args.authority} at {args.period}")
    return 0


def _status(args: argparse.Namespace) -> int:
    import json

    from .report.status import collect, text

    status = collect(Path(args.raw).resolve() if args.raw else paths.raw_dir(),
                     Path(args.processed).resolve() if args.processed else paths.processed_dir(),
                     Path(args.reports).resolve() if args.reports else paths.reports_dir())
    sys.stdout.write(json.dumps(status, indent=2, ensure_ascii=False) + "\n" if args.json else text(status))
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from .report.notebooks import notebook_paths, parameters, refresh

    for path in notebook_paths():
        if args.only and not any(path.stem.startswith(o) or path.name == o for o in args.only):
            continue
        params = ", ".join(f"{p.name}={p.default!r}" for p in parameters(path).values())
        print(f"{path.name}: {params}")
        if args.refresh:
            refresh(path)
            print("  refreshed (executed in place with its default parameters)")
    return 0


_show = paths.shown


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", action="append", metavar="YYYY-MM",
                      help="month of the pack (repeat for a batch); without --authority: every authority "
                           "with documents for it")
    when.add_argument("--latest", action="store_true", help="each authority's latest period")
    when.add_argument("--year", action="append", type=int, metavar="YYYY",
                      help="public-statistics packs at YYYY-03 (31 March) for every English authority in the "
                           "public tables, papers or not (or --authority ones), and reports/england-YYYY.html")
    p.add_argument("--all-authorities", action="store_true",
                   help="with --year: every English authority (the default when no --authority is given)")
    p.add_argument("--authority", action="append", metavar="NAME",
                   help="the authority of the pack, by name or folder name (repeat for a batch; default: all)")
    p.add_argument("--only", nargs="+", metavar="NOTEBOOK", default=[],
                   help="run only these notebooks (name or number prefix, e.g. 10 90); the reports are merged "
                        "into the published pack")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
    p.add_argument("--out", default=None, help="reports folder (default: reports/)")
    p.add_argument("--processed", default=None, help="processed tables (default: data/processed)")
    p.add_argument("--raw", default=None, help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--notebooks", default=None, help="folder of report notebooks (default: notebooks/)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter in every notebook that has it (checked against its type)")
    p.add_argument("--timeout", type=int, default=None, help="per-cell timeout in seconds (default: 300)")
    p.add_argument("--quiet", action="store_true", help="print only problems (for cron)")
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on a Dask cluster (needs the dask extra)")
    dask.add_argument("--dask-local", type=int, metavar="N", help="run on a local Dask cluster of N workers")


def _folder(value: str | None, default: Path, what: str) -> Path:
    from .errors import ReportError

    path = Path(value).resolve() if value else default
    if path.exists() and not path.is_dir():
        raise ReportError(f"{what} {_show(path)}: is a file, expected a folder")
    return path


def _report(args: argparse.Namespace) -> int:
    from .errors import ReportError
    from .report.execute import STATUS_FAILED

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
    from .progress import bar

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
    from .report.run import run_report

    return run_report(
        authorities=None if args.all_authorities else args.authority,
        periods=None if args.latest or args.year else args.period, years=args.year, out_dir=out,
        processed_dir=_folder(args.processed, paths.processed_dir(), "--processed"),
        raw_dir=_folder(args.raw, paths.raw_dir(), "--raw"),
        notebooks_dir=_folder(args.notebooks, paths.notebooks_dir(), "--notebooks") if args.notebooks else None,
        only=args.only, extra=extra, jobs=args.jobs, timeout=args.timeout, dask_scheduler=args.dask_scheduler,
        dask_local=args.dask_local, progress=say, bar=shown)


def _public_stats(args: argparse.Namespace) -> int:
    from .public.build import run_public_stats

    source = Path(args.source).resolve() if args.source else paths.project_root() / "data" / "external"
    out = Path(args.out).resolve() if args.out else paths.processed_dir()
    if args.download or args.download_only:
        _download_public(source, args)
        if args.download_only:
            return 0
    from .progress import bar

    with bar(0, "public-stats", quiet=args.quiet) as shown:
        result = run_public_stats(source, out, progress=shown)
    if args.quiet:
        return 0
    found = sum(len(v) for v in result.files.values())
    print(f"Read {found} public statistics files from {_show(source)}; wrote {len(result.tables)} tables to {_show(out)}")
    for row in result.summary().itertuples():
        print(f"  {row.table:<28} {row.rows:>6} rows")
    rates = result.tables["cla_rates"]
    if len(rates):
        counts = rates.rate_status.value_counts()
        print("cla_rates: " + ", ".join(f"{counts[k]} {k}" for k in counts.index)
              + f"; {int(rates.rate_check.eq('ok').sum())} published rates recomputed exactly")
    for line in result.missing:
        print(f"  not found: {line}")
    for line in result.notes:
        print(f"  note: {line}")
    return 0


def _download_public(source: Path, args: argparse.Namespace) -> None:
    """``--download``: fetch the registered release files missing under ``source`` (one
    ``error:`` line per file that failed, exit 2, before any table is built)."""
    from .public.download import download

    say = None if args.quiet else print
    result = download(source, mirror=args.mirror, say=say)
    if say is None:
        return
    for item, found in result.kept:
        say(f"  kept {_show(found)} as it is: not the registered {item.release} file (sha256 differs); "
            f"it is read instead - remove it and run again to fetch the registered one")
    say(f"Downloads: {len(result.fetched)} fetched ({result.fetched_bytes / 1e6:.1f} MB), "
        f"{len(result.present)} already present, {len(result.kept)} kept as found, in {_show(source)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", metavar="FILE", help="settings file (default: council.toml at the project "
                                                         "root, if any; or $COUNCIL_ANALYSIS_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read data/raw into validated tables in data/processed")
    p.add_argument("--raw", help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--out", help="output folder (default: data/processed)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=_ingest)

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

    p = sub.add_parser("withdraw", help="undo a registration: remove FILE's row from the manifest, move the "
                                         "file into data/raw/withdrawn/ (never deleted) and take down every "
                                         "published pack made from it (to reports/withdrawn/)")
    p.add_argument("file", help="file name in the raw folder")
    p.add_argument("--raw", help="raw folder (default: data/raw)")
    p.add_argument("--reports", help="reports folder whose packs made from FILE are taken down (default: reports/)")
    p.add_argument("--reason", metavar="TEXT", help="why, for the index of withdrawn packs")
    p.set_defaults(func=_withdraw)

    p = sub.add_parser("unpublish", help="take a published pack down: move reports/<authority>/<period>/ into "
                                          "reports/withdrawn/ and list it there on reports/index.html")
    p.add_argument("authority", help="the authority, by name or folder name")
    p.add_argument("period", help="the pack's month, YYYY-MM")
    p.add_argument("--reason", metavar="TEXT", help="why, for the index of withdrawn packs")
    p.add_argument("--reports", help="reports folder (default: reports/)")
    p.set_defaults(func=_unpublish)

    p = sub.add_parser("status", help="what is there: authorities, their documents by period, published packs, "
                                       "stale packs, withdrawn files and packs, unregistered files (reads only)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts (the shape: analysis.report.status)")
    p.add_argument("--raw", help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--processed", help="processed tables (default: data/processed)")
    p.add_argument("--reports", help="reports folder (default: reports/)")
    p.set_defaults(func=_status)

    p = sub.add_parser("notebooks", help="list the report notebooks and their parameters; --refresh re-executes "
                                          "them in place (the outputs nbval compares against)")
    p.add_argument("--refresh", action="store_true", help="execute each notebook in place with its defaults")
    p.add_argument("only", nargs="*", help="notebook names or number prefixes (default: all)")
    p.set_defaults(func=_notebooks)

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

    p = sub.add_parser("report", help="execute the report notebooks and publish reports/<authority>/<period>/")
    add_report_arguments(p)
    p.set_defaults(func=_report)
    return parser


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
    """Fill the options the command line left unset from the settings file (analysis.settings):
    the command line always wins."""
    from .settings import load

    settings = load(getattr(args, "config", None))
    for key, option in SETTINGS_OPTIONS.get(args.command, {}).items():
        if getattr(args, option, None) is None and settings.get(key) is not None:
            setattr(args, option, settings.get(key))
    councils = settings.get("authority")
    if councils and args.command == "report" and not args.authority and not args.all_authorities:
        args.authority = list(councils)
    if councils and args.command == "register" and not args.authority and args.replace is None:
        if len(councils) == 1:
            args.authority = councils[0]
    if args.command == "report":
        args.jobs = args.jobs or os.cpu_count() or 1
        args.timeout = args.timeout or 300
    return args


def main(argv: Sequence[str] | None = None) -> int:
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
