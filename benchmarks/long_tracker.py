"""Benchmark: a 200,000-line savings tracker (SYNTHETIC, ``tests/fixtures/long_tracker.py``) through
reports 10 and 90 - how long each takes to run and render, and how big its page is (the limit a
browser opens comfortably: 5 MB).  Prints figures; asserts nothing.  The behaviour it exercises
(a long table cut with a sentence saying where the rest is) is tested on a 36,000-line tracker
in ``tests/test_long_tables.py``.

    .venv/bin/python benchmarks/long_tracker.py [--lines 200000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_BYTES = 5 * 1024 * 1024


def build(lines: int, processed: Path) -> None:
    """The bundled tables plus the synthetic tracker and its checks, written as ingest writes."""
    import pandas as pd
    from tests.fixtures import long_tracker as lt

    from analysis.ingest import ingest
    from analysis.ingest.writer import write_tables

    tables = dict(ingest(ROOT / "data" / "raw").tables)
    tracker = lt.tracker(lines)
    tables["savings_tracker"] = pd.concat([tables["savings_tracker"], tracker], ignore_index=True)
    tables["reconciliation"] = pd.concat([tables["reconciliation"], lt.reconciliation(tracker)], ignore_index=True)
    tables["sources"] = pd.concat([tables["sources"], lt.source()], ignore_index=True)
    write_tables(tables, processed)


def page(name: str, processed: Path, work: Path) -> tuple[float, float, int]:
    """(seconds to execute, seconds to render, page bytes) of one report on the long tracker."""
    from tests.fixtures import long_tracker as lt

    from analysis.report.notebooks import execute
    from analysis.report.render import render_report

    t = time.perf_counter()
    nb = execute(ROOT / "notebooks" / f"{name}.ipynb", work / f"{name}.ipynb",
                 {"authority": lt.AUTHORITY, "period": lt.PERIOD, "processed_dir": str(processed)})
    executed = time.perf_counter() - t
    t = time.perf_counter()
    html = render_report(nb, show_code=False, pack={"pack_title": "benchmark", "status": "ok", "error": "",
                                                    "parameters": [], "inputs": []})
    return executed, time.perf_counter() - t, len(html.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # tests.fixtures
    with tempfile.TemporaryDirectory(prefix="long-tracker-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        build(args.lines, work / "processed")
        print(f"tables with a {args.lines:,}-line tracker written in {time.perf_counter() - t:.1f} s")
        print(f"{'report':32} {'execute s':>10} {'render s':>9} {'page MB':>8}  under 5 MB")
        for name in ("10_savings_tracker_variance", "90_reconciliation"):
            run, render, size = page(name, work / "processed", work)
            print(f"{name:32} {run:10.1f} {render:9.1f} {size / 1024 / 1024:8.2f}  {'yes' if size < LIMIT_BYTES else 'NO'}")


if __name__ == "__main__":
    main()
