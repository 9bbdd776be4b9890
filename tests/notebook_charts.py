"""Every chart a report notebook draws, as Figure objects: the notebook's code cells are run in
this process (its ``parameters`` cell, then the given parameters, then the rest) with
:func:`analysis.presentation.charts.show` recording each figure and its alt text.  The tests
then check the figures themselves (rendered text boxes, colours), which the notebook's SVG
output no longer carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import nbformat
from matplotlib.figure import Figure

from analysis.presentation import charts


@dataclass
class Drawn:
    notebook: str
    index: int
    figure: Figure
    alt: str
    svg: str

    @property
    def name(self) -> str:
        return f"{self.notebook}#{self.index}"


def charts_of(path: Path, parameters: dict[str, object]) -> list[Drawn]:
    """Run the notebook at ``path`` in this process and return every chart it shows."""
    nb = nbformat.read(path, as_version=4)
    drawn: list[Drawn] = []
    real_svg = charts.svg

    def record(fig: Figure, alt: str = "") -> None:
        drawn.append(Drawn(path.stem, len(drawn) + 1, fig, alt, real_svg(fig, alt)))

    namespace: dict[str, object] = {"display": lambda *a, **k: None, "__name__": "__notebook__"}
    with mock.patch.object(charts, "show", record):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, f"{path.name}", "exec"), namespace)  # noqa: S102 - our own notebooks
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters)
    return drawn
