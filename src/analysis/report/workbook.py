"""The Excel download of a report: one workbook per report page, one sheet per table the page
shows (every row and column, lineage included), the header row frozen, an About sheet and a
Sources sheet citing the papers read.

Every figure is a number (:mod:`analysis.report.workbook_cells`): money in whole pounds with a
``£`` format (a saving is a positive amount, as on the page), counts as integers, rates and
percentages at the decimals the page shows (a percentage is a number of per cent: ``81`` shown
``81%``), a signed figure (``+37 children``) as a number whose format shows the sign - never as
text.  Text stays text, and only text starting with a formula character is neutralised
(:mod:`analysis.spreadsheet`).

Sheet names (:func:`sheet_names`) are the table's caption, or the page section it sits in (or the
report's title), in Excel's 31 characters: whole, or without a leading "The", or cut at a clause
or a whole word; without the characters Excel refuses (``:`` becomes `` - ``, ``/`` ``-``); made
unique by a number (``By committee 2``); the same tables give the same names.  Written through
:func:`analysis.spreadsheet.write_xlsx`: fixed workbook properties and zip times, so the same
inputs give the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..spreadsheet import write_xlsx
from .workbook_cells import PageTable, column_cells, keeps_text, page_columns, page_tables

__all__ = ["RESERVED", "SHEET_CHARS", "sheet_names", "write_workbook"]

SHEET_CHARS = 31  # Excel's limit for a sheet name
RESERVED = ("About", "Sources", "History")  # History: Excel keeps the name for itself
_BAD = re.compile(r"[\[\]:*?/\\]")


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


_LEADING = re.compile(r"^(the|a|an) ", re.I)
_TRAILING = re.compile(r"[\s,;.:–-]+$|\s+(the|a|an|of|and|or|in|to|for|by|at|on|with|vs|that|which|its|their|against|from|than|per|into)$",
                       re.I)


def _words(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters: whole, or without its leading article, or cut
    at a clause (``:``, ``;``, ``,``, `` (``) or else after a whole word, with no word such as
    "the" or "and" left dangling (a first word longer than ``room`` is cut)."""
    if len(text) <= room:
        return text
    short = _LEADING.sub("", text)
    short = short[:1].upper() + short[1:] if short != text else text
    if len(short) <= room:
        return short
    clause = re.split(r"; |, | \(| – | - ", short[: room + 1])[0].strip()
    if 6 <= len(clause) <= room:
        return clause
    cut = short[: room + 1].rsplit(" ", 1)[0] if " " in short[: room + 1] else short[:room]
    while True:
        trimmed = _TRAILING.sub("", cut)
        if trimmed == cut:
            break
        cut = trimmed
    return cut or short[:room]


def sheet_names(titles: list[str]) -> list[str]:
    """A valid, unique, deterministic sheet name for each title (module docstring).

    The names in :data:`RESERVED` are kept for the workbook's own sheets.

    Parameters
    ----------
    titles : list of str
        The tables' titles.

    Returns
    -------
    list of str
        One sheet name per title.
    """
    used = {name.lower() for name in RESERVED}
    out = []
    for title in titles:
        base = _BAD.sub(" ", re.sub(r"\s*:\s*", " - ", title).replace("/", "-"))
        base = re.sub(r"\s+", " ", base).strip(" '-") or "Table"
        name, n = _words(base, SHEET_CHARS), 1
        while name.lower() in used:
            n += 1
            name = f"{_words(base, SHEET_CHARS - len(str(n)) - 1)} {n}"
        used.add(name.lower())
        out.append(name)
    return out


def _page_of(data: dict) -> PageTable | None:
    """The page's table for ``data``: :func:`analysis.report.render.tables` hands the output's
    HTML and the table's place in it as ``data["page"]`` = ``(html, index)``."""
    html, index = data.get("page") or ("", 0)
    found = page_tables(html)
    return found[index] if index < len(found) else None


def _sheet(data: dict) -> tuple[pd.DataFrame, dict[str, list]]:
    """One table's sheet: its frame (headings made unique) and each column's cell formats."""
    labels = _unique(data["labels"])
    rows = data["rows"] or []
    page = _page_of(data)
    where = page_columns(data["labels"], page)
    units = [r[data["columns"].index("unit")] for r in rows] if "unit" in data["columns"] else None
    columns: dict[str, list] = {}
    formats: dict[str, list] = {}
    for j, (label, column) in enumerate(zip(labels, data["columns"], strict=True)):
        at = where[j]
        texts = [r[at] if at < len(r) else "" for r in page.rows] if page and at is not None else None
        # a table with a ``unit`` column (report 90): its figures are in their row's unit
        mixed = units if not keeps_text(column) and not column.endswith(("_gbp", "_pct", "_per_10k")) else None
        columns[label], formats[label] = column_cells(column, [r[j] for r in rows], texts, mixed)
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()}, columns=labels), formats


def write_workbook(tables: list[tuple[str, dict]], path: Path, *, title: str, authority: str, period: str) -> Path:
    """Write a report's Excel download.

    The table whose caption is ``Sources`` (the page's "About this report") becomes the last sheet,
    with a line naming the report, authority and period.

    Parameters
    ----------
    tables : list of (str, dict)
        ``(section, data)`` pairs from :func:`analysis.report.render.tables`.
    path : pathlib.Path
        The workbook to write.
    title : str
        The report's title.
    authority : str
        The authority.
    period : str
        The pack's month, ``'YYYY-MM'``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    sheets: dict[str, pd.DataFrame] = {}
    formats: dict[str, dict[str, list]] = {}
    sources = None
    found = []
    for section, data in tables:
        if data.get("caption") == "Sources":
            sources = pd.DataFrame(data["rows"] or None, columns=_unique(data["labels"]))
            continue
        found.append((data.get("caption") or section or title or "Table", data))
    for name, (_, data) in zip(sheet_names([t for t, _ in found]), found, strict=True):
        sheets[name], formats[name] = _sheet(data)
    sheets["About"] = pd.DataFrame({"report": [title], "authority": [authority], "period": [period],
                                    "money": ["whole pounds; savings are positive amounts"]})
    if sources is not None:
        sheets["Sources"] = sources
    return write_xlsx(sheets, path, number_formats=formats)
