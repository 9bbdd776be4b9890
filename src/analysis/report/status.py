"""What is there: ``python -m analysis status`` (read only).

:func:`collect` gathers, from the raw folder's manifest, the processed table set and the reports
folder, a dictionary of one documented, stable shape (``--json`` prints it; :func:`text` renders it
for people).  It never fails on a missing or half-built folder: it says what is missing in
``problems``.  Keys (``format`` changes only when a key's meaning does)::

    ``format``          ``"council-analysis status 1"``
    ``folders``         ``{"raw"|"processed"|"reports": {"path": str, "exists": bool}}``
    ``problems``        sentences: folders missing, a manifest unreadable, a listed file missing or edited
    ``processed``       ``{"tables": int, "up_to_date": bool | None, "command": str | None}`` - whether
                        ``data/processed`` was made from the raw files as registered now (``None``: unknown)
    ``authorities``     one per authority with papers or packs, by name:
                        ``{"name", "slug", "documents": [...], "packs": [...]}``; a document is
                        ``{"period", "document", "kind", "file", "unit", "saving_sign", "sha256",
                        "present": bool, "edited": bool}`` (oldest period first; ``period`` is the month
                        it speaks for, ``analysis.data.document_period``); a pack is ``{"period", "month", "run_id",
                        "created", "status", "partial", "reports_ok", "reports", "folder", "stale": bool,
                        "changes": [...], "command": str | None, "alternative": str | None}``
    ``stale``           the stale packs again, flat: ``{"authority", "slug", "period", "changes", "command",
                        "alternative"}``: ``command`` rebuilds the pack (``report --period``), or where no
                        paper of the authority speaks for that month any more, takes it down
                        (``unpublish``); ``alternative``, for a March pack then, remakes it with ``--year``;
                        a change is ``{"file", "change": "added"|"removed"|"changed", "was_sha256",
                        "now_sha256"}`` (``None`` where the file is not on that side)
    ``withdrawn_files`` ``{"file", "delivered_as", "bytes", "modified"}`` in ``data/raw/withdrawn/``
    ``withdrawn_packs`` :func:`analysis.report.withdrawn.withdrawn_packs`
    ``failed_runs``     ``{"folder", "failed": [report names]}`` in ``reports/failed/``
    ``unregistered``    ``{"file", "command"}``: files lying in the raw folder without a manifest row
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shlex
from pathlib import Path
from types import SimpleNamespace

from .. import paths
from ..manifest import FIELDS, MANIFEST_NAME, WITHDRAWN_DIR, sha256_of, withdrawn_original
from .plan import slug as slug_of
from .publish import FAILED_DIR, published_packs
from .withdrawn import withdrawn_packs

__all__ = ["FORMAT", "UNITS", "WIDTH", "collect", "text"]

FORMAT = "council-analysis status 1"
UNITS = {"gbp": "£", "gbp_thousands": "£000", "gbp_millions": "£m"}
WIDTH = 100


def collect(raw_dir: Path, processed_dir: Path, reports_dir: Path) -> dict:
    """The status of the three folders (module docstring); reads only.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw files.
    processed_dir : pathlib.Path
        The processed tables.
    reports_dir : pathlib.Path
        The reports folder.

    Returns
    -------
    dict
        The status, as :func:`text` writes it and ``status --json`` prints it.
    """
    raw_dir, processed_dir, reports_dir = Path(raw_dir), Path(processed_dir), Path(reports_dir)
    out: dict = {"format": FORMAT, "folders": {}, "problems": [], "processed": {}, "authorities": [], "stale": [],
                 "withdrawn_files": [], "withdrawn_packs": [], "failed_runs": [], "unregistered": []}
    for key, folder in (("raw", raw_dir), ("processed", processed_dir), ("reports", reports_dir)):
        out["folders"][key] = {"path": str(folder), "exists": folder.is_dir()}
        if not folder.is_dir():
            out["problems"].append(f"{paths.shown(folder)}: no such folder" + {
                "raw": " (copy the delivered files there and register them)",
                "processed": " (run `python -m analysis ingest`)",
                "reports": " (no pack published yet)"}[key])
    rows = _manifest_rows(raw_dir, out["problems"]) if raw_dir.is_dir() else []
    docs = _documents(raw_dir, rows, out["problems"])
    out["processed"] = _processed(processed_dir, rows, out["problems"])
    packs = published_packs(reports_dir) if reports_dir.is_dir() else []
    by_name: dict[str, dict] = {}
    for doc in docs:
        by_name.setdefault(doc.pop("authority"), {"documents": [], "packs": []})["documents"].append(doc)
    for folder, manifest in packs:
        entry = by_name.setdefault(str(manifest.get("authority", folder.parent.name)), {"documents": [], "packs": []})
        entry["packs"].append(_pack(folder, manifest, reports_dir, rows))
    for name, entry in sorted(by_name.items()):
        entry["documents"].sort(key=lambda d: (d["period"], d["document"]))
        entry["packs"].sort(key=lambda p: p["period"])
        out["authorities"].append({"name": name, "slug": slug_of(name), **entry})
        out["stale"] += [{"authority": name, "slug": slug_of(name), "period": p["period"], "changes": p["changes"],
                          "command": p["command"], "alternative": p["alternative"]}
                         for p in entry["packs"] if p["stale"]]
    out["withdrawn_files"] = _withdrawn_files(raw_dir)
    out["withdrawn_packs"] = withdrawn_packs(reports_dir) if reports_dir.is_dir() else []
    out["failed_runs"] = _failed_runs(reports_dir)
    out["unregistered"] = _unregistered(raw_dir, rows)
    return out


def _manifest_rows(raw_dir: Path, problems: list[str]) -> list[dict[str, str]]:
    path = raw_dir / MANIFEST_NAME
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return [{f: (r.get(f) or "").strip() for f in FIELDS} for r in csv.DictReader(handle)]
    except FileNotFoundError:
        problems.append(f"{paths.shown(path)}: no manifest (register the delivered files: docs/tutorials/adding-a-month.md)")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{paths.shown(path)}: cannot be read ({exc})")
    return []


def _documents(raw_dir: Path, rows: list[dict[str, str]], problems: list[str]) -> list[dict]:
    from ..data import document_period

    docs = []
    for row in rows:
        path = raw_dir / row["file"]
        present = bool(row["file"]) and path.is_file()
        edited = present and bool(row["sha256"]) and sha256_of(path) != row["sha256"].lower()
        if not present:
            problems.append(f"{paths.shown(path)}: listed in {MANIFEST_NAME} but missing")
        elif edited:
            problems.append(f"{paths.shown(path)}: changed since it was registered (sha256 differs); raw files are "
                            "never edited - withdraw it and register the new delivery")
        docs.append({"authority": row["authority"], "period": document_period(SimpleNamespace(**row)),
                     "document": row["document"], "kind": row["kind"], "file": row["file"], "unit": row["unit"],
                     "saving_sign": row["saving_sign"], "sha256": row["sha256"].lower(), "present": present,
                     "edited": edited})
    return docs


def _processed(processed_dir: Path, rows: list[dict[str, str]], problems: list[str]) -> dict:
    from ..tableset import TABLES_JSON

    out: dict[str, int | bool | str | None] = {"tables": 0, "up_to_date": None, "command": None}
    if not processed_dir.is_dir():
        return out
    try:
        manifest = json.loads((processed_dir / TABLES_JSON).read_text(encoding="utf-8"))
        files = manifest["files"]
        made_from = manifest.get("producers", {}).get("ingest", {}).get("inputs", {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        problems.append(f"{paths.shown(processed_dir)}: no complete table set ({TABLES_JSON} missing or unreadable); "
                        "run `python -m analysis ingest`")
        out["command"] = "python -m analysis ingest"
        return out
    out["tables"] = sum(name.endswith(".parquet") for name in files)
    out["up_to_date"] = made_from == {r["file"]: r["sha256"].lower() for r in rows}
    if not out["up_to_date"]:
        out["command"] = "python -m analysis ingest"
        problems.append(f"{paths.shown(processed_dir)} was made from other raw files than those registered now; "
                        "run `python -m analysis ingest`")
    return out


def _pack(folder: Path, manifest: dict, reports_dir: Path, rows: list[dict[str, str]]) -> dict:
    reports = [r for r in manifest.get("reports") or [] if isinstance(r, dict)]
    changes = _changes(manifest, rows)
    authority, period = str(manifest.get("authority", "")), str(manifest.get("period", ""))
    command, alternative = _rebuild(authority, period, rows) if changes else (None, None)
    from ..numbers import month

    return {"period": period, "month": month(period), "run_id": manifest.get("run_id"), "created": manifest.get("created"),
            "status": manifest.get("status"), "partial": bool(manifest.get("partial")),
            "reports_ok": sum(r.get("status") == "ok" for r in reports), "reports": len(reports),
            "folder": folder.relative_to(reports_dir).as_posix(), "stale": bool(changes), "changes": changes,
            "command": command, "alternative": alternative}


def _rebuild(authority: str, period: str, rows: list[dict[str, str]]) -> tuple[str, str | None]:
    """The command that replaces a stale pack, and another where there are two ways.  ``report
    --period`` needs a paper of the authority speaking for that month; without one the pack is
    unpublished, or - a March pack - remade as a public-statistics pack (``--year``)."""
    from ..data import document_period

    name = shlex.quote(authority)
    months = {document_period(SimpleNamespace(**r)) for r in rows if r["authority"] == authority}
    if period in months:
        return f"python -m analysis report --authority {name} --period {period}", None
    year = _year_of_month(period)
    year_pack = f"python -m analysis report --year {year} --authority {name}" if year else None
    return f"python -m analysis unpublish {name} {period}", year_pack


def _year_of_month(period: str) -> int | None:
    """The year whose figures at 31 March were first published in ``period`` (a ``--year``
    pack's month, :func:`analysis.report.years.year_period`), if any."""
    from ..errors import AnalysisError
    from .years import year_period

    for year in range(int(period[:4]) - 1, int(period[:4]) + 1):
        try:
            if year_period(year) == period:
                return year
        except AnalysisError:
            continue
    return None


def _changes(manifest: dict, rows: list[dict[str, str]]) -> list[dict]:
    """How the documents a pack for the authority and period would read now (current manifest,
    :func:`analysis.data.pack_documents`) differ from the inputs the pack was made from."""
    import pandas as pd

    from ..data import pack_documents

    columns = ["authority", "kind", "document", "period", "date"]
    sources = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns, dtype=object)
    documents, comparison = pack_documents(sources, str(manifest.get("authority", "")), str(manifest.get("period", "")))
    in_force = set(documents + comparison)  # what the pack reads: its papers and last month's tracker
    now = {r["file"]: r["sha256"].lower() for r in rows if r["document"] in in_force}
    was = {str(i.get("file")): str(i.get("sha256", "")).lower() for i in manifest.get("inputs") or []
           if isinstance(i, dict)}
    out = []
    for file in sorted(set(now) | set(was)):
        if now.get(file) != was.get(file):
            change = "added" if file not in was else "removed" if file not in now else "changed"
            out.append({"file": file, "change": change, "was_sha256": was.get(file), "now_sha256": now.get(file)})
    return out


def _withdrawn_files(raw_dir: Path) -> list[dict]:
    aside = raw_dir / WITHDRAWN_DIR
    if not aside.is_dir():
        return []
    out = []
    for path in sorted(p for p in aside.iterdir() if p.is_file() and not p.name.startswith(".")):
        info = path.stat()
        out.append({"file": path.name, "delivered_as": withdrawn_original(path.name), "bytes": info.st_size,
                    "modified": dt.datetime.fromtimestamp(info.st_mtime, dt.UTC).isoformat(timespec="seconds")})
    return out


def _failed_runs(reports_dir: Path) -> list[dict]:
    out = []
    for folder in sorted((reports_dir / FAILED_DIR).glob("*")) if reports_dir.is_dir() else []:
        failed: list[str] = []
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            failed = [r["name"] for r in data.get("reports", []) if r.get("status") == "failed"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        if folder.is_dir() and not folder.name.startswith("."):
            out.append({"folder": f"{FAILED_DIR}/{folder.name}", "failed": failed})
    return out


def _unregistered(raw_dir: Path, rows: list[dict[str, str]]) -> list[dict]:
    if not raw_dir.is_dir():
        return []
    listed = {r["file"] for r in rows}
    out = []
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        name = path.name
        if name == MANIFEST_NAME or name in listed or name.startswith(".") or name.lower() == "readme.md":
            continue
        tracker = path.suffix.lower() in (".csv", ".xlsx", ".xlsm")
        command = (f"python -m analysis register {shlex.quote(name)} --kind "
                   + ("savings_tracker --authority NAME --period YYYY-MM --saving-sign SIGN" if tracker
                      else "KIND --authority NAME --date YYYY-MM-DD"))
        out.append({"file": name, "command": command})
    return out


# ------------------------------------------------------------------------------------------ text


def text(status: dict) -> str:
    """The status for people: aligned, within 100 columns (commands on lines of their own).

    Parameters
    ----------
    status : dict
        :func:`collect`'s output.

    Returns
    -------
    str
        The lines.
    """
    folders, proc = status["folders"], status["processed"]
    docs = sum(len(a["documents"]) for a in status["authorities"])
    packs = sum(len(a["packs"]) for a in status["authorities"])
    said = {"raw": f"{docs} document(s) registered",
            "processed": (f"{proc['tables']} tables, " + ("made from the raw files as registered now"
                                                          if proc["up_to_date"] else "OUT OF DATE: run ingest"))
            if proc["up_to_date"] is not None else "no complete table set",
            "reports": f"{packs} pack(s) published"}
    lines = []
    for key, label in (("raw", "Raw files"), ("processed", "Processed tables"), ("reports", "Reports")):
        lines += _wrap(f"{label:<17} {paths.shown(folders[key]['path'])}: "
                       + (said[key] if folders[key]["exists"] else "missing"), "", " " * 18)
    if status["problems"]:
        lines += ["", "Problems"]
    for problem in status["problems"]:
        lines += _wrap(problem, "  ")
    if not status["authorities"]:
        lines += ["", "No authority yet: copy a delivered file into the raw folder and register it "
                      "(docs/tutorials/adding-a-month.md)."]
    for a in status["authorities"]:
        lines += _authority_lines(a)
    lines += _stale_lines(status["stale"])
    lines += _section("Withdrawn files (data/raw/withdrawn/)", [
        f"{f['file']}" + (f" (delivered as {f['delivered_as']})" if f["delivered_as"] != f["file"] else "")
        + f", {f['bytes']:,} bytes, moved {f['modified'][:10]}" for f in status["withdrawn_files"]])
    lines += _section("Withdrawn packs (reports/withdrawn/)", [
        f"{w['folder']}: {w['authority'] or w['slug']} {w['period']}, withdrawn {w['withdrawn_at'][:10] or '?'}"
        + (f", made from {', '.join(w['made_from'])}" if w["made_from"] else "")
        + (f": {w['reason']}" if w["reason"] else "") for w in status["withdrawn_packs"]])
    lines += _section("Runs with failed reports (reports/failed/)", [
        f"{f['folder']}: {', '.join(f['failed']) or '?'}" for f in status["failed_runs"]])
    if status["unregistered"]:
        lines += ["", "Unregistered files in the raw folder (ingest refuses them): register each, or move it out"]
        lines += _wrap("(fill in NAME, the period or date, and for a tracker SIGN: negative or positive, the sign it "
                       "prints a saving with; `python -m analysis register --help`)", "  ")
        for u in status["unregistered"]:
            lines += [f"  {u['file']}", *_command(u["command"], "    ")]
    return "\n".join(lines) + "\n"


def _authority_lines(a: dict) -> list[str]:
    """One authority: its documents by period and its published packs."""
    lines = ["", f"{a['name']} (reports/{a['slug']}/)"]
    if a["documents"]:
        lines.append("  documents")
        lines += _table([["period", "doc", "kind", "file", "unit", "saving sign"]] + [
            [d["period"] or "-", d["document"], d["kind"], d["file"], UNITS.get(d["unit"], d["unit"]),
             d["saving_sign"] or "-"] for d in a["documents"]], indent=4, widths=[7, 4, 30, 30, 4, 11])
    else:
        lines.append("  documents: none registered")
    if a["packs"]:
        lines.append("  published packs")
        lines += _table([["period", "run", "created", "status", "reports", "inputs"]] + [
            [p["period"], p["run_id"] or "?", (p["created"] or "?")[:16].replace("T", " "),
             f"{p['status'] or '?'}{' (partial)' if p['partial'] else ''}", f"{p['reports_ok']} of {p['reports']} ok",
             "STALE" if p["stale"] else "up to date"] for p in a["packs"]], indent=4, widths=[7, 24, 16, 14, 13, 10])
    return lines


def _stale_lines(stale: list[dict]) -> list[str]:
    """The packs whose papers changed since they were published, each with the command that remakes it."""
    if not stale:
        return []
    lines = ["", "Stale packs: their papers changed since they were published"]
    for s in stale:
        what = ", ".join(f"{c['file']} {_change_words(c)}" for c in s["changes"])
        lines += _wrap(f"{s['slug']}/{s['period']}: {what}", "  ")
        lines += _command(s["command"], "    ")
        if s["alternative"]:
            lines += ["    or, for a public-statistics pack:", *_command(s["alternative"], "    ")]
    return lines


def _change_words(change: dict) -> str:
    return {"added": "now in force (not in the pack)", "removed": "no longer in force or registered",
            "changed": f"changed (sha256 {str(change['was_sha256'])[:8]}… now {str(change['now_sha256'])[:8]}…)"
            }[change["change"]]


def _command(command: str, indent: str) -> list[str]:
    """A command to copy, in lines of at most 100 columns joined by shell continuations."""
    lines, line = [], indent
    for word in command.split(" "):
        if word.startswith("--") and line.strip() and len(line) + 1 + len(word) > WIDTH - 2:
            lines.append(line + " \\")
            line = indent + "    "
        line += word if not line.strip() else " " + word
    return lines + [line]


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    out = ["", title]
    for item in items:
        out += _wrap(item, "  ")
    return out


def _wrap(line: str, indent: str, more: str = "  ") -> list[str]:
    """``line`` in lines of at most 100 columns, the first indented ``indent``, the others
    ``indent + more``."""
    import textwrap

    return textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent + more,
                         break_long_words=False, break_on_hyphens=False) or [indent]


def _table(rows: list[list[str]], *, indent: int, widths: list[int]) -> list[str]:
    """Columns at most ``widths`` wide (a longer cell is cut with an ellipsis), as wide as
    their widest cell otherwise."""
    cut = [[c if len(c) <= w else c[:w - 1] + "…" for c, w in zip(row, widths, strict=True)] for row in rows]
    sizes = [max(len(row[i]) for row in cut) for i in range(len(widths))]
    return [(" " * indent + "  ".join(c.ljust(s) for c, s in zip(row, sizes, strict=True))).rstrip() for row in cut]
