"""Progress shown on a terminal while a long command works (``ingest``, ``public-stats``,
``report``): a tqdm bar on standard error, and nothing at all under ``--quiet`` or when standard
error is not a terminal (cron, a pipe, a log file), so scheduled runs and scripts see only their
own lines.

The commands' code takes a plain callable (``step("reading 003_….txt")``); :func:`bar` makes one
that advances a bar, :func:`silent` one that does nothing.  Lines a command prints while a bar is
shown go through :meth:`Bar.write`, so the bar never breaks a line in two.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

__all__ = ["Bar", "bar", "silent", "wanted"]

Step = Callable[[str], None]


def wanted(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Whether to show a bar: only on a terminal, and never under ``--quiet``.

    Parameters
    ----------
    quiet : bool, optional
        ``--quiet`` was given.
    stream : TextIO or None, optional
        Where the bar would be drawn; default standard error.

    Returns
    -------
    bool
        True when a bar should be shown.
    """
    stream = stream or sys.stderr
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


def silent(_label: str = "") -> None:
    """A step that shows nothing.

    Parameters
    ----------
    _label : str, optional
        What the step is (ignored).
    """


class Bar:
    """A tqdm bar of ``total`` steps (or nothing when not :func:`wanted`)."""

    def __init__(self, total: int, what: str, *, show: bool) -> None:
        self.bar = None
        if show:
            import os

            from tqdm import tqdm

            try:  # the terminal the bar is drawn on; a new pseudo terminal may have no size yet
                size = os.get_terminal_size(sys.stderr.fileno())
                sized = size.columns > 0 and size.lines > 0
            except (OSError, ValueError):
                sized = False
            self.bar = tqdm(total=total, desc=what, unit="", file=sys.stderr, leave=False, dynamic_ncols=sized,
                            ncols=None if sized else 80, nrows=None if sized else 24,
                            bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed} {postfix}")

    def step(self, label: str = "") -> None:
        """One step done; ``label`` says what comes next (or what was just done)."""
        if self.bar is not None:
            if label:
                self.bar.set_postfix_str(label[-60:], refresh=False)
            self.bar.update(1)

    def add(self, steps: int) -> None:
        """More steps than first thought (e.g. once the number of reports is known)."""
        if self.bar is not None:
            self.bar.total = (self.bar.total or 0) + steps
            self.bar.refresh()

    def write(self, line: str, *, file: TextIO | None = None) -> None:
        """Print ``line`` above the bar (or plainly when there is none)."""
        if self.bar is not None:
            self.bar.write(line, file=file or sys.stdout)
        else:
            print(line, file=file or sys.stdout, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextlib.contextmanager
def bar(total: int, what: str, *, quiet: bool = False) -> Iterator[Bar]:
    """A :class:`Bar` shown while the block runs (when :func:`wanted`), removed after.

    Parameters
    ----------
    total : int
        The number of steps.
    what : str
        What is being done, shown before the bar.
    quiet : bool, optional
        Show nothing (``--quiet``).

    Yields
    ------
    Bar
        The bar, to advance with :meth:`Bar.step`.
    """
    shown = Bar(total, what, show=wanted(quiet))
    try:
        yield shown
    finally:
        shown.close()
