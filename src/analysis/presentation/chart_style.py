"""The chart style: palette, sizes, the style context, and the helpers every chart uses to put
its title, labels and legend where nothing covers anything (see :mod:`analysis.presentation.charts`).

Sizes are chosen for the page: a chart is :data:`WIDTH` inches wide - the printable width of A4
portrait (170 mm), so printed it keeps its type sizes (no text under :data:`MIN_FONT` points),
and at 1280 px on screen it is shown at its natural size (643 CSS px) inside the page.

Colours (WCAG 2.x contrast against white, computed by ``tests/test_chart_colours.py``): every
graphic colour at least 3:1, every text colour at least 4.5:1.  GOV.UK's amber ``#f47738``
(2.78:1) and mid grey ``#b1b4b6`` (2.08:1) were too light and are darkened; the RAG green is a
blue-green that red-blind and green-blind readers tell from the red (GOV.UK's ``#00703c`` is
1.18:1 from its red for red-blind readers), and every RAG chart also says the status in words
or by hatching.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast, overload

import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import numbers
from .chart_text import ChartCanvas, lay_out, text_width, tight_layout  # noqa: F401 - text_width: part of the style's helpers

__all__ = [
    "AVERAGE", "AXIS", "DIRECTION_COLOURS", "FOCUS", "FORECAST", "GRID", "LABEL_FONT", "MIN_FONT", "NATIONAL",
    "OTHER", "P", "PLANNED", "R", "RAG_COLOURS", "RAG_HATCHES", "SECONDARY_TEXT", "SERIES", "SOURCE_FONT",
    "STYLE", "SUBTITLE_FONT", "TEXT", "TITLE_FONT", "WIDTH", "finish", "gbp_formatter", "gbp_unit_for",
    "label_bars", "legend_above", "money_axis", "new_figure", "on_colour", "spread", "style", "styled",
    "wrap", "wrap_chars",
]

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

TEXT = "#0b0c0c"  # 19.6:1
SECONDARY_TEXT = "#505a5f"  # 7.1:1: subtitles, source lines, planned amounts
FOCUS = "#1d70b8"  # GOV.UK blue, 5.2:1: the authority or line the report is about
OTHER = "#878d91"  # grey, 3.4:1 (was GOV.UK mid grey #b1b4b6, 2.1:1): everything else
AXIS = "#6f777b"  # 4.6:1: axis lines and zero lines
GRID = "#e5e5e5"  # decoration only: grid lines carry no information
RAG_COLOURS = {"Red": "#d4351c", "Amber": "#a86500", "Green": "#00796b", "No RAG": OTHER, None: OTHER}
#: hatching that carries the status without colour (the word is on the chart as well)
RAG_HATCHES = {"Red": "xx", "Amber": "..", "Green": "", "No RAG": "", None: ""}
AVERAGE = TEXT  # averages and targets: black, dashed
NATIONAL = "#4c2c92"  # GOV.UK purple: the national rate
DIRECTION_COLOURS = {"improving": RAG_COLOURS["Green"], "unchanged": OTHER, "worsening": RAG_COLOURS["Red"],
                     None: OTHER}
#: Okabe-Ito, colour-blind safe, without its yellow, orange and sky blue (under 3:1 on white)
#: and with a dark ochre in their place, for plan series and other categories
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#A6761D", "#505a5f"]
PLANNED, FORECAST = SECONDARY_TEXT, FOCUS

WIDTH = 170 / 25.4  # inches: 170 mm, the printable width of A4 portrait
MIN_FONT = 8.0  # points: the smallest text on any chart
TITLE_FONT, SUBTITLE_FONT, SOURCE_FONT, LABEL_FONT = 11.5, 9.0, 8.0, 8.0

STYLE = {
    "figure.figsize": (WIDTH, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.titlesize": 9.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": AXIS,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "hatch.linewidth": 1.0,
    "svg.hashsalt": "council-finance-analysis",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "path.simplify": True,
}

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def style() -> Iterator[None]:
    """The project's chart style as a context: matplotlib's defaults plus :data:`STYLE`, undone
    on exit (nothing global is changed)."""
    with matplotlib.style.context(["default", STYLE]):
        yield


def styled(function: Callable[P, R]) -> Callable[P, R]:
    """Run a chart function inside :func:`style` (every artist is made with the project style).

    Parameters
    ----------
    function : callable
        A chart function (returns a Figure).

    Returns
    -------
    callable
        The function, with the same signature, run inside :func:`style`.
    """
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with style():
            return function(*args, **kwargs)
    return wrapper


@overload
def new_figure(height: float = 4.2) -> tuple[Figure, Axes]: ...
@overload
def new_figure(height: float = 4.2, **subplot_kw: Any) -> tuple[Figure, Any]: ...


def new_figure(height: float = 4.2, **subplot_kw: Any) -> tuple[Figure, Any]:
    """A :data:`WIDTH`-wide figure on a ChartCanvas, not registered with pyplot.

    The canvas is :class:`~analysis.presentation.chart_text.ChartCanvas`, Agg's measuring texts
    once per process.  Nothing accumulates in a long session or test run, and a notebook shows it only through
    ``show``.  Call it from a :func:`styled` chart function so its axes take the project style.

    Parameters
    ----------
    height : float, default 4.2
        The figure's height in inches.
    **subplot_kw
        Passed to ``Figure.subplots`` (``nrows``, ``ncols``, ``sharex``, ``gridspec_kw`` ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes or numpy.ndarray
        Its one :class:`~matplotlib.axes.Axes`, or what ``Figure.subplots(**subplot_kw)`` gives
        (an array of them for ``nrows``/``ncols``).
    """
    fig = Figure(figsize=(WIDTH, height))
    ChartCanvas(fig)
    ax = fig.subplots(**subplot_kw)
    return fig, ax


# --------------------------------------------------------------------------------------------- text


def wrap(fig: Figure, text: str, size: float, width_px: float, weight: str = "normal", max_lines: int = 0) -> str:
    """``text`` broken into lines no wider than ``width_px``.

    At most ``max_lines`` lines (0: no limit), the last ending in an ellipsis when cut.  A line is
    measured whole when the sum of its words' and spaces' widths is within 10% of ``width_px``;
    further from it, that sum decides.  With matplotlib's Agg measure the sum is the line's width
    (a width adds up the characters' advances; ``test_chart_text`` checks the breaks against
    measuring every line), and the 10% band guards a font where it would not.  Measuring a new text
    costs about a millisecond; the words recur from chart to chart.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure the text is measured on (its dpi).
    text : str
        The text.
    size : float
        Font size in points.
    width_px : float
        The widest a line may be, in pixels (display units of ``fig``).
    weight : str, default "normal"
        Font weight (``"bold"`` for titles).
    max_lines : int, default 0
        The most lines kept (0: no limit).

    Returns
    -------
    str
        The lines joined by newlines.
    """
    lines: list[str] = []
    estimate = 0.0  # of the last line's width: its words' widths and the spaces between them
    space = text_width(fig, "x x", size, weight) - 2 * text_width(fig, "x", size, weight)
    for word in str(text).split():
        word_px = text_width(fig, word, size, weight)
        longer = estimate + space + word_px  # the last line with this word, by its words' widths
        if lines and 0.9 * width_px < longer <= 1.1 * width_px:  # near the limit: the line measured whole
            fits = text_width(fig, f"{lines[-1]} {word}", size, weight) <= width_px
        else:
            fits = bool(lines) and longer <= width_px
        if fits:
            lines[-1] = f"{lines[-1]} {word}"
            estimate = longer
        else:
            lines.append(word)
            estimate = word_px
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and text_width(fig, lines[-1] + "…", size, weight) > width_px:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
        lines[-1] += "…"
    return "\n".join(lines)


def wrap_chars(text: str, width: int, max_lines: int = 2) -> str:
    """``text`` in lines of at most ``width`` characters, for tick labels before a figure exists.

    At most ``max_lines`` lines, cut with an ellipsis.

    Parameters
    ----------
    text : str
        The text.
    width : int
        The most characters a line may hold.
    max_lines : int, default 2
        The most lines kept.

    Returns
    -------
    str
        The lines joined by newlines.
    """
    import textwrap

    lines = textwrap.wrap(str(text), width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "\n".join(lines)


def on_colour(face) -> str:
    """The text colour (white or :data:`TEXT`) that reads best on a fill of colour ``face``.

    Parameters
    ----------
    face : colour
        The fill, as anything matplotlib takes as a colour (``"#1d70b8"``, an RGB(A) tuple).

    Returns
    -------
    str
        ``"white"`` or :data:`TEXT`, whichever has the higher WCAG contrast ratio on ``face``.
    """
    from .colour_science import contrast_ratio

    return "white" if contrast_ratio("white", face) >= contrast_ratio(TEXT, face) else TEXT


# --------------------------------------------------------------------------------------------- axes


def money_axis(axis, values: Sequence[float] = ()) -> None:
    """Money ticks on ``axis`` in the pack's text style, at round steps.

    ``£2.0m``, ``£500k``, ``−£400k``, at steps chosen so that no tick is rounded into another
    value.  The axis's values are whole pounds.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``.
    values : sequence of float, default ()
        Kept for callers; the ticks do not depend on it.
    """
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos=None: numbers.money(0 if abs(v) < 1e-6 else v)))


def gbp_formatter(unit: str = "m") -> FuncFormatter:
    """Money ticks in the pack's text style (``£2.0m``, ``£500k``; values in whole pounds).

    Parameters
    ----------
    unit : str, default "m"
        Kept for callers; the style chooses the unit.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        The formatter.
    """
    return FuncFormatter(lambda v, _pos=None: numbers.money(0 if abs(v) < 1e-6 else v))


def gbp_unit_for(values: Sequence[float]) -> str:
    """The unit money ticks of ``values`` would be written in: ``m`` from £1m, else ``k``.

    Parameters
    ----------
    values : sequence of float
        Amounts in whole pounds (NaN ignored).

    Returns
    -------
    str
        ``"m"`` or ``"k"``.
    """
    biggest = max((abs(v) for v in values if v == v), default=0)
    return "m" if biggest >= 1e6 else "k"


def legend_above(ax: Axes, handles: Sequence | None = None, labels: Sequence[str] | None = None) -> None:
    """A legend in a row (or rows) above the plot frame, right-aligned with it, never on the data.

    Long tick labels on the left cannot push it off the figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The plot.
    handles : sequence of matplotlib.artist.Artist, optional
        The legend's entries; ``None`` = the axes' labelled artists.
    labels : sequence of str, optional
        Their labels; ``None`` = each handle's own label.
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    elif labels is None:
        labels = [h.get_label() for h in handles]
    fig = ax.figure
    room = fig.bbox.width * 0.8  # the plot frame starts about a tenth of the width in
    ncols = len(handles)
    while ncols > 1:
        widths = [text_width(fig, lab, 8.5) + 35 for lab in labels]
        rows = [widths[i:i + ncols] for i in range(0, len(widths), ncols)]
        if max(sum(r) for r in rows) <= room:
            break
        ncols -= 1
    ax.legend(handles, labels, loc="lower right", bbox_to_anchor=(1, 1.01), ncols=ncols, frameon=False,
              borderaxespad=0.2, handlelength=1.4, columnspacing=1.4, fontsize=8.5)


def spread(positions: Sequence[float], gap: float) -> list[float]:
    """Positions moved apart as little as possible so that neighbours are at least ``gap`` apart.

    Their order is kept.

    Parameters
    ----------
    positions : sequence of float
        Positions on one axis (e.g. label centres in pixels).
    gap : float
        The least distance between neighbours, in the same unit.

    Returns
    -------
    list of float
        The new positions, in the order given.
    """
    order = np.argsort(positions, kind="stable")
    placed = [float(positions[i]) for i in order]
    for _ in range(50):
        moved = False
        for k in range(1, len(placed)):
            short = gap - (placed[k] - placed[k - 1])
            if short > 1e-9:
                placed[k - 1] -= short / 2
                placed[k] += short / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(placed)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def label_bars(ax: Axes, bars, labels: Sequence[str], *, horizontal: bool, inside: bool = False,
               colour: str | Sequence[str] = TEXT, size: float = LABEL_FONT, weight: str = "normal") -> list:
    """A label at the end of each bar.

    Outside it (beyond its end, on the side its sign points to) in ``colour``, or - with ``inside`` -
    inside its end in white or black, whichever reads on the bar, when the label fits, and outside
    otherwise.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The plot holding the bars.
    bars : sequence of matplotlib.patches.Rectangle
        The bars (a ``BarContainer``).
    labels : sequence of str
        One label per bar (an empty one is skipped).
    horizontal : bool
        Whether the bars are horizontal (``barh``).
    inside : bool, default False
        Put a label inside its bar's end when it fits.
    colour : str or sequence of str, default :data:`TEXT`
        The colour of labels outside their bars (one, or one per bar).
    size : float, default :data:`LABEL_FONT`
        Font size in points.
    weight : str, default "normal"
        Font weight.

    Returns
    -------
    list of matplotlib.text.Annotation
        The labels drawn.
    """
    fig = ax.figure
    lay_out(fig)  # positions are final only once drawn
    colours = [colour] * len(labels) if isinstance(colour, str) else list(colour)
    out = []
    for bar, label, col in zip(bars, labels, colours, strict=True):
        if not label:
            continue
        x, y, w, h = bar.get_x(), bar.get_y(), bar.get_width(), bar.get_height()
        length = w if horizontal else h
        end = (x + w, y + h / 2) if horizontal else (x + w / 2, y + h)  # the far end, whatever the sign
        sign = -1 if length < 0 else 1
        extent = bar.get_window_extent()
        room = extent.width if horizontal else extent.height
        need = text_width(fig, label, size, weight) + 8 if horizontal else size * 1.6
        if inside and room >= need:
            offset, text_colour, ha_in = -4 * sign, on_colour(bar.get_facecolor()), True
        else:
            offset, text_colour, ha_in = 4 * sign, col, False
        into = (sign > 0) == ha_in  # text extends towards smaller values
        if horizontal:
            t = ax.annotate(label, end, xytext=(offset, 0), textcoords="offset points", va="center",
                            ha="right" if into else "left", fontsize=size, color=text_colour, fontweight=weight)
        else:
            t = ax.annotate(label, end, xytext=(0, offset), textcoords="offset points", ha="center",
                            va="top" if into else "bottom", fontsize=size, color=text_colour, fontweight=weight)
        out.append(t)
    return out


# --------------------------------------------------------------------------------------------- layout


def finish(fig: Figure, ax: Axes, *, title: str, subtitle: str = "", source: str = "",
           xlabel: str | None = None, ylabel: str | None = None) -> Figure:
    """Title, subtitle, axis labels and source line, with the plot laid out between them.

    Title (the finding) and subtitle (what is plotted) across the top of the figure, axis labels
    with units, and the source line at the bottom; each plot's limits are widened until every data
    label lies inside its frame.  The title and subtitle are kept (``fig.texts[0]``,
    ``fig.texts[1]``) for the chart's alt text.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart (made by :func:`new_figure`).
    ax : matplotlib.axes.Axes
        The plot the axis labels go on.
    title : str
        The finding, in a sentence.
    subtitle : str, default ""
        What is plotted, with units.
    source : str, default ""
        The source line (written after ``Source:``).
    xlabel, ylabel : str, optional
        Axis labels with units; ``None`` leaves the axis's label as it is.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``, finished.
    """
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    renderer = cast("FigureCanvasAgg", fig.canvas).get_renderer()  # the charts' canvases are Agg ones
    width, height = fig.bbox.width, fig.bbox.height
    margin = 0.1 * fig.dpi
    line = wrap(fig, title, TITLE_FONT, width - 2 * margin, weight="bold")
    top = fig.text(margin / width, 1 - margin / height, line, ha="left", va="top", fontsize=TITLE_FONT,
                   fontweight="bold", color=TEXT, label="chart title")
    y = top.get_window_extent(renderer).y0 - 5
    sub = fig.text(margin / width, y / height, wrap(fig, subtitle, SUBTITLE_FONT, width - 2 * margin),
                   ha="left", va="top", fontsize=SUBTITLE_FONT, color=SECONDARY_TEXT, label="chart subtitle")
    if subtitle:
        y = sub.get_window_extent(renderer).y0
    bottom = 0.0
    if source:
        foot = fig.text(margin / width, 0.06 * fig.dpi / height,
                        wrap(fig, f"Source: {source}", SOURCE_FONT, width - 2 * margin), fontsize=SOURCE_FONT,
                        color=SECONDARY_TEXT, ha="left", va="bottom", label="chart source")
        bottom = foot.get_window_extent(renderer).y1 + 6
    rect = (0, bottom / height, 1, (y - 8) / height)
    for _ in range(6):
        tight_layout(fig, rect=rect, pad=0.4)
        if not any([_fit_labels(a, renderer) for a in fig.axes]):
            break
    tight_layout(fig, rect=rect, pad=0.4)
    return fig


def _fit_labels(ax: Axes, renderer) -> bool:
    """Widen ``ax``'s limits so that its data labels (``ax.texts``) lie inside its frame; True
    when a limit changed."""
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    if not boxes or frame.width <= 0 or frame.height <= 0:
        return False
    changed = False
    for axis, lo_px, hi_px, low, high in (
            ("x", frame.x0, frame.x1, min(b.x0 for b in boxes), max(b.x1 for b in boxes)),
            ("y", frame.y0, frame.y1, min(b.y0 for b in boxes), max(b.y1 for b in boxes))):
        size = hi_px - lo_px
        f0, f1 = (low - lo_px - 3) / size, (high - lo_px + 3) / size  # label extent as fractions of the frame
        if f0 >= 0 and f1 <= 1:
            continue
        get, set_, scale = ((ax.get_xlim, ax.set_xlim, ax.xaxis.get_transform()) if axis == "x"
                            else (ax.get_ylim, ax.set_ylim, ax.yaxis.get_transform()))
        lim = get()
        # lim[0] is drawn at fraction 0 of the frame and lim[1] at 1, inverted or not
        a, b = scale.transform(np.array(lim, dtype=float).reshape(-1, 1))[:, 0]
        span = b - a
        new_a = a + span * min(f0, 0) * 1.05
        new_b = a + span * max(f1, 1) * 1.05 if f1 > 1 else b
        lo_v, hi_v = scale.inverted().transform([[new_a], [new_b]])[:, 0]
        set_((lo_v, hi_v))
        changed = True
    return changed
