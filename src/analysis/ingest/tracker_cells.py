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
#: (field, values, column as printed, expected, what it is - None: no *_raw column kept)
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
    """``records``: per line the printed cells of :data:`FIELDS` (``None`` for a column the
    header lacks), then the line number and sheet.  Returns the typed columns (``None`` when a
    cell was bad), the errors, and the blank cells of :data:`FORMULA_FIELDS` (record index,
    field, sheet, line).  ``extra_flags`` (record index, counted from ``offset``, -> notes) are
    added to the flags."""
    n = len(records)
    columns = list(zip(*records)) if n else [()] * (len(FIELDS) + 2)
    lines, sheets = columns[-2], columns[-1]
    by_field = dict(zip(FIELDS, columns))
    flags: dict[int, list[str]] = {}
    errors: list[InputError] = []
    blanks: list[tuple[int, str, str | None, int]] = []
    out: dict[str, list | tuple] = {}

    def error(i: int, column: str, expected: str, found: str) -> None:
        errors.append(InputError(doc.path, line=lines[i], sheet=sheets[i], column=column, expected=expected,
                                 found=found, hint=export_hint(doc.path, found)))

    too_long = _long_cells(by_field, n, flags)
    for i, name in too_long:
        error(i, FIELD_LABELS.get(name, name), f"a cell of at most {EXCEL_CELL_CHARS:,} characters (Excel's limit)",
              f"{excel_length(by_field[name][i]):,} characters: {by_field[name][i][:40]}")
    for name in TEXT_FIELDS:
        out[name] = [t or None for t in by_field[name]]
    for i, title in enumerate(out["title"]):
        if title is None:
            error(i, "Title", "the saving's title", "")
            blanks.append((offset + i, "title", sheets[i], lines[i]))

    bracketed = [False] * n
    texts: Sequence[Any]
    unit = "£000" if doc.unit == "gbp_thousands" else "£"
    for name in MONEY_FIELDS:
        texts = by_field[name]
        if too_long:
            texts = [t if (i, name) not in too_long else "" for i, t in enumerate(texts)]
        if n == 0 or texts[0] is None:  # a column the header lacks
            out[f"{name}_gbp"] = [None] * n
            continue
        parsed: dict[str, Money] = {t: parse_money(t, doc.unit) for t in set(texts)}
        sign = factor if name in SIGNED_FIELDS else 1
        values = {t: (m.low_gbp * sign if m.status == "value" and m.low_gbp is not None else None)
                  for t, m in parsed.items()}
        out[f"{name}_gbp"] = [values[t] for t in texts]
        odd = {t for t, m in parsed.items() if m.status != "value" or m.flags or m.bracketed}
        if not odd:
            continue
        for i, t in enumerate(texts):
            if t not in odd:
                continue
            m = parsed[t]
            if m.status == "value":
                bracketed[i] = bracketed[i] or m.bracketed
                if m.flags:
                    flags.setdefault(i, []).extend(f"{name}_gbp: {f}" for f in m.flags)
            elif m.status in ("blank", "dash"):
                flags.setdefault(i, []).append(f"{name}_gbp: blank cell")
                blanks.append((offset + i, name, sheets[i], lines[i]))
            else:
                error(i, FIELD_LABELS.get(name, name), f"an amount in {unit} (e.g. -1,595 or (1,595)) or a blank", t)

    # Coded columns: a printed 0 (or dash) is not a colour or an arrow - read as empty and flagged.
    for name, codes, column, expected, what in CODED:
        texts = [(t or "") if (i, name) not in too_long else "" for i, t in enumerate(by_field[name])]
        if n and by_field[name][0] is not None:  # the header has the column
            blanks.extend((offset + i, name, sheets[i], lines[i]) for i, t in enumerate(texts) if not t)
        lookup = {t: codes.get(t.lower()) if t else None for t in set(texts)}
        out[name] = [lookup[t] for t in texts]
        if what:
            out[f"{name}_raw"] = [t or None for t in texts]
        if any(v is None and t for t, v in lookup.items()):
            for i, t in enumerate(texts):
                if t and lookup[t] is None:
                    if what and t in ("0", "-", "n/a", "N/A"):
                        flags.setdefault(i, []).append(f"{name}: {t!r} printed where {what} belongs, read as empty")
                    else:
                        error(i, column, expected, t)
    links = [t or "" for t in by_field["partner_links"]]
    out["partner_links"] = [None if t in ("", "0") else t for t in links]
    out["partner_links_raw"] = [t or None for t in links]
    for i, t in enumerate(links):
        if t == "0":
            flags.setdefault(i, []).append("partner_links: '0' read as no partner links")
    if errors:
        return None, errors, blanks

    for index, notes in extra_flags.items():
        if offset <= index < offset + n:
            flags.setdefault(index - offset, []).extend(notes)
    text_flags: list[str | None] = [None] * n
    for i, items in flags.items():  # noted column by column, left to right, so already in order
        text_flags[i] = "; ".join(items)
    out["brackets_printed"] = bracketed
    out["cleaning_flags"] = text_flags
    out["source_line"], out["source_sheet"] = lines, sheets
    return _frame(doc, out, n), errors, blanks


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
