"""Notebooks 40 (placement costs and slippage) and 50 (Financial Improvement Plan) run with
papermill with a non-default parameter, and their outputs reflect it.

Expected figures: 002 Table 7 (lines 44-49) prints reductions of £1.6m, £3.0m, £4.3m and £7.1m
where the costs give £3.0m, £4.4m, £5.8m and £7.0m - four years differ, and with no rounding
tolerance all four disagree.  001 line 205 prints Children's Centre 2017/18 as £57,500 in prose
against 57k in the table (line 255): within ±£500, but listed when the tolerance is 0, making
five disagreements instead of four (the others: lines 190, 230 x2, 236 against 253, 259, 261).
"""

from __future__ import annotations

import html
import re

import pytest

from analysis.report.notebooks import execute

from .conftest import ROOT

pytestmark = pytest.mark.notebooks

NOTEBOOKS = ROOT / "notebooks"


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _html_outputs(nb) -> list[str]:
    return [o["data"]["text/html"] for o in _outputs(nb) if "text/html" in o.get("data", {})]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def _assert_clean(nb) -> None:
    kinds = {o["output_type"] for o in _outputs(nb)}
    assert "stream" not in kinds and "error" not in kinds, kinds
    for o in _outputs(nb):
        assert "text/plain" not in o.get("data", {}) or {"text/html", "image/svg+xml"} & set(o["data"]), o


def _table_with(nb, heading: str) -> str:
    tables = [t for h in _html_outputs(nb) for t in re.findall(r"<table.*?</table>", h, re.S) if heading in t]
    assert len(tables) == 1, heading
    return tables[0]


def _body_rows(table: str) -> list[str]:
    body = re.search(r"<tbody>(.*)</tbody>", table, re.S).group(1)
    return [_text(r).strip() for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture(scope="module")
def nb40_strict(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb40") / "40.ipynb"
    return execute(NOTEBOOKS / "40_placement_costs_and_slippage.ipynb", out, {"rounding_tolerance_gbp": 0})


@pytest.fixture(scope="module")
def nb50_strict(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb50") / "50.ipynb"
    return execute(NOTEBOOKS / "50_financial_improvement_plan.ipynb", out, {"rounding_tolerance_gbp": 0})


def test_notebook_40_with_no_rounding_tolerance(nb40_strict):
    _assert_clean(nb40_strict)
    text = " ".join(_text(h) for h in _html_outputs(nb40_strict))
    # default (£100k): 3 of 5 years disagree (002 Table 7), 2018-19 within rounding; with 0 every differing year does
    assert "disagrees with the paper's own costs in 4 of 5 years, by £100k to £1.5m" in text
    rows = _body_rows(_table_with(nb40_strict, "Reduction recomputed"))
    assert [r.split()[0] for r in rows] == ["2014-15", "2015-16", "2016-17", "2017-18", "2018-19"]
    assert [r.split()[-1] for r in rows] == ["agrees", "disagrees", "disagrees", "disagrees", "disagrees"]
    assert "The printed total of £1,007,221 matches the sum of the 9 months (£1,007,221)" in text
    params = _body_rows(_table_with(nb40_strict, "Settings of this run"))
    assert "Rounding tolerance (£) 0" in params
    svgs = [o["data"]["image/svg+xml"] for o in _outputs(nb40_strict) if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 2 and all('aria-label="' in s for s in svgs)


def test_notebook_50_with_no_rounding_tolerance(nb50_strict):
    _assert_clean(nb50_strict)
    text = " ".join(_text(h) for h in _html_outputs(nb50_strict))
    # every prose figure the reconciliation checks takes report 90's verdict, whatever the tolerance: of the 5
    # that differ from the table, only £21,520 against 20k (001 line 230) is beyond the paper's rounding
    assert re.search(r"The plan's prose and its table disagree on 1 figure beyond the paper's rounding ?; 4 more "
                     r"differ only within it", text)
    assert "The prose states 33 of the table's 36 figures; 1 differ from the table by more than the paper's" in text
    beyond = _body_rows(_table_with(nb50_strict, "Beyond the paper"))
    within = _body_rows(_table_with(nb50_strict, "Within the paper"))
    assert len(beyond) == 1 and "£21,520 £20,000 +£1,520" in beyond[0]
    assert len(within) == 4
    assert any("Children's Centre Provision 2017-18 £57,500 £57,000 +£500" in r for r in within)
    # 001: the 2017-18 TOTAL is £1,578k; half of it is £789k, as the plan prints (money in the pack's £m/£k style)
    assert "50% of the 2017-18 total of £1.6m is £789k; the plan prints £789k" in text
    assert "£4.9m to £6.6m" in text
    params = _body_rows(_table_with(nb50_strict, "Settings of this run"))
    assert "Rounding tolerance (£) 0" in params
