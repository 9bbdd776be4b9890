"""Blank amounts (lines not yet forecast) are read as empty, flagged, and every savings-tracker
analysis copes - including report 10's movement since last month, which crashed on a blank
forecast whenever the previous month existed (issue 7: 'boolean value of NA is ambiguous').

The months are SYNTHETIC: 003 (October 2017) as delivered, and a November made from it in which
A/R.6.114 has no forecast yet.  Expected figures are computed here from 003's printed cells.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.analyses import variance
from analysis.ingest import ingest
from analysis.manifest import register
from analysis.presentation import savings_movement

from .conftest import RAW
from .fixtures.trackers import COL, HEADER, PRINTED_TOTALS, csv_text, rows, thousands

BLANK_REF = "A/R.6.114"  # 003 line 14: Original Saving -2,381, Forecast Saving -2,381, variance 0
FORECAST_HEADERS = ["Current Forecast Phasing - Q1", "Current Forecast Phasing - Q2", "Current Forecast Phasing - Q3",
                    "Current Forecast Phasing - Q4", "Forecast Saving", "Variance from Plan £000"]


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    raw = tmp_path_factory.mktemp("blank") / "raw"
    import shutil

    shutil.copytree(RAW, raw)
    body = rows()
    for r in body:
        if r[0] == BLANK_REF:
            for h in FORECAST_HEADERS:
                r[COL[h]] = ""
    (raw / "tracker_2017_11_SYNTHETIC.csv").write_text(csv_text(HEADER, body, total=False), encoding="utf-8")
    register(raw, raw / "tracker_2017_11_SYNTHETIC.csv", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire",
             period="2017-11", saving_sign="negative")
    table = ingest(raw).tables["savings_tracker"]
    return table[table.period == "2017-11"].reset_index(drop=True), table[table.period == "2017-10"].reset_index(
        drop=True)


def printed(ref: str, header: str) -> int:
    return next(thousands(r[COL[header]]) for r in rows() if r[0] == ref) * 1000


def test_blank_cells_are_empty_and_flagged(months):
    november, _ = months
    row = november.set_index("reference").loc[BLANK_REF]
    for column in ("forecast_q1_gbp", "forecast_total_gbp", "variance_gbp"):
        assert pd.isna(row[column])
        assert f"{column}: blank cell" in row.cleaning_flags


def test_headline_counts_only_what_is_forecast(months):
    november, _ = months
    h = variance.headline(november)
    # 003 line 6: planned 20,538, forecast 16,656, variance 3,882 (£000); the blank line forecast nothing
    assert h.planned_saving_gbp == -PRINTED_TOTALS[5] * 1000
    assert h.forecast_saving_gbp == -PRINTED_TOTALS[10] * 1000 + printed(BLANK_REF, "Forecast Saving")
    assert h.shortfall_gbp == PRINTED_TOTALS[11] * 1000 - printed(BLANK_REF, "Variance from Plan £000")


def _expected_savings(blank_forecast: bool) -> tuple[int, int]:
    """Planned and forecast saving (pounds, positive) added up here from 003's printed lines,
    the blank line forecasting nothing."""
    planned = -sum(thousands(r[COL["Original Saving 17-18"]]) for r in rows()) * 1000
    forecast = -sum(thousands(r[COL["Forecast Saving"]]) for r in rows() if not (blank_forecast and r[0] == BLANK_REF))
    return planned, forecast * 1000


@pytest.mark.parametrize("name, key", [("by_committee", "committee"), ("by_rag", "rag"), ("by_direction", "direction")])
def test_every_grouping_adds_up_to_the_printed_lines(months, name, key):
    november, _ = months
    out = getattr(variance, name)(november)
    planned, forecast = _expected_savings(blank_forecast=True)
    assert int(out.planned_saving_gbp.sum()) == planned == -PRINTED_TOTALS[5] * 1000
    assert int(out.forecast_saving_gbp.sum()) == forecast
    assert int(out.lines.sum()) == len(rows()) and out[key].is_unique


def test_phasing_and_waterfall_add_up_with_a_blank_forecast(months):
    november, _ = months
    planned, forecast = _expected_savings(blank_forecast=True)
    phasing = variance.quarterly_phasing(november)
    assert int(phasing.cumulative_planned_gbp.iloc[-1]) == planned
    assert int(phasing.cumulative_forecast_gbp.iloc[-1]) == forecast
    steps = variance.waterfall_steps(november)
    assert steps.attrs["planned_saving_gbp"] + int(steps.change_gbp.sum()) == steps.attrs["forecast_saving_gbp"] == forecast
    # the line without a forecast is its own step: its whole planned saving (003 line 14: -2,381 £000)
    waiting = steps[steps.step == "1 line not yet forecast"]
    assert list(waiting.change_gbp) == [printed(BLANK_REF, "Original Saving 17-18")]


def test_line_lists_hold_the_printed_shortfalls_and_over_deliveries(months):
    october = months[1]
    printed_variance = {r[0]: thousands(r[COL["Variance from Plan £000"]]) * 1000 for r in rows()}
    short = variance.top_shortfalls(october, n=100)
    assert dict(zip(short.reference, short.shortfall_gbp, strict=True)) == {k: v for k, v in printed_variance.items() if v > 0}
    over = variance.over_delivery(october)
    assert dict(zip(over.reference, over.over_delivery_gbp, strict=True)) == {k: -v for k, v in printed_variance.items() if v < 0}
    invested = {r[0] for r in rows() if thousands(r[COL["Investment 17-18 £000"]]) > 0}
    assert set(variance.investment_vs_saving(october).reference) == invested


def test_movement_with_a_blank_forecast(months):
    november, october = months
    m = variance.movement(november, october)
    line = m["lines"].set_index("reference").loc[BLANK_REF]
    assert pd.isna(line.drift_gbp) and pd.isna(line.direction_derived)  # no direction to derive
    assert BLANK_REF not in set(m["direction_disagrees"].reference)
    total = m["total"]
    assert total.forecast_saving_previous_gbp == -PRINTED_TOTALS[10] * 1000
    assert total.drift_gbp == printed(BLANK_REF, "Forecast Saving")  # the blank line's saving is not forecast now


def test_movement_report_renders(months):
    november, october = months
    html = savings_movement.movement_report(november, october).data
    assert "Forecast saving moved from" in html
