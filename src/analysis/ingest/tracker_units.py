"""What a savings tracker says about its own unit and its own sign: read, never defaulted.

**Unit.**  A tracker says what its unadorned figures mean in its title rows, its header cells or a
caption over them: ``£000``, ``£'000``, ``£k`` (thousands of pounds), ``£m`` (millions), or a lone
``£``/``(£)`` (whole pounds) - ``Investment 19-20 £`` is a whole-pounds column, ``Investment 17-18
£000`` a £000 one.  :func:`statements` finds every such statement around a header row; the header
and the captions directly over it decide (title rows speak only when they are silent), and two
different units stated at the same level are refused, by cell.  A figure printed with its own
suffix (``£1.2m``) states an amount, not a unit, and is ignored here.

**Sign.**  :func:`read_sign` reads which sign the tracker prints a saving with from the lines
themselves: a savings tracker's lines are savings, so when at least
:data:`~analysis.assumptions.SIGN_READ_MIN_LINES` lines plan an amount and one sign outnumbers the
other :data:`~analysis.assumptions.SAVING_SIGN_COST_RATIO` times or more, that is the sign of a
saving; otherwise the sign cannot be read and must be given (``register --saving-sign``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import assumptions
from ..errors import InputError
from .tracker_header import header_mapping
from .tracker_rows import Row, rows_of

__all__ = [
    "SignReading", "UNIT_WORDS", "UnitStatement", "column_letter", "decide", "read_sign", "stated_unit",
    "statements", "unit_of_cell", "unit_problem",
]

UNIT_WORDS = {"gbp": "whole pounds (£)", "gbp_thousands": "thousands of pounds (£000)",
              "gbp_millions": "millions of pounds (£m)"}

_THOUSANDS = re.compile(r"£\s*'?\s*000s?(?!\d)|£\s*k\b|£\s*thousands?\b|\bthousands of pounds\b|\(\s*000s?\s*\)",
                        re.IGNORECASE)
_MILLIONS = re.compile(r"£\s*m\b|£\s*millions?\b|\bmillions of pounds\b", re.IGNORECASE)
# a pound sign that is not the start of an amount (``£1.2m``) and not one of the statements above
_POUNDS = re.compile(r"£(?!\s*'?\s*\d)(?!\s*(?:k|m|bn|thousands?|millions?)\b)|\bin pounds\b|\(\s*pounds\s*\)",
                     re.IGNORECASE)


@dataclass(frozen=True)
class UnitStatement:
    """One cell that states a unit: the unit, the cell as printed and where it is."""

    unit: str
    text: str
    line: int  # line (text, CSV) or row (XLSX)
    sheet: str | None
    column: int  # 0-based
    level: str  # "header" (the header, a caption row directly over it, the row under it) or "title"

    @property
    def where(self) -> str:
        """``sheet 'Tracker' row 3, column E`` or ``line 7, column 5``."""
        if self.sheet is not None:
            return f"sheet {self.sheet!r} row {self.line}, column {column_letter(self.column)}"
        return f"line {self.line}, column {self.column + 1}"

    def describe(self) -> str:
        return f"{self.where} '{' '.join(self.text.split())}'"


def unit_of_cell(text: str) -> str | None:
    """The unit a cell states (``gbp``, ``gbp_thousands``, ``gbp_millions``), or ``None``.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    str or None
        The unit.
    """
    if not text or "£" not in text and "pound" not in text.lower() and "000" not in text:
        return None
    if _THOUSANDS.search(text):
        return "gbp_thousands"
    if _MILLIONS.search(text):
        return "gbp_millions"
    if _POUNDS.search(text):
        return "gbp"
    return None


def column_letter(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA`` (as Excel names columns).

    Parameters
    ----------
    index : int
        A 0-based column index.

    Returns
    -------
    str
        The column's letters.
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(row: Row | None, level: str) -> Iterable[UnitStatement]:
    if row is None:
        return
    for i, text in enumerate(row.cells):
        unit = unit_of_cell(text) if text and len(text) < 300 else None
        if unit:
            yield UnitStatement(unit, text, row.line, row.sheet, i, level)


def statements(above: Sequence[Row], header: Row | None, below: Row | None = None) -> list[UnitStatement]:
    """Every unit statement in and around a tracker's header.

    The rows above the header (titles; the last of them a caption row over the header when it holds
    no figures), the header row and the row under it.

    Parameters
    ----------
    above : sequence of Row
        The rows above the header.
    header : Row or None
        The header row.
    below : Row or None, optional
        The row under the header.

    Returns
    -------
    list of UnitStatement
        The statements, in reading order.
    """
    found: list[UnitStatement] = []
    rows = list(above)
    caption = rows[-1] if rows and header is not None and _is_caption(rows[-1]) else None
    for row in rows:
        found += _cells(row, "header" if row is caption else "title")
    found += _cells(header, "header")
    if below is not None and _is_caption(below):
        found += _cells(below, "header")
    return found


def _is_caption(row: Row) -> bool:
    """A row of labels only (no figure): a caption over a header, or sub-labels under it."""
    return not any(re.fullmatch(r"[\s(£\-−–]*[\d,.]+[)km]?\s*", c) for c in row.cells if c)


def decide(found: Sequence[UnitStatement], path: Path) -> UnitStatement | None:
    """The unit the statements give: the header level decides, titles only when it is silent.

    Parameters
    ----------
    found : sequence of UnitStatement
        The statements (:func:`statements`).
    path : pathlib.Path
        The file, named in an error.

    Returns
    -------
    UnitStatement or None
        The deciding statement; ``None`` when there is none.

    Raises
    ------
    analysis.errors.InputError
        When two units are stated at the deciding level, naming both cells.
    """
    for level in ("header", "title"):
        here = [s for s in found if s.level == level]
        units = {s.unit for s in here}
        if len(units) > 1:
            first = here[0]
            other = next(s for s in here if s.unit != first.unit)
            raise InputError(path, line=other.line, sheet=other.sheet, column=other.text,
                             expected="one unit for the whole tracker (a tracker's figures are all in pounds, all "
                                      "in £000 or all in £m)",
                             found=f"{first.describe()} says {UNIT_WORDS[first.unit]} but {other.describe()} says "
                                   f"{UNIT_WORDS[other.unit]}")
        if here:
            return here[0]
    return None


def stated_unit(path: Path) -> UnitStatement | None:
    """The unit a tracker file states about itself (:func:`decide`).

    Read from the rows up to and just under its first header row.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.

    Returns
    -------
    UnitStatement or None
        The statement; ``None`` when it says nothing.
    """
    above: list[Row] = []
    rows = iter(rows_of(Path(path)))
    for row in rows:
        if not any(row.cells):
            continue
        if header_mapping(row.cells) is not None:
            below = next((r for r in rows if any(r.cells)), None)
            return decide(statements(above[-20:], row, below), Path(path))
        above.append(row)
        if len(above) > 200:  # no header in the first rows: nothing more to read about the unit
            break
    return decide(statements(above[-20:], None), Path(path))


def unit_problem(path: Path, registered: str, stated: UnitStatement | None) -> InputError | None:
    """An error when the unit registered for a tracker contradicts what the file states.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.
    registered : str
        The unit in the manifest.
    stated : UnitStatement or None
        What the file states (:func:`stated_unit`).

    Returns
    -------
    analysis.errors.InputError or None
        The error, or ``None`` when they agree or the file says nothing.
    """
    if stated is None or stated.unit == registered:
        return None
    return InputError(path, line=stated.line, sheet=stated.sheet, column=stated.text,
                      expected=f"figures in {UNIT_WORDS.get(registered, registered)}, as registered "
                               f"(unit={registered}); the unit is read from the file: register it again with "
                               f"`python -m analysis register {Path(path).name} --replace`",
                      found=f"a header saying {UNIT_WORDS[stated.unit]}")


@dataclass(frozen=True)
class SignReading:
    """Which sign a tracker prints a saving with, as read from its lines (``None``: not readable)."""

    sign: str | None
    negative: int  # lines planning a negative amount
    positive: int  # lines planning a positive amount

    def describe(self) -> str:
        lines = self.negative + self.positive
        if self.sign is None:
            return (f"not readable from the lines ({self.negative} of {lines} lines with a planned amount are "
                    f"negative, {self.positive} positive)")
        count = self.negative if self.sign == "negative" else self.positive
        return f"{count} of {lines} lines with a planned amount are {self.sign}"


def read_sign(planned_as_printed: pd.Series) -> SignReading:
    """:class:`SignReading` from the lines' planned totals exactly as printed (module docstring).

    Parameters
    ----------
    planned_as_printed : pandas.Series
        Each line's planned total as printed (before any sign is normalised).

    Returns
    -------
    SignReading
        The sign savings are printed with (``None`` when not readable) and the counts of negative
        and positive lines.
    """
    planned = planned_as_printed.dropna()
    negative, positive = int((planned < 0).sum()), int((planned > 0).sum())
    ratio = assumptions.SAVING_SIGN_COST_RATIO
    sign = None
    if negative + positive >= assumptions.SIGN_READ_MIN_LINES:
        if negative >= ratio * positive:
            sign = "negative"
        elif positive >= ratio * negative:
            sign = "positive"
    return SignReading(sign, negative, positive)
