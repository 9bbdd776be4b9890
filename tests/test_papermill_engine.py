"""The ``council-kernel`` papermill engine (issue 17: no log noise that means nothing to the user;
anything real still shown).  Run as a user would: the papermill command line, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat

from .conftest import ROOT

PAPERMILL = str(ROOT / ".venv" / "bin" / "papermill")


def _run(notebook: Path, out: Path, *extra: str, tmp: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TMPDIR": str(tmp)} if tmp else None  # its own temporary folder: tests run side by side
    return subprocess.run([PAPERMILL, "--engine", "council-kernel", "--no-progress-bar", "--log-level", "WARNING",
                           str(notebook), str(out), *extra], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def _kernel_folders(tmp: Path) -> set[str]:
    return {p.name for p in tmp.glob("council-report-kernel-*")}


def test_a_report_runs_without_kernel_noise_and_leaves_no_kernel_folder(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    before = _kernel_folders(tmp)
    result = _run(ROOT / "notebooks" / "90_reconciliation.ipynb", tmp_path / "out.ipynb", "-p", "authority", "Torbay",
                  tmp=tmp)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no 'running over TCP', no 'Could not destroy zmq context'
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["authority"] == "Torbay"
    assert not any(o.get("output_type") == "error" for c in executed["cells"] for o in c.get("outputs", []))
    assert _kernel_folders(tmp) <= before  # the kernel's socket folder went with it


def test_a_failing_cell_is_still_shown(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell("raise ValueError('a real problem')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "failing.ipynb"
    nbformat.write(nb, path)
    result = _run(path, tmp_path / "out.ipynb")
    assert result.returncode != 0
    assert "ValueError" in result.stderr and "a real problem" in result.stderr
