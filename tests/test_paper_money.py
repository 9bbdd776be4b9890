"""The four paper readers read money through the one parser, honouring accounting brackets and
the unicode minus (issue 7).  Each case edits one printed cell of a bundled paper (SYNTHETIC
edit, stated below) and checks the figure read against the edit, computed here.
"""

from __future__ import annotations

import hashlib

import pytest

from analysis.ingest import ingest
from analysis.manifest import MANIFEST_NAME

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS


def edit(raw, file: str, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on 1-based ``line`` of ``file`` and re-register its checksum."""
    path = raw / file
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], (file, line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    manifest = raw / MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    old_sha = next(l for l in text.splitlines() if l.startswith(file)).rsplit(",", 2)[1]
    manifest.write_text(text.replace(old_sha, hashlib.sha256(path.read_bytes()).hexdigest()), encoding="utf-8")


def test_business_plan_brackets_and_unicode_minus(raw_copy):
    # 004 line 131: 'Identified Savings | -25,433 | …' (£000) printed in accounting brackets;
    # 004 line 103: '… Minerals and Waste Local Plan | 108 | 0 | -54 | -54 | 0' with a unicode minus
    edit(raw_copy, BUSINESS_PLAN, 131, "\t-25,433\t", "\t(25,433)\t")
    edit(raw_copy, BUSINESS_PLAN, 103, "\t-54\t-54\t", "\t\u221254\t-54\t")
    tables = ingest(raw_copy).tables
    savings = tables["budget_savings_requirement"]
    row = savings[(savings.source_line == 131)].sort_values("year").iloc[0]
    assert row.amount_gbp == -25_433_000 and row.amount_raw == "(25,433)"
    pressures = tables["budget_cost_pressures"]
    cells = pressures[pressures.source_line == 103].sort_values("year")
    assert list(cells.amount_gbp.astype(int)) == [108_000, 0, -54_000, -54_000, 0]


def test_five_year_plan_brackets(raw_copy):
    # 002 line 45: '2014/15 | £10.9m | £1.5m | £1.4m' with the forecast printed '(£1.4m)'
    edit(raw_copy, FIVE_YEAR_PLAN, 45, "\t£1.4m", "\t(£1.4m)")
    costs = ingest(raw_copy).tables["placement_costs"].set_index("year")
    assert costs.loc["2014-15", "forecast_variance_gbp"] == -1_400_000


def test_mtfs_table2_brackets(raw_copy):
    # 001 line 40: 'August | 21,560' printed '(21,560)': the total line then disagrees by 43,120
    edit(raw_copy, MTFS, 40, "\t21,560", "\t(21,560)")
    result = ingest(raw_copy)
    slippage = result.tables["placement_slippage"]
    assert slippage[slippage.month_label == "August"].increase_gbp.iloc[0] == -21_560
    rec = result.reconciliation
    check = rec[rec.item == "Table 2: Total of the monthly increases"].iloc[0]
    assert check.difference == 1_007_221 - (1_007_221 - 2 * 21_560)


def test_recovery_plan_keeps_its_own_meaning_of_brackets(raw_copy):
    """000 prints income in brackets ('(£453k)'): that reader asks the parser for the magnitude
    and says so in spend_basis - the brackets are honoured, with the paper's meaning."""
    actions = ingest(raw_copy).tables["recovery_actions"]
    row = actions[actions.spend_raw == "(£453k)"].iloc[0]
    assert row.spend_gbp == 453_000 and row.spend_basis == "income (shown in brackets)"


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_paper_re_saved_in_another_encoding_reads_the_same(raw_copy, bundled, encoding):
    # 002 holds '£' (Table 7) and nothing outside Windows-1252
    path = raw_copy / FIVE_YEAR_PLAN
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    manifest = raw_copy / MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    old_sha = next(l for l in text.splitlines() if l.startswith(FIVE_YEAR_PLAN)).rsplit(",", 2)[1]
    manifest.write_text(text.replace(old_sha, hashlib.sha256(path.read_bytes()).hexdigest()), encoding="utf-8")
    tables = ingest(raw_copy).tables
    for name in ("placement_costs", "comparator_rates"):
        assert tables[name].equals(bundled.tables[name]), name
