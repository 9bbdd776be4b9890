"""How a printed figure's precision and rounding become the interval of values it stands for, and
how a check judges a stated figure against the interval its parts allow.  Expected values are
worked by hand below each case."""

from __future__ import annotations

import pytest

from analysis import precision as pr
from analysis.reconcile import Checks


@pytest.mark.parametrize("text, value, expected", [
    ("£12.4m", 12_400_000, 100_000),   # 002 Table 7: last digit is £0.1m
    ("57k", 57_000, 1_000),            # 001 line 255
    ("1,265m", 1_265_000, 1_000),      # 001 line 249: read as £1.265m, last digit £1k
    ("£20.520", 20_520, 1),            # 001 line 230: a thousands separator printed as a point
    ("20,520", 20_520, 1),
    ("£0.2m", 200_000, 100_000),
    ("£3.0m", 3_000_000, 100_000),     # a trailing zero is still a printed digit
    ("£85m", 85_000_000, 1_000_000),
])
def test_precision_is_the_unit_of_the_last_printed_digit(text, value, expected):
    assert pr.precision_of(text, value) == expected


def test_nearest_and_truncated_intervals():
    # 57k to the nearest £1k: 56,500 up to (not including) 57,500; truncated: 57,000 up to 58,000
    assert pr.printed(57_000, 1_000) == pr.Interval(56_500, 57_500, True, False)
    assert pr.printed(57_000, 1_000, pr.TRUNCATED) == pr.Interval(57_000, 58_000, True, False)
    assert not pr.printed(57_000, 1_000).contains(57_500)   # 57,500 rounds half up to 58k
    assert pr.printed(57_000, 1_000, pr.TRUNCATED).contains(57_500)
    assert pr.printed(-57_000, 1_000, pr.TRUNCATED) == pr.Interval(-58_000, -57_000, False, True)


def test_difference_of_two_figures_printed_to_0_1m():
    # 002 Table 7 2018-19: 12.4 - 5.4; each ±0.05m, so the difference lies strictly between 6.9m and 7.1m
    d = pr.printed(12_400_000, 100_000) - pr.printed(5_400_000, 100_000)
    assert (d.low, d.high) == (6_900_000, 7_100_000)
    assert not d.contains(7_100_000) and not d.contains(6_900_000)
    assert d.meets(pr.printed(7_100_000, 100_000))         # 7.1 stands for [7.05m, 7.15m)
    assert not d.meets(pr.printed(7_200_000, 100_000))     # [7.15m, 7.25m) misses it


def _one(**kwargs):
    checks = Checks()
    base = dict(document="x", table="t", item="i", kind="difference", unit="gbp", source_file="f", source_line=1)
    base.update(kwargs)
    return checks.add(**base)


def test_status_ok_within_rounding_mismatch_not_computable():
    allowed = {"costs to the nearest £0.1m": pr.printed(12_400_000, 100_000) - pr.printed(5_400_000, 100_000)}
    assert _one(stated=7_000_000, computed=7_000_000, stated_precision=100_000,
                computed_intervals=allowed)["status"] == "ok"
    within = _one(stated=7_100_000, computed=7_000_000, stated_precision=100_000, computed_intervals=allowed)
    assert within["status"] == "within rounding"
    assert within["rounding"] == "stated nearest £0.1m, costs to the nearest £0.1m"
    allowed_2015 = {"costs to the nearest £0.1m": pr.printed(12_400_000, 100_000) - pr.printed(9_400_000, 100_000)}
    bad = _one(stated=1_600_000, computed=3_000_000, stated_precision=100_000, computed_intervals=allowed_2015)
    assert bad["status"] == "mismatch"
    assert "£1.6m stated vs £3m computed, a difference of -£1.4m" in bad["note"]
    assert _one(stated=None, computed=3_000_000)["status"] == "not computable"


def test_whole_pounds_are_exact_and_truncation_is_only_admitted_when_given():
    # 001: £21,520 (line 230) against the table's 20k (line 259): neither reading of 20k holds it
    table = {"nearest": pr.printed(20_000, 1_000), "truncated": pr.printed(20_000, 1_000, pr.TRUNCATED)}
    assert _one(kind="repeated", stated=21_520, computed=20_000, stated_precision=1,
                computed_intervals=table)["status"] == "mismatch"
    # £57,500 against 57k: only truncation holds it (to the nearest, 57,500 is 58k)
    assert _one(kind="repeated", stated=57_500, computed=57_000, stated_precision=1,
                computed_intervals={"nearest": table["nearest"]})["status"] == "mismatch"
    got = _one(kind="repeated", stated=57_500, computed=57_000, stated_precision=1,
               computed_intervals={"nearest": pr.printed(57_000, 1_000),
                                   "truncated": pr.printed(57_000, 1_000, pr.TRUNCATED)})
    assert (got["status"], got["rounding"]) == ("within rounding", "stated exact, truncated")
