"""Benchmark: every English authority's public-statistics report for one year,
`python -m analysis report --year YYYY --only 20` (issue 20's target: at least 300 reports a minute
on 2 cores).  Prints figures; asserts nothing.

Runs the batch on the local pool of 1 and of 2 workers and on a local Dask cluster of 1 and of 2
(``--dask-local N``; when dask is installed), each into a fresh temporary reports folder, and
prints for each: packs, reports run, wall time, CPU time of the whole process tree (user + system:
it moves less than the wall time with other people's load on a shared machine), reports per
minute of wall time, the load average before and after, and the peak resident memory of a worker
(``benchmarks/peak_memory.py``; on Dask the nanny is the process under the run, its worker under
it).  Needs the public tables in ``data/processed``
(`python -m analysis public-stats --source ../shared/data/public`).

    .venv/bin/python benchmarks/all_authorities.py [--year 2024] [--only 20]
        [--jobs 1 2] [--dask 1 2]   # the sizes run (the default): how the batch scales with workers
        [--engine kernel]   # a Jupyter kernel per notebook instead of a forked child
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
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peak_memory import PeakMemory

    out = Path(tempfile.mkdtemp(prefix="council-bench-reports-"))
    who = ["--all-authorities"] if chosen is None else [a for name in chosen for a in ("--authority", name)]
    argv = [sys.executable, "-m", "analysis", "report", "--year", str(year), *who, "--only", *only, "--out", str(out),
            "--quiet", *executor]
    load_before = os.getloadavg()[0]
    cpu, t = _children_cpu(), time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    _, stderr = process.communicate()
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    memory.stop()
    manifests = sorted(out.glob("*/*/manifest.json"))
    reports = sum(r["status"] == "ok" for m in manifests for r in json.loads(m.read_text())["reports"])
    return {"exit": process.returncode, "stderr": stderr.strip()[-500:], "memory": memory.peaks(), "packs": len(manifests), "reports": reports,
            "wall_s": wall, "cpu_s": cpu, "per_minute": reports / wall * 60 if wall else 0.0,
            "load": (load_before, os.getloadavg()[0]), "england": (out / f"england-{year}.html").is_file(), "out": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--only", nargs="+", default=["20"])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="pool sizes to run (e.g. 1 2: does the batch scale with workers?)")
    parser.add_argument("--dask", type=int, nargs="+", default=[1, 2], help="local Dask cluster sizes to run")
    parser.add_argument("--engine", choices=("fork", "kernel"), default="fork")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--dask-scheduler", default=None, help="also run on this Dask cluster")
    args = parser.parse_args()
    chosen = authorities(args.year, args.limit) if args.limit else None
    print(f"All-authority batch, 31 March {args.year}, reports {' '.join(args.only)}; "
          f"{os.cpu_count()} cores; {'all' if chosen is None else len(chosen)} authorities")
    runs = [(f"local pool {n}", ["--jobs", str(n)]) for n in args.jobs]
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("  (dask is not installed: no Dask runs; pip install -e '.[dask]')")
        args.skip_dask = True
    if not args.skip_dask:
        runs += [(f"Dask local {n}", ["--dask-local", str(n)]) for n in args.dask]
    if args.dask_scheduler:
        runs.append(("Dask cluster", ["--dask-scheduler", args.dask_scheduler]))
    print(f"  engine: {args.engine}")
    for name, executor in runs:
        r = run(args.year, args.only, [*executor, "--engine", args.engine], chosen)
        status = "ok" if r["exit"] == 0 else f"exit {r['exit']}: {r['stderr']}"
        print(f"  {name:<15} {r['packs']:>4} packs, {r['reports']:>4} reports in {r['wall_s']:7.1f} s wall, "
              f"{r['cpu_s']:7.1f} s CPU: {r['per_minute']:6.1f} reports a minute (load {r['load'][0]:.1f} -> "
              f"{r['load'][1]:.1f}); peak memory: worker {r['memory']['worker']:.0f} MB, its children "
              f"{r['memory']['child']:.0f} MB; England page {'written' if r['england'] else 'MISSING'}; {status}")
        subprocess.run(["rm", "-rf", str(r["out"])], check=False)


if __name__ == "__main__":
    main()
