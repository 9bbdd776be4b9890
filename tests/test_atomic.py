"""analysis.atomic: a folder replaced as one unit; debris of dead runs removed, live runs' kept."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis import atomic


def _folder(path: Path, content: str) -> Path:
    path.mkdir(parents=True)
    (path / "a.txt").write_text(content)
    (path / "b.txt").write_text(content)
    return path


def test_switch_in_replaces_a_folder_and_removes_the_old_one(tmp_path):
    target = _folder(tmp_path / "pack", "old")
    staging = atomic.staging_dir(tmp_path, ".staging-")
    (staging / "a.txt").write_text("new")
    atomic.switch_in(staging, target)
    assert (target / "a.txt").read_text() == "new"
    assert not (target / "b.txt").exists()  # the whole folder was replaced, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_switch_in_creates_a_missing_target(tmp_path):
    staging = atomic.staging_dir(tmp_path, ".staging-")
    (staging / "a.txt").write_text("new")
    atomic.switch_in(staging, tmp_path / "deep" / "pack")
    assert (tmp_path / "deep" / "pack" / "a.txt").read_text() == "new"


def test_fallback_path_and_recovery(tmp_path, monkeypatch):
    """Where renameat2 is unavailable the two-rename path is used; a crash between the renames
    is repaired by recover()."""
    def unsupported(a, b):
        raise OSError(38, "not implemented")

    monkeypatch.setattr(atomic, "exchange", unsupported)
    target = _folder(tmp_path / "pack", "old")
    staging = atomic.staging_dir(tmp_path, ".staging-")
    (staging / "a.txt").write_text("new")
    atomic.switch_in(staging, target)
    assert (target / "a.txt").read_text() == "new"
    assert not (tmp_path / ".previous-pack").exists()
    # simulate the crash: target renamed away, the new folder never arrived
    os.rename(target, tmp_path / ".previous-pack")
    assert atomic.recover(target) is True
    assert (target / "a.txt").read_text() == "new"


def test_remove_stale_spares_live_owners_and_removes_dead_ones(tmp_path):
    mine = atomic.staging_dir(tmp_path, ".staging-")
    code = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(atomic.__file__).parents[1])!r})
        from analysis import atomic
        atomic.staging_dir(__import__('pathlib').Path({str(tmp_path)!r}), '.staging-')
        os._exit(0)  # dies without cleaning up, like a SIGKILL
    """)
    subprocess.run([sys.executable, "-c", code], check=True)
    folders = sorted(tmp_path.glob(".staging-*"))
    assert len(folders) == 2
    removed = atomic.remove_stale(tmp_path, ".staging-")
    assert removed == [f for f in folders if f != mine]
    assert mine.is_dir()


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux-only")
def test_exchange_swaps_two_folders(tmp_path):
    a, b = _folder(tmp_path / "a", "A"), _folder(tmp_path / "b", "B")
    atomic.exchange(a, b)
    assert (a / "a.txt").read_text() == "B" and (b / "a.txt").read_text() == "A"
