"""The monthly report run end to end: the published pack, failure handling, atomic publishing,
byte-identical reruns, partial runs merged into the published pack, month-on-month movement,
Dask fan-out.  (Planning: test_report_plan.py; faults: test_report_faults.py.)"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import paths
from analysis.cli import main
from analysis.ingest import run_ingest
from analysis.manifest import register, sha256_of
from analysis.report import plan as planning
from analysis.report import run

from .conftest import RAW, ROOT
from .fixtures.synthetic_month import ADDED, CHANGES, DROPPED, write_november

PROCESSED = paths.processed_dir()  # data/processed, or the fresh ingest tests/conftest.py made
CAMBS = ["--authority", "Cambridgeshire", "--period", "2017-10"]
QUICK = ["10", "90"]  # two notebooks keep these tests quick


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    code = main(["report", *CAMBS, "--only", *QUICK, "--out", str(out), "--quiet"])
    return code, out


def test_pack_exits_0_and_publishes_index_manifest_and_reports(pack):
    code, out = pack
    assert code == 0
    folder = out / "cambridgeshire" / "2017-10"
    assert sorted(p.name for p in folder.glob("*.html")) == ["10_savings_tracker_variance.html",
                                                             "90_reconciliation.html", "index.html", "pack.html"]
    assert (folder / "manifest.json").is_file() and (out / "index.html").is_file()
    assert 'href="cambridgeshire/2017-10/index.html"' in (out / "index.html").read_text()
    assert not [p for p in (out / "cambridgeshire").iterdir() if p.name.startswith(".")]
    assert not (folder / ".staging.lock").exists()


def test_manifest_records_the_run(pack):
    _, out = pack
    m = json.loads((out / "cambridgeshire" / "2017-10" / "manifest.json").read_text())
    assert m["run_id"] and m["period"] == "2017-10" and m["status"] == "ok" and m["authority"] == "Cambridgeshire"
    assert set(m["git"]) == {"commit", "dirty"}
    assert m["versions"]["papermill"] and m["versions"]["nbconvert"] and m["versions"]["python"]
    assert m["documents"] == ["003", "004"]  # Cambridgeshire's papers only (data/raw/manifest.csv)
    for item in m["inputs"]:
        assert item["sha256"] == hashlib.sha256((RAW / item["file"]).read_bytes()).hexdigest()
    reports = {r["name"]: r for r in m["reports"]}
    for name in QUICK:
        report = next(r for n, r in reports.items() if n.startswith(name))
        assert report["status"] == "ok" and report["error"] is None and report["run_id"] == m["run_id"]
        assert report["started"] and report["duration_s"] > 0
    # a partial run with no published pack to merge into lists the reports it did not run
    assert reports["00_scorecard"]["status"] == "not run"
    assert reports["40_placement_costs_and_slippage"]["status"] == "not applicable"  # 003/004 print no placement costs


def test_report_page_is_self_contained_without_code(pack):
    _, out = pack
    html = (out / "cambridgeshire" / "2017-10" / "10_savings_tracker_variance.html").read_text()
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html)
    assert "<script src=" not in html
    assert 'hl-ipython3' not in html and "from analysis import" not in html  # no code cells
    charts = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,', html)
    assert len(charts) == 4 and all(alt and "No description" not in alt for alt in charts)  # embedded, with alt
    assert "About this report" in html and "003_d6533d87f79221f8.txt" in html
    # 003: forecast and planned savings, Total row -16,656 and -20,538 (£000), in the pack's £m style
    assert "£16.7m of £20.5m" in html


def test_tracker_text_is_escaped_in_the_report(pack):
    _, out = pack
    html = (out / "cambridgeshire" / "2017-10" / "10_savings_tracker_variance.html").read_text()
    html = re.sub(r"</?abbr\b[^>]*>", "", html)  # the glossary's marks around initials (C&YP, PIP)
    # 'C&YP' (003, committee column) and A/R.6.243's title '… PIP & Misc' (003 line 91) contain '&'
    assert "C&amp;YP" in html and "PIP &amp; Misc" in html
    assert "C&YP" not in html.replace("C&amp;YP", "")


def test_reconciliation_report_covers_only_the_packs_documents(pack):
    _, out = pack
    html = (out / "cambridgeshire" / "2017-10" / "90_reconciliation.html").read_text()
    assert "003_d6533d87f79221f8.txt" in html and "004_2dcb32a701b4c77f.txt" in html
    assert "002_e4fc5fb4266e3ff1.txt" not in html  # a Torbay paper


def test_index_lists_each_report_with_status_and_headline_figures(pack):
    _, out = pack
    from analysis.analyses.public_pack import public_data

    index = (out / "cambridgeshire" / "2017-10" / "index.html").read_text()
    not_run = 2 + (4 if public_data(PROCESSED) else 0)  # 00 and 70; with the public statistics 20, 25, 30, 35 too
    assert index.count('class="status-ok"') == 2 and index.count('class="status-not-run"') == not_run
    assert "Forecast saving against plan" in index and "(81%)" in index  # -16,656 / -20,538 = 81.1%
    assert "timings.js" in index and 'href="../../index.html"' in index
    assert "10_savings_tracker_variance" in (out / "cambridgeshire" / "2017-10" / "timings.js").read_text()


def test_rerun_gives_byte_identical_html(pack):
    """Made again - by two workers where the tests' runs default to one (conftest) - the same bytes."""
    _, out = pack
    folder = out / "cambridgeshire" / "2017-10"
    first = {p.name: p.read_bytes() for p in folder.glob("*.html")}
    assert main(["report", *CAMBS, "--only", *QUICK, "--out", str(out), "--quiet", "--jobs", "2"]) == 0
    assert {p.name: p.read_bytes() for p in folder.glob("*.html")} == first


# ------------------------------------------------------------------ partial runs never remove reports


@pytest.fixture(scope="module")
def full_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    assert main(["report", *CAMBS, "--out", str(out), "--quiet"]) == 0
    return out


def test_full_pack_has_every_applicable_report(full_pack):
    from analysis.analyses.public_pack import public_data

    folder = full_pack / "cambridgeshire" / "2017-10"
    # 003/004 give a tracker and a business plan; with the public statistics in the processed tables
    # (tests/conftest.py builds them when ../shared/data/public is present) 20, 25, 30 and 35 apply too
    public = (["20_cla_comparators", "25_cla_spend_benchmarks", "30_cla_trajectories", "35_cost_drivers"]
              if public_data(PROCESSED) else [])
    expected = sorted(["00_scorecard", "10_savings_tracker_variance", "70_business_plan_pressures",
                       "90_reconciliation", *public])
    assert sorted(p.stem for p in folder.glob("[0-9]*.html")) == expected
    m = json.loads((folder / "manifest.json").read_text())
    assert [r["status"] for r in m["reports"]].count("ok") == len(expected) and not m["partial"]


def test_only_merges_into_the_published_pack(full_pack):
    folder = full_pack / "cambridgeshire" / "2017-10"
    before = _files(folder)
    first = json.loads((folder / "manifest.json").read_text())
    assert main(["report", *CAMBS, "--only", "90", "--out", str(full_pack), "--quiet"]) == 0
    after = _files(folder)
    assert set(after) == set(before)  # nothing removed, nothing added
    for name in before:
        if name.suffix == ".html":
            assert after[name] == before[name], name  # same inputs, same bytes - merged or rerun
    m = json.loads((folder / "manifest.json").read_text())
    runs = {r["name"]: r["run_id"] for r in m["reports"] if r["status"] == "ok"}
    assert runs["90_reconciliation"] == m["run_id"] != first["run_id"]
    assert runs["10_savings_tracker_variance"] == first["run_id"]  # kept from the published pack
    assert m["partial"] and m["fingerprint"] == first["fingerprint"]


def test_only_refuses_to_merge_into_a_pack_made_from_other_inputs(full_pack, tmp_path, capsys):
    processed = tmp_path / "processed"
    shutil.copytree(PROCESSED, processed)
    import pandas as pd

    table = pd.read_parquet(processed / "reconciliation.parquet")
    table.iloc[:-1].to_parquet(processed / "reconciliation.parquet")  # other data than the published pack's
    listing = json.loads((processed / "_tables.json").read_text())  # ... in a complete table set of its own
    entry = listing["files"]["reconciliation.parquet"]
    entry.update(bytes=(processed / "reconciliation.parquet").stat().st_size,
                 sha256=sha256_of(processed / "reconciliation.parquet"))
    (processed / "_tables.json").write_text(json.dumps(listing))
    before = _files(full_pack / "cambridgeshire" / "2017-10")
    code = main(["report", *CAMBS, "--only", "90", "--processed", str(processed), "--out", str(full_pack)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "was made from other inputs" in err[0]
    assert _files(full_pack / "cambridgeshire" / "2017-10") == before


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
    folder = out / "cambridgeshire" / "2017-10"
    good = _files(folder)
    code = main(["report", *CAMBS, "--out", str(out), "--notebooks", str(broken_notebooks), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "90_reconciliation" in err and "FAILED" in err
    assert _files(folder) == good  # the published pack is untouched, byte for byte
    failed_runs = list((out / "failed").iterdir())
    assert len(failed_runs) == 1 and failed_runs[0].name.startswith("cambridgeshire-2017-10-")
    failed = failed_runs[0]
    page = (failed / "90_reconciliation.html").read_text()
    assert "This report failed" in page and "forced failure for the test" in page
    assert "hl-ipython3" in page and "RuntimeError" in page  # the code, with the failing cell, is shown
    executed = nbformat.read(failed / "executed" / "90_reconciliation.ipynb", as_version=4)
    forced = next(i for i, c in enumerate(executed.cells) if "forced failure for the test" in c.source)
    not_run = [c for c in executed.cells[forced + 1:] if c.cell_type == "code"]
    assert not_run and not any(c.outputs for c in not_run)  # no committed output stands in for a cell not run
    index = (failed / "index.html").read_text()
    assert 'class="status-failed"' in index and 'class="status-ok"' in index  # 10 still ran
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert [r["name"] for r in manifest["reports"] if r["status"] == "failed"] == ["90_reconciliation"]
    assert "failed/" in (out / "index.html").read_text()
    assert not (failed / ".staging.lock").exists()


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
    good = _files(out / "cambridgeshire" / "2017-10")
    plans = planning.plan_packs(["Cambridgeshire"], ["2017-10"], out_dir=out, processed_dir=PROCESSED, raw_dir=RAW,
                                only=QUICK)
    executor = _InterruptingExecutor()
    with pytest.raises(KeyboardInterrupt):
        run.run_packs(plans, executor=executor, processed_dir=PROCESSED)
    executor.shutdown()
    assert not [p for p in (out / "cambridgeshire").iterdir() if p.name.startswith(".staging")]
    assert _files(out / "cambridgeshire" / "2017-10") == good


# ------------------------------------------------------------------ month on month


@pytest.fixture(scope="module")
def two_months(tmp_path_factory, bundled):
    base = tmp_path_factory.mktemp("months")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    october = bundled.tables["savings_tracker"]
    write_november(october, raw / "tracker_2017_11_SYNTHETIC.xlsx")
    register(raw, raw / "tracker_2017_11_SYNTHETIC.xlsx", unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire",
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
    assert main(["report", "--authority", "Cambridgeshire", "--period", "2017-11", "--only", "10", "--out", str(out),
                 "--raw", str(raw), "--processed", str(processed), "--quiet"]) == 0
    html = (out / "cambridgeshire" / "2017-11" / "10_savings_tracker_variance.html").read_text()
    assert "Lines whose RAG status changed" in html and "A/R.6.101" in html
    assert "Printed direction of travel vs the direction the figures show" in html
    assert "Lines added this month" in html and ADDED["reference"] in html
    # tracker text with markup is shown as text, never executed
    assert re.search(r'&lt;script&gt;alert\((&quot;|&#34;|")tracker\1\)&lt;/script&gt;', html)
    assert "<script>alert" not in html and "<b>line</b>" not in html
    assert "Lines dropped this month" in html
    assert "No tracker for 2017-10 has been delivered" not in html


def test_latest_picks_the_newest_period(two_months):
    raw, processed, _ = two_months
    sources = planning.read_sources(processed, raw)
    assert planning.resolve_packs(sources, ["Cambridgeshire"], None) == [("Cambridgeshire", "2017-11")]


# ------------------------------------------------------------------ batches: the pool and Dask


def test_a_batch_of_authorities_and_periods_on_the_pool(two_months, tmp_path):
    raw, processed, _ = two_months
    out = tmp_path / "reports"
    assert main(["report", "--latest", "--only", "00", "--out", str(out), "--raw", str(raw), "--processed",
                 str(processed), "--quiet"]) == 0
    packs = sorted(p.parent.relative_to(out).as_posix() for p in out.glob("*/*/manifest.json"))
    assert packs == ["cambridgeshire/2017-11", "torbay/2019-11"]
    index = (out / "index.html").read_text()
    assert "Cambridgeshire: monitoring pack November 2017" in index and "Torbay: monitoring pack November 2019" in index


def test_dask_local_cluster_runs_a_batch_of_periods(two_months, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    raw, processed, _ = two_months
    out = tmp_path / "reports"
    code = main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--period", "2017-11", "--only",
                 "10", "--out", str(out), "--raw", str(raw), "--processed", str(processed), "--dask-local", "2",
                 "--quiet"])
    assert code == 0
    for period in ("2017-10", "2017-11"):
        manifest = json.loads((out / "cambridgeshire" / period / "manifest.json").read_text())
        assert manifest["status"] == "ok" and manifest["period"] == period
    index = (out / "index.html").read_text()
    assert index.index("2017-11") < index.index("2017-10")  # newest first


def _kernels_under(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` and that run a Jupyter kernel (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid and b"ipykernel" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_a_long_lived_dask_cluster_keeps_no_kernel_or_folder_after_the_run(two_months, tmp_path):
    """A Dask worker keeps one warm kernel for the run's notebooks (as a pool worker does); a
    cluster that outlives the run must not keep it: the run stops it at its end."""
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    import os

    from distributed import Client, LocalCluster

    raw, processed, _ = two_months
    out = tmp_path / "reports"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", local_directory=str(tmp_path / "dask")) as cluster, \
            Client(cluster) as client:
        code = main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--period", "2017-11",
                     "--only", *QUICK, "--out", str(out), "--raw", str(raw), "--processed", str(processed),
                     "--dask-scheduler", cluster.scheduler_address, "--quiet"])
        assert code == 0
        for period in ("2017-10", "2017-11"):
            manifest = json.loads((out / "cambridgeshire" / period / "manifest.json").read_text())
            assert [r["status"] for r in manifest["reports"] if r["name"][:2] in QUICK] == ["ok", "ok"]
        workers = client.run(os.getpid)
        assert workers and all(_kernels_under(pid) == [] for pid in workers.values())
        left = client.run(lambda dask_worker: sorted(p.name for p in Path(dask_worker.local_directory).iterdir()
                                                     if p.name.startswith("council-report-kernel-")))
        assert all(names == [] for names in left.values()), left


def test_a_run_writes_nothing_into_the_users_ipython_history(two_months, tmp_path, monkeypatch):
    """A report's cells are not the user's history: the kernels run with IPython's history off,
    so nothing is written into IPython's folder (a long batch once grew it by tens of MB)."""
    raw, processed, _ = two_months
    ipython = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(ipython))  # the kernels inherit it through the workers
    assert main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", *QUICK, "--out",
                 str(tmp_path / "reports"), "--raw", str(raw), "--processed", str(processed), "--quiet"]) == 0
    assert ipython.is_dir()  # the kernels did use it (their profile) ...
    assert sorted(p.name for p in ipython.rglob("history.sqlite*")) == []  # ... and kept no history
