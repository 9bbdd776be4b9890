"""Long tables: a report shows the first rows of a long table and says how many more exist and
where they all are, so a long tracker still gives pages a browser opens (under 5 MB).

The tracker here has 36,000 lines: enough for one table (its Green lines, a third) to pass the
Excel download's limit and another (its investments, a tenth) to stay under it, so both sentences
are checked.  The 200,000-line tracker - how long its reports take and how big their pages are -
is a benchmark: ``benchmarks/long_tracker.py``."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from analysis import assumptions, numbers
from analysis.ingest.writer import write_tables
from analysis.presentation import display as d
from analysis.report.notebooks import execute
from analysis.report.render import render_report

from .conftest import ROOT
from .fixtures import long_tracker as lt

LINES = 36_000  # Green lines 12,000 > the Excel download's 10,000; investments 3,600 < it
LIMIT = 5 * 1024 * 1024


def test_a_long_table_is_cut_with_a_sentence_saying_where_the_rest_is():
    frame = pd.DataFrame({"reference": [f"R{i}" for i in range(250)], "amount_gbp": range(250)})
    html = d.table_html(frame, full="savings_tracker")
    assert html.count("<tr>") == 1 + assumptions.TABLE_MAX_ROWS  # the header row and the first rows
    assert ">R99<" in html and ">R100<" not in html
    assert ("Showing the first 100 of 250 rows; 150 more rows are not shown. They are all in this report's Excel "
            "download.") in html
    assert len(d.table(frame).table_data["rows"]) == 250  # the Excel download has every row
    assert "more rows" not in d.table_html(frame.head(100))  # exactly the limit: nothing cut, nothing said
    assert d.table_html(frame, max_rows=None).count("<tr>") == 251
    one_more = d.table_html(frame.head(101), max_rows=100)
    assert "1 more row is not shown." in one_more and "processed table" not in one_more


@pytest.fixture(scope="module")
def long_pack(tmp_path_factory, bundled):
    """The bundled tables plus a SYNTHETIC 36,000-line tracker and its checks, written as ingest writes."""
    tracker = lt.tracker(LINES)
    tables = dict(bundled.tables)
    tables["savings_tracker"] = pd.concat([tables["savings_tracker"], tracker], ignore_index=True)
    tables["reconciliation"] = pd.concat([tables["reconciliation"], lt.reconciliation(tracker)], ignore_index=True)
    tables["sources"] = pd.concat([tables["sources"], lt.source()], ignore_index=True)
    processed = tmp_path_factory.mktemp("long") / "processed"
    write_tables(tables, processed)
    return processed


def _page(name: str, processed, tmp_path) -> str:
    nb = execute(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / f"{name}.ipynb",
                 {"authority": lt.AUTHORITY, "period": lt.PERIOD, "processed_dir": str(processed)})
    return render_report(nb, show_code=False, pack={"pack_title": "test", "status": "ok", "error": "",
                                                    "parameters": [], "inputs": []})


@pytest.mark.notebooks
def test_pages_of_a_long_tracker_stay_under_5_mb_and_say_where_the_rest_is(long_pack, tmp_path):
    page = _page("10_savings_tracker_variance", long_pack, tmp_path)
    assert len(page.encode("utf-8")) < LIMIT
    green = LINES // 3  # lines 2, 5, 8, ...: Green over-delivers by 4 x £250
    invested = len(range(0, LINES, lt.INVESTMENT_EVERY))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert f"{green} lines are forecast to save {numbers.money(green * 4 * 250)} more than planned." in text
    assert invested <= d.EXCEL_MAX_ROWS < green  # one table past the download's limit, one within it
    shown = assumptions.TABLE_MAX_ROWS
    assert (f"Showing the first {shown:,} of {green:,} rows; {green - shown:,} more rows are not shown. "
            f"The first {d.EXCEL_MAX_ROWS:,} are in this report's Excel download; all of them are in the "
            "pack's data tables (see About this report).") in text
    assert (f"Showing the first {shown:,} of {invested:,} rows; {invested - shown:,} more rows are not shown. "
            "They are all in this report's Excel download.") in text
    page = _page("90_reconciliation", long_pack, tmp_path)
    assert len(page.encode("utf-8")) < LIMIT
    checks = 3 * LINES
    assert (f"{checks:,} checks of the figures in {lt.AUTHORITY}'s papers in force in {numbers.month(lt.PERIOD)}: 0 "
            f"mismatches, 0 within rounding, 0 not computable, {checks:,} agree exactly."
            in html.unescape(re.sub(r"<[^>]+>", "", page)))
    # report 90 folds the checks that agree away and shows the first 500 of them
    assert f"Showing the first 500 of {checks:,} rows" in page
    assert "all of them are in the pack's data tables (see About this report)" in html.unescape(page)
