"""Benchmark: every English authority's public-statistics report for one year,
`python -m analysis report --year YYYY --only 20` (issue 9's target: at least 150 reports a minute
on 2 cores).  Prints figures; asserts nothing.

Runs the batch on the local pool (``--jobs`` workers, default one per core) and on a local Dask
cluster (``--dask-local N``), each into a fresh temporary reports folder, and prints for each:
packs, reports run, wall time, CPU time of the whole process tree (user + system: it moves less
than the wall time with other people's load on a shared machine), reports per minute of wall
time, and the load average before and after.  Needs the public tables in ``data/processed``
(`python -m analysis public-stats --source ../shared/data/public`).

    .venv/bin/python benchmarks/all_authorities.py [--year 2024] [--only 20] [--jobs 2] [--dask 2]
        [--jobs 1 2] [--dask 1 2]   # several sizes: how the batch scales with workers
        [--limit N]      # the first N authorities only (a quick look)
        [--skip-dask]
        [--dask-scheduler tcp://host:8786]   # also on a Dask cluster of your own (README, "Many authorities: Dask")
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def authorities(year: int, limit: int | None) -> list[str]:
    """The authorities the batch covers (as the planner resolves them), for ``--limit``."""
    sys.path.insert(0, str(ROOT / "src"))
    from analysis import paths
    from analysis.report.plan import resolve_public_packs

    names = [a for a, _ in resolve_public_packs(paths.processed_dir(), None, [year])]
    return names[:limit] if limit else names


def run(year: int, only: list[str], executor: list[str], chosen: list[str] | None) -> dict:
    out = Path(tempfile.mkdtemp(prefix="council-bench-reports-"))
    who = ["--all-authorities"] if chosen is None else [a for name in chosen for a in ("--authority", name)]
    argv = [sys.executable, "-m", "analysis", "report", "--year", str(year), *who, "--only", *only, "--out", str(out),
            "--quiet", *executor]
    load_before = os.getloadavg()[0]
    cpu, t = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    manifests = sorted(out.glob("*/*/manifest.json"))
    reports = sum(r["status"] == "ok" for m in manifests for r in json.loads(m.read_text())["reports"])
    return {"exit": done.returncode, "stderr": done.stderr.strip()[-500:], "packs": len(manifests), "reports": reports,
            "wall_s": wall, "cpu_s": cpu, "per_minute": reports / wall * 60 if wall else 0.0,
            "load": (load_before, os.getloadavg()[0]), "england": (out / f"england-{year}.html").is_file(), "out": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--only", nargs="+", default=["20"])
    parser.add_argument("--jobs", type=int, nargs="+", default=[os.cpu_count() or 1],
                        help="pool sizes to run (e.g. 1 2: does the batch scale with workers?)")
    parser.add_argument("--dask", type=int, nargs="+", default=[2], help="local Dask cluster sizes to run")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--dask-scheduler", default=None, help="also run on this Dask cluster")
    args = parser.parse_args()
    chosen = authorities(args.year, args.limit) if args.limit else None
    print(f"All-authority batch, 31 March {args.year}, reports {' '.join(args.only)}; "
          f"{os.cpu_count()} cores; {'all' if chosen is None else len(chosen)} authorities")
    runs = [(f"local pool {n}", ["--jobs", str(n)]) for n in args.jobs]
    if not args.skip_dask:
        runs += [(f"Dask local {n}", ["--dask-local", str(n)]) for n in args.dask]
    if args.dask_scheduler:
        runs.append(("Dask cluster", ["--dask-scheduler", args.dask_scheduler]))
    for name, executor in runs:
        r = run(args.year, args.only, executor, chosen)
        status = "ok" if r["exit"] == 0 else f"exit {r['exit']}: {r['stderr']}"
        print(f"  {name:<15} {r['packs']:>4} packs, {r['reports']:>4} reports in {r['wall_s']:7.1f} s wall, "
              f"{r['cpu_s']:7.1f} s CPU: {r['per_minute']:6.1f} reports a minute (load {r['load'][0]:.1f} -> "
              f"{r['load'][1]:.1f}); England page {'written' if r['england'] else 'MISSING'}; {status}")
        subprocess.run(["rm", "-rf", str(r["out"])], check=False)


if __name__ == "__main__":
    main()
