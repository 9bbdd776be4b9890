"""The public tables against the releases themselves (../shared/data/public; skipped with the
reason when absent).  Expected values are read from the release files here with the csv module,
or printed in the papers (002 Table 3) or in ../shared/data/public/README.md, and the
arithmetic is done in the test - never taken from the code under test."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.statistics import neighbours

from .conftest import FIVE_YEAR_PLAN, raw_lines

pytestmark = pytest.mark.public_data

RELEASE_2025 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv"


def rows_of(path: Path, encoding: str = "utf-8-sig") -> list[dict]:
    with open(path, newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def half_up(x: float) -> int:
    return math.floor(x + 0.5)


@pytest.fixture(scope="module")
def rates(public_tables) -> pd.DataFrame:
    return public_tables["cla_rates"]


def test_every_la_rate_of_the_2025_release_is_reproduced(public_dir, rates):
    checked = 0
    for r in rows_of(public_dir / RELEASE_2025):
        if r["geographic_level"] != "Local authority" or "31 March" not in r["population_type"]:
            continue
        if not (r["children_count"].isdigit() and r["population_estimate"].isdigit()):
            continue
        assert half_up(int(r["children_count"]) * 10_000 / int(r["population_estimate"])) == int(r["rate_per_10000"]), r
        got = rates[(rates.old_la_code == r["old_la_code"]) & (rates.year == int(r["time_period"]))].iloc[0]
        assert (got.number, got.population, got.rate_per_10k) == (
            int(r["children_count"]), int(r["population_estimate"]), int(r["rate_per_10000"]))
        assert got.rate_check == "ok"
        checked += 1
    assert checked >= 750  # 153 authorities x 5 years, less suppressed and new authorities


def test_torbay_31_march_2013_is_the_papers_121(public_dir, rates):
    sfr = [r for r in rows_of(public_dir / "dfe_sfr_cla_2010_2017/SFR36_CLA2013.csv", "latin-1") if r["geog_c"] == "880"]
    number = int(sfr[0]["CLA_Mar2013"])
    pops = [r for r in rows_of(public_dir / "dfe_csc_dashboard/ons_mid-year_population_estimates_2012_to_2024.csv")
            if r["old_la_code"] == "880" and r["time_period"] == "2012"]
    population = int(pops[0]["population_estimate"])
    assert (number, population) == (301, 24891)
    printed = int(raw_lines(FIVE_YEAR_PLAN)[17 - 1].split("\t")[1].split()[0])  # 002 Table 3: "Torbay 121 (134 ...)"
    assert half_up(number * 10_000 / population) == printed == 121
    torbay = rates[(rates.authority == "Torbay") & (rates.year == 2013)].iloc[0]
    assert (torbay.number, torbay.population, torbay.population_mid_year) == (301, 24891, 2012)
    assert (torbay.rate_per_10k, torbay.rate_status, torbay.release) == (121, "computed", "SFR36/2013")


def test_no_population_no_rate_and_the_download_is_named(rates):
    torbay = rates[(rates.authority == "Torbay") & rates.year.isin([2011, 2012])]
    assert list(torbay.number) == [218, 248]  # SFR21/2011 and SFR20/2012, line 133
    assert torbay.rate_per_10k.isna().all() and set(torbay.rate_status) == {"not computable"}
    assert torbay.not_computable_reason.str.contains("mid-2010").iloc[0]
    assert torbay.not_computable_reason.str.contains("mid-2011").iloc[1]


def test_suppressed_values_never_become_zeros(public_dir, rates):
    suppressed = [(r["old_la_code"], int(r["time_period"])) for r in rows_of(public_dir / RELEASE_2025)
                  if r["geographic_level"] == "Local authority" and r["children_count"] == "c"
                  and "31 March" in r["population_type"]]
    assert suppressed  # City of London 2025 at least
    for code, year in suppressed:
        got = rates[(rates.old_la_code == code) & (rates.year == year)]
        assert got.number.isna().all() and got.rate_per_10k.isna().all(), (code, year)
    assert not ((rates.number == 0) & rates.number_marker.notna()).any()


def test_merged_authorities_are_not_double_counted(rates):
    las = rates[rates.geographic_level == "local authority"]
    for year, group in las.groupby("year"):
        codes = set(group.old_la_code)
        assert not ({"836", "837"} & codes and "839" in codes), year  # Poole/Bournemouth and BCP
        assert not ("928" in codes and {"940", "941"} & codes), year
        assert not ("909" in codes and {"942", "943"} & codes), year
    england = rates[rates.geographic_level == "national"].set_index("year").number
    for year in range(2011, 2026):  # 2010's LA counts are printed rounded, so their sum drifts further
        total = int(las[las.year == year].number.sum())
        assert abs(total - int(england[year])) <= 5, (year, total, england[year])  # England is rounded to 10


def test_revisions_between_releases_are_listed(public_tables):
    rev = public_tables["release_revisions"]
    torbay = rev[(rev.authority == "Torbay") & (rev.year == 2017) & (rev.measure == "number")].iloc[0]
    assert (torbay.value, torbay.latest_value) == (284, 289)  # SFR50/2017 vs LAIT (README cross-checks)
    england = rev[(rev.geographic_level == "national") & (rev.year == 2023) & (rev.measure == "number")]
    assert set(england.value) >= {83840}  # the 2023 release; README: "England 2023 CLA 83,840 vs 83,760"
    assert set(england.latest_value) == {83750}


def test_england_equals_the_published_national_row(public_dir, rates):
    for r in rows_of(public_dir / RELEASE_2025):
        if r["geographic_level"] == "National" and "31 March" in r["population_type"]:
            got = rates[(rates.geographic_level == "national") & (rates.year == int(r["time_period"]))].iloc[0]
            assert (got.number, got.rate_per_10k) == (int(r["children_count"]), int(r["rate_per_10000"]))


def test_lait_torbay_rates_2016_2025(rates):
    expected = [110, 114, 129, 141, 138, 126, 119, 125, 121, 114]  # shared README cross-check, LAIT = EES
    got = rates[(rates.authority == "Torbay") & (rates.year >= 2016)].sort_values("year").rate_per_10k
    assert list(got) == expected


def test_statistical_neighbours_workbook_and_csv_agree(public_dir, public_tables):
    sn = public_tables["statistical_neighbours"]
    for csv_name, model in (("New_Statistical_Neighbour_Groupings_April_2021.csv", "2021"),
                            ("sn_model_2025_wide.csv", "2025")):
        copy = neighbours.read_csv_model(public_dir / "dfe_csc_dashboard" / csv_name)
        mine = sn[sn.model == model]
        key = ["old_la_code", "rank", "neighbour_old_la_code", "closeness"]
        merged = copy[key].merge(mine[key], how="left", indicator=True)
        assert (merged._merge == "both").all(), merged[merged._merge != "both"].head()
    torbay = sn[(sn.model == "2025") & (sn.authority == "Torbay")].sort_values("rank")
    assert list(torbay.neighbour_old_la_code)[:3] == ["357", "394", "879"]  # sn_model_2025_wide.csv line 133


def test_the_papers_neighbours_come_from_comparator_rates(public_tables):
    paper = public_tables["statistical_neighbours"].query("model == 'paper_2013'").sort_values("rank")
    printed = [raw_lines(FIVE_YEAR_PLAN)[n - 1].split("\t")[0].replace("<i>", "").replace("</i>", "")
               for n in (16, *range(18, 27))]  # 002 Table 3 lines 16-26 without Torbay (line 17)
    assert len(paper) == 10 and list(paper.source_line) == [16, *range(18, 27)]
    assert paper.neighbour.iloc[0] == printed[0] == "Blackpool"
    assert set(paper.neighbour_old_la_code) >= {"836", "837"}  # Poole, Bournemouth


def test_spend_lines_by_meaning(public_tables):
    spend = public_tables["cla_spend"]
    torbay = spend[spend.authority == "Torbay"].set_index(["financial_year", "measure", "source"]).amount_gbp
    assert torbay[("2012-13", "cla_gross_expenditure", "s251 outturn")] == 12_298_423  # line 15 (README: £12.30m)
    assert torbay[("2013-14", "cla_gross_expenditure", "s251 outturn")] == 16_912_949  # line 16 (£16.91m)
    assert torbay[("2013-14", "residential_care_gross_expenditure", "s251 outturn")] == 5_695_165
    assert torbay[("2013-14", "fostering_gross_expenditure", "s251 outturn")] == 7_007_658
    assert torbay[("2024-25", "cla_gross_expenditure", "RO3")] == 27_993 * 1000  # RO3 prints 27,993 (£000)
    assert torbay[("2023-24", "cla_weekly_unit_cost", "LAIT")] == 1960
