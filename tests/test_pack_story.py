"""One true story as at the pack's month (issue 18), read off the published pages of Torbay
2019-11, Cambridgeshire 2017-10 and a pack of an authority with published statistics only
(Blackpool, ``--year 2024``):

* each headline is one sentence, the same on the scorecard, the pack index and the report it
  links to;
* nothing from after the pack's month: no 31 March later than the latest figures published by
  then (dates from the release calendar: 31 March 2018 figures public by 22 November 2018, 2019
  by 5 December 2019; 2017 by September 2017; 2024 by 14 November 2024);
* no section heading on a page without something under it - checked against the executed
  notebook beside the page: a heading whose section runs code must show that code's output.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.notebooks

#: pack -> the latest 31 March whose figures were published by the pack's month
LATEST = {"torbay/2019-11": 2018, "cambridgeshire/2017-10": 2017, "blackpool/2024-11": 2024}


@pytest.fixture(scope="module")
def packs(latest_and_year_packs) -> Path:
    out = latest_and_year_packs  # built once per test run (conftest)
    assert sorted(p.parent.relative_to(out).as_posix() for p in out.glob("*/*/manifest.json")) == sorted(LATEST)
    return out


def _visible(fragment: str) -> str:
    fragment = re.sub(r"<(style|script)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _main(page: str) -> str:
    """A report page's own content, without its "About this report" and glossary."""
    return page.split('<details class="about"')[0]


def test_one_headline_sentence_everywhere(packs):
    for key in LATEST:
        pack = packs / key
        card_page = (pack / "00_scorecard.html").read_text(encoding="utf-8")
        rows = re.findall(r"<tr>(.*?)</tr>", card_page.split("<tbody>", 1)[1].split("</tbody>")[0], flags=re.S)
        card = {}
        for row in rows:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            link = re.search(r'href="([^"]+\.html)"', row).group(1)
            card[_visible(cells[1])] = link
        assert card, key
        index = (pack / "index.html").read_text(encoding="utf-8")
        listed = set()
        for row in re.findall(r"<tr>(.*?)</tr>", index, flags=re.S):
            link = re.search(r'<a href="([0-9][^"]+\.html)">', row)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            if not link or link.group(1) == "00_scorecard.html" or len(cells) < 4:
                continue
            for sentence in (_visible(item) for item in cells[3].split("<br>") if "<strong>" in item):
                listed.add(sentence)
                assert sentence in card, (key, sentence)  # the index prints the scorecard's sentence
                assert card[sentence] == link.group(1), (key, sentence)
        for sentence, link in card.items():
            report = _visible((pack / link).read_text(encoding="utf-8"))
            assert sentence in report, (key, link, sentence)  # ... and so does the report's own box
        assert listed, key


def test_nothing_from_after_the_packs_month(packs):
    for key, latest in LATEST.items():
        for page in sorted((packs / key).glob("[0-9]*.html")):
            text = _visible(_main(page.read_text(encoding="utf-8")))
            # a paper's plan or target for a later year is the paper's own, not a published figure
            said = [s for s in re.split(r"(?<=[.;])\s", text) if not re.search(r"plan|target", s, re.I)]
            years = {int(y) for s in said for y in re.findall(r"31 March (20\d\d)", s)}
            assert not years or max(years) <= latest, (key, page.name, sorted(years))


def _sections(nb) -> list[tuple[str, bool]]:
    """(heading, whether its section runs code) of each ``##``/``###`` heading of a notebook."""
    cells = nb.cells
    out = []
    heads = [(i, len(m.group(1)), m.group(2).strip()) for i, c in enumerate(cells) if c.cell_type == "markdown"
             and (m := re.match(r"(#{2,3})\s+(.+)", c.source.lstrip()))]
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[n + 1:] if lv <= level), len(cells))
        out.append((re.sub(r"[*_`]", "", title), any(c.cell_type == "code" for c in cells[i + 1:end])))
    return out


def test_no_heading_without_what_it_heads(packs):
    for key in LATEST:
        pack = packs / key
        for page in sorted(pack.glob("[0-9]*.html")):
            nb = nbformat.read(pack / "executed" / f"{page.stem}.ipynb", as_version=4)
            body = _main(page.read_text(encoding="utf-8"))
            heads = list(re.finditer(r"<h([23])[^>]*>(.*?)</h\1>", body, flags=re.S))
            for section, runs_code in _sections(nb):
                if not runs_code:
                    continue
                found = [h for h in heads if _visible(h.group(2)).rstrip("¶ ").strip() == section]
                for h in found:
                    level = int(h.group(1))
                    after = heads[heads.index(h) + 1:]
                    end = next((x.start() for x in after if int(x.group(1)) <= level), len(body))
                    assert "jp-OutputArea-output" in body[h.end():end], (key, page.name, section)


def test_every_pack_has_a_scorecard_with_its_month(packs):
    for key in LATEST:
        manifest = json.loads((packs / key / "manifest.json").read_text(encoding="utf-8"))
        card = next(r for r in manifest["reports"] if r["name"] == "00_scorecard")
        assert card["status"] == "ok", key
