"""Report 35's sections on the page: a section's table (or the reason it shows nothing), a
measure's chart year by year, and its alt text.  The figures come from
:mod:`analysis.analyses.cost_drivers` and :mod:`analysis.analyses.measure_benchmarks`; the chart
from :mod:`analysis.presentation.driver_charts`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..analyses import cost_drivers, measure_benchmarks
from ..schemas import needs
from . import display as d
from .driver_charts import chart_measure

__all__ = ["NOT_LOADED", "section", "series_alt", "series_chart"]

NOT_LOADED = "the published statistics (LAIT's measures) have not been loaded for this pack"


@needs(table=("section",))
def section(table: pd.DataFrame | None, md: Any, name: str) -> pd.DataFrame | None:
    """Show section ``name`` of the drivers ``table`` and return its rows.

    Shows its page table (:func:`analysis.analyses.cost_drivers.view_table`) and carries the whole
    rows for the Excel download.

    Parameters
    ----------
    table : pandas.DataFrame or None
        :func:`analysis.analyses.cost_drivers.drivers`'s output (``section`` and the columns
        :func:`~analysis.analyses.cost_drivers.view_table` reads); ``None`` when the statistics are
        not loaded.
    md : analysis.analyses.measures.MeasureData or None
        LAIT's measures; ``None`` when not loaded.
    name : str
        The section (a key of :data:`analysis.analyses.cost_drivers.SECTIONS`).

    Returns
    -------
    pandas.DataFrame or None
        The section's rows; ``None``, with the reason shown (:func:`~analysis.presentation.display.nothing`),
        when the statistics are not loaded or no measure of the section was chosen.
    """
    from IPython.display import display

    if md is None or table is None:
        d.nothing(NOT_LOADED)
        return None
    rows = table[table.section == name]
    if rows.empty:
        d.nothing("no measure of this section was chosen for this pack")
        return None
    display(d.table(cost_drivers.view_table(table, md, name), labels=cost_drivers.LABELS,
                    excel=rows.drop(columns=["section"]), excel_labels=cost_drivers.EXCEL_LABELS,
                    caption=cost_drivers.SECTIONS[name]))
    return rows


@needs(plans=())
def series_chart(md: Any, pub: Any, code: str, model: str, authority: str, name: str,
                 plans: pd.DataFrame | None = None) -> Figure | None:
    """Measure ``name`` year by year against the neighbours' mean and England.

    Parameters
    ----------
    md : analysis.analyses.measures.MeasureData
        LAIT's measures.
    pub : analysis.statistics.public_data.PublicData
        The public statistics as at the pack's month.
    code : str
        The authority's code.
    model : str
        The statistical-neighbour model.
    authority : str
        The authority's name.
    name : str
        The measure's name.
    plans : pandas.DataFrame, optional
        The papers' plans (see :func:`~analysis.presentation.driver_charts.chart_measure`).

    Returns
    -------
    matplotlib.figure.Figure or None
        The chart; ``None`` with fewer than two years of the measure.
    """
    mv = md.measure(name)
    frame = measure_benchmarks.series(mv, pub, code, model)
    if frame.value.notna().sum() < 2:
        return None
    return chart_measure(frame, mv, authority, model, plans=plans, source=mv.source)


def series_alt(names: Mapping[str, str], name: str, authority: str) -> str:
    """The alt text of :func:`series_chart`'s chart.

    Parameters
    ----------
    names : mapping of str to str
        Measure -> its label in words.
    name : str
        The measure's name.
    authority : str
        The authority's name.

    Returns
    -------
    str
        The alt text.
    """
    return (f"Line chart of {names.get(name, name)} for {authority} each year against its neighbours' mean and "
            "England")
