"""Benchmark: the monthly packs, `python -m analysis report --latest` against what a user would
script, measured side by side in one run.  Prints figures; asserts nothing.

* **runner**: `python -m analysis report --latest` (every authority's latest pack: the pool of one
  worker per core, kernels and imports warming while the run plans) - median of ``--repeat``
  runs, interleaved with the baseline so that both meet the same machine;
* **nbconvert x2**: `jupyter nbconvert --execute --to html --no-input` on every notebook the runner
  executed, two commands at a time (a user's shell loop with ``xargs -P 2``; each notebook with
  its default parameters, as nbconvert cannot set them);
* **floor**: one trivial notebook through the runner's job path with one fresh kernel (one kernel
  start, papermill, nbconvert; best of 3) x notebooks / cores - what a run would cost if the
  reports did no work of their own; also with the cell importing the analysis modules.

Wall time and CPU time (user + system of the whole process tree) are printed for both: on a
shared machine the wall time moves with other people's load; the CPU time much less.

Goals (issue 8): the runner at least 4x faster than nbconvert x2; toward 1.5x of the floor.

    .venv/bin/python benchmarks/report_run.py [--repeat 3] [--skip-nbconvert]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its reaped descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_runner(out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `python -m analysis report --latest`."""
    cpu, t = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "report", "--latest", "--out", str(out), "--quiet"], check=True,
                   cwd=ROOT)
    return time.perf_counter() - t, _children_cpu() - cpu


def executed(out: Path) -> list[tuple[str, str, float]]:
    """(pack, notebook, job seconds) of every report the runner executed."""
    found = []
    for manifest in sorted(out.glob("*/*/manifest.json")):
        data = json.loads(manifest.read_text())
        found += [(f"{data['slug']}/{data['period']}", r["name"], r["duration_s"]) for r in data["reports"]
                  if r["status"] == "ok"]
    return found


def run_nbconvert(jobs: list[tuple[str, str, float]], out: Path, parallel: int = 2) -> tuple[float, float]:
    def one(job: tuple[str, str, float]) -> None:
        pack, name, _ = job
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--execute", "--to", "html", "--no-input",
                        "--ExecutePreprocessor.kernel_name=python3", "--output-dir", str(out / pack),
                        str(ROOT / "notebooks" / f"{name}.ipynb")], check=True, cwd=ROOT / "notebooks",
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    cpu, t = _children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, jobs))
    return time.perf_counter() - t, _children_cpu() - cpu


def floor_one(tmp: Path, code: str = "import analysis") -> float:
    """One trivial notebook through the runner's job path with a fresh kernel (best of 3)."""
    import nbformat

    from analysis.report.execute import Job, run_job

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Floor"), nbformat.v4.new_code_cell(code)])
    nb.cells[1].metadata["tags"] = ["parameters"]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp / "00_floor.ipynb"
    nbformat.write(nb, path)
    (tmp / "staging").mkdir(exist_ok=True)
    best = float("inf")
    for _ in range(3):
        job = Job(str(path), "00_floor", "floor", "", "", {}, str(tmp / "staging"), "floor", (), reuse_kernel=False)
        t = time.perf_counter()
        run_job(job)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runner runs (the median is printed)")
    parser.add_argument("--nbconvert-repeat", type=int, default=1, help="nbconvert baseline runs (the slow one)")
    parser.add_argument("--skip-nbconvert", action="store_true", help="skip the slow nbconvert baseline")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    subprocess.run([sys.executable, "-m", "analysis", "ingest", "--quiet"], check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory(prefix="report-benchmark-") as tmp:
        tmp = Path(tmp)
        runs: list[tuple[float, float]] = []
        nbconvert: list[tuple[float, float]] = []
        for i in range(max(1, args.repeat)):  # interleaved, so that both see the same machine
            runs.append(run_runner(tmp / f"reports{i}"))
            if i == 0:
                jobs = executed(tmp / "reports0")
            if not args.skip_nbconvert and i < args.nbconvert_repeat:
                nbconvert.append(run_nbconvert(jobs, tmp / f"nbconvert{i}"))
        floor = floor_one(tmp)
        floor_libs = floor_one(tmp, "import analysis.analyses.scorecard, analysis.presentation.display, "
                                    "analysis.reconcile, matplotlib.pyplot")
    n = len(jobs)
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    work = sum(d for *_, d in jobs)
    print(f"report run benchmark: {n} notebooks in {len({p for p, *_ in jobs})} packs (--latest), {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"  runner: `python -m analysis report --latest`      wall {wall:6.2f} s  cpu {cpu:6.2f} s  (median of "
          f"{len(runs)}: {', '.join(f'{w:.1f}' for w, _ in runs)} s)")
    print(f"    its reports' job time (execute + render), summed        {work:6.2f} s  -> / {cores} cores = "
          f"{work / cores:.2f} s")
    if nbconvert:
        nb_wall = statistics.median(w for w, _ in nbconvert)
        nb_cpu = statistics.median(c for _, c in nbconvert)
        print(f"  nbconvert --execute --to html --no-input, 2 at a time  wall {nb_wall:6.2f} s  cpu {nb_cpu:6.2f} s  "
              f"(median of {len(nbconvert)})")
        print(f"  speed-up nbconvert x2 / runner                   wall {nb_wall / wall:6.2f} x  cpu "
              f"{nb_cpu / cpu:6.2f} x   (goal >= 4x)")
    floor_total = floor * n / cores
    libs_total = floor_libs * n / cores
    print(f"  floor: one trivial notebook, one fresh kernel            {floor:6.2f} s  x {n} / {cores} = "
          f"{floor_total:.2f} s")
    print(f"  runner / floor                                           {wall / floor_total:6.2f} x   "
          f"(goal: toward 1.5x)")
    print(f"  floor if the cell imports the analysis modules           {floor_libs:6.2f} s  x {n} / {cores} = "
          f"{libs_total:.2f} s; runner / that floor {wall / libs_total:.2f} x")

if __name__ == "__main__":
    main()
