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

import re

import pandas as pd

from ..errors import InputError, InputErrors
from ..manifest import SourceDocument
from ..money import parse_money
from ..reconcile import Checks
from . import tracker_checks
from .text_tables import month_number
from .tracker_header import FIELD_LABELS, MONEY_FIELDS, SIGNED_FIELDS, compose, header_mapping, missing
from .tracker_rows import EXCEL_ERRORS, Row, ends_with_line_break, formulas_at, rows_of

TEXT_FIELDS = ("reference", "title", "description", "committee", "commentary")
RAG_VALUES = {"red": "Red", "r": "Red", "amber": "Amber", "a": "Amber", "green": "Green", "g": "Green"}
DIRECTION_VALUES = {
    "↑": "improving", "⬆": "improving", "improving": "improving", "up": "improving",
    "↔": "unchanged", "⬌": "unchanged", "↕": "unchanged", "unchanged": "unchanged", "same": "unchanged",
    "no change": "unchanged",
    "↓": "worsening", "⬇": "worsening", "worsening": "worsening", "down": "worsening",
}
COMPLETE_VALUES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
CODED = (("rag", RAG_VALUES, "RAG", "Red, Amber, Green or blank", "a colour"),
         ("direction", DIRECTION_VALUES, "Direction of travel",
          "↑ (improving), ↔ (unchanged), ↓ (worsening) or blank", "an arrow"),
         ("complete", COMPLETE_VALUES, "Saving complete?", "Yes, No or blank", None))
MAX_ERRORS = 50  # a wholly wrong file stops after this many problems
COLUMNS = ([*TEXT_FIELDS] + [f"{f}_gbp" for f in MONEY_FIELDS]
           + ["rag", "rag_raw", "direction", "direction_raw", "complete", "partner_links", "partner_links_raw",
              "brackets_printed", "cleaning_flags", "source_line", "source_sheet"])


def read_savings_tracker(doc: SourceDocument, checks: Checks) -> pd.DataFrame:
    """Read one tracker file into ``savings_tracker`` rows (lineage columns ``authority``,
    ``document`` and ``source_file`` are added by the ingest) and add its reconciliation checks."""
    parser = _Parser(doc)
    for row in rows_of(doc.path):
        parser.feed(row)
    return parser.finish(checks)


class _Parser:
    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.factor = -1 if doc.saving_sign == "positive" else 1
        self.errors: list[InputError] = []
        self.columns: dict[str, list] = {c: [] for c in COLUMNS}
        self.first_seen: dict[str, int] = {}
        self.totals: list[tuple[Row, dict[str, int | None], bool]] = []
        self.blank_money: dict[tuple[str, int, int], tuple[int, str]] = {}  # XLSX cell -> (record, field)
        self.rows_seen = 0
        self.headers = 0
        self.last: tuple[str, Row] | None = None  # kind of the last non-blank row and the row
        self.sheet: object = object()
        self._new_sheet(None)

    # ------------------------------------------------------------------ feeding rows

    def _new_sheet(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.mapping: dict[str, int] | None = None
        self.width = 0
        self.pending: list[Row] = []  # rows above the sheet's first header
        self.previous: Row | None = None  # the last non-blank row
        self.candidate: tuple[Row, dict[str, int]] | None = None  # a header missing columns
        self.after_totals: Row | None = None
        self.skip = False

    def feed(self, row: Row) -> None:
        if row.sheet != self.sheet:
            self._resolve_candidate(None)
            self._new_sheet(row.sheet)
        if self.rows_seen < 10:
            self._check_stated_period(row)
        self.rows_seen += 1
        if self.skip or not any(row.cells) or len(self.errors) >= MAX_ERRORS:
            return
        if self.candidate is not None and self._resolve_candidate(row):
            self.previous = row
            return
        found = header_mapping(row.cells)
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
            self._accept_header(header, composed, [])
            return True
        self.errors.append(InputError(
            self.doc.path, line=header.line, sheet=header.sheet,
            expected="tracker columns " + ", ".join(FIELD_LABELS.get(f, f.title()) for f in missing(mapping)),
            found="header without them: " + " | ".join(c for c in header.cells if c)))
        self.skip = True
        return row is not None

    def _accept_header(self, row: Row, mapping: dict[str, int], duplicates: list) -> None:
        doc, where = self.doc, dict(line=row.line, sheet=row.sheet)
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
        if re.search(r"£\s*'?000|£k", " ".join(row.cells[i] for i in mapping.values() if i < len(row.cells)),
                     re.I) and doc.unit != "gbp_thousands":
            self.errors.append(InputError(doc.path, **where, column="header",
                                          expected=f"money in pounds as the manifest says (unit={doc.unit})",
                                          found="a header in £000 - set unit=gbp_thousands in the manifest"))
        named = _sheet_month(row.sheet)
        if named and doc.period and named != doc.period:
            self.errors.append(InputError(doc.path, **where, column="sheet name",
                                          expected=f"one month per workbook: the period registered ({doc.period})",
                                          found=f"sheet {row.sheet!r} names {named}"))
        self.mapping, self.width = mapping, max(mapping.values()) + 1
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
        kind = _classify(row, mapping)
        if kind == "group_header" or (preamble and kind != "totals"):
            return
        where = dict(line=row.line, sheet=row.sheet)
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
        text = " | ".join(c for c in row.cells if c)
        if kind == "unknown":
            self.errors.append(InputError(doc.path, **where, column="Reference", found=text,
                                          expected="a saving line starting with its reference, a header row or a "
                                          "totals row"))
            return
        if _is_note(row, mapping):
            self.errors.append(InputError(doc.path, **where, column="Reference", found=text,
                                          expected="a saving line (reference, title and amounts); text under or "
                                          "beside the table, such as a footnote, is not part of a tracker"))
            return
        if self.after_totals is not None:
            self.errors.append(InputError(doc.path, **where, column="Reference", found=text,
                                          expected=f"no saving line after the totals row ({_where(self.after_totals)}) "
                                          "unless a new header follows it"))
            return
        if len(row.cells) < self.width:
            self.errors.append(InputError(doc.path, **where, column=f"column {len(row.cells) + 1}",
                                          expected=f"a row of {self.width} cells like the header (was the file cut "
                                          "off, or a row broken?)", found=f"{len(row.cells)} cells: {text}"))
            return
        self._line(row)
        self.last = ("line", row)

    def _line(self, row: Row) -> None:
        doc, mapping, cells = self.doc, self.mapping, row.cells
        errors: list[InputError] = []
        flags: list[str] = []
        where = dict(line=row.line, sheet=row.sheet)
        extra = [c for c in cells[self.width:] if c]
        if extra:
            errors.append(InputError(doc.path, **where, column=f"beyond column {self.width}",
                                     expected="no cells to the right of the last header column (a shifted row?)",
                                     found=" | ".join(extra)))
        for i in mapping.values():
            if cells[i] in EXCEL_ERRORS:
                field = next(f for f, j in mapping.items() if j == i)
                errors.append(InputError(doc.path, **where, column=FIELD_LABELS.get(field, field),
                                         expected="a value (the workbook shows an Excel error: fix the formula and "
                                         "export again)", found=cells[i]))
        if errors:
            self.errors += errors
            return
        record: dict = {name: (cells[mapping[name]] if name in mapping else "") or None for name in TEXT_FIELDS}
        if record["title"] is None:
            errors.append(InputError(doc.path, **where, column="Title", expected="the saving's title", found=""))
        bracketed = False
        blanks: list[tuple[int, str]] = []
        for name in MONEY_FIELDS:
            if name not in mapping:
                record[f"{name}_gbp"] = None
                continue
            text = cells[mapping[name]]
            money = parse_money(text, doc.unit)
            if money.status == "value":
                value = money.value_gbp
                record[f"{name}_gbp"] = value * self.factor if name in SIGNED_FIELDS else value
                bracketed = bracketed or money.bracketed
                if money.flags:
                    flags += [f"{name}_gbp: {f}" for f in money.flags]
            elif money.status in ("blank", "dash"):
                record[f"{name}_gbp"] = None
                flags.append(f"{name}_gbp: blank cell")
                blanks.append((mapping[name], name))
            else:
                errors.append(InputError(doc.path, **where, column=FIELD_LABELS.get(name, name), found=text,
                                         expected=f"an amount in {'£000' if doc.unit == 'gbp_thousands' else '£'} "
                                         "(e.g. -1,595 or (1,595)) or a blank"))
        # Coded columns: a printed 0 (or dash) is not a colour or an arrow - read as empty and flagged.
        for name, values, column, expected, what in CODED:
            raw = cells[mapping[name]] if name in mapping else ""
            if what:
                record[f"{name}_raw"] = raw or None
            record[name] = values.get(raw.lower())
            if record[name] is None and raw:
                if what and raw in ("0", "-", "n/a", "N/A"):
                    flags.append(f"{name}: {raw!r} printed where {what} belongs, read as empty")
                else:
                    errors.append(InputError(doc.path, **where, column=column, expected=expected, found=raw))
        links = cells[mapping["partner_links"]] if "partner_links" in mapping else ""
        record["partner_links_raw"] = links or None
        record["partner_links"] = None if links == "0" else (links or None)
        if links == "0":
            flags.append("partner_links: '0' read as no partner links")
        if errors:
            self.errors += errors
            return
        record["brackets_printed"] = bracketed
        record["cleaning_flags"] = "; ".join(flags) or None
        record["source_line"], record["source_sheet"] = row.line, row.sheet
        self._add(row, record, blanks)

    def _add(self, row: Row, record: dict, blanks: list[tuple[int, str]]) -> None:
        ref = record["reference"]
        cols = self.columns
        if ref in self.first_seen:
            index = self.first_seen[ref]
            ignore = {"source_line", "source_sheet", "cleaning_flags"}
            if all(cols[k][index] == v for k, v in record.items() if k not in ignore):  # a page-break repeat
                flags = cols["cleaning_flags"][index]
                note = f"reference: repeated at {_where(row)} and dropped (page break)"
                cols["cleaning_flags"][index] = f"{flags}; {note}" if flags else note
                return
            earlier = (f"sheet {cols['source_sheet'][index]!r} row {cols['source_line'][index]}"
                       if cols["source_sheet"][index] else f"line {cols['source_line'][index]}")
            self.errors.append(InputError(self.doc.path, line=row.line, sheet=row.sheet, column="Reference",
                                          expected=f"each reference once (also at {earlier}) with the same figures",
                                          found=ref))
            return
        index = len(cols["reference"])
        self.first_seen[ref] = index
        for key in COLUMNS:
            cols[key].append(record[key])
        if row.sheet is not None:
            for column, name in blanks:
                if len(self.blank_money) < 10_000:
                    self.blank_money[(row.sheet, row.line, column)] = (index, name)

    # ------------------------------------------------------------------ the end

    def finish(self, checks: Checks) -> pd.DataFrame:
        doc = self.doc
        self._resolve_candidate(None)
        InputErrors.raise_if_any(self.errors)
        if not self.headers:
            raise InputError(doc.path, expected="a header row naming Reference, Title, Committee, the planned and "
                             "forecast phasing Q1-Q4 and totals, Variance, RAG and Direction of travel",
                             found="no such row")
        if not self.columns["reference"]:
            raise InputError(doc.path, expected="at least one saving line under the header (a period with data)",
                             found="none")
        suffix = doc.path.suffix.lower()
        if not self.totals and suffix in (".txt", ".text"):
            raise InputError(doc.path, expected="a totals row (a paper prints one with its table)",
                             found="none: the table may be cut off")
        if self.blank_money:
            self._check_formulas()
        if suffix in (".csv", ".tsv") and self.last and self.last[0] == "line" and not ends_with_line_break(doc.path):
            index = len(self.columns["reference"]) - 1
            flags = self.columns["cleaning_flags"][index]
            note = "source_line: last line of the file has no line break - check the export is complete"
            self.columns["cleaning_flags"][index] = f"{flags}; {note}" if flags else note
        frame = _frame(doc, self.columns)
        tracker_checks.check_signs(doc, frame)
        tracker_checks.add_checks(doc, frame, self.totals, checks)
        return frame

    def _check_formulas(self) -> None:
        for (sheet, line, column), formula in sorted(formulas_at(self.doc.path, set(self.blank_money)).items()):
            _, name = self.blank_money[(sheet, line, column)]
            self.errors.append(InputError(self.doc.path, line=line, sheet=sheet, column=FIELD_LABELS.get(name, name),
                                          expected="a value (the workbook holds a formula with no saved result: "
                                          "open and save it in Excel, or export values)", found=formula))
        InputErrors.raise_if_any(self.errors)

    def _check_stated_period(self, row: Row) -> None:
        """A paper that says 'as at October 2017' must be registered for period 2017-10."""
        m = re.search(r"as at\s+([A-Za-z]+)\s+(\d{4})", " ".join(row.cells))
        if m and month_number(m.group(1)) and self.doc.period:
            stated = f"{m.group(2)}-{month_number(m.group(1)):02d}"
            if stated != self.doc.period:
                raise InputError(self.doc.path, line=row.line, sheet=row.sheet,
                                 expected=f"the period registered in the manifest ({self.doc.period})",
                                 found=f"'{m.group(0)}' ({stated})")
            self.rows_seen = 10  # the first statement counts


def _is_number(text: str) -> bool:
    return parse_money(text).status == "value"


def _classify(row: Row, mapping: dict[str, int]) -> str:
    i = mapping["reference"]
    ref = row.cells[i].strip() if i < len(row.cells) else ""
    if ref and not ref.lower().startswith("total"):
        return "line"
    non_empty = [c for c in row.cells if c]
    numbers = [c for c in non_empty if _is_number(c)]
    words = [c for c in non_empty if not _is_number(c)]
    if len(numbers) >= 3 and all(w.lower().startswith(("total", "grand total")) for w in words):
        return "totals"
    if not ref and not numbers and all(re.search(r"£|planned|forecast|original|current|phasing", w, re.I)
                                       for w in words):
        return "group_header"
    return "unknown"


def _is_note(row: Row, mapping: dict[str, int]) -> bool:
    """Text where a saving line would be, with no title and no figure at all: a footnote or note."""
    title = mapping.get("title")
    if title is not None and title < len(row.cells) and row.cells[title]:
        return False
    return not any(_is_number(c) for c in row.cells if c)


def _where(row: Row) -> str:
    return f"sheet {row.sheet!r} row {row.line}" if row.sheet else f"line {row.line}"


_MONTH_NAME = re.compile(r"\b([A-Za-z]{3,9})[\s\-_'.]*(\d{4}|\d{2})\b")
_MONTH_NUMBER = re.compile(r"\b(\d{4})[\-_./](0?[1-9]|1[0-2])\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _sheet_month(title: str | None) -> str | None:
    """The month a worksheet's name gives (``Oct 2017``, ``October-17``, ``Sept 17``, ``2017-10``)."""
    if not title:
        return None
    m = _MONTH_NUMBER.search(title)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    for m in _MONTH_NAME.finditer(title):
        word = m.group(1).lower()
        number = next((i for i, full in enumerate(_MONTHS, start=1) if full.startswith(word)), None)
        if number:
            year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
            return f"{year}-{number:02d}"
    return None


def financial_year_of(period: str) -> str:
    """``2017-10`` -> ``2017-18`` (UK financial years start in April)."""
    year, month = int(period[:4]), int(period[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _frame(doc: SourceDocument, columns: dict[str, list]) -> pd.DataFrame:
    n = len(columns["reference"])
    frame = pd.DataFrame({
        "period": pd.array([doc.period] * n, dtype="string"),
        "financial_year": pd.array([financial_year_of(doc.period)] * n, dtype="string"),
        "saving_sign": pd.array([doc.saving_sign or "negative"] * n, dtype="string"),
    })
    for name, values in columns.items():
        if name.endswith("_gbp") or name == "source_line":
            frame[name] = pd.array(values, dtype="Int64")
        elif name in ("brackets_printed", "complete"):
            frame[name] = pd.array(values, dtype="boolean")
        else:
            frame[name] = pd.array(values, dtype="string")
    return frame
