"""The project's small error hierarchy.

A user's bad file is reported as :class:`InputError` (one problem: file, line or row, column,
what was expected, what was found).  Several problems found in one pass travel together in
:class:`InputErrors`, so the command line can print one readable line per problem and exit
non-zero without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class AnalysisError(Exception):
    """Base class for every error this package raises on purpose."""


@dataclass(eq=False)
class InputError(AnalysisError):
    """One problem in one input file.

    ``line`` is a 1-based line number for text and CSV files, or a 1-based row number for a
    spreadsheet (with ``sheet`` set).  ``column`` names the column or field as the user sees it.
    """

    file: str | Path
    expected: str
    found: str = ""
    line: int | None = None
    column: str | None = None
    sheet: str | None = None

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
            message += f", found {_shorten(self.found)!r}"
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
    """The user-facing lines for an error raised by this package."""
    if isinstance(exc, InputErrors):
        return [e.describe() for e in exc.errors]
    if isinstance(exc, InputError):
        return [exc.describe()]
    return [line for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
