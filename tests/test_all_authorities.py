"""Every English authority gets a pack: ``report --year YYYY`` plans a public-statistics pack at
``YYYY-03`` for every authority with a figure at 31 March, papers or not, and writes
``reports/england-YYYY.html`` ranking them (../shared/data/public; skipped with the reason when
absent).  Expected authorities and rates are read from the 2025 release file with the csv
module; the papers in force from data/raw/manifest.csv (Torbay's 000, 001, 002 are dated
2019-11-12, 2017-01-11 and 2015)."""

from __future__ import annotations

import csv
import html
import re

import pytest

from analysis import paths
from analysis.cli import main
from analysis.report import plan as planning
from analysis.report.england import write_england_index

from .conftest import RAW

pytestmark = pytest.mark.public_data

RELEASE_2025 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2021_2025.csv"
RELEASE_2024 = "dfe_ees_cla_rates/cla_number_and_rate_per_10k_children_2020_2024.csv"
ABOLISHED = {"Cumbria", "Northamptonshire"}  # printed with 'z' in 2024: replaced in 2023 and 2021


def _release_2024(public_dir, release: str, count: str, measure: str) -> dict[str, tuple[str, str]]:
    with open(public_dir / release, newline="", encoding="utf-8-sig") as handle:
        return {r["la_name"]: (r[count], r["rate_per_10000"]) for r in csv.DictReader(handle)
                if r["time_period"] == "2024" and r["geographic_level"] == "Local authority"
                and "31 March" in r[measure] and r["la_name"] not in ABOLISHED}


def _las_2024(public_dir, as_published: bool = False) -> dict[str, tuple[str, str]]:
    """Authority name -> (number, rate) at 31 March 2024: the 2025 release's, or the 2024
    release's where the later one prints none - but a 'z' (not applicable) in the later release
    stands (Isles of Scilly: 'z' in 2025, 0 in 2024: not applicable, never 0).  ``as_published``:
    the 2024 release's figures (what was published by November 2024), the later 'z' still standing."""
    later = _release_2024(public_dir, RELEASE_2025, "children_count", "population_type")
    earlier = _release_2024(public_dir, RELEASE_2024, "number", "population_count")
    return {name: (later[name] if "z" in later[name] or not as_published and any(v.isdigit() for v in later[name])
                   else earlier.get(name, later[name])) for name in later}


def _plans(processed, out, **kw):
    return planning.plan_packs(kw.pop("authorities", None), None, years=[2024], only=["20"], out_dir=out,
                               processed_dir=processed, raw_dir=RAW, **kw)


def test_a_pack_for_every_english_authority(public_dir, with_public_dir, tmp_path):
    printed = _las_2024(public_dir)
    with_figure = {name for name, (n, r) in printed.items() if n.isdigit() or r.isdigit()}
    plans = _plans(with_public_dir, tmp_path)
    assert len(plans) == len(with_figure) >= 150
    assert {p.period for p in plans} == {"2024-11"}  # dated the month the 2024 figures were published
    by_name = {p.authority: p for p in plans}
    hartlepool = by_name["Hartlepool"]  # no papers: the public-statistics reports only
    assert hartlepool.documents == [] and [j.name for j in hartlepool.jobs] == ["20_cla_comparators"]
    skipped = {r.name for r in hartlepool.skipped}
    assert {"10_savings_tracker_variance", "40_placement_costs_and_slippage", "90_reconciliation"} <= skipped
    assert "25_cla_spend_benchmarks" not in skipped and "30_cla_trajectories" not in skipped  # applicable, not run
    assert by_name["Torbay"].documents == ["000", "001", "002"]  # its papers in force at 2024-11 too


def test_without_the_public_tables_year_is_one_error(papers_only_dir, tmp_path, capsys):
    code = main(["report", "--year", "2024", "--only", "20", "--processed", str(papers_only_dir),
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: --year needs the public statistics"), err


def test_a_year_no_release_covers_is_refused(with_public_dir, tmp_path):
    with pytest.raises(Exception, match="no authority has a figure at 31 March 1999"):
        planning.plan_packs(None, None, years=[1999], only=["20"], out_dir=tmp_path, processed_dir=with_public_dir,
                            raw_dir=RAW)


def test_england_page_ranks_every_authority(public_dir, with_public_dir, tmp_path):
    printed = _las_2024(public_dir, as_published=True)  # the page is as at November 2024
    rated = {name: int(r) for name, (_, r) in printed.items() if r.isdigit()}
    top = max(rated.values())
    page = write_england_index(tmp_path, 2024, with_public_dir).read_text()
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td><td>(.*?)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", page)
    assert len(rows) == len(printed)
    first_rank, first_name, _, first_rate = rows[0]
    assert first_rank == "1" and int(first_rate) == top and rated[html.unescape(first_name)] == top
    assert f"{len(rated)} of {len(printed)} authorities have a rate at 31 March 2024" in page
    assert 'href="england-2024.html"' in (tmp_path / "index.html").read_text()


@pytest.mark.notebooks
def test_the_batch_publishes_packs_and_links_them(with_public_dir, tmp_path):
    code = main(["report", "--year", "2024", "--authority", "Hartlepool", "--only", "20", "--jobs", "1",
                 "--out", str(tmp_path), "--quiet"])
    assert code == 0
    pack = tmp_path / "hartlepool" / "2024-11"
    assert (pack / "20_cla_comparators.html").is_file()
    assert "At 31 March 2024 Hartlepool looked after" in html.unescape((pack / "20_cla_comparators.html").read_text())
    assert 'href="hartlepool/2024-11/index.html"' in (tmp_path / "england-2024.html").read_text()


def test_an_unknown_authority_is_named(with_public_dir, tmp_path):
    with pytest.raises(Exception, match="'Atlantis' has no figure at 31 March 2024"):
        _plans(with_public_dir, tmp_path, authorities=["Atlantis"])


def _code_of(path, name: str, column: str, encoding: str, **where) -> str:
    with open(path, newline="", encoding=encoding) as handle:
        return next(r[column] for r in csv.DictReader(handle) if r.get("geog_n", r.get("la_name")) == name
                    and all(r[k] == v for k, v in where.items()))


@pytest.mark.notebooks
def test_a_name_two_councils_bore_means_the_one_of_the_year(public_dir, with_public_dir, tmp_path):
    """Dorset: the county council in SFR36/2013, Dorset Council in the 2025 release (2019 reorganisation)."""
    from analysis.analyses import public_pack
    from analysis.report.notebooks import execute

    county = _code_of(public_dir / "dfe_sfr_cla_2010_2017/SFR36_CLA2013.csv", "Dorset", "geog_c", "latin-1")
    council = _code_of(public_dir / RELEASE_2025, "Dorset", "old_la_code", "utf-8-sig", time_period="2024")
    assert county != council
    pub = public_pack.public_data(with_public_dir)
    assert public_pack.code_for(pub, "Dorset", "2013-03") == county
    assert public_pack.code_for(pub, "Dorset", "2024-03") == council
    nb = execute(paths.notebooks_dir() / "20_cla_comparators.ipynb", tmp_path / "20.ipynb",
                 {"authority": "Dorset", "period": "2013-03"})
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] in ("error", "stream")]
    # the county's latest rate at or before 2013 (ONS prints no later estimate on its boundaries), not an error
    assert re.search(r"At 31 March 20(0\d|1[0-3]) Dorset looked after", html.unescape(str(outputs)))
