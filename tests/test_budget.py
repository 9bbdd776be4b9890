"""Business plan analysis (analysis.analyses.budget) on Cambridgeshire's CYP Committee paper of
10 October 2017 (004_2dcb32a701b4c77f.txt).  Expected values are the paper's printed £000
figures (cited by line, read here with plain ``split('\\t')``) and arithmetic done in the test.
"""

from __future__ import annotations

import re
from itertools import accumulate

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis import numbers
from analysis.analyses import budget
from analysis.errors import InputError
from analysis.presentation import budget_charts, charts

from .conftest import BUSINESS_PLAN, raw_lines

LINES = raw_lines(BUSINESS_PLAN)
YEARS = ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]
PC = "People and Communities (P&C)"  # 004 line 79, the block the report highlights
SOURCE = "test source"


def _row(n: int) -> tuple[str, list[int | None]]:
    """Line ``n`` of 004 as (label, £000 figures); a blank cell is None."""
    cells = [c.strip() for c in LINES[n - 1].split("\t")]
    return cells[0], [int(c.replace(",", "")) if c else None for c in cells[1:6]]


def _flat(text: str) -> str:
    """Chart text with its line breaks (titles wrap to the figure width) as spaces."""
    return " ".join(text.split())


# §3.1 table, lines 130-133 (£000)
REQUIREMENT = _row(130)[1]
SAVINGS = _row(131)[1]
INCOME = _row(132)[1]
RESIDUAL_PRINTED = _row(133)[1]


def test_the_printed_savings_table_is_what_the_test_expects():
    assert _row(130)[0] == "Total Saving Requirement" and REQUIREMENT == [37169, 23614, 14221, 3862, 5951]
    assert _row(133)[0] == "Residual Savings to be identified" and RESIDUAL_PRINTED == [5540, 17941, 12459, 3080, 5660]


@pytest.fixture(scope="module")
def tables(bundled) -> dict[str, pd.DataFrame]:
    return {name.removeprefix("budget_"): frame[frame.authority == "Cambridgeshire"].reset_index(drop=True)
            for name, frame in bundled.tables.items() if name.startswith("budget_")}


# --------------------------------------------------------------------------------------------- savings gap


def test_residual_recomputed_from_the_printed_lines(tables):
    gap = budget.savings_gap(tables["savings_requirement"])
    assert list(gap.year) == YEARS
    residual = [(r + s + i) * 1000 for r, s, i in zip(REQUIREMENT, SAVINGS, INCOME, strict=True)]
    assert list(gap.residual_computed_gbp) == residual
    assert list(gap.residual_stated_gbp) == [v * 1000 for v in RESIDUAL_PRINTED]
    assert list(gap.difference_gbp) == [(p * 1000) - c for p, c in zip(RESIDUAL_PRINTED, residual, strict=True)] == [0] * 5
    assert list(gap.requirement_gbp) == [v * 1000 for v in REQUIREMENT]
    assert list(gap.identified_savings_gbp) == [v * 1000 for v in SAVINGS]  # the paper's sign: negative
    assert list(gap.identified_gbp) == [-(s + i) * 1000 for s, i in zip(SAVINGS, INCOME, strict=True)]


def test_cumulative_over_the_five_years(tables):
    gap = budget.savings_gap(tables["savings_requirement"])
    residual = [(r + s + i) * 1000 for r, s, i in zip(REQUIREMENT, SAVINGS, INCOME, strict=True)]
    assert list(gap.cumulative_residual_gbp) == list(accumulate(residual))
    assert list(gap.cumulative_requirement_gbp) == list(accumulate(v * 1000 for v in REQUIREMENT))
    totals = budget.savings_totals(gap)
    assert totals.requirement_gbp == sum(REQUIREMENT) * 1000 == 84_817_000
    # §3.1 prose (line 127): '£85m across the full five years' - the table's sum rounds to it
    assert abs(totals.requirement_gbp - 85_000_000) < 500_000
    assert totals.residual_computed_gbp == sum(RESIDUAL_PRINTED) * 1000
    assert totals.identified_pct == pytest.approx(-100 * (sum(SAVINGS) + sum(INCOME)) / sum(REQUIREMENT))
    # 2020-21 income is printed +542: income falling away (line 132)
    assert totals.income_falls_years == "2020-21"


def test_later_first_year_drops_earlier_years(tables):
    later = budget.years_from(tables["savings_requirement"], "2020-21")
    gap = budget.savings_gap(later)
    assert list(gap.year) == YEARS[2:]
    residual = [(r + s + i) * 1000 for r, s, i in zip(REQUIREMENT[2:], SAVINGS[2:], INCOME[2:], strict=True)]
    assert list(gap.cumulative_residual_gbp) == list(accumulate(residual))
    assert budget.savings_totals(gap).years == "2020-21 to 2022-23"


def test_first_year_is_validated(tables):
    with pytest.raises(InputError, match="first_year"):
        budget.years_from(tables["savings_requirement"], "2018/19")
    with pytest.raises(InputError, match="2018-19, 2019-20"):
        budget.check_first_year(tables["savings_requirement"], "2030-31")


# --------------------------------------------------------------------------------------------- pressures


def test_block_share_of_inflation_and_demand(tables):
    share = budget.block_share(tables["inflation"], tables["demand_pressures"], PC)
    pc_inflation = _row(79)[1]  # §2.4 table, line 79 'People and Communities (P&C)'
    all_inflation = [sum(col) for col in zip(*(_row(n)[1] for n in range(79, 85)), strict=True)]  # lines 79-84
    pc_demand, ete_demand = _row(90)[1], _row(91)[1]  # §2.5 table, lines 90-91
    per_year = share.iloc[:5]
    assert list(per_year.year) == YEARS
    assert list(per_year.block_inflation_share_pct) == pytest.approx(
        [100 * p / t for p, t in zip(pc_inflation, all_inflation, strict=True)])
    assert per_year.block_inflation_share_pct.iloc[0] == pytest.approx(100 * 2197 / 4506)  # 48.8%
    assert list(per_year.block_demand_share_pct) == pytest.approx(
        [100 * p / (p + e) for p, e in zip(pc_demand, ete_demand, strict=True)])
    overall = share.iloc[-1]
    assert overall.block_inflation_share_pct == pytest.approx(100 * sum(pc_inflation) / sum(all_inflation))
    assert overall.block_demand_gbp == sum(pc_demand) * 1000


def test_the_highlighted_block_is_the_papers_largest_unless_named(tables):
    # 004 §2.4 and §2.5 tables: P&C (lines 79 and 90) has the largest inflation plus demand pressures
    totals: dict[str, int] = {}
    for n in [*range(79, 85), 90, 91]:  # every block line of the two tables
        name, values = _row(n)
        totals[name] = totals.get(name, 0) + sum(values)
    assert budget.largest_block(tables["inflation"], tables["demand_pressures"]) == max(totals, key=totals.get) == PC
    assert budget.share_labels(PC)["block_inflation_share_pct"] == "P&C share of inflation (%)"
    with pytest.raises(InputError, match="People and Communities"):
        budget.block_share(tables["inflation"], tables["demand_pressures"], "Children's Services")


def test_block_table_keeps_the_printed_total_beside_the_recomputed_one(tables):
    table = budget.block_table(tables["inflation"]).set_index("service_block")
    printed = _row(85)[1]  # line 85 'Total'
    lines = [sum(col) for col in zip(*(_row(n)[1] for n in range(79, 85)), strict=True)]
    assert list(table.loc["Total as printed"]) == [v * 1000 for v in printed]
    assert list(table.loc["Total recomputed"]) == [v * 1000 for v in lines]
    assert list(table.loc["Difference (printed - recomputed)"]) == [(p - c) * 1000 for p, c in zip(printed, lines, strict=True)]
    assert list(table.columns) == [f"{y}_gbp" for y in YEARS]
    assert table.index[0] == "People and Communities (P&C)"


def _cost_lines() -> tuple[list[list[int | None]], list[list[int | None]]]:
    """§2.6 table: new pressures on lines 99-110, brought forward on lines 112-122 (line 118 blank)."""
    new = [_row(n)[1] for n in range(99, 111)]
    forward = [_row(n)[1] for n in range(112, 123) if LINES[n - 1].strip()]
    return new, forward


def test_cost_pressures_new_and_brought_forward_by_year(tables):
    by_year = budget.cost_pressures_by_year(tables["cost_pressures"])
    new, forward = _cost_lines()
    assert len(new) == 12 and len(forward) == 10
    new_sum = [sum(v or 0 for v in col) * 1000 for col in zip(*new, strict=True)]
    forward_sum = [sum(v or 0 for v in col) * 1000 for col in zip(*forward, strict=True)]
    assert list(by_year.new_gbp) == new_sum
    assert list(by_year.brought_forward_gbp) == forward_sum
    assert list(by_year.computed_total_gbp) == [a + b for a, b in zip(new_sum, forward_sum, strict=True)]
    # line 123: 'Total  -  -  -  -  -'
    assert LINES[122].split("\t")[1:] == ["-"] * 5
    assert list(by_year.total_as_printed) == ["-"] * 5
    # line 116: MST prints no 2019-20 figure
    blanks = [sum(v is None for v in col) for col in zip(*(new + forward), strict=True)]
    assert list(by_year.blank_cells) == blanks == [0, 1, 0, 0, 0]


def test_cost_pressure_lines_keep_the_blank_cell_empty(tables):
    lines = budget.cost_pressure_lines(tables["cost_pressures"]).set_index("pressure")
    mst = lines.loc["P&C: Multi Systemic Therapy (MST)"]
    assert mst["2018-19_gbp"] == 63_000 and pd.isna(mst["2019-20_gbp"])
    assert lines.loc["ETE: Guided Busway Defects", "total_gbp"] == (1100 + 200 - 1300) * 1000  # line 108


def test_demand_funding_by_area(tables):
    funding = budget.demand_funding(tables["demand_funding"])
    printed = {"Home to School Special Transport": 315, "Looked After Children": 1460,  # lines 162-163
               "Special Guardianship Orders Adoption": 350}  # line 166
    assert dict(zip(funding.demand_area, funding.amount_gbp, strict=True)) == {k: v * 1000 for k, v in printed.items()}
    assert funding.demand_area.iloc[0] == "Looked After Children"
    assert funding.share_pct.iloc[0] == pytest.approx(100 * 1460 / (315 + 1460 + 350))


def _heading_amounts() -> dict[str, tuple[str, int | None]]:
    """Paragraph -> (reference, £000 amount) from the proposal headings of §5-§6 (lines 186-279)."""
    out = {}
    for text in LINES:
        m = re.match(r"^([56]\.\d+)\s+([AC]/R[.\s]*\d\.\d+)", text)
        if m:
            amount = re.search(r"\((-\d+)k", text)
            out[m.group(1)] = (m.group(2), int(amount.group(1)) if amount else None)
    return out


def test_proposals_sum_of_the_2018_19_amounts_stated(tables):
    headings = _heading_amounts()
    committee = {p: v for p, v in headings.items() if p.startswith("5.")}
    cross = {p: v for p, v in headings.items() if p.startswith("6.")}
    assert len(committee) == 14 and len(cross) == 3
    totals = budget.proposal_totals(tables["proposals"]).set_index("scope")
    assert totals.loc["committee", "amount_gbp"] == sum(a for _, a in committee.values() if a) * 1000 == -4_553_000
    assert totals.loc["committee", "without_amount"] == sum(a is None for _, a in committee.values()) == 1
    assert totals.loc["cross-cutting", "amount_gbp"] == sum(a for _, a in cross.values()) * 1000
    assert totals.loc["all proposals", "proposals"] == 17
    head = budget.proposal_headline(tables["proposals"])
    assert head.committee_saving_gbp == 4_553_000 and head.committee_years == "2018-19"
    listed = budget.proposals(tables["proposals"])
    assert list(listed.paragraph) == list(headings)  # paper order, 5.3 ... 5.16, 6.2 ... 6.4


def test_proposals_dropped_for_a_later_first_year(tables):
    later = budget.years_from(tables["proposals"], "2019-20")
    # every stated amount is for 2018/19; the one heading without an amount (5.8, line 219) stays
    assert list(later.paragraph) == ["5.8"]
    assert budget.proposal_headline(later).committee_years == ""


# --------------------------------------------------------------------------------------------- charts


def test_savings_gap_chart_stacks_identified_and_residual_to_the_requirement(tables):
    gap = budget.savings_gap(tables["savings_requirement"])
    fig = budget_charts.chart_savings_gap(gap, source=SOURCE)
    ax = fig.axes[0]
    found, resid = ax.containers
    identified = [-(s + i) * 1000 for s, i in zip(SAVINGS, INCOME, strict=True)]
    assert [b.get_height() for b in found] == identified
    assert [b.get_y() for b in resid] == identified
    assert [b.get_y() + b.get_height() for b in resid] == [v * 1000 for v in REQUIREMENT]  # stack = requirement
    assert {to_hex(b.get_facecolor()) for b in resid} == {charts.RAG_COLOURS["Red"].lower()}
    assert {to_hex(b.get_facecolor()) for b in found} == {charts.FOCUS.lower()}
    assert [t.get_text() for t in ax.get_xticklabels()] == YEARS
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Savings and income identified", "Residual gap still to find"]
    title = _flat(fig.texts[0].get_text())
    assert title == (f"{numbers.money(sum(RESIDUAL_PRINTED) * 1000)} of the {numbers.money(sum(REQUIREMENT) * 1000)} "
                     "needed over 2018-19 to 2022-23 is still to be found")
    labels = [t.get_text() for t in ax.texts]
    assert numbers.money(RESIDUAL_PRINTED[1] * 1000) in labels
    assert [f"{numbers.money(v * 1000)} needed" for v in REQUIREMENT] == [x for x in labels if x.endswith("needed")]
    assert len(labels) == 3 * len(REQUIREMENT)  # every part of every year is labelled


def test_savings_gap_chart_for_a_later_first_year(tables):
    gap = budget.savings_gap(budget.years_from(tables["savings_requirement"], "2021-22"))
    ax = budget_charts.chart_savings_gap(gap, source=SOURCE).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == YEARS[3:]


def test_pressures_chart_highlights_pc_in_each_panel(tables):
    fig = budget_charts.chart_pressures_by_block(tables["inflation"], tables["demand_pressures"], source=SOURCE, block=PC)
    inflation_ax, demand_ax = fig.axes
    pc_inflation, pc_demand = _row(79)[1], _row(90)[1]
    all_inflation = [sum(col) for col in zip(*(_row(n)[1] for n in range(79, 85)), strict=True)]
    for ax, pc, total in ((inflation_ax, pc_inflation, all_inflation),
                          (demand_ax, pc_demand, [a + b for a, b in zip(pc_demand, _row(91)[1], strict=True)])):
        focus, rest = ax.containers
        assert [b.get_height() for b in focus] == [v * 1000 for v in pc]
        assert [b.get_y() + b.get_height() for b in rest] == [v * 1000 for v in total]
        assert {to_hex(b.get_facecolor()) for b in focus} == {charts.FOCUS.lower()}
        assert {to_hex(b.get_facecolor()) for b in rest} == {charts.OTHER.lower()}
        assert [t.get_text() for t in ax.texts] == [f"P&C {100 * p / t:.0f}%" for p, t in zip(pc, total, strict=True)]
    assert [t.get_text() for t in demand_ax.get_xticklabels()] == YEARS  # the panels share the years
    share = 100 * sum(pc_inflation) / sum(all_inflation)
    assert f"P&C carries {share:.0f}% of forecast inflation" in _flat(fig.texts[0].get_text())


def test_cost_pressures_chart_bars(tables):
    by_year = budget.cost_pressures_by_year(tables["cost_pressures"])
    fig = budget_charts.chart_cost_pressures(by_year, source=SOURCE)
    ax = fig.axes[0]
    new, forward = _cost_lines()
    new_sum = [sum(v or 0 for v in col) * 1000 for col in zip(*new, strict=True)]
    heights = [b.get_height() for b in ax.containers[0]]
    assert heights == new_sum
    assert np.argmax([a + sum(v or 0 for v in col) * 1000 for a, col in zip(new_sum, zip(*forward, strict=True), strict=True)]) == 0
    assert "(the printed total row reads “-”)" in _flat(fig.texts[0].get_text())  # 004 line 123 prints dashes


def test_the_plans_tables_of_a_pack_from_a_first_year():
    """``budget.plan_tables``: the six tables of Cambridgeshire's business plan (October 2017),
    named without their prefix; from a first year on, no earlier year is left; a first year after
    the plan's last (2022-23, the last column of its savings table) is refused naming the years."""
    from analysis.data import Pack

    pack = Pack("Cambridgeshire", "2017-10")
    every = budget.plan_tables(pack)
    assert set(every) == {name.removeprefix("budget_") for name in budget.PLAN_TABLES}
    assert sorted(every["savings_requirement"].year.dropna().unique()) == YEARS
    later = budget.plan_tables(pack, "2020-21")
    for name, frame in later.items():
        assert not (frame.year.dropna() < "2020-21").any(), name
        assert len(frame) <= len(every[name])
    with pytest.raises(InputError, match="2022-23"):
        budget.plan_tables(pack, "2023-24")
