"""Charts of report 40, placement costs and slippage.  Each takes the tables
:mod:`analysis.analyses.placements` returns (money in pounds, children as counts) and returns a
Figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..analyses.placements import reduction_summary
from ..schemas import needs
from . import charts

__all__ = ["chart_costs", "chart_slippage"]


def _year_ticks(ax, years) -> None:
    ax.set_xticks(range(len(years)), [numbers.year(y) for y in years])


@needs(trajectory=("year", "total_placement_cost_gbp"),
       reduction_table=("year", "reduction_printed_gbp", "reduction_recomputed_gbp", "difference_gbp", "status"))
@charts.styled
def chart_costs(trajectory: pd.DataFrame, reduction_table: pd.DataFrame, *, source: str) -> Figure:
    """Total placement cost by year, and the reduction against the baseline year.

    Top: total placement cost by year (bars).  Bottom: the reduction against the baseline year, as
    printed and as recomputed from the costs, side by side for each later year.  Money in pounds.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        Cost by year: ``year`` and ``total_placement_cost_gbp``.
    reduction_table : pandas.DataFrame
        :func:`analysis.analyses.placements.reductions`'s output (its ``attrs`` name the baseline
        year): ``year``, ``reduction_printed_gbp`` (NaN = not printed), ``reduction_recomputed_gbp``,
        ``difference_gbp`` and ``status``.
    source : str
        The source line under the chart (the paper the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    summary = reduction_summary(reduction_table)
    base = numbers.year(summary.baseline_year)
    fig, (top, bottom) = charts.new_figure(height=6.6, nrows=2)
    years = list(trajectory.year)
    cost = [float(v) for v in trajectory.total_placement_cost_gbp]
    bars = top.bar(range(len(years)), cost, color=charts.FOCUS, width=0.6)
    charts.label_bars(top, bars, [numbers.money(v) for v in cost], horizontal=False)
    _year_ticks(top, years)
    charts.money_axis(top.yaxis)
    top.set_ylabel("Total placement cost (£)")
    top.set_title("Total placement cost by year", fontsize=9.5, loc="left")
    top.grid(axis="x", visible=False)
    top.set_ylim(0, max(cost) * 1.1)

    later = list(reduction_table.year)
    x = range(len(later))
    printed = [float(v) if pd.notna(v) else float("nan") for v in reduction_table.reduction_printed_gbp]
    recomputed = [float(v) for v in reduction_table.reduction_recomputed_gbp]
    b1 = bottom.bar([i - 0.2 for i in x], [0.0 if v != v else v for v in printed], width=0.38,
                    color=charts.PLANNED, label="Printed in the paper")
    b2 = bottom.bar([i + 0.2 for i in x], recomputed, width=0.38, color=charts.FOCUS,
                    label=f"Recomputed: the {base} cost minus the year's cost")
    charts.label_bars(bottom, b1, [numbers.money(v) if v == v else "not printed" for v in printed], horizontal=False)
    charts.label_bars(bottom, b2, [numbers.money(v) for v in recomputed], horizontal=False)
    _year_ticks(bottom, later)
    charts.money_axis(bottom.yaxis)
    bottom.set_ylabel(f"Reduction on {base} (£)")
    bottom.set_xlabel("Financial year")
    bottom.grid(axis="x", visible=False)
    bottom.set_ylim(0, max(v for v in printed + recomputed if v == v) * 1.1)
    charts.legend_above(bottom)
    title = (f"The printed reduction against {base} disagrees with the paper's own costs in "
             f"{summary.years_disagree} of {summary.years_compared} years"
             + (f"; {summary.years_within_rounding} more within rounding" if summary.years_within_rounding else ""))
    return charts.finish(fig, bottom, title=title,
                         subtitle=f"Total placement cost for children looked after by year, and the reduction "
                                  f"against {base} as printed and as recomputed (£)", source=source)


@needs(monthly=("month", "increase_gbp", "cumulative_gbp"))
@charts.styled
def chart_slippage(monthly: pd.DataFrame, *, source: str) -> Figure:
    """The cost of slipped placement moves, cumulative and month by month.

    Top: the cumulative cost (a line ending at the sum of the months).  Bottom: the monthly increase
    in budget pressure (bars), each month labelled.  Money in pounds.

    Parameters
    ----------
    monthly : pandas.DataFrame
        One row a month: ``month`` (``'YYYY-MM'``), ``increase_gbp`` and ``cumulative_gbp``.
    source : str
        The source line under the chart (the paper the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, (top, ax) = charts.new_figure(height=5.6, nrows=2, sharex=True, gridspec_kw={"height_ratios": [1, 1.2]})
    x = list(range(len(monthly)))
    cumulative = [float(v) for v in monthly.cumulative_gbp]
    top.plot(x, cumulative, color=charts.FOCUS, marker="o", linewidth=2)
    top.annotate(numbers.money(cumulative[-1]), (x[-1], cumulative[-1]), textcoords="offset points", xytext=(-8, 2),
                 ha="right", va="bottom", fontsize=8.5, color=charts.FOCUS, fontweight="bold")
    charts.money_axis(top.yaxis)
    top.set_ylim(0, max(cumulative) * 1.15)
    top.set_ylabel("Cumulative cost (£)")
    top.set_title("Cumulative cost", fontsize=9.5, loc="left")
    bars = ax.bar(x, [float(v) for v in monthly.increase_gbp], color=charts.OTHER, width=0.6)
    charts.label_bars(ax, bars, [numbers.money(v) for v in monthly.increase_gbp], horizontal=False)
    ax.set_xticks(x, [numbers.month(m)[:3] + "\n" + numbers.month(m)[-4:] for m in monthly.month])
    charts.money_axis(ax.yaxis)
    ax.set_ylim(0, float(monthly.increase_gbp.max()) * 1.15)
    ax.grid(axis="x", visible=False)
    ax.set_title("Monthly increase", fontsize=9.5, loc="left")
    first, final = numbers.month(monthly.month.iloc[0]), numbers.month(monthly.month.iloc[-1])
    return charts.finish(fig, ax, title=f"Slipped placement moves add {numbers.money(cumulative[-1])} of pressure "
                                        f"by {final} if not achieved",
                         subtitle=f"Monthly increase in budget pressure from slipped placement moves, {first} to "
                                  f"{final}, and the cumulative cost (£)",
                         xlabel="Month", ylabel="Monthly increase (£)", source=source)
