"""Children looked after (CLA): actual numbers against every plan, and against the neighbours'
average as a target.

Input is the ``cla_trajectories`` table (long format: one row per authority, year, series and
bound) and, for the target, ``comparator_rates``.  The series are data, not a list kept here:
``series`` is the id a reader gave it, ``label`` its name for charts and tables, ``series_kind``
``actual`` or ``plan`` and ``plan_made`` when the plan was made.  A plan printed again in a later
paper (the same ``plan_made``, another series) is a *restatement* of the plan first printed; a
plan with ``low``/``high`` bounds is a *band*.  The *baseline* that distances are measured from
is the earliest plan made that is neither a band nor a restatement.

Two measures: ``number`` (children) and ``rate`` (children looked after per 10,000 children aged
0-17, ``*_per_10k``).  Rates are kept as printed; where a paper prints none (a band derived from
prose) the rate is **derived** with the child population that paper's own printed figures imply
(:data:`analysis.assumptions.IMPLIED_POPULATION_STATISTIC` of number × 10,000 ÷ rate over its
rows) and labelled ``derived`` in ``rate_basis``.  The target (the neighbours' average rate) is
converted to children with that same population.

Distances are signed so that **positive = more children (or a higher rate) than the plan or
target** it is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import assumptions
from ..data import for_authority
from ..errors import InputError
from ..schemas import needs
from . import comparators
from .comparators import COMPARATOR_COLUMNS

__all__ = [
    "ACTUAL", "BOUND_ORDER", "MEASURES", "PlansInForce", "TARGETS", "baseline", "derivation_population",
    "describe_plans", "distance_to_target", "distances", "document_populations", "implied_populations",
    "plan_end", "plans_in_force", "restatement_differences", "series_info", "target", "trajectories",
    "value_column", "when", "wide", "wide_labels",
]

MEASURES = ("number", "rate")
TARGETS = ("printed", "mean", "median")
BOUND_ORDER = {"central": 0, "low": 1, "high": 2}
ACTUAL = "actual"
#: the cla_trajectories columns the population functions read
_PRINTED = ("authority", "rate_per_10k", "number", "document", "table_name", "year", "series", "source_line")
#: the columns :func:`series_info` reads of a trajectory
_SERIES = ("series", "label", "series_kind", "plan_made", "bound", "as_at", "document")


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}")


@needs(cla_trajectories=_PRINTED)
def implied_populations(cla_trajectories: pd.DataFrame, authority: str) -> pd.DataFrame:
    """Every row with a printed number and rate, with the child population they imply
    (number × 10,000 ÷ rate).

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as printed; reads ``authority``, ``rate_per_10k`` (per 10,000
        children aged 0-17), ``number`` (children), ``document``, ``table_name``, ``year``,
        ``series`` and ``source_line``.
    authority : str
        The council (matched as :func:`analysis.data.for_authority` matches names).

    Returns
    -------
    pandas.DataFrame
        ``document``, ``table_name``, ``year``, ``series``, ``number``, ``rate_per_10k``,
        ``source_line``, ``population`` (children aged 0-17).

    Raises
    ------
    InputError
        When no row is for ``authority`` (naming those that are).
    """
    rows = for_authority(cla_trajectories, authority, "cla_trajectories")
    printed = rows[rows["rate_per_10k"].notna() & rows["number"].notna()]
    out = printed[["document", "table_name", "year", "series", "number", "rate_per_10k", "source_line"]].copy()
    out["number"] = out["number"].astype(int)
    out["rate_per_10k"] = out["rate_per_10k"].astype(float)
    out["population"] = [comparators.implied_population(n, r) for n, r in zip(out.number, out.rate_per_10k, strict=True)]
    return out.sort_values(["document", "year", "series"]).reset_index(drop=True)


@needs(cla_trajectories=_PRINTED)
def document_populations(cla_trajectories: pd.DataFrame, authority: str) -> pd.DataFrame:
    """Per document: how many rows imply a population, the smallest, largest and median
    implied population (the median is what derived rates use).

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as printed; reads ``authority``, ``rate_per_10k`` (per 10,000
        children aged 0-17), ``number`` (children), ``document``, ``table_name``, ``year``,
        ``series`` and ``source_line``.
    authority : str
        The council (matched as :func:`analysis.data.for_authority` matches names).

    Returns
    -------
    pandas.DataFrame
        ``document``, ``table_name``, ``rows``, ``smallest_population``,
        ``largest_population``, ``median_population`` (children aged 0-17).
    """
    pops = implied_populations(cla_trajectories, authority)
    return (pops.groupby(["document", "table_name"], sort=True)
            .agg(rows=("population", "size"), smallest_population=("population", "min"),
                 largest_population=("population", "max"),
                 median_population=("population", assumptions.IMPLIED_POPULATION_STATISTIC))
            .reset_index())


@needs(cla_trajectories=_PRINTED)
def derivation_population(cla_trajectories: pd.DataFrame, authority: str) -> pd.Series:
    """The population used to derive rates the papers do not print: the median implied by the
    printed rows of the document the unprinted rows come from.  When every rate is printed, the
    most recent document's median is returned.

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as printed; reads ``authority``, ``rate_per_10k`` (per 10,000
        children aged 0-17), ``number`` (children), ``document``, ``table_name``, ``year``,
        ``series`` and ``source_line``.
    authority : str
        The council (matched as :func:`analysis.data.for_authority` matches names).

    Returns
    -------
    pandas.Series
        ``document`` (``all`` when that paper prints no rate), ``population`` (children aged
        0-17) and ``rows`` (how many printed rows imply it).

    Raises
    ------
    InputError
        When no row of ``authority`` prints a rate.
    """
    rows = for_authority(cla_trajectories, authority, "cla_trajectories")
    pops = document_populations(cla_trajectories, authority)
    if pops.empty:
        raise InputError("cla_trajectories", column="rate_per_10k",
                         expected=f"at least one printed rate for {authority} to imply a population", found="none")
    missing = rows[rows["rate_per_10k"].isna()]
    document = (missing.sort_values("document").document.iloc[-1] if len(missing)
                else pops.document.iloc[-1])
    hit = pops[pops.document == document]
    if hit.empty:  # that paper prints no rate at all: use every printed row
        all_pops = implied_populations(cla_trajectories, authority).population
        return pd.Series({"document": "all", "population": float(all_pops.agg(assumptions.IMPLIED_POPULATION_STATISTIC)),
                          "rows": len(all_pops)})
    return pd.Series({"document": document, "population": float(hit.median_population.iloc[0]),
                      "rows": int(hit.rows.iloc[0])})


# --------------------------------------------------------------------------------------------- series


@needs(traj=_SERIES)
def series_info(traj: pd.DataFrame) -> pd.DataFrame:
    """One row per series of :func:`trajectories` (or of ``cla_trajectories`` rows), in the order
    reports show them: actual first, then plans by when they were made, a restatement after the
    plan it restates.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories` (or ``cla_trajectories`` rows); reads ``series``, ``label``,
        ``series_kind``, ``plan_made``, ``bound``, ``as_at``, ``document`` and, when present,
        ``published``.

    Returns
    -------
    pandas.DataFrame
        ``series``, ``label``, ``series_kind``, ``plan_made``, ``band`` (the series has low/high
        bounds), ``published`` (the date of its paper, when known) and ``restates`` (for a
        restatement, the series first printed with the same ``plan_made`` - by the date of its
        paper, or without dates the one starting earlier; else empty).
    """
    published = traj["published"] if "published" in traj.columns else pd.Series("", index=traj.index)
    rows = []
    for series, group in traj.assign(_published=published.fillna("")).groupby("series", sort=False):
        made = group["plan_made"].dropna()
        rows.append({"series": series, "label": group["label"].iloc[0], "series_kind": group["series_kind"].iloc[0],
                     "plan_made": made.iloc[0] if len(made) else None,
                     "band": bool(set(group["bound"]) & {"low", "high"}),
                     "published": str(group["_published"].min()), "first": str(group["as_at"].min()),
                     "document": str(group["document"].min())})
    info = pd.DataFrame(rows, columns=["series", "label", "series_kind", "plan_made", "band", "published", "first",
                                       "document"])
    info["restates"] = None
    plans = info[(info.series_kind != ACTUAL) & info.plan_made.notna()]
    for _, group in plans.groupby("plan_made"):  # without dates: the series that starts earlier is the original
        ordered = group.sort_values(["published", "first", "document", "series"])
        info.loc[ordered.index[1:], "restates"] = ordered.series.iloc[0]
    info["_k"] = [(0, "", "", "", "") if k == ACTUAL else (1, m or "9999", p, f, d)
                  for k, m, p, f, d in zip(info.series_kind, info.plan_made, info.published, info.first, info.document, strict=True)]
    info = info.sort_values("_k", kind="stable").drop(columns=["_k", "first", "document"]).reset_index(drop=True)
    return info


@needs(traj=_SERIES)
def baseline(traj: pd.DataFrame) -> str | None:
    """The plan distances are measured from: the earliest made that is neither a band nor a
    restatement.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories` (or ``cla_trajectories`` rows); reads ``series``, ``label``,
        ``series_kind``, ``plan_made``, ``bound``, ``as_at``, ``document`` and, when present,
        ``published``.

    Returns
    -------
    str or None
        Its ``series`` id; ``None`` when there is no such plan.
    """
    info = series_info(traj)
    plans = info[(info.series_kind != ACTUAL) & ~info.band & info.restates.isna()]
    return plans.series.iloc[0] if len(plans) else None


@needs(cla_trajectories=(*_PRINTED, "label", "series_kind", "plan_made", "bound", "as_at", "figure_basis"),
       sources=("document", "date"))
def trajectories(cla_trajectories: pd.DataFrame, authority: str, population: float | None = None,
                 sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every series for ``authority`` in one long frame.

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as printed; reads ``authority``, ``year``, ``as_at``, ``series``,
        ``label``, ``series_kind``, ``plan_made``, ``bound``, ``number`` (children),
        ``figure_basis``, ``rate_per_10k`` (per 10,000 children aged 0-17), ``document``,
        ``table_name`` and ``source_line``.
    authority : str
        The council (matched as :func:`analysis.data.for_authority` matches names).
    population : float, optional
        Children aged 0-17 to derive unprinted rates with; default
        :func:`derivation_population`.
    sources : pandas.DataFrame, optional
        The ``sources`` table; reads ``document`` and ``date`` (the paper's date, which orders a
        plan before its restatements).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``as_at``, ``series``, ``series_name`` (its label), ``label``,
        ``series_kind``, ``plan_made``, ``bound``, ``number``, ``number_basis`` (printed /
        derived from prose), ``rate_per_10k`` and ``rate_basis`` (printed, or derived with
        ``population``), ``document``, ``published``, ``table_name``, ``source_line``.
    """
    rows = for_authority(cla_trajectories, authority, "cla_trajectories").copy()
    if population is None:
        population = float(derivation_population(cla_trajectories, authority).population)
    printed = rows["rate_per_10k"].notna()
    rows["rate_basis"] = np.where(printed, "printed", "derived")
    rows["rate_per_10k"] = [float(r) if p else float(n) * 10_000 / population
                            for r, n, p in zip(rows["rate_per_10k"], rows["number"], printed, strict=True)]
    rows["number"] = rows["number"].astype(int)
    dates = dict(zip(sources.document, sources.date, strict=True)) if sources is not None else {}
    rows["published"] = [str(dates.get(d, "") or "") for d in rows["document"]]
    rows["series_name"] = rows["label"]
    order = {s: i for i, s in enumerate(series_info(rows).series)}
    rows["_s"] = rows["series"].map(order)
    rows["_b"] = rows["bound"].map(BOUND_ORDER)
    rows = rows.sort_values(["_s", "year", "_b", "as_at"])
    keep = ["year", "as_at", "series", "series_name", "label", "series_kind", "plan_made", "bound", "number",
            "figure_basis", "rate_per_10k", "rate_basis", "document", "published", "table_name", "source_line"]
    return rows[keep].rename(columns={"figure_basis": "number_basis"}).reset_index(drop=True)


def value_column(measure: str) -> str:
    """The column a measure reads.

    Parameters
    ----------
    measure : str
        ``number`` or ``rate``.

    Returns
    -------
    str
        ``number`` or ``rate_per_10k``.

    Raises
    ------
    ValueError
        For any other measure.
    """
    _check_measure(measure)
    return "number" if measure == "number" else "rate_per_10k"


@needs(traj=_SERIES)
def wide_labels(traj: pd.DataFrame) -> dict[str, str]:
    """Column headings for :func:`wide`: each series' label (a band's ends as '…, low end').

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories` (or ``cla_trajectories`` rows); reads ``series``, ``label``,
        ``series_kind``, ``plan_made``, ``bound``, ``as_at``, ``document`` and, when present,
        ``published``.

    Returns
    -------
    dict of str to str
        Column -> heading.
    """
    out = {"year": "Year", "actual_as_at": "Actual as at"}
    for r in series_info(traj).itertuples():
        out[r.series] = r.label
        out[f"{r.series}_low"], out[f"{r.series}_high"] = f"{r.label}, low end", f"{r.label}, high end"
    return out


@needs(traj=(*_SERIES, "year"))
def wide(traj: pd.DataFrame, measure: str = "number") -> pd.DataFrame:
    """One row per year, one column per series.  Headings: :func:`wide_labels`.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads, ``year``, and the measure's
        column (``number`` or ``rate_per_10k``).
    measure : str, default "number"
        ``number`` (children) or ``rate`` (per 10,000 children aged 0-17).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``actual_as_at`` (the date of a year's actual that is not at year end, e.g. a
        month's position) and one column per series (a band as ``<series>_low`` and
        ``<series>_high``), values in the measure's unit.
    """
    col = value_column(measure)
    t = traj.copy()
    t["column"] = np.where(t.bound == "central", t.series, t.series + "_" + t.bound)
    table = t.pivot_table(index="year", columns="column", values=col, aggfunc="first")
    order = [c for s in series_info(traj).series for c in (s, f"{s}_low", f"{s}_high") if c in table.columns]
    table = table[order].reset_index()
    table.columns.name = None
    actual = t[t.series == ACTUAL].set_index("year").as_at
    table.insert(1, "actual_as_at", table.year.map(actual))
    return table


@needs(comparator_rates=COMPARATOR_COLUMNS)
def target(comparator_rates: pd.DataFrame, authority: str, how: str = assumptions.CLA_TARGET, *, population: float,
           year: str | None = None) -> pd.Series:
    """The neighbours' average as a target, converted to children with ``population``.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads
        :data:`analysis.analyses.comparators.COMPARATOR_COLUMNS` and, for stated averages,
        ``average_of``.
    authority : str
        The council compared.
    how : str, default ``assumptions.CLA_TARGET``
        ``printed`` (the paper's printed average), ``mean`` or ``median`` (of the neighbours'
        printed rates).
    population : float
        Children aged 0-17 (:func:`derivation_population`).
    year : str, optional
        Financial year ``YYYY-YY``; default the latest comparator year.

    Returns
    -------
    pandas.Series
        ``how``, ``label``, ``year``, ``rate_per_10k`` (per 10,000 children aged 0-17),
        ``number`` (children), ``population``, ``document``.

    Raises
    ------
    ValueError
        When ``how`` is not one of :data:`TARGETS`.
    InputError
        When ``how="printed"`` and the paper prints no statistical-neighbour average.
    """
    if how not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}; got {how!r}")
    if year is None:
        year = comparators.latest_year(comparator_rates, authority)
    table = comparators.comparator_table(comparator_rates, authority, year)
    if how == "printed":
        rate = comparators.printed_neighbour_average(comparator_rates, authority, year)
        if rate is None:
            raise InputError("comparator_rates", column="row_type",
                             expected=f"a printed statistical neighbour average for {authority} in {year}",
                             found="none")
        label = f"the neighbours' average as printed for {year}"
    else:
        rate = comparators.neighbour_average(table, how)
        label = f"the neighbours' {how} for {year}, computed from their printed rates"
    return pd.Series({"how": how, "label": label, "year": year, "rate_per_10k": float(rate),
                      "number": float(rate) * float(population) / 10_000, "population": float(population),
                      "document": table.document.iloc[0]})


def when(as_at: str) -> str:
    """``2016-11-30`` -> ``Nov 2016``; a year end (31 March) -> ``March 2017``.

    Parameters
    ----------
    as_at : str
        A date, ``YYYY-MM-DD``.

    Returns
    -------
    str
        The month in words.
    """
    stamp = pd.Timestamp(as_at)
    return stamp.strftime("%b %Y") if (stamp.month, stamp.day) != (3, 31) else f"March {stamp.year}"


@needs(traj=_SERIES)
def distances(traj: pd.DataFrame, measure: str = "number", baseline_series: str | None = None) -> pd.DataFrame:
    """At each year where a series (other than the baseline plan and its restatements) meets the
    baseline, the distance between them.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads and, when there is a baseline,
        ``year``, the measure's column (``number`` or ``rate_per_10k``) and its basis
        (``number_basis`` or ``rate_basis``).
    measure : str, default "number"
        ``number`` (children) or ``rate`` (per 10,000 children aged 0-17).
    baseline_series : str, optional
        The plan measured from; default :func:`baseline`.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``series``, ``comparison``, ``low``/``high`` (the series' figure; equal for a
        single figure), ``plan`` and ``distance_low``/``distance_high`` (figure − plan), all in
        the measure's unit (``unit``), and ``basis``: whether the figures compared are printed or
        derived.  No rows without a baseline; ``attrs["baseline"]`` names it.
    """
    col = value_column(measure)
    basis = "number_basis" if measure == "number" else "rate_basis"
    columns = ["year", "series", "comparison", "low", "high", "plan", "distance_low", "distance_high", "unit", "basis"]
    info = series_info(traj)
    base = baseline_series or baseline(traj)
    if base is None:
        return pd.DataFrame(columns=columns)
    labels = dict(zip(info.series, info.label, strict=True))
    plan = traj[(traj.series == base) & (traj.bound == "central")].set_index("year")
    skip = {base} | set(info[info.restates == base].series)
    rows = []
    for series in [s for s in info.series if s not in skip]:
        part = traj[(traj.series == series) & traj.year.isin(plan.index)]
        for year, group in part.groupby("year", sort=True):
            low, high = float(group[col].min()), float(group[col].max())
            p = float(plan.loc[year, col])
            dated = f" ({when(group.as_at.iloc[0])})" if series == ACTUAL else ""
            rows.append({"year": year, "series": series, "comparison": f"{labels[series]}{dated} vs {labels[base]}",
                         "low": low, "high": high, "plan": p, "distance_low": low - p, "distance_high": high - p,
                         "unit": "children" if measure == "number" else "per 10,000",
                         "basis": ", ".join(sorted(set(group[basis]) | set(plan.loc[[year], basis])))})
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["baseline"] = base
    return out


@needs(traj=(*_SERIES, "year"))
def distance_to_target(traj: pd.DataFrame, goal: pd.Series, measure: str = "number") -> pd.DataFrame:
    """Each series' last figure against the target.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads, ``year`` and the measure's
        column (``number`` or ``rate_per_10k``).
    goal : pandas.Series
        :func:`target` (its ``number`` or ``rate_per_10k``).
    measure : str, default "number"
        ``number`` (children) or ``rate`` (per 10,000 children aged 0-17).

    Returns
    -------
    pandas.DataFrame
        ``series``, ``series_name``, ``year``, ``as_at``, ``low``, ``high``, ``target``,
        ``distance_low``, ``distance_high`` (figure − target) in the measure's unit (``unit``).
    """
    col = value_column(measure)
    tgt = float(goal.number if measure == "number" else goal.rate_per_10k)
    rows = []
    for series, label in zip(*series_info(traj)[["series", "label"]].T.values, strict=True):
        part = traj[traj.series == series]
        last = part[part.as_at == part.as_at.max()]
        low, high = float(last[col].min()), float(last[col].max())
        rows.append({"series": series, "series_name": label, "year": last.year.iloc[0],
                     "as_at": last.as_at.iloc[0], "low": low, "high": high, "target": tgt,
                     "distance_low": low - tgt, "distance_high": high - tgt,
                     "unit": "children" if measure == "number" else "per 10,000"})
    return pd.DataFrame(rows)


@needs(traj=_SERIES)
def restatement_differences(traj: pd.DataFrame) -> pd.DataFrame:
    """Each restated plan against the plan it restates, year by year.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads and, when a plan is restated,
        ``year``, ``number`` and ``rate_per_10k``.

    Returns
    -------
    pandas.DataFrame
        ``restated`` and ``original`` (labels), ``year``, ``original_number``,
        ``restated_number`` (children), ``original_per_10k``, ``restated_per_10k`` (per 10,000
        children aged 0-17), ``number_difference`` and ``difference_per_10k`` (restated −
        original).
    """
    columns = ["restated", "original", "year", "original_number", "restated_number", "original_per_10k",
               "restated_per_10k", "number_difference", "difference_per_10k"]
    info = series_info(traj)
    labels = dict(zip(info.series, info.label, strict=True))
    parts = []
    for r in info[info.restates.notna()].itertuples():
        a = traj[(traj.series == r.restates) & (traj.bound == "central")].set_index("year")
        b = traj[(traj.series == r.series) & (traj.bound == "central")].set_index("year")
        both = pd.DataFrame({"original_number": a.number, "restated_number": b.number,
                             "original_per_10k": a.rate_per_10k, "restated_per_10k": b.rate_per_10k}).dropna()
        both = both.astype({"original_number": "int64", "restated_number": "int64"})
        both = both.rename_axis("year").reset_index()
        both.insert(0, "restated", labels[r.series])
        both.insert(1, "original", labels[r.restates])
        parts.append(both)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns[:-2])
    out["number_difference"] = out.restated_number - out.original_number
    out["difference_per_10k"] = out.restated_per_10k - out.original_per_10k
    return out[columns]


@needs(traj=_SERIES)
def describe_plans(traj: pd.DataFrame) -> pd.DataFrame:
    """One row per plan, as the papers give it.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads and, for each plan, ``year``,
        ``number`` and ``table_name``.

    Returns
    -------
    pandas.DataFrame
        ``plan`` (label), ``made`` (when), ``kind`` (plan, restatement of another, or a band),
        ``printed_in`` (table and document), ``years`` and ``figures`` (the first and last
        year's figure, a band as low to high), in children.
    """
    rows = []
    for r in series_info(traj).itertuples():
        if r.series_kind == ACTUAL:
            continue
        part = traj[traj.series == r.series].sort_values(["year", "bound"])
        first, last = part[part.year == part.year.min()], part[part.year == part.year.max()]

        def figure(g: pd.DataFrame) -> str:
            lo, hi = int(g.number.min()), int(g.number.max())
            return f"{lo:,}" if lo == hi else f"{lo:,} to {hi:,}"

        kind = ("band (low and high ends)" if r.band else
                f"restatement of the {dict(zip(traj.series, traj.label, strict=True))[r.restates]}" if r.restates else "plan")
        printed = "; ".join(f"{t}, document {d}" for t, d in
                            part[["table_name", "document"]].drop_duplicates().itertuples(index=False))
        rows.append({"plan": r.label, "made": when(f"{r.plan_made}-01") if r.plan_made and len(r.plan_made) == 7
                     else (r.plan_made or ""), "kind": kind, "printed_in": printed,
                     "years": f"{part.year.min()} to {part.year.max()}",
                     "figures": f"{figure(first)} in {part.year.min()}, {figure(last)} in {part.year.max()}"})
    return pd.DataFrame(rows, columns=["plan", "made", "kind", "printed_in", "years", "figures"])


@needs(traj=_SERIES, to_goal=("series", "as_at"))
def plan_end(traj: pd.DataFrame, to_goal: pd.DataFrame) -> pd.Series:
    """The row of :func:`distance_to_target` for the plan that reaches furthest ahead (a band
    before a single line when both end in the same year).

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`trajectories`; reads what :func:`series_info` reads.
    to_goal : pandas.DataFrame
        :func:`distance_to_target`; reads ``series`` and ``as_at``.

    Returns
    -------
    pandas.Series
        That row of ``to_goal``.
    """
    info = series_info(traj).set_index("series")
    plans = to_goal[to_goal.series != ACTUAL].copy()
    plans["_band"] = plans.series.map(info.band)
    return plans.sort_values(["as_at", "_band"], kind="stable").iloc[-1].drop("_band")


@dataclass
class PlansInForce:
    """Everything report 30 shows of one authority's plans (:func:`plans_in_force`)."""

    population: pd.Series  # :func:`derivation_population`
    traj: pd.DataFrame  # :func:`trajectories`
    goal: pd.Series  # :func:`target`
    dist: pd.DataFrame  # :func:`distances`
    to_goal: pd.DataFrame  # :func:`distance_to_target`
    plans: pd.DataFrame  # :func:`describe_plans`
    end: pd.Series  # :func:`plan_end`
    documents: list[str]  # the papers these figures come from


@needs(cla_trajectories=(*_PRINTED, "label", "series_kind", "plan_made", "bound", "as_at", "figure_basis"),
       comparator_rates=COMPARATOR_COLUMNS, sources=("document", "date"))
def plans_in_force(cla_trajectories: pd.DataFrame, comparator_rates: pd.DataFrame, authority: str, *,
                   target_how: str = assumptions.CLA_TARGET, measure: str = "number",
                   sources: pd.DataFrame | None = None) -> PlansInForce:
    """The authority's plans against its actual figures and the neighbours' target, in ``measure``,
    from the papers in force.

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        The papers' ``cla_trajectories`` rows; reads what :func:`trajectories` reads.
    comparator_rates : pandas.DataFrame
        The papers' ``comparator_rates`` rows; reads what :func:`target` reads.
    authority : str
        The council.
    target_how : str, default ``assumptions.CLA_TARGET``
        ``printed``, ``mean`` or ``median`` (:func:`target`).
    measure : str, default "number"
        ``number`` (children) or ``rate`` (per 10,000 children aged 0-17).
    sources : pandas.DataFrame, optional
        The ``sources`` table (``document``, ``date``).

    Returns
    -------
    PlansInForce
        The population, trajectories, target, distances, distances to target, plans, the plan
        reaching furthest and the documents used.
    """
    pop = derivation_population(cla_trajectories, authority)
    traj = trajectories(cla_trajectories, authority, pop.population, sources=sources)
    goal = target(comparator_rates, authority, target_how, population=pop.population)
    dist, to_goal = distances(traj, measure), distance_to_target(traj, goal, measure)
    return PlansInForce(pop, traj, goal, dist, to_goal, describe_plans(traj), plan_end(traj, to_goal),
                        sorted(set(traj.document) | {goal.document}))
