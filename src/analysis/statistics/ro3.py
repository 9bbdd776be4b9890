"""MHCLG revenue outturn RO3 (social care and public health) by local authority, ``.ods``.

The data sheet (``RO3_LA_Data_YYYYZZ``) has notes, then a header row starting ``E-code`` with
``ONS Code``, ``Local authority``, ``Class`` and ~490 columns named ``Children's social care -
<service> - <item> (Cn)``, then one row per authority (every English council, police and fire
body; ``[x]`` where a return was not made), then a second table of class totals under a second
``E-code`` header.  Figures are **£ thousand** (England's is an estimate with decimals); they
are multiplied by 1,000 to whole pounds.  Columns are matched by meaning (:data:`COLUMNS`), never
by position.  Reading needs ``python-calamine`` (pandas' ``calamine`` engine); the financial year is the ``YYYY-YY`` in the file name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .authorities import ENGLAND_CODE
from .sources import join_flags, marker_flag, parse_figure, round_half_up

__all__ = ["COLUMNS", "read_ro3"]

#: cla_spend measure -> pattern of the column header (after dashes are normalised)
COLUMNS: dict[str, str] = {
    "cla_gross_expenditure": r"children looked after - total expenditure",
    "cla_net_expenditure": r"children looked after - net current expenditure",
    "residential_care_gross_expenditure": r"children looked after of which residential care - total expenditure",
    "fostering_gross_expenditure": r"children looked after of which fostering services - total expenditure",
    "uasc_gross_expenditure": r"children looked after of which asylum seeking children who are looked after - "
                              r"total expenditure",
}
_YEAR = re.compile(r"(20\d{2})-(\d{2})")


def _norm(text: object) -> str:
    return " ".join(str(text).replace("–", "-").lower().split())


def read_ro3(path: Path) -> pd.DataFrame:
    """``cla_spend`` rows (before codes are resolved): one per authority row and measure.

    Parameters
    ----------
    path : pathlib.Path
        The RO3 file.

    Returns
    -------
    pandas.DataFrame
        The rows; amounts in pounds.
    """
    year = _YEAR.search(path.name)
    if not year:
        raise InputError(path, expected="a financial year such as 2024-25 in the file name", found=path.name)
    from python_calamine import CalamineError

    try:
        book = pd.ExcelFile(path, engine="calamine")  # ~3 s of CPU for RO3 (odfpy took ~30 s, same values)
        sheet = next((s for s in book.sheet_names if s.startswith("RO3_LA_Data")), None)
        if sheet is None:
            raise InputError(path, expected="a sheet named RO3_LA_Data...", found=", ".join(book.sheet_names))
        raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=str)
    except (ValueError, OSError, KeyError, CalamineError) as exc:
        raise InputError(path, expected="an OpenDocument spreadsheet (.ods)", found=str(exc)[:80]) from None
    heads = raw.index[raw.iloc[:, 0].astype(str).str.strip() == "E-code"].tolist()
    if not heads:
        raise InputError(path, sheet=sheet, expected="a header row starting 'E-code'", found="none")
    h = heads[0]
    end = heads[1] if len(heads) > 1 else len(raw)
    header = [_norm(c) for c in raw.iloc[h]]
    found = {}
    for measure, pattern in COLUMNS.items():
        hits = [i for i, c in enumerate(header) if re.search(r"^children's social care - " + pattern, c)]
        if len(hits) != 1:
            raise InputError(path, sheet=sheet, line=h + 1, expected=f"one column 'Children's social care - "
                             f"{pattern} ...'", found=f"{len(hits)} such columns")
        found[measure] = hits[0]
    ons, name = header.index("ons code"), header.index("local authority")
    out = []
    for i in range(h + 1, end):
        row = raw.iloc[i]
        code = str(row.iloc[ons]).strip()
        if not re.fullmatch(r"E\d{8}", code):
            continue
        for measure, col in found.items():
            value, marker = _figure(row.iloc[col], path, sheet, i + 1, str(raw.iloc[h, col]))
            out.append({
                "level": "national" if code == ENGLAND_CODE else "local authority", "new_la_code": code,
                "name": str(row.iloc[name]).strip(), "financial_year": f"{year.group(1)}-{year.group(2)}",
                "measure": measure, "unit": "gbp",
                "amount": None if value is None else round_half_up(float(value) * 1000),
                "amount_raw": row.iloc[col], "source": "RO3", "line_number": None,
                "line_description": str(raw.iloc[h, col]), "source_file": path.name, "source_line": i + 1,
                "flags": join_flags(marker_flag("amount", marker), "printed in £000, multiplied by 1,000",
                                    "England figure estimated by MHCLG for missing returns"
                                    if code == ENGLAND_CODE else None),
            })
    return pd.DataFrame(out)


def _figure(cell: object, path: Path, sheet: str, line: int, column: str):
    try:
        return parse_figure(cell, path=path, line=line, column=column, integer=False)
    except InputError as exc:
        raise InputError(path, sheet=sheet, line=line, column=column, expected=exc.expected, found=exc.found) from None
