"""Where children looked after were placed at 31 March, 2010-2017: the statistical first
releases' placement columns -> ``cla_placements``.

SFR21/2011 ... SFR50/2017 print one column per placement type (``CLA_Fost``, ``CLA_Secure``,
...; :data:`PLACEMENTS` gives their meaning from the releases' metadata).  A release leaves out a
type it had none of in England that year (2016 prints no ``CLA_OthPl``, 2015 and 2017 no
``CLA_Miss``): that type has no row for that year.  SFR27/2010 prints the detailed placement
codes (``MarPlace_Q1_2010`` foster placement with relative or friend, ...), summed here into the
same types.

**SFR27/2010's placement values are not in its header's order.**  Its header lists the codes in
the order of the release's metadata (Q1, Q2, A3, ... Z1) but the values follow the codes'
alphabetical order (A3, A4, ... Z1): read by the header, England's "foster placement with other
foster carer" would be 170 of 64,400 children.  :func:`read_placements` reads the 2010 columns
both ways and keeps the reading whose England mix is nearest the next release's (2011), and every
2010 row says so in ``flags``.

Each row carries the release's total (``total``) and whether the types it prints add up to it
(``sum_check``): *sums to the total*, *within the rounding of national and regional counts to
10*, or *differs by N* - with the number of suppressed cells (``x``: a count of 1 to 5, or
secondary suppression) that the difference may be.  Suppressed cells stay markers, never 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .authorities import ENGLAND_CODE
from .sfr import LEVELS
from .sources import join_flags, marker_flag, parse_figure, read_csv, require_columns

__all__ = ["PLACEMENTS", "RESIDENTIAL", "align_2010", "placements", "read_placements"]

#: placement type -> (label, the 2011-2017 column, the 2010 codes summed into it)
PLACEMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "foster": ("Foster placements", "CLA_Fost", ("Q1", "Q2")),
    "adoption": ("Placed for adoption", "CLA_Adopt", ("A3", "A4", "A5", "A6")),
    "parents": ("Placed with parents", "CLA_Parent", ("P1",)),
    "community": ("Other placements in the community (living independently, residential employment)", "CLA_Ocom",
                  ("P2", "P3")),
    "homes": ("Secure units, children's homes and hostels", "CLA_Secure", ("K1", "K2", "H5")),
    "other_residential": ("Other residential settings", "CLA_Ores", ("R1", "R2", "R3", "R5")),
    "residential_schools": ("Residential schools", "CLA_RSch", ("S1",)),
    "missing": ("Missing from placement", "CLA_Miss", ("M1", "M2", "M3")),
    "other": ("Other placements", "CLA_OthPl", ("Z1",)),
}
#: the types counted as residential settings (a paper's "residential" share is set against these)
RESIDENTIAL = ("homes", "other_residential", "residential_schools")
_TOTAL = re.compile(r"^(?:CLA_Mar|MarTotal_)(\d{4})$")
_CODE_2010 = re.compile(r"^MarPlace_([A-Z]\d)_(\d{4})$")
_NAME = re.compile(r"SFR(\d+)\D*?(\d{4})", re.IGNORECASE)


def _layout(columns: list[str], path: Path) -> tuple[str, int, dict[str, str] | list[str]]:
    """(total column, year, placement columns): type -> column (2011-2017), or the 2010 code columns in header order."""
    totals = [(c, int(m.group(1))) for c in columns if (m := _TOTAL.match(c))]
    if len(totals) != 1:
        raise InputError(path, line=1, expected="one column CLA_MarYYYY (or MarTotal_YYYY)", found=", ".join(columns[:8]))
    total, year = totals[0]
    codes = [c for c in columns if _CODE_2010.match(c)]
    if codes:
        return total, year, codes
    return total, year, {key: col for key, (_, col, _) in PLACEMENTS.items() if col in columns}


def read_placements(path: Path) -> tuple[pd.DataFrame, list[str] | None]:
    """One row per area and placement type of one SFR file.

    Parameters
    ----------
    path : pathlib.Path
        The SFR file.

    Returns
    -------
    tuple of (pandas.DataFrame, list of str or None)
        The rows, and - for the 2010 layout - the code columns (else ``None``), so
        :func:`align_2010` can choose how its values are read.
    """
    text = read_csv(path)
    require_columns(text, ["geog_l", "geog_c", "geog_n"], "an SFR underlying-data file")
    total_col, year, columns = _layout(list(text.frame.columns), path)
    named = _NAME.search(path.name)
    release = f"SFR{named.group(1)}/{named.group(2)}" if named else f"SFR {year}"
    rows = []
    for idx, r in enumerate(text.frame.to_dict("records")):
        level = LEVELS.get(r["geog_l"].strip().lower())
        if level is None and not r["geog_l"].strip() and re.fullmatch(r"\d{3}", r["geog_c"].strip()):
            level = "local authority"
        if level is None:
            if not "".join(r.values()).strip():
                continue
            raise InputError(path, line=idx + 2, column="geog_l", expected="NATIONAL, REGION, GOR or LA",
                             found=r["geog_l"])
        line = idx + 2
        total, t_mark = parse_figure(r[total_col], path=path, line=line, column=total_col)
        cells = {c: parse_figure(r[c], path=path, line=line, column=c)
                 for c in (columns if isinstance(columns, list) else columns.values())}
        rows.append({"level": level, "code": r["geog_c"].strip(), "name": r["geog_n"].strip(),
                     "new_la_code": {"national": ENGLAND_CODE}.get(level, r.get("New_geog_code") or None),
                     "year": year, "total": total, "total_marker": t_mark, "cells": cells, "release": release,
                     "source_file": path.name, "source_line": line, "encoding_flags": text.flags})
    frame = pd.DataFrame(rows)
    if isinstance(columns, list):
        return frame, columns
    return _expand(frame, {k: (c,) for k, c in columns.items()}, None), None


def _groups_2010(order: list[str]) -> dict[str, tuple[str, ...]]:
    """Placement type -> the 2010 columns holding its codes' values, when the values are read in
    the order ``order`` (a list of codes) against the header's columns."""
    columns = {code: f"MarPlace_{code}_YYYY" for code in order}
    return {key: tuple(columns[c] for c in codes if c in columns) for key, (_, _, codes) in PLACEMENTS.items()}


@needs(frame=("year", "cells", "level", "code", "name", "new_la_code", "total", "release", "source_file", "source_line", "encoding_flags"), reference=("geographic_level", "placement", "number"))
def align_2010(frame: pd.DataFrame, columns: list[str], reference: pd.DataFrame | None) -> pd.DataFrame:
    """The 2010 rows by placement type.

    The values are read in the header's order or in the codes' alphabetical order - whichever gives
    England a mix nearer ``reference``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The 2010 file's rows as :func:`read_placements` gives them: reads ``year``, ``cells``,
        ``level``, ``code``, ``name``, ``new_la_code``, ``total``, ``release``, ``source_file``,
        ``source_line`` and ``encoding_flags``.
    columns : list of str
        The file's code columns, in the header's order.
    reference : pandas.DataFrame or None
        Another year's ``cla_placements`` rows: reads ``geographic_level``, ``placement`` and
        ``number``; without one (``None`` or empty), the header's order is used.

    Returns
    -------
    pandas.DataFrame
        One row per area and placement type.
    """
    year = int(frame.year.iloc[0])
    header = [m.group(1) for c in columns if (m := _CODE_2010.match(c))]  # all match (read_placements)
    readings = {"header": header, "alphabetical": sorted(header)}
    expanded = {}
    for how, codes in readings.items():
        # the value printed in the i-th column belongs to the i-th code of this reading
        relabel = {f"MarPlace_{code}_YYYY": columns[i] for i, code in enumerate(codes)}
        groups = {k: tuple(relabel[c] for c in cols) for k, cols in _groups_2010(codes).items()}
        expanded[how] = _expand(frame, groups, how)
    chosen = "header"
    if reference is not None and len(reference):
        distances = {how: _distance(rows, reference) for how, rows in expanded.items()}
        chosen = min(distances, key=distances.__getitem__)
    out = expanded[chosen]
    if chosen != "header":
        eng = expanded["header"]
        eng = eng[(eng.geographic_level == "national") & (eng.placement == "foster")]
        shown = f"{int(eng.number.iloc[0]):,}" if len(eng) and not pd.isna(eng.number.iloc[0]) else "none"
        note = (f"SFR27/{year}: the placement values follow the codes' alphabetical order, not the header's (read "
                f"by the header, England's foster placements would be {shown} of {int(frame[frame.level == 'national'].total.iloc[0]):,}); "
                "read in code order, which gives the mix nearest the next release's")
        out["flags"] = [join_flags(f if isinstance(f, str) else None, note) for f in out["flags"]]
    return out


def _distance(rows: pd.DataFrame, reference: pd.DataFrame) -> float:
    """Sum over placement types of |England's share in ``rows`` - its share in ``reference``|."""
    def shares(frame: pd.DataFrame) -> pd.Series:
        eng = frame[frame.geographic_level == "national"].groupby("placement").number.sum()
        return eng / eng.sum() if eng.sum() else eng

    a, b = shares(rows), shares(reference)
    return float((a.reindex(PLACEMENTS, fill_value=0) - b.reindex(PLACEMENTS, fill_value=0)).abs().sum())


def _expand(frame: pd.DataFrame, groups: dict[str, tuple[str, ...]], reading: str | None) -> pd.DataFrame:
    """One row per area and placement type: the sum of the type's columns (a suppressed column
    makes the type's number empty, its marker kept), with the sum check of the area's types."""
    out = []
    for r in frame.to_dict("records"):
        per_type = {}
        for key, cols in groups.items():
            if not cols:
                continue
            values = [r["cells"][c] for c in cols]
            markers = [m for v, m in values if v is None]
            per_type[key] = (None if markers else sum(int(v) for v, _ in values),
                             markers[0] if markers else None, "+".join(c.replace("YYYY", str(r["year"])) for c in cols))
        check, difference = _sum_check(r, per_type)
        for key, (number, marker, joined) in per_type.items():
            out.append({
                "geographic_level": r["level"], "code": r["code"], "authority": r["name"],
                "new_la_code": r["new_la_code"], "year": r["year"], "placement": key,
                "placement_label": PLACEMENTS[key][0], "number": number, "number_marker": marker,
                "columns": joined, "total": r["total"], "sum_check": check, "sum_difference": difference,
                "release": r["release"], "source_file": r["source_file"], "source_line": r["source_line"],
                "flags": join_flags(r["encoding_flags"], marker_flag("number", marker)),
            })
    return pd.DataFrame(out)


def _sum_check(r: dict, per_type: dict) -> tuple[str, int | None]:
    """How the types an area prints add up against its total."""
    if r["total"] is None:
        return "no total printed", None
    printed = sum(v for v, _, _ in per_type.values() if v is not None)
    suppressed = sum(1 for v, _, _ in per_type.values() if v is None)
    difference = int(r["total"]) - int(printed)
    if difference == 0 and not suppressed:
        return "sums to the total", 0
    if suppressed:
        return (f"differs by {difference:,}: {suppressed} placement type(s) suppressed, which the difference may be",
                difference)
    if r["level"] != "local authority" and abs(difference) <= 5 * len(per_type):
        return f"differs by {difference:,}: within the rounding of national and regional counts to 10", difference
    return f"differs by {difference:,}", difference


def placements(files: list[Path]) -> pd.DataFrame:
    """``cla_placements`` rows (before codes are resolved) from every SFR file.

    The 2010 layout is read against the nearest other year's England mix (:func:`align_2010`).

    Parameters
    ----------
    files : list of pathlib.Path
        The SFR placement files.

    Returns
    -------
    pandas.DataFrame
        One row per area, year and placement type (counts of children).
    """
    parts: list[pd.DataFrame] = []
    pending: list[tuple[pd.DataFrame, list[str]]] = []
    for path in files:
        frame, columns = read_placements(path)
        if columns is None:
            parts.append(frame)
        else:
            pending.append((frame, columns))
    for frame, columns in pending:
        year = int(frame.year.iloc[0])
        others = sorted(parts, key=lambda f: abs(int(f.year.iloc[0]) - year)) if parts else []
        parts.append(align_2010(frame, columns, others[0] if others else None))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
