"""Benchmark analyses on the public tables (../shared/data/public; skipped with the reason when
absent): the paper's comparator (002 Table 3) reproduced, any authority against its neighbours,
plans against what was published, spend.  Expected values come from 002 (lines cited), the
release files read here, or arithmetic in the test."""

from __future__ import annotations

import csv
import statistics

import pandas as pd
import pytest

from analysis import data
from analysis.analyses import benchmarks, outcomes
from analysis.presentation import benchmark_charts

from .conftest import FIVE_YEAR_PLAN, raw_lines

pytestmark = pytest.mark.public_data


@pytest.fixture(scope="module")
def pub(public_tables) -> benchmarks.PublicData:
    t = public_tables
    return benchmarks.PublicData(t["cla_rates"], t["statistical_neighbours"], t["cla_spend"], t["public_measures"])


def sfr_2013_and_ons_mid_2012(public_dir) -> dict[str, float]:
    """Rate per 10,000 at 31 March 2013 for every LA with a count (SFR36/2013) and an ONS mid-2012
    estimate, computed here: half-up whole numbers."""
    with open(public_dir / "dfe_sfr_cla_2010_2017/SFR36_CLA2013.csv", newline="", encoding="latin-1") as f:
        counts = {r["geog_c"]: r["CLA_Mar2013"] for r in csv.DictReader(f) if r["geog_l"] == "LA"}
    with open(public_dir / "dfe_csc_dashboard/ons_mid-year_population_estimates_2012_to_2024.csv", newline="") as f:
        pops = {r["old_la_code"]: r["population_estimate"] for r in csv.DictReader(f) if r["time_period"] == "2012"}
    return {c: int(int(n) * 10_000 / int(pops[c]) + 0.5) for c, n in counts.items()
            if n.isdigit() and pops.get(c, "x").isdigit()}


def test_the_papers_comparator_reproduced(public_dir, pub):
    expected = sfr_2013_and_ons_mid_2012(public_dir)
    codes = ["890", "894", "837", "851", "879", "921", "882", "836", "813", "908"]  # 002 Table 3 order
    have = [expected[c] for c in codes if c in expected]
    assert len(have) == 8  # Bournemouth (837) and Poole (836): no ONS estimate on their old boundaries
    table = benchmarks.comparator(pub, "Torbay", 2013, "paper_2013")
    s = benchmarks.summary(pub, table, 2013, "paper_2013")
    assert s.rate_per_10k == expected["880"] == 121
    assert s.neighbours_mean_per_10k == pytest.approx(sum(have) / 8)  # 77.25, printed: 75
    assert s.neighbours_median_per_10k == pytest.approx(statistics.median(have))
    assert s.neighbours_with_rate == 8 and "Poole" in s.neighbours_missing and "Bournemouth" in s.neighbours_missing
    assert s.rank_in_group == 2  # only Blackpool is higher, as 002 Table 3 prints
    assert s.gap_children == pytest.approx((121 - sum(have) / 8) * 24891 / 10_000)
    assert s.lait_band == "Not applicable"  # LAIT gives the CLA rate (LAC) no polarity


def test_reproduction_table_explains_each_difference(pub):
    rep = outcomes.reproduce_paper(data.load("comparator_rates"), pub, "Torbay", "2012-13",
                                   data.load("cla_trajectories")).set_index("item")
    assert raw_lines(FIVE_YEAR_PLAN)[27 - 1] == "Statistical Neighbour Average\t75"
    average = rep.loc["Statistical Neighbour Average"]
    assert average.printed == 75 and "Bournemouth, Poole" in average.reason and "rounding" in average.reason
    assert rep.loc["Torbay"].reason == "same"
    assert rep.loc["Poole"].reason.startswith("not reproducible") and "mid-2012" in rep.loc["Poole"].reason
    southend = rep.loc["Southend-on-Sea"]
    assert southend.difference == -1 and southend.reason.startswith("population vintage")
    number = rep[rep.kind == "number"].iloc[0]  # 002 Table 6 line 33 prints 305; SFR36/2013 publishes 301
    assert (number.printed, number.reproduced) == (305, 301)


def test_every_authority_gets_a_comparator_series_and_spend(pub):
    las = pub.rates[(pub.rates.geographic_level == "local authority") & (pub.rates.year == 2025)]
    assert pub.code("Dorset") == "838"  # the name is the current council's, not Dorset County's (835)
    modelled = {c for m, c in pub._groups if m == "2025"}
    done = 0
    for code in las.old_la_code:
        if code not in modelled:
            continue
        s = benchmarks.summary(pub, benchmarks.comparator(pub, code, 2025, "2025"), 2025, "2025")
        assert s.england_per_10k == 67  # 2025 release national row: 81,770 / 12,183,016 -> 67
        done += 1
    assert done >= 150
    assert len(benchmarks.series(pub, "Torbay", "2025")) == 16  # 31 March 2010-2025


def test_plans_against_what_was_published(pub):
    frame = outcomes.plan_vs_outcome(data.load("cla_trajectories"), pub, "Torbay")
    end = frame[(frame.series == "plan_2014") & (frame.year == "2018-19")].iloc[0]
    assert raw_lines(FIVE_YEAR_PLAN)[39 - 1] == "2018/19\tYear 5\t180\t72"  # 002 Table 6
    assert (end.plan_number, end.actual_number, end.distance_children) == (180, 361, 361 - 180)
    assert end.distance_per_10k == 141 - 72
    sentences = outcomes.plan_sentences(frame, "Torbay")
    assert any("planned 180" in s and "181 more than planned" in s for s in sentences)


def test_spend_per_child_and_unit_cost(pub):
    table = benchmarks.spend(pub, "Torbay", "2013-14", "2021")
    me = table[table.role == "authority"].iloc[0]
    assert me.spend_per_child_gbp == pytest.approx(16_912_949 / 314)  # s251 line 16 / SFR36/2014 count
    summary = benchmarks.spend_summary(benchmarks.spend(pub, "Torbay", "2023-24", "2025"))
    assert summary.weekly_unit_cost_gbp == 1960 and summary.england_weekly_unit_cost_gbp == 1865  # LAIT


def test_charts_are_figures(pub):
    table = benchmarks.comparator(pub, "Torbay", 2013, "paper_2013")
    fig = benchmark_charts.chart_comparator(table, benchmarks.summary(pub, table, 2013, "paper_2013"), source="DfE")
    assert "more children per 10,000" in fig.texts[0].get_text()
    fig = benchmark_charts.chart_series(benchmarks.series(pub, "Torbay", "2025"), "Torbay", "2025", source="DfE")
    assert fig.axes and fig.texts


def test_a_neighbour_without_a_figure_that_year_is_named_not_coded(public_dir, pub):
    """Torbay's 2021-model neighbours (New_Statistical_Neighbour_Groupings_April_2021.csv, Torbay's
    row) put 839 eighth; Bournemouth, Christchurch and Poole was formed on 1 April 2019, so the
    releases have no figure for it at 31 March 2019, and its name is the one the later releases
    print (cla_number_and_rate_per_10k_children_2021_2025.csv, la_name of 839)."""
    with open(public_dir / "dfe_csc_dashboard/New_Statistical_Neighbour_Groupings_April_2021.csv", newline="",
              encoding="utf-8-sig") as f:
        row = next(r for r in csv.reader(f) if r[0] == "880")
    assert row[5::2][7] == "839"
    with open(public_dir / "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv", newline="",
              encoding="utf-8-sig") as f:
        name = next(r["la_name"] for r in csv.DictReader(f) if r["old_la_code"] == "839")
    table = benchmarks.comparator(pub, "Torbay", 2019, "2021").set_index("neighbour_rank")
    assert table.loc[8, "authority"] == name == "Bournemouth, Christchurch and Poole"
    assert pd.isna(table.loc[8, "rate_per_10k"]) and "no figure" in table.loc[8, "why_no_rate"]


def test_report_25s_view_of_a_pack_is_the_spend_published_by_its_month(with_public_dir):
    """``spend_benchmarks.view_for_pack``: nothing without the statistics, nothing before any of
    Torbay's gross spending (the s251 outturn files, or LAIT's copy of them) had been published
    (``cla_spend.published``), and at a later month the latest financial year published by then."""
    from analysis.analyses import public_pack, spend_benchmarks

    spend = data.load("cla_spend", with_public_dir)
    torbay = spend[(spend.authority == "Torbay") & spend.source.isin(["s251 outturn", "LAIT"])]
    published = torbay.published.astype(str).str[:7]
    assert spend_benchmarks.view_for_pack(None, "Torbay", "2025-11") is None
    before = f"{int(published.min()[:4]) - 1}-06"  # a year before the first was published
    assert spend_benchmarks.view_for_pack(public_pack.public_data(with_public_dir, before), "Torbay", before) is None
    view = spend_benchmarks.view_for_pack(public_pack.public_data(with_public_dir, "2025-11"), "Torbay", "2025-11")
    assert view is not None
    assert view.financial_year == max(torbay.financial_year[published <= "2025-11"])
