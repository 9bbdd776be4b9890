"""Charts of report 50, the Financial Improvement Plan: savings by opportunity and the yearly totals.  Each takes the tables analysis.analyses.improvement_plan returns (money in pounds) and returns a Figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import numbers
from ..analyses.improvement_plan import ALL_YEARS, _year_columns
from ..schemas import needs
from . import charts

__all__ = ["chart_opportunities", "chart_yearly_totals"]


@needs(by_opp=("opportunity", "total_low_gbp", "total_high_gbp", "in_revenue_budget"))
@charts.styled
def chart_opportunities(by_opp: pd.DataFrame, *, source: str, budget_year: str) -> Figure:
    """Whole-plan saving by opportunity, low (solid) to high (hatched), largest first.

    Items already in the ``budget_year`` revenue budget (marked ``*``) in FOCUS blue, the rest grey.
    Savings are positive amounts in pounds.

    Parameters
    ----------
    by_opp : pandas.DataFrame
        Savings by opportunity: ``opportunity``, ``total_low_gbp``, ``total_high_gbp``,
        ``in_revenue_budget`` and a column per financial year (``2017-18`` ...).
    source : str
        The source line under the chart (the plan the figures come from).
    budget_year : str
        The financial year whose revenue budget the starred items are in.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    table = by_opp.sort_values(["total_high_gbp", "total_low_gbp"], ascending=False, kind="stable")
    colours = [charts.FOCUS if flag else charts.OTHER for flag in table.in_revenue_budget]
    low, high = int(by_opp.total_low_gbp.sum()), int(by_opp.total_high_gbp.sum())
    starred = int(by_opp.in_revenue_budget.sum())
    ys = _year_columns(by_opp)
    plan_span = f"{numbers.year(ys[0])} to {numbers.year(ys[-1])}" if len(ys) > 1 else numbers.year(ys[0])
    budget = numbers.year(budget_year)
    return charts.range_bars(
        list(table.opportunity), list(table.total_low_gbp), list(table.total_high_gbp), colours=colours,
        title=f"{len(by_opp)} opportunities would save {numbers.money_range(low, high)} over {len(ys)} years",
        subtitle=f"Saving over the plan by opportunity, summed from the printed yearly cells (£); blue = the "
                 f"{starred} already in the {budget} revenue budget",
        xlabel=f"Saving over the plan, {plan_span} (£)", source=source,
        legend=[Patch(color=charts.FOCUS, label=f"In the {budget} revenue budget (*)"),
                Patch(color=charts.OTHER, label="Not in it")])


@needs(yearly=("year", "computed_low_gbp", "computed_high_gbp", "printed_low_gbp", "printed_high_gbp"))
@charts.styled
def chart_yearly_totals(yearly: pd.DataFrame, *, source: str) -> Figure:
    """Saving each year computed from the cells, low (solid) to high (hatched).

    The printed TOTAL row's low and high ends are marked as black ticks; each year's label starts
    past both.  Savings are positive amounts in pounds.

    Parameters
    ----------
    yearly : pandas.DataFrame
        Totals by year (the all-years row, :data:`analysis.analyses.improvement_plan.ALL_YEARS`, is
        left out): ``year``, ``computed_low_gbp``, ``computed_high_gbp``, ``printed_low_gbp`` and
        ``printed_high_gbp`` (NaN = not printed).
    source : str
        The source line under the chart (the plan the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    table = yearly[yearly.year != ALL_YEARS].reset_index(drop=True)
    peak = table.sort_values(["computed_high_gbp", "year"], ascending=[False, True]).iloc[0]
    marks = [[float(r.printed_low_gbp), float(r.printed_high_gbp)] if pd.notna(r.printed_low_gbp) else []
             for r in table.itertuples()]
    fig = charts.range_bars(
        [numbers.year(y) for y in table.year], list(table.computed_low_gbp), list(table.computed_high_gbp),
        colours=[charts.FOCUS] * len(table),
        title=f"Savings peak in {numbers.year(peak.year)} at "
              f"{numbers.money_range(peak.computed_low_gbp, peak.computed_high_gbp)}",
        subtitle="Saving each year summed from the printed cells (£); black ticks = the printed TOTAL row",
        xlabel="Saving in the year (£)", source=source,
        legend=[Line2D([], [], marker="|", markersize=12, markeredgewidth=2, linestyle="none", color=charts.TEXT,
                       label="Printed TOTAL row (low, high)")], marks=marks)
    return fig
