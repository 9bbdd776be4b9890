"""The one chart style, and the chart shapes every report uses.

Rules every chart follows (so that all reports look and read the same):

* the title states the finding, not the topic ("Torbay looks after 46 more children per 10,000
  than its neighbours' average"), the subtitle says what is plotted; both are the start of the
  chart's alt text (:func:`show`), so the finding never exists only inside the image;
* both axes say their unit; a source line names the paper and table;
* every figure on a chart (labels, ticks, titles) is written by
  :mod:`analysis.numbers`: money in text style (``£16.7m``, ``£443k``), savings
  and shortfalls as positive amounts with a word saying which, years ``2017-18``;
* the focus authority (or the line being discussed) is highlighted in ``FOCUS`` blue, everything
  else is grey; RAG colours are the same everywhere and the status is also written or hatched;
  plan series use a colour-blind-safe palette; every colour has at least 3:1 contrast on white
  (graphics) and 4.5:1 (text) - see :mod:`~analysis.presentation.chart_style`;
* nothing is written over anything else: labels are placed beside their bars or inside them
  when they fit, legends sit above the plot, plot limits widen until every label is inside the
  frame; :func:`layout_problems` lists any collision (the tests run it on every chart);
* charts are :data:`WIDTH` inches wide (the printable width of A4 portrait) and output as SVG
  with a ``viewBox`` that scales to its container;
* output is deterministic: SVG with a fixed hash salt and no date, text kept as text (readable,
  searchable) and never parsed as mathtext (tracker text may contain ``$``);
* chart functions take data and return a :class:`~matplotlib.figure.Figure`; they never read
  files.  :func:`show` displays a figure in a notebook as SVG with alt text.

No global state: importing this module selects no backend and changes no ``rcParams``.  Every
chart is drawn, and saved, inside :func:`style` - a ``matplotlib.style.context`` on matplotlib's
defaults plus :data:`STYLE` - so a chart looks the same whatever the caller's settings, and the
caller's settings are as they were afterwards.  Chart functions are wrapped in :func:`styled`;
figures are made with the Agg canvas directly, never registered with pyplot.
"""

from __future__ import annotations

import io
import re

from matplotlib.figure import Figure

from .chart_checks import colour_problems, contrast_ratio, layout_problems  # noqa: F401 - the checks
from .chart_shapes import grouped_bars, range_bars, ranked_bars, waterfall  # noqa: F401 - the shapes
from .chart_style import (  # noqa: F401
    AVERAGE,
    AXIS,
    DIRECTION_COLOURS,
    FOCUS,
    FORECAST,
    GRID,
    LABEL_FONT,
    MIN_FONT,
    NATIONAL,
    OTHER,
    PLANNED,
    RAG_COLOURS,
    RAG_HATCHES,
    SECONDARY_TEXT,
    SERIES,
    STYLE,
    TEXT,
    WIDTH,
    finish,
    gbp_formatter,
    gbp_unit_for,
    label_bars,
    legend_above,
    money_axis,
    new_figure,
    on_colour,
    spread,
    style,
    styled,
    text_width,
    wrap,
    wrap_chars,
)

__all__ = ["alt_text", "headline", "show", "svg"]


# --------------------------------------------------------------------------------------------- output


def headline(fig: Figure) -> str:
    """The chart's title (its finding) and subtitle (what is plotted) as one sentence pair.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart finished by :func:`~analysis.presentation.chart_style.finish` (its title and
        subtitle are kept on it).

    Returns
    -------
    str
        Title and subtitle, each ending in a full stop.
    """
    parts = [t.get_text().replace("\n", " ").strip() for t in fig.texts
             if t.get_label() in ("chart title", "chart subtitle") and t.get_text().strip()]
    return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts)


def alt_text(fig: Figure, alt: str = "") -> str:
    """The accessible name of a chart: its finding and what is plotted, then ``alt``.

    Finding and what is plotted come from :func:`headline`; ``alt`` is the notebook's description of
    the chart's form.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart finished by :func:`~analysis.presentation.chart_style.finish` (its title and
        subtitle are kept on it).
    alt : str, default ""
        The chart's form in words (``"Bar chart of ..."``); empty = none.

    Returns
    -------
    str
        The alt text.
    """
    extra = alt.strip()
    return " ".join(p for p in (headline(fig), extra if not extra or extra.endswith(".") else extra + ".") if p)


def svg(fig: Figure, alt: str) -> str:
    """The figure as deterministic SVG with ``alt`` as its accessible name (``<title>``, aria-label).

    The SVG keeps matplotlib's ``viewBox`` and its size in points (its natural size); a page scales
    it down to fit with ``max-width: 100%``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart.
    alt : str
        Its accessible name (XML-escaped here).

    Returns
    -------
    str
        The ``<svg>`` element, without XML declaration or DOCTYPE (inline in HTML).
    """
    buffer = io.StringIO()
    with style():  # the hash salt and text handling apply when saving
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML declaration and DOCTYPE: inline in HTML
    safe = _xml_escape(alt)
    text = re.sub(r"<svg ", f'<svg role="img" aria-label="{safe}" ', text, count=1)
    text = re.sub(r"(<svg[^>]*>)", rf"\1<title>{safe}</title>", text, count=1)
    return text


def show(fig: Figure, alt: str = "") -> None:
    """Display ``fig`` in a notebook as SVG whose alt text is :func:`alt_text`.

    The alt text is the chart's finding, what is plotted, then ``alt``.  No figure repr is output;
    the figure was never registered with pyplot, so nothing is left open.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart finished by :func:`~analysis.presentation.chart_style.finish` (its title and
        subtitle are kept on it).
    alt : str, default ""
        The chart's form in words.
    """
    from IPython.display import display

    name = alt_text(fig, alt)  # raw: the SVG text as made (IPython's SVG object would parse and re-write it)
    display({"image/svg+xml": svg(fig, name)}, raw=True, metadata={"image/svg+xml": {"alt": name}})


def _xml_escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", " "))
