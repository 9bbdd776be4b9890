"""Financial Improvement Plan (001 lines 246-267) and the Financial Action Plan prose (001 lines
176-242): analysis and charts.

Expected values are read from data/raw/001_*.txt with plain ``split('\\t')`` and a small parser
for the plan's year cells ('129k', '50k-600k', 'TBC', blank), and the totals are added up here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.analyses import improvement_plan as ip
from analysis.presentation import charts, plan_charts

from .conftest import MTFS, raw_lines

LINES = raw_lines(MTFS)
YEARS = ["2017-18", "2018-19", "2019-20", "2020-21"]
K = 1_000


def _cells(n: int) -> list[str]:
    return [c.strip() for c in LINES[n - 1].split("\t")]


def _k(text: str) -> int:
    assert text.endswith("k"), text
    return int(text[:-1]) * K


def _year_cell(text: str) -> tuple[int, int]:
    """A year cell of the plan (low, high) in pounds; TBC and blank count as nothing."""
    if text in ("", "TBC"):
        return 0, 0
    if "-" in text:
        low, high = text.split("-")
        return _k(low), _k(high)
    return _k(text), _k(text)


@pytest.fixture(scope="module")
def fip(bundled) -> pd.DataFrame:
    return bundled.tables["financial_improvement_plan"]


@pytest.fixture(scope="module")
def plan_rows() -> list[list[str]]:
    # 001 line 246: 'Opportunity | 2017/18 | 2018/19 | 2019/20 | 2020/21 | TOTAL'; lines 248-263 the 16 rows
    assert _cells(246) == ["Opportunity", "2017/18", "2018/19", "2019/20", "2020/21", "TOTAL"]
    rows = [_cells(n) for n in range(248, 264)]
    assert rows[0][0].startswith("Reduce usage of Independent Fostering") and rows[-1][0].startswith("Staffing")
    assert _cells(264)[0] == "TOTAL"
    return rows


def _sums(rows, columns) -> tuple[int, int]:
    low = sum(_year_cell(r[c])[0] for r in rows for c in columns)
    high = sum(_year_cell(r[c])[1] for r in rows for c in columns)
    return low, high


# --------------------------------------------------------------------------- totals


def test_yearly_totals_recomputed_from_the_printed_cells(fip, plan_rows):
    y = ip.yearly_totals(fip).set_index("year")
    for i, year in enumerate(YEARS, start=1):
        assert (y.loc[year, "computed_low_gbp"], y.loc[year, "computed_high_gbp"]) == _sums(plan_rows, [i]), year
    # the same sums written out: 2017/18 1,578k; 2018/19 1,314k-1,864k; 2019/20 1,769k-2,319k; 2020/21 247k-797k
    assert _sums(plan_rows, [1]) == (1_578 * K, 1_578 * K)
    assert _sums(plan_rows, [2]) == (1_314 * K, 1_864 * K)
    assert _sums(plan_rows, [3]) == (1_769 * K, 2_319 * K)
    assert _sums(plan_rows, [4]) == (247 * K, 797 * K)
    assert (y.loc["all years", "computed_low_gbp"], y.loc["all years", "computed_high_gbp"]) == (4_908 * K, 6_558 * K)
    # TBC cells: Staffing and Support Costs 2018/19-2020/21 (001 line 263)
    assert list(y.tbc) == [0, 1, 1, 1, 3]


def test_yearly_totals_keep_the_printed_total_row(fip):
    # 001 line 264: TOTAL 1.578m | 1.314m – 1.864m | 1,769m – 2,319m | 247k – 797k | 4.908m – 6.558m
    y = ip.yearly_totals(fip)
    assert list(zip(y.year, y.printed_low_gbp, y.printed_high_gbp, strict=True)) == [
        ("2017-18", 1_578_000, 1_578_000), ("2018-19", 1_314_000, 1_864_000), ("2019-20", 1_769_000, 2_319_000),
        ("2020-21", 247_000, 797_000), ("all years", 4_908_000, 6_558_000)]
    assert list(y.difference_low_gbp) == [0] * 5 and list(y.difference_high_gbp) == [0] * 5


def test_yearly_totals_show_a_difference_when_a_cell_changes(fip):
    damaged = fip.copy()
    hit = (damaged.stated_in == "table") & damaged.opportunity.str.startswith("Youth Homelessness") & (
        damaged.year == "2017-18")
    damaged.loc[hit, ["low_gbp", "high_gbp"]] = 100_000  # printed 116k
    y = ip.yearly_totals(damaged).set_index("year")
    assert y.loc["2017-18", "difference_low_gbp"] == 16_000
    assert y.loc["all years", "difference_high_gbp"] == 16_000


def test_whole_plan_range(fip):
    w = ip.whole_plan(fip)
    assert (w.computed_low_gbp, w.computed_high_gbp) == (4_908_000, 6_558_000)
    assert (w.printed_low_gbp, w.printed_high_gbp) == (4_908_000, 6_558_000)
    assert (w.first_year, w.last_year, w.opportunities) == ("2017-18", "2020-21", 16)


def test_by_opportunity_rows_and_totals(fip, plan_rows):
    o = ip.by_opportunity(fip)
    assert list(o.opportunity) == [r[0].rstrip("*") for r in plan_rows]
    for row, r in zip(o.itertuples(), plan_rows, strict=True):
        assert (row.total_low_gbp, row.total_high_gbp) == _sums([r], [1, 2, 3, 4]), r[0]
    cla = o[o.opportunity == "Reduction in CLA population and associated costs"].iloc[0]
    assert (cla.total_low_gbp, cla.total_high_gbp) == (150_000, 1_800_000)  # printed 150k-1.8m (line 262)
    assert (cla.printed_total_low_gbp, cla.printed_total_high_gbp) == (150_000, 1_800_000)
    assert (cla["2017-18"], cla["2018-19"]) == ("", "50–600")  # printed 50k-600k, shown in £000
    staffing = o[o.opportunity == "Staffing and Support Costs"].iloc[0]
    assert [staffing[y] for y in YEARS] == ["389", "TBC", "TBC", "TBC"]  # printed 389k, in £000
    residential = o[o.opportunity.str.startswith("Reduction in externally")].iloc[0]
    assert residential.printed_total_low_gbp == 1_265_000  # printed '1,265m' (line 249), a damaged 1.265m


def test_in_year_adjustment_is_half_the_first_year(fip):
    # 001 line 265: 'Budget adjustment of 50% ... | 789k'; 50% of 1,578k = 789k
    cells = _cells(265)
    assert cells[0].startswith("Budget adjustment of 50%") and cells[1] == "789k"
    a = ip.in_year_adjustment(fip).iloc[0]
    assert a.share_pct == 50.0
    assert a.first_year_total_gbp == 1_578_000 and a.first_year_total_printed_gbp == 1_578_000
    assert a.adjustment_computed_gbp == 1_578_000 // 2 == 789_000
    assert a.adjustment_printed_gbp == _k(cells[1])
    assert a.difference_gbp == 0
    other = ip.in_year_adjustment(fip, share_pct=25).iloc[0]
    assert other.adjustment_computed_gbp == 394_500 and other.difference_gbp == 789_000 - 394_500


def test_starred_items_are_in_the_revenue_budget(fip, plan_rows):
    # 001 line 267: '* = Included within revenue budget 2017/18'
    assert LINES[266].startswith("* = Included within revenue budget 2017/18")
    # printed 2017/18; the pack writes every financial year one way (issue 10): 2017-18
    assert set(fip.revenue_budget_year) == {"2017-18"} and ip.revenue_budget_year(fip) == "2017-18"
    starred = [r for r in plan_rows if r[0].endswith("*")]
    items = ip.revenue_budget_items(fip)
    assert list(items.opportunity) == [r[0].rstrip("*") for r in starred]
    assert len(items) == 6
    first_starred = sum(_year_cell(r[1])[0] for r in starred)
    assert first_starred == (25 + 116 + 39 + 20 + 101 + 389) * K
    s = ip.revenue_budget_split(fip)
    assert list(s.opportunities) == [6, 10]
    assert list(s.first_year_low_gbp) == [first_starred, 1_578_000 - first_starred]


# --------------------------------------------------------------------------- prose vs table


def _prose(n: int) -> str:
    return LINES[n - 1]


def test_prose_disagreements_beyond_rounding(fip):
    # prose: 001 line 190 'Acceleration of Adoption ... 2017/18: £174k' (table 173k, line 253);
    # line 230 '2017/18: £20.520 ... 2018/19: £21,520' (escorts; table 20k and 20k, line 259);
    # line 236 '2018/19: £51k (2 staff)' (agency staff; table 50k, line 261)
    assert "2017/18: £174k" in _prose(190)
    assert "2017/18: £20.520" in _prose(230) and "2018/19: £21,520" in _prose(230)
    assert "2018/19: £51k (2 staff)" in _prose(236)
    d = ip.prose_disagreements(fip, rounding_tolerance_gbp=500)
    got = {(o[:30], y, p, t, diff) for o, y, p, t, diff in
           zip(d.opportunity, d.year, d.prose_gbp, d.table_gbp, d.difference_gbp, strict=True)}
    assert got == {
        ("Acceleration of Adoption in or", "2017-18", 174_000, 173_000, 1_000),
        ("Develop usage of external esco", "2017-18", 20_520, 20_000, 520),
        ("Develop usage of external esco", "2018-19", 21_520, 20_000, 1_520),
        ("Managed reduction in use of ag", "2018-19", 51_000, 50_000, 1_000),
    }


def test_children_centre_is_within_rounding_but_listed_with_zero_tolerance(fip):
    # 001 line 205: 'Review Children's Centre Provision ... 2017/18: £57,500'; table 57k (line 255)
    assert "2017/18: £57,500" in _prose(205) and _cells(255)[1] == "57k"
    comp = ip.prose_comparison(fip, rounding_tolerance_gbp=500)
    cc = comp[comp.opportunity.str.contains("Children's Centre") & (comp.year == "2017-18")].iloc[0]
    assert (cc.prose_gbp, cc.table_gbp, cc.difference_gbp, cc.status) == (57_500, 57_000, 500, "within rounding")
    strict = ip.prose_disagreements(fip, rounding_tolerance_gbp=0)
    assert len(strict) == len(ip.prose_disagreements(fip, rounding_tolerance_gbp=500)) + 1 == 5
    assert ((strict.prose_gbp == 57_500) & (strict.table_gbp == 57_000)).sum() == 1


def test_table_figures_the_prose_does_not_state(fip, plan_rows):
    # the CLA population line (001 line 262) prints 50k-600k a year; the prose gives no per-year figure
    missing = ip.table_figures_not_in_prose(fip)
    assert list(missing.year) == ["2018-19", "2019-20", "2020-21"]
    assert set(missing.opportunity) == {"Reduction in CLA population and associated costs"}
    figures = sum(1 for r in plan_rows for c in r[1:5] if c not in ("", "TBC"))
    assert figures == 36
    assert len(ip.prose_comparison(fip)) == figures - len(missing)


# --------------------------------------------------------------------------- charts


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def test_chart_yearly_totals_range_bars_low_and_high(fip):
    fig = plan_charts.chart_yearly_totals(ip.yearly_totals(fip), source="s")
    ax = fig.axes[0]
    solid, hatched = ax.containers[0], ax.containers[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2017-18", "2018-19", "2019-20", "2020-21"]
    lows = [1_578_000, 1_314_000, 1_769_000, 247_000]
    highs = [1_578_000, 1_864_000, 2_319_000, 797_000]
    assert [round(b.get_width()) for b in solid] == lows
    assert [round(b.get_x()) for b in hatched] == lows
    assert [round(b.get_x() + b.get_width()) for b in hatched] == highs
    # the printed TOTAL row marked at the same low and high ends
    marks = [xy for c in ax.collections for xy in c.get_offsets()]
    assert sorted(round(x) for x, _ in marks) == sorted(lows + highs)
    assert "2019-20" in fig.texts[0].get_text()  # the peak year, high end 2,319k


def test_chart_opportunities_highlights_the_starred_items(fip, plan_rows):
    o = ip.by_opportunity(fip)
    fig = plan_charts.chart_opportunities(o, source="s", budget_year=ip.revenue_budget_year(fip))
    ax = fig.axes[0]
    solid, hatched = ax.containers[0], ax.containers[1]
    assert len(solid) == 16
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    starred = {r[0].rstrip("*") for r in plan_rows if r[0].endswith("*")}
    names = list(o.opportunity)
    for label, bar in zip(labels, solid, strict=True):  # a long name is cut with an ellipsis on the chart
        name = next(n for n in names if n.startswith(label.removesuffix("…")))
        expected = charts.FOCUS if name in starred else charts.OTHER
        assert bar.get_facecolor()[:3] == pytest.approx(_rgb(expected)), label
    top = labels[0]
    assert top == "Reduction in CLA population and associated costs"  # the largest high end, 1.8m
    assert round(solid[0].get_width()) == 150_000 and round(hatched[0].get_x() + hatched[0].get_width()) == 1_800_000
    assert "£4.9m to £6.6m" in fig.texts[0].get_text().replace("\n", " ")  # £4,908k to £6,558k
    assert "over 4 years" in fig.texts[0].get_text().replace("\n", " ")  # 2017/18 to 2020/21
    assert ax.get_xlabel() == "Saving over the plan, 2017-18 to 2020-21 (£)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["In the 2017-18 revenue budget (*)", "Not in it",
                                                                  "Range: low to high estimate"]
