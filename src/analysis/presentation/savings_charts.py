"""Charts of report 10, the savings tracker: savings by committee, by RAG status, phasing by quarter
and the plan-to-forecast waterfall.  Each takes the tables :mod:`analysis.analyses.variance` returns
and returns a Figure; savings are positive amounts in pounds."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..schemas import needs
from . import charts

__all__ = ["chart_by_committee", "chart_by_rag", "chart_phasing", "chart_waterfall"]


@needs(table=("committee", "planned_saving_gbp", "forecast_saving_gbp", "delivery_pct"))
@charts.styled
def chart_by_committee(table: pd.DataFrame, *, source: str, financial_year: str) -> Figure:
    """Planned beside forecast saving per committee (savings positive, pounds).

    The title names the committee furthest behind its plan.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.variance.by_committee`'s output: ``committee``,
        ``planned_saving_gbp``, ``forecast_saving_gbp`` and ``delivery_pct``.
    source : str
        The source line under the chart (the tracker the figures come from).
    financial_year : str
        The tracker's financial year (``2019-20``).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    worst = table.sort_values("delivery_pct").iloc[0]
    return charts.grouped_bars(
        list(table.committee), {"Planned saving": list(table.planned_saving_gbp),
                                "Forecast saving": list(table.forecast_saving_gbp)},
        colours=[charts.PLANNED, charts.FORECAST], horizontal=True, value_labels=True,
        title=f"{worst.committee} is forecast to deliver {numbers.pct(worst.delivery_pct)} of its planned saving",
        subtitle=f"Planned and forecast saving by committee, {numbers.year(financial_year)} (£)",
        ylabel="Saving (£)", source=source)


def _shortfall_words(value: float) -> str:
    """A shortfall in members' words: a positive amount and which way it goes."""
    if not value:
        return "on plan"
    return f"{numbers.money(abs(value))} {'shortfall' if value > 0 else 'over-delivered'}"


@needs(table=("rag", "lines", "shortfall_gbp"))
@charts.styled
def chart_by_rag(table: pd.DataFrame, *, source: str) -> Figure:
    """Saving lines (left) and shortfall against plan (right) by RAG status.

    The status is written on every row and hatched (Red, Amber) as well as coloured.  Shortfalls are
    positive pounds, over-delivery is drawn left of zero and labelled in words.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.variance.by_rag`'s output: ``rag``, ``lines`` and ``shortfall_gbp``.
    source : str
        The source line under the chart (the tracker the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    red = table[table.rag == "Red"]
    red_lines = int(red.lines.sum()) if len(red) else 0
    red_short = int(red.shortfall_gbp.sum()) if len(red) else 0
    fig, (left, right) = charts.new_figure(height=3.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.25]})
    colours = [charts.RAG_COLOURS.get(r, charts.OTHER) for r in table.rag]
    hatches = [charts.RAG_HATCHES.get(r, "") for r in table.rag]
    rows = list(range(len(table)))
    for ax, values in ((left, list(table.lines)), (right, [float(v) for v in table.shortfall_gbp])):
        bars = ax.barh(rows, values, color=colours, hatch=hatches, edgecolor="white", linewidth=0, height=0.7)
        ax.set_yticks(rows, list(table.rag))
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        if ax is left:
            charts.label_bars(ax, bars, [numbers.count(v) for v in values], horizontal=True)
    for row, value in zip(rows, right_values := [float(v) for v in table.shortfall_gbp], strict=True):
        right.annotate(_shortfall_words(value), (max(value, 0.0), row), xytext=(4, 0), textcoords="offset points",
                       va="center", fontsize=charts.LABEL_FONT, color=charts.TEXT)  # right of zero, clear of ticks
    right.set_xlim(min(min(right_values), 0.0) * 1.15, max(max(right_values), 1.0))
    left.set_xlabel("Saving lines (count)")
    charts.money_axis(right.xaxis)
    right.axvline(0, color=charts.AXIS, linewidth=0.8)
    right.set_xlabel("Shortfall against plan (£)")
    return charts.finish(fig, left, title=f"{red_lines} Red lines account for {numbers.money(red_short)} of shortfall",
                         subtitle="Saving lines and shortfall against plan by RAG status; over-delivery is drawn "
                                  "left of zero", source=source)


@needs(table=("quarter", "cumulative_planned_gbp", "cumulative_forecast_gbp", "cumulative_gap_gbp"))
@charts.styled
def chart_phasing(table: pd.DataFrame, *, source: str, financial_year: str) -> Figure:
    """Cumulative planned and forecast saving by quarter, the gap shaded, each line named at its end.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.variance.quarterly_phasing`'s output, savings positive in pounds:
        ``quarter``, ``cumulative_planned_gbp``, ``cumulative_forecast_gbp`` and
        ``cumulative_gap_gbp``.
    source : str
        The source line under the chart (the tracker the figures come from).
    financial_year : str
        The tracker's financial year (``2019-20``).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure()
    x = list(range(len(table)))
    series = (("Planned", table.cumulative_planned_gbp, charts.PLANNED),
              ("Forecast", table.cumulative_forecast_gbp, charts.FORECAST))
    for name, values, colour in series:
        ax.plot(x, [float(v) for v in values], color=colour, marker="o", linewidth=2, label=name)
    ax.fill_between(x, [float(v) for v in table.cumulative_forecast_gbp],
                    [float(v) for v in table.cumulative_planned_gbp], color=charts.OTHER, alpha=0.25, linewidth=0)
    ax.set_xticks(x, list(table.quarter))
    charts.money_axis(ax.yaxis)
    ax.set_ylim(0, float(table.cumulative_planned_gbp.max()) * 1.1)
    fig.canvas.draw()
    ends = [float(values.iloc[-1]) for _, values, _ in series]
    pixels = [ax.transData.transform((x[-1], v))[1] for v in ends]
    placed = charts.spread(pixels, 16)
    for (name, _values, colour), end, want, have in zip(series, ends, placed, pixels, strict=True):
        ax.annotate(f"{name} {numbers.money(end)}", (x[-1], end), xytext=(8, (want - have) * 72 / fig.dpi),
                    textcoords="offset points", va="center", fontsize=charts.LABEL_FONT + 0.5, color=colour,
                    fontweight="bold")
    last = table.iloc[-1]
    return charts.finish(fig, ax, title=f"By {last.quarter} the forecast is {numbers.money(last.cumulative_gap_gbp)} "
                         "behind the planned phasing",
                         subtitle="Cumulative saving through the year, planned and forecast (£); shaded: the gap",
                         xlabel=f"Quarter of {numbers.year(financial_year)}", ylabel="Cumulative saving (£)",
                         source=source)


@needs(steps=("step", "change_gbp"))
@charts.styled
def chart_waterfall(steps: pd.DataFrame, *, source: str) -> Figure:
    """Planned saving to forecast saving through the lines that moved most.

    Each step is a line's shortfall (red, hatched) or over-delivery (green), labelled as a positive
    amount in words.

    Parameters
    ----------
    steps : pandas.DataFrame
        :func:`analysis.analyses.variance.waterfall_steps`'s output: ``step`` and ``change_gbp``
        (pounds), with ``attrs`` ``planned_saving_gbp`` and ``forecast_saving_gbp``.
    source : str
        The source line under the chart (the tracker the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    planned, forecast = steps.attrs["planned_saving_gbp"], steps.attrs["forecast_saving_gbp"]
    return charts.waterfall(
        ("Planned saving", planned), [(r.step, r.change_gbp) for r in steps.itertuples()],
        ("Forecast saving", forecast), up_colour=charts.RAG_COLOURS["Green"], down_colour=charts.RAG_COLOURS["Red"],
        up_word="over-delivered", down_word="shortfall",
        title=f"From {numbers.money(planned)} planned to {numbers.money(forecast)} forecast: the lines that moved most",
        subtitle="Saving (£), planned to forecast: each step is a line's shortfall (red, hatched) or over-delivery "
                 "(green)", xlabel="Saving (£)", source=source)
