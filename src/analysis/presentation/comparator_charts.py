"""The paper's comparator chart of report 20: the authority's rate per 10,000 children against its
statistical neighbours as the paper printed them (:mod:`analysis.analyses.comparators`).  Returns a
Figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import assumptions
from ..analyses.comparators import check_average
from ..numbers import rate as rate_text
from ..schemas import needs
from . import charts

__all__ = ["chart_comparators"]


@needs(table=("is_subject", "authority", "rate_per_10k"))
@charts.styled
def chart_comparators(table: pd.DataFrame, *, average_per_10k: float, how: str = assumptions.NEIGHBOUR_AVERAGE,
                      printed_average_per_10k: float | None = None, national_rate_per_10k: float | None = None,
                      gap_children: float | None = None, year: str = "", source: str) -> Figure:
    """Horizontal bars of the rate per 10,000 for the subject and each neighbour.

    Largest at the top, subject in ``charts.FOCUS``; the neighbours' computed average as a dashed
    line (the printed average in its label where it differs), and the national rate when given.
    Rates are children looked after per 10,000 children aged 0-17.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.comparators.comparator_table`'s output: ``authority``,
        ``rate_per_10k`` and ``is_subject``.
    average_per_10k : float
        The neighbours' average computed from their printed rates.
    how : str, default :data:`analysis.assumptions.NEIGHBOUR_AVERAGE`
        How the average is taken (``mean`` or ``median``).
    printed_average_per_10k : float, optional
        The average the paper printed (named in the line's label where it differs).
    national_rate_per_10k : float, optional
        The national rate (a second line).
    gap_children : float, optional
        The gap to the average in children (said in the title).
    year : str, default ""
        The year of the rates, for the title.
    source : str
        The source line under the chart.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    check_average(how)
    subject = table[table.is_subject].iloc[0]
    label = f"Neighbours' {how} {rate_text(average_per_10k)}"
    if printed_average_per_10k is not None and abs(printed_average_per_10k - average_per_10k) > 1e-9:
        label += f" (paper's printed average {rate_text(printed_average_per_10k)})"
    lines = [(float(average_per_10k), label, charts.AVERAGE)]
    if national_rate_per_10k:
        lines.append((float(national_rate_per_10k), f"National {rate_text(national_rate_per_10k)}", charts.NATIONAL))
    gap = float(subject.rate_per_10k) - float(average_per_10k)
    title = (f"{'In ' + year + ' ' if year else ''}{subject.authority} looked after {rate_text(abs(gap))} "
             f"{'more' if gap >= 0 else 'fewer'} children per 10,000 than its neighbours' {how}")
    if gap_children is not None:
        title += f": about {abs(gap_children):,.0f} {'more' if gap_children >= 0 else 'fewer'} children"
    neighbours = int((~table.is_subject).sum())
    subtitle = (f"Rate of children looked after per 10,000 children aged 0-17{', ' + year if year else ''}: "
                f"{subject.authority} and its {neighbours} statistical neighbours; dashed line: the neighbours' "
                f"{how}, computed from their printed rates")
    fig = charts.ranked_bars(list(table.authority), list(table.rate_per_10k), highlight=[subject.authority],
                             reference_lines=lines, value_format=rate_text, title=title, subtitle=subtitle,
                             xlabel="Children looked after per 10,000 children aged 0-17", source=source)
    return fig
