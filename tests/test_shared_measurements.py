"""What a forked child gives back to its template (issue 20): the texts its charts measured, so
that the next child finds them measured - and nothing measured in fonts the template never chose.

Run in a fresh process made a warm template (``warm_worker``), as a report worker is: a notebook
draws a chart in the project's style (``charts.ranked_bars``) with labels no other test uses; after
the fork engine ran it, the template holds each label's measurement, equal to the one Agg's own
renderer makes of it here; a notebook that chooses its own font family gives back nothing of what
it measured in it; a child killed at its cell timeout gives back nothing; no file of theirs is
left in the temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

LABELS = ["Quillfeather Vale", "Marrowgate Hollow", "Thistlecombe"]  # SYNTHETIC authority names

STYLED = textwrap.dedent(f"""
    from analysis.presentation import charts
    fig = charts.ranked_bars({LABELS!r}, [11.0, 32.5, 20.0], highlight=[{LABELS[1]!r}], title="Shared",
                             subtitle="", xlabel="Rate", source="Source: none")
    charts.svg(fig, "shared")
""")
OWN_FONT = textwrap.dedent("""
    import matplotlib
    matplotlib.rcParams["font.family"] = "monospace"
    from matplotlib.figure import Figure
    from analysis.presentation.chart_text import ChartCanvas
    fig = Figure(figsize=(3, 1))
    ChartCanvas(fig)
    fig.text(0.1, 0.5, "Quillfeather in a font of its own")
    fig.canvas.draw()
""")
SLOW = "import time\ntime.sleep(60)"

SCRIPT = textwrap.dedent("""
    import json, os, sys, tempfile
    from pathlib import Path
    from matplotlib.backends.backend_agg import RendererAgg
    from analysis.report import notebooks
    from analysis.report.template import warm_worker
    from analysis.presentation.chart_text import ChartRenderer
    from analysis.presentation.chart_style import style

    warm_worker(template=True)
    folder = Path(sys.argv[1])

    def held(text):
        return [value for (dpi, s, prop, ismath, params), value in ChartRenderer._measured.items() if s == text]

    out = {}
    notebooks.execute(folder / "styled.ipynb", None, {})
    out["styled"] = {label: held(label) for label in json.loads(sys.argv[2])}
    with style():  # Agg's own measure of the same texts, in the same style, without any cache
        agg = RendererAgg(100, 100, 100.0)
        out["agg"] = {label: [list(agg.get_text_width_height_descent(label, prop, ismath))
                              for (dpi, s, prop, ismath, params) in ChartRenderer._measured if s == label]
                      for label in json.loads(sys.argv[2])}
    notebooks.execute(folder / "own_font.ipynb", None, {})
    out["own_font"] = held("Quillfeather in a font of its own")
    try:
        notebooks.execute(folder / "slow.ipynb", None, {}, timeout=2)
    except Exception as exc:
        out["slow"] = type(exc).__name__
    out["left"] = sorted(p.name for p in Path(tempfile.gettempdir()).glob("council-measured-*"))
    print(json.dumps(out))
""")


def _notebook(path: Path, source: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_a_childs_measurements_reach_its_template_and_nothing_else(tmp_path):
    for name, source in (("styled", STYLED), ("own_font", OWN_FONT), ("slow", SLOW)):
        _notebook(tmp_path / f"{name}.ipynb", source)
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), json.dumps(LABELS)], capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for label in LABELS:  # measured in the child, held by the template, as Agg measures it
        assert out["styled"][label], label
        assert [list(v) for v in out["styled"][label]] == out["agg"][label], label
    assert out["own_font"] == []  # measured in a font the template never chose: not given back
    assert out["slow"]  # the child was killed at its timeout ...
    assert out["left"] == [] and list(temp.glob("council-measured-*")) == []  # ... and left no file
