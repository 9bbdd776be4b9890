"""Schemas of the tables ``public-stats`` writes from the DfE/ONS/MHCLG downloads in ``data/external``."""

from __future__ import annotations

from .columns import FY, Col, Table

__all__ = ["DATE", "PUBLIC_TABLES"]

DATE = r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"  # YYYY-MM-DD, or YYYY-MM where only the month is known
_DATED = ("YYYY-MM-DD, or YYYY-MM where only the month is known; from the release calendar "
          "(analysis/statistics/release_calendar.toml), which gives each date's source - a 'public by' date where "
          "the release date is not confirmed")


def _area(old_code: str, new_code: str, name: str) -> dict[str, Col]:
    """The columns naming an area - England, a region or a local authority - in every public table."""
    return {
        "geographic_level": Col("string", "national, regional or local authority.", nullable=False,
                                isin=("national", "regional", "local authority")),
        "old_la_code": Col("string", old_code, regex=r"^\d{3}$"),
        "new_la_code": Col("string", new_code, nullable=False, regex=r"^E\d{8}$"),
        "authority": Col("string", name, nullable=False),
    }


PUBLIC_TABLES: dict[str, Table] = {
    "cla_rates": Table(
        "Children looked after at 31 March: one row per area (England, region, local authority) and year from "
        "the public releases - DfE Explore Education Statistics, the 2010-2017 statistical first releases and "
        "LAIT - with the child population (aged 0-17) used and the rate per 10,000. Where releases differ the "
        "latest release's figure is kept (the others are in release_revisions). Suppressed figures stay empty, "
        "never zero; a z (not applicable) in the latest release is kept as not applicable, never 0; authorities in "
        "years they did not exist (reorganisations) have no row. first_published and value_published say when the "
        "figure could first be known, so that a view as at a date can be made from the tables alone.",
        {
            **_area("DfE 3-digit LA code; empty for England and regions.",
                    "ONS 9-character code (E92000001 England, E12/E13 regions).",
                    "Area name (the latest release's spelling)."),
            "region_code": Col("string", "Region the authority is in as the releases print it (E12, or E13 for "
                                         "Inner/Outer London); the region itself on regional rows."),
            "region_name": Col("string", "Name of that region."),
            "year": Col("Int64", "Year of the 31 March the figure is at (2013 = 31 March 2013).", nullable=False,
                        ge=1990),
            "financial_year": Col("string", "Financial year ending that 31 March (2012-13).", nullable=False,
                                  regex=FY),
            "number": Col("Int64", "Children looked after at 31 March; empty where suppressed or not printed.", ge=0),
            "number_marker": Col("string", "What the release printed instead of a number (c, x, z, .., [x], "
                                           "#VALUE!, -), or empty."),
            "population": Col("Int64", "Children aged 0-17 the rate is per: the release's own, else the ONS "
                                       "mid-year estimate; empty where neither exists.", ge=0),
            "population_mid_year": Col("Int64", "Mid-year of that estimate (year - 1).", ge=1990),
            "population_source": Col("string", "Where the population comes from."),
            "rate_per_10k": Col("Float64", "Children looked after per 10,000 children aged 0-17: as published, or "
                                           "computed (see rate_status).", ge=0),
            "rate_status": Col("string", "published, computed (number x 10,000 / population rounded half up to a "
                                         "whole number, as DfE publishes), not computable, suppressed, or not "
                                         "applicable (z in the latest release: no figure, not ranked).",
                               nullable=False, isin=("published", "computed", "not computable", "suppressed",
                                                     "not applicable")),
            "rate_recomputed_per_10k": Col("Float64", "number x 10,000 / population, unrounded, wherever both "
                                                      "exist.", ge=0),
            "rate_check": Col("string", "Published rate against the recomputed one: ok (the rounding rule gives "
                                        "it; a count rounded to 10 may be +/-5), differs, or differs: population "
                                        "vintage; empty where not both exist."),
            "counts_rounded_to": Col("Int64", "10 where the release rounds counts at this level to the nearest 10 "
                                              "(national, regional), else 1.", nullable=False, isin=(1, 10)),
            "not_computable_reason": Col("string", "For rate_status 'not computable': which download would supply "
                                                   "the missing population."),
            "release": Col("string", "Release the figure comes from (e.g. EES 2025 release (2021-2025), "
                                     "SFR36/2013, LAIT).", nullable=False),
            "release_vintage": Col("Int64", "Latest 31 March that release covers (orders releases).",
                                   nullable=False),
            "releases_holding": Col("Int64", "How many releases hold this area-year.", nullable=False, ge=1),
            "first_published": Col("string", "When the figures at 31 March of this year were first published: "
                                             + _DATED + ".", nullable=False, regex=DATE),
            "value_published": Col("string", "Publication date of the earliest release read that prints this row's "
                                             "number (value_release): later than first_published when the figure is a "
                                             "revision or the first release is not among the downloads. " + _DATED + ".",
                                   nullable=False, regex=DATE),
            "value_release": Col("string", "That release.", nullable=False),
            "source_file": Col("string", "File the figure was read from.", nullable=False),
            "source_line": Col("Int64", "1-based line of the CSV (row of the Parquet file).", nullable=False, ge=1),
            "flags": Col("string", "What was read or derived and how, '; '-separated."),
        },
        unique=("geographic_level", "new_la_code", "year"),
        producer="public-stats",
    ),
    "release_revisions": Table(
        "The same area and year in two releases with different figures: the other release's value against the "
        "latest release's (the one cla_rates keeps). difference = latest - other.",
        {
            **_area("DfE 3-digit LA code (empty for England and regions).", "ONS 9-character code.", "Area name."),
            "year": Col("Int64", "Year of the 31 March.", nullable=False),
            "measure": Col("string", "number, population or rate_per_10k.", nullable=False,
                           isin=("number", "population", "rate_per_10k")),
            "release": Col("string", "The earlier (or lower-ranked) release.", nullable=False),
            "value": Col("Float64", "Its figure.", nullable=False),
            "latest_release": Col("string", "The release cla_rates keeps.", nullable=False),
            "latest_value": Col("Float64", "Its figure.", nullable=False),
            "difference": Col("Float64", "latest_value - value.", nullable=False),
            "published": Col("string", "When release printed value (its publication; for a population or rate that "
                                       "a release added in a later update, that update): " + _DATED + ".",
                             nullable=False, regex=DATE),
            "latest_published": Col("string", "When latest_release was published, likewise.", nullable=False,
                                    regex=DATE),
            "source_file": Col("string", "File of the earlier figure.", nullable=False),
            "source_line": Col("Int64", "Its line.", nullable=False, ge=1),
            "latest_source_file": Col("string", "File of the latest figure.", nullable=False),
            "latest_source_line": Col("Int64", "Its line.", nullable=False, ge=1),
        },
        unique=("new_la_code", "year", "measure", "release"),
        producer="public-stats",
    ),
    "statistical_neighbours": Table(
        "Statistical-neighbour models: DfE's children's services benchmarking groups (model = its year) and "
        "each paper's own list (model paper_<31 March year>, read from comparator_rates; rank = printed order).",
        {
            "model": Col("string", "2021, 2025, or paper_<year>.", nullable=False),
            "old_la_code": Col("string", "The authority's DfE 3-digit code.", nullable=False, regex=r"^\d{3}$"),
            "authority": Col("string", "The authority.", nullable=False),
            "rank": Col("Int64", "1 = nearest neighbour (papers: printed order).", nullable=False, ge=1),
            "neighbour_old_la_code": Col("string", "The neighbour's DfE 3-digit code.", nullable=False,
                                         regex=r"^\d{3}$"),
            "neighbour": Col("string", "The neighbour.", nullable=False),
            "closeness": Col("string", "How close the model says it is (e.g. Very close); empty for papers."),
            "published": Col("string", "When the model was published (a paper's list: the paper's date; a year "
                                       "only counts as its December): " + _DATED + ".", nullable=False, regex=DATE),
            "source_file": Col("string", "File the row was read from.", nullable=False),
            "source_line": Col("Int64", "Worksheet row or CSV/text line.", nullable=False, ge=1),
            "flags": Col("string", "Notes, e.g. an authority abolished before the model."),
        },
        unique=("model", "old_la_code", "rank"),
        producer="public-stats",
    ),
    "cla_spend": Table(
        "Spending on children looked after by area and financial year, whole pounds: s251 outturn (2008-09 to "
        "2013-14, lines matched by meaning), LAIT (s251 gross spend and weekly unit costs, 2016-17 on) and "
        "MHCLG RO3 (printed in £000, multiplied by 1,000). Spend is positive.",
        {
            **_area("DfE 3-digit LA code.", "ONS 9-character code.", "Area name."),
            "financial_year": Col("string", "Financial year.", nullable=False, regex=FY),
            "measure": Col("string", "What is measured.", nullable=False,
                           isin=("cla_gross_expenditure", "cla_net_expenditure", "residential_care_gross_expenditure",
                                 "fostering_gross_expenditure", "adoption_gross_expenditure",
                                 "leaving_care_gross_expenditure", "uasc_gross_expenditure", "cla_weekly_unit_cost",
                                 "residential_weekly_unit_cost")),
            "unit": Col("string", "gbp (£ in the year) or gbp_per_child_per_week.", nullable=False,
                        isin=("gbp", "gbp_per_child_per_week")),
            "amount_gbp": Col("Int64", "The amount, whole pounds (per child per week for unit costs); empty where "
                                       "the source prints a marker."),
            "amount_raw": Col("string", "Cell as printed."),
            "source": Col("string", "s251 outturn, LAIT or RO3.", nullable=False,
                          isin=("s251 outturn", "LAIT", "RO3")),
            "line_number": Col("Int64", "s251 line number as printed that year.", ge=1),
            "line_description": Col("string", "Line description / column header / LAIT measure as printed.",
                                    nullable=False),
            "published": Col("string", "When the outturn of this financial year was first published (s251 outturn "
                                       "and LAIT: DfE's section 251 outturn; RO3: MHCLG's): " + _DATED + ".",
                             nullable=False, regex=DATE),
            "source_file": Col("string", "File the row was read from.", nullable=False),
            "source_line": Col("Int64", "1-based line (CSV), row (sheet) or row (Parquet).", nullable=False, ge=1),
            "flags": Col("string", "Encoding, markers, unit conversion and scope notes."),
        },
        unique=("geographic_level", "new_la_code", "financial_year", "measure", "source"),
        producer="public-stats",
    ),
    "public_measures": Table(
        "Every measure of DfE's Local Authority Interactive Tool (LAIT) as its data dictionary describes it: label, "
        "unit, decimal places, year type and polarity as LAIT states it (High/Low = which direction is good; empty = "
        "LAIT sets none, so no quartile band A-D is given - never guessed), the release its figures come from (the "
        "release calendar's statistic) and any definition change LAIT's notes record.",
        {
            "measure": Col("string", "LAIT short code (LAC, LACnum, TotalLACFinance, Work_Force_Agecy_Rate, ...).",
                           nullable=False),
            "label": Col("string", "Measure as LAIT names it.", nullable=False),
            "topic": Col("string", "LAIT's topic (Children Looked After, Child Protection, ...)."),
            "polarity": Col("string", "High or Low; empty where LAIT has none.", isin=("High", "Low")),
            "polarity_raw": Col("string", "Polarity cell as printed (-, NA: none)."),
            "unit_label": Col("string", "LAIT's axis label."),
            "unit": Col("string", "The unit read from the axis label: per_10k, per_100k, per_1000, pct, count, gbp "
                                  "(spend, pounds a year), gbp_per_week (a weekly unit cost), fte, score or other.",
                        nullable=False, isin=("per_10k", "per_100k", "per_1000", "pct", "count", "gbp", "gbp_per_week",
                                              "fte", "score", "other")),
            "decimal_places": Col("Int64", "Decimal places LAIT shows (empty: NA).", ge=0),
            "year_type": Col("string", "LAIT's year type as printed (Annual, Financial Year, Academic Year, ...)."),
            "period_type": Col("string", "When a period ends: 31 March, financial year, academic year, calendar "
                                         "year, 30 September or January census."),
            "statistic": Col("string", "The release calendar's statistic dating its periods (cla_31_march, cin_census, "
                                       "csc_workforce, s251_outturn), or lait_data_set: dated by the LAIT data update "
                                       "read (a public-by bound).", nullable=False),
            "definition_change_year": Col("Int64", "First period (the year it ends in) of a new definition LAIT's "
                                                   "notes record; a series is not drawn across it.", ge=1990),
            "definition_change": Col("string", "The note that says so."),
            "description": Col("string", "LAIT's description (first 2,000 characters)."),
            "in_data_set": Col("boolean", "Whether the long data set read holds figures for it."),
            "source_file": Col("string", "Dictionary file.", nullable=False),
            "source_line": Col("Int64", "Its line.", nullable=False, ge=1),
            "flags": Col("string", "E.g. a measure the dictionary lists twice."),
        },
        unique=("measure",),
        producer="public-stats",
    ),
    "lait_values": Table(
        "Every value of LAIT's long data set: one row per measure, area (England, region, local authority) and "
        "period, the printed value kept beside the number read from it. '-' (LAIT's only marker: suppressed, not "
        "collected or not applicable) stays a marker with an empty value, never 0. LAIT holds figures as last "
        "revised. first_published dates each period by the release its measure comes from (public_measures.statistic).",
        {
            "measure": Col("string", "LAIT short code (public_measures.measure).", nullable=False),
            **_area("DfE 3-digit LA code; empty for England and regions.", "ONS 9-character code.",
                    "Area name (the releases' latest spelling)."),
            "period": Col("string", "LAIT's Years cell as printed (2016, 2016-17 (OT), 2015/16, 2018 (Rev), 2014-16).",
                          nullable=False),
            "year": Col("Int64", "The year the period ends in (2016-17 (OT) -> 2017; 2015/16 -> 2016); empty where the "
                                 "period printed is not a year.", ge=1990),
            "period_note": Col("string", "outturn, revised, final, provisional, a span, or 'not a period'."),
            "value": Col("Float64", "The value as a number; empty where LAIT prints '-'."),
            "value_raw": Col("string", "The value as printed.", nullable=False),
            "marker": Col("string", "What LAIT printed instead of a figure ('-'), or empty."),
            "first_published": Col("string", "When the period's figures were first published: " + _DATED + ".",
                                   nullable=False, regex=DATE),
            "definition_break": Col("boolean", "The first period of a new definition (public_measures."
                                               "definition_change_year) where the series has earlier periods.",
                                    nullable=False),
            "source_file": Col("string", "The data set file.", nullable=False),
            "source_line": Col("Int64", "1-based row of the Parquet file.", nullable=False, ge=1),
            "flags": Col("string", "Markers, public-by dating, definition breaks, reorganisations, '; '-separated."),
        },
        unique=("measure", "geographic_level", "new_la_code", "period"),
        producer="public-stats",
    ),
    "cla_placements": Table(
        "Children looked after at 31 March by placement type, 2010-2017, from the statistical first releases' "
        "placement columns (SFR27/2010 ... SFR50/2017), with the release's total and whether the types add up to it. "
        "A type a release does not print that year has no row; a suppressed cell (x) stays empty with its marker.",
        {
            **_area("DfE 3-digit LA code; empty for England and regions.", "ONS 9-character code.",
                    "Area name (the releases' latest spelling)."),
            "year": Col("Int64", "Year of the 31 March.", nullable=False, ge=1990),
            "placement": Col("string", "Placement type.", nullable=False,
                             isin=("foster", "adoption", "parents", "community", "homes", "other_residential",
                                   "residential_schools", "missing", "other")),
            "placement_label": Col("string", "The type as the releases describe it.", nullable=False),
            "number": Col("Int64", "Children in that placement type; empty where suppressed.", ge=0),
            "number_marker": Col("string", "What the release printed instead of a number (x), or empty."),
            "columns": Col("string", "The release's column(s) summed ('+'-separated).", nullable=False),
            "total": Col("Int64", "Children looked after at 31 March, as the same release prints it.", ge=0),
            "sum_check": Col("string", "Whether the area's placement types add up to the total: sums to the total, "
                                       "within the rounding of national and regional counts to 10, or differs by N "
                                       "(with the suppressed types it may be).", nullable=False),
            "sum_difference": Col("Int64", "total - the sum of the printed types."),
            "release": Col("string", "SFR27/2010 ... SFR50/2017.", nullable=False),
            "first_published": Col("string", "When the release was published: " + _DATED + ".", nullable=False,
                                   regex=DATE),
            "source_file": Col("string", "File.", nullable=False),
            "source_line": Col("Int64", "1-based line of the CSV.", nullable=False, ge=1),
            "flags": Col("string", "Encoding, markers, how the 2010 columns were read."),
        },
        unique=("geographic_level", "new_la_code", "year", "placement"),
        producer="public-stats",
    ),
    "statistics_checks": Table(
        "The papers' claims against the statistics of their time: every figure a paper prints that states a "
        "published measure (a number or rate of children looked after, a placement count or share, a comparator "
        "rate or average, a growth) set against the release of the paper's month - a reconciliation check of kind "
        "'published' (the columns of reconciliation), with the verdict, the release and when it was published.",
        {
            "document": Col("string", "Document id.", nullable=False),
            "table": Col("string", "Where the paper prints the figure: comparator_rates, cla_trajectories or "
                                   "prose_figures.", nullable=False),
            "item": Col("string", "What is checked.", nullable=False),
            "check": Col("string", "Kind of check: published.", nullable=False, isin=("published",)),
            "stated": Col("Float64", "Figure as printed (in the unit column's unit)."),
            "computed": Col("Float64", "The published figure (a mean, share or growth computed from published "
                                       "figures where the claim is one)."),
            "difference": Col("Float64", "stated - computed."),
            "tolerance": Col("Float64", "1 per 10,000 where the release prints no rate (computed with ONS's revised "
                                        "population: population vintage), else 0.", nullable=False, ge=0),
            "unit": Col("string", "per_10k, count or pct.", nullable=False, isin=("per_10k", "count", "pct")),
            "status": Col("string", "As in reconciliation: ok, within rounding, mismatch or not computable.",
                          nullable=False, isin=("ok", "within rounding", "mismatch", "not computable")),
            "note": Col("string", "The verdict, then the published figure, its release and date, and the arithmetic."),
            "source_file": Col("string", "File in data/raw.", nullable=False),
            "source_line": Col("Int64", "Line of the printed figure.", ge=1),
            "stated_precision": Col("Float64", "Unit of the printed figure's last digit (5 for 'around 25').", ge=0),
            "rounding": Col("string", "For within rounding: the rounding under which they meet."),
            "computed_low": Col("Float64", "Lowest value the published figures allow."),
            "computed_high": Col("Float64", "Highest value the published figures allow."),
            "verdict": Col("string", "agrees, within rounding, differs, not published (no release had published the "
                                     "measure for that date by the paper's month), not in the releases read, or not "
                                     "computable.", nullable=False,
                           isin=("agrees", "within rounding", "differs", "not published", "not in the releases read",
                                 "not computable")),
            "authority": Col("string", "The paper's authority.", nullable=False),
            "paper_month": Col("string", "The paper's month: the statistics are as published by its end.",
                               nullable=False, regex=r"^\d{4}-(0[1-9]|1[0-2])$"),
            "release": Col("string", "The release(s) of the published figure."),
            "release_published": Col("string", "When that release printed it (YYYY-MM-DD or YYYY-MM)."),
        },
        producer="public-stats",
    ),
}
