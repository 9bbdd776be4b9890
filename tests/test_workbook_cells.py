"""The pieces of the print and Excel work that need no browser: reading a figure the pack writes
(analysis.report.workbook_cells), the Excel number format that shows it the same way, a
workbook column against its page, sheet names (analysis.report.workbook), the break
opportunities and keep-with-next marks of the printed page (analysis.report.print_layout), and a
mixed column's numbers kept numbers when a text cell beside them is neutralised
(analysis.spreadsheet).

Expected values are the pack's number styles as the README states them (``£16.7m``, ``−£443k``,
``+£1.2m``, £000 in tables, the typographic minus) worked out by hand."""

from __future__ import annotations

import html
import re

import nbformat
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import spreadsheet
from analysis.report.print_layout import KeepWithNext, break_opportunities
from analysis.report.workbook import SHEET_CHARS, sheet_names, write_workbook
from analysis.report.workbook_cells import column_cells, figure, number_format

MINUS = "\u2212"


@pytest.mark.parametrize(("text", "value", "decimals", "signed"), [
    ("1,595", 1595, 0, False),
    (f"{MINUS}0.33", -0.33, 2, False),
    ("£21,520", 21520, 0, False),
    ("+£1.2m", 1_200_000, 1, True),
    (f"{MINUS}£443k", -443_000, 0, False),
    ("81%", 81, 0, False),
    ("+37 children", 37, 0, True),
    ("74.7", 74.7, 1, False),
    ("0", 0, 0, False),
])
def test_a_figure_in_the_packs_styles_is_read(text, value, decimals, signed):
    f = figure(text)
    assert f is not None and f.value == value and f.decimals == decimals and f.signed == signed
    assert isinstance(f.value, int) == (decimals == 0 or f.scale != "")


@pytest.mark.parametrize("text", ["001", "2017-18", "A/R.6.101", "3 of 5 years", "£4.9m to £6.6m",
                                  "121 against a neighbours' mean of 74.7", "\u0666", "", "–", "=1+1", "12 Red"])
def test_text_that_is_not_one_figure_is_not_read(text):
    assert figure(text) is None


def test_formats_show_the_sign_the_unit_and_the_true_minus():
    assert number_format() == f'#,##0;"{MINUS}"#,##0;0'
    assert number_format(1) == f'#,##0.0;"{MINUS}"#,##0.0;0.0'
    assert number_format(signed=True, suffix=" children") == \
        f'"+"#,##0" children";"{MINUS}"#,##0" children";0" children"'
    assert number_format(1, prefix="£", scale="m") == f'"£"#,##0.0,,"m";"{MINUS}£"#,##0.0,,"m";"£"0.0"m"'
    assert number_format(grouping=False) == f'0;"{MINUS}"0;0'


def test_a_column_is_stored_at_the_precision_its_page_shows():
    # 116.7066 children shown "117": a count; rates as the page writes them; money in whole pounds
    values, formats = column_cells("gap_children", [116.70661157, 126.03305785, None], ["117", "126", "–"])
    assert values == [117, 126, None] and all(isinstance(v, int) for v in values[:2])
    values, _ = column_cells("rate_per_10k", [141.0, 74.7, 67.333333], ["141", "74.7"])
    assert values == [141, 74.7, 67.3]  # the third row is not on the page: the column's one decimal
    values, formats = column_cells("spend_per_child_gbp", [47929.2111], ["£47,929"])
    assert values == [47929] and formats[0].startswith('"£"#,##0;')
    values, formats = column_cells("shortfall_gbp", [2_441_000, -379_000], ["+2,441", f"{MINUS}379"])
    assert values == [2_441_000, -379_000] and formats[0].startswith('"+£"')
    values, formats = column_cells("delivery_pct", [80.4, 100.0], ["80%", "100%"])
    assert values == [80, 100] and formats[0].startswith('#,##0"%"')


def test_text_figures_become_numbers_but_identifiers_and_text_as_printed_stay_text():
    values, formats = column_cells("stated", ["£21,520", "97", "96.57", f"{MINUS}0.33", "–"], None)
    assert values == [21520, 97, 96.57, -0.33, "–"] and formats[-1] is None
    assert column_cells("document", ["001"], None)[0] == ["001"]
    assert column_cells("paragraph", ["5.3"], None)[0] == ["5.3"]
    assert column_cells("total_as_printed", ["-", "1,234"], None)[0] == ["-", "1,234"]
    assert column_cells("amount_raw", ["£1.5m"], None)[0] == ["£1.5m"]


def _workbook_of(tables, tmp_path):
    path = write_workbook(tables, tmp_path / "t.xlsx", title="SYNTHETIC report", authority="Nowhere",
                          period="2017-10")
    return openpyxl.load_workbook(path)


def test_the_workbook_reads_each_table_against_its_page(tmp_path):
    page = ('<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Measure</th>'
            '<th scope="col">Value</th><th scope="col" class="num">Saving (£000)</th></tr></thead><tbody>'
            '<tr><td>Actual against plan</td><td>+37 children</td><td class="num">+1,200</td></tr>'
            '<tr><td>Lead</td><td>3 of 5 years</td><td class="num">−443</td></tr></tbody></table></div>')
    data = {"caption": "SYNTHETIC headline figures of the month by measure", "columns": ["measure", "value", "saving_gbp"],
            "labels": ["Measure", "Value", "Saving (£)"],
            "rows": [["Actual against plan", "+37 children", 1_200_000], ["Lead", "3 of 5 years", -443_000]],
            "page": (page, 0)}
    book = _workbook_of([("", data)], tmp_path)
    sheet = book.worksheets[0]
    assert sheet.title == "SYNTHETIC headline figures"  # cut at a whole word, no "of" left dangling
    assert [c.value for c in sheet["B"][1:]] == [37, "3 of 5 years"]  # no apostrophe, a number
    assert sheet["B2"].number_format.startswith('"+"#,##0" children"')
    assert [c.value for c in sheet["C"][1:]] == [1_200_000, -443_000]
    assert sheet["C2"].number_format.startswith('"+£"#,##0')


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), min_size=1, max_size=12))
def test_sheet_names_are_valid_unique_and_the_same_every_time(titles):
    names = sheet_names(titles)
    assert names == sheet_names(titles) and len(names) == len(titles)
    assert len({n.lower() for n in names}) == len(names)
    assert {"about", "sources", "history"}.isdisjoint(n.lower() for n in names)
    for name in names:
        assert 0 < len(name) <= SHEET_CHARS and name == name.strip() and not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")


def test_sheet_names_are_cut_at_a_clause_or_a_whole_word():
    assert sheet_names(["Mismatches and checks that could not be computed",
                        "Rates per 10,000 at 31 March; Torbay, its neighbours, region and England",
                        "The paper's comparator reproduced from the public releases",
                        "Scorecard: the month on one page", "By committee", "By committee", "About"]) == [
        "Mismatches and checks", "Rates per 10,000 at 31 March", "Paper's comparator reproduced", "Scorecard",
        "By committee", "By committee 2", "About 2"]


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@given(st.lists(st.text(max_size=80), min_size=1, max_size=4))
def test_break_opportunities_never_change_the_text_a_reader_sees(cells):
    page = "<table class=\"data\"><tbody><tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr></tbody></table>"
    assert _visible(break_opportunities(page)) == _visible(page)


def test_break_opportunities_after_a_slash_and_around_signed_amounts():
    out = break_opportunities("<td>Average Bournemouth/Southend/Plymouth</td><td>−£1,400,000 less</td>"
                              "<td>" + "a" * 40 + "</td><td>&lt;/script&gt;</td>")
    assert "Bournemouth/<wbr>Southend/<wbr>Plymouth" in out
    assert '<span class="nowrap">−£1,400,000</span> less' in out
    assert f'<span class="unbroken">{"a" * 40}</span>' in out
    assert "<td>&lt;/script&gt;</td>" in out  # an escaped tag's slash joins no two words


def test_a_heading_is_marked_to_keep_with_the_next_cell_that_shows_something():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Section\n\nIntro."),
        nbformat.v4.new_code_cell("x = 1"),  # no output: shows nothing
        nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output("display_data", {"text/html": "<p>x</p>"})]),
        nbformat.v4.new_markdown_cell("## Empty section"),
        nbformat.v4.new_markdown_cell("### Its subsection"),
        nbformat.v4.new_markdown_cell("Text."),
        nbformat.v4.new_markdown_cell("## Last"),
    ])
    nb, _ = KeepWithNext().preprocess(nb, {"global_content_filter": {"include_input": False}})
    marks = [(c.metadata.get("print_keep_start", False), c.metadata.get("print_keep_end", False)) for c in nb.cells]
    assert marks == [(True, False), (False, False), (False, True), (True, False), (False, False), (False, True),
                     (True, True)]


def test_a_mixed_column_keeps_its_numbers_when_a_text_cell_is_neutralised(tmp_path):
    frame = pd.DataFrame({"value": pd.Series([37, "-2+3+cmd|' /C calc'!A0", 0.43, "plain"], dtype=object)})
    path = spreadsheet.write_xlsx({"t": frame}, tmp_path / "t.xlsx")
    values = [c.value for c in openpyxl.load_workbook(path)["t"]["A"][1:]]
    assert values == [37, "'-2+3+cmd|' /C calc'!A0", 0.43, "plain"]
