"""Benchmark: the monthly pack, naive path vs `python -m analysis report`.  Prints figures; asserts nothing.

* **naive**: for each report notebook, the `papermill` command line, then `jupyter nbconvert --to
  html --no-input`, one after the other (two command-line start-ups a notebook);
* **runner**: `python -m analysis report --period P` (papermill and nbconvert through their Python
  APIs, a pool of one worker per core, each keeping a warm kernel);
* **floor**: a notebook whose only cell imports the package, executed the way the runner executes a
  job with a fresh kernel (one kernel start, papermill, nbconvert), x notebooks / cores.

Goals (issue 4): runner at least 5x faster than naive; runner within 1.5x of the floor.

    .venv/bin/python benchmarks/report_run.py [--period 2017-10] [--skip-naive]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def naive(notebooks: list[Path], out: Path) -> dict[str, float]:
    times = {}
    for nb in notebooks:
        executed = out / nb.name
        t = time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(nb), str(executed), "-k", "python3", "--cwd", str(nb.parent),
                        "--no-progress-bar"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[nb.stem] = time.perf_counter() - t
    return times


def floor_one(tmp: Path, code: str = "import analysis") -> float:
    """One trivial notebook through the runner's job path with a fresh kernel (best of 3)."""
    import nbformat

    from analysis.report import runner

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.cells[0]["id"] = "only"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp / "00_floor.ipynb"
    nbformat.write(nb, path)
    best = float("inf")
    for _ in range(3):
        job = runner.Job(str(path), "00_floor", "floor", "", "", {}, str(tmp / "staging"), "floor", (),
                         reuse_kernel=False)
        t = time.perf_counter()
        runner.run_job(job)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", default="2017-10")
    parser.add_argument("--skip-naive", action="store_true", help="skip the slow naive path")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    from analysis.report.notebooks import notebook_paths

    notebooks = notebook_paths()
    n = len(notebooks)
    subprocess.run([sys.executable, "-m", "analysis", "ingest", "--quiet"], check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", "report", "--period", args.period, "--out",
                        str(tmp / "reports"), "--quiet"], check=True, cwd=ROOT)
        runner_s = time.perf_counter() - t
        manifest = json.loads((tmp / "reports" / args.period / "manifest.json").read_text())
        per_nb = {r["name"]: r["duration_s"] for r in manifest["reports"]}
        floor = floor_one(tmp)
        floor_libs = floor_one(tmp, "import analysis.analyses.scorecard, analysis.presentation.display, analysis.reconcile")
        naive_times = {} if args.skip_naive else naive(notebooks, tmp)
        shutil.rmtree(tmp / "reports", ignore_errors=True)

    floor_total = floor * n / cores
    print(f"report run benchmark: {n} notebooks, period {args.period}, {cores} cores")
    print(f"  {'notebook':<36} {'naive (s)':>10} {'runner job (s)':>15}")
    for nb in notebooks:
        nv = naive_times.get(nb.stem)
        print(f"  {nb.stem:<36} {nv if nv is not None else float('nan'):>10.2f} {per_nb.get(nb.stem, float('nan')):>15.2f}")
    print(f"  runner: `python -m analysis report` wall time     {runner_s:8.2f} s  ({runner_s / n:.2f} s a notebook)")
    if naive_times:
        naive_s = sum(naive_times.values())
        print(f"  naive: papermill CLI + nbconvert CLI, sequential   {naive_s:8.2f} s  ({naive_s / n:.2f} s a notebook)")
        print(f"  speed-up naive / runner                           {naive_s / runner_s:8.2f} x   (goal >= 5x)")
    print(f"  floor: one trivial notebook, fresh kernel          {floor:8.2f} s  (one kernel start + papermill + nbconvert)")
    print(f"  floor x {n} notebooks / {cores} cores                   {floor_total:8.2f} s")
    print(f"  runner / floor                                    {runner_s / floor_total:8.2f} x   (goal <= 1.5x)")
    libs_total = floor_libs * n / cores
    print(f"  floor if the cell imports the analysis modules     {floor_libs:8.2f} s  -> x {n} / {cores} = {libs_total:.2f} s; "
          f"runner / that floor {runner_s / libs_total:.2f} x")


if __name__ == "__main__":
    main()
