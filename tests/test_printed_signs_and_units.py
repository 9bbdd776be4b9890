"""Sign and unit assumptions that a paper does not print become cleaning flags (issue 11)."""

from __future__ import annotations

from .conftest import BUSINESS_PLAN, RECOVERY_PLAN, raw_lines


def test_income_in_brackets_is_flagged_as_not_kept_as_printed(bundled):
    # 000 line 126: 'CSC3 | L | (£453k) | External contributions ...'
    line = raw_lines(RECOVERY_PLAN)[125]
    assert line.split("\t")[2] == "(£453k)"
    actions = bundled.tables["recovery_actions"]
    row = actions[actions.source_line == 126].iloc[0]
    assert (row.spend_gbp, row.spend_raw, row.spend_basis) == (453_000, "(£453k)", "income (shown in brackets)")
    assert "sign was not kept as printed" in row.cleaning_flags and "(£453k)" in row.cleaning_flags


def test_forecast_inflation_without_a_unit_is_flagged(bundled):
    lines = raw_lines(BUSINESS_PLAN)
    # 004 line 78: the forecast-inflation header prints years only; line 89 (demand) prints £'000
    assert lines[77].split("\t")[1] == "2018-19" and "£" not in lines[75] + lines[77]
    assert "£'000" in lines[88]
    inflation = bundled.tables["budget_inflation"]
    p_and_c = inflation[(inflation.source_line == 79) & (inflation.year == "2018-19")].iloc[0]
    assert (p_and_c.amount_raw, p_and_c.amount_gbp) == ("2,197", 2_197_000)  # line 79, read as £000
    assert inflation.cleaning_flags.str.contains("prints no unit (header line 78)", regex=False).all()
    demand = bundled.tables["budget_demand_pressures"]
    assert not demand.cleaning_flags.fillna("").str.contains("prints no unit").any()
