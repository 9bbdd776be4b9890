"""The worker pool that runs report jobs, and the Dask executor for batches over a cluster.

**A dead worker fails only its own job.**  :class:`concurrent.futures.ProcessPoolExecutor`
breaks as a whole when one worker dies (every pending job fails with ``BrokenProcessPool`` and
none is named).  :class:`WorkerPool` knows which job each worker holds: when the system kills a
worker (the out-of-memory killer sends SIGKILL), that job's future fails with
:class:`WorkerDied` and a new worker takes the remaining jobs.

**Nothing outlives its run.**  Workers are started from the pool's own thread and ask for a
parent-death signal (:func:`analysis.report.kernels.die_with_parent`), so they - and through
them the children (or kernels) running their notebooks - get SIGKILL when the run dies, SIGKILL
included.  They run in their own session: a Ctrl-C at the terminal reaches only the run, which
stops them in order (SIGTERM: a worker kills the child running its notebook and exits).  A
worker's temporary files (multiprocessing's ``pymp-*`` included) live in a locked
``council-report-worker-…`` folder.

**Warm from the start.**  A worker imports papermill, nbconvert, pandas, matplotlib and the
analysis package, makes IPython's shell and draws a chart as soon as it is created
(:func:`analysis.report.template.warm_worker`): it is the warm template from which the
``council-fork`` engine forks a child for each notebook.  A pool created before planning warms
up while the run plans.
"""

from __future__ import annotations

import _thread
import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from .kernels import die_with_parent, kill_started_kernels, set_kernel_folder_base
from .notebooks import TEMP_PREFIX

__all__ = ["PoolStopped", "WorkerDied", "WorkerPool", "cores", "dask_executor"]


def cores() -> int:
    """The report run's default number of workers: one per core this process may run on.

    Its CPU affinity (what ``taskset`` or a container's cpuset allows), where the system says;
    otherwise every core of the machine.

    Returns
    -------
    int
        At least 1.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by the fault tests
    raise SystemExit(128 + signum)


def _sigterm_again_soon() -> None:
    time.sleep(0.05)  # let the callback and the hook end first
    os.kill(os.getpid(), signal.SIGTERM)


def _redeliver_sigterm(unraisable) -> None:
    """``sys.unraisablehook`` in a worker: SIGTERM arriving while Python runs a callback it cannot
    pass exceptions out of (a weakref callback - matplotlib keeps its text measurements in a
    ``WeakKeyDictionary`` - or a ``__del__``) raises :func:`_on_sigterm`'s ``SystemExit`` there,
    where Python would print it as "Exception ignored" and go on running.  The signal is sent again
    instead, silently, so the worker stops as it would have."""
    if isinstance(unraisable.exc_value, SystemExit):
        _thread.start_new_thread(_sigterm_again_soon, ())  # returns at once: this hook ends before it fires
        return
    sys.__unraisablehook__(unraisable)


def _quiet_notebook_logs() -> None:
    """nbclient's and papermill's log silenced in a worker: a notebook's errors come back as
    results, named by report."""
    for name in ("traitlets", "papermill"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _stop_notebooks() -> None:
    """Kill whatever runs a notebook for this worker: forked children and kernels."""
    from .forked import shutdown_all

    shutdown_all()
    kill_started_kernels()


def _worker_main(conn, parent_pid: int, warm: bool, template: bool = True) -> None:
    """A worker process: take jobs ``(fn, args)`` from ``conn`` until told to stop (``None``) or
    the run is gone; reply ``(True, result)`` or ``(False, exception)``.  ``warm``: warm up first
    (``template``: as the ``council-fork`` engine's template)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setsid()
    die_with_parent(parent_pid)
    set_kernel_folder_base(tempfile.gettempdir())
    folder = atomic.staging_dir(Path(tempfile.gettempdir()), TEMP_PREFIX + "worker-")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.unraisablehook = _redeliver_sigterm
    _quiet_notebook_logs()
    try:
        if warm:
            from .template import warm_worker

            try:
                warm_worker(template=template)
            except Exception:  # a worker that cannot warm up still runs jobs: the first one says what fails
                pass
        while True:
            message = conn.recv()
            if message is None:
                break
            fn, args = message
            try:
                reply = (True, fn(*args))
            except Exception as exc:  # returned to the run, which decides what it means
                reply = (False, _portable(exc))
            conn.send(reply)
    except (EOFError, OSError, KeyboardInterrupt, SystemExit):
        pass  # the run is gone or stopping
    finally:
        _stop_notebooks()
        atomic.discard(folder)


def _portable(exc: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


# ------------------------------------------------------------------------------------ the pool


class WorkerDied(RuntimeError):
    """The worker process running a job died (killed by the system, or crashed)."""

    def __init__(self, pid: int, exitcode: int | None):
        self.pid, self.exitcode = pid, exitcode
        super().__init__(str(self))

    def __str__(self) -> str:
        code = self.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            why = " (the system's out-of-memory killer sends SIGKILL)" if -code == signal.SIGKILL else ""
            return f"its worker process (pid {self.pid}) was killed by {name}{why}"
        return f"its worker process (pid {self.pid}) exited unexpectedly (status {code})"


class PoolStopped(RuntimeError):
    """The run stopped the pool before the job finished."""


@dataclass
class _Task:
    future: cf.Future
    fn: Callable
    args: tuple


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: multiprocessing.connection.Connection
    task: _Task | None = None
    stopping: bool = False


@dataclass
class _State:
    pending: deque = field(default_factory=deque)
    workers: list = field(default_factory=list)
    closing: bool = False
    terminating: bool = False


class WorkerPool:
    """A ``concurrent.futures``-style executor (``submit``, ``shutdown``) of ``size`` worker
    processes, warm (``template``: as the ``council-fork`` engine's templates), started at once
    (module docstring)."""

    def __init__(self, size: int, *, warm: bool = True, template: bool = True):
        self.size = max(1, size)
        self._warm, self._template = warm, template
        self._state = _State()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)
        self._context = multiprocessing.get_context("spawn")  # a fresh interpreter: no copied threads or sockets
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="report-worker-pool", daemon=True)
        self._thread.start()
        self._started.wait()

    # -- public
    def submit(self, fn: Callable, /, *args) -> cf.Future:
        future: cf.Future = cf.Future()
        with self._lock:
            if self._state.closing:
                raise RuntimeError("the worker pool has been shut down")
            self._state.pending.append(_Task(future, fn, args))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._state.closing = True
            if cancel_futures:
                for task in self._state.pending:
                    task.future.cancel()
                self._state.pending.clear()
        self._wake()
        if wait:
            self._thread.join()

    def terminate(self, grace: float = 5.0) -> None:
        """Stop now: pending jobs are cancelled, running ones fail with :class:`PoolStopped`,
        workers get SIGTERM (each shuts its kernel down) and, after ``grace`` seconds, SIGKILL."""
        with self._lock:
            self._state.closing = self._state.terminating = True
            self._grace = grace
        self._wake()
        self._thread.join()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._state.workers if w.process.pid]

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.shutdown()
        else:
            self.terminate()

    # -- the pool's thread
    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send_bytes(b"!")

    def _spawn(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, os.getpid(), self._warm, self._template),
                                        name="report-worker", daemon=False)
        process.start()  # from this thread: the worker's parent-death signal is tied to it
        child.close()
        self._state.workers.append(_Worker(process, parent))

    def _dispatch(self) -> None:
        state = self._state
        for worker in state.workers:
            while worker.task is None and not worker.stopping and state.pending:
                task = state.pending.popleft()
                if not task.future.set_running_or_notify_cancel():
                    continue
                try:
                    worker.conn.send((task.fn, task.args))
                except (OSError, ValueError):  # died meanwhile: its sentinel reports it
                    pass
                worker.task = task
        live = [w for w in state.workers if not w.stopping]
        if state.pending and len(live) < self.size and not state.terminating:
            self._spawn()
            self._dispatch()

    def _loop(self) -> None:
        try:
            for _ in range(self.size):
                self._spawn()
        finally:
            self._started.set()
        try:
            while True:
                with self._lock:
                    state = self._state
                    if state.terminating:
                        break
                    self._dispatch()
                    if state.closing and not state.pending and all(w.task is None for w in state.workers):
                        break
                    workers = list(state.workers)
                waitables = [self._wake_r] + [w.conn for w in workers] + [w.process.sentinel for w in workers]
                ready = multiprocessing.connection.wait(waitables)
                with self._lock:
                    if self._wake_r in ready:
                        while self._wake_r.poll():
                            self._wake_r.recv_bytes()
                    for worker in workers:
                        if worker.conn in ready:
                            self._receive(worker)
                        if worker.process.sentinel in ready:
                            self._bury(worker)
        finally:
            self._stop_workers()

    def _receive(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                ok, value = worker.conn.recv()
                task, worker.task = worker.task, None
                if task is not None:
                    (task.future.set_result if ok else task.future.set_exception)(value)
        except (EOFError, OSError):
            pass  # dead: the sentinel follows

    def _bury(self, worker: _Worker) -> None:
        self._receive(worker)  # a result sent just before dying still counts
        worker.process.join(0.5)
        if worker.task is not None:
            assert worker.process.pid is not None  # it was started
            worker.task.future.set_exception(WorkerDied(worker.process.pid, worker.process.exitcode))
            worker.task = None
        worker.conn.close()
        self._state.workers.remove(worker)

    def _stop_workers(self) -> None:
        with self._lock:
            state = self._state
            for task in state.pending:
                task.future.cancel()
            state.pending.clear()
            workers = list(state.workers)
            terminating = state.terminating
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                if terminating:
                    worker.process.terminate()
                else:
                    worker.conn.send(None)
        for worker in workers:
            worker.process.join(getattr(self, "_grace", 30.0))
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            if worker.task is not None and not worker.task.future.done():
                worker.task.future.set_exception(PoolStopped("the run was stopped before this report finished"))
            worker.conn.close()
        with self._lock:
            state.workers.clear()


# ------------------------------------------------------------------------------------ Dask


def _dask_worker_setup(dask_worker, template: bool = True) -> None:
    """On each Dask worker, before the run's jobs: kernels' folders go in the worker's own local
    directory (a local cluster's is inside the run's temporary folder), the notebook logs are
    quiet as on the pool, and (``template``) the worker warms up as the ``council-fork``
    engine's template, as a pool worker does."""
    set_kernel_folder_base(dask_worker.local_directory)  # ``Client.run`` passes the worker by this name
    _quiet_notebook_logs()
    if template:
        from .template import is_template, warm_worker

        if not is_template():
            warm_worker(template=True)


def _dask_worker_teardown() -> None:
    """On each Dask worker after the run: any child or kernel still running a notebook is killed
    (a long-lived cluster's workers outlive the run; a local cluster's die with it, and their
    children by parent-death signal)."""
    _stop_notebooks()


@contextlib.contextmanager
def dask_executor(scheduler: str | None, local: int | None, template: bool = True) -> Iterator[cf.Executor]:
    """A ``concurrent.futures`` executor backed by Dask.

    A scheduler address or a LocalCluster of ``local`` single-threaded worker processes, which exit
    when this process dies.  Each Dask worker is a warm template for the run's notebooks
    (``template``), as a pool worker is.

    Parameters
    ----------
    scheduler : str or None
        A Dask scheduler's address.
    local : int or None
        Workers of a local cluster (when no ``scheduler``).
    template : bool, default True
        Make each worker a warm template.

    Yields
    ------
    concurrent.futures.Executor
        The executor; the cluster and client are closed on exit.

    Raises
    ------
    ReportError
        When Dask is not installed.
    """
    from ..errors import ReportError

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ReportError("Dask is not installed: pip install 'council-finance-analysis[dask]'") from None
    import dask

    folder = atomic.staging_dir(Path(tempfile.gettempdir()), TEMP_PREFIX + "dask-")
    cluster = client = None
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(dask.config.set({"temporary-directory": str(folder)}))  # no dask-scratch-space
        if local:
            cluster = LocalCluster(n_workers=local, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address="127.0.0.1:0",  # a free local port: no clash, no warning
                                   local_directory=str(folder))
        client = Client(cluster if cluster is not None else scheduler)
        client.run(_dask_worker_setup, template=template)
        yield client.get_executor(pure=False)
    finally:
        if client is not None:
            with contextlib.suppress(Exception):  # workers that are gone took their kernels with them
                client.run(_dask_worker_teardown)
            client.close()
        if cluster is not None:
            cluster.close()
        stack.close()
        atomic.discard(folder)
