"""The cells of a chunk of tracker lines -> typed columns, one column at a time.

The reader (:mod:`.savings_tracker`) keeps each saving line's cells as printed; every few
thousand lines (and at every new header) they are cleaned here column by column: each distinct
money text is parsed once by :func:`analysis.money.parse_money` and every cell takes its value
from that, each distinct RAG/direction/complete text is looked up once.  That keeps the cost per
line to a few dictionary look-ups - a 200,000-line tracker reads in seconds - while every cell
still goes through the one parser and every bad cell is reported with its line and column.

Money: whole pounds; a tracker's planned, forecast and variance figures are multiplied by
``factor`` (-1 when the manifest says the tracker prints savings as positive figures), so the
result is always negative = saving.  Investment is never sign-converted.

Cell length: a text cell (title, description, commentary, partner links) longer than Excel's
32,767-character cell limit is kept whole and flagged (the workbooks the project writes cut it,
with a note: :mod:`analysis.spreadsheet`); a reference, committee, money or coded cell that long
is an error.  A cell refused as printed whose text shows an export accident (a ``?`` for an
arrow, a decimal comma) carries the remedy as its hint (:mod:`.tracker_messages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..errors import InputError
from ..manifest import SourceDocument
from ..money import Money, parse_money
from ..spreadsheet import EXCEL_CELL_CHARS, excel_length
from .tracker_header import FIELD_LABELS, MONEY_FIELDS, SIGNED_FIELDS
from .tracker_messages import export_hint

__all__ = [
    "CODED", "COLUMNS", "COMPLETE_VALUES", "DIRECTION_VALUES", "FIELDS", "FORMULA_FIELDS", "LONG_TEXT_FIELDS",
    "RAG_VALUES", "TEXT_FIELDS", "parse_chunk",
]

TEXT_FIELDS = ("reference", "title", "description", "committee", "commentary")
#: text kept whole however long (flagged beyond Excel's cell limit); any other cell that long is an error
LONG_TEXT_FIELDS = ("title", "description", "commentary", "partner_links")
#: blank cells that may hide a formula saved without its result (an XLSX checked for formulas there)
FORMULA_FIELDS = ("title", *MONEY_FIELDS, "rag", "direction", "complete")
RAG_VALUES = {"red": "Red", "r": "Red", "amber": "Amber", "a": "Amber", "green": "Green", "g": "Green"}
DIRECTION_VALUES = {
    "↑": "improving", "⬆": "improving", "improving": "improving", "up": "improving",
    "↔": "unchanged", "⬌": "unchanged", "↕": "unchanged", "unchanged": "unchanged", "same": "unchanged",
    "no change": "unchanged",
    "↓": "worsening", "⬇": "worsening", "worsening": "worsening", "down": "worsening",
}
COMPLETE_VALUES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}
#: (field, values, column as printed, expected, what it is - None: no ``*_raw`` column kept)
CODED = (("rag", RAG_VALUES, "RAG", "Red, Amber, Green or blank", "a colour"),
         ("direction", DIRECTION_VALUES, "Direction of travel",
          "↑ (improving), ↔ (unchanged), ↓ (worsening) or blank", "an arrow"),
         ("complete", COMPLETE_VALUES, "Saving complete?", "Yes, No or blank", None))
#: the fields a line keeps as printed, in this order, then its line and sheet
FIELDS = (*TEXT_FIELDS, *MONEY_FIELDS, "rag", "direction", "complete", "partner_links")
COLUMNS = ([*TEXT_FIELDS] + [f"{f}_gbp" for f in MONEY_FIELDS]
           + ["rag", "rag_raw", "direction", "direction_raw", "complete", "partner_links", "partner_links_raw",
              "brackets_printed", "cleaning_flags", "source_line", "source_sheet"])


def parse_chunk(doc: SourceDocument, records: Sequence[tuple], factor: int, extra_flags: dict[int, list[str]],
                offset: int) -> tuple[pd.DataFrame | None, list[InputError], list[tuple[int, str, str | None, int]]]:
    """Type one chunk of a tracker's records, column by column.

    Money is read in the document's unit and made whole pounds.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    records : sequence of tuple
        Per line the printed cells of :data:`FIELDS` (``None`` for a column the header lacks), then
        the line number and sheet.
    factor : int
        1 or -1: turns the signed money fields to the processed sign (negative = saving).
    extra_flags : dict of int to list of str
        Record index (counted from ``offset``) -> notes added to its flags.
    offset : int
        The index of the chunk's first record.

    Returns
    -------
    tuple
        The typed columns as a DataFrame (``None`` when a cell was bad), the errors, and the blank
        cells of :data:`FORMULA_FIELDS` as (record index, field, sheet, line).
    """
    chunk = _Chunk(doc, records, offset)
    chunk.text_columns()
    chunk.money_columns(factor)
    chunk.coded_columns()
    chunk.partner_links()
    if chunk.errors:
        return None, chunk.errors, chunk.blanks
    return chunk.frame(extra_flags), chunk.errors, chunk.blanks


class _Chunk:
    """One chunk of records being typed column by column: the columns made so far (``out``),
    the flags by record, the errors and the blank cells."""

    def __init__(self, doc: SourceDocument, records: Sequence[tuple], offset: int) -> None:
        self.doc, self.offset, self.n = doc, offset, len(records)
        columns = list(zip(*records, strict=True)) if self.n else [()] * (len(FIELDS) + 2)
        self.lines, self.sheets = columns[-2], columns[-1]
        self.by_field = dict(zip(FIELDS, columns[:-2], strict=True))
        self.flags: dict[int, list[str]] = {}
        self.errors: list[InputError] = []
        self.blanks: list[tuple[int, str, str | None, int]] = []
        self.out: dict[str, list | tuple] = {}
        self.bracketed = [False] * self.n
        self.too_long = _long_cells(self.by_field, self.n, self.flags)

    def error(self, i: int, column: str, expected: str, found: str) -> None:
        self.errors.append(InputError(self.doc.path, line=self.lines[i], sheet=self.sheets[i], column=column,
                                      expected=expected, found=found, hint=export_hint(self.doc.path, found)))

    def flag(self, i: int, note: str) -> None:
        self.flags.setdefault(i, []).append(note)

    def blank(self, i: int, name: str) -> None:
        self.blanks.append((self.offset + i, name, self.sheets[i], self.lines[i]))

    def text_columns(self) -> None:
        """Cells past Excel's limit refused (other than long text, flagged); text kept as
        printed; a line without a title refused."""
        for i, name in sorted(self.too_long):
            cell = self.by_field[name][i]
            self.error(i, FIELD_LABELS.get(name, name), f"a cell of at most {EXCEL_CELL_CHARS:,} characters "
                       "(Excel's limit)", f"{excel_length(cell):,} characters: {cell[:40]}")
        for name in TEXT_FIELDS:
            self.out[name] = [t or None for t in self.by_field[name]]
        for i, title in enumerate(self.out["title"]):
            if title is None:
                self.error(i, "Title", "the saving's title", "")
                self.blank(i, "title")

    def money_columns(self, factor: int) -> None:
        """Each money field in whole pounds (each distinct text parsed once); blanks flagged,
        repairs flagged, brackets noted, an unreadable amount refused."""
        unit = "£000" if self.doc.unit == "gbp_thousands" else "£"
        for name in MONEY_FIELDS:
            texts: Sequence[Any] = self.by_field[name]
            if self.too_long:
                texts = [t if (i, name) not in self.too_long else "" for i, t in enumerate(texts)]
            if self.n == 0 or texts[0] is None:  # a column the header lacks
                self.out[f"{name}_gbp"] = [None] * self.n
                continue
            parsed: dict[str, Money] = {t: parse_money(t, self.doc.unit) for t in set(texts)}
            sign = factor if name in SIGNED_FIELDS else 1
            values = {t: (m.low_gbp * sign if m.status == "value" and m.low_gbp is not None else None)
                      for t, m in parsed.items()}
            self.out[f"{name}_gbp"] = [values[t] for t in texts]
            odd = {t for t, m in parsed.items() if m.status != "value" or m.flags or m.bracketed}
            for i, t in enumerate(texts) if odd else ():
                if t in odd:
                    self._odd_money(i, name, parsed[t], unit, t)

    def _odd_money(self, i: int, name: str, m: Money, unit: str, text: str) -> None:
        if m.status == "value":
            self.bracketed[i] = self.bracketed[i] or m.bracketed
            if m.flags:
                self.flags.setdefault(i, []).extend(f"{name}_gbp: {f}" for f in m.flags)
        elif m.status in ("blank", "dash"):
            self.flag(i, f"{name}_gbp: blank cell")
            self.blank(i, name)
        else:
            self.error(i, FIELD_LABELS.get(name, name), f"an amount in {unit} (e.g. -1,595 or (1,595)) or a blank",
                       text)

    def coded_columns(self) -> None:
        """RAG and direction: a printed 0 (or dash) is not a colour or an arrow - read as empty and
        flagged; any other unknown code refused."""
        for name, codes, column, expected, what in CODED:
            texts = [(t or "") if (i, name) not in self.too_long else "" for i, t in enumerate(self.by_field[name])]
            if self.n and self.by_field[name][0] is not None:  # the header has the column
                for i, t in enumerate(texts):
                    if not t:
                        self.blank(i, name)
            lookup = {t: codes.get(t.lower()) if t else None for t in set(texts)}
            self.out[name] = [lookup[t] for t in texts]
            if what:
                self.out[f"{name}_raw"] = [t or None for t in texts]
            if not any(v is None and t for t, v in lookup.items()):
                continue
            for i, t in enumerate(texts):
                if t and lookup[t] is None:
                    if what and t in ("0", "-", "n/a", "N/A"):
                        self.flag(i, f"{name}: {t!r} printed where {what} belongs, read as empty")
                    else:
                        self.error(i, column, expected, t)

    def partner_links(self) -> None:
        links = [t or "" for t in self.by_field["partner_links"]]
        self.out["partner_links"] = [None if t in ("", "0") else t for t in links]
        self.out["partner_links_raw"] = [t or None for t in links]
        for i, t in enumerate(links):
            if t == "0":
                self.flag(i, "partner_links: '0' read as no partner links")

    def frame(self, extra_flags: dict[int, list[str]]) -> pd.DataFrame:
        for index, notes in extra_flags.items():
            if self.offset <= index < self.offset + self.n:
                self.flags.setdefault(index - self.offset, []).extend(notes)
        text_flags: list[str | None] = [None] * self.n
        for i, items in self.flags.items():  # noted column by column, left to right, so already in order
            text_flags[i] = "; ".join(items)
        self.out["brackets_printed"] = self.bracketed
        self.out["cleaning_flags"] = text_flags
        self.out["source_line"], self.out["source_sheet"] = self.lines, self.sheets
        return _frame(self.doc, self.out, self.n)


def _long_cells(by_field: Mapping[str, Sequence[Any]], n: int, flags: dict[int, list[str]]) -> set[tuple[int, str]]:
    """Cells longer than Excel's limit: a text cell of :data:`LONG_TEXT_FIELDS` is flagged in
    ``flags`` (kept whole); any other returned as (record index, field), to be refused."""
    refused: set[tuple[int, str]] = set()
    for name in FIELDS:
        texts = by_field[name]
        if not n or max((len(t) for t in texts if t), default=0) * 2 <= EXCEL_CELL_CHARS:
            continue  # (a character is at most 2 UTF-16 units, Excel's measure)
        for i, t in enumerate(texts):
            if t and len(t) * 2 > EXCEL_CELL_CHARS and (length := excel_length(t)) > EXCEL_CELL_CHARS:
                if name in LONG_TEXT_FIELDS:
                    flags.setdefault(i, []).append(f"{name}: {length:,} characters, longer than Excel's "
                                                   f"{EXCEL_CELL_CHARS:,}-character cell limit; cut in Excel downloads")
                else:
                    refused.add((i, name))
    return refused


def _frame(doc: SourceDocument, out: dict, n: int) -> pd.DataFrame:
    """Typed columns (built through Arrow: a chunk of thousands of lines in milliseconds)."""
    import pyarrow as pa

    from ..assumptions import financial_year as financial_year_of

    frame = pd.DataFrame({
        "period": pd.array([doc.period] * n, dtype="string"),
        "financial_year": pd.array([financial_year_of(doc.period)] * n, dtype="string"),
        "saving_sign": pd.array([doc.saving_sign or "negative"] * n, dtype="string"),
    })
    for name in COLUMNS:
        values = out[name]
        if name.endswith("_gbp") or name == "source_line":
            frame[name] = pd.Int64Dtype().__from_arrow__(pa.array(values, pa.int64()))
        elif name in ("brackets_printed", "complete"):
            frame[name] = pd.array(values, dtype="boolean")
        else:
            frame[name] = pd.StringDtype().__from_arrow__(pa.array(values, pa.large_string()))
    return frame
