"""Shared fixtures.  Expected values in tests come from the source documents (file and table are
cited beside each) or from arithmetic done in the test itself - never from running the code
under test and copying its answer."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis import paths
from analysis.ingest import IngestResult, ingest
from analysis.manifest import SourceDocument, read_manifest

ROOT = paths.project_root()
RAW = ROOT / "data" / "raw"
PUBLIC = ROOT.parent / "shared" / "data" / "public"
#: code whose change makes processed tables stale (they are its output)
PRODUCERS = ("ingest", "statistics", "schemas", "reconcile.py", "money.py", "manifest.py", "assumptions.py")

_FRESH: dict[str, object] = {}


def public_present() -> bool:
    return PUBLIC.is_dir()


def public_problem(processed: Path, public: Path = PUBLIC) -> str | None:
    """Why ``processed`` does not hold the public tables made from ``public`` (``None`` when it
    does): the committed outputs of the public-statistics notebooks are those of these files."""
    import json

    from analysis.manifest import sha256_of

    try:
        made = json.loads((processed / "_tables.json").read_text())["producers"]["public-stats"]["inputs"]
    except (OSError, ValueError, KeyError):
        return "it holds no public-statistics tables"
    here = {p.name: p for p in public.rglob("*") if p.is_file()}
    if any(name not in here or sha256_of(here[name]) != sha for name, sha in made.items()):
        return f"its public-statistics tables were made from other files than {public}"
    return None


def processed_problem(processed: Path, raw: Path = RAW) -> str | None:
    """Why ``processed`` cannot be used for the tests (``None`` when it can): a table missing or
    with other columns than its schema, made from other raw files, or older than the code that
    makes it; with the public statistics present (``../shared/data/public``), their tables
    missing or made from other files.  Without them the public tables may be absent."""
    import pandas as pd
    import pyarrow.parquet as pq

    from analysis import schemas

    for name, table in schemas.TABLES.items():
        path = processed / f"{name}.parquet"
        if table.producer == "public-stats" and not public_present() and not path.is_file():
            continue
        if not path.is_file():
            return f"{path.name} is missing"
        if pq.read_schema(path).names != list(table.columns):
            return f"{path.name} has other columns than its schema"
    sources = pd.read_parquet(processed / "sources.parquet")
    if dict(zip(sources.file, sources.sha256, strict=True)) != {d.file: d.sha256 for d in read_manifest(raw)}:
        return "it was made from other raw files"
    package = Path(paths.__file__).parent
    code = [p for name in PRODUCERS for p in ((package / name).rglob("*.py") if (package / name).is_dir()
                                                else [package / name])]
    made = min(p.stat().st_mtime for p in processed.glob("*.parquet"))
    if any(p.stat().st_mtime > made for p in code):
        return "the code that makes it has changed since"
    return public_problem(processed) if public_present() else None


def pytest_configure(config: pytest.Config) -> None:
    """Before anything is collected or a kernel started: when the processed tables the package
    would read (``data/processed``, or ``$COUNCIL_ANALYSIS_PROCESSED``) are missing or stale,
    ingest ``data/raw`` into a temporary folder and point ``$COUNCIL_ANALYSIS_PROCESSED`` at it.
    Tests, papermill runs and the kernels nbval starts (which inherit the environment) then all
    read fresh tables, and notebooks keep their default ``processed_dir = ""``."""
    if _FRESH:
        return

    current = paths.processed_dir()
    problem = processed_problem(current)
    _FRESH["problem"] = problem
    if problem is None:
        return
    folder = _fresh_tables()
    os.environ[paths.PROCESSED_ENV] = str(folder)
    _FRESH["folder"] = folder
    _FRESH["was"] = current


def _producers_key() -> str:
    """A digest of what the processed tables are made from: the producing code's source, the raw
    files (by the manifest's hashes) and the public files present.  Equal digests, equal tables."""
    import hashlib

    package = Path(paths.__file__).parent
    digest = hashlib.sha256()
    for name in PRODUCERS:
        files = sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]
        for path in files:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    for doc in read_manifest(RAW):
        digest.update(f"{doc.file}={doc.sha256}\n".encode())
    if public_present():
        for path in sorted(p for p in PUBLIC.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(PUBLIC)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _fresh_tables() -> Path:
    """The raw data (and the public statistics, when present) ingested into a folder of the
    temporary directory named by :func:`_producers_key`, made once and kept for later test runs
    with the same code and inputs (a developer's next ``make test-fast`` does not ingest again).
    Made in a staging folder renamed into place, so two runs at once never read a half-made one;
    folders of other digests are removed once a day old."""
    import time

    from analysis.ingest import run_ingest

    base = Path(tempfile.gettempdir())
    folder = base / f"council-processed-{_producers_key()}"
    if (folder / "_tables.json").is_file():
        return folder
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.staging-", dir=base))
    run_ingest(RAW, staging)
    if public_present():  # the public-statistics notebooks' committed outputs are made with them
        from analysis.statistics.build import run_public_stats

        run_public_stats(PUBLIC, staging)
    try:
        staging.rename(folder)
    except OSError:  # another run made it first: the same tables
        shutil.rmtree(staging, ignore_errors=True)
    for old in base.glob("council-processed-*"):
        if old != folder and time.time() - old.stat().st_mtime > 86_400:
            shutil.rmtree(old, ignore_errors=True)
    return folder


#: markers given here rather than in the test files: a file's, or a test's (``file::name``, every
#: parametrisation).  ``notebooks``: runs report notebooks or builds packs; ``slow``: many seconds of
#: CPU otherwise (subprocess ingests, big inputs); ``faults``: kills and signals.  ``make test-fast``
#: leaves them out; a test taking more than a second or two on a quiet machine belongs here.
FILE_MARKERS = {
    "test_report_faults.py": ("faults", "slow"),
    "test_ingest_faults.py": ("faults",),
    "test_interrupts.py": ("faults",),
    "test_staging_race.py": ("faults",),
    "test_report_browser.py": ("browser", "notebooks"),
    "test_chart_layout.py": ("notebooks",),
    "test_report_runner.py": ("notebooks",),
    "test_permissions.py": ("notebooks",),
    "test_settings.py": ("notebooks",),
    "test_unpublish.py": ("notebooks",),
    "test_as_at.py": ("notebooks",),
    "test_papermill_engine.py": ("notebooks",),
    "test_all_authorities.py": ("notebooks",),
    "test_notebook_20_30.py": ("notebooks",),
    "test_notebook_60_70.py": ("notebooks",),
    "test_report_adding.py": ("notebooks",),
    "test_cost_drivers.py": ("notebooks",),
    "test_public_download.py": ("slow",),
    "test_progress.py": ("slow",),
    "test_ingest_cli.py": ("slow",),
}
TEST_MARKERS = {
    "test_authority_names.py::test_a_notebook_given_any_spelling_reports_as_the_papers_spell_it": ("notebooks",),
    "test_authority_names.py::test_notebook_20_given_a_variant_reports_as_the_releases_spell_it": ("notebooks",),
    "test_authority_names.py::test_every_year_pack_is_about_a_rate_of_its_year": ("notebooks",),
    "test_authority_names.py::test_papers_without_published_statistics_are_told_so_by_name": ("slow",),
    "test_scorecard.py::test_notebook_00_for_the_other_authority": ("notebooks",),
    "test_scorecard.py::test_notebook_10_with_fewer_waterfall_steps": ("notebooks",),
    "test_scorecard.py::test_notebook_90_for_one_document": ("notebooks",),
    "test_chart_text.py::test_wrap_breaks_lines_where_measuring_every_line_would": ("slow",),
    "test_register_withdraw.py::test_ingest_bytes_are_independent_of_where_it_runs": ("slow",),
    "test_report_plan.py::test_notebooks_without_the_authoritys_tables_are_not_applicable": ("slow",),
    "test_public_releases.py::test_every_la_rate_of_the_2025_release_is_reproduced": ("slow",),
    "test_manifest.py::test_file_in_folder_but_not_listed_is_named_not_refused": ("slow",),
    "test_charts.py::test_importing_the_charts_changes_nothing_global": ("slow",),
    "test_report_pool.py::test_a_killed_worker_fails_only_its_job_and_is_replaced": ("faults",),
    "test_measure_benchmarks.py::test_an_unknown_measure_stops_the_run_with_near_names": ("slow",),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """The markers ``make test-fast`` deselects (pyproject ``markers``): nbval's items (a report
    notebook re-executed cell by cell) are ``notebooks``; a test using the ``browser`` fixture
    (headless Chromium) is ``browser``; the files of :data:`FILE_MARKERS` and the tests of
    :data:`TEST_MARKERS` get theirs.  Then
    :func:`_skip_public_notebooks`."""
    for item in items:
        path = Path(str(getattr(item, "path", getattr(item, "fspath", ""))))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        test = f"{path.name}::{getattr(item, 'originalname', None) or item.name}"
        for name in FILE_MARKERS.get(path.name, ()) + TEST_MARKERS.get(test, ()):
            item.add_marker(getattr(pytest.mark, name))
    _skip_public_notebooks(items)


def _skip_public_notebooks(items: list) -> None:
    """nbval re-runs every notebook against its committed outputs, which for the notebooks that
    read the public statistics were made with ``../shared/data/public``: without it those
    notebooks are skipped, with the reason."""
    if public_present():
        return
    from analysis.report.notebooks import read_spec
    from analysis.schemas import tables_of
    from analysis.statistics.build import PRODUCER

    public = set(tables_of(PRODUCER))
    reason = (f"public statistics not present at {PUBLIC}: the committed outputs of this notebook were made with "
              "them (download them as the README says)")
    for item in items:
        path = Path(str(getattr(item, "path", getattr(item, "fspath", ""))))
        if path.suffix == ".ipynb":
            spec = read_spec(path)
            if public & set(spec.tables + spec.optional_tables + spec.any_of_tables):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _FRESH.pop("folder", None) is not None:  # the folder is kept for the next run (:func:`_fresh_tables`)
        os.environ.pop(paths.PROCESSED_ENV, None)
    _FRESH.clear()


def pytest_report_header(config: pytest.Config) -> str:
    if "folder" in _FRESH:
        return (f"processed tables: a fresh ingest in {_FRESH['folder']} ({_FRESH['was']}: {_FRESH['problem']}; "
                "`make ingest` refreshes it)")
    return f"processed tables: {paths.processed_dir()}"


@pytest.fixture(scope="session")
def processed_dir() -> Path:
    """The processed tables every test reads (fresh: see :func:`pytest_configure`)."""
    return paths.processed_dir()

# The five bundled documents (data/raw/manifest.csv).
RECOVERY_PLAN = "000_f58272dfada571d1.txt"  # Torbay Cabinet Nov 2019, Finance Recovery Plan Actions
MTFS = "001_24ee55b955d66714.txt"  # Torbay Children's Services MTFS Rev 2, Jan 2017
FIVE_YEAR_PLAN = "002_e4fc5fb4266e3ff1.txt"  # Torbay 5-year plan review, 2015
TRACKER = "003_d6533d87f79221f8.txt"  # Cambridgeshire Savings Tracker 2017-18, Oct 2017
BUSINESS_PLAN = "004_2dcb32a701b4c77f.txt"  # Cambridgeshire CYP Committee business planning, Oct 2017


@pytest.fixture(scope="session")
def bundled() -> IngestResult:
    """The bundled documents ingested in memory (nothing written)."""
    return ingest(RAW)


@pytest.fixture(scope="session")
def documents() -> dict[str, SourceDocument]:
    return {d.file: d for d in read_manifest(RAW)}


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of data/raw that a test may add files to or damage."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def raw_lines(file: str) -> list[str]:
    """Lines of a bundled document, 1-based: raw_lines(f)[n - 1] is line n."""
    return (RAW / file).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def public_dir() -> Path:
    if not PUBLIC.is_dir():
        pytest.skip(f"public statistics not present at {PUBLIC} (download them as the README says)")
    return PUBLIC


@pytest.fixture(scope="session")
def public_tables(public_dir: Path) -> dict:
    """The public-statistics tables built in memory from ../shared/data/public (nothing written),
    joined with the papers' comparator lists in data/processed (``make test`` ingests first)."""
    from analysis import data, schemas
    from analysis.statistics.build import PRODUCER

    if public_problem(paths.processed_dir(), public_dir) is None:  # made from these files (pytest_configure)
        return {name: data.load(name) for name in schemas.tables_of(PRODUCER)}
    from analysis.statistics.build import build

    return build(public_dir, paths.processed_dir()).tables


@pytest.fixture(scope="session")
def papers_only_dir(tmp_path_factory) -> Path:
    """The bundled papers ingested into a folder of their own, without the public-statistics
    tables: what a user has who never ran ``public-stats``."""
    from analysis.ingest import run_ingest

    folder = tmp_path_factory.mktemp("papers-only")
    run_ingest(RAW, folder)
    return folder


@pytest.fixture(scope="session")
def with_public_dir(public_dir) -> Path:
    """The processed folder the tests read, holding the public tables made from
    ../shared/data/public (see :func:`pytest_configure`; skipped when they are absent)."""
    problem = public_problem(paths.processed_dir(), public_dir)
    if problem is not None:
        pytest.skip(f"{paths.processed_dir()}: {problem}")
    return paths.processed_dir()


# ------------------------------------------------------------------- packs built once per test run


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``build(folder)`` run once per test run and its folder shared by every test that reads it.

    Under pytest-xdist every worker has its own session, so the folder lives in the run's common
    temporary root (the parent of the worker's own) and the first worker to ask builds it while
    holding a lock (``flock``) that the others wait on; a build that failed leaves no ``done``
    mark, so the next worker to ask tries again (and fails the same way, with its own message).
    Tests must only read the folder."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/popen-gwK -> pytest-N, one per run, common to its workers
    folder = base / f"shared-{name}"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder / "reports")
            (folder / "done").touch()
    return folder / "reports"


def _report(*args: str) -> None:
    from analysis.cli import main

    assert main(["report", *args, "--quiet"]) == 0


@pytest.fixture(scope="session", autouse=True)
def one_worker_by_default():
    """A report run made in a test process uses one worker unless it asks for more (``--jobs``):
    the test workers (pytest-xdist) already keep the cores busy, and a run's second worker would
    only warm up again (imports, fonts, the public statistics: about 2 s of CPU a run).  Runs of
    two workers are tested where a test says so (the fault tests, the pool's tests, and
    test_report_runner's rerun, which must give the bytes the one-worker run gave); a run started
    as a subprocess keeps the default of one worker per core."""
    import functools

    from analysis.report import pool

    @functools.wraps(pool.cores)  # its docstring and source stay readable (tests/test_docstrings.py)
    def one() -> int:
        return 1

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pool, "cores", one)
        yield


@pytest.fixture(scope="session")
def latest_packs(tmp_path_factory) -> Path:
    """``report --latest`` (what ``make reports`` publishes: the bundled packs, Cambridgeshire
    2017-10 and Torbay 2019-11), built once per test run with the default engine.  Read only."""
    return shared_build(tmp_path_factory, "latest", lambda out: _report("--latest", "--out", str(out)))


@pytest.fixture(scope="session")
def latest_and_year_packs(tmp_path_factory, latest_packs, with_public_dir) -> Path:
    """:func:`latest_packs` plus the public-only pack ``report --year 2024 --authority Blackpool``
    added to the same reports folder (a copy of the first), as a user running both would have it.
    Needs the public statistics.  Read only."""
    def build(out: Path) -> None:
        shutil.copytree(latest_packs, out, symlinks=True)
        _report("--year", "2024", "--authority", "Blackpool", "--out", str(out), "--processed", str(with_public_dir))

    return shared_build(tmp_path_factory, "latest-and-2024", build)


# --------------------------------------------------------------------------------------------- the browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, as a councillor's browser opens the pages (one per
    test module: Playwright's event loop is not kept open across modules)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        except Exception as exc:  # pragma: no cover - depends on the machine
            pytest.skip(f"Chromium at {CHROMIUM} does not start here: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()
