"""Benchmarks from public statistics: any English authority against its statistical neighbours,
its region and England, for any year the releases cover.

Input is the ``public-stats`` tables (``cla_rates``, ``statistical_neighbours``, ``cla_spend``,
``public_measures``), loaded **once** with :func:`load` into a :class:`PublicData` that indexes
them, so each per-authority call is a few dictionary look-ups (the all-authority batch makes
~150 reports a minute on 2 cores).

Units and signs:

* rates are **children looked after per 10,000 children aged 0-17** at 31 March of ``year``
  (``2013`` = 31 March 2013 = financial year 2012-13), as ``cla_rates`` holds them (published,
  or computed with DfE's rounding - ``rate_status`` says which);
* gaps are signed so that **positive = the authority looks after more children** than the
  comparison: ``gap_per_10k`` = rate - comparison, ``gap_children`` = gap x the authority's
  child population / 10,000;
* ranks count from the **highest** rate (1 = highest), as a neutral ordering; the quartile
  band A-D follows LAIT: with polarity ``Low`` band A is the lowest quarter of authorities,
  with ``High`` the highest, and a measure LAIT gives no polarity (the CLA rate, ``LAC``) gets
  "Not applicable".  Quartile cut points are R's default quantiles (numpy's ``linear``) over
  every authority with a figure that year, as LAIT computes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schemas import needs
from ..statistics.public_data import RATE_MEASURE as RATE_MEASURE  # re-exported
from ..statistics.public_data import PublicData as PublicData  # re-exported: notebooks and analyses use it from here
from ..statistics.public_data import load as load  # re-exported

__all__ = [
    "AVERAGES", "NOT_APPLICABLE", "SPEND_SOURCES", "band", "cla_measure", "comparator", "neighbours_of",
    "series", "spend", "spend_summary", "summary",
]

NOT_APPLICABLE = "Not applicable"
AVERAGES = ("mean", "median")


def neighbours_of(pub: PublicData, authority: str, model: str) -> list[dict]:
    """The model's neighbours of ``authority`` in rank order.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    model : str
        A statistical-neighbour model (``statistical_neighbours.model``); ``""`` for none in
        force (:func:`analysis.analyses.public_pack.choose_model`).

    Returns
    -------
    list of dict
        ``statistical_neighbours`` rows, rank order; none for model ``""``.

    Raises
    ------
    InputError
        When the model lists no neighbours of ``authority``.
    """
    if not str(model).strip():
        return []
    code = pub.code(authority)
    group = pub.group(model, code)
    if not group:
        have = pub.models_of(code)
        raise InputError("statistical_neighbours", column="model",
                         expected=f"a model listing neighbours of {authority} (models with it: {', '.join(have) or 'none'})",
                         found=model)
    return group


def band(value: float, all_values: np.ndarray, polarity: str | None) -> tuple[int | None, str]:
    """``(quartile, band)``: :func:`analysis.analyses.measure_benchmarks.band` (kept here for callers).

    Parameters
    ----------
    value : float
        The authority's figure.
    all_values : numpy.ndarray
        Every authority's figure that year.
    polarity : str or None
        LAIT's polarity (``Low``, ``High``) or None.

    Returns
    -------
    tuple of (int or None, str)
        The quartile (1-4) and LAIT band (A-D, or "Not applicable").
    """
    from .measure_benchmarks import band as engine_band

    return engine_band(value, all_values, polarity)


def _rank_highest_first(value: float, values: list[float]) -> int:
    return 1 + sum(1 for v in values if v > value)


def cla_measure(pub: PublicData):
    """The CLA rate as a measure of the benchmarking engine, built once per ``pub``.

    Parameters
    ----------
    pub : PublicData
        The public statistics.

    Returns
    -------
    MeasureValues
        :func:`analysis.analyses.measure_benchmarks.from_cla_rates` of ``pub`` (children looked
        after per 10,000 children aged 0-17).
    """
    from .measure_benchmarks import from_cla_rates

    return pub.cached("measure:LAC", lambda: from_cla_rates(pub))


def _area(pub: PublicData, code: str, year: int, role: str, rank: int | None = None,
          closeness: str | None = None) -> dict:
    r = pub.row(code, year) or {}
    return {"role": role, "old_la_code": code if role in ("authority", "neighbour") else None,
            "authority": r.get("authority") or pub.name(code), "neighbour_rank": rank, "closeness": closeness,
            "number": r.get("number"), "population": r.get("population"), "rate_per_10k": r.get("rate_per_10k"),
            "rate_status": r.get("rate_status") or "no figure in the releases",
            "why_no_rate": r.get("not_computable_reason") or (None if r else "the releases print no figure for it this year"),
            "release": r.get("release")}


def comparator(pub: PublicData, authority: str, year: int, model: str) -> pd.DataFrame:
    """The authority, its ``model`` neighbours, its region and England at 31 March ``year``.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    year : int
        Year of the 31 March (``2013`` = 31 March 2013).
    model : str
        Statistical-neighbour model; ``""`` for none.

    Returns
    -------
    pandas.DataFrame
        ``role`` (authority / neighbour / region / England), ``old_la_code``, ``authority``,
        ``neighbour_rank``, ``closeness``, ``number``, ``population``, ``rate_per_10k`` (per
        10,000 children aged 0-17), ``rate_status``, ``why_no_rate``, ``release``, and
        ``rank_in_group`` (1 = highest rate among the authority and its neighbours).

    Raises
    ------
    InputError
        When the releases hold no figure for the authority that year.
    """
    code = pub.code(authority)
    me = pub.row(code, year)
    if me is None:
        have = [y for y in pub.years() if pub.row(code, y)]
        raise InputError("cla_rates", column="year", expected=f"a year with a figure for {authority} "
                         f"({min(have)}-{max(have)})" if have else f"a year with a figure for {authority}",
                         found=str(year))
    rows = [_area(pub, code, year, "authority")]
    rows += [_area(pub, n["neighbour_old_la_code"], year, "neighbour", n["rank"], n["closeness"])
             for n in neighbours_of(pub, authority, model)]
    if me.get("region_code"):
        rows.append(_area(pub, me["region_code"], year, "region"))
    rows.append(_area(pub, "E92000001", year, "England"))
    table = pd.DataFrame(rows)
    group = table[table.role.isin(["authority", "neighbour"]) & table.rate_per_10k.notna()]
    values = list(group.rate_per_10k.astype(float))
    table["rank_in_group"] = [(_rank_highest_first(float(v), values) if role in ("authority", "neighbour")
                               and not pd.isna(v) else None) for role, v in zip(table.role, table.rate_per_10k, strict=True)]
    return table


@needs(table=("role", "rate_per_10k", "authority", "old_la_code", "population", "rate_status", "number"))
def summary(pub: PublicData, table: pd.DataFrame, year: int, model: str) -> pd.Series:
    """The comparison in one row: the authority's rate, the neighbours' mean and median (of the
    neighbours with a rate; ``neighbours_missing`` names the others and why), region and England,
    ranks, quartile and LAIT band, and the gap to the neighbours' mean per 10,000 and in children.

    The figures are the benchmarking engine's (:func:`analysis.analyses.measure_benchmarks.standing`
    with the CLA rate as its measure); the table adds the number, population and status.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    table : pandas.DataFrame
        :func:`comparator`'s table; reads ``role``, ``rate_per_10k``, ``authority``,
        ``old_la_code``, ``population``, ``rate_status``, ``number`` and, for neighbours without
        a rate, ``why_no_rate``.
    year : int
        Year of the 31 March.
    model : str
        Statistical-neighbour model; ``""`` for none.

    Returns
    -------
    pandas.Series
        Rates per 10,000 children aged 0-17 (``rate_per_10k``, ``neighbours_mean_per_10k``,
        ``neighbours_median_per_10k``, ``region_per_10k``, ``england_per_10k``, ``gap_per_10k``),
        ``gap_children`` (children), counts, ranks, ``quartile``, ``lait_band`` and ``polarity``.
    """
    from .measure_benchmarks import standing

    me = table[table.role == "authority"].iloc[0]
    missing = table[(table.role == "neighbour") & table.rate_per_10k.isna()]
    s = standing(cla_measure(pub), pub, str(me.old_la_code), int(year), model)
    population = None if pd.isna(me.population) else float(me.population)
    return pd.Series({
        "authority": me.authority, "year": int(year), "model": model, "rate_per_10k": s.value,
        "rate_status": me.rate_status, "number": None if pd.isna(me.number) else int(me.number),
        "population": population, "neighbours": s.neighbours, "neighbours_with_rate": s.neighbours_with_value,
        "neighbours_missing": "; ".join(f"{r.authority} ({r.why_no_rate or r.rate_status})"
                                        for r in missing.itertuples()),
        "neighbours_mean_per_10k": s.neighbours_mean, "neighbours_median_per_10k": s.neighbours_median,
        "region": s.region, "region_per_10k": s.region_value, "england_per_10k": s.england_value,
        "rank_in_group": s.rank_in_group, "group_size": s.group_size,
        "national_rank": s.national_rank, "authorities_ranked": s.authorities_ranked, "quartile": s.quartile,
        "lait_band": s.band, "polarity": s.polarity, "gap_per_10k": s.gap,
        "gap_children": s.gap_amount if s.gap_amount_unit == "children" else None,
    })


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def series(pub: PublicData, authority: str, model: str, years: list[int] | None = None) -> pd.DataFrame:
    """Year by year: the authority's rate, its neighbours' mean and median (neighbours with a rate
    that year; ``neighbours_with_rate`` says how many), its region's and England's rate.

    The benchmarking engine's series (:func:`analysis.analyses.measure_benchmarks.series`) of the
    CLA rate, with the number and status of each year's figure.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    model : str
        Statistical-neighbour model; ``""`` for none.
    years : list of int, optional
        Years of the 31 March; default every year of the releases (years without a figure for the
        authority are left out).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``financial_year``, ``number``, ``rate_per_10k``, ``rate_status``,
        ``neighbours_mean_per_10k``, ``neighbours_median_per_10k``, ``neighbours_with_rate``,
        ``neighbours``, ``region_per_10k``, ``england_per_10k`` (rates per 10,000 children aged
        0-17).
    """
    from .measure_benchmarks import series as engine_series

    code = pub.code(authority)
    wanted = [y for y in (years or pub.years()) if pub.row(code, y) is not None]
    frame = engine_series(cla_measure(pub), pub, code, model, wanted)
    rows = []
    for r in frame.itertuples(index=False):
        me = pub.row(code, r.year)
        assert me is not None  # only years with a row are wanted
        rows.append({"year": int(r.year), "financial_year": me["financial_year"], "number": me["number"],
                     "rate_per_10k": _num(me["rate_per_10k"]), "rate_status": me["rate_status"],
                     "neighbours_mean_per_10k": _num(r.neighbours_mean),
                     "neighbours_median_per_10k": _num(r.neighbours_median),
                     "neighbours_with_rate": int(r.neighbours_with_value), "neighbours": int(r.neighbours),
                     "region_per_10k": _num(r.region_value), "england_per_10k": _num(r.england_value)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------- spend

SPEND_SOURCES = {"s251": ("s251 outturn", "LAIT"), "RO3": ("RO3",)}


def _spend_index(pub: PublicData) -> dict:
    """(code, financial_year, measure, source family) -> (amount, source); England from its own
    row where printed, else the sum of the authorities (flagged by the caller).  Built once for
    ``pub``."""
    return pub.cached("spend index", lambda: _build_spend_index(pub))


def _build_spend_index(pub: PublicData) -> dict:
    index: dict = {}
    family = {s: f for f, members in SPEND_SOURCES.items() for s in members}
    for r in pub.spend.to_dict("records"):
        if r["amount_gbp"] is None or pd.isna(r["amount_gbp"]):
            continue
        key = r["old_la_code"] if r["geographic_level"] == "local authority" else r["new_la_code"]
        index[(key, r["financial_year"], r["measure"], family[r["source"]])] = (int(r["amount_gbp"]), r["source"])
    las = pub.spend[(pub.spend.geographic_level == "local authority") & pub.spend.amount_gbp.notna()]
    for (fy, measure, source), group in las.groupby(["financial_year", "measure", "source"]):
        key = ("E92000001", fy, measure, family[source])
        if key not in index and measure.endswith("expenditure"):
            index[key] = (int(group.amount_gbp.sum()), f"{source} (sum of {len(group)} authorities)")
    return index


def spend(pub: PublicData, authority: str, financial_year: str, model: str, source: str = "s251") -> pd.DataFrame:
    """Spending on children looked after in ``financial_year`` for the authority, its neighbours
    and England.

    England's gross is its own row where the source prints one, else the sum of the authorities
    (``gross_source`` says so).

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    financial_year : str
        ``YYYY-YY``, e.g. ``2018-19`` (children counted at 31 March 2019).
    model : str
        Statistical-neighbour model; ``""`` for none.
    source : str, default "s251"
        ``s251`` (s251 outturn and LAIT) or ``RO3``.

    Returns
    -------
    pandas.DataFrame
        ``role``, ``authority``, ``neighbour_rank``, ``gross_gbp`` (gross CLA expenditure, whole
        pounds), ``gross_source``, ``number`` (children looked after at the 31 March ending the
        year), ``spend_per_child_gbp`` = gross / number (£ a year), and LAIT's
        ``weekly_unit_cost_gbp`` (£ per child per week, s251 years from 2016-17).

    Raises
    ------
    ValueError
        When ``source`` is neither ``s251`` nor ``RO3``.
    InputError
        When the source has no spend for the authority that year.
    """
    if source not in SPEND_SOURCES:
        raise ValueError(f"source must be one of {', '.join(SPEND_SOURCES)}; got {source!r}")
    index = _spend_index(pub)
    code = pub.code(authority)
    year = int(financial_year[:4]) + 1
    areas = [(code, "authority", None)] + [(n["neighbour_old_la_code"], "neighbour", n["rank"])
                                           for n in neighbours_of(pub, authority, model)] + [("E92000001", "England", None)]
    rows = []
    for area, role, rank in areas:
        gross = index.get((area, financial_year, "cla_gross_expenditure", source))
        unit = index.get((area, financial_year, "cla_weekly_unit_cost", source))
        cla = pub.row(area, year) or {}
        number = cla.get("number")
        number = None if number is None or pd.isna(number) else int(number)
        rows.append({"role": role, "authority": cla.get("authority") or pub.name(area), "neighbour_rank": rank,
                     "gross_gbp": gross[0] if gross else None, "gross_source": gross[1] if gross else None,
                     "number": number,
                     "spend_per_child_gbp": gross[0] / number if gross and number else None,
                     "weekly_unit_cost_gbp": unit[0] if unit else None})
    table = pd.DataFrame(rows)
    if table.loc[table.role == "authority", "gross_gbp"].isna().all():
        have = sorted({fy for (c, fy, m, s) in index if c == code and s == source and m == "cla_gross_expenditure"})
        raise InputError("cla_spend", column="financial_year", expected=f"a year with {source} spend for "
                         f"{authority} (known: {', '.join(have) or 'none'})", found=financial_year)
    return table


@needs(table=("role", "authority", "spend_per_child_gbp", "weekly_unit_cost_gbp"))
def spend_summary(table: pd.DataFrame) -> pd.Series:
    """The authority's spend per child and weekly unit cost against the neighbours' mean and
    England (differences = authority - comparison, £).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`spend`'s table; reads ``role``, ``authority``, ``spend_per_child_gbp`` (£ a year)
        and ``weekly_unit_cost_gbp`` (£ a week).

    Returns
    -------
    pandas.Series
        ``authority``; for each of the two measures its value, ``neighbours_mean_*``,
        ``england_*`` (pounds) and ``neighbours_with_*`` (count).
    """
    me = table[table.role == "authority"].iloc[0]
    nb = table[table.role == "neighbour"]
    eng = table[table.role == "England"].iloc[0]
    out = {"authority": me.authority}
    for col in ("spend_per_child_gbp", "weekly_unit_cost_gbp"):
        mean = nb[col].dropna().astype(float).mean() if nb[col].notna().any() else None
        out[col] = _num(me[col])
        out[f"neighbours_mean_{col}"] = None if mean is None or pd.isna(mean) else float(mean)
        out[f"england_{col}"] = _num(eng[col])
        out[f"neighbours_with_{col}"] = int(nb[col].notna().sum())
    return pd.Series(out)
