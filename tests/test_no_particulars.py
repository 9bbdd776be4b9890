"""Nothing of one paper in the code: no year, council, document id, plan id, table number or
service block of the bundled papers in the analyses, the presentation layer, the loaders or any
notebook cell other than its parameters cell (whose defaults run on the bundled data).  Docstrings
and comments may cite the bundled papers as examples; code and what a report says may not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from analysis import paths
from analysis.report.notebooks import notebook_paths

PACKAGE = Path(paths.__file__).parent
MODULES = sorted([*(PACKAGE / "analyses").glob("*.py"), *(PACKAGE / "presentation").glob("*.py"),
                  PACKAGE / "data.py", PACKAGE / "assumptions.py"])
PARTICULARS = re.compile(
    r"\b(19|20)\d\d\b|\b\d\d-\d\d\b|Torbay|Cambridgeshire|(?<![\d,£])\b00[0-9]\b|plan_20|mtfs_|People and Communities|P&C"
    r"|Table \d|§|Cabinet|MTFS|October|November|HML", re.I)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String and number constants of the code, docstrings excluded."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings and isinstance(node.value, (str, int)) \
                and not isinstance(node.value, bool):
            out.append((node.lineno, str(node.value)))
    return out


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PACKAGE)) for m in MODULES])
def test_no_paper_particulars_in_the_code(module):
    found = [(line, text) for line, text in _strings(ast.parse(module.read_text(encoding="utf-8")))
             if PARTICULARS.search(text) and not text.startswith(("%", "^"))]  # strftime and regex patterns
    assert found == [], f"{module.name}: " + "; ".join(f"line {n}: {t!r}" for n, t in found)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_no_paper_particulars_in_a_notebook_outside_its_parameters(path):
    nb = nbformat.read(path, as_version=4)
    found = []
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.metadata.get("tags", []):
            continue
        for match in PARTICULARS.finditer(cell.source):
            found.append(f"cell {i}: {match.group(0)!r} in …{cell.source[max(0, match.start() - 30):match.end() + 30]}…")
    assert found == [], "\n".join(found)
