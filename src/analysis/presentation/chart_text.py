"""Text measurement shared by every chart a process draws, and layout without pixels.

Laying a chart out measures its texts many times: each label for the plot's position, again for
the legend, the title's wrapping word by word, and once more when the SVG is written.
matplotlib caches a measurement only per renderer, and every figure - and every SVG export - has
a renderer of its own, so a kernel that draws report after report measured the same tick labels,
axis labels and legend entries again for each chart (FreeType's ``set_text`` takes about a
millisecond a string in matplotlib 3.11).  :func:`shared_metrics` keeps the measurements of the
Agg and SVG renderers in one cache for the process while a chart is drawn; a measurement is the
same number however often it is taken, so the charts are the same bytes.

The cache key holds everything the measurement depends on: the renderer's class and resolution,
the text, its font properties (family, style, weight, size ...), whether it is math text, the
figure's dpi, and the ``rcParams`` the renderers read when measuring (hinting, kerning).
Measurements of any other renderer go to matplotlib's own per-renderer cache unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

import matplotlib
import matplotlib.text as mtext
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import TightLayoutEngine

__all__ = ["lay_out", "shared_metrics", "text_width", "tight_layout"]

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.typing import RcKeyType

#: rcParams that the Agg and SVG renderers read when measuring a text
_MEASURING_PARAMS: tuple[RcKeyType, ...] = ("text.hinting", "text.hinting_factor", "text.kerning_factor",
                                             "text.language")
_LIMIT = 50_000  # entries (a chart adds a few hundred at most; reports share most of them)

_cache: dict[tuple, tuple[float, float, float]] = {}
_lock = threading.RLock()
_depth = 0
_original: Callable[..., tuple[float, float, float]] | None = None  # matplotlib's, while ours is in place


def _measuring(renderer):
    """The renderer that measures for ``renderer`` if it is an Agg or SVG one (an SVG export
    wraps its renderer in a ``MixedModeRenderer``, which passes measuring on), else ``None``."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    inner = renderer._renderer if type(renderer) is MixedModeRenderer else renderer
    return inner if type(inner) in (RendererAgg, RendererSVG) else None


def _measure(renderer, text, fontprop, ismath, dpi):
    """``renderer.get_text_width_height_descent`` (pixels: width, height, descent), from the
    process's cache when the renderer is an Agg or SVG one."""
    inner = _measuring(renderer)
    if inner is None or ismath == "TeX":
        assert _original is not None  # _measure is in place only while _original is kept
        return _original(renderer, text, fontprop, ismath, dpi)
    key = (type(inner), getattr(inner, "dpi", None), text, fontprop.copy(), ismath, dpi,
           tuple(matplotlib.rcParams[p] for p in _MEASURING_PARAMS))
    found = _cache.get(key)
    if found is None:
        found = inner.get_text_width_height_descent(text, fontprop, ismath)
        if len(_cache) >= _LIMIT:
            _cache.clear()
        _cache[key] = found
    return found


@contextmanager
def shared_metrics() -> Iterator[None]:
    """Inside: matplotlib measures texts through the process's shared cache (module docstring).
    Re-entrant; matplotlib's own function is back in place when the outermost context ends."""
    global _depth, _original
    with _lock:
        if _depth == 0:
            _original = mtext._get_text_metrics_with_cache  # type: ignore[attr-defined]  # private: not in the stubs
            mtext._get_text_metrics_with_cache = _measure  # type: ignore[attr-defined]
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                mtext._get_text_metrics_with_cache = _original  # type: ignore[attr-defined]


def text_width(fig: Figure | SubFigure, text: str, size: float, weight: str = "normal") -> float:
    """Width in pixels of ``text`` drawn at ``size`` points on ``fig`` (Agg's measure)."""
    from matplotlib.font_manager import FontProperties

    with shared_metrics():
        width, _, _ = mtext._get_text_metrics_with_cache(  # type: ignore[attr-defined]  # private: not in the stubs
            cast("FigureCanvasAgg", fig.canvas).get_renderer(), text, FontProperties(size=size, weight=weight), False,
            fig.dpi)
    return width


def lay_out(fig: Figure | SubFigure) -> None:
    """Draw ``fig`` on its canvas's renderer without painting pixels: every artist's position
    and size is final afterwards (as after ``fig.canvas.draw()``), at a fraction of the cost."""
    renderer = cast("FigureCanvasAgg", fig.canvas).get_renderer()  # the charts' canvases are Agg ones
    with shared_metrics(), renderer._draw_disabled():
        fig.draw(renderer)


def tight_layout(fig: Figure, *, rect: tuple[float, float, float, float], pad: float) -> None:
    """``fig.tight_layout(rect=rect, pad=pad)``, measuring each plot once, and leaving no layout
    engine on the figure (``fig.tight_layout`` leaves a placeholder for which ``savefig`` lays
    the whole figure out once more before drawing it).  Given a ``rect``,
    matplotlib measures every plot's extent twice (for the margins, then again inside the
    rect) with nothing changed in between; here the second measurement is the first one's
    result, so the layout is the same and costs half."""
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
    try:
        with shared_metrics():  # the engine, not ``fig.tight_layout``, which leaves a placeholder engine
            TightLayoutEngine(rect=rect, pad=pad).execute(fig)  # behind: savefig would lay the figure out again
    finally:
        for ax in axes:
            del ax.get_tightbbox
