"""Finding and reading the public downloads: file names, text encodings, suppression markers.

Each source is recognised by its file name (a glob searched recursively under the source
folder), so ``data/external`` may keep the downloads in any sub-folders; the README suggests the
same layout as the test data.  The rules every reader shares live here:

* CSV text is read as UTF-8 with or without a byte-order mark; a file that is not valid UTF-8
  is read as latin-1 (the s251 outturn files are) and the caller is told, so rows can say so;
* a cell is a figure or a *marker*.  Markers never become zeros: :func:`parse_figure` returns
  ``None`` with the marker, and :data:`MARKERS` says what each one means.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = [
    "MARKERS", "NOT_APPLICABLE", "PATTERNS", "Text", "financial_year", "find", "join_flags", "marker_flag",
    "parse_figure", "read_csv", "require_columns", "round_half_up",
]

#: what a cell that is not a figure means (GSS symbols as DfE, ONS and MHCLG print them)
MARKERS: dict[str, str] = {
    "x": "not available",
    "[x]": "not available",
    "..": "not available",
    "c": "suppressed (confidential)",
    "[c]": "suppressed (confidential)",
    "z": "not applicable",
    "[z]": "not applicable",
    "-": "not available",
    "#VALUE!": "spreadsheet error in the source",
    "": "blank",
}
NOT_APPLICABLE = {"z", "[z]"}

#: source key -> (file name glob, what it is, where to download it)
PATTERNS: dict[str, tuple[str, str]] = {
    "ees_cla": ("cla_number_and_rate_per_10k_children*.csv",
                "DfE Explore Education Statistics 'Children looked after in England including adoptions', "
                "underlying data 'CLA number and rate per 10,000 children' (one file per release)"),
    "sfr_cla": ("SFR*.csv", "DfE statistical first releases SFR27/2010 ... SFR50/2017, LA underlying data (CSV)"),
    "ons_population": ("*population_estimates*.csv",
                       "ONS mid-year population estimates, children aged 0-17 by local authority "
                       "(EES layout: time_period, old_la_code, new_la_code, population_estimate)"),
    "lait_bds": ("bds_long*.parquet", "DfE Local Authority Interactive Tool (LAIT) long data set"),
    "lait_dictionary": ("lait_data_dictionary.csv", "LAIT data dictionary (measure polarity, decimal places)"),
    "sn_xlsx": ("sn_*.xlsx", "DfE children's services statistical neighbour benchmarking tool, 'LA SN Groups' "
                             "sheet (one workbook per model year)"),
    "s251": ("*outturn_[0-9][0-9][0-9][0-9].csv", "DfE section 251 outturn, one CSV per financial year"),
    "ro3": ("RO3_LA_Data_*.ods", "MHCLG revenue outturn RO3 (social care) data by local authority"),
}


def find(source: Path, key: str) -> list[Path]:
    """Every file under ``source`` (recursively) matching the pattern of ``key``, sorted.

    Parameters
    ----------
    source : pathlib.Path
        The folder of downloads.
    key : str
        A key of :data:`PATTERNS`.

    Returns
    -------
    list of pathlib.Path
        The files.
    """
    pattern = PATTERNS[key][0]
    return sorted(p for p in Path(source).rglob(pattern) if p.is_file() and not p.name.startswith("."))


@dataclass(frozen=True)
class Text:
    """A CSV read as text: every cell a string, blanks as ``''``."""

    frame: pd.DataFrame
    encoding: str  # utf-8, utf-8-sig (had a byte-order mark) or latin-1
    path: Path

    @property
    def flags(self) -> list[str]:
        return {"utf-8-sig": ["byte-order mark removed"], "latin-1": ["read as latin-1"]}.get(self.encoding, [])


def read_csv(path: Path) -> Text:
    """A CSV as strings (header kept as printed, stripped of a byte-order mark and spaces).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    Text
        The frame of strings, its encoding and path; ``line`` of a row is ``frame.index + 2``
        (1-based, after the header).
    """
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, expected="a CSV file with a header row", found=str(exc)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return Text(frame, encoding, Path(path))


def require_columns(text: Text, columns: list[str], what: str) -> None:
    """Refuse a release lacking any of ``columns``.

    Parameters
    ----------
    text : Text
        The release as read (:func:`read_csv`).
    columns : list of str
        The columns it must have.
    what : str
        What the file should be, for the error.

    Raises
    ------
    analysis.errors.InputError
        Naming every missing column and the file's first columns.
    """
    missing = [c for c in columns if c not in text.frame.columns]
    if missing:
        raise InputError(text.path, line=1, expected=f"{what} with columns {', '.join(missing)}",
                         found=", ".join(text.frame.columns[:12]))


_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
_NOTE_RE = re.compile(r"^\[note \d+\]$", re.IGNORECASE)  # MHCLG: a note stands where the figure would be


def parse_figure(cell: object, *, path: Path | str = "", line: int | None = None, column: str = "",
                 integer: bool = True) -> tuple[float | int | None, str | None]:
    """``(value, marker)`` for one cell of a release.

    A figure (thousands separators allowed) with marker ``None``, or ``None`` with the marker as
    printed (see :data:`MARKERS`); a blank cell is ``(None, "")``.  Anything else is an error - a
    cell is never guessed to be zero.

    Parameters
    ----------
    cell : object
        The cell's value.
    path : pathlib.Path or str, optional
        The file, named in the error.
    line : int or None, optional
        The line, named in the error.
    column : str, optional
        The column, named in the error.
    integer : bool, optional
        Return a whole figure as an ``int`` (default true).

    Returns
    -------
    tuple of (int or float or None, str or None)
        The value and the marker.

    Raises
    ------
    analysis.errors.InputError
        For a cell that is neither, naming the file, line and column.
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None, ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return (int(cell) if integer and float(cell).is_integer() else cell), None
    text = str(cell).strip()
    if text in MARKERS or _NOTE_RE.match(text):
        return None, text
    plain = text.replace(",", "")
    if _NUMBER_RE.match(plain):
        value = float(plain)
        if integer and value.is_integer():
            return int(value), None
        return value, None
    raise InputError(path, line=line, column=column,
                     expected="a number or a marker (x, c, z, .., [x], #VALUE!, -)", found=text)


def round_half_up(value: float, digits: int = 0) -> float:
    """Round as DfE publishes (half away from zero for positive rates): 120.5 -> 121.

    Parameters
    ----------
    value : float
        The value, e.g. a rate per 10,000 children aged 0-17.
    digits : int, optional
        Decimals to keep.

    Returns
    -------
    float
        The rounded value.
    """
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def marker_flag(column: str, marker: str | None) -> str | None:
    """``'number: c = suppressed (confidential)'`` for a marker, ``None`` for a figure.

    Parameters
    ----------
    column : str
        The column the marker stands in.
    marker : str or None
        The marker as printed (see :data:`MARKERS`).

    Returns
    -------
    str or None
        The flag.
    """
    if marker is None:
        return None
    meaning = MARKERS.get(marker, "a note in the source instead of a figure" if _NOTE_RE.match(marker) else
                          "not a figure")
    return f"{column}: {marker or 'blank'} = {meaning}"


def join_flags(*parts: str | Iterable[str] | None) -> str | None:
    """Flags joined by semicolons, each once, in order; empty ones left out.

    Parameters
    ----------
    *parts : str, iterable of str or None
        Flags, or lists of them.

    Returns
    -------
    str or None
        The joined flags; ``None`` when there are none.
    """
    items: list[str] = []
    for part in parts:
        if part is None:
            continue
        for item in ([part] if isinstance(part, str) else part):
            if item and item not in items:
                items.append(item)
    return "; ".join(items) or None


def financial_year(year_end: int) -> str:
    """The financial year ending in March of ``year_end``: 2013 -> ``2012-13``.

    Parameters
    ----------
    year_end : int
        The calendar year it ends in.

    Returns
    -------
    str
        The financial year, ``YYYY-YY``.
    """
    return f"{year_end - 1}-{year_end % 100:02d}"
