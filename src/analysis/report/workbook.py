"""The Excel download of a report: one workbook per report page, one sheet per table the page
shows (every row and column, lineage included), numbers as numbers with number formats, the
header row frozen, and a Sources sheet citing the papers read.

Money is in whole pounds in the workbook (format ``#,##0``; a saving is a positive amount, as on
the page); percentages are numbers of per cent (``81.3`` = 81.3%).  Written through
:func:`analysis.spreadsheet.write_xlsx`: text cells formula-neutralised, fixed workbook
properties and zip times, so the same inputs give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..spreadsheet import write_xlsx

MONEY_FORMAT = "#,##0;-#,##0"
PCT_FORMAT = '0.0"%"'
RATE_FORMAT = "#,##0.0"


def _format(column: str, values: pd.Series) -> str | None:
    numeric = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numeric:
        return None
    if column.endswith("_gbp"):
        return MONEY_FORMAT
    if column.endswith("_pct"):
        return PCT_FORMAT
    if all(float(v).is_integer() for v in numeric):
        return "#,##0" if column not in ("source_line", "row", "year") else "0"
    return RATE_FORMAT if column.endswith("_per_10k") else "#,##0.00"


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _sheet_name(section: str, caption: str, used: dict[str, int]) -> str:
    base = (caption or section or "Table").strip()[:28] or "Table"
    used[base] = used.get(base, 0) + 1
    return base if used[base] == 1 else f"{base[:25]} ({used[base]})"


def write_workbook(tables: list[tuple[str, dict]], path: Path, *, title: str, authority: str, period: str) -> Path:
    """``tables``: ``(section, data)`` pairs from :func:`analysis.report.render.tables`; the one
    whose caption is ``Sources`` (the page's "About this report") becomes the last sheet, with a
    line naming the report, authority and period."""
    sheets: dict[str, pd.DataFrame] = {}
    formats: dict[str, dict[str, str]] = {}
    used: dict[str, int] = {}
    sources = None
    for section, data in tables:
        labels = _unique(data["labels"])
        frame = pd.DataFrame(data["rows"] or None, columns=labels)
        if data.get("caption") == "Sources":
            sources = frame
            continue
        name = _sheet_name(section, data.get("caption", ""), used)
        sheets[name] = frame
        formats[name] = {label: f for label, column in zip(labels, data["columns"])
                         if (f := _format(column, frame[label])) is not None}
    about = pd.DataFrame({"report": [title], "authority": [authority], "period": [period],
                          "money": ["whole pounds; savings are positive amounts"]})
    sheets["About"] = about
    if sources is not None:
        sheets["Sources"] = sources
    return write_xlsx(sheets, path, number_formats=formats)
