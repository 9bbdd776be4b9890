"""Children looked after (CLA): actual numbers against every plan, and against the neighbours'
average as a target.

Input is the ``cla_trajectories`` table (long format: one row per authority, year, series and
bound) and, for the target, ``comparator_rates``.  Series: ``actual``; ``plan_2014`` (the
five-year plan agreed in October 2014, Torbay 2015 Table 6); ``plan_2014_restated`` (the same
plan as restated in the January 2017 MTFS, Table 1); ``mtfs_2017`` (the MTFS's net reduction of
10-15 a year, a band with a ``low`` and a ``high`` bound).

Two measures: ``number`` (children) and ``rate`` (children looked after per 10,000 children aged
0-17, ``*_per_10k``).  Rates are kept as printed; where a paper prints none (the MTFS band) the
rate is **derived** with the child population that paper's own printed figures imply (the
median over its rows of number × 10,000 ÷ rate) and labelled ``derived`` in ``rate_basis``.
The target (the neighbours' average rate) is converted to children with that same population.

Distances are signed so that **positive = more children (or a higher rate) than the plan or
target** it is measured against.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..presentation import charts
from . import comparators
from ..presentation.display import rate as rate_text
from ..errors import InputError

SERIES_ORDER = ["actual", "plan_2014", "plan_2014_restated", "mtfs_2017"]
SERIES_NAMES = {
    "actual": "Actual",
    "plan_2014": "5-year plan (Oct 2014)",
    "plan_2014_restated": "5-year plan as restated (Jan 2017)",
    "mtfs_2017": "MTFS (Jan 2017): 10-15 fewer a year",
}
MEASURES = ("number", "rate")
TARGETS = ("printed", "mean", "median")
BOUND_ORDER = {"central": 0, "low": 1, "high": 2}


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}")


def _rows(cla_trajectories: pd.DataFrame, authority: str) -> pd.DataFrame:
    rows = cla_trajectories[cla_trajectories["authority"] == authority]
    if rows.empty:
        known = ", ".join(sorted(cla_trajectories["authority"].dropna().unique())) or "none"
        raise InputError("cla_trajectories", column="authority", expected=f"an authority with data (known: {known})",
                         found=authority)
    return rows


def implied_populations(cla_trajectories: pd.DataFrame, authority: str) -> pd.DataFrame:
    """Every row with a printed number and rate, with the child population they imply
    (number × 10,000 ÷ rate): ``document``, ``table_name``, ``year``, ``series``, ``number``,
    ``rate_per_10k``, ``population``, ``source_line``."""
    rows = _rows(cla_trajectories, authority)
    printed = rows[rows["rate_per_10k"].notna() & rows["number"].notna()]
    out = printed[["document", "table_name", "year", "series", "number", "rate_per_10k", "source_line"]].copy()
    out["number"] = out["number"].astype(int)
    out["rate_per_10k"] = out["rate_per_10k"].astype(float)
    out["population"] = [comparators.implied_population(n, r) for n, r in zip(out.number, out.rate_per_10k)]
    return out.sort_values(["document", "year", "series"]).reset_index(drop=True)


def document_populations(cla_trajectories: pd.DataFrame, authority: str) -> pd.DataFrame:
    """Per document: how many rows imply a population, the smallest, largest and median
    implied population (the median is what derived rates use)."""
    pops = implied_populations(cla_trajectories, authority)
    return (pops.groupby(["document", "table_name"], sort=True)
            .agg(rows=("population", "size"), smallest_population=("population", "min"),
                 largest_population=("population", "max"), median_population=("population", "median"))
            .reset_index())


def derivation_population(cla_trajectories: pd.DataFrame, authority: str) -> pd.Series:
    """The population used to derive rates the papers do not print: the median implied by the
    printed rows of the document the unprinted rows come from (``document``, ``population``,
    ``rows``).  When every rate is printed, the most recent document's median is returned."""
    rows = _rows(cla_trajectories, authority)
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
        return pd.Series({"document": "all", "population": float(all_pops.median()), "rows": len(all_pops)})
    return pd.Series({"document": document, "population": float(hit.median_population.iloc[0]),
                      "rows": int(hit.rows.iloc[0])})


def trajectories(cla_trajectories: pd.DataFrame, authority: str, population: float | None = None) -> pd.DataFrame:
    """Every series for ``authority`` in one long frame: ``year``, ``as_at``, ``series``,
    ``series_name``, ``bound``, ``number``, ``number_basis`` (printed / derived from prose),
    ``rate_per_10k`` and ``rate_basis`` (printed, or derived with ``population`` - by default
    :func:`derivation_population`), ``document``, ``table_name``, ``source_line``."""
    rows = _rows(cla_trajectories, authority).copy()
    if population is None:
        population = float(derivation_population(cla_trajectories, authority).population)
    printed = rows["rate_per_10k"].notna()
    rows["rate_basis"] = np.where(printed, "printed", "derived")
    rows["rate_per_10k"] = [float(r) if p else float(n) * 10_000 / population
                            for r, n, p in zip(rows["rate_per_10k"], rows["number"], printed)]
    rows["number"] = rows["number"].astype(int)
    rows["series_name"] = rows["series"].map(SERIES_NAMES).fillna(rows["series"])
    rows["_s"] = rows["series"].map({s: i for i, s in enumerate(SERIES_ORDER)}).fillna(len(SERIES_ORDER))
    rows["_b"] = rows["bound"].map(BOUND_ORDER)
    rows = rows.sort_values(["_s", "year", "_b", "as_at"])
    keep = ["year", "as_at", "series", "series_name", "bound", "number", "figure_basis", "rate_per_10k",
            "rate_basis", "document", "table_name", "source_line"]
    return rows[keep].rename(columns={"figure_basis": "number_basis"}).reset_index(drop=True)


def _value_column(measure: str) -> str:
    _check_measure(measure)
    return "number" if measure == "number" else "rate_per_10k"


WIDE_LABELS = {"year": "Year", "actual_as_at": "Actual as at", "actual": "Actual",
               "plan_2014": SERIES_NAMES["plan_2014"], "plan_2014_restated": SERIES_NAMES["plan_2014_restated"],
               "mtfs_2017_low": "MTFS band, low end", "mtfs_2017_high": "MTFS band, high end"}


def wide(traj: pd.DataFrame, measure: str = "number") -> pd.DataFrame:
    """One row per year, one column per series (the MTFS band as ``mtfs_2017_low`` and
    ``mtfs_2017_high``), values in the measure's unit; a year's actual that is not at year end
    (e.g. November 2016) keeps its date in ``actual_as_at``."""
    col = _value_column(measure)
    t = traj.copy()
    t["column"] = np.where(t.bound == "central", t.series, t.series + "_" + t.bound)
    table = t.pivot_table(index="year", columns="column", values=col, aggfunc="first")
    order = [c for s in SERIES_ORDER for c in (s, f"{s}_low", f"{s}_high") if c in table.columns]
    table = table[order].reset_index()
    table.columns.name = None
    actual = t[t.series == "actual"].set_index("year").as_at
    table.insert(1, "actual_as_at", table.year.map(actual))
    return table


def target(comparator_rates: pd.DataFrame, authority: str, how: str = "printed", *, population: float,
           year: str | None = None) -> pd.Series:
    """The neighbours' average as a target: the paper's printed average (``how="printed"``) or
    the mean or median of the neighbours' printed rates, for the latest comparator year (or
    ``year``), converted to children with ``population``: ``how``, ``label``, ``year``,
    ``rate_per_10k``, ``number``, ``population``, ``document``."""
    if how not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}; got {how!r}")
    if year is None:
        mine = comparator_rates[(comparator_rates.subject_authority == authority)
                                & (comparator_rates.row_type == "authority") & ~comparator_rates.is_subject.astype(bool)]
        if mine.empty:
            known = ", ".join(sorted(comparator_rates.subject_authority.dropna().unique())) or "none"
            raise InputError("comparator_rates", column="subject_authority",
                             expected=f"an authority compared with its neighbours (known: {known})", found=authority)
        year = sorted(mine.year.unique())[-1]
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


def _when(as_at: str) -> str:
    stamp = pd.Timestamp(as_at)
    return stamp.strftime("%b %Y") if (stamp.month, stamp.day) != (3, 31) else f"March {stamp.year}"


def distances(traj: pd.DataFrame, measure: str = "number", baseline: str = "plan_2014") -> pd.DataFrame:
    """At each year where a series (other than ``baseline`` and its restatement) meets the
    ``baseline`` plan: ``year``, ``series``, ``comparison``, ``low``/``high`` (the series'
    figure; equal for a single figure), ``plan`` and ``distance_low``/``distance_high``
    (figure − plan), all in the measure's unit (``unit``), and ``basis``: whether the figures
    compared are printed or derived."""
    col = _value_column(measure)
    basis = "number_basis" if measure == "number" else "rate_basis"
    plan = traj[(traj.series == baseline) & (traj.bound == "central")].set_index("year")
    rows = []
    for series in [s for s in SERIES_ORDER if s not in (baseline, f"{baseline}_restated")]:
        part = traj[(traj.series == series) & traj.year.isin(plan.index)]
        for year, group in part.groupby("year", sort=True):
            low, high = float(group[col].min()), float(group[col].max())
            p = float(plan.loc[year, col])
            when = f" ({_when(group.as_at.iloc[0])})" if series == "actual" else ""
            rows.append({"year": year, "series": series,
                         "comparison": f"{SERIES_NAMES.get(series, series)}{when} vs {SERIES_NAMES[baseline]}",
                         "low": low, "high": high, "plan": p, "distance_low": low - p, "distance_high": high - p,
                         "unit": "children" if measure == "number" else "per 10,000",
                         "basis": ", ".join(sorted(set(group[basis]) | set(plan.loc[[year], basis])))})
    return pd.DataFrame(rows, columns=["year", "series", "comparison", "low", "high", "plan", "distance_low",
                                       "distance_high", "unit", "basis"])


def distance_to_target(traj: pd.DataFrame, goal: pd.Series, measure: str = "number") -> pd.DataFrame:
    """Each series' last figure against the target: ``series``, ``year``, ``low``, ``high``,
    ``target``, ``distance_low``, ``distance_high`` (figure − target) in the measure's unit."""
    col = _value_column(measure)
    tgt = float(goal.number if measure == "number" else goal.rate_per_10k)
    rows = []
    for series in [s for s in SERIES_ORDER if s in set(traj.series)]:
        part = traj[traj.series == series]
        last = part[part.as_at == part.as_at.max()]
        low, high = float(last[col].min()), float(last[col].max())
        rows.append({"series": series, "series_name": SERIES_NAMES.get(series, series), "year": last.year.iloc[0],
                     "as_at": last.as_at.iloc[0], "low": low, "high": high, "target": tgt,
                     "distance_low": low - tgt, "distance_high": high - tgt,
                     "unit": "children" if measure == "number" else "per 10,000"})
    return pd.DataFrame(rows)


def restatement_differences(traj: pd.DataFrame) -> pd.DataFrame:
    """The 2014 plan against its 2017 restatement, year by year: ``plan_2014_number``,
    ``restated_number``, ``number_difference`` and the same for rates (``*_per_10k``);
    differences are restated − original."""
    cols = {"number": "number", "rate_per_10k": "per_10k"}
    a = traj[traj.series == "plan_2014"].set_index("year")[list(cols)]
    b = traj[traj.series == "plan_2014_restated"].set_index("year")[list(cols)]
    a.columns = [f"plan_2014_{cols[c]}" for c in a.columns]
    b.columns = [f"restated_{cols[c]}" for c in b.columns]
    both = a.join(b, how="inner").reset_index()
    both["number_difference"] = both.restated_number - both.plan_2014_number
    both["difference_per_10k"] = both.restated_per_10k - both.plan_2014_per_10k
    return both


# --------------------------------------------------------------------------------------------- chart

_STYLE = {
    "plan_2014": dict(color=charts.SERIES[1], linestyle="-", marker="o", linewidth=2.0, markersize=4),
    "plan_2014_restated": dict(color=charts.SERIES[3], linestyle=(0, (1, 2)), marker="s", linewidth=1.6,
                               markersize=3, markerfacecolor="none"),
}


def _fmt(value: float, measure: str) -> str:
    return f"{value:,.0f}" if measure == "number" else rate_text(value)


def _span(low: float, high: float, measure: str, signed: bool = True) -> str:
    sign = (lambda v: ("+" if v > 0 else "") + _fmt(v, measure)) if signed else (lambda v: _fmt(v, measure))
    a, b = sorted((low, high))
    return sign(a) if math.isclose(a, b) else f"{sign(a)} to {sign(b)}"


def chart_title(traj: pd.DataFrame, dist: pd.DataFrame, measure: str, authority: str) -> str:
    """The finding: the latest actual against the plan, and the MTFS band against the plan."""
    unit = " children" if measure == "number" else " per 10,000"
    parts = []
    actual = dist[dist.series == "actual"]
    if len(actual):
        r = actual.iloc[-1]
        as_at = traj[(traj.series == "actual") & (traj.year == r.year)].as_at.iloc[0]
        more = "more" if r.distance_low >= 0 else "fewer"
        if measure == "number":
            parts.append(f"{authority} looked after {_fmt(r.low, measure)} children in {_when(as_at)}, "
                         f"{_fmt(abs(r.distance_low), measure)} {more} than its 2014 plan for {r.year}")
        else:
            parts.append(f"{authority}'s rate was {_fmt(r.low, measure)} per 10,000 in {_when(as_at)}, "
                         f"{_fmt(abs(r.distance_low), measure)} {'above' if more == 'more' else 'below'} its 2014 "
                         f"plan for {r.year}")
    mtfs = dist[dist.series == "mtfs_2017"]
    if len(mtfs):
        r = mtfs.iloc[-1]
        parts.append(f"the 2017 MTFS band is {_span(abs(r.distance_low), abs(r.distance_high), measure, signed=False)}"
                     f"{unit} {'above' if r.distance_low >= 0 else 'below'} that plan in {r.year}")
    return "; ".join(parts) or f"Children looked after in {authority}: actual against plans"


def chart_trajectories(traj: pd.DataFrame, goal: pd.Series | None, dist: pd.DataFrame, *, measure: str = "number",
                       authority: str = "", source: str) -> Figure:
    """Lines for each plan, the MTFS band as a shaded low-high area, actual figures as markers
    (FOCUS), the target as a dashed line and the distance from plan annotated at each year of
    ``dist``."""
    col = _value_column(measure)
    years = sorted(traj.year.unique())
    x = {y: i for i, y in enumerate(years)}
    fig, ax = charts.new_figure(width=9.0, height=5.6)
    for series in ("plan_2014", "plan_2014_restated"):
        part = traj[traj.series == series].sort_values("year")
        if len(part):
            label = SERIES_NAMES[series] + (" - same figures" if series.endswith("_restated") else "")
            ax.plot([x[y] for y in part.year], part[col], label=label, **_STYLE[series])
    band = traj[traj.series == "mtfs_2017"]
    if len(band):
        lo = band[band.bound == "low"].sort_values("year")
        hi = band[band.bound == "high"].sort_values("year").set_index("year").reindex(lo.year)
        xs = [x[y] for y in lo.year]
        derived = measure == "rate" and (band.rate_basis == "derived").any()
        ax.fill_between(xs, lo[col].astype(float), hi[col].astype(float), color=charts.SERIES[2], alpha=0.3,
                        linewidth=0, label=SERIES_NAMES["mtfs_2017"] + (" (rates derived)" if derived else ""))
        ax.plot(xs, lo[col], color=charts.SERIES[2], linewidth=1.0)
        ax.plot(xs, hi[col].to_numpy(dtype=float), color=charts.SERIES[2], linewidth=1.0)
    actual = traj[traj.series == "actual"].sort_values("as_at")
    ax.plot([x[y] for y in actual.year], actual[col], linestyle="none", marker="o", markersize=8, color=charts.FOCUS,
            label="Actual", zorder=5)
    for r in actual.itertuples():
        when = "" if pd.Timestamp(r.as_at).month == 3 else f" ({_when(r.as_at)})"
        ax.annotate(f"{_fmt(getattr(r, col), measure)}{when}", (x[r.year], getattr(r, col)), xytext=(7, 4),
                    textcoords="offset points", fontsize=8.5, color=charts.FOCUS, fontweight="bold")
    if goal is not None:
        value = float(goal.number if measure == "number" else goal.rate_per_10k)
        ax.axhline(value, color=charts.AVERAGE, linestyle=(0, (4, 3)), linewidth=1.4)
        text = (f"Target: neighbours' average {goal.rate_per_10k:,.1f} per 10,000 ≈ {goal.number:,.0f} children"
                .replace(".0 per", " per"))
        ax.text(-0.4, value, text, ha="left", va="bottom", fontsize=8.5, color=charts.AVERAGE)
    for r in dist.itertuples():
        xi = x[r.year] + 0.12
        top = r.high if r.distance_low >= 0 else r.low
        ax.annotate("", xy=(xi, r.plan), xytext=(xi, r.low), arrowprops=dict(arrowstyle="<->", color=charts.TEXT,
                                                                             linewidth=0.9, shrinkA=0, shrinkB=0))
        ax.text(xi + 0.06, (r.plan + top) / 2, _span(r.distance_low, r.distance_high, measure), fontsize=8.5,
                va="center", color=charts.TEXT, fontweight="bold",
                bbox=dict(facecolor="white", edgecolor="none", pad=1.0, alpha=0.85))
    ax.set_xticks(range(len(years)), years)
    ax.set_xlim(-0.5, len(years) - 0.5)
    ax.set_ylim(0, float(traj[col].max()) * 1.12)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower left", fontsize=8.5)
    ylabel = ("Children looked after (number)" if measure == "number"
              else "Children looked after per 10,000 children aged 0-17")
    subtitle = (f"Children looked after {'(number)' if measure == 'number' else 'per 10,000 children aged 0-17'}: "
                "actual, the 2014 five-year plan, its 2017 restatement and the 2017 MTFS band; arrows: distance from "
                "the 2014 plan" + ("; MTFS rates derived from its implied child population" if measure == "rate" else ""))
    return charts.finish(fig, ax, title=chart_title(traj, dist, measure, authority), subtitle=subtitle,
                         xlabel="Financial year (actual at year end unless dated)", ylabel=ylabel, source=source)
