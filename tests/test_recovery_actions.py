"""Torbay Finance Recovery Plan Actions (document 000, Cabinet 12 November 2019, Appendix 1)
-> table ``recovery_actions``.

Expected values come from the raw text extract itself (data/raw/000_*.txt, cited by line) and
are read here with plain ``split('\\t')`` - never with the package's readers.  Every kind of
extraction damage in the appendix has its own test.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import RECOVERY_PLAN, raw_lines

LINES = raw_lines(RECOVERY_PLAN)
ALL_ACTION_COLUMNS = 9  # ID | RAG/HML | Spend | Proposal | Output | How | Who | When | Progress update


def _v(value):
    """A cell of a processed table as a plain Python value (pd.NA -> None)."""
    return None if value is None or pd.isna(value) else value


def _cells(n: int) -> list[str]:
    return [c.strip() for c in LINES[n - 1].split("\t")]


def _first_header_line() -> int:
    for n, text in enumerate(LINES, start=1):
        if text.split("\t")[0].strip() == "ID":
            return n
    raise AssertionError("no 'ID' header row in 000")


def _is_section_row(cells: list[str]) -> bool:
    # '1. Fostering' in the Proposal column and nothing else but (possibly) debris in the ID column
    return bool(re.fullmatch(r"\d+\.\s*\S.*", cells[3])) and not any(cells[i] for i in (1, 2, 4, 5, 6, 7, 8))


def _walk() -> tuple[list[int], list[tuple[int, int, str]], dict[int, tuple[int, str]]]:
    """Action lines, section headings (line, number, theme) and line -> (number, theme), by hand."""
    first = _first_header_line()
    actions, sections, theme_of = [], [], {}
    current = None
    for n in range(first + 1, len(LINES) + 1):
        cells = _cells(n)
        if len(cells) != ALL_ACTION_COLUMNS or cells[0] == "ID":
            continue
        if _is_section_row(cells):
            number, theme = cells[3].split(".", 1)
            current = (int(number), theme.strip())
            sections.append((n, *current))
            continue
        actions.append(n)
        theme_of[n] = current
    return actions, sections, theme_of


ACTION_LINES, SECTIONS, THEME_OF = _walk()


@pytest.fixture(scope="module")
def actions(bundled) -> pd.DataFrame:
    return bundled.tables["recovery_actions"]


def _row(actions: pd.DataFrame, line: int) -> pd.Series:
    rows = actions[actions.source_line == line]
    assert len(rows) == 1, f"expected exactly one action read from 000 line {line}, got {len(rows)}"
    return rows.iloc[0]


def _flags(row: pd.Series) -> list[str]:
    flags = _v(row.cleaning_flags)
    return [f.strip() for f in flags.split(";")] if flags else []


# --------------------------------------------------------------------------- rows and sections


def test_first_header_is_line_82():
    # 000 line 82: 'ID | RAG = Progress HML = £££ | Spend | Proposal | ... | Progress update'
    assert _first_header_line() == 82
    assert _cells(82)[2] == "Spend" and _cells(82)[8] == "Progress update"


def test_one_row_per_action(actions):
    # Counted by hand from the raw lines: 9-cell rows after line 82 that are neither a repeated
    # header nor a section heading.  64 of them (5+6+11+8+11+4+3+9+7).
    assert len(ACTION_LINES) == 64
    assert len(actions) == len(ACTION_LINES)
    assert sorted(actions.source_line.astype(int)) == ACTION_LINES
    assert set(actions.document) == {"000"}
    assert set(actions.source_file) == {RECOVERY_PLAN}
    assert set(actions.authority) == {"Torbay"}


def test_all_nine_sections_present_with_their_action_counts(actions):
    # Section headings: lines 83, 91, 100, 114, 125, 139, 144, 150, 162.
    assert [(n, num, theme) for n, num, theme in SECTIONS] == [
        (83, 1, "Fostering"), (91, 2, "Placements"), (100, 3, "Commissioning"), (114, 4, "R&R"),
        (125, 5, "QA"), (139, 6, "Control"), (144, 7, "Education"), (150, 8, "Partnership"), (162, 9, "Misc."),
    ]
    expected_counts = {1: 5, 2: 6, 3: 11, 4: 8, 5: 11, 6: 4, 7: 3, 8: 9, 9: 7}
    hand_counts = {num: sum(1 for n in ACTION_LINES if THEME_OF[n][0] == num) for _, num, _ in SECTIONS}
    assert hand_counts == expected_counts
    got = actions.groupby("theme_number").size().to_dict()
    assert {int(k): int(v) for k, v in got.items()} == expected_counts


def test_every_action_sits_in_the_section_printed_above_it(actions):
    for n in ACTION_LINES:
        row = _row(actions, n)
        number, theme = THEME_OF[n]
        assert (int(row.theme_number), row.theme) == (number, theme), f"line {n}"


def test_education_heading_buried_in_debris_row(actions):
    # 000 line 144: 'П | | | 7. Education | ...' - page debris in the ID cell of the heading row.
    cells = _cells(144)
    assert cells[0] == "П" and cells[3] == "7. Education"
    assert 144 not in set(actions.source_line.astype(int)), "the heading row must not become an action"
    education = actions[actions.theme_number == 7]
    assert sorted(education.source_line.astype(int)) == [145, 146, 147]
    assert set(education.theme) == {"Education"}
    # and the rows before it still belong to 6. Control
    assert int(_row(actions, 143).theme_number) == 6


def test_no_self_referential_section_count(bundled):
    """Issue 11: the section numbers and the count of sections both come from the same headings,
    so comparing them could never fail independently; no such check is made.  The sections run
    1 to 9 (000, by hand) and every action keeps its section."""
    rec = bundled.reconciliation
    assert rec[(rec.document == "000") & (rec["check"] == "count")].empty
    numbers = [num for _, num, _ in SECTIONS]
    assert numbers == list(range(1, 10))
    actions = bundled.tables["recovery_actions"]
    assert sorted(set(actions.theme_number.astype(int))) == numbers


# --------------------------------------------------------------------------- action IDs


def test_clean_ids_read_as_printed(actions):
    clean = [n for n in ACTION_LINES if re.fullmatch(r"CSC\d+", _cells(n)[0])]
    assert len(clean) == 64 - 10  # 9 IDs lost to debris + '132 CSC47'
    for n in clean:
        row = _row(actions, n)
        assert row.action_id == _cells(n)[0] == row.action_id_raw, f"line {n}"
        assert not any(f.startswith("action_id") for f in _flags(row)), f"line {n}"


def test_action_id_recovered_from_page_number_debris(actions):
    # 000 line 132: '132 CSC47' - the page number 132 run into the ID.
    assert _cells(132)[0] == "132 CSC47"
    row = _row(actions, 132)
    assert row.action_id == "CSC47"
    assert row.action_id_raw == "132 CSC47"
    assert any(f.startswith("action_id") for f in _flags(row))


# (line, a fragment of the printed debris that proves we have the right line)
LOST_IDS = [
    (88, "Page 12"), (96, "129"), (108, "130"), (119, "Page"), (120, "30"), (131, "age"),
    (145, "33"), (155, "34"), (167, "135"),
]


@pytest.mark.parametrize("line, fragment", LOST_IDS)
def test_id_lost_to_page_debris_is_empty_raw_kept_and_flagged(actions, line, fragment):
    printed = _cells(line)[0]
    assert fragment in printed and not re.search(r"CSC\s?\d", printed)
    row = _row(actions, line)
    assert _v(row.action_id) is None
    assert row.action_id_raw == printed
    assert any(f.startswith("action_id") for f in _flags(row))


def test_the_lost_ids_are_exactly_the_listed_ones(actions):
    assert sorted(actions[actions.action_id.isna()].source_line.astype(int)) == [n for n, _ in LOST_IDS]
    # the brief's list of debris strings, compared with the raw cells
    expected = ["Page 12", "Раф 129", "ageਲੁੱ130", "_ਉ Page", "သ င ္ဘင် 30", "P∯age", "age ਖ਼ੁੱ33", "age gື 34",
                "Pag& 135"]
    assert [_cells(n)[0] for n, _ in LOST_IDS] == expected


# --------------------------------------------------------------------------- priority


LOOK_ALIKES = {"\u041d": "H", "\u043d": "H", "\u041c": "M"}  # Cyrillic Н, н, М


def test_priority_cells_in_the_document_are_the_expected_kinds():
    printed = {_cells(n)[1] for n in ACTION_LINES}
    assert printed == {"\u041d", "\u043d", "\u041c", "L", "M", "\u0666"}  # ٦ = ARABIC-INDIC DIGIT SIX


def test_priority_look_alikes_read_as_latin_and_flagged(actions):
    seen = set()
    for n in ACTION_LINES:
        printed = _cells(n)[1]
        if printed not in LOOK_ALIKES:
            continue
        seen.add(printed)
        row = _row(actions, n)
        assert row.priority == LOOK_ALIKES[printed], f"line {n}"
        assert row.priority_raw == printed
        assert any(f.startswith("priority") for f in _flags(row)), f"line {n}"
    assert seen == set(LOOK_ALIKES)


def test_priority_latin_letters_untouched_and_unflagged(actions):
    latin = [n for n in ACTION_LINES if _cells(n)[1] in ("L", "M")]
    assert len(latin) == 34  # 30 L + 4 M
    for n in latin:
        row = _row(actions, n)
        assert row.priority == row.priority_raw == _cells(n)[1], f"line {n}"
        assert not any(f.startswith("priority") for f in _flags(row)), f"line {n}"


def test_unrecognised_priority_left_empty_and_flagged(actions):
    # 000 line 142: CSC58 | ٦ | n/a | Zero based budgeting ...
    assert _cells(142)[:2] == ["CSC58", "\u0666"]
    row = _row(actions, 142)
    assert _v(row.priority) is None
    assert row.priority_raw == "\u0666"
    assert any(f.startswith("priority") for f in _flags(row))


# --------------------------------------------------------------------------- spend


def _hand_pounds(text: str) -> int:
    m = re.fullmatch(r"£(\d+(?:\.\d+)?)([mk])", text)
    assert m, text
    whole, _, frac = m.group(1).partition(".")
    unit = 1_000_000 if m.group(2) == "m" else 1_000
    return int(whole) * unit + (int(frac) * unit // 10 ** len(frac) if frac else 0)


def test_clean_spend_figures_in_whole_pounds(actions):
    clean = [n for n in ACTION_LINES if re.fullmatch(r"£\d+(?:\.\d+)?[mk]", _cells(n)[2])]
    assert len(clean) == 32
    for n in clean:
        row = _row(actions, n)
        assert int(row.spend_gbp) == _hand_pounds(_cells(n)[2]), f"line {n}"
        assert row.spend_basis == "annual spend"
        assert row.spend_raw == _cells(n)[2]
        assert not any(f.startswith("spend") for f in _flags(row)), f"line {n}"
    # spot values: 000 line 84 £8.5m, line 146 £40m, line 129 £135k
    assert int(_row(actions, 84).spend_gbp) == 8_500_000
    assert int(_row(actions, 146).spend_gbp) == 40_000_000
    assert int(_row(actions, 129).spend_gbp) == 135_000


def test_spend_pound_sign_read_as_f(actions):
    # 000 line 105: CSC15 | Н | f7m
    assert _cells(105)[:3] == ["CSC15", "\u041d", "f7m"]
    row = _row(actions, 105)
    assert int(row.spend_gbp) == 7_000_000
    assert row.spend_basis == "annual spend"
    assert row.spend_raw == "f7m"
    assert len([f for f in _flags(row) if f.startswith("spend")]) == 1


def test_spend_pound_as_f_and_decimal_point_as_space_flagged_twice(actions):
    # 000 line 118: CSC28 | L | f14 5m  (= £14.5m, as CSC2/CSC29/CSC38 in the same section print it)
    assert _cells(118)[:3] == ["CSC28", "L", "f14 5m"]
    row = _row(actions, 118)
    assert int(row.spend_gbp) == 14_500_000
    assert row.spend_basis == "annual spend"
    assert row.spend_raw == "f14 5m"
    assert len([f for f in _flags(row) if f.startswith("spend")]) == 2


def test_spend_income_in_brackets(actions):
    # 000 line 126: CSC3 | L | (£453k)  External contributions
    assert _cells(126)[:3] == ["CSC3", "L", "(£453k)"]
    row = _row(actions, 126)
    assert int(row.spend_gbp) == 453_000
    assert row.spend_basis == "income (shown in brackets)"
    assert row.spend_raw == "(£453k)"


def test_spend_per_quarter_with_damaged_abbreviation(actions):
    # 000 line 141: CSC44 | L | £30k/atr  Purchase Card spend
    assert _cells(141)[:3] == ["CSC44", "L", "£30k/atr"]
    row = _row(actions, 141)
    assert int(row.spend_gbp) == 30_000
    assert row.spend_basis == "per quarter"
    assert row.spend_raw == "£30k/atr"
    assert any(f.startswith("spend") for f in _flags(row))


def test_spend_question_marks_unknown(actions):
    lines = [n for n in ACTION_LINES if _cells(n)[2] == "??"]
    assert lines == [147, 166]  # CSC51, CSC49
    for n in lines:
        row = _row(actions, n)
        assert _v(row.spend_gbp) is None
        assert row.spend_basis == "unknown"
        assert row.spend_raw == "??"


def test_spend_unreadable_cell_unknown_and_flagged(actions):
    # 000 line 110: CSC42 | Н | + / / / K
    assert _cells(110)[:3] == ["CSC42", "\u041d", "+ / / / K"]
    row = _row(actions, 110)
    assert _v(row.spend_gbp) is None
    assert row.spend_basis == "unknown"
    assert row.spend_raw == "+ / / / K"
    assert any(f.startswith("spend") for f in _flags(row))


def test_spend_na_is_not_applicable(actions):
    lines = [n for n in ACTION_LINES if _cells(n)[2] == "n/a"]
    assert len(lines) == 22
    for n in lines:
        row = _row(actions, n)
        assert _v(row.spend_gbp) is None
        assert row.spend_basis == "not applicable", f"line {n}"


def test_spend_blank_is_not_stated(actions):
    lines = [n for n in ACTION_LINES if _cells(n)[2] == ""]
    assert lines == [104, 107, 108]  # CSC14, CSC25, the ID lost as 'ageਲੁੱ130'
    for n in lines:
        row = _row(actions, n)
        assert _v(row.spend_gbp) is None
        assert _v(row.spend_raw) is None
        assert row.spend_basis == "not stated"


def test_every_spend_cell_is_classified(actions):
    # The spend cells of 000 fall in exactly these cases (counted from the raw lines):
    # 32 clean '£Xm'/'£Xk', 2 with '£' read as 'f', 1 in brackets, 1 per quarter, 2 '??',
    # 1 unreadable, 22 'n/a', 3 blank.
    special = {"f7m": "annual spend", "f14 5m": "annual spend", "(£453k)": "income (shown in brackets)",
               "£30k/atr": "per quarter", "??": "unknown", "+ / / / K": "unknown", "n/a": "not applicable",
               "": "not stated"}
    expected = {}
    for n in ACTION_LINES:
        printed = _cells(n)[2]
        if re.fullmatch(r"£\d+(?:\.\d+)?[mk]", printed):
            expected[n] = "annual spend"
        else:
            assert printed in special, f"line {n}: unexpected spend cell {printed!r}"
            expected[n] = special[printed]
    got = {int(r.source_line): r.spend_basis for r in actions.itertuples()}
    assert got == expected
    counts = pd.Series(list(expected.values())).value_counts().to_dict()
    assert counts == {"annual spend": 34, "not applicable": 22, "unknown": 3, "not stated": 3,
                      "income (shown in brackets)": 1, "per quarter": 1}


# --------------------------------------------------------------------------- who / when / text


def test_who_look_alikes_folded_raw_kept(actions):
    # 000 line 142: CSC58 ... | АВ/МР | Dec-19  (Cyrillic A, VE, EM, ER)
    assert _cells(142)[6] == "\u0410\u0412/\u041c\u0420"
    row = _row(actions, 142)
    assert row.who == "AB/MP"
    assert row.who_raw == "\u0410\u0412/\u041c\u0420"
    assert any(f.startswith("who") for f in _flags(row))


def test_who_folded_everywhere_and_flagged_only_when_changed(actions):
    fold = str.maketrans({"\u0410": "A", "\u0412": "B", "\u041c": "M", "\u0420": "P"})
    changed = []
    for n in ACTION_LINES:
        printed = _cells(n)[6]
        row = _row(actions, n)
        if not printed:  # 000 line 121 (CSC38) has no initials
            assert _v(row.who) is None and _v(row.who_raw) is None
            continue
        assert row.who_raw == printed, f"line {n}"
        assert row.who == printed.translate(fold), f"line {n}"
        flagged = any(f.startswith("who") for f in _flags(row))
        assert flagged == (printed.translate(fold) != printed), f"line {n}"
        if flagged:
            changed.append(n)
    assert changed == [95, 97, 142, 143, 153]


_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
DUE = {  # every 'When' text printed in 000 and the month it names
    "Nov-19": "2019-11", "Sep-19": "2019-09", "Apr-20": "2020-04", "Oct-19": "2019-10",
    "Jun-19": "2019-06", "Dec-19": "2019-12", "May-19": "2019-05", "Mar-20": "2020-03",
    "End June 19 to set up process then ongoing": "2019-06",
    "End June 19 to set up process": "2019-06",
    "End July 19": "2019-07",
    "Ongoing": None,
    "In place and ongoing": None,
}


def test_due_month_table_covers_every_printed_when():
    assert {_cells(n)[7] for n in ACTION_LINES} == set(DUE)
    for text, month in DUE.items():  # the table above agrees with a plain reading of month + year
        m = re.search(r"([A-Za-z]{3})[a-z]*[ -](\d{2})\b", text)
        assert (f"20{m.group(2)}-{_MONTHS[m.group(1).lower()]:02d}" if m else None) == month


@pytest.mark.parametrize("text, month", list(DUE.items()))
def test_due_month_from_when(actions, text, month):
    lines = [n for n in ACTION_LINES if _cells(n)[7] == text]
    assert lines
    for n in lines:
        row = _row(actions, n)
        assert row["when"] == text
        assert _v(row.due_month) == month, f"line {n}: {text!r}"


def test_text_columns_kept_as_printed(actions):
    for n in ACTION_LINES:
        cells = _cells(n)
        row = _row(actions, n)
        for i, col in ((3, "proposal"), (4, "output"), (5, "how_saving_achieved"), (8, "progress_update")):
            assert _v(row[col]) == (cells[i] or None), f"line {n} {col}"
