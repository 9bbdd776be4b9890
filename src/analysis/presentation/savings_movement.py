"""Report 10's month-on-month section as HTML: what moved in the savings tracker since the month
before (:func:`analysis.analyses.variance.movement`).  Money in whole pounds, savings positive."""

from __future__ import annotations

import pandas as pd

from ..analyses.variance import LINE, MONEY, movement
from ..schemas import needs
from . import display as d

__all__ = ["movement_report"]


@needs(current=("period", *LINE, "rag", "direction", *MONEY),
       previous=("period", *LINE, "rag", "direction", *MONEY))
def movement_report(current: pd.DataFrame, previous: pd.DataFrame):
    """The month-on-month section as HTML.

    Totals, RAG changes, drift, added/dropped lines, and where the printed direction of travel
    disagrees with the two months' figures (:func:`analysis.analyses.variance.movement`).  Its tables
    go to the report's Excel download too (every row: a list of table data under the table type).
    Money in whole pounds, savings positive.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        This month's and the month before's ``savings_tracker`` rows: ``period`` (``'YYYY-MM'``),
        ``reference``, ``title``, ``rag``, ``direction``, and ``planned_total_gbp``,
        ``forecast_total_gbp`` and ``variance_gbp`` (pounds, negative = saving).

    Returns
    -------
    analysis.presentation.display.Table
        The section's HTML and its tables' data.
    """
    m = movement(current, previous)
    t = m["total"]
    money = {c: d.gbp for c in ("forecast_saving_gbp_previous", "forecast_saving_gbp_current")}
    money["drift_gbp"] = d.signed_gbp
    lines = m["lines"]
    drift = lines[(lines.presence == "both months") & (lines.drift_gbp != 0)]
    parts = [
        d.sentence_html("Forecast saving moved from {a} ({pp}) to {b} ({pc}): {drift}.",
                        a=d.gbp(t.forecast_saving_previous_gbp), b=d.gbp(t.forecast_saving_current_gbp),
                        drift=d.signed_gbp(t.drift_gbp), pp=previous.period.iloc[0], pc=current.period.iloc[0]),
        d.sentence_html("{r} lines changed RAG status, {f} lines changed forecast, {a} lines were added and {x} "
                        "dropped; on {n} lines the printed direction of travel disagrees with the two months' "
                        "figures.", r=len(m["rag_changes"]), f=len(drift), a=len(m["added"]), x=len(m["dropped"]),
                        n=len(m["direction_disagrees"])),
    ]
    shown = [(m[key].drop(columns=["presence"]), caption) for key, caption in (
        ("rag_changes", "Lines whose RAG status changed"),
        ("direction_disagrees", "Printed direction of travel vs the direction the figures show"),
        ("added", "Lines added this month"), ("dropped", "Lines dropped this month")) if len(m[key])]
    if len(drift):
        shown.append((drift.drop(columns=["presence"]).sort_values("drift_gbp"),
                      "Forecast drift by line (negative = less saving than last month)"))
    parts += [d.table_html(frame, formats=money, caption=caption, full="savings_tracker") for frame, caption in shown]
    # one output holding several tables: their data as a list (analysis.report.render.tables)
    return d.Table("".join(parts), [d.table_data(frame, caption=caption) for frame, caption in shown])
