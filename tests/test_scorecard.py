"""The scorecard's headline figures, each against the document it summarises, and notebooks 00,
10 and 90 run with non-default parameters."""

from __future__ import annotations

import re

import pytest

from analysis.analyses import scorecard
from analysis.report.notebooks import execute

from .conftest import ROOT


@pytest.fixture(scope="module")
def card(bundled):
    return scorecard.scorecard(bundled.tables, period="2017-10")


def _value(card, measure):
    return card[card.measure == measure].iloc[0]


def test_every_area_links_to_its_report(card):
    assert list(dict.fromkeys(card.area)) == list(scorecard.REPORTS)
    for area, report in scorecard.REPORTS.items():
        assert (ROOT / "notebooks" / report.replace(".html", ".ipynb")).is_file()
        assert set(card[card.area == area].report) == {report}


def test_savings_delivery(card):
    # 003 printed totals: forecast -16,656, planned -20,538 (£000); 16,656 / 20,538 = 81.1%
    row = _value(card, "Forecast saving against plan")
    assert row.value == "£16.656m of £20.538m (81.1%)"
    assert "shortfall £3.882m" in row.context


def test_rag_counts(card):
    row = _value(card, "Saving lines by RAG status")
    counts = dict((colour, int(n)) for n, colour in re.findall(r"(\d+) (Red|Amber|Green|No RAG)", row.value))
    assert sum(counts.values()) == 67 and counts["Amber"] == 2  # 003: A/R.6.165 and A/R.7.104 are Amber


def test_cla_against_neighbours_and_plan(card):
    # 002 Table 3: Torbay 121; the ten neighbours' rates average 74.7
    assert _value(card, "Rate per 10,000 against neighbours").value == "121 against a neighbours' mean of 74.7"
    # 001 §5.4.5: 279 at the end of November 2016; 002 Table 6 plan for 2016/17: 242 -> 37 above plan
    assert _value(card, "Actual against plan").value == "+37 children"


def test_budget_gap(card):
    # 004 §3.1 table, 2018-19: 37,169 - 25,433 - 6,196 = 5,540 (£000)
    assert _value(card, "Savings still to find").value == "£5.54m in 2018-19"


def test_authority_without_a_tracker_says_so(bundled):
    card = scorecard.scorecard(bundled.tables, period="2017-10", authority="Torbay")
    assert card[card.area == "Savings delivery"].value.iloc[0] == "no data"
    assert card[card.area == "Recovery actions"].value.iloc[0].startswith("64")  # 000: 64 actions


def _html(nb) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))


def test_notebook_00_for_one_authority(tmp_path):
    nb = execute(ROOT / "notebooks" / "00_scorecard.ipynb", tmp_path / "00.ipynb", {"authority": "Torbay"})
    html = _html(nb)
    assert "no savings tracker for Torbay in 2017-10" in html
    assert "Cambridgeshire" not in html.split("Parameters and data sources")[0]


def test_notebook_10_with_fewer_waterfall_steps(tmp_path):
    nb = execute(ROOT / "notebooks" / "10_savings_tracker_variance.ipynb", tmp_path / "10.ipynb", {"top_n": 3})
    html = _html(nb)
    # the shortfall table lists exactly the top 3 lines (A/R.6.125, 6.132, 6.215 in 003)
    table = html.split("A/R.6.125")[1].split("</table>")[0]
    assert "A/R.6.132" in table and "A/R.6.215" in table and "A/R.6.101" not in table
    assert "&#x27;top_n&#x27;" not in html and "<td>top_n</td><td>3</td>" in html


def test_notebook_90_for_one_document(tmp_path):
    nb = execute(ROOT / "notebooks" / "90_reconciliation.ipynb", tmp_path / "90.ipynb", {"documents": "002"})
    html = _html(nb)
    # 002: Table 3 averages (2), Table 6 rates (7), Table 7 reductions (5), Table 3 vs 6 (2), prose overspend (1);
    # mismatches: the 2013-14 rate, four Table 7 reductions, the prose £2.1m vs £2.3m
    assert "<strong>17 checks: 6 mismatches, 0 not computable, 11 agree.</strong>" in html
