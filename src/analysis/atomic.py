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

Staging folders carry a lock from birth: :func:`staging_dir` creates the folder under a
*pending* name (``.pending-<prefix><pid>-<random>``, which no clean-up of ``<prefix>`` looks at), creates
and locks (``flock``) a lock file inside it, and only then renames it to ``<parent>/<prefix><random>/``;
the lock is held for as long as the creating process lives (or until the folder is switched in or
discarded).  So a folder with the staging name is never seen unlocked while its owner lives.
:func:`remove_stale` deletes every folder with that prefix whose lock nobody holds - the
leftovers of a run killed with SIGKILL or by a power cut - and leaves a live run's alone.  A
folder with the staging name but no lock file (debris of older versions, or an old pack being
deleted after an exchange) is removed only once older than :data:`GRACE_S`; a pending folder
as soon as the process named in it has died (it can never be named now), otherwise only once
older than :data:`PENDING_GRACE_S`, whatever its lock says (its creator may be about to lock it:
a clean-up that took the free lock first would delete a folder about to be used).

Whatever is switched in is *published*: every folder gets mode ``0o777 & ~umask`` and every file
``0o666 & ~umask`` (``0755``/``0644`` under umask 022, ``0775``/``0664`` under 002;
:func:`publish_modes`), whatever private modes it was built with (``mkdtemp`` makes ``0700``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = [
    "GRACE_S", "LOCK_NAME", "PENDING_GRACE_S", "PENDING_PREFIX", "PREVIOUS_PREFIX", "current_umask",
    "discard", "exchange", "fsync_dir", "publish_modes", "recover", "remove_stale", "rename_new",
    "staging_dir", "switch_in",
]

LOCK_NAME = ".staging.lock"
PREVIOUS_PREFIX = ".previous-"
PENDING_PREFIX = ".pending-"  # a staging folder being created, before it is locked and named
#: seconds a folder without a lock file is left alone by :func:`remove_stale` (its creator may
#: be between creating it and locking it); a folder whose lock file is free is removed at once
GRACE_S = 600.0
#: seconds a pending folder is left alone whatever its lock says (its creator names it within
#: microseconds of making it; only a creator that died in between leaves one)
PENDING_GRACE_S = 60.0
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_held: dict[str, int] = {}  # staging folder -> open lock descriptor (kept for the process's life)


def _renameat2() -> Callable[..., int] | None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is not None:
        func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        func.restype = ctypes.c_int
    return func


def _rename2(a: Path, b: Path, flags: int) -> None:
    func = _renameat2()
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if func(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def exchange(a: Path, b: Path) -> None:
    """Swap two existing paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Parameters
    ----------
    a, b : pathlib.Path
        The two paths, on one file system.

    Raises
    ------
    OSError
        ``ENOSYS`` or ``EINVAL`` where the system cannot.
    """
    _rename2(a, b, _RENAME_EXCHANGE)


def rename_new(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, which must not exist.

    A plain ``rename`` would silently replace an empty folder.  Atomic where ``renameat2`` with
    ``RENAME_NOREPLACE`` is available, else checked just before the rename.

    Parameters
    ----------
    source : pathlib.Path
        The path to rename.
    target : pathlib.Path
        Its new name, on the same file system.

    Raises
    ------
    FileExistsError
        When ``target`` exists.
    """
    try:
        _rename2(Path(source), Path(target), _RENAME_NOREPLACE)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, "already exists", str(target)) from None
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "already exists", str(target)) from None
        os.rename(source, target)


def current_umask() -> int:
    """The process's umask.

    Read without changing it where Linux shows it (``/proc/self/status``), else by setting and
    restoring it.

    Returns
    -------
    int
        The umask, e.g. ``0o022``.
    """
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish_modes(path: Path, umask: int | None = None) -> None:
    """Give ``path`` and everything under it the modes of a published folder.

    Folders ``0o777 & ~umask``, files ``0o666 & ~umask`` (``0o777 & ~umask`` for a file its owner
    may execute).  Symbolic links are left alone (never followed).

    Parameters
    ----------
    path : pathlib.Path
        The folder.
    umask : int or None, optional
        The umask to apply; default the process's (:func:`current_umask`).
    """
    mask = current_umask() if umask is None else umask
    path = Path(path)
    _chmod(path, mask)
    if not path.is_dir() or path.is_symlink():
        return
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            _chmod(Path(folder) / name, mask)


def _chmod(path: Path, mask: int) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        return
    want = 0o777 if stat.S_ISDIR(mode) or mode & stat.S_IXUSR else 0o666
    if stat.S_IMODE(mode) != want & ~mask:
        os.chmod(path, want & ~mask)


def switch_in(staging: Path, target: Path) -> None:
    """Make the complete folder ``staging`` the new ``target`` in one step.

    The old target (if any) is deleted afterwards.  The folder is given the published modes first
    (:func:`publish_modes`) and its lock file is removed once it is in place.

    Parameters
    ----------
    staging : pathlib.Path
        The complete new folder.
    target : pathlib.Path
        The published folder, on the same file system as ``staging``.
    """
    staging, target = Path(staging), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    publish_modes(staging)
    _fsync_dir(staging)
    if not target.exists():
        os.rename(staging, target)
        _fsync_dir(target.parent)
        _release(staging)
        (target / LOCK_NAME).unlink(missing_ok=True)
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
        (target / LOCK_NAME).unlink(missing_ok=True)
        return
    _fsync_dir(target.parent)
    _release(staging)
    (target / LOCK_NAME).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)  # now holds the old target


def recover(target: Path) -> bool:
    """Undo a switch that died between its two renames (fallback path only).

    If ``target`` is missing and its ``.previous-`` folder exists, put it back.

    Parameters
    ----------
    target : pathlib.Path
        The published folder.

    Returns
    -------
    bool
        True when something was repaired.
    """
    target = Path(target)
    previous = target.parent / f"{PREVIOUS_PREFIX}{target.name}"
    if previous.is_dir() and not target.exists():
        os.rename(previous, target)
        return True
    if previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
    return False


def staging_dir(parent: Path, prefix: str) -> Path:
    """A new, locked, private (``0700``) staging folder ``parent/<prefix><random>``.

    It is locked before it gets that name (module docstring), and the lock is held until the folder
    is switched in or this process ends; :func:`remove_stale` never touches it before.

    Parameters
    ----------
    parent : pathlib.Path
        The folder to make it in (that of the published folder).
    prefix : str
        Its name prefix.

    Returns
    -------
    pathlib.Path
        The new folder.
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        # the creator's pid in the pending name: a clean-up can tell a creator that died before
        # naming it (SIGKILL between two system calls) from one about to
        pending = Path(tempfile.mkdtemp(prefix=f"{PENDING_PREFIX}{prefix}{os.getpid()}-", dir=parent))
        try:
            fd = os.open(pending / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        except FileNotFoundError:
            continue  # removed by an older version's clean-up: make another
        fcntl.flock(fd, fcntl.LOCK_EX)
        folder = parent / f"{prefix}{pending.name[len(PENDING_PREFIX) + len(prefix):]}"
        try:
            rename_new(pending, folder)
        except (FileExistsError, FileNotFoundError):
            os.close(fd)
            shutil.rmtree(pending, ignore_errors=True)
            continue
        except BaseException:
            os.close(fd)
            shutil.rmtree(pending, ignore_errors=True)
            raise
        _held[str(folder)] = fd
        return folder


def _release(folder: Path) -> None:
    fd = _held.pop(str(folder), None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def discard(folder: Path) -> None:
    """Delete a staging folder this process created (after a failure or interruption).

    Parameters
    ----------
    folder : pathlib.Path
        The staging folder.
    """
    _release(Path(folder))
    shutil.rmtree(folder, ignore_errors=True)


def _stale(parent: Path, prefix: str, grace_s: float) -> Iterator[Path]:
    if not Path(parent).is_dir():
        return
    pending = sorted(Path(parent).glob(f"{PENDING_PREFIX}{prefix}*"))
    for folder in sorted(Path(parent).glob(f"{prefix}*")) + pending:
        if not folder.is_dir() or folder.is_symlink() or str(folder) in _held:
            continue
        if folder in pending:
            alive = _creator_alive(folder, prefix)
            if alive is False:  # its creator died before naming it: it can never be used
                yield folder
                continue
            if _age_s(folder) <= PENDING_GRACE_S:
                # its creator may not have locked it yet: taking the lock first would let this
                # clean-up delete it while the creator, once locked, renames it into use
                continue
        try:
            fd = os.open(folder / LOCK_NAME, os.O_RDWR)
        except FileNotFoundError:
            # no lock file: a pending folder whose creator is about to lock it (or died first),
            # or debris of another version; only old enough ones are abandoned for sure
            if _age_s(folder) > grace_s:
                yield folder
            continue
        except OSError:
            continue  # not ours to judge (permissions): leave it
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run owns it
        finally:
            os.close(fd)
        yield folder


def _creator_alive(pending: Path, prefix: str) -> bool | None:
    """Whether the process that made a pending folder (its pid in the name) still lives; ``None``
    when the name holds no pid (an older version's)."""
    pid = pending.name[len(PENDING_PREFIX) + len(prefix):].split("-", 1)[0]
    if not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, someone else's
        return True
    return True


def _age_s(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def remove_stale(parent: Path, prefix: str, *, grace_s: float = GRACE_S) -> list[Path]:
    """Delete the staging folders under ``parent`` whose owner has died.

    Those named ``<prefix>…`` whose lock file is free, or that have none and are older than
    ``grace_s`` seconds; and the pending ones (``.pending-<prefix><pid>-…``) whose creator died
    before naming them (or, without a pid in the name, that are older than :data:`PENDING_GRACE_S`
    and unlocked).  A folder whose lock is held is
    never removed.

    Parameters
    ----------
    parent : pathlib.Path
        The folder holding the staging folders.
    prefix : str
        Their name prefix.
    grace_s : float, optional
        Age in seconds after which an unlocked folder without a lock file counts as stale.

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    removed = []
    for folder in list(_stale(parent, prefix, grace_s)):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename into or out of it) durable; errors are ignored.

    Parameters
    ----------
    path : pathlib.Path
        The folder.
    """
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
