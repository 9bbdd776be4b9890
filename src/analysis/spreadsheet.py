"""The one place the project writes CSV and XLSX files, with spreadsheet formulas neutralised.

Text from a tracker or paper is untrusted.  A cell whose text starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets
(``=HYPERLINK(…)``, ``-2+3+cmd|' /C calc'!A0``).  Every text cell written here that starts with
one of those characters gets a leading ``'`` (OWASP's advice), so it opens as the text it is;
numbers stay numbers (a negative amount in a number column is written as a number, not
prefixed): a signed figure such as ``+37`` is a number to write as a number with a format that
shows its sign (:mod:`analysis.report.workbook`), never text that would need the prefix.
Parquet files are not spreadsheets and keep text unchanged.

``write_csv(frame, path)``
    UTF-8, ``\\n`` line ends, text quoted, missing values empty; byte-identical for equal input.
``write_xlsx({sheet: frame}, path)``
    One worksheet per frame, header row bold and frozen, numbers as numbers, booleans as
    booleans, missing values as empty cells; deterministic bytes (fixed timestamps), so the same
    tables give the same file.

Both write to a temporary file beside ``path`` and rename it into place.

A cell of an XLSX holds at most :data:`EXCEL_CELL_CHARS` characters (Excel's limit, counted in
UTF-16 units as Excel counts them): a longer text is cut to fit, ending with a note saying how
long it was and where the whole text is (:func:`fit_cell`).  CSV and Parquet keep it whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from .needs import needs

__all__ = [
    "EXCEL_CELL_CHARS", "FORMULA_START", "FULL_TEXT_IN", "excel_length", "fit_cell", "neutralise",
    "neutralise_frame", "write_csv", "write_xlsx",
]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
EXCEL_CELL_CHARS = 32_767  # Excel's limit for the text of one cell (UTF-16 units)
FULL_TEXT_IN = "data/processed (the Parquet and CSV tables)"


def excel_length(text: str) -> int:
    """The length of ``text`` as Excel counts it (UTF-16 units: a character beyond U+FFFF is 2).

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    int
        Its length in UTF-16 code units.
    """
    return len(text.encode("utf-16-le")) // 2 if text and not text.isascii() else len(text)


def fit_cell(text: str, full_text_in: str = FULL_TEXT_IN) -> str:
    """``text`` cut, when need be, to fit one Excel cell.

    Unchanged when an Excel cell holds it; else its start, cut to fit with the note
    ``… [cut: 100,000 characters; the full text is in …]`` at its end (at most
    :data:`EXCEL_CELL_CHARS`).  The length stated is the text's before :func:`neutralise` prefixed
    a ``'``.

    Parameters
    ----------
    text : str
        The cell's text.
    full_text_in : str, optional
        Where the reader finds the whole text (named in the note).

    Returns
    -------
    str
        The text, or its start and the note.
    """
    length = excel_length(text)
    if length <= EXCEL_CELL_CHARS:
        return text
    stated = length - 1 if text.startswith("'") and text[1:].startswith(FORMULA_START) else length
    note = f" … [cut: {stated:,} characters; the full text is in {full_text_in}]"
    room = EXCEL_CELL_CHARS - excel_length(note)
    head = text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")  # never half a character
    return head + note


def neutralise(value: object) -> object:
    """``'`` + text for a text cell that a spreadsheet would run as a formula; anything else unchanged.

    Parameters
    ----------
    value : object
        A cell's value.

    Returns
    -------
    object
        The value, text starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return prefixed
        with ``'``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@needs(frame=())  # any columns: every text cell is neutralised
def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text column neutralised.

    Number, boolean and date columns are unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (no column is required).

    Returns
    -------
    pandas.DataFrame
        The copy, text cells passed through :func:`neutralise`.
    """
    out = frame.copy(deep=False)  # columns replaced below, never modified in place
    for column in out.columns:
        series = out[column]
        if not _is_text(series):
            continue
        if series.dtype == object:  # mixed values: only the text cells, numbers stay numbers
            if any(isinstance(v, str) and v.startswith(FORMULA_START) for v in series):
                out[column] = series.map(neutralise).astype(object)
            continue
        text = series.astype("string")
        risky = text.str.startswith(FORMULA_START).fillna(False).astype(bool)
        if risky.any():
            out[column] = text.where(~risky, "'" + text)
    return out


@needs(frame=())  # any columns
def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    r"""Write ``frame`` as CSV (no index), text cells neutralised.

    Written by Arrow's CSV writer (about 30x faster than pandas' for a 200,000-line tracker):
    UTF-8, ``\n`` line ends, every text value in double quotes (so an empty text ``""`` differs
    from a missing value, written as nothing), numbers bare, booleans ``true``/``false``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (no column is required).
    path : str or os.PathLike
        The file to write (replaced atomically).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = Path(path)
    safe = neutralise_frame(frame)
    with _atomic(path) as tmp:
        try:
            table = pa.Table.from_pandas(safe, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed object columns: pandas writes anything
            safe.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        else:
            pacsv.write_csv(table.replace_schema_metadata(None), tmp)
    return path


@needs(sheets=())  # a mapping of sheet name -> DataFrame, any columns
def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | os.PathLike[str], *,
               column_width: int | None = None,
               number_formats: Mapping[str, Mapping[str, str | Sequence[str | None]]] | None = None,
               full_text_in: str = FULL_TEXT_IN) -> Path:
    r"""Write each frame to its own worksheet.

    Sheet names are cut to Excel's 31 characters (``[]:*?/\`` replaced), the header is bold and
    frozen, text cells are neutralised, then cut to Excel's cell limit with a note naming
    ``full_text_in`` as where the whole text is (:func:`fit_cell`); numbers stay numbers.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name -> its table (any columns).
    path : str or os.PathLike
        The workbook to write (replaced atomically).
    column_width : int or None, optional
        Every column's width in characters; by default widths follow the header and the first 200
        values, capped at 60.
    number_formats : mapping or None, optional
        A sheet's name -> {column: Excel number format} for its numeric cells (e.g. ``'#,##0'``),
        or -> {column: a format (or None) for each row} where a column's rows differ.
    full_text_in : str, optional
        Where the reader finds a cut text in full.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for name, frame in sheets.items():
        title = _sheet_title(str(name), used)
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        frame = neutralise_frame(frame)
        for i, column in enumerate(frame.columns, start=1):
            width = column_width or min(60, max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2)
            sheet.column_dimensions[_letter(i)].width = width
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=str(column))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [(number_formats or {}).get(name, {}).get(column) for column in frame.columns]
        for i, row in enumerate(frame.itertuples(index=False, name=None)):
            values = [_cell_value(v, full_text_in) for v in row]
            if any(formats):
                values = [_formatted(sheet, v, f if f is None or isinstance(f, str) else f[i])
                          for v, f in zip(values, formats, strict=True)]
            sheet.append(values)
    if not sheets:
        workbook.create_sheet("empty")
    workbook.properties.creator = "council-finance-analysis"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2000, 1, 1)
    with _atomic(path) as tmp:
        workbook.save(tmp)
        _fix_zip_times(tmp)
    return path


def _formatted(sheet: object, value: object, number_format: str | None) -> object:
    """A write-only cell carrying ``number_format`` when the value is a number."""
    if number_format is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _cell_value(value: object, full_text_in: str = FULL_TEXT_IN) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    value = neutralise(value)
    if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS // 2:
        return fit_cell(value, full_text_in)
    return value


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def _sheet_title(name: str, used: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub("_", name).strip("'") or "sheet"
    title, n = base[:31], 1
    while title.lower() in used:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}~{n}"
    used.add(title.lower())
    return title


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _fix_zip_times(path: Path) -> None:
    """Rewrite the zip with fixed entry times and a fixed 'modified' property (openpyxl stamps
    the time of saving), so equal workbooks are equal bytes."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    entries = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
                if info.filename == "docProps/core.xml" else data) for info, data in entries]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file would be, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
