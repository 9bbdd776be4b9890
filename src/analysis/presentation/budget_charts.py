"""Charts of report 70, the business plan: the savings gap, pressures by service block and cost
pressures by year.  Each takes the tables :mod:`analysis.analyses.budget` returns (money in pounds)
and returns a Figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..analyses.budget import block_share, printed_total_words, savings_totals, short_name
from ..schemas import needs
from . import charts

__all__ = ["chart_cost_pressures", "chart_pressures_by_block", "chart_savings_gap"]


@needs(gap=("year", "requirement_gbp", "identified_gbp", "identified_savings_gbp", "identified_income_gbp",
           "residual_stated_gbp", "residual_computed_gbp", "difference_gbp"))
@charts.styled
def chart_savings_gap(gap: pd.DataFrame, *, source: str) -> Figure:
    """Per year one bar as tall as the savings requirement, split into what is identified and the gap.

    The savings and income identified (blue) and the residual gap still to be found (red, hatched)
    are stacked on it, the requirement written above.  Each part is labelled inside when the label
    fits, otherwise beside the bar.  The residual is the recomputed one.

    Parameters
    ----------
    gap : pandas.DataFrame
        :func:`analysis.analyses.budget.savings_gap`'s output, money in pounds (identified positive =
        found): ``year``, ``requirement_gbp``, ``identified_gbp``, ``identified_savings_gbp``,
        ``identified_income_gbp``, ``residual_stated_gbp``, ``residual_computed_gbp`` and
        ``difference_gbp``.
    source : str
        The source line under the chart (the paper the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure(height=4.4)
    x = np.arange(len(gap))
    width = 0.5
    found_v = [max(float(v), 0.0) for v in gap.identified_gbp]
    resid_v = [float(v) for v in gap.residual_computed_gbp]
    found = ax.bar(x, found_v, width, color=charts.FOCUS, label="Savings and income identified")
    resid = ax.bar(x, resid_v, width, bottom=found_v, color=charts.RAG_COLOURS["Red"],
                   label="Residual gap still to find")
    ax.set_xticks(x, [numbers.year(y) for y in gap.year])
    charts.money_axis(ax.yaxis)
    ax.grid(axis="x", visible=False)
    ax.axhline(0, color=charts.AXIS, linewidth=0.8)
    top = float(gap.requirement_gbp.max())
    ax.set_ylim(min(0.0, float(gap.identified_gbp.min()) * 1.2), top * 1.12)
    for xi, req in zip(x, gap.requirement_gbp, strict=True):
        ax.annotate(f"{numbers.money(req)} needed", (xi, max(float(req), 0.0)), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=charts.LABEL_FONT, color=charts.TEXT, fontweight="bold")
    _label_segments(ax, x, width, [(found, found_v, charts.FOCUS), (resid, resid_v, charts.RAG_COLOURS["Red"])])
    charts.legend_above(ax)
    totals = savings_totals(gap)
    return charts.finish(
        fig, ax, title=f"{numbers.money(totals.residual_computed_gbp)} of the {numbers.money(totals.requirement_gbp)} "
                       f"needed over {totals.years} is still to be found",
        subtitle="Savings requirement by year (£), split into savings and income identified and the residual gap "
                 "(recomputed as requirement less what is identified)",
        xlabel="Financial year", ylabel="Savings needed (£)", source=source)


def _label_segments(ax, x, width: float, parts) -> None:
    """Label each stacked segment: inside it (white) when it is tall enough, otherwise to the
    right of the bar in the segment's colour, labels of one bar moved apart so none overlap."""
    fig = ax.get_figure()
    fig.canvas.draw()
    need = charts.LABEL_FONT * 1.5 * fig.dpi / 72
    for i, xi in enumerate(x):
        outside = []
        for bars, values, colour in parts:
            bar, value = bars[i], values[i]
            if not value:
                continue
            extent = bar.get_window_extent()
            middle = bar.get_y() + bar.get_height() / 2
            if extent.height >= need:
                ax.annotate(numbers.money(value), (xi, middle), ha="center", va="center", fontsize=charts.LABEL_FONT,
                            color=charts.on_colour(colour))
            else:
                outside.append((numbers.money(value), middle, colour))
        if outside:
            pixels = [ax.transData.transform((xi, m))[1] for _, m, _ in outside]
            placed = charts.spread(pixels, need * 0.8)
            floor = ax.transData.transform((xi, 0.0))[1] + need * 0.5  # clear of the zero line
            placed = [p + max(0.0, floor - min(placed)) for p in placed]
            for (text, middle, colour), have, want in zip(outside, pixels, placed, strict=True):
                ax.annotate(text, (xi + width / 2, middle), xytext=(3, (want - have) * 72 / fig.dpi),
                            textcoords="offset points", ha="left", va="center", fontsize=charts.LABEL_FONT,
                            color=colour)


@needs(inflation=("service_block", "row_type", "year", "amount_gbp"),
       demand=("service_block", "row_type", "year", "amount_gbp"))
@charts.styled
def chart_pressures_by_block(inflation: pd.DataFrame, demand: pd.DataFrame, *, source: str, block: str) -> Figure:
    """Two panels, forecast inflation above demand pressures per year, split into ``block`` and the rest.

    Each bar is split into ``block`` (FOCUS blue) and all other service blocks (grey), labelled with
    ``block``'s share (:func:`analysis.analyses.budget.block_share`).

    Parameters
    ----------
    inflation, demand : pandas.DataFrame
        The paper's inflation and demand pressure lines, money in pounds: ``service_block``,
        ``row_type`` (``line`` rows are counted), ``year`` and ``amount_gbp``.
    source : str
        The source line under the chart (the paper the figures come from).
    block : str
        The service block highlighted, as printed; an :class:`~analysis.errors.InputError` names the
        printed blocks when it is not one of them.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    share = block_share(inflation, demand, block)
    per_year = share.iloc[:-1]
    overall = share.iloc[-1]
    fig, axes = charts.new_figure(height=5.8, nrows=2, sharex=True)
    panels = [(axes[0], "block_inflation_gbp", "total_inflation_gbp", "block_inflation_share_pct", "Forecast inflation"),
              (axes[1], "block_demand_gbp", "total_demand_gbp", "block_demand_share_pct", "Demand pressures")]
    short = short_name(block)
    years = [numbers.year(y) for y in per_year.year]
    for ax, block_col, total_col, pct_col, name in panels:
        mine = per_year[block_col].to_numpy(dtype=float)
        rest = per_year[total_col].to_numpy(dtype=float) - mine
        ax.bar(years, mine, color=charts.FOCUS, width=0.6, label=block)
        top = ax.bar(years, rest, bottom=mine, color=charts.OTHER, width=0.6, label="All other service blocks")
        charts.label_bars(ax, [_whole(b, m) for b, m in zip(top, mine, strict=True)],
                          [f"{short} {numbers.pct(p)}" for p in per_year[pct_col]], horizontal=False)
        ax.set_ylabel(f"{name} (£)")
        charts.money_axis(ax.yaxis)
        ax.grid(axis="x", visible=False)
        ax.set_ylim(0, float(per_year[total_col].max()) * 1.12)
    axes[1].set_xlabel("Financial year")
    charts.legend_above(axes[0])
    return charts.finish(
        fig, axes[1], title=f"{short} carries {numbers.pct(overall.block_inflation_share_pct)} of forecast inflation "
                            f"and {numbers.pct(overall.block_demand_share_pct)} of demand pressures over "
                            f"{years[0]} to {years[-1]}",
        subtitle=f"Forecast inflation (top) and demand pressures (bottom) by year (£): blue = {block}, grey = all "
                 f"other service blocks; label = {short}'s share of the year's printed lines", source=source)


def _whole(top_bar, below: float):
    """A stand-in for a whole stacked bar (for labelling its top): the top segment's extent
    from zero."""
    from matplotlib.patches import Rectangle

    return Rectangle((top_bar.get_x(), 0), top_bar.get_width(), below + top_bar.get_height(),
                     transform=top_bar.get_transform(), figure=top_bar.get_figure())


@needs(by_year=("year", "new_gbp", "brought_forward_gbp", "computed_total_gbp", "total_as_printed"))
@charts.styled
def chart_cost_pressures(by_year: pd.DataFrame, *, source: str) -> Figure:
    """New vs brought-forward cost pressures per year (grouped bars).

    A negative figure is a pressure released.

    Parameters
    ----------
    by_year : pandas.DataFrame
        Cost pressures by year, money in pounds: ``year``, ``new_gbp``, ``brought_forward_gbp``,
        ``computed_total_gbp`` and ``total_as_printed`` (the Total row's text).
    source : str
        The source line under the chart (the paper the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    biggest = by_year.sort_values("computed_total_gbp", ascending=False).iloc[0]
    words = printed_total_words(by_year)
    return charts.grouped_bars(
        [numbers.year(y) for y in by_year.year], {"New pressures": list(by_year.new_gbp),
                                                  "Existing pressures brought forward": list(by_year.brought_forward_gbp)},
        colours=[charts.SERIES[0], charts.SERIES[1]], value_labels=True,
        title=f"Cost pressures peak at {numbers.money(biggest.computed_total_gbp)} in {numbers.year(biggest.year)}"
              + (f" (the printed total row reads “{words}”)" if words else ""),
        subtitle="Cost pressures by year, new and brought forward (£), totals recomputed from the printed lines",
        ylabel="Cost pressure (£)", source=source)
