"""The chart shapes several reports share (ranked bars, grouped bars, a waterfall, range bars),
drawn in the one style (:mod:`analysis.presentation.chart_style`).  Money is whole pounds and
is written through :mod:`analysis.numbers`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import numbers
from .chart_style import (
    AXIS,
    FOCUS,
    LABEL_FONT,
    OTHER,
    RAG_COLOURS,
    SECONDARY_TEXT,
    TEXT,
    finish,
    label_bars,
    legend_above,
    money_axis,
    new_figure,
    styled,
    text_width,
    wrap_chars,
)

__all__ = ["grouped_bars", "range_bars", "ranked_bars", "waterfall"]


@styled
def ranked_bars(labels: Sequence[str], values: Sequence[float], *, highlight: Sequence[str] = (),
                colours: Sequence[str] | None = None, reference_lines: Sequence[tuple[float, str, str]] = (),
                value_format: Callable[[float], str] = numbers.count, axis_format: Callable[[float], str] | None = None,
                title: str, subtitle: str = "", xlabel: str, source: str, height: float | None = None) -> Figure:
    """Horizontal bars, largest at the top, with labelled reference lines.

    ``highlight`` labels in FOCUS and bold; ``axis_format`` writes the value axis's ticks (e.g.
    money, ``£20,000``; default plain numbers); reference lines dashed, each labelled in a row of
    its own above the bars and stopping below its label, the rightmost line's label lowest, so no
    line crosses a label.  A bar's value label that a reference line would cross is moved just
    past the line.

    Parameters
    ----------
    labels : sequence of str
        One label per bar (authority names, measures).
    values : sequence of float
        One value per bar, in the chart's unit (a rate per 10,000, pounds ...).
    highlight : sequence of str, default ()
        Labels drawn in FOCUS blue and bold (the authority the report is about).
    colours : sequence of str, optional
        One colour per bar, instead of ``highlight``'s.
    reference_lines : sequence of (float, str, str), default ()
        ``(value, label, colour)`` of each dashed line (a mean, England).
    value_format : callable, default :func:`analysis.numbers.count`
        Writes each bar's value label.
    axis_format : callable, optional
        Writes the value axis's ticks; ``None`` = plain numbers.
    title : str
        The finding, in a sentence (:func:`~analysis.presentation.chart_style.finish`).
    subtitle : str, default ""
        What is plotted, with units.
    xlabel : str
        The value axis's label, with its unit.
    source : str
        The source line.
    height : float, optional
        The figure's height in inches; ``None`` = from the number of bars.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    labels = [labels[i] for i in order]
    values = [float(values[i]) for i in order]
    cols = [colours[i] for i in order] if colours is not None else [FOCUS if lab in highlight else OTHER
                                                                     for lab in labels]
    lines = sorted(reference_lines, key=lambda r: -float(r[0]))
    rows = len(labels) + 0.55 * len(lines)
    fig, ax = new_figure(height=height or max(3.0, 0.3 * rows + 1.9))
    bars = ax.barh(range(len(labels)), values, color=cols, height=0.7)
    ax.set_yticks(range(len(labels)), labels)
    for tick, lab in zip(ax.get_yticklabels(), labels, strict=True):
        if lab in highlight:
            tick.set_fontweight("bold")
    top = len(labels) - 0.4 + 0.55 * len(lines)
    ax.set_ylim(-0.6, top + 0.1)
    right = max(values + [float(v) for v, _, _ in lines] + [0.0]) * 1.12 or 1.0
    ax.set_xlim(0, right)
    if axis_format is not None:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos=None: axis_format(0 if abs(v) < 1e-6 else v)))
    for i, (value, label, colour) in enumerate(lines):
        row = len(labels) - 0.4 + 0.55 * i
        ax.plot([value, value], [-0.6, row], color=colour, linestyle=(0, (4, 3)), linewidth=1.4, label=label)
        ax.text(value, row + 0.05, label, color=colour, fontsize=LABEL_FONT, va="bottom", ha="left")
    per_px = right / ax.get_window_extent().width  # the plot's width before the layout: no drawing needed
    for bar, value in zip(bars, values, strict=True):
        text = value_format(value)
        start, width = value, (text_width(fig, text, LABEL_FONT) + 8) * per_px
        for line_value, _, _ in sorted(lines, key=lambda r: float(r[0])):  # left to right: past each in turn
            if start - 2 * per_px <= float(line_value) <= start + width:
                start = float(line_value) + 2 * per_px
        ax.annotate(text, (start, bar.get_y() + bar.get_height() / 2), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=LABEL_FONT, color=TEXT)
    ax.grid(axis="y", visible=False)
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)


@styled
def grouped_bars(categories: Sequence[str], groups: Mapping[str, Sequence[float]], *, colours: Sequence[str],
                 title: str, subtitle: str = "", ylabel: str, source: str, money: bool = True,
                 horizontal: bool = False, value_labels: bool = False,
                 value_format: Callable[[float], str] | None = None) -> Figure:
    """Bars for several series side by side per category (e.g. planned vs forecast by quarter).

    The series are named in a legend above the plot; with ``value_labels`` each bar is labelled with
    its value.

    Parameters
    ----------
    categories : sequence of str
        The categories (quarters, committees, years).
    groups : mapping of str to sequence of float
        Series name -> one value per category (pounds when ``money``).
    colours : sequence of str
        One colour per series.
    title : str
        The finding, in a sentence (:func:`~analysis.presentation.chart_style.finish`).
    subtitle : str, default ""
        What is plotted, with units.
    ylabel : str
        The value axis's label, with its unit.
    source : str
        The source line.
    money : bool, default True
        Values are whole pounds: money ticks and labels (else counts).
    horizontal : bool, default False
        Horizontal bars, categories down the side.
    value_labels : bool, default False
        Label each bar with its value.
    value_format : callable, optional
        Writes the value labels; ``None`` = money or count as ``money`` says.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    n = len(groups)
    x = np.arange(len(categories))
    width = 0.8 / max(n, 1)
    fig, ax = new_figure(height=max(3.4, 0.22 * n * len(categories) + 2.2) if horizontal else 4.2)
    fmt = value_format or (numbers.money if money else numbers.count)
    drawn = []
    for i, ((name, vals), colour) in enumerate(zip(groups.items(), colours, strict=True)):
        offsets = x - 0.4 + width * (i + 0.5)
        vals = [float(v) for v in vals]
        bars = (ax.barh(offsets, vals, height=width * 0.92, color=colour, label=name) if horizontal
                else ax.bar(offsets, vals, width=width * 0.92, color=colour, label=name))
        drawn.append((bars, vals))
    if horizontal:
        ax.set_yticks(x, [wrap_chars(c, 28) for c in categories])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.axvline(0, color=AXIS, linewidth=0.8)
        if money:
            money_axis(ax.xaxis)
    else:
        ax.set_xticks(x, categories)
        ax.grid(axis="x", visible=False)
        ax.axhline(0, color=AXIS, linewidth=0.8)
        if money:
            money_axis(ax.yaxis)
    legend_above(ax)
    if value_labels:
        for bars, vals in drawn:
            label_bars(ax, bars, [fmt(v) for v in vals], horizontal=horizontal)
    return finish(fig, ax, title=title, subtitle=subtitle, source=source,
                  **({"xlabel": ylabel} if horizontal else {"ylabel": ylabel}))


@styled
def waterfall(start: tuple[str, float], steps: Sequence[tuple[str, float]], end: tuple[str, float], *,
              title: str, subtitle: str = "", xlabel: str, source: str,
              up_colour: str = RAG_COLOURS["Green"], down_colour: str = RAG_COLOURS["Red"],
              up_word: str = "more", down_word: str = "less") -> Figure:
    """From a starting total through steps to an end total (pounds), read top to bottom.

    A step that raises the running figure is drawn in ``up_colour`` and labelled "£x ``up_word``";
    one that lowers it in ``down_colour``, hatched, labelled "£x ``down_word``" - amounts positive,
    the word saying which way.  When the smallest running total is over half the largest, the axis
    starts near it and is broken: a break mark on the axis and across the total bars, and the
    subtitle says where the axis starts.

    Parameters
    ----------
    start : (str, float)
        The starting total's label and amount in pounds.
    steps : sequence of (str, float)
        Each step's label and change in pounds (positive raises the running figure).
    end : (str, float)
        The end total's label and amount in pounds.
    title : str
        The finding, in a sentence (:func:`~analysis.presentation.chart_style.finish`).
    subtitle : str, default ""
        What is plotted, with units.
    xlabel : str
        The money axis's label.
    source : str
        The source line.
    up_colour, down_colour : str
        Colours of steps that raise and lower the running figure (RAG green and red).
    up_word, down_word : str
        The words after a raising and a lowering step's amount (``more``, ``less``).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    labels = [start[0]] + [s[0] for s in steps] + [end[0]]
    fig, ax = new_figure(height=max(4.0, 0.36 * len(labels) + 2.1))
    running, lefts, widths, colours, hatches = float(start[1]), [0.0], [float(start[1])], [FOCUS], [""]
    for _, delta in steps:
        delta = float(delta)
        lefts.append(running if delta >= 0 else running + delta)
        widths.append(abs(delta))
        colours.append(up_colour if delta > 0 else down_colour)
        hatches.append("" if delta > 0 else "////")
        running += delta
    lefts.append(0.0)
    widths.append(float(end[1]))
    colours.append(FOCUS)
    hatches.append("")
    y = np.arange(len(labels))
    bars = ax.barh(y, widths, left=lefts, color=colours, height=0.66, hatch=hatches, edgecolor="white",
                   linewidth=0)
    totals = [float(start[1])] + list(np.cumsum([float(start[1])] + [float(d) for _, d in steps])[1:]) + [float(end[1])]
    lowest, highest = min(totals), max(totals)
    broken = lowest > 0.5 * highest
    floor = 0.0
    if broken:
        step = 10 ** np.floor(np.log10(highest - lowest + 1))
        floor = float(np.floor(lowest * 0.95 / step) * step)
    ax.set_xlim(floor, highest * 1.02)
    money_axis(ax.xaxis)
    step_labels = [numbers.money(abs(float(d))) + " " + (up_word if float(d) > 0 else down_word) for _, d in steps]
    label_bars(ax, list(bars)[1:-1], step_labels, horizontal=True)
    for i in (0, len(labels) - 1):
        ax.annotate(numbers.money(widths[i]), (widths[i], i), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=LABEL_FONT + 0.5, fontweight="bold", color=TEXT)
    ax.set_yticks(y, [wrap_chars(lab, 36) for lab in labels], fontsize=LABEL_FONT)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if broken:
        _break_marks(ax, [bars[0], bars[-1]])
        subtitle = (subtitle + "; " if subtitle else "") + (f"the axis is broken (≈): it starts at "
                                                            f"{numbers.money(floor)}, not at zero")
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)


def _break_marks(ax, bars) -> None:
    """Two slanted strokes on the axis near its start, and a white gap across each bar that
    runs off the left of the plot: the axis does not start at zero."""
    from matplotlib.lines import Line2D

    kw = dict(transform=ax.transAxes, color=AXIS, linewidth=1.0, clip_on=False)
    for dx in (0.012, 0.024):
        ax.add_artist(Line2D([dx - 0.006, dx + 0.006], [-0.025, 0.025], **kw))
    for bar in bars:
        x = ax.get_xlim()[0] + 0.018 * (ax.get_xlim()[1] - ax.get_xlim()[0])
        y0, h = bar.get_y(), bar.get_height()
        ax.fill_betweenx([y0 - 0.02, y0 + h + 0.02], [x - 0.004 * (ax.get_xlim()[1] - ax.get_xlim()[0])] * 2,
                         [x + 0.004 * (ax.get_xlim()[1] - ax.get_xlim()[0])] * 2, color="white", zorder=3,
                         linewidth=0)


@styled
def range_bars(labels: Sequence[str], low: Sequence[float], high: Sequence[float], *, colours: Sequence[str],
               title: str, subtitle: str = "", xlabel: str, source: str,
               value_format: Callable[[float], str] | None = None, legend: Sequence = (),
               marks: Sequence[Sequence[float]] = ()) -> Figure:
    """Horizontal bars from 0 to ``low`` (solid) extended to ``high`` (hatched) where they differ.

    The extension is white with the bar's colour as edge; each bar is labelled "low to high";
    ``legend`` handles are shown above the plot (with the hatch's meaning added).  ``marks`` are
    drawn as black ticks on the bar; the label starts past them.

    Parameters
    ----------
    labels : sequence of str
        One label per bar.
    low, high : sequence of float
        Each bar's low and high estimate, in pounds unless ``value_format`` says otherwise.
    colours : sequence of str
        One colour per bar.
    title : str
        The finding, in a sentence (:func:`~analysis.presentation.chart_style.finish`).
    subtitle : str, default ""
        What is plotted, with units.
    xlabel : str
        The value axis's label, with its unit.
    source : str
        The source line.
    value_format : callable, optional
        Writes the labels; ``None`` = :func:`analysis.numbers.money`.
    legend : sequence of matplotlib.artist.Artist, default ()
        Legend handles shown above the plot.
    marks : sequence of sequence of float, default ()
        One sequence of values per bar (may be empty), drawn as ticks.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    fig, ax = new_figure(height=max(2.8, 0.36 * len(labels) + 2.0))
    y = np.arange(len(labels))
    low_v = np.asarray(low, dtype=float)
    high_v = np.asarray(high, dtype=float)
    ax.barh(y, low_v, color=colours, height=0.66)
    ax.barh(y, high_v - low_v, left=low_v, color="white", edgecolor=colours, hatch="///", height=0.66, linewidth=0.8)
    fmt = value_format or numbers.money
    marks = list(marks) or [()] * len(labels)
    for yi, row in zip(y, marks, strict=True):
        if len(row):
            ax.scatter([float(v) for v in row], [yi] * len(row), marker="|", s=300, color=TEXT, linewidths=2,
                       zorder=3)
    for yi, lo, hi, row in zip(y, low_v, high_v, marks, strict=True):
        text = fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)} to {fmt(hi)}"
        ax.annotate(text, (max([hi] + [float(v) for v in row]), yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=LABEL_FONT,
                    color=TEXT)
    ax.set_yticks(y, [wrap_chars(lab, 40) for lab in labels], fontsize=LABEL_FONT)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    money_axis(ax.xaxis)
    ax.set_xlim(0, high_v.max() * 1.05 if len(high_v) and high_v.max() > 0 else 1)
    handles = list(legend) + [Patch(facecolor="white", edgecolor=SECONDARY_TEXT, hatch="///",
                                    label="Range: low to high estimate")]
    legend_above(ax, handles)
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)
