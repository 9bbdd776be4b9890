"""Comparator analysis against Torbay's 2015 paper (002_e4fc5fb4266e3ff1.txt), Table 3 (lines
14-28) and Table 6 (lines 30-39).  Expected values are the printed figures or arithmetic done
here on them."""

from __future__ import annotations

import statistics

import pytest
from matplotlib.colors import to_hex

from analysis import data
from analysis.analyses import comparators
from analysis.errors import InputError
from analysis.presentation import charts, comparator_charts

from .conftest import FIVE_YEAR_PLAN, raw_lines

# 002 Table 3, lines 16-26: the ten neighbours' rates per 10,000 (2012/13 data) as printed.
NEIGHBOURS = {"Blackpool": 166, "Telford & Wrekin": 82, "Bournemouth": 82, "Portsmouth": 73, "Plymouth": 73,
              "Isle of Wight": 69, "Southend-on-Sea": 62, "Poole": 49, "North Lincolnshire": 46, "Cornwall": 45}
TORBAY_RATE = 121  # 002 Table 3 line 17: "121 (134 for 2013/14)"
PRINTED_AVERAGE = 75  # 002 Table 3 line 27: Statistical Neighbour Average
PRINTED_BSP_AVERAGE = 72  # 002 Table 3 line 28: Average Bournemouth/Southend/Plymouth
TORBAY_NUMBER_2012_13 = 305  # 002 Table 6 line 33: 305 children, rate 121
MEAN = sum(NEIGHBOURS.values()) / len(NEIGHBOURS)  # 747 / 10 = 74.7
MEDIAN = statistics.median(NEIGHBOURS.values())  # (69 + 73) / 2 = 71
POPULATION = TORBAY_NUMBER_2012_13 * 10_000 / TORBAY_RATE  # ≈ 25,207


@pytest.fixture(scope="module")
def rates():
    return data.load("comparator_rates")


@pytest.fixture(scope="module")
def cla_rows():
    return data.load("cla_trajectories")


@pytest.fixture(scope="module")
def table(rates):
    return comparators.comparator_table(rates, "Torbay", "2012-13")


def test_the_rates_used_here_are_the_ones_printed():
    lines = raw_lines(FIVE_YEAR_PLAN)
    assert lines[16 - 1].endswith("166") and lines[17 - 1] == "Torbay\t121 (134 for 2013/14)"
    assert lines[27 - 1] == "Statistical Neighbour Average\t75"
    assert lines[33 - 1] == "2012/13\t\t305\t121"


def test_comparator_table_has_the_subject_and_ten_neighbours_highest_first(table):
    assert len(table) == 11
    assert list(table.rate_per_10k) == sorted(table.rate_per_10k, reverse=True)
    neighbours = table[~table.is_subject]
    assert dict(zip(neighbours.authority, neighbours.rate_per_10k, strict=True)) == NEIGHBOURS
    torbay = table[table.is_subject].iloc[0]
    assert (torbay.authority, torbay.rate_per_10k) == ("Torbay", TORBAY_RATE)
    assert torbay["rank"] == 2  # only Blackpool (166) is higher


def test_printed_averages_are_not_authorities(table):
    assert not table.authority.str.contains("Average").any()


def test_neighbour_mean_and_median_from_the_printed_rates(table):
    assert comparators.neighbour_average(table) == pytest.approx(MEAN)
    assert comparators.neighbour_average(table, "mean") == pytest.approx(74.7)
    assert comparators.neighbour_average(table, "median") == pytest.approx(MEDIAN)
    assert MEDIAN == 71


def test_unknown_average_is_refused(table):
    with pytest.raises(ValueError, match="mean, median"):
        comparators.neighbour_average(table, "mode")


def test_stated_averages_beside_the_recomputed_ones(rates):
    stated = comparators.stated_averages(rates, "Torbay", "2012-13").set_index("label")
    everyone = stated.loc["Statistical Neighbour Average"]
    assert everyone.printed_per_10k == PRINTED_AVERAGE
    assert everyone.computed_mean_per_10k == pytest.approx(MEAN)
    assert everyone.difference_per_10k == pytest.approx(PRINTED_AVERAGE - MEAN)
    bsp = stated.loc["Average Bournemouth/Southend/Plymouth"]
    expected = (NEIGHBOURS["Bournemouth"] + NEIGHBOURS["Southend-on-Sea"] + NEIGHBOURS["Plymouth"]) / 3
    assert bsp.printed_per_10k == PRINTED_BSP_AVERAGE
    assert bsp.computed_mean_per_10k == pytest.approx(expected)
    assert set(bsp.authorities.split(", ")) == {"Bournemouth", "Southend-on-Sea", "Plymouth"}
    assert comparators.printed_neighbour_average(rates, "Torbay", "2012-13") == PRINTED_AVERAGE


def test_implied_population_from_the_papers_own_number_and_rate(cla_rows):
    assert comparators.implied_population(305, 121) == pytest.approx(3_050_000 / 121)
    pop = comparators.subject_population(cla_rows, "Torbay", "2012-13")
    assert (pop.number, pop.rate_per_10k) == (TORBAY_NUMBER_2012_13, TORBAY_RATE)
    assert pop.population == pytest.approx(POPULATION)
    assert round(pop.population) == 25_207
    with pytest.raises(ValueError):
        comparators.implied_population(305, 0)


def test_children_gap_by_independent_arithmetic():
    # (121 - 74.7) per 10,000 of ~25,207 children = 46.3 x 2.5207 ≈ 116.7 children;
    # equivalently 305 x (121 - 74.7) / 121 since the population is 305 x 10,000 / 121.
    gap = comparators.children_gap(TORBAY_RATE, MEAN, POPULATION)
    assert gap == pytest.approx(TORBAY_NUMBER_2012_13 * (TORBAY_RATE - MEAN) / TORBAY_RATE)
    assert gap == pytest.approx(116.7, abs=0.05)
    assert comparators.children_gap(60, 75, 10_000) == pytest.approx(-15)


def test_summary_and_gap_table(table):
    s = comparators.summary(table, POPULATION, "median", PRINTED_AVERAGE)
    assert s.average_per_10k == MEDIAN and s.gap_per_10k == TORBAY_RATE - MEDIAN
    assert s.gap_children == pytest.approx((TORBAY_RATE - MEDIAN) * POPULATION / 10_000)
    assert (s.neighbours, s.authorities, s["rank"], s.more_or_fewer) == (10, 11, 2, "more")
    gaps = comparators.gap_table(table, POPULATION, PRINTED_AVERAGE, national_rate_per_10k=60.0).set_index("comparison")
    assert gaps.loc["Neighbours' mean (computed)", "gap_children"] == pytest.approx((TORBAY_RATE - MEAN) * POPULATION / 1e4)
    assert gaps.loc["Neighbours' average (printed)", "gap_per_10k"] == TORBAY_RATE - PRINTED_AVERAGE
    assert gaps.loc["National rate (parameter)", "gap_per_10k"] == TORBAY_RATE - 60
    assert "National rate (parameter)" not in set(comparators.gap_table(table, POPULATION, None, 0.0).comparison)


def test_unknown_year_or_authority_names_what_exists(rates, cla_rows):
    with pytest.raises(InputError, match="2012-13"):
        comparators.comparator_table(rates, "Torbay", "2013-14")  # only Torbay has a 2013-14 rate
    with pytest.raises(InputError, match="Torbay"):
        comparators.comparator_table(rates, "Devon", "2012-13")
    with pytest.raises(InputError, match="2012-13"):
        comparators.subject_population(cla_rows, "Torbay", "2015-16")


# --------------------------------------------------------------------------------------------- chart


def _chart(table, **kwargs):
    defaults = dict(average_per_10k=MEAN, how="mean", printed_average_per_10k=PRINTED_AVERAGE,
                    gap_children=comparators.children_gap(TORBAY_RATE, MEAN, POPULATION), year="2012-13",
                    source="Torbay 2015, Table 3")
    fig = comparator_charts.chart_comparators(table, **{**defaults, **kwargs})
    fig.canvas.draw()
    return fig, fig.axes[0]


def _bars(ax):
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return dict(zip(labels, ax.patches, strict=True))


def test_chart_has_one_bar_per_authority_with_the_subject_highlighted(table):
    fig, ax = _chart(table)
    bars = _bars(ax)
    assert len(ax.patches) == 11 and set(bars) == set(NEIGHBOURS) | {"Torbay"}
    assert to_hex(bars["Torbay"].get_facecolor()) == charts.FOCUS.lower()
    assert bars["Torbay"].get_width() == TORBAY_RATE
    for name in NEIGHBOURS:
        assert to_hex(bars[name].get_facecolor()) == charts.OTHER.lower()
        assert bars[name].get_width() == NEIGHBOURS[name]


def test_chart_average_line_is_at_the_computed_average_with_the_printed_one_beside(table):
    fig, ax = _chart(table)
    average_lines = [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.AVERAGE.lower()]
    assert len(average_lines) == 1
    assert list(average_lines[0].get_xdata()) == pytest.approx([MEAN, MEAN])
    texts = [t.get_text() for t in ax.texts]
    assert any("74.7" in t and "75" in t.split("74.7")[1] for t in texts)
    assert not [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.NATIONAL.lower()]  # not given: not drawn


def test_chart_draws_the_national_rate_when_given_and_says_units(table):
    fig, ax = _chart(table, national_rate_per_10k=60.0)
    national = [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.NATIONAL.lower()]
    assert len(national) == 1 and list(national[0].get_xdata()) == [60.0, 60.0]
    assert "per 10,000" in ax.get_xlabel()
    title = fig.texts[0].get_text()
    assert "46.3 more" in title and "117 more children" in title.replace("\n", " ")


def test_chart_median_line(table):
    fig, ax = _chart(table, average_per_10k=MEDIAN, how="median")
    line = [ln for ln in ax.lines if to_hex(ln.get_color()) == charts.AVERAGE.lower()][0]
    assert line.get_xdata()[0] == MEDIAN
    assert any("median 71" in t.get_text() for t in ax.texts)


def test_chart_title_fits_the_figure(table):
    fig, _ = _chart(table)
    renderer = fig.canvas.get_renderer()
    assert fig.texts[0].get_window_extent(renderer).x1 <= fig.bbox.width
