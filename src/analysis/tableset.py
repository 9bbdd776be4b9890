"""``data/processed`` as one unit: a set of table files, its manifest ``_tables.json``, and the
producers that write it.

Two producers write tables into the one folder: ``ingest`` (from ``data/raw``) and
``public-stats`` (from ``data/external``).  :func:`publish` is the one writer both call:

1. stale staging folders of dead runs are removed and an interrupted switch is repaired
   (:mod:`analysis.atomic`);
2. the producer's tables are written into a new locked staging folder beside the target -
   ``<name>.parquet`` and ``<name>.csv`` (through :mod:`analysis.spreadsheet`, formulas
   neutralised) - plus any extra files (the data dictionary), each fsynced;
3. under an exclusive lock on the parent folder (so two runs, of one producer or of two, never
   lose each other's tables), every file of the *other* producers in the current set is
   hard-linked (or copied) into the staging folder and its sha256 checked against the current
   ``_tables.json``;
4. ``_tables.json`` is written last: for every file its sha256, size, producer and the inputs it
   was made from, and for every producer its inputs with their sha256;
5. the staging folder replaces the target in one atomic switch, with the modes of a published
   folder (:func:`analysis.atomic.publish_modes`: ``0755``/``0644`` under umask 022) - the folder
   and every file in it, carried files included - whatever private modes it was built with.

A run killed at any point leaves the old complete set (or, after step 5, the new one) and a
staging folder that the next run deletes.  Readers (:func:`read_verified`, used by
:func:`analysis.data.load`, and :func:`verify`, for the report planner) check every file they
read against ``_tables.json``, reading both through one handle on the folder so that a switch
in between cannot mix two sets, and raise :class:`~analysis.errors.TableSetError` for a folder
that is missing, partial, mixed or edited.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from . import atomic
from .errors import TableSetError
from .schemas import needs

__all__ = [
    "FORMAT", "KEEP", "PAUSE_ENV", "TABLES_JSON", "pause_point", "publish", "read_manifest", "read_verified",
    "staging_prefix", "verify",
]

TABLES_JSON = "_tables.json"
FORMAT = "council-analysis table set 1"
KEEP = (".gitkeep",)  # carried into every new set when present (an empty folder in git)
PAUSE_ENV = "COUNCIL_ANALYSIS_PAUSE_AT"  # fault tests: "<point>:<marker file>"
Writer = Callable[[Path], None]


def staging_prefix(target: Path) -> str:
    """The name prefix of the staging folders made beside ``target``.

    Parameters
    ----------
    target : pathlib.Path
        The processed folder.

    Returns
    -------
    str
        ``.<folder name>-``.
    """
    return f".{Path(target).name}-"


@needs(tables=())
def publish(target: Path, *, producer: str, tables: Mapping[str, pd.DataFrame], inputs: Mapping[str, str],
            extra: Mapping[str, Writer] | None = None,
            table_inputs: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """Replace the table set at ``target`` by this producer's new tables plus every other producer's
    current files (see the module docstring).

    Parameters
    ----------
    target : pathlib.Path
        The processed folder.
    producer : str
        The command writing (``ingest`` or ``public-stats``).
    tables : mapping of str to pandas.DataFrame
        Table name -> its rows, already conformed to its schema (no column is read here).
    inputs : mapping of str to str
        Each input file name -> its sha256.
    extra : mapping of str to callable, optional
        Further file names -> functions writing them (given the path).
    table_inputs : mapping of str to sequence of str, optional
        Which inputs each table came from (default: all).

    Returns
    -------
    dict
        The new manifest (``_tables.json``).
    """
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = staging_prefix(target)
    atomic.recover(target)
    atomic.remove_stale(parent, prefix)
    staging = atomic.staging_dir(parent, prefix)
    try:
        files: dict[str, dict[str, Any]] = {}
        write: Writer
        for name, frame in tables.items():
            made_from = sorted(table_inputs.get(name, inputs) if table_inputs else inputs)
            for filename, write in ((f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, index=False,
                                                                                          engine="pyarrow")),
                                    (f"{name}.csv", lambda p, f=frame: _write_csv(f, p))):
                write(staging / filename)
                files[filename] = _entry(staging / filename, producer, made_from)
        for filename, write in (extra or {}).items():
            write(staging / filename)
            files[filename] = _entry(staging / filename, producer, sorted(inputs))
        pause_point("staged")
        with _locked(parent):
            current = _current(target)
            for filename, entry in sorted(current.get("files", {}).items()):
                if entry.get("producer") == producer or filename in files:
                    continue
                files[filename] = _carry(target, staging, filename, entry)
            for keep in KEEP:
                if (target / keep).is_file():
                    (staging / keep).touch()
            pause_point("carried")
            producers = {p: v for p, v in current.get("producers", {}).items()
                         if p != producer and any(e["producer"] == p for e in files.values())}
            producers[producer] = {"inputs": dict(sorted(inputs.items()))}
            manifest = {"format": FORMAT, "files": dict(sorted(files.items())),
                        "producers": dict(sorted(producers.items()))}
            data = (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
            with open(staging / TABLES_JSON, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            pause_point("manifest")
            atomic.switch_in(staging, target)
        with contextlib.suppress(OSError):
            (target / atomic.LOCK_NAME).unlink()
        pause_point("switched")
        return manifest
    except BaseException:
        if staging.exists() and staging != target:
            atomic.discard(staging)
        raise


def read_manifest(folder: Path, dir_fd: int | None = None) -> dict[str, Any]:
    """The folder's ``_tables.json``.

    Parameters
    ----------
    folder : pathlib.Path
        The processed folder.
    dir_fd : int or None, optional
        An open handle on the folder to read through (default: open the path).

    Returns
    -------
    dict
        The manifest: ``format``, ``files`` and ``producers``.

    Raises
    ------
    analysis.errors.TableSetError
        When it is missing or unreadable.
    """
    folder = Path(folder)
    try:
        with _open(folder, TABLES_JSON, dir_fd) as handle:
            manifest: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        raise TableSetError(f"{folder}: no {TABLES_JSON} - the folder was not written by a complete run of "
                            "`python -m analysis ingest`; run it (`make ingest`)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise TableSetError(f"{folder}/{TABLES_JSON} is damaged ({exc}); run `python -m analysis ingest` "
                            "again") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise TableSetError(f"{folder}/{TABLES_JSON}: not a table-set manifest ({FORMAT}); run ingest again")
    return manifest


def read_verified(folder: Path, filename: str) -> bytes:
    """The bytes of ``filename`` in the set at ``folder``, checked against ``_tables.json``.

    Both are read through one handle on the folder (a concurrent switch cannot mix two sets; a file
    deleted under us is retried).

    Parameters
    ----------
    folder : pathlib.Path
        The processed folder.
    filename : str
        A file of the set, e.g. ``savings_tracker.parquet``.

    Returns
    -------
    bytes
        The file's contents.
    """
    folder = Path(folder)
    for attempt in range(3):
        try:
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            raise TableSetError(f"{folder}: no such folder - run `python -m analysis ingest` first") from None
        try:
            manifest = read_manifest(folder, dir_fd)
            entry = manifest["files"].get(filename)
            if entry is None:
                made_by = ", ".join(sorted(manifest.get("producers", {}))) or "none"
                raise TableSetError(f"{folder}: {filename} is not in this table set (made by: {made_by}); run the "
                                    "producer that writes it (`python -m analysis ingest`)")
            try:
                with _open(folder, filename, dir_fd) as handle:
                    data = handle.read()
            except FileNotFoundError:
                if attempt < 2:
                    continue  # a switch removed the old set while we read it: read the new one
                raise TableSetError(f"{folder}: {filename} is listed in {TABLES_JSON} but missing - an incomplete "
                                    "set; run `python -m analysis ingest` again") from None
            found = hashlib.sha256(data).hexdigest()
            if found != entry["sha256"]:
                raise TableSetError(f"{folder}: {filename} does not match {TABLES_JSON} (sha256 {found[:12]}…, "
                                    f"recorded {entry['sha256'][:12]}…) - the folder mixes files of different "
                                    "runs or was edited; run `python -m analysis ingest` again")
            return data
        finally:
            os.close(dir_fd)
    raise AssertionError("unreachable")  # pragma: no cover


def verify(folder: Path, filenames: Sequence[str] | None = None) -> str:
    """Check the named files against ``_tables.json``.

    Also that the folder holds no table file the manifest does not list.

    Parameters
    ----------
    folder : pathlib.Path
        The processed folder.
    filenames : sequence of str or None, optional
        The files to check; default every file listed.

    Returns
    -------
    str
        The set's id (the sha256 of its ``_tables.json``), which a report can record as the data it
        read.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    listed = set(manifest["files"])
    unlisted = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_"))
                      and p.name not in listed) if folder.is_dir() else []
    if unlisted:
        raise TableSetError(f"{folder}: {', '.join(unlisted)} not in {TABLES_JSON} - files left from another run; "
                            "run `python -m analysis ingest` again")
    for filename in (filenames if filenames is not None else sorted(listed)):
        read_verified(folder, filename)
    return hashlib.sha256((folder / TABLES_JSON).read_bytes()).hexdigest()


def pause_point(name: str) -> None:
    """A point where a fault test may stop the run (fault tests only).

    With ``$COUNCIL_ANALYSIS_PAUSE_AT=<name>:<file>`` the run creates ``<file>`` (holding its pid)
    at this point and waits - to be killed there, or to go on when the file is deleted (at most a
    minute).

    Parameters
    ----------
    name : str
        The point's name (``staged``, ``carried``, ``manifest``, ``switched``, ...).
    """
    setting = os.environ.get(PAUSE_ENV, "")
    point, _, marker = setting.partition(":")
    if point != name or not marker:
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 60
    while Path(marker).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


# ----------------------------------------------------------------------------------------- helpers


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    from .spreadsheet import write_csv

    write_csv(frame, path)


def _entry(path: Path, producer: str, inputs: Sequence[str]) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        os.fsync(handle.fileno())
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size, "producer": producer,
            "inputs": list(inputs)}


def _current(target: Path) -> dict[str, Any]:
    """The current set's manifest; an empty one for a missing folder or one from before table
    sets (nothing of another producer can then be carried over)."""
    if not (target / TABLES_JSON).is_file():
        return {}
    return read_manifest(target)


def _carry(target: Path, staging: Path, filename: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Hard-link (or copy) another producer's current file into the staging folder, checked."""
    source, copy = target / filename, staging / filename
    try:
        os.link(source, copy)
    except FileNotFoundError:
        raise TableSetError(f"{target}: {filename} (producer {entry.get('producer')}) is listed in {TABLES_JSON} "
                            f"but missing; run `python -m analysis {entry.get('producer')}` again") from None
    except OSError:
        shutil.copy2(source, copy)
    carried = _entry(copy, entry["producer"], entry.get("inputs", []))
    if carried["sha256"] != entry["sha256"]:
        raise TableSetError(f"{target}: {filename} (producer {entry['producer']}) does not match {TABLES_JSON}; "
                            f"it cannot be carried into the new set - run `python -m analysis {entry['producer']}` "
                            "again (or delete the folder to start afresh)")
    return carried


@contextlib.contextmanager
def _open(folder: Path, filename: str, dir_fd: int | None) -> Iterator[BinaryIO]:
    if dir_fd is None:
        with open(folder / filename, "rb") as handle:
            yield handle
        return
    fd = os.open(filename, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as handle:
        yield handle


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Exclusive lock on ``folder`` (flock on the directory: no lock file is left behind)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
