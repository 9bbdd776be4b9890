"""A report run from start to end: clean up after dead runs, warm the workers while planning,
run every job, publish each pack.  Its two entry points::

    run_report(...)   what ``python -m analysis report`` does (see :mod:`analysis.cli`)
    run_packs(...)    execute planned packs over any ``concurrent.futures``-style executor and
                      publish them (the pool of warm workers by default; Dask for clusters)

Order of a run:

1. :func:`analysis.report.publish.clean_debris` - staging and temporary folders of runs that
   died are removed, a switch that died half-way is finished;
2. the cheap checks (periods, ``--only``, the notebook contract), then the executor starts - a
   :class:`~analysis.report.pool.WorkerPool` whose workers warm up now (the templates the
   ``council-fork`` engine forks a child from for each notebook) - and planning
   (:mod:`analysis.report.plan`) reads the processed tables meanwhile;
3. every job of every pack is submitted, longest first (by the published pack's timings), and
   each result is reported as it arrives; a worker that dies fails its own report, by name;
4. each pack is published (:mod:`analysis.report.publish`) as soon as its last report is in,
   while the other packs' reports still run.

An interrupt (Ctrl-C, SIGTERM) stops the workers, removes the run's staging folders and leaves
every published pack as it was.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import atomic
from ..progress import Bar
from .execute import STATUS_FAILED, STATUS_OK, Job, JobResult, run_job
from .interrupts import handled, pause_point
from .notebooks import CELL_TIMEOUT_S, FORK_ENGINE, TEMP_PREFIX
from .plan import PackPlan, check_periods, plan_packs, published_manifest, select_notebooks
from .publish import ReportsIndexes, clean_debris, new_staging, publish, run_metadata

__all__ = ["RunOutcome", "new_run_id", "run_packs", "run_report"]

#: errors that mean "the machinery running this report died", not "the code has a bug"
_LOST = ("WorkerDied", "PoolStopped", "KilledWorker", "CancelledError")


@dataclass
class RunOutcome:
    run_id: str
    packs: list[tuple[PackPlan, list[JobResult], Path, bool]]  # plan, results, where, published

    @property
    def ok(self) -> bool:
        return all(published for *_, published in self.packs)

    @property
    def stopped(self) -> list[PackPlan]:
        """Packs not run because their papers carry a stopping check (:attr:`PackPlan.stops`)."""
        return [plan for plan, *_ in self.packs if plan.stops]


def new_run_id() -> str:
    """A new run's id: the UTC time and six random hex digits (``20261207T223000Z-1a2b3c``).

    Returns
    -------
    str
        The id.
    """
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _lost(job: Job, exc: BaseException) -> JobResult:
    return JobResult(job.name, job.title, job.authority, STATUS_FAILED, job.parameters,
                     error=f"{job.name} did not finish: {exc or type(exc).__name__}")


def _longest_first(plans: Sequence[PackPlan]) -> list[tuple[PackPlan, Job]]:
    expected: dict[tuple[str, str], float] = {}
    for plan in plans:
        for report in (published_manifest(plan.target) or {}).get("reports", []):
            expected[(plan.key, report.get("name"))] = float(report.get("duration_s") or 0)
    pairs = [(plan, job) for plan in plans for job in plan.jobs]
    return sorted(pairs, key=lambda pj: -expected.get((pj[0].key, pj[1].name), float("inf")))


def run_packs(plans: list[PackPlan], *, executor: cf.Executor | None = None, jobs: int | None = None,
              processed_dir: Path, progress: Callable[[str], None] | None = None,
              bar: Bar | None = None, engine: str = FORK_ENGINE) -> RunOutcome:
    """Execute every job of every plan, then publish each pack.

    Over ``executor`` (default: a :class:`WorkerPool` of ``jobs`` workers) with papermill engine
    ``engine`` (:mod:`analysis.report.engine`).  Interrupted runs leave no staging behind.

    Parameters
    ----------
    plans : list of PackPlan
        The packs (:func:`analysis.report.plan.plan_packs`).
    executor : concurrent.futures.Executor, optional
        Where the jobs run; ``None`` = a :class:`WorkerPool`.
    jobs : int, optional
        Workers of the default pool; ``None`` = its default.
    processed_dir : pathlib.Path
        The processed tables.
    progress : callable, optional
        Receives a line per report done.
    bar : analysis.progress.Bar, optional
        Advances a step a report.
    engine : str, default :data:`FORK_ENGINE`
        The papermill engine's name.

    Returns
    -------
    RunOutcome
        The run's id and, per pack, its plan, results, where it went and whether it was published.
    """
    bar = bar or Bar(0, "", show=False)
    from . import pool as pools

    run_id = new_run_id()
    say = progress or (lambda message: None)
    pairs = _longest_first(plans)
    own = executor is None
    pool: Any = executor if executor is not None else pools.WorkerPool(  # our WorkerPool or any Executor
        min(jobs or pools.cores(), max(len(pairs), 1)), template=engine == FORK_ENGINE)
    results: dict[str, list[JobResult]] = {plan.key: [] for plan in plans}
    # a pack that stops is not run and not published: the published pack stays as it was
    outcome = RunOutcome(run_id, [(plan, [], plan.target, False) for plan in plans if plan.stops])
    plans = [p for p in plans if not p.stops]
    futures: dict[cf.Future, tuple[PackPlan, Job]] = {}
    remaining = {plan.key: len(plan.jobs) for plan in plans}

    indexes = ReportsIndexes()

    def finish(plan: PackPlan) -> None:
        where, published = publish(plan, results[plan.key], run_id, processed_dir, metadata, index=False)
        outcome.packs.append((plan, results[plan.key], where, published))
        indexes.published(plan.out_dir)

    try:
        with handled():
            staged = _stage(plans, engine)
            for plan, job in pairs:
                job = staged[(plan.key, job.name)]
                futures[pool.submit(run_job, job)] = (plan, job)
            metadata = run_metadata()  # while the workers run
            for plan in plans:
                if not remaining[plan.key]:  # every report not applicable
                    finish(plan)
            for done, future in enumerate(cf.as_completed(futures), start=1):
                plan, job = futures[future]
                result = _result_of(future, job)
                results[plan.key].append(result)
                bar.step(f"{plan.key} {result.name}")
                say(_done_line(done, len(futures), plan, result))
                remaining[plan.key] -= 1
                if not remaining[plan.key]:  # published while the other packs' reports still run
                    finish(plan)
            order = [p[0].key for p in outcome.packs if p[0].stops] + [plan.key for plan in plans]
            outcome.packs.sort(key=lambda p: order.index(p[0].key))
    except BaseException:
        _stop(pool, futures)
        with contextlib.suppress(Exception):  # what was published is listed; the first error is the one told
            indexes.write()
        raise
    else:
        if own:
            pool.shutdown()
        indexes.write()
    finally:
        for plan in plans:
            if plan.staging is not None and plan.staging.exists():
                atomic.discard(plan.staging)
    return outcome



def _stage(plans: list[PackPlan], engine: str) -> dict[tuple[str, str], Job]:
    """Give each plan its staging folder and its jobs that folder and ``engine``; the jobs by
    (pack, report)."""
    for plan in plans:
        plan.staging = new_staging(plan)
        plan.jobs = [replace(job, staging=str(plan.staging), engine=engine) for job in plan.jobs]
    return {(plan.key, job.name): job for plan in plans for job in plan.jobs}


def _result_of(future: cf.Future, job: Job) -> JobResult:
    """The job's result; a worker lost mid-job (killed, out of memory) is the report's failure,
    anything else a bug that shows."""
    try:
        return future.result()
    except BaseException as exc:
        if type(exc).__name__ not in _LOST:
            raise
        return _lost(job, exc)


def _done_line(done: int, total: int, plan: PackPlan, result: JobResult) -> str:
    mark = "ok" if result.status == STATUS_OK else "FAILED"
    return (f"[{done}/{total}] {plan.key} {result.name}: {mark} ({result.duration_s:.1f} s)"
            + (f" - {result.error}" if result.error else ""))


def _stop(executor: cf.Executor, futures: dict[cf.Future, tuple[PackPlan, Job]]) -> None:
    """A run stopped (an error, Ctrl-C, SIGTERM): nothing more starts; our pool's workers stop
    now, another executor's running jobs end before the staging is cleaned up."""
    for future in futures:
        future.cancel()
    if hasattr(executor, "terminate"):  # our pool: stop its workers now
        executor.terminate()
    else:  # an executor that cannot be stopped: let its running jobs end before cleaning up
        cf.wait([f for f in futures if not f.cancelled()])


@contextlib.contextmanager
def _remove_stale_temp():
    """At the end of a run, the temporary folders of workers that died during it."""
    try:
        yield
    finally:
        atomic.remove_stale(Path(tempfile.gettempdir()), TEMP_PREFIX)


@contextlib.contextmanager
def _executor(jobs: int, size_hint: int, dask_scheduler: str | None, dask_local: int | None, engine: str):
    template = engine == FORK_ENGINE  # the workers are templates the engine forks from
    if dask_scheduler or dask_local:
        from .pool import dask_executor

        with dask_executor(dask_scheduler, dask_local, template=template) as executor:
            yield executor
        return
    from .pool import WorkerPool

    with WorkerPool(max(1, min(jobs, size_hint)), template=template) as pool:
        yield pool


def run_report(*, authorities: Sequence[str] | None, periods: Sequence[str] | None, out_dir: Path,
               processed_dir: Path, raw_dir: Path, notebooks_dir: Path | None = None, only: Sequence[str] = (),
               extra: dict[str, str] | None = None, jobs: int | None = None, timeout: int = CELL_TIMEOUT_S,
               dask_scheduler: str | None = None, dask_local: int | None = None,
               progress: Callable[[str], None] | None = None, years: Sequence[int] | None = None,
               bar: Bar | None = None, as_of: str = "", measure: str = "",
               engine: str = FORK_ENGINE) -> RunOutcome:
    """What ``python -m analysis report`` does (module docstring).

    Parameters
    ----------
    authorities : sequence of str or None
        The ``--authority`` names; ``None`` = every authority (with ``periods``: every one that has
        documents for them).
    periods : sequence of str or None
        The ``--period`` months (``'YYYY-MM'``); ``None`` = each authority's latest.
    out_dir : pathlib.Path
        The reports folder.
    processed_dir : pathlib.Path
        The processed tables.
    raw_dir : pathlib.Path
        The raw files.
    notebooks_dir : pathlib.Path, optional
        The notebooks' folder; ``None`` = the project's.
    only : sequence of str, default ()
        The ``--only`` report names (empty = all).
    extra : dict of str to str, optional
        The ``--param NAME=VALUE`` pairs.
    jobs : int, optional
        Workers; ``None`` = the default.
    timeout : int, default :data:`CELL_TIMEOUT_S`
        Per-cell timeout in seconds.
    dask_scheduler : str, optional
        A Dask scheduler's address to run the jobs on.
    dask_local : int, optional
        Workers of a local Dask cluster to run the jobs on.
    progress : callable, optional
        Receives a line per report done.
    years : sequence of int, optional
        Public-statistics packs (dated when the year was published) for every English authority
        with a figure (or those named), and ``reports/england-YYYY.html`` ranking them.
    bar : analysis.progress.Bar, optional
        Advances a step a report.
    as_of : str, default ""
        ``YYYY-MM``: a hindsight view - the packs asked for, with the statistics published up to
        that month (:mod:`analysis.report.plan`).
    measure : str, default ""
        The England page ranks by that published measure instead
        (:func:`analysis.report.england.write_england_index`); checked before any pack is made.
    engine : str, default :data:`FORK_ENGINE`
        The papermill engine that runs each notebook (:mod:`analysis.report.engine`: a child forked
        from a warm worker, or a Jupyter kernel).

    Returns
    -------
    RunOutcome
        The run's id and its packs.
    """
    say = progress or (lambda message: None)
    from . import pool as pools

    jobs = jobs or pools.cores()
    use_dask = bool(dask_scheduler or dask_local)
    with handled(), _remove_stale_temp():
        clean_debris(out_dir)
        check_periods(periods or ())
        if measure:
            from .england import check_measure

            check_measure(processed_dir, years, measure)
        _, chosen = select_notebooks(notebooks_dir, only)
        packs_hint = len(authorities or ()) * len(periods or years or ()) or jobs
        with _executor(jobs, len(chosen) * packs_hint, dask_scheduler, dask_local, engine) as executor:
            plans = plan_packs(authorities, periods, out_dir=out_dir, processed_dir=processed_dir, raw_dir=raw_dir,
                               only=only, extra=extra, timeout=timeout,
                               notebooks_dir=notebooks_dir, years=years, as_of=as_of)
            pause_point("planned")
            total = sum(len(p.jobs) for p in plans)
            if bar is not None:
                bar.add(total)
            say(f"Report run: {total} notebooks for {len(plans)} pack(s) ({', '.join(p.key for p in plans)}) on "
                + (f"Dask ({dask_scheduler or f'a local cluster of {dask_local}'})" if use_dask
                   else f"{getattr(executor, 'size', jobs)} worker(s)"))
            outcome = run_packs(plans, executor=executor, processed_dir=processed_dir, progress=say, bar=bar,
                                engine=engine)
        if years:
            from .england import write_england_index

            for year in dict.fromkeys(years):
                say(f"England ranking: {write_england_index(out_dir, int(year), processed_dir, measure)}")
        return outcome
