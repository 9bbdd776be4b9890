"""Notebooks 60 (recovery plan actions) and 70 (business plan pressures) run with papermill with
non-default parameters, and their outputs reflect the change.  Expected values come from the
papers: 000_f58272dfada571d1.txt (Appendix 1 action table, lines 82-168; priority and ID cells
read here with split('\\t') and a small dict of the Cyrillic look-alikes) and
004_2dcb32a701b4c77f.txt (§3.1 table, lines 130-133, £000)."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from analysis import numbers, paths
from analysis.report.notebooks import execute, parameters

from .conftest import BUSINESS_PLAN, RECOVERY_PLAN, raw_lines

NOTEBOOKS = paths.project_root() / "notebooks"
NB60 = NOTEBOOKS / "60_recovery_actions.ipynb"
NB70 = NOTEBOOKS / "70_business_plan_pressures.ipynb"
LOOK_ALIKE = {"Н": "H", "н": "H", "М": "M", "м": "M"}


def _texts(nb: nbformat.NotebookNode, mime: str = "text/html") -> list[str]:
    return [o["data"][mime] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if mime in o.get("data", {})]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def _assert_clean(nb: nbformat.NotebookNode) -> None:
    kinds = {o["output_type"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])}
    assert "stream" not in kinds and "error" not in kinds, kinds


def _raw_action_rows() -> list[list[str]]:
    """000's action rows: 9 tab-separated cells, not a header row, not a section heading."""
    lines = raw_lines(RECOVERY_PLAN)
    rows = []
    for text in lines[81:]:  # the action table starts on line 82
        cells = [c.strip() for c in text.split("\t")]
        if len(cells) == 9 and cells[0] != "ID" and not re.fullmatch(r"\d+\..*", cells[3]):
            rows.append(cells)
    return rows


def test_notebooks_declare_the_agreed_parameters():
    assert {k: p.default for k, p in parameters(NB60).items()} == {
        "authority": "Torbay", "period": "2019-11", "processed_dir": "", "priority_filter": ""}
    assert {k: p.default for k, p in parameters(NB70).items()} == {
        "authority": "Cambridgeshire", "period": "2017-10", "processed_dir": "", "first_year": "", "service_block": ""}


@pytest.mark.parametrize("path", [NB60, NB70], ids=["60", "70"])
def test_committed_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    _assert_clean(nb)
    assert len(_texts(nb, "image/svg+xml")) >= 2, "the committed notebook has been executed (it shows its charts)"
    assert "/work/" not in path.read_text()
    assert _plain(_texts(nb)[-1]).startswith("About this report")


@pytest.mark.notebooks
def test_notebook_60_with_priority_filter_h(tmp_path):
    nb = execute(NB60, tmp_path / "60.ipynb", {"priority_filter": "H"})
    _assert_clean(nb)
    rows = _raw_action_rows()
    high = [r for r in rows if LOOK_ALIKE.get(r[1], r[1]) == "H"]
    lost_high = [r[0] for r in high if not re.search(r"CSC\d+", r[0])]
    lost_other = [r[0] for r in rows if not re.search(r"CSC\d+", r[0]) and r not in high]
    assert lost_high == ["_ਉ Page", "သ င ္ဘင် 30"]  # lines 119-120, both printed 'Н'
    outputs = [_plain(t) for t in _texts(nb)]
    everything = " ".join(outputs)
    assert f"Showing priority H actions: {len(high)} actions" in everything
    lost_sentence = next(t for t in outputs if "have no readable ID" in t)
    assert f"{len(lost_high)} of these {len(high)} actions" in lost_sentence
    lost_table = outputs[outputs.index(lost_sentence) + 1]
    # on the page each lost ID is "illegible in the paper"; the damaged text is in the Excel download only
    assert lost_table.count("illegible in the paper") == len(lost_high)
    assert not any(raw in lost_table for raw in lost_high + lost_other)
    download = next(t for t in _texts(nb, "application/vnd.council-analysis.table+json")
                    if "action_id_raw" in t["columns"])
    raw_ids = [row[download["columns"].index("action_id_raw")] for row in download["rows"]]
    assert raw_ids == lost_high
    # the theme x priority heatmap still covers every action (the filter limits deadlines and lost IDs only)
    assert f"of {len(rows)} actions are high priority" in html.unescape(_texts(nb, "image/svg+xml")[0])
    assert "Priority filter H" in outputs[-1] and "'H'" not in outputs[-1]


@pytest.mark.notebooks
def test_notebook_70_from_2020_21(tmp_path):
    nb = execute(NB70, tmp_path / "70.ipynb", {"first_year": "2020-21"})
    _assert_clean(nb)
    lines = raw_lines(BUSINESS_PLAN)
    figures = [[int(c.replace(",", "")) for c in lines[n - 1].split("\t")[1:6]] for n in (130, 131, 132, 133)]
    requirement, savings, income, _ = (row[2:] for row in figures)  # 2020-21 to 2022-23
    residual = sum(r + s + i for r, s, i in zip(requirement, savings, income, strict=True)) * 1000
    outputs = [_plain(t) for t in _texts(nb)]
    first = next(t for t in outputs if t.startswith("Over "))  # after the headline box
    assert first.startswith(f"Over 2020-21 to 2022-23, Cambridgeshire needs {numbers.money(sum(requirement) * 1000)}")
    assert f"leaving {numbers.money(residual)} still to find" in first
    gap_table = next(t for t in outputs if t.startswith("Year Requirement"))
    assert "2020-21" in gap_table and "2018-19" not in gap_table and "2019-20" not in gap_table
    for svg in _texts(nb, "image/svg+xml"):
        assert ">2018-19<" not in svg and ">2019-20<" not in svg  # no earlier year on any axis
        assert ">2020-21<" in svg
    assert any("demand funding for 2018-19 only, before 2020-21, the first year shown" in t for t in outputs)
    assert "First year 2020-21" in outputs[-1] and "'2020-21'" not in outputs[-1]
