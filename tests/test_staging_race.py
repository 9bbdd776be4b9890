"""The staging race (issue 20): a run creating its staging folder and another run's clean-up
(:func:`analysis.atomic.remove_stale`) side by side, in separate processes, many times over.  A
live folder - created and not yet discarded by its owner - must never be removed.

Before the fix, ``staging_dir`` made the folder with ``mkdtemp`` and created its lock after, and a
clean-up in between took the lockless folder for a dead run's and removed it (the owner then
failed with ``FileNotFoundError`` creating its lock, or found its files gone).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from analysis import atomic

PREFIX = ".staging-2019-11-"
ROUNDS = 1000  # per creator: the old code lost about one folder in seven; an intermediate fix 1 in 500


def _create_many(parent: str, rounds: int, errors: multiprocessing.Queue) -> None:
    """A run making and discarding staging folders; reports every live folder found damaged."""
    lost = []
    for _ in range(rounds):
        try:
            folder = atomic.staging_dir(Path(parent), PREFIX)
            (folder / "report.html").write_text("a report", encoding="utf-8")
            if not (folder / atomic.LOCK_NAME).is_file() or not (folder / "report.html").is_file():
                lost.append(f"{folder.name}: emptied while its owner lived")
            atomic.discard(folder)
        except OSError as exc:  # the folder removed under its owner
            lost.append(f"{type(exc).__name__}: {exc}")
    errors.put(lost)


def _clean_until(parent: str, stop: multiprocessing.Event, removed: multiprocessing.Queue) -> None:
    """Another run's clean-up, over and over (with no grace for lockless folders, the harshest
    setting: only a held lock protects a folder)."""
    count = 0
    while not stop.is_set():
        count += len(atomic.remove_stale(Path(parent), PREFIX, grace_s=-1))
    removed.put(count)


def test_no_live_staging_folder_is_ever_removed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    errors, removed, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    cleaner = ctx.Process(target=_clean_until, args=(str(tmp_path), stop, removed))
    cleaner.start()
    creators = [ctx.Process(target=_create_many, args=(str(tmp_path), ROUNDS, errors)) for _ in range(2)]
    for p in creators:
        p.start()
    lost = [line for _ in creators for line in errors.get(timeout=600)]
    for p in creators:
        p.join(timeout=60)
    stop.set()
    removed.get(timeout=60)
    cleaner.join(timeout=60)
    assert [p.exitcode for p in creators + [cleaner]] == [0, 0, 0]
    assert lost == [], f"{len(lost)} live folders removed, e.g. {lost[:3]}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(PREFIX)]  # every one discarded


def test_a_pending_folder_of_a_dead_creator_is_removed_only_after_the_grace_period(tmp_path):
    """A creator killed between making its folder and locking it leaves a lockless pending
    folder: younger than the grace period it is left alone, older it is removed."""
    pending = tmp_path / f"{atomic.PENDING_PREFIX}{PREFIX}abc123"
    pending.mkdir()
    locked = tmp_path / f"{atomic.PENDING_PREFIX}{PREFIX}def456"  # lock file made, not yet locked
    locked.mkdir()
    (locked / atomic.LOCK_NAME).touch()
    assert atomic.remove_stale(tmp_path, PREFIX, grace_s=-1) == []
    assert pending.is_dir() and locked.is_dir()
    old = time.time() - max(atomic.GRACE_S, atomic.PENDING_GRACE_S) - 1
    for folder in (pending, locked):
        os.utime(folder, (old, old))
    assert atomic.remove_stale(tmp_path, PREFIX) == [pending, locked]


def test_a_pending_folder_whose_creator_has_died_is_removed_at_once(tmp_path):
    """The pending name holds its creator's pid: a creator SIGKILLed before naming its folder (a
    run killed while its workers start) leaves a folder the next run removes, not one left for the
    grace period; a live creator's is left alone."""
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    gone = tmp_path / f"{atomic.PENDING_PREFIX}{PREFIX}{dead.stdout.strip()}-abc123"
    live = tmp_path / f"{atomic.PENDING_PREFIX}{PREFIX}{os.getpid()}-def456"
    for folder in (gone, live):
        folder.mkdir()
    assert atomic.remove_stale(tmp_path, PREFIX) == [gone]
    assert live.is_dir() and not gone.exists()
    made = atomic.staging_dir(tmp_path, PREFIX)  # and a folder made here carries the pid while pending
    assert made.name.startswith(f"{PREFIX}{os.getpid()}-")
    atomic.discard(made)


def test_a_staging_folder_is_locked_before_it_has_its_name(tmp_path, monkeypatch):
    """Whenever a folder with the staging name exists, its lock is already held."""
    seen = []
    real = atomic.rename_new

    def watch(source, target):
        seen.append((Path(target).exists(), (Path(source) / atomic.LOCK_NAME).is_file()))
        real(source, target)

    monkeypatch.setattr(atomic, "rename_new", watch)
    folder = atomic.staging_dir(tmp_path, PREFIX)
    assert seen == [(False, True)]  # named only once its lock file was made (and locked)
    assert atomic.remove_stale(tmp_path, PREFIX, grace_s=-1) == []
    assert folder.is_dir() and folder.name.startswith(PREFIX)
    assert not list(tmp_path.glob(f"{atomic.PENDING_PREFIX}*"))
