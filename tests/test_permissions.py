"""What is published has the umask's permissions (issue 17): folders ``0o777 & ~umask`` and files
``0o666 & ~umask`` - 0755/0644 under umask 022, 0775/0664 under 002 - for everything a report
run puts in reports/ (packs, a failed run, a withdrawn pack, the index), for data/processed and
its files, and for data/raw/manifest.csv (a new one gets the umask's mode, an existing one keeps
its own).  Staging is private while being built; only what is switched in is checked here.

Each umask runs in a child process (the umask is the process's), which does what a user does:
ingest, register and withdraw, a ``report`` run of one notebook, a failed run, ``unpublish``.
The expected modes are the arithmetic above, done here.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import RAW, ROOT

CHILD = textwrap.dedent("""
    import os, shutil, sys
    from pathlib import Path
    mask, base = int(sys.argv[1], 8), Path(sys.argv[2])
    os.umask(mask)
    sys.path.insert(0, {root!r})
    from analysis.cli import main
    from tests.fixtures.packs import manifest_inputs, publish_pack

    raw = base / "raw"
    shutil.copytree({raw!r}, raw)
    os.chmod(raw / "manifest.csv", 0o640)  # a mode someone chose: kept when the manifest is rewritten
    assert main(["ingest", "--raw", str(raw), "--out", str(base / "processed"), "--quiet"]) == 0
    shutil.copy(raw / "004_2dcb32a701b4c77f.txt", raw / "delivered.txt")
    assert main(["register", "delivered.txt", "--raw", str(raw), "--kind", "business_plan_review",
                 "--authority", "Cambridgeshire", "--date", "2017-11-01", "--unit", "gbp_thousands"]) == 0
    assert main(["withdraw", "delivered.txt", "--raw", str(raw), "--reports", str(base / "reports")]) == 0
    fresh = base / "fresh-raw"  # a raw folder whose manifest register creates
    fresh.mkdir()
    shutil.copy(raw / "004_2dcb32a701b4c77f.txt", fresh / "paper.txt")
    assert main(["register", "paper.txt", "--raw", str(fresh), "--kind", "business_plan_review",
                 "--authority", "Cambridgeshire", "--date", "2017-11-01", "--unit", "gbp_thousands"]) == 0
    reports = base / "reports"
    assert main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", "90",
                 "--out", str(reports), "--quiet"]) == 0
    publish_pack(reports, "Torbay", "2019-11", manifest_inputs(raw, ["000_f58272dfada571d1.txt"]))
    publish_pack(reports, "Torbay", "2019-12", manifest_inputs(raw, ["000_f58272dfada571d1.txt"]), failed=True)
    assert main(["unpublish", "Torbay", "2019-11", "--reports", str(reports)]) == 0
""").format(root=str(ROOT), raw=str(RAW))


@pytest.fixture(scope="module", params=["022", "002"])
def published(request, tmp_path_factory) -> tuple[int, Path]:
    base = tmp_path_factory.mktemp(f"umask{request.param}")
    proc = subprocess.run([sys.executable, "-c", CHILD, request.param, str(base)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return int(request.param, 8), base


def _wrong_modes(folder: Path, mask: int) -> list[str]:
    wrong = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        if mode != want:
            wrong.append(f"{path.relative_to(folder.parent)}: {mode:o}, expected {want:o}")
    return wrong


def test_everything_in_reports_has_the_umasks_modes(published):
    mask, base = published
    reports = base / "reports"
    # what a run, a failed run and an unpublish put there, so that the check covers each
    assert (reports / "cambridgeshire" / "2017-10" / "executed").is_dir()
    assert len(list((reports / "failed").iterdir())) == 1 and len(list((reports / "withdrawn").iterdir())) == 1
    assert _wrong_modes(reports, mask) == []


def test_processed_tables_have_the_umasks_modes(published):
    mask, base = published
    assert (base / "processed" / "_tables.json").is_file()
    assert _wrong_modes(base / "processed", mask) == []


def test_the_manifest_keeps_its_mode_or_gets_the_umasks(published):
    mask, base = published
    assert stat.S_IMODE(os.stat(base / "raw" / "manifest.csv").st_mode) == 0o640  # rewritten twice, kept
    assert stat.S_IMODE(os.stat(base / "fresh-raw" / "manifest.csv").st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(base / "raw" / "withdrawn").st_mode) == 0o777 & ~mask


def test_publish_modes_leaves_links_alone_and_keeps_an_owners_execute_bit(tmp_path):
    from analysis import atomic

    folder = tmp_path / "pack"
    (folder / "sub").mkdir(parents=True, mode=0o700)
    (folder / "page.html").write_text("page")
    os.chmod(folder / "page.html", 0o600)
    (folder / "tool").write_text("#!/bin/sh\n")
    os.chmod(folder / "tool", 0o700)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    os.chmod(outside, 0o600)
    (folder / "link").symlink_to(outside)
    atomic.publish_modes(folder, umask=0o027)
    modes = {p.name: stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.iterdir()] if not p.is_symlink()}
    assert modes == {"pack": 0o750, "sub": 0o750, "page.html": 0o640, "tool": 0o750}
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600  # a link is never followed
