"""Property-based tests (hypothesis) of the money parser and the tracker readers (issue 7):

* any text given to ``parse_money`` gives a ``Money`` - never an exception;
* a value's printed forms (``format_gbp``, plain, with separators, accounting brackets, unicode
  minus, in £000) parse back to the same whole pounds;
* any file given to a tracker reader - text, CSV or XLSX, built from tracker-like and arbitrary
  cells, or arbitrary bytes - gives a table or an ``InputError``, never another exception.

Hypothesis keeps its example database out of the repository (``database=None``) so runs are
reproducible from the seed printed on failure.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError, InputErrors
from analysis.ingest.savings_tracker import read_savings_tracker
from analysis.ingest.text_tables import decode_text
from analysis.manifest import SourceDocument
from analysis.money import MAX_ABS_GBP, format_gbp, parse_money
from analysis.reconcile import Checks

from .fixtures.trackers import HEADER, rows

STATUSES = {"value", "range", "blank", "dash", "not_applicable", "to_be_confirmed", "unknown", "nil", "unparseable"}
FAST = settings(max_examples=300, deadline=None, database=None)
SLOW = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
POUNDS = st.integers(min_value=-(MAX_ABS_GBP - 1), max_value=MAX_ABS_GBP - 1)
MONEYISH = st.text(alphabet="0123456789,.()-−–£kmbn tTBCn/a?+fFqtrp ", max_size=24)


# --------------------------------------------------------------------------------------------- parse_money


@FAST
@given(text=st.one_of(st.text(max_size=60), MONEYISH), unit=st.sampled_from(["gbp", "gbp_thousands", "gbp_millions"]),
       brackets=st.sampled_from(["negative", "magnitude"]))
def test_any_text_gives_money_never_an_exception(text, unit, brackets):
    m = parse_money(text, unit, brackets=brackets)
    assert m.status in STATUSES
    assert m.raw == text
    if m.status == "value":
        assert isinstance(m.low_gbp, int) and m.low_gbp == m.high_gbp and abs(m.low_gbp) < MAX_ABS_GBP
    elif m.status == "range":
        assert isinstance(m.low_gbp, int) and isinstance(m.high_gbp, int)
    else:
        assert m.low_gbp is None and m.high_gbp is None


@FAST
@given(value=POUNDS, signed=st.booleans())
def test_format_gbp_reads_back(value, signed):
    printed = format_gbp(value, signed=signed)
    assert parse_money(printed).value_gbp == value, printed


@FAST
@given(value=POUNDS)
def test_plain_forms_read_back(value):
    assert parse_money(str(value)).value_gbp == value
    assert parse_money(f"{value:,}").value_gbp == value
    assert parse_money(f"£{value:,}" if value >= 0 else f"-£{-value:,}").value_gbp == value
    if value < 0:
        assert parse_money(f"({-value:,})").value_gbp == value  # accounting format
        assert parse_money(f"(£{-value:,})").value_gbp == value
        assert parse_money(f"−{-value:,}").value_gbp == value  # U+2212 minus
        assert parse_money(f"({-value:,})", brackets="magnitude").value_gbp == -value


@FAST
@given(thousands=st.integers(min_value=-(MAX_ABS_GBP // 1000 - 1), max_value=MAX_ABS_GBP // 1000 - 1))
def test_a_table_in_thousands_reads_back(thousands):
    assert parse_money(f"{thousands:,}", "gbp_thousands").value_gbp == thousands * 1000
    if thousands < 0:
        assert parse_money(f"({-thousands:,})", "gbp_thousands").value_gbp == thousands * 1000


@FAST
@given(text=st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused_by_name(text):
    try:
        decoded, encoding = decode_text(Path("f.csv"), text)
    except InputError as exc:
        assert "expected text in UTF-8" in str(exc)
    else:
        assert encoding in ("UTF-8", "UTF-16", "Windows-1252") and isinstance(decoded, str)


# --------------------------------------------------------------------------------------------- readers


def doc_for(path: Path, saving_sign: str = "negative") -> SourceDocument:
    return SourceDocument(path=path, document="900", kind="savings_tracker", authority="SYNTHETIC", paper="",
                          date="2017-10", period_covered="2017-18", period="2017-10", unit="gbp_thousands",
                          sha256="0" * 64, saving_sign=saving_sign)


def read_or_refuse(path: Path, saving_sign: str = "negative"):
    """A table or an InputError - anything else escapes and fails the test."""
    try:
        return read_savings_tracker(doc_for(path, saving_sign), Checks())
    except (InputError, InputErrors):
        return None


CELL = st.one_of(
    MONEYISH, st.sampled_from(["", "Total", "Red", "Amber", "Green", "↑", "↔", "↓", "Yes", "No", "0", "#REF!",
                               "=SUM(A1)", "A/R.6.999", "Reference", "Q1", "Original Phasing"]),
    st.text(max_size=30))
ROW = st.lists(CELL, min_size=0, max_size=len(HEADER) + 2)
REAL = rows(6)


@st.composite
def tracker_rows(draw):
    """A header (sometimes), some of 003's real lines (sometimes edited), arbitrary rows."""
    out = []
    if draw(st.booleans()):
        out.append(list(HEADER))
    for cells in draw(st.lists(st.sampled_from(REAL), max_size=4)):
        cells = list(cells)
        for _ in range(draw(st.integers(0, 3))):
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL)
        out.append(cells)
    out += draw(st.lists(ROW, max_size=4))
    return draw(st.permutations(out)) if draw(st.booleans()) else out


@SLOW
@given(table=tracker_rows(), sign=st.sampled_from(["negative", "positive"]))
def test_any_csv_gives_a_table_or_an_input_error(tmp_path_factory, table, sign):
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")
    read_or_refuse(path, sign)


@SLOW
@given(table=tracker_rows(), cut=st.integers(min_value=0, max_value=4000))
def test_any_text_extract_cut_anywhere_gives_a_table_or_an_input_error(tmp_path_factory, table, cut):
    path = tmp_path_factory.mktemp("prop") / "t.txt"
    text = "\n".join("\t".join(r) for r in table)
    path.write_text(text[:cut] if cut < len(text) else text, encoding="utf-8")
    read_or_refuse(path)


@SLOW
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".xls"]))
def test_any_bytes_give_a_table_or_an_input_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("prop") / f"t{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


XLSX_CELL = st.one_of(st.none(), st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False,
                                                                        width=32),
                      st.booleans(), CELL)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=tracker_rows(), extra=st.lists(st.lists(XLSX_CELL, max_size=8), max_size=3), hidden=st.booleans())
def test_any_workbook_gives_a_table_or_an_input_error(tmp_path_factory, table, extra, hidden):
    import openpyxl

    path = tmp_path_factory.mktemp("prop") / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in table + extra:
        ws.append([_storable(c) for c in r])
    other = wb.create_sheet("Second")
    other.append(HEADER)
    if hidden:
        other.sheet_state = "hidden"
    wb.save(path)
    read_or_refuse(path)


def _storable(cell):
    """A cell as a workbook can hold it: control characters cannot be stored in XLSX at all."""
    if isinstance(cell, str):
        return ILLEGAL.sub("", cell)
    return cell


ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
