"""Notebooks 20 (CLA comparators) and 30 (CLA trajectories) run with papermill with non-default
parameters, and their outputs reflect the change.  Expected figures come from Torbay's papers:
002_e4fc5fb4266e3ff1.txt Table 3 (neighbours' rates, lines 16-28) and Table 6 (line 33), and
001_24ee55b955d66714.txt Table 1 (lines 22-23)."""

from __future__ import annotations

import html
import re
import statistics

import nbformat
import pytest

from analysis import paths
from analysis.report.notebooks import execute, parameters

NOTEBOOKS = paths.project_root() / "notebooks"
NB20 = NOTEBOOKS / "20_cla_comparators.ipynb"
NB30 = NOTEBOOKS / "30_cla_trajectories.ipynb"
NEIGHBOUR_RATES = [166, 82, 82, 73, 73, 69, 62, 49, 46, 45]  # 002 Table 3, lines 16-26 (Torbay excluded)
MEDIAN = statistics.median(NEIGHBOUR_RATES)  # 71
MEAN = sum(NEIGHBOUR_RATES) / len(NEIGHBOUR_RATES)  # 74.7
POPULATION = 305 * 10_000 / 121  # 002 Table 6 line 33: 305 children at 121 per 10,000


def _texts(nb: nbformat.NotebookNode, mime: str = "text/html") -> list[str]:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if mime in o.get("data", {})]


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _paper_sentence(nb: nbformat.NotebookNode) -> str:
    """The first sentence about the paper's comparator (after the note that the public statistics
    are absent, when they are)."""
    return next(t for t in map(_plain, _texts(nb)) if t.strip().startswith("In "))


def _assert_clean(nb: nbformat.NotebookNode) -> None:
    kinds = {o["output_type"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])}
    assert "stream" not in kinds and "error" not in kinds, kinds


def test_notebooks_declare_the_agreed_parameters():
    assert {k: p.default for k, p in parameters(NB20).items()} == {
        "authority": "Torbay", "period": "2019-11", "year": "", "model": "", "average": "mean",
        "national_rate_per_10k": 0.0, "as_of": "", "processed_dir": ""}
    assert {k: p.default for k, p in parameters(NB30).items()} == {
        "authority": "Torbay", "period": "2019-11", "measure": "number", "target": "printed", "as_of": "",
        "processed_dir": ""}


@pytest.mark.parametrize("path", [NB20, NB30], ids=["20", "30"])
def test_committed_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    _assert_clean(nb)
    assert _texts(nb, "image/svg+xml"), "the committed notebook has been executed (it shows its chart)"
    assert "/work/" not in path.read_text()


@pytest.mark.notebooks
def test_notebook_20_with_the_median_and_a_national_rate(tmp_path, papers_only_dir):
    nb = execute(NB20, tmp_path / "20.ipynb", {"average": "median", "national_rate_per_10k": 60.0,
                                               "processed_dir": str(papers_only_dir)})
    _assert_clean(nb)
    assert "The published statistics have not been loaded for this pack" in " ".join(map(_plain, _texts(nb)[:2]))
    first = _paper_sentence(nb)
    gap_children = (121 - MEDIAN) * POPULATION / 10_000  # ≈ 126
    assert f"than the median of its 10 statistical neighbours' rates ({MEDIAN:.1f})" in first
    assert f"about {gap_children:,.0f} fewer children" in first
    assert "the paper prints the neighbours' average as 75" in first
    svg = _texts(nb, "image/svg+xml")[0]
    assert "Neighbours' median 71" in html.unescape(svg)
    assert "National 60" in svg
    sentences = " ".join(_plain(t) for t in _texts(nb))
    national_gap = (121 - 60) * POPULATION / 10_000
    assert "At the national rate of 60.0 per 10,000" in sentences
    assert f"about {national_gap:,.0f} fewer children" in sentences
    params = _plain(_texts(nb)[-1])
    assert re.search(r"Average\s+median", params) and re.search(r"National rate per 10,000\s+60.0", params)
    assert "'median'" not in params and "''" not in params


@pytest.mark.notebooks
def test_notebook_20_default_states_the_mean(tmp_path, papers_only_dir):
    nb = execute(NB20, tmp_path / "20.ipynb", {"processed_dir": str(papers_only_dir)})
    first = _paper_sentence(nb)
    assert first.strip().startswith("In 2012-13 Torbay")  # 002 Table 3 gives the neighbours' rates for 2012/13 only
    assert f"({MEAN:.1f})" in first and "46.3 more" in first
    assert f"about {(121 - MEAN) * POPULATION / 10_000:,.0f} fewer children" in first
    assert "No national rate is shown" in " ".join(_plain(t) for t in _texts(nb))
    assert "Not reproduced: the published statistics have not been loaded for this pack" in " ".join(map(_plain, _texts(nb)))


@pytest.mark.notebooks
def test_notebook_30_in_rates_with_the_median_target(tmp_path, papers_only_dir):
    nb = execute(NB30, tmp_path / "30.ipynb", {"measure": "rate", "target": "median",
                                               "processed_dir": str(papers_only_dir)})
    _assert_clean(nb)
    svg = html.unescape(_texts(nb, "image/svg+xml")[0])
    assert "Children looked after per 10,000 children aged 0-17" in svg
    assert "Children looked after (number)" not in svg
    assert "+14" in svg  # 001 Table 1: 111 per 10,000 in Nov 2016 against the plan's 97
    assert f"neighbours' average {MEDIAN:.0f} per 10,000" in svg
    first = _plain(_texts(nb)[1])  # after the headline box
    assert "rate was 111 per 10,000 in Nov 2016, 14 above the 5-year plan (Oct 2014) for 2016-17" in first
    assert "per 10,000" in first and "median" in first
    assert re.search(r"Measure\s+rate", _plain(_texts(nb)[-1]))


@pytest.mark.notebooks
def test_notebook_30_default_in_numbers(tmp_path, papers_only_dir):
    nb = execute(NB30, tmp_path / "30.ipynb", {"processed_dir": str(papers_only_dir)})
    svg = html.unescape(_texts(nb, "image/svg+xml")[0])
    assert "Children looked after (number)" in svg
    first = _plain(_texts(nb)[1])  # after the headline box
    # 001 Table 1: 279 in Nov 2016 vs 242 planned; MTFS band 279-15 and 279-10 in 2018-19 vs 180 planned
    assert "279 children in Nov 2016, 37 more than the 5-year plan (Oct 2014) for 2016-17" in first
    assert f"{279 - 15 - 180} to {279 - 10 - 180} children above that plan in 2018-19" in first
    # the year of the neighbours' table (002 Table 3, 2012/13) is the latest the paper gives when year = ""
    assert "the neighbours' average as printed for 2012-13" in first
