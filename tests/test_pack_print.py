"""The packs as a councillor prints them and an analyst opens their Excel files: the bundled packs
(``report --latest``) and a pack of public statistics only (Blackpool, ``report --year 2024``),
built once into a temporary folder.

Every page is opened once in headless Chromium (Debian's ``chromium``, driven by playwright; the
``browsed`` fixture).  At 1280 px the reports index, each pack's index and every report page do
not scroll sideways, no table is wider than its box, the title is the report's, authority's and
month's, every image has alt text, headings do not jump, table text is at least 14 px and every
column heading has a scope; under print media nothing is wider than the printable width of A4;
the whole-pack document fits 1280 px.  Screenshots and PDFs are kept in ``reports/.artefacts/pages``
(ignored by git) for a person to look at.  Printed to A4 PDF and read back with ``pdftotext``
(Debian's poppler-utils):

* every page of every report, pack index and whole-pack document carries the running header -
  the council, the pack's month and the report - and "page n of N";
* the scorecard is one page; a heading is printed on the page of what follows it;
* ``pack.html`` holds every report of the pack in report order, each starting a page headed by
  it, and is the same bytes when the pack is made again;
* no word of a printed table is broken across lines (each word's piece of text lies on one line
  of its cell, measured in the page laid out for print).

Each report's workbook, against the page's own tables: every cell that holds a figure on the page
is a number in the workbook (report 90's stated, computed and difference, report 20's comparison,
the scorecard's "+37 children" included), at the page's precision (counts whole, money in whole
pounds, no more decimals than the page shows), with no apostrophe on a figure; sheet names valid
for Excel, unique and cut at whole words; report 10's workbook has the month-on-month tables when
the previous month's tracker exists (the SYNTHETIC November tracker of tests/fixtures).

Skipped, with the reason, where Chromium, playwright, pdftotext or the public statistics cannot be had.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.cli import main
from analysis.ingest import run_ingest
from analysis.manifest import register

from .conftest import RAW, ROOT
from .fixtures.synthetic_month import ADDED, CHANGES, DROPPED, write_november

pytestmark = pytest.mark.notebooks

PRINTABLE_PX = (210 - 2 * 12) / 25.4 * 96  # A4 less pack.css's 12 mm side margins, in CSS px
VIEWPORT = 1280
ARTEFACTS = ROOT / "reports" / ".artefacts" / "pages"
MINUS = "\u2212"


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def packs(latest_and_year_packs) -> Path:
    return latest_and_year_packs  # built once per test run (conftest)


def _packs(out: Path) -> list[tuple[Path, dict]]:
    return [(m.parent, json.loads(m.read_text(encoding="utf-8"))) for m in sorted(out.glob("*/*/manifest.json"))]


def _month(period: str) -> str:
    return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%B %Y")


def _reports(manifest: dict) -> list[dict]:
    """The reports of a pack that have a page, in report order."""
    return [r for r in manifest["reports"] if r["status"] == "ok"]


# what each page is measured with, in the browser (JavaScript)
MEASURE = """() => {
  const box = el => el.getBoundingClientRect();
  const tables = [...document.querySelectorAll('table')];
  return {
    title: document.title,
    scrollWidth: document.documentElement.scrollWidth,
    wideTables: tables.filter(t => t.scrollWidth > t.parentElement.clientWidth + 1
                                   || box(t).right > document.documentElement.clientWidth + 1)
                      .map(t => (t.caption ? t.caption.innerText : t.innerText.slice(0, 40)) + ': ' + t.scrollWidth),
    noAlt: [...document.querySelectorAll('img')].filter(i => !(i.getAttribute('alt') || '').trim()).length,
    headings: [...document.querySelectorAll('h1, h2, h3, h4')].map(h => +h.tagName[1]),
    smallText: [...document.querySelectorAll('table.data td, table.data th')]
                 .filter(c => parseFloat(getComputedStyle(c).fontSize) < 14).length,
    thWithoutScope: [...document.querySelectorAll('table.data thead th')].filter(th => !th.getAttribute('scope')).length,
  };
}"""

PRINT_WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > limit + 1; })
  .map(el => el.tagName + '.' + (el.className || '') + ' ' + Math.round(el.getBoundingClientRect().right))
  .slice(0, 5)"""

# a piece of a word: a line may break at a space, or after a hyphen or a slash
BROKEN_WORDS = """() => {
  const found = [];
  for (const cell of document.querySelectorAll('table.data td, table.data th')) {
    if (cell.closest('details:not([open])') || !cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.unbroken, code, a[href*="://"]')) continue;  // the last resort
      const re = /[^\\s\\-\\/\\u2013\\u2014]+/g;
      for (let m = re.exec(node.textContent); m; m = re.exec(node.textContent)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) found.push(m[0] + ' (' + cell.innerText.slice(0, 40).replace(/\\s+/g, ' ') + ')');
      }
    }
  }
  return found;
}"""


def _browsed_pages(out: Path) -> list[Path]:
    """The reports index, then each pack's index, whole-pack document and report pages."""
    return [out / "index.html", *[path for pack, _ in _packs(out)
                                  for path in [pack / "index.html", pack / "pack.html", *sorted(pack.glob("[0-9]*.html"))]]]


@pytest.fixture(scope="module")
def browsed(packs, browser) -> dict[Path, dict]:
    """Every page opened once in Chromium, as a councillor reads and prints it: at 1280 px (what
    :data:`MEASURE` finds; a screenshot), then under print media at the printable width of A4
    (what is wider than it, the words of tables broken across lines, the number of table cells),
    then printed to A4 PDF as the browser's Print does and read back by ``pdftotext -layout`` (the
    text of each printed page).  Screenshots and PDFs are kept in ``reports/.artefacts/pages``
    (ignored by git) for a person to look at."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": VIEWPORT, "height": 900})
    found: dict[Path, dict] = {}
    for path in _browsed_pages(packs):
        name = path.relative_to(packs).as_posix().replace("/", "_").removesuffix(".html")
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        seen = {"screen": page.evaluate(MEASURE)}
        page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": int(PRINTABLE_PX), "height": 1100})
        seen["print_wide"] = page.evaluate(PRINT_WIDE, PRINTABLE_PX)
        seen["broken"] = page.evaluate(BROKEN_WORDS)
        seen["cells"] = page.evaluate("() => document.querySelectorAll('table.data td').length")
        pdf = ARTEFACTS / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
        page.close()
        assert pdf.read_bytes()[:5] == b"%PDF-", name
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        seen["printed"] = text.split("\f")[:-1]  # each page ends with a form feed
        found[path] = seen
    context.close()
    return found


@pytest.fixture(scope="module")
def printed(packs, browsed) -> dict[Path, list[str]]:
    """The text of each printed page of every pack's index, whole-pack document and report pages,
    by page file."""
    return {path: seen["printed"] for path, seen in browsed.items() if path != packs / "index.html"}


def _lines(page_text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in page_text.splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------- print


def _header_title(first: str, where: str) -> str:
    """The report named by a printed page's first line, which must start with ``where``."""
    assert first.startswith(where), (first, where)
    return first[len(where):].strip()


def test_every_printed_page_carries_the_running_header_and_its_number(packs, printed):
    checked = 0
    for pack, manifest in _packs(packs):
        where = f"{manifest['authority']} · {_month(manifest['period'])}"
        titles = {f"{r['name']}.html": r["title"] for r in _reports(manifest)}
        for path, pages in printed.items():
            if path.parent != pack:
                continue
            for n, text in enumerate(pages, start=1):
                lines = _lines(text)
                assert lines, (path.name, n)
                title = _header_title(lines[0], where)
                if path.name in titles:
                    assert title == titles[path.name], (path.name, n, lines[0])
                elif path.name == "pack.html":
                    assert title in [*titles.values(), "Monitoring pack: contents"], (n, lines[0])
                else:
                    assert title == "Monitoring pack: the reports", (path.name, n, lines[0])
                assert lines[-1].endswith(f"page {n} of {len(pages)}"), (path.name, n, lines[-1])
                checked += 1
    assert checked >= 60


def test_the_scorecard_prints_on_one_page(packs, printed):
    scorecards = [path for path in printed if path.name.startswith("00_")]
    assert len(scorecards) >= 2
    for path in scorecards:
        assert len(printed[path]) == 1, (path, len(printed[path]))


def _words(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(fragment)).replace("¶", " ").split())


def _heading_cells(path: Path) -> list[tuple[str, str]]:
    """(heading, the whole text of its Markdown cell) for every heading of a page whose section
    shows something (a section with nothing under it is another matter: no heading to keep)."""
    page = path.read_text(encoding="utf-8")
    cells = re.findall(r'<div id="[^"]*cell-id=[^"]*" class="(jp-Cell [^"]*)"(.*?)(?=<div id="[^"]*cell-id=|</main>)',
                       page, flags=re.S)
    shown = [(kind, body) for kind, body in cells if "jp-mod-noOutputs" not in kind]
    found = []
    for i, (kind, body) in enumerate(shown):
        after = shown[i + 1] if i + 1 < len(shown) else None
        if "jp-MarkdownCell" in kind and after and not re.search(r"<h[1-4]", after[1]):
            found += [(_words(h), _words(body)) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", body, flags=re.S)]
    return found


def test_a_heading_is_printed_with_what_follows_it(packs, printed):
    """No heading is left at the foot of a page: on the page where a heading is printed, something
    after its own section text (a chart, a table, the next cell) is printed too - except on the
    last page of a report, where a section may end the report."""
    checked = 0
    for path, pages in printed.items():
        cells = _heading_cells(path)
        titles = [_lines(text)[0] for text in pages]
        for n, text in enumerate(pages):
            if n + 1 == len(pages) or titles[n + 1] != titles[n]:
                continue  # a report's last page
            lines = _lines(text)[1:-1]  # less the running header and "page n of N"
            for i, line in enumerate(lines):
                for heading, cell in cells:
                    if len(line) > 3 and heading.startswith(line):
                        after = lines[i + 1:]
                        assert any(rest not in cell for rest in after), (path.name, n + 1, heading, after)
                        checked += 1
    assert checked >= 40


def test_the_whole_pack_prints_as_one_document_in_report_order(packs, printed):
    for pack, manifest in _packs(packs):
        index = (pack / "index.html").read_text(encoding="utf-8")
        assert '<a href="pack.html">Print the whole pack</a>' in index
        document = pack / "pack.html"
        pages = printed[document]
        where = f"{manifest['authority']} · {_month(manifest['period'])}"
        headed = [_header_title(_lines(text)[0], where) for text in pages]
        expected = [r["title"] for r in _reports(manifest)]
        assert headed[0] == "Monitoring pack: contents"
        # every report, in report order, each starting on a new page with its own heading
        order = [t for i, t in enumerate(headed[1:]) if i == 0 or headed[i] != t]
        assert order == expected, order
        alone = sum(len(printed[pack / f"{r['name']}.html"]) for r in _reports(manifest))
        assert len(pages) == 1 + alone, (pack, len(pages), alone)  # the contents, then every report's pages
        body = document.read_text(encoding="utf-8")
        ids = re.findall(r'\sid="([^"]+)"', body)
        assert len(ids) == len(set(ids)), "element ids repeat"
        for target in re.findall(r'\shref="#([^"]*)"', body):
            assert target in ids, target
        assert "http://" not in body.split("</head>")[1].replace("http://www.w3.org", "")


def test_the_whole_pack_document_is_the_same_bytes_when_made_again(packs, tmp_path):
    again = tmp_path / "again"
    pack = next(p for p, m in _packs(packs) if m["authority"] == "Blackpool")
    assert main(["report", "--year", "2024", "--authority", "Blackpool", "--out", str(again), "--quiet"]) == 0
    assert (again / pack.relative_to(packs) / "pack.html").read_bytes() == (pack / "pack.html").read_bytes()


def _pack_pages(packs: Path) -> list[tuple[Path, dict]]:
    """Each pack's index and report pages, with the pack's manifest."""
    return [(path, manifest) for pack, manifest in _packs(packs)
            for path in [pack / "index.html", *sorted(pack.glob("[0-9]*.html"))]]


def test_no_word_of_a_printed_table_is_broken(packs, browsed):
    pages = [path for path, _ in _pack_pages(packs)]
    broken = {path.relative_to(packs).as_posix(): browsed[path]["broken"][:5] for path in pages if browsed[path]["broken"]}
    assert sum(browsed[path]["cells"] for path in pages) > 1000
    assert broken == {}


def test_the_whole_pack_document_fits_1280_px(packs, browsed):
    for pack, _ in _packs(packs):
        assert browsed[pack / "pack.html"]["screen"]["scrollWidth"] <= VIEWPORT, pack


def test_every_page_fits_1280_px_and_a4(packs, browsed):
    """The reports index, each pack's index and every report page at 1280 px: no sideways scroll,
    no table wider than its box, the title the report's, authority's and month's, alt text on every
    image, headings that do not jump, table text at least 14 px, a scope on every column heading;
    under print media nothing wider than the printable width of A4."""
    problems: list[str] = []
    pages = [(packs / "index.html", None), *_pack_pages(packs)]
    for path, manifest in pages:
        m, where = browsed[path]["screen"], path.relative_to(packs).as_posix()
        if m["scrollWidth"] > VIEWPORT:
            problems.append(f"{where}: page scrolls sideways ({m['scrollWidth']} px)")
        if m["wideTables"]:
            problems.append(f"{where}: tables wider than their box: {m['wideTables']}")
        if "Notebook" in m["title"] or not m["title"].strip():
            problems.append(f"{where}: title {m['title']!r}")
        if manifest and path.name[:1].isdigit() and not re.fullmatch(
                rf".+ · {re.escape(manifest['authority'])} · {re.escape(_month(manifest['period']))}", m["title"]):
            problems.append(f"{where}: title is not report · authority · period: {m['title']!r}")
        if m["noAlt"]:
            problems.append(f"{where}: {m['noAlt']} images without alt text")
        levels = m["headings"]
        if levels[:1] != [1] or any(b - a > 1 for a, b in itertools.pairwise(levels)):
            problems.append(f"{where}: headings jump {levels}")
        if m["smallText"] or m["thWithoutScope"]:
            problems.append(f"{where}: {m['smallText']} table cells under 14 px, {m['thWithoutScope']} th without scope")
        if browsed[path]["print_wide"]:
            problems.append(f"{where}: wider than the printable width of A4 in print: {browsed[path]['print_wide']}")
    assert len(pages) > 25
    assert problems == []


# ------------------------------------------------------------------------------------------- workbooks


class _PageTables(HTMLParser):
    """The data tables of a report page outside "About this report": each column's heading,
    whether the page shows it as figures (``th class="num"``), and every row's cell texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._about = 0
        self._in = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details" and "about" in (a.get("class") or ""):
            self._about = 1
        elif tag == "table" and "data" in (a.get("class") or "") and not self._about:
            self._in = {"labels": [], "num": [], "rows": []}
            self.tables.append(self._in)
        elif self._in is not None and tag == "tr":
            self._row = []
        elif self._in is not None and tag in ("td", "th"):
            self._cell, self._num, self._head = [], "num" in (a.get("class") or ""), tag == "th"

    def handle_endtag(self, tag):
        if tag == "details":
            self._about = 0
        elif tag == "table":
            self._in = None
        elif self._in is not None and tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._head:
                self._in["labels"].append(text)
                self._in["num"].append(self._num)
            else:
                self._row.append(text)
            self._cell = None
        elif self._in is not None and tag == "tr" and self._row:
            self._in["rows"].append(self._row)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _page_tables(path: Path) -> list[dict]:
    parser = _PageTables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


# a figure as the pages write one: 1,595 · −0.33 · £21,520 · +£1.2m · 81% · +37 children
FIGURE = re.compile(r"^([+\-\u2212])?(£)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?([km])?(%)?( [a-z]+| per 10,000)?$")
# columns of identifiers and of text as printed in a paper: text, whatever it looks like
TEXT_COLUMN = re.compile(r"as printed|\braw\b|paragraph|reference|document|\bwhere\b|\bfile\b|sha256|\bid\b", re.I)


def _figure(text: str) -> tuple[float, int, bool] | None:
    """(value in the page's unit, decimals shown, signed with +) of a figure's text, else None."""
    m = FIGURE.match(text)
    if m is None or (m[3].startswith("0") and len(m[3]) > 1 and not m[4]):
        return None
    value = float(m[3].replace(",", "") + (m[4] or "")) * {None: 1, "k": 1e3, "m": 1e6}[m[5]]
    return (-value if m[1] in ("-", MINUS) else value), len(m[4] or ".") - 1, m[1] == "+"


def _key(label: str) -> str:
    return re.sub(r"\s*\(£[^)]*\)", "", label).strip().lower()


def _column(have: list[str], label: str) -> int | None:
    """The sheet column of a page column: the same heading, or the one the page's heading starts
    with (the page may say "Computed from its parts" where the workbook says "Computed")."""
    key = _key(label)
    if key in have:
        return have.index(key)
    return next((i for i, k in enumerate(have) if k and key.startswith(k + " ")), None)


def _check_figures(path: Path, book) -> int:
    """Every cell that holds a figure on the page is a number in the workbook, as the page shows it."""
    tables = _page_tables(path)
    sheets = [s for s in book.worksheets if s.title not in ("About", "Sources")]
    assert len(sheets) == len(tables), (path.name, [s.title for s in sheets], len(tables))  # a sheet per table
    checked = 0
    for table, sheet in zip(tables, sheets, strict=True):
        have = [_key(str(c.value)) for c in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2))
        for j, label in enumerate(table["labels"]):
            texts = [texts[j] if j < len(texts) else "" for texts in table["rows"]]
            if TEXT_COLUMN.search(label) and not table["num"][j] or not any(_figure(x) for x in texts):
                continue
            col = _column(have, label)
            assert col is not None, (path.name, sheet.title, label, "a column of figures missing from the workbook")
            money = "(£" in label
            for i, text in enumerate(texts):
                seen = _figure(text)
                if seen is None:
                    continue
                cell = rows[i][col]
                where = f"{path.name} / {sheet.title} / {label} row {i + 2}: page {text!r}, cell {cell.value!r}"
                assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool), where
                value, decimals, signed = seen
                in_thousands = "(£000" in str(sheet.cell(row=1, column=col + 1).value)  # the workbook says so
                if money and "(£000" in label and not in_thousands:  # the page in £000, the workbook in pounds
                    assert isinstance(cell.value, int) and round(cell.value / 1000) == value, where
                elif in_thousands:
                    assert cell.value == value, where
                elif money or text.startswith(("£", "+£", f"{MINUS}£")):
                    assert isinstance(cell.value, int), where
                    if not re.search(r"[km]$", text):
                        assert cell.value == value, where  # every pound, as the page
                else:
                    assert abs(cell.value - value) < 10 ** -decimals / 2 + 1e-9, where
                    assert round(cell.value, decimals) == cell.value, where  # no more decimals than the page
                    if decimals == 0:
                        assert isinstance(cell.value, int), where  # counts whole
                if signed:
                    assert cell.number_format.startswith('"+'), where  # the sign shows, as on the page
                checked += 1
    return checked


def test_every_figure_on_a_page_is_a_number_in_its_workbook(packs):
    checked = 0
    for pack, manifest in _packs(packs):
        for report in _reports(manifest):
            path = pack / f"{report['name']}.html"
            checked += _check_figures(path, load_workbook(path.with_suffix(".xlsx")))
    assert checked > 2000


def test_no_figure_is_stored_as_text(packs):
    """No cell of any workbook is a figure written as text (with or without the apostrophe that
    neutralises a formula), outside the columns of identifiers and text as printed."""
    found = []
    for xlsx in sorted(packs.glob("*/*/*.xlsx")):
        for sheet in load_workbook(xlsx).worksheets:
            if sheet.title == "Sources":
                continue
            labels = [str(c.value) for c in sheet[1]]
            for row in sheet.iter_rows(min_row=2, values_only=True):
                for label, value in zip(labels, row, strict=True):
                    if isinstance(value, str) and not TEXT_COLUMN.search(label) and \
                            _figure(value.removeprefix("'")) is not None:
                        found.append((xlsx.name, sheet.title, label, value))
    assert found == []


BAD_SHEET_CHARS = set("[]:*?/\\")


def test_sheet_names_are_valid_unique_and_whole_words(packs):
    for xlsx in sorted(packs.glob("*/*/*.xlsx")):
        names = load_workbook(xlsx).sheetnames
        assert len({n.lower() for n in names}) == len(names), (xlsx.name, names)
        page = html.unescape(xlsx.with_suffix(".html").read_text(encoding="utf-8"))
        for name in names:
            assert 0 < len(name) <= 31 and name == name.strip() and not set(name) & BAD_SHEET_CHARS, (xlsx.name, name)
            assert not name.startswith("'") and not name.endswith("'"), (xlsx.name, name)
            last = re.split(r"[ -]", re.sub(r" \d+$", "", name))[-1]  # a counter made the name unique
            # cut at a whole word: its last word is a word of the page (a caption or heading)
            assert re.search(rf"(?<!\w){re.escape(last)}(?!\w)", page) or name in ("About", "Sources"), \
                (xlsx.name, name, last)


# ------------------------------------------------------------------------------- month on month


@pytest.fixture(scope="module")
def november(tmp_path_factory, bundled) -> Path:
    """The Cambridgeshire pack of November 2017, made from the SYNTHETIC November tracker beside the
    real October one: report 10 only."""
    base = tmp_path_factory.mktemp("november")
    raw, processed, out = base / "raw", base / "processed", base / "reports"
    shutil.copytree(RAW, raw)
    write_november(bundled.tables["savings_tracker"], raw / "tracker_2017_11_SYNTHETIC.xlsx")
    register(raw, raw / "tracker_2017_11_SYNTHETIC.xlsx", unit="gbp_thousands", kind="savings_tracker",
             authority="Cambridgeshire", period="2017-11", paper="SYNTHETIC November tracker for tests",
             saving_sign="negative")
    run_ingest(raw, processed)
    assert main(["report", "--authority", "Cambridgeshire", "--period", "2017-11", "--only", "10", "--out", str(out),
                 "--raw", str(raw), "--processed", str(processed), "--quiet"]) == 0
    return out / "cambridgeshire" / "2017-11"


def _sheet_rows(book, starts: str) -> list[dict]:
    names = [n for n in book.sheetnames if n.startswith(starts)]
    assert len(names) == 1, (starts, book.sheetnames)
    rows = list(book[names[0]].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_report_10_workbook_has_the_month_on_month_tables(november):
    book = load_workbook(november / "10_savings_tracker_variance.xlsx")
    assert [r["Reference"] for r in _sheet_rows(book, "Lines whose RAG status changed")] == ["A/R.6.101"]
    assert [r["Reference"] for r in _sheet_rows(book, "Lines added this month")] == [ADDED["reference"]]
    assert [r["Reference"] for r in _sheet_rows(book, "Lines dropped this month")] == DROPPED
    assert [r["Reference"] for r in _sheet_rows(book, "Printed direction of travel")] == ["A/R.6.210"]
    drift = {r["Reference"]: r for r in _sheet_rows(book, "Forecast drift by line")}
    assert set(drift) == set(CHANGES)
    # tests/fixtures/synthetic_month.py: A/R.6.101 forecast saving 0 -> 100 (£000); A/R.6.210 821 -> 700
    column = next(k for k in drift["A/R.6.101"] if k.lower().startswith("drift"))
    assert drift["A/R.6.101"][column] == 100_000 and drift["A/R.6.210"][column] == -121_000
    assert all(isinstance(r[column], int) for r in drift.values())
