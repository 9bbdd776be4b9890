"""Charts of the public-statistics benchmarks, in the project's one style
(:mod:`analysis.presentation.charts`): each takes the DataFrames the analyses return and
returns a Figure; none reads a file.  Rates are children looked after per 10,000 children aged
0-17; money is whole pounds."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..analyses.measure_benchmarks import model_words
from ..numbers import rate as rate_text
from ..schemas import needs
from . import charts

__all__ = [
    "RATE_LABEL", "chart_comparator", "chart_paper_reproduction", "chart_plan_vs_outcome", "chart_series",
    "chart_spend",
]

RATE_LABEL = "Children looked after per 10,000 children aged 0-17"


@needs(table=("role", "authority", "rate_per_10k"))
@charts.styled
def chart_comparator(table: pd.DataFrame, summary: pd.Series, *, source: str) -> Figure:
    """Bars for the authority (highlighted) and each neighbour with a rate.

    Dashed lines for the neighbours' mean, the region and England.  Neighbours without a rate are
    named in the subtitle.  Rates are children looked after per 10,000 children aged 0-17.

    Parameters
    ----------
    table : pandas.DataFrame
        The comparator (:func:`analysis.analyses.benchmarks.comparator`): ``role``
        (``authority``, ``neighbour`` ...), ``authority`` and ``rate_per_10k``.
    summary : pandas.Series
        Its summary: ``authority``, ``year`` (31 March), ``model``, ``region``, the rates
        ``neighbours_mean_per_10k``, ``england_per_10k``, ``region_per_10k`` and ``gap_per_10k``
        (``None`` when unknown), ``gap_children``, ``neighbours``, ``neighbours_with_rate`` and
        ``neighbours_missing`` (``"; "``-separated).
    source : str
        The source line under the chart (the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    group = table[table.role.isin(["authority", "neighbour"]) & table.rate_per_10k.notna()]
    lines = []
    if summary.neighbours_mean_per_10k is not None:
        lines.append((summary.neighbours_mean_per_10k, f"Neighbours' mean {rate_text(summary.neighbours_mean_per_10k)}",
                      charts.AVERAGE))
    if summary.england_per_10k is not None:
        lines.append((summary.england_per_10k, f"England {rate_text(summary.england_per_10k)}", charts.NATIONAL))
    if summary.region_per_10k is not None:
        lines.append((summary.region_per_10k, f"{summary.region} {rate_text(summary.region_per_10k)}",
                      charts.SECONDARY_TEXT))
    if summary.gap_per_10k is None:
        title = f"{summary.authority} at 31 March {summary.year}: no rate to compare"
    else:
        more = "more" if summary.gap_per_10k >= 0 else "fewer"
        title = (f"At 31 March {summary.year} {summary.authority} looked after {rate_text(abs(summary.gap_per_10k))} "
                 f"{more} children per 10,000 than its neighbours' mean: about {abs(summary.gap_children):,.0f} "
                 f"{more} children")
    subtitle = (f"Rate per 10,000 children aged 0-17, {summary.authority} and its statistical neighbours ("
                f"{model_words(summary.model)}); {summary.neighbours_with_rate} of {summary.neighbours} neighbours have a rate")
    if summary.neighbours_missing:
        subtitle += "; without a rate: " + ", ".join(n.split(" (")[0] for n in summary.neighbours_missing.split("; "))
    return charts.ranked_bars(list(group.authority), list(group.rate_per_10k.astype(float)),
                              highlight=[summary.authority], reference_lines=lines, value_format=rate_text,
                              title=title, subtitle=subtitle, xlabel=RATE_LABEL, source=source)


@needs(frame=("year", "rate_per_10k", "neighbours_mean_per_10k", "england_per_10k", "region_per_10k"))
@charts.styled
def chart_series(frame: pd.DataFrame, authority: str, model: str, *, source: str) -> Figure:
    """The authority's rate year by year against its neighbours' mean, its region and England.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row a year: ``year`` (31 March), and the rates per 10,000 children aged 0-17
        ``rate_per_10k``, ``neighbours_mean_per_10k``, ``england_per_10k`` and ``region_per_10k``.
    authority : str
        The authority's name (the focus line's label).
    model : str
        The statistical-neighbour model (named in the legend).
    source : str
        The source line under the chart (the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure(height=5.0)
    x = frame.year.astype(int)
    ax.plot(x, frame.rate_per_10k.astype(float), color=charts.FOCUS, marker="o", linewidth=2.2, label=authority)
    ax.plot(x, frame.neighbours_mean_per_10k.astype(float), color=charts.AVERAGE, linestyle=(0, (4, 3)),
            linewidth=1.5, label=f"Neighbours' mean ({model_words(model)})")
    ax.plot(x, frame.england_per_10k.astype(float), color=charts.NATIONAL, linewidth=1.5, label="England")
    if frame.region_per_10k.notna().any():
        ax.plot(x, frame.region_per_10k.astype(float), color=charts.OTHER, linewidth=1.5, label="Region")
    for r in frame.dropna(subset=["rate_per_10k"]).tail(1).itertuples():
        ax.annotate(rate_text(r.rate_per_10k), (r.year, r.rate_per_10k), xytext=(7, 7), textcoords="offset points",
                    color=charts.FOCUS, fontweight="bold", fontsize=9)
    ax.set_xticks(list(x), [str(v) if i % 2 == 0 or len(x) <= 8 else "" for i, v in enumerate(x)])
    ax.set_ylim(0, max(frame[["rate_per_10k", "neighbours_mean_per_10k", "england_per_10k"]].max(numeric_only=True)
                       .astype(float).max() * 1.15, 1))
    charts.legend_above(ax)
    last = frame.dropna(subset=["rate_per_10k"]).iloc[-1] if frame.rate_per_10k.notna().any() else None
    title = (f"{authority}: {rate_text(last.rate_per_10k)} per 10,000 at 31 March {int(last.year)}, against "
             f"{rate_text(last.neighbours_mean_per_10k)} for its neighbours and {rate_text(last.england_per_10k)} in England"
             if last is not None else f"{authority}: children looked after per 10,000")
    gaps = frame[frame.rate_per_10k.isna()].year.astype(int).tolist()
    subtitle = "Rate at 31 March each year" + (f"; no rate for {', '.join(map(str, gaps))} (the releases print no figure)" if gaps else "")
    return charts.finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel="Year (31 March)",
                         ylabel=RATE_LABEL)


@needs(plans=("series", "series_label", "bound", "year_end"), actuals=("year",))
@charts.styled
def chart_plan_vs_outcome(plans: pd.DataFrame, actuals: pd.DataFrame, authority: str, *, measure: str = "number",
                          source: str) -> Figure:
    """Each plan against the published figures at 31 March.

    A plan is a line, or a shaded band between its low and high bounds; the published figures are
    blue markers.

    Parameters
    ----------
    plans : pandas.DataFrame
        The plans: ``series``, ``series_label``, ``bound`` (``low``/``high`` for a band),
        ``year_end`` (31 March of the year), and ``plan_number`` and ``actual_number`` (``measure``
        number) or ``plan_rate_per_10k`` and ``actual_rate_per_10k`` (rate).
    actuals : pandas.DataFrame
        The published figures: ``year`` and ``number`` or ``rate_per_10k``.
    authority : str
        The authority's name.
    measure : {"number", "rate"}, default "number"
        Children looked after as a number, or per 10,000 children aged 0-17.
    source : str
        The source line under the chart (the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    plan_col, actual_col = (("plan_number", "number") if measure == "number"
                            else ("plan_rate_per_10k", "rate_per_10k"))
    fig, ax = charts.new_figure(height=5.4)
    for i, (_series, group) in enumerate(plans.groupby("series", sort=False)):
        colour = charts.SERIES[(i + 1) % len(charts.SERIES)]
        label = group.series_label.iloc[0]
        if set(group.bound) >= {"low", "high"}:
            lo = group[group.bound == "low"].sort_values("year_end")
            hi = group[group.bound == "high"].sort_values("year_end")
            ax.fill_between(lo.year_end, lo[plan_col].astype(float), hi[plan_col].astype(float), color=colour,
                            alpha=0.3, linewidth=0, label=label)
            for bound in (lo, hi):  # the band's edges, in full colour
                ax.plot(bound.year_end, bound[plan_col].astype(float), color=colour, linewidth=1.0)
        else:
            g = group.sort_values("year_end")
            ax.plot(g.year_end, g[plan_col].astype(float), color=colour, marker="s", markersize=3, linewidth=1.6,
                    label=label)
    first = int(plans.year_end.min()) - 1
    shown = actuals[actuals.year >= first].dropna(subset=[actual_col])
    ax.plot(shown.year, shown[actual_col].astype(float), linestyle="none", marker="o", markersize=7,
            color=charts.FOCUS, label="Published (DfE)", zorder=5)
    for r in shown.itertuples():
        ax.annotate(numbers.count(getattr(r, actual_col)), (r.year, getattr(r, actual_col)), xytext=(0, 9),
                    textcoords="offset points", ha="center", fontsize=charts.LABEL_FONT, color=charts.FOCUS)
    ax.set_ylim(0, max(float(shown[actual_col].max() if len(shown) else 0),
                       float(plans[plan_col].max())) * 1.15)
    ticks = sorted(set(shown.year.astype(int)) | set(plans.year_end.astype(int)))
    ax.set_xticks(ticks, [str(v) if i % 2 == 0 or len(ticks) <= 8 else "" for i, v in enumerate(ticks)])
    charts.legend_above(ax)
    unit = "children" if measure == "number" else "per 10,000"
    end = plans[plans.year_end == plans.year_end.max()]
    actual_end = end[f"actual_{'number' if measure == 'number' else 'rate_per_10k'}"].iloc[0]
    title = (f"{authority}'s plans against what was published: at 31 March {int(end.year_end.iloc[0])} "
             f"{actual_end:,.0f} {unit} against {end[plan_col].min():,.0f}"
             + (f"-{end[plan_col].max():,.0f}" if end[plan_col].max() != end[plan_col].min() else "") + " planned"
             if actual_end is not None and not pd.isna(actual_end) else f"{authority}'s plans against what was published")
    ylabel = "Children looked after (number)" if measure == "number" else RATE_LABEL
    return charts.finish(fig, ax, title=title, subtitle=f"Children looked after at 31 March ({unit}): every plan in "
                         "the papers and the published figures that followed", source=source,
                         xlabel="Year (31 March)", ylabel=ylabel)


@needs(table=("role", "authority"))
@charts.styled
def chart_spend(table: pd.DataFrame, column: str, *, authority: str, financial_year: str, source: str) -> Figure:
    """Bars of spend per child or weekly unit cost for the authority, its neighbours and England.

    England is a dashed line; figures are shown to the pound.

    Parameters
    ----------
    table : pandas.DataFrame
        ``role`` (``authority``, ``neighbour``, ``England``), ``authority`` and ``column``.
    column : {"spend_per_child_gbp", "weekly_unit_cost_gbp"}
        Gross spend per child looked after (pounds a year) or the weekly unit cost (pounds a week).
    authority : str
        The authority's name (highlighted).
    financial_year : str
        The year of the figures (``2013-14``).
    source : str
        The source line under the chart (the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    what = {"spend_per_child_gbp": "gross spend per child looked after (£ a year)",
            "weekly_unit_cost_gbp": "weekly unit cost per child looked after (£ a week)"}[column]
    money = numbers.money_exact  # every pound: £1,115 a week (not £1k), £58,254 against £57,698 (not £58k twice)
    rows = table[table.role != "England"].dropna(subset=[column])
    england = table[table.role == "England"][column]
    lines = [] if england.isna().all() else [(float(england.iloc[0]), f"England {money(england.iloc[0])}",
                                              charts.NATIONAL)]
    me = table[table.role == "authority"][column]
    mean = rows[rows.role == "neighbour"][column].astype(float).mean()
    title = (f"{numbers.year(financial_year)}: {authority}'s {what.split(' (')[0]} was {money(me.iloc[0])}, "
             f"against a neighbours' mean of {money(mean)}" if not me.isna().all() and not pd.isna(mean)
             else f"{financial_year}: {what}")
    return charts.ranked_bars(list(rows.authority), list(rows[column].astype(float)), highlight=[authority],
                              reference_lines=lines, value_format=money, axis_format=money, title=title,
                              subtitle=f"{what.capitalize()}, {authority} and its statistical neighbours",
                              xlabel=what.capitalize(), source=source)


@needs(table=("kind", "item", "printed", "reproduced", "difference"))
@charts.styled
def chart_paper_reproduction(table: pd.DataFrame, *, subject: str, source: str) -> Figure:
    """Printed against reproduced rate for each authority and average of a paper's comparator.

    Parameters
    ----------
    table : pandas.DataFrame
        The reproduction: ``kind`` (``rate``/``average`` rows are drawn), ``item``, ``printed``,
        ``reproduced`` (NaN = not reproducible) and ``difference`` (rates per 10,000 children
        aged 0-17).
    subject : str
        The authority whose paper printed the comparator.
    source : str
        The source line under the chart (the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    rows = table[table.kind.isin(["rate", "average"])]
    labels = list(rows["item"])
    groups = {"Printed in the paper": [float(v) for v in rows.printed],
              "Reproduced from the releases": [0.0 if pd.isna(v) else float(v) for v in rows.reproduced]}
    missing = [i for i, v in zip(rows["item"], rows.reproduced, strict=True) if pd.isna(v)]
    subtitle = "Rate per 10,000 children aged 0-17" + (f"; not reproducible (shown as 0): {', '.join(missing)}"
                                                       if missing else "")
    same = int((rows.difference == 0).sum())
    return charts.grouped_bars(labels, groups, colours=[charts.OTHER, charts.FOCUS], horizontal=True, money=False,
                               value_labels=True, value_format=lambda v: rate_text(v) if v else "–", ylabel=RATE_LABEL, source=source, subtitle=subtitle,
                               title=f"{subject}'s comparator reproduced from the public releases: {same} of "
                                     f"{len(rows)} figures exactly as printed")
