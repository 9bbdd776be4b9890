"""The statistical first releases 2010-2017 (SFR27/2010 ... SFR50/2017), LA underlying data.

One row per area: ``geog_l`` (NATIONAL / REGION / LA; ``National`` / ``GOR`` in 2010),
``geog_c`` (3-digit code; a letter for a region), ``geog_n`` (name) and the number looked after
at 31 March in ``CLA_MarYYYY`` (``MarTotal_YYYY`` in 2010).  They print **no rates**; 2010 alone
prints the population it would use (``Mid2009Pop0-17``, rounded to the nearest 100).  The
release name and year come from the file name and header (``SFR36_CLA2013.csv`` -> SFR36/2013).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .authorities import ENGLAND_CODE
from .sources import join_flags, marker_flag, parse_figure, read_csv, require_columns

__all__ = ["LEVELS", "is_sfr", "read_sfr"]

LEVELS = {"national": "national", "region": "regional", "gor": "regional", "la": "local authority"}
_COUNT = re.compile(r"^(?:CLA_Mar|MarTotal_)(\d{4})$")
_POP = re.compile(r"^Mid(\d{4})Pop0-17$")
_NAME = re.compile(r"SFR(\d+)\D*?(\d{4})", re.IGNORECASE)


def is_sfr(path: Path) -> bool:
    """Whether a CSV has an SFR header (a ``CLA_MarYYYY`` or ``MarTotal_YYYY`` column).

    Parameters
    ----------
    path : pathlib.Path
        The CSV.

    Returns
    -------
    bool
        True for an SFR file.
    """
    with open(path, "rb") as handle:
        header = handle.readline().decode("latin-1")
    return any(_COUNT.match(c.strip().lstrip("\ufeff")) for c in header.split(","))


def read_sfr(path: Path) -> pd.DataFrame:
    """Observations of one SFR file (numbers at 31 March; population only where the file prints one).

    Parameters
    ----------
    path : pathlib.Path
        The SFR CSV.

    Returns
    -------
    pandas.DataFrame
        One observation per area and year (see
        :data:`analysis.statistics.rates.OBSERVATION_COLUMNS`).
    """
    text = read_csv(path)
    require_columns(text, ["geog_l", "geog_c", "geog_n"], "an SFR underlying-data file")
    counts = [(c, int(m.group(1))) for c in text.frame.columns if (m := _COUNT.match(c))]
    if len(counts) != 1:
        raise InputError(path, line=1, expected="one column CLA_MarYYYY (or MarTotal_YYYY): the number looked "
                                                "after at 31 March", found=", ".join(text.frame.columns[:8]))
    count, year = counts[0]
    pops = [(c, int(m.group(1))) for c in text.frame.columns if (m := _POP.match(c))]
    named = _NAME.search(path.name)
    release = f"SFR{named.group(1)}/{named.group(2)}" if named else f"SFR {year}"
    out = []
    for idx, r in enumerate(text.frame.to_dict("records")):
        level, level_flag = LEVELS.get(r["geog_l"].strip().lower()), None
        if level is None and not r["geog_l"].strip() and re.fullmatch(r"\d{3}", r["geog_c"].strip()):
            level, level_flag = "local authority", "geog_l blank: read as LA from its 3-digit code"
        if level is None:
            if not "".join(r.values()).strip():
                continue  # a blank row
            raise InputError(path, line=int(idx) + 2, column="geog_l", expected="NATIONAL, REGION, GOR or LA",
                             found=r["geog_l"])
        line = int(idx) + 2
        number, n_mark = parse_figure(r[count], path=path, line=line, column=count)
        population, p_mark, mid = None, None, None
        if pops:
            population, p_mark = parse_figure(r[pops[0][0]], path=path, line=line, column=pops[0][0])
            mid = pops[0][1] if population is not None else None
        code = r["geog_c"].strip()
        out.append({
            "level": level, "old_la_code": code if level == "local authority" else None,
            # a region's New_geog_code is not reliable (London, Inner and Outer London all print E12000007):
            # regions are resolved by name
            "new_la_code": {"national": ENGLAND_CODE, "regional": None}.get(level, r.get("New_geog_code") or None),
            "name": r["geog_n"].strip(), "region_code": None, "region_name": r["geog_n"].strip() if level == "regional" else None,
            "year": year, "number": number, "number_marker": n_mark,
            "population": population, "population_marker": p_mark, "population_mid_year": mid,
            "population_source": f"printed in the release ({pops[0][0]})" if population is not None else None,
            "rate": None, "rate_marker": None, "release": release, "release_vintage": year, "release_primary": True,
            "source_file": path.name, "source_line": line,
            "flags": join_flags(text.flags, level_flag, marker_flag("number", n_mark),
                                marker_flag("population", p_mark), "release prints no rate",
                                "population printed rounded to the nearest 100" if population is not None else None),
        })
    return pd.DataFrame(out)
