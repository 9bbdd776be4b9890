"""Declared columns: a function taking DataFrames says which columns it reads from each.

:func:`needs` is the package's one way of doing it (re-exported by :mod:`analysis.schemas`); it is
a basic module of its own so that every layer, the basics included, can use it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from .errors import SchemaError

__all__ = ["needs"]

F = TypeVar("F", bound=Callable[..., Any])


def needs(**frames: tuple[str, ...]) -> Callable[[F], F]:
    """Declare the columns a function reads from each of its DataFrame arguments.

    Parameters
    ----------
    **frames
        Argument name -> the column names the function reads from that DataFrame.

    Returns
    -------
    decorator
        Wraps the function so that a DataFrame lacking any of its columns fails at once with one
        :class:`~analysis.errors.SchemaError` naming the function, the argument and every missing
        column (rather than a bare ``KeyError`` for the first one).  The wrapped function's
        ``__needs__`` holds ``frames`` for documentation and tests.
    """
    def decorate(function: F) -> F:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind_partial(*args, **kwargs)
            for argument, columns in frames.items():
                frame = bound.arguments.get(argument)
                if isinstance(frame, pd.DataFrame):
                    missing = [c for c in columns if c not in frame.columns]
                    if missing:
                        raise SchemaError(
                            f"{function.__module__}.{function.__qualname__}: the DataFrame given as "
                            f"{argument!r} lacks the column{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)} (it needs {', '.join(columns)}; see the data dictionary)")
            return function(*args, **kwargs)

        checked.__needs__ = dict(frames)  # type: ignore[attr-defined]
        checked.__doc__ = _with_columns(function.__doc__, frames)
        return checked  # type: ignore[return-value]

    return decorate


def _with_columns(doc: str | None, frames: dict[str, tuple[str, ...]]) -> str:
    """``doc`` with a numpydoc ``Parameters`` section naming the columns each DataFrame argument
    must have (unless the docstring writes its own), so the reference shows what :func:`needs`
    checks."""
    text = inspect.cleandoc(doc or "")
    if "Parameters\n----------" in text:
        return text
    items = "\n".join(f"{name} : pandas.DataFrame\n    Needs the columns {', '.join(f'``{c}``' for c in columns)} "
                      "(units in the data dictionary)." for name, columns in frames.items())
    return f"{text}\n\nParameters\n----------\n{items}\n"
