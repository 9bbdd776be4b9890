"""The documentation page "Where the bundled papers disagree with themselves" (docs/disagreements.md) is
generated from the reconciliation of the bundled papers and must stay equal to it (issue 11)."""

from __future__ import annotations

from analysis import disagreements
from analysis.paths import project_root


def test_docs_page_equals_the_reconciliation(bundled):
    page = (project_root() / "docs" / "disagreements.md").read_text(encoding="utf-8")
    expected = disagreements.readme_section(bundled.reconciliation)
    assert disagreements.readme_block(page) == expected, (
        "docs/disagreements.md out of date: run `python -m analysis ingest && python -m analysis.disagreements`")


def test_section_lists_every_check_that_is_not_exact(bundled):
    rec = bundled.reconciliation
    section = disagreements.readme_section(rec)
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| status")]
    assert len(rows) == int((rec.status != "ok").sum())
    # 002 Table 7 (lines 44-49): 2018-19's £7.1m against 12.4 - 5.4 is within rounding; 2015-16's £1.6m
    # against 12.4 - 9.4 = 3.0 is a mismatch, and its row shows that arithmetic
    table7 = [r for r in rows if "Table 7" in r]
    assert any(r.startswith("| within rounding | 002, line 49 |") for r in table7)
    assert any(r.startswith("| mismatch | 002, line 46 |") and "£12.4m - £9.4m = £3m" in r for r in table7)
    # the escorts' 2018/19 £21,520 (001 line 230) is the only 001 prose-vs-table mismatch; it also disagrees
    # with the paper's own derivation, 10 escorts x (5 h x 38 weeks x £9 x 1.20 = £2,052) = £20,520 (line 229)
    assert sum(r.startswith("| mismatch | 001, line 230 |") and ") vs table |" in r for r in rows) == 1
    assert sum(r.startswith("| mismatch | 001, line 230 |") and "= count x £2,052" in r
               and "10 x £2,052 = £20,520" in r for r in rows) == 1
