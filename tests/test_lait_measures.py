"""Every LAIT measure as data (public_measures, lait_values) and the SFR placement columns
2010-2017 (cla_placements), against the files in ../shared/data/public read here with pandas:
values read back exactly, polarity and year type as the dictionary states them, a suppressed cell
never a zero, placement types summing to the release's total or the difference flagged, a
definition change never joined across, a period absent from a view as at a month before its
release."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.statistics.lait_measures import parse_period

pytestmark = pytest.mark.public_data

BDS = "lait/bds_long_0.parquet"
DICTIONARY = "lait/lait_data_dictionary.csv"
PLACEMENT_COLUMNS = ["CLA_Fost", "CLA_Adopt", "CLA_Parent", "CLA_Ocom", "CLA_Secure", "CLA_Ores", "CLA_RSch",
                     "CLA_Miss", "CLA_OthPl"]


@pytest.fixture(scope="module")
def bds(public_dir) -> pd.DataFrame:
    return pd.read_parquet(public_dir / BDS)


@pytest.fixture(scope="module")
def dictionary(public_dir) -> pd.DataFrame:
    return pd.read_csv(public_dir / DICTIONARY, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def values(public_tables) -> pd.DataFrame:
    return public_tables["lait_values"]


def test_every_value_is_read_back_exactly(bds, values):
    # one row per row of the file, in its order (source_line = row + 1), the printed text kept and its number
    assert len(values) == len(bds)
    ordered = values.sort_values("source_line")
    assert list(ordered.source_line) == list(range(1, len(bds) + 1))
    assert (ordered.value_raw.to_numpy() == bds.Values.to_numpy()).all()
    assert (ordered.measure.to_numpy() == bds["Short Desc"].to_numpy()).all()
    expected = pd.to_numeric(bds.Values.where(bds.Values != "-"), errors="coerce").to_numpy(dtype=float)
    got = ordered.value.to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(np.isnan(expected), np.isnan(got))
    assert np.array_equal(expected[~np.isnan(expected)], got[~np.isnan(got)])


@pytest.mark.parametrize("measure,la,period", [
    ("LACnum", 880, "2019"),                   # Torbay, children looked after at 31 March 2019
    ("CIN", 890, "2020"),                      # Blackpool, children in need per 10,000
    ("Work_Force_Agecy_Rate", 383, "2022"),    # Leeds, agency social workers %
    ("TotalLACFinance", 970, "2018-19 (OT)"),  # England, gross CLA spend
    ("RTA", 980, "2014-16"),                   # North East, a three-year span
    ("ReReferral", 873, "2023"),               # Cambridgeshire, re-referrals %
])
def test_a_sample_of_values_for_several_measures_authorities_and_years(bds, values, measure, la, period):
    hit = bds[(bds["Short Desc"] == measure) & (bds["LA Number"] == la) & (bds.Years == period)]
    printed, name = hit.Values.iloc[0], hit["LA and Regions"].iloc[0]
    mine = values[(values.measure == measure) & (values.period == period)]
    if la < 970:
        row = mine[mine.old_la_code == f"{la:03d}"]
    else:
        row = mine[(mine.geographic_level == ("national" if la == 970 else "regional")) & (mine.authority == name)]
    assert len(row) == 1
    assert row.value_raw.iloc[0] == printed
    assert float(row.value.iloc[0]) == float(printed)


def test_a_suppressed_cell_is_never_a_zero(bds, values):
    dashes = int((bds.Values == "-").sum())
    marked = values[values.marker.notna()]
    assert dashes > 0 and len(marked) == dashes
    assert (marked.marker == "-").all() and marked.value.isna().all()
    assert values[values.value_raw == "-"].value.isna().all()


def test_polarity_year_type_and_label_as_the_dictionary_states(public_tables, dictionary):
    measures = public_tables["public_measures"].set_index("measure")
    first = dictionary.drop_duplicates("Measure_short")
    assert len(measures) == len(first)  # every measure, once
    for r in first.itertuples():
        m = measures.loc[r.Measure_short]
        assert m.label == r.Measure.strip()
        assert (m.polarity if isinstance(m.polarity, str) else None) == (r.Polarity if r.Polarity in ("High", "Low")
                                                                        else None)
        assert m.polarity_raw == r.Polarity and m.year_type == r.Year_Type and m.unit_label == r.y_axis_name
        assert (None if pd.isna(m.decimal_places) else int(m.decimal_places)) == (None if r.dps in ("", "NA")
                                                                                  else int(r.dps))
    # LAIT's own words: the CLA rate has no polarity, re-referrals and agency staff are better low, EET better high
    assert measures.loc["LAC"].polarity_raw == "-" and pd.isna(measures.loc["LAC"].polarity)
    assert measures.loc["ReReferral"].polarity == "Low" and measures.loc["Work_Force_Agecy_Rate"].polarity == "Low"
    assert measures.loc["CareLeaverEET"].polarity == "High"
    assert measures.loc["LACnum_Start"].period_type == "financial year"
    assert measures.loc["Work_Force_Agecy_Rate"].period_type == "30 September"


def test_periods_are_counted_by_the_year_they_end():
    assert parse_period("2016") == (2016, None)
    assert parse_period("2016-17 (OT)") == (2017, "outturn")
    assert parse_period("2015/16") == (2016, None)
    assert parse_period("2018 (Rev)") == (2018, "revised")
    assert parse_period("2025 (prov)") == (2025, "provisional")
    assert parse_period("2014-16") == (2016, "span 2014-2016")
    assert parse_period("2013/14-15/16") == (2016, "span 2013-2016")
    assert parse_period("0") == (None, "not a period")


def test_a_definition_change_is_a_break_not_a_continuous_series(public_tables, dictionary, values):
    # LAIT's note on CLA absence: "... no longer included in this statistical release from 2022"
    note = dictionary[dictionary.Measure_short == "LAC_Unauth"].Methodology.iloc[0]
    assert "from 2022" in note
    assert public_tables["public_measures"].set_index("measure").loc["LAC_Unauth"].definition_change_year == 2022
    rows = values[(values.measure == "LAC_Unauth") & (values.old_la_code == "880")]
    assert set(rows[rows.definition_break].year) == {2022}
    assert not rows[rows.year != 2022].definition_break.any()


def test_a_period_is_absent_from_a_view_before_its_release(with_public_dir):
    from analysis.analyses import measures, public_pack

    # children in need at 31 March 2019: published 31 October 2019; 2020: not by November 2019
    md = measures.measure_data(public_pack.public_data(with_public_dir, "2019-11"), with_public_dir)
    cin = md.values[md.values.measure == "CIN"]
    assert 2019 in set(cin.year) and not (cin.year > 2019).any()
    early = measures.measure_data(public_pack.public_data(with_public_dir, "2019-09"), with_public_dir)
    assert 2019 not in set(early.values[early.values.measure == "CIN"].year)


# --------------------------------------------------------------------------------------------- placements


def test_placement_types_sum_to_the_release_total_or_the_difference_is_flagged(public_dir, public_tables):
    frame = pd.read_csv(public_dir / "dfe_sfr_cla_2010_2017/SFR36_CLA2013.csv", dtype=str, encoding="latin-1")
    placements = public_tables["cla_placements"]
    checked = 0
    for r in frame[frame.geog_l == "LA"].itertuples():
        row = placements[(placements.old_la_code == r.geog_c) & (placements.year == 2013)]
        if row.empty:
            continue
        cells = [getattr(r, c) for c in PLACEMENT_COLUMNS]
        printed = sum(int(c) for c in cells if c.isdigit())
        suppressed = sum(1 for c in cells if not c.isdigit())
        total = int(r.CLA_Mar2013)
        check = row.sum_check.iloc[0]
        if not suppressed and printed == total:
            assert check == "sums to the total", (r.geog_n, check)
        else:
            assert check.startswith(f"differs by {total - printed:,}"), (r.geog_n, check)
        for column, value in zip(PLACEMENT_COLUMNS, cells, strict=True):  # a suppressed cell is never a zero
            hit = row[row["columns"] == column]
            if len(hit):
                assert hit.number.isna().iloc[0] if not value.isdigit() else int(hit.number.iloc[0]) == int(value)
        checked += 1
    assert checked > 140


def test_2010_placements_are_read_in_the_code_order_the_values_follow(public_dir, public_tables):
    # SFR27/2010 prints the codes Q1, Q2 (foster placements) first in its header, but England's values under
    # them are x and 170 of 64,400 children; the next release (SFR21/2011) has 74% of England in foster care
    y2010 = pd.read_csv(public_dir / "dfe_sfr_cla_2010_2017/SFR27_2010_March.csv", dtype=str, encoding="latin-1")
    eng2010 = y2010[y2010.geog_l == "National"].iloc[0]
    by_header = sum(int(eng2010[c]) for c in ("MarPlace_Q1_2010", "MarPlace_Q2_2010") if eng2010[c].isdigit())
    assert by_header / int(eng2010.MarTotal_2010) < 0.01
    y2011 = pd.read_csv(public_dir / "dfe_sfr_cla_2010_2017/SFR21_CLA2011.csv", dtype=str, encoding="latin-1")
    eng2011 = y2011[y2011.geog_l.str.upper() == "NATIONAL"].iloc[0]
    share2011 = int(eng2011.CLA_Fost) / int(eng2011.CLA_Mar2011)
    p = public_tables["cla_placements"]
    foster = p[(p.geographic_level == "national") & (p.year == 2010) & (p.placement == "foster")].iloc[0]
    assert abs(int(foster.number) / int(foster.total) - share2011) < 0.02
    assert "alphabetical order" in foster["flags"]
