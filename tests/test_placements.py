"""Placement costs (002 Table 7) and placement slippage (001 Table 2): analysis and charts.

Expected values are read from data/raw with plain ``split('\\t')`` - 002 lines 43-49 (Table 7),
001 lines 38-48 (Table 2) - and the arithmetic (reductions, running sums, totals) is done here.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pandas as pd
import pytest

from analysis.analyses import placements
from analysis.presentation import charts, placement_charts

from .conftest import FIVE_YEAR_PLAN, MTFS, raw_lines

T7 = raw_lines(FIVE_YEAR_PLAN)
T2 = raw_lines(MTFS)


def _cells(lines: list[str], n: int) -> list[str]:
    return [c.strip() for c in lines[n - 1].split("\t")]


def _millions(text: str) -> int:
    """'£12.4m' -> 12400000 (002 Table 7 prints every figure as £x.xm)."""
    text = text.replace("underspend", "").strip()
    assert text.startswith("£") and text.endswith("m"), text
    return int(Decimal(text[1:-1]) * 1_000_000)


def _fy(text: str) -> str:
    a, b = text.split("/")
    return f"{a}-{b}"


@pytest.fixture(scope="module")
def table7() -> list[list[str]]:
    # 002 line 43: header 'Year | Total LAC placement Cost | Reduction in spend compared to 2013/14 | Forecast ...'
    assert _cells(T7, 43)[:3] == ["Year", "Total LAC placement Cost", "Reduction in spend compared to 2013/14"]
    rows = [_cells(T7, n) for n in range(44, 50)]  # 002 lines 44-49: 2013/14 .. 2018/19
    assert [r[0] for r in rows] == ["2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19"]
    return rows


@pytest.fixture(scope="module")
def costs(bundled) -> pd.DataFrame:
    return bundled.tables["placement_costs"]


@pytest.fixture(scope="module")
def slippage(bundled) -> pd.DataFrame:
    return bundled.tables["placement_slippage"]


@pytest.fixture(scope="module")
def months() -> list[tuple[str, int]]:
    # 001 line 38 'Month | Increase (£)', lines 39-47 the nine months, line 48 'Total | 1,007,221'
    assert _cells(T2, 38) == ["Month", "Increase (£)"]
    rows = [_cells(T2, n) for n in range(39, 48)]
    return [(label, int(amount.replace(",", ""))) for label, amount in rows]


# --------------------------------------------------------------------------- Table 7


def test_cost_trajectory_is_table7_as_printed(costs, table7):
    t = placements.cost_trajectory(costs)
    assert list(t.year) == [_fy(r[0]) for r in table7]
    assert list(t.total_placement_cost_gbp) == [_millions(r[1]) for r in table7]
    assert list(t.total_placement_cost_raw) == [r[1] for r in table7]
    expected_falls = [_millions(a[1]) - _millions(b[1]) for a, b in itertools.pairwise(table7)]
    assert pd.isna(t.fall_on_previous_year_gbp.iloc[0])
    assert list(t.fall_on_previous_year_gbp.iloc[1:]) == expected_falls


def test_reductions_recomputed_by_subtraction_beside_the_printed_ones(costs, table7):
    base = _millions(table7[0][1])  # 2013/14: £12.4m
    assert base == 12_400_000
    r = placements.reductions(costs)
    assert list(r.year) == [_fy(row[0]) for row in table7[1:]]
    assert list(r.reduction_printed_gbp) == [_millions(row[2]) for row in table7[1:]]
    assert list(r.reduction_printed_raw) == [row[2] for row in table7[1:]]
    assert list(r.reduction_recomputed_gbp) == [base - _millions(row[1]) for row in table7[1:]]
    # by hand: 12.4-10.9=1.5, 12.4-9.4=3.0, 12.4-8.0=4.4, 12.4-6.6=5.8, 12.4-5.4=7.0 (£m)
    assert list(r.reduction_recomputed_gbp) == [1_500_000, 3_000_000, 4_400_000, 5_800_000, 7_000_000]
    # printed 1.5, 1.6, 3.0, 4.3, 7.1 -> printed minus recomputed
    assert list(r.difference_gbp) == [0, -1_400_000, -1_400_000, -1_500_000, 100_000]


def test_printed_reductions_disagree_with_the_costs_in_most_years(costs):
    strict = placements.reductions(costs, rounding_tolerance_gbp=0)
    assert list(strict.status) == ["agrees", "disagrees", "disagrees", "disagrees", "disagrees"]
    # every figure is printed to £0.1m, so a £0.1m gap (2018/19) can be rounding
    lenient = placements.reductions(costs, rounding_tolerance_gbp=100_000)
    assert list(lenient.status) == ["agrees", "disagrees", "disagrees", "disagrees", "within rounding"]
    s = placements.reduction_summary(lenient)
    assert (s.years_compared, s.years_differ, s.years_disagree, s.years_within_rounding) == (5, 4, 3, 1)
    assert (s.largest_difference_year, s.largest_difference_gbp) == ("2017-18", -1_500_000)
    assert (s.baseline_cost_gbp, s.last_year, s.last_cost_gbp) == (12_400_000, "2018-19", 5_400_000)
    assert placements.reduction_summary(strict).years_disagree == 4


def test_reductions_against_another_baseline(costs):
    r = placements.reductions(costs, baseline_year="2014-15")
    assert list(r.year) == ["2015-16", "2016-17", "2017-18", "2018-19"]
    assert list(r.reduction_recomputed_gbp) == [10_900_000 - c for c in (9_400_000, 8_000_000, 6_600_000, 5_400_000)]
    with pytest.raises(ValueError, match="2010-11"):
        placements.reductions(costs, baseline_year="2010-11")


def test_forecast_variance_direction_only_where_printed(costs, table7):
    v = placements.forecast_variance(costs)
    printed = [row for row in table7 if len(row) > 3 and row[3]]
    assert list(v.year) == [_fy(row[0]) for row in printed]
    assert list(v.forecast_variance_gbp) == [_millions(row[3]) for row in printed]
    assert list(v.direction) == ["underspend" if "underspend" in row[3] else "not stated" for row in printed]
    assert list(v.direction) == ["not stated"] * 3 + ["underspend"] * 2
    assert list(v.forecast_variance_raw) == [row[3] for row in printed]


# --------------------------------------------------------------------------- Table 2


def test_slippage_months_and_running_total(slippage, months):
    m = placements.slippage_by_month(slippage)
    assert list(m.month_label) == [label for label, _ in months]
    assert list(m.month) == ["2016-07", "2016-08", "2016-09", "2016-10", "2016-11", "2016-12", "2017-01", "2017-02",
                             "2017-03"]
    assert list(m.increase_gbp) == [amount for _, amount in months]
    running, expected = 0, []
    for _, amount in months:
        running += amount
        expected.append(running)
    assert list(m.cumulative_gbp) == expected
    assert expected[-1] == 1_007_221


def test_slippage_total_reconciled(slippage, months):
    stated = int(_cells(T2, 48)[1].replace(",", ""))  # 001 line 48: 'Total | 1,007,221'
    assert _cells(T2, 48)[0] == "Total"
    row = placements.slippage_reconciliation(slippage).iloc[0]
    assert (row.stated_gbp, row.computed_gbp, row.difference_gbp, row.months) == (
        stated, sum(a for _, a in months), stated - sum(a for _, a in months), 9)
    assert row.difference_gbp == 0


def test_slippage_reconciliation_shows_a_wrong_total(slippage):
    damaged = slippage.copy()
    damaged.loc[damaged.row_type == "stated_total", "increase_gbp"] = 1_000_000
    row = placements.slippage_reconciliation(damaged).iloc[0]
    assert (row.stated_gbp, row.computed_gbp, row.difference_gbp) == (1_000_000, 1_007_221, -7_221)


# --------------------------------------------------------------------------- charts


def test_chart_slippage_one_bar_per_month_and_cumulative_line_ends_at_total(slippage, months):
    fig = placement_charts.chart_slippage(placements.slippage_by_month(slippage), source="test source")
    line_ax, bars_ax = fig.axes  # the cumulative line above the monthly bars
    bars = bars_ax.patches
    assert len(bars) == 9
    assert [round(b.get_height()) for b in bars] == [amount for _, amount in months]
    assert [t.get_text().replace("\n", " ") for t in bars_ax.get_xticklabels()] == [
        "Jul 2016", "Aug 2016", "Sep 2016", "Oct 2016", "Nov 2016", "Dec 2016", "Jan 2017", "Feb 2017", "Mar 2017"]
    (line,) = line_ax.get_lines()
    y = list(line.get_ydata())
    assert len(y) == 9 and y[-1] == 1_007_221 and y == sorted(y)
    assert "£" in bars_ax.get_ylabel() and "£" in line_ax.get_ylabel()
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "£1.0m" in texts and "Source: test source" in texts  # £1,007,221 in the pack's text style


def test_chart_costs_bars_and_printed_vs_recomputed(costs, table7):
    r = placements.reductions(costs)
    fig = placement_charts.chart_costs(placements.cost_trajectory(costs), r, source="s")
    left, right = fig.axes
    assert [round(b.get_height()) for b in left.patches] == [_millions(row[1]) for row in table7]
    assert all(b.get_facecolor()[:3] == pytest.approx(_rgb(charts.FOCUS)) for b in left.patches)
    printed, recomputed = right.containers
    assert [round(b.get_height()) for b in printed] == [_millions(row[2]) for row in table7[1:]]
    assert [round(b.get_height()) for b in recomputed] == [12_400_000 - _millions(row[1]) for row in table7[1:]]
    assert [t.get_text() for t in right.get_xticklabels()] == [row[0].replace("/", "-") for row in table7[1:]]
    title = fig.texts[0].get_text().replace("\n", " ")
    assert "in 4 of 5 years" in title
    assert "£" in left.get_ylabel() and "£" in right.get_ylabel()


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
