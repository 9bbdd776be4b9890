"""The package keeps its shape: the basic modules import no upper layer (the whole layer contract is
import-linter's, in make test; function size is ruff's C901/PLR0915 rules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import paths

PACKAGE = Path(paths.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
BASICS = ["paths", "errors", "money", "names", "numbers", "schemas/__init__", "schemas/columns", "schemas/ingest", "schemas/statistics", "schemas/prose", "manifest",
          "atomic", "tableset", "spreadsheet"]
UPPER = ("ingest", "analyses", "presentation", "report", "cli", "statistics")


@pytest.mark.parametrize("name", BASICS)
def test_a_basic_module_imports_no_upper_layer(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    package = name.split("/")[:-1]  # a module's relative imports are relative to its own package
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
            base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
            imported.add((base + node.module.split("."))[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis."):
            imported.add(node.module.split(".")[1])
    assert not imported & set(UPPER), f"{name}.py imports {sorted(imported & set(UPPER))}"
