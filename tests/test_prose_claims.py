"""The papers' words against their own figures (analysis.ingest.prose_claims): reconciliation checks
of kind ``prose``.  Expected values are read from the bundled papers here (file and line cited) and
the arithmetic is done in the test."""

from __future__ import annotations

import re

import pytest

from analysis.ingest import prose_claims
from analysis.reconcile import CHECK_KINDS

from .conftest import BUSINESS_PLAN, MTFS, TRACKER, raw_lines


@pytest.fixture(scope="module")
def prose(bundled):
    rec = bundled.reconciliation
    return rec[rec["check"] == "prose"]


def test_the_kind_is_one_of_its_own(prose):
    assert "prose" in CHECK_KINDS
    assert set(prose.table) >= {"prose claims", "prose_figures", "paper prose"}  # every case, one kind


def test_a_tracker_commentary_against_its_rows_variance(prose):
    # 003 line 74, A/R.6.220: forecast total -262, plan -195, variance -67 (£000); the commentary: "by £78k"
    cells = raw_lines(TRACKER)[74 - 1].split("\t")
    assert cells[0] == "A/R.6.220"
    said = re.search(r"by £(\d+)k", cells[-2])
    planned, forecast, variance = int(cells[9]), int(cells[14]), int(cells[15])
    assert forecast - planned == variance == -67
    row = prose[(prose.document == "003") & (prose.source_line == 74)]
    assert len(row) == 1
    assert row.stated.iloc[0] == int(said.group(1)) * 1000 == 78_000
    assert row.computed.iloc[0] == abs(variance) * 1000
    assert row.status.iloc[0] == "mismatch"  # 78 is outside [66.5, 67.5) however the tracker rounds


def test_a_sentence_deriving_a_figure_from_two_others(prose):
    # 004 line 251 (§5.14): "The budget is £321k and the contract value is £300k/year, therefore a surplus of £21k"
    text = raw_lines(BUSINESS_PLAN)[251 - 1]
    budget, contract, surplus = (int(x) * 1000 for x in re.findall(r"£(\d+)k", text))
    row = prose[(prose.document == "004") & (prose.source_line == 251) & prose.note.str.startswith("sentence")]
    assert len(row) == 1
    assert (row.stated.iloc[0], row.computed.iloc[0]) == (surplus, budget - contract) == (21_000, 21_000)
    assert row.status.iloc[0] == "ok"


def test_a_sections_paragraph_against_its_heading(prose):
    # 004 line 245 (§5.13 heading: -94k in 2018/19); line 247: "savings of -34K" and "a further -60K saving"
    heading = raw_lines(BUSINESS_PLAN)[245 - 1]
    assert heading.startswith("5.13") and "(-94k in 2018/19)" in heading
    parts = [int(x) * 1000 for x in re.findall(r"-(\d+)K", raw_lines(BUSINESS_PLAN)[247 - 1])]
    row = prose[(prose.document == "004") & prose.item.str.startswith("5.13 ")]
    assert len(row) == 1
    assert (row.stated.iloc[0], row.computed.iloc[0]) == (sum(parts), 94_000)
    assert row.status.iloc[0] == "ok"


def test_a_printed_share_against_the_papers_own_count_and_total(prose):
    # 001 line 91 (§5.3.1): "the 28 children currently in residential placements" and "proportionate use of
    # residential 12%"; line 22 (Table 1): 279 looked after at November 2016
    text, table = raw_lines(MTFS)[91 - 1], raw_lines(MTFS)[22 - 1]
    count = int(re.search(r"the (\d+) children currently in residential", text).group(1))
    printed = int(re.search(r"residential (\d+)%", text).group(1))
    total = int(table.split("\t")[1])
    assert (count, printed, total) == (28, 12, 279)
    row = prose[(prose.document == "001") & (prose.table == "prose claims")]
    assert len(row) == 1
    assert row.stated.iloc[0] == printed
    assert row.computed.iloc[0] == pytest.approx(count / total * 100)  # 10.0%
    assert row.status.iloc[0] == "mismatch"
    assert "28 / 279" in row.note.iloc[0]


def test_001s_derivations_are_cases_of_the_same_method(prose):
    # 001 line 186: "(£1,582k - £840k = £742k saving)" and line 185's £253k (2 placements) at £126,705
    written = prose[prose.item == "written sum: £1,582k - £840k = £742k"]
    assert written.computed.iloc[0] == 1_582_000 - 840_000 and written.note.iloc[0].startswith("written derivation")
    paragraph = prose[(prose.table == "paper prose") & prose.item.str.contains("Acceleration of Adoption")]
    assert paragraph.note.iloc[0].startswith("statement against statement")


def test_derivation_reads_the_operation_from_the_words():
    assert prose_claims.derivation("A budget of £10k and costs of £4k, therefore a saving of £6k.")[1] == 6_000
    assert prose_claims.derivation("£10k for staff and £4k for rent, so the total is £14k.")[1] == 14_000
    assert prose_claims.derivation("£10k and £4k and £6k were spent.") is None  # no word of derivation
    # a wrong derived figure is stated as printed, against what its parts give
    (raw, stated, _), computed, _, _ = prose_claims.derivation("The budget is £321k and the contract £300k, "
                                                                  "therefore a surplus of £31k.")
    assert (stated, computed) == (31_000, 21_000)


def test_an_unknown_case_is_refused():
    claim = prose_claims.ProseClaim("x", "x.txt", 1, "item", 1.0, 1.0, "gbp", "", "a guess")
    with pytest.raises(ValueError, match="unknown prose-claim case"):
        prose_claims.check([claim], None)


def test_the_scorecard_asks_about_a_disagreeing_claim(bundled):
    from analysis.presentation.questions import reconciliation_questions

    rec = bundled.reconciliation
    asked = reconciliation_questions(rec[rec.document == "003"], bundled.tables["sources"])
    assert any("A/R.6.220" in q.text and "£78k" in q.text and "£67k" in q.text for q in asked)
