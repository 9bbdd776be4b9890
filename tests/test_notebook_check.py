"""The pre-commit notebook check (tools/check_notebooks.py): the committed report notebooks pass, and a
notebook stripped of its outputs - what nbstripout or JupyterLab's "Clear All Outputs" leaves - is refused
by name, so nbval never compares nothing."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "tools" / "check_notebooks.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _check():
    spec = importlib.util.spec_from_file_location("check_notebooks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_notebooks_pass():
    assert len(NOTEBOOKS) >= 10
    assert {str(n): _check().problems(n) for n in NOTEBOOKS} == {str(n): [] for n in NOTEBOOKS}


@pytest.mark.parametrize("strip", ["outputs", "execution_count", "both"])
def test_a_stripped_notebook_is_refused_by_name(tmp_path, strip):
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            if strip in ("outputs", "both"):
                cell["outputs"] = []
            if strip in ("execution_count", "both"):
                cell["execution_count"] = None
    path = tmp_path / NOTEBOOKS[0].name
    path.write_text(json.dumps(nb), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {path}: ") and "notebooks --refresh" in done.stderr


def test_not_a_notebook_is_one_error_line(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "expected a Jupyter notebook" in done.stderr
