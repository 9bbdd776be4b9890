"""A council that is neither of the bundled ones, in another financial year, gets reports whose
every label is its own.

The SYNTHETIC council "Fenmoor" (tests/fixtures/synthetic_council.py) delivers a 2018-19 tracker
as a CSV (October 2018) and an XLSX (November 2018).  They are registered beside the bundled papers
in a private raw folder, ingested into a private processed folder, and every report notebook whose
tables Fenmoor's papers fill is executed with papermill for Fenmoor at 2018-11.  Every page must
name Fenmoor and 2018-19, never another council or the bundled tracker's 2017-18, and its figures
must equal the fixture's own arithmetic.

To extend this to the report runner, reuse the ``fenmoor`` fixture: ``python -m analysis report
--authority Fenmoor --period 2018-11 --raw <raw> --processed <processed>`` must publish the same
pages (see :func:`applicable`)."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from analysis import numbers
from analysis.ingest import run_ingest
from analysis.report.notebooks import execute, notebook_paths

from .conftest import RAW
from .fixtures import synthetic_council as sc

pytestmark = pytest.mark.notebooks

K = 1000  # the trackers print £000
NOVEMBER = sc.LINES[sc.NOVEMBER]
PLANNED = -sum(line.planned_total for line in NOVEMBER) * K  # a saving is negative in the tracker
FORECAST = -sum(line.forecast_total for line in NOVEMBER) * K
SHORTFALL = sum(line.variance for line in NOVEMBER) * K
OTHER_COUNCILS = ("Cambridgeshire", "Torbay")
BUNDLED_YEARS = ("2017-18", "2017/18")


@pytest.fixture(scope="module")
def fenmoor(tmp_path_factory):
    """The bundled papers plus Fenmoor's two trackers, registered and ingested privately."""
    base = tmp_path_factory.mktemp("fenmoor")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    sc.add_to(raw)
    run_ingest(raw, processed)
    return raw, processed


def applicable(raw, processed, authority: str, period: str) -> dict[str, bool]:
    """Notebook -> whether the report runner would run it for the authority's pack (the planner's
    rule: the papers in force fill every table of ``metadata.analysis.tables`` and one of
    ``any_of_tables``)."""
    from analysis.report import plan as planning

    plan = planning.plan_packs([authority], [period], out_dir=processed.parent / "reports", processed_dir=processed,
                               raw_dir=raw)[0]
    run = {job.name for job in plan.jobs}
    return {path.stem: path.stem in run for path in notebook_paths()}


@pytest.fixture(scope="module")
def pages(fenmoor):
    """Every applicable notebook executed for Fenmoor at 2018-11: stem -> executed notebook."""
    raw, processed = fenmoor
    chosen = [p for p in notebook_paths() if applicable(raw, processed, sc.AUTHORITY, sc.NOVEMBER)[p.stem]]
    out_dir = processed.parent / "executed"
    out_dir.mkdir()
    return {p.stem: execute(p, out_dir / p.name, {"authority": sc.AUTHORITY, "period": sc.NOVEMBER,
                                                  "processed_dir": str(processed)}) for p in chosen}


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def sentences(nb) -> list[str]:
    return [_text(o["data"]["text/html"]) for o in _outputs(nb) if "text/html" in o.get("data", {})]


def chart_words(nb) -> list[str]:
    """Every word a reader sees on the charts: the SVG's text and its alt text."""
    out = []
    for o in _outputs(nb):
        svg = o.get("data", {}).get("image/svg+xml")
        if svg:
            out.append(html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1)))
            out.append(html.unescape(" ".join(t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))))
    return out


def everything(nb) -> str:
    headlines = [str(o["data"]) for o in _outputs(nb) if any(k.startswith("application/vnd") for k in o["data"])]
    return " ".join(sentences(nb) + chart_words(nb) + headlines)


def test_only_the_reports_its_papers_fill_are_applicable(fenmoor):
    raw, processed = fenmoor  # ingested without the public statistics: 20, 25, 30 and 35 have nothing to show
    assert applicable(raw, processed, sc.AUTHORITY, sc.NOVEMBER) == {
        "00_scorecard": True, "10_savings_tracker_variance": True, "20_cla_comparators": False,
        "25_cla_spend_benchmarks": False, "35_cost_drivers": False,
        "30_cla_trajectories": False, "40_placement_costs_and_slippage": False,
        "50_financial_improvement_plan": False, "60_recovery_actions": False, "70_business_plan_pressures": False,
        "90_reconciliation": True}


def test_every_page_runs_cleanly_and_speaks_of_fenmoor_only(pages):
    assert set(pages) == {"00_scorecard", "10_savings_tracker_variance", "90_reconciliation"}
    for stem, nb in pages.items():
        kinds = {o["output_type"] for o in _outputs(nb)}
        assert "error" not in kinds and "stream" not in kinds, stem
        words = everything(nb)
        assert sc.AUTHORITY in words, stem
        for other in OTHER_COUNCILS + BUNDLED_YEARS:
            assert other not in words, (stem, other)
        shown = " ".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
        assert "<script>withdrawn" not in shown  # tracker text is escaped wherever it is shown


def test_the_variance_report_is_labelled_with_the_trackers_year(pages):
    nb = pages["10_savings_tracker_variance"]
    first = next(s for s in sentences(nb) if s.startswith(f"{sc.AUTHORITY} is forecast"))  # after the headline box
    assert first == (f"{sc.AUTHORITY} is forecast to deliver {numbers.money(FORECAST)} of the "
                     f"{numbers.money(PLANNED)} saving planned for {sc.FINANCIAL_YEAR} - "
                     f"{numbers.pct(100 * FORECAST / PLANNED)} of plan, a shortfall of {numbers.money(SHORTFALL)} "
                     f"({len(NOVEMBER)} saving lines, tracker as at {numbers.month(sc.NOVEMBER)}).")
    charts = chart_words(nb)
    assert any("Bar chart of planned and forecast saving by committee, 2018-19" in c for c in charts)  # in its alt text
    assert any("Planned and forecast saving by committee, 2018-19 (£)" in c for c in charts)
    assert any("Quarter of 2018-19" in c for c in charts)
    assert f"Source: {sc.AUTHORITY}: {sc.PAPERS[sc.OCTOBER]}" in " ".join(charts)  # both months' trackers are read
    assert sc.PAPERS[sc.NOVEMBER] in " ".join(charts)


def test_the_variance_figures_are_the_fixtures_arithmetic(pages):
    words = " ".join(sentences(pages["10_savings_tracker_variance"]))
    # by committee, as printed ("Children, Communities" is its own group)
    for committee in ("Adults", "Children", "Communities", "Children, Communities"):
        mine = [line for line in NOVEMBER if line.committee == committee]
        planned = -sum(line.planned_total for line in mine) * K
        forecast = -sum(line.forecast_total for line in mine) * K
        assert f"{committee} {len(mine)} {planned // 1000:,} {forecast // 1000:,}" in words  # tables in £000
    red = [line for line in NOVEMBER if line.rag == "Red"]
    assert f"{len(red)} Red lines account for {numbers.money(sum(line.variance for line in red) * K)} of shortfall" \
        in " ".join(chart_words(pages["10_savings_tracker_variance"]))
    over = [line for line in NOVEMBER if line.variance < 0]
    assert f"{len(over)} lines are forecast to save {numbers.money(-sum(line.variance for line in over) * K)} more " \
           "than planned." in words
    # month on month: only FEN/04 moved (Red -> Amber, Q4 forecast -150 -> -200)
    drift = (sum(line.forecast_total for line in sc.LINES[sc.OCTOBER]) - sum(line.forecast_total for line in NOVEMBER))
    assert (f"Forecast saving moved from {numbers.money(FORECAST - drift * K)} ({sc.OCTOBER}) to {numbers.money(FORECAST)} "
            f"({sc.NOVEMBER}): {numbers.signed_money(drift * K)}.") in words
    assert "1 lines changed RAG status, 1 lines changed forecast, 0 lines were added and 0 dropped" in words


def test_the_scorecard_shows_what_fenmoor_has(pages):
    words = " ".join(sentences(pages["00_scorecard"]))
    assert (f"Forecast saving against plan, {numbers.month(sc.NOVEMBER)}: {numbers.money(FORECAST)} of "
            f"{numbers.money(PLANNED)} ({numbers.pct(100 * FORECAST / PLANNED)})") in words
    assert f"{sc.FINANCIAL_YEAR}: shortfall {numbers.money(SHORTFALL)}" in words
    assert f"Source: {sc.AUTHORITY}'s savings tracker." in words
    # ingested without the published statistics: no published measure on the card either
    assert (f"nothing for {sc.AUTHORITY} in its papers in force or the statistics published by "
            f"{numbers.month(sc.NOVEMBER)}: Children looked after against neighbours; Spend on children looked "
            "after; Children looked after against plan; Cost drivers; Placement costs; Financial Improvement Plan; "
            "Recovery actions; Budget gap") in words


def test_the_reconciliation_covers_the_pack_months_tracker_only(pages):
    # per line: two quarter sums and the variance; one per figure of the totals row.  October's
    # tracker is read for the movement since last month, but its checks are October's pack's.
    checks = 3 * len(NOVEMBER) + sc.MONEY_COLUMNS
    first = next(s for s in sentences(pages["90_reconciliation"]) if s.startswith(f"{checks:,} checks"))
    assert first == (f"{checks:,} checks of the figures in {sc.AUTHORITY}'s papers in force in "
                     f"{numbers.month(sc.NOVEMBER)}: 0 mismatches, 0 within rounding, 0 not computable, {checks:,} "
                     "agree exactly.")


def test_register_and_the_runner_publish_fenmoors_own_pack(fenmoor, tmp_path):
    """What a council does: its files registered (by the fixture, as ``register`` does), then the
    runner's ``--latest`` - the newest period of every authority, Fenmoor's among them."""
    from analysis.cli import main

    raw, processed = fenmoor
    out = tmp_path / "reports"
    assert main(["report", "--latest", "--authority", sc.AUTHORITY, "--raw", str(raw), "--processed", str(processed),
                 "--out", str(out), "--quiet"]) == 0
    folder = out / sc.AUTHORITY.lower() / sc.NOVEMBER
    wanted = {stem for stem, ok in applicable(raw, processed, sc.AUTHORITY, sc.NOVEMBER).items() if ok}
    assert {p.stem for p in folder.glob("[0-9]*.html")} == wanted
    for page in [*folder.glob("[0-9]*.html"), folder / "index.html"]:
        words = _text(page.read_text(encoding="utf-8"))
        assert sc.AUTHORITY in words, page.name
        assert sc.FINANCIAL_YEAR in words or page.name == "index.html", page.name  # the index names the period
        for other in OTHER_COUNCILS + BUNDLED_YEARS:
            assert other not in words, (page.name, other)
    assert f'href="{sc.AUTHORITY.lower()}/{sc.NOVEMBER}/index.html"' in (out / "index.html").read_text(encoding="utf-8")
