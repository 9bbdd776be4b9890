"""The chart of children looked after against every plan (:mod:`analysis.analyses.cla`): its
title states the finding, series and labels come from the data."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from ..analyses.cla import ACTUAL, baseline, restatement_differences, series_info, value_column, when
from ..numbers import rate as rate_text
from ..schemas import needs
from . import charts

__all__ = ["chart_title", "chart_trajectories"]


def _fmt(value: float, measure: str) -> str:
    return f"{value:,.0f}" if measure == "number" else rate_text(value)


def _span(low: float, high: float, measure: str, signed: bool = True) -> str:
    sign = (lambda v: ("+" if v > 0 else "") + _fmt(v, measure)) if signed else (lambda v: _fmt(v, measure))
    a, b = sorted((low, high))
    return sign(a) if math.isclose(a, b) else f"{sign(a)} to {sign(b)}"


@needs(traj=("series", "label", "series_kind", "plan_made", "bound", "as_at", "document"),
       dist=("series", "year", "low", "distance_low", "distance_high"))
def chart_title(traj: pd.DataFrame, dist: pd.DataFrame, measure: str, authority: str) -> str:
    """The chart's title: the latest actual against the baseline plan, and the latest band against it.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`analysis.analyses.cla.trajectories`'s output: ``year``, ``as_at``, ``series``,
        ``label``, ``series_kind``, ``plan_made``, ``bound``, ``document`` (read by
        :func:`analysis.analyses.cla.series_info`) and ``number`` or ``rate_per_10k``.
    dist : pandas.DataFrame
        The distances from the baseline plan (``attrs["baseline"]`` names it, else
        :func:`analysis.analyses.cla.baseline`): ``series``, ``year``, ``low`` and
        ``distance_low``/``distance_high`` (children, or per 10,000 children aged 0-17).
    measure : {"number", "rate"}
        Children looked after as a number, or per 10,000 children aged 0-17.
    authority : str
        The authority's name.

    Returns
    -------
    str
        The finding in one sentence.
    """
    unit = " children" if measure == "number" else " per 10,000"
    info = series_info(traj)
    labels = dict(zip(info.series, info.label, strict=True))
    base = dist.attrs.get("baseline") or baseline(traj)
    parts = []
    actual = dist[dist.series == ACTUAL]
    if len(actual):
        r = actual.iloc[-1]
        as_at = traj[(traj.series == ACTUAL) & (traj.year == r.year)].as_at.iloc[0]
        more = "more" if r.distance_low >= 0 else "fewer"
        if measure == "number":
            parts.append(f"{authority} looked after {_fmt(r.low, measure)} children in {when(as_at)}, "
                         f"{_fmt(abs(r.distance_low), measure)} {more} than the {labels[base]} for {r.year}")
        else:
            parts.append(f"{authority}'s rate was {_fmt(r.low, measure)} per 10,000 in {when(as_at)}, "
                         f"{_fmt(abs(r.distance_low), measure)} {'above' if more == 'more' else 'below'} the "
                         f"{labels[base]} for {r.year}")
    bands = info[info.band].series
    band = dist[dist.series.isin(bands)]
    if len(band):
        r = band.iloc[-1]
        label = labels[r.series] + ("," if "," in labels[r.series] else "")
        parts.append(f"the {label} is {_span(abs(r.distance_low), abs(r.distance_high), measure, signed=False)}"
                     f"{unit} {'above' if r.distance_low >= 0 else 'below'} that plan in {r.year}")
    return "; ".join(parts) or f"Children looked after in {authority}: actual against plans"


def _line_styles(info: pd.DataFrame) -> dict[str, dict]:
    """Original plans as solid lines with round markers, restatements dotted with open squares,
    each plan its own colour-blind-safe colour (bands are drawn as shaded areas)."""
    styles, colour = {}, iter(charts.SERIES[1:] + charts.SERIES[:1])
    for r in info[(info.series_kind != ACTUAL)].itertuples():
        c = next(colour)
        styles[r.series] = (dict(color=c, linestyle="-", marker="o", linewidth=2.0, markersize=4)
                            if r.restates is None else
                            dict(color=c, linestyle=(0, (1, 2)), marker="s", linewidth=1.6, markersize=3,
                                 markerfacecolor="none"))
    return styles


@needs(traj=("series", "label", "series_kind", "plan_made", "bound", "as_at", "document", "year"),
       dist=("series", "year", "low", "high", "plan", "distance_low", "distance_high"))
@charts.styled
def chart_trajectories(traj: pd.DataFrame, goal: pd.Series | None, dist: pd.DataFrame, *, measure: str = "number",
                       authority: str = "", source: str) -> Figure:
    """Children looked after against every plan.

    A line for each plan (restatements dotted, "- same figures" when they restate unchanged), each
    band as a shaded low-high area, actual figures as markers (FOCUS), the target as a dashed line
    and the distance from the baseline plan annotated at each year of ``dist``.

    Parameters
    ----------
    traj : pandas.DataFrame
        :func:`analysis.analyses.cla.trajectories`'s output: ``year``, ``as_at``, ``series``,
        ``label``, ``series_kind``, ``plan_made``, ``bound``, ``document`` (read by
        :func:`analysis.analyses.cla.series_info`) and ``number`` or ``rate_per_10k``.
    goal : pandas.Series or None
        The target (``number`` and ``rate_per_10k``: the neighbours' average); ``None`` = no line.
    dist : pandas.DataFrame
        The distances from the baseline plan (see :func:`chart_title`), each row also with
        ``high`` and ``plan``.
    measure : {"number", "rate"}, default "number"
        Children looked after as a number, or per 10,000 children aged 0-17.
    authority : str, default ""
        The authority's name.
    source : str
        The source line under the chart.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    col = value_column(measure)
    info = series_info(traj)
    styles = _line_styles(info)
    unchanged = restatement_differences(traj)
    unchanged = {lab for lab, g in unchanged.groupby("restated") if (g.number_difference == 0).all()}
    years = sorted(traj.year.unique())
    x = {y: i for i, y in enumerate(years)}
    fig, ax = charts.new_figure(height=5.6)
    for r in info[(info.series_kind != ACTUAL) & ~info.band].itertuples():
        part = traj[(traj.series == r.series) & (traj.bound == "central")].sort_values("year")
        label = r.label + (" - same figures" if r.label in unchanged else "")
        ax.plot([x[y] for y in part.year], part[col], label=label, **styles[r.series])
    for r in info[info.band].itertuples():
        band = traj[traj.series == r.series]
        lo = band[band.bound == "low"].sort_values("year")
        hi = band[band.bound == "high"].sort_values("year").set_index("year").reindex(lo.year)
        xs = [x[y] for y in lo.year]
        derived = measure == "rate" and (band.rate_basis == "derived").any()
        colour = styles[r.series]["color"]
        ax.fill_between(xs, lo[col].astype(float), hi[col].astype(float), color=colour, alpha=0.3,
                        linewidth=0, label=r.label + (" (rates derived)" if derived else ""))
        ax.plot(xs, lo[col], color=colour, linewidth=1.0)
        ax.plot(xs, hi[col].to_numpy(dtype=float), color=colour, linewidth=1.0)
    actual = traj[traj.series == ACTUAL].sort_values("as_at")
    ax.plot([x[y] for y in actual.year], actual[col], linestyle="none", marker="o", markersize=8, color=charts.FOCUS,
            label=info[info.series == ACTUAL].label.iloc[0] if len(actual) else "Actual", zorder=5)
    for r in actual.itertuples():
        dated = "" if pd.Timestamp(r.as_at).month == 3 else f" ({when(r.as_at)})"
        ax.annotate(f"{_fmt(getattr(r, col), measure)}{dated}", (x[r.year], getattr(r, col)), xytext=(7, 4),
                    textcoords="offset points", fontsize=8.5, color=charts.FOCUS, fontweight="bold")
    if goal is not None:
        value = float(goal.number if measure == "number" else goal.rate_per_10k)
        ax.axhline(value, color=charts.AVERAGE, linestyle=(0, (4, 3)), linewidth=1.4)
        text = (f"Target: neighbours' average {goal.rate_per_10k:,.1f} per 10,000 ≈ {goal.number:,.0f} children"
                .replace(".0 per", " per"))
        ax.annotate(text, (-0.5, value), xytext=(3, -3), textcoords="offset points", ha="left", va="top",
                    fontsize=8.5, color=charts.AVERAGE)  # below the line, where the plans are above it
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
    charts.legend_above(ax)
    ylabel = ("Children looked after (number)" if measure == "number"
              else "Children looked after per 10,000 children aged 0-17")
    base = dist.attrs.get("baseline") or baseline(traj)
    plans = ", ".join(info[info.series_kind != ACTUAL].label)
    derived = info[info.band].label
    subtitle = (f"Children looked after {'(number)' if measure == 'number' else 'per 10,000 children aged 0-17'}: "
                f"actual and every plan ({plans})"
                + (f"; arrows: distance from the {dict(zip(info.series, info.label, strict=True))[base]}" if base else "")
                + (f"; rates of {', '.join(derived)} derived from the implied child population"
                   if measure == "rate" and len(derived) else ""))
    return charts.finish(fig, ax, title=chart_title(traj, dist, measure, authority), subtitle=subtitle,
                         xlabel="Financial year (actual at year end unless dated)", ylabel=ylabel, source=source)
