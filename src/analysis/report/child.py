"""The kernel a forked child runs: IPython's shell in this process, answering the Jupyter
messages nbclient sends over a pipe instead of ZMQ sockets.

A report's child (:mod:`analysis.report.forked`) serves one notebook: ``execute_request``,
``kernel_info_request`` and ``shutdown_request``, with the replies and IOPub messages an
ipykernel kernel sends (``status`` busy and idle, ``execute_input``, ``stream``,
``display_data``, ``execute_result``, ``error``, ``execute_reply``).  The outputs are made by
ipykernel's own code - :class:`~ipykernel.zmqshell.ZMQInteractiveShell`, its display hook, display
publisher and traceback handler - given a :class:`jupyter_client.session.Session` whose ``send``
writes to the pipe; each message's content is serialised as jupyter_client serialises it for the
wire.  So nbclient, which reads these messages through
:class:`~analysis.report.forked.ForkKernelClient`, records the outputs it would record from a
kernel: ``display_data`` with its metadata, ``execute_result`` with its execution count,
``stream``, ``error`` with its traceback.

Where a kernel differs, and why:

* text a cell writes to ``sys.stdout``/``sys.stderr`` is sent when it is flushed - before any
  display, error or result and at the end of the cell (so a fast cell's text is one output, as a
  kernel gives it) - not every 0.2 s while a long cell runs;
* what is written to file descriptors 1 and 2 directly (a C library, a subprocess started
  without capturing its output) is not captured;
* IPython's startup files and profile configuration are not run; history is off, as in the
  project's kernels;
* GUI event loops: ``%matplotlib inline`` works (and is the default backend, as in a kernel);
  other loops are refused.
"""

from __future__ import annotations

import builtins
import getpass
import io
import sys
from typing import Any

from ipykernel.compiler import XCachingCompiler
from ipykernel.ipkernel import IPythonKernel
from ipykernel.jsonutil import json_clean
from ipykernel.zmqshell import ZMQInteractiveShell
from IPython.core.error import StdinNotImplementedError, UsageError
from jupyter_client.session import Session, extract_header
from traitlets.config import Config

__all__ = [
    "ForkedShell", "IOPUB", "Kernel", "OutStream", "PipeSession", "SHELL", "SHELL_CONFIG",
    "forget_other_shells", "serve", "shell",
]

IOPUB, SHELL = "iopub", "shell"
#: as in the project's kernels (analysis.report.kernels.KERNEL_ARGUMENTS): a report's cells are not
#: the user's history, and nothing is written to ~/.ipython
SHELL_CONFIG = {"HistoryManager": {"enabled": False}}


class PipeSession(Session):
    """A session whose ``send`` writes the message to a pipe: ``(channel, header, parent_header,
    metadata, content)`` with the content serialised as :meth:`Session.pack` does for the wire.

    It keeps the last ``error`` message it sent (:attr:`last_error`) and whether the shell's display
    hook was formatting a result when it was sent (:attr:`error_in_displayhook`): what a kernel's
    ``execute_reply`` reports, read here from the messages themselves rather than from the shell's
    private ``_last_traceback`` attributes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conn = None
        self.displayhook: Any = None  # the shell's display hook, set by the Kernel
        self.last_error: dict | None = None
        self.error_in_displayhook = False

    def forget_errors(self) -> None:
        """Before a cell: no error sent yet."""
        self.last_error, self.error_in_displayhook = None, False

    def send(self, stream, msg_or_type, content=None, parent=None, ident=None, buffers=None, track=False,
             header=None, metadata=None):
        msg = msg_or_type if isinstance(msg_or_type, dict) else self.msg(
            msg_or_type, content=content, parent=parent, header=header, metadata=metadata)
        if msg["header"]["msg_type"] == "error":
            self.last_error = msg["content"]
            # as ipykernel: an error raised while the display hook formats a cell's result fails the cell
            self.error_in_displayhook |= getattr(self.displayhook, "msg", None) is not None
        if self.conn is not None:
            self.conn.send((stream, msg["header"], msg["parent_header"], msg["metadata"],
                            self.pack(msg["content"])))
        return msg


class ForkedShell(ZMQInteractiveShell):
    """ipykernel's shell without a kernel object: the inline matplotlib backend only."""

    def enable_gui(self, gui=None):
        if gui not in (None, "inline"):
            raise UsageError(f"the council-fork engine runs no {gui} event loop; use %matplotlib inline")
        self.active_eventloop = gui


class OutStream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` of a child: text is kept until flushed, then sent as one
    ``stream`` message (module docstring)."""

    def __init__(self, name: str, session: PipeSession):
        super().__init__()
        self.name, self.session = name, session
        self._parts: list[str] = []
        self._parent: dict = {}

    encoding = "UTF-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("fileno")

    def set_parent(self, parent: dict) -> None:
        self._parent = extract_header(parent)

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._parts.append(text)
        return len(text)

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts)
            self._parts.clear()
            self.session.send(IOPUB, "stream", {"name": self.name, "text": text}, parent=self._parent)


def shell() -> ForkedShell:
    """This process's shell, made once.

    A worker makes it while it warms up, so that every child it forks starts with the shell made
    and an empty user namespace.

    Returns
    -------
    ForkedShell
        The process's shell (IPython's singleton).
    """
    if ForkedShell.initialized():
        return ForkedShell.instance()
    return ForkedShell.instance(config=Config(SHELL_CONFIG), compiler_class=XCachingCompiler)


def forget_other_shells() -> None:
    """In a child only: drop the singleton of an IPython shell of another kind that the forking
    process had made (a test, or IPython itself, calling the fork engine), so that
    :func:`shell` can make the child's own (``instance`` refuses a second kind).  The forking
    process's shell is untouched: this is the child's copy of it."""
    from IPython.core.interactiveshell import InteractiveShell

    # ``ForkedShell.initialized()`` is true for a sibling too; ``InteractiveShell.instance()`` returns
    # whichever kind was made
    if InteractiveShell.initialized() and not isinstance(InteractiveShell.instance(), ForkedShell):
        InteractiveShell.clear_instance()


def _no_input(prompt: str = "") -> str:
    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


def _no_getpass(prompt: str = "Password: ", stream: Any = None, **kw: Any) -> str:
    raise StdinNotImplementedError("getpass was called, but this frontend does not support input requests.")


class Kernel:
    """The message handlers of ipykernel's ``IPythonKernel`` that nbclient uses, on
    :func:`shell` (``execute_request`` as ``kernelbase.execute_request`` and
    ``ipkernel.do_execute``; ``kernel_info_request``; ``shutdown_request``)."""

    def __init__(self, conn):
        import uuid

        self.session = PipeSession()
        self.session.conn = conn
        self.ident = str(uuid.uuid4())
        forget_other_shells()
        self.shell = shell()
        for part in (self.shell.displayhook, self.shell.display_pub):
            part.session, part.pub_socket = self.session, IOPUB
        self.shell.displayhook.topic = b"execute_result"
        self.session.displayhook = self.shell.displayhook
        sys.stdout, sys.stderr = OutStream("stdout", self.session), OutStream("stderr", self.session)
        builtins.input, getpass.getpass = _no_input, _no_getpass  # a report has no one to ask
        self.execution_count = 0

    def handle(self, request: dict) -> bool:
        """Answer one request; ``False`` after a shutdown request."""
        kind = request["header"]["msg_type"]
        self._status("busy", request)
        try:
            if kind == "execute_request":
                self._execute(request)
            elif kind == "kernel_info_request":
                info = {"status": "ok", "protocol_version": "5.4", "implementation": IPythonKernel.implementation,
                        "implementation_version": IPythonKernel.implementation_version,
                        "language_info": IPythonKernel.language_info, "banner": "", "help_links": [],
                        "supported_features": []}
                self.session.send(SHELL, "kernel_info_reply", info, request)
            elif kind == "shutdown_request":
                self.session.send(SHELL, "shutdown_reply", {"status": "ok", "restart": False}, request)
                return False
        finally:
            self._status("idle", request)
        return True

    def _status(self, state: str, parent: dict) -> None:
        self.session.send(IOPUB, "status", {"execution_state": state}, parent)

    def _execute(self, request: dict) -> None:
        content, shell = request["content"], self.shell
        code = content["code"]
        silent = content.get("silent", False)
        store_history = content.get("store_history", not silent)
        shell.set_parent(request)
        if not silent:
            self.execution_count += 1
            self.session.send(IOPUB, "execute_input", {"code": code, "execution_count": self.execution_count},
                              request)
        cell_id = (request.get("metadata") or {}).get("cellId")
        self.session.forget_errors()
        result = shell.run_cell(code, store_history=store_history, silent=silent, cell_id=cell_id)
        reply = self._reply(result, content.get("user_expressions") or {})
        sys.stdout.flush()
        sys.stderr.flush()
        self.session.send(SHELL, "execute_reply", json_clean(reply), request)

    def _reply(self, result, user_expressions: dict) -> dict:
        shell = self.shell
        err = result.error_before_exec if result.error_before_exec is not None else result.error_in_exec
        reply: dict[str, Any] = {}
        if result.success and not self.session.error_in_displayhook:
            reply["status"] = "ok"
        else:
            error = self.session.last_error or {}
            reply.update(status="error", traceback=error.get("traceback") or [], ename=str(type(err).__name__),
                         evalue=str(err), engine_info={"engine_uuid": self.ident, "engine_id": -1,
                                                       "method": "execute"})
        reply["execution_count"] = shell.execution_count - 1
        reply["user_expressions"] = shell.user_expressions(user_expressions) if reply["status"] == "ok" else {}
        reply["payload"] = shell.payload_manager.read_payload()
        shell.payload_manager.clear_payload()
        return reply


def serve(conn) -> None:
    """Answer requests until a shutdown request or the end of the pipe.

    Parameters
    ----------
    conn : multiprocessing.connection.Connection
        The child's end of the pipe: Jupyter messages (dicts) in, :class:`PipeSession` tuples out.
    """
    kernel = Kernel(conn)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if not kernel.handle(request):
            return
