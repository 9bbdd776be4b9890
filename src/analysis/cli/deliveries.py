"""``register``, ``withdraw``, ``unpublish`` and ``status``: the commands of the monthly cycle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths
from ..errors import AnalysisError, problem_lines
from .common import EXIT_INPUT, _folder, _show

_SAME_FILE = object()  # ``register FILE --replace`` with no value: FILE's own registration


def _register(args: argparse.Namespace) -> int:
    from ..ingest.delivery import inspect, register_delivery, screen

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
        from ..report.unpublish import unpublish_made_from

        reports = _folder(args.reports, paths.reports_dir(), "--reports")
        taken = unpublish_made_from(reports, found.replacing["file"], found.replacing["sha256"].lower(),
                                    f"replaced by {doc.file}")
    doc, moved = register_delivery(raw, found)
    print(f"Registered {doc.file} as document {doc.document} in {_show(raw / 'manifest.csv')}"
          + (f", replacing {found.replacing['file']} (moved to {_show(moved)})" if moved and found.replacing else
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
    from ..manifest import MANIFEST_NAME, withdraw, withdrawal_sha256
    from ..report.unpublish import unpublish_made_from

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
    from ..report.unpublish import unpublish

    reports = _folder(args.reports, paths.reports_dir(), "--reports")
    where = unpublish(reports, args.authority, args.period, args.reason or "")
    _say_taken_down([where], reports, f"for {args.authority} at {args.period}")
    return 0


def _status(args: argparse.Namespace) -> int:
    import json

    from ..report.status import collect, text

    status = collect(Path(args.raw).resolve() if args.raw else paths.raw_dir(),
                     Path(args.processed).resolve() if args.processed else paths.processed_dir(),
                     Path(args.reports).resolve() if args.reports else paths.reports_dir())
    sys.stdout.write(json.dumps(status, indent=2, ensure_ascii=False) + "\n" if args.json else text(status))
    return 0
