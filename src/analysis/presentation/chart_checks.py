"""Checks that a chart can be read: nothing written over anything else, everything legible.

:func:`layout_problems` renders a figure with the Agg renderer and lists, in words, every way a
reader could lose a label:

* two texts whose rendered boxes (``Text.get_window_extent``) intersect - tick labels, axis
  labels, titles, data labels, legend entries, annotations alike;
* a text not wholly inside the figure (it would be cut off in the SVG and in print);
* a text on a legend box that is not that legend's own, and a legend box on plotted data
  (bars, lines, markers, areas);
* a data label (text drawn in an axes) outside its plot frame, where it runs into the tick
  labels or another panel;
* a plotted line (a series, a reference line) through a text;
* a text whose colour contrasts less than WCAG's 4.5:1 (3:1 for large text) with what is drawn
  beneath it: white on a bar that ends under it, dark on a dark bar, a marker or a line under
  it.  The background is read from the figure rendered without its texts.

:func:`colour_problems` lists graphics (bars, lines, markers, edges) drawn in a colour with less
than 3:1 contrast against white.  Colour arithmetic - WCAG 2.x relative luminance and contrast
ratio, and the Machado, Oliveira & Fernandes (2009) simulation of protanopia and deuteranopia -
is here too, so the tests and the checks use the same definitions.

Nothing here is used while a report runs; it is for tests (and for anyone drawing a new chart:
``assert not charts.layout_problems(fig)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast
from unittest import mock

import numpy as np
from matplotlib.collections import Collection, PolyCollection, QuadMesh
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxBase

from .colour_science import (  # noqa: F401 - the colour checks' science, re-exported
    MACHADO_2009,
    cielab,
    colour_difference,
    contrast_ratio,
    linear_rgb,
    relative_luminance,
    simulate,
)

__all__ = [
    "GRAPHIC_CONTRAST", "LARGE_TEXT_CONTRAST", "TEXT_CONTRAST", "colour_problems", "fig_dpi",
    "layout_problems",
]

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

#: WCAG 2.x minimum contrast: normal text, large text (>= 18 pt, or >= 14 pt bold), graphics
TEXT_CONTRAST, LARGE_TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0, 3.0
_TOLERANCE = 0.5  # pixels: boxes that only touch do not overlap


# --------------------------------------------------------------------------------------------- drawing


@contextmanager
def _recording() -> Iterator[list[Text]]:
    """Every text actually drawn (visible, not empty, tick labels of ticks in view) while inside."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
    with mock.patch.object(Text, "draw", draw):
        yield drawn


def _render(fig: Figure) -> tuple[list[Text], RendererAgg]:
    from . import chart_style as charts

    with charts.style(), _recording() as drawn:
        fig.canvas.draw()
    seen, unique = set(), []
    for t in drawn:
        if id(t) not in seen:
            seen.add(id(t))
            unique.append(t)
    return unique, cast("FigureCanvasAgg", fig.canvas).get_renderer()  # the charts' canvases are Agg ones


def _background(fig: Figure, texts: list[Text]) -> np.ndarray:
    """The figure rendered without its texts and grid lines (RGB 0-1, rows from the top)."""
    from . import chart_style as charts

    grid = [g for ax in fig.axes for g in (*ax.xaxis.get_gridlines(), *ax.yaxis.get_gridlines())]
    states = [(t, t.get_visible()) for t in [*texts, *grid]]  # grid lines are decoration: text may cross them
    for t, _ in states:
        t.set_visible(False)
    try:
        with charts.style():
            fig.canvas.draw()
        return np.asarray(cast("FigureCanvasAgg", fig.canvas).buffer_rgba(), dtype=float)[..., :3] / 255.0
    finally:
        for t, visible in states:
            t.set_visible(visible)
        with charts.style():
            fig.canvas.draw()


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > _TOLERANCE) and (min(a.y1, b.y1) - max(a.y0, b.y0) > _TOLERANCE)


def _inside(inner: BboxBase, outer: BboxBase) -> bool:
    return (inner.x0 >= outer.x0 - _TOLERANCE and inner.x1 <= outer.x1 + _TOLERANCE
            and inner.y0 >= outer.y0 - _TOLERANCE and inner.y1 <= outer.y1 + _TOLERANCE)


def _name(t: Text) -> str:
    return repr(t.get_text().replace("\n", " ")[:60])


def _legend_of(t: Text, legends: list[Legend]) -> Legend | None:
    for legend in legends:
        if t in legend.texts or t is legend.get_title():
            return legend
    return None


def _large(t: Text) -> bool:
    points = float(t.get_fontsize())  # points (matplotlib's stubs also allow a size name; it returns a number)
    bold = t.get_fontweight() in ("bold", "heavy", "extra bold", "black", 700, 800, 900)
    return points >= 18 or (bold and points >= 14)


def _luminance_array(rgb: np.ndarray) -> np.ndarray:
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def _data_artists(fig: Figure, legends: list[Legend]) -> list:
    handles = {id(h) for legend in legends for h in legend.legend_handles}
    out = []
    for ax in fig.axes:
        for artist in [*ax.patches, *ax.lines, *ax.collections]:
            if artist.get_visible() and id(artist) not in handles:
                out.append(artist)
    return out


def _hits(artist, box: Bbox, renderer) -> bool:
    """Whether ``artist`` (a bar, line, marker set or area) draws inside ``box``."""
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(np.asarray(artist.get_xydata(), dtype=float))
        xy = xy[np.isfinite(xy).all(axis=1)]
        if artist.get_marker() not in (None, "None", "", " ") and len(xy):
            r = artist.get_markersize() * fig_dpi(artist) / 72 / 2
            if ((xy[:, 0] + r > box.x0) & (xy[:, 0] - r < box.x1) & (xy[:, 1] + r > box.y0)
                    & (xy[:, 1] - r < box.y1)).any():
                return True
        if artist.get_linestyle() in ("None", "", " ") or len(xy) < 2:
            return False
        from matplotlib.path import Path
        return Path(xy).intersects_bbox(box, filled=False)
    extent = artist.get_window_extent(renderer)
    if not _overlap(extent, box):
        return False
    if isinstance(artist, Collection) and not isinstance(artist, (PolyCollection, QuadMesh)):
        offsets = artist.get_offset_transform().transform(artist.get_offsets())
        sizes = artist.get_sizes() if hasattr(artist, "get_sizes") else [36.0]
        radius = np.sqrt(np.resize(np.asarray(sizes, dtype=float), len(offsets))) * fig_dpi(artist) / 72 / 2
        return bool(((offsets[:, 0] + radius > box.x0) & (offsets[:, 0] - radius < box.x1)
                     & (offsets[:, 1] + radius > box.y0) & (offsets[:, 1] - radius < box.y1)).any())
    return True


def fig_dpi(artist) -> float:
    """The dots per inch of the figure an artist is drawn on (its root figure).

    Parameters
    ----------
    artist : matplotlib.artist.Artist
        A text, line or patch on a figure.

    Returns
    -------
    float
        The root figure's dpi.
    """
    return artist.get_figure(root=True).dpi


# --------------------------------------------------------------------------------------------- checks


def layout_problems(fig: Figure) -> list[str]:
    """Every text of ``fig`` that a reader could lose, in words (empty when the chart is clean).

    Texts overlapping or outside the figure, texts or data under a legend, data labels outside
    their plot frame, lines crossing texts, and text without enough contrast.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished chart (drawn here in the project style).

    Returns
    -------
    list of str
        One sentence per problem.
    """
    texts, renderer = _render(fig)
    boxes = {id(t): t.get_window_extent(renderer) for t in texts}
    return (_overlap_problems(fig, texts, boxes) + _legend_problems(fig, texts, boxes, renderer)
            + _axes_problems(fig, texts, boxes, renderer) + _contrast_problems(fig, texts, boxes))


def _overlap_problems(fig: Figure, texts: list[Text], boxes: dict[int, Bbox]) -> list[str]:
    problems = [f"{_name(a)} overlaps {_name(b)}" for i, a in enumerate(texts) for b in texts[i + 1:]
                if _overlap(boxes[id(a)], boxes[id(b)])]
    return problems + [f"{_name(t)} is not wholly inside the figure" for t in texts
                       if not _inside(boxes[id(t)], fig.bbox)]


def _legend_problems(fig: Figure, texts: list[Text], boxes: dict[int, Bbox], renderer: Any) -> list[str]:
    legends = list(fig.findobj(Legend))
    problems: list[str] = []
    for legend in legends:
        frame = legend.get_window_extent(renderer)
        problems += [f"{_name(t)} is on a legend" for t in texts
                     if _legend_of(t, legends) is not legend and _overlap(boxes[id(t)], frame)]
        if any(_hits(artist, frame, renderer) for artist in _data_artists(fig, legends)):
            problems.append(f"a legend ({', '.join(_name(t) for t in legend.texts)}) is on plotted data")
    return problems


def _axes_problems(fig: Figure, texts: list[Text], boxes: dict[int, Bbox], renderer: Any) -> list[str]:
    problems: list[str] = []
    for ax in fig.axes:
        problems += [f"data label {_name(t)} runs outside its plot frame" for t in texts
                     if t in ax.texts and not _inside(boxes[id(t)], ax.bbox)]
        for line in ax.lines:
            if not line.get_visible() or line.get_linestyle() in ("None", "", " "):
                continue
            for t in texts:
                box = boxes[id(t)]
                inner = Bbox.intersection(Bbox.from_extents(box.x0 + 1, box.y0 + 1, box.x1 - 1, box.y1 - 1),
                                          ax.bbox)  # a line is drawn only inside its plot frame
                if inner is not None and inner.width > 0 and inner.height > 0 and \
                        _hits(_without_markers(line), inner, renderer):
                    problems.append(f"a line ({line.get_label()}) crosses {_name(t)}")
    return problems


def _without_markers(line: Line2D) -> Line2D:
    xy = np.asarray(line.get_xydata(), dtype=float)
    copy = Line2D(xy[:, 0], xy[:, 1], linestyle=line.get_linestyle())
    copy.set_transform(line.get_transform())
    copy.set_marker("None")
    return copy


def _contrast_problems(fig: Figure, texts: list[Text], boxes: dict[int, Bbox]) -> list[str]:
    background = _background(fig, texts)
    lum = _luminance_array(background)
    height, width = lum.shape
    problems = []
    for t in texts:
        box = boxes[id(t)]
        x0, x1 = int(np.ceil(box.x0)) + 1, int(np.floor(box.x1)) - 1
        y0, y1 = height - int(np.floor(box.y1)) + 1, height - int(np.ceil(box.y0)) - 1
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
        if x1 <= x0 or y1 <= y0:
            continue
        patch = t.get_bbox_patch()
        if patch is not None and to_rgba(patch.get_facecolor())[3] >= 0.85:
            under = np.array([relative_luminance(patch.get_facecolor())])
        else:
            under = lum[y0:y1, x0:x1].ravel()
        mine = relative_luminance(t.get_color())
        ratios = (np.maximum(under, mine) + 0.05) / (np.minimum(under, mine) + 0.05)
        need = LARGE_TEXT_CONTRAST if _large(t) else TEXT_CONTRAST
        if ratios.min() < need - 0.005:
            problems.append(f"{_name(t)} has contrast {ratios.min():.2f}:1 with what is under it (needs {need}:1)")
    return problems


def colour_problems(fig: Figure) -> list[str]:
    """Bars, lines and markers of ``fig`` drawn with less than 3:1 contrast against white.

    Translucent area fills (bands and gaps whose edges are drawn as lines), white fills with a
    coloured edge (judged by the edge) and heat-map cells (each carries its number as text) are not
    graphics on their own.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished chart.

    Returns
    -------
    list of str
        One sentence per colour too light (empty when every graphic has 3:1).
    """
    problems = []
    for ax in fig.axes:
        for artist in [*ax.patches, *ax.lines, *ax.collections]:
            if not artist.get_visible():
                continue
            for colour in _graphic_colours(artist):
                ratio = contrast_ratio(colour)
                if ratio < 1.05:  # white on white: a gap, not a graphic
                    continue
                if ratio < GRAPHIC_CONTRAST - 0.005:
                    problems.append(f"{type(artist).__name__} {artist.get_label()!r} in {_hex(colour)}: "
                                    f"{ratio:.2f}:1 against white")
    return problems


def _hex(colour) -> str:
    from matplotlib.colors import to_hex
    return to_hex(colour)


def _graphic_colours(artist) -> list:
    if isinstance(artist, Line2D):
        return [artist.get_color()] if to_rgba(artist.get_color())[3] > 0 else []
    if isinstance(artist, Rectangle):
        face, edge = to_rgba(artist.get_facecolor()), to_rgba(artist.get_edgecolor())  # already RGBA: typed so
        if face[3] >= 0.99 and contrast_ratio(face[:3]) > 1.05:
            return [face[:3]]
        return [edge[:3]] if edge[3] > 0 and artist.get_linewidth() > 0 else []
    if isinstance(artist, QuadMesh) or (isinstance(artist, PolyCollection) and _translucent(artist)):
        return []
    if isinstance(artist, Collection):
        return [c[:3] for c in artist.get_facecolors() if c[3] > 0]  # type: ignore[attr-defined]  # not in the stubs
    return []


def _translucent(artist) -> bool:
    alpha = artist.get_alpha()
    faces = artist.get_facecolors()
    return bool((alpha is not None and alpha < 0.99) or (len(faces) and faces[0][3] < 0.99))
