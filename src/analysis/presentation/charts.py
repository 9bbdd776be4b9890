"""The one chart style, and the chart shapes every report uses.

Rules every chart follows (so that all reports look and read the same):

* the title states the finding, not the topic ("Torbay looks after 46 more children per 10,000
  than its neighbours' average"), the subtitle says what is plotted;
* both axes say their unit; a source line names the paper and table;
* the focus authority (or the line being discussed) is highlighted in ``FOCUS`` blue, everything
  else is grey; RAG colours are the GOV.UK red/amber/green everywhere; plan series use the
  colour-blind-safe Okabe-Ito palette;
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

import functools
import io
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TypeVar

import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# GOV.UK design-system colours
RAG_COLOURS = {"Red": "#d4351c", "Amber": "#f47738", "Green": "#00703c", None: "#b1b4b6", "No RAG": "#b1b4b6"}
FOCUS = "#1d70b8"  # GOV.UK blue: the authority or line the report is about
OTHER = "#b1b4b6"  # GOV.UK mid grey: everything else
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
AVERAGE = "#0b0c0c"  # averages and targets: black, dashed
NATIONAL = "#4c2c92"  # GOV.UK purple: the national rate
DIRECTION_COLOURS = {"improving": "#00703c", "unchanged": "#b1b4b6", "worsening": "#d4351c", None: "#dddddd"}
# Okabe-Ito, colour-blind safe, for plan series and other categories
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
PLANNED, FORECAST = "#505a5f", FOCUS

STYLE = {
    "figure.figsize": (8.0, 4.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": "#b1b4b6",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.8,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "svg.hashsalt": "council-finance-analysis",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "path.simplify": True,
}

F = TypeVar("F", bound=Callable)


def style() -> AbstractContextManager:
    """The project's chart style as a context: matplotlib's defaults plus :data:`STYLE`, undone
    on exit (nothing global is changed)."""
    return matplotlib.style.context(["default", STYLE])


def styled(function: F) -> F:
    """Run a chart function inside :func:`style` (every artist is made with the project style)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with style():
            return function(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def new_figure(width: float = 8.0, height: float = 4.6, **subplot_kw) -> tuple[Figure, Axes]:
    """A figure with the Agg canvas, not registered with pyplot: nothing accumulates in a long
    session or test run, and a notebook shows it only through :func:`show`.  Call it from a
    :func:`styled` chart function so its axes take the project style."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.subplots(**subplot_kw)
    return fig, ax


def finish(fig: Figure, ax: Axes, *, title: str, subtitle: str = "", source: str = "",
           xlabel: str | None = None, ylabel: str | None = None) -> Figure:
    """Title (the finding) and subtitle (what is plotted) across the top of the figure, axis
    labels with units, and the source line at the bottom."""
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    width, height = fig.get_size_inches()
    chars = int(width * 9.0)  # bold 12.5pt runs about 0.1 inch a character
    title_lines = textwrap.wrap(title, chars) or [""]
    header = 0.12 + 0.24 * len(title_lines)
    title_text = fig.text(0.012, 1 - 0.1 / height, "\n".join(title_lines), ha="left", va="top", fontsize=12.5,
                          fontweight="bold", color=TEXT)
    renderer = fig.canvas.get_renderer()
    while title_text.get_window_extent(renderer).x1 > fig.bbox.width * 0.99 and title_text.get_fontsize() > 9:
        title_text.set_fontsize(title_text.get_fontsize() - 0.5)  # a long word can still overrun: shrink
    if subtitle:
        sub_lines = textwrap.wrap(subtitle, int(chars * 1.25))
        fig.text(0.012, 1 - header / height, "\n".join(sub_lines), ha="left", va="top", fontsize=9.5,
                 color=SECONDARY_TEXT)
        header += 0.2 * len(sub_lines) + 0.08
    footer = 0.0
    if source:  # long paper titles wrap rather than run off the figure
        source_lines = textwrap.wrap(f"Source: {source}", int(width * 14))
        fig.text(0.012, 0.08 / height, "\n".join(source_lines), fontsize=8, color=SECONDARY_TEXT, ha="left",
                 va="bottom")
        footer = 0.3 + 0.14 * (len(source_lines) - 1)
    fig.tight_layout(rect=(0, footer / height, 1, 1 - (header + 0.05) / height))
    return fig


def gbp_formatter(unit: str = "m") -> FuncFormatter:
    """Axis ticks in £m or £k (``unit``), values in pounds."""
    div, suffix, digits = {"m": (1e6, "m", 1), "k": (1e3, "k", 0), "gbp": (1, "", 0)}[unit]

    def fmt(value, _pos=None):
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value) / div:,.{digits}f}{suffix}"
    return FuncFormatter(fmt)


def gbp_unit_for(values: Sequence[float]) -> str:
    biggest = max((abs(v) for v in values if v == v), default=0)
    return "m" if biggest >= 1e6 else "k"


# --------------------------------------------------------------------------------------------- output


def svg(fig: Figure, alt: str) -> str:
    """The figure as deterministic SVG with ``alt`` as its accessible name (``<title>``, aria-label)."""
    buffer = io.StringIO()
    with style():  # the hash salt and text handling apply when saving
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML declaration and DOCTYPE: inline in HTML
    safe = _xml_escape(alt)
    text = re.sub(r"<svg ", f'<svg role="img" aria-label="{safe}" ', text, count=1)
    text = re.sub(r"(<svg[^>]*>)", rf"\1<title>{safe}</title>", text, count=1)
    return text


def show(fig: Figure, alt: str) -> None:
    """Display ``fig`` in a notebook as SVG with alt text (no figure repr output; the figure
    was never registered with pyplot, so nothing is left open)."""
    from IPython.display import SVG, display

    display(SVG(data=svg(fig, alt)), metadata={"image/svg+xml": {"alt": alt}})


def _xml_escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", " "))


# --------------------------------------------------------------------------------------------- shapes


@styled
def ranked_bars(labels: Sequence[str], values: Sequence[float], *, highlight: Sequence[str] = (),
                colours: Sequence[str] | None = None, reference_lines: Sequence[tuple[float, str, str]] = (),
                value_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
                title: str, subtitle: str = "", xlabel: str, source: str, height: float | None = None) -> Figure:
    """Horizontal bars, largest at the top; ``highlight`` labels in FOCUS; reference lines as
    ``(value, label, colour)``, drawn dashed and labelled at the top."""
    order = np.argsort(np.asarray(values, dtype=float))
    labels = [labels[i] for i in order]
    values = [float(values[i]) for i in order]
    cols = [colours[i] for i in order] if colours is not None else [FOCUS if lab in highlight else OTHER
                                                                     for lab in labels]
    fig, ax = new_figure(height=height or max(3.2, 0.36 * len(labels) + 1.9))
    bars = ax.barh(labels, values, color=cols, height=0.7)
    for bar, value in zip(bars, values):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + value_format(value), va="center",
                fontsize=8.5, color=TEXT)
    for tick, lab in zip(ax.get_yticklabels(), labels):
        if lab in highlight:
            tick.set_fontweight("bold")
    for i, (value, label, colour) in enumerate(reference_lines):
        ax.axvline(value, color=colour, linestyle=(0, (4, 3)), linewidth=1.4)
        ax.text(value, len(labels) - 0.35 + 0.55 * i, f" {label}", color=colour, fontsize=8.5, va="bottom")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(values + [v for v, _, _ in reference_lines]) * 1.15)
    ax.set_ylim(-0.6, len(labels) + 0.3 + 0.55 * max(len(reference_lines) - 1, 0))
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)


@styled
def grouped_bars(categories: Sequence[str], groups: Mapping[str, Sequence[float]], *, colours: Sequence[str],
                 title: str, subtitle: str = "", ylabel: str, source: str, money: bool = True,
                 horizontal: bool = False, value_labels: bool = False) -> Figure:
    """Bars for several series side by side per category (e.g. planned vs forecast by quarter)."""
    n = len(groups)
    x = np.arange(len(categories))
    width = 0.8 / max(n, 1)
    fig, ax = new_figure(height=max(4.2, 0.45 * len(categories) + 1.8) if horizontal else 4.6)
    all_values = [v for vals in groups.values() for v in vals]
    unit = gbp_unit_for(all_values) if money else None
    for i, ((name, vals), colour) in enumerate(zip(groups.items(), colours)):
        offsets = x - 0.4 + width * (i + 0.5)
        vals = [float(v) for v in vals]
        bars = (ax.barh(offsets, vals, height=width, color=colour, label=name) if horizontal
                else ax.bar(offsets, vals, width=width, color=colour, label=name))
        if value_labels:
            from ..money import format_gbp

            ax.bar_label(bars, labels=[format_gbp(v) if money else f"{v:,.0f}" for v in vals], fontsize=8, padding=2)
    if horizontal:
        ax.set_yticks(x, categories)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        if money:
            ax.xaxis.set_major_formatter(gbp_formatter(unit))
    else:
        ax.set_xticks(x, categories)
        ax.grid(axis="x", visible=False)
        if money:
            ax.yaxis.set_major_formatter(gbp_formatter(unit))
    ax.axhline(0, color="#b1b4b6", linewidth=0.8) if not horizontal else ax.axvline(0, color="#b1b4b6", linewidth=0.8)
    ax.legend(loc="best")
    return finish(fig, ax, title=title, subtitle=subtitle, source=source,
                  **({"xlabel": ylabel} if horizontal else {"ylabel": ylabel}))


@styled
def waterfall(start: tuple[str, float], steps: Sequence[tuple[str, float]], end: tuple[str, float], *,
              title: str, subtitle: str = "", xlabel: str, source: str,
              up_colour: str = RAG_COLOURS["Red"], down_colour: str = RAG_COLOURS["Green"]) -> Figure:
    """From a starting total through signed steps to an end total (pounds), read top to bottom.
    Steps that raise the running figure use ``up_colour``, those that lower it ``down_colour``.
    The axis starts below the lowest running total (said in the subtitle) so steps are visible."""
    labels = [start[0]] + [s[0] for s in steps] + [end[0]]
    fig, ax = new_figure(width=9.0, height=max(4.5, 0.42 * len(labels) + 1.9))
    running, lefts, widths, colours = float(start[1]), [0.0], [float(start[1])], [FOCUS]
    for _, delta in steps:
        delta = float(delta)
        lefts.append(running if delta >= 0 else running + delta)
        widths.append(abs(delta))
        colours.append(up_colour if delta > 0 else down_colour)
        running += delta
    lefts.append(0.0)
    widths.append(float(end[1]))
    colours.append(FOCUS)
    y = np.arange(len(labels))
    ax.barh(y, widths, left=lefts, color=colours, height=0.7)
    totals = [float(start[1])] + list(np.cumsum([float(start[1])] + [float(d) for _, d in steps])[1:]) + [float(end[1])]
    lowest = min(min(totals), float(end[1]))
    unit = gbp_unit_for([start[1], end[1]])
    step = 10 ** max(int(np.floor(np.log10(max(abs(lowest), 1)))) - 1, 0)
    floor_value = max(0.0, np.floor(lowest * 0.97 / step) * step) if lowest > 0 else lowest * 1.05
    fmt = gbp_formatter(unit)
    from ..money import format_gbp

    for yi, (lab, delta) in enumerate(steps, start=1):
        edge = lefts[yi] + widths[yi]
        ax.text(edge, yi, "  " + format_gbp(delta, signed=True), va="center", fontsize=8)
    for yi in (0, len(labels) - 1):
        ax.text(widths[yi], yi, "  " + format_gbp(widths[yi]), va="center", fontsize=8.5, fontweight="bold")
    ax.set_yticks(y, [_wrap(lab, 44) for lab in labels], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(floor_value, max(totals) * 1.06)
    ax.xaxis.set_major_formatter(fmt)
    ax.grid(axis="y", visible=False)
    if floor_value > 0:
        subtitle = (subtitle + "; " if subtitle else "") + f"axis starts at {fmt(floor_value)}"
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)


@styled
def range_bars(labels: Sequence[str], low: Sequence[float], high: Sequence[float], *, colours: Sequence[str],
               title: str, subtitle: str = "", xlabel: str, source: str,
               value_format: Callable[[float], str] | None = None) -> Figure:
    """Horizontal bars from 0 to ``low`` (solid) extended to ``high`` (hatched) where they differ."""
    fig, ax = new_figure(height=max(3.5, 0.42 * len(labels) + 1.9))
    y = np.arange(len(labels))
    low_v = np.asarray(low, dtype=float)
    high_v = np.asarray(high, dtype=float)
    ax.barh(y, low_v, color=colours, height=0.66)
    extra = high_v - low_v
    ax.barh(y, extra, left=low_v, color="white", edgecolor=colours, hatch="///", height=0.66, linewidth=0.8)
    unit = gbp_unit_for(list(high_v))
    fmt = value_format or (lambda v: gbp_formatter(unit)(v))
    for yi, lo, hi in zip(y, low_v, high_v):
        ax.text(hi, yi, "  " + (fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}"), va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(lab, 48) for lab in labels], fontsize=8.5)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(gbp_formatter(unit))
    ax.set_xlim(0, high_v.max() * 1.3 if len(high_v) else 1)
    return finish(fig, ax, title=title, subtitle=subtitle, source=source, xlabel=xlabel)


def _wrap(text: str, width: int) -> str:
    words, lines, current = str(text).split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines[:3]) + ("…" if len(lines) > 3 else "")
