"""Taking published packs down: the packs made from a withdrawn file, or one pack by hand.

A pack taken down is moved, under the publishing lock and in one ``rename``, from
``reports/<slug>/<period>/`` to ``reports/withdrawn/<slug>-<period>-<run id>/`` (the period
folder disappears at once; nothing is deleted), and a ``withdrawal.json`` beside its
``manifest.json`` records when, why and - for a withdrawn file - which file it was made from.
``reports/index.html`` is then rewritten: the pack leaves the published list and appears among
the withdrawn packs.  A withdrawn pack never comes back by itself; running ``report`` for the
period again publishes a new pack from the papers in force then.  Its two functions::

    unpublish_made_from(reports_dir, file, sha256, reason)   every pack whose manifest's
                        ``inputs`` list that file with that sha256 (``withdraw``, ``register --replace``)
    unpublish(reports_dir, authority, period, reason)        one pack (``unpublish``)
"""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import ReportError
from ..manifest import PERIOD_RE
from .publish import published_packs, publishing_lock, write_reports_index
from .withdrawn import move_in, record_inputs

__all__ = ["find_authority", "unpublish", "unpublish_made_from"]


def unpublish_made_from(reports_dir: Path, file: str | Path, sha256: str, reason: str = "") -> list[Path]:
    """Take down every published pack made from ``file`` as it was when its sha256 was ``sha256``.

    Both must match an entry of the pack manifest's ``inputs``.

    Parameters
    ----------
    reports_dir : pathlib.Path
        The reports folder (``reports/``).
    file : str or pathlib.Path
        The delivered file (its name).
    sha256 : str
        Its sha256 when the packs were made.
    reason : str, default ""
        Why, recorded in each pack's ``withdrawal.json``.

    Returns
    -------
    list of pathlib.Path
        Where the packs went (``reports/withdrawn/…``), oldest period first; empty when none
        matched or the reports folder does not exist.
    """
    reports_dir, name, sha256 = Path(reports_dir), Path(file).name, sha256.lower()
    if not reports_dir.is_dir():
        return []
    moved = []
    with publishing_lock(reports_dir):
        record_inputs(reports_dir, name, sha256)  # a run making a pack from it now will not publish it
        for folder, manifest in published_packs(reports_dir):
            if any(i.get("file") == name and str(i.get("sha256", "")).lower() == sha256
                   for i in manifest.get("inputs") or [] if isinstance(i, dict)):
                moved.append(_take_down(reports_dir, folder, manifest, reason=reason, made_from=[name],
                                        command="withdraw"))
        if moved:
            write_reports_index(reports_dir)
    return moved


def unpublish(reports_dir: Path, authority: str, period: str, reason: str = "") -> Path:
    """Take down the pack published for ``authority`` at ``period``.

    Parameters
    ----------
    reports_dir : pathlib.Path
        The reports folder (``reports/``).
    authority : str
        Its name or folder name.
    period : str
        The pack's month, ``'YYYY-MM'``.
    reason : str, default ""
        Why, recorded in its ``withdrawal.json``.

    Returns
    -------
    pathlib.Path
        Where it went (``reports/withdrawn/…``).

    Raises
    ------
    ReportError
        Naming the published packs when there is none.
    """
    reports_dir = Path(reports_dir)
    if not PERIOD_RE.match(period):
        raise ReportError(f"period {period!r}: expected YYYY-MM (e.g. 2019-11)")
    if not reports_dir.is_dir():
        raise ReportError(f"{paths.shown(reports_dir)}: no such folder, so no pack is published there")
    with publishing_lock(reports_dir):
        packs = published_packs(reports_dir)
        slug = find_authority(authority, packs)
        found = [(f, m) for f, m in packs if m.get("slug") == slug and m.get("period") == period]
        if not found:
            periods = ", ".join(m["period"] for _, m in packs if m.get("slug") == slug)
            raise ReportError(f"no pack of {authority} is published for {period} in {paths.shown(reports_dir)} "
                              f"(published: {periods or 'none'}); see `python -m analysis status`")
        where = _take_down(reports_dir, *found[0], reason=reason, made_from=[], command="unpublish")
        write_reports_index(reports_dir)
    return where


def find_authority(requested: str, packs: list[tuple[Path, dict]]) -> str:
    """The folder name (slug) of the published authority ``requested`` names.

    Its folder name, or its name matched as everywhere else (:func:`analysis.names.match`: case,
    punctuation, "&"/"and", "St"/"St.", designations).

    Parameters
    ----------
    requested : str
        The name given.
    packs : list of (pathlib.Path, dict)
        The published packs and their manifests
        (:func:`analysis.report.publish.published_packs`).

    Returns
    -------
    str
        The slug.

    Raises
    ------
    ReportError
        With "did you mean" when no published authority matches.
    """
    from ..names import match

    known = {m.get("slug", ""): m.get("authority", "") for _, m in packs}
    if requested in known:
        return requested
    found = match(requested, sorted(set(known.values())))
    if found.name is not None:
        return next(slug for slug, name in known.items() if name == found.name)
    listing = ", ".join(f"{name} ({slug})" for slug, name in sorted(known.items())) or "none"
    hint = found.ambiguity() if found.candidates else found.did_you_mean()
    raise ReportError(f"authority {requested!r} has no published pack" + (f"; {hint}" if hint else "")
                      + f"; published authorities: {listing}")


def _take_down(reports_dir: Path, folder: Path, manifest: dict, *, reason: str, made_from: list[str],
               command: str) -> Path:
    """Move one published pack into ``reports/withdrawn/`` in one rename and record why (called
    under the publishing lock)."""
    base = f"{manifest.get('slug') or folder.parent.name}-{manifest.get('period') or folder.name}-" \
           f"{manifest.get('run_id') or 'unknown-run'}"
    return move_in(reports_dir, folder, base, reason=reason, made_from=made_from, command=command)
