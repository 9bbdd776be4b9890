"""One report job: execute a notebook with papermill (through the job's engine: a child forked
from the worker by default, :mod:`analysis.report.engine`) and render it to its HTML page.

A job runs in a worker process (or on a Dask worker): it writes ``<name>.html`` and
``executed/<name>.ipynb`` into its pack's staging folder and returns a :class:`JobResult`.  A
notebook's own failure is a result (``failed``, with the error and the failing cell shown on the
page), never an exception.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .notebooks import CELL_TIMEOUT_S, FORK_ENGINE

__all__ = ["Job", "JobResult", "STATUS_FAILED", "STATUS_NA", "STATUS_NOT_RUN", "STATUS_OK", "run_job"]

STATUS_OK, STATUS_FAILED, STATUS_NA, STATUS_NOT_RUN = "ok", "failed", "not applicable", "not run"


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
    note: str = ""  # one sentence the page shows under its title (a hindsight view: report --as-of)
    engine: str = FORK_ENGINE  # the papermill engine that runs it (analysis.report.engine)


@dataclass
class JobResult:
    """What a report produced.  ``duration_s`` in seconds; ``started`` ISO 8601 UTC."""

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
    run_id: str | None = None


def _execute(job: Job, output: Path) -> nbformat.NotebookNode:
    from .notebooks import execute

    return execute(Path(job.notebook), output, job.parameters, timeout=job.timeout, engine=job.engine)


def _not_run(path: str) -> nbformat.NotebookNode:
    """The notebook as on disk, without its committed outputs (none stands in for a cell not run)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def run_job(job: Job) -> JobResult:
    """Execute and render one notebook into the job's staging folder.

    Never raises for a notebook's own failure: the result says ``failed`` and carries the error.

    Parameters
    ----------
    job : Job
        The report to make: its notebook, parameters, staging folder and timeout.

    Returns
    -------
    JobResult
        Its status, error (if any), timings and outputs.
    """
    from papermill.exceptions import PapermillExecutionError

    from ..numbers import MONEY_NOTE, month
    from .render import render_report, tables
    from .workbook import write_workbook

    staging = Path(job.staging)
    executed = staging / "executed" / f"{job.name}.ipynb"
    executed.parent.mkdir(exist_ok=True)  # not parents: a staging folder removed by a stopped run stays removed
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    status, error = STATUS_OK, None
    try:
        nb = _execute(job, executed)
    except PapermillExecutionError as exc:
        status, error = STATUS_FAILED, f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
        nb = nbformat.read(executed, as_version=4)
    except Exception as exc:  # kernel died, timeout, papermill refused the notebook …
        text = str(exc).strip()
        status, error = STATUS_FAILED, f"{type(exc).__name__}: {text.splitlines()[-1] if text else ''}"
        if type(exc).__name__ == "DeadKernelError":
            error += " (its kernel process was killed - the system's out-of-memory killer sends SIGKILL)"
        nb = nbformat.read(executed, as_version=4) if executed.is_file() else _not_run(job.notebook)
    period = job.parameters.get("period", "")
    xlsx = None
    if status == STATUS_OK:
        xlsx = f"{job.name}.xlsx"
        write_workbook(tables(nb), staging / xlsx, title=job.title, authority=job.authority, period=str(period))
    as_of = job.parameters.get("as_of") or ""
    pack = {"name": job.name, "title": job.title, "authority": job.authority, "month": month(period) if period else "",
            "hindsight": f"hindsight view to {month(as_of)}" if as_of else "",  # the printed running header
            "pack_title": job.pack_title, "status": status, "error": error or "", "xlsx": xlsx,
            "page_title": " · ".join(x for x in (job.title, job.authority, month(period) if period else "") if x),
            "money_note": MONEY_NOTE, "view_note": job.note,
            "parameters": [(k, repr(v)) for k, v in sorted(job.parameters.items())],
            "inputs": [dict(i) for i in job.inputs]}
    html = render_report(nb, show_code=status != STATUS_OK, pack=pack)
    (staging / f"{job.name}.html").write_text(html, encoding="utf-8")
    nbformat.write(nb, executed)
    return JobResult(job.name, job.title, job.authority, status, job.parameters,
                     started.isoformat(timespec="seconds"), round(time.perf_counter() - t0, 3), error,
                     nb.metadata.get("headlines", []) if status == STATUS_OK else [], f"{job.name}.html")
