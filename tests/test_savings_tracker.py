"""The Cambridgeshire savings tracker (data/raw/003_d6533d87f79221f8.txt) and the tracker reader.

Every expected value is read here from the raw text of 003 (split on tabs, amounts converted with
int(s.replace(',', ''))) or is a printed figure cited by line: the reader's output is never used as
its own expectation.  Lines of 003 referred to below:

* line 3   'Appendix 3 - Savings Tracker 2017-18 as at October 2017'
* line 6   the printed totals row (£000): 4,023 | -11,603 -3,109 -3,201 -2,625 | -20,538 |
           -7,168 -2,832 -4,483 -2,173 | -16,656 | 3,882 - repeated at the top of every page
* line 7   the header row (repeated on every page)
* lines 8-98  saving lines, each starting with its reference 'A/R.…'
"""

from __future__ import annotations

import csv
import random
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.errors import AnalysisError, InputError, InputErrors, problems_of
from analysis.ingest import ingest
from analysis.manifest import register

from .conftest import TRACKER, raw_lines

LINES = raw_lines(TRACKER)
HEADER_LINE = 7
HEADER = LINES[HEADER_LINE - 1].split("\t")
COL = {name: i for i, name in enumerate(HEADER)}

# processed money column -> header text of 003 line 7
MONEY_COLUMNS = {
    "investment_gbp": "Investment 17-18 £000",
    "planned_q1_gbp": "Original Phasing - Q1",
    "planned_q2_gbp": "Original Phasing - Q2",
    "planned_q3_gbp": "Original Phasing - Q3",
    "planned_q4_gbp": "Original Phasing - Q4",
    "planned_total_gbp": "Original Saving 17-18",
    "forecast_q1_gbp": "Current Forecast Phasing - Q1",
    "forecast_q2_gbp": "Current Forecast Phasing - Q2",
    "forecast_q3_gbp": "Current Forecast Phasing - Q3",
    "forecast_q4_gbp": "Current Forecast Phasing - Q4",
    "forecast_total_gbp": "Forecast Saving",
    "variance_gbp": "Variance from Plan £000",
}
TEXT_COLUMNS = {
    "reference": "Reference",
    "title": "Title",
    "description": "Description",
    "committee": "Committee",
    "commentary": "Forecast Commentary",
}
# 003 line 6 (and every other totals row): the paper's printed totals, £000, in column order
PRINTED_TOTALS = {
    "investment_gbp": 4_023,
    "planned_q1_gbp": -11_603, "planned_q2_gbp": -3_109, "planned_q3_gbp": -3_201, "planned_q4_gbp": -2_625,
    "planned_total_gbp": -20_538,
    "forecast_q1_gbp": -7_168, "forecast_q2_gbp": -2_832, "forecast_q3_gbp": -4_483, "forecast_q4_gbp": -2_173,
    "forecast_total_gbp": -16_656,
    "variance_gbp": 3_882,
}
# words the reconciliation item must contain for each printed total
TOTAL_LABELS = {
    "investment_gbp": "Investment",
    **{f"planned_q{q}_gbp": f"Original Phasing - Q{q}" for q in range(1, 5)},
    "planned_total_gbp": "Original Saving",
    **{f"forecast_q{q}_gbp": f"Forecast Phasing - Q{q}" for q in range(1, 5)},
    "forecast_total_gbp": "Forecast Saving",
    "variance_gbp": "Variance from Plan",
}
ARROWS = {"↑": "improving", "↔": "unchanged", "↓": "worsening"}
BUSINESS_COLUMNS = ["authority", "financial_year", "reference", "title", "description", "committee",
                    *MONEY_COLUMNS, "complete", "rag", "direction", "commentary", "partner_links"]
LINEAGE_COLUMNS = ["source_file", "source_sheet", "source_line", "document", "period"]


def thousands(text: str) -> int:
    return int(text.replace(",", ""))


def raw_saving_lines() -> dict[str, tuple[int, list[str]]]:
    """reference -> (1-based line number, cells) for every line of 003 starting 'A/R.'."""
    out: dict[str, tuple[int, list[str]]] = {}
    for number, text in enumerate(LINES, start=1):
        if text.startswith("A/R."):
            cells = [c.strip() for c in text.split("\t")]
            assert cells[0] not in out, f"reference {cells[0]} twice in the raw text"
            out[cells[0]] = (number, cells)
    return out


RAW_LINES = raw_saving_lines()


def cell(ref: str, header: str) -> str:
    return RAW_LINES[ref][1][COL[header]]


def raw_totals_rows() -> dict[int, list[str]]:
    """line number -> cells, for lines whose first non-empty cell is '4,023' (the totals rows)."""
    out = {}
    for number, text in enumerate(LINES, start=1):
        cells = [c.strip() for c in text.split("\t")]
        non_empty = [c for c in cells if c]
        if non_empty and non_empty[0] == "4,023":
            out[number] = cells
    return out


RAW_TOTALS = raw_totals_rows()


@pytest.fixture(scope="module")
def tracker(bundled) -> pd.DataFrame:
    return bundled.tables["savings_tracker"]


@pytest.fixture(scope="module")
def by_ref(tracker) -> pd.DataFrame:
    return tracker.set_index("reference", drop=False)


# ---------------------------------------------------------------------------------------------
# What the raw text itself says (checks of this file's own reading of 003)


def test_raw_text_facts_used_below():
    assert LINES[2] == "Appendix 3 - Savings Tracker 2017-18 as at October 2017"
    assert len(RAW_LINES) == 67
    assert HEADER[0] == "Reference" and len(HEADER) == 21
    assert set(MONEY_COLUMNS.values()) | set(TEXT_COLUMNS.values()) <= set(HEADER)
    # line 6 prints the totals named in the module docstring
    assert [c for c in LINES[5].split("\t") if c] == [f"{v:,}" for v in PRINTED_TOTALS.values()]
    # the same totals row is printed on each of the 7 pages
    assert len(RAW_TOTALS) == 7
    for cells in RAW_TOTALS.values():
        assert [c for c in cells if c] == [f"{v:,}" for v in PRINTED_TOTALS.values()]
    # the paper is internally consistent: its saving lines add up to its printed totals
    for column, header in MONEY_COLUMNS.items():
        assert sum(thousands(cell(r, header)) for r in RAW_LINES) == PRINTED_TOTALS[column], column


# ---------------------------------------------------------------------------------------------
# One row per saving line


def test_one_row_per_saving_line(tracker):
    assert len(tracker) == 67
    assert len(tracker) == len(RAW_LINES)
    assert set(tracker.reference) == set(RAW_LINES)
    assert not tracker.reference.duplicated().any()


def test_no_totals_or_header_rows_became_savings(tracker):
    assert tracker.reference.str.match(r"^A/R\.\d+\.\d{3}$").all()
    assert not tracker.reference.str.lower().str.contains("total|reference").any()


# ---------------------------------------------------------------------------------------------
# Printed totals


@pytest.mark.parametrize("column", list(PRINTED_TOTALS))
def test_column_sums_equal_the_printed_totals(tracker, column):
    # 003 line 6: printed totals row (£000); the processed table is whole pounds
    assert int(tracker[column].sum()) == PRINTED_TOTALS[column] * 1000
    assert tracker[column].notna().all()


def _tracker_total_checks(reconciliation: pd.DataFrame, source_file: str = TRACKER) -> pd.DataFrame:
    rec = reconciliation
    return rec[(rec.source_file == source_file) & rec.item.str.startswith("totals row")]


def test_one_ok_check_per_printed_total_with_its_copies_noted(bundled):
    """003 prints its totals row on each of its seven pages (RAW_TOTALS): each of the 12 totals is
    checked once, on the first copy (line 6), and the note says the copies agree (issue 11)."""
    checks = _tracker_total_checks(bundled.reconciliation)
    assert len(checks) == len(PRINTED_TOTALS)  # 12 columns, not 7 rows x 12
    assert set(checks.source_line.astype(int)) == {min(RAW_TOTALS)}
    assert (checks.status == "ok").all()
    assert (checks.check == "total").all()
    assert (checks.unit == "gbp").all()
    assert (checks.stated_precision == 1000).all()  # printed in £000
    for column, printed in PRINTED_TOTALS.items():
        match = checks[checks.stated == printed * 1000]
        assert len(match) >= 1, column
        assert any(TOTAL_LABELS[column] in item for item in match.item), column
        assert match.computed.iloc[0] == printed * 1000
        assert match.difference.iloc[0] == 0
    for note in checks.note:
        assert f"printed {len(RAW_TOTALS)} times" in note and "every copy agrees with the first" in note
        assert all(f"line {n}" in note for n in RAW_TOTALS)


def test_shifted_totals_rows_are_recognised_and_noted(bundled):
    # Lines 6 and 85 put 4,023 under 'Investment' (4 leading tabs); the other pages' totals rows
    # are shifted two cells to the left (2 leading tabs).
    shifted = {n for n, cells in RAW_TOTALS.items() if cells.index("4,023") != COL["Investment 17-18 £000"]}
    aligned = set(RAW_TOTALS) - shifted
    assert aligned == {6, 85}
    assert shifted == {22, 33, 44, 57, 69}
    checks = _tracker_total_checks(bundled.reconciliation)
    for note in checks.note:
        said = note.split("shifted left of their columns in the extract (")[1].split(")")[0]
        assert said == ", ".join(f"line {n}" for n in sorted(shifted))


def test_per_line_checks_agree_with_the_raw_arithmetic(bundled):
    rec = bundled.reconciliation
    rec = rec[(rec.source_file == TRACKER) & ~rec.item.str.startswith("totals row") & (rec["check"] != "prose")]
    assert len(rec) == 3 * 67  # planned sum, forecast sum, variance per line
    for ref, (line, cells) in RAW_LINES.items():
        mine = rec[rec.item.str.startswith(ref + ":")]
        assert set(mine.source_line.astype(int)) == {line}
        for side, quarters, total in (
                ("planned", [f"Original Phasing - Q{q}" for q in range(1, 5)], "Original Saving 17-18"),
                ("forecast", [f"Current Forecast Phasing - Q{q}" for q in range(1, 5)], "Forecast Saving")):
            computed = sum(thousands(cells[COL[h]]) for h in quarters) * 1000
            stated = thousands(cells[COL[total]]) * 1000
            row = mine[mine.item.str.contains(f"{side} Q1-Q4")]
            assert len(row) == 1
            assert (row.stated.iloc[0], row.computed.iloc[0]) == (stated, computed)
            assert row.status.iloc[0] == ("ok" if stated == computed else "mismatch")
        variance = mine[mine.item.str.contains("variance")]
        planned = thousands(cells[COL["Original Saving 17-18"]])
        forecast = thousands(cells[COL["Forecast Saving"]])
        assert variance.stated.iloc[0] == thousands(cells[COL["Variance from Plan £000"]]) * 1000
        assert variance.computed.iloc[0] == (forecast - planned) * 1000


# ---------------------------------------------------------------------------------------------
# Money in whole pounds, sign as printed


def test_named_figures_in_whole_pounds(by_ref):
    # 003 line 91: A/R.6.243 Investment 1,595 (£000)
    assert by_ref.loc["A/R.6.243", "investment_gbp"] == 1_595_000
    # 003 line 9: A/R.6.101 Original Saving -395, Forecast Saving 0, Variance from Plan 395 (£000)
    assert by_ref.loc["A/R.6.101", "planned_total_gbp"] == -395_000
    assert by_ref.loc["A/R.6.101", "forecast_total_gbp"] == 0
    assert by_ref.loc["A/R.6.101", "variance_gbp"] == 395_000
    # 003 line 10: A/R.6.102 is a cost (part reversal of a saving): +120 printed, kept positive
    assert by_ref.loc["A/R.6.102", "planned_total_gbp"] == 120_000


def test_money_dtype_is_nullable_integer(tracker):
    for column in MONEY_COLUMNS:
        assert str(tracker[column].dtype) == "Int64", column


@pytest.mark.parametrize("column", list(MONEY_COLUMNS))
def test_every_money_cell_is_the_printed_figure_times_1000(by_ref, column):
    header = MONEY_COLUMNS[column]
    for ref in RAW_LINES:
        assert by_ref.loc[ref, column] == thousands(cell(ref, header)) * 1000, (ref, column, cell(ref, header))


def test_signs_as_printed(tracker):
    # raw: how many lines print a negative / positive / zero Original Saving
    printed = [thousands(cell(r, "Original Saving 17-18")) for r in RAW_LINES]
    processed = tracker.planned_total_gbp.astype(int)
    assert (processed < 0).sum() == sum(v < 0 for v in printed)
    assert (processed > 0).sum() == sum(v > 0 for v in printed)
    assert (processed == 0).sum() == sum(v == 0 for v in printed)


# ---------------------------------------------------------------------------------------------
# RAG, direction, complete, partner links, text


def test_printed_zero_is_not_a_rag_colour(by_ref):
    # 003 line 75: A/R.6.221 prints '0' in the RAG column
    assert RAW_LINES["A/R.6.221"][0] == 75
    assert cell("A/R.6.221", "RAG") == "0"
    row = by_ref.loc["A/R.6.221"]
    assert pd.isna(row["rag"])
    assert row["rag_raw"] == "0"
    assert "rag" in row["cleaning_flags"]


def test_rag_counts_match_the_raw_text(tracker):
    raw = Counter(cell(r, "RAG") for r in RAW_LINES)
    colours = {k: v for k, v in raw.items() if k in ("Red", "Amber", "Green")}
    assert Counter(tracker.rag.dropna()) == Counter(colours)
    assert tracker.rag.isna().sum() == sum(v for k, v in raw.items() if k not in colours)
    assert sum(colours.values()) + raw["0"] == 67


def test_rag_raw_is_the_printed_cell(by_ref):
    for ref in RAW_LINES:
        assert by_ref.loc[ref, "rag_raw"] == cell(ref, "RAG"), ref


def test_direction_of_travel_for_every_line(by_ref):
    seen = Counter()
    for ref in RAW_LINES:
        arrow = cell(ref, "Direction of travel")
        assert arrow in ARROWS, (ref, arrow)
        assert by_ref.loc[ref, "direction"] == ARROWS[arrow], ref
        assert by_ref.loc[ref, "direction_raw"] == arrow, ref
        seen[ARROWS[arrow]] += 1
    assert set(seen) == {"improving", "unchanged", "worsening"}


def test_saving_complete_for_every_line(by_ref):
    for ref in RAW_LINES:
        printed = cell(ref, "Saving complete?")
        assert printed in ("Yes", "No")
        assert bool(by_ref.loc[ref, "complete"]) is (printed == "Yes"), ref


def test_partner_links_zero_is_none(by_ref):
    for ref in RAW_LINES:
        printed = cell(ref, "Links with partner organisations")
        value = by_ref.loc[ref, "partner_links"]
        if printed in ("0", ""):
            assert pd.isna(value), ref
        else:
            assert value == printed, ref
        raw_value = by_ref.loc[ref, "partner_links_raw"]
        if printed == "":
            assert pd.isna(raw_value), ref
        else:
            assert raw_value == printed, ref


@pytest.mark.parametrize("column", list(TEXT_COLUMNS))
def test_text_cells_are_kept_as_printed(by_ref, column):
    for ref in RAW_LINES:
        printed = cell(ref, TEXT_COLUMNS[column])
        value = by_ref.loc[ref, column]
        if printed == "":
            assert pd.isna(value), (ref, column)  # e.g. 003 line 66: A/R.6.216 has no commentary
        else:
            assert value == printed, (ref, column)


def test_html_tags_stay_text(by_ref):
    # 003 line 35: A/R.6.145 description starts '<p>The proposal is to invest …'
    assert by_ref.loc["A/R.6.145", "description"].startswith("<p>")
    assert by_ref.loc["A/R.6.145", "description"] == cell("A/R.6.145", "Description")
    # 003 line 49: A/R.6.165 description contains a '<ul style=…>' list
    assert "<ul style=" in by_ref.loc["A/R.6.165", "description"]
    assert by_ref.loc["A/R.6.165", "description"] == cell("A/R.6.165", "Description")
    # 003 line 87: A/R.6.239 commentary starts with '<p>'
    assert by_ref.loc["A/R.6.239", "commentary"].startswith("<p>")


# ---------------------------------------------------------------------------------------------
# Lineage


def test_every_row_points_at_its_raw_line(tracker):
    assert (tracker.source_file == TRACKER).all()
    assert (tracker.document == "003").all()
    assert tracker.source_sheet.isna().all()
    for row in tracker.itertuples():
        assert LINES[int(row.source_line) - 1].startswith(row.reference + "\t"), row.reference
        assert int(row.source_line) == RAW_LINES[row.reference][0]


def test_period_and_authority_from_the_manifest(tracker):
    # data/raw/manifest.csv line 5: 003, Cambridgeshire, period 2017-10; 003 line 3 'as at October 2017'
    assert (tracker.authority == "Cambridgeshire").all()
    assert (tracker.period == "2017-10").all()
    assert (tracker.financial_year == "2017-18").all()


# ---------------------------------------------------------------------------------------------
# The same tracker as CSV and XLSX must ingest identically


def raw_header_and_rows() -> tuple[list[str], list[list[str]]]:
    """003 line 7 and the 67 saving lines, cut to the header's width (the cells past it are empty)."""
    rows = []
    for _, cells in sorted(RAW_LINES.values()):
        assert not any(cells[len(HEADER):])
        rows.append(cells[: len(HEADER)])
    return list(HEADER), rows


def processed_header_and_rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The processed table written back as a tracker: the header of 003 line 7, money in £000,
    Yes/No, RAG colours and direction in words."""
    field_of = {v: k for k, v in {**MONEY_COLUMNS, **TEXT_COLUMNS}.items()}
    field_of.update({"Saving complete?": "complete", "RAG": "rag", "Direction of travel": "direction",
                     "Links with partner organisations": "partner_links"})
    rows = []
    for rec in table.sort_values("source_line").to_dict("records"):
        cells = []
        for header in HEADER:
            field = field_of[header]
            value = rec[field]
            if pd.isna(value):
                cells.append("")
            elif field in MONEY_COLUMNS:
                assert int(value) % 1000 == 0
                cells.append(str(int(value) // 1000))
            elif field == "complete":
                cells.append("Yes" if value else "No")
            else:
                cells.append(str(value))
        rows.append(cells)
    return list(HEADER), rows


def totals_cells(header: list[str]) -> list[str]:
    """A 'Total' row: label under Reference, the printed totals of 003 line 6 under the money columns."""
    by_header = {MONEY_COLUMNS[c]: f"{v:,}" for c, v in PRINTED_TOTALS.items()}
    return ["Total" if h == "Reference" else by_header.get(h, "") for h in header]


VARIED_HEADERS = {
    "Reference": "REFERENCE",
    "Title": "  title ",
    "Description": "Description",
    "Committee": "committee",
    "Investment 17-18 £000": "Investment\n17-18 £000",
    "Original Phasing - Q1": "Original Phasing -\nQ1",
    "Original Phasing - Q2": "ORIGINAL  PHASING - Q2",
    "Original Phasing - Q3": "original phasing  -  q3",
    "Original Phasing - Q4": "Original Phasing -\nQ4 ",
    "Original Saving 17-18": "Original   Saving\n17-18",
    "Current Forecast Phasing - Q1": "current forecast phasing - q1",
    "Current Forecast Phasing - Q2": "Current Forecast\nPhasing - Q2",
    "Current Forecast Phasing - Q3": "CURRENT FORECAST PHASING - Q3",
    "Current Forecast Phasing - Q4": " Current  Forecast Phasing - Q4",
    "Forecast Saving": "Forecast\nSaving",
    "Variance from Plan £000": "variance from plan £000",
    "Saving complete?": "Saving Complete?",
    "RAG": "rag",
    "Direction of travel": "Direction Of\nTravel",
    "Forecast Commentary": "FORECAST COMMENTARY",
    "Links with partner organisations": "Links with  partner\norganisations",
}
MONEY_HEADERS = set(MONEY_COLUMNS.values())
SHEETS = ("Adults", "Children and Young People")
SPLIT_AT = 33  # saving rows on the first sheet


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> dict:
    """Shuffled columns, varied header text, two sheets, a 'Total' row at the bottom of the
    second.  Money as numbers (as Excel holds them).  Returns where the Total row is."""
    order = list(range(len(header)))
    random.Random(20171031).shuffle(order)
    assert order != sorted(order)

    def arrange(cells: list[str], is_header: bool = False) -> list:
        out = []
        for i in order:
            value = cells[i]
            if is_header:
                out.append(VARIED_HEADERS[value])
            elif header[i] in MONEY_HEADERS and value != "":
                out.append(thousands(value))
            else:
                out.append(value if value != "" else None)
        return out

    wb = openpyxl.Workbook()
    first = wb.active
    first.title = SHEETS[0]
    second = wb.create_sheet(SHEETS[1])
    first.append(["Savings Tracker 2017-18"])  # a title above the header
    first.append([])
    first.append(arrange(header, is_header=True))
    for cells in rows[:SPLIT_AT]:
        first.append(arrange(cells))
    second.append(arrange(header, is_header=True))
    for cells in rows[SPLIT_AT:]:
        second.append(arrange(cells))
    second.append([])
    second.append(arrange(totals_cells(header)))
    total_row = second.max_row
    wb.save(path)
    return {"sheet": SHEETS[1], "row": total_row}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> dict:
    """Header as printed, figures as printed (with thousands commas), a 'Total' row at the end."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow(totals_cells(header))
    return {"sheet": None, "row": len(rows) + 2}


def ingest_single(tmp_path: Path, file: Path, *, period: str = "2017-11", unit: str = "gbp_thousands"):
    """A raw folder holding only ``file``, registered as a Cambridgeshire tracker; then ingest."""
    raw = tmp_path / "raw_single"
    raw.mkdir(exist_ok=True)
    target = raw / file.name
    if file.resolve() != target.resolve():
        shutil.move(file, target)
    register(raw, target, kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period=period, unit=unit)
    return ingest(raw)


def business(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("reference")[BUSINESS_COLUMNS].reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("source", ["raw_text", "processed_table"])
def test_csv_and_xlsx_ingest_like_the_paper(tmp_path, tracker, fmt, source):
    header, rows = raw_header_and_rows() if source == "raw_text" else processed_header_and_rows(tracker)
    assert len(rows) == 67
    path = tmp_path / f"tracker_2017-11.{fmt}"
    total = (write_xlsx if fmt == "xlsx" else write_csv)(path, header, rows)

    result = ingest_single(tmp_path, path)
    table = result.tables["savings_tracker"]

    # every business column equal to the paper's ingest; only lineage may differ
    pd.testing.assert_frame_equal(business(table), business(tracker))
    assert (table.period == "2017-11").all()
    assert (table.source_file == path.name).all()
    assert len(table) == 67

    # the Total row is reconciled, not ingested as a saving
    assert not table.reference.str.lower().str.startswith("total").any()
    checks = _tracker_total_checks(result.reconciliation, path.name)
    assert len(checks) == 12
    assert (checks.status == "ok").all()
    assert set(checks.source_line.astype(int)) == {total["row"]}
    assert sorted(checks.stated) == sorted(v * 1000 for v in PRINTED_TOTALS.values())
    assert not checks.note.str.contains("shifted").any()  # the figures sit under their columns


def test_xlsx_rows_point_at_their_sheet_and_row(tmp_path):
    header, rows = raw_header_and_rows()
    path = tmp_path / "tracker_2017-11.xlsx"
    write_xlsx(path, header, rows)
    saved = tmp_path / "copy.xlsx"
    shutil.copy(path, saved)
    table = ingest_single(tmp_path, path).tables["savings_tracker"]
    assert set(table.source_sheet) == set(SHEETS)
    assert (table.source_sheet == SHEETS[0]).sum() == SPLIT_AT
    wb = openpyxl.load_workbook(saved)
    for row in table.itertuples():
        values = [c.value for c in wb[row.source_sheet][int(row.source_line)]]
        assert row.reference in values, (row.reference, row.source_sheet, row.source_line)


def test_csv_cell_with_double_quotes_is_read_exactly(tmp_path):
    # 003 line 49: A/R.6.165's description holds '<ul style="list-style-type: none">'.  A standard
    # (Excel / RFC 4180) CSV writes that cell quoted with the quotes doubled; it must read back as
    # printed.  The quote first occurs more than 4 KB into the file.
    assert '"' in cell("A/R.6.165", "Description")
    header, rows = raw_header_and_rows()
    path = tmp_path / "tracker_2017-11.csv"
    write_csv(path, header, rows)
    text = path.read_text(encoding="utf-8")
    assert text.find('"', text.find("A/R.6.165")) > 4096
    # the file is a valid CSV: the csv module's default (excel) dialect reads every row back exactly
    with open(path, newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1:68] == rows
    table = ingest_single(tmp_path, path).tables["savings_tracker"].set_index("reference")
    assert table.loc["A/R.6.165", "description"] == cell("A/R.6.165", "Description")


def test_csv_rows_point_at_their_line(tmp_path):
    header, rows = raw_header_and_rows()
    path = tmp_path / "tracker_2017-11.csv"
    write_csv(path, header, rows)
    text_lines = path.read_bytes().decode("utf-8").split("\r\n")
    table = ingest_single(tmp_path, path).tables["savings_tracker"]
    assert table.source_sheet.isna().all()
    for row in table.itertuples():
        assert text_lines[int(row.source_line) - 1].startswith(row.reference + ","), row.reference


# ---------------------------------------------------------------------------------------------
# Bad input: one clear error naming file, line, column, expected and found


def text_variant(tmp_path: Path, lines: list[str], *, unit: str = "gbp_thousands", period: str = "2017-10",
                 name: str = "tracker_edit.txt"):
    """A tracker built from 003's lines (edited), alone in a raw folder; returns ingest's outcome."""
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return ingest_single(tmp_path, path, unit=unit, period=period)


def set_cell(lines: list[str], line: int, header: str, value: str) -> list[str]:
    lines = list(lines)
    cells = lines[line - 1].split("\t")
    cells[COL[header]] = value
    lines[line - 1] = "\t".join(cells)
    return lines


def assert_one_clear_error(info, *, file: str, line: int, column: str, found: str, expected: str):
    err = info.value
    assert type(err) is InputError, problems_of(err)  # one error, not a bundle
    message = str(err)
    assert file in message
    assert f":{line}:" in message
    assert f"column {column!r}" in message
    assert f"expected {expected}" in message
    assert f"found {found!r}" in message


def test_rag_purple(tmp_path):
    # 003 line 75 (A/R.6.221) with 'Purple' in the RAG column
    lines = set_cell(LINES, 75, "RAG", "Purple")
    with pytest.raises(AnalysisError) as info:
        text_variant(tmp_path, lines)
    assert_one_clear_error(info, file="tracker_edit.txt", line=75, column="RAG", found="Purple",
                           expected="Red, Amber, Green or blank")


def test_money_cell_abc(tmp_path):
    # 003 line 9 (A/R.6.101) with 'abc' for the Q1 original phasing
    lines = set_cell(LINES, 9, "Original Phasing - Q1", "abc")
    with pytest.raises(AnalysisError) as info:
        text_variant(tmp_path, lines)
    assert_one_clear_error(info, file="tracker_edit.txt", line=9, column="Original Phasing - Q1", found="abc",
                           expected="an amount in £000")


def test_header_without_variance_from_plan(tmp_path):
    header, rows = raw_header_and_rows()
    drop = header.index("Variance from Plan £000")
    header = header[:drop] + header[drop + 1:]
    rows = [r[:drop] + r[drop + 1:] for r in rows]
    path = tmp_path / "no_variance.csv"
    write_csv(path, header, rows)
    with pytest.raises(AnalysisError) as info:
        ingest_single(tmp_path, path)
    err = info.value
    assert type(err) is InputError, problems_of(err)
    message = str(err)
    assert "no_variance.csv" in message
    assert ":1:" in message  # the header line
    assert "Variance from Plan" in message  # the missing column is named
    assert "expected" in message and "found" in message


def test_same_reference_twice_with_different_figures(tmp_path):
    # A/R.6.101 (003 line 9) printed again below the page-2 header (after line 23) with a different
    # variance: which one is right cannot be known
    changed = set_cell(LINES, 9, "Variance from Plan £000", "396")[8]
    lines = LINES[:23] + [changed] + LINES[23:]
    with pytest.raises(AnalysisError) as info:
        text_variant(tmp_path, lines)
    assert_one_clear_error(info, file="tracker_edit.txt", line=24, column="Reference", found="A/R.6.101",
                           expected="each reference once (also at line 9)")


def test_extra_cells_past_the_header(tmp_path):
    lines = list(LINES)
    lines[8] = lines[8] + "\tstray figure"  # 003 line 9 has exactly the header's 21 cells
    assert len(LINES[8].split("\t")) == len(HEADER)
    with pytest.raises(AnalysisError) as info:
        text_variant(tmp_path, lines)
    assert_one_clear_error(info, file="tracker_edit.txt", line=9, column=f"beyond column {len(HEADER)}",
                           found="stray figure", expected="no cells to the right")


def test_identical_repeat_is_dropped_with_a_flag(tmp_path, tracker):
    # page-break duplication: A/R.6.101 (line 9) printed again, identically, as new line 24
    lines = LINES[:23] + [LINES[8]] + LINES[23:]
    result = text_variant(tmp_path, lines)
    table = result.tables["savings_tracker"]
    assert len(table) == 67
    assert table.reference.value_counts()["A/R.6.101"] == 1
    row = table.set_index("reference").loc["A/R.6.101"]
    assert int(row["source_line"]) == 9
    assert "repeated" in row["cleaning_flags"] and "line 24" in row["cleaning_flags"]
    pd.testing.assert_frame_equal(business(table), business(tracker))
    checks = _tracker_total_checks(result.reconciliation, "tracker_edit.txt")
    assert len(checks) == 12 and (checks.status == "ok").all()


def test_header_in_thousands_but_manifest_says_pounds(tmp_path):
    # 003 line 7 says 'Investment 17-18 £000' and 'Variance from Plan £000'
    with pytest.raises(AnalysisError) as info:
        text_variant(tmp_path, LINES, unit="gbp")
    lines = problems_of(info.value)
    header_lines = [n for n, t in enumerate(LINES, 1) if t.startswith("Reference\t")]
    assert len(header_lines) == 7  # the header is printed on every page: one problem, at the first
    assert len(lines) == 1
    assert f"tracker_edit.txt:{header_lines[0]}: column 'Investment 17-18 £000'" in lines[0]
    assert "unit=gbp" in lines[0] and "thousands of pounds (£000)" in lines[0] and "--replace" in lines[0]


def test_header_in_thousands_but_manifest_says_pounds_csv_is_one_error(tmp_path):
    header, rows = raw_header_and_rows()
    path = tmp_path / "pounds.csv"
    write_csv(path, header, rows)
    with pytest.raises(InputError) as info:
        ingest_single(tmp_path, path, unit="gbp")
    assert "pounds.csv:1:" in str(info.value)
    assert "unit=gbp" in str(info.value)


def test_period_must_match_the_paper(tmp_path):
    # 003 line 3 says 'as at October 2017': registering it for November is refused
    with pytest.raises(InputError) as info:
        text_variant(tmp_path, LINES, period="2017-11")
    assert ":3:" in str(info.value)
    assert "2017-11" in str(info.value) and "2017-10" in str(info.value)


def test_unchanged_copy_ingests_like_the_bundle(tmp_path, tracker):
    result = text_variant(tmp_path, LINES)
    pd.testing.assert_frame_equal(business(result.tables["savings_tracker"]), business(tracker))


def test_errors_in_several_rows_are_reported_together(tmp_path):
    lines = set_cell(LINES, 75, "RAG", "Purple")
    lines = set_cell(lines, 9, "Original Phasing - Q1", "abc")
    with pytest.raises(InputErrors) as info:
        text_variant(tmp_path, lines)
    found = problems_of(info.value)
    assert len(found) == 2
    assert any(":9:" in p and "abc" in p for p in found)
    assert any(":75:" in p and "Purple" in p for p in found)

