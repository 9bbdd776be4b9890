"""Charts of report 60, the recovery action plan: actions by theme and priority, budgets and
deadlines.  Each takes the tables :mod:`analysis.analyses.recovery` returns and returns a Figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..analyses.recovery import PRIORITY_COLUMNS, PRIORITY_NAMES, month_label
from ..schemas import needs
from . import charts

__all__ = ["chart_budgets", "chart_deadlines", "chart_theme_priority"]


@needs(table=("theme", "theme_number", "actions", "high"))
@charts.styled
def chart_theme_priority(table: pd.DataFrame, *, source: str) -> Figure:
    """Heatmap of actions by theme (rows) and priority (columns), counts written in each cell.

    One sequential blue scale.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.recovery.theme_priority`'s output: ``theme``, ``theme_number``
        (NaN on the total row), ``actions``, and a count column per priority (``high``, and
        ``medium``, ``low``, ``not_readable``, ``not_printed`` where present).
    source : str
        The source line under the chart (the recovery plan the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    import seaborn as sns

    themes = table[table.theme_number.notna()]
    value_cols = [c for c in ("high", "medium", "low", "not_readable", "not_printed") if c in themes.columns]
    matrix = themes.set_index("theme")[value_cols].astype(int)
    matrix.columns = [PRIORITY_NAMES[next(k for k, v in PRIORITY_COLUMNS.items() if v == c)] for c in value_cols]
    fig, ax = charts.new_figure(height=max(4.2, 0.42 * len(matrix) + 2.0))
    sns.heatmap(matrix, ax=ax, cmap="Blues", annot=True, fmt="d", cbar=False, linewidths=1.5, linecolor="white",
                vmin=0, annot_kws={"fontsize": 9.5})
    ax.grid(False)
    mesh = ax.collections[0]
    for text, face in zip(ax.texts, mesh.get_facecolors(), strict=True):  # type: ignore[attr-defined]  # an alias matplotlib's stubs omit; white or black, whichever reads on the cell
        text.set_color(charts.on_colour(face[:3]))
    ax.set_ylabel("")
    ax.tick_params(axis="both", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_yticklabels([f"{n}. {t}" for n, t in zip(themes.theme_number, themes.theme, strict=True)], rotation=0)
    high = themes.sort_values(["high", "theme_number"], ascending=[False, True]).iloc[0]
    total = table[table.theme_number.isna()].iloc[0]
    return charts.finish(
        fig, ax, title=f"{int(total.high)} of {int(total.actions)} actions are high priority; "
                       f"{high.theme} has the most ({int(high.high)})",
        subtitle="Recovery plan actions by theme and priority (H, M, L as printed), count of actions",
        xlabel="Priority (count of actions)", source=source)


@needs(budgets=("theme_number", "theme", "budget_gbp", "actions"))
@charts.styled
def chart_budgets(budgets: pd.DataFrame, *, source: str) -> Figure:
    """Each theme's distinct annual budgets in scope as dots on a log scale.

    Each dot is labelled with the budget and the number of actions naming it (never summed).

    Parameters
    ----------
    budgets : pandas.DataFrame
        :func:`analysis.analyses.recovery.budgets_in_scope`'s output: ``theme_number``, ``theme``,
        ``budget_gbp`` (pounds a year) and ``actions``.
    source : str
        The source line under the chart (the recovery plan the figures come from).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    themes = budgets.drop_duplicates("theme_number").sort_values("theme_number")
    fig, ax = charts.new_figure(height=max(4.0, 0.5 * len(themes) + 2.0))
    y_of = {n: i for i, n in enumerate(themes.theme_number)}
    most = budgets.sort_values(["actions", "budget_gbp"], ascending=[False, False]).iloc[0]
    previous: dict[int, tuple[float, int]] = {}
    for r in budgets.sort_values(["theme_number", "budget_gbp"]).itertuples():
        y = y_of[r.theme_number]
        colour = charts.FOCUS if r.actions > 1 else charts.OTHER
        ax.scatter(r.budget_gbp, y, s=40 + 28 * r.actions, color=colour, zorder=3, edgecolor="white", linewidth=0.8)
        # labels above the dot; below it when the last label in the row is too close
        last_x, last_side = previous.get(r.theme_number, (0.0, -1))
        side = -last_side if last_x and r.budget_gbp / last_x < 1.9 and last_side > 0 else 1
        previous[r.theme_number] = (float(r.budget_gbp), side)
        ax.annotate(f"{numbers.money(r.budget_gbp)} ×{r.actions}", (r.budget_gbp, y), xytext=(0, 9 if side > 0 else -10),
                    textcoords="offset points", ha="center", va="bottom" if side > 0 else "top", fontsize=charts.LABEL_FONT,
                    color=charts.TEXT)
    ax.set_xscale("log")
    ticks = [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000, 30_000_000, 100_000_000]
    low, high = budgets.budget_gbp.min(), budgets.budget_gbp.max()
    ticks = [t for t in ticks if low / 3 <= t <= high * 3]
    ax.set_xticks(ticks, [numbers.money(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlim(low / 1.8, high * 1.8)
    ax.set_yticks(range(len(themes)), [f"{n}. {t}" for n, t in zip(themes.theme_number, themes.theme, strict=True)])
    ax.set_ylim(len(themes) - 0.4, -0.6)
    ax.grid(axis="y", visible=False)
    return charts.finish(
        fig, ax, title=f"Budgets repeat across actions: {most.actions} {most.theme} actions all address the same "
                       f"{numbers.money(most.budget_gbp)}",
        subtitle="Distinct annual budgets in scope by theme (log scale); ×n = actions naming that budget, blue = "
                 "named by more than one action. Not added up: budgets repeat and overlap",
        xlabel="Budget in scope (£, log scale)", source=source)


@needs(table=("due_month", "month", "actions"))
@charts.styled
def chart_deadlines(table: pd.DataFrame, *, as_of: str, source: str, undated_actions: int = 0) -> Figure:
    """Bars of actions due per month.

    Months already over at ``as_of`` in FOCUS blue, later ones grey, a dashed line at ``as_of``.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.recovery.deadlines_by_month`'s output: ``due_month``
        (``'YYYY-MM'``), ``month`` (in words) and ``actions``.
    as_of : str
        The paper's date (``'YYYY-MM'`` or ``'YYYY-MM-DD'``: its month is used).
    source : str
        The source line under the chart (the recovery plan the figures come from).
    undated_actions : int, default 0
        Ongoing actions with no date (said in the subtitle, not drawn).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = charts.new_figure(height=4.4)
    passed = table.due_month < as_of[:7]
    colours = [charts.FOCUS if p else charts.OTHER for p in passed]
    bars = ax.bar(table.month, table.actions, color=colours, width=0.7)
    ax.bar_label(bars, labels=[str(v) if v else "" for v in table.actions], padding=2, fontsize=8.5)
    ax.set_xticks(range(len(table)), [m.replace(" ", "\n") for m in table.month], fontsize=8)
    ax.grid(axis="x", visible=False)
    ax.set_ylim(0, max(int(table.actions.max()), 1) * 1.2)
    months = list(table.due_month)
    if months and months[0] <= as_of[:7] <= months[-1]:
        x = months.index(as_of[:7]) - 0.5
    else:
        x = -0.5 if not months or as_of[:7] < months[0] else len(months) - 0.5
    ax.axvline(x, color=charts.AVERAGE, linestyle=(0, (4, 3)), linewidth=1.2)
    ax.text(x, ax.get_ylim()[1] * 0.97, f" paper dated {month_label(as_of[:7])}", fontsize=8.5, va="top",
            color=charts.AVERAGE)
    due_before = int(table.actions[passed].sum())
    dated = int(table.actions.sum())
    note = f"; {undated_actions} ongoing actions with no date not shown" if undated_actions else ""
    return charts.finish(
        fig, ax, title=f"{due_before} of {dated} dated actions were due before {month_label(as_of[:7])}, "
                       "the month of the paper",
        subtitle=f"Actions by deadline month (When column); blue = month over by the paper's date{note}",
        xlabel="Deadline month", ylabel="Actions (count)", source=source)
