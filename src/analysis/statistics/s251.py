"""Section 251 outturn, children and young people's services, 2008-09 to 2013-14.

One CSV per financial year (``outturn_0809.csv`` ... ``outturn_1314.csv``), latin-1, one row per
authority and budget line.  Headers change every year (``LEA Number:`` / ``LEA`` / ``LA``;
``S52 Line Reference`` / ``CYPServiceDescription``; ``TOTAL EXPENDITURE (k)`` /
``TotalExpenditure``) and so do line numbers ("Total Children Looked After" is line 14 in
2008-09, 17 in 2009-10, 15 in 2012-13, 16 in 2013-14), and descriptions carry their line number,
tabs and doubled spaces.  Lines are therefore matched **by meaning**: the description without
its number, case and spacing against :data:`LINES`.  Figures are whole pounds.

Scope changes are data too: until 2011-12 adoption and special guardianship were reported after
the looked-after block, from 2012-13 inside it; a total whose year reports adoption on a line
after the total is flagged "excludes adoption".
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .sources import join_flags, marker_flag, parse_figure, read_csv

__all__ = ["LINES", "NET", "normalise_description", "read_outturn"]

#: meaning -> description (normalised) it is printed as
LINES: dict[str, str] = {
    "cla_gross_expenditure": "total children looked after",
    "residential_care_gross_expenditure": "residential care",
    "fostering_gross_expenditure": "fostering services",
    "adoption_gross_expenditure": "adoption services",
    "leaving_care_gross_expenditure": "leaving care support services",
}
NET = {"cla_gross_expenditure": "cla_net_expenditure"}
_FILE_YEAR = re.compile(r"(\d{2})(\d{2})\.csv$")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def normalise_description(text: str) -> str:
    r"""``'15 Total Children Looked After\t'`` -> ``'total children looked after'``.

    Parameters
    ----------
    text : str
        A line description as printed.

    Returns
    -------
    str
        Lower case, without its line number, single-spaced.
    """
    text = re.sub(r"^\s*\d+\s*", "", str(text).replace("\t", " "))
    return " ".join(text.lower().split())


def _column(columns: list[str], path: Path, what: str, *starts: str, exclude: str = "") -> str:
    for c in columns:
        k = _key(c)
        if any(k.startswith(s) for s in starts) and not (exclude and exclude in k):
            return c
    raise InputError(path, line=1, expected=f"a column for {what}", found=", ".join(columns[:10]))


def read_outturn(path: Path) -> pd.DataFrame:
    """``cla_spend`` rows (before codes are resolved) of one year's outturn file.

    Parameters
    ----------
    path : pathlib.Path
        The section 251 outturn file.

    Returns
    -------
    pandas.DataFrame
        The rows; amounts in pounds.
    """
    match = _FILE_YEAR.search(path.name)
    if not match:
        raise InputError(path, expected="a file name ending in the year as YYYY, e.g. outturn_1213.csv",
                         found=path.name)
    year = f"20{match.group(1)}-{match.group(2)}"
    text = read_csv(path)
    cols = list(text.frame.columns)
    code_col = _column(cols, path, "the LA code", "lea", "la", exclude="name")
    name_col = _column(cols, path, "the LA name", "leaname", "laname")
    desc_col = _column(cols, path, "the line description", "cypservicedescription", "s52linereference")
    line_col = next((c for c in cols if _key(c) in ("line", "linenumber")), None)
    gross_col = _column(cols, path, "total (gross) expenditure", "totalexpenditure")
    net_col = _column(cols, path, "net current expenditure", "netcurrentexpenditure")
    frame = text.frame
    frame["_meaning"] = frame[desc_col].map(normalise_description)
    lead = pd.to_numeric(frame[desc_col].str.extract(r"^\s*(\d+)", expand=False), errors="coerce")
    printed = pd.to_numeric(frame[line_col], errors="coerce") if line_col else lead
    frame["_line"] = printed.fillna(lead).astype("Int64")
    wanted = {v: k for k, v in LINES.items()}
    positions = frame.groupby("_meaning")["_line"].min()
    excludes_adoption = positions.get("adoption services", -1) > positions.get("total children looked after", 1e9)
    out = []
    rows = frame[frame["_meaning"].isin(list(wanted))]
    for idx, r in zip(rows.index, rows.to_dict("records"), strict=True):
        line = int(idx) + 2
        code = str(r[code_col]).strip()
        if not code.isdigit():
            raise InputError(path, line=line, column=code_col, expected="a 3-digit LA code", found=code)
        measure = wanted[r["_meaning"]]
        for m, col in ((measure, gross_col), *(((NET[measure], net_col),) if measure in NET else ())):
            value, marker = parse_figure(r[col], path=path, line=line, column=col, integer=False)
            out.append({
                "level": "local authority", "old_la_code": code, "name": str(r[name_col]).strip(),
                "financial_year": year, "measure": m, "unit": "gbp", "amount": value, "amount_raw": r[col],
                "source": "s251 outturn", "line_number": None if pd.isna(r["_line"]) else int(r["_line"]), "line_description": str(r[desc_col]).strip(),
                "source_file": path.name, "source_line": line,
                "flags": join_flags(text.flags, marker_flag("amount", marker),
                                    "total excludes adoption and special guardianship (reported after the looked-"
                                    "after block this year)" if measure == "cla_gross_expenditure"
                                    and excludes_adoption else None),
            })
    if not out:
        raise InputError(path, column=desc_col, expected="a line 'Total Children Looked After'", found="none")
    rows = pd.DataFrame(out)
    dupes = rows[rows.duplicated(["old_la_code", "measure"], keep=False)]
    if len(dupes):
        r = dupes.iloc[1]
        raise InputError(path, line=int(r.source_line), column=desc_col,
                         expected=f"one line {r.line_description!r} per authority", found="a second one")
    return rows
