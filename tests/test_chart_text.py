"""Texts measured once per process (:mod:`analysis.presentation.chart_text`): a chart drawn with
the shared cache - empty, or filled by other charts - is the same bytes as the chart drawn with
matplotlib's own per-renderer measuring; the cache tells apart what changes a measurement; a
finished chart leaves no layout engine for ``savefig`` to run again."""

from __future__ import annotations

import contextlib

import pytest
from matplotlib.figure import Figure

from analysis.analyses import variance
from analysis.presentation import chart_style, chart_text, charts


def _bars(names: list[str], values: list[float]) -> Figure:
    return charts.ranked_bars(names, values, highlight=[names[0]], title=f"{names[0]} against the others",
                              subtitle="Children looked after per 10,000", xlabel="Rate per 10,000",
                              reference_lines=[(sum(values) / len(values), "Mean", charts.AVERAGE)],
                              value_format=lambda v: f"{v:,.0f}", source="a test")


NAMES = ["Torbay", "Plymouth", "Blackpool", "North East Lincolnshire", "Southend-on-Sea", "Isle of Wight"]
VALUES = [141.0, 103.0, 197.0, 127.0, 71.0, 88.0]


def test_a_chart_is_the_same_bytes_with_the_shared_cache_empty_full_or_off(monkeypatch):
    chart_text._cache.clear()
    cold = charts.svg(_bars(NAMES, VALUES), "alt")  # every text measured afresh, then kept
    charts.svg(_bars(NAMES[::-1], VALUES[::-1]), "alt")
    warm = charts.svg(_bars(NAMES, VALUES), "alt")  # from the cache
    assert len(chart_text._cache) > 0
    for module in (chart_text, chart_style):  # matplotlib's own measuring, one renderer at a time
        monkeypatch.setattr(module, "shared_metrics", contextlib.nullcontext)
    off = charts.svg(_bars(NAMES, VALUES), "alt")
    assert cold == warm == off


def test_the_cache_keeps_apart_what_changes_a_measurement():
    fig = Figure()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    plain = chart_text.text_width(fig, "Children looked after", 9)
    assert chart_text.text_width(fig, "Children looked after", 12) > plain
    assert chart_text.text_width(fig, "Children looked after", 9, weight="bold") > plain
    assert chart_text.text_width(fig, "Children looked after!", 9) > plain
    fig.set_dpi(200)
    assert chart_text.text_width(fig, "Children looked after", 9) > plain * 1.9


def test_matplotlibs_measuring_is_back_in_place_after_a_chart():
    import matplotlib.text as mtext

    before = mtext._get_text_metrics_with_cache
    _bars(NAMES, VALUES)
    assert mtext._get_text_metrics_with_cache is before


@pytest.fixture(scope="module")
def tracker(bundled):
    return bundled.tables["savings_tracker"]


def test_a_finished_chart_leaves_no_layout_engine(tracker):
    """``fig.tight_layout`` leaves a placeholder engine, and ``savefig`` then lays the whole figure
    out once more before drawing it; ``finish`` lays out through the engine and leaves none."""
    for fig in (_bars(NAMES, VALUES), variance.chart_by_rag(variance.by_rag(tracker), source="003")):
        assert fig.get_layout_engine() is None
