"""CLA trajectories against the papers: Torbay MTFS Jan 2017 (001_24ee55b955d66714.txt) Table 1
(lines 21-23) and paragraphs 5.4.5-5.4.6 (lines 129-130); Torbay 2015 five-year plan review
(002_e4fc5fb4266e3ff1.txt) Table 3 (line 27) and Table 6 (lines 33-39).  Expected values are the
printed figures or arithmetic done here on them."""

from __future__ import annotations

import statistics

import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex

from analysis import data
from analysis.analyses import cla
from analysis.errors import InputError
from analysis.presentation import charts, trajectory_charts

from .conftest import MTFS, raw_lines

# 001 Table 1 (line 22-23): November 2016 actual and the restated plan, number and rate.
TABLE_1 = {"2016-17 actual": (279, 111), "2016-17": (242, 97), "2017-18": (211, 84), "2018-19": (180, 72)}
# 002 Table 6: the October 2014 plan, Years 1-5.
PLAN_2014 = {"2014-15": (305, 122), "2015-16": (274, 109), "2016-17": (242, 97), "2017-18": (211, 84),
             "2018-19": (180, 72)}
START, LOW_STEP, HIGH_STEP = 279, 15, 10  # 001 5.4.5: 279 at end Nov 2016; 5.4.6: net reduction of 10-15 a year
MTFS_YEARS = ["2017-18", "2018-19", "2019-20", "2020-21"]  # strategy 2017-2021; reductions from 2018-19
PRINTED_NEIGHBOUR_AVERAGE = 75  # 002 Table 3 line 27
# The population 001's own figures imply: median of number x 10,000 / rate over Table 1's four rows.
MTFS_POPULATION = statistics.median(n * 10_000 / r for n, r in TABLE_1.values())


@pytest.fixture(scope="module")
def rows():
    return data.load("cla_trajectories")


@pytest.fixture(scope="module")
def rates():
    return data.load("comparator_rates")


@pytest.fixture(scope="module")
def traj(rows):
    return cla.trajectories(rows, "Torbay")


@pytest.fixture(scope="module")
def goal(rates):
    return cla.target(rates, "Torbay", "printed", population=MTFS_POPULATION)


def _value(traj, series, year, bound="central", column="number"):
    hit = traj[(traj.series == series) & (traj.year == year) & (traj.bound == bound)]
    assert len(hit) == 1, (series, year, bound)
    return hit[column].iloc[0]


def test_the_figures_used_here_are_the_ones_printed():
    lines = raw_lines(MTFS)
    assert lines[22 - 1].split() == ["Number", "279", "242", "211", "180"]
    assert lines[23 - 1].split() == ["Rate/10K", "111", "97", "84", "72"]
    assert "**279**" in lines[129 - 1] and "**10-15**" in lines[130 - 1] and "commencing 2018/19" in lines[130 - 1]


def test_every_series_is_present_with_the_printed_figures(traj):
    for year, (number, rate) in PLAN_2014.items():
        assert _value(traj, "plan_2014", year) == number
        assert _value(traj, "plan_2014", year, column="rate_per_10k") == rate
    for year in ("2016-17", "2017-18", "2018-19"):
        assert _value(traj, "plan_2014_restated", year) == TABLE_1[year][0]
    assert _value(traj, "actual", "2016-17") == 279
    assert _value(traj, "actual", "2016-17", column="rate_per_10k") == 111
    assert _value(traj, "actual", "2016-17", column="as_at") == "2016-11-30"


def test_mtfs_band_is_279_less_10_to_15_a_year_from_2018_19(traj):
    for n, year in enumerate(MTFS_YEARS):
        assert _value(traj, "mtfs_2017", year, "low") == START - LOW_STEP * n
        assert _value(traj, "mtfs_2017", year, "high") == START - HIGH_STEP * n
    assert _value(traj, "mtfs_2017", "2020-21", "low") == 234  # 279 - 45
    assert _value(traj, "mtfs_2017", "2020-21", "high") == 249  # 279 - 30


def test_implied_populations_and_the_derivation_population(rows):
    pops = cla.implied_populations(rows, "Torbay")
    row = pops[(pops.document == "002") & (pops.year == "2013-14")].iloc[0]
    assert row.population == pytest.approx(314 * 10_000 / 134)  # 002 Table 6 line 34
    derivation = cla.derivation_population(rows, "Torbay")
    assert derivation.document == "001" and derivation.rows == 4
    assert derivation.population == pytest.approx(MTFS_POPULATION)
    assert round(MTFS_POPULATION) == 25_060  # median of 25,135, 24,948, 25,119 and 25,000


def test_mtfs_rates_are_derived_and_labelled_printed_rates_kept(traj):
    band = traj[traj.series == "mtfs_2017"]
    assert set(band.rate_basis) == {"derived"}
    for r in band.itertuples():
        assert r.rate_per_10k == pytest.approx(r.number * 10_000 / MTFS_POPULATION)
    printed = traj[traj.series != "mtfs_2017"]
    assert set(printed.rate_basis) == {"printed"}
    assert _value(traj, "actual", "2013-14", column="rate_per_10k") == 134  # kept as printed, however odd


def test_target_is_the_neighbours_average_converted_with_the_same_population(rates):
    printed = cla.target(rates, "Torbay", "printed", population=MTFS_POPULATION)
    assert printed.rate_per_10k == PRINTED_NEIGHBOUR_AVERAGE
    assert printed.number == pytest.approx(PRINTED_NEIGHBOUR_AVERAGE * MTFS_POPULATION / 10_000)
    mean = cla.target(rates, "Torbay", "mean", population=MTFS_POPULATION)
    assert mean.rate_per_10k == pytest.approx(747 / 10)  # 002 Table 3: ten neighbours sum to 747
    median = cla.target(rates, "Torbay", "median", population=MTFS_POPULATION)
    assert median.rate_per_10k == (69 + 73) / 2
    with pytest.raises(ValueError):
        cla.target(rates, "Torbay", "mode", population=MTFS_POPULATION)


def test_distance_from_plan_in_numbers(traj):
    dist = cla.distances(traj, "number").set_index(["series", "year"])
    actual = dist.loc[("actual", "2016-17")]
    assert (actual.low, actual.plan, actual.distance_low) == (279, 242, 279 - 242)
    assert "Nov 2016" in actual.comparison
    first = dist.loc[("mtfs_2017", "2017-18")]
    assert (first.distance_low, first.distance_high) == (279 - 211, 279 - 211)
    second = dist.loc[("mtfs_2017", "2018-19")]
    assert (second.distance_low, second.distance_high) == ((279 - 15) - 180, (279 - 10) - 180)
    assert set(dist.reset_index().series) == {"actual", "mtfs_2017"}  # the restatement is not a "distance"
    assert "derived from prose" in second.basis


def test_distance_from_plan_in_rates(traj):
    dist = cla.distances(traj, "rate").set_index(["series", "year"])
    assert dist.loc[("actual", "2016-17")].distance_low == 111 - 97
    row = dist.loc[("mtfs_2017", "2018-19")]
    assert row.distance_low == pytest.approx(264 * 10_000 / MTFS_POPULATION - 72)
    assert "derived" in row.basis and row.unit == "per 10,000"


def test_distance_to_target(traj, goal):
    to_goal = cla.distance_to_target(traj, goal, "number").set_index("series")
    target_children = PRINTED_NEIGHBOUR_AVERAGE * MTFS_POPULATION / 10_000
    mtfs = to_goal.loc["mtfs_2017"]
    assert mtfs.year == "2020-21"
    assert mtfs.distance_low == pytest.approx(234 - target_children)
    assert mtfs.distance_high == pytest.approx(249 - target_children)
    assert to_goal.loc["plan_2014"].distance_low == pytest.approx(180 - target_children)
    in_rates = cla.distance_to_target(traj, goal, "rate").set_index("series")
    assert in_rates.loc["actual"].distance_low == 111 - PRINTED_NEIGHBOUR_AVERAGE


def test_restatement_is_unchanged(traj):
    diff = cla.restatement_differences(traj)
    assert list(diff.year) == ["2016-17", "2017-18", "2018-19"]
    assert (diff.number_difference == 0).all() and (diff.difference_per_10k == 0).all()
    assert set(diff.restated) == {"5-year plan as restated (Jan 2017)"} and set(diff.original) == {"5-year plan (Oct 2014)"}


def test_series_names_and_when_plans_were_made_come_from_the_papers(traj):
    info = cla.series_info(traj).set_index("series")
    # 002 line 9: "the October 30th 2014 Council Report 'Children's Services 5 year reduction plan'"
    # 001 line 7: "5 year Financial Strategy, agreed by full Council in October 2014" (restated in 001, Jan 2017)
    assert info.loc["plan_2014", "plan_made"] == info.loc["plan_2014_restated", "plan_made"] == "2014-10"
    assert info.loc["plan_2014_restated", "restates"] == "plan_2014"
    assert info.loc["mtfs_2017", "plan_made"] == "2017-01" and bool(info.loc["mtfs_2017", "band"])  # 001 dated 2017-01-11
    assert info.loc["mtfs_2017", "label"] == "MTFS (Jan 2017), 10-15 fewer a year"  # 001 line 130: 10-15 a year
    assert list(info.index) == ["actual", "plan_2014", "plan_2014_restated", "mtfs_2017"]
    assert cla.baseline(traj) == "plan_2014"


def test_wide_table(traj):
    table = cla.wide(traj, "number").set_index("year")
    assert table.loc["2018-19", "mtfs_2017_low"] == 264 and table.loc["2018-19", "mtfs_2017_high"] == 269
    assert table.loc["2018-19", "plan_2014"] == 180
    assert table.loc["2016-17", "actual_as_at"] == "2016-11-30"
    assert cla.wide_labels(traj)["mtfs_2017_low"] == "MTFS (Jan 2017), 10-15 fewer a year, low end"
    rates = cla.wide(traj, "rate").set_index("year")
    assert rates.loc["2016-17", "actual"] == 111


def test_unknown_authority_and_measure_are_refused(rows, traj):
    with pytest.raises(InputError, match="Torbay"):
        cla.trajectories(rows, "Devon")
    with pytest.raises(ValueError, match="number, rate"):
        cla.distances(traj, "percent")


# --------------------------------------------------------------------------------------------- chart


def _chart(traj, goal, measure):
    fig = trajectory_charts.chart_trajectories(traj, goal, cla.distances(traj, measure), measure=measure, authority="Torbay",
                                       source="Torbay MTFS 2017, Table 1")
    fig.canvas.draw()
    return fig, fig.axes[0]


def test_chart_in_numbers(traj, goal):
    fig, ax = _chart(traj, goal, "number")
    assert ax.get_ylabel() == "Children looked after (number)"
    actual = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
    assert len(actual) == 1 and to_hex(actual[0].get_color()) == charts.FOCUS.lower()
    assert sorted(actual[0].get_ydata()) == [279, 305, 314]
    band = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(band) == 1  # the MTFS band as a shaded area
    target = [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.AVERAGE.lower()]
    assert len(target) == 1 and target[0].get_ydata()[0] == pytest.approx(goal.number)
    texts = [t.get_text() for t in ax.texts]
    assert {"+37", "+68", "+84 to +89"} <= set(texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("MTFS") for t in legend) and "Actual" in legend
    assert "37 more than the 5-year plan (Oct 2014) for 2016-17" in fig.texts[0].get_text().replace("\n", " ")


def test_chart_in_rates(traj, goal):
    fig, ax = _chart(traj, goal, "rate")
    assert "per 10,000" in ax.get_ylabel()
    target = [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.AVERAGE.lower()]
    assert target[0].get_ydata()[0] == PRINTED_NEIGHBOUR_AVERAGE
    assert "+14" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("rates derived" in t for t in legend)
    renderer = fig.canvas.get_renderer()
    assert fig.texts[0].get_window_extent(renderer).x1 <= fig.bbox.width


# --------------------------------------------------------------------------------------------- another council's plans

def _synthetic_rows() -> pd.DataFrame:
    """SYNTHETIC: a made-up council's CLA figures - one plan made in March 2019 (document 101,
    dated 2019-04), the same plan restated with one changed year in a later paper (document 100,
    dated 2020-02: a lower id, so ordering must come from the dates) and a band made in 2020."""


    def row(year, series, label, kind, made, number, rate=None, bound="central", doc="101"):
        return {"authority": "Fenmoor", "year": year, "as_at": f"{int(year[:4]) + 1}-03-31", "series": series,
                "label": label, "series_kind": kind, "plan_made": made, "bound": bound, "plan_year": None,
                "number": number, "rate_per_10k": rate, "rate_source_line": None, "figure_basis": "printed",
                "table_name": "Table A", "document": doc, "source_file": f"{doc}.txt", "source_line": 1,
                "cleaning_flags": None}

    rows = [row("2018-19", "actual", "Actual", "actual", None, 400, 80.0),
            row("2019-20", "recovery", "Recovery plan (Mar 2019)", "plan", "2019-03", 380, 76.0),
            row("2020-21", "recovery", "Recovery plan (Mar 2019)", "plan", "2019-03", 360, 72.0),
            row("2019-20", "recovery_again", "Recovery plan as restated (Feb 2020)", "plan", "2019-03", 380, 76.0,
                doc="100"),
            row("2020-21", "recovery_again", "Recovery plan as restated (Feb 2020)", "plan", "2019-03", 370, 74.0,
                doc="100"),
            row("2020-21", "band", "Budget band (Feb 2020)", "plan", "2020-02", 390, bound="high", doc="100"),
            row("2020-21", "band", "Budget band (Feb 2020)", "plan", "2020-02", 350, bound="low", doc="100")]
    return pd.DataFrame(rows)


def test_a_new_councils_plans_need_no_code_change():


    from analysis import schemas

    rows = _synthetic_rows()
    schemas.conform("cla_trajectories", rows)  # new series ids and labels are valid data
    sources = pd.DataFrame({"document": ["100", "101"], "date": ["2020-02-10", "2019-04-01"]})
    traj = cla.trajectories(rows, "Fenmoor", population=50_000, sources=sources)
    info = cla.series_info(traj).set_index("series")
    assert list(info.index) == ["actual", "recovery", "recovery_again", "band"]
    assert info.loc["recovery_again", "restates"] == "recovery"  # printed later (2020-02), same plan_made
    assert cla.baseline(traj) == "recovery"
    dist = cla.distances(traj, "number").set_index(["series", "year"])
    assert set(dist.index) == {("band", "2020-21")}  # the actual year has no plan figure; restatements are skipped
    assert (dist.loc[("band", "2020-21")].distance_low, dist.loc[("band", "2020-21")].distance_high) == (350 - 360,
                                                                                                          390 - 360)
    diff = cla.restatement_differences(traj)
    assert list(diff.number_difference) == [0, 370 - 360]
    title = trajectory_charts.chart_title(traj, cla.distances(traj, "number"), "number", "Fenmoor")
    assert "Budget band (Feb 2020)" in title and "Torbay" not in title and "2014" not in title
    fig = trajectory_charts.chart_trajectories(traj, None, cla.distances(traj, "number"), authority="Fenmoor", source="S")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Recovery plan (Mar 2019)", "Recovery plan as restated (Feb 2020)", "Budget band (Feb 2020)",
                      "Actual"]  # the restatement changed a year, so no "- same figures"
