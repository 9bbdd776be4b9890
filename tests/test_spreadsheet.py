"""analysis.spreadsheet: the CSV and XLSX the project writes neutralise formulas (OWASP: a text
cell starting =, +, -, @, tab or carriage return gets a leading '), numbers stay numbers."""

from __future__ import annotations

import csv
import hashlib
import io
import time

import openpyxl
import pandas as pd
import pytest

from analysis import spreadsheet
from analysis.ingest import run_ingest

HOSTILE = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "@SUM(1+1)", "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0",
           "\tleading tab", "\rleading CR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_with_a_formula_character_is_prefixed(text):
    assert spreadsheet.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "", "A/R.6.101", "a = b", "1,595", 5, -1595, 1.5, None, True])
def test_other_values_are_unchanged(value):
    assert spreadsheet.neutralise(value) == value


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": pd.array(HOSTILE + ["ok", None], dtype="string"),
        "amount_gbp": pd.array([-1595, 0, 20538000, None, -1, 2, 3, 4], dtype="Int64"),
        "rate": pd.array([1.5, None, -0.25, 0, 1, 2, 3, 4], dtype="Float64"),
        "flag": pd.array([True, False, None, True, True, True, True, True], dtype="boolean"),
    })


def test_csv_neutralises_text_and_keeps_numbers(tmp_path):
    path = spreadsheet.write_csv(frame(), tmp_path / "t.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert [r["text"] for r in rows] == ["'" + t for t in HOSTILE] + ["ok", ""]
    assert [r["amount_gbp"] for r in rows] == ["-1595", "0", "20538000", "", "-1", "2", "3", "4"]  # not prefixed
    raw = path.read_text(encoding="utf-8")
    assert '"ok"' in raw and ',,' in raw  # text quoted; a missing value is written as nothing


def test_xlsx_numbers_are_numbers_and_text_is_neutralised(tmp_path):
    path = spreadsheet.write_xlsx({"Report 10: savings": frame()}, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Report 10_ savings"]  # ':' is not allowed in a sheet name
    ws = wb["Report 10_ savings"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["text", "amount_gbp", "rate", "flag"]
    assert ws["A1"].font.bold
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    # (XML stores a carriage return as a line feed: the cell still starts with ')
    assert [v[0] for v in values] == ["'" + t.replace("\r", "\n") for t in HOSTILE] + ["ok", None]
    assert [v[1] for v in values] == [-1595, 0, 20538000, None, -1, 2, 3, 4]
    assert all(isinstance(v[1], int) for v in values if v[1] is not None)
    assert [v[2] for v in values][:3] == [1.5, None, -0.25]
    assert [v[3] for v in values][:3] == [True, False, None]
    for row in ws.iter_rows(min_row=2):
        assert row[0].data_type != "f"  # no cell is a formula


def test_xlsx_is_byte_identical_for_the_same_tables(tmp_path):
    a = spreadsheet.write_xlsx({"t": frame()}, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # a zip entry's time has 2-second resolution; the properties' one second
    b = spreadsheet.write_xlsx({"t": frame()}, tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()


def test_sheet_names_are_cut_and_made_unique(tmp_path):
    long = "x" * 40
    path = spreadsheet.write_xlsx({long: frame(), long + "y": frame()}, tmp_path / "t.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert len(names) == 2 and len(set(names)) == 2 and all(len(n) <= 31 for n in names)


def test_processed_csv_of_a_hostile_tracker_is_neutralised(tmp_path, raw_copy):
    """The processed CSVs are written through analysis.spreadsheet: a tracker title starting
    '=' arrives in data/processed/savings_tracker.csv prefixed, and the Parquet keeps it as is."""
    import shutil

    from analysis.manifest import register

    from .fixtures.trackers import HEADER, csv_text, rows

    body = rows(5)
    body[0][1] = "=HYPERLINK(\"http://example.invalid\",\"x\")"
    (raw_copy / "hostile_2017_11.csv").write_text(csv_text(HEADER, body), encoding="utf-8")
    register(raw_copy, raw_copy / "hostile_2017_11.csv", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire",
             period="2017-11", saving_sign="negative")
    out = tmp_path / "processed"
    run_ingest(raw_copy, out)
    table = pd.read_parquet(out / "savings_tracker.parquet")
    assert body[0][1] in set(table.title)
    with open(out / "savings_tracker.csv", encoding="utf-8", newline="") as handle:
        titles = {r["title"] for r in csv.DictReader(handle)}
    assert "'" + body[0][1] in titles and body[0][1] not in titles
    shutil.rmtree(out)
