"""parse_money / format_gbp: every kind of printed amount and every kind of PDF-extraction damage.

Expected values are worked out by hand from the printed text (e.g. 'f14 5m' is £14.5m, i.e.
14,500,000 pounds); where a printed example comes from a bundled paper, the file is cited.
hypothesis is not installed in .venv, so there are no property-based tests here; the round-trip
test for format_gbp uses a fixed list of awkward values instead.
"""

from __future__ import annotations

import math

import pytest

from analysis.money import Money, format_gbp, parse_money

# ---------------------------------------------------------------------------------------------
# PDF-extraction damage: one test per kind


def test_pound_sign_read_as_f():
    m = parse_money("f7m")  # '£7m' with the pound sign extracted as 'f'
    assert m.status == "value"
    assert m.value_gbp == 7_000_000
    assert m.low_gbp == m.high_gbp == 7_000_000
    assert "pound_sign_read_as_f" in m.flags
    assert m.needed_cleaning


def test_pound_sign_read_as_f_is_not_applied_to_words():
    # an 'f' that is part of a word is not a pound sign: 'for' is not a figure
    m = parse_money("for 7m")
    assert m.status == "unparseable"
    assert m.value_gbp is None
    assert "pound_sign_read_as_f" not in m.flags


def test_decimal_point_read_as_space():
    m = parse_money("f14 5m")  # '£14.5m': both the '£' and the '.' were damaged
    assert m.status == "value"
    assert m.value_gbp == 14_500_000
    assert "decimal_point_read_as_space" in m.flags
    assert "pound_sign_read_as_f" in m.flags


def test_space_is_a_decimal_point_only_before_a_suffix():
    # '14 500' has no k/m suffix: neither 14.5 nor 14,500 may be guessed
    m = parse_money("14 500")
    assert m.status == "unparseable"
    assert m.low_gbp is None and m.high_gbp is None


def test_decimal_point_read_as_comma_in_millions():
    m = parse_money("1,265m")  # £1.265m - nobody counts children's services in thousands of millions
    assert m.status == "value"
    assert m.value_gbp == 1_265_000
    assert "decimal_point_read_as_comma" in m.flags


def test_decimal_point_read_as_comma_in_a_range_of_millions():
    m = parse_money("1,769m – 2,319m")  # en dash between the ends, as printed
    assert m.status == "range"
    assert (m.low_gbp, m.high_gbp) == (1_769_000, 2_319_000)
    assert m.value_gbp is None  # a range has no single figure
    assert "decimal_point_read_as_comma" in m.flags


def test_comma_before_k_stays_a_thousands_separator():
    m = parse_money("1,265k")  # one thousand two hundred and sixty-five thousand
    assert m.value_gbp == 1_265_000
    assert m.flags == ()


def test_thousands_separator_read_as_point():
    m = parse_money("£20.520")  # £20,520
    assert m.status == "value"
    assert m.value_gbp == 20_520
    assert "thousands_separator_read_as_point" in m.flags


def test_per_quarter_abbreviation_damaged():
    m = parse_money("£30k/atr")  # '£30k/qtr' with the q extracted as 'a'
    assert m.status == "value"
    assert m.value_gbp == 30_000
    assert m.per == "quarter"
    assert "per_quarter_abbreviation_damaged" in m.flags


def test_per_quarter_undamaged_needs_no_flag():
    m = parse_money("£30k/qtr")
    assert m.value_gbp == 30_000
    assert m.per == "quarter"
    assert m.flags == ()


def test_per_annum():
    m = parse_money("£50k p.a.")
    assert m.value_gbp == 50_000
    assert m.per == "annum"


def test_income_in_brackets():
    # 000 (Torbay recovery plan) prints income in brackets: that reader asks for the magnitude
    m = parse_money("(£453k)", brackets="magnitude")
    assert m.status == "value"
    assert m.bracketed is True
    assert m.value_gbp == 453_000


def test_brackets_are_an_accounting_negative_by_default():
    # issue 7: a tracker printed in Excel's accounting format, '(1,595)' in a £000 column
    m = parse_money("(1,595)", "gbp_thousands")
    assert (m.status, m.value_gbp, m.bracketed) == ("value", -1_595_000, True)
    assert parse_money("(£453k)").value_gbp == -453_000
    assert parse_money("(50k-600k)").status == "range"
    assert (parse_money("(50k-600k)").low_gbp, parse_money("(50k-600k)").high_gbp) == (-600_000, -50_000)


def test_a_sign_inside_brackets_is_not_read():
    assert parse_money("(-1,595)").status == "unparseable"
    assert parse_money("(-1,595)", brackets="magnitude").value_gbp == -1_595


def test_implausibly_large_figures_are_not_read():
    m = parse_money("9" * 40)
    assert m.status == "unparseable" and "implausibly_large" in m.flags
    assert parse_money("£999,999,999,999").value_gbp == 999_999_999_999


def test_unbracketed_figure_is_not_bracketed():
    assert parse_money("£453k").bracketed is False


# ---------------------------------------------------------------------------------------------
# Units, suffixes, ranges, words, qualifiers, signs


def test_unit_thousands_multiplies_a_plain_figure():
    # 003 line 6: printed totals row, Original Phasing Q1 -11,603 in a table headed £000
    m = parse_money("-11,603", "gbp_thousands")
    assert m.value_gbp == -11_603_000
    assert m.flags == ()


def test_unit_pounds_keeps_a_plain_figure():
    m = parse_money("-11,603", "gbp")
    assert m.value_gbp == -11_603


def test_default_unit_is_pounds():
    assert parse_money("4,023").value_gbp == 4_023


def test_unit_millions():
    assert parse_money("2.5", "gbp_millions").value_gbp == 2_500_000


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        parse_money("1", "gbp_hundreds")


@pytest.mark.parametrize("text, pounds", [
    ("129k", 129_000),
    ("£129k", 129_000),
    ("129K", 129_000),
    ("£8.5m", 8_500_000),
    ("8.5M", 8_500_000),
    ("£1.314m", 1_314_000),
    ("£1,007,221", 1_007_221),
    ("£2bn", 2_000_000_000),
])
def test_suffixes(text, pounds):
    m = parse_money(text)
    assert m.status == "value"
    assert m.value_gbp == pounds


@pytest.mark.parametrize("text, pounds", [("129k", 129_000), ("£1.6m", 1_600_000)])
def test_suffix_overrides_the_unit(text, pounds):
    # a figure with its own k/m is not multiplied again by a £000 table unit
    assert parse_money(text, "gbp_thousands").value_gbp == pounds


@pytest.mark.parametrize("text, low, high", [
    ("50k-600k", 50_000, 600_000),
    ("1.314m – 1.864m", 1_314_000, 1_864_000),
    ("150k-1.8m", 150_000, 1_800_000),
    ("£50k to £600k", 50_000, 600_000),
    ("f1m-f2m", 1_000_000, 2_000_000),
])
def test_ranges(text, low, high):
    m = parse_money(text)
    assert m.status == "range"
    assert (m.low_gbp, m.high_gbp) == (low, high)
    assert m.value_gbp is None
    assert m.is_figure


def test_range_low_end_takes_the_suffix_of_the_high_end():
    # '50-600k' means 50k to 600k, not £50 to £600k
    m = parse_money("50-600k")
    assert (m.low_gbp, m.high_gbp) == (50_000, 600_000)


@pytest.mark.parametrize("text, status", [
    ("n/a", "not_applicable"),
    ("N/A", "not_applicable"),
    ("TBC", "to_be_confirmed"),
    ("tbc", "to_be_confirmed"),
    ("??", "unknown"),
    ("-", "dash"),
    ("–", "dash"),
    ("", "blank"),
    ("   ", "blank"),
    (None, "blank"),
])
def test_words_and_blanks_are_not_figures(text, status):
    m = parse_money(text)
    assert m.status == status
    assert m.low_gbp is None and m.high_gbp is None and m.value_gbp is None
    assert not m.is_figure


def test_qualifier():
    m = parse_money("£0.2m underspend")
    assert m.status == "value"
    assert m.value_gbp == 200_000
    assert m.qualifier == "underspend"


def test_qualifier_plural_is_singular():
    m = parse_money("£1.2m savings")
    assert m.value_gbp == 1_200_000
    assert m.qualifier == "saving"


def test_negative_with_suffix():
    # 004 (business planning paper) prints proposals as '(-2000k in 2018/19)'
    m = parse_money("-2000k")
    assert m.value_gbp == -2_000_000
    assert m.bracketed is False


def test_negative_with_unicode_minus_and_pound():
    assert parse_money("−£1.5m").value_gbp == -1_500_000


def test_unparseable():
    m = parse_money("+ / / / K")
    assert m.status == "unparseable"
    assert m.low_gbp is None and m.high_gbp is None
    assert not m.is_figure
    assert m.raw == "+ / / / K"  # the raw text is kept for the caller


def test_raw_text_is_kept_as_given():
    m = parse_money("  f7m ")
    assert m.raw == "  f7m "


def test_rounding_to_whole_pounds_half_up():
    m = parse_money("£1.2345k")  # 1,234.5 pounds
    assert m.value_gbp == 1_235
    assert "rounded_to_whole_pound" in m.flags


def test_rounding_below_half_goes_down():
    m = parse_money("£1.2344k")  # 1,234.4 pounds
    assert m.value_gbp == 1_234
    assert "rounded_to_whole_pound" in m.flags


def test_whole_pounds_need_no_rounding_flag():
    m = parse_money("£1.2345m")  # 1,234,500 pounds exactly
    assert m.value_gbp == 1_234_500
    assert m.flags == ()


def test_results_are_ints_not_floats():
    m = parse_money("£8.5m")
    assert type(m.value_gbp) is int


@pytest.mark.parametrize("text, unit, pounds", [
    ("4,023", "gbp", 4_023),
    ("4023", "gbp", 4_023),
    ("1,007,221", "gbp", 1_007_221),
    ("£1,007,221", "gbp", 1_007_221),
    ("1,595", "gbp_thousands", 1_595_000),  # 003 line 91: A/R.6.243 Investment 1,595 (£000)
    ("0", "gbp_thousands", 0),
])
def test_plain_number_is_never_silently_rescaled(text, unit, pounds):
    m = parse_money(text, unit)
    assert m.value_gbp == pounds
    assert m.flags == ()


def test_plain_number_with_three_decimals_is_not_read_as_thousands():
    # the thousands-separator repair needs the '£': a bare '20.520' is twenty pounds and change,
    # never silently 20,520
    m = parse_money("20.520")
    assert m.value_gbp != 20_520
    assert m.value_gbp == 21
    assert "thousands_separator_read_as_point" not in m.flags
    assert "rounded_to_whole_pound" in m.flags


def test_money_is_a_frozen_value():
    m = parse_money("£1k")
    assert isinstance(m, Money)
    with pytest.raises(AttributeError):
        m.low_gbp = 2  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# format_gbp


@pytest.mark.parametrize("value, text", [
    (20_520, "£20,520"),
    (174_000, "£174k"),
    (1_600_000, "£1.6m"),
    (2_310_000, "£2.31m"),
    (1_007_221, "£1,007,221"),
    (1_000_000, "£1m"),
    (999, "£999"),
    (0, "£0"),
    (1_000_500, "£1,000,500"),
    (-395_000, "-£395k"),
])
def test_format_gbp_examples(value, text):
    assert format_gbp(value) == text


def test_format_gbp_never_hides_pounds():
    # a figure that is not a whole number of thousands must show every pound
    for value in (20_520, 1_234_567, 1_000_001, 999_999, 174_001, 12_345):
        text = format_gbp(value)
        assert not text.endswith(("k", "m")), (value, text)
        assert int(text.lstrip("-£").replace(",", "")) == abs(value)


@pytest.mark.parametrize("value", [
    20_520, 174_000, 1_600_000, 2_310_000, 1_007_221, 1_000_000, 999, 0, 1_000_500, 1_999_000,
    1_010_000, 10_000_000, 20_538_000, -20_538_000, -16_656_000, 3_882_000, 4_023_000, -395_000,
    999_999, 1_000_001, 123_456_789_000, 1_234_500_000,
])
def test_format_gbp_round_trips_exactly_through_parse_money(value):
    # whatever format_gbp prints, the one money parser reads back as the same whole pounds,
    # with no repair needed (the printed form is never ambiguous)
    text = format_gbp(value)
    back = parse_money(text)
    assert back.value_gbp == value, (value, text)
    assert back.flags == (), (value, text, back.flags)


def test_format_gbp_signed():
    assert format_gbp(174_000, signed=True) == "+£174k"
    assert format_gbp(-174_000, signed=True) == "-£174k"
    assert format_gbp(0, signed=True) == "£0"


@pytest.mark.parametrize("value", [None, math.nan, float("nan")])
def test_format_gbp_no_value(value):
    assert format_gbp(value) == "–"


def test_format_gbp_accepts_floats_of_whole_pounds():
    assert format_gbp(1_600_000.0) == "£1.6m"
    assert format_gbp(20_520.0) == "£20,520"


@pytest.mark.parametrize("printed, pounds, bracketed", [
    (" £ (300,000) ", -300_000, True),  # Excel's accounting format, brackets for negatives
    ("£(300,000)", -300_000, True),
    ("£-300,000", -300_000, False),  # currency format with the minus after the pound sign
    (" £ 1,200,000 ", 1_200_000, False),
    ("£ (1.2m)", -1_200_000, True),
])
def test_excel_accounting_formats_put_the_pound_sign_first(printed, pounds, bracketed):
    money = parse_money(printed, "gbp")
    assert (money.status, money.low_gbp, money.bracketed) == ("value", pounds, bracketed)


def test_the_accounting_format_nil_is_a_dash_not_zero():
    assert parse_money(" £ -   ", "gbp").status == "dash"  # as '-': the tracker flags a blank, never a 0
