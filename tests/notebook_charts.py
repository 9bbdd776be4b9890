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
    """A chart as shown: its figure, its alt text and the SVG the notebook outputs."""

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
    real_show = charts.show
    shown: list[tuple] = []

    def record(fig: Figure, alt: str = "") -> None:
        """The real ``charts.show``, its displayed SVG and alt text kept with the figure."""
        shown.clear()
        real_show(fig, alt)
        (bundle,), metadata = shown[-1]
        drawn.append(Drawn(path.stem, len(drawn) + 1, fig, metadata["metadata"]["image/svg+xml"]["alt"],
                           bundle["image/svg+xml"]))

    namespace: dict[str, object] = {"display": lambda *a, **k: None, "__name__": "__notebook__"}
    import IPython.display

    with mock.patch.object(charts, "show", record), \
            mock.patch.object(IPython.display, "display", lambda *a, **k: shown.append((a, k))):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, f"{path.name}", "exec"), namespace)  # noqa: S102 - our own notebooks
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters)
    return drawn


def public_charts(tables: dict, processed_dir: Path) -> list[Drawn]:
    """Every chart of the public-statistics benchmarks (``analysis.presentation.benchmark_charts``)
    drawn for Torbay on the public tables: the paper's comparator year and the latest model,
    its series, its plans against what was published, spend and the paper's comparator
    reproduced."""
    from analysis import data
    from analysis.analyses import benchmarks, outcomes
    from analysis.presentation import benchmark_charts as bc

    pub = benchmarks.PublicData(tables["cla_rates"], tables["statistical_neighbours"], tables["cla_spend"],
                                tables["public_measures"])
    figures = []
    for year, model in ((2013, "paper_2013"), (2025, "2025")):
        table = benchmarks.comparator(pub, "Torbay", year, model)
        figures.append(bc.chart_comparator(table, benchmarks.summary(pub, table, year, model), source="DfE"))
    series = benchmarks.series(pub, "Torbay", "2025")
    figures.append(bc.chart_series(series, "Torbay", "2025", source="DfE"))
    plans = outcomes.plan_vs_outcome(data.load("cla_trajectories", processed_dir), pub, "Torbay")
    for measure in ("number", "rate"):
        figures.append(bc.chart_plan_vs_outcome(plans, series, "Torbay", measure=measure, source="DfE"))
    for fy, column in (("2013-14", "spend_per_child_gbp"), ("2023-24", "weekly_unit_cost_gbp")):
        figures.append(bc.chart_spend(benchmarks.spend(pub, "Torbay", fy, "2025"), column, authority="Torbay",
                                      financial_year=fy, source="DfE"))
    paper = outcomes.reproduce_paper(data.load("comparator_rates", processed_dir), pub, "Torbay", "2012-13",
                                     data.load("cla_trajectories", processed_dir))
    figures.append(bc.chart_paper_reproduction(paper, subject="Torbay", source="DfE"))
    return [Drawn("public", i, fig, charts.alt_text(fig), charts.svg(fig, charts.alt_text(fig)))
            for i, fig in enumerate(figures, start=1)]
