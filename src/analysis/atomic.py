"""Replacing a folder as one unit, and clearing the debris of runs that died.

Both ``data/processed`` (ingest) and a published pack (``reports/<authority>/<period>``) are
folders that readers must only ever see complete: either the old set of files or the new one,
never a mixture, and never nothing.  The new folder is built beside the target (a *staging*
folder on the same file system) and switched in with :func:`switch_in`:

* where the target does not exist yet, one ``rename`` moves the staging folder into place;
* where it exists, Linux's ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one system
  call, so at every instant the target path holds a complete folder; the old one (now under the
  staging name) is then deleted;
* where that call is unavailable (another kernel or file system), the target is first renamed
  to a ``.previous-`` name and the staging folder renamed into place; :func:`recover` (which
  every run calls first) puts a ``.previous-`` folder back if a crash fell between the two
  renames.

Staging folders carry a lock: :func:`staging_dir` creates ``<parent>/<prefix><random>/`` and
holds an exclusive ``flock`` on a file inside it for as long as the creating process lives.
:func:`remove_stale` deletes every folder with that prefix whose lock nobody holds - the
leftovers of a run killed with SIGKILL or by a power cut - and leaves a live run's alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".staging.lock"
PREVIOUS_PREFIX = ".previous-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_held: dict[str, int] = {}  # staging folder -> open lock descriptor (kept for the process's life)


def _renameat2():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is not None:
        func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        func.restype = ctypes.c_int
    return func


def exchange(a: Path, b: Path) -> None:
    """Swap two existing paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).
    Raises :class:`OSError` (``ENOSYS``/``EINVAL``) where the system cannot."""
    func = _renameat2()
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if func(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def switch_in(staging: Path, target: Path) -> None:
    """Make the complete folder ``staging`` the new ``target`` in one step; the old target (if
    any) is deleted afterwards.  ``staging`` and ``target`` must be on one file system."""
    staging, target = Path(staging), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _fsync_dir(staging)
    if not target.exists():
        os.rename(staging, target)
        _fsync_dir(target.parent)
        _release(staging)
        return
    try:
        exchange(staging, target)
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        previous = target.parent / f"{PREVIOUS_PREFIX}{target.name}"
        shutil.rmtree(previous, ignore_errors=True)
        os.rename(target, previous)  # a crash here is repaired by recover()
        os.rename(staging, target)
        _fsync_dir(target.parent)
        shutil.rmtree(previous, ignore_errors=True)
        _release(staging)
        return
    _fsync_dir(target.parent)
    _release(staging)
    shutil.rmtree(staging, ignore_errors=True)  # now holds the old target


def recover(target: Path) -> bool:
    """Undo a switch that died between its two renames (fallback path only): if ``target`` is
    missing and its ``.previous-`` folder exists, put it back.  True when something was repaired."""
    target = Path(target)
    previous = target.parent / f"{PREVIOUS_PREFIX}{target.name}"
    if previous.is_dir() and not target.exists():
        os.rename(previous, target)
        return True
    if previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
    return False


def staging_dir(parent: Path, prefix: str) -> Path:
    """A new, locked staging folder ``parent/<prefix><random>``.  The lock is held until the
    folder is switched in or this process ends; :func:`remove_stale` never touches it before."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _held[str(folder)] = fd
    return folder


def _release(folder: Path) -> None:
    fd = _held.pop(str(folder), None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def discard(folder: Path) -> None:
    """Delete a staging folder this process created (after a failure or interruption)."""
    _release(Path(folder))
    shutil.rmtree(folder, ignore_errors=True)


def _stale(parent: Path, prefix: str) -> Iterator[Path]:
    if not Path(parent).is_dir():
        return
    for folder in sorted(Path(parent).glob(f"{prefix}*")):
        if not folder.is_dir() or str(folder) in _held:
            continue
        lock = folder / LOCK_NAME
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            yield folder  # created before the lock file, or the lock is gone: nobody owns it
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run owns it
        finally:
            os.close(fd)
        yield folder


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Delete the staging folders under ``parent`` named ``<prefix>…`` whose owner has died.
    Returns what was removed."""
    removed = []
    for folder in list(_stale(parent, prefix)):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
