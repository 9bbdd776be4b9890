"""Faults injected into `python -m analysis ingest` (issue 7): SIGTERM and SIGKILL at every step
of writing the table set, and runs at the same time.  Each case asserts that data/processed is
the complete old set or the complete new set (checked against its _tables.json), that no staging
folder survives the next run, and that no process outlives its run.

A run is stopped at a named point by ``$COUNCIL_ANALYSIS_PAUSE_AT=<point>:<marker>``
(:func:`analysis.tableset.pause_point`): it writes the marker and waits there, to be killed or
to go on when the marker is deleted.  The "new" set differs from the "old" by a SYNTHETIC
November tracker made from 003.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import tableset
from analysis.ingest import run_ingest
from analysis.manifest import register

from .conftest import RAW, ROOT
from .fixtures.trackers import HEADER, csv_text, rows

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").is_file() else sys.executable
POINTS = ["read", "validated", "staged", "carried", "manifest", "switched"]
#: faults injected into ingest by this module (docs/guarantees.md quotes the count)
FAULTS = len(POINTS) * 2 + 2


@pytest.fixture
def sets(tmp_path):
    """An old complete set in ``processed`` (the bundled papers) and a raw folder whose ingest
    gives a different new set (plus a SYNTHETIC November tracker)."""
    processed = tmp_path / "data" / "processed"
    run_ingest(RAW, processed)
    new_raw = tmp_path / "raw_new"
    shutil.copytree(RAW, new_raw)
    (new_raw / "tracker_2017_11_SYNTHETIC.csv").write_text(csv_text(HEADER, rows(10)), encoding="utf-8")
    register(new_raw, new_raw / "tracker_2017_11_SYNTHETIC.csv", unit="gbp_thousands", kind="savings_tracker",
             authority="Cambridgeshire", period="2017-11", saving_sign="negative")
    return processed, new_raw, manifest(processed)


def manifest(processed: Path) -> dict:
    return json.loads((processed / tableset.TABLES_JSON).read_text(encoding="utf-8"))


def start(raw: Path, out: Path, pause: str | None = None, marker: Path | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != tableset.PAUSE_ENV}
    if pause:
        env[tableset.PAUSE_ENV] = f"{pause}:{marker}"
    return subprocess.Popen([PYTHON, "-m", "analysis", "ingest", "--quiet", "--raw", str(raw), "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before its pause point: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the run never reached its pause point")
        time.sleep(0.05)


def staging_left(processed: Path) -> list[str]:
    return sorted(p.name for p in processed.parent.iterdir() if p.name.startswith("."))


def processes_of(raw: Path) -> list[int]:
    """Processes still running with ``raw`` on their command line."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = next((ln for ln in (proc / "status").read_text().splitlines() if ln.startswith("State:")), "")
        except OSError:
            continue
        if str(raw) in cmdline and "zombie" not in state:
            found.append(int(proc.name))
    return found


def assert_complete(processed: Path, expected: dict) -> None:
    tableset.verify(processed)  # every file matches _tables.json, nothing unlisted
    assert manifest(processed) == expected


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_ingest_leaves_a_complete_set(sets, tmp_path, point, sig):
    processed, new_raw, old = sets
    marker = tmp_path / "paused"
    proc = start(new_raw, processed, point, marker)
    wait_for(marker, proc)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    if sig == signal.SIGTERM:
        assert proc.returncode == 130 and "Traceback" not in err and err.startswith("interrupted"), err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert processes_of(new_raw) == []  # nothing outlives the run
    if point == "switched":  # killed after the switch: the new set is complete
        new = manifest(processed)
        assert new != old and "tracker_2017_11_SYNTHETIC.csv" in new["producers"]["ingest"]["inputs"]
        assert_complete(processed, new)
    else:  # killed before it: the old set, untouched
        assert_complete(processed, old)
    if sig == signal.SIGTERM:
        assert staging_left(processed) == []  # SIGTERM cleans up at once
        return
    # the next run removes whatever a SIGKILL left and publishes the new set
    assert subprocess.run([PYTHON, "-m", "analysis", "ingest", "--quiet", "--raw", str(new_raw), "--out",
                           str(processed)], cwd=ROOT, timeout=300).returncode == 0
    assert staging_left(processed) == []
    assert "tracker_2017_11_SYNTHETIC.csv" in manifest(processed)["producers"]["ingest"]["inputs"]
    tableset.verify(processed)


def test_two_ingests_at_once_each_publish_a_complete_set(sets):
    processed, new_raw, old = sets
    runs = [start(RAW, processed), start(new_raw, processed)]
    for proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    final = manifest(processed)
    inputs = set(final["producers"]["ingest"]["inputs"])
    assert inputs in ({p.name for p in RAW.iterdir()} - {"manifest.csv"},
                      {p.name for p in new_raw.iterdir() if p.is_file()} - {"manifest.csv"})
    assert_complete(processed, final)
    assert staging_left(processed) == []


def test_a_second_producer_waits_and_keeps_ingests_new_tables(sets, tmp_path):
    """Ingest holds the set's lock between carrying over and switching; a public-stats run that
    starts meanwhile waits, then carries ingest's *new* tables over - no lost update."""
    processed, new_raw, old = sets
    marker = tmp_path / "paused"
    ingest = start(new_raw, processed, "carried", marker)
    wait_for(marker, ingest)
    code = ("import pandas as pd; from pathlib import Path; from analysis import tableset; "
            f"tableset.publish(Path({str(processed)!r}), producer='public-stats', "
            "tables={'public_example': pd.DataFrame({'rate': [1.5]})}, inputs={'SYNTHETIC.csv': 'ab' * 32})")
    other = subprocess.Popen([PYTHON, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    assert other.poll() is None  # waiting for the lock
    marker.unlink()  # let ingest go on
    assert ingest.wait(timeout=300) == 0
    assert other.wait(timeout=300) == 0, other.stderr.read()
    final = manifest(processed)
    assert final["files"]["public_example.parquet"]["producer"] == "public-stats"
    assert "tracker_2017_11_SYNTHETIC.csv" in final["producers"]["ingest"]["inputs"]  # ingest's new set kept
    assert_complete(processed, final)


def test_documented_count_of_faults_injected():
    # docs/guarantees.md ("Ingest: what is guaranteed") quotes how many faults these tests inject
    page = " ".join((ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8").split())
    assert f"{FAULTS} faults injected into ingest" in page
