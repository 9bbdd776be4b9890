"""The papers' claims against the statistics of their time (``statistics_checks``, kind
``published``): 001's residential share and 002's Table 6 actuals classed against the releases
published by the paper's month, with the arithmetic done here from the release files
(../shared/data/public) and the papers' lines (data/raw)."""

from __future__ import annotations

import csv
import re

import pytest

from .conftest import FIVE_YEAR_PLAN, MTFS, raw_lines

pytestmark = pytest.mark.public_data

SFR = "dfe_sfr_cla_2010_2017"
RESIDENTIAL = ("CLA_Secure", "CLA_Ores", "CLA_RSch")  # secure units, children's homes and hostels; other
# residential settings; residential schools (the SFR placement columns)


@pytest.fixture(scope="module")
def checks(public_tables):
    return public_tables["statistics_checks"]


def sfr_row(public_dir, file: str, code: str) -> dict:
    with open(public_dir / SFR / file, newline="", encoding="latin-1") as f:
        return next(r for r in csv.DictReader(f) if r["geog_c"] == code)


def ons(public_dir, code: str, year: int) -> int:
    with open(public_dir / "dfe_csc_dashboard/ons_mid-year_population_estimates_2012_to_2024.csv", newline="") as f:
        return int(next(r["population_estimate"] for r in csv.DictReader(f)
                        if r["old_la_code"] == code and r["time_period"] == str(year)))


def verdict(printed: float, published: float, step: float) -> str:
    """agrees when equal; within rounding when the printed figure at its precision meets it; else differs."""
    if printed == published:
        return "agrees"
    return "within rounding" if printed - step / 2 <= published < printed + step / 2 else "differs"


def test_001s_residential_share_against_the_release_of_its_date(public_dir, checks):
    # 001 line 91 (January 2017): "Torbay's proportionate use of residential 12%"; the latest release by then is
    # SFR41/2016 (31 March 2016, published 7 October 2016)
    assert "proportionate use of residential 12%" in raw_lines(MTFS)[91 - 1]
    torbay = sfr_row(public_dir, "SFR41_CLA2016.csv", "880")
    residential = sum(int(torbay[c]) for c in RESIDENTIAL if torbay[c].isdigit())
    share = residential / int(torbay["CLA_Mar2016"]) * 100  # 46 of 279: 16.5%
    row = checks[(checks.document == "001") & checks["item"].str.startswith(
        "children looked after in residential settings, % of all looked after (Torbay)")]
    assert len(row) == 1
    assert row.stated.iloc[0] == 12 and row.computed.iloc[0] == pytest.approx(share)
    assert row.verdict.iloc[0] == verdict(12, share, 1) == "differs"
    assert row.release.iloc[0] == "SFR41/2016"
    # the paper's own arithmetic is a finding of its own (28 of 279 = 10.0%: tests/test_prose_claims.py)
    assert round(28 / 279 * 100, 1) == 10.0


@pytest.mark.parametrize("year,file,column", [(2013, "SFR36_CLA2013.csv", "CLA_Mar2013"),
                                              (2014, "SFR36_CLA2014.csv", "CLA_Mar2014")])
def test_002s_table_6_actuals_against_the_releases(public_dir, checks, year, file, column):
    # 002 lines 33-34: "2012/13 ... 305 121" and "2013/14 ... 314 134" (Table 6, actuals at 31 March)
    line = raw_lines(FIVE_YEAR_PLAN)[33 - 1 + (year - 2013)]
    number, rate = (int(x) for x in re.findall(r"\t(\d+)", line)[-2:])
    published = int(sfr_row(public_dir, file, "880")[column])
    # the release prints no rate: the number over ONS's mid-year estimate of the year before, half up
    computed_rate = int(published * 10_000 / ons(public_dir, "880", year - 1) + 0.5)
    got = checks[(checks.document == "002") & checks["item"].str.startswith("Table 6")
                 & checks["item"].str.endswith(f"31 March {year}")].set_index("unit")
    assert got.loc["count", "stated"] == number and got.loc["count", "computed"] == published
    assert got.loc["count", "verdict"] == verdict(number, published, 0)
    assert got.loc["per_10k", "stated"] == rate and got.loc["per_10k", "computed"] == computed_rate
    assert got.loc["per_10k", "verdict"] in {verdict(rate, computed_rate, 0),
                                              # a computed rate may differ by 1 for the population's vintage
                                              "within rounding" if abs(rate - computed_rate) <= 1 else "differs"}


def test_the_expected_classes_of_table_6(checks):
    # 305 printed, 301 published (2013); 314 both (2014); 134 printed, 126 computed (2014)
    got = {(r.item, r.verdict) for r in checks[checks.document == "002"].itertuples()}
    assert ("Table 6: Actual number at 31 March 2013", "differs") in got
    assert ("Table 6: Actual number at 31 March 2014", "agrees") in got
    assert ("Table 6: Actual rate per 10,000 at 31 March 2014", "differs") in got
