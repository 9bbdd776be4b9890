"""The bundled packs as members read them: built once (``python -m analysis report --latest``)
into a temporary folder, then

* every headline figure on a pack's index and on its scorecard appears, in the same words, on the
  report it links to (one source for every headline);
* every page speaks the members' language: no Python literals, no parameter or flag codes, no
  "Notebook" title, one statement of the money style;
* every report has its Excel download: a sheet per table, numbers as numbers with formats, the
  header frozen, a Sources sheet, text formula-neutralised, the same bytes on a second run;
* the pages as Chromium shows and prints them are tested in tests/test_pack_print.py, which opens
  each page once.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.cli import main

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def packs(latest_packs) -> Path:
    return latest_packs  # built once per test run (conftest)


def _text(path: Path) -> str:
    return _text_of(path.read_text(encoding="utf-8"))


def _text_of(fragment: str) -> str:
    """The words of some HTML, as a reader sees them (no style or script)."""
    fragment = re.sub(r"<(style|script)\b.*?</\1>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _pack_folders(out: Path) -> list[Path]:
    return sorted(p.parent for p in out.glob("*/*/manifest.json"))


def _pages(out: Path) -> list[Path]:
    return [out / "index.html", *[p for pack in _pack_folders(out) for p in
                                  [pack / "index.html", *sorted(pack.glob("[0-9]*.html"))]]]


def _index_headlines(pack: Path) -> list[tuple[str, str, str]]:
    """(report page, label, value) of every headline figure on a pack's index."""
    page = pack.joinpath("index.html").read_text(encoding="utf-8")
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        link = re.search(r'<a href="([0-9][^"]+\.html)">', row)
        for label, value in re.findall(r"([^<>]+): <strong>([^<]+)</strong>", row):
            found.append((link.group(1) if link else "", html.unescape(label.strip()), html.unescape(value)))
    return found


def test_the_packs_have_reports_and_headlines(packs):
    assert [p.relative_to(packs).as_posix() for p in _pack_folders(packs)] == ["cambridgeshire/2017-10",
                                                                              "torbay/2019-11"]
    for pack in _pack_folders(packs):
        assert len(_index_headlines(pack)) >= 4, pack


def test_every_index_figure_is_on_the_report_it_links_to(packs):
    for pack in _pack_folders(packs):
        for report, label, value in _index_headlines(pack):
            assert report, (pack.name, label)
            text = _text(pack / report)
            assert f"{label}: {value}" in text, (pack.name, report, label, value)


def test_every_scorecard_figure_is_on_the_report_it_links_to(packs):
    for pack in _pack_folders(packs):
        page = (pack / "00_scorecard.html").read_text(encoding="utf-8")
        body = page.split('<table class="data">', 1)[1].split("</table>")[0]
        rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], flags=re.S)
        assert len(rows) >= 4
        for row in rows:
            cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            report = re.search(r'href="([^"]+)"', row).group(1)
            _area, headline = cells  # the headline sentence, with its measure, date, value and source
            assert " ".join(headline.split()) in _text(pack / report), (report, headline)


LITERALS = [r"'\d{4}-\d{2}'", r"''", r"\bTrue\b", r"\bFalse\b", r"\bNone\b", r"\bnan\b", r"\bNaN\b",
            r"\b[a-z]+_[a-z_]+_(gbp|pct|per_10k)\b", r"\bprocessed_dir\b", r"\bthousands_separator\w*",
            r"\bNotebook\b", r"\bsource_line\b", r"\btable_name\b"]


def test_members_pages_speak_the_members_language(packs):
    for page in _pages(packs):
        text = _text(page)
        members = text.split("About this report")[0]  # the analyst appendix may name settings
        for pattern in LITERALS:
            assert not re.search(pattern, members), (page.relative_to(packs), pattern,
                                                     re.search(f".{{60}}{pattern}.{{60}}", members))
        if page.parent != packs:  # a pack's index and each report: the money style stated once
            assert text.count("Money is in £m to one decimal") == 1, page


def test_a_packs_list_of_reports_names_no_file_of_the_run(packs):
    """A report without a timing (not applicable, or a browser without scripts) shows a dash in the
    duration column, not the name of the run's record (``manifest.json``) - that is for analysts,
    in the note under the table."""
    for pack in _pack_folders(packs):
        page = (pack / "index.html").read_text(encoding="utf-8")
        listing = page[page.index("<table"):page.index("</table>")]
        assert ".json" not in _text_of(listing), pack
        assert 'class="duration"' in listing


def test_about_this_report_is_collapsed_at_the_end_and_lists_only_what_the_page_read(packs):
    pack = packs / "cambridgeshire" / "2017-10"
    for name in ("10_savings_tracker_variance.html", "70_business_plan_pressures.html"):
        page = (pack / name).read_text(encoding="utf-8")
        about = page.split('<details class="about">')[1]
        assert about.index("About this report") < 100
        assert "</details>" in about and "<h2" not in about  # nothing after it but the page's end
        files = re.findall(r"<td>([^<]+\.(?:csv|xlsx|txt))</td>", about)
        # data/raw/manifest.csv: 10 reads the October 2017 savings tracker (003), 70 the business plan
        # review (004) - one paper each, not the pack's every paper
        expected = {"10_savings_tracker_variance.html": "003_", "70_business_plan_pressures.html": "004_"}[name]
        assert len(files) == 1 and files[0].startswith(expected), files
        assert "not set (the default applies)" in about or name.startswith("10")
        assert "<caption>Parameters</caption>" not in page


def test_report_90_shows_problems_first_and_folds_the_checks_that_agree(packs):
    page = (packs / "torbay" / "2019-11" / "90_reconciliation.html").read_text(encoding="utf-8")
    first, folded = page.split('<details class="collapsed">', 1)
    first_table = first.split("Mismatches and checks that could not be computed", 1)[1]
    statuses_first = set(re.findall(r"<tr><td>([a-z ]+)</td>", first_table))
    statuses_folded = set(re.findall(r"<tr><td>([a-z ]+)</td>", folded.split("</details>")[0]))
    assert statuses_first and statuses_first.isdisjoint({"ok", "within rounding"}), statuses_first
    assert statuses_folded and statuses_folded <= {"ok", "within rounding"}, statuses_folded


def test_every_report_has_its_excel_download(packs):
    for pack in _pack_folders(packs):
        index = (pack / "index.html").read_text(encoding="utf-8")
        for page in sorted(pack.glob("[0-9]*.html")):
            xlsx = page.with_suffix(".xlsx")
            assert xlsx.is_file(), xlsx
            for text in (page.read_text(encoding="utf-8"), index):
                assert re.search(rf'<a (download(="")? )?href="{re.escape(xlsx.name)}"( download)?>', text), page.name
            book = load_workbook(xlsx)
            assert book.sheetnames[-2:] == ["About", "Sources"], book.sheetnames
            assert len(book.sheetnames) >= 2  # a sheet per table of the page (test_pack_print), About, Sources
            for sheet in book.worksheets:
                assert sheet.freeze_panes == "A2", (xlsx.name, sheet.title)
            sources = [c.value for c in book["Sources"]["F"][1:]]
            assert sources and all(isinstance(v, str) and v for v in sources)


def test_excel_numbers_are_numbers_with_formats_and_text_is_neutralised(packs):
    book = load_workbook(packs / "cambridgeshire" / "2017-10" / "10_savings_tracker_variance.xlsx")
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    planned = header.index("Planned saving (£)") + 1
    values = [r[planned - 1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    # 003 printed total planned saving: 20,538 (£000) across the committees, in whole pounds here
    assert all(isinstance(v, int) for v in values) and 20_530_000 < sum(values) < 20_546_000
    # whole pounds shown with the page's £ and its typographic minus
    assert sheet.cell(row=2, column=planned).number_format == '"£"#,##0;"−£"#,##0;"£"0'
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v[:1] in "=+-@\t\r"), (sheet.title, v)


def test_excel_downloads_are_the_same_bytes_when_rebuilt(packs, tmp_path):
    again = tmp_path / "again"
    assert main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", "10", "90",
                 "--out", str(again), "--quiet"]) == 0
    for name in ("10_savings_tracker_variance.xlsx", "90_reconciliation.xlsx"):
        assert (again / "cambridgeshire" / "2017-10" / name).read_bytes() == \
            (packs / "cambridgeshire" / "2017-10" / name).read_bytes(), name
