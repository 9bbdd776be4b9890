"""The paper's comparator chart of report 20: the authority's rate per 10,000 children against its
statistical neighbours as the paper printed them (:mod:`analysis.analyses.comparators`).  Returns a
Figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import assumptions
from ..analyses.comparators import check_average
from ..numbers import rate as rate_text
from . import charts

__all__ = ["chart_comparators"]


@charts.styled
def chart_comparators(table: pd.DataFrame, *, average_per_10k: float, how: str = assumptions.NEIGHBOUR_AVERAGE,
                      printed_average_per_10k: float | None = None, national_rate_per_10k: float | None = None,
                      gap_children: float | None = None, year: str = "", source: str) -> Figure:
    """Horizontal bars of the rate per 10,000 for the subject and each neighbour (largest at the
    top, subject in ``charts.FOCUS``), the neighbours' computed average as a dashed line (the
    printed average in its label where it differs), and the national rate when given."""
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
