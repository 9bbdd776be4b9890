"""Fault injection on ``python -m analysis report``: SIGTERM and SIGKILL at several points, two
runs at once on one reports folder, a worker and a kernel killed as the out-of-memory killer
would.  Each test asserts what survives (the published pack, byte for byte), that no process
of the run outlives it, and that the next run removes what a killed run left behind.

Processes are traced by a marker in their environment (kernels and workers inherit it), so an
orphan re-parented to init is still found.  Each run gets a private temporary directory, so the
check sees this run's debris only.  The report notebooks are a copy of 90_reconciliation and a
SYNTHETIC notebook that, when the test asks through the environment, writes its kernel's and
worker's process ids and waits."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import ROOT
from .fixtures.notebooks import write_notebook

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks read /proc (Linux)")

WAIT_CELL = """import os, time
pidfile = os.environ.get("COUNCIL_TEST_PIDFILE", "")
if pidfile:
    with open(pidfile + ".tmp", "w") as handle:
        handle.write(f"{os.getpid()} {os.getppid()}")
    os.replace(pidfile + ".tmp", pidfile)
time.sleep(float(os.environ.get("COUNCIL_TEST_SLEEP", "0")))
print(f"SYNTHETIC report for {authority} at {period}")"""
PACK = ("cambridgeshire", "2017-10")


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fault-notebooks")
    write_notebook(folder / "10_synthetic_wait.ipynb", title="# SYNTHETIC report that waits when told",
                   cells=[WAIT_CELL])
    shutil.copy(ROOT / "notebooks" / "90_reconciliation.ipynb", folder)
    return folder


class Run:
    """``python -m analysis report`` in a subprocess, traced by an environment marker."""

    def __init__(self, base: Path, notebooks: Path, *, pause: str = "", sleep: float = 0, name: str = "run",
                 period: str = "2017-10", extra: tuple[str, ...] = ("--jobs", "2")):
        self.base, self.marker = base, uuid.uuid4().hex
        self.tmp = base / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self.pidfile, self.pausefile = base / f"{name}.pids", base / f"{name}.paused"
        env = {**os.environ, "COUNCIL_TEST_RUN": self.marker, "TMPDIR": str(self.tmp),
               "COUNCIL_TEST_SLEEP": str(sleep), "ANALYSIS_REPORT_PAUSE": pause,
               "ANALYSIS_REPORT_PAUSE_FILE": str(self.pausefile)}
        if sleep:
            env["COUNCIL_TEST_PIDFILE"] = str(self.pidfile)
        self.log = open(base / f"{name}.log", "w+")  # noqa: SIM115 - open for the life of the process it logs
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis", "report", "--authority", "Cambridgeshire", "--period", period,
             "--notebooks", str(notebooks), "--out", str(base / "reports"), *extra],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_for(self, path: Path, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while not path.exists():
            assert self.process.poll() is None, f"the run ended early: {self.output()}"
            assert time.monotonic() < deadline, f"{path.name} never appeared: {self.output()}"
            time.sleep(0.05)
        return path.read_text()

    def kill(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=60)

    def wait(self) -> int:
        return self.process.wait(timeout=300)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def processes(self) -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if f"COUNCIL_TEST_RUN={self.marker}".encode() in (entry / "environ").read_bytes():
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")[:120]
                    found.append(f"{entry.name}: {command!r}")
            except OSError:
                continue
        return found

    def survivors(self, grace: float = 10.0) -> list[str]:
        """The run's processes still alive ``grace`` seconds after it ended (a parent-death signal
        is immediate; this only allows for a loaded machine)."""
        deadline = time.monotonic() + grace
        while (found := self.processes()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return found


def _pack(base: Path) -> dict[str, bytes]:
    folder = base / "reports" / PACK[0] / PACK[1]
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _debris(base: Path) -> list[str]:
    found = [p.name for p in (base / "tmp").iterdir()]
    reports = base / "reports"
    found += [p.relative_to(reports).as_posix() for p in reports.rglob(".staging-*")]
    found += [p.relative_to(reports).as_posix() for p in reports.rglob(".previous-*")]
    return found


@pytest.fixture(scope="module")
def first_pack(tmp_path_factory, notebooks) -> Path:
    """A reports folder holding a complete pack from a run that ended normally."""
    base = tmp_path_factory.mktemp("first")
    run = Run(base, notebooks, name="first")
    assert run.wait() == 0, run.output()
    assert run.survivors() == []
    assert set(_pack(base)) >= {"index.html", "10_synthetic_wait.html", "90_reconciliation.html", "manifest.json"}
    assert _debris(base) == []
    return base / "reports"


@pytest.fixture
def published(tmp_path, first_pack) -> Path:
    """This test's copy of the published pack."""
    shutil.copytree(first_pack, tmp_path / "reports")
    return tmp_path


def _next_run_cleans_up(base: Path, notebooks: Path, before: dict[str, bytes], *, full: bool = False) -> None:
    """The next run removes what a killed run left; ``full``: it also publishes the same pack
    again (otherwise it is a run refused at its first check, which cleans up all the same)."""
    run = Run(base, notebooks, name="next", period="2017-10" if full else "2017-13")
    assert run.wait() == (0 if full else 2), run.output()
    assert run.survivors() == []
    assert _debris(base) == []
    after = _pack(base)
    assert {k: v for k, v in after.items() if k.endswith(".html")} == {
        k: v for k, v in before.items() if k.endswith(".html")}  # same inputs, same bytes


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_during_execution(published, notebooks, sig):
    before = _pack(published)
    run = Run(published, notebooks, sleep=60, name="killed")
    run.wait_for(run.pidfile)  # a kernel is executing the synthetic report, another may run 90
    assert len(run.processes()) >= 5  # the run, two workers, their kernels
    code = run.kill(sig)
    assert code == (130 if sig == signal.SIGTERM else -signal.SIGKILL), run.output()
    assert run.survivors() == []
    assert _pack(published) == before  # the published pack, byte for byte
    if sig == signal.SIGTERM:
        assert "interrupted" in run.output() and "Traceback" not in run.output()
        assert _debris(published) == []  # an orderly stop cleans up after itself
    else:
        left = _debris(published)  # what SIGKILL leaves: the staging folder and temporary folders
        assert any(d.startswith("cambridgeshire/.staging-2017-10-") for d in left), left
        assert any(d.startswith("council-report-worker-") for d in left), left
    _next_run_cleans_up(published, notebooks, before, full=sig == signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("point", ["planned", "staged"])
def test_killed_at_a_pause_point(published, notebooks, sig, point):
    """``planned``: the workers are starting their kernels; ``staged``: the new pack is complete
    in its staging folder and about to be switched in."""
    before = _pack(published)
    run = Run(published, notebooks, pause=point, name="paused")
    run.wait_for(run.pausefile)
    if point == "staged":
        staged = list((published / "reports" / PACK[0]).glob(".staging-*"))
        assert len(staged) == 1 and (staged[0] / "index.html").is_file()
    code = run.kill(sig)
    assert code == (130 if sig == signal.SIGTERM else -signal.SIGKILL), run.output()
    assert run.survivors() == []
    assert _pack(published) == before
    if sig == signal.SIGTERM:
        assert _debris(published) == []
    elif point == "staged":
        assert any(d.startswith("cambridgeshire/.staging-2017-10-") for d in _debris(published))
    _next_run_cleans_up(published, notebooks, before)


def test_two_runs_at_once_on_one_reports_folder(published, notebooks):
    before = _pack(published)
    runs = [Run(published, notebooks, name=f"concurrent{i}") for i in range(2)]
    assert [r.wait() for r in runs] == [0, 0], [r.output() for r in runs]
    assert [r.survivors() for r in runs] == [[], []]
    after = _pack(published)
    assert {k: v for k, v in after.items() if k.endswith(".html")} == {
        k: v for k, v in before.items() if k.endswith(".html")}
    assert _debris(published) == []
    assert (published / "reports" / "index.html").read_text().count("monitoring pack October 2017</a>") == 1


@pytest.mark.parametrize("victim", ["worker", "kernel"])
def test_a_killed_worker_or_kernel_fails_its_report_by_name(published, notebooks, victim):
    """The out-of-memory killer sends SIGKILL to the biggest process: a kernel or its worker."""
    before = _pack(published)
    run = Run(published, notebooks, sleep=60, name=f"oom-{victim}")
    kernel, worker = (int(x) for x in run.wait_for(run.pidfile).split())
    os.kill(worker if victim == "worker" else kernel, signal.SIGKILL)
    assert run.wait() == 1, run.output()
    output = run.output()
    assert "Traceback" not in output and "BrokenProcessPool" not in output
    assert "1 report(s) FAILED: 10_synthetic_wait" in output
    if victim == "worker":
        assert f"10_synthetic_wait did not finish: its worker process (pid {worker}) was killed by SIGKILL" in output
    else:
        assert "DeadKernelError: Kernel died (its kernel process was killed" in output
        assert "Kernel died while waiting" not in output  # no log noise: the report says it
    assert "[2/2] cambridgeshire/2017-10 90_reconciliation: ok" in output or \
        "[1/2] cambridgeshire/2017-10 90_reconciliation: ok" in output  # the other report still ran
    assert run.survivors() == []
    assert _pack(published) == before  # a run with a failed report is not published as the pack
    failed = list((published / "reports" / "failed").iterdir())
    assert len(failed) == 1 and (failed[0] / "90_reconciliation.html").is_file()
    assert _debris(published) == []


def test_a_killed_run_on_dask_leaves_no_worker_or_kernel(published, notebooks):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    before = _pack(published)
    run = Run(published, notebooks, sleep=60, name="dask", extra=("--dask-local", "2"))
    run.wait_for(run.pidfile)
    assert run.kill(signal.SIGKILL) == -signal.SIGKILL
    assert run.survivors() == []  # Dask's worker processes watch their parent; kernels have a parent-death signal
    assert _pack(published) == before
    assert not (published / "tmp" / "dask-scratch-space").exists()
    _next_run_cleans_up(published, notebooks, before)
