"""Every colour the chart style uses meets WCAG 2.x contrast against white - 3:1 for graphics,
4.5:1 for text - and the RAG pair can be told apart by readers without red or green cones.

The arithmetic is checked against published figures first: black on white is 21:1, #767676 is
the lightest grey with 4.5:1 (WebAIM), and issue 10 measured GOV.UK's amber #f47738 at 2.78:1,
its mid grey #b1b4b6 at 2.08:1 and its red #d4351c against its green #00703c at 1.18:1 for
red-blind readers (protanopia, Machado et al. 2009)."""

from __future__ import annotations

import pytest

from analysis.analyses import variance
from analysis.presentation import chart_checks as cc
from analysis.presentation import charts, savings_charts

GRAPHICS = {
    **{f"RAG {k}": v for k, v in charts.RAG_COLOURS.items()},
    **{f"direction {k}": v for k, v in charts.DIRECTION_COLOURS.items()},
    **{f"series {i}": v for i, v in enumerate(charts.SERIES)},
    "FOCUS": charts.FOCUS, "OTHER": charts.OTHER, "AXIS": charts.AXIS, "AVERAGE": charts.AVERAGE,
    "NATIONAL": charts.NATIONAL, "PLANNED": charts.PLANNED, "FORECAST": charts.FORECAST,
    "axes.edgecolor": charts.STYLE["axes.edgecolor"],
}
TEXTS = {"TEXT": charts.TEXT, "SECONDARY_TEXT": charts.SECONDARY_TEXT, "FOCUS (labels)": charts.FOCUS,
         "AVERAGE (labels)": charts.AVERAGE, "NATIONAL (labels)": charts.NATIONAL,
         "RAG Red (labels)": charts.RAG_COLOURS["Red"], "axes.labelcolor": charts.STYLE["axes.labelcolor"],
         "xtick.color": charts.STYLE["xtick.color"], "ytick.color": charts.STYLE["ytick.color"]}


def test_the_contrast_arithmetic_reproduces_published_figures():
    assert cc.contrast_ratio("#000000") == pytest.approx(21.0)
    assert cc.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert cc.contrast_ratio("#777777") < 4.5
    assert cc.contrast_ratio("#f47738") == pytest.approx(2.78, abs=0.01)  # issue 10
    assert cc.contrast_ratio("#b1b4b6") == pytest.approx(2.08, abs=0.01)  # issue 10
    red, green = (cc.relative_luminance(cc.simulate(c, "protanopia")) for c in ("#d4351c", "#00703c"))
    assert (max(red, green) + 0.05) / (min(red, green) + 0.05) == pytest.approx(1.18, abs=0.01)  # issue 10
    assert cc.simulate("#ffffff", "deuteranopia") == pytest.approx((1.0, 1.0, 1.0), abs=0.01)  # grey stays grey


@pytest.mark.parametrize("name", sorted(GRAPHICS, key=str))
def test_every_graphic_colour_has_3_to_1_on_white(name):
    assert cc.contrast_ratio(GRAPHICS[name]) >= 3.0, f"{name} {GRAPHICS[name]}"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_text_colour_has_4_5_to_1_on_white(name):
    assert cc.contrast_ratio(TEXTS[name]) >= 4.5, f"{name} {TEXTS[name]}"


def test_white_labels_inside_bars_have_4_5_to_1():
    for colour in (charts.FOCUS, charts.RAG_COLOURS["Red"], charts.RAG_COLOURS["Green"], charts.PLANNED):
        assert charts.on_colour(colour) == "white"
        assert cc.contrast_ratio("white", colour) >= 4.5
    assert charts.on_colour(charts.OTHER) == charts.TEXT and cc.contrast_ratio(charts.TEXT, charts.OTHER) >= 4.5


@pytest.mark.parametrize("deficiency", ["protanopia", "deuteranopia"])
def test_red_and_green_stay_apart_for_colour_blind_readers(deficiency):
    """GOV.UK's pair is 12.8 apart (CIE76) for red-blind readers - barely a different colour;
    the style's pair is at least 25 apart for red-blind and green-blind readers alike."""
    def apart(a, b):
        return cc.colour_difference(cc.simulate(a, deficiency), cc.simulate(b, deficiency))
    if deficiency == "protanopia":
        assert apart("#d4351c", "#00703c") < 15
    assert apart(charts.RAG_COLOURS["Red"], charts.RAG_COLOURS["Green"]) >= 25


def test_amber_and_red_are_not_told_by_colour_alone():
    """Amber and red are close for green-blind readers, so they are hatched differently and the
    status is written beside them."""
    assert charts.RAG_HATCHES["Red"] != charts.RAG_HATCHES["Amber"]
    assert charts.RAG_HATCHES["Red"] and charts.RAG_HATCHES["Amber"]


def test_the_rag_chart_says_the_status_in_words_and_hatches_it(bundled):
    table = variance.by_rag(bundled.tables["savings_tracker"])
    fig = savings_charts.chart_by_rag(table, source="003")
    words = {t.get_text() for ax in fig.axes for t in ax.get_yticklabels()}
    assert set(table.rag) <= words  # every bar's row is named on both panels
    hatched = {p.get_hatch() for ax in fig.axes for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(
        tuple(int(charts.RAG_COLOURS["Red"][i:i + 2], 16) / 255 for i in (1, 3, 5)))}
    assert hatched == {charts.RAG_HATCHES["Red"]}


def test_the_reconciliation_chart_names_and_hatches_each_status():
    import pandas as pd

    from analysis.presentation import reconciliation

    rec = pd.DataFrame({"document": ["001"] * 6 + ["002"] * 2,
                        "status": ["ok"] * 4 + ["mismatch", "within rounding", "ok", "not computable"]})
    fig = reconciliation.chart_status(rec, source="test")
    labels = [t.get_text() for t in fig.axes[0].texts]
    # counted by hand from the frame
    assert labels == ["4 agree, 1 within rounding, 1 mismatch", "1 agree, 1 not computable"]
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.texts] == ["Agree exactly", "Within rounding", "Mismatch", "Not computable"]
    assert [h.get_hatch() or "" for h in legend.legend_handles] == ["", "//", "xx", ".."]
