"""Cambridgeshire C&YP Committee, review of draft revenue business planning proposals, 10 October
2017 (document 004).  Six tables (all £000 except the % indices) and the proposals named in
sections 5-6.

Expected values are read from data/raw/004_*.txt with plain ``split('\\t')`` or computed here.
Table lines: indices 70-74; forecast inflation 78-85; demand pressures 89-92; cost pressures
96-123 (page break at 118); savings requirement 129-133; demand funding 161-166.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import BUSINESS_PLAN, raw_lines

LINES = raw_lines(BUSINESS_PLAN)
YEARS = ["2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]


def _v(value):
    return None if value is None or pd.isna(value) else value


def _cells(n: int) -> list[str]:
    return [c.strip() for c in LINES[n - 1].split("\t")]


def _k(text: str) -> int:
    """A £000 cell -> whole pounds, by hand: '-1,300' -> -1300000."""
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*", text), text
    return int(text.replace(",", "")) * 1000


def _table(bundled, name: str) -> pd.DataFrame:
    t = bundled.tables[name]
    assert set(t.document) == {"004"} and set(t.source_file) == {BUSINESS_PLAN}
    return t


def _rec(bundled, table: str) -> pd.DataFrame:
    r = bundled.reconciliation
    return r[(r.document == "004") & (r.table == table)]


# --------------------------------------------------------------------------- inflation indices


def test_inflation_indices_twenty_percentages(bundled):
    t = _table(bundled, "budget_inflation_indices")
    assert _cells(70) == ["Inflation Range"] + YEARS
    expected = set()
    for n in range(71, 75):
        cells = _cells(n)
        for year, raw in zip(YEARS, cells[1:], strict=True):
            assert raw.endswith("%")
            expected.add((n, cells[0], year, float(raw[:-1]), raw))
    assert len(expected) == 20
    got = {(int(r.source_line), r.index_name, r.year, float(r.rate_pct), r.rate_raw) for r in t.itertuples()}
    assert got == expected
    assert len(t) == 20
    # 004 line 71: Standard non-pay inflation (CPI) 2.2% in 2018-19
    assert t[(t.source_line == 71) & (t.year == "2018-19")].rate_pct.iloc[0] == 2.2


# --------------------------------------------------------------------------- inflation and demand grids


@pytest.mark.parametrize("name, header, first, total", [
    ("budget_inflation", 78, 79, 85),
    ("budget_demand_pressures", 89, 90, 92),
])
def test_grid_lines_and_total_in_whole_pounds(bundled, name, header, first, total):
    t = _table(bundled, name)
    assert [c[:7] for c in _cells(header)[1:]] == YEARS
    assert _cells(total)[0] == "Total"
    expected = set()
    for n in range(first, total + 1):
        cells = _cells(n)
        kind = "stated_total" if n == total else "line"
        for year, raw in zip(YEARS, cells[1:], strict=True):
            expected.add((n, cells[0], year, _k(raw), raw, kind))
    got = {(int(r.source_line), r.service_block, r.year, int(r.amount_gbp), r.amount_raw, r.row_type)
           for r in t.itertuples()}
    assert got == expected
    assert len(t) == len(expected)


@pytest.mark.parametrize("name, first, total", [
    ("budget_inflation", 79, 85),
    ("budget_demand_pressures", 90, 92),
])
def test_grid_totals_reconciled_by_hand(bundled, name, first, total):
    checks = _rec(bundled, name)
    assert len(checks) == 5
    for i, year in enumerate(YEARS, start=1):
        own = sum(_k(_cells(n)[i]) for n in range(first, total))
        stated = _k(_cells(total)[i])
        assert own == stated, (name, year)  # the paper's totals add up
        c = checks[checks.item.str.contains(year)].iloc[0]
        assert (c.stated, c.computed, c.status, int(c.source_line)) == (stated, own, "ok", total)


def test_forecast_inflation_spot_values(bundled):
    t = _table(bundled, "budget_inflation")
    # 004 line 79: People and Communities (P&C) 2,197 in 2018-19; line 85: Total 4,506
    assert int(t[(t.source_line == 79) & (t.year == "2018-19")].amount_gbp.iloc[0]) == 2_197_000
    assert int(t[(t.source_line == 85) & (t.year == "2018-19")].amount_gbp.iloc[0]) == 4_506_000


# --------------------------------------------------------------------------- cost pressures

NEW = range(99, 111)  # 004 lines 99-110 under 'New Pressures Arising in 18-19' (line 97)
BROUGHT_FORWARD = [112, 113, 114, 115, 116, 117, 119, 120, 121, 122]  # under line 111; 118 is a page break


def test_cost_pressure_layout_in_the_raw_text():
    assert _cells(96)[0] == "Service Block / Description"
    assert _cells(97)[0] == "New Pressures Arising in 18-19" and not any(_cells(97)[1:])
    assert LINES[97] == "" and LINES[117] == ""  # blank lines 98 and 118
    assert _cells(111)[0] == "Existing Pressures Brought Forward" and not any(_cells(111)[1:])
    assert _cells(119)[0] == "CS: Contract mitigation"
    assert _cells(123) == ["Total", "-", "-", "-", "-", "-"]
    assert LINES[123] == ""


def test_cost_pressures_page_break_does_not_end_the_table(bundled):
    t = _table(bundled, "budget_cost_pressures")
    lines = set(t.source_line.astype(int))
    assert lines == set(NEW) | set(BROUGHT_FORWARD) | {123}
    assert {119, 120, 121, 122} <= lines  # the rows after the page break


def test_cost_pressures_every_cell_as_printed(bundled):
    t = _table(bundled, "budget_cost_pressures")
    expected = {}
    for n in list(NEW) + BROUGHT_FORWARD:
        cells = (_cells(n) + [""] * 6)[:6]
        for year, raw in zip(YEARS, cells[1:], strict=True):
            expected[(n, year)] = (cells[0], _k(raw) if raw else None, raw or None)
    got = {(int(r.source_line), r.year): (r.pressure, _v(r.amount_gbp), _v(r.amount_raw))
           for r in t[t.row_type == "line"].itertuples()}
    assert got == expected
    # 004 line 108: ETE: Guided Busway Defects 1,100 | 200 | -1,300
    assert got[(108, "2020-21")][1] == -1_300_000


def test_cost_pressures_categories_from_section_label_rows(bundled):
    t = _table(bundled, "budget_cost_pressures")
    for r in t.itertuples():
        n = int(r.source_line)
        expected = "new" if n in NEW else "brought forward" if n in BROUGHT_FORWARD else "total"
        assert r.category == expected, n


def test_cost_pressures_service_prefix(bundled):
    t = _table(bundled, "budget_cost_pressures")
    for r in t[t.row_type == "line"].itertuples():
        m = re.match(r"^(P&C|ETE|CS|A&I): ", r.pressure)
        assert _v(r.service_block) == (m.group(1) if m else None), r.pressure
    # 004 lines 121-122 print no prefix
    assert t[t.source_line.isin([121, 122])].service_block.isna().all()


def test_cost_pressures_blank_cell_kept_empty_and_flagged(bundled):
    # 004 line 116: 'P&C: Multi Systemic Therapy (MST) | 63 | | 0 | 0 | 0' - nothing printed for 2019-20
    assert _cells(116) == ["P&C: Multi Systemic Therapy (MST)", "63", "", "0", "0", "0"]
    t = _table(bundled, "budget_cost_pressures")
    mst = t[t.source_line == 116]
    blank = mst[mst.year == "2019-20"].iloc[0]
    assert _v(blank.amount_gbp) is None and _v(blank.amount_raw) is None
    assert _v(blank.cleaning_flags) and "2019-20" in blank.cleaning_flags
    assert mst[mst.year != "2019-20"].cleaning_flags.isna().all()
    # no other line cell of the table is empty
    lines = t[t.row_type == "line"]
    assert set(zip(lines[lines.amount_gbp.isna()].source_line.astype(int), lines[lines.amount_gbp.isna()].year, strict=True)) == {
        (116, "2019-20")}


def test_cost_pressures_dash_total_gives_not_computable(bundled):
    t = _table(bundled, "budget_cost_pressures")
    total = t[t.row_type == "stated_total"]
    assert len(total) == 5
    assert set(total.source_line.astype(int)) == {123}
    assert total.amount_gbp.isna().all() and set(total.amount_raw) == {"-"}
    checks = _rec(bundled, "budget_cost_pressures")
    assert len(checks) == 5
    assert set(checks.status) == {"not computable"}
    assert checks.stated.isna().all()
    for i, year in enumerate(YEARS, start=1):
        own = sum(_k(_cells(n)[i]) for n in list(NEW) + BROUGHT_FORWARD if _cells(n)[i])
        c = checks[checks.item.str.contains(year)].iloc[0]
        assert c.computed == own, year
        assert int(c.source_line) == 123


# --------------------------------------------------------------------------- savings requirement

SAVINGS_KEYS = {130: "requirement", 131: "identified_savings", 132: "identified_income", 133: "residual_gap"}


def test_savings_requirement_as_printed(bundled):
    t = _table(bundled, "budget_savings_requirement")
    expected = set()
    for n, key in SAVINGS_KEYS.items():
        cells = _cells(n)
        for year, raw in zip(YEARS, cells[1:], strict=True):
            expected.add((n, cells[0], key, year, _k(raw), raw, "stated_total" if key == "residual_gap" else "line"))
    got = {(int(r.source_line), r.line, r.line_key, r.year, int(r.amount_gbp), r.amount_raw, r.row_type)
           for r in t.itertuples()}
    assert got == expected
    # 004 line 132: income 542 in 2020-21 is printed positive (the only positive 'identified' figure)
    assert (132, "Identified additional Income Generation", "identified_income", "2020-21", 542_000, "542",
            "line") in got


def test_residual_gap_equals_requirement_plus_savings_plus_income(bundled):
    checks = _rec(bundled, "budget_savings_requirement")
    residual_checks = checks[checks["check"] == "total"]
    assert len(residual_checks) == 5
    for i, year in enumerate(YEARS, start=1):
        own = _k(_cells(130)[i]) + _k(_cells(131)[i]) + _k(_cells(132)[i])
        stated = _k(_cells(133)[i])
        assert own == stated, year  # e.g. 2018-19: 37,169 - 25,433 - 6,196 = 5,540
        c = residual_checks[residual_checks.item.str.contains(year)].iloc[0]
        assert (c.stated, c.computed, c.status, int(c.source_line)) == (stated, own, "ok", 133)


def test_savings_requirement_prose_checked_within_rounding(bundled):
    # 004 line 127: '£37.2m are required for 2018-19, and a total of £85m across the full five years'
    assert "£37.2m are required for 2018-19, and a total of £85m across the full five years" in LINES[126]
    first_year = _k(_cells(130)[1])
    five_years = sum(_k(c) for c in _cells(130)[1:])
    assert (first_year, five_years) == (37_169_000, 84_817_000)
    checks = _rec(bundled, "budget_savings_requirement")
    prose = checks[checks["check"] == "repeated"]
    assert len(prose) == 2
    got = sorted((c.stated, c.computed, c.status, int(c.source_line)) for c in prose.itertuples())
    assert got == sorted([(37_200_000, first_year, "within rounding", 127),
                          (85_000_000, five_years, "within rounding", 127)])
    # within half the printed last digit: £0.05m for £37.2m, £0.5m for £85m
    assert abs(37_200_000 - first_year) <= 50_000 and abs(85_000_000 - five_years) <= 500_000
    for c in prose.itertuples():
        assert c.stated_precision == (100_000 if c.stated == 37_200_000 else 1_000_000)
        assert "nearest" in c.rounding


# --------------------------------------------------------------------------- demand funding


def test_demand_funding_amounts(bundled):
    t = _table(bundled, "budget_demand_funding")
    assert _cells(161) == ["Demand Area", "Description", "Amount £000 2018/19"]
    expected = {(n, _cells(n)[0], _k(_cells(n)[2]), _cells(n)[2]) for n in (162, 163, 166)}
    assert {(n, a) for n, _, a, _ in expected} == {(162, 315_000), (163, 1_460_000), (166, 350_000)}
    got = {(int(r.source_line), r.demand_area, int(r.amount_gbp), r.amount_raw) for r in t.itertuples()}
    assert got == expected
    assert set(t.year) == {"2018-19"}


def test_demand_funding_description_joined_across_page_break(bundled):
    # 004 line 163 ends '... fund suitable foster, residential or other'; 164 is blank (page break);
    # 165 continues 'supported accommodation placements for all children becoming looked after.'
    assert LINES[163] == ""
    assert _cells(165)[0] == "" and _cells(165)[1].startswith("supported accommodation placements")
    t = _table(bundled, "budget_demand_funding")
    lac = t[t.demand_area == "Looked After Children"].iloc[0]
    assert "supported accommodation placements" in lac.description
    assert lac.description == _cells(163)[1] + " " + _cells(165)[1]
    assert _v(lac.cleaning_flags) and "description" in lac.cleaning_flags
    assert t[t.demand_area != "Looked After Children"].cleaning_flags.isna().all()
    for r in t[t.demand_area != "Looked After Children"].itertuples():
        assert r.description == _cells(int(r.source_line))[1]


# --------------------------------------------------------------------------- proposals


def _proposal_lines() -> list[int]:
    start = LINES.index("5. OVERVIEW OF CHILDREN'S COMMITTEE'S DRAFT REVENUE PROGRAMME") + 1
    end = LINES.index("7. NEXT STEPS") + 1
    return [n for n in range(start, end) if re.match(r"^\d+\.\d+\s+[A-Z]/R", LINES[n - 1])]


PROPOSAL_LINES = _proposal_lines()


def _printed_proposal(n: int) -> dict:
    text = LINES[n - 1]
    para, rest = text.split(" ", 1)
    m = re.match(r"([A-Z]/R[. ]*\d\.\d{3})", rest)
    raw_ref = m.group(1)
    compact = raw_ref.replace(" ", "")
    ref = compact if compact[3] == "." else compact[:3] + "." + compact[3:]
    amount = re.search(r"\((-\d+)k (?:in )?(\d{2,4})/(\d{2})\)", text)
    out = {"paragraph": para, "reference": ref, "reference_raw": raw_ref, "amount": None, "year": None,
           "amount_text": None}
    if amount:
        start = int(amount.group(2)) if len(amount.group(2)) == 4 else 2000 + int(amount.group(2))
        out.update(amount=int(amount.group(1)) * 1000, year=f"{start}-{amount.group(3)}", amount_text=amount.group(0))
    return out


def test_every_proposal_heading_in_sections_5_and_6(bundled):
    # counted from the raw text: 5.3-5.16 (14) and 6.2-6.4 (3)
    assert len(PROPOSAL_LINES) == 17
    t = _table(bundled, "budget_proposals")
    assert sorted(t.source_line.astype(int)) == PROPOSAL_LINES
    for n in PROPOSAL_LINES:
        p = _printed_proposal(n)
        r = t[t.source_line == n].iloc[0]
        assert (r.paragraph, r.reference, r.reference_raw) == (p["paragraph"], p["reference"], p["reference_raw"]), n
        assert _v(r.amount_gbp) == p["amount"], n
        assert _v(r.year) == p["year"], n
        assert r.title and r.title in LINES[n - 1], n


def test_proposal_references_normalised_and_flagged(bundled):
    t = _table(bundled, "budget_proposals")
    damaged = {n: _printed_proposal(n)["reference_raw"] for n in PROPOSAL_LINES
               if _printed_proposal(n)["reference_raw"] != _printed_proposal(n)["reference"]}
    # 004 line 203 'A/R 6.204', line 207 'A/R. 6.252', line 211 'A/R. 6.214'
    assert damaged == {203: "A/R 6.204", 207: "A/R. 6.252", 211: "A/R. 6.214"}
    for r in t.itertuples():
        assert re.fullmatch(r"[AC]/R\.\d\.\d{3}", r.reference)
        flagged = bool(_v(r.cleaning_flags)) and "reference" in r.cleaning_flags
        assert flagged == (int(r.source_line) in damaged), r.source_line
    assert t[t.source_line == 203].reference.iloc[0] == "A/R.6.204"
    assert t[t.source_line == 207].reference.iloc[0] == "A/R.6.252"


def test_proposal_amounts_with_sign(bundled):
    t = _table(bundled, "budget_proposals")
    # 004 line 186: 'A/R.6.253 ... (-2000k in 2018/19)'
    r = t[t.reference == "A/R.6.253"].iloc[0]
    assert (int(r.amount_gbp), r.year) == (-2_000_000, "2018-19")
    # 004 line 219: 'A/R.6.224 Children's Centres - ...' has no amount
    r = t[t.reference == "A/R.6.224"].iloc[0]
    assert _v(r.amount_gbp) is None and _v(r.year) is None and _v(r.amount_raw) is None
    assert (t.amount_gbp.dropna() < 0).all()


def test_proposal_amount_raw_is_as_printed(bundled):
    """amount_raw is 'Amount as printed': it must be the text of the heading, e.g. 004 line 203
    prints '(-594k 2018/19)' (no 'in')."""
    t = _table(bundled, "budget_proposals")
    wrong = {}
    for r in t[t.amount_raw.notna()].itertuples():
        if r.amount_raw not in LINES[int(r.source_line) - 1]:
            wrong[int(r.source_line)] = (r.amount_raw, _printed_proposal(int(r.source_line))["amount_text"])
    assert wrong == {}, "line: (amount_raw, as printed)"


def test_proposal_scope_and_headings(bundled):
    t = _table(bundled, "budget_proposals")
    cross = LINES.index("6 CROSS CUTTING PROPOSALS") + 1  # 004 line 263
    for r in t.itertuples():
        assert r.scope == ("cross-cutting" if int(r.source_line) > cross else "committee"), r.source_line
    assert sorted(t[t.scope == "cross-cutting"].reference) == ["C/R.6.101", "C/R.6.103", "C/R.7.102"]
    # the commitment headings printed above the section-5 proposals (004 lines 184, 225, 235, 257)
    headings = {184: LINES[183], 225: LINES[224], 235: LINES[234], 257: LINES[256]}
    for r in t[t.scope == "committee"].itertuples():
        above = max(h for h in headings if h < int(r.source_line))
        assert r.heading == headings[above], r.source_line


# (reference, heading line, heading amount, amounts stated in the paragraph below it)
PARAGRAPH_AMOUNTS = [
    ("A/R.6.253", 186, 2_000_000, [2_000_000]),  # 188: 'overall estimated level of saving ... is £2000k'
    ("A/R.6.244", 227, 342_000, [342_000]),  # 229: '£342,000 savings in 18/19'
    ("A/R.6.251", 237, 100_000, [100_000]),  # 239: 'estimated saving of £100k'
    ("A/R.6.249", 241, 110_000, [110_000]),  # 243: '£110,000 savings in 18/19'
    ("A/R.6.201", 245, 94_000, [34_000, 60_000]),  # 247: 'savings of -34K' ... 'a further -60K saving'
    ("A/R.6.248", 249, 21_000, [21_000]),  # 251: 'a surplus of £21k can be offered as a permanent saving'
    ("A/R.6.250", 253, 168_000, [168_000]),  # 255: '£168k permanent saving'
    ("A/R.6.227", 259, 324_000, [324_000]),  # 261: 'the estimated £324k saving'
    ("C/R.7.102", 275, 80_000, [80_000]),  # 277: '£80k of additional income'
    ("C/R.6.101", 279, 300_000, [300_000]),  # 281: 'this will save £300k'
]


def test_heading_vs_paragraph_checks(bundled):
    assert "-34K" in LINES[246] and "-60K" in LINES[246]
    assert sum([34_000, 60_000]) == 94_000
    checks = _rec(bundled, "budget_proposals")
    assert len(checks) == len(PARAGRAPH_AMOUNTS)
    for ref, line, heading, parts in PARAGRAPH_AMOUNTS:
        assert _printed_proposal(line)["amount"] == -heading
        c = checks[checks.item.str.startswith(ref)]
        assert len(c) == 1, ref
        c = c.iloc[0]
        assert (c.stated, c.computed, c.status, int(c.source_line)) == (heading, sum(parts), "ok", line), ref
        assert c["check"] == ("total" if len(parts) > 1 else "repeated")
