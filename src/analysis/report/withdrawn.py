"""``reports/withdrawn/``: packs taken down, and the ledger of withdrawn input files.

* A pack taken down lies whole in ``reports/withdrawn/<slug>-<period>-<run id>/`` (moved there
  in one rename by :func:`move_in`), with a ``withdrawal.json``: ``withdrawn_at`` (ISO 8601 UTC),
  ``reason``, ``made_from`` (the withdrawn files it was made from; empty for ``unpublish``),
  ``command`` (``withdraw``, ``unpublish`` or ``report`` - a run whose input was withdrawn while
  it ran) and ``was`` (its folder before).  :func:`withdrawn_packs` lists them.
* ``reports/withdrawn/inputs.json`` (:func:`record_inputs`) lists every withdrawn delivery - file,
  sha256, when - so that a report run that planned from it before the withdrawal does not
  publish a pack made from it afterwards (:func:`withdrawn_while_made`).

Every function here is called under the publishing lock (:mod:`analysis.report.publish`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from pathlib import Path

from .. import atomic

__all__ = [
    "LEDGER", "RECORD", "WITHDRAWN_DIR", "index_rows", "move_in", "record_inputs", "withdrawn_packs",
    "withdrawn_while_made",
]

WITHDRAWN_DIR = "withdrawn"
RECORD = "withdrawal.json"
LEDGER = "inputs.json"


def move_in(out_dir: Path, folder: Path, base: str, *, reason: str, made_from: list[str], command: str) -> Path:
    """Move ``folder`` whole to ``reports/withdrawn/<base>`` in one rename.

    ``-2``, ``-3`` … are added if the name is taken; the folder gets published modes and its
    ``withdrawal.json``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).
    folder : pathlib.Path
        A pack, or a staging folder.
    base : str
        Its name under ``withdrawn/`` (``<slug>-<period>-<run id>``).
    reason : str
        Why it was withdrawn.
    made_from : list of str
        The withdrawn files it was made from.
    command : str
        The command that withdrew it (``unpublish``, ``report`` ...).

    Returns
    -------
    pathlib.Path
        Where it went.
    """
    aside = Path(out_dir) / WITHDRAWN_DIR
    aside.mkdir(exist_ok=True)
    atomic.publish_modes(folder)
    n = 1
    while True:
        where = aside / (base if n == 1 else f"{base}-{n}")
        try:
            atomic.rename_new(folder, where)
            break
        except FileExistsError:
            n += 1
    atomic.fsync_dir(folder.parent)
    (where / atomic.LOCK_NAME).unlink(missing_ok=True)
    record = {"withdrawn_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "reason": reason,
              "made_from": made_from, "command": command, "was": f"{folder.parent.name}/{folder.name}"}
    _write_json(where / RECORD, record)
    atomic.fsync_dir(aside)
    return where


def withdrawn_packs(out_dir: Path) -> list[dict]:
    """The packs taken down, newest withdrawal first.

    Each pack manifest's authority, slug, period and run id, with its ``withdrawal.json``
    (``withdrawn_at``, ``reason``, ``made_from``, ``command``; blank where the record is missing)
    and ``folder`` (relative to ``out_dir``).

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Returns
    -------
    list of dict
        One per withdrawn pack.
    """
    out = []
    for folder in sorted(p for p in (Path(out_dir) / WITHDRAWN_DIR).glob("*") if p.is_dir()):
        if folder.name.startswith("."):
            continue
        entry = {"folder": f"{WITHDRAWN_DIR}/{folder.name}", "authority": "", "slug": "", "period": "",
                 "run_id": "", "withdrawn_at": "", "reason": "", "made_from": [], "command": ""}
        for name, keys in (("manifest.json", ("authority", "slug", "period", "run_id")),
                           (RECORD, ("withdrawn_at", "reason", "made_from", "command"))):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                data = json.loads((folder / name).read_text(encoding="utf-8"))
                entry.update({k: data[k] for k in keys if data.get(k) is not None})
        out.append(entry)
    return sorted(out, key=lambda e: (str(e["withdrawn_at"]), e["folder"]), reverse=True)


def index_rows(out_dir: Path) -> list[dict]:
    """The reports index's section on withdrawn packs: what, why and when.

    Not linked: nobody should take figures from a withdrawn pack.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Returns
    -------
    list of dict
        One row per withdrawn pack, for the template.
    """
    from ..numbers import month

    rows = []
    for entry in withdrawn_packs(out_dir):
        when = str(entry["withdrawn_at"])[:10]
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(when)
            when = f"{day.day} {day:%B %Y}"
        made_from = ", ".join(map(str, entry["made_from"])) if isinstance(entry["made_from"], list) else ""
        why = (f"made from {made_from}, withdrawn on {when}" if made_from else f"unpublished on {when}") \
            if when else "withdrawn (no record of when)"
        rows.append({"what": f"{entry['authority'] or entry['slug']}: monitoring pack {month(entry['period'])}",
                     "why": why + (f": {entry['reason']}" if entry["reason"] else ""), "folder": entry["folder"]})
    return rows


def record_inputs(out_dir: Path, file: str, sha256: str) -> None:
    """Add a withdrawn delivery (file name, sha256, now) to ``reports/withdrawn/inputs.json``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).
    file : str
        The delivery's file name.
    sha256 : str
        Its sha256.
    """
    aside = Path(out_dir) / WITHDRAWN_DIR
    aside.mkdir(exist_ok=True)
    entries = _ledger(out_dir)
    entries.append({"file": file, "sha256": sha256.lower(), "at": time.time(),
                    "withdrawn_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    _write_json(aside / LEDGER, entries)


def withdrawn_while_made(out_dir: Path, inputs: list[dict], processed_dir: Path) -> list[str]:
    """The files among a pack's ``inputs`` withdrawn after the run that made it had planned it.

    A run plans only from processed tables made from the raw files as they are
    (:func:`analysis.report.plan.read_sources`), so a withdrawal later than the processed set
    (``_tables.json``'s time) came after the planning; one earlier means the delivery was registered
    and ingested again since, and the pack may be published.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).
    inputs : list of dict
        The pack's inputs (``file`` and ``sha256`` each).
    processed_dir : pathlib.Path
        The processed tables the run planned from.

    Returns
    -------
    list of str
        The files withdrawn since.
    """
    entries = _ledger(out_dir)
    if not entries:
        return []
    try:
        made = (Path(processed_dir) / "_tables.json").stat().st_mtime
    except OSError:
        made = float("-inf")  # unknown: every withdrawal counts
    used = {(str(i.get("file")), str(i.get("sha256", "")).lower()) for i in inputs if isinstance(i, dict)}
    return sorted({e["file"] for e in entries if (e.get("file"), e.get("sha256")) in used
                   and float(e.get("at", 0)) >= made})


def _ledger(out_dir: Path) -> list[dict]:
    try:
        entries = json.loads((Path(out_dir) / WITHDRAWN_DIR / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _write_json(path: Path, data: object) -> None:
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    atomic.publish_modes(tmp)
    os.replace(tmp, path)
