"""``ingest`` and ``public-stats``: the commands that write the processed tables."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

from .. import paths
from ..errors import InputError
from .common import _show


def _ingest(args: argparse.Namespace) -> int:
    _release_memory_promptly()
    from ..ingest import run_ingest
    from ..money import format_gbp

    raw = Path(args.raw).resolve() if args.raw else paths.raw_dir()
    out = Path(args.out).resolve() if args.out else paths.processed_dir()
    _check_out(out)
    _terminate_as_interrupt()  # SIGTERM (cron, systemd, kill): clean up like Ctrl-C, keep the old tables
    from ..progress import bar
    from ..reconcile import stops_by_document

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
    from ..report.interrupts import keep_interrupts

    keep_interrupts()  # an interrupt raised inside a weakref callback or __del__ is not lost


def _public_stats(args: argparse.Namespace) -> int:
    from ..statistics.build import run_public_stats

    source = Path(args.source).resolve() if args.source else paths.project_root() / "data" / "external"
    out = Path(args.out).resolve() if args.out else paths.processed_dir()
    if args.download or args.download_only:
        _download_public(source, args)
        if args.download_only:
            return 0
    from ..progress import bar

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
    from ..statistics.download import download

    say = None if args.quiet else print
    result = download(source, mirror=args.mirror, say=say)
    if say is None:
        return
    for item, found in result.kept:
        say(f"  kept {_show(found)} as it is: not the registered {item.release} file (sha256 differs); "
            f"it is read instead - remove it and run again to fetch the registered one")
    say(f"Downloads: {len(result.fetched)} fetched ({result.fetched_bytes / 1e6:.1f} MB), "
        f"{len(result.present)} already present, {len(result.kept)} kept as found, in {_show(source)}")
