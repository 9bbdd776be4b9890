"""Benchmark: time to ingest the five bundled documents.  Prints figures; asserts nothing.

Goal (issue 2): ingesting all five documents well under a second on a 2-core machine.  Reported:
the import cost of the package and its libraries (paid once per process), the in-process ingest
(read, clean, reconcile, validate) and ingest + writing Parquet/CSV, each as min and median of
repeated runs, the whole `python -m analysis ingest` command, and peak memory.

    .venv/bin/python benchmarks/ingest.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from analysis.ingest import ingest, run_ingest  # noqa: E402  (timed on purpose)

    import_s = time.perf_counter() - t0
    raw = ROOT / "data" / "raw"
    ingest(raw)  # warm: first-call costs (regex compilation, pandera schema build)

    in_memory, with_write = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = ingest(raw)
            in_memory.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_ingest(raw, Path(tmp) / "processed")
            with_write.append(time.perf_counter() - t)
    rows = sum(len(t) for t in result.tables.values())

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "analysis", "ingest", "--quiet", "--out", tmp], check=True, cwd=ROOT)
    command_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"ingest benchmark: {len(result.documents)} documents, {len(result.tables)} tables, {rows} rows, "
          f"{len(result.reconciliation)} reconciliation checks; {args.repeat} runs")
    print(f"  import analysis.ingest (once per process) {import_s:8.3f} s")
    print(f"  ingest in memory        min {min(in_memory):.3f} s   median {statistics.median(in_memory):.3f} s")
    print(f"  ingest + write files    min {min(with_write):.3f} s   median {statistics.median(with_write):.3f} s")
    print(f"  `python -m analysis ingest` command        {command_s:8.3f} s (includes interpreter start and imports)")
    print(f"  peak memory of this process                {peak_mb:8.1f} MB")
    print(f"  goal: ingest + write well under 1 s on this machine -> median {statistics.median(with_write):.3f} s "
          f"({statistics.median(with_write) / 1.0:.0%} of the second)")


if __name__ == "__main__":
    main()
