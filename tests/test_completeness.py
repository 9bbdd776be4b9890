"""Completeness: every figure printed in the listed tables can be found in the processed tables,
and every line of those tables is referenced by a processed row or a reconciliation check.

Forward ("nothing printed is lost")
    For every (source_file, source_line) that a processed row points at, the raw line is split
    into tab-separated cells and every numeric token is looked for among the numeric values
    (read as pounds, £000, £k, £m, a count, a rate or a percentage) or the as-printed text
    columns of the processed rows of that same line (any table).
    * Lines of the listed tables (the table sections below) are checked token by token.  A cell
      that is nothing but a figure ('4,023', '£8.5m', '50k-600k', '2.2%') must be found as a
      value; the one exception is a figure the reader deliberately did not read as a number and
      kept only in its ``*_raw`` column (a printed '0' meaning 'no partner links').  A number
      inside words ('3 x 2 bed', 'Page 12') may be found in the as-printed text the row keeps.
    * The other referenced lines are prose (the MTFS action plan, the business plan's proposal
      headings, paragraph 5.4.6).  The processed rows take from them only the amounts tied to a
      year ('2017/18: £129k', '£389k of savings in 2017/18', '(-2000k in 2018/19)'); those must
      be found as values.  Their other numbers are not table figures: percentages, unit costs,
      days and the parenthesised counts that annotate an amount ('(5 placements)',
      '(10 additional escorts – total 20)') describe how a figure was reached and are not kept.
    Ignored everywhere: numbers that are part of years (2017/18, 17-18, 2016/2017, (2016)) or
    of dates (26/9/19), and reference codes (A/R.6.101, C/R.7.102, CSC20).

Reverse ("nothing printed is skipped")
    Every data line of the listed tables is the source_line of at least one processed row or
    reconciliation check of that file (or is named as 'line N' in the cleaning flag of a row of
    that file, as when a description runs on after a page break, or in the note of a check, as
    for the copies of a totals row repeated on every page).  Header, unit and section-label
    rows are not data lines.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pandas as pd
import pytest

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS, RECOVERY_PLAN, TRACKER, raw_lines


def _cells(file: str, n: int) -> list[str]:
    return [c.strip() for c in raw_lines(file)[n - 1].split("\t")]


def _tracker_lines() -> set[int]:
    """003: every saving line (first cell a reference) and every per-page totals line (a tabbed
    line of figures with no label)."""
    out = set()
    for n, text in enumerate(raw_lines(TRACKER), start=1):
        if "\t" not in text:
            continue
        cells = [c.strip() for c in text.split("\t")]
        if re.fullmatch(r"[A-Z]/R\.\d\.\d{3}", cells[0]) or not cells[0] and any(re.fullmatch(r"-?\d{1,3}(,\d{3})*", c) for c in cells):
            out.add(n)
    return out


def _recovery_lines() -> set[int]:
    """000: every 9-cell action row after the first header (not headers, not section headings)."""
    out = set()
    lines = raw_lines(RECOVERY_PLAN)
    first = next(n for n, t in enumerate(lines, start=1) if t.split("\t")[0].strip() == "ID")
    for n in range(first + 1, len(lines) + 1):
        cells = _cells(RECOVERY_PLAN, n)
        if len(cells) != 9 or cells[0] == "ID":
            continue
        if re.fullmatch(r"\d+\.\s*\S.*", cells[3]) and not any(cells[i] for i in (1, 2, 4, 5, 6, 7, 8)):
            continue
        out.add(n)
    return out


# Data lines of the listed tables (headers, unit rows and section-label rows excluded).
TABLE_SECTIONS: dict[str, set[int]] = {
    RECOVERY_PLAN: _recovery_lines(),
    TRACKER: _tracker_lines(),
    # 002: Table 3 lines 16-28, Table 6 lines 33-39, Table 7 lines 44-49
    FIVE_YEAR_PLAN: set(range(16, 29)) | set(range(33, 40)) | set(range(44, 50)),
    # 001: Table 1 lines 22-23, Table 2 lines 39-48, Financial Improvement Plan lines 248-265
    MTFS: {22, 23} | set(range(39, 49)) | set(range(248, 266)),
    # 004: indices 71-74, forecast inflation 79-85, demand pressures 90-92, cost pressures 99-110,
    # 112-117 and 119-123 (97 and 111 are section labels, 98 and 118 blank), savings requirement
    # 130-133, demand funding 162-166 (164 blank, 165 the description continued after the break)
    BUSINESS_PLAN: (set(range(71, 75)) | set(range(79, 86)) | set(range(90, 93)) | set(range(99, 111))
                    | set(range(112, 118)) | set(range(119, 124)) | set(range(130, 134)) | {162, 163, 165, 166}),
}

DOCUMENT_OF = {RECOVERY_PLAN: "000", MTFS: "001", FIVE_YEAR_PLAN: "002", TRACKER: "003", BUSINESS_PLAN: "004"}


def test_table_sections_are_what_we_think():
    assert len(TABLE_SECTIONS[RECOVERY_PLAN]) == 64
    assert len(TABLE_SECTIONS[TRACKER]) == 67 + 7  # 67 savings, totals repeated on 7 pages
    for file, lines in TABLE_SECTIONS.items():
        for n in lines:
            assert "\t" in raw_lines(file)[n - 1], (file, n)


# --------------------------------------------------------------------------- tokens

_REFERENCE = re.compile(r"\b[A-Z]{1,3}/R\s?\.?\s?\d+\.\d+|\bCSC\s?\d+")
_DATE = re.compile(r"(?<![0-9])\d{1,2}/\d{1,2}/\d{2,4}(?![0-9])|(?<![0-9.])\d{1,2}\.\d{1,2}\.\d{2}(?![0-9.])")
_YEAR = re.compile(
    r"(?<![0-9,.£])(?:19|20)\d{2}\s*[/\-–]\s*(?:19|20)?\d{2}(?![0-9])"  # 2017/18, 2016-17, 2016/2017
    r"|(?<![0-9,.£\-])\d{2}[/\-]\d{2}(?![0-9/,.])"  # 17/18, 17-18, 15/16
    r"|(?<![0-9,.£\-])(?:19|20)\d{2}(?![0-9,.]|\s?[kKmM]\b|%)"  # 2016, (2017)
)
_TOKEN = re.compile(
    r"(?<![A-Za-eg-z0-9.,])(?P<neg>[-−])?(?P<cur>[£f])?(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?P<suf>\s?[kKmM](?![A-Za-z]))?(?P<pct>%)?"
)
_FIGURE_CELL = re.compile(
    r"\(?[-−]?[£f]?[0-9][0-9,.]*\s?[kKmM]?%?\)?(?:\s*[-–]\s*[£f]?[0-9][0-9,.]*\s?[kKmM]?)?"
)


def _strip_ignored(text: str) -> str:
    text = _REFERENCE.sub(" ", text)
    text = _DATE.sub(" ", text)
    return _YEAR.sub(" ", text)


def _values(m: re.Match) -> set[Decimal]:
    """Every value a printed token may stand for, as a magnitude in the processed tables' units."""
    num, suf, cur = m.group("num"), (m.group("suf") or "").strip().lower(), m.group("cur")
    readings = {num.replace(",", "")}
    if suf == "m" and "," in num:  # '1,265m': a decimal point printed as a comma
        readings.add(num.replace(",", "."))
    if cur and not suf and re.fullmatch(r"\d{1,3}\.\d{3}", num):  # '£20.520': a separator printed as a point
        readings.add(num.replace(".", ""))
    out = set()
    for r in readings:
        try:
            d = Decimal(r)
        except InvalidOperation:  # pragma: no cover
            continue
        if suf == "k":
            out.add(d * 1000)
        elif suf == "m":
            out.add(d * 1_000_000)
        else:  # pounds, a count, a rate or a percentage; or £000; or £m
            out |= {d, d * 1000, d * 1_000_000}
    return out


# --------------------------------------------------------------------------- processed rows by line

_NOT_AS_PRINTED = {
    "document", "source_file", "source_sheet", "cleaning_flags", "authority", "subject_authority", "table_name",
    "series", "label", "plan_made", "series_kind", "bound", "figure_basis", "row_type", "stated_in", "spend_basis",
    "category", "line_key", "scope", "amount_status", "revenue_budget_year", "reduction_baseline_year", "forecast_variance_direction", "year", "as_at", "month",
    "financial_year", "period", "direction", "rag", "due_month", "who", "action_id", "reference", "average_of",
    "partner_links", "priority",
}


def _value_columns_of_raw(table: pd.DataFrame, raw: str) -> list[str]:
    """The column(s) holding the reading of an as-printed ``*_raw`` column."""
    base = raw[: -len("_raw")]
    special = {"amount": ["amount_gbp", "low_gbp"], "rate": ["rate_pct"]}
    names = special.get(base, [base, f"{base}_gbp"])
    return [c for c in names if c in table.columns]


@pytest.fixture(scope="module")
def by_line(bundled) -> dict[tuple[str, int], dict]:
    """(file, line) -> {'values': magnitudes of every numeric cell, 'texts': every as-printed string,
    'kept_unread': printed cells kept as text whose reading is deliberately empty (a '0' meaning
    'no partner links', a RAG cell printed as 0), 'tables': table names}."""
    out: dict[tuple[str, int], dict] = {}
    for name, table in bundled.tables.items():
        if name in ("sources", "reconciliation") or "source_line" not in table.columns:
            continue
        numeric = [c for c in table.columns if str(table[c].dtype) in ("Int64", "Float64") and c != "source_line"]
        text = [c for c in table.columns if str(table[c].dtype).startswith("string") and c not in _NOT_AS_PRINTED]
        raws = {c: _value_columns_of_raw(table, c) for c in table.columns if c.endswith("_raw")}
        for row in table.to_dict("records"):
            entry = out.setdefault((row["source_file"], int(row["source_line"])),
                                   {"values": set(), "texts": [], "kept_unread": set(), "tables": set()})
            entry["tables"].add(name)
            for c in numeric:
                v = row[c]
                if v is not None and not pd.isna(v):
                    entry["values"].add(abs(Decimal(str(v))))
            for c in text:
                v = row[c]
                if v is not None and not pd.isna(v):
                    entry["texts"].append(str(v))
            for c, readings in raws.items():
                v = row[c]
                if v is None or pd.isna(v) or not readings:
                    continue
                if all(row[r] is None or pd.isna(row[r]) for r in readings):
                    entry["kept_unread"].add(str(v))
    return out


def _found_as_value(m: re.Match, values: set[Decimal]) -> bool:
    return any(abs(candidate - v) < Decimal("0.000001") for candidate in _values(m) for v in values)


def _missing_in_table_line(file: str, n: int, entry: dict) -> list[str]:
    missing = []
    for cell in _cells(file, n):
        if not cell:
            continue
        stripped = _strip_ignored(cell)
        is_figure = bool(_FIGURE_CELL.fullmatch(cell))
        for m in _TOKEN.finditer(stripped):
            if _found_as_value(m, entry["values"]):
                continue
            if is_figure and cell in entry["kept_unread"]:
                continue
            if not is_figure and any(m.group(0).strip() in t for t in entry["texts"]):
                continue
            missing.append(f"{file} line {n}: {m.group(0).strip()!r} in cell {cell[:60]!r}")
    return missing


_PROSE_AMOUNTS = re.compile(
    r"\d{4}/\d{2}\s*:\s*(?P<a>£[0-9][0-9.,]*(?:\s?[kKmM](?![A-Za-z]))?)"
    r"|(?P<b>£[0-9][0-9.,]*\s?[kKmM]?)\s+of\s+savings?\s+in\s+\d{4}/\d{2}"
    r"|\((?P<c>[-−]?[0-9][0-9,]*\s?[kK])\s*(?:in\s+)?\d{2,4}/\d{2}\)"
)


def _missing_in_prose_line(file: str, n: int, entry: dict) -> list[str]:
    missing = []
    for pm in _PROSE_AMOUNTS.finditer(raw_lines(file)[n - 1]):
        amount = pm.group("a") or pm.group("b") or pm.group("c")
        m = _TOKEN.search(amount)
        if not _found_as_value(m, entry["values"]):
            missing.append(f"{file} line {n}: {amount!r} ({pm.group(0)!r})")
    return missing


@pytest.mark.parametrize("file", list(DOCUMENT_OF), ids=list(DOCUMENT_OF.values()))
def test_every_figure_on_a_referenced_line_is_in_the_processed_rows(by_line, file):
    lines = sorted(n for f, n in by_line if f == file)
    assert lines, f"no processed row points at {file}"
    missing = []
    for n in lines:
        entry = by_line[(file, n)]
        if n in TABLE_SECTIONS[file]:
            missing += _missing_in_table_line(file, n, entry)
        else:
            missing += _missing_in_prose_line(file, n, entry)
    assert missing == [], "figures printed but not found in data/processed:\n" + "\n".join(missing)


def test_prose_lines_referenced_are_the_expected_ones(by_line):
    """The referenced lines outside the table sections are the prose the readers take amounts from
    (prose_figures, which keeps every prose figure, is tested in test_prose_figures)."""
    prose = {(DOCUMENT_OF[f], n) for f, n in by_line
             if n not in TABLE_SECTIONS[f] and by_line[(f, n)]["tables"] - {"prose_figures"}}
    expected = {("001", 130)}  # paragraph 5.4.6: the MTFS plan (10-15 a year from 2018/19)
    # action-plan amounts, each on the line it is printed on (Careers 199-201, Children's Centres 205-207,
    # Young People's accommodation 210-212 run over several lines)
    expected |= {("001", n) for n in (183, 185, 188, 190, 199, 200, 201, 205, 206, 207, 210, 211, 212, 215, 228,
                                      230, 234, 236, 242)}
    expected |= {("004", n) for n in (186, 203, 207, 211, 215, 219, 227, 231, 237, 241, 245, 249, 253, 259,
                                      267, 275, 279)}
    assert prose == expected


def test_token_reading_finds_the_damaged_figures():
    """The test's own tokeniser: the damaged figures of the documents are read as the paper meant."""
    def values(text):
        return [_values(m) for m in _TOKEN.finditer(_strip_ignored(text))]
    assert Decimal(1_265_000) in values("1,265m")[0]
    assert Decimal(20_520) in values("£20.520")[0]
    assert Decimal(7_000_000) in values("f7m")[0]
    assert Decimal(2_000_000) in values("(-2000k in 2018/19)")[0]
    assert values("2017/18 17-18 2016/2017 July (2016) 26/9/19 A/R.6.101 C/R.7.102 CSC20 132 CSC47") == [
        {Decimal(132), Decimal(132_000), Decimal(132_000_000)}]
    assert [len(values(c)) for c in ("50k-600k", "1.314m – 1.864m", "121 (134 for 2013/14)")] == [2, 2, 2]


# --------------------------------------------------------------------------- reverse


@pytest.mark.parametrize("file", list(DOCUMENT_OF), ids=list(DOCUMENT_OF.values()))
def test_every_table_line_is_referenced(bundled, file):
    referenced = set()
    mentioned = set()
    for _name, table in bundled.tables.items():
        if "source_line" not in table.columns or "source_file" not in table.columns:
            continue
        mine = table[table.source_file == file]
        referenced |= {int(n) for n in mine.source_line.dropna()}
        for column in ("cleaning_flags", "note"):  # a row's flags; a check's note (repeated totals rows)
            if column not in mine.columns:
                continue
            for flags in mine[column].dropna():
                mentioned |= {int(n) for n in re.findall(r"\bline (\d+)\b", flags)}
    unreferenced = sorted(n for n in TABLE_SECTIONS[file] if n not in referenced | mentioned)
    detail = [f"line {n}: {raw_lines(file)[n - 1][:80]!r}" for n in unreferenced]
    assert unreferenced == [], f"{file}: table lines no processed row or check points at:\n" + "\n".join(detail)
