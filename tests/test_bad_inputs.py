"""Bad and awkward tracker inputs: each case states its outcome - the value read, the flag raised,
or the error's exact fields - and the reader must produce exactly that (issue 7).

Every file is SYNTHETIC: the bundled Cambridgeshire tracker (data/raw/003) with one stated edit
(tests/fixtures/trackers.py).  Expected figures are 003's printed cells (split on tabs,
``int(text.replace(',', '')) * 1000``), computed here, never the reader's output.

``CASES`` is the catalogue; docs/guarantees.md quotes its counts, and
``test_documented_counts_match_the_catalogue`` keeps them in step.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.analyses import variance
from analysis.errors import InputError, problems_of
from analysis.ingest import ingest
from analysis.manifest import register

from .conftest import ROOT
from .fixtures.trackers import (
    COL,
    HEADER,
    LINES,
    MONEY_HEADERS,
    SIGNED_HEADERS,
    as_numbers,
    csv_text,
    encrypted_workbook,
    ingest_file,
    legacy_xls,
    rows,
    thousands,
    totals_row,
    write_xlsx,
)

BASE = rows(12)  # 003 lines 8-19: A/R.6.001 ... A/R.6.121
MONEY_COLUMNS = ["investment_gbp", *[f"planned_q{q}_gbp" for q in range(1, 5)], "planned_total_gbp",
                 *[f"forecast_q{q}_gbp" for q in range(1, 5)], "forecast_total_gbp", "variance_gbp"]


def expected_money(body: list[list[str]]) -> dict[str, list[int]]:
    """reference -> the 12 money cells of 003 in whole pounds (computed from the raw text)."""
    return {r[0]: [thousands(r[COL[h]]) * 1000 for h in MONEY_HEADERS] for r in body}


def read_money(result) -> dict[str, list[int]]:
    table = result.tables["savings_tracker"]
    return {r["reference"]: [int(r[c]) for c in MONEY_COLUMNS] for r in table.to_dict("records")}


def edited(body: list[list[str]], ref: str, header: str, value: str) -> list[list[str]]:
    out = [list(r) for r in body]
    for r in out:
        if r[0] == ref:
            r[COL[header]] = value
    return out


def line_of(text: str, start: str) -> int:
    """1-based line of ``text`` starting with ``start``."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if line.startswith(start))


# ---------------------------------------------------------------------------------------------
# The catalogue


@dataclass(frozen=True)
class Case:
    id: str
    fmt: str  # txt, csv, xlsx, xls, manifest
    outcome: str  # value (read as stated), flag (read, and flagged), error (refused with the named fields)
    run: Callable[[Path], None]


CASES: list[Case] = []


def case(id: str, fmt: str, outcome: str):
    def register_case(func):
        CASES.append(Case(id, fmt, outcome, func))
        return func
    return register_case


def refused(tmp_path: Path, name: str, content, **kw) -> InputError | list[InputError]:
    with pytest.raises(Exception) as info:
        ingest_file(tmp_path, name, content, **kw)
    assert isinstance(info.value, InputError) or hasattr(info.value, "errors"), problems_of(info.value)
    return info.value if isinstance(info.value, InputError) else info.value.errors


def assert_error(err, *, file: str, line: int | None = None, sheet: str | None = None, column: str | None = None,
                 expected: str = "", found: str | None = None) -> None:
    assert isinstance(err, InputError), err
    assert Path(err.file).name == file, err
    assert err.line == line, err
    assert err.sheet == sheet, err
    assert err.column == column, err
    assert expected in err.expected, err
    if found is not None:
        assert found in err.found, err
    message = str(err)  # what the user reads names the same
    assert file in message and (line is None or f"{line}:" in message or f"row {line}" in message)


# --- empty, header only, no data ---------------------------------------------------------------------


@case("empty file", "csv", "error")
def _(tmp):
    err = refused(tmp, "t.csv", b"")
    assert_error(err, file="t.csv", expected="a header row naming Reference", found="no such row")


@case("empty file", "txt", "error")
def _(tmp):
    err = refused(tmp, "t.txt", b"")
    assert_error(err, file="t.txt", expected="a header row naming Reference", found="no such row")


@case("header only", "csv", "error")
def _(tmp):
    err = refused(tmp, "t.csv", csv_text(HEADER, [], total=False))
    assert_error(err, file="t.csv", expected="at least one saving line", found="none")


@case("a period with no data: header and totals row only", "xlsx", "error")
def _(tmp):
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, totals_row([])]})
    err = refused(tmp, "t.xlsx", None)
    assert_error(err, file="t.xlsx", expected="at least one saving line", found="none")


@case("a missing path: the manifest lists a file that is not there", "manifest", "error")
def _(tmp):
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "t.csv").write_text(csv_text(HEADER, BASE), encoding="utf-8")
    register(raw, raw / "t.csv", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-10",
             saving_sign="negative")
    (raw / "t.csv").unlink()
    with pytest.raises(InputError) as info:
        ingest(raw)
    assert_error(info.value, file="manifest.csv", line=2, column="file", expected="a file present in the raw folder",
                 found="t.csv")


@case("two trackers for the same authority and period", "manifest", "error")
def _(tmp):
    raw = tmp / "raw"
    raw.mkdir()
    for name in ("october.csv", "october_again.csv"):
        (raw / name).write_text(csv_text(HEADER, BASE), encoding="utf-8")
    register(raw, raw / "october.csv", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-10",
             saving_sign="negative")
    with pytest.raises(Exception) as info:  # refused at registration, naming the file already registered
        register(raw, raw / "october_again.csv", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire",
                 period="2017-10", saving_sign="negative")
    assert "october.csv" in str(info.value) and "withdraw" in str(info.value)
    # and a manifest edited by hand to list both is refused naming both files
    first_row = (raw / "manifest.csv").read_text(encoding="utf-8").splitlines()[1]
    with open(raw / "manifest.csv", "a", encoding="utf-8") as handle:
        handle.write(first_row
                     .replace("october.csv", "october_again.csv").replace(",000,", ",001,") + "\n")
    with pytest.raises(InputError) as info:
        ingest(raw)
    assert_error(info.value, file="manifest.csv", line=3, column="period", expected="one savings tracker for "
                 "Cambridgeshire at 2017-10 (line 2 registers october.csv", found="october_again.csv")


# --- columns and headers ------------------------------------------------------------------------------


@case("wrong column: 'Varience' instead of 'Variance from Plan'", "csv", "error")
def _(tmp):
    header = [("Varience" if h.startswith("Variance") else h) for h in HEADER]
    err = refused(tmp, "t.csv", csv_text(header, BASE))
    assert_error(err, file="t.csv", line=1, expected="tracker columns Variance from Plan", found="Varience")


@case("duplicated column: RAG twice", "csv", "error")
def _(tmp):
    header = HEADER + ["RAG"]
    body = [r + ["Green"] for r in BASE]
    err = refused(tmp, "t.csv", csv_text(header, body, total=False))
    assert_error(err, file="t.csv", line=1, column="RAG", expected="each column once",
                 found="columns 18, 22 all read as RAG")


@case("extra column 'Notes' (not a tracker column: ignored)", "csv", "value")
def _(tmp):
    body = [r + ["a note"] for r in BASE]
    result = ingest_file(tmp, "t.csv", csv_text(HEADER + ["Notes"], body, total=False))
    assert read_money(result) == expected_money(BASE)


@case("header on row 2 under a title", "csv", "value")
def _(tmp):
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, BASE, title="Savings Tracker 2017-18"))
    assert read_money(result) == expected_money(BASE)
    assert sorted(result.tables["savings_tracker"].source_line.astype(int)) == list(range(3, 3 + len(BASE)))


@case("merged header cells: 'Original Phasing' over Q1-Q4, sub-labels in the row below", "xlsx", "value")
def _(tmp):
    top = [("Original Phasing" if h == "Original Phasing - Q1" else "Current Forecast Phasing"
            if h == "Current Forecast Phasing - Q1" else None if "Phasing" in h else h) for h in HEADER]
    sub = [h[-2:] if "Phasing" in h else None for h in HEADER]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws.append(top)
    ws.append(sub)
    for r in as_numbers(BASE):
        ws.append(r)
    ws.merge_cells(start_row=1, start_column=COL["Original Phasing - Q1"] + 1, end_row=1,
                   end_column=COL["Original Phasing - Q4"] + 1)
    ws.merge_cells(start_row=1, start_column=COL["Current Forecast Phasing - Q1"] + 1, end_row=1,
                   end_column=COL["Current Forecast Phasing - Q4"] + 1)
    wb.save(tmp / "t.xlsx")
    result = ingest_file(tmp, "t.xlsx", None)
    assert read_money(result) == expected_money(BASE)


@case("two-row header: captions above, Reference and Q1-Q4 in the header row", "csv", "value")
def _(tmp):
    top = [("Original Phasing" if h == "Original Phasing - Q1" else "Forecast" if h == "Current Forecast Phasing - Q1"
            else "") for h in HEADER]
    header = [h[-2:] if "Phasing" in h else h for h in HEADER]
    text = csv_text(header, BASE, total=False)
    result = ingest_file(tmp, "t.csv", ",".join(top) + "\r\n" + text)
    assert read_money(result) == expected_money(BASE)


# --- cells ---------------------------------------------------------------------------------------------


@case("non-numeric money 'abc'", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.111", "Original Phasing - Q1", "abc"))
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.111"), column="Original Phasing - Q1",
                 expected="an amount in £000", found="abc")


@case("#REF! in a money cell", "xlsx", "error")
def _(tmp):
    body = as_numbers(BASE)
    body[3][COL["Forecast Saving"]] = "#REF!"
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *body]})
    err = refused(tmp, "t.xlsx", None)
    assert_error(err, file="t.xlsx", line=5, sheet="Tracker", column="Forecast Saving", expected="an Excel error",
                 found="#REF!")


@case("#DIV/0! in a text cell", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.113", "Forecast Commentary", "#DIV/0!"))
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.113"), column="Forecast Commentary",
                 expected="an Excel error", found="#DIV/0!")


@case("unknown RAG 'Purple'", "txt", "error")
def _(tmp):
    lines = list(LINES)
    cells = lines[8].split("\t")  # 003 line 9, A/R.6.101
    cells[COL["RAG"]] = "Purple"
    lines[8] = "\t".join(cells)
    err = refused(tmp, "t.txt", "\n".join(lines))
    assert_error(err, file="t.txt", line=9, column="RAG", expected="Red, Amber, Green or blank", found="Purple")


@case("unknown direction '→'", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.112", "Direction of travel", "→"))
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.112"), column="Direction of travel",
                 expected="↑ (improving)", found="→")


@case("a 100,000-character description (text: kept whole, flagged)", "csv", "flag")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.114", "Description", "x" * 100_000))
    row = ingest_file(tmp, "t.csv", text).tables["savings_tracker"].set_index("reference").loc["A/R.6.114"]
    assert row.description == "x" * 100_000
    assert "description: 100,000 characters, longer than Excel's 32,767-character cell limit" in row.cleaning_flags


@case("a 200,000-character money cell (past the csv module's default field limit)", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.114", "Original Phasing - Q1", "9" * 200_000))
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.114"), column="Original Phasing - Q1",
                 expected="a cell of at most 32,767 characters", found="200,000 characters")


@case("a quarter missing: Q3 forecast blank", "csv", "flag")
def _(tmp):
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, edited(BASE, "A/R.6.111", "Current Forecast Phasing - Q3", ""),
                                                total=False))
    row = result.tables["savings_tracker"].set_index("reference").loc["A/R.6.111"]
    assert pd.isna(row.forecast_q3_gbp) and "forecast_q3_gbp: blank cell" in row.cleaning_flags
    rec = result.reconciliation
    check = rec[rec.item == "A/R.6.111: forecast Q1-Q4 = forecast total"].iloc[0]
    assert check.status == "not computable" and check.note == "a quarter is blank (A/R.6.111)"


@case("phasing not adding up: Q1 planned 5 (£000) too high", "csv", "flag")
def _(tmp):
    ref = "A/R.6.111"  # 003 line 11: Q1 -377, total -791
    body = edited(BASE, ref, "Original Phasing - Q1", "-372")
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body, total=False))
    rec = result.reconciliation
    check = rec[rec.item == f"{ref}: planned Q1-Q4 = planned total"].iloc[0]
    assert (check.status, check.stated, check.computed, check.difference) == \
        ("mismatch", -791_000, (-372 - 138 - 138 - 138) * 1000, -5_000)


@case("totals row disagreeing with the lines", "csv", "flag")
def _(tmp):
    text = csv_text(HEADER, BASE)
    total = totals_row(BASE)
    wrong = list(total)
    wrong[COL["Original Saving 17-18"]] = f"{thousands(total[COL['Original Saving 17-18']]) + 1:,}"
    text = text.replace(",".join(f'"{c}"' if "," in c else c for c in total),
                        ",".join(f'"{c}"' if "," in c else c for c in wrong))
    result = ingest_file(tmp, "t.csv", text)
    rec = result.reconciliation
    bad = rec[rec.status == "mismatch"]
    assert list(bad.item) == [f"totals row (line {len(BASE) + 2}): Original Saving"]
    assert bad.difference.iloc[0] == 1_000


@case("duplicate reference with different figures", "csv", "error")
def _(tmp):
    again = edited([BASE[1]], "A/R.6.101", "Forecast Commentary", "changed")
    text = csv_text(HEADER, BASE + again, total=False)
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=len(BASE) + 2, column="Reference",
                 expected=f"each reference once (also at line {line_of(text, 'A/R.6.101')})", found="A/R.6.101")


@case("duplicate reference, identical line (a page-break repeat)", "csv", "flag")
def _(tmp):
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, BASE + [BASE[1]], total=False))
    table = result.tables["savings_tracker"].set_index("reference")
    assert len(table) == len(BASE)
    assert f"repeated at line {len(BASE) + 2} and dropped" in table.loc["A/R.6.101", "cleaning_flags"]


@case("blank forecast on a line (not yet forecast)", "csv", "flag")
def _(tmp):
    body = BASE
    for h in ("Current Forecast Phasing - Q1", "Current Forecast Phasing - Q2", "Current Forecast Phasing - Q3",
              "Current Forecast Phasing - Q4", "Forecast Saving", "Variance from Plan £000"):
        body = edited(body, "A/R.6.114", h, "")
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body, total=False))
    row = result.tables["savings_tracker"].set_index("reference").loc["A/R.6.114"]
    assert pd.isna(row.forecast_total_gbp) and pd.isna(row.variance_gbp)
    assert "forecast_total_gbp: blank cell" in row.cleaning_flags and "variance_gbp: blank cell" in row.cleaning_flags


# --- money as printed ----------------------------------------------------------------------------------


def accounting(text: str) -> str:
    """'-1,595' -> '(1,595)' (Excel's accounting format)."""
    return f"({text[1:]})" if text.startswith("-") else text


@case("accounting brackets (1,595) for negatives - the issue's headline", "csv", "value")
def _(tmp):
    body = [[accounting(c) if i in {COL[h] for h in MONEY_HEADERS} else c for i, c in enumerate(r)] for r in rows()]
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body, fmt=lambda v: accounting(f"{v:,}")))
    assert read_money(result) == expected_money(rows())
    rec = result.reconciliation
    # the totals row, in brackets too, agrees; A/R.6.220's commentary ("by £78k" against -67) is a prose finding
    assert (rec[rec["check"] != "prose"].status == "ok").all()
    table = result.tables["savings_tracker"]
    h = variance.headline(table)
    # 003 line 6: forecast 16,656 of 20,538 (£000), variance 3,882 - the true headline of issue 7
    assert (h.forecast_saving_gbp, h.planned_saving_gbp, h.shortfall_gbp) == (16_656_000, 20_538_000, 3_882_000)
    assert table.brackets_printed.sum() == sum(any(c.startswith("(") for c in r) for r in body)


@case("accounting brackets as text in a workbook", "xlsx", "value")
def _(tmp):
    body = [[accounting(c) if i in {COL[h] for h in MONEY_HEADERS} else (c or None) for i, c in enumerate(r)]
            for r in BASE]
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *body]})
    assert read_money(ingest_file(tmp, "t.xlsx", None)) == expected_money(BASE)


@case("'£', 'k'/'m' and the unicode minus in money cells", "csv", "value")
def _(tmp):
    body = edited(BASE, "A/R.6.101", "Original Saving 17-18", "−£395k")  # U+2212
    body = edited(body, "A/R.6.114", "Original Saving 17-18", "-£2.381m")
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body, total=False))
    assert read_money(result) == expected_money(BASE)


@case("savings printed positive, registered saving_sign=positive", "csv", "value")
def _(tmp):
    signed = {COL[h] for h in SIGNED_HEADERS}
    body = [[(f"{-thousands(c):,}" if i in signed else c) for i, c in enumerate(r)] for r in BASE]
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body), saving_sign="positive")
    assert read_money(result) == expected_money(BASE)  # stored negative = saving, as 003 prints
    assert set(result.tables["savings_tracker"].saving_sign) == {"positive"}
    assert (result.reconciliation.status == "ok").all()


@case("savings printed positive but registered saving_sign=negative", "csv", "error")
def _(tmp):
    signed = {COL[h] for h in SIGNED_HEADERS}
    body = [[(f"{-thousands(c):,}" if i in signed else c) for i, c in enumerate(r)] for r in BASE]
    err = refused(tmp, "t.csv", csv_text(HEADER, body))
    # 11 of the 12 lines plan a saving (003 lines 8-19; A/R.6.102 is a cost of 120)
    assert_error(err, file="t.csv", column="saving_sign (manifest)", expected="savings printed as negative figures",
                 found="11 of 12 lines with a planned amount would then be costs")


@case("variance printed as planned minus forecast", "csv", "error")
def _(tmp):
    column = COL["Variance from Plan £000"]
    body = [[(f"{-thousands(c):,}" if i == column else c) for i, c in enumerate(r)] for r in BASE]
    text = csv_text(HEADER, body, total=False)
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.101"), column="Variance from Plan",
                 expected="forecast minus planned", found="planned minus forecast on all 4 lines")


@case("money as numbers with an accounting number format", "xlsx", "value")
def _(tmp):
    path = write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *as_numbers(BASE)]})
    wb = openpyxl.load_workbook(path)
    for row in wb["Tracker"].iter_rows(min_row=2):
        for cell in row[4:16]:
            cell.number_format = "#,##0;(#,##0)"
    wb.save(path)
    assert read_money(ingest_file(tmp, "t.xlsx", None)) == expected_money(BASE)


@case("formulas in text cells (=HYPERLINK, @SUM, +SUM, -2+3+cmd)", "csv", "value")
def _(tmp):
    hostile = ['=HYPERLINK("http://example.invalid","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+SUM(1,2)",
               "-2+3+cmd|' /C calc'!A0"]
    body = [list(r) for r in BASE]
    for r, text in zip(body[:4], hostile, strict=True):
        r[COL["Title"]] = text
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body, total=False))
    table = result.tables["savings_tracker"].set_index("reference")
    assert [table.loc[r[0], "title"] for r in body[:4]] == hostile  # kept as text, exactly
    from analysis.spreadsheet import write_csv
    written = write_csv(result.tables["savings_tracker"], tmp / "out.csv").read_text(encoding="utf-8")
    titles = [row["title"] for row in csv.DictReader(io.StringIO(written))][:4]
    assert titles == ["'" + t for t in hostile]  # neutralised in the CSV the project writes


@case("a formula saved without its value", "xlsx", "error")
def _(tmp):
    body = as_numbers(BASE)
    body[0][COL["Original Saving 17-18"]] = "=SUM(F2:I2)"  # openpyxl saves the formula, no cached value
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *body]})
    err = refused(tmp, "t.xlsx", None)
    assert_error(err, file="t.xlsx", line=2, sheet="Tracker", column="Original Saving",
                 expected="a formula with no saved result", found="=SUM(F2:I2)")


# --- structure ------------------------------------------------------------------------------------------


@case("truncated CSV: the issue's 'A/R.6.213,LAC Inflatio', no totals row", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, BASE, total=False) + "A/R.6.213,LAC Inflatio"
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=len(BASE) + 2, column="column 3", expected="a row of 21 cells",
                 found="2 cells: A/R.6.213 | LAC Inflatio")


@case("CSV cut off inside a quoted cell", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, BASE, total=False) + 'A/R.6.213,"LAC Inflation, cut'
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=len(BASE) + 2, expected="a complete CSV record", found="cut off")


@case("text extract cut off in line 50", "txt", "error")
def _(tmp):
    cut = "\n".join(LINES[:49]) + "\n" + LINES[49][:60]
    err = refused(tmp, "t.txt", cut)
    assert_error(err, file="t.txt", line=50, column="column 3", expected="a row of 21 cells")


@case("text extract without any totals row", "txt", "error")
def _(tmp):
    kept = [ln for ln in LINES if not ln.strip().startswith("4,023")]
    err = refused(tmp, "t.txt", "\n".join(kept))
    assert_error(err, file="t.txt", expected="a totals row", found="none")


@case("CSV without a totals row", "csv", "flag")
def _(tmp):
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, BASE, total=False))
    rec = result.reconciliation
    row = rec[rec.item == "totals row: the tracker prints none"].iloc[0]
    assert row.status == "not computable" and row.computed == sum(thousands(r[9]) for r in BASE) * 1000


@case("CSV whose last saving line has no line break", "csv", "flag")
def _(tmp):
    text = csv_text(HEADER, BASE, total=False).rstrip("\r\n")
    table = ingest_file(tmp, "t.csv", text).tables["savings_tracker"].set_index("reference")
    assert "last line of the file has no line break" in table.loc[BASE[-1][0], "cleaning_flags"]


@case("a saving line after the totals row", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, BASE[:-1]) + ",".join(f'"{c}"' for c in BASE[-1]) + "\r\n"
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=len(BASE) + 2, column="Reference",
                 expected=f"no saving line after the totals row (line {len(BASE) + 1})", found=BASE[-1][0])


@case("a footnote under the table", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, BASE) + "* Figures are provisional" + "," * 20 + "\r\n"
    err = refused(tmp, "t.csv", text)
    assert_error(err, file="t.csv", line=len(BASE) + 3, column="Reference", expected="such as a footnote",
                 found="* Figures are provisional")


@case("a row shifted right by an inserted cell", "txt", "error")
def _(tmp):
    lines = list(LINES)
    cells = lines[8].split("\t")
    lines[8] = "\t".join(cells[:2] + [""] + cells[2:])  # 003 line 9 with a cell inserted after Title
    err = refused(tmp, "t.txt", "\n".join(lines))
    assert_error(err, file="t.txt", line=9, column="beyond column 21", expected="no cells to the right")


@case("a hidden sheet holding an old tracker", "xlsx", "error")
def _(tmp):
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *as_numbers(BASE)], "Old copy": [HEADER, *as_numbers(BASE)]},
               hidden=("Old copy",))
    err = refused(tmp, "t.xlsx", None)
    assert_error(err, file="t.xlsx", line=1, sheet="Old copy", expected="a tracker on visible worksheets only",
                 found="hidden sheet 'Old copy'")


@case("a hidden lookup sheet (no tracker on it: ignored)", "xlsx", "value")
def _(tmp):
    write_xlsx(tmp / "t.xlsx", {"Tracker": [HEADER, *as_numbers(BASE)], "Lists": [["RAG"], ["Red"], ["Amber"]]},
               hidden=("Lists",))
    assert read_money(ingest_file(tmp, "t.xlsx", None)) == expected_money(BASE)


@case("two month sheets in one workbook", "xlsx", "error")
def _(tmp):
    write_xlsx(tmp / "t.xlsx", {"Oct 2017": [HEADER, *as_numbers(BASE)], "Nov 2017": [HEADER, *as_numbers(BASE)]})
    err = refused(tmp, "t.xlsx", None)
    assert_error(err, file="t.xlsx", line=1, sheet="Nov 2017", column="sheet name",
                 expected="one month per workbook: the period registered (2017-10)",
                 found="sheet 'Nov 2017' names 2017-11")


# --- files and encodings ------------------------------------------------------------------------------------


@case("UTF-8 with a byte-order mark", "csv", "value")
def _(tmp):
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, BASE), encoding="utf-8-sig")
    assert read_money(result) == expected_money(BASE)


@case("UTF-16 with a byte-order mark (Excel's 'Unicode text', tab-separated)", "csv", "value")
def _(tmp):
    text = "\r\n".join("\t".join(r) for r in [HEADER, *BASE]) + "\r\n"
    result = ingest_file(tmp, "t.csv", text, encoding="utf-16")
    assert read_money(result) == expected_money(BASE)
    assert result.tables["savings_tracker"].set_index("reference").loc["A/R.6.101", "direction"] == "worsening"


@case("the paper extract re-saved as UTF-16", "txt", "value")
def _(tmp):
    result = ingest_file(tmp, "t.txt", "\n".join(LINES), encoding="utf-16")
    assert read_money(result) == expected_money(rows())


@case("Windows-1252 (Excel's CSV on Windows) with '£' and '–'", "csv", "value")
def _(tmp):
    words = {"↑": "up", "↔": "same", "↓": "down"}  # the arrows have no Windows-1252 code
    body = [[words.get(c, c) for c in r] for r in edited(BASE, "A/R.6.101", "Forecast Commentary",
                                                         "Clawbacks of £1.65m – short of target")]
    result = ingest_file(tmp, "t.csv", csv_text(HEADER, body), encoding="cp1252")
    table = result.tables["savings_tracker"].set_index("reference")
    assert table.loc["A/R.6.101", "commentary"] == "Clawbacks of £1.65m – short of target"
    assert read_money(result) == expected_money(BASE)


@case("Excel's 'CSV (Comma delimited)': Windows-1252, the arrows saved as '?'", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, BASE)
    errs = refused(tmp, "t.csv", text.encode("cp1252", errors="replace"))  # what Excel writes for ↑ ↔ ↓
    assert len(errs) == len(BASE)  # every line of 003 prints an arrow
    assert_error(errs[0], file="t.csv", line=line_of(text, BASE[0][0]), column="Direction of travel",
                 expected="↑ (improving)", found="?")
    assert all('"CSV UTF-8 (Comma delimited)"' in e.hint for e in errs)


@case("UTF-16 without a byte-order mark", "csv", "error")
def _(tmp):
    err = refused(tmp, "t.csv", csv_text(HEADER, BASE).encode("utf-16-le"))
    assert_error(err, file="t.csv", expected="UTF-8", found="UTF-16 text without a byte-order mark")
    assert '"CSV UTF-8 (Comma delimited)"' in err.hint


@case("UTF-32", "csv", "error")
def _(tmp):
    err = refused(tmp, "t.csv", csv_text(HEADER, BASE), encoding="utf-32")
    assert_error(err, file="t.csv", expected="UTF-8", found="UTF-32 text")


@case("a byte that neither UTF-8 nor Windows-1252 defines", "csv", "error")
def _(tmp):
    data = csv_text(HEADER, BASE).encode("ascii", "replace").replace(b"Green", b"Gr\x81en", 1)
    err = refused(tmp, "t.csv", data)
    assert_error(err, file="t.csv", line=2, expected="Windows-1252", found="byte b'\\x81'")


@case("UTF-8 with one broken byte (never reread as Windows-1252)", "csv", "error")
def _(tmp):
    text = csv_text(HEADER, edited(BASE, "A/R.6.113", "Forecast Commentary", "£10k BROKEN"))
    data = text.encode("utf-8").replace(b"BROKEN", b"\x92", 1)
    err = refused(tmp, "t.csv", data)
    assert_error(err, file="t.csv", line=line_of(text, "A/R.6.113"), expected="UTF-8",
                 found="UTF-8 with an invalid byte")


@case("a password-protected workbook", "xlsx", "error")
def _(tmp):
    err = refused(tmp, "t.xlsx", encrypted_workbook())
    assert_error(err, file="t.xlsx", expected="a workbook without a password",
                 found="a password-protected (encrypted) workbook")


@case("a legacy Excel 97-2003 workbook named .xls", "xls", "error")
def _(tmp):
    err = refused(tmp, "t.xls", legacy_xls())
    assert_error(err, file="t.xls", expected=".xlsx format", found="a legacy Excel 97-2003 (.xls) file")


@case("a legacy workbook renamed .xlsx", "xlsx", "error")
def _(tmp):
    err = refused(tmp, "t.xlsx", legacy_xls())
    assert_error(err, file="t.xlsx", expected=".xlsx format", found="a legacy Excel 97-2003 (.xls) file")


@case("CSV text saved under an .xlsx name", "xlsx", "error")
def _(tmp):
    err = refused(tmp, "t.xlsx", csv_text(HEADER, BASE))
    assert_error(err, file="t.xlsx", expected="an Excel workbook", found="not a workbook")


@case("a workbook cut off half-way", "xlsx", "error")
def _(tmp):
    data = write_xlsx(tmp / "whole.xlsx", {"Tracker": [HEADER, *as_numbers(rows())]}).read_bytes()
    err = refused(tmp, "t.xlsx", data[: len(data) // 2])
    assert_error(err, file="t.xlsx", expected="an Excel workbook", found="a damaged or truncated workbook")


# ---------------------------------------------------------------------------------------------
# Running the catalogue


@pytest.mark.parametrize("case", CASES, ids=[f"{c.fmt}: {c.id} -> {c.outcome}" for c in CASES])
def test_case(case, tmp_path):
    case.run(tmp_path)


#: what real exports differ by (the developers' guide: whole pounds, accounting brackets, blanks,
#: BOMs, CP1252, formulas, two sheets, truncated files) -> words a case of each must name
EXPORT_SLIPS = {"accounting brackets": "accounting brackets", "blanks": "blank", "BOMs": "byte-order mark",
                "CP1252": "Windows-1252", "formulas": "formula", "two sheets": "two month sheets",
                "truncated files": "cut off", "money as numbers": "money as numbers"}


def test_the_catalogue_covers_every_kind_of_export_slip_in_every_format():
    for slip, words in EXPORT_SLIPS.items():
        assert any(words in c.id for c in CASES), f"no case of {slip}"
    assert {c.fmt for c in CASES} >= {"txt", "csv", "xlsx", "xls", "manifest"}
    for outcome in ("error", "flag", "value"):  # refused, flagged and read cases alike
        assert any(c.outcome == outcome for c in CASES), outcome
    assert len({(c.fmt, c.id) for c in CASES}) == len(CASES)  # no case twice


def catalogue_counts() -> dict[str, int]:
    counts = Counter(c.outcome for c in CASES)
    return {"cases": len(CASES), "error": counts["error"], "flag": counts["flag"], "value": counts["value"]}


def test_documented_counts_match_the_catalogue():
    # docs/guarantees.md ("Ingest: what is guaranteed") quotes the catalogue's counts to its readers
    page = " ".join((ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8").split())
    m = re.search(r"(\d+) bad or awkward inputs tried \((\d+) refused with a named error, (\d+) read with a "
                  r"flag, (\d+) read as printed\)", page)
    assert m, "docs/guarantees.md states the catalogue's counts"
    counts = catalogue_counts()
    assert tuple(map(int, m.groups())) == (counts["cases"], counts["error"], counts["flag"], counts["value"])
