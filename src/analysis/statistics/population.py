"""ONS mid-year population estimates of children aged 0-17 by local authority (EES layout).

``time_period`` is the **mid-year** of the estimate; the rate of children looked after at
31 March of year Y uses the estimate for mid-(Y-1) (:func:`mid_year_for`).  ONS publishes on
current boundaries, so authorities abolished in a reorganisation have ``x`` (no estimate) in
every year of the file - a rate for them cannot be computed from it.  These are ONS's revised
figures: a rate computed from them for a year before the latest release may differ by 1-3 per
10,000 from the rate DfE published at the time with the estimate it then had.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .authorities import ENGLAND_CODE
from .sources import parse_figure, read_csv, require_columns

__all__ = ["AGE_GROUP", "LEVELS", "mid_year_for", "read_population"]

LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local authority"}
AGE_GROUP = "0 to 17"


def mid_year_for(year: int) -> int:
    """The mid-year estimate a rate at 31 March ``year`` uses: ``year - 1``.

    Parameters
    ----------
    year : int
        The year of the 31 March count.

    Returns
    -------
    int
        The mid-year.
    """
    return year - 1


def read_population(path: Path) -> pd.DataFrame:
    """The ONS mid-year estimates of children aged 0-17.

    Parameters
    ----------
    path : pathlib.Path
        The ONS file.

    Returns
    -------
    pandas.DataFrame
        One row per area and mid-year: ``level``, ``old_la_code``, ``new_la_code`` (region or
        England code for those levels), ``name``, ``mid_year``, ``population`` (None where ``x``),
        ``population_marker``, ``source_file``, ``source_line``.
    """
    text = read_csv(path)
    require_columns(text, ["time_period", "geographic_level", "old_la_code", "new_la_code", "la_name",
                           "region_code", "population_estimate"], "an ONS mid-year population estimates file")
    frame = text.frame
    if "age_group" in frame.columns:
        ages = set(frame.age_group)
        if not all(AGE_GROUP in a for a in ages):
            raise InputError(path, column="age_group", expected="children aged 0 to 17 only",
                             found=", ".join(sorted(ages)))
    out = []
    rows = frame[frame.geographic_level.isin(list(LEVELS))]
    for idx, r in zip(rows.index, rows.to_dict("records"), strict=True):
        line = int(idx) + 2
        value, marker = parse_figure(r["population_estimate"], path=path, line=line, column="population_estimate")
        level = LEVELS[r["geographic_level"]]
        out.append({
            "level": level, "old_la_code": r["old_la_code"] or None if level == "local authority" else None,
            "new_la_code": {"national": ENGLAND_CODE, "regional": r["region_code"],
                            "local authority": r["new_la_code"] or None}[level],
            "name": r["la_name"] or r.get("region_name", "") or "England", "mid_year": int(r["time_period"]),
            "population": value, "population_marker": marker, "source_file": path.name, "source_line": line,
            "flags": "; ".join(text.flags) or None,
        })
    return pd.DataFrame(out)
