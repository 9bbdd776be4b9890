"""Authority names match the same way everywhere - ``report --authority`` (``--latest``,
``--period``, ``--year``), the notebooks' papermill parameters (``data.Pack``,
``public_pack.papers``) and the check ``register`` makes - and ``--year`` without a rate at
31 March is one error line before anything runs (issue 17).

Expected spellings are read here from the release files in ../shared/data/public with the csv
module (``la_name`` in the EES files, ``geog_n`` in the SFR files) and from
data/raw/manifest.csv; the papers-only council is the SYNTHETIC "Fenmoor"
(tests/fixtures/synthetic_council.py), whose periods are the fixture's own."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import data, names
from analysis.cli import main
from analysis.errors import InputError, ReportError
from analysis.report import plan as planning

from .conftest import RAW
from .fixtures import synthetic_council as sc

RELEASE_FOLDERS = ("dfe_ees_cla_rates", "dfe_sfr_cla_2010_2017")
SFR_2011 = "dfe_sfr_cla_2010_2017/SFR21_CLA2011.csv"


def _release_names(public_dir: Path, folders: tuple[str, ...] = RELEASE_FOLDERS) -> set[str]:
    """Every English authority name the CLA release files print (EES ``la_name``, SFR ``geog_n``)."""
    out: set[str] = set()
    for folder in folders:
        for path in sorted((public_dir / folder).glob("*.csv")):
            text = path.read_bytes()
            encoding = "utf-8-sig" if text.startswith(b"\xef\xbb\xbf") else "latin-1"
            with open(path, newline="", encoding=encoding) as handle:
                for row in csv.DictReader(handle):
                    name = row.get("la_name") or (row.get("geog_n") if row.get("geog_l") == "LA" else None)
                    if name:
                        out.add(name.strip())
    return out


def _manifest_authorities(raw: Path = RAW) -> list[str]:
    with open(raw / "manifest.csv", newline="", encoding="utf-8") as handle:
        return sorted({row["authority"] for row in csv.DictReader(handle)})


def _cli(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().err.strip().splitlines()


# --------------------------------------------------------------------------------------------- the matcher


@pytest.mark.parametrize("typed, known", [
    ("cambridgeshire", "Cambridgeshire"), ("TORBAY", "Torbay"), ("St Helens", "St. Helens"),
    ("Saint Helens", "St. Helens"), ("Telford & Wrekin", "Telford and Wrekin"), ("telford-wrekin", "Telford and Wrekin"),
    ("Brighton and Hove", "brighton-hove"), ("City of Bristol", "Bristol, City of"), ("Bristol", "Bristol, City of"),
    ("Kingston upon Hull", "Kingston Upon Hull, City of"), ("County Durham", "Durham"),
    ("Bedford", "Bedford Borough"), ("Herefordshire, County of", "Herefordshire"),
    ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"), ("Barnet Council", "Barnet"),
    ("Southend on Sea", "Southend-on-Sea"),
])
def test_variants_of_one_name_match(typed, known):
    others = ["Cambridgeshire", "Torbay", "St. Helens", "Telford and Wrekin", "Bristol, City of", "Durham",
              "Kingston upon Thames", "Bedford Borough", "Herefordshire", "Kensington and Chelsea", "Barnet",
              "Southend-on-Sea", "Brighton and Hove", "brighton-hove", "Kingston Upon Hull, City of"]
    found = names.match(typed, [known], [n for n in others if n not in (known, typed)])
    assert found.name == known, found


def test_a_near_miss_is_not_a_match_but_a_suggestion():
    found = names.match("Cambridgshire", ["Cambridgeshire", "Torbay"])
    assert found.name is None and found.suggestions == ("Cambridgeshire",)
    assert names.match("Kingston", ["Kingston upon Thames", "Kingston Upon Hull, City of", "Torbay"]).suggestions \
        == ("Kingston Upon Hull, City of", "Kingston upon Thames")


def test_two_names_in_one_tier_are_ambiguous_not_guessed():
    found = names.match("WESTMERE", ["Westmere", "westmere", "Torbay"])
    assert found.name is None and set(found.candidates) == {"Westmere", "westmere"}
    assert "'Westmere' or 'westmere'" in found.ambiguity()


def test_a_region_is_not_matched_to_an_authority_by_designation():
    found = names.match("London", ["City of London", "Camden"], others=["London", "Inner London"])
    assert found.name is None and found.other == "London" and found.suggestions == ("City of London",)
    assert names.match("City of London", ["City of London"], others=["London"]).name == "City of London"


# --------------------------------------------------------------------------------------------- command line


def test_a_misspelt_authority_is_asked_did_you_mean(capsys, tmp_path):
    assert "Cambridgeshire" in _manifest_authorities()
    code, err = _cli(capsys, "report", "--latest", "--authority", "Cambridgshire", "--out", str(tmp_path))
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("error: ") and "did you mean 'Cambridgeshire'?" in err[0]
    assert "Barking" not in err[0]


def test_a_misspelt_authority_with_year_is_asked_did_you_mean(capsys, with_public_dir, tmp_path):
    code, err = _cli(capsys, "report", "--year", "2024", "--authority", "Cambridgshire", "--out", str(tmp_path),
                     "--processed", str(with_public_dir))
    assert code == 2 and len(err) == 1 and "did you mean 'Cambridgeshire'?" in err[0], err
    assert "Barking" not in err[0]


def test_the_papers_name_matches_any_case_and_punctuation():
    [(authority, period)] = planning.resolve_packs(data.load("sources"), ["CAMBRIDGESHIRE."], None)
    assert authority == "Cambridgeshire"


@pytest.mark.parametrize("typed, word", [("Bristol", "Bristol"), ("Kingston upon Hull", "Hull"),
                                         ("st helens", "Helens")])
def test_year_finds_the_releases_spelling(public_dir, with_public_dir, tmp_path, typed, word):
    spellings = {n for n in _release_names(public_dir) if word in n}
    assert spellings and typed not in spellings  # the releases spell it otherwise
    [plan] = planning.plan_packs([typed], None, years=[2024], only=["20"], out_dir=tmp_path,
                                 processed_dir=with_public_dir, raw_dir=RAW)
    assert plan.authority in spellings and plan.period == "2024-11"  # --year 2024: published November 2024
    assert plan.jobs[0].parameters["authority"] == plan.authority


def test_an_authority_with_statistics_but_no_papers_is_told_to_use_year(capsys, public_dir, with_public_dir,
                                                                       tmp_path):
    spellings = {n for n in _release_names(public_dir) if "Bristol" in n}
    code, err = _cli(capsys, "report", "--latest", "--authority", "bristol", "--out", str(tmp_path),
                     "--processed", str(with_public_dir))
    assert code == 2 and len(err) == 1, err
    assert "no papers" in err[0] and "--year" in err[0] and any(s in err[0] for s in spellings)


def test_two_spellings_of_one_authority_in_the_papers_are_refused():
    sources = pd.DataFrame({"document": ["001", "002"], "kind": ["savings_tracker"] * 2,
                            "authority": ["Telford & Wrekin", "Telford and Wrekin"], "date": ["2019-10", "2019-11"],
                            "period": ["2019-10", "2019-11"]})
    with pytest.raises(ReportError, match="'Telford & Wrekin' and 'Telford and Wrekin'"):
        planning.resolve_packs(sources, None, None)
    with pytest.raises(ReportError, match="'Telford & Wrekin' and 'Telford and Wrekin'"):
        planning.resolve_packs(sources, ["Telford and Wrekin"], None)
    other = pd.concat([sources, sources.iloc[:1].assign(document="003", authority="Torbay")])
    assert planning.resolve_packs(other, ["Torbay"], None) == [("Torbay", "2019-10")]  # the others are not blocked


@pytest.fixture(scope="module")
def papers_only_world(tmp_path_factory, with_public_dir):
    """The bundled papers plus the SYNTHETIC Fenmoor's two trackers, ingested with the public
    tables into a private processed folder (a copy of the tests' table set, whose public tables
    were made from ../shared/data/public once for the run: the ingest keeps another producer's
    tables)."""
    from analysis.ingest import run_ingest

    base = tmp_path_factory.mktemp("names")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    sc.add_to(raw)
    shutil.copytree(with_public_dir, processed)
    run_ingest(raw, processed)
    return raw, processed


def test_papers_without_published_statistics_are_told_so_by_name(capsys, papers_only_world, public_dir, tmp_path):
    raw, processed = papers_only_world
    assert not any("Fenmoor" in n for n in _release_names(public_dir))
    code, err = _cli(capsys, "report", "--year", "2024", "--authority", "fenmoor", "--raw", str(raw),
                     "--processed", str(processed), "--out", str(tmp_path / "reports"))
    assert code == 2 and len(err) == 1, err
    assert (f"error: --year 2024: {sc.AUTHORITY} has papers (periods {sc.OCTOBER}, {sc.NOVEMBER}) but no published "
            "statistics: the releases name no such English authority") == err[0]
    assert not list((tmp_path / "reports").glob("*/*"))


# --------------------------------------------------------------------------------------------- --year without a rate


def _sfr_2011_torbay(public_dir) -> dict:
    with open(public_dir / SFR_2011, newline="", encoding="latin-1") as handle:
        return next(r for r in csv.DictReader(handle) if r.get("geog_n") == "Torbay")


@pytest.mark.parametrize("year", [2011, 2012])
def test_year_without_a_rate_is_one_error_and_nothing_published(capsys, public_dir, with_public_dir, tmp_path, year):
    """SFR21/2011 and SFR20/2012 print Torbay's number but no rate, and the ONS file holds no
    mid-2010 or mid-2011 estimate to compute one (dfe_csc_dashboard/ons_mid-year_population_estimates_2012_to_2024.csv):
    a pack would have shown the 31 March 2010 rate as March 2011's."""
    ons = public_dir / "dfe_csc_dashboard" / "ons_mid-year_population_estimates_2012_to_2024.csv"
    with open(ons, newline="", encoding="utf-8-sig") as handle:
        assert str(year - 1) not in {r["time_period"] for r in csv.DictReader(handle)}
    out = tmp_path / "reports"
    code, err = _cli(capsys, "report", "--year", str(year), "--authority", "Torbay", "--out", str(out),
                     "--processed", str(with_public_dir), "--jobs", "1")
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"error: --year {year}: Torbay has no rate at 31 March {year}"), err
    assert not (out / "torbay").exists() and not list(out.glob("england-*.html"))
    if year == 2011:
        number = _sfr_2011_torbay(public_dir)
        assert any(f"{int(v):,}" in err[0] for k, v in number.items() if k.startswith("CLA") and v.isdigit()), err


def test_a_year_no_authority_has_a_rate_for_is_refused(capsys, with_public_dir, tmp_path):
    code, err = _cli(capsys, "report", "--year", "2011", "--out", str(tmp_path), "--processed", str(with_public_dir))
    assert code == 2 and len(err) == 1 and "no authority has a rate at 31 March 2011" in err[0], err


def test_every_year_pack_is_about_a_rate_of_its_year(with_public_dir, tmp_path):
    """2019: every authority planned has a rate at 31 March 2019 in cla_rates, and every one with
    a rate is planned (Bournemouth, Poole and Dorset County print a number and no rate)."""
    rates = data.load("cla_rates", with_public_dir)
    las = rates[(rates.geographic_level == "local authority") & (rates.year == 2019)]
    plans = planning.plan_packs(None, None, years=[2019], only=["20"], out_dir=tmp_path,
                                processed_dir=with_public_dir, raw_dir=RAW)
    assert {p.authority for p in plans} == set(las[las.rate_per_10k.notna()].authority)
    assert set(las[las.rate_per_10k.isna()].authority) and not any(p.authority == "Poole" for p in plans)


def test_the_england_page_of_a_year_without_rates_is_written(with_public_dir, tmp_path):
    from analysis.report.england import write_england_index

    page = write_england_index(tmp_path, 2011, with_public_dir).read_text(encoding="utf-8")
    assert "0 of" in page and "have a rate at 31 March 2011" in page


# --------------------------------------------------------------------------------------------- register


def test_register_refuses_a_case_only_duplicate():
    with pytest.raises(InputError, match="'Westmere' as already registered"):
        names.check_new_authority("westmere", ["Westmere", "Torbay"], manifest="data/raw/manifest.csv")
    assert names.check_new_authority("Westmere", ["Westmere", "Torbay"]).name == "Westmere"


def test_register_takes_the_releases_spelling(public_dir):
    releases = sorted(_release_names(public_dir, ("dfe_ees_cla_rates",)))  # the latest releases' spellings
    [helens] = [n for n in releases if "Helens" in n]
    assert helens != "St Helens"
    with pytest.raises(InputError, match=f"{helens!r} as the releases spell it"):
        names.check_new_authority("St Helens", [], releases)
    bristol = names.check_new_authority("Bristol", ["Torbay"], releases)
    assert bristol.name in releases and bristol.name != "Bristol" and "Bristol" in bristol.name
    assert bristol.notes and bristol.name in bristol.notes[0]


def test_register_notes_a_new_authority_and_a_near_miss():
    new = names.check_new_authority("Cambridgshire", _manifest_authorities(), ["Cambridgeshire", "Torbay"])
    assert new.name == "Cambridgshire"
    assert any("not in the releases" in n for n in new.notes)
    assert any("did you mean 'Cambridgeshire'?" in n for n in new.notes)


def test_register_refuses_an_ambiguous_name():
    with pytest.raises(InputError, match="could be"):
        names.check_new_authority("WESTMERE", ["Westmere", "westmere"])


# --------------------------------------------------------------------------------------------- notebooks


def test_pack_takes_any_spelling_and_keeps_the_papers(processed_dir):
    assert data.Pack("cambridgeshire", "2017-10", processed_dir).authority == "Cambridgeshire"
    with pytest.raises(InputError, match="did you mean 'Cambridgeshire'"):
        data.Pack("Cambridgshire", "2017-10", processed_dir)


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.notebooks
@pytest.mark.parametrize("stem", ["10_savings_tracker_variance", "90_reconciliation"])
def test_a_notebook_given_any_spelling_reports_as_the_papers_spell_it(tmp_path, stem):
    from analysis import paths
    from analysis.report.notebooks import execute

    path = paths.notebooks_dir() / f"{stem}.ipynb"
    exact = execute(path, tmp_path / "exact.ipynb", {"authority": "Cambridgeshire", "period": "2017-10"})
    lower = execute(path, tmp_path / "lower.ipynb", {"authority": "cambridgeshire", "period": "2017-10"})
    assert _outputs(lower) == _outputs(exact)
    assert "Cambridgeshire" in str(_outputs(lower)) and "cambridgeshire" not in str(_outputs(lower))


@pytest.mark.notebooks
def test_notebook_20_given_a_variant_reports_as_the_releases_spell_it(public_dir, with_public_dir, tmp_path):
    from analysis import paths
    from analysis.report.notebooks import execute

    spellings = {n for n in _release_names(public_dir) if "Helens" in n}
    nb = execute(paths.notebooks_dir() / "20_cla_comparators.ipynb", tmp_path / "20.ipynb",
                 {"authority": "saint helens", "period": "2024-11"})
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] in ("error", "stream")]
    assert any(f"At 31 March 2024 {s} looked after" in str(outputs) for s in spellings)
