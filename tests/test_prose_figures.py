"""``prose_figures``: the amounts, counts and rates the papers print only in prose (issue 11),
and the derivations the prose prints, reconciled.  Every expected value is read off the cited
line of the paper; the derivations are worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ingest.prose_figures import figures

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS, RECOVERY_PLAN, raw_lines


@pytest.fixture(scope="module")
def prose(bundled):
    return bundled.tables["prose_figures"]


def _one(prose, file, line, raw):
    rows = prose[(prose.source_file == file) & (prose.source_line == line) & (prose.raw == raw)]
    assert len(rows) >= 1, (file, line, raw)
    return rows.iloc[0]


@pytest.mark.parametrize("file, line, raw, value, unit, precision, period, flag", [
    # 001 line 7: "contributions from central reserves of respectively £2.3m and £1.1m, with the 2016/17
    # budget set at £28.9m" (the budgets for 2015/16 and 2016/17)
    (MTFS, 7, "£2.3m", 2_300_000, "gbp", 100_000, "2015-16", None),
    (MTFS, 7, "£1.1m", 1_100_000, "gbp", 100_000, "2016-17", None),
    (MTFS, 7, "£28.9m", 28_900_000, "gbp", 100_000, "2016-17", None),
    (MTFS, 8, "£1.3m", 1_300_000, "gbp", 100_000, None, None),          # projected overspend
    # "allowing for no savings from the 2016/17 placement changes ... an overspend of around £2.2m"
    (MTFS, 8, "£2.2m", 2_200_000, "gbp", 100_000, "2016-17", "approximate"),
    (MTFS, 138, "£420K", 420_000, "gbp", 1_000, "2016-17", "approximate"),
    (MTFS, 138, "£780K", 780_000, "gbp", 1_000, "2017-18", None),
    (MTFS, 166, "£13.9m", 13_900_000, "gbp", 100_000, None, "approximate ('circa')"),  # CLA spend
    (MTFS, 166, "£11.9m", 11_900_000, "gbp", 100_000, None, "approximate ('circa')"),  # staffing
    (MTFS, 185, "£126,705", 126_705, "gbp", 1, None, None),
    (MTFS, 236, "£25,267", 25_267, "gbp", 1, "any", "per annum"),  # a unit cost behind both years' figures
    (RECOVERY_PLAN, 64, "£42m", 42_000_000, "gbp", 1_000_000, "2019-20", None),
    (RECOVERY_PLAN, 145, "£3m", 3_000_000, "gbp", 1_000_000, None, None),  # High Needs Block deficit
    (RECOVERY_PLAN, 166, "£135k", 135_000, "gbp", 1_000, None, None),  # public-health contribution
    (RECOVERY_PLAN, 168, "£9m", 9_000_000, "gbp", 1_000_000, "2020-21", "approximate ('Circa')"),
    (RECOVERY_PLAN, 87, "£600", 600, "gbp", 1, None, "per week"),  # "~£600 p/week less than IFA"
    (BUSINESS_PLAN, 149, "£2.5m", 2_500_000, "gbp", 100_000, None, "plus or minus"),  # per 1% of council tax
    (BUSINESS_PLAN, 152, "£100k", 100_000, "gbp", 1_000, None, "approximate"),  # referendum cost
    (BUSINESS_PLAN, 152, "£500k", 500_000, "gbp", 1_000, None, None),
    (FIVE_YEAR_PLAN, 97, "£2.1m", 2_100_000, "gbp", 100_000, "2015-16", None),
])
def test_prose_figure_as_printed(prose, file, line, raw, value, unit, precision, period, flag):
    assert raw in raw_lines(file)[line - 1]
    row = _one(prose, file, line, raw)
    assert (row.value, row.unit, row.precision) == (value, unit, precision)
    if period != "any":
        assert (None if pd.isna(row.period) else row.period) == period
    flags = "" if pd.isna(row["flags"]) else row["flags"]
    if flag:
        assert flag in flags
    if raw == "£600":
        assert "approximate ('~')" in flags


def test_counts_in_prose(prose):
    # 001 line 129: "around 49 planned exits" (2017/18); 001 line 148: "22 adoptions in 2016/17"
    assert "49 planned exits" in raw_lines(MTFS)[128]
    exits = _one(prose, MTFS, 129, "49 planned exits")
    assert (exits.value, exits.unit, exits.precision) == (49, "count", 1)
    assert "approximate" in exits["flags"]
    adoptions = _one(prose, MTFS, 148, "22 adoptions")
    assert (adoptions.value, adoptions.period) == (22, "2016-17")


def test_income_in_brackets_keeps_its_flag():
    # 000 line 126 prints (£453k) in its Spend cell; in prose the brackets are flagged, never applied
    got = figures("The partner contribution of (£453k) is income to the service this year")
    assert [(f["raw"], f["value"]) for f in got] == [("£453k", 453_000)]
    assert "in brackets" in got[0]["flags"]


def test_years_and_references_are_not_counts():
    got = figures("In 2016 there were 12 children and 2017/18 brought CSC20 nothing; 3 x 2 bed homes were built")
    assert [(f["raw"], f["unit"]) for f in got] == [("12 children", "count"), ("2 bed homes", "count")]


def test_derivations_reconciled(bundled):
    rec = bundled.reconciliation
    mine = rec[(rec.table == "prose_figures") & ~rec.item.str.contains(r"count x|/ \d years|full-year value")]
    got = {(c.item, c.stated, c.computed, c.status) for c in mine.itertuples()}
    # 001 line 186: "(£1,582k - £840k = £742k saving)"
    assert ("written sum: £1,582k - £840k = £742k", 742_000, 1_582_000 - 840_000, "ok") in got
    # 001 line 185: £126,705 a placement; £253k (2 placements): 253,410 rounds and truncates to 253k
    assert ("2017/18: £253k (2 placements) = 2 x £126,705", 253_000, 2 * 126_705, "within rounding") in got
    # £506k (4 placements): 506,820 is 507k to the nearest, 506k truncated - as the paper truncates
    for year in ("2018/19", "2019/20"):
        assert (f"{year}: £506k (4 placements) = 4 x £126,705", 506_000, 4 * 126_705, "within rounding") in got
    # 001 line 236: £25,267 an agency post; £101k (4 staff) = 101,068; £51k (2 staff) = 50,534 to the nearest £1k
    assert ("2017/18: £101k (4 staff) = 4 x £25,267", 101_000, 4 * 25_267, "within rounding") in got
    assert ("2018/19: £51k (2 staff) = 2 x £25,267", 51_000, 2 * 25_267, "within rounding") in got
    assert len(mine) == 6
    assert set(mine.status) <= {"ok", "within rounding"}
    truncated = mine[mine.stated == 506_000].iloc[0]
    assert "truncated to £1k" in truncated.rounding


def _mtfs_cells(line: int) -> list[str]:
    return [c.strip() for c in raw_lines(MTFS)[line - 1].split("\t")]


def test_escort_unit_cost_times_count(bundled):
    """001 line 229: 'a 5 hour saving to the Council per week x 38 weeks plus on 20% costs - using living
    wage £9' = 5 x 38 x £9 x 1.20 = £2,052 an escort; line 230: '2017/18: £20.520 (10 additional escorts ...)
    2018/19: £21,520 (10 additional escorts ...)'; line 259 (the table): 20k and 20k."""
    assert "5 hour saving to the Council per week x 38 weeks plus on 20% costs" in raw_lines(MTFS)[228]
    assert raw_lines(MTFS)[228].endswith("using living wage £9")
    assert "2017/18: £20.520 (10 additional escorts" in raw_lines(MTFS)[229]
    assert "2018/19: £21,520 (10 additional escorts" in raw_lines(MTFS)[229]
    assert _mtfs_cells(259)[0].startswith("Develop usage of external escorts") and _mtfs_cells(259)[1:3] == ["20k"] * 2
    unit = 5 * 38 * 9 * 120 // 100
    assert unit == 2_052
    rec = bundled.reconciliation
    mine = rec[rec.item.str.contains("escorts") & rec.item.str.contains("= count x £2,052")]
    got = {(c.item.split(": ")[1].split(" (")[0], c.item[c.item.index(" 20") + 1:][:7], c.stated, c.computed, c.status)
           for c in mine.itertuples()}
    assert got == {
        ("action plan prose", "2017-18", 20_520, 10 * unit, "ok"),       # £20.520: the point is a separator
        ("action plan prose", "2018-19", 21_520, 10 * unit, "mismatch"),  # the typo: £1,000 more for the same 10
        ("table", "2017-18", 20_000, 10 * unit, "within rounding"),       # 20,520 truncated to £1k (nearest: 21k)
        ("table", "2018-19", 20_000, 10 * unit, "within rounding"),
    }
    typo = mine[mine.status == "mismatch"].iloc[0]
    assert typo.source_line == 230 and "a difference of £1k" in typo.note and "10 x £2,052 = £20,520" in typo.note
    table = mine[mine.stated == 20_000]
    assert (table.stated_precision == 1_000).all() and table.rounding.str.contains("truncated to £1k").all()


def test_independent_travel_saving_per_head(bundled):
    """001 line 227: '25 young people who ... could travel independently over the next two years. Average
    saving per child £3,735 minus bus pass of £540'; line 228: '2017/18: £39k 2018/19: £39k'; line 258 (the
    table): 39k and 39k.  (£3,735 - £540) x 25 = £79,875, £39,937.50 a year: 39k truncated, 40k to the nearest."""
    line = raw_lines(MTFS)[226]
    assert "identified 25 young people" in line and "over the next two years" in line
    assert "Average saving per child £3,735 minus bus pass of £540" in line
    assert _mtfs_cells(228)[-1] == "2017/18: £39k 2018/19: £39k"
    assert _mtfs_cells(258)[0].startswith("Implement Independent Travel") and _mtfs_cells(258)[1:3] == ["39k"] * 2
    each = (3_735 - 540) * 25 / 2
    assert each == 39_937.5
    rec = bundled.reconciliation
    mine = rec[rec.item.str.contains(r"= \(£3,735 - £540\) x 25 / 2 years")]
    assert len(mine) == 4 and sorted(mine.source_line) == [228, 228, 258, 258]
    assert (mine.stated == 39_000).all() and (mine.computed == each).all()
    assert (mine.status == "within rounding").all() and mine.rounding.str.contains("truncated to £1k").all()
    assert mine.note.str.contains("£39,937.50 a year").all()  # pence shown, not rounded away


def test_full_year_value_printed_twice(bundled):
    """001 line 138: '£780K for the full year 2017/18'; line 143: 'a full year value of around £780k for 2017/18'."""
    assert "£780K for the full year 2017/18" in raw_lines(MTFS)[137]
    assert "full year value of around £780k for 2017/18" in raw_lines(MTFS)[142]
    rec = bundled.reconciliation
    mine = rec[rec.item.str.contains("full-year value 2017/18")]
    assert len(mine) == 1
    c = mine.iloc[0]
    assert (c.stated, c.computed, c.status, c.source_line, c.check) == (780_000, 780_000, "ok", 143, "repeated")


def test_every_listed_prose_figure_is_in_the_processed_layer(prose):
    """Issue 11's list of figures printed only in prose, by document and line."""
    wanted = {
        (MTFS, 7): {"£2.3m", "£1.1m", "£28.9m"}, (MTFS, 8): {"£1.3m", "£2.2m"},
        (MTFS, 166): {"£13.9m", "£11.9m"}, (MTFS, 138): {"£420K", "£780K"},
        (MTFS, 185): {"£126,705"}, (MTFS, 236): {"£25,267"}, (MTFS, 227): {"£3,735", "£540"},
        (MTFS, 186): {"£1,582k", "£840k", "£742k"}, (MTFS, 240): {"£50k", "£75k", "£400k", "£600k"},
        (RECOVERY_PLAN, 64): {"£42m"}, (RECOVERY_PLAN, 145): {"£3m"}, (RECOVERY_PLAN, 166): {"£135k"},
        (RECOVERY_PLAN, 168): {"£9m"}, (RECOVERY_PLAN, 87): {"£600"},
        (BUSINESS_PLAN, 149): {"£2.5m"}, (BUSINESS_PLAN, 152): {"£100k", "£500k"},
    }
    for (file, line), raws in wanted.items():
        have = set(prose[(prose.source_file == file) & (prose.source_line == line)].raw)
        assert raws <= have, (file, line, raws - have)
