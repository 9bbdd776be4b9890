"""The project's small error hierarchy.

A user's bad file is reported as :class:`InputError` (one problem: file, line or row, column,
what was expected, what was found, and - for a known export accident - a hint saying what to do).
Several problems found in one pass travel together in :class:`InputErrors`, so the command line
can print them and exit non-zero without a traceback.

What the command line prints is :func:`problem_lines`: one line per problem, except that
problems sharing file, sheet, expected text and hint (the same mistake in many cells: 40 arrows
saved as ``?``, 120 formulas without a saved result) are one line once there are
:data:`GROUP_FROM` or more of them - the count, the rows and columns, the first examples and
the hint once.  :func:`problems_of` keeps one line per problem, for scripts and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AnalysisError", "EXAMPLES", "GROUP_FROM", "InputError", "InputErrors", "ReportError", "SchemaError",
    "TableSetError", "describe_group", "grouped", "problem_kind", "problem_lines", "problems_of",
]

GROUP_FROM = 3  # this many problems sharing file, sheet, expected and hint are printed as one line
EXAMPLES = 3  # found values (and the lines of each) shown in a grouped line


class AnalysisError(Exception):
    """Base class for every error this package raises on purpose."""


@dataclass(eq=False)
class InputError(AnalysisError):
    """One problem in one input file.

    ``line`` is a 1-based line number for text and CSV files, or a 1-based row number for a
    spreadsheet (with ``sheet`` set).  ``column`` names the column or field as the user sees it.
    ``found`` is shown cut to 80 characters (it is usually a cell's text) unless ``shorten`` is
    false (a header or list the reader composed, printed whole); ``hint``, when set, is the
    remedy for a known accident and is printed whole after the rest.
    """

    file: str | Path
    expected: str
    found: str = ""
    line: int | None = None
    column: str | None = None
    sheet: str | None = None
    hint: str = ""
    shorten: bool = True

    def __post_init__(self) -> None:
        super().__init__(self.describe())

    def describe(self) -> str:
        where = str(self.file)
        if self.sheet is not None:
            where += f" [sheet {self.sheet!r}]"
        if self.line is not None:
            where += f":{'row ' if self.sheet is not None else ''}{self.line}"
        parts = [where]
        if self.column:
            parts.append(f"column {self.column!r}")
        message = f"expected {self.expected}"
        if self.found != "":
            message += f", found {_shorten(self.found, 80 if self.shorten else None)!r}"
        if self.hint:
            message += f"; {self.hint}"
        parts.append(message)
        return ": ".join(parts)

    def __str__(self) -> str:  # dataclass would otherwise replace Exception.__str__
        return self.describe()


class InputErrors(AnalysisError):
    """Several :class:`InputError` found in one pass over the inputs."""

    def __init__(self, errors: Iterable[InputError]):
        self.errors: list[InputError] = list(errors)
        super().__init__("\n".join(e.describe() for e in self.errors))

    @staticmethod
    def raise_if_any(errors: Iterable[InputError]) -> None:
        errors = list(errors)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise InputErrors(errors)


class SchemaError(AnalysisError):
    """A processed table does not match its declared schema (a bug or a bad input slipped by)."""


class TableSetError(AnalysisError):
    """``data/processed`` is not one complete set of tables (missing, partial, mixed or edited):
    its ``_tables.json`` and its files disagree.  The cure is to run the producer again."""


class ReportError(AnalysisError):
    """A report run could not start (bad period, parameter or missing input)."""


def problems_of(exc: BaseException) -> list[str]:
    """One line per problem of an error raised by this package (:func:`problem_lines` groups them).

    Parameters
    ----------
    exc : BaseException
        The error.

    Returns
    -------
    list of str
        One line per problem.
    """
    if isinstance(exc, InputErrors):
        return [e.describe() for e in exc.errors]
    if isinstance(exc, InputError):
        return [exc.describe()]
    return [line for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]


def problem_lines(exc: BaseException) -> list[str]:
    """What the command line prints for an error raised by this package.

    :func:`problems_of`, with every :data:`GROUP_FROM` or more problems of one kind
    (:func:`problem_kind`) in one line (:func:`describe_group`), placed where the first of them
    would have been.

    Parameters
    ----------
    exc : BaseException
        The error.

    Returns
    -------
    list of str
        The lines (without the ``error:`` prefix).
    """
    if not isinstance(exc, InputErrors):
        return problems_of(exc)
    return [group[0].describe() if len(group) == 1 else describe_group(group) for group in grouped(exc.errors)]


def problem_kind(error: InputError) -> tuple[str, str | None, str, str]:
    """The kind of a problem: problems of one kind share the file, sheet, expected text and hint.

    Any column, line and found text.

    Parameters
    ----------
    error : InputError
        One problem.

    Returns
    -------
    tuple of (str, str or None, str, str)
        File, sheet, expected text and hint.
    """
    return str(error.file), error.sheet, error.expected, error.hint


def grouped(errors: Sequence[InputError]) -> list[list[InputError]]:
    """Problems gathered by kind.

    ``errors`` in their order, those of a kind with :data:`GROUP_FROM` or more members gathered into
    one list at the place of the first; every other problem alone.

    Parameters
    ----------
    errors : sequence of InputError
        The problems.

    Returns
    -------
    list of list of InputError
        The groups, in order.
    """
    kinds: dict[tuple[str, str | None, str, str], list[InputError]] = {}
    for error in errors:
        kinds.setdefault(problem_kind(error), []).append(error)
    out: list[list[InputError]] = []
    for error in errors:
        members = kinds[problem_kind(error)]
        if len(members) < GROUP_FROM:
            out.append([error])
        elif members[0] is error:
            out.append(members)
    return out


def describe_group(errors: Sequence[InputError]) -> str:
    """One line for problems of one kind.

    For example ``t.csv: column 'Direction of travel': 40 cells (lines 9-48): expected ..., found
    '?' (lines 9, 10, 11, …)``; across several columns ``120 cells in columns 'A' (rows 2-41), 'B'
    (rows 2-41), ...``, each example naming its column.

    Parameters
    ----------
    errors : sequence of InputError
        Problems of one kind (:func:`problem_kind`).

    Returns
    -------
    str
        The line.
    """
    first = errors[0]
    where = str(first.file) + (f" [sheet {first.sheet!r}]" if first.sheet is not None else "")
    word = "row" if first.sheet is not None else "line"
    columns: dict[str | None, list[int]] = {}
    for e in errors:
        columns.setdefault(e.column, []).extend([e.line] if e.line is not None else [])
    noun = "cells" if any(columns) else f"{word}s"
    lines = sorted({e.line for e in errors if e.line is not None})
    if len(columns) == 1:
        head = f"column {first.column!r}: " if first.column else ""
        head += f"{len(errors):,} {noun}" + (f" ({_spans(lines, word)})" if lines else "")
    else:
        head = f"{len(errors):,} {noun} in columns " + ", ".join(
            f"{c!r}" + (f" ({_spans(sorted(set(n)), word)})" if n else "") for c, n in columns.items())
    message = f"expected {first.expected}"
    examples = _examples(errors, word, several_columns=len(columns) > 1)
    if examples:
        message += f", found {examples}"
    if first.hint:
        message += f"; {first.hint}"
    return f"{where}: {head}: {message}"


def _examples(errors: Sequence[InputError], word: str, *, several_columns: bool) -> str:
    """The first :data:`EXAMPLES` distinct found texts, each with where it was found (its first
    :data:`EXAMPLES` places), then how many other texts there are."""
    places: dict[str, list[InputError]] = {}
    for e in errors:
        if e.found != "":
            places.setdefault(e.found, []).append(e)
    shown = []
    for found, members in list(places.items())[:EXAMPLES]:
        first = members[:EXAMPLES]
        if several_columns:
            at = "; ".join(_place(e, word) for e in first)
        else:
            numbers = [str(e.line) for e in first if e.line is not None]
            at = f"{word}{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}" if numbers else ""
        if at and len(members) > EXAMPLES:
            at += ", …"
        shown.append(repr(_shorten(found, 80 if members[0].shorten else None)) + (f" ({at})" if at else ""))
    rest = len(places) - len(shown)
    return ", ".join(shown) + (f" and {rest:,} other value{'s' if rest != 1 else ''}" if rest > 0 else "")


def _place(error: InputError, word: str) -> str:
    parts = [f"column {error.column!r}" if error.column else "", f"{word} {error.line}" if error.line else ""]
    return ", ".join(p for p in parts if p)


def _spans(numbers: Sequence[int], word: str, limit: int = 4) -> str:
    """Sorted line numbers as runs: ``lines 9-48``, ``rows 2, 5-7, 12``; after ``limit`` runs ``…``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs[:limit])
    plural = len(numbers) > 1
    return f"{word}{'s' if plural else ''} {text}" + (", …" if len(runs) > limit else "")


def _shorten(text: str, limit: int | None = 80) -> str:
    """``text`` on one line (runs of white space as one space), cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
