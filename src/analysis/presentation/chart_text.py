"""Text measurement shared by every chart a process draws, and layout without pixels.

Laying a chart out measures its texts many times: each label for the plot's position, again for
the legend, the title's wrapping word by word.  matplotlib caches a measurement only per
renderer, and every figure has a renderer of its own, so a kernel that draws report after report
measured the same tick labels, axis labels and legend entries again for each chart (FreeType's
``set_text`` takes about a millisecond a string in matplotlib 3.11).

The project's charts are drawn on a :class:`ChartCanvas`, an Agg canvas whose renderer is a
:class:`ChartRenderer`: matplotlib's Agg renderer with ``get_text_width_height_descent`` - the
public method through which matplotlib measures every text - answering from one cache for the
process.  A measurement is the same number however often it is taken, so the charts are the same
bytes (``tests/test_chart_text.py``); matplotlib is extended by subclassing its backend classes,
nothing private is replaced.  Writing a chart's SVG measures its texts once more, on the SVG
renderer, with matplotlib's own per-renderer cache.

The cache key holds everything the measurement depends on: the renderer's resolution, the text,
its font properties (family, style, weight, size ...), whether it is math text, and the
``rcParams`` the renderer reads when measuring (hinting, kerning).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar, cast

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import TightLayoutEngine

__all__ = ["ChartCanvas", "ChartRenderer", "lay_out", "text_width", "tight_layout"]

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: rcParams that the Agg renderer reads when measuring a text
_MEASURING_PARAMS: tuple[RcKeyType, ...] = ("text.hinting", "text.hinting_factor", "text.kerning_factor",
                                             "text.language")

#: rcParams that choose the font file a text is measured in
_FONT_CHOICE: tuple[RcKeyType, ...] = ("font.family", "font.sans-serif", "font.serif", "font.monospace", "font.cursive",
                                       "font.fantasy", "mathtext.fontset")


def _font_choice() -> tuple:
    return tuple(str(matplotlib.rcParams[p]) for p in _FONT_CHOICE)


class ChartRenderer(RendererAgg):
    """matplotlib's Agg renderer, measuring texts through one cache for the process.

    Parameters
    ----------
    width, height : float
        The canvas in pixels (as :class:`~matplotlib.backends.backend_agg.RendererAgg`).
    dpi : float
        Dots per inch.
    """

    LIMIT: ClassVar[int] = 50_000  # entries (a chart adds a few hundred at most; reports share most of them)
    _measured: ClassVar[dict[tuple, tuple[float, float, float]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()
    _choices: ClassVar[set[tuple]] = set()  # the font choices this process has measured texts in
    _recording: ClassVar[tuple[frozenset, list] | None] = None  # (font choices given back, measurements)

    def get_text_width_height_descent(self, s, prop, ismath):
        """Width, height and descent of ``s`` in pixels (Agg's measure), from the process's cache.

        Parameters
        ----------
        s : str
            The text.
        prop : matplotlib.font_manager.FontProperties
            Its font.
        ismath : bool or str
            Whether ``s`` is math text (``"TeX"``: measured by TeX, not cached).

        Returns
        -------
        tuple of float
            ``(width, height, descent)`` in pixels.
        """
        if ismath == "TeX":
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (self.dpi, s, prop.copy(), ismath, tuple(matplotlib.rcParams[p] for p in _MEASURING_PARAMS))
        found = self._measured.get(key)
        if found is None:
            found = super().get_text_width_height_descent(s, prop, ismath)
            with self._lock:
                self._keep(key, found)
                choice = _font_choice()
                self._choices.add(choice)
                if self._recording is not None and choice in self._recording[0]:
                    self._recording[1].append((key, found))
        return found

    @classmethod
    def _keep(cls, key: tuple, found: tuple[float, float, float]) -> None:
        """One measurement into the process's cache (emptied first when full); the lock held."""
        if len(cls._measured) >= cls.LIMIT:
            cls._measured.clear()
        cls._measured[key] = found

    @classmethod
    def record(cls) -> None:
        """From now on, keep each new measurement made while the fonts are chosen (``rcParams``'
        font families and math fonts) as for a measurement this process made before: what
        :meth:`recorded` gives.

        A notebook's child starts recording; its template learns what it measured
        (:meth:`learn`), so that the next child finds those texts measured.  A text measured in
        fonts the template never chose (a notebook that sets its own) is not given back.
        """
        with cls._lock:
            cls._recording = (frozenset(cls._choices), [])

    @classmethod
    def recorded(cls) -> list[tuple[tuple, tuple[float, float, float]]]:
        """The measurements made since :meth:`record` in fonts chosen as before it.

        Returns
        -------
        list of tuple
            ``(key, (width, height, descent))`` pairs, in pixels.
        """
        return list(cls._recording[1]) if cls._recording is not None else []

    @classmethod
    def learn(cls, measured: list[tuple[tuple, tuple[float, float, float]]]) -> None:
        """Keep measurements another process made from this one's fonts (a child's :meth:`recorded`).

        Parameters
        ----------
        measured : list of tuple
            ``(key, (width, height, descent))`` pairs, in pixels.
        """
        with cls._lock:
            for key, found in measured:
                cls._keep(key, found)

    @classmethod
    def forget(cls) -> None:
        """Empty the process's cache (tests measure afresh with it)."""
        with cls._lock:
            cls._measured.clear()

    @classmethod
    def cached(cls) -> int:
        """How many measurements the process's cache holds.

        Returns
        -------
        int
            The number of cached measurements.
        """
        return len(cls._measured)


class ChartCanvas(FigureCanvasAgg):
    """An Agg canvas drawing on a :class:`ChartRenderer` (the project's charts are made on it).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure the canvas draws.
    """

    def __init__(self, figure: Figure | None = None) -> None:
        super().__init__(figure)
        self._chart_renderer: tuple[tuple[float, float, float], ChartRenderer] | None = None

    def get_renderer(self) -> ChartRenderer:
        """The canvas's renderer, made again only when the figure's size or resolution changes.

        Returns
        -------
        ChartRenderer
            The renderer (as :meth:`FigureCanvasAgg.get_renderer`, of the measuring kind).
        """
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if self._chart_renderer is None or self._chart_renderer[0] != key:
            self._chart_renderer = (key, ChartRenderer(w, h, self.figure.dpi))
        self.renderer = self._chart_renderer[1]
        return self._chart_renderer[1]


def text_width(fig: Figure | SubFigure, text: str, size: float, weight: str = "normal") -> float:
    """Width of a text as drawn on a figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.figure.SubFigure
        The figure (on an Agg canvas: a :class:`ChartCanvas` answers from the process's cache).
    text : str
        The text, on one line.
    size : float
        Font size in points.
    weight : str
        Font weight (``"normal"``, ``"bold"`` ...).

    Returns
    -------
    float
        The width in pixels at the figure's resolution.
    """
    renderer = cast("FigureCanvasAgg", fig.canvas).get_renderer()  # the charts' canvases are Agg ones
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), False)
    return width


def lay_out(fig: Figure | SubFigure) -> None:
    """Draw a figure without painting pixels (matplotlib's ``draw_without_rendering``).

    Every artist's position and size is final afterwards (as after ``fig.canvas.draw()``), at a
    fraction of the cost.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or matplotlib.figure.SubFigure
        The figure to lay out (a subfigure: the figure holding it).
    """
    root = fig if isinstance(fig, Figure) else fig.get_figure(root=True)
    root.draw_without_rendering()


def tight_layout(fig: Figure, *, rect: tuple[float, float, float, float], pad: float) -> None:
    """``fig.tight_layout(rect=rect, pad=pad)``, measuring each plot once, leaving no layout engine.

    ``fig.tight_layout`` leaves a placeholder engine on the figure, for which ``savefig`` lays the
    whole figure out once more before drawing it; this runs matplotlib's ``TightLayoutEngine``
    once and leaves none.  Given a ``rect``, matplotlib measures every plot's extent twice (for
    the margins, then again inside the rect) with nothing changed in between; here the second
    measurement is the first one's result, so the layout is the same and costs half.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, laid out in place.
    rect : tuple of float
        ``(left, bottom, right, top)`` of the area the plots fill, in figure fractions (0-1).
    pad : float
        Padding around the plots, as a fraction of the font size.
    """
    measured: dict[tuple, object] = {}

    def measure_once(ax, original):
        def get_tightbbox(*args, **kwargs):
            key = (id(ax), tuple(id(a) for a in args), tuple(sorted((k, id(v)) for k, v in kwargs.items())))
            if key not in measured:
                measured[key] = original(*args, **kwargs)
            return measured[key]
        return get_tightbbox

    axes = list(fig.axes)
    for ax in axes:
        ax.get_tightbbox = measure_once(ax, ax.get_tightbbox)  # type: ignore[method-assign]  # removed below
    try:  # the engine, not ``fig.tight_layout``, which leaves a placeholder engine behind: savefig would
        TightLayoutEngine(rect=rect, pad=pad).execute(fig)  # lay the figure out again
    finally:
        for ax in axes:
            del ax.get_tightbbox
