"""The monthly report run: validation before kernels start, the published pack, failure
handling, atomic publishing, byte-identical reruns, month-on-month movement, Dask fan-out."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import paths
from analysis.cli import main
from analysis.errors import ReportError
from analysis.ingest import run_ingest
from analysis.manifest import register
from analysis.report import runner

from .conftest import RAW, ROOT
from .fixtures.synthetic_month import ADDED, CHANGES, DROPPED, write_november

PROCESSED = paths.processed_dir()  # data/processed, or the fresh ingest tests/conftest.py made
QUICK = ["10", "90"]  # two notebooks keep these tests quick; the full pack runs in test_full_pack


def _plan(**kw):
    args = dict(out_dir=kw.pop("out_dir", Path("/nonexistent")), processed_dir=kw.pop("processed_dir", PROCESSED),
                raw_dir=kw.pop("raw_dir", RAW))
    return runner.plan_packs(kw.pop("periods", ["2017-10"]), kw.pop("authorities", [None]), **args, **kw)


# ------------------------------------------------------------------ validation before any kernel starts


@pytest.mark.parametrize("period", ["2017-13", "Oct 2017", "2017-1"])
def test_period_format_is_refused(period):
    with pytest.raises(ReportError, match="YYYY-MM"):
        _plan(periods=[period])


def test_period_without_data_names_the_periods_that_exist():
    with pytest.raises(ReportError) as err:
        _plan(periods=["2017-11"])
    assert str(err.value).count("\n") == 0
    assert "2017-11" in str(err.value) and "periods with data: 2017-10" in str(err.value)


def test_unknown_parameter_is_refused_not_warned():
    with pytest.raises(ReportError, match="not parameters of any report notebook"):
        _plan(extra={"top_m": "5"})


def test_parameter_of_the_wrong_type_is_refused():
    with pytest.raises(ReportError, match="top_n.*expects int"):
        _plan(extra={"top_n": "eight"})


def test_parameter_is_converted_to_the_notebook_type():
    plans = _plan(extra={"top_n": "5"}, only=["10"])
    assert plans[0].jobs[0].parameters["top_n"] == 5


def test_unknown_authority_and_notebook_are_refused():
    with pytest.raises(ReportError, match="Narnia.*Cambridgeshire, Torbay"):
        _plan(authorities=["Narnia"])
    with pytest.raises(ReportError, match="--only 99"):
        _plan(only=["99"])


def test_processed_data_older_than_raw_is_refused(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    extra = raw / "extra.csv"
    extra.write_text("Reference,Title\n")
    register(raw, extra, kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    with pytest.raises(ReportError, match="run `python -m analysis ingest` first"):
        _plan(raw_dir=raw)


def test_authority_without_a_tracker_is_refused_for_the_period():
    # Torbay has no savings tracker: the period check refuses before any notebook is planned.
    with pytest.raises(ReportError, match="no savings tracker for Torbay"):
        _plan(authorities=["Torbay"])


def test_notebooks_without_data_for_the_authority_are_not_applicable():
    plan = _plan(authorities=["Cambridgeshire"])[0]
    skipped = {r.name: r for r in plan.skipped}
    # Cambridgeshire's papers (003, 004) have no CLA, placement, FIP or recovery-action tables
    assert set(skipped) == {"20_cla_comparators", "30_cla_trajectories", "40_placement_costs_and_slippage",
                            "50_financial_improvement_plan", "60_recovery_actions"}
    assert all(r.status == runner.STATUS_NA and "Cambridgeshire" in r.error for r in skipped.values())
    assert {j.name for j in plan.jobs} == {"00_scorecard", "10_savings_tracker_variance",
                                           "70_business_plan_pressures", "90_reconciliation"}
    assert all(j.parameters.get("authority", "Cambridgeshire") == "Cambridgeshire" for j in plan.jobs)


def test_validation_errors_exit_2_with_one_line_each(capsys):
    assert main(["report", "--period", "2017-11", "--out", "/tmp/never-written"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no savings tracker")
    assert not Path("/tmp/never-written/2017-11").exists()


# ------------------------------------------------------------------ a published pack


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    code = main(["report", "--period", "2017-10", "--only", *QUICK, "--out", str(out), "--quiet"])
    return code, out


def test_pack_exits_0_and_publishes_index_manifest_and_reports(pack):
    code, out = pack
    assert code == 0
    folder = out / "2017-10"
    assert sorted(p.name for p in folder.glob("*.html")) == ["10_savings_tracker_variance.html", "90_reconciliation.html",
                                                             "index.html"]
    assert (folder / "manifest.json").is_file() and (out / "index.html").is_file()
    assert "2017-10/index.html" in (out / "index.html").read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_manifest_records_the_run(pack):
    _, out = pack
    m = json.loads((out / "2017-10" / "manifest.json").read_text())
    assert m["run_id"] and m["period"] == "2017-10" and m["status"] == "ok"
    assert set(m["git"]) == {"commit", "dirty"}
    assert m["versions"]["papermill"] and m["versions"]["nbconvert"] and m["versions"]["python"]
    tracker = next(i for i in m["inputs"] if i["document"] == "003")
    import hashlib

    assert tracker["sha256"] == hashlib.sha256((RAW / tracker["file"]).read_bytes()).hexdigest()
    for report in m["reports"]:
        assert report["status"] == "ok" and report["error"] is None
        assert report["started"] and report["duration_s"] > 0 and "period" in report["parameters"] or \
            report["name"] == "90_reconciliation"


def test_report_page_is_self_contained_without_code(pack):
    _, out = pack
    html = (out / "2017-10" / "10_savings_tracker_variance.html").read_text()
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html)
    assert "<script src=" not in html
    assert 'hl-ipython3' not in html and "from analysis import" not in html  # no code cells
    charts = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,', html)
    assert len(charts) == 4 and all(alt and "No description" not in alt for alt in charts)  # embedded, with alt
    assert "Run details" in html and "003_d6533d87f79221f8.txt" in html
    # the tracker's figures are in the report
    assert "£16.656m" in html and "£20.538m" in html


def test_tracker_text_is_escaped_in_the_report(pack):
    _, out = pack
    html = (out / "2017-10" / "10_savings_tracker_variance.html").read_text()
    # 'C&YP' (003, committee column) and A/R.6.243's title '… PIP & Misc' (003 line 91) contain '&'
    assert "C&amp;YP" in html and "PIP &amp; Misc" in html
    assert "C&YP" not in html.replace("C&amp;YP", "")


def test_index_lists_each_report_with_status_and_headline_figures(pack):
    _, out = pack
    index = (out / "2017-10" / "index.html").read_text()
    assert index.count('class="status-ok"') == 2
    assert "Delivery against plan" in index and "81.1%" in index  # -16,656 / -20,538 = 81.1%
    assert "timings.js" in index
    timings = (out / "2017-10" / "timings.js").read_text()
    assert "10_savings_tracker_variance" in timings


def test_rerun_gives_byte_identical_html(pack, tmp_path):
    _, out = pack
    first = {p.name: p.read_bytes() for p in (out / "2017-10").glob("*.html")}
    assert main(["report", "--period", "2017-10", "--only", *QUICK, "--out", str(out), "--quiet"]) == 0
    second = {p.name: p.read_bytes() for p in (out / "2017-10").glob("*.html")}
    assert first == second


# ------------------------------------------------------------------ failure and atomicity


@pytest.fixture
def broken_notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("10_savings_tracker_variance.ipynb", "90_reconciliation.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, folder / name)
    nb = nbformat.read(folder / "90_reconciliation.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('forced failure for the test')"))
    nb.cells[4]["id"] = "forced"
    nbformat.write(nb, folder / "90_reconciliation.ipynb")
    return folder


def test_a_failing_notebook_does_not_stop_the_others_and_keeps_the_good_pack(pack, broken_notebooks, capsys):
    _, out = pack
    good = {p.relative_to(out): p.read_bytes() for p in (out / "2017-10").rglob("*") if p.is_file()}
    code = main(["report", "--period", "2017-10", "--out", str(out), "--notebooks", str(broken_notebooks),
                 "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "90_reconciliation" in err and "FAILED" in err
    # the previous good pack is untouched, byte for byte
    assert {p.relative_to(out): p.read_bytes() for p in (out / "2017-10").rglob("*") if p.is_file()} == good
    failed_runs = list((out / "failed").iterdir())
    assert len(failed_runs) == 1
    run = failed_runs[0]
    page = (run / "90_reconciliation.html").read_text()
    assert "This report failed" in page and "forced failure for the test" in page
    assert "hl-ipython3" in page and "RuntimeError" in page  # the code, with the failing cell, is shown
    assert (run / "executed" / "90_reconciliation.ipynb").is_file()
    index = (run / "index.html").read_text()
    assert 'class="status-failed"' in index and 'class="status-ok"' in index  # 10 still ran
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert [r["name"] for r in manifest["reports"] if r["status"] == "failed"] == ["90_reconciliation"]
    assert "failed/" in (out / "index.html").read_text()


class _InterruptingExecutor:
    """A concurrent.futures-style executor that is interrupted after the first job (Ctrl-C / kill)."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(1)
        self.calls = 0

    def submit(self, fn, *args):
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt
        return self.pool.submit(fn, *args)

    def shutdown(self, wait=True, cancel_futures=False):
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_an_interrupted_run_leaves_no_half_written_pack(pack):
    _, out = pack
    good = {p.relative_to(out): p.read_bytes() for p in (out / "2017-10").rglob("*") if p.is_file()}
    plans = runner.plan_packs(["2017-10"], [None], out_dir=out, processed_dir=PROCESSED, raw_dir=RAW, only=QUICK,
                              reuse_kernel=False)
    executor = _InterruptingExecutor()
    with pytest.raises(KeyboardInterrupt):
        runner.run_packs(plans, executor=executor, processed_dir=PROCESSED)
    executor.shutdown()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    assert {p.relative_to(out): p.read_bytes() for p in (out / "2017-10").rglob("*") if p.is_file()} == good


# ------------------------------------------------------------------ month on month


@pytest.fixture(scope="module")
def two_months(tmp_path_factory, bundled):
    base = tmp_path_factory.mktemp("months")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    october = bundled.tables["savings_tracker"]
    write_november(october, raw / "tracker_2017_11_SYNTHETIC.xlsx")
    register(raw, raw / "tracker_2017_11_SYNTHETIC.xlsx", kind="savings_tracker", authority="Cambridgeshire",
             period="2017-11", paper="SYNTHETIC November tracker for tests", saving_sign="negative")
    run_ingest(raw, processed)
    return raw, processed, october


def test_movement_since_last_month(two_months):
    from analysis import data
    from analysis.analyses import variance

    _, processed, october = two_months
    current, previous = data.tracker("Cambridgeshire", "2017-11", processed)
    assert previous is not None and len(previous) == len(october)
    m = variance.movement(current, previous)
    assert list(m["rag_changes"].reference) == ["A/R.6.101"]
    assert list(m["added"].reference) == [ADDED["reference"]]
    assert list(m["dropped"].reference) == DROPPED
    assert list(m["direction_disagrees"].reference) == ["A/R.6.210"]  # printed ↑, figures fell
    # independent arithmetic on the changes (£000, tracker signs: negative = saving)
    oct_forecast_saving = -int(october.forecast_total_gbp.sum())
    dropped = -int(october[october.reference.isin(DROPPED)].forecast_total_gbp.sum())
    drift = (100 - 0) + (700 - 821)  # A/R.6.101 0 -> 100 saved; A/R.6.210 821 -> 700 saved
    expected_now = oct_forecast_saving + drift * 1000 - dropped + (-ADDED["forecast"]) * 1000
    assert m["total"].forecast_saving_current_gbp == expected_now
    assert m["total"].drift_gbp == expected_now - oct_forecast_saving
    changed = m["lines"][m["lines"].drift_gbp.fillna(0) != 0]
    assert set(changed.reference) == set(CHANGES)


def test_month_on_month_section_appears_in_the_report(two_months, tmp_path):
    raw, processed, _ = two_months
    out = tmp_path / "reports"
    assert main(["report", "--period", "2017-11", "--only", "10", "--out", str(out), "--raw", str(raw),
                 "--processed", str(processed), "--quiet"]) == 0
    html = (out / "2017-11" / "10_savings_tracker_variance.html").read_text()
    assert "Lines whose RAG status changed" in html and "A/R.6.101" in html
    assert "Printed direction of travel vs the direction the figures show" in html
    assert "Lines added this month" in html and ADDED["reference"] in html
    # tracker text with markup is shown as text, never executed
    assert '&lt;script&gt;alert("tracker")&lt;/script&gt;' in html
    assert "<script>alert" not in html and "<b>line</b>" not in html
    assert "Lines dropped this month" in html
    assert "No tracker for 2017-10 has been delivered" not in html


def test_latest_picks_the_newest_period(two_months):
    _, processed, _ = two_months
    assert runner.latest_period(processed) == "2017-11"


# ------------------------------------------------------------------ Dask


def test_dask_local_cluster_runs_a_batch_of_periods(two_months, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    raw, processed, _ = two_months
    out = tmp_path / "reports"
    code = main(["report", "--period", "2017-10", "--period", "2017-11", "--only", "10", "--out", str(out),
                 "--raw", str(raw), "--processed", str(processed), "--dask-local", "2", "--quiet"])
    assert code == 0
    for period in ("2017-10", "2017-11"):
        manifest = json.loads((out / period / "manifest.json").read_text())
        assert manifest["status"] == "ok" and manifest["period"] == period
    index = (out / "index.html").read_text()
    assert index.index("2017-11") < index.index("2017-10")  # newest first
