"""Benchmark: the monthly packs, `python -m analysis report --latest` (what `make reports` runs)
against what a user would script for the very same reports, and against the floor - measured side
by side in one run.  Prints figures; asserts nothing.

* **runner**: `python -m analysis report --latest` (every authority's latest pack: the pool of one
  worker per core, each notebook in a child forked from its warm worker - the ``council-fork``
  engine) - median of ``--repeat`` runs, interleaved with the baselines so that all meet the same
  machine; its peak memory (the run, a worker, a forked child: ``benchmarks/peak_memory.py``);
* **runner --engine kernel**: the same with a Jupyter kernel started per notebook (one run);
* **papermill + nbconvert x2**: for every report the runner ran, `papermill` on the same notebook
  with the same parameters (read from the runner's executed notebook) then `jupyter nbconvert
  --to html --no-input` on its output, two reports at a time (a user's shell loop with
  ``xargs -P 2``);
* **floor**: the same notebooks' cells (the executed notebooks' code, parameters injected) run one
  after the other in one warm Python process (IPython's shell, reset between notebooks), divided
  by the cores - what the reports cost with no process, kernel, messaging or page-writing around
  them.  A first pass warms the process (imports, fonts, the tables read); the timed pass starts
  as a worker's template starts a pack - the tables read, nothing yet derived as at the pack's
  month (the public statistics' views and measures are made again, once a pack, as each worker
  makes them).  The pass that keeps everything the first one derived is printed beside it.

Wall time and CPU time (user + system of the whole process tree) are printed: on a shared machine
the wall time moves with other people's load; the CPU time much less.

Goals (issue 20): the runner at least 8x faster than papermill + nbconvert x2, and within 1.5x of
the floor.

    .venv/bin/python benchmarks/report_run.py [--repeat 3] [--skip-scripted]
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


def run_runner(out: Path, *extra: str) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds and peak memory (MB) of one `python -m analysis report --latest`."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peak_memory import PeakMemory

    cpu, t = _children_cpu(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "analysis", "report", "--latest", "--out", str(out), "--quiet",
                                *extra], cwd=ROOT)
    memory = PeakMemory(process.pid)
    if process.wait() != 0:
        raise SystemExit(f"the runner failed (exit {process.returncode})")
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    memory.stop()
    return wall, cpu, memory.peaks()


def injected(nb: dict) -> dict:
    """The parameters papermill injected into an executed notebook (its ``injected-parameters`` cell)."""
    import ast

    for cell in nb["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(source).body
                    if isinstance(node, ast.Assign)}
    return {}


def executed(out: Path) -> list[tuple[str, Path, dict, float]]:
    """(pack, executed notebook, its parameters, job seconds) of every report the runner ran."""
    found = []
    for manifest in sorted(out.glob("*/*/manifest.json")):
        data = json.loads(manifest.read_text())
        for r in data["reports"]:
            if r["status"] != "ok":
                continue
            path = manifest.parent / "executed" / f"{r['name']}.ipynb"
            params = injected(json.loads(path.read_text()))
            found.append((f"{data['slug']}/{data['period']}", path, params, r["duration_s"]))
    return found


def run_scripted(jobs: list[tuple[str, Path, dict, float]], out: Path, parallel: int = 2) -> tuple[float, float]:
    """What a user would script: papermill then nbconvert for each report, ``parallel`` at a time."""
    def one(job: tuple[str, Path, dict, float]) -> None:
        pack, path, params, _ = job
        folder = out / pack
        folder.mkdir(parents=True, exist_ok=True)
        ran = folder / path.name
        subprocess.run([str(BIN / "papermill"), "--no-progress-bar", "--log-level", "ERROR", "-y", json.dumps(params),
                        str(ROOT / "notebooks" / path.name), str(ran)], check=True, cwd=ROOT / "notebooks",
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(ran)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    cpu, t = _children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, jobs))
    return time.perf_counter() - t, _children_cpu() - cpu


FLOOR = """
import json, os, sys, time
os.environ.setdefault("MPLBACKEND", "Agg")
from IPython.core.interactiveshell import InteractiveShell
from analysis import data
shell = InteractiveShell.instance()
paths = json.loads(sys.argv[1])
cells = [["".join(c["source"]) for c in json.load(open(p))["cells"] if c["cell_type"] == "code"] for p in paths]
os.chdir(sys.argv[2])
devnull = open(os.devnull, "w")


def forget_views():
    # as a worker's template starts a pack: the tables read, nothing yet derived as at its month
    for _, value in data._ONCE.values():
        if isinstance(getattr(value, "_cache", None), dict):
            value._cache.clear()


def one_pass():
    t, failed = time.perf_counter(), 0
    for notebook in cells:
        shell.reset(new_session=False)
        for source in notebook:
            stdout, sys.stdout = sys.stdout, devnull
            try:
                failed += not shell.run_cell(source, store_history=False, silent=True).success
            finally:
                sys.stdout = stdout
    return time.perf_counter() - t, failed


one_pass()  # imports, fonts, the tables read
kept, _ = one_pass()  # everything the first pass derived kept
forget_views()
seconds, failed = one_pass()
print(json.dumps({"seconds": seconds, "kept": kept, "failed": failed}))
"""


def run_floor(jobs: list[tuple[str, Path, dict, float]]) -> dict:
    """The notebooks' cells in one warm process (module docstring): seconds of the timed pass."""
    done = subprocess.run([sys.executable, "-c", FLOOR, json.dumps([str(p) for _, p, _, _ in jobs]),
                           str(ROOT / "notebooks")], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runner runs (the median is printed)")
    parser.add_argument("--skip-scripted", action="store_true", help="skip the slow papermill + nbconvert baseline")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    subprocess.run([sys.executable, "-m", "analysis", "ingest", "--quiet"], check=True, cwd=ROOT)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="report-benchmark-") as tmp:
        tmp = Path(tmp)
        runs: list[tuple[float, float, dict]] = []
        scripted: tuple[float, float] | None = None
        kernel: tuple[float, float, dict] | None = None
        for i in range(max(1, args.repeat)):  # interleaved, so that all see the same machine
            runs.append(run_runner(tmp / f"reports{i}"))
            if i == 0:
                jobs = executed(tmp / "reports0")
                if not args.skip_scripted:
                    scripted = run_scripted(jobs, tmp / "scripted")
            if i == 1 or args.repeat == 1:
                kernel = run_runner(tmp / "kernel", "--engine", "kernel")
        floor = run_floor(jobs)
    n = len(jobs)
    wall = statistics.median(w for w, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    peak = {k: max(m[k] for _, _, m in runs) for k in ("run", "worker", "child")}
    work = sum(d for *_, d in jobs)
    floor_wall = floor["seconds"] / cores
    print(f"report run benchmark: {n} reports in {len({p for p, *_ in jobs})} packs (--latest), {cores} cores, "
          f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"  {'':52} {'wall s':>8} {'cpu s':>8} {'x runner':>9}")
    print(f"  {'runner (council-fork), median of ' + str(len(runs)):52} {wall:8.2f} {cpu:8.2f} {1:9.2f}   "
          f"({', '.join(f'{w:.1f}' for w, _, _ in runs)} s)")
    if kernel:
        print(f"  {'runner --engine kernel':52} {kernel[0]:8.2f} {kernel[1]:8.2f} {kernel[0] / wall:9.2f}")
    if scripted:
        print(f"  {'papermill + nbconvert --no-input, 2 at a time':52} {scripted[0]:8.2f} {scripted[1]:8.2f} "
              f"{scripted[0] / wall:9.2f}   (goal >= 8x)")
    print(f"  {'floor: the cells in one warm process / ' + str(cores) + ' cores':52} {floor_wall:8.2f} "
          f"{floor['seconds']:8.2f} {floor_wall / wall:9.2f}   (runner / floor {wall / floor_wall:.2f}x, goal <= 1.5x"
          f"{'; ' + str(floor['failed']) + ' cells failed' if floor['failed'] else ''})")
    print(f"  {'  the same keeping every view of the first pass':52} {floor['kept'] / cores:8.2f} {floor['kept']:8.2f} "
          f"{floor['kept'] / cores / wall:9.2f}   (runner / it {wall * cores / floor['kept']:.2f}x)")
    print(f"  the runner's jobs (execute + render), summed: {work:.2f} s")
    print(f"  peak resident memory: the run {peak['run']:.0f} MB, a worker {peak['worker']:.0f} MB, a forked child "
          f"{peak['child']:.0f} MB (shared pages counted in each)")


if __name__ == "__main__":
    main()
