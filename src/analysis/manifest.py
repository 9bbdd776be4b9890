"""The raw-data manifest: which documents are in ``data/raw`` and what they are.

``data/raw/manifest.csv`` has one row per delivered file:

``file``
    file name inside the raw folder (as delivered, never renamed)
``document``
    short id used in processed tables (e.g. ``003``)
``kind``
    which reader applies: ``savings_tracker`` (text extract, CSV or XLSX),
    ``recovery_action_plan``, ``medium_term_financial_strategy``,
    ``five_year_plan_review``, ``business_plan_review``
``authority``
    the council the document is about (short name, e.g. ``Torbay``)
``paper``
    title of the paper
``date``
    date of the paper, ISO 8601 (``2017-10-10``, or ``2015`` when only the year is known)
``period_covered``
    the financial years it covers (``2017-18``)
``period``
    for monthly trackers, the month reported (``YYYY-MM``); blank for one-off papers
``unit``
    what an unadorned number means: ``gbp``, ``gbp_thousands``
``sha256``
    checksum of the file as delivered; ingest refuses a file that has changed
``saving_sign``
    savings trackers only: the sign the tracker prints a saving with, ``negative``
    (a reduction in spend, as Cambridgeshire prints it) or ``positive``.  Ingest
    normalises every tracker to negative = saving; this is data, never guessed.
    (Older manifests without the column are read; a tracker row then needs it.)

Register a new delivery with ``python -m analysis register FILE --kind … --authority … --period …
--saving-sign negative``; undo a registration with ``python -m analysis withdraw FILE``.  Both
rewrite the manifest atomically (a temporary file renamed over it) under a lock on the folder.
A manifest may list only one savings tracker per authority and period.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import atomic
from .errors import InputError, InputErrors
from .money import UNIT_MULTIPLIERS

__all__ = [
    "DATE_RE", "FIELDS", "KINDS", "MANIFEST_NAME", "OPTIONAL_FIELDS", "PERIOD_RE", "SAVING_SIGNS",
    "SourceDocument", "WITHDRAWN_DIR", "read_manifest", "read_rows", "register", "register_hint", "reregister",
    "sha256_of", "unregistered_files", "withdraw", "withdrawal_sha256", "withdrawn_name", "withdrawn_original",
]

MANIFEST_NAME = "manifest.csv"
FIELDS = ["file", "document", "kind", "authority", "paper", "date", "period_covered", "period", "unit", "sha256",
          "saving_sign"]
OPTIONAL_FIELDS = ("saving_sign",)  # may be absent from an older manifest's header
SAVING_SIGNS = ("negative", "positive")
WITHDRAWN_DIR = "withdrawn"
KINDS = (
    "savings_tracker",
    "recovery_action_plan",
    "medium_term_financial_strategy",
    "five_year_plan_review",
    "business_plan_review",
)
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class SourceDocument:
    """One delivered file and what the manifest says about it."""

    path: Path
    document: str
    kind: str
    authority: str
    paper: str
    date: str
    period_covered: str
    period: str
    unit: str
    sha256: str
    saving_sign: str = ""

    @property
    def file(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, read a megabyte at a time.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        The digest in hex.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(raw_dir: Path, *, verify: bool = True) -> list[SourceDocument]:
    """Read and check ``raw_dir/manifest.csv``.

    Every listed file must exist with the recorded sha256 (when ``verify``) and every field must be
    well formed; all problems are reported together as :class:`InputErrors`.  A file in the folder
    that the manifest does not list is not an error (:func:`unregistered_files`).

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.
    verify : bool, optional
        Check each file's sha256 (default true).

    Returns
    -------
    list of SourceDocument
        One per row, in the manifest's order.

    Raises
    ------
    analysis.errors.InputErrors
        Every problem found, each naming the manifest's line and column.
    """
    raw_dir = Path(raw_dir)
    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        raise InputError(path, expected="a manifest listing the raw files (see docs/tutorials/adding-a-month.md)",
                         found="no such file")
    errors: list[InputError] = []
    docs: list[SourceDocument] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or []) and f not in OPTIONAL_FIELDS]
        if missing:
            raise InputError(path, line=1, expected=f"header with columns {', '.join(FIELDS)}",
                             found=",".join(reader.fieldnames or []))
        seen_docs: dict[str, int] = {}
        seen_files: dict[str, int] = {}
        trackers: dict[tuple[str, str], tuple[int, str]] = {}
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k is not None}
            row = {f: row.get(f, "") for f in FIELDS}
            if row["file"] in seen_files:
                errors.append(InputError(path, line=line, column="file",
                                         expected=f"each file listed once (already on line {seen_files[row['file']]})",
                                         found=row["file"]))
                continue
            seen_files[row["file"]] = line
            problems = _check_row(row)
            errors += [InputError(path, line=line, column=c, expected=e, found=row.get(c, "")) for c, e in problems]
            file_path = raw_dir / row["file"]
            if not file_path.is_file():
                errors.append(InputError(path, line=line, column="file", expected="a file present in the raw folder",
                                         found=row["file"]))
            elif verify and row["sha256"] and sha256_of(file_path) != row["sha256"].lower():
                errors.append(InputError(
                    file_path, column="sha256",
                    expected=f"the file as delivered (sha256 {row['sha256'][:12]}… in {MANIFEST_NAME} line {line}); "
                    "if it was corrected on purpose, register the corrected file in its place: "
                    f"python -m analysis register {row['file']} --replace",
                    found=f"sha256 {sha256_of(file_path)[:12]}…"))
            if row["document"] in seen_docs:
                errors.append(InputError(path, line=line, column="document",
                                         expected=f"a document id not already used on line {seen_docs[row['document']]}",
                                         found=row["document"]))
            seen_docs.setdefault(row["document"], line)
            if row["kind"] == "savings_tracker" and row["period"]:
                key = (row["authority"], row["period"])
                if key in trackers:
                    first_line, first_file = trackers[key]
                    errors.append(InputError(path, line=line, column="period", found=f"{row['file']} for {key[1]}",
                                             expected=f"one savings tracker for {key[0]} at {key[1]} (line "
                                             f"{first_line} registers {first_file} for the same period; withdraw "
                                             "one with `python -m analysis withdraw FILE`)"))
                trackers.setdefault(key, (line, row["file"]))
            if not problems:
                docs.append(SourceDocument(path=file_path, **{k: row[k] for k in FIELDS if k != "file"}))
    InputErrors.raise_if_any(errors)
    return docs


def unregistered_files(raw_dir: Path) -> list[Path]:
    """Files lying in ``raw_dir`` that the manifest does not list.

    They are not read (a stray file never stops the files that are registered); :func:`register_hint`
    says what to do with each.  The manifest itself, a README, hidden files and Excel's and
    LibreOffice's lock files (``~$x.xlsx``, ``.~lock.x.xlsx#``) are not counted.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.

    Returns
    -------
    list of pathlib.Path
        The stray files.
    """
    raw_dir = Path(raw_dir)
    _, rows = read_rows(raw_dir / MANIFEST_NAME)
    listed = {r["file"] for r in rows}
    return [p for p in sorted(raw_dir.iterdir(), key=lambda p: p.name)
            if p.is_file() and p.name not in listed and p.name != MANIFEST_NAME and p.name.lower() != "readme.md"
            and not p.name.startswith((".", "~$"))]


def register_hint(path: Path) -> str:
    """One line for a stray file in the raw folder: the ``register`` command that would read it.

    Parameters
    ----------
    path : pathlib.Path
        The stray file.

    Returns
    -------
    str
        The line.
    """
    tracker = Path(path).suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm")
    how = ("--kind savings_tracker --authority NAME --period YYYY-MM" if tracker
           else f"--kind KIND --authority NAME --date YYYY-MM-DD (KIND: {', '.join(KINDS[1:])})")
    return (f"{Path(path)}: not registered in {MANIFEST_NAME}, so it is not read. Register it with "
            f"`python -m analysis register {Path(path).name} {how}`, or move it out of the raw folder")


def _check_row(row: dict[str, str]) -> list[tuple[str, str]]:
    problems = []
    for required in ("file", "document", "kind", "authority", "unit", "sha256"):
        if not row.get(required):
            problems.append((required, "a value"))
    if row.get("kind") and row["kind"] not in KINDS:
        problems.append(("kind", f"one of {', '.join(KINDS)}"))
    if row.get("unit") and row["unit"] not in UNIT_MULTIPLIERS:
        problems.append(("unit", f"one of {', '.join(UNIT_MULTIPLIERS)}"))
    if row.get("period") and not PERIOD_RE.match(row["period"]):
        problems.append(("period", "a month as YYYY-MM"))
    if row.get("kind") == "savings_tracker" and not row.get("period"):
        problems.append(("period", "the month a savings tracker reports, as YYYY-MM"))
    if row.get("date") and not DATE_RE.match(row["date"]):
        problems.append(("date", "an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"))
    if row.get("sha256") and not re.fullmatch(r"[0-9a-fA-F]{64}", row["sha256"]):
        problems.append(("sha256", "64 hexadecimal characters"))
    if row.get("kind") == "savings_tracker" and row.get("saving_sign") not in SAVING_SIGNS:
        problems.append(("saving_sign", "negative or positive: the sign this tracker prints a saving with "
                                        "(register --saving-sign)"))
    elif row.get("kind") != "savings_tracker" and row.get("saving_sign"):
        problems.append(("saving_sign", "blank (it applies to savings trackers only)"))
    return problems


def register(raw_dir: Path, file: Path, *, kind: str, authority: str, unit: str, period: str = "", paper: str = "",
             date: str = "", period_covered: str = "", document: str = "",
             saving_sign: str = "") -> SourceDocument:
    """Add a row for ``file`` (already copied into ``raw_dir``) to the manifest.

    The manifest is rewritten atomically: earlier rows are kept byte for byte (a manifest from before
    the ``saving_sign`` column is rewritten with it, its rows unchanged).

    This writes the row it is given and reads nothing in the file but its checksum: the
    ``register`` command checks the file first, reading its unit and sign
    (:func:`analysis.ingest.delivery.inspect`).

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.
    file : pathlib.Path
        The file (its name is what is registered).
    kind : str
        Its kind, one of :data:`KINDS`.
    authority : str
        The council the paper is from.
    unit : str
        The unit its money is printed in (a key of the unit multipliers, e.g. pounds or £000).
    period : str, optional
        The month a tracker reports, 'YYYY-MM'.
    paper : str, optional
        The paper's title; default the file's name without its extension.
    date : str, optional
        The paper's date; default ``period``.
    period_covered : str, optional
        The years the paper covers, as printed.
    document : str, optional
        Its document id; default the next free three-digit number.
    saving_sign : str, optional
        For a tracker, how it signs savings: one of :data:`SAVING_SIGNS`.

    Returns
    -------
    SourceDocument
        The row registered.

    Raises
    ------
    analysis.errors.InputError
        When the file is not in the raw folder or is registered already.
    analysis.errors.InputErrors
        Every badly formed field, and a second tracker for the same authority and period.
    """
    raw_dir, file = Path(raw_dir), Path(file)
    target = raw_dir / file.name
    if not target.is_file():
        raise InputError(target, expected="the file copied into the raw folder before registering it",
                         found="no such file")
    path = raw_dir / MANIFEST_NAME
    with _locked(raw_dir):
        header, existing = read_rows(path)
        if any(r["file"] == file.name for r in existing):
            raise InputError(path, column="file", expected="a file not yet registered", found=file.name)
        if not document:
            numbers = [int(r["document"]) for r in existing if r["document"].isdigit()]
            document = f"{(max(numbers) + 1) if numbers else 0:03d}"
        row = {"file": file.name, "document": document, "kind": kind, "authority": authority,
               "paper": paper or file.stem, "date": date or period, "period_covered": period_covered,
               "period": period, "unit": unit, "sha256": sha256_of(target), "saving_sign": saving_sign}
        problems = _check_row(row)
        for other in existing:
            if (kind == "savings_tracker" and other["kind"] == kind and other["authority"] == authority
                    and other["period"] == period and period):
                problems.append(("period", f"a period without a tracker for {authority} ({other['file']} is "
                                           f"registered for {period}; withdraw it first if this one replaces it)"))
        if problems:
            raise InputErrors([InputError(path, column=c, expected=e, found=row.get(c, "")) for c, e in problems])
        if header == FIELDS and path.is_file():
            data = path.read_bytes()
            if data and not data.endswith(b"\n"):
                data += b"\n"  # an editor saved it without a final newline
            _replace(path, data + _csv_bytes([row], with_header=False))
        else:
            _replace(path, _csv_bytes(existing + [row], with_header=True))
    return SourceDocument(path=target, **{k: row[k] for k in FIELDS if k != "file"})


def reregister(raw_dir: Path, file: Path, **fields: str) -> SourceDocument:
    """Rewrite the row of a file already registered under the same name.

    Its bytes corrected in place, or its registration wrong: the row gets the file's sha256 now and
    ``fields`` changed, in one atomic rewrite of the manifest.  The document id and the row's place
    are kept.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.
    file : pathlib.Path
        The registered file.
    **fields : str
        Manifest fields to change (as :func:`register` names them).

    Returns
    -------
    SourceDocument
        The row as rewritten.
    """
    raw_dir, file = Path(raw_dir), Path(file)
    path = raw_dir / MANIFEST_NAME
    target = raw_dir / file.name
    if not target.is_file():
        raise InputError(target, expected="the file in the raw folder", found="no such file")
    unknown = set(fields) - set(FIELDS) | ({"file", "document", "sha256"} & set(fields))
    if unknown:
        raise ValueError(f"fields that cannot be changed: {sorted(unknown)}")
    with _locked(raw_dir):
        header, rows = read_rows(path)
        index = next((i for i, r in enumerate(rows) if r["file"] == file.name), None)
        if index is None:
            raise InputError(path, column="file", expected="a registered file", found=file.name)
        row = {**rows[index], **{k: v for k, v in fields.items() if v is not None}, "sha256": sha256_of(target)}
        problems = _check_row(row)
        if problems:
            raise InputErrors([InputError(path, column=c, expected=e, found=row.get(c, "")) for c, e in problems])
        rows[index] = row
        _replace(path, _csv_bytes(rows, with_header=True))
    return SourceDocument(path=target, **{k: row[k] for k in FIELDS if k != "file"})


def withdrawal_sha256(raw_dir: Path, file: str | Path) -> str:
    """The sha256 of the delivery :func:`withdraw` would withdraw.

    Its manifest row's, else (a withdrawal interrupted after the row went) the file's own.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.
    file : str or pathlib.Path
        The file (its name).

    Returns
    -------
    str
        The digest in hex.

    Raises
    ------
    analysis.errors.InputError
        When ``file`` is neither registered nor in the raw folder - what :func:`withdraw` would
        refuse.
    """
    raw_dir = Path(raw_dir)
    name = Path(file).name
    path = raw_dir / MANIFEST_NAME
    _, rows = read_rows(path)
    for row in rows:
        if row["file"] == name and row["sha256"]:
            return row["sha256"].lower()
    if (raw_dir / name).is_file():
        return sha256_of(raw_dir / name)
    raise InputError(path, column="file", expected="a registered file of the raw folder", found=name)


def withdrawn_name(name: str, n: int) -> str:
    """The name of the ``n``-th withdrawn copy of ``name``.

    ``tracker.xlsx``, then ``tracker (2).xlsx``, ``tracker (3).xlsx`` … - the extension kept, so Excel
    still opens it.

    Parameters
    ----------
    name : str
        The delivered file's name.
    n : int
        Which copy (1 for the first).

    Returns
    -------
    str
        The copy's name.
    """
    if n <= 1:
        return name
    stem, suffix = os.path.splitext(name)
    return f"{stem} ({n}){suffix}"


def withdrawn_original(name: str) -> str:
    """The delivered name of a withdrawn copy (the inverse of :func:`withdrawn_name`).

    Parameters
    ----------
    name : str
        The withdrawn copy's name.

    Returns
    -------
    str
        The name it was delivered under.
    """
    stem, suffix = os.path.splitext(name)
    match = re.fullmatch(r"(.*) \(\d+\)", stem)
    return f"{match.group(1)}{suffix}" if match else name


def withdraw(raw_dir: Path, file: str | Path) -> tuple[SourceDocument | None, Path | None]:
    """Undo a registration.

    Remove ``file``'s row from the manifest (rewritten atomically), then move the file aside into
    ``raw_dir/withdrawn/`` (never deleted; a name already there gets a ``(2)``, ``(3)`` … before its
    extension: :func:`withdrawn_name`).  Idempotent: run again after an interruption it finishes the
    job.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding the delivered files and ``manifest.csv``.
    file : str or pathlib.Path
        The registered file (its name).

    Returns
    -------
    tuple of (SourceDocument or None, pathlib.Path or None)
        The withdrawn row (``None`` if it was no longer listed) and where the file went.
    """
    raw_dir = Path(raw_dir)
    name = Path(file).name
    path = raw_dir / MANIFEST_NAME
    with _locked(raw_dir):
        header, rows = read_rows(path)
        keep = [r for r in rows if r["file"] != name]
        gone = [r for r in rows if r["file"] == name]
        present = (raw_dir / name).is_file()
        if not gone and not present:
            raise InputError(path, column="file", expected="a registered file of the raw folder",
                             found=name)
        if gone:
            _replace(path, _csv_bytes(keep, with_header=True, fields=header if "saving_sign" in header else FIELDS))
        moved = None
        if present:
            aside = raw_dir / WITHDRAWN_DIR
            aside.mkdir(exist_ok=True)
            n = 1
            while os.path.lexists(aside / withdrawn_name(name, n)):
                n += 1
            moved = aside / withdrawn_name(name, n)
            os.rename(raw_dir / name, moved)
            _fsync_dir(raw_dir)
    doc = SourceDocument(path=raw_dir / name, **{k: gone[0].get(k, "") for k in FIELDS if k != "file"}) if gone else None
    return doc, moved


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A manifest's header and rows as written, unchecked (:func:`read_manifest` checks them).

    Parameters
    ----------
    path : pathlib.Path
        The ``manifest.csv`` (absent: no rows).

    Returns
    -------
    tuple of (list of str, list of dict)
        The header's field names, and each row as field -> text, every field of :data:`FIELDS`
        present (blank when absent).
    """
    if not path.is_file():
        return list(FIELDS), []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = [{f: (r.get(f) or "") for f in FIELDS} for r in reader]
        return list(reader.fieldnames or FIELDS), rows


def _csv_bytes(rows: list[dict[str, str]], *, with_header: bool, fields: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields or FIELDS, lineterminator="\n", extrasaction="ignore")
    if with_header:
        writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, fsync, rename).
    The file keeps the mode it had; a new one gets ``0o666 & ~umask`` (``0644`` under umask 022),
    as any new file would - not ``mkstemp``'s private ``0600``."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~atomic.current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (flock on the directory itself: no lock file to leave behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
