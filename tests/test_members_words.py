"""Every page of the bundled packs and of a public-only pack (Blackpool, 2024) read as a councillor
reads it (issue 18, "One sign, one unit, one precision" and "Members' words"):

* every abbreviation of the glossary (:data:`analysis.presentation.glossary.terms()`) that appears in
  the visible text is inside an ``<abbr title>`` where it is first used on that page, the page
  lists it in its glossary, and a chart's description spells it out;
* outside "About this report" the visible text holds no file name of data/raw, no hash of 12 or
  more hex digits, no processed table name (:data:`analysis.schemas.TABLES`), no column label of
  a ``_raw`` column and no interval notation (``[£19,500, £20,500)``);
* every negative number in the visible text is written with the true minus sign (U+2212);
* report 90 shows a saving as a positive amount (the banner's rule), on the page and in its Excel
  download: the savings tracker's totals row (003 line 6) prints ``-16,656`` (£000) as its
  forecast saving and the page shows £16,656,000;
* report 40's headline, lead sentence and chart say the same count of years, worked out here from
  Table 7 of the 2015 paper (002 lines 44-49); report 50's headline and lead sentence say the same
  count of prose figures beyond the paper's rounding as report 90 classes, and that count is the
  one the paper gives (001 line 230: £21,520 in the prose against 20k in the table).

The packs are built once for the module (``report --latest`` and ``report --year 2024 --authority
Blackpool``), which needs the public statistics (skipped with the reason when they are absent).
The checks are plain functions of a page or a pack folder so that they can be run on any
published pack.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import schemas
from analysis.presentation import glossary

from .conftest import FIVE_YEAR_PLAN, MTFS, RAW, TRACKER, raw_lines

pytestmark = pytest.mark.notebooks

MINUS = "\u2212"
#: a hyphen-minus used as a minus sign: at the start of a text or after a space or an opening
#: bracket, and followed by a figure (``-4.3``, ``-£1.4m``, ``(-2000k``); never a span like 2018-19
HYPHEN_NEGATIVE = re.compile(r"(?:^|(?<=[\s(\[:;=+£]))-(?=£?\d)")
HASH = re.compile(r"\b[0-9a-f]{12,}\b")
INTERVAL = re.compile(r"[\[(]\s*[−-]?£?[\d,.]+[km]?\s*,\s+[−-]?£?[\d,.]+[km]?\s*[\])]")


# --------------------------------------------------------------------------------------------- reading a page


class _Page(HTMLParser):
    """A page's visible text as runs, each with whether it sits inside "About this report", an
    ``<abbr>`` (and its title) or a table heading; and every ``<img>``'s ``alt``."""

    SKIP = {"script", "style", "title", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[dict] = []
        self.alts: list[str] = []
        self.glossary: list[str] = []
        self._stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.alts.append(attrs.get("alt") or "")
            return
        if tag in ("br", "meta", "link", "input", "hr", "wbr"):
            return
        self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def _inside(self, tag: str, cls: str | None = None) -> dict | None:
        for name, attrs in self._stack:
            if name == tag and (cls is None or cls in (attrs.get("class") or "").split()):
                return attrs
        return None

    def handle_data(self, data):
        if any(name in self.SKIP for name, _ in self._stack) or not data.strip():
            return
        abbr = self._inside("abbr")
        if self._inside("section", glossary.GLOSSARY_CLASS) is not None:
            if self._inside("dt") is not None:
                self.glossary.append(data.strip())
            return
        self.runs.append({"text": data, "about": self._inside("details", "about") is not None,
                          "abbr": abbr.get("title") if abbr is not None else None,
                          "th": self._inside("th") is not None})


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _term_pattern(short: str) -> re.Pattern:
    """An abbreviation as a word of its own (``SFR`` also before a release number: ``SFR36``)."""
    tail = r"(?![A-Za-z&])" if short == "SFR" else r"(?![\w&])"
    return re.compile(r"(?<![\w&])" + re.escape(short) + tail)


def _outside_about(page: _Page) -> str:
    return " ".join(r["text"] for r in page.runs if not r["about"])


# --------------------------------------------------------------------------------------------- the checks


def abbreviation_problems(path: Path) -> list[str]:
    """Glossary terms whose first use on the page is not inside an ``<abbr title>``, that the page's
    glossary does not list, or that a chart's description leaves unexplained."""
    page = read_page(path)
    problems = []
    for term in glossary.terms():
        pattern = _term_pattern(term.short)
        first = next((r for r in page.runs if pattern.search(r["text"])), None)
        if first is None:
            continue
        if not first["abbr"]:
            problems.append(f"{path.name}: first {term.short!r} not in <abbr>: {first['text'].strip()[:80]!r}")
        if term.short not in page.glossary:
            problems.append(f"{path.name}: {term.short!r} used but not in the page's glossary")
    for alt in page.alts:
        for term in glossary.terms():
            words = term.long.split(" (")[0].split(":")[0]
            if _term_pattern(term.short).search(alt) and words not in alt:
                problems.append(f"{path.name}: chart description uses {term.short!r} without {words!r}: {alt[:80]!r}")
    return problems


def raw_file_names() -> list[str]:
    with (RAW / "manifest.csv").open(encoding="utf-8", newline="") as f:
        return [row["file"] for row in csv.DictReader(f)] + ["manifest.csv"]


def developer_word_problems(path: Path) -> list[str]:
    """File names of data/raw, hashes, processed table names, ``_raw`` column labels and interval
    notation in the visible text outside "About this report"."""
    page = read_page(path)
    text = _outside_about(page)
    problems = [f"{path.name}: file name {name}" for name in raw_file_names() if name in text]
    problems += [f"{path.name}: hash {m.group(0)}" for m in HASH.finditer(text)]
    for name in schemas.TABLES:
        if "_" in name and re.search(rf"\b{re.escape(name)}\b", text):
            problems.append(f"{path.name}: table name {name}")
    for run in page.runs:
        if run["th"] and not run["about"] and re.search(r"(\braw$|_raw\b)", run["text"].strip(), re.I):
            problems.append(f"{path.name}: column label {run['text'].strip()!r}")
    problems += [f"{path.name}: interval {m.group(0)}" for m in INTERVAL.finditer(text)]
    return problems


def minus_problems(path: Path) -> list[str]:
    """Negative numbers written with a hyphen-minus instead of U+2212."""
    found = []
    for run in read_page(path).runs:
        for m in HYPHEN_NEGATIVE.finditer(run["text"]):
            found.append(f"{path.name}: {run['text'][max(0, m.start() - 30):m.end() + 20].strip()!r}")
    return found


def pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html")) + sorted(out.glob("*/*/*.html"))


# --------------------------------------------------------------------------------------------- the packs


@pytest.fixture(scope="module")
def packs(latest_and_year_packs) -> Path:
    return latest_and_year_packs  # built once per test run (conftest)


def test_the_packs_include_a_public_only_one(packs):
    folders = sorted(p.parent.relative_to(packs).as_posix() for p in packs.glob("*/*/manifest.json"))
    assert folders[1:] == ["cambridgeshire/2017-10", "torbay/2019-11"]
    assert folders[0].startswith("blackpool/2024-")  # dated the month the 31 March 2024 figures were published
    assert (packs / "england-2024.html").is_file()


def test_every_abbreviation_is_spelt_out_where_first_used(packs):
    problems = [p for page in pages(packs) for p in abbreviation_problems(page)]
    assert not problems, "\n".join(problems[:40])
    # the check has something to bite on: the papers' MTFS and LAIT's figures are on these pages
    assert "MTFS" in read_page(packs / "torbay" / "2019-11" / "30_cla_trajectories.html").glossary
    assert "DfE" in read_page(packs / "england-2024.html").glossary


def test_no_developers_words_outside_about(packs):
    problems = [p for page in pages(packs) for p in developer_word_problems(page)]
    assert not problems, "\n".join(problems[:40])


def test_every_negative_has_the_true_minus(packs):
    problems = [p for page in pages(packs) for p in minus_problems(page)]
    assert not problems, "\n".join(problems[:40])
    assert MINUS in _outside_about(read_page(packs / "england-2024.html"))  # it has negative gaps


def _tracker_totals() -> dict[str, int]:
    """003 line 6, the tracker's totals row, by the header of line 7 (£000 as printed)."""
    lines = raw_lines(TRACKER)
    header, totals = lines[6].split("\t"), lines[5].split("\t")
    out = {}
    for name, cell in zip(header, totals, strict=True):
        cell = cell.strip().replace(",", "")
        if name and re.fullmatch(r"-?\d+", cell):  # 'Original Saving 17-18': the item is 'Original Saving'
            out[re.sub(r"\s+\d{2}-\d{2}$", "", name.strip())] = int(cell)
    return out


def test_report_90_shows_savings_positive_as_the_banner_says(packs):
    from openpyxl import load_workbook

    totals = _tracker_totals()
    savings = {k: v for k, v in totals.items() if "Phasing" in k or "Saving" in k}
    assert savings["Forecast Saving"] == -16_656 and len(savings) == 10  # printed negative
    pack = packs / "cambridgeshire" / "2017-10"
    page = read_page(pack / "90_reconciliation.html")
    assert "Savings are shown as positive amounts" in " ".join(r["text"] for r in page.runs)
    text = re.sub(r"\s+", " ", _outside_about(page))
    for name, thousands in savings.items():
        shown = f"£{abs(thousands) * 1000:,}"
        assert re.search(rf"totals row \(line 6\): {re.escape(name)} total {re.escape(shown)} {re.escape(shown)} £0 "
                         r"saving printed negative", text), name
        assert f"{MINUS}{shown}" not in text and f"-{shown}" not in text
    book = load_workbook(pack / "90_reconciliation.xlsx")
    seen = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        for head, *body in [rows[i:] for i, r in enumerate(rows) if r and "Stated" in r][:1]:
            col = head.index("Stated")
            for row in body:
                item = next((v for v in row if isinstance(v, str) and v.startswith("totals row (line 6): ")), None)
                if item:
                    seen[item.removeprefix("totals row (line 6): ")] = row[col]
    for name, thousands in savings.items():
        assert seen[name] == abs(thousands) * 1000, name


def _pounds(text: str) -> int:
    return round(float(text.strip().lstrip("£").rstrip("m")) * 1_000_000)


def test_report_40_headline_sentence_and_chart_agree_with_table_7(packs):
    # 002 lines 44-49, Table 7: cost of each year and the printed reduction against 2013/14, each to
    # the nearest £0.1m; a reduction recomputed from two such costs may be £0.1m out by rounding alone
    rows = [line.split("\t") for line in raw_lines(FIVE_YEAR_PLAN)[43:49]]
    assert rows[0][0] == "2013/14" and rows[-1][0] == "2018/19"
    base = _pounds(rows[0][1])
    compared = [(_pounds(r[1]), _pounds(r[2])) for r in rows[1:]]
    disagree = sum(abs(printed - (base - cost)) > 100_000 for cost, printed in compared)
    assert (disagree, len(compared)) == (3, 5)
    expected = f"{disagree} of {len(compared)} years"
    pack = packs / "torbay" / "2019-11"
    for name in ("40_placement_costs_and_slippage.html", "00_scorecard.html", "index.html"):
        text = re.sub(r"\s+", " ", _outside_about(read_page(pack / name)))
        assert re.search(rf"Printed cost reductions that disagree(?:, [^:]+)?: {expected}", text), name
    report = read_page(pack / "40_placement_costs_and_slippage.html")
    text = re.sub(r"\s+", " ", _outside_about(report))
    assert f"disagrees with the paper's own costs in {expected}" in text
    charts = [a for a in report.alts if "reduction" in a]
    assert charts and all(expected in a for a in charts), charts
    counts = [m.groups() for words in [text, *report.alts]  # every count of years said to disagree or differ
              for m in re.finditer(r"(?:disagrees?|differs?)\b[^.;]*?(\d+) of (\d+) years", words)]
    assert counts and set(counts) == {(str(disagree), str(len(compared)))}, counts


def test_report_50_counts_the_disagreements_report_90_classes(packs):
    # 001 line 230: the prose prints '2018/19: £21,520' for the external escorts, the table 20k (line 259):
    # £1,520 apart, more than truncating (£20,000 up to £21,000) or rounding to the nearest £1k
    # (£19,500 up to £20,500) explains; the paper's other prose figures are within £1,000 of the table
    assert "2018/19: £21,520" in raw_lines(MTFS)[229]
    assert re.search(r"external escorts.*\t20k\t20k\t", raw_lines(MTFS)[258])
    pack = packs / "torbay" / "2019-11"
    ninety = re.sub(r"\s+", " ", _outside_about(read_page(pack / "90_reconciliation.html")))
    mismatches = re.findall(r"mismatch Financial Improvement Plan [^:]+ \d{4}-\d{2}: action plan prose", ninety)
    assert len(mismatches) == 1
    fifty = re.sub(r"\s+", " ", _outside_about(read_page(pack / "50_financial_improvement_plan.html")))
    assert "prose and table disagree on 1 figure beyond the paper's rounding" in fifty  # the headline
    assert "The plan's prose and its table disagree on 1 figure beyond the paper's rounding" in fifty
    assert not re.search(r"disagree on [02-9]\d* figure", fifty)
