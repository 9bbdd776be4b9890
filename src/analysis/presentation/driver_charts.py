"""Report 35's charts, in the project's one style (:mod:`analysis.presentation.charts`): each
takes what :mod:`analysis.analyses.cost_drivers` returns and returns a Figure; none reads a file."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..analyses import measure_benchmarks as engine
from ..analyses.cost_drivers import fmt, when
from ..schemas import needs
from . import charts

__all__ = ["chart_measure", "chart_placement_mix", "chart_standing"]


@needs(table=("measure", "apart_pct", "set_apart"))
@charts.styled
def chart_standing(table: pd.DataFrame, authority: str, labels: dict[str, str], *, source: str) -> Figure:
    """One bar per measure: the authority's value as a percentage of its neighbours' mean.

    100 = the mean; measures that set the authority apart (20 % or more above or below) in blue.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.cost_drivers.drivers`'s output: ``measure``, ``apart_pct`` (percent
        above (+) or below (-) the neighbours' mean; NaN = not compared) and ``set_apart``.
    authority : str
        The authority's name.
    labels : dict of str to str
        Measure -> its label in words.
    source : str
        The source line under the chart (LAIT, the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    shown = table[table.apart_pct.notna()].copy()
    shown["index"] = 100 + shown.apart_pct.astype(float)
    names = [charts.wrap_chars(labels.get(m, m), 40) for m in shown.measure]
    apart = shown.loc[shown.set_apart.astype(bool)]
    colours = [charts.FOCUS if a else charts.OTHER for a in shown.set_apart.astype(bool)]
    if len(apart):
        top = apart.assign(size=apart.apart_pct.abs()).sort_values("size", ascending=False).iloc[0]
        title = (f"{authority} is furthest from its statistical neighbours on {labels.get(top.measure, top.measure).lower()}: "
                 f"{100 + top.apart_pct:,.0f} where their mean is 100")
    else:
        title = f"{authority} is within 20% of its statistical neighbours' mean on every measure shown"
    return charts.ranked_bars(names, list(shown["index"]), colours=colours,
                              reference_lines=[(100.0, "Neighbours' mean = 100", charts.AVERAGE)],
                              value_format=lambda v: f"{v:,.0f}", title=title,
                              subtitle=f"{authority}'s latest published value of each measure as a percentage of its "
                                       "statistical neighbours' mean (100 = the mean); blue: 20% or more above or below",
                              xlabel="% of the neighbours' mean", source=source)


def _segments(frame: pd.DataFrame, column: str) -> list[pd.DataFrame]:
    """The rows of ``frame`` split where a definition starts anew (``definition_break``)."""
    out, start = [], 0
    rows = frame.reset_index(drop=True)
    for i, brk in enumerate(rows.definition_break):
        if brk and i > start:
            out.append(rows.iloc[start:i])
            start = i
    out.append(rows.iloc[start:])
    return [s.assign(**{column: s[column].astype(float)}) for s in out if len(s) and s[column].notna().any()]


@needs(frame=("year", "value", "neighbours_mean", "england_value", "definition_break"), plans=())
@charts.styled
def chart_measure(frame: pd.DataFrame, mv: engine.MeasureValues, authority: str, model: str, *,
                  plans: pd.DataFrame | None = None, source: str) -> Figure:
    """The authority's value year by year against its neighbours' mean and England.

    The line is broken where the definition changed; the papers' plans are dashed, a band between a
    plan's low and high bounds.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`analysis.analyses.measure_benchmarks.series`'s output, in the measure's unit:
        ``year``, ``value``, ``neighbours_mean``, ``england_value`` and ``definition_break``.
    mv : analysis.analyses.measure_benchmarks.MeasureValues
        The measure (its label, unit and how its values are written).
    authority : str
        The authority's name.
    model : str
        The statistical-neighbour model (named in the legend).
    plans : pandas.DataFrame, optional
        The papers' plans, in the measure's unit: ``year``, ``series``, ``label``, ``bound``
        (``low``/``high`` for a band) and ``value``; ``None`` or empty = none drawn.
    source : str
        The source line under the chart (LAIT, the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure(height=5.0)
    first = True
    for part in _segments(frame, "value"):
        ax.plot(part.year, part.value.astype(float), color=charts.FOCUS, marker="o", linewidth=2.2,
                label=authority if first else None)
        first = False
    for column, colour, label, style in (("neighbours_mean", charts.AVERAGE, f"Neighbours' mean ({engine.model_words(model)})",
                                          (0, (4, 3))), ("england_value", charts.NATIONAL, "England", "-")):
        drawn = False
        for part in _segments(frame, column):
            ax.plot(part.year, part[column].astype(float), color=colour, linestyle=style, linewidth=1.5,
                    label=None if drawn else label)
            drawn = True
    values = [v for c in ("value", "neighbours_mean", "england_value") for v in frame[c].dropna().astype(float)]
    if plans is not None and len(plans):
        for i, (_, group) in enumerate(plans.groupby("series", sort=False)):
            colour = charts.SERIES[(i + 1) % len(charts.SERIES)]
            label = f"Plan: {group.label.iloc[0]}"
            if set(group.bound) >= {"low", "high"}:
                lo = group[group.bound == "low"].sort_values("year")
                hi = group[group.bound == "high"].sort_values("year")
                ax.fill_between(lo.year, lo.value.astype(float), hi.value.astype(float), color=colour, alpha=0.3,
                                linewidth=0, label=label)
            else:
                g = group.sort_values("year")
                ax.plot(g.year, g.value.astype(float), color=colour, linestyle=(0, (2, 2)), marker="s", markersize=3,
                        linewidth=1.4, label=label)
            values += list(group.value.astype(float))
    last = frame.dropna(subset=["value"]).tail(1)
    for r in last.itertuples():
        ax.annotate(fmt(r.value, mv).split(" per ")[0], (r.year, r.value), xytext=(7, 7), textcoords="offset points",
                    color=charts.FOCUS, fontweight="bold", fontsize=9)
    years = sorted(set(frame.year.astype(int)) | (set(plans.year.astype(int)) if plans is not None and len(plans)
                                                  else set()))
    ax.set_xticks(years, [str(v) if i % 2 == 0 or len(years) <= 8 else "" for i, v in enumerate(years)])
    ax.set_ylim(0, max(values + [1.0]) * 1.15)
    charts.legend_above(ax)
    if len(last):
        r = last.iloc[0]
        title = (f"{authority}: {fmt(r.value, mv)} ({when(mv, int(r.year))}), against {fmt(r.neighbours_mean, mv)} "
                 f"for its neighbours and {fmt(r.england_value, mv)} in England")
    else:
        title = f"{authority}: {mv.label}"
    breaks = sorted(int(y) for y in frame[frame.definition_break].year)
    subtitle = mv.label + (f"; the definition changed in {', '.join(map(str, breaks))}, so the line starts anew"
                           if breaks else "")
    if plans is not None and len(plans):
        subtitle += "; the papers' plans dashed"
    return charts.finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel="Year the period ends",
                         ylabel=_axis_label(mv))


def _axis_label(mv: engine.MeasureValues) -> str:
    return {"per_10k": "Per 10,000 children aged 0-17", "pct": "Per cent", "gbp_per_week": "£ per child per week",
            "gbp_per_child": "£ a year per child looked after", "gbp_per_child_0_17": "£ a year per child aged 0-17",
            "count": "Number", "gbp": "£"}.get(mv.unit, mv.label)


@needs(mix=("placement", "source", "area", "year", "share_pct"))
@charts.styled
def chart_placement_mix(mix: pd.DataFrame, authority: str, *, source: str) -> Figure:
    """Foster and residential shares (%) of children looked after at 31 March.

    The authority solid and England dashed; the statistical first releases and LAIT's later shares
    drawn apart.

    Parameters
    ----------
    mix : pandas.DataFrame
        :func:`analysis.analyses.cost_drivers.placement_mix`'s output: ``placement``, ``source``,
        ``area`` (``authority`` or England), ``year`` (31 March) and ``share_pct``.
    authority : str
        The authority's name.
    source : str
        The source line under the chart (LAIT, the releases or papers the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure(height=5.0)
    colours = {"Foster placements": charts.SERIES[1], "Residential settings": charts.SERIES[2]}
    shown = mix[mix.placement.isin(list(colours))]
    labelled: set[str] = set()
    for (placement, _source, area), group in shown.groupby(["placement", "source", "area"], sort=False):
        g = group.sort_values("year")
        label = f"{placement}: {authority if area == 'authority' else 'England'}"
        ax.plot(g.year, g.share_pct.astype(float), color=colours[placement],
                linestyle="-" if area == "authority" else (0, (4, 3)), marker="o" if area == "authority" else None,
                markersize=4, linewidth=2.0 if area == "authority" else 1.4, label=None if label in labelled else label)
        labelled.add(label)
    years = sorted(set(shown.year.astype(int)))
    ax.set_xticks(years, [str(v) if i % 2 == 0 or len(years) <= 8 else "" for i, v in enumerate(years)])
    ax.set_ylim(0, 100)
    charts.legend_above(ax)
    mine = shown[(shown.area == "authority") & (shown.placement == "Foster placements")].sort_values("year")
    title = (f"{authority}: {numbers.pct(mine.share_pct.iloc[-1], 0)} of children looked after were in foster "
             f"placements at 31 March {int(mine.year.iloc[-1])}" if len(mine)
             else f"{authority}: where children looked after were placed")
    return charts.finish(fig, ax, title=title, subtitle="Share of children looked after at 31 March by placement, "
                         f"{authority} (solid) and England (dashed); the statistical first releases and LAIT's later "
                         "shares group placements differently and are not joined", source=source,
                         xlabel="Year (31 March)", ylabel="Per cent of children looked after")
