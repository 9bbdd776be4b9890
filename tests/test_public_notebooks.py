"""Notebooks 20, 25 and 30 on the public statistics (../shared/data/public; skipped with the
reason when absent), run with papermill: any English authority against its neighbours, its
region and England; the paper's comparator reproduced; every plan against what was published;
spend against the neighbours.  Expected figures are read from the release files here with the
csv module (or pandas for LAIT's Parquet file), or printed in the papers (002 Table 3 and
Table 6, 002 Table 7), and the arithmetic is done in the test."""

from __future__ import annotations

import csv
import math
import statistics

import pandas as pd
import pytest

from analysis.report.notebooks import execute
from analysis.report.render import NOTHING_MIME

from .conftest import FIVE_YEAR_PLAN, raw_lines
from .test_notebook_20_30 import NB20, NB30, NEIGHBOUR_RATES, _assert_clean, _plain, _texts
from .test_public_benchmarks import sfr_2013_and_ons_mid_2012

pytestmark = [pytest.mark.public_data, pytest.mark.notebooks]

NB25 = NB20.parent / "25_cla_spend_benchmarks.ipynb"
RELEASE_2025 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv"
RELEASE_2023 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2019_2023.csv"


def _rows(path, encoding="utf-8-sig") -> list[dict]:
    with open(path, newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def _at_31_march(public_dir, release: str, year: int) -> dict[str, dict]:
    """Old LA code (or 'England') -> the release's row for children looked after at 31 March."""
    out = {}
    for r in _rows(public_dir / release):
        measure = r.get("population_type") or r.get("population_count") or ""  # the 2023 and 2024 releases
        if r["time_period"] == str(year) and "31 March" in measure:
            key = "England" if r["geographic_level"] == "National" else r["old_la_code"]
            if r["geographic_level"] in ("National", "Local authority"):
                out[key] = r
    return out


def _half_up_1(x: float) -> str:
    """A rate as the reports write it: whole numbers bare, others to one decimal, half up."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{math.floor(x * 10 + 0.5) / 10:,.1f}"


def _words(nb) -> str:
    return " ".join(" ".join(map(_plain, _texts(nb))).split())


def test_20_any_authority_without_papers(public_dir, with_public_dir, tmp_path):
    """Hartlepool (805) at 31 March 2024 against its 2025-model neighbours (sn_model_2025_wide.csv
    line 54), all read from the 2025 release."""
    at = _at_31_march(public_dir, RELEASE_2025, 2024)
    me = at["805"]
    group = [r for r in _rows(public_dir / "dfe_csc_dashboard/sn_model_2025_wide.csv") if r["old_la_code"] == "805"][0]
    codes = [group[f"SN_{k}"] for k in range(1, 11)]
    rates = [int(at[c]["rate_per_10000"]) for c in codes if at.get(c, {}).get("rate_per_10000", "x").isdigit()]
    mean, median = sum(rates) / len(rates), statistics.median(rates)
    rate, population = int(me["rate_per_10000"]), int(me["population_estimate"])
    gap_children = (rate - mean) * population / 10_000

    # a hindsight view: the 2025 release's figures at 31 March 2024 (published after March 2024)
    nb = execute(NB20, tmp_path / "20.ipynb", {"authority": "Hartlepool", "period": "2024-03", "as_of": "2026-03"})
    _assert_clean(nb)
    box, first = (" ".join(_plain(t).split()) for t in _texts(nb)[:2])  # the headline box, then the finding
    assert (f"Children looked after per 10,000 against statistical neighbours, 31 March 2024: {rate} per 10,000 "
            f"against a neighbours' mean of {_half_up_1(mean)} (about {gap_children:,.0f} more children than at the "
            "neighbours' mean)") in box
    assert "first published 14 November 2024" in box  # the 2024 release's date (release calendar)
    assert f"At 31 March 2024 Hartlepool looked after {int(me['children_count']):,} children, {rate} per 10,000" in first
    assert f"mean {_half_up_1(mean)}, median {_half_up_1(median)}" in first and "model 2025" in first
    assert f"about {gap_children:,.0f} fewer children" in first
    assert f"England's rate was {at['England']['rate_per_10000']}" in first
    assert "LAIT gives this measure no polarity" in first
    # no paper: its sections are left off the page, with this reason in About this report
    reasons = [o["data"].get(NOTHING_MIME) for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    assert "Hartlepool has no paper with a neighbours' table in force in March 2024" in reasons
    assert len(_texts(nb, "image/svg+xml")) == 2  # the neighbours' bars and the years' lines


def test_20_reproduces_the_papers_comparator(public_dir, with_public_dir, tmp_path):
    """002 Table 3 (lines 16-28) against SFR36/2013 and ONS mid-2012: the count of rates the
    releases give exactly as printed, those that differ, and those no population reproduces."""
    expected = sfr_2013_and_ons_mid_2012(public_dir)
    codes = ["890", "894", "837", "851", "879", "921", "882", "836", "813", "908"]  # 002 Table 3 order
    exact = sum(expected.get(c) == printed for c, printed in zip(codes, NEIGHBOUR_RATES, strict=True)) + (expected["880"] == 121)
    lost = sum(c not in expected for c in codes)
    nb = execute(NB20, tmp_path / "20.ipynb", {"year": "2013"})
    _assert_clean(nb)
    text = _words(nb)
    assert f"{exact} of the paper's 11 rates are reproduced exactly, {11 - exact - lost} differ and {lost} cannot be" \
           in text
    assert "In 2012-13 Torbay looked after 121 children per 10,000" in text  # the paper's own table, as printed
    # England at 31 March 2013 from the releases stands in for the national rate; no release prints it for
    # 2013: computed 68,110 / 11,403,970 x 10,000 = 59.7
    assert "At the national rate of 59.7 per 10,000 (England, computed" in text
    assert "At 31 March 2013 Torbay looked after 301 children, 121 per 10,000" in text


def test_30_every_plan_against_what_was_published(public_dir, with_public_dir, tmp_path):
    """002 Table 6 line 39 plans 180 children for 2018/19; the 2023 release publishes Torbay's
    figure at 31 March 2019."""
    assert raw_lines(FIVE_YEAR_PLAN)[39 - 1] == "2018/19\tYear 5\t180\t72"
    torbay = _at_31_march(public_dir, RELEASE_2023, 2019)["880"]
    number, rate = int(torbay["number"]), int(torbay["rate_per_10000"])
    nb = execute(NB30, tmp_path / "30.ipynb", {"as_of": "2026-03"})  # hindsight: 31 March 2019 came out in December
    _assert_clean(nb)
    text = _words(nb)
    assert (f"planned 180 children looked after at 31 March 2019; Torbay looked after {number} ({rate} per 10,000)"
            in text)
    assert f"{number - 180} more than planned" in text
    svgs = _texts(nb, "image/svg+xml")
    assert len(svgs) == 4  # the papers' trajectories, plans against published in number and rate, the years
    assert "Children looked after per 10,000 children aged 0-17" in svgs[2]


def test_30_an_authority_without_plans_gets_its_published_years(public_dir, with_public_dir, tmp_path):
    nb = execute(NB30, tmp_path / "30.ipynb", {"authority": "Hartlepool", "period": "2024-03", "as_of": "2026-03"})
    _assert_clean(nb)
    text = _words(nb)
    assert "Hartlepool has no paper with CLA plans in force in March 2024" in text
    at = _at_31_march(public_dir, RELEASE_2025, 2024)["805"]
    assert f"2024 2023-24 {int(at['children_count'])} {int(at['rate_per_10000'])}.0 published" in text  # the row
    assert len(_texts(nb, "image/svg+xml")) == 1


def test_25_spend_against_neighbours_and_the_papers_placement_costs(public_dir, with_public_dir, tmp_path):
    """Torbay 2018-19 from LAIT (TotalLACFinance, LACFinance) and the 2023 release's count at 31
    March 2019; 002 Table 7 prints placement costs for 2013/14 to 2018/19."""
    lait = pd.read_parquet(public_dir / "lait/bds_long_0.parquet")
    pick = lambda who, code: lait[(lait["LA and Regions"] == who) & (lait["Short Desc"] == code)  # noqa: E731
                                  & (lait["Years"] == "2018-19 (OT)")]["Values"].iloc[0]
    gross, unit, england_unit = int(pick("Torbay", "TotalLACFinance")), int(pick("Torbay", "LACFinance")), \
        int(pick("England", "LACFinance"))
    number = int(_at_31_march(public_dir, RELEASE_2023, 2019)["880"]["number"])
    nb = execute(NB25, tmp_path / "25.ipynb", {"as_of": "2026-03"})  # hindsight: 2018-19 came out in December 2019
    _assert_clean(nb)
    box, first = (" ".join(_plain(t).split()) for t in _texts(nb)[:2])  # the headline box, then the finding
    assert f"Gross spend per child looked after, 2018-19: £{gross / number:,.0f}" in box
    assert f"In 2018-19 Torbay spent £{gross / 1e6:.1f}m (gross)" in first
    assert f"£{gross / number:,.0f} for each of the {number} children" in first
    assert f"its weekly unit cost was £{unit:,}" in first and f"England £{england_unit:,})" in first
    text = _words(nb)
    # 002 Table 7: 2013/14-2018/19; the outturn covers 2013-14 (s251) and 2016-17 to 2018-19 (LAIT), not 2014-16
    assert "prints placement costs for 6 years, 4 of which the published outturn also covers" in text
    assert len(_texts(nb, "image/svg+xml")) == 2


def test_25_without_the_public_tables_is_not_applicable(papers_only_dir):
    from analysis.report import plan as planning

    from .conftest import RAW

    plans = planning.plan_packs(["Torbay"], ["2019-11"], out_dir=papers_only_dir / "reports",
                                processed_dir=papers_only_dir, raw_dir=RAW, only=["25"])
    assert [r.name for r in plans[0].skipped if r.name.startswith("25")] == ["25_cla_spend_benchmarks"]
