"""The chart style sets no global state: importing the chart module (and every analysis) selects
no backend, imports no pyplot and changes no rcParams; every chart is drawn in the style context,
so it is the same whatever the caller's settings, and the caller's settings survive it."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import pytest

from analysis.analyses import variance
from analysis.presentation import charts

_IMPORT_CHECK = """
import sys, matplotlib
rc = matplotlib.rcParams
before = {k: rc._get(k) for k in rc.keys()}
import analysis.presentation.charts, analysis.presentation.display, analysis.analyses.scorecard, analysis.reconcile
import analysis.analyses.cla_chart
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
        return charts.svg(variance.chart_by_committee(table, source="003", financial_year="2017-18"), "alt")

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

    from analysis import analyses, reconcile

    modules = [importlib.import_module(f"analysis.analyses.{m.name}") for m in pkgutil.iter_modules(analyses.__path__)]
    assert variance in modules
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("chart_") and name != "chart_title":
                assert getattr(function, "__wrapped__", None) is not None, f"{module.__name__}.{name} is not styled"
    assert "charts.style()" in inspect.getsource(reconcile.chart_status)
    assert "rcdefaults" not in inspect.getsource(charts) and "matplotlib.use" not in inspect.getsource(charts)
