"""The monthly report run: every report notebook executed with papermill and rendered to a
self-contained HTML pack, atomically.

    python -m analysis report --period 2017-10 [--authority NAME] [--only NN …] [--jobs N]
                              [--out reports/] [--quiet]

What happens, in order:

1. **Validation, before any kernel starts**: the period's format; that processed data exists and
   was made from the raw files as they are now; that the period has a tracker (else one line
   naming the periods that do); every parameter name and type against each notebook's
   ``parameters`` cell (papermill only warns on an unknown name - this refuses).
2. **Execution** with papermill - kernel name, working directory and per-cell timeout always
   explicit - over a pool of ``--jobs`` worker processes (default: the machine's cores) or any
   ``concurrent.futures``-style executor (a Dask cluster with the ``dask`` extra).  Each worker
   keeps one kernel warm and clears its namespace before every notebook, so the kernel start and
   library imports are paid once per worker, not once per notebook.
3. **Rendering** with nbconvert to one self-contained HTML file per report: no code, no prompts,
   images embedded, nothing fetched from the network.  A failing notebook does not stop the
   others: its partial executed notebook is kept and rendered *with* code, showing the failing
   cell and its error.
4. **Publishing**: the pack is built in a hidden staging folder and moved into place in one
   rename.  ``reports/<period>/`` only ever holds a complete pack whose every report succeeded; a
   run with failures is published to ``reports/failed/<period>-<run id>/`` and the previous good
   pack is untouched.  ``reports/index.html`` lists every period.

Same inputs give the same bytes: report pages and indexes carry no timestamps (timings live in
``manifest.json`` and ``timings.js``).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import datetime as dt
import fcntl
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from .. import __version__, paths
from ..errors import ReportError
from ..manifest import PERIOD_RE, read_manifest, sha256_of
from .notebooks import CELL_TIMEOUT_S, KERNEL_NAME, Parameter, notebook_paths, parameters

STATUS_OK, STATUS_FAILED, STATUS_NA = "ok", "failed", "not applicable"
FAILED_DIR = "failed"
PACKAGES = ("pandas", "pyarrow", "pandera", "matplotlib", "seaborn", "papermill", "nbconvert", "nbclient",
            "nbformat", "ipykernel", "jupyter_client", "openpyxl", "numpy")


# --------------------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Job:
    """One notebook to execute for one pack."""

    notebook: str
    name: str
    title: str
    authority: str
    period: str
    parameters: dict
    staging: str
    pack_title: str
    inputs: tuple
    timeout: int = CELL_TIMEOUT_S
    reuse_kernel: bool = True


@dataclass
class JobResult:
    name: str
    title: str
    authority: str
    status: str
    parameters: dict
    started: str = ""
    duration_s: float = 0.0
    error: str | None = None
    headlines: list = field(default_factory=list)
    html: str | None = None


@dataclass
class PackPlan:
    period: str
    authority: str | None
    out_dir: Path
    jobs: list[Job]
    skipped: list[JobResult]
    inputs: list[dict]
    staging: Path

    @property
    def key(self) -> str:
        return self.period if self.authority is None else f"{self.period}/{_slug(self.authority)}"


def _slug(text: str) -> str:
    return "".join(c.lower() if c.isalnum() else "-" for c in text).strip("-")


def notebook_info(path: Path) -> tuple[str, list[str], dict[str, Parameter]]:
    """A notebook's title (its first heading), the tables it reads, and its parameters."""
    nb = nbformat.read(path, as_version=4)
    title = path.stem
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    title = line[2:].strip()
                    break
            break
    tables = list(nb.metadata.get("analysis", {}).get("tables", []))
    return title, tables, parameters(path)


def _coerce(name: str, text: str, param: Parameter, notebook: str) -> object:
    kind = param.type
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        if kind in (int, float):
            return kind(text)
        if kind is str:
            return text
    except ValueError:
        pass
    raise ReportError(f"parameter {name}={text!r}: {notebook} expects {kind.__name__} (its default is {param.default!r})")


def plan_packs(periods: Sequence[str], authorities: Sequence[str | None], *, out_dir: Path, processed_dir: Path,
               raw_dir: Path, only: Sequence[str] = (), extra: dict[str, str] | None = None,
               timeout: int = CELL_TIMEOUT_S, reuse_kernel: bool = True,
               notebooks_dir: Path | None = None) -> list[PackPlan]:
    """Validate everything that can be validated without a kernel and return the jobs to run."""
    import pandas as pd

    from ..data import load

    problems: list[str] = []
    for period in periods:
        if not PERIOD_RE.match(period):
            problems.append(f"period {period!r}: expected YYYY-MM (e.g. 2017-10)")
    if problems:
        raise ReportError("\n".join(problems))
    documents = read_manifest(raw_dir)
    try:
        sources = load("sources", processed_dir)
        tracker = load("savings_tracker", processed_dir)
    except Exception as exc:
        raise ReportError(f"{exc} - run `python -m analysis ingest` first") from None
    current = {d.file: d.sha256 for d in documents}
    made_from = dict(zip(sources.file, sources.sha256))
    if current != made_from:
        raise ReportError(f"{processed_dir} was not made from the raw files as they are now "
                          f"({raw_dir}): run `python -m analysis ingest` first")
    known = {a for a in sources.authority}
    for authority in authorities:
        if authority is not None and authority not in known:
            raise ReportError(f"authority {authority!r} has no data; authorities with data: {', '.join(sorted(known))}")
    for period in periods:
        for authority in authorities:
            rows = tracker if authority is None else tracker[tracker.authority == authority]
            if not (rows.period == period).any():
                have = ", ".join(sorted(rows.period.unique())) or "none"
                who = f" for {authority}" if authority else ""
                problems.append(f"no savings tracker{who} for period {period}; periods with data: {have}")
    if problems:
        raise ReportError("\n".join(problems))

    nb_paths = notebook_paths(notebooks_dir)
    if only:
        chosen = [p for p in nb_paths if any(p.name == o or p.stem == o or p.stem.startswith(o) for o in only)]
        unknown = [o for o in only if not any(p.name == o or p.stem == o or p.stem.startswith(o) for p in nb_paths)]
        if unknown:
            raise ReportError(f"--only {', '.join(unknown)}: no such notebook; notebooks: "
                              + ", ".join(p.stem for p in nb_paths))
        nb_paths = chosen
    infos = {p: notebook_info(p) for p in nb_paths}
    extra = dict(extra or {})
    unknown_params = [n for n in extra if not any(n in info[2] for info in infos.values())]
    if unknown_params:
        raise ReportError(f"parameter(s) {', '.join(unknown_params)} are not parameters of any report notebook")
    tables: dict[str, pd.DataFrame] = {}

    plans = []
    for period in periods:
        for authority in authorities:
            staging = out_dir / f".staging-{_slug(period)}-{uuid.uuid4().hex[:8]}"
            pack_title = (f"Monitoring pack {period}" + (f" - {authority}" if authority else ""))
            jobs, skipped = [], []
            used_docs: set[str] = set()
            for path, (title, needs, params) in infos.items():
                who = authority if authority is not None else (
                    str(params["authority"].default) if "authority" in params else "")
                values: dict[str, object] = {}
                for name, text in extra.items():
                    if name in params:
                        values[name] = _coerce(name, text, params[name], path.name)
                if "period" in params:
                    values["period"] = period
                if "authority" in params and authority is not None:
                    values["authority"] = authority
                if "processed_dir" in params and Path(processed_dir).resolve() != paths.processed_dir().resolve():
                    values["processed_dir"] = str(processed_dir)  # the default needs no injecting
                for name, value in values.items():
                    if not isinstance(value, params[name].type):
                        raise ReportError(f"{path.name}: parameter {name} must be {params[name].type.__name__}")
                missing = []
                for table in needs:
                    if table not in tables:
                        tables[table] = load(table, processed_dir)
                    frame = tables[table]
                    if "authority" in frame.columns and who and not (frame.authority == who).any():
                        missing.append(table)
                    elif table == "savings_tracker" and "period" in params and not (
                            (frame.authority == who) & (frame.period == period)).any():
                        missing.append(f"{table} for {period}")
                    elif len(frame):
                        rows = frame[frame.authority == who] if "authority" in frame.columns and who else frame
                        used_docs |= set(rows.document) if "document" in rows.columns else set()
                if missing:
                    skipped.append(JobResult(path.stem, title, who, STATUS_NA, values,
                                             error=f"no {', '.join(missing)} data for {who}"))
                    continue
                jobs.append(Job(str(path), path.stem, title, who, period, values, str(staging), pack_title, (),
                                timeout, reuse_kernel))
            inputs = [{"file": d.file, "document": d.document, "authority": d.authority, "period": d.period,
                       "sha256": d.sha256} for d in documents if d.document in used_docs]
            jobs = [replace(j, inputs=tuple(tuple(sorted(i.items())) for i in inputs)) for j in jobs]
            plans.append(PackPlan(period, authority, out_dir, jobs, skipped, inputs, staging))
    return plans


# --------------------------------------------------------------------------------------------- execution

_WORKER: dict = {}


def _worker_kernel():
    """This worker process's warm kernel (started on first use, shut down when the process ends)."""
    import multiprocessing.util
    import tempfile

    from jupyter_client.manager import KernelManager

    km = _WORKER.get("km")
    if km is not None and km.is_alive():
        return km
    folder = _WORKER.setdefault("folder", tempfile.mkdtemp(prefix="kernel-"))
    km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(Path(folder) / "ipc"))
    km.start_kernel(cwd=str(paths.notebooks_dir()), stderr=subprocess.DEVNULL)
    _WORKER["km"] = km
    _run_code(km, _WARM)
    if "finalizer" not in _WORKER:
        _WORKER["finalizer"] = multiprocessing.util.Finalize(None, _shutdown_worker_kernel, exitpriority=10)
    return km


def _shutdown_worker_kernel() -> None:
    km = _WORKER.pop("km", None)
    if km is not None:
        with contextlib.suppress(Exception):
            km.shutdown_kernel(now=True)
    folder = _WORKER.pop("folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


RESET_TAG = "runner-reset"
# Clears the previous notebook's names (cheaper than %reset -f, which also collects garbage),
# figures, matplotlib settings and warning filters.
_RESET = ("_ip = get_ipython()\n"
          "for _k in [k for k in _ip.user_ns if not k.startswith('_') and k not in _ip.user_ns_hidden]:\n"
          "    del _ip.user_ns[_k]\n"
          "Out.clear()\n"
          "import matplotlib.pyplot as _plt\n_plt.close('all')\n_plt.rcdefaults()\n"
          "import warnings as _w\n_w.resetwarnings()\ndel _w, _plt, _ip, _k")
# Imported once when a worker's kernel starts, so that no notebook pays for them.
_WARM = ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot, pandas, pyarrow\n"
         "import analysis.presentation.display, analysis.analyses.scorecard, analysis.reconcile\n")  # scorecard imports every analysis


def _run_code(km, code: str) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(code, timeout=120, store_history=False, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel warm-up failed: {reply['content'].get('evalue', '')}")
    finally:
        kc.stop_channels()


def warm_worker() -> None:
    """Process-pool initializer: load papermill, nbconvert and the HTML templates.  The worker's
    kernel starts with its first job (after validation has passed) and imports the libraries once
    for every later job."""
    import papermill  # noqa: F401

    from .render import exporter

    exporter(show_code=False)


def _with_reset_cell(path: str) -> nbformat.NotebookNode:
    """The notebook with a first cell that clears what the previous notebook left in the kernel;
    the cell is removed again before anything is written or rendered."""
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(_RESET)
    cell.metadata["tags"] = [RESET_TAG]
    cell["id"] = RESET_TAG
    nb.cells.insert(0, cell)
    return nb


def strip_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def _execute(job: Job, output: Path) -> nbformat.NotebookNode:
    import papermill

    from .notebooks import kernel_manager

    common = dict(parameters=job.parameters, kernel_name=KERNEL_NAME, cwd=str(Path(job.notebook).parent),
                  progress_bar=False, execution_timeout=job.timeout, log_output=False,
                  request_save_on_cell_execute=False)  # written once at the end (also on failure)
    if not job.reuse_kernel:
        with kernel_manager() as km:
            return papermill.execute_notebook(job.notebook, str(output), km=km, **common)
    km = _worker_kernel()
    try:
        return strip_reset(papermill.execute_notebook(_with_reset_cell(job.notebook), str(output), km=km, **common))
    except BaseException:
        _shutdown_worker_kernel()  # never reuse a kernel after a failure: the next job gets a fresh one
        raise


def run_job(job: Job) -> JobResult:
    """Execute and render one notebook into the job's staging folder.  Never raises for a
    notebook's own failure: the result says ``failed`` and carries the error."""
    from papermill.exceptions import PapermillExecutionError

    from .render import render_report

    staging = Path(job.staging)
    executed = staging / "executed" / f"{job.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    status, error = STATUS_OK, None
    try:
        nb = _execute(job, executed)
    except PapermillExecutionError as exc:
        status, error = STATUS_FAILED, f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
        nb = strip_reset(nbformat.read(executed, as_version=4))
    except Exception as exc:  # kernel died, timeout, papermill refused the notebook …
        status, error = STATUS_FAILED, f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
        nb = strip_reset(nbformat.read(executed if executed.is_file() else job.notebook, as_version=4))
    pack = {"pack_title": job.pack_title, "status": status, "error": error or "",
            "parameters": [(k, repr(v)) for k, v in sorted(job.parameters.items())],
            "inputs": [dict(i) for i in job.inputs]}
    html = render_report(nb, show_code=status != STATUS_OK, pack=pack)
    (staging / f"{job.name}.html").write_text(html, encoding="utf-8")
    nbformat.write(nb, executed)
    return JobResult(job.name, job.title, job.authority, status, job.parameters,
                     started.isoformat(timespec="seconds"), round(time.perf_counter() - t0, 3), error,
                     nb.metadata.get("headlines", []) if status == STATUS_OK else [], f"{job.name}.html")


# --------------------------------------------------------------------------------------------- publishing


def _git() -> dict:
    root = paths.project_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty if commit else None}


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "council-finance-analysis": __version__}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _write_pack(plan: PackPlan, results: list[JobResult], run_id: str, processed_dir: Path) -> None:
    from .render import render_template

    staging = plan.staging
    staging.mkdir(parents=True, exist_ok=True)
    ordered = sorted(results + plan.skipped, key=lambda r: r.name)
    failed = [r.name for r in ordered if r.status == STATUS_FAILED]
    done = [r for r in ordered if r.status == STATUS_OK]
    title = f"Monitoring pack {plan.period}" + (f" - {plan.authority}" if plan.authority else "")
    summary = (f"{len(done)} of {len(ordered)} reports succeeded"
               + (f", {len(failed)} failed" if failed else "")
               + (f", {sum(r.status == STATUS_NA for r in ordered)} not applicable"
                  if any(r.status == STATUS_NA for r in ordered) else "") + ".")
    index = render_template("pack_index.html.j2", title=title, summary=summary, failed=failed,
                            reports=[{**asdict(r), "html": r.html if r.status != STATUS_NA else None}
                                     for r in ordered])
    (staging / "index.html").write_text(index, encoding="utf-8")
    timings = {r.name: r.duration_s for r in ordered if r.status != STATUS_NA}
    (staging / "timings.js").write_text("window.packTimings = " + json.dumps(timings, sort_keys=True) + ";\n",
                                        encoding="utf-8")
    manifest = {
        "run_id": run_id,
        "period": plan.period,
        "authority": plan.authority,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "status": "ok" if not failed else "failed",
        "git": _git(),
        "versions": _versions(),
        "processed_dir": str(processed_dir),
        "inputs": plan.inputs,
        "processed_tables": {p.name: sha256_of(p) for p in sorted(processed_dir.glob("*.parquet"))},
        "reports": [asdict(r) for r in ordered],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _publish(plan: PackPlan, failed: bool, run_id: str) -> Path:
    """Move the staged pack into place in one rename; a previous pack is replaced only by a
    complete, successful one."""
    if failed:
        target = plan.out_dir / FAILED_DIR / f"{_slug(plan.key)}-{run_id}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(plan.staging, target)
        return target
    target = plan.out_dir / plan.key
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.parent / f".previous-{target.name}-{run_id}"
        os.replace(target, old)
    os.replace(plan.staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def write_reports_index(out_dir: Path) -> None:
    """``reports/index.html``: every published pack (and failed runs kept for diagnosis)."""
    from .render import render_template

    packs = []
    for manifest in sorted(out_dir.glob("*/manifest.json")) + sorted(out_dir.glob("*/*/manifest.json")):
        rel = manifest.parent.relative_to(out_dir)
        if rel.parts[0] == FAILED_DIR or rel.parts[0].startswith("."):
            continue
        data = json.loads(manifest.read_text())
        ok = sum(r["status"] == STATUS_OK for r in data["reports"])
        packs.append({"period": data["period"], "href": f"{rel.as_posix()}/index.html",
                      "title": f"Monitoring pack {data['period']}" + (f" - {data['authority']}" if data["authority"]
                                                                      else ""),
                      "summary": f"{ok} of {len(data['reports'])} reports"})
    packs.sort(key=lambda p: (p["period"], p["title"]), reverse=True)
    failed = []
    for manifest in sorted((out_dir / FAILED_DIR).glob("*/manifest.json")):
        data = json.loads(manifest.read_text())
        failed.append({"name": manifest.parent.name, "href": f"{FAILED_DIR}/{manifest.parent.name}/index.html",
                       "failed": ", ".join(r["name"] for r in data["reports"] if r["status"] == STATUS_FAILED)})
    html = render_template("reports_index.html.j2", packs=packs, failed=failed)
    tmp = out_dir / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out_dir / "index.html")


@contextlib.contextmanager
def _lock(out_dir: Path):
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(f"another report run is writing to {out_dir}; try again when it has finished") from None
        yield


@dataclass
class RunOutcome:
    run_id: str
    packs: list[tuple[PackPlan, list[JobResult], Path]]

    @property
    def ok(self) -> bool:
        return all(r.status != STATUS_FAILED for _, results, _ in self.packs for r in results)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """The default executor: ``workers`` processes forked from a clean fork server that has
    papermill, nbconvert and this module loaded (never forked from the caller, which may hold
    ZeroMQ sockets and threads that a fork would copy half-way)."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["analysis.report.runner", "papermill", "nbconvert"])
    return cf.ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context, initializer=warm_worker)


def run_packs(plans: list[PackPlan], *, executor: cf.Executor | None = None, jobs: int | None = None,
              processed_dir: Path, progress: Callable[[str], None] | None = None) -> RunOutcome:
    """Execute every job of every plan over ``executor`` (default: a process pool of ``jobs``
    workers), then write and publish each pack.  Interrupted runs leave no staging behind."""
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    all_jobs = [(plan, job) for plan in plans for job in plan.jobs]
    total = len(all_jobs)
    say = progress or (lambda message: None)
    own = executor is None
    if own:
        executor = process_pool(min(jobs or os.cpu_count() or 1, max(total, 1)))
    results: dict[str, list[JobResult]] = {plan.key: [] for plan in plans}
    outcome = RunOutcome(run_id, [])
    out_dirs = sorted({plan.out_dir for plan in plans})
    futures: dict[cf.Future, PackPlan] = {}
    try:
        with contextlib.ExitStack() as stack:
            for out_dir in out_dirs:
                stack.enter_context(_lock(out_dir))
            for plan, job in all_jobs:
                futures[executor.submit(run_job, job)] = plan
            for done, future in enumerate(cf.as_completed(futures), start=1):
                plan = futures[future]
                result = future.result()
                results[plan.key].append(result)
                mark = "ok" if result.status == STATUS_OK else "FAILED"
                say(f"[{done}/{total}] {plan.key} {result.name}: {mark} ({result.duration_s:.1f} s)"
                    + (f" - {result.error}" if result.error else ""))
            for plan in plans:
                failed = any(r.status == STATUS_FAILED for r in results[plan.key])
                _write_pack(plan, results[plan.key], run_id, processed_dir)
                target = _publish(plan, failed, run_id)
                outcome.packs.append((plan, results[plan.key], target))
            for out_dir in out_dirs:
                write_reports_index(out_dir)
    finally:
        for future in futures:  # interrupted: start nothing new, let running jobs end before cleaning up
            future.cancel()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
        else:
            cf.wait([f for f in futures if not f.cancelled()])
        for plan in plans:
            shutil.rmtree(plan.staging, ignore_errors=True)
    return outcome


# --------------------------------------------------------------------------------------------- CLI


def add_arguments(p: argparse.ArgumentParser) -> None:
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", action="append", metavar="YYYY-MM",
                      help="month to report (repeat for a batch of periods)")
    when.add_argument("--latest", action="store_true", help="the latest period with a savings tracker")
    p.add_argument("--authority", action="append", metavar="NAME",
                   help="run the pack for this authority only (repeat for a batch); default: each report's own")
    p.add_argument("--only", nargs="+", metavar="NOTEBOOK", default=[],
                   help="run only these notebooks (name or number prefix, e.g. 10 90)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    p.add_argument("--out", default=None, help="reports folder (default: reports/)")
    p.add_argument("--processed", default=None, help="processed tables (default: data/processed)")
    p.add_argument("--raw", default=None, help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--notebooks", default=None, help="folder of report notebooks (default: notebooks/)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter in every notebook that has it (checked against its type)")
    p.add_argument("--timeout", type=int, default=CELL_TIMEOUT_S, help="per-cell timeout in seconds")
    p.add_argument("--quiet", action="store_true", help="print only problems (for cron)")
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on a Dask cluster (needs the dask extra)")
    dask.add_argument("--dask-local", type=int, metavar="N", help="run on a local Dask cluster of N workers")


def latest_period(processed_dir: Path, authority: str | None = None) -> str:
    from ..data import load

    tracker = load("savings_tracker", processed_dir)
    if authority:
        tracker = tracker[tracker.authority == authority]
    if tracker.empty:
        raise ReportError("no savings tracker has been ingested, so there is no period to report")
    return str(max(tracker.period))


@contextlib.contextmanager
def dask_executor(scheduler: str | None, local: int | None):
    """A ``concurrent.futures`` executor backed by Dask (a scheduler address or a LocalCluster)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ReportError("Dask is not installed: pip install 'council-finance-analysis[dask]'") from None
    cluster = LocalCluster(n_workers=local, threads_per_worker=1, processes=True, dashboard_address=None) \
        if local else None
    client = Client(cluster if cluster is not None else scheduler)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def main(args: argparse.Namespace) -> int:
    out_dir = Path(args.out).resolve() if args.out else paths.reports_dir()
    processed_dir = Path(args.processed).resolve() if args.processed else paths.processed_dir()
    raw_dir = Path(args.raw).resolve() if args.raw else paths.raw_dir()
    authorities: list[str | None] = list(args.authority) if args.authority else [None]
    periods = list(args.period) if args.period else [latest_period(processed_dir, authorities[0])]
    extra = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ReportError(f"--param {item!r}: expected NAME=VALUE")
        extra[name.strip()] = value
    use_dask = bool(args.dask_scheduler or args.dask_local)
    notebooks_dir = Path(args.notebooks).resolve() if args.notebooks else None
    plans = plan_packs(periods, authorities, out_dir=out_dir, processed_dir=processed_dir, raw_dir=raw_dir,
                       only=args.only, extra=extra, timeout=args.timeout, reuse_kernel=not use_dask,
                       notebooks_dir=notebooks_dir)
    say = (lambda m: None) if args.quiet else (lambda m: print(m, flush=True))
    total = sum(len(p.jobs) for p in plans)
    say(f"Report run: {total} notebooks for {len(plans)} pack(s) ({', '.join(p.key for p in plans)}) on "
        + (f"Dask ({args.dask_scheduler or f'local cluster of {args.dask_local}'})" if use_dask
           else f"{min(args.jobs, max(total, 1))} worker(s)"))
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # cron's kill: clean up like Ctrl-C
    try:
        if use_dask:
            with dask_executor(args.dask_scheduler, args.dask_local) as executor:
                outcome = run_packs(plans, executor=executor, processed_dir=processed_dir, progress=say)
        else:
            outcome = run_packs(plans, jobs=args.jobs, processed_dir=processed_dir, progress=say)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for plan, results, target in outcome.packs:
        failed = [r for r in results if r.status == STATUS_FAILED]
        rel = _show(target / "index.html")
        if failed:
            print(f"{plan.key}: {len(failed)} report(s) FAILED: {', '.join(r.name for r in failed)}; the failed run "
                  f"is at {rel} (the previous pack for {plan.key}, if any, is untouched)", file=sys.stderr)
        else:
            say(f"{plan.key}: published {len(results)} reports to {rel}")
    return 0 if outcome.ok else 1


def _raise_interrupt(signum, frame):  # pragma: no cover - exercised by the interruption test
    raise KeyboardInterrupt


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
