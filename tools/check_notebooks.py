"""Pre-commit check: the report notebooks keep the outputs nbval compares.

``make test`` re-executes every notebook in ``notebooks/`` with nbval and compares each output with
the one committed, so a notebook committed without its outputs (cleared in JupyterLab, or passed
through nbstripout) makes nbval compare nothing. This check refuses such a commit: every code cell
must have been executed (an ``execution_count``), and the notebook must hold some output. It reads the files only; it changes nothing.

Usage: ``python tools/check_notebooks.py NOTEBOOK ...`` (exit 1, one line per problem).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REFRESH = "refresh them with `.venv/bin/python -m analysis notebooks --refresh` and review the diff"


def problems(path: Path) -> list[str]:
    """What stops nbval comparing ``path``'s outputs, one sentence each (empty when nothing does)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{path}: expected a Jupyter notebook (JSON with cells), found {type(exc).__name__}: {exc}"]
    code = [c for c in cells if c.get("cell_type") == "code"]
    found = []
    counts = [c.get("execution_count") for c in code]
    if code and any(n is None for n in counts):
        missing = [i for i, c in enumerate(cells) if c.get("cell_type") == "code" and c.get("execution_count") is None]
        found.append(f"{path}: {len(missing)} of {len(code)} code cells were never executed (cells "
                     f"{', '.join(map(str, missing[:5]))}): {REFRESH}")
    if code and not any(c.get("outputs") for c in code):
        found.append(f"{path}: no code cell has an output, so nbval would compare nothing: {REFRESH}")
    return found


def main(argv: list[str]) -> int:
    lines = [line for arg in argv for line in problems(Path(arg))]
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
