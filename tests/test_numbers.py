"""analysis.numbers: the pack's one way of writing a figure.  Expected strings are
worked out by hand from the figures (half-up rounding)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import numbers as n


@pytest.mark.parametrize("value, text", [
    (16_656_000, "£16.7m"),      # 003 totals: forecast saving 16,656 (£000)
    (20_538_000, "£20.5m"),
    (3_882_000, "£3.9m"),
    (4_278_000, "£4.3m"),
    (999_950, "£1.0m"),          # rounds up into millions: never "£1,000k"
    (949_999, "£950k"),
    (443_000, "£443k"),
    (20_520, "£21k"),
    (999, "£999"),
    (540, "£540"),
    (0, "£0"),
    (-443_000, "−£443k"),
    (None, "–"),
    (pd.NA, "–"),
    (float("nan"), "–"),
])
def test_money_in_text(value, text):
    assert n.money(value) == text


def test_signed_money_and_half_up():
    assert n.signed_money(1_250_000) == "+£1.3m"  # 1.25 -> 1.3 (half up, not banker's 1.2)
    assert n.signed_money(-588_000) == "−£588k"
    assert n.signed_money(0) == "£0"


@pytest.mark.parametrize("value, text", [(16_656_000, "16,656"), (-443_000, "−443"), (500, "1"), (499, "0"),
                                         (None, "–")])
def test_money_in_tables_is_thousands(value, text):
    assert n.money_000(value) == text


def test_exact_money_rates_counts_years_months():
    assert n.money_exact(20_520) == "£20,520" and n.money_exact(-1_007_221) == "−£1,007,221"
    assert n.money_range(4_908_000, 6_558_000) == "£4.9m to £6.6m" and n.money_range(5, 5) == "£5"
    assert n.rate(121) == "121" and n.rate(74.65) == "74.7" and n.rate(None) == "–"
    assert n.pct(81.08) == "81%" and n.pct(81.05, 1) == "81.1%"
    assert n.count(1234) == "1,234" and n.signed_count(-37) == "−37" and n.signed_count(5) == "+5"
    assert n.year("2017/18") == "2017-18" and n.year("2017-2018") == "2017-18" and n.year("2017-18") == "2017-18"
    assert n.month("2017-10") == "October 2017" and n.date("2019-11-12") == "12 November 2019"
    assert n.date("2015") == "2015" and n.yes_no(True) == "Yes" and n.yes_no(None) == "–"


def test_tables_write_dates_and_months_in_words_left_aligned():
    """A member reads "30 November 2016", never the ISO ``2016-11-30`` (issue 10); dates are text, so
    their cells are not right-aligned like figures."""
    from analysis.presentation import display

    frame = pd.DataFrame({"year": ["2016-17"], "actual_as_at": ["2016-11-30"], "period": ["2017-10"],
                          "paper date": ["2017-01-11"], "number": [279]})
    html = display.table_html(frame)
    assert "30 November 2016" in html and "October 2017" in html and "11 January 2017" in html
    assert "2016-11-30" not in html and "2017-01-11" not in html and ">2017-10<" not in html
    assert "2016-17" in html  # a financial year stays as members read it
    assert html.count('class="num"') == 2  # the number column's heading and cell only
