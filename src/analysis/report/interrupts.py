"""Stopping a run cleanly.

* SIGTERM (cron's or systemd's stop) is handled like Ctrl-C: :class:`KeyboardInterrupt` in the
  main thread, so the run stops its workers and removes its staging folders.
* Inside :func:`critical` (switching a pack in and rewriting the indexes) an interrupt waits
  until the section ends, so a stopped run never leaves a switch half done.  (SIGKILL cannot
  wait: :mod:`analysis.atomic` and the next run's clean-up cover it.)
* :func:`pause_point` lets the fault tests stop a run at a named point: with
  ``ANALYSIS_REPORT_PAUSE=<name>`` and ``ANALYSIS_REPORT_PAUSE_FILE=<path>`` in the environment,
  the run writes ``<path>`` when it reaches the point and waits (up to two minutes) until the
  file is removed.  Points: ``planned`` (pool warming, nothing run), ``staged`` (a pack complete
  in its staging folder, not switched in).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PAUSE_ENV", "PAUSE_FILE_ENV", "critical", "handled", "keep_interrupts", "pause_point"]

PAUSE_ENV, PAUSE_FILE_ENV = "ANALYSIS_REPORT_PAUSE", "ANALYSIS_REPORT_PAUSE_FILE"
_state: dict[str, Any] = {"depth": 0, "pending": False}  # and previous_hook


def _handler(signum, frame):
    if _state["depth"]:
        _state["pending"] = True
        return
    raise KeyboardInterrupt


def _interrupt_main_soon() -> None:
    time.sleep(0.05)  # let the main thread leave the callback and this hook first
    _thread.interrupt_main()  # SIGINT's handler: KeyboardInterrupt (or pending, inside critical())


def _redeliver(unraisable) -> None:
    """``sys.unraisablehook`` while a run is handled: a signal that arrives while Python runs a
    callback it cannot pass exceptions out of (a weakref callback, ``__del__``) raises its
    :class:`KeyboardInterrupt` there, where Python would print it as "Exception ignored" and go on.
    The interrupt is delivered again to the main thread instead, silently; anything else goes to
    the previous hook."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _thread.start_new_thread(_interrupt_main_soon, ())  # returns at once: this hook ends before it fires
        return
    _state["previous_hook"](unraisable)


def keep_interrupts() -> None:
    """Install :func:`_redeliver` for the rest of the process (a command-line run)."""
    if sys.unraisablehook is not _redeliver:
        _state["previous_hook"] = sys.unraisablehook
        sys.unraisablehook = _redeliver


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """For the length of a run: SIGTERM and SIGINT raise :class:`KeyboardInterrupt`, except
    inside :func:`critical`.  Does nothing outside the main thread (signals go there only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in (signal.SIGTERM, signal.SIGINT)}
    hook = sys.unraisablehook
    keep_interrupts()
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for s, h in previous.items():
            signal.signal(s, h)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A section an interrupt may not cut in two; a SIGTERM/Ctrl-C received inside it is raised
    when it ends."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if not _state["depth"] and _state["pending"]:
            _state["pending"] = False
            raise KeyboardInterrupt


def pause_point(name: str) -> None:
    """Wait here when the fault tests ask for it (module docstring); otherwise return at once.

    Parameters
    ----------
    name : str
        The point's name (``staged`` ...), matched against the tests' environment variable.
    """
    if os.environ.get(PAUSE_ENV) != name or not os.environ.get(PAUSE_FILE_ENV):
        return
    marker = Path(os.environ[PAUSE_FILE_ENV])
    marker.write_text(f"{name} {os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + 120
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
