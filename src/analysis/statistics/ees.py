"""Explore Education Statistics releases of "Children looked after in England including
adoptions": the underlying data file ``cla_number_and_rate_per_10k_children``.

One file per release, five years each (the 2025 release covers 31 March 2021-2025).  Column
names change between releases (``population_count`` / ``population_type`` for what is counted,
``number`` / ``children_count`` for the count); this reader takes the row whose type says "31
March" (children looked after at or on 31 March) and ignores starts and ceasings.  Every
release prints the child population aged 0-17 it used (``population_estimate``, the ONS mid-year
estimate of the year before) and the rate per 10,000, rounded to a whole number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .authorities import ENGLAND_CODE
from .sources import Text, join_flags, marker_flag, parse_figure, read_csv, require_columns

__all__ = ["COUNT_COLUMNS", "LEVELS", "TYPE_COLUMNS", "read_release"]

LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local authority"}
TYPE_COLUMNS = ("population_type", "population_count")
COUNT_COLUMNS = ("children_count", "number")


def _pick(text: Text, names: tuple[str, ...], what: str) -> str:
    for name in names:
        if name in text.frame.columns:
            return name
    raise InputError(text.path, line=1, expected=f"a column {' or '.join(names)} ({what})",
                     found=", ".join(text.frame.columns))


def read_release(path: Path) -> pd.DataFrame:
    """Observations of one EES release of children looked after at 31 March.

    See :data:`analysis.statistics.rates.OBSERVATION_COLUMNS`.

    Parameters
    ----------
    path : pathlib.Path
        The release's CSV.

    Returns
    -------
    pandas.DataFrame
        One observation per area and year: number, population and rate per 10,000 children aged
        0-17 as printed.
    """
    text = read_csv(path)
    require_columns(text, ["time_period", "geographic_level", "old_la_code", "la_name", "new_la_code",
                           "region_code", "region_name", "population_estimate", "rate_per_10000"],
                    "an EES 'CLA number and rate per 10,000 children' file")
    kind = _pick(text, TYPE_COLUMNS, "what is counted")
    count = _pick(text, COUNT_COLUMNS, "the number of children")
    frame = text.frame
    rows = frame[frame[kind].str.contains("31 March", case=False) & frame.geographic_level.isin(list(LEVELS))]
    if rows.empty:
        raise InputError(path, column=kind, expected="rows of children looked after at 31 March",
                         found=", ".join(sorted(frame[kind].unique())[:3]))
    years = pd.to_numeric(rows.time_period, errors="coerce")
    if years.isna().any():
        bad = rows[years.isna()].index[0]
        raise InputError(path, line=int(bad) + 2, column="time_period", expected="a year such as 2025",
                         found=frame.time_period[bad])
    vintage, first = int(years.max()), int(years.min())
    release = f"EES {vintage} release ({first}-{vintage})"
    out = []
    for idx, r in zip(rows.index, rows.to_dict("records"), strict=True):
        line = int(idx) + 2
        number, n_mark = parse_figure(r[count], path=path, line=line, column=count)
        population, p_mark = parse_figure(r["population_estimate"], path=path, line=line, column="population_estimate")
        rate, r_mark = parse_figure(r["rate_per_10000"], path=path, line=line, column="rate_per_10000", integer=False)
        level = LEVELS[r["geographic_level"]]
        out.append({
            "level": level, "old_la_code": (r["old_la_code"] or None) if level == "local authority" else None,
            "new_la_code": {"national": r.get("country_code") or ENGLAND_CODE, "regional": r["region_code"],
                            "local authority": r["new_la_code"] or None}[level],
            "name": r["la_name"] if level == "local authority" else (r["region_name"] or "England"),
            "region_code": r["region_code"] or None, "region_name": r["region_name"] or None,
            "year": int(r["time_period"]), "number": number, "number_marker": n_mark,
            "population": population, "population_marker": p_mark,
            "population_mid_year": int(r["time_period"]) - 1 if population is not None else None,
            "population_source": "printed in the release" if population is not None else None,
            "rate": rate, "rate_marker": r_mark, "release": release, "release_vintage": vintage,
            "release_primary": True, "source_file": path.name, "source_line": line,
            "flags": join_flags(text.flags, marker_flag("number", n_mark), marker_flag("population", p_mark),
                                marker_flag("rate", r_mark)),
        })
    return pd.DataFrame(out)
