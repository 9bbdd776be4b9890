"""Rows of a savings tracker as delivered: a paper's text extract, a CSV export or an XLSX workbook.

Each source yields :class:`Row` objects one at a time (a 200,000-line tracker is never held as
a list of rows), each carrying where it came from - its 1-based line (text, CSV: the line the
record starts on) or its worksheet and row (XLSX) - and its cells as text.

What is refused here, by name (an :class:`~analysis.errors.InputError`):

* a file whose bytes are not text in UTF-8 (with or without a BOM), UTF-16 (with a BOM) or
  Windows-1252 - e.g. UTF-32, UTF-16 without a BOM, a binary file, or UTF-8 with a broken byte;
* a password-protected (encrypted) workbook, a legacy Excel 97-2003 ``.xls`` workbook, and a
  file with an ``.xlsx`` name that is not a workbook;
* a CSV record left open by an unbalanced quote (a file cut off inside a quoted cell).

A cell is read whole however long (a CSV's fields are not held to the ``csv`` module's default
131,072 characters); what a cell longer than Excel's 32,767 characters means is decided with
its column (:mod:`.tracker_cells`: text kept and flagged, anything else refused).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError
from .text_tables import decode_text

__all__ = [
    "EXCEL_ERRORS", "OLE_MAGIC", "Row", "cell_text", "check_workbook_file", "ends_with_line_break",
    "formulas_at", "rows_from_csv", "rows_from_text", "rows_from_xlsx", "rows_of",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_ERRORS = frozenset(("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA"))


class Row(NamedTuple):
    """One row as delivered: where it came from and its cells as text."""

    line: int  # line number (text, CSV) or row number (XLSX)
    cells: tuple[str, ...]
    sheet: str | None = None
    hidden: bool = False  # on a hidden worksheet


def rows_from_text(path: Path) -> Iterator[Row]:
    """A paper's text extract: one line per row, cells separated by tabs.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Yields
    ------
    Row
        Each row as delivered: its line (or row) number, its cells as text and its sheet.
    """
    text, _ = decode_text(path, Path(path).read_bytes())
    for number, line in enumerate(text.split("\n"), start=1):
        yield Row(number, tuple(map(str.strip, line.rstrip("\r").split("\t"))))


def rows_from_csv(path: Path) -> Iterator[Row]:
    """A CSV export (``,`` ``;`` or TAB, whichever the header line uses most; Excel's quoting).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Yields
    ------
    Row
        Each row as delivered: its line (or row) number, its cells as text and its sheet.
    """
    text, _ = decode_text(path, Path(path).read_bytes())
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    if csv.field_size_limit() < len(text):  # a field as long as the file is read (the limit is only raised)
        csv.field_size_limit(len(text))
    # Lines fed one by one (a StringIO would hold a second, 4-bytes-a-character copy of the file).
    reader = csv.reader(_lines(text), dialect=csv.excel, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, line=start, expected="a complete CSV record (every quoted cell closed)",
                             found=f"{exc} - the file may be cut off") from None
        yield Row(start, tuple(map(str.strip, record)))
        start = reader.line_num + 1


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ``\n`` (only ``\n`` ends a line, as in a CSV file)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start: end + 1]
        start = end + 1


def ends_with_line_break(path: Path) -> bool:
    r"""Whether the file's last byte is a line break (a CSV export always ends with one).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    bool
        True when it ends with ``\n`` or ``\r`` (or the NUL byte of a UTF-16 ``\n``), or is empty.
    """
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return True
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r", b"\x00")  # UTF-16 ends '\n\x00'


def check_workbook_file(path: Path) -> None:
    """Refuse, by name, what cannot be read as an ``.xlsx`` workbook.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Raises
    ------
    analysis.errors.InputError
        For a legacy or encrypted workbook, or a file that is no workbook.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:  # an OLE compound file: a legacy workbook, or an encrypted OOXML one
        data = Path(path).read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(path, expected="a workbook without a password (save a copy without one, or export "
                             "CSV)", found="a password-protected (encrypted) workbook")
        raise InputError(path, expected="an Excel workbook in .xlsx format (open it in Excel and save as .xlsx or "
                         "CSV)", found="a legacy Excel 97-2003 (.xls) file")
    if not zipfile.is_zipfile(path):
        raise InputError(path, expected="an Excel workbook (.xlsx, a zip file)",
                         found="a damaged or truncated workbook (its zip directory is missing)"
                         if head.startswith(b"PK") else "a file that is not a workbook (text or CSV saved under an "
                         ".xlsx name?)" if head else "an empty file")


def rows_from_xlsx(path: Path) -> Iterator[Row]:
    """Every row of every worksheet, values as Excel last saved them (``data_only``).

    Parameters
    ----------
    path : pathlib.Path
        The workbook.

    Yields
    ------
    Row
        Each row as delivered: its line (or row) number, its cells as text and its sheet.
    """
    from openpyxl import load_workbook

    check_workbook_file(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise InputError(path, expected="an Excel workbook (.xlsx) that opens",
                         found=f"a damaged workbook ({type(exc).__name__})") from None
    try:
        for sheet in workbook.worksheets:
            hidden = getattr(sheet, "sheet_state", "visible") != "visible"
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield Row(number, tuple(cell_text(v) for v in values), sheet.title, hidden)
            except (zipfile.BadZipFile, EOFError, KeyError, ValueError) as exc:
                raise InputError(path, sheet=sheet.title, expected="a worksheet that reads to its end",
                                 found=f"a damaged or truncated workbook ({type(exc).__name__})") from None
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """An XLSX cell value as the text a CSV export would hold.

    Parameters
    ----------
    value : object
        The cell's value (as Excel last saved it).

    Returns
    -------
    str
        Its text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def formulas_at(path: Path, wanted: set[tuple[str, int, int]]) -> dict[tuple[str, int, int], str]:
    """The formulas in cells that read as empty.

    For (sheet, row, column index) cells that read as empty: the formula there, if any (a cell
    written by a program that saved a formula but no value for it).

    Parameters
    ----------
    path : pathlib.Path
        The workbook.
    wanted : set of tuple of (str, int, int)
        The cells, as (sheet, row, column index).

    Returns
    -------
    dict
        Cell -> its formula, for those that hold one.
    """
    from openpyxl import load_workbook

    found: dict[tuple[str, int, int], str] = {}
    sheets = {s for s, _, _ in wanted}
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in workbook.worksheets:
            if sheet.title not in sheets:
                continue
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                for i, value in enumerate(values):
                    if (sheet.title, number, i) in wanted and isinstance(value, str) and value.startswith("="):
                        found[(sheet.title, number, i)] = value
    finally:
        workbook.close()
    return found


def rows_of(path: Path) -> Iterator[Row]:
    """The rows of a delivered tracker, read by its extension (.txt, .csv/.tsv or .xlsx/.xlsm).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    iterator of Row
        Its rows (:func:`rows_from_text`, :func:`rows_from_csv` or :func:`rows_from_xlsx`).

    Raises
    ------
    analysis.errors.InputError
        For a legacy ``.xls`` workbook or any other extension.
    """
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text"):
        return rows_from_text(path)
    if suffix in (".csv", ".tsv"):
        return rows_from_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return rows_from_xlsx(path)
    if suffix == ".xls":
        raise InputError(path, expected="an Excel workbook in .xlsx format (open it in Excel and save as .xlsx or "
                         "CSV)", found="a legacy Excel 97-2003 (.xls) file")
    raise InputError(path, expected="a savings tracker as .txt (paper extract), .csv or .xlsx",
                     found=f"a {suffix or 'extension-less'} file")

