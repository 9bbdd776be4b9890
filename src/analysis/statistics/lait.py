"""DfE's Local Authority Interactive Tool (LAIT): the long "big data set" and its dictionary.

The data set has one row per measure (``Short Desc``), year (``Years``: ``2016`` for a 31 March
figure, ``2016-17 (OT)`` for a financial-year outturn), area (``LA and Regions`` with ``LA
Number``: 3-digit code, 970 England, 971-990 regions) and a ``Values`` string (a figure or
``-``).  ``Data item`` (the measure's label) is filled only on the first year of each measure
and empty after, so labels come from the dictionary, never from that column.

LAIT is a compilation of DfE releases, not a release: it holds the figures as last revised
(e.g. 31 March 2017 figures revised by the 2018 release).  Its vintage is the latest year it
holds; at equal vintage a primary release wins (see :mod:`.rates`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .authorities import ENGLAND_CODE, clean_name
from .sources import join_flags, marker_flag, parse_figure

__all__ = [
    "COLUMNS", "ENGLAND_NUMBER", "FINANCE", "MEASURES", "NUMBER", "RATE", "cla_observations", "finance_rows",
    "read_bds",
]

RATE, NUMBER = "LAC", "LACnum"
#: LAIT measure -> (cla_spend measure, unit)
FINANCE = {
    "TotalLACFinance": ("cla_gross_expenditure", "gbp"),
    "LACFinance": ("cla_weekly_unit_cost", "gbp_per_child_per_week"),
    "RescareFinance": ("residential_weekly_unit_cost", "gbp_per_child_per_week"),
}
MEASURES = (RATE, NUMBER, *FINANCE)
ENGLAND_NUMBER = 970
COLUMNS = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number", "Region"]
_FY = re.compile(r"^(\d{4})-(\d{2})")


def read_bds(path: Path, measures: tuple[str, ...] = MEASURES) -> pd.DataFrame:
    """The rows of ``measures`` in LAIT's data file (strings kept as printed).

    Parameters
    ----------
    path : pathlib.Path
        The LAIT download.
    measures : tuple of str, optional
        The ``Short Desc`` of the measures to keep.

    Returns
    -------
    pandas.DataFrame
        Those rows, with ``source_line`` = 1-based row.
    """
    try:
        frame = pd.read_parquet(path, columns=COLUMNS, filters=[("Short Desc", "in", list(measures))])
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(path, expected=f"the LAIT long data set (Parquet with columns {', '.join(COLUMNS)})",
                         found=str(exc)[:120]) from None
    frame = frame.reset_index(drop=True)
    frame["source_line"] = frame.index + 1
    return frame


def _level(number: float) -> str:
    if number == ENGLAND_NUMBER:
        return "national"
    return "regional" if number > ENGLAND_NUMBER else "local authority"


@needs(bds=("Short Desc", "Years", "LA Number", "LA and Regions", "Region", "Values", "source_line"))
def cla_observations(bds: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Observations of children looked after at 31 March.

    Number (``LACnum``) and rate (``LAC``, per 10,000 children aged 0-17) joined by area and year.
    LAIT prints no population.

    Parameters
    ----------
    bds : pandas.DataFrame
        The LAIT rows (:func:`read_bds`): reads ``Short Desc`` and ``Years``, and for the two
        measures ``LA Number``, ``LA and Regions``, ``Region``, ``Values`` and ``source_line``.
    path : pathlib.Path
        The file it was read from, named in errors and in each row's lineage.

    Returns
    -------
    pandas.DataFrame
        One observation per area and year.

    Raises
    ------
    analysis.errors.InputError
        When the measures are absent or a row has no LA number.
    """
    part = bds[bds["Short Desc"].isin([RATE, NUMBER])]
    if part.empty:
        raise InputError(path, column="Short Desc", expected=f"measures {RATE} and {NUMBER}", found="none")
    vintage = int(pd.to_numeric(part.Years, errors="coerce").max())
    cells: dict[tuple, dict] = {}
    for r in part.to_dict("records"):
        if pd.isna(r["LA Number"]):
            raise InputError(path, line=int(r["source_line"]), column="LA Number", expected="an LA number",
                             found="blank")
        key = (float(r["LA Number"]), r["LA and Regions"], r["Years"])
        cells.setdefault(key, {})[r["Short Desc"]] = r
    out = []
    for (code, area, year), by_measure in sorted(cells.items()):
        number, n_mark = _value(by_measure.get(NUMBER), path, integer=True)
        rate, r_mark = _value(by_measure.get(RATE), path, integer=False)
        level = _level(code)
        line = min(int(r["source_line"]) for r in by_measure.values())
        region = next(iter(by_measure.values()))["Region"]
        out.append({
            "level": level, "old_la_code": str(int(code)) if level == "local authority" else None,
            "new_la_code": ENGLAND_CODE if level == "national" else None, "name": clean_name(area),
            "region_code": None,
            "region_name": (region if isinstance(region, str) and region != "NA" else None)
            if level == "local authority" else clean_name(area) if level == "regional" else None,
            "year": int(year), "number": number, "number_marker": n_mark, "population": None,
            "population_marker": None, "population_mid_year": None, "population_source": None,
            "rate": rate, "rate_marker": r_mark, "release": f"LAIT (data set holding 2016-{vintage})",
            "release_vintage": vintage, "release_primary": False, "source_file": path.name, "source_line": line,
            "flags": join_flags(marker_flag("number", n_mark), marker_flag("rate", r_mark),
                                "LAIT prints no population" if number is not None or rate is not None else None,
                                "name printed with '(Pre LG)'" if "pre lg" in str(area).lower() else None),
        })
    return pd.DataFrame(out)


def _value(row: dict | None, path: Path, integer: bool):
    if row is None:
        return None, ""
    return parse_figure(row["Values"], path=path, line=int(row["source_line"]), column="Values", integer=integer)


@needs(bds=("Short Desc", "Years", "LA Number", "LA and Regions", "Values", "source_line"))
def finance_rows(bds: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``cla_spend`` rows (before codes are resolved) for the finance measures.

    Gross CLA spend in £ a year, weekly unit costs in £ per child per week, by area and financial
    year.

    Parameters
    ----------
    bds : pandas.DataFrame
        The LAIT rows (:func:`read_bds`): reads ``Short Desc``, and for the finance measures
        ``Years``, ``Values``, ``LA Number``, ``LA and Regions`` and ``source_line``.
    path : pathlib.Path
        The file it was read from, named in errors and in each row's lineage.

    Returns
    -------
    pandas.DataFrame
        One row per area, financial year and measure; amounts in pounds.

    Raises
    ------
    analysis.errors.InputError
        For a year that is no financial year or a value that cannot be read.
    """
    out = []
    part = bds[bds["Short Desc"].isin(list(FINANCE))]
    for r in part.to_dict("records"):
        match = _FY.match(str(r["Years"]))
        if not match:
            raise InputError(path, line=int(r["source_line"]), column="Years", expected="a financial year such as "
                             "2016-17 (OT)", found=r["Years"])
        value, marker = parse_figure(r["Values"], path=path, line=int(r["source_line"]), column="Values",
                                     integer=False)
        measure, unit = FINANCE[r["Short Desc"]]
        level = _level(float(r["LA Number"]))
        out.append({
            "level": level, "old_la_code": str(int(r["LA Number"])) if level == "local authority" else None,
            "name": clean_name(r["LA and Regions"]), "financial_year": f"{match.group(1)}-{match.group(2)}",
            "measure": measure, "unit": unit, "amount": value, "amount_raw": str(r["Values"]),
            "source": "LAIT", "line_description": r["Short Desc"], "source_file": path.name,
            "source_line": int(r["source_line"]), "line_number": None,
            "flags": join_flags(marker_flag("amount", marker),
                                "outturn (OT) figure" if "(OT)" in str(r["Years"]) else None),
        })
    return pd.DataFrame(out)
