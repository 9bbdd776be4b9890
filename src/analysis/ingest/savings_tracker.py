"""Savings trackers -> the ``savings_tracker`` table.

One reader for every form a tracker arrives in: the text extract of a committee paper (cells
separated by tabs, the header and a totals row repeated on every page), a CSV export, or an
XLSX workbook (one or several sheets).  Rows from any of them go through the same header
matching, row classification and cell cleaning, so a tracker ingests identically whatever its
format.

Money in the output is **whole pounds** (``*_gbp``, nullable integer).  The sign is kept as the
tracker prints it: **negative = a saving** (a reduction in spend), positive = a cost or
investment; ``variance_gbp`` is as printed, which in the Cambridgeshire tracker is forecast minus
plan, so a positive variance is a shortfall against the planned saving.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import assumptions
from ..errors import InputError, InputErrors
from ..manifest import SourceDocument
from ..money import parse_money
from ..reconcile import Checks
from .text_tables import month_number, read_lines

QUARTERS = ("q1", "q2", "q3", "q4")
MONEY_FIELDS = (
    ["investment"]
    + [f"planned_{q}" for q in QUARTERS] + ["planned_total"]
    + [f"forecast_{q}" for q in QUARTERS] + ["forecast_total"]
    + ["variance"]
)
TEXT_FIELDS = ("reference", "title", "description", "committee", "complete", "rag", "direction",
               "commentary", "partner_links")
REQUIRED_FIELDS = ("reference", "title", "committee", *(f for f in MONEY_FIELDS if f != "investment"), "rag",
                   "direction")
FIELD_LABELS = {
    "investment": "Investment", "planned_total": "Original Saving", "forecast_total": "Forecast Saving",
    "variance": "Variance from Plan", "complete": "Saving complete?", "rag": "RAG",
    "direction": "Direction of travel", "commentary": "Forecast Commentary",
    "partner_links": "Links with partner organisations",
    **{f"planned_{q}": f"Original Phasing - {q.upper()}" for q in QUARTERS},
    **{f"forecast_{q}": f"Current Forecast Phasing - {q.upper()}" for q in QUARTERS},
}

# Header text (normalised: lower case, single spaces, no punctuation, no £000, no year) -> field.
_HEADER_PATTERNS: list[tuple[str, str]] = [
    (r"^(saving )?(reference|ref|ref no|reference no|id)$", "reference"),
    (r"^(saving )?(title|name|proposal)$", "title"),
    (r"^description$", "description"),
    (r"^(lead )?committee$", "committee"),
    (r"^investment$", "investment"),
    *[(rf"^(original|planned|plan)( phasing)? {q}$", f"planned_{q}") for q in QUARTERS],
    (r"^(original|planned|plan) (saving|total|saving total)$", "planned_total"),
    *[(rf"^(current )?forecast( phasing)? {q}$", f"forecast_{q}") for q in QUARTERS],
    (r"^(current )?forecast (saving|total|saving total)$", "forecast_total"),
    (r"^variance( from plan)?$", "variance"),
    (r"^(saving )?complete$", "complete"),
    (r"^(rag|rag status|rag rating)$", "rag"),
    (r"^direction( of travel)?$", "direction"),
    (r"^(forecast )?commentary$", "commentary"),
    (r"^(links with partner organisations|partner links|partners)$", "partner_links"),
]

RAG_VALUES = {"red": "Red", "r": "Red", "amber": "Amber", "a": "Amber", "green": "Green", "g": "Green"}
DIRECTION_VALUES = {
    "↑": "improving", "⬆": "improving", "improving": "improving", "up": "improving",
    "↔": "unchanged", "⬌": "unchanged", "↕": "unchanged", "unchanged": "unchanged", "same": "unchanged",
    "no change": "unchanged",
    "↓": "worsening", "⬇": "worsening", "worsening": "worsening", "down": "worsening",
}
COMPLETE_VALUES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


@dataclass(frozen=True)
class Row:
    """One row as delivered: where it came from and its cells as text."""

    line: int  # line number (text, CSV) or row number (XLSX)
    cells: tuple[str, ...]
    sheet: str | None = None


def normalise_header(text: str) -> str:
    t = str(text).lower().replace("\n", " ").replace("_", " ")
    t = re.sub(r"£\s*'?000|£k|\(£\)|£", " ", t)
    t = re.sub(r"\b\d{2,4}\s*[-/]\s*\d{2,4}\b", " ", t)  # 17-18, 2017/18
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    return " ".join(t.split())


def match_header(text: str) -> str | None:
    norm = normalise_header(text)
    for pattern, name in _HEADER_PATTERNS:
        if re.match(pattern, norm):
            return name
    return None


def header_mapping(cells: Iterable[str]) -> dict[str, int] | None:
    """Field -> column index when ``cells`` look like a tracker header row, else ``None``."""
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = match_header(cell) if cell else None
        if name and name not in mapping:
            mapping[name] = i
    if "reference" in mapping and len(mapping) >= 6:
        return mapping
    return None


# ---------------------------------------------------------------------------------------------
# Row sources


def rows_from_text(path: Path) -> list[Row]:
    return [Row(line.number, tuple(line.cells)) for line in read_lines(path)]


def rows_from_csv(path: Path) -> list[Row]:
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel on Windows writes CSV in this code page
    first_line = text.split("\n", 1)[0]
    # The delimiter is whichever of , ; TAB the header uses most; quoting is Excel's (doubled quotes).
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)
    rows, start = [], 1
    for record in reader:
        rows.append(Row(start, tuple(c.strip() for c in record)))
        start = reader.line_num + 1
    return rows


def rows_from_xlsx(path: Path) -> list[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise InputError(path, expected="an Excel workbook (.xlsx) that opens", found=type(exc).__name__) from None
    rows: list[Row] = []
    try:
        for sheet in workbook.worksheets:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append(Row(number, tuple(_cell_text(v) for v in values), sheet.title))
    finally:
        workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def rows_of(doc: SourceDocument) -> list[Row]:
    suffix = doc.path.suffix.lower()
    if suffix in (".txt", ".text"):
        return rows_from_text(doc.path)
    if suffix in (".csv", ".tsv"):
        return rows_from_csv(doc.path)
    if suffix in (".xlsx", ".xlsm"):
        return rows_from_xlsx(doc.path)
    raise InputError(doc.path, expected="a savings tracker as .txt (paper extract), .csv or .xlsx",
                     found=f"a {suffix or 'extension-less'} file")


# ---------------------------------------------------------------------------------------------
# Parsing


def read_savings_tracker(doc: SourceDocument, checks: Checks) -> pd.DataFrame:
    """Read one tracker file into ``savings_tracker`` rows and add its reconciliation checks."""
    rows = rows_of(doc)
    _check_stated_period(doc, rows)
    return parse_tracker_rows(doc, rows, checks)


def parse_tracker_rows(doc: SourceDocument, rows: list[Row], checks: Checks) -> pd.DataFrame:
    errors: list[InputError] = []
    headers = _locate_headers(rows)
    if not headers:
        raise InputError(doc.path, expected="a header row naming Reference, Title, Committee, the planned and "
                         "forecast phasing Q1-Q4 and totals, Variance, RAG and Direction of travel",
                         found="no such row")
    for (sheet, index), mapping in headers.items():
        missing = [f for f in REQUIRED_FIELDS if f not in mapping]
        if missing:
            row = rows[index]
            errors.append(InputError(doc.path, line=row.line, sheet=row.sheet,
                                     expected="tracker columns " + ", ".join(FIELD_LABELS.get(f, f.title()) for f in missing),
                                     found="header without them: " + " | ".join(c for c in row.cells if c)))
        errors += _unit_conflicts(doc, rows[index], mapping)
    InputErrors.raise_if_any(errors)

    records: list[dict] = []
    totals: list[tuple[Row, dict[str, int | None], bool]] = []
    first_seen: dict[str, dict] = {}
    for index, row in enumerate(rows):
        if (row.sheet, index) in headers or not any(row.cells):
            continue
        mapping = _mapping_for(headers, row.sheet, index)
        if mapping is None:  # a sheet without any tracker header: not part of the tracker
            continue
        kind = _classify(row, mapping)
        preamble = all(i > index for (s, i) in headers if s == row.sheet)
        if kind == "group_header" or (preamble and kind != "totals"):
            continue  # column-group captions, and titles above the first header
        if kind == "totals":
            try:
                values, shifted = _totals_values(doc, row, mapping)
            except InputError as exc:
                errors.append(exc)
                continue
            totals.append((row, values, shifted))
            continue
        if kind == "unknown":
            errors.append(InputError(doc.path, line=row.line, sheet=row.sheet,
                                     column=FIELD_LABELS.get("reference", "Reference"),
                                     expected="a saving line starting with its reference, a header row or a totals row",
                                     found=" | ".join(c for c in row.cells if c)))
            continue
        record, row_errors = _parse_line(doc, row, mapping)
        errors += row_errors
        if row_errors:
            continue
        ref = record["reference"]
        if ref in first_seen:
            earlier = first_seen[ref]
            if _same_line(earlier, record):
                earlier["cleaning_flags"] = _join_flags(
                    earlier["cleaning_flags"], f"reference: repeated at {_where(row)} and dropped (page break)")
                continue
            errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column="Reference",
                                     expected=f"each reference once (also at {_where_record(earlier)}) with the same figures",
                                     found=ref))
            continue
        first_seen[ref] = record
        records.append(record)
    InputErrors.raise_if_any(errors)
    if not records:
        raise InputError(doc.path, expected="at least one saving line under the header", found="none")

    frame = _frame(doc, records)
    _add_checks(doc, frame, totals, checks)
    return frame


def _locate_headers(rows: list[Row]) -> dict[tuple[str | None, int], dict[str, int]]:
    return {(row.sheet, i): m for i, row in enumerate(rows) if (m := header_mapping(row.cells))}


def _mapping_for(headers: dict, sheet: str | None, index: int) -> dict[str, int] | None:
    """The header in force for a row: the last one above it on its sheet, else the next one below
    (a paper prints each page's totals row above that page's header)."""
    same_sheet = sorted(i for (s, i) in headers if s == sheet)
    above = [i for i in same_sheet if i < index]
    if above:
        return headers[(sheet, above[-1])]
    below = [i for i in same_sheet if i > index]
    return headers[(sheet, below[0])] if below else None


def _cell(row: Row, mapping: dict[str, int], name: str) -> str:
    i = mapping.get(name)
    if i is None or i >= len(row.cells):
        return ""
    return row.cells[i].strip()


def _is_number(text: str) -> bool:
    return parse_money(text).status == "value"


def _classify(row: Row, mapping: dict[str, int]) -> str:
    ref = _cell(row, mapping, "reference")
    non_empty = [c for c in row.cells if c]
    numbers = [c for c in non_empty if _is_number(c)]
    words = [c for c in non_empty if not _is_number(c)]
    if (not ref or ref.lower().startswith("total")) and len(numbers) >= 3 and all(
            w.lower().startswith(("total", "grand total")) for w in words):
        return "totals"
    if not ref and not numbers and all(re.search(r"£|planned|forecast|original|current|phasing", w, re.I) for w in words):
        return "group_header"
    if ref and not ref.lower().startswith("total"):
        return "line"
    return "unknown"


def _totals_values(doc: SourceDocument, row: Row, mapping: dict[str, int]) -> tuple[dict[str, int | None], bool]:
    """Figures of a totals row by field.  Aligned by column when the figures sit under the
    money columns; by order when extraction shifted them (``shifted=True``)."""
    money_fields = sorted((f for f in MONEY_FIELDS if f in mapping), key=lambda f: mapping[f])
    positions = {i for i, c in enumerate(row.cells) if c and _is_number(c)}
    money_positions = {mapping[f] for f in money_fields}
    if positions and positions <= money_positions:
        return {f: parse_money(_cell(row, mapping, f), doc.unit).value_gbp for f in money_fields}, False
    figures = [c for c in row.cells if c and _is_number(c)]
    if len(figures) == len(money_fields):
        return {f: parse_money(c, doc.unit).value_gbp for f, c in zip(money_fields, figures)}, True
    raise InputError(doc.path, line=row.line, sheet=row.sheet, column="totals row",
                     expected=f"{len(money_fields)} figures ({', '.join(FIELD_LABELS.get(f, f) for f in money_fields)})"
                     " or figures under the money columns",
                     found=f"{len(figures)} figures: " + " | ".join(figures))


def _parse_line(doc: SourceDocument, row: Row, mapping: dict[str, int]) -> tuple[dict, list[InputError]]:
    errors: list[InputError] = []
    flags: list[str] = []
    record: dict = {"source_line": row.line, "source_sheet": row.sheet}
    width = max(mapping.values()) + 1
    extra = [c for c in row.cells[width:] if c]
    if extra:
        errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column=f"beyond column {width}",
                                 expected="no cells to the right of the last header column (a shifted row?)",
                                 found=" | ".join(extra)))
    for name in ("reference", "title", "description", "committee", "commentary"):
        record[name] = _cell(row, mapping, name) or None
    for name in MONEY_FIELDS:
        text = _cell(row, mapping, name)
        if name not in mapping:
            record[f"{name}_gbp"] = None
            continue
        money = parse_money(text, doc.unit)
        if money.status == "value":
            record[f"{name}_gbp"] = money.value_gbp
            flags += [f"{name}_gbp: {f}" for f in money.flags]
        elif money.status in ("blank", "dash"):
            record[f"{name}_gbp"] = None
            flags.append(f"{name}_gbp: blank cell")
        else:
            errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column=FIELD_LABELS.get(name, name),
                                     expected=f"an amount in {'£000' if doc.unit == 'gbp_thousands' else '£'} "
                                     "(negative = saving) or a blank", found=text))
    # Coded columns: a printed 0 (or dash) is not a colour or an arrow - read as empty and flagged.
    for name, values, column, expected, what in (
            ("rag", RAG_VALUES, "RAG", "Red, Amber, Green or blank", "a colour"),
            ("direction", DIRECTION_VALUES, "Direction of travel",
             "↑ (improving), ↔ (unchanged), ↓ (worsening) or blank", "an arrow"),
            ("complete", COMPLETE_VALUES, "Saving complete?", "Yes, No or blank", None)):
        raw = _cell(row, mapping, name)
        if what:
            record[f"{name}_raw"] = raw or None
        record[name] = None
        if raw.lower() in values:
            record[name] = values[raw.lower()]
        elif raw and what and raw in ("0", "-", "n/a", "N/A"):
            flags.append(f"{name}: {raw!r} printed where {what} belongs, read as empty")
        elif raw:
            errors.append(InputError(doc.path, line=row.line, sheet=row.sheet, column=column, expected=expected,
                                     found=raw))
    links = _cell(row, mapping, "partner_links")
    record["partner_links_raw"] = links or None
    if links == "0":
        record["partner_links"] = None
        flags.append("partner_links: '0' read as no partner links")
    else:
        record["partner_links"] = links or None
    record["cleaning_flags"] = "; ".join(flags) or None
    return record, errors


def _same_line(a: dict, b: dict) -> bool:
    ignore = {"source_line", "source_sheet", "cleaning_flags"}
    return all(a.get(k) == b.get(k) for k in set(a) | set(b) if k not in ignore)


def _where(row: Row) -> str:
    return f"sheet {row.sheet!r} row {row.line}" if row.sheet else f"line {row.line}"


def _where_record(record: dict) -> str:
    return (f"sheet {record['source_sheet']!r} row {record['source_line']}" if record["source_sheet"]
            else f"line {record['source_line']}")


def _join_flags(existing: str | None, new: str) -> str:
    return f"{existing}; {new}" if existing else new


def _unit_conflicts(doc: SourceDocument, row: Row, mapping: dict[str, int]) -> list[InputError]:
    says_thousands = any(re.search(r"£\s*'?000|£k", row.cells[i], re.I) for i in mapping.values() if i < len(row.cells))
    if says_thousands and doc.unit != "gbp_thousands":
        return [InputError(doc.path, line=row.line, sheet=row.sheet, column="header",
                           expected=f"money in pounds as the manifest says (unit={doc.unit})",
                           found="a header in £000 - set unit=gbp_thousands in the manifest")]
    return []


def _check_stated_period(doc: SourceDocument, rows: list[Row]) -> None:
    """A paper that says 'as at October 2017' must be registered for period 2017-10."""
    for row in rows[:10]:
        text = " ".join(row.cells)
        m = re.search(r"as at\s+([A-Za-z]+)\s+(\d{4})", text)
        if m and month_number(m.group(1)):
            stated = f"{m.group(2)}-{month_number(m.group(1)):02d}"
            if doc.period and stated != doc.period:
                raise InputError(doc.path, line=row.line, sheet=row.sheet,
                                 expected=f"the period registered in the manifest ({doc.period})",
                                 found=f"'{m.group(0)}' ({stated})")
            return


def financial_year_of(period: str) -> str:
    """``2017-10`` -> ``2017-18`` (the financial-year rule of :mod:`analysis.assumptions`)."""
    return assumptions.financial_year(period)


def _frame(doc: SourceDocument, records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    frame.insert(0, "authority", doc.authority)
    frame.insert(1, "period", doc.period)
    frame.insert(2, "financial_year", financial_year_of(doc.period))
    frame["document"] = doc.document
    frame["source_file"] = doc.file
    return frame


def _add_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
    table = "savings_tracker"
    for rec in frame.itertuples(index=False):
        line = int(rec.source_line)
        where = f" ({rec.reference})"
        for side in ("planned", "forecast"):
            quarters = [getattr(rec, f"{side}_{q}_gbp") for q in QUARTERS]
            stated = getattr(rec, f"{side}_total_gbp")
            computed = None if any(pd.isna(q) for q in quarters) else sum(int(q) for q in quarters)
            checks.add(document=doc.document, table=table, item=f"{rec.reference}: {side} Q1-Q4 = {side} total",
                       kind="total", stated=_opt(stated), computed=computed, unit="gbp",
                       source_file=doc.file, source_line=line,
                       note="" if computed is not None else "a quarter is blank" + where)
        p, f, v = rec.planned_total_gbp, rec.forecast_total_gbp, rec.variance_gbp
        computed = None if pd.isna(p) or pd.isna(f) else int(f) - int(p)
        checks.add(document=doc.document, table=table, item=f"{rec.reference}: variance = forecast - planned",
                   kind="difference", stated=_opt(v), computed=computed, unit="gbp",
                   source_file=doc.file, source_line=line)
    for page, (row, values, shifted) in enumerate(totals, start=1):
        for name, stated in values.items():
            column = frame[f"{name}_gbp"]
            computed = None if column.isna().all() else int(column.sum())
            note = "totals row printed on every page; compared with the sum of every saving line"
            if shifted:
                note += "; figures shifted left of their columns in the extract, aligned by order"
            checks.add(document=doc.document, table=table,
                       item=f"totals row {page} ({_where(row)}): {FIELD_LABELS.get(name, name)}",
                       kind="total", stated=stated, computed=computed, unit="gbp",
                       source_file=doc.file, source_line=row.line, note=note)


def _opt(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def iter_tracker_documents(docs: Iterable[SourceDocument]) -> Iterator[SourceDocument]:
    return (d for d in docs if d.kind == "savings_tracker")
