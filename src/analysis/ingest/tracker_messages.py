"""What a tracker's problems say when the cause is a known accident, and a header named in full.

The reader (:mod:`.savings_tracker`, :mod:`.tracker_cells`) finds a problem; this module words
the ones a user can fix in one step:

* a ``?`` in a CSV's cell - Excel's "CSV (Comma delimited)" saves in Windows-1252, which has
  no arrows (↑ ↔ ↓) and no minus sign (−), and writes ``?`` for each;
* a decimal comma (``1.595,5``, ``12,5``) - Excel in a European locale;
* formulas with no saved result - a workbook written by a program and never opened in Excel;
* a header missing a column: the expected columns, the header as found (every cell whole), and
  "did you rename 'X' to 'Y'?" when a cell of the header is close to the missing column's name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, problem_kind
from .tracker_header import FIELD_LABELS, REQUIRED_FIELDS, match_header, normalise_header

__all__ = [
    "CSV_UTF8", "Cap", "DECIMAL_COMMA", "FORMULAS", "RENAME_SIMILARITY", "TEXT_UTF8", "best_header_row",
    "export_hint", "formula_error", "header_error", "missing_columns", "renamed", "with_formulas",
]

CSV_UTF8 = ('save it in Excel as "CSV UTF-8 (Comma delimited)" (not "CSV (Comma delimited)", which writes '
            '\'?\' for each arrow ↑ ↔ ↓ and minus sign −), or deliver the .xlsx workbook')
TEXT_UTF8 = "save the text as UTF-8 (an ANSI code page writes '?' for each arrow ↑ ↔ ↓ and minus sign −)"
DECIMAL_COMMA = ("figures written with a decimal comma (Excel in a European locale): export with '.' as the "
                 "decimal separator, or deliver the .xlsx workbook")
FORMULAS = ("a value (the workbook holds a formula with no saved result - written by a program and never "
            "opened in Excel: open and save it in Excel, which stores each formula's result, or export values)")
RENAME_SIMILARITY = 0.6  # difflib ratio from which a header cell reads as a renamed column
_DECIMAL_COMMA = re.compile(r"^[(\-−]?£?\d{1,3}(?:\.\d{3})*,\d{1,2}\)?$")


def export_hint(path: Path, found: str) -> str:
    """The remedy for a cell refused as printed, when its text shows an export accident.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.
    found : str
        The cell's text.

    Returns
    -------
    str
        The remedy, or ``""``.
    """
    suffix = Path(path).suffix.lower()
    if "?" in found and suffix in (".csv", ".tsv"):
        return CSV_UTF8
    if "?" in found and suffix in (".txt", ".text"):
        return TEXT_UTF8
    if _DECIMAL_COMMA.match(found.strip()):
        return DECIMAL_COMMA
    return ""


def formula_error(path: Path, line: int, sheet: str, field: str, formula: str) -> InputError:
    """A cell read as empty that holds a formula saved without its result.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.
    line : int
        The worksheet row.
    sheet : str
        The worksheet.
    field : str
        The tracker field of the cell's column.
    formula : str
        The formula.

    Returns
    -------
    analysis.errors.InputError
        The error, naming the cell.
    """
    return InputError(path, line=line, sheet=sheet, column=FIELD_LABELS.get(field, field), expected=FORMULAS,
                      found=formula)


def missing_columns(path: Path, line: int, sheet: str | None, cells: Sequence[str],
                    missing: Sequence[str]) -> InputError:
    """A header row without some required columns.

    Which are missing, the columns a tracker's header names, the header as found (every cell whole)
    and any cell that looks renamed.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.
    line : int
        The header's line (or row).
    sheet : str or None
        Its worksheet.
    cells : sequence of str
        Its cells.
    missing : sequence of str
        The fields it lacks.

    Returns
    -------
    analysis.errors.InputError
        The error.
    """
    found = " | ".join(c for c in cells if c)
    renames = [f"{FIELD_LABELS.get(f, f)!r} to {cell!r}" for f, cell in renamed(cells, missing)]
    return InputError(path, line=line, sheet=sheet, expected=f"tracker columns {_labels(missing)} (a tracker's "
                      f"header names {_labels(REQUIRED_FIELDS)})", shorten=False,
                      found=f"a header without {'it' if len(missing) == 1 else 'them'}: {found}",
                      hint=f"did you rename {' and '.join(renames)}?" if renames else "")


def _labels(fields: Sequence[str]) -> str:
    """Column names as a tracker prints them, four quarters of one kind as ``… - Q1 to Q4``."""
    labels = [FIELD_LABELS.get(f, f.title()) for f in fields]
    for stem in ("Original Phasing", "Current Forecast Phasing"):
        quarters = [f"{stem} - Q{q}" for q in range(1, 5)]
        if all(q in labels for q in quarters):
            at = labels.index(quarters[0])
            labels = [x for x in labels if x not in quarters]
            labels.insert(at, f"{stem} - Q1 to Q4")
    return ", ".join(labels)


def header_error(path: Path, row) -> InputError | None:
    """:func:`missing_columns` for a row that names tracker columns but was not read as a header.

    Parameters
    ----------
    path : pathlib.Path
        The tracker file.
    row : Row
        The row.

    Returns
    -------
    analysis.errors.InputError or None
        The error; ``None`` if it names every required column.
    """
    names = {match_header(c) for c in row.cells if c and len(c) < 120}
    lacking = [f for f in REQUIRED_FIELDS if f not in names]
    return missing_columns(path, row.line, row.sheet, row.cells, lacking) if lacking else None


def renamed(cells: Sequence[str], missing: Sequence[str]) -> list[tuple[str, str]]:
    """Header cells that look like a missing column renamed.

    (missing field, header cell) pairs where an unrecognised cell of the header is close (difflib
    ratio at least :data:`RENAME_SIMILARITY`) to the field's name or its first word.

    Parameters
    ----------
    cells : sequence of str
        The header's cells.
    missing : sequence of str
        The fields it lacks.

    Returns
    -------
    list of tuple of (str, str)
        The pairs.
    """
    unknown = {c: normalise_header(c) for c in cells if c and match_header(c) is None and normalise_header(c)}
    out = []
    for field in missing:
        name = normalise_header(FIELD_LABELS.get(field, field))
        names = {name, name.split()[0]} if name else set()
        scored = [(max(difflib.SequenceMatcher(None, norm, n).ratio() for n in names), cell)
                  for cell, norm in unknown.items()]
        best = max(scored, default=(0.0, ""))
        if best[0] >= RENAME_SIMILARITY:
            out.append((field, best[1]))
            unknown.pop(best[1])
    return out


def best_header_row(rows: Sequence, least: int = 4):
    """Of rows above which no header was found, the one naming most tracker columns.

    Most likely the header with its Reference column renamed.

    Parameters
    ----------
    rows : sequence of Row
        The rows read.
    least : int, optional
        The fewest tracker columns it must name.

    Returns
    -------
    Row or None
        The row; ``None`` if none names ``least`` columns.
    """
    best, count = None, least - 1
    for row in rows:
        named = sum(1 for c in row.cells if c and len(c) < 120 and match_header(c))
        if named > count:
            best, count = row, named
    return best


def with_formulas(errors: list[InputError], formulas: dict[tuple[str, int, int], str],
                  blank_cells: dict[tuple[str, int, int], tuple[int, str]], path: Path) -> list[InputError]:
    """``errors`` with an error for each blank cell of a workbook that holds a formula.

    For each blank cell holding a formula saved without its result, that error replaces the cell's
    own (a blank title's).

    Parameters
    ----------
    errors : list of analysis.errors.InputError
        The problems found.
    formulas : dict
        (sheet, row, column index) -> the formula there (:func:`analysis.ingest.tracker_rows.formulas_at`).
    blank_cells : dict
        (sheet, row, column index) -> (record, field) of each blank cell.
    path : pathlib.Path
        The tracker file.

    Returns
    -------
    list of analysis.errors.InputError
        The problems, formula errors last.
    """
    if not formulas:
        return errors
    cells = {(sheet, line, FIELD_LABELS.get(blank_cells[(sheet, line, c)][1])) for sheet, line, c in formulas}
    kept = [e for e in errors if (e.sheet, e.line, e.column) not in cells]
    return kept + [formula_error(path, line, sheet, blank_cells[(sheet, line, column)][1], formula)
                   for (sheet, line, column), formula in sorted(formulas.items())]


class Cap:
    """When to stop reading a file: once ``kinds`` kinds of problem
    (:func:`analysis.errors.problem_kind`) or ``problems`` problems are found.  Counted as the
    errors grow, each error once; :attr:`stopped` is then the last line of the report."""

    def __init__(self, path: Path, kinds: int, problems: int) -> None:
        self.path, self.kinds, self.problems = path, kinds, problems
        self.seen: set[tuple] = set()
        self.counted = 0
        self.stopped: InputError | None = None

    def reached(self, errors: Sequence[InputError], row, where: str) -> bool:
        """Whether to stop, ``before`` or ``after`` ``row`` (the reason kept in :attr:`stopped`)."""
        if len(errors) < self.kinds:
            return False
        self.seen.update(problem_kind(e) for e in errors[self.counted:])
        self.counted = len(errors)
        if len(self.seen) < self.kinds and self.counted < self.problems:
            return False
        self.stopped = InputError(self.path, line=row.line, sheet=row.sheet, expected=f"at most {self.kinds} kinds "
                                  f"of problem or {self.problems:,} problems in one file", found=f"more: reading "
                                  f"stopped {where} this {'row' if row.sheet else 'line'}", hint="the counts above "
                                  "are of what was read; fix those and run ingest again")
        return True

    def first_kinds(self, errors: Sequence[InputError]) -> list[InputError]:
        """The errors of the first ``kinds`` kinds of problem, then where reading stopped or a
        line saying how many kinds are not shown."""
        kinds: set[tuple] = set()
        out = []
        for e in errors:
            kind = problem_kind(e)
            if kind in kinds or len(kinds) < self.kinds:
                kinds.add(kind)
                out.append(e)
        if self.stopped is not None:
            out.append(self.stopped)
        elif len(out) < len(errors):
            out.append(InputError(self.path, expected=f"at most {self.kinds} kinds of problem in one file",
                                  found=f"{len({problem_kind(e) for e in errors}) - self.kinds} more kinds, not "
                                  "shown", hint="fix those above and run ingest again"))
        return out
