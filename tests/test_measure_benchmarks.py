"""The benchmarking engine (analysis.analyses.measure_benchmarks) against the public files read here
with csv/pandas: the CLA comparator's figures (neighbours' mean and median, England, ranks, the gap
in children) and a LAIT measure with a polarity (best rank, band), each computed in the test from
the release and the neighbour file; the England ranking in the polarity's direction; an unknown
measure refused with near names."""

from __future__ import annotations

import csv
import statistics

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import benchmarks, measure_benchmarks, measures
from analysis.errors import InputError

pytestmark = pytest.mark.public_data

RATES_2025 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv"
SN_2025 = "dfe_csc_dashboard/sn_model_2025_wide.csv"
SN_2021 = "dfe_csc_dashboard/New_Statistical_Neighbour_Groupings_April_2021.csv"
BDS = "lait/bds_long_0.parquet"


@pytest.fixture(scope="module")
def pub(with_public_dir) -> benchmarks.PublicData:
    return benchmarks.load(with_public_dir)


@pytest.fixture(scope="module")
def md(pub, with_public_dir) -> measures.MeasureData:
    return measures.measure_data(pub, with_public_dir)


def neighbours(public_dir, file: str, code: str) -> list[str]:
    """The ten neighbours' codes in rank order, from the model's wide file (the authority's code in
    the first column; SN_1 ... SN_10 in 2025's file, SN1 ... SN10 in 2021's)."""
    with open(public_dir / file, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        row = next(r for r in reader if r[0].strip() == code)
    columns = [header.index(f"SN_{i}" if "SN_1" in header else f"SN{i}") for i in range(1, 11)]
    return [row[i].strip() for i in columns]


def cla_rates_2025(public_dir) -> tuple[dict[str, float], dict[str, int], float]:
    """Rates per 10,000 and child populations at 31 March 2025 by authority code, and England's
    rate, as the EES 2025 release prints them."""
    rates, populations, england = {}, {}, None
    with open(public_dir / RATES_2025, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if r["time_period"] != "2025" or r["population_type"] != "Children looked after on 31 March each year":
                continue
            if r["geographic_level"] == "National":
                england = float(r["rate_per_10000"])
            elif r["geographic_level"] == "Local authority" and r["rate_per_10000"].replace(".", "").isdigit():
                rates[r["old_la_code"]] = float(r["rate_per_10000"])
                populations[r["old_la_code"]] = int(r["population_estimate"])
    return rates, populations, england


def test_the_cla_comparator_is_the_engine_with_the_release_figures(public_dir, pub):
    """Leeds at 31 March 2025 against its May 2025 neighbours (sn_model_2025_wide.csv, Leeds's row)
    with the rates of cla_number_and_rate_per_10k_children_2021_2025.csv."""
    rates, populations, england = cla_rates_2025(public_dir)
    group = neighbours(public_dir, SN_2025, "383")
    have = [rates[c] for c in group if c in rates]
    mine = rates["383"]
    table = benchmarks.comparator(pub, "Leeds", 2025, "2025")
    s = benchmarks.summary(pub, table, 2025, "2025")
    assert s.rate_per_10k == mine
    assert s.neighbours_with_rate == len(have)
    assert s.neighbours_mean_per_10k == pytest.approx(sum(have) / len(have))
    assert s.neighbours_median_per_10k == pytest.approx(statistics.median(have))
    assert s.england_per_10k == england
    assert s.rank_in_group == 1 + sum(1 for v in have if v > mine)
    assert s.national_rank == 1 + sum(1 for v in rates.values() if v > mine)
    assert s.authorities_ranked == len(rates)
    assert s.gap_per_10k == pytest.approx(mine - sum(have) / len(have))
    assert s.gap_children == pytest.approx((mine - sum(have) / len(have)) * populations["383"] / 10_000)
    # the comparator table's neighbour rows are the file's, in its order
    assert list(table[table.role == "neighbour"].old_la_code) == group


def lait_year(public_dir, measure: str, period: str) -> pd.DataFrame:
    bds = pd.read_parquet(public_dir / BDS)
    return bds[(bds["Short Desc"] == measure) & (bds.Years == period)]


def test_a_lait_measure_with_polarity_low_ranks_the_lowest_first(public_dir, md):
    """Torbay's agency social-worker rate at 30 September 2022 (LAIT Work_Force_Agecy_Rate, polarity
    Low) against its 2021 neighbours (New_Statistical_Neighbour_Groupings_April_2021.csv)."""
    rows = lait_year(public_dir, "Work_Force_Agecy_Rate", "2022")
    las = rows[rows["LA Number"] < 970]
    by_code = {f"{int(n):03d}": float(v) for n, v in zip(las["LA Number"], las.Values, strict=True) if v != "-"}
    england = float(rows[rows["LA Number"] == 970].Values.iloc[0])
    mine = by_code["880"]
    have = [by_code[c] for c in neighbours(public_dir, SN_2021, "880") if c in by_code]
    s = measure_benchmarks.standing(md.measure("Work_Force_Agecy_Rate"), md.pub, "880", 2022, "2021")
    assert s.value == mine == 15.6  # LAIT prints 15.6 for Torbay, 2022
    assert s.neighbours_mean == pytest.approx(sum(have) / len(have))
    assert s.england_value == england
    assert s.polarity == "Low"
    assert s.best_rank == 1 + sum(1 for v in by_code.values() if v < mine)  # 1 = the lowest rate
    assert s.national_rank == 1 + sum(1 for v in by_code.values() if v > mine)
    q = np.quantile(sorted(by_code.values()), [0.25, 0.5, 0.75])
    quartile = 1 + sum(mine > cut for cut in q)
    assert s.quartile == quartile and s.band == "ABCD"[quartile - 1]  # Low: A = the lowest quarter


def test_a_polarity_high_band_counts_from_the_highest(public_dir, md):
    """Care leavers in education, employment or training (CareLeaverEET, polarity High), Torbay."""
    mv = md.measure("CareLeaverEET")
    year = max(y for (c, y) in mv.values if c == "880")
    period = next(p for p in lait_year(public_dir, "CareLeaverEET", str(year)).Years.unique())
    rows = lait_year(public_dir, "CareLeaverEET", period)
    by_code = {f"{int(n):03d}": float(v) for n, v in zip(rows["LA Number"], rows.Values, strict=True)
               if n < 970 and v != "-"}
    s = measure_benchmarks.standing(mv, md.pub, "880", year, "2021")
    q = np.quantile(sorted(by_code.values()), [0.25, 0.5, 0.75])
    quartile = 1 + sum(by_code["880"] > cut for cut in q)
    assert s.quartile == quartile and s.band == "DCBA"[quartile - 1]
    assert s.best_rank == 1 + sum(1 for v in by_code.values() if v > by_code["880"])


@pytest.mark.parametrize("measure,lowest_first", [("Work_Force_Agecy_Rate", True), ("CareLeaverEET", False),
                                                  ("LAC", False)])
def test_the_england_ranking_follows_the_polarity(md, measure, lowest_first):
    mv = md.measure(measure)
    year = max(mv.years())
    table = measure_benchmarks.ranking(mv, md.pub, year)
    values = list(table.value)
    assert values == sorted(values, reverse=not lowest_first)
    assert table["rank"].iloc[0] == 1 and len(table) == len([1 for (c, y) in mv.values if y == year and c[0].isdigit()])


def test_an_unknown_measure_is_refused_with_near_names(md):
    with pytest.raises(InputError) as err:
        md.measure("Work_Force_Agency_Rate")
    assert "Work_Force_Agecy_Rate" in str(err.value)


# ------------------------------------------------------------------------------ the England page by any measure


def test_the_england_page_ranks_any_measure_in_its_polaritys_direction(public_dir, with_public_dir, tmp_path):
    """``report --year 2024 --measure Work_Force_Agecy_Rate``: LAIT's latest agency rate published by
    November 2024 is 30 September 2023 (the 2024 census came out in 2025); polarity Low: the lowest first."""
    import re

    from analysis.report.england import write_england_index

    page = write_england_index(tmp_path, 2024, with_public_dir, "Work_Force_Agecy_Rate")
    assert page.name == "england-2024-work-force-agecy-rate.html"
    rows = lait_year(public_dir, "Work_Force_Agecy_Rate", "2023")
    las = rows[rows["LA Number"] < 970]
    values = sorted(float(v) for v in las.Values if v != "-")
    html = page.read_text(encoding="utf-8")
    assert "30 September 2023" in html and "1 = the lowest value" in html
    cells = re.findall(r'<tr><td class="num">(\d+)</td><td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td><td class="num">([\d.]+)%',
                       html)
    assert len(cells) == len(values)
    assert [float(v) for _, _, v in cells] == values  # lowest first
    assert cells[0][0] == "1" and int(cells[-1][0]) == 1 + sum(1 for v in values if v < values[-1])


def test_an_unknown_measure_stops_the_run_with_near_names(with_public_dir, tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "analysis", "report", "--year", "2024", "--all-authorities",
                           "--measure", "Work_Force_Agency_Rate", "--out", str(tmp_path / "reports"),
                           "--processed", str(with_public_dir)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Work_Force_Agecy_Rate" in errors[0] and "Traceback" not in done.stderr
    assert not list((tmp_path / "reports").glob("england-*"))


def test_the_papers_own_neighbours_are_named_in_members_words():
    # 002 Table 3 lists Torbay's neighbours for 2012-13 (the model paper_2013); DfE's models keep their year
    assert measure_benchmarks.model_words("paper_2013") == "the neighbours named in the authority's paper for 2012-13"
    assert measure_benchmarks.model_words("2025") == "model 2025"
    import json

    from analysis import paths

    for name in ("20_cla_comparators", "25_cla_spend_benchmarks", "35_cost_drivers"):
        nb = json.loads((paths.project_root() / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        shown = json.dumps([o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", [])])
        assert "paper_2013" not in shown, name
