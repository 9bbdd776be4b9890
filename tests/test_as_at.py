"""The public statistics as at a pack's month (issue 18, "As at its month"): the release calendar,
the publication dates the public tables carry, the view as at a month, hindsight (--as-of) and
--year packs dated when the figures came out.

Expected figures are read from the release files in ../shared/data/public with the csv module
(or pandas for LAIT's Parquet file); expected dates are the release calendar's, each checked here
against the source it cites (the sentence quoted in its notes)."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from analysis.analyses import benchmarks, public_pack
from analysis.errors import InputError, ReportError
from analysis.statistics import release_calendar

pytestmark = [pytest.mark.public_data]

SFR_2017 = "dfe_sfr_cla_2010_2017/SFR50_CLA2017.csv"
EES_2025 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv"
TORBAY = "880"
SCILLY = "420"


def _sfr_number(public_dir, file: str, code: str, column: str) -> int:
    with open(public_dir / file, newline="", encoding="latin-1") as handle:
        row = next(r for r in csv.DictReader(handle) if r["geog_c"].strip() == code)
    return int(row[column])


def _lait_number(public_dir, code: str, year: int) -> int:
    bds = pd.read_parquet(public_dir / "lait/bds_long_0.parquet", columns=["Short Desc", "Years", "LA Number", "Values"])
    hit = bds[(bds["Short Desc"] == "LACnum") & (bds.Years == str(year)) & (bds["LA Number"] == float(code))]
    return int(hit.Values.iloc[0])


@pytest.fixture(scope="module")
def pub(public_tables) -> benchmarks.PublicData:
    t = public_tables
    return benchmarks.PublicData(t["cla_rates"], t["statistical_neighbours"], t["cla_spend"], t["public_measures"],
                                 t["release_revisions"])


# ---------------------------------------------------------------------------------- the calendar

def test_the_calendar_dates_every_year_the_tables_hold_with_a_source(public_tables):
    years = sorted({int(y) for y in public_tables["cla_rates"].year})
    for year in years:
        e = release_calendar.entry("cla_31_march", str(year))
        assert e.source.startswith("http") and e.basis in ("release date", "public by"), e
    assert public_tables["cla_rates"].first_published.notna().all()
    assert public_tables["cla_spend"].published.notna().all()
    assert public_tables["statistical_neighbours"].published.notna().all()


def test_the_31_march_2019_figures_are_dated_5_december_2019():
    e = release_calendar.entry("cla_31_march", "2019")
    # the source (CYP Now, Thursday 5 December 2019) quotes Coram: "The figures published today by the DfE"
    assert (e.published, e.basis) == ("2019-12-05", "release date") and "5 December 2019" in e.notes


def test_a_date_no_source_confirms_is_a_public_by_date_never_earlier_than_its_evidence():
    e = release_calendar.entry("cla_31_march", "2012")
    assert e.basis == "public by" and e.published == "2013-09-26"  # DfE's press release of 26 September 2013
    assert "not confirmed" in e.notes


def test_a_calendar_entry_of_the_wrong_form_is_refused_naming_it():
    text = ('[[period]]\nstatistic = "cla_31_march"\nperiod = "2030"\nrelease = "x"\npublished = "soon"\n'
            'basis = "release date"\nsource = "https://example.org"\nnotes = ""\n')
    with pytest.raises(InputError, match="published as YYYY-MM-DD or YYYY-MM"):
        release_calendar.parse(text)
    with pytest.raises(InputError, match="a publication date for cla_31_march 2031"):
        release_calendar.entry("cla_31_march", "2031")


# ---------------------------------------------------------------------------------- the view

def test_torbay_2017_is_284_as_at_october_2017_and_289_in_a_2019_view(pub, public_dir):
    first = _sfr_number(public_dir, SFR_2017, TORBAY, "CLA_Mar2017")
    revised = _lait_number(public_dir, TORBAY, 2017)
    assert (first, revised) == (284, 289)  # the files themselves
    october = pub.as_at("2017-10").row(TORBAY, 2017)
    assert october["number"] == first and october["release"] == "SFR50/2017"
    assert october["as_at_value"].startswith("published by then")
    later = pub.as_at("2019-11").row(TORBAY, 2017)
    assert later["number"] == revised and later["as_at_value"].startswith("later revision")


def test_no_year_published_after_the_month_is_in_the_view(pub):
    for month, latest in (("2019-11", 2018), ("2017-10", 2017), ("2019-12", 2019), ("2024-03", 2023)):
        view = pub.as_at(month)
        assert max(view.years()) == latest, month
        assert view.row(TORBAY, latest + 1) is None


def test_a_model_published_after_the_month_is_not_used(pub):
    view = pub.as_at("2019-11")
    assert "2021" not in view.models() and "2025" not in view.models()
    model = public_pack.choose_model(view, TORBAY, "", 2018)
    assert model.startswith("paper_")  # the paper's own list, in force then
    assert public_pack.choose_model(pub.as_at("2021-04"), TORBAY, "", 2020) == "2021"
    with pytest.raises(InputError, match="published by 2019-11"):
        public_pack.choose_model(view, TORBAY, "2025", 2018)


def test_isles_of_scilly_2021_to_2024_not_applicable_not_ranked_not_0(pub, public_dir):
    with open(public_dir / EES_2025, newline="", encoding="utf-8-sig") as handle:
        marked = {int(r["time_period"]) for r in csv.DictReader(handle)
                  if r["old_la_code"] == SCILLY and "31 March" in r["population_type"] and r["children_count"] == "z"}
    assert {2021, 2022, 2023, 2024} <= marked
    for year in (2021, 2022, 2023, 2024):
        row = pub.row(SCILLY, year)
        assert row["rate_status"] == "not applicable" and pd.isna(row["number"]) and pd.isna(row["rate_per_10k"])
        ranking = public_pack.england_ranking(pub, year)
        scilly = ranking[ranking.old_la_code == SCILLY].iloc[0]
        assert scilly["rank"] is None and pd.isna(scilly.rate_per_10k)
        assert ranking["rank"].notna().sum() == ranking.rate_per_10k.notna().sum()  # only rates are ranked


def test_a_computed_england_rate_says_computed(pub, public_dir):
    with open(public_dir / "dfe_sfr_cla_2010_2017/SFR36_CLA2013.csv", newline="", encoding="latin-1") as handle:
        number = int(next(r for r in csv.DictReader(handle) if r["geog_l"].strip().upper() == "NATIONAL")["CLA_Mar2013"])
    with open(public_dir / "dfe_csc_dashboard/ons_mid-year_population_estimates_2012_to_2024.csv", newline="",
              encoding="utf-8-sig") as handle:
        population = int(next(r for r in csv.DictReader(handle)
                              if r["geographic_level"] == "National" and r["time_period"] == "2012")["population_estimate"])
    assert public_pack.england_rate(pub, 2013) == pytest.approx(number * 10_000 / population)
    assert round(public_pack.england_rate(pub, 2013), 1) == 59.7  # the arithmetic
    assert "computed" in public_pack.england_rate_label(pub, 2013)
    assert public_pack.england_rate_label(pub, 2025) == "England, published"


# ---------------------------------------------------------------------------------- hindsight and --year

def test_as_of_earlier_than_the_pack_is_refused_in_one_line():
    from analysis.report.years import refuse_early_as_of

    with pytest.raises(ReportError) as caught:
        refuse_early_as_of([("Torbay", "2019-11"), ("Blackpool", "2024-03")], "2019-01")
    assert len(str(caught.value).splitlines()) == 1 and "--as-of 2019-01" in str(caught.value)
    refuse_early_as_of([("Torbay", "2019-11")], "2019-11")  # the pack's own month: not hindsight, allowed


def test_year_2024_is_dated_november_2024():
    from analysis.report.years import year_month_sentence, year_period

    assert year_period(2024) == "2024-11"
    assert "November 2024" in year_month_sentence(2024)


def test_a_year_not_yet_published_at_the_as_of_month_is_refused_in_one_line(with_public_dir):
    from analysis.report.years import resolve_public_packs

    with pytest.raises(ReportError) as caught:
        resolve_public_packs(with_public_dir, ["Torbay"], [2019], None, "2019-11")
    text = str(caught.value)
    assert len(text.splitlines()) == 1 and "not yet published at 2019-11" in text


def test_the_hindsight_sentence_names_the_month():
    assert public_pack.hindsight_note("2019-11", "2026-03").startswith(
        "Hindsight view: statistics published up to March 2026, after this pack's month")
    assert public_pack.hindsight_note("2019-11", "") == "" == public_pack.hindsight_note("2019-11", "2019-11")


def test_hindsight_labels_every_page_and_the_index(with_public_dir, tmp_path):
    from analysis import paths
    from analysis.report.run import run_report

    outcome = run_report(authorities=["Torbay"], periods=["2019-11"], out_dir=tmp_path, processed_dir=with_public_dir,
                         raw_dir=paths.raw_dir(), only=["20", "30"], as_of="2026-03", jobs=1)
    assert outcome.ok
    folder = tmp_path / "torbay" / "2019-11-as-of-2026-03"
    pages = sorted(folder.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "20_cla_comparators.html", "30_cla_trajectories.html"}
    for page in pages:
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        assert "Hindsight view: statistics published up to March 2026" in text, page.name
    assert not (tmp_path / "torbay" / "2019-11").exists()  # the pack as at its month is never replaced


# ---------------------------------------------------------------------------------- the packs' reports

def _years_shown(nb) -> set[int]:
    import html

    texts = [html.unescape(re.sub(r"<[^>]+>", " ", o["data"].get("text/html", "") + o["data"].get("text/plain", "")))
             for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "data" in o]
    # a plan's own target dates ("planned 190 children looked after at 31 March 2021") are the paper's, not figures
    return {int(y) for t in texts for s in re.split(r"(?<=\.)\s", t) if "planned" not in s
            for y in re.findall(r"31 March (20\d\d)", s)}


def _spend_years_shown(nb) -> set[int]:
    """The years (ending 31 March) of the spend the report shows: financial years in the outputs
    of its spend cells (not the paper's own placement-cost years)."""
    import html

    texts = [html.unescape(re.sub(r"<[^>]+>", " ", o["data"].get("text/html", "")))
             for c in nb.cells if c.cell_type == "code" and "placement_costs" not in c.source
             and ("spend" in c.source or "history" in c.source) for o in c.get("outputs", []) if "data" in o]
    return {int(a) + 1 for t in texts for a, _ in re.findall(r"\b(20\d\d)-(\d\d)\b", t)}


@pytest.mark.notebooks
def test_the_spend_report_shows_no_outturn_published_after_its_month(with_public_dir, tmp_path):
    """Torbay 2019-11: the 2016-17 outturn was public by then (the calendar); 2017-18 was not."""
    from analysis.report.notebooks import execute, notebook_paths

    path = next(p for p in notebook_paths() if p.stem == "25_cla_spend_benchmarks")
    nb = execute(path, tmp_path / "25.ipynb", {"authority": "Torbay", "period": "2019-11",
                                               "processed_dir": str(with_public_dir)})
    shown = _spend_years_shown(nb)
    assert shown and max(shown) <= 2017, shown


@pytest.mark.notebooks
@pytest.mark.parametrize("name,authority,period,latest", [
    ("20_cla_comparators", "Torbay", "2019-11", 2018), ("20_cla_comparators", "Cambridgeshire", "2017-10", 2017)])
def test_a_pack_shows_no_year_published_after_its_month(with_public_dir, tmp_path, name, authority, period, latest):
    from analysis.report.notebooks import execute, notebook_paths

    path = next(p for p in notebook_paths() if p.stem == name)
    nb = execute(path, tmp_path / f"{name}.ipynb", {"authority": authority, "period": period,
                                                    "processed_dir": str(with_public_dir)})
    shown = _years_shown(nb)
    assert shown and max(shown) <= latest, shown
    tables = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "text/html" in o.get("data", {})]
    assert not any(re.search(rf"\b{latest + 1}-{(latest + 2) % 100:02d}\b", t) for t in tables if "financial" in t)


def _ees_rate(public_dir, file: str, code: str, year: int) -> tuple[float, int]:
    """The rate per 10,000 and population a release file prints for children looked after at 31
    March ``year`` (the releases name the measure's column and words differently:
    ``population_count`` or ``population_type``, 'at' or 'on' 31 March)."""
    with open(public_dir / "dfe_ees_cla_rates" / file, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            measure = row.get("population_count") or row.get("population_type") or ""
            if row["old_la_code"] == code and row["time_period"] == str(year) and \
                    re.match(r"Children looked after (at|on) 31 March", measure):
                return float(row["rate_per_10000"]), int(row["population_estimate"])
    raise AssertionError(f"{file}: no rate for {code} in {year}")


def test_a_rate_revised_by_a_later_population_estimate_is_as_first_printed_before_it(pub, public_dir):
    """Middlesbrough 2024: 513 children in both releases, but the 2025 release's new population
    estimate makes the rate 146 where the 2024 release printed 147.  A view as at November 2024
    shows 147 (and that release's population); a view after November 2025 shows 146."""
    code = pub.code("Middlesbrough")
    first = _ees_rate(public_dir, "cla_number_and_rate_per_10k_children_2020_2024.csv", code, 2024)
    revised = _ees_rate(public_dir, "cla_number_and_rate_per_10k_children_2021_2025.csv", code, 2024)
    assert first != revised  # the case this test is about
    then, later = pub.as_at("2024-11").row(code, 2024), pub.as_at("2025-12").row(code, 2024)
    assert (then["rate_per_10k"], then["population"]) == first
    assert (later["rate_per_10k"], later["population"]) == revised
    assert "revised later" in then["as_at_value"]
