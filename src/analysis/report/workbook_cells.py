"""What a workbook cell holds: a figure as a number, at the precision the page shows it, with an
Excel number format that shows it as the page does.

A report's table reaches the workbook twice: as data (every row, values as the notebook had them,
money in whole pounds) and as the page's HTML (the first rows, each figure written in the pack's
style).  :func:`page_tables` reads the page's tables back (each column's heading, whether it is
a figure column - ``th class="num"`` - and each cell's text) and :func:`column_cells` decides,
column by column:

* **a figure column on the page** (or a column of numbers): every value a number.  Money
  (``_gbp``, or shown in ``£``) in whole pounds with a ``£`` format; anything else rounded to
  the decimals the page shows (``74.7`` -> one decimal, ``117`` for 116.7066 children -> an
  integer); a column whose page shows ``+`` on its positive figures gets a format that shows the
  sign (``+#,##0``); ``%`` stays a number of per cent (``81`` shown ``81%``).
* **text that is a figure** in the pack's styles (:func:`figure`: ``£21,520``, ``96.57``,
  ``−0.33``, ``+37 children``, ``£1.0m``, ``£129k``) becomes that number with a format that
  shows it as written, cell by cell - report 90's stated, computed and difference, a measure /
  value table, a headline.  Not in a column of identifiers or of text as printed in a paper
  (:func:`keeps_text`: ``document``, ``reference``, ``paragraph``, ``…_raw``, ``…as_printed``,
  the lineage columns): ``001`` and ``5.3`` stay as written.
* anything else stays as it is (text is formula-neutralised by :mod:`analysis.spreadsheet`).

Formats use the typographic minus (``−``) as the pages do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

__all__ = [
    "Figure", "LINEAGE", "MINUS", "MONEY_FORMAT", "PageTable", "SIGNED_MONEY_FORMAT", "column_cells",
    "figure", "figure_format", "keeps_text", "number_format", "page_columns", "page_tables",
]

MINUS = "\u2212"
_FIGURE = re.compile(r"^(?P<sign>[+\-\u2212])?(?P<cur>£)?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<dec>\.[0-9]+)?"
                     r"(?P<scale>[km])?(?P<pct>%)?(?P<unit> [a-z]+| per 10,000)?$")
_KEEP_TEXT = re.compile(r"(^|_)(id|ids|ref|reference|paragraph|para|code|document|where|file|line|sha256|"
                        r"version|raw|printed|as_printed|sheet|flag|flags|cleaning_flags|table_name)(_|$)")
LINEAGE = ("document", "source_file", "source_line", "table_name", "sheet", "flag", "flags", "cleaning_flags",
           "raw_text")


@dataclass(frozen=True)
class Figure:
    """A number read from a figure's text, and how it was written."""

    value: int | float
    decimals: int
    grouping: bool  # thousands separators
    signed: bool  # a + on a positive figure
    prefix: str = ""  # "£"
    suffix: str = ""  # "%", " children"
    scale: str = ""  # "k" or "m": written in thousands or millions


def figure(text: object) -> Figure | None:
    """The figure a text cell shows when the whole text is one figure in the pack's styles.

    ``1,595``, ``−0.33``, ``£21,520``, ``+£1.2m``, ``81%``, ``+37 children``.  An integer written with
    a leading zero (``001``) is an identifier, not a figure.

    Parameters
    ----------
    text : object
        A cell's text as the page shows it.

    Returns
    -------
    Figure or None
        The number and how it was written; ``None`` when the text is not one figure.
    """
    if not isinstance(text, str):
        return None
    m = _FIGURE.match(text.strip())
    if m is None or (m["int"].startswith("0") and len(m["int"]) > 1 and not m["dec"]):
        return None
    digits = m["int"].replace(",", "") + (m["dec"] or "")
    decimals = len(m["dec"]) - 1 if m["dec"] else 0
    number = float(digits) * {"": 1, "k": 1_000, "m": 1_000_000}[m["scale"] or ""]
    if m["sign"] in ("-", MINUS):
        number = -number
    shown = decimals + {"": 0, "k": 3, "m": 6}[m["scale"] or ""]  # the places the text pins down
    value: int | float = int(round(number)) if shown <= 0 or float(number).is_integer() else round(number, shown)
    return Figure(value, decimals, "," in m["int"] or len(m["int"]) <= 3, m["sign"] == "+", m["cur"] or "",
                  (m["pct"] or "") + (m["unit"] or ""), m["scale"] or "")


def number_format(decimals: int = 0, *, grouping: bool = True, signed: bool = False, prefix: str = "",
                  suffix: str = "", scale: str = "") -> str:
    """An Excel number format showing a number as the page does.

    Positive (with ``+`` when ``signed``), negative with the typographic minus, zero bare.

    Parameters
    ----------
    decimals : int, default 0
        Decimal places.
    grouping : bool, default True
        Thousands separators.
    signed : bool, default False
        A ``+`` on a positive number.
    prefix, suffix : str, default ""
        Text around the number (``£``, ``%``, `` children``).
    scale : {"", "k", "m"}, default ""
        Divide by a thousand or a million (Excel's trailing commas).

    Returns
    -------
    str
        The number format.
    """
    body = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    body += {"": "", "k": ",", "m": ",,"}[scale]
    tail = _quoted(scale + suffix)
    zero = "0" + ("." + "0" * decimals if decimals > 0 else "")
    return (f"{_quoted(('+' if signed else '') + prefix)}{body}{tail};{_quoted(MINUS + prefix)}{body}{tail};"
            f"{_quoted(prefix)}{zero}{tail}")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


MONEY_FORMAT = number_format(prefix="£")
SIGNED_MONEY_FORMAT = number_format(prefix="£", signed=True)


def figure_format(f: Figure) -> str:
    """The Excel number format that writes ``f``'s value as its text was written.

    Parameters
    ----------
    f : Figure
        A figure read by :func:`figure`.

    Returns
    -------
    str
        The number format (:func:`number_format`).
    """
    return number_format(f.decimals, grouping=f.grouping, signed=f.signed, prefix=f.prefix, suffix=f.suffix,
                         scale=f.scale)


def keeps_text(column: str) -> bool:
    """A column of identifiers or of text as printed in a paper: its text is never read as a figure.

    Parameters
    ----------
    column : str
        The column's name.

    Returns
    -------
    bool
        True for such a column.
    """
    return column in LINEAGE or bool(_KEEP_TEXT.search(column.lower()))


# ------------------------------------------------------------------------------------------------ page


@dataclass
class PageTable:
    """One ``<table class="data">`` of a page: its headings, which are figure columns, its rows' texts."""

    labels: list[str] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[PageTable] = []
        self._depth = 0  # inside a data table (nested tables are not made by the pack)
        self._cell: list[str] | None = None
        self._head = False
        self._num = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data" in (a.get("class") or "").split():
            self.tables.append(PageTable())
            self._depth = 1
        elif self._depth and tag in ("th", "td"):
            self._cell, self._head = [], tag == "th"
            self._num = "num" in (a.get("class") or "").split()
        elif self._depth and tag == "tr":
            self._row: list[str] = []
        elif self._depth and tag == "caption":
            self._cell = None

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "table":
            self._depth = 0
        elif tag in ("th", "td") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            table = self.tables[-1]
            if self._head:
                table.labels.append(text)
                table.numeric.append(self._num)
            else:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and getattr(self, "_row", None):
            self.tables[-1].rows.append(self._row)
            self._row = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> list[PageTable]:
    """The data tables of a page's HTML, in order.

    Parameters
    ----------
    html : str
        An output's HTML.

    Returns
    -------
    list of PageTable
        Each ``<table class="data">``: headings, which are figure columns, rows' texts.
    """
    parser = _Tables()
    parser.feed(html or "")
    parser.close()
    return parser.tables


def _label_key(label: str) -> str:
    """A heading without its money unit: the page says ``(£000)`` where the data says ``(£)``."""
    return re.sub(r"\s*\(£[^)]*\)", "", label).strip().lower()


def page_columns(labels: list[str], page: PageTable | None) -> list[int | None]:
    """For each data column (by its heading), the index of the page's column showing it.

    The same heading, or else a page heading that starts with the data's words (the page may say
    ``Computed from its parts`` where the download says ``Computed``).

    Parameters
    ----------
    labels : list of str
        The data's column headings.
    page : PageTable or None
        The table as the page shows it; ``None`` = not shown.

    Returns
    -------
    list of int or None
        The page's column index per data column; ``None`` where the page does not show it.
    """
    if page is None:
        return [None] * len(labels)
    free = list(range(len(page.labels)))
    keys = [_label_key(label) for label in page.labels]
    out: list[int | None] = [None] * len(labels)
    for exact in (True, False):
        for j, label in enumerate(labels):
            key = _label_key(label)
            if out[j] is not None or not key:
                continue
            match = next((i for i in free if keys[i] == key or (not exact and keys[i].startswith(key + " "))), None)
            if match is not None:
                free.remove(match)
                out[j] = match
    return out


# ------------------------------------------------------------------------------------------------ cells


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        isinstance(value, float) and math.isnan(value))


def _rounded(value: int | float, decimals: int = 0) -> int | float:
    """``value`` to ``decimals`` places, halves away from zero as the pages round
    (:mod:`analysis.numbers`; Python's ``round`` takes a half to the even digit)."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-max(decimals, 0)), rounding=ROUND_HALF_UP)
    return int(exact) if decimals <= 0 else float(exact)


def _agrees(value: float, shown: Figure) -> bool:
    """The page's figure is the value as rounded for the page (the same unit)."""
    step = 10.0 ** -(shown.decimals + {"": 0, "k": 3, "m": 6}[shown.scale])
    return abs(value - shown.value) <= step / 2 + 1e-9 * max(1.0, abs(value))


def column_cells(column: str, values: list, texts: list[str] | None, units: list | None = None
                 ) -> tuple[list, list[str | None]]:
    """The values and number formats of one workbook column (module docstring).

    Parameters
    ----------
    column : str
        The column's name.
    values : list
        Its values (money in whole pounds).
    texts : list of str or None
        The page's text of the column's first rows; ``None`` when the page does not show the column.
    units : list, optional
        Each row's unit where the table has a ``unit`` column (``gbp``, ``per_10k``, ``count``: a
        table whose figures differ in unit from row to row).

    Returns
    -------
    values : list
        The cells' values.
    formats : list of str or None
        Each cell's number format (``None`` = Excel's default).
    """
    texts = texts or []
    shown = [figure(t) for t in texts]
    read = [f for f in shown if f is not None]
    if not read and not column.endswith("_gbp") and not units:  # the page shows no figure of it
        return _unzip(_plain(column, values))
    money = column.endswith("_gbp") or "_gbp_" in column
    money_on_page = bool(read) and all(f.prefix == "£" for f in read)
    signed = any(f.signed for f in read)
    decimals = max((f.decimals for f in read if f.prefix != "£"), default=0)
    grouping = all(f.grouping for f in read)
    suffix = next((f.suffix for f in read if f.suffix and f.prefix != "£"), "")
    cells = []
    for i, v in enumerate(values):
        here = shown[i] if i < len(shown) else None
        unit = units[i] if units and i < len(units) else None
        if not _is_number(v):
            cells.append(_text_cell(column, v))
        elif money or (here.prefix == "£" if here is not None else (unit == "gbp" or money_on_page and not units)):
            pounds = here is not None and here.prefix == "£" and not here.scale and _agrees(float(v), here)
            cells.append((here.value if pounds and here is not None else _rounded(v),  # every pound as the page shows it
                          SIGNED_MONEY_FORMAT if (here.signed if here else signed) else MONEY_FORMAT))
        elif here is not None and (here.scale or not _agrees(float(v), here)):
            cells.append((v, None))  # the page writes it in another unit: the value as it is
        elif here is not None:
            cells.append((here.value, figure_format(here)))  # the figure the page shows (its rounding too)
        elif units and not read:  # a figure of a row the page does not show: its unit says how
            places = 0 if unit == "count" or float(v).is_integer() else 2
            cells.append((_rounded(v, places), number_format(places, suffix=" per 10,000" if unit == "per_10k" else "")))
        else:
            cells.append((_rounded(v, decimals), number_format(decimals, grouping=grouping, signed=signed,
                                                               suffix=suffix)))
    return _unzip(cells)


def _unzip(cells: list[tuple[object, str | None]]) -> tuple[list, list[str | None]]:
    return [c[0] for c in cells], [c[1] for c in cells]


def _plain(column: str, values: list) -> list[tuple[object, str | None]]:
    """A column the page does not show as figures: whole numbers as integers, other numbers as
    they are, text read as a figure where it is one."""
    numbers = [v for v in values if _is_number(v)]
    integral = all(float(v).is_integer() for v in numbers)
    if integral:
        fmt = "0" if column in ("year", "source_line", "row") else number_format()
    else:
        fmt = number_format(1 if column.endswith(("_per_10k", "_pct")) else 2,
                            suffix="%" if column.endswith("_pct") else "")
    return [((int(v) if integral else v), fmt) if _is_number(v) else _text_cell(column, v) for v in values]


def _text_cell(column: str, value: object) -> tuple[object, str | None]:
    """A cell that is not a number: the figure its text writes (with its format), or itself."""
    f = figure(value) if isinstance(value, str) and not keeps_text(column) else None
    return (f.value, figure_format(f)) if f is not None else (value, None)
