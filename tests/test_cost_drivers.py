"""Report 35 (what drives the cost) executed for an authority with papers (Torbay, November 2019)
and one without (Leeds, November 2024): each shows its measures against its neighbours and
England, with the figures computed here from the release files in ../shared/data/public and the
neighbour files; its measures are a parameter, one line a measure."""

from __future__ import annotations

import csv
import html
import re

import nbformat
import pytest

from analysis import assumptions, paths
from analysis.analyses import cost_drivers
from analysis.report.notebooks import execute

pytestmark = pytest.mark.public_data

NB35 = paths.project_root() / "notebooks" / "35_cost_drivers.ipynb"
SN_2025 = "dfe_csc_dashboard/sn_model_2025_wide.csv"  # DfE's May 2025 model


def rows_of(nb: nbformat.NotebookNode) -> dict[str, list[str]]:
    """Every table row of the executed notebook's pages, by its first cell (the measure's words)."""
    out = {}
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            for row in re.findall(r"<tr>(.*?)</tr>", o.get("data", {}).get("text/html", ""), re.S):
                cells = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                               row, re.S)]
                if cells:
                    out.setdefault(cells[0], cells)
    return out


def cla_rates(public_dir, file: str, year: int) -> dict[str, int]:
    """Rates per 10,000 at 31 March ``year`` by authority code ('E92000001' for England), as printed."""
    out = {}
    with open(public_dir / "dfe_ees_cla_rates" / file, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            kind = r.get("population_type") or r["population_count"]  # the column's name changed in 2025
            if r["time_period"] == str(year) and kind.startswith("Children looked after") and r["rate_per_10000"].isdigit():
                out[r["old_la_code"] or r["country_code"] if r["geographic_level"] != "Regional" else r["region_code"]] \
                    = int(r["rate_per_10000"])
    return out


def neighbours_2025(public_dir, code: str) -> list[str]:
    with open(public_dir / SN_2025, newline="", encoding="utf-8-sig") as f:
        row = next(r for r in csv.DictReader(f) if r["old_la_code"].strip() == code)
    return [row[f"SN_{i}"].strip() for i in range(1, 11)]


def lac_label() -> str:
    return next(c.label for c in cost_drivers.choose() if c.name == "LAC")


@pytest.fixture(scope="module")
def leeds(with_public_dir, tmp_path_factory) -> nbformat.NotebookNode:
    # the default list with one more measure, named in the parameter as one line would add it to the list
    extra = "; ".join(assumptions.COST_DRIVER_MEASURES) + "; other: CareLeaverEET"
    return execute(NB35, tmp_path_factory.mktemp("nb35") / "35.ipynb",
                   {"authority": "Leeds", "period": "2025-11", "measures": extra})


def test_an_authority_without_papers_against_its_neighbours_and_england(public_dir, leeds):
    # Leeds, November 2025: the 2025 release (published 24 November 2025) and the May 2025 neighbours
    rates = cla_rates(public_dir, "cla_number_and_rate_per_10k_children_2021_2025.csv", 2025)
    group = [rates[c] for c in neighbours_2025(public_dir, "383") if c in rates]
    mean = sum(group) / len(group)
    row = rows_of(leeds)[lac_label()]
    assert row[1] == "31 March 2025"
    assert row[2] == f"{rates['383']} per 10,000"
    assert row[3] == f"{int(mean + 0.5)} per 10,000"  # the neighbours' mean, to the measure's whole numbers
    assert row[4] == f"{rates['E92000001']} per 10,000"
    national = sorted((v for c, v in rates.items() if c[:1].isdigit()), reverse=True)
    assert row[7] == f"{1 + sum(1 for v in national if v > rates['383'])} of {len(national)}"


def test_a_measure_added_by_one_line_of_the_parameter_is_shown(leeds):
    rows = rows_of(leeds)
    eet = next((r for label, r in rows.items() if label.startswith("Care Leavers - Education")), None)
    assert eet is not None and eet[1][:4].isdigit() and eet[1][4] == "-"  # LAIT's financial year
    assert len([c for c in cost_drivers.choose("other: CareLeaverEET")]) == 1


def test_an_authority_with_papers_shows_the_published_figures_of_its_month(public_dir, with_public_dir, tmp_path):
    """Torbay, November 2019: the figures at 31 March 2019 came out in December 2019, so the latest
    published is 31 March 2018 (LAIT's LAC: Torbay 129, England 64, read here from bds_long_0.parquet)."""
    import pandas as pd

    nb = execute(NB35, tmp_path / "35.ipynb", {"authority": "Torbay", "period": "2019-11"})
    bds = pd.read_parquet(public_dir / "lait/bds_long_0.parquet")
    lac = bds[(bds["Short Desc"] == "LAC") & (bds.Years == "2018")]
    torbay, england = (int(float(lac[lac["LA Number"] == n].Values.iloc[0])) for n in (880, 970))
    row = rows_of(nb)[lac_label()]
    assert row[1] == "31 March 2018"
    assert row[2] == f"{torbay} per 10,000" and row[4] == f"{england} per 10,000"
    # the papers' plans are drawn with the CLA rate (a chart whose legend names the plan)
    svgs = [o["data"]["image/svg+xml"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "image/svg+xml" in o.get("data", {})]
    assert any("plan" in s.lower() for s in svgs)


def test_without_the_published_statistics_the_report_says_so(tmp_path):
    """A table set with the papers only (no ``public-stats`` run): report 35 runs to its end and says
    the published statistics have not been loaded (a section once named a variable never defined)."""
    from analysis.ingest import run_ingest
    from analysis.presentation.driver_sections import NOT_LOADED

    from .conftest import RAW

    processed = tmp_path / "processed"
    run_ingest(RAW, processed)
    nb = execute(NB35, tmp_path / "35.ipynb", {"authority": "Torbay", "period": "2019-11",
                                               "processed_dir": str(processed)})
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    text = nbformat.writes(nb)
    assert "have not been loaded for this pack" in text and NOT_LOADED.split(" (")[0] in text
