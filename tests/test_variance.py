"""Savings tracker variance analysis against the tracker itself (003, Cambridgeshire Savings
Tracker 2017-18 as at October 2017).  Expected values are read from the raw text with plain
split('\\t') and summed here, or are the figures the paper prints in its totals row (line 6)."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pytest

from analysis.analyses import variance
from analysis.presentation import charts, savings_charts

from .conftest import TRACKER, raw_lines

# 003 line 6, the totals row printed on every page (£000): investment, planned Q1-Q4, planned total,
# forecast Q1-Q4, forecast total, variance
PRINTED_TOTALS = [4023, -11603, -3109, -3201, -2625, -20538, -7168, -2832, -4483, -2173, -16656, 3882]


def _raw_rows() -> list[dict]:
    rows = []
    for line in raw_lines(TRACKER):
        cells = line.split("\t")
        if cells[0].startswith("A/R."):
            n = [int(c.replace(",", "")) for c in cells[4:16]]
            rows.append({"reference": cells[0], "committee": cells[3], "investment": n[0], "planned": n[1:5],
                         "planned_total": n[5], "forecast": n[6:10], "forecast_total": n[10], "variance": n[11],
                         "rag": cells[17], "direction": cells[18]})
    return rows


@pytest.fixture(scope="module")
def tracker(bundled):
    return bundled.tables["savings_tracker"]


def test_headline_matches_the_printed_totals(tracker):
    h = variance.headline(tracker)
    assert h.planned_saving_gbp == -PRINTED_TOTALS[5] * 1000 == 20_538_000
    assert h.forecast_saving_gbp == -PRINTED_TOTALS[10] * 1000
    assert h.shortfall_gbp == PRINTED_TOTALS[11] * 1000
    assert h.delivery_pct == pytest.approx(100 * 16656 / 20538)  # 81.1%
    assert h.investment_gbp == PRINTED_TOTALS[0] * 1000
    assert h.lines == len(_raw_rows())


def test_variance_by_committee_sums_to_the_printed_total_variance(tracker):
    table = variance.by_committee(tracker)
    assert table.shortfall_gbp.sum() == 3882 * 1000
    expected = {}
    for r in _raw_rows():
        expected.setdefault(r["committee"], [0, 0, 0])
        expected[r["committee"]][0] += 1
        expected[r["committee"]][1] += -r["planned_total"] * 1000
        expected[r["committee"]][2] += r["variance"] * 1000
    got = {r.committee: [r.lines, r.planned_saving_gbp, r.shortfall_gbp] for r in table.itertuples()}
    assert got == expected
    assert list(table.planned_saving_gbp) == sorted(table.planned_saving_gbp, reverse=True)


def test_rag_counts_and_pounds(tracker):
    table = variance.by_rag(tracker).set_index("rag")
    raw = _raw_rows()
    for colour in ("Red", "Amber", "Green"):
        mine = [r for r in raw if r["rag"] == colour]
        assert table.loc[colour, "lines"] == len(mine)
        assert table.loc[colour, "shortfall_gbp"] == sum(r["variance"] for r in mine) * 1000
    # A/R.6.221 prints 0 for RAG (003 line 75): counted as No RAG, not as a colour
    assert table.loc["No RAG", "lines"] == sum(r["rag"] not in ("Red", "Amber", "Green") for r in raw) == 1
    assert list(table.index) == ["Red", "Amber", "Green", "No RAG"]


def test_direction_of_travel(tracker):
    table = variance.by_direction(tracker).set_index("direction")
    raw = _raw_rows()
    for arrow, name in (("↑", "improving"), ("↔", "unchanged"), ("↓", "worsening")):
        assert table.loc[name, "lines"] == sum(r["direction"] == arrow for r in raw)


def test_quarterly_phasing_and_cumulative(tracker):
    table = variance.quarterly_phasing(tracker)
    assert list(table.planned_saving_gbp) == [-v * 1000 for v in PRINTED_TOTALS[1:5]]
    assert list(table.forecast_saving_gbp) == [-v * 1000 for v in PRINTED_TOTALS[6:10]]
    assert table.cumulative_planned_gbp.iloc[-1] == 20_538_000
    assert table.cumulative_gap_gbp.iloc[-1] == 3_882_000
    assert table.cumulative_gap_gbp.iloc[0] == (11603 - 7168) * 1000


def test_waterfall_walks_exactly_from_plan_to_forecast(tracker):
    steps = variance.waterfall_steps(tracker, top_n=5)
    assert steps.attrs["planned_saving_gbp"] + steps.change_gbp.sum() == steps.attrs["forecast_saving_gbp"]
    biggest = sorted(_raw_rows(), key=lambda r: (-abs(r["variance"]), r["reference"]))[:5]
    assert list(steps.reference[:5]) == [r["reference"] for r in biggest]
    assert steps.change_gbp.iloc[0] == -biggest[0]["variance"] * 1000  # A/R.6.125: shortfall 588
    assert len(steps) == 6


def test_top_shortfalls_carry_their_commentary(tracker):
    top = variance.top_shortfalls(tracker, n=3)
    short = sorted((r for r in _raw_rows() if r["variance"] > 0), key=lambda r: (-r["variance"], r["reference"]))
    assert list(top.reference) == [r["reference"] for r in short[:3]]
    assert top.commentary.notna().all()
    assert top.commentary.iloc[0].startswith("The circumstances of the young people")  # A/R.6.125, 003 line 26


def test_over_delivery(tracker):
    over = variance.over_delivery(tracker)
    expected = sorted((r for r in _raw_rows() if r["variance"] < 0), key=lambda r: r["variance"])
    assert list(over.reference) == [r["reference"] for r in expected]  # A/R.6.210, 6.213, 6.220
    assert list(over.over_delivery_gbp) == [-r["variance"] * 1000 for r in expected]


def test_investment_against_saving(tracker):
    table = variance.investment_vs_saving(tracker)
    invested = [r for r in _raw_rows() if r["investment"] > 0]
    assert len(table) == len(invested)
    first = table.iloc[0]  # A/R.6.243: investment 1,595, forecast saving 1,595 (003 line 91)
    assert first.reference == "A/R.6.243" and first.forecast_saving_per_pound_invested == pytest.approx(1.0)


def test_charts_show_what_a_reader_checks(tracker):
    fig = savings_charts.chart_by_committee(variance.by_committee(tracker), source="003", financial_year="2017-18")
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * variance.by_committee(tracker).shape[0]  # planned + forecast per committee
    assert "£" in ax.get_xlabel()
    assert any("80%" in t.get_text() for t in fig.texts)  # Adults: 10.097m of 12.548m = 80.4%
    rag = variance.by_rag(tracker)
    fig = savings_charts.chart_by_rag(rag, source="003")
    colours = [mcolors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == [charts.RAG_COLOURS.get(r, charts.OTHER) for r in rag.rag]
    steps = variance.waterfall_steps(tracker, top_n=4)
    fig = savings_charts.chart_waterfall(steps, source="003")
    assert len(fig.axes[0].patches) == len(steps) + 2
    assert any("£20.5m planned to £16.7m forecast" in t.get_text() for t in fig.texts)  # £20,538k, £16,656k


def test_chart_svg_is_deterministic_and_has_alt_text(tracker):
    table = variance.by_committee(tracker)
    one = charts.svg(savings_charts.chart_by_committee(table, source="003", financial_year="2017-18"), "alt <text> & more")
    two = charts.svg(savings_charts.chart_by_committee(table, source="003", financial_year="2017-18"), "alt <text> & more")
    assert one == two
    assert 'aria-label="alt &lt;text&gt; &amp; more"' in one and "<dc:date>" not in one


def test_the_year_on_every_chart_is_the_trackers_own(tracker):
    # 003 is the 2017-18 tracker (its title: "Savings Tracker 2017-18 as at October 2017")
    assert variance.financial_year(tracker) == "2017-18"
    later = tracker.assign(financial_year="2018-19", period="2018-11")  # the same lines as another year's tracker
    fy = variance.financial_year(later)
    fig = savings_charts.chart_by_committee(variance.by_committee(later), source="x", financial_year=fy)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "by committee, 2018-19 (£)" in texts and "2017" not in texts
    fig = savings_charts.chart_phasing(variance.quarterly_phasing(later), source="x", financial_year=fy)
    assert fig.axes[0].get_xlabel() == "Quarter of 2018-19"
    assert "2017" not in " ".join(t.get_text() for t in fig.texts)
    with pytest.raises(ValueError, match="one financial year"):
        variance.financial_year(__import__("pandas").concat([tracker, later]))
