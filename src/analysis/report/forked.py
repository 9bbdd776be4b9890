"""Notebooks run in a child forked from this process: the kernel manager and client the
``council-fork`` papermill engine hands to nbclient.

A worker process is the *template*: it has imported papermill, nbconvert, pandas, matplotlib and
the analysis package, made IPython's shell, measured its fonts and loaded the run's tables once
(:func:`warm_template`).  For each notebook it forks a child (``os.fork``: a few milliseconds, the
template's memory shared copy-on-write) that runs the notebook's cells in IPython's shell with an
empty user namespace (:mod:`analysis.report.child`) and exits.  nbclient drives the child as it
would a kernel - :class:`ForkKernelManager` and :class:`ForkKernelClient` implement the part of
jupyter_client's interface nbclient uses, over a pipe instead of ZMQ sockets - so the cell
timeout, a dead child (``DeadKernelError``), a failing cell and the outputs it records are
nbclient's own.

A child dies with the process that forked it (``prctl(PR_SET_PDEATHSIG)``), runs in a session of
its own (a Ctrl-C at the terminal reaches the run, which stops it) and is killed, not asked, when
its notebook failed or timed out: whatever it did to its interpreter goes with it.

One thing comes back from a child that ends its notebook: the texts its charts measured (widths in
pixels, :class:`~analysis.presentation.chart_text.ChartRenderer`), made while the fonts were chosen
as in the template - facts about the font files, the same in any process - so that the next child
finds them measured.  They travel in a file in the template's temporary folder, read once the
child has exited.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import select
import signal
import sys
import tempfile
import time
import uuid
from collections import deque
from queue import Empty
from typing import Any

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session, json_unpacker

from .kernels import die_with_parent, prepare_die_with_parent

__all__ = [
    "Channel", "Child", "ForkKernelClient", "ForkKernelManager", "INLINE_BACKEND", "Inbox", "SHUTDOWN_WAIT_S",
    "fork_child", "live_children", "shutdown_all",
]

_LIVE: dict[int, Child] = {}  # children this process forked and has not reaped yet
SHUTDOWN_WAIT_S = 5.0  # an idle child asked to exit gets this long before SIGKILL
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # ipykernel's default matplotlib backend


class Child:
    """A forked child and the parent's end of its pipe."""

    def __init__(self, pid: int, conn):
        self.pid, self.conn = pid, conn
        self.status: int | None = None  # os.waitpid's status once reaped
        self.inbox = Inbox(conn)
        self.measured = os.path.join(tempfile.gettempdir(), f"council-measured-{uuid.uuid4().hex}.pickle")

    def alive(self) -> bool:
        if self.status is None and not self.inbox.closed:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self._reaped(status)
        return self.status is None and not self.inbox.closed

    def send(self, msg: dict) -> None:
        try:
            self.conn.send(msg)
        except (OSError, ValueError):
            pass  # dead: nbclient finds out through is_alive

    def stop(self, *, kill: bool) -> None:
        """End the child: asked to exit (an idle child), else - or if it has not exited within
        :data:`SHUTDOWN_WAIT_S` - SIGKILL; reaped either way."""
        if self.status is not None:  # reaped already (it died): nothing of it is kept
            _learn_measurements(self.measured, keep=False)
            return
        if not kill and not self.inbox.closed:
            self.send(Session().msg("shutdown_request", {"restart": False}))
            if self._wait(SHUTDOWN_WAIT_S):
                _learn_measurements(self.measured)
                return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._wait(None)
        _learn_measurements(self.measured, keep=False)

    def _wait(self, timeout: float | None) -> bool:
        """Reap the child, waiting up to ``timeout`` seconds (``None``: as long as it takes)."""
        if timeout is not None and not _exits_within(self.pid, timeout):
            return False
        try:
            status = os.waitpid(self.pid, 0)[1]
        except ChildProcessError:  # reaped elsewhere
            status = 0
        self._reaped(status)
        return True

    def _reaped(self, status: int) -> None:
        self.status = status
        _LIVE.pop(self.pid, None)
        with contextlib.suppress(OSError):
            self.conn.close()


def _exits_within(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (our child) has exited, waiting up to ``timeout`` seconds for it
    (a pidfd becomes readable when it exits)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): look every few milliseconds
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
            time.sleep(0.005)
        return False
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


class Inbox:
    """Messages from a child, sorted into its shell and IOPub channels as they are read; read
    without blocking nbclient's event loop (the pipe is watched with ``loop.add_reader``)."""

    def __init__(self, conn):
        self.conn = conn
        self.queues: dict[str, deque] = {"shell": deque(), "iopub": deque()}
        self.closed = False
        self.busy = 0  # requests sent and not yet answered
        self._ready: asyncio.Future | None = None

    def _drain(self) -> None:
        """Read every message waiting in the pipe into its channel's queue.  Whoever waits on the
        other channel is woken too (:meth:`_wake`): the pipe read empty here may hold its message
        no longer, and the readiness it waits for would never come."""
        read = 0
        try:
            while not self.closed and self.conn.poll():
                channel, header, parent, metadata, content = self.conn.recv()
                msg = {"header": header, "msg_id": header["msg_id"], "msg_type": header["msg_type"],
                       "parent_header": parent, "metadata": metadata, "content": json_unpacker(content),
                       "buffers": []}
                if channel == "shell":
                    self.busy = max(0, self.busy - 1)
                self.queues[channel].append(msg)
                read += 1
        except (EOFError, OSError):
            self.closed = True
            read += 1
        if read:
            self._wake()

    def _wake(self) -> None:
        """End the current wait for the pipe (every channel's), if any."""
        ready = self._ready
        if ready is not None and not ready.done():
            with contextlib.suppress(Exception):  # the pipe closed: its reader went with it
                ready.get_loop().remove_reader(self.conn.fileno())
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
                ready.set_result(None)

    def _readable(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        """A future done when the pipe has something to read (shared by the channels' waits)."""
        ready = self._ready
        if ready is None or ready.done() or ready.get_loop() is not loop:
            ready = self._ready = loop.create_future()
            fd = self.conn.fileno()

            def wake() -> None:
                loop.remove_reader(fd)
                if not ready.done():
                    ready.set_result(None)

            loop.add_reader(fd, wake)
        return ready

    async def get(self, channel: str, timeout: float | None) -> dict:
        """The next message of ``channel``; :class:`queue.Empty` after ``timeout`` seconds (as
        jupyter_client's channels), or at once when the child has gone and a timeout was given."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            self._drain()
            if self.queues[channel]:
                return self.queues[channel].popleft()
            if self.closed:
                if deadline is None:
                    await loop.create_future()  # nbclient's liveness check ends this wait
                raise Empty
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                raise Empty
            try:
                await asyncio.wait_for(asyncio.shield(self._readable(loop)), remaining)
            except TimeoutError:
                self._drain()
                if self.queues[channel]:  # came as the time ran out
                    return self.queues[channel].popleft()
                raise Empty from None


class Channel:
    """One of a :class:`ForkKernelClient`'s channels (``get_msg`` as jupyter_client's)."""

    def __init__(self, child: Child, name: str):
        self.child, self.name = child, name

    async def get_msg(self, timeout: float | None = None) -> dict:
        return await self.child.inbox.get(self.name, timeout)

    def is_alive(self) -> bool:
        return self.child.alive()


class ForkKernelClient:
    """What nbclient asks of a kernel client, for a forked child."""

    def __init__(self, child: Child):
        self.child = child
        self.session = Session()
        self.shell_channel, self.iopub_channel = Channel(child, "shell"), Channel(child, "iopub")
        self.allow_stdin = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        return None

    def stop_channels(self) -> None:
        return None

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        return None

    def is_alive(self) -> bool:
        return self.child.alive()

    def _request(self, msg_type: str, content: dict) -> str:
        msg = self.session.msg(msg_type, content)
        self.child.inbox.busy += 1
        self.child.send(msg)
        return msg["header"]["msg_id"]

    def execute(self, code: str, silent: bool = False, store_history: bool = True,
                user_expressions: dict | None = None, allow_stdin: bool | None = None,
                stop_on_error: bool = True) -> str:
        return self._request("execute_request", {
            "code": code, "silent": silent, "store_history": store_history,
            "user_expressions": user_expressions or {}, "allow_stdin": False, "stop_on_error": stop_on_error})

    def kernel_info(self) -> str:
        return self._request("kernel_info_request", {})


def _kernel_manager_class():
    return ForkKernelManager


class ForkKernelManager(KernelManager):
    """jupyter_client's kernel manager interface over a child forked from this process: nbclient
    builds it (``kernel_manager_class``), starts it, asks it whether the child lives, interrupts
    it (SIGINT: ``KeyboardInterrupt`` in the cell, as in a kernel) and shuts it down."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.child: Child | None = None

    @property
    def has_kernel(self) -> bool:
        return self.child is not None and self.child.status is None

    def start_kernel(self, **kwargs: Any) -> None:
        cwd = kwargs.get("cwd") or os.getcwd()
        self.child = fork_child()
        self.child.send({"cwd": str(cwd), "measured": self.child.measured})

    # jupyter_client annotates client() as BlockingKernelClient, though it returns its configurable
    # client_factory's class (AsyncKernelManager's returns an AsyncKernelClient); nbclient uses the
    # channels and methods ForkKernelClient has
    def client(self, **kwargs: Any) -> ForkKernelClient:  # type: ignore[override]
        assert self.child is not None, "start_kernel first"
        return ForkKernelClient(self.child)

    def is_alive(self) -> bool:
        return self.child is not None and self.child.alive()

    def interrupt_kernel(self) -> None:
        if self.child is not None and self.child.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        if self.child is not None:
            self.child.stop(kill=now or self.child.inbox.busy > 0)  # a child mid-cell is not waited for

    def cleanup_resources(self, restart: bool = False) -> None:
        return None

    def restart_kernel(self, now: bool = False, newports: bool = False, **kw: Any) -> None:
        raise NotImplementedError("a forked child is not restarted: run the notebook again")


# ------------------------------------------------------------------------------ forking


def fork_child() -> Child:
    """Fork a child that will serve one notebook once it has received its working directory.

    The child runs :func:`analysis.report.child.serve`.

    Returns
    -------
    Child
        The child's pid and the parent's end of its pipe.
    """
    prepare_die_with_parent()
    ours, theirs = multiprocessing.Pipe(duplex=True)
    parent = os.getpid()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
        with contextlib.suppress(Exception):
            stream.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
        code = 1
        try:
            ours.close()
            _become_child(parent)
            start = theirs.recv()
            _enter(start["cwd"])
            _record_measurements()
            from .child import serve

            serve(theirs)
            _share_measurements(start.get("measured"))
            code = 0
        finally:
            os._exit(code)
    theirs.close()
    child = Child(pid, ours)
    _LIVE[pid] = child
    return child


def _become_child(parent: int) -> None:  # pragma: no cover - runs in the child
    """A child's first steps: SIGKILL when its parent's forking thread dies; a session of its own;
    SIGINT interrupts a cell (as a kernel's), SIGTERM ends it; stdin from /dev/null and file
    descriptors 1 and 2 kept off the terminal (a kernel's diagnostics are, too); random state
    seeded afresh (as a new interpreter's)."""
    die_with_parent(parent)
    with contextlib.suppress(OSError):
        os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    _LIVE.clear()  # the template's other children are not this one's
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _enter(cwd: str) -> None:  # pragma: no cover - runs in the child
    """Into the notebook's folder, which is first on ``sys.path`` (as for a kernel started there),
    with matplotlib's inline backend the default, as ipykernel makes it."""
    os.chdir(cwd)
    sys.path.insert(0, cwd)
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].switch_backend(INLINE_BACKEND)
        elif "matplotlib" in sys.modules:
            sys.modules["matplotlib"].rcParams["backend"] = INLINE_BACKEND


def _record_measurements() -> None:  # pragma: no cover - runs in the child
    """The child keeps the texts it measures (module docstring)."""
    chart_text = sys.modules.get("analysis.presentation.chart_text")
    if chart_text is not None:
        chart_text.ChartRenderer.record()


def _share_measurements(path: str | None) -> None:  # pragma: no cover - runs in the child
    """The child, at the end of its notebook, writes what it measured to ``path`` (whole or not at all)."""
    chart_text = sys.modules.get("analysis.presentation.chart_text")
    measured = chart_text.ChartRenderer.recorded() if chart_text is not None else []
    if not path or not measured:
        return
    with contextlib.suppress(Exception):  # nothing to share is no error
        with open(path + ".part", "wb") as f:
            pickle.dump(measured, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(path + ".part", path)


def _learn_measurements(path: str, *, keep: bool = True) -> None:
    """The template keeps what an exited child measured (``keep``), and removes its file."""
    try:
        if keep and os.path.exists(path):
            with open(path, "rb") as f:
                measured = pickle.load(f)
            from ..presentation.chart_text import ChartRenderer

            ChartRenderer.learn(measured)
    except Exception:  # a file that cannot be read only means texts measured again
        pass
    finally:
        for leftover in (path, path + ".part"):
            with contextlib.suppress(OSError):
                os.remove(leftover)


def shutdown_all() -> None:
    """Kill and reap every child this process forked (a worker that is stopping)."""
    for child in list(_LIVE.values()):
        child.stop(kill=True)


def live_children() -> list[int]:
    """The process ids of the children this process forked and has not reaped yet.

    Returns
    -------
    list of int
        Their pids.
    """
    return list(_LIVE)
