"""The raw-data manifest: which documents are in ``data/raw`` and what they are.

``data/raw/manifest.csv`` has one row per delivered file:

``file``            file name inside the raw folder (as delivered, never renamed)
``document``        short id used in processed tables (e.g. ``003``)
``kind``            which reader applies: ``savings_tracker`` (text extract, CSV or XLSX),
                    ``recovery_action_plan``, ``medium_term_financial_strategy``,
                    ``five_year_plan_review``, ``business_plan_review``
``authority``       the council the document is about (short name, e.g. ``Torbay``)
``paper``           title of the paper
``date``            date of the paper, ISO 8601 (``2017-10-10``, or ``2015`` when only the year is known)
``period_covered``  the financial years it covers (``2017-18``)
``period``          for monthly trackers, the month reported (``YYYY-MM``); blank for one-off papers
``unit``            what an unadorned number means: ``gbp``, ``gbp_thousands``
``sha256``          checksum of the file as delivered; ingest refuses a file that has changed

Register a new delivery with ``python -m analysis register FILE --kind … --authority … --period …``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, InputErrors
from .money import UNIT_MULTIPLIERS

MANIFEST_NAME = "manifest.csv"
FIELDS = ["file", "document", "kind", "authority", "paper", "date", "period_covered", "period", "unit", "sha256"]
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

    @property
    def file(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(raw_dir: Path, *, verify: bool = True) -> list[SourceDocument]:
    """Read and check ``raw_dir/manifest.csv``.

    Every listed file must exist with the recorded sha256 (when ``verify``), every file in the
    folder must be listed, and every field must be well formed.  All problems are reported
    together as :class:`InputErrors`.
    """
    raw_dir = Path(raw_dir)
    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        raise InputError(path, expected="a manifest listing the raw files (see README: 'Adding a month')",
                         found="no such file")
    errors: list[InputError] = []
    docs: list[SourceDocument] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, line=1, expected=f"header with columns {', '.join(FIELDS)}",
                             found=",".join(reader.fieldnames or []))
        seen_docs: dict[str, int] = {}
        seen_files: dict[str, int] = {}
        listed: set[str] = set()
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k is not None}
            listed.add(row["file"])
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
                    "raw files are never edited - register a new delivery instead",
                    found=f"sha256 {sha256_of(file_path)[:12]}…"))
            if row["document"] in seen_docs:
                errors.append(InputError(path, line=line, column="document",
                                         expected=f"a document id not already used on line {seen_docs[row['document']]}",
                                         found=row["document"]))
            seen_docs.setdefault(row["document"], line)
            if not problems:
                docs.append(SourceDocument(path=file_path, **{k: row[k] for k in FIELDS if k != "file"}))
    for extra in sorted(p.name for p in raw_dir.iterdir() if p.is_file()):
        if extra != MANIFEST_NAME and extra not in listed and not extra.startswith(".") and extra.lower() != "readme.md":
            if not any(e.found == extra for e in errors):
                errors.append(InputError(raw_dir / extra, expected=f"a row in {MANIFEST_NAME} describing this file",
                                         found="not listed"))
    InputErrors.raise_if_any(errors)
    return docs


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
    return problems


def register(raw_dir: Path, file: Path, *, kind: str, authority: str, period: str = "", paper: str = "",
             date: str = "", period_covered: str = "", unit: str = "gbp_thousands", document: str = "") -> SourceDocument:
    """Append a row for ``file`` (already copied into ``raw_dir``) to the manifest."""
    raw_dir, file = Path(raw_dir), Path(file)
    target = raw_dir / file.name
    if not target.is_file():
        raise InputError(target, expected="the file copied into the raw folder before registering it",
                         found="no such file")
    path = raw_dir / MANIFEST_NAME
    existing = []
    if path.is_file():
        with open(path, newline="", encoding="utf-8-sig") as handle:
            existing = list(csv.DictReader(handle))
    if any(r["file"] == file.name for r in existing):
        raise InputError(path, column="file", expected="a file not yet registered", found=file.name)
    if not document:
        numbers = [int(r["document"]) for r in existing if r["document"].isdigit()]
        document = f"{(max(numbers) + 1) if numbers else 0:03d}"
    row = {"file": file.name, "document": document, "kind": kind, "authority": authority,
           "paper": paper or file.stem, "date": date or period, "period_covered": period_covered,
           "period": period, "unit": unit, "sha256": sha256_of(target)}
    problems = _check_row(row)
    if problems:
        raise InputErrors([InputError(path, column=c, expected=e, found=row.get(c, "")) for c, e in problems])
    new = not path.is_file()
    if not new and not path.read_bytes().endswith(b"\n"):
        with open(path, "ab") as handle:  # an editor saved it without a final newline
            handle.write(b"\n")
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow(row)
    return SourceDocument(path=target, **{k: row[k] for k in FIELDS if k != "file"})
