"""What ingest prints when a whole file has one mistake, and what it keeps (issue 17, "Error floods").

Every input is SYNTHETIC: the bundled Cambridgeshire tracker (data/raw/003) saved the way an
analyst's tools save it - through openpyxl with formulas and no cached results, through Excel's
"CSV (Comma delimited)" (Windows-1252: the arrows become '?'), with a column renamed, with one
100,000-character commentary.  Expected counts and line numbers are computed here from 003's raw
text and from what the test wrote (cells starting '=', cells that Windows-1252 cannot hold), never
from the reader under test.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import cli
from analysis.errors import GROUP_FROM, InputError, InputErrors, describe_group, problem_lines, problems_of
from analysis.ingest import savings_tracker
from analysis.manifest import register
from analysis.spreadsheet import EXCEL_CELL_CHARS, excel_length, fit_cell, write_xlsx

from .fixtures.trackers import COL, HEADER, MONEY_HEADERS, as_numbers, csv_text, ingest_file, rows
from .fixtures.trackers import write_xlsx as write_tracker_xlsx

LINES40 = rows(40)  # 003's first 40 saving lines (lines 9-...), cells as printed
CSV_UTF8 = '"CSV UTF-8 (Comma delimited)"'


def raw_folder(tmp_path: Path, name: str, data: bytes | None = None) -> Path:
    """``data`` written as ``name`` (or the file already at tmp_path/name moved) into a raw folder,
    registered as a Cambridgeshire tracker in £000 printing savings negative."""
    raw = tmp_path / "raw"
    raw.mkdir()
    target = raw / name
    if data is None:
        (tmp_path / name).rename(target)
    else:
        target.write_bytes(data)
    register(raw, target, kind="savings_tracker", authority="Cambridgeshire", period="2017-10",
             unit="gbp_thousands", saving_sign="negative")
    return raw


def cli_errors(raw: Path, out: Path, capsys) -> list[str]:
    """The lines ``python -m analysis ingest`` prints on stderr; its exit status must be 2."""
    capsys.readouterr()
    assert cli.main(["ingest", "--raw", str(raw), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert all(line.startswith("error: ") for line in lines), lines
    return lines


# ---------------------------------------------------------------------------------------------
# Formulas without cached values: one line, the count, the remedy


def formula_workbook(path: Path, *, rag_formulas: bool = False) -> list[tuple[int, str]]:
    """003's first 40 lines as a workbook whose Original Saving, Forecast Saving and Variance
    cells are formulas, saved by openpyxl (which stores no result).  Returns (row, formula) of
    every formula cell written."""
    body = as_numbers(LINES40)
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(HEADER)}
    written = []
    for row_number, cells in enumerate(body, start=2):
        q = [f"{letter[f'Original Phasing - Q{k}']}{row_number}" for k in (1, 4)]
        f = [f"{letter[f'Current Forecast Phasing - Q{k}']}{row_number}" for k in (1, 4)]
        formulas = {"Original Saving 17-18": f"=SUM({q[0]}:{q[1]})", "Forecast Saving": f"=SUM({f[0]}:{f[1]})",
                    "Variance from Plan £000": f"={letter['Forecast Saving']}{row_number}"
                                               f"-{letter['Original Saving 17-18']}{row_number}"}
        if rag_formulas:
            formulas = {"RAG": f'=IF({letter["Variance from Plan £000"]}{row_number}>0,"Red","Green")'}
        for header, formula in formulas.items():
            cells[COL[header]] = formula
            written.append((row_number, formula))
    write_tracker_xlsx(path, {"Tracker": [HEADER, *body]})
    return written


def test_120_formulas_without_values_are_one_line_with_the_count_and_the_remedy(tmp_path, capsys):
    written = formula_workbook(tmp_path / "scripted.xlsx")
    # the workbook as saved holds the formulas and no value for them (what the reader sees)
    sheet = openpyxl.load_workbook(tmp_path / "scripted.xlsx", data_only=True)["Tracker"]
    assert all(sheet.cell(r, COL["Forecast Saving"] + 1).value is None for r in range(2, 42))
    count = len(written)
    assert count == 3 * 40 == 120
    raw = raw_folder(tmp_path, "scripted.xlsx")
    lines = cli_errors(raw, tmp_path / "out", capsys)
    assert len(lines) == 1, lines
    line = lines[0]
    assert "scripted.xlsx [sheet 'Tracker']" in line
    assert f"{count} cells" in line
    assert "open and save it in Excel (which stores each formula's result), or export values" in line \
        or "open and save it in Excel, which stores each formula's result, or export values" in line
    for column in ("Original Saving", "Forecast Saving", "Variance from Plan"):
        assert f"'{column}' (rows 2-41)" in line
    assert repr(written[0][1]) in line  # the first formula, as an example
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_each_formula_is_still_one_problem_for_scripts(tmp_path):
    written = formula_workbook(tmp_path / "scripted.xlsx")
    with pytest.raises(InputErrors) as info:
        ingest_file(tmp_path, "scripted.xlsx", None)
    assert len(problems_of(info.value)) == len(written)
    assert sorted((e.line, e.found) for e in info.value.errors) == sorted(written)


def test_a_rag_formula_without_its_value_is_not_read_as_a_blank_rag(tmp_path):
    written = formula_workbook(tmp_path / "rag.xlsx", rag_formulas=True)
    with pytest.raises(InputErrors) as info:
        ingest_file(tmp_path, "rag.xlsx", None)
    assert {(e.line, e.column, e.found) for e in info.value.errors} == {(r, "RAG", f) for r, f in written}
    assert "open and save it in Excel" in problem_lines(info.value)[0]


def test_a_title_formula_without_its_value_is_named_as_a_formula_not_a_missing_title(tmp_path):
    body = as_numbers(LINES40[:5])
    body[1][COL["Title"]] = '=CONCAT("LAC ","placements")'  # row 3 of the sheet
    write_tracker_xlsx(tmp_path / "t.xlsx", {"Tracker": [HEADER, *body]})
    with pytest.raises(InputError) as info:
        ingest_file(tmp_path, "t.xlsx", None)
    assert (info.value.line, info.value.column, info.value.found) == (3, "Title", '=CONCAT("LAC ","placements")')
    assert "formula with no saved result" in info.value.expected


# ---------------------------------------------------------------------------------------------
# Excel's "CSV (Comma delimited)": Windows-1252, arrows saved as '?'


def excel_ansi_csv() -> tuple[bytes, list[int]]:
    """003's first 40 lines as Excel's "CSV (Comma delimited)" writes them: Windows-1252, every
    character it cannot hold written as '?'.  Returns the bytes and the lines holding an arrow."""
    text = csv_text(HEADER, LINES40, total=False)  # the header on line 1, saving line k on line k + 1
    assert text.count("\r\n") == len(LINES40) + 1  # no cell holds a line break
    arrows = [n for n, r in enumerate(LINES40, start=2) if r[COL["Direction of travel"]] in ("↑", "↔", "↓")]
    return text.encode("cp1252", errors="replace"), arrows


def test_arrows_saved_as_question_marks_are_one_line_naming_csv_utf8(tmp_path, capsys):
    data, arrow_lines = excel_ansi_csv()
    assert b"\xa3" in data  # '£' of the header, so the file is Windows-1252, not plain ASCII
    assert len(arrow_lines) == 40 and arrow_lines == list(range(2, 42))
    raw = raw_folder(tmp_path, "excel.csv", data)
    lines = cli_errors(raw, tmp_path / "out", capsys)
    assert len(lines) == 1, lines
    line = lines[0]
    assert "column 'Direction of travel': 40 cells (lines 2-41)" in line
    assert "found '?' (lines 2, 3, 4, …)" in line
    assert CSV_UTF8 in line and ".xlsx" in line


def test_a_question_mark_in_a_money_cell_gets_the_same_remedy(tmp_path):
    body = [list(r) for r in LINES40[:5]]
    body[2][COL["Forecast Saving"]] = "−1,595"  # U+2212: Excel's ANSI CSV writes '?'
    data = csv_text(HEADER, body, total=False).encode("cp1252", errors="replace")
    assert data.count(b"?") == 5 + 1 + data.count(b"Saving complete?")  # 5 arrows, the minus, the header's own
    with pytest.raises(InputErrors) as info:
        ingest_file(tmp_path, "t.csv", data)
    money = [e for e in info.value.errors if e.column == "Forecast Saving"]
    assert [(e.line, e.found) for e in money] == [(4, "?1,595")]
    assert CSV_UTF8 in money[0].hint
    lines = problem_lines(info.value)  # 5 arrows in one line, the money cell alone: 2 lines
    assert len(lines) == 2 and "column 'Direction of travel': 5 cells (lines 2-6)" in lines[0]
    assert lines[1] == money[0].describe()


def test_a_decimal_comma_gets_its_remedy(tmp_path):
    money = {COL[h] for h in MONEY_HEADERS}
    body = [[c.replace(",", "") if i in money else c for i, c in enumerate(r)] for r in LINES40[:5]]
    body[1][COL["Investment 17-18 £000"]] = "12,5"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([HEADER, *body])  # a European-locale Excel
    text = out.getvalue()
    with pytest.raises(InputError) as info:
        ingest_file(tmp_path, "t.csv", text)
    assert info.value.found == "12,5" and "decimal comma" in str(info.value)


def test_utf16_without_a_byte_order_mark_gets_its_remedy(tmp_path):
    data = csv_text(HEADER, LINES40[:5]).encode("utf-16-le")  # no BOM
    with pytest.raises(InputError) as info:
        ingest_file(tmp_path, "t.csv", data)
    assert "UTF-16 text without a byte-order mark" in str(info.value) and CSV_UTF8 in str(info.value)


# ---------------------------------------------------------------------------------------------
# A renamed column: the header in full, and the likely rename


def test_a_renamed_column_is_named_with_the_whole_header_and_did_you_mean(tmp_path, capsys):
    header = ["Varience" if h.startswith("Variance") else h for h in HEADER]
    raw = raw_folder(tmp_path, "t.csv", csv_text(header, LINES40[:5]).encode("utf-8"))
    lines = cli_errors(raw, tmp_path / "out", capsys)
    assert len(lines) == 1, lines
    line = lines[0]
    assert "t.csv:1:" in line and "expected tracker columns Variance from Plan" in line
    assert " | ".join(header) in line  # every header cell, whole, in order (past 80 characters)
    assert len(" | ".join(header)) > 400
    assert "did you rename 'Variance from Plan' to 'Varience'?" in line


def test_a_renamed_reference_column_is_named_too(tmp_path):
    header = ["Saving code" if h == "Reference" else h for h in HEADER]
    with pytest.raises(InputError) as info:
        ingest_file(tmp_path, "t.csv", csv_text(header, LINES40[:5]))
    assert info.value.line == 1 and "tracker columns Reference" in info.value.expected
    assert " | ".join(header) in str(info.value)


# ---------------------------------------------------------------------------------------------
# A 100,000-character commentary: kept whole, flagged, cut only in the workbook we write

LONG = "".join(f"Sentence {k:05d} of a very long commentary. " for k in range(2_500))[:100_000]


def long_commentary_body(first: str = "") -> list[list[str]]:
    body = [list(r) for r in LINES40[:5]]
    body[2][COL["Forecast Commentary"]] = first + LONG[len(first):]
    return body


def replace_in_zip(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite the workbook ``path`` with ``old`` replaced by ``new`` in whichever part holds it."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    assert sum(old in data for _, data in parts) == 1
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, data.replace(old, new))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_100000_character_commentary_is_kept_whole_and_flagged(tmp_path, fmt):
    body = long_commentary_body()
    assert len(body[2][COL["Forecast Commentary"]]) == 100_000
    if fmt == "csv":
        result = ingest_file(tmp_path, "t.csv", csv_text(HEADER, body, total=False))
    else:  # openpyxl cuts a cell it writes to 32,767 characters: the long text is put into the XML after
        body[2][COL["Forecast Commentary"]] = "LONG-COMMENTARY-HERE"
        path = write_tracker_xlsx(tmp_path / "t.xlsx", {"Tracker": [HEADER, *as_numbers(body)]})
        replace_in_zip(path, b"LONG-COMMENTARY-HERE", LONG.encode("utf-8"))
        body[2][COL["Forecast Commentary"]] = LONG
        result = ingest_file(tmp_path, "t.xlsx", None)
    table = result.tables["savings_tracker"].set_index("reference")
    row = table.loc[body[2][0]]
    assert row.commentary == LONG
    assert ("commentary: 100,000 characters, longer than Excel's 32,767-character cell limit; cut in Excel "
            "downloads") in row.cleaning_flags
    others = table.drop(index=body[2][0]).cleaning_flags.fillna("")
    assert not others.str.contains("characters, longer than").any()


def test_the_long_commentary_is_whole_in_parquet_and_csv_and_cut_with_a_note_in_xlsx(tmp_path):
    hostile = "=HYPERLINK(\"http://example.invalid\",\"x\") "
    body = long_commentary_body(hostile)
    raw = raw_folder(tmp_path, "t.csv", csv_text(HEADER, body, total=False).encode("utf-8"))
    out = tmp_path / "processed"
    assert cli.main(["ingest", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    whole = body[2][COL["Forecast Commentary"]]
    parquet = pd.read_parquet(out / "savings_tracker.parquet").set_index("reference")
    assert parquet.loc[body[2][0], "commentary"] == whole
    with open(out / "savings_tracker.csv", encoding="utf-8", newline="") as handle:
        written = {r["reference"]: r["commentary"] for r in csv.DictReader(handle)}
    assert written[body[2][0]] == "'" + whole  # whole, and formula-neutralised as every CSV we write

    path = write_xlsx({"Tracker": parquet.reset_index()}, tmp_path / "download.xlsx")
    sheet = openpyxl.load_workbook(path)["Tracker"]
    column = [c.value for c in sheet[1]].index("commentary") + 1
    cell = next(r[column - 1].value for r in sheet.iter_rows(min_row=2) if r[0].value == body[2][0])
    assert len(cell) <= EXCEL_CELL_CHARS
    assert cell.startswith("'" + hostile)  # still neutralised: Excel shows it as text
    note = " … [cut: 100,000 characters; the full text is in "
    assert note in cell and cell.endswith("]")
    kept = cell[1: cell.index(note)]
    assert whole.startswith(kept) and len(kept) > EXCEL_CELL_CHARS - 200


def test_a_cell_is_cut_by_excels_measure_never_inside_a_character():
    text = "\U0001F600" * 20_000  # 20,000 characters, 40,000 UTF-16 units: more than a cell holds
    assert len(text) < EXCEL_CELL_CHARS < 2 * len(text)
    cell = fit_cell(text)
    assert len(cell.encode("utf-16-le")) // 2 <= EXCEL_CELL_CHARS
    assert excel_length(cell) == len(cell.encode("utf-16-le")) // 2
    assert cell.startswith("\U0001F600") and "[cut: 40,000 characters;" in cell
    assert fit_cell("short") == "short" and fit_cell("x" * EXCEL_CELL_CHARS) == "x" * EXCEL_CELL_CHARS


def test_a_long_money_or_reference_cell_is_still_an_error(tmp_path):
    body = [list(r) for r in LINES40[:5]]
    body[1][COL["Forecast Saving"]] = "1" * 40_000
    body[3][COL["Reference"]] = "A/R." + "9" * 40_000
    text = csv_text(HEADER, body, total=False)
    with pytest.raises(InputErrors) as info:
        ingest_file(tmp_path, "t.csv", text)
    found = {(e.line, e.column, e.found.split(":")[0]) for e in info.value.errors}
    assert found == {(3, "Forecast Saving", "40,000 characters"), (5, "Reference", "40,004 characters")}


def test_a_long_cell_does_not_stop_the_csv_reader_at_its_default_field_limit(tmp_path):
    body = long_commentary_body()
    body[2][COL["Forecast Commentary"]] = LONG * 3  # 300,000 > csv's default 131,072
    table = ingest_file(tmp_path, "t.csv", csv_text(HEADER, body, total=False)).tables["savings_tracker"]
    assert (table.commentary.str.len() == 300_000).sum() == 1


# ---------------------------------------------------------------------------------------------
# Grouping: the rule, not one message


def problem(line: int, found: str = "x", *, file: str = "t.csv", column: str = "RAG", expected: str = "a colour",
            hint: str = "") -> InputError:
    return InputError(file, line=line, column=column, expected=expected, found=found, hint=hint)


def test_fewer_than_group_from_problems_are_printed_as_today():
    errors = [problem(n) for n in range(1, GROUP_FROM)]
    assert problem_lines(InputErrors(errors)) == [e.describe() for e in errors]
    assert errors[0].describe() == "t.csv:1: column 'RAG': expected a colour, found 'x'"


def test_a_group_is_one_line_with_count_spans_and_examples_in_place():
    errors = ([problem(1, "alone", expected="something else")]
              + [problem(n, "Purple") for n in (9, 10, 11, 12)] + [problem(30, "Blue"), problem(31, "Pink"),
                                                                     problem(40, "Teal")]
              + [problem(2, "other file", file="u.csv")])
    lines = problem_lines(InputErrors(errors))
    assert lines[0] == errors[0].describe()
    assert lines[1] == ("t.csv: column 'RAG': 7 cells (lines 9-12, 30-31, 40): expected a colour, found 'Purple' "
                        "(lines 9, 10, 11, …), 'Blue' (line 30), 'Pink' (line 31) and 1 other value")
    assert lines[2] == errors[-1].describe()
    assert len(lines) == 3


def test_a_hint_is_printed_once_and_sheets_say_rows():
    errors = [InputError("w.xlsx", line=n, sheet="Oct", column="RAG", expected="a colour", found="?", hint="do X")
              for n in (2, 3, 4)]
    assert describe_group(errors) == ("w.xlsx [sheet 'Oct']: column 'RAG': 3 cells (rows 2-4): expected a colour, "
                                      "found '?' (rows 2, 3, 4); do X")
    assert errors[0].describe() == "w.xlsx [sheet 'Oct']:row 2: column 'RAG': expected a colour, found '?'; do X"


def test_a_file_with_more_problems_than_the_cap_says_where_reading_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(savings_tracker, "CHUNK", 10)  # cells are cleaned 10 lines at a time ...
    monkeypatch.setattr(savings_tracker, "MAX_ERRORS", 5)
    monkeypatch.setattr(savings_tracker, "MAX_PROBLEMS", 25)  # ... so reading stops after the 3rd chunk
    data, _ = excel_ansi_csv()
    with pytest.raises(InputErrors) as info:
        ingest_file(tmp_path, "t.csv", data)
    lines = problem_lines(info.value)
    assert len(lines) == 2, lines
    assert "column 'Direction of travel': 30 cells (lines 2-31)" in lines[0]
    # the 30th saving line is line 31 (header on line 1): reading stopped after it
    assert lines[1].startswith(f"{tmp_path / 'raw' / 't.csv'}:31: expected at most 5 kinds of problem or 25 "
                               "problems in one file, found 'more: reading stopped after this line'")


def test_ungrouped_messages_keep_their_form_for_a_found_text_over_80_characters():
    err = InputError("t.csv", line=3, column="Title", expected="a title", found="y" * 200)
    assert err.describe() == f"t.csv:3: column 'Title': expected a title, found '{'y' * 79}…'"
    whole = InputError("t.csv", line=3, expected="a header", found="y" * 200, shorten=False)
    assert whole.describe() == f"t.csv:3: expected a header, found '{'y' * 200}'"


def test_the_cli_prints_the_grouped_lines(tmp_path, capsys):
    data, _ = excel_ansi_csv()
    text = io.StringIO(data.decode("cp1252")).read()
    body = text.replace("Green", "Purple")  # a second kind of problem, in the RAG column
    raw = raw_folder(tmp_path, "t.csv", body.encode("cp1252"))
    purple = [n for n, line in enumerate(body.split("\r\n"), start=1) if ",Purple," in line]
    lines = cli_errors(raw, tmp_path / "out", capsys)
    assert len(purple) >= GROUP_FROM
    assert len(lines) == 2, lines
    assert any(f"column 'RAG': {len(purple)} cells" in line for line in lines)
    assert any("column 'Direction of travel': 40 cells" in line for line in lines)
