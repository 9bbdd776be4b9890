"""Texts measured once per process (:mod:`analysis.presentation.chart_text`): a chart drawn with
the shared cache - empty, or filled by other charts - is the same bytes as the chart drawn with
matplotlib's own per-renderer measuring; the cache tells apart what changes a measurement; a
finished chart leaves no layout engine for ``savefig`` to run again."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.analyses import variance
from analysis.presentation import chart_style, chart_text, charts, savings_charts


def _bars(names: list[str], values: list[float]) -> Figure:
    return charts.ranked_bars(names, values, highlight=[names[0]], title=f"{names[0]} against the others",
                              subtitle="Children looked after per 10,000", xlabel="Rate per 10,000",
                              reference_lines=[(sum(values) / len(values), "Mean", charts.AVERAGE)],
                              value_format=lambda v: f"{v:,.0f}", source="a test")


NAMES = ["Torbay", "Plymouth", "Blackpool", "North East Lincolnshire", "Southend-on-Sea", "Isle of Wight"]
VALUES = [141.0, 103.0, 197.0, 127.0, 71.0, 88.0]


def test_a_chart_is_the_same_bytes_with_the_shared_cache_empty_full_or_off(monkeypatch):
    chart_text.ChartRenderer.forget()
    cold = charts.svg(_bars(NAMES, VALUES), "alt")  # every text measured afresh, then kept
    charts.svg(_bars(NAMES[::-1], VALUES[::-1]), "alt")
    assert chart_text.ChartRenderer.cached() > 0
    warm = charts.svg(_bars(NAMES, VALUES), "alt")  # from the cache
    # matplotlib's own Agg canvas: its measuring, one renderer at a time
    monkeypatch.setattr(chart_style, "ChartCanvas", FigureCanvasAgg)
    plain = _bars(NAMES, VALUES)
    assert type(plain.canvas) is FigureCanvasAgg
    assert cold == warm == charts.svg(plain, "alt")


def test_the_cache_keeps_apart_what_changes_a_measurement():
    """Each measurement from the cache equals matplotlib's own (a plain Agg renderer's), whatever
    was measured before it: size, weight, text and resolution each change the key."""
    chart_text.ChartRenderer.forget()
    cases = [("Children looked after", 9, "normal"), ("Children looked after", 12, "normal"),
             ("Children looked after", 9, "bold"), ("Children looked after!", 9, "normal")]
    for dpi in (100, 200):
        cached_fig, plain_fig = Figure(dpi=dpi), Figure(dpi=dpi)
        chart_text.ChartCanvas(cached_fig)
        FigureCanvasAgg(plain_fig)
        for text, size, weight in cases + cases:  # the second round answers from the cache
            assert (chart_text.text_width(cached_fig, text, size, weight)
                    == chart_text.text_width(plain_fig, text, size, weight)), (dpi, text, size, weight)
    widths = {c: chart_text.text_width(cached_fig, *c) for c in cases}
    assert len(set(widths.values())) == len(cases)
    assert chart_text.ChartRenderer.cached() == 2 * len(cases)  # four texts at two resolutions, each kept once


def test_a_chart_canvas_keeps_its_renderer_until_the_figure_changes_size():
    fig = Figure(figsize=(4, 3), dpi=100)
    canvas = chart_text.ChartCanvas(fig)
    first = canvas.get_renderer()
    assert isinstance(first, chart_text.ChartRenderer) and canvas.get_renderer() is first
    fig.set_size_inches(5, 3)
    assert canvas.get_renderer() is not first and canvas.get_renderer().width == 500


@pytest.fixture(scope="module")
def tracker(bundled):
    return bundled.tables["savings_tracker"]


def test_a_finished_chart_leaves_no_layout_engine(tracker):
    """``fig.tight_layout`` leaves a placeholder engine, and ``savefig`` then lays the whole figure
    out once more before drawing it; ``finish`` lays out through the engine and leaves none."""
    for fig in (_bars(NAMES, VALUES), savings_charts.chart_by_rag(variance.by_rag(tracker), source="003")):
        assert fig.get_layout_engine() is None


def _wrap_measuring_every_line(fig, text: str, size: float, width_px: float, weight: str) -> str:
    """The reference: every candidate line measured whole (what ``wrap`` did before it estimated)."""
    lines: list[str] = []
    for word in text.split():
        if lines and chart_style.text_width(fig, f"{lines[-1]} {word}", size, weight) <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def test_wrap_breaks_lines_where_measuring_every_line_would():
    import random

    rng = random.Random(20240331)
    words = ["At", "31", "March", "2024", "Barking", "and", "Dagenham", "looked", "after", "8.4", "more", "fewer", "children", "per", "10,000", "than", "its", "neighbours'", "mean:", "about", "1,234", "Isles", "of", "Scilly", "Kingston", "upon", "Hull,", "City", "of", "Redcar", "Cleveland", "W", "WWWW", "iiii", "lllll", "£58,254", "−1,115", "Bournemouth,", "Christchurch", "Poole", "Source:", "DfE", "LAIT", "(2025)", "—", "–", "‘quoted’", "Supercalifragilisticexpialidocious"]
    with chart_style.style():
        fig, _ = chart_style.new_figure()
        cases = 0
        for _ in range(400):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
            size, weight = rng.choice([(8.5, "normal"), (10, "normal"), (12, "bold"), (13.5, "bold")])
            width = rng.uniform(80, 700)
            if rng.random() < 0.5:  # right at the width of a line of the first words: where estimates fail
                first = " ".join(text.split()[:rng.randint(1, 8)])
                width = chart_style.text_width(fig, first, size, weight) + rng.choice([-0.6, -0.2, 0.0, 0.2, 0.6])
            assert chart_style.wrap(fig, text, size, width, weight) == _wrap_measuring_every_line(
                fig, text, size, width, weight), (text, size, weight, width)
            cases += text.count(" ")
    assert cases > 5000  # line-break decisions compared


def test_a_shown_chart_is_the_svg_text_as_made():
    """``charts.show`` displays ``charts.svg``'s text unchanged (IPython's own SVG object parses
    and re-serialises it: a tenth of a report's kernel time, and namespaces moved first)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    fig = _bars(NAMES, VALUES)
    with capture_output() as shown:
        charts.show(fig, "alt")
    (output,) = shown.outputs
    text = output.data["image/svg+xml"]
    assert text == charts.svg(fig, charts.alt_text(fig, "alt"))
    assert text.startswith("<svg ") and text.rstrip().endswith("</svg>") and "<!DOCTYPE" not in text
    assert output.metadata["image/svg+xml"]["alt"] == charts.alt_text(fig, "alt")
