"""Recovery plan analysis (analysis.analyses.recovery) on Torbay's Finance Recovery Plan Actions
(000_f58272dfada571d1.txt, Cabinet 12 November 2019, Appendix 1, lines 82-168: section headings on
lines 83-162, actions between them).

Expected values are counted here from the raw text with plain ``split('\\t')``, a small dict of
the look-alike letters the priority column uses, and a simple spend parser of this test's own -
never with the package's readers - plus a few figures read off the document by eye (cited by
line).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis import numbers
from analysis.analyses import recovery
from analysis.errors import InputError
from analysis.presentation import charts, recovery_charts

from .conftest import RECOVERY_PLAN, raw_lines

LINES = raw_lines(RECOVERY_PLAN)
# The priority column prints Cyrillic capitals/lower-case letters that look like Latin ones.
LOOK_ALIKE = {"Н": "H", "н": "H", "М": "M", "м": "M"}
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"], start=1)}
SOURCE = "test source"


def _raw_actions() -> list[dict]:
    """Every action row of the appendix, read by hand: the line after the first 'ID' header row
    starts the table; a row whose 4th cell is 'N. Theme' and whose other cells (bar debris in the
    first) are empty starts a theme; every other 9-cell row that is not a header is an action."""
    first = next(n for n, t in enumerate(LINES, start=1) if t.split("\t")[0].strip() == "ID")
    theme, out = None, []
    for n in range(first + 1, len(LINES) + 1):
        cells = [c.strip() for c in LINES[n - 1].split("\t")]
        if len(cells) != 9 or cells[0] == "ID":
            continue
        m = re.fullmatch(r"(\d+)\.\s*(.+)", cells[3])
        if m and not any(cells[i] for i in (1, 2, 4, 5, 6, 7, 8)):
            theme = (int(m.group(1)), m.group(2))
            continue
        out.append({"line": n, "theme_number": theme[0], "theme": theme[1], "id": cells[0], "priority": cells[1],
                    "spend": cells[2], "when": cells[7]})
    return out


RAW = _raw_actions()


def _priority(cell: str) -> str:
    if cell in ("H", "M", "L"):
        return cell
    return LOOK_ALIKE.get(cell, "not readable")


def _annual_budget(cell: str) -> int | None:
    """'£8.5m', 'f7m' (£ read as f), 'f14 5m' (point read as space), '£135k' -> pounds; brackets,
    '/atr', 'n/a', '??' and blanks -> None."""
    m = re.fullmatch(r"[£f](\d+)(?:[ .](\d+))?([mk])", cell)
    if not m:
        return None
    value = float(f"{m.group(1)}.{m.group(2) or 0}")
    return round(value * (1_000_000 if m.group(3) == "m" else 1_000))


def _month(when: str) -> str | None:
    m = re.search(r"\b([A-Za-z]{3})[a-z]*[\s-]+(\d{2})\b", when)
    if not m or m.group(1).lower() not in MONTHS:
        return None
    return f"20{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"


def _flat(text: str) -> str:
    """Chart text with its line breaks (titles wrap to the figure width) as spaces."""
    return " ".join(text.split())


def _lost(row: dict) -> bool:
    return not re.search(r"CSC\d+", row["id"])


@pytest.fixture(scope="module")
def actions(bundled) -> pd.DataFrame:
    frame = bundled.tables["recovery_actions"]
    return frame[frame.authority == "Torbay"].reset_index(drop=True)


def test_raw_walk_finds_the_64_actions(actions):
    assert len(RAW) == 64 == len(actions)


# --------------------------------------------------------------------------------------------- theme x priority


def test_theme_by_priority_counts_match_the_raw_text(actions):
    expected = Counter((r["theme_number"], _priority(r["priority"])) for r in RAW)
    table = recovery.theme_priority(actions)
    themes = table[table.theme_number.notna()]
    columns = {"H": "high", "M": "medium", "L": "low", "not readable": "not_readable"}
    for row in themes.itertuples():
        for key, column in columns.items():
            assert getattr(row, column) == expected.get((row.theme_number, key), 0), (row.theme, key)
    assert list(themes.theme) == ["Fostering", "Placements", "Commissioning", "R&R", "QA", "Control", "Education",
                                  "Partnership", "Misc."]  # section headings, lines 83-162


def test_theme_by_priority_spot_values_read_off_the_document(actions):
    table = recovery.theme_priority(actions).set_index("theme")
    # Fostering, lines 84-88: four H (two printed as Cyrillic Н/н) and one M (Cyrillic М)
    assert (table.loc["Fostering", "high"], table.loc["Fostering", "medium"]) == (4, 1)
    # QA, lines 126-136: ten L and one H (132 CSC47, line 132)
    assert (table.loc["QA", "low"], table.loc["QA", "high"]) == (10, 1)
    # Control, line 142: CSC58's priority is printed as '٦' - not readable, not guessed
    assert table.loc["Control", "not_readable"] == 1


def test_all_themes_row_totals_the_priorities(actions):
    table = recovery.theme_priority(actions)
    total = table[table.theme == "All themes"].iloc[0]
    counts = Counter(_priority(r["priority"]) for r in RAW)
    assert (total.high, total.medium, total.low, total.not_readable) == (counts["H"], counts["M"], counts["L"],
                                                                          counts["not readable"])
    assert total.actions == len(RAW)
    assert (table[table.theme_number.notna()].actions.sum()) == len(RAW)


def test_unreadable_priority_is_shown_as_printed(actions):
    out = recovery.unreadable_priorities(actions)
    raw = [r for r in RAW if _priority(r["priority"]) == "not readable"]
    assert list(out.priority_raw) == [r["priority"] for r in raw] == ["٦"]
    assert list(out.source_line) == [r["line"] for r in raw]


# --------------------------------------------------------------------------------------------- budgets


def _expected_budgets() -> dict[int, Counter]:
    out: dict[int, Counter] = defaultdict(Counter)
    for r in RAW:
        value = _annual_budget(r["spend"])
        if value is not None:
            out[r["theme_number"]][value] += 1
    return out


def test_distinct_budgets_per_theme_with_action_counts(actions):
    expected = _expected_budgets()
    budgets = recovery.budgets_in_scope(actions)
    got: dict[int, Counter] = defaultdict(Counter)
    for row in budgets.itertuples():
        assert got[row.theme_number][row.budget_gbp] == 0, "each budget appears once per theme"
        got[row.theme_number][row.budget_gbp] = row.actions
    assert got == expected


def test_budgets_read_off_the_document_are_not_summed(actions):
    by_theme = recovery.spend_by_theme(actions).set_index("theme")
    # Fostering, lines 84-88: £8.5m on four actions, £1.2m on one
    assert by_theme.loc["Fostering", "budgets_in_scope"] == "£8.5m ×4; £1.2m ×1"
    assert by_theme.loc["Fostering", "largest_budget_gbp"] == 8_500_000
    # R&R, lines 115-122: £14.5m on five actions (one printed 'f14 5m'), £3m on three
    assert by_theme.loc["R&R", "budgets_in_scope"] == "£14.5m ×5; £3m ×3"
    numbers = by_theme.select_dtypes("number")
    assert not (numbers == 4 * 8_500_000 + 1_200_000).any().any(), "the four £8.5m actions were added up"
    assert not (numbers == 5 * 14_500_000 + 3 * 3_000_000).any().any(), "the five £14.5m actions were added up"


def test_spend_cells_that_are_not_budgets_are_counted_separately(actions):
    by_theme = recovery.spend_by_theme(actions).set_index("theme_number")
    for number in range(1, 10):
        mine = [r for r in RAW if r["theme_number"] == number]
        row = by_theme.loc[number]
        assert row.actions_with_budget == sum(_annual_budget(r["spend"]) is not None for r in mine)
        assert row.income_in_brackets == sum(r["spend"].startswith("(") for r in mine)
        assert row.per_quarter == sum("/" in r["spend"] and r["spend"] != "n/a" and "k/" in r["spend"] for r in mine)
        assert row.not_applicable == sum(r["spend"] == "n/a" for r in mine)
        assert row.blank == sum(r["spend"] == "" for r in mine)
        assert row.actions == row.actions_with_budget + row.income_in_brackets + row.per_quarter + row.unreadable \
            + row.not_applicable + row.blank


def test_income_and_per_quarter_amounts_kept_apart(actions):
    other = recovery.other_amounts(actions).set_index("action")
    # line 126: CSC3 '(£453k)' income; line 141: CSC44 '£30k/atr' per quarter; '+ / / / K' and '??' unreadable
    assert other.loc["CSC3", "amount_gbp"] == 453_000 and other.loc["CSC3", "spend_basis"].startswith("income")
    assert other.loc["CSC44", "amount_gbp"] == 30_000 and other.loc["CSC44", "spend_basis"] == "per quarter"
    assert set(other.spend_raw) == {"(£453k)", "£30k/atr", "+ / / / K", "??"}
    budgets = recovery.budgets_in_scope(actions)
    assert 453_000 not in set(budgets.budget_gbp) and 30_000 not in set(budgets.budget_gbp)


def test_repeated_budgets_across_themes(actions):
    rep = recovery.repeated_budgets(actions).set_index("budget_gbp")
    amounts = Counter(_annual_budget(r["spend"]) for r in RAW if _annual_budget(r["spend"]))
    assert set(rep.index) == {v for v, n in amounts.items() if n > 1}
    # £15.5m: CSC7 (Placements, line 92), 132 CSC47 (QA, line 132), CSC5 and CSC6 (Partnership, lines 158-159)
    assert rep.loc[15_500_000, "actions"] == 4 and rep.loc[15_500_000, "themes"] == 3


# --------------------------------------------------------------------------------------------- deadlines


def test_deadlines_by_month_match_the_when_column(actions):
    expected = Counter(_month(r["when"]) for r in RAW if _month(r["when"]))
    table = recovery.deadlines_by_month(actions, as_of="2019-11-12")
    assert dict(zip(table.due_month, table.actions, strict=True)) == {m: expected.get(m, 0) for m in table.due_month}
    assert sum(table.actions) == sum(expected.values())
    assert table.due_month.iloc[0] == min(expected) and table.due_month.iloc[-1] == max(expected)
    assert len(table) == 12  # May 2019 (CSC34, line 163) to April 2020, every month shown
    assert list(table.passed) == ["yes" if m < "2019-11" else "no" for m in table.due_month]


def test_ongoing_actions_counted_separately(actions):
    undated = recovery.undated(actions).set_index("when")
    expected = Counter(r["when"] for r in RAW if not _month(r["when"]))
    assert undated.actions.to_dict() == dict(expected)
    assert set(expected) == {"Ongoing", "In place and ongoing"}  # line 92 'In place and ongoing'


def test_priority_filter_limits_deadlines_and_lost_ids(actions):
    high = recovery.filter_priority(actions, "H")
    raw_high = [r for r in RAW if _priority(r["priority"]) == "H"]
    assert len(high) == len(raw_high)
    table = recovery.deadlines_by_month(high)
    assert sum(table.actions) == sum(1 for r in raw_high if _month(r["when"]))
    lost = recovery.lost_ids(high)
    assert list(lost.action_id_raw) == [r["id"] for r in raw_high if _lost(r)]


def test_priority_filter_rejects_unknown_values(actions):
    with pytest.raises(InputError, match="priority_filter"):
        recovery.filter_priority(actions, "X")
    assert len(recovery.filter_priority(actions, "")) == len(actions)
    assert len(recovery.filter_priority(actions, "l")) == sum(_priority(r["priority"]) == "L" for r in RAW)


# --------------------------------------------------------------------------------------------- lost IDs


def test_lost_ids_are_the_debris_rows(actions):
    lost = recovery.lost_ids(actions)
    raw = [r for r in RAW if _lost(r)]
    assert list(lost.action_id_raw) == [r["id"] for r in raw]
    assert list(lost.source_line) == [r["line"] for r in raw]
    assert list(lost.theme) == [r["theme"] for r in raw]
    assert "Page 12" in set(lost.action_id_raw) and "Pag& 135" in set(lost.action_id_raw)  # lines 88, 167
    assert lost.proposal.str.len().gt(0).all()


# --------------------------------------------------------------------------------------------- charts


def test_heatmap_annotates_every_count_in_one_blue_scale(actions):
    table = recovery.theme_priority(actions)
    fig = recovery_charts.chart_theme_priority(table, source=SOURCE)
    ax = fig.axes[0]
    expected = Counter((r["theme_number"], _priority(r["priority"])) for r in RAW)
    keys = ["H", "M", "L", "not readable"]
    cells = [str(expected.get((n, k), 0)) for n in range(1, 10) for k in keys]
    assert [t.get_text() for t in ax.texts] == cells
    assert ax.collections[0].get_cmap().name == "Blues"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "1. Fostering"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["High", "Medium", "Low", "Not readable"]
    texts = _flat(" ".join(t.get_text() for t in fig.texts))
    n_high = sum(_priority(r["priority"]) == "H" for r in RAW)
    assert f"{n_high} of {len(RAW)} actions are high priority" in texts
    assert "Source: test source" in texts


def test_budget_chart_has_one_labelled_dot_per_distinct_budget(actions):
    budgets = recovery.budgets_in_scope(actions)
    fig = recovery_charts.chart_budgets(budgets, source=SOURCE)
    ax = fig.axes[0]
    expected = _expected_budgets()
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == sorted(f"{numbers.money(v)} ×{n}" for c in expected.values() for v, n in c.items())
    assert len(ax.collections) == sum(len(c) for c in expected.values())
    colours = Counter(to_hex(c.get_facecolor()[0]) for c in ax.collections)
    repeated = sum(1 for c in expected.values() for n in c.values() if n > 1)
    assert colours[charts.FOCUS.lower()] == repeated
    assert ax.get_xscale() == "log"
    assert "5 R&R actions all address the same £14.5m" in _flat(fig.texts[0].get_text())


def test_deadline_chart_bars_and_paper_date_line(actions):
    table = recovery.deadlines_by_month(actions, as_of="2019-11-12")
    fig = recovery_charts.chart_deadlines(table, as_of="2019-11-12", source=SOURCE, undated_actions=10)
    ax = fig.axes[0]
    bars = ax.patches
    expected = Counter(_month(r["when"]) for r in RAW if _month(r["when"]))
    assert [round(b.get_height()) for b in bars] == [expected.get(m, 0) for m in table.due_month]
    before = [m < "2019-11" for m in table.due_month]
    assert [to_hex(b.get_facecolor()) == charts.FOCUS.lower() for b in bars] == before
    line = ax.lines[0]
    assert line.get_xdata()[0] == list(table.due_month).index("2019-11") - 0.5
    due_before = sum(n for m, n in expected.items() if m < "2019-11")
    assert _flat(fig.texts[0].get_text()).startswith(f"{due_before} of {sum(expected.values())} dated actions")
    assert ax.get_ylabel() == "Actions (count)"


def test_long_source_line_is_wrapped_inside_the_figure(actions):
    long = "Torbay: " + "a very long paper title " * 10
    fig = recovery_charts.chart_theme_priority(recovery.theme_priority(actions), source=long)
    source = next(t for t in fig.texts if t.get_text().startswith("Source: "))
    assert "\n" in source.get_text()
    fig.canvas.draw()
    box = source.get_window_extent()
    assert box.x1 <= fig.bbox.x1
    assert fig.axes[0].get_position().y0 * fig.bbox.height > box.y1
