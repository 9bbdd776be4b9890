"""data/processed as one table set (issue 7, briefing decision 3): published whole with
_tables.json written last, another producer's tables carried over, and every read checked.

Expected hashes are computed here with hashlib from the bytes on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import atomic, data, tableset
from analysis.errors import TableSetError
from analysis.ingest import run_ingest

from .conftest import RAW


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    """data/raw ingested once for the module (read only: each test gets a copy)."""
    out = tmp_path_factory.mktemp("ingested") / "processed"
    run_ingest(RAW, out)
    return out


@pytest.fixture
def processed(ingested, tmp_path) -> Path:
    """A private copy of a fresh ingest (files, modes and times as written) a test may damage."""
    out = tmp_path / "processed"
    shutil.copytree(ingested, out)
    return out


def public_tables() -> dict[str, pd.DataFrame]:
    """A stand-in for the public-stats producer (analysis/statistics/): one SYNTHETIC table."""
    return {"public_example": pd.DataFrame({"authority": ["Torbay"], "rate_per_10k": [1.5]})}


def test_manifest_lists_every_file_with_its_hash_producer_and_inputs(processed):
    manifest = json.loads((processed / tableset.TABLES_JSON).read_text(encoding="utf-8"))
    files = {p.name for p in processed.iterdir() if not p.name.startswith((".", "_"))}
    assert set(manifest["files"]) == files
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == sha(processed / name), name
        assert entry["bytes"] == (processed / name).stat().st_size
        assert entry["producer"] == "ingest"
    raw_files = {line.split(",")[0] for line in (RAW / "manifest.csv").read_text().splitlines()[1:] if line}
    assert set(manifest["producers"]["ingest"]["inputs"]) == raw_files
    # a table knows which raw files it came from: the tracker only from 003
    assert manifest["files"]["savings_tracker.parquet"]["inputs"] == ["003_d6533d87f79221f8.txt"]


def test_load_verifies_and_reads(processed):
    table = data.load("savings_tracker", processed)
    assert len(table) == 67  # 003: 67 saving lines
    assert data.verify_tables(["savings_tracker", "sources"], processed) == sha(processed / tableset.TABLES_JSON)


def test_an_edited_table_is_refused(processed):
    path = processed / "savings_tracker.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "planned_total_gbp"] = 0
    frame.to_parquet(path, index=False)
    with pytest.raises(TableSetError, match="savings_tracker.parquet does not match _tables.json"):
        data.load("savings_tracker", processed)
    with pytest.raises(TableSetError):
        data.verify_tables(None, processed)


def test_a_table_replaced_by_other_bytes_is_refused(processed, tmp_path):
    # what a killed run of the old, table-by-table writer left: one file from another run
    (processed / "sources.parquet").write_bytes((processed / "sources.parquet").read_bytes() + b"\0")
    with pytest.raises(TableSetError, match="mixes files of different runs"):
        data.load("sources", processed)


def test_a_partial_set_is_refused(processed):
    (processed / "reconciliation.parquet").unlink()
    with pytest.raises(TableSetError, match="listed in _tables.json but missing"):
        data.load("reconciliation", processed)


def test_a_folder_without_manifest_is_refused(tmp_path):
    folder = tmp_path / "processed"
    folder.mkdir()
    (folder / ".gitkeep").touch()  # a fresh clone
    with pytest.raises(TableSetError, match="no _tables.json"):
        data.load("sources", folder)


def test_unlisted_table_files_are_reported(processed):
    (processed / "stray.parquet").write_bytes(b"left over")
    with pytest.raises(TableSetError, match="stray.parquet not in _tables.json"):
        data.verify_tables(None, processed)


def test_second_producer_carries_the_first_over_and_back(processed):
    ingest_files = {n: sha(processed / n) for n in json.loads((processed / "_tables.json").read_text())["files"]}
    tableset.publish(processed, producer="public-stats", tables=public_tables(), inputs={"external.csv": "ab" * 32})
    manifest = json.loads((processed / "_tables.json").read_text())
    assert {n for n, e in manifest["files"].items() if e["producer"] == "ingest"} == set(ingest_files)
    for name, digest in ingest_files.items():
        assert sha(processed / name) == digest, name  # carried over unchanged
    assert manifest["files"]["public_example.parquet"]["producer"] == "public-stats"
    assert set(manifest["producers"]) == {"ingest", "public-stats"}
    # ingest runs again: public-stats' table survives, verified
    before = sha(processed / "public_example.parquet")
    run_ingest(RAW, processed)
    manifest = json.loads((processed / "_tables.json").read_text())
    assert manifest["files"]["public_example.parquet"]["producer"] == "public-stats"
    assert sha(processed / "public_example.parquet") == before
    assert tableset.verify(processed)


def test_a_damaged_file_of_the_other_producer_stops_the_publish(processed):
    tableset.publish(processed, producer="public-stats", tables=public_tables(), inputs={})
    (processed / "public_example.csv").write_text("edited\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in processed.iterdir()}
    with pytest.raises(TableSetError, match="public_example.csv \\(producer public-stats\\) does not match"):
        run_ingest(RAW, processed)
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == before  # nothing switched
    assert not [p for p in processed.parent.iterdir() if p.name.startswith(".processed-")]  # staging removed


def test_gitkeep_is_kept_and_not_listed(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / ".gitkeep").touch()
    run_ingest(RAW, out)
    assert (out / ".gitkeep").is_file()
    assert ".gitkeep" not in json.loads((out / "_tables.json").read_text())["files"]
    assert not (out / atomic.LOCK_NAME).exists()


def test_stale_staging_of_a_dead_run_is_removed_by_the_next(processed):
    stale = processed.parent / ".processed-deadbeef"  # a killed run's: its lock file, held by nobody
    stale.mkdir()
    (stale / "half.parquet").write_bytes(b"half")
    (stale / atomic.LOCK_NAME).touch()
    unlocked = processed.parent / ".processed-unlocked"  # no lock file, older than the grace period
    unlocked.mkdir()
    old = time.time() - atomic.GRACE_S - 60
    os.utime(unlocked, (old, old))
    young = processed.parent / ".processed-young"  # no lock file yet: perhaps a run being born
    young.mkdir()
    run_ingest(RAW, processed)
    assert not stale.exists() and not unlocked.exists()
    assert young.is_dir()


def test_read_is_consistent_while_a_new_set_is_switched_in(processed, monkeypatch):
    """A switch between reading _tables.json and the table never mixes two sets: both are read
    through one handle on the folder, and a table removed with the old set is read again from
    the new one."""
    real_open = tableset._open
    switched = []

    def open_and_switch(folder, filename, dir_fd):
        if filename.endswith(".parquet") and not switched:
            switched.append(True)
            run_ingest(RAW, processed)  # a whole new set (same content, new inode folder)
        return real_open(folder, filename, dir_fd)

    monkeypatch.setattr(tableset, "_open", open_and_switch)
    assert len(data.load("savings_tracker", processed)) == 67


def test_files_are_readable_like_ordinary_files(processed):
    assert (processed.stat().st_mode & 0o777) == 0o777 & ~_umask()
    assert ((processed / "savings_tracker.csv").stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
