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


PUBLIC_MODULES = [m for m in MODULES if m.name not in ("__init__.py", "__main__.py")]


def _all_problems(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               and not n.name.startswith("_")}
    declared = next((n.value for n in tree.body if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)), None)
    if not defined:
        return []
    if not isinstance(declared, ast.List):
        return ["defines no __all__"]
    names = {e.value for e in declared.elts if isinstance(e, ast.Constant)}
    top = {n.id for node in tree.body for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    top |= {a.asname or a.name.split(".")[0] for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            for a in node.names}
    return ([f"not in __all__: {sorted(defined - names)}"] if defined - names else []) + \
        ([f"__all__ names what the module lacks: {sorted(names - defined - top)}"] if names - defined - top else [])


def test_every_module_says_what_it_offers():
    """``__all__`` names every public function and class a module defines, and nothing it lacks."""
    problems = {str(m.relative_to(PACKAGE)): p for m in PUBLIC_MODULES if (p := _all_problems(m))}
    assert not problems, problems


def test_the_engines_import_before_papermill():
    """papermill loads its engines' entry points (analysis.report.engine) when first imported: a
    program importing the engine first must not find it half-made."""
    import subprocess
    import sys

    code = "from analysis.report.engine import CouncilForkEngine as E; import papermill.engines as p; " \
           "assert p.papermill_engines.get_engine('council-fork') is E"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
