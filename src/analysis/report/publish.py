"""Publishing packs: staging, the atomic switch, merging partial runs, the indexes, clean-up.

* A pack is built in a locked staging folder beside its target
  (``reports/<slug>/.staging-<period>-…``) and switched in as one unit with
  :func:`analysis.atomic.switch_in`: at every instant ``reports/<slug>/<period>/`` holds a
  complete pack - the old one or the new one - never a mixture and never nothing.
* ``reports/<slug>/<period>/`` only ever holds a pack whose every report succeeded (or was not
  applicable).  A run with a failed report is published to ``reports/failed/<slug>-<period>-<run
  id>/`` and the published pack is left exactly as it was.
* A partial run (``--only``) never removes reports: the reports it ran are **merged** into a new
  complete pack together with the other reports of the published one (copied from it, under the
  publishing lock), and that pack is switched in.  Planning refuses a merge when the published
  pack was made from other inputs (:func:`analysis.report.plan.check_merge`).  With no published
  pack, the pack lists the reports not run as ``not run``.
* Publishing holds ``reports/.lock``, so two runs on one reports folder publish one after the
  other; each pack they switch in is complete.
* :func:`clean_debris`, at the start of every run, removes the staging folders and temporary
  folders of runs that died (their lock is free) and finishes a switch that died half-way.
* Everything published - a pack, a failed run, the indexes - has the umask's modes (folders
  ``0o777 & ~umask``, files ``0o666 & ~umask``: :func:`analysis.atomic.publish_modes`), though
  a pack is built in a private staging folder.
* A pack taken down (:mod:`analysis.report.unpublish`) lies in ``reports/withdrawn/<slug>-<period>-
  <run id>/`` with a ``withdrawal.json`` saying when and why; ``reports/index.html`` lists it
  apart from the failed runs (:mod:`analysis.report.withdrawn`).  A pack made from a file
  withdrawn while the run was making it is filed there too, never switched in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from .. import __version__, atomic, paths
from .execute import STATUS_FAILED, STATUS_NA, STATUS_NOT_RUN, STATUS_OK, JobResult
from .interrupts import critical, pause_point
from .notebooks import TEMP_PREFIX
from .plan import PackPlan, published_manifest
from .withdrawn import WITHDRAWN_DIR, index_rows, move_in, withdrawn_while_made

__all__ = [
    "ENGLAND_PREFIX", "FAILED_DIR", "INDEX_EVERY_S", "PACKAGES", "ReportsIndexes", "STAGING_PREFIX", "clean_debris", "index_behind", "new_staging", "publish",
    "published_packs", "publishing_lock", "run_metadata", "write_pack", "write_reports_index",
]

FAILED_DIR = "failed"
#: a run rewrites ``reports/index.html`` at most this often (seconds), and at its end: a batch of
#: hundreds of packs would otherwise rewrite a page listing them all after each one
INDEX_EVERY_S = 2.0
ENGLAND_PREFIX = "england-"  # reports/england-YYYY.html: every authority ranked (analysis.report.england)
STAGING_PREFIX = ".staging-"
PACKAGES = ("pandas", "pyarrow", "pandera", "matplotlib", "seaborn", "papermill", "nbconvert", "nbclient",
            "nbformat", "ipykernel", "jupyter_client", "openpyxl", "numpy")


@contextlib.contextmanager
def publishing_lock(out_dir: Path) -> Iterator[None]:
    """``reports/.lock``, held while a run switches packs in and rewrites the indexes.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Yields
    ------
    None
        While the lock is held.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_debris(out_dir: Path) -> list[Path]:
    """Remove what runs that died left behind (module docstring).

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Returns
    -------
    list of pathlib.Path
        What was removed or put back.
    """
    done: list[Path] = atomic.remove_stale(Path(tempfile.gettempdir()), TEMP_PREFIX)
    if not out_dir.is_dir():
        return done
    with publishing_lock(out_dir):
        here: list[Path] = []
        for folder in [out_dir, *sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith("."))]:
            here += atomic.remove_stale(folder, STAGING_PREFIX)
            for previous in sorted(folder.glob(f"{atomic.PREVIOUS_PREFIX}*")):
                target = folder / previous.name[len(atomic.PREVIOUS_PREFIX):]
                if atomic.recover(target):
                    here.append(target)
        if here or index_behind(out_dir):  # a pack switched in without the index rewritten
            write_reports_index(out_dir)
    return done + here


class ReportsIndexes:
    """The reports indexes a run owes: rewritten at most every ``every`` seconds, and on :meth:`write`.

    A batch publishing hundreds of packs would otherwise rewrite a page listing them all after
    each one (its cost growing with the square of the batch).

    Parameters
    ----------
    every : float, default :data:`INDEX_EVERY_S`
        Seconds between rewrites while packs are being published.
    """

    def __init__(self, every: float = INDEX_EVERY_S) -> None:
        self.every = every
        self.due: set[Path] = set()
        self.written = time.monotonic()

    def published(self, out_dir: Path) -> None:
        """Note a pack published into ``out_dir``; rewrite the due indexes if ``every`` has passed.

        Parameters
        ----------
        out_dir : pathlib.Path
            The reports folder the pack was published into.
        """
        self.due.add(Path(out_dir))
        if time.monotonic() - self.written >= self.every:
            self.write()

    def write(self) -> None:
        """Rewrite every due ``reports/index.html`` now, each under its publishing lock."""
        for out_dir in sorted(self.due):
            with publishing_lock(out_dir):
                write_reports_index(out_dir)
        self.due.clear()
        self.written = time.monotonic()


def index_behind(out_dir: Path) -> bool:
    """Whether ``reports/index.html`` is older than a pack, failed run or withdrawn pack it lists.

    A run rewrites the index at most every :data:`INDEX_EVERY_S` seconds and at its end, so one
    killed in between leaves packs published but not yet listed; the next run's
    :func:`clean_debris` rewrites the index when this is true.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Returns
    -------
    bool
        True when a ``manifest.json`` two levels down is newer than the index, or the index is
        missing while there is one.
    """
    manifests = [m for m in Path(out_dir).glob("*/*/manifest.json") if not m.parent.name.startswith(".")]
    index = Path(out_dir) / "index.html"
    if not manifests:
        return False
    if not index.is_file():
        return True
    written = index.stat().st_mtime_ns
    return any(m.stat().st_mtime_ns > written for m in manifests)


def new_staging(plan: PackPlan) -> Path:
    """A new locked staging folder beside the pack's target (``reports/<slug>/.staging-<period>-…``).

    Parameters
    ----------
    plan : analysis.report.plan.PackPlan
        The pack.

    Returns
    -------
    pathlib.Path
        The staging folder.
    """
    return atomic.staging_dir(plan.out_dir / plan.slug, f"{STAGING_PREFIX}{plan.period}-")


def _git() -> dict:
    root = paths.project_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty if commit else None}


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {"python": platform.python_version(), "council-finance-analysis": __version__}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def run_metadata() -> dict:
    """What every pack's manifest says about the code that made it.

    Git commit and dirty flag, package versions.

    Returns
    -------
    dict
        The manifest's code fields.
    """
    return {"git": _git(), "versions": _versions()}


def _merge(plan: PackPlan, results: list[JobResult]) -> list[JobResult]:
    """The reports of the published pack that this partial run did not make, copied into the
    staging folder (called under the publishing lock)."""
    made = {r.name for r in results} | {r.name for r in plan.skipped}
    staging = plan.staging
    assert staging is not None  # write_pack runs after run.py has made the staging folder
    published = published_manifest(plan.target) or {}
    if published.get("fingerprint") != plan.fingerprint:
        published = {}
    merged = []
    for report in published.get("reports", []):
        if report["name"] in made:
            continue
        for name in (report.get("html"), f"executed/{report['name']}.ipynb", f"{report['name']}.xlsx"):
            if name and report["status"] != STATUS_NA and (plan.target / name).is_file():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(plan.target / name, staging / name)
        merged.append(JobResult(**{k: v for k, v in report.items() if k in JobResult.__dataclass_fields__}))
    names = made | {r.name for r in merged}
    merged += [JobResult(name, title, plan.authority, STATUS_NOT_RUN, {}, error="not run (--only)")
               for name, title in plan.notebooks if name not in names]
    return merged


def write_pack(plan: PackPlan, results: list[JobResult], run_id: str, processed_dir: Path,
               metadata: dict | None = None) -> bool:
    """Write the pack's own files into the staging folder.

    ``index.html``, ``pack.html`` (the whole pack to print: :mod:`analysis.report.pack_document`),
    ``timings.js`` and ``manifest.json``.

    Parameters
    ----------
    plan : analysis.report.plan.PackPlan
        The pack (its staging folder made before any report ran).
    results : list of analysis.report.execute.JobResult
        Each report's result.
    run_id : str
        The run's id (given to results that have none).
    processed_dir : pathlib.Path
        The processed tables the pack was made from (named in its manifest).
    metadata : dict, optional
        What the manifest says about the code; ``None`` = :func:`run_metadata`.

    Returns
    -------
    bool
        True when every report succeeded or was not applicable.
    """
    from .render import render_template

    staging = plan.staging
    assert staging is not None  # made by run.py before any report runs
    results = [r if r.run_id else JobResult(**{**asdict(r), "run_id": run_id}) for r in results]
    ordered = sorted(results + plan.skipped, key=lambda r: r.name)
    if plan.partial:
        ordered = sorted(ordered + _merge(plan, ordered), key=lambda r: r.name)
    failed = [r.name for r in ordered if r.status == STATUS_FAILED]
    counts = {s: sum(r.status == s for r in ordered) for s in (STATUS_OK, STATUS_FAILED, STATUS_NA, STATUS_NOT_RUN)}
    summary = f"{counts[STATUS_OK]} of {len(ordered)} reports succeeded" + "".join(
        f", {counts[s]} {s}" for s in (STATUS_FAILED, STATUS_NA, STATUS_NOT_RUN) if counts[s]) + "."
    from ..numbers import MONEY_NOTE, month
    from .pack_document import Page, write_pack_document
    from .years import hindsight_note

    hindsight = f"hindsight view to {month(plan.as_of)}" if plan.as_of else ""  # in the printed running header
    document = write_pack_document(staging, [Page(r.name, r.title, r.html) for r in ordered
                                             if r.html and r.status in (STATUS_OK, STATUS_FAILED)],
                                   title=plan.title, where=[plan.authority, month(plan.period), hindsight],
                                   money_note=MONEY_NOTE, view_note=hindsight_note(plan.period, plan.as_of))
    index = render_template("pack_index.html.j2", title=plan.title, summary=summary, failed=failed, money_note=MONEY_NOTE,
                            authority=plan.authority, month=month(plan.period), hindsight=hindsight,
                            print_document=document.name if document else None,
                            view_note=hindsight_note(plan.period, plan.as_of),
                            reports=[{**asdict(r), "html": r.html if r.status in (STATUS_OK, STATUS_FAILED) else None,
                                      "xlsx": f"{r.name}.xlsx" if r.status == STATUS_OK and (staging / f"{r.name}.xlsx").is_file()
                                      else None} for r in ordered])
    (staging / "index.html").write_text(index, encoding="utf-8")
    timings = {r.name: r.duration_s for r in ordered if r.status in (STATUS_OK, STATUS_FAILED)}
    (staging / "timings.js").write_text("window.packTimings = " + json.dumps(timings, sort_keys=True) + ";\n",
                                        encoding="utf-8")
    manifest = {
        "run_id": run_id, "authority": plan.authority, "slug": plan.slug, "period": plan.period,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "status": "ok" if not failed else "failed", "partial": plan.partial,
        **(metadata or run_metadata()), "processed_dir": str(processed_dir),
        "as_of": plan.as_of or plan.period, "fingerprint": plan.fingerprint, "documents": plan.documents,
        "inputs": plan.inputs,
        "processed_tables": plan.tables, "reports": [asdict(r) for r in ordered],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return not failed


def publish(plan: PackPlan, results: list[JobResult], run_id: str, processed_dir: Path,
            metadata: dict | None = None, *, index: bool = True) -> tuple[Path, bool]:
    """Write the pack and switch it in; rewrite the indexes.

    Or file it under ``failed/``, or under ``withdrawn/`` when a file it was made from was withdrawn
    while the run made it.

    Parameters
    ----------
    plan : analysis.report.plan.PackPlan
        The pack (its staging folder made before any report ran).
    results : list of analysis.report.execute.JobResult
        Each report's result.
    run_id : str
        The run's id (given to results that have none).
    processed_dir : pathlib.Path
        The processed tables the pack was made from (named in its manifest).
    metadata : dict, optional
        What the manifest says about the code; ``None`` = :func:`run_metadata`.
    index : bool, default True
        Rewrite ``reports/index.html`` now; ``False`` when the caller rewrites it later
        (:func:`analysis.report.run.run_packs` does so at most every :data:`INDEX_EVERY_S` seconds
        and at the end of its run; :func:`clean_debris` catches up after a run that was killed).

    Returns
    -------
    where : pathlib.Path
        Where the pack is.
    published : bool
        Whether it was published as the period's pack.
    """
    staging = plan.staging
    assert staging is not None  # made by run.py before any report runs
    with publishing_lock(plan.out_dir):
        ok = write_pack(plan, results, run_id, processed_dir, metadata)
        pause_point("staged")
        gone = withdrawn_while_made(plan.out_dir, plan.inputs, processed_dir)
        with critical():
            if gone:
                where = move_in(plan.out_dir, staging, f"{plan.slug}-{plan.period}-{run_id}", made_from=gone,
                                reason="withdrawn while this run was making the pack", command="report")
                atomic.discard(staging)  # releases the lock (the folder has moved)
                ok = False
            elif ok:
                atomic.switch_in(staging, plan.target)
                (plan.target / atomic.LOCK_NAME).unlink(missing_ok=True)
                where = plan.target
            else:
                where = plan.out_dir / FAILED_DIR / f"{plan.slug}-{plan.period}-{run_id}"
                where.parent.mkdir(parents=True, exist_ok=True)
                atomic.publish_modes(staging)
                os.rename(staging, where)
                atomic.discard(staging)  # releases the lock (the folder has moved)
                (where / atomic.LOCK_NAME).unlink(missing_ok=True)
            if index:
                write_reports_index(plan.out_dir)
    return where, ok


def published_packs(out_dir: Path) -> list[tuple[Path, dict]]:
    """Every published pack under ``out_dir`` and its manifest.

    Packs whose manifest is missing or unreadable are left out.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).

    Returns
    -------
    list of (pathlib.Path, dict)
        Each pack's folder and its ``manifest.json``.
    """
    return list(_packs(Path(out_dir)))


def _packs(out_dir: Path) -> Iterator[tuple[Path, dict]]:
    for manifest in sorted(out_dir.glob("*/*/manifest.json")):
        folder = manifest.parent
        if folder.parts[-2] in (FAILED_DIR, WITHDRAWN_DIR) or folder.parts[-2].startswith(".") \
                or folder.name.startswith("."):
            continue
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a damaged manifest: not a pack
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("slug") == folder.parts[-2] and data.get("period") == folder.name:
                yield folder, data


def write_reports_index(out_dir: Path) -> None:
    """``reports/index.html``: every authority and its published periods, newest first.

    With the packs withdrawn (what, when, why) and the runs with failed reports (kept for diagnosis).

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (``reports/``).
    """
    from ..numbers import month
    from .render import render_template

    authorities: dict[str, dict] = {}
    for _folder, data in _packs(out_dir):
        ok = sum(r["status"] == STATUS_OK for r in data["reports"])
        entry = authorities.setdefault(data["slug"], {"name": data["authority"], "slug": data["slug"], "periods": []})
        entry["periods"].append({"period": data["period"], "month": month(data["period"]), "href": f"{data['slug']}/{data['period']}/index.html",
                                 "summary": f"{ok} of {len(data['reports'])} reports"})
    for entry in authorities.values():
        entry["periods"].sort(key=lambda p: p["period"], reverse=True)
    failed = []
    for manifest in sorted((out_dir / FAILED_DIR).glob("*/manifest.json")):
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(manifest.read_text(encoding="utf-8"))
            failed.append({"name": manifest.parent.name, "href": f"{FAILED_DIR}/{manifest.parent.name}/index.html",
                           "failed": ", ".join(r["name"] for r in data["reports"] if r["status"] == STATUS_FAILED)})
    england = [{"year": f.stem[len(ENGLAND_PREFIX):], "href": f.name}
               for f in sorted(out_dir.glob(f"{ENGLAND_PREFIX}*.html"), reverse=True)]
    html = render_template("reports_index.html.j2", authorities=sorted(authorities.values(), key=lambda a: a["name"]),
                           failed=failed, england=england, withdrawn=index_rows(out_dir))
    tmp = out_dir / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    atomic.publish_modes(tmp)
    os.replace(tmp, out_dir / "index.html")
