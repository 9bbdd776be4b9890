"""The chart style sets no global state: importing the chart module (and every analysis) selects
no backend, imports no pyplot and changes no rcParams; every chart is drawn in the style context,
so it is the same whatever the caller's settings, and the caller's settings survive it."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import pytest

from analysis.analyses import variance
from analysis.presentation import charts, savings_charts

_IMPORT_CHECK = """
import sys, matplotlib
rc = matplotlib.rcParams
before = {k: rc._get(k) for k in rc.keys()}
import analysis.presentation.charts, analysis.presentation.display, analysis.analyses.scorecard, analysis.reconcile
import analysis.presentation.trajectory_charts
after = {k: rc._get(k) for k in rc.keys()}
changed = sorted(k for k in before if before[k] != after[k])
print("pyplot" if "matplotlib.pyplot" in sys.modules else "no pyplot", changed)
"""


def test_importing_the_charts_changes_nothing_global():
    out = subprocess.run([sys.executable, "-c", _IMPORT_CHECK], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "no pyplot []"


@pytest.fixture(scope="module")
def tracker(bundled):
    return bundled.tables["savings_tracker"]


def test_a_chart_is_the_same_whatever_the_callers_settings_and_leaves_them_alone(tracker):
    table = variance.by_committee(tracker)

    def draw() -> str:
        return charts.svg(savings_charts.chart_by_committee(table, source="003", financial_year="2017-18"), "alt")

    plain = draw()
    with matplotlib.rc_context({"font.size": 20, "axes.grid": False, "svg.hashsalt": "other", "text.color": "red",
                                "axes.spines.top": True}):
        assert draw() == plain
        assert matplotlib.rcParams["font.size"] == 20 and matplotlib.rcParams["svg.hashsalt"] == "other"
    with charts.style():
        assert matplotlib.rcParams["svg.hashsalt"] == charts.STYLE["svg.hashsalt"]
    assert matplotlib.rcParams["svg.hashsalt"] != charts.STYLE["svg.hashsalt"]


def test_every_chart_function_draws_in_the_style_context():
    import importlib
    import inspect
    import pkgutil

    from analysis import analyses, presentation
    from analysis.presentation import reconciliation

    modules = [importlib.import_module(f"{package.__name__}.{m.name}") for package in (analyses, presentation)
               for m in pkgutil.iter_modules(package.__path__)]
    assert savings_charts in modules
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("chart_") and name != "chart_title":
                assert getattr(function, "__wrapped__", None) is not None, f"{module.__name__}.{name} is not styled"
    assert reconciliation in modules
    assert "rcdefaults" not in inspect.getsource(charts) and "matplotlib.use" not in inspect.getsource(charts)


# --------------------------------------------------------------------------------------------- alt text, size


def _shown(fig, alt: str):
    """What ``charts.show`` displays: the SVG text and the alt text in its metadata."""
    from unittest import mock

    import IPython.display

    calls = []
    with mock.patch.object(IPython.display, "display", lambda *a, **k: calls.append((a, k))):
        charts.show(fig, alt=alt)
    (bundle,), kwargs = calls[0]
    return bundle["image/svg+xml"], kwargs["metadata"]["image/svg+xml"]["alt"]


def test_the_alt_text_carries_the_finding_what_is_plotted_and_the_notebooks_words(tracker):
    import html
    import re

    table = variance.by_committee(tracker)
    fig = savings_charts.chart_by_committee(table, source="003", financial_year="2017-18")
    svg, alt = _shown(fig, "Bar chart of planned and forecast saving by committee, 2017-18")
    worst = table.sort_values("delivery_pct").iloc[0]
    pct = f"{100 * worst.forecast_saving_gbp / worst.planned_saving_gbp:.0f}%"  # the tracker's own figures
    expected = (f"{worst.committee} is forecast to deliver {pct} of its planned saving. Planned and forecast saving "
                "by committee, 2017-18 (£). Bar chart of planned and forecast saving by committee, 2017-18.")
    assert alt == expected
    assert html.unescape(re.search(r'<svg [^>]*aria-label="([^"]*)"', svg).group(1)) == expected
    assert html.unescape(re.search(r"<title>([^<]*)</title>", svg).group(1)) == expected
    assert re.search(r'<svg [^>]*role="img"', svg)


def test_every_chart_in_the_committed_notebooks_has_its_finding_as_alt_text():
    """The committed outputs (what a pack shows): each SVG's accessible name begins with the
    chart's title as drawn in the SVG, so no alt text is generic."""
    import html
    import re

    import nbformat

    from analysis.report.notebooks import notebook_paths

    count = 0
    for path in notebook_paths():
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                svg = out.get("data", {}).get("image/svg+xml")
                if not svg:
                    continue
                count += 1
                label = html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1))
                assert out["metadata"]["image/svg+xml"]["alt"] == label
                lines = [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
                # the title's first line, drawn in the chart, is where the accessible name starts
                assert any(len(line) > 20 and label.startswith(line) for line in lines), (path.name, label[:80])
                assert len(label) > 60
    assert count >= 17


def test_the_svg_scales_to_its_container_and_fits_a4_portrait(tracker):
    import re

    fig = savings_charts.chart_by_committee(variance.by_committee(tracker), source="003", financial_year="2017-18")
    svg = charts.svg(fig, "alt")
    head = re.search(r"<svg [^>]*>", svg).group(0)
    width = float(re.search(r'width="([\d.]+)pt"', head).group(1))
    height = float(re.search(r'height="([\d.]+)pt"', head).group(1))
    box = [float(v) for v in re.search(r'viewBox="([^"]*)"', head).group(1).split()]
    assert box == [0, 0, width, height]
    assert "px" not in head
    assert width <= 170 / 25.4 * 72 + 0.01  # the printable width of A4 portrait, in points
    assert width / 72 * 96 <= 1090  # natural size at 1280 px: inside the page's 1,090 px column


def test_the_same_chart_gives_the_same_bytes_and_checking_it_changes_nothing(tracker):
    table = variance.by_rag(tracker)
    first = charts.svg(savings_charts.chart_by_rag(table, source="003"), "alt")
    fig = savings_charts.chart_by_rag(table, source="003")
    charts.layout_problems(fig)
    assert charts.svg(fig, "alt") == first
    assert "<dc:date>" not in first and "Date" not in first


# --------------------------------------------------------------------------------------------- waterfall


def _step_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_the_waterfall_speaks_of_shortfalls_with_positive_amounts_and_breaks_its_axis():
    import re

    steps = [("A/1 Line one", -588_000), ("A/2 Line two", 328_000), ("12 other lines", -1_643_000)]
    start, end = 20_538_000, 20_538_000 - 588_000 + 328_000 - 1_643_000
    fig = charts.waterfall(("Planned saving", start), steps, ("Forecast saving", end), title="t", xlabel="£",
                           source="s", up_word="over-delivered", down_word="shortfall")
    labels = _step_labels(fig)
    assert labels[:3] == ["£588k shortfall", "£328k over-delivered", "£1.6m shortfall"]
    assert not any(re.search(r"[-−]\s*£", label) for label in labels)  # no signed amounts
    low = fig.axes[0].get_xlim()[0]
    assert 0 < low <= min(start, end)  # the axis is broken, not at zero ...
    subtitle = fig.texts[1].get_text().replace("\n", " ")
    assert "broken" in subtitle and "not at zero" in subtitle  # ... and says so
    assert len([a for a in fig.axes[0].get_children() if type(a).__name__ == "Line2D"
                and a.get_transform() == fig.axes[0].transAxes]) == 2  # the break mark on the axis
    assert charts.layout_problems(fig) == []


def test_a_waterfall_that_falls_far_starts_at_zero():
    fig = charts.waterfall(("Planned", 1_000_000), [("Line", -800_000)], ("Forecast", 200_000), title="t",
                           xlabel="£", source="s")
    assert fig.axes[0].get_xlim()[0] == 0
    assert "broken" not in fig.texts[1].get_text()
