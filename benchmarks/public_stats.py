"""Benchmark: building the public-statistics tables, and the per-authority analysis the
all-authority batch repeats.  Prints figures; asserts nothing.

Goal (issue 9): the batch builds ~150 comparator reports a minute on 2 cores, so the
per-authority work (comparator, summary, series, spend) must cost milliseconds once the tables
are loaded.  Reported: `python -m analysis public-stats` end to end (RO3's .ods, read by
python-calamine since odfpy took ~30 s of it), the build without RO3, loading the tables once, and per-authority time
over every authority with a 2025 neighbour model.

    .venv/bin/python benchmarks/public_stats.py [--source ../shared/data/public] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=str(ROOT.parent / "shared" / "data" / "public"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = Path(args.source)
    if not source.is_dir():
        print(f"public statistics not found at {source}: nothing to measure")
        return

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "processed"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", "ingest", "--quiet", "--out", str(out)], check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "analysis", "public-stats", "--quiet", "--source", str(source),
                        "--out", str(out)], check=True, cwd=ROOT)
        command_s = time.perf_counter() - t

        from analysis.statistics import build, sources

        ro3 = sources.PATTERNS["ro3"]
        sources.PATTERNS["ro3"] = ("no-such-file-*.ods", ro3[1])
        builds = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            build.build(source, out)
            builds.append(time.perf_counter() - t)
        sources.PATTERNS["ro3"] = ro3

        from analysis.analyses import benchmarks

        t = time.perf_counter()
        pub = benchmarks.load(out)
        load_s = time.perf_counter() - t
        codes = sorted(c for m, c in pub._groups if m == "2025" and pub.row(c, 2025))
        per = {"comparator + summary": [], "series": [], "spend": []}
        for code in codes:
            t = time.perf_counter()
            benchmarks.summary(pub, benchmarks.comparator(pub, code, 2025, "2025"), 2025, "2025")
            per["comparator + summary"].append(time.perf_counter() - t)
            t = time.perf_counter()
            benchmarks.series(pub, code, "2025")
            per["series"].append(time.perf_counter() - t)
            t = time.perf_counter()
            try:
                benchmarks.spend(pub, code, "2023-24", "2025")
            except Exception:  # an authority with no spend that year: timed all the same
                pass
            per["spend"].append(time.perf_counter() - t)

    print(f"public-stats benchmark: source {source}")
    print(f"  ingest + `python -m analysis public-stats` commands (incl. RO3 .ods)  {command_s:7.1f} s")
    print(f"  build in memory without RO3     min {min(builds):.2f} s   median {statistics.median(builds):.2f} s")
    print(f"  load the public tables once      {load_s * 1000:7.1f} ms")
    total = 0.0
    for name, times in per.items():
        total += statistics.mean(times)
        print(f"  {name:<22} per authority: mean {statistics.mean(times) * 1000:6.2f} ms, "
              f"max {max(times) * 1000:6.2f} ms ({len(times)} authorities)")
    print(f"  all three per authority: {total * 1000:.1f} ms -> {60 / total:,.0f} authorities a minute on one core "
          f"(goal: 150 reports a minute on 2 cores, of which this analysis is a small part)")


if __name__ == "__main__":
    main()
