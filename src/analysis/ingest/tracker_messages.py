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
    """The remedy for a cell refused as printed, when its text shows an export accident (else "")."""
    suffix = Path(path).suffix.lower()
    if "?" in found and suffix in (".csv", ".tsv"):
        return CSV_UTF8
    if "?" in found and suffix in (".txt", ".text"):
        return TEXT_UTF8
    if _DECIMAL_COMMA.match(found.strip()):
        return DECIMAL_COMMA
    return ""


def formula_error(path: Path, line: int, sheet: str, field: str, formula: str) -> InputError:
    """A cell read as empty that holds a formula saved without its result."""
    return InputError(path, line=line, sheet=sheet, column=FIELD_LABELS.get(field, field), expected=FORMULAS,
                      found=formula)


def missing_columns(path: Path, line: int, sheet: str | None, cells: Sequence[str],
                    missing: Sequence[str]) -> InputError:
    """A header row without some required columns: which are missing, the columns a tracker's
    header names, the header as found (every cell whole) and any cell that looks renamed."""
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
    """:func:`missing_columns` for a row that names tracker columns but was not read as a header
    (``None`` if it names every required column)."""
    names = {match_header(c) for c in row.cells if c and len(c) < 120}
    lacking = [f for f in REQUIRED_FIELDS if f not in names]
    return missing_columns(path, row.line, row.sheet, row.cells, lacking) if lacking else None


def renamed(cells: Sequence[str], missing: Sequence[str]) -> list[tuple[str, str]]:
    """(missing field, header cell) pairs where an unrecognised cell of the header is close
    (difflib ratio at least :data:`RENAME_SIMILARITY`) to the field's name or its first word."""
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
    """Of rows above which no header was found, the one naming most tracker columns (at least
    ``least``): the header with its Reference column renamed, most likely; ``None`` if none."""
    best, count = None, least - 1
    for row in rows:
        named = sum(1 for c in row.cells if c and len(c) < 120 and match_header(c))
        if named > count:
            best, count = row, named
    return best


def stopped(path: Path, row, where: str, kinds: int, problems: int) -> InputError:
    """Where reading stopped (``before`` or ``after`` ``row``) with ``kinds`` kinds of problem or
    ``problems`` problems found: the last line of the report, so no count above reads as complete."""
    return InputError(path, line=row.line, sheet=row.sheet, expected=f"at most {kinds} kinds of problem or "
                      f"{problems:,} problems in one file", found=f"more: reading stopped {where} this "
                      f"{'row' if row.sheet else 'line'}", hint="the counts above are of what was read; fix those "
                      "and run ingest again")


def first_kinds(errors: Sequence[InputError], most: int, stop: InputError | None) -> list[InputError]:
    """The errors of the first ``most`` kinds of problem (:func:`analysis.errors.problem_kind`),
    then ``stop`` (where reading stopped) or a line saying how many kinds are not shown."""
    kinds: set[tuple] = set()
    out = []
    for e in errors:
        kind = problem_kind(e)
        if kind in kinds or len(kinds) < most:
            kinds.add(kind)
            out.append(e)
    if stop is not None:
        out.append(stop)
    elif len(out) < len(errors):
        out.append(InputError(errors[0].file, expected=f"at most {most} kinds of problem in one file",
                              found=f"{len({problem_kind(e) for e in errors}) - most} more kinds, not shown",
                              hint="fix those above and run ingest again"))
    return out
