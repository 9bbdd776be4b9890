"""Savings trackers -> the ``savings_tracker`` table.

One reader for every form a tracker arrives in: the text extract of a committee paper (cells
separated by tabs, the header and a totals row repeated on every page), a CSV export, or an
XLSX workbook (one or several sheets).  Rows from any of them (:mod:`.tracker_rows`) go through
the same header matching (:mod:`.tracker_header`), row classification and cell cleaning, so a
tracker ingests identically whatever its format.  Rows are read one at a time.

Money in the output is **whole pounds** (``*_gbp``, nullable integer), every cell read by
:func:`analysis.money.parse_money`: brackets ``(1,595)`` and the unicode minus are negative,
``£``, ``k``/``m`` and thousands separators are understood, and an unadorned figure is in the
manifest's unit.  **Negative = a saving** (a reduction in spend) in the output whatever the
tracker printed: the manifest's ``saving_sign`` says how it printed a saving, and a tracker
printing savings as positive figures has its planned, forecast and variance figures multiplied
by -1 (recorded per row in ``saving_sign``).  ``variance_gbp`` is then forecast minus planned:
positive = shortfall against the planned saving.  Investment is spend, never sign-converted.

Structure is checked, never guessed: a short row (a file cut off), cells to the right of the
header, a saving line after the totals row, text under the table, a column named twice, a
hidden worksheet or a worksheet named for another month holding a tracker, Excel error values,
formulas saved without values, and a tracker whose signs contradict the manifest are each an
:class:`~analysis.errors.InputError` naming file, line or row, column, expected and found.
"""

from __future__ import annotations

import gc
import re
from operator import itemgetter
from typing import TypedDict

import pandas as pd

from .. import assumptions
from ..errors import InputError, InputErrors
from ..manifest import SourceDocument
from ..reconcile import Checks
from . import tracker_checks, tracker_messages, tracker_units
from .text_tables import month_number
from .tracker_cells import FIELDS, parse_chunk
from .tracker_header import (
    FIELD_LABELS,
    REFERENCE_HEADER,
    classify,
    compose,
    header_mapping,
    is_note,
    missing,
    sheet_month,
)
from .tracker_rows import EXCEL_ERRORS, Row, ends_with_line_break, formulas_at, rows_of

__all__ = ["CHUNK", "MAX_ERRORS", "MAX_PROBLEMS", "financial_year_of", "read_savings_tracker"]

MAX_ERRORS = 50  # a wholly wrong file stops after this many kinds of problem (errors.problem_kind) ...
MAX_PROBLEMS = 20_000  # ... or this many problems (each cell of a kind counted, as the grouped line says)
CHUNK = 16_384  # lines held as printed before their cells are cleaned into (Arrow-backed) columns
_PAD = (None,)  # a header without an optional column: its cells read as None


def read_savings_tracker(doc: SourceDocument, checks: Checks, *, signs: bool = True) -> pd.DataFrame:
    """Read one tracker file into ``savings_tracker`` rows and add its reconciliation checks.

    Lineage columns ``authority``, ``document`` and ``source_file`` are added by the ingest.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row (its unit: pounds, £000 or £m).
    checks : Checks
        The run's reconciliation checks, added to.
    signs : bool, optional
        ``False`` skips the refusal of a tracker whose signs contradict its ``saving_sign`` (for
        ``register``, which reads the sign from the lines first: :mod:`.tracker_units`).

    Returns
    -------
    pandas.DataFrame
        The rows: money in whole pounds, negative = saving.

    Raises
    ------
    analysis.errors.InputError
        For a file without a tracker header or saving lines, or whose signs contradict the
        manifest; every bad cell at once as :class:`~analysis.errors.InputErrors`, each naming
        its line (or sheet and row) and column.
    """
    parser = _Parser(doc)
    parser.signs = signs
    collecting = gc.isenabled()
    gc.disable()  # no cycles are made here; collecting while 200,000 rows accumulate doubles the time
    try:
        for row in rows_of(doc.path):
            parser.feed(row)
        return parser.finish(checks)
    finally:
        if collecting:
            gc.enable()


class _RowPlace(TypedDict):
    """Where a row is, as :class:`~analysis.errors.InputError` takes it (``**where``)."""

    line: int
    sheet: str | None


class _Parser:
    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.factor = -1 if doc.saving_sign == "positive" else 1
        self.errors: list[InputError] = []
        self.records: list[tuple] = []  # the current chunk of lines, cells as printed
        self.chunks: list[pd.DataFrame | None] = []  # earlier chunks, cleaned into columns
        self.offset = 0  # lines in self.chunks
        self.extra_flags: dict[int, list[str]] = {}  # line index -> notes for the current chunk
        self.first_seen: dict[str, tuple[int, int, int, str | None]] = {}  # ref -> (index, digest, line, sheet)
        self.mappings: dict[str | None, dict[str, int]] = {}
        self.totals: list[tuple[Row, dict[str, int | None], bool]] = []
        self.blank_cells: dict[tuple[str, int, int], tuple[int, str]] = {}  # XLSX cell -> (record, field)
        self.rows_seen = 0
        self.headers = 0
        self.cap = tracker_messages.Cap(doc.path, MAX_ERRORS, MAX_PROBLEMS)  # stops reading with too many problems
        self.last: tuple[str, Row] | None = None  # kind of the last non-blank row and the row
        self.signs = True  # refuse a tracker whose signs contradict its saving_sign
        self.sheet: object = object()
        self.unit_sheets: set[str | None] = set()  # sheets whose stated unit was checked
        self.unit_statement: tracker_units.UnitStatement | None = None  # the first unit the file states
        self.near: list[Row] = []  # of the sheets left without a header, the row most like one
        self._new_sheet(None)

    # ------------------------------------------------------------------ feeding rows

    def _new_sheet(self, sheet: str | None) -> None:
        if getattr(self, "mapping", None) is None and getattr(self, "pending", None):
            self.near = [r for r in [tracker_messages.best_header_row(self.near + self.pending)] if r is not None]
        self.sheet = sheet
        self.mapping: dict[str, int] | None = None
        self.width = 0
        self.pending: list[Row] = []  # rows above the sheet's first header
        self.previous: Row | None = None  # the last non-blank row
        self.candidate: tuple[Row, dict[str, int]] | None = None  # a header missing columns
        self.after_totals: Row | None = None
        self.skip = False
        self.fast: tuple[int, int, int] | None = None
        self.sub_header: Row | None = None  # the second row of a two-row header

    def feed(self, row: Row) -> None:
        if self.cap.stopped is not None:
            return
        fast = self.fast  # (reference column, title column, width) while plain lines are expected
        if fast is not None and row.sheet == self.sheet and self.rows_seen >= 10:
            cells = row.cells
            if len(cells) >= fast[2]:
                ref = cells[fast[0]]
                if (ref and cells[fast[1]] and ref[:5].lower() != "total"
                        and REFERENCE_HEADER.fullmatch(ref) is None):  # a saving line: the common case
                    self._line(row)
                    self.last = ("line", row)
                    self.previous = row
                    return
        self._feed(row)
        if self.mapping is not None and self.after_totals is None and self.candidate is None and not self.skip:
            self.fast = (self.mapping["reference"], self.mapping["title"], self.width)
        else:
            self.fast = None

    def _feed(self, row: Row) -> None:
        if row.sheet != self.sheet:
            self._resolve_candidate(None)
            self._new_sheet(row.sheet)
        if self.rows_seen < 10:
            self._check_stated_period(row)
        self.rows_seen += 1
        if self.skip or not any(row.cells) or self.cap.reached(self.errors, row, "before"):
            return
        if self.candidate is not None and self._resolve_candidate(row):
            self.previous = row
            return
        found = header_mapping(row.cells, self.mapping["reference"] if self.mapping else None)
        if found is not None:
            self._header(row, *found)
        elif self.mapping is None:
            if len(self.pending) < 1000:
                self.pending.append(row)
        else:
            self._process(row, preamble=False)
        self.previous = row

    def _header(self, row: Row, mapping: dict[str, int], duplicates: list) -> None:
        if missing(mapping) and self.previous is not None and not missing(composed := compose(
                self.previous.cells, row.cells)):
            mapping = composed  # a caption row above (merged cells), sub-labels in this row
        elif missing(mapping):
            self.candidate = (row, mapping)  # perhaps sub-labels in the row below
            return
        self._accept_header(row, mapping, duplicates)

    def _resolve_candidate(self, row: Row | None) -> bool:
        """A header row missing columns: complete it with the next row's sub-labels, else report it."""
        if self.candidate is None:
            return False
        header, mapping = self.candidate
        self.candidate = None
        if row is not None and not missing(composed := compose(header.cells, row.cells)):
            self.sub_header = row
            self._accept_header(header, composed, [])
            return True
        self.errors.append(tracker_messages.missing_columns(self.doc.path, header.line, header.sheet, header.cells,
                                                            missing(mapping)))
        self.skip = True
        return row is not None

    def _accept_header(self, row: Row, mapping: dict[str, int], duplicates: list) -> None:
        doc, where = self.doc, _RowPlace(line=row.line, sheet=row.sheet)
        if row.hidden:
            self.errors.append(InputError(doc.path, **where, expected="a tracker on visible worksheets only (unhide "
                                          "the sheet, or delete it if it is an old copy)",
                                          found=f"a tracker header on hidden sheet {row.sheet!r}"))
            self.skip = True
            return
        for field, positions in duplicates:
            self.errors.append(InputError(doc.path, **where, column=FIELD_LABELS.get(field, field),
                                          expected="each column once",
                                          found=f"columns {', '.join(str(p + 1) for p in positions)} all read as "
                                          f"{FIELD_LABELS.get(field, field)}"))
        if duplicates:
            self.skip = True  # which of the columns holds the figures cannot be known
            return
        if row.sheet not in self.unit_sheets:  # the unit the sheet states, against the one registered
            self.unit_sheets.add(row.sheet)
            try:
                stated = tracker_units.decide(tracker_units.statements(self.pending[-20:], row, self.sub_header),
                                              doc.path)
            except InputError as exc:
                self.errors.append(exc)
            else:
                self.unit_statement = self.unit_statement or stated
                problem = tracker_units.unit_problem(doc.path, doc.unit, stated)
                if problem is not None:
                    self.errors.append(problem)
        named = sheet_month(row.sheet)
        if named and doc.period and named != doc.period:
            self.errors.append(InputError(doc.path, **where, column="sheet name",
                                          expected=f"one month per workbook: the period registered ({doc.period})",
                                          found=f"sheet {row.sheet!r} names {named}"))
        # the table's width: to its last captioned column (columns it does not know are ignored)
        captioned = [len(r.cells) - next((i for i, c in enumerate(reversed(r.cells)) if c), len(r.cells))
                     for r in (row, self.sub_header) if r is not None]
        self.mapping, self.width = mapping, max(max(mapping.values()) + 1, *captioned)
        self.sub_header = None
        self.mappings[row.sheet] = mapping
        self.getter = itemgetter(*(mapping.get(name, -1) for name in FIELDS))  # -1: the pad, None
        self.after_totals = None
        self.headers += 1
        self.last = ("header", row)
        pending, self.pending = self.pending, []
        for earlier in pending:
            self._process(earlier, preamble=True)

    # ------------------------------------------------------------------ one row under a header

    def _process(self, row: Row, *, preamble: bool) -> None:
        assert self.mapping is not None
        doc, mapping = self.doc, self.mapping
        kind = classify(row, mapping)
        if kind == "group_header" or (preamble and kind != "totals"):
            return
        where = _RowPlace(line=row.line, sheet=row.sheet)
        if kind == "totals":
            try:
                values, shifted = tracker_checks.totals_values(doc, row, mapping, self.factor)
            except InputError as exc:
                self.errors.append(exc)
                return
            self.totals.append((row, values, shifted))
            if not preamble:
                self.after_totals = row
            self.last = ("totals", row)
            return
        if kind == "unknown":
            self.errors.append(InputError(doc.path, **where, column="Reference", found=_text(row),
                                          expected="a saving line starting with its reference, a header row or a "
                                          "totals row"))
            return
        if is_note(row, mapping):
            self.errors.append(InputError(doc.path, **where, column="Reference", found=_text(row),
                                          expected="a saving line (reference, title and amounts); text under or "
                                          "beside the table, such as a footnote, is not part of a tracker"))
            return
        if self.after_totals is not None:
            self.errors.append(InputError(doc.path, **where, column="Reference", found=_text(row),
                                          expected=f"no saving line after the totals row ({_where(self.after_totals)}) "
                                          "unless a new header follows it"))
            return
        if len(row.cells) < self.width:
            self.errors.append(InputError(doc.path, **where, column=f"column {len(row.cells) + 1}",
                                          expected=f"a row of {self.width} cells like the header (was the file cut "
                                          "off, or a row broken?)", found=f"{len(row.cells)} cells: {_text(row)}"))
            return
        self._line(row)
        self.last = ("line", row)

    def _line(self, row: Row) -> None:
        assert self.mapping is not None  # under a header (and self.fast set only then)
        doc, cells = self.doc, row.cells
        if len(cells) > self.width and any(cells[self.width:]):
            self.errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column=f"beyond column {self.width}",
                                          expected="no cells to the right of the last header column (a shifted "
                                          "row?)", found=" | ".join(c for c in cells[self.width:] if c)))
            return
        if not EXCEL_ERRORS.isdisjoint(cells):
            for field, i in self.mapping.items():
                if cells[i] in EXCEL_ERRORS:
                    self.errors.append(InputError(doc.path, line=row.line, sheet=row.sheet,
                                                  column=FIELD_LABELS.get(field, field), found=cells[i],
                                                  expected="a value (the workbook shows an Excel error: fix the "
                                                  "formula and export again)"))
            return
        printed = self.getter(cells + _PAD)
        ref = printed[0]
        digest = hash(cells)  # to tell a page-break repeat (every cell the same) from a clash
        seen = self.first_seen.get(ref)
        if seen is not None:
            index, earlier, line, sheet = seen
            if earlier == digest:  # a page-break repeat: the same line printed again
                self._flag(index, f"reference: repeated at {_where(row)} and dropped (page break)")
                return
            where = f"sheet {sheet!r} row {line}" if sheet else f"line {line}"
            self.errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column="Reference", found=ref,
                                          expected=f"each reference once (also at {where}) with the same figures"))
            return
        self.first_seen[ref] = (self.offset + len(self.records), digest, row.line, row.sheet)
        self.records.append(printed + (row.line, row.sheet))
        if len(self.records) >= CHUNK:
            self._flush()
            self.cap.reached(self.errors, row, "after")

    def _flush(self) -> None:
        if not self.records:
            return
        frame, errors, blanks = parse_chunk(self.doc, self.records, self.factor, self.extra_flags, self.offset)
        self.errors += errors
        for index, field, sheet, line in blanks:
            if sheet is not None and len(self.blank_cells) < 10_000:
                self.blank_cells[(sheet, line, self.mappings[sheet][field])] = (index, field)
        self.chunks.append(frame)
        self.offset += len(self.records)
        self.records, self.extra_flags = [], {}

    def _flag(self, index: int, note: str) -> None:
        if index >= self.offset:
            self.extra_flags.setdefault(index, []).append(note)
            return
        for chunk in self.chunks:
            size = CHUNK if chunk is None else len(chunk)
            if index < size:
                if chunk is not None:
                    column = chunk.columns.get_loc("cleaning_flags")
                    flags = chunk.iat[index, column]
                    chunk.iat[index, column] = note if pd.isna(flags) else f"{flags}; {note}"
                return
            index -= size

    # ------------------------------------------------------------------ the end

    def finish(self, checks: Checks) -> pd.DataFrame:
        doc = self.doc
        self._resolve_candidate(None)
        if not self.headers:
            InputErrors.raise_if_any(self.errors)
            near = tracker_messages.best_header_row(self.near + self.pending)
            if near is not None and (lacking := tracker_messages.header_error(doc.path, near)):
                raise lacking  # a header without its Reference column (renamed?)
            raise InputError(doc.path, expected="a header row naming Reference, Title, Committee, the planned and "
                             "forecast phasing Q1-Q4 and totals, Variance, RAG and Direction of travel",
                             found="no such row")
        if not self.records and not self.chunks:
            InputErrors.raise_if_any(self.errors)
            raise InputError(doc.path, expected="at least one saving line under the header (a period with data)",
                             found="none")
        suffix = doc.path.suffix.lower()
        if not self.totals and suffix in (".txt", ".text"):
            raise InputError(doc.path, expected="a totals row (a paper prints one with its table)",
                             found="none: the table may be cut off")
        if suffix in (".csv", ".tsv") and self.last and self.last[0] == "line" and not ends_with_line_break(doc.path):
            self._flag(self.offset + len(self.records) - 1,
                       "source_line: last line of the file has no line break - check the export is complete")
        self._flush()
        if self.blank_cells and self.cap.stopped is None:  # formulas saved without a result, in blank cells
            self.errors = tracker_messages.with_formulas(self.errors, formulas_at(doc.path, set(self.blank_cells)),
                                                         self.blank_cells, doc.path)
        if self.errors:
            rank = {sheet: k for k, sheet in enumerate(dict.fromkeys(self.mappings))}
            self.errors.sort(key=lambda e: (rank.get(e.sheet, -1), e.line or 0))
            InputErrors.raise_if_any(self.cap.first_kinds(self.errors))
        chunks = [c for c in self.chunks if c is not None]  # all: a chunk is None only beside its errors
        frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        self.chunks = []
        if self.signs:
            tracker_checks.check_signs(doc, frame)
        frame["sign_doubt"] = tracker_checks.sign_doubts(frame, self.totals)
        tracker_checks.add_checks(doc, frame, self.totals, checks)
        tracker_checks.add_sign_checks(doc, frame, self.totals, checks)
        return frame

    def _check_stated_period(self, row: Row) -> None:
        """A paper that says 'as at October 2017' must be registered for period 2017-10."""
        m = re.search(r"as at\s+([A-Za-z]+)\s+(\d{4})", " ".join(row.cells))
        if m and month_number(m.group(1)) and self.doc.period:
            stated = f"{m.group(2)}-{month_number(m.group(1)):02d}"
            if stated != self.doc.period:
                raise InputError(self.doc.path, line=row.line, sheet=row.sheet,
                                 expected=f"the period it is registered for ({self.doc.period}; register it with "
                                          f"--period {stated} if the file is right)",
                                 found=f"'{m.group(0)}' ({stated})")
            self.rows_seen = 10  # the first statement counts


def _text(row: Row) -> str:
    return " | ".join(c for c in row.cells if c)


def _where(row: Row) -> str:
    return f"sheet {row.sheet!r} row {row.line}" if row.sheet else f"line {row.line}"


def financial_year_of(period: str) -> str:
    """``2017-10`` -> ``2017-18`` (the financial-year rule of :mod:`analysis.assumptions`).

    Parameters
    ----------
    period : str
        A month, 'YYYY-MM'.

    Returns
    -------
    str
        Its financial year.
    """
    return assumptions.financial_year(period)
