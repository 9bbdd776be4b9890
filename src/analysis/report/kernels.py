"""Kernels that die with their run: started with a parent-death signal in a locked temporary
folder (the ``council-kernel`` engine's, and ``notebooks --refresh``'s).

A process we start calls ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (a kernel between fork and exec, a
worker first thing), so Linux sends it SIGKILL the moment the thread that started it dies -
however the run ends, SIGKILL included.  Kernel sockets and connection files live in a locked
``council-report-kernel-…`` folder of the temporary directory, removed when the kernel is shut
down, or by the next run (:func:`analysis.atomic.remove_stale`) if its owner was killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .. import atomic, paths
from .notebooks import CELL_TIMEOUT_S, KERNEL_NAME, TEMP_PREFIX, clean, read_notebook

__all__ = [
    "KERNEL_ARGUMENTS", "die_with_parent", "kernel_alive", "kernel_folder_base", "kernel_manager",
    "kill_kernel", "kill_started_kernels", "prepare_die_with_parent", "refresh", "set_kernel_folder_base",
    "start_kernel", "stop_kernel",
]

_PR_SET_PDEATHSIG = 1
_SUN_PATH_MAX = 108  # bytes in a Unix socket address (Linux), the final NUL included
_prctl = None


def prepare_die_with_parent() -> None:
    """Look ``prctl`` up now (in the parent), so that a child between fork and exec only calls it."""
    global _prctl
    if _prctl is None and sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        _prctl = libc.prctl


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask Linux to SIGKILL this process when the thread that created it dies.

    Parameters
    ----------
    parent_pid : int, optional
        Exit at once if that parent is already gone (it died before the request).
    """
    prepare_die_with_parent()
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def _die_with_parent_in_child() -> None:  # pragma: no cover - runs in the child between fork and exec
    """``preexec_fn`` of a kernel: only the call (no import, no lookup: another thread of the
    parent may have held a lock when it forked)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)


#: IPython's input history off: a report's cells are not the user's history (nothing is written to
#: ``~/.ipython``), and saving each cell to its SQLite file took about 7% of a kernel's time.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


def _kernel_manager_class():
    """:class:`CouncilKernelManager`, defined on first use (jupyter_client is imported then)."""
    global CouncilKernelManager
    if CouncilKernelManager is None:
        from jupyter_client.manager import AsyncKernelManager

        class _CouncilKernelManager(AsyncKernelManager):
            """jupyter_client's asynchronous kernel manager, whose kernel: talks over IPC sockets in
            a locked ``council-report-kernel-…`` folder of the temporary directory (local TCP where
            the socket path would be too long); receives SIGKILL when the thread that started it
            dies (``prctl(PR_SET_PDEATHSIG)``); runs with IPython's history off; keeps its own
            diagnostics (stderr) off the caller's terminal.  The folder is removed with the kernel
            (:meth:`cleanup_resources`), or by the next run if its owner was killed.

            A configurable class, so nbclient and papermill build it themselves
            (``kernel_manager_class``: see :mod:`analysis.report.engine`)."""

            def __init__(self, folder: Path | None = None, **kwargs):
                owns = folder is None
                if folder is None:
                    folder = atomic.staging_dir(kernel_folder_base(), TEMP_PREFIX + "kernel-")
                ipc = Path(folder) / "ipc"
                if len(os.fsencode(str(ipc))) + 3 < _SUN_PATH_MAX:
                    kwargs.setdefault("transport", "ipc")
                    kwargs.setdefault("ip", str(ipc))
                else:  # a socket path too long for the system (a deep temporary directory)
                    kwargs.setdefault("transport", "tcp")
                    kwargs.setdefault("ip", "127.0.0.1")
                kwargs.setdefault("connection_file", str(Path(folder) / "kernel.json"))
                super().__init__(**kwargs)
                self.folder, self.owns_folder = Path(folder), owns

            async def start_kernel(self, **kw):
                prepare_die_with_parent()
                kw.setdefault("stderr", subprocess.DEVNULL)
                kw["env"] = {**(kw.get("env") or os.environ), "TMPDIR": str(self.folder)}
                kw.setdefault("preexec_fn", _die_with_parent_in_child)
                extra = list(kw.get("extra_arguments") or [])
                kw["extra_arguments"] = extra + [a for a in KERNEL_ARGUMENTS if a not in extra]
                _WORKER.setdefault("kernels", {})[id(self)] = self
                return await super().start_kernel(**kw)

            # jupyter_client annotates KernelManager.cleanup_resources as sync; AsyncKernelManager's is async
            async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
                await super().cleanup_resources(restart=restart)
                if not restart:
                    _WORKER.get("kernels", {}).pop(id(self), None)
                    if self.owns_folder:
                        atomic.discard(self.folder)

        CouncilKernelManager = _CouncilKernelManager
    return CouncilKernelManager


CouncilKernelManager = None  # the class, once :func:`_kernel_manager_class` has defined it


def start_kernel(folder: Path, cwd: Path, kernel_name: str = KERNEL_NAME):
    """A started kernel whose sockets and connection file live in ``folder``.

    See :class:`CouncilKernelManager`: no kernel outlives a killed worker or run, no TCP ports to race
    for, no 'running over TCP without encryption' warning.

    The manager is jupyter_client's *asynchronous* one (driven here with ``run_sync``): with it,
    nbclient waits for output without blocking its event loop, so a kernel that dies in the middle
    of a notebook (the out-of-memory killer) is noticed and reported instead of waited for.

    Parameters
    ----------
    folder : pathlib.Path
        Where the kernel's sockets and connection file go.
    cwd : pathlib.Path
        The kernel's working directory.
    kernel_name : str, default :data:`KERNEL_NAME`
        The Jupyter kernel.

    Returns
    -------
    CouncilKernelManager
        The manager of the started kernel.
    """
    from jupyter_core.utils import run_sync

    km = _kernel_manager_class()(folder=folder, kernel_name=kernel_name)
    run_sync(km.start_kernel)(cwd=str(cwd))
    return km


def kill_kernel(km) -> None:
    """SIGKILL to the kernel's process group (it runs in its own session), without talking to it.

    Parameters
    ----------
    km : CouncilKernelManager
        A kernel's manager (:func:`start_kernel`).
    """
    pgid = getattr(km.provisioner, "pgid", None) or getattr(km.provisioner, "pid", None)
    if pgid is not None:
        with contextlib.suppress(OSError, TypeError):
            os.killpg(pgid, signal.SIGKILL)
    process = getattr(km.provisioner, "process", None)
    if process is not None:
        with contextlib.suppress(Exception):  # reaped here: a long-lived process keeps no zombie
            process.wait(timeout=5)


def stop_kernel(km) -> None:
    """Shut a healthy kernel down (it is asked to exit, then killed).

    Parameters
    ----------
    km : CouncilKernelManager
        A kernel's manager (:func:`start_kernel`).
    """
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        kill_kernel(km)


def kernel_alive(km) -> bool:
    """Whether the manager has a kernel and it is alive.

    Parameters
    ----------
    km : CouncilKernelManager
        A kernel's manager (:func:`start_kernel`).

    Returns
    -------
    bool
        True while the kernel runs.
    """
    from jupyter_core.utils import run_sync

    return bool(km.has_kernel and run_sync(km.is_alive)())


@contextlib.contextmanager
def kernel_manager(kernel_name: str = KERNEL_NAME, cwd: Path | None = None):
    """A started kernel in a locked temporary folder named ``council-report-kernel-…``.

    See :func:`start_kernel`.  The kernel is shut down and the folder removed on exit, and a run
    killed before that leaves a folder that the next run removes.

    Parameters
    ----------
    kernel_name : str, default :data:`KERNEL_NAME`
        The Jupyter kernel.
    cwd : pathlib.Path, optional
        The kernel's working directory; ``None`` = the current one.

    Yields
    ------
    CouncilKernelManager
        The kernel's manager.
    """
    folder = atomic.staging_dir(Path(tempfile.gettempdir()), TEMP_PREFIX + "kernel-")
    km = None
    try:
        km = start_kernel(folder, cwd or paths.notebooks_dir(), kernel_name)
        yield km
    finally:
        if km is not None and km.has_kernel:
            stop_kernel(km)
        atomic.discard(folder)


# ------------------------------------------------------------------------- kernels of a worker

_WORKER: dict = {}  # this worker process's folder for kernels' sockets, and the kernels it started


def set_kernel_folder_base(base: str) -> None:
    """Where this worker makes its kernels' folders.

    Beside its own temporary folder, not inside it: a Unix socket path must stay under 108 bytes.

    Parameters
    ----------
    base : str
        The folder.
    """
    _WORKER["temp"] = base


def kernel_folder_base() -> Path:
    """Where this worker makes its kernels' folders (:func:`set_kernel_folder_base`).

    Returns
    -------
    pathlib.Path
        The folder set, else the system's temporary folder.
    """
    return Path(_WORKER.get("temp") or tempfile.gettempdir())


def kill_started_kernels() -> None:
    """SIGKILL to every kernel this process started and has not shut down, and their folders
    removed: a worker told to stop in the middle of a notebook does not wait for its kernel
    (whose event loop may still hold the interrupted execution)."""
    for km in list(_WORKER.pop("kernels", {}).values()):
        if km.has_kernel:
            kill_kernel(km)
        if km.owns_folder:
            atomic.discard(km.folder)


def refresh(path: Path, *, timeout: int = CELL_TIMEOUT_S) -> None:
    """Re-execute a notebook in place with its default parameters.

    The committed outputs nbval compares against; execution metadata that changes on every run is
    dropped.

    Parameters
    ----------
    path : pathlib.Path
        The notebook.
    timeout : int, default :data:`CELL_TIMEOUT_S`
        Per-cell timeout in seconds.
    """
    from nbclient import NotebookClient

    nb = read_notebook(path)
    with kernel_manager(cwd=path.parent) as km:
        client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, km=km,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    clean(nb)
    nbformat.write(nb, path)
