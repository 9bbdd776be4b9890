"""No chart label is lost: every chart every report notebook draws - on the bundled papers, on
the SYNTHETIC second council (tests/fixtures/synthetic_council.py) and, when
../shared/data/public exists, the public-statistics charts - is rendered with the Agg renderer
and checked by ``charts.layout_problems``: the rendered boxes of all its texts (tick labels,
axis labels, titles, data labels, legend entries) pairwise do not intersect, lie inside the
figure and off every legend; legends are off the data; data labels are inside their plot
frame; no plotted line crosses a text; every text has 4.5:1 contrast (3:1 large) with what is
under it.  ``charts.colour_problems`` checks every bar, line and marker for 3:1 on white.

The checks themselves are shown to fail on figures drawn wrongly on purpose."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from matplotlib.figure import Figure

from analysis import paths
from analysis.ingest import run_ingest
from analysis.presentation import charts
from analysis.report.notebooks import notebook_paths

from .conftest import RAW
from .fixtures import synthetic_council as sc
from .notebook_charts import Drawn, charts_of, public_charts

NOTEBOOKS = {p.stem: p for p in notebook_paths()}


def shows(path, public: bool = True) -> int:
    """How many times the notebook's code calls ``charts.show`` (its charts, counted in its source);
    without the public statistics (``public`` false), not counting the cells that draw only with them
    (those that test ``pub``, the notebook's public tables)."""
    nb = nbformat.read(path, as_version=4)
    return sum(len(re.findall(r"\bcharts\.show\(", c.source)) for c in nb.cells
               if c.cell_type == "code" and (public or not re.search(r"\bpub\b", c.source)))


def check(drawn: list[Drawn]) -> None:
    problems = []
    for d in drawn:
        problems += [f"{d.name}: {p}" for p in charts.layout_problems(d.figure) + charts.colour_problems(d.figure)]
        width, _ = d.figure.get_size_inches()
        assert width == pytest.approx(170 / 25.4), d.name  # A4 portrait printable width: printed at its own size
        small = [t.get_text() for t in d.figure.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
                 if t.get_visible() and t.get_text().strip() and t.get_fontsize() < charts.MIN_FONT]
        assert not small, (d.name, small)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def bundled_charts() -> dict[str, list[Drawn]]:
    return {stem: charts_of(path, {}) for stem, path in NOTEBOOKS.items()}


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_every_chart_of_the_bundled_pack_is_readable(bundled_charts, stem):
    from analysis.analyses.public_pack import public_data

    drawn = bundled_charts[stem]
    # every chart the notebook shows was checked (its public-statistics charts when those are loaded:
    # test_every_public_statistics_chart_is_readable draws them all from the release files)
    assert len(drawn) == shows(NOTEBOOKS[stem], public=public_data(None) is not None)
    check(drawn)


@pytest.fixture(scope="module")
def fenmoor(tmp_path_factory):
    """The bundled papers plus the SYNTHETIC council's two trackers, ingested privately."""
    base = tmp_path_factory.mktemp("fenmoor-charts")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    sc.add_to(raw)
    run_ingest(raw, processed)
    return processed


@pytest.mark.parametrize("stem", ["10_savings_tracker_variance", "90_reconciliation"])
def test_every_chart_of_a_second_council_is_readable(fenmoor, stem):
    drawn = charts_of(NOTEBOOKS[stem], {"authority": sc.AUTHORITY, "period": sc.NOVEMBER,
                                        "processed_dir": str(fenmoor)})
    assert len(drawn) == shows(NOTEBOOKS[stem])
    assert all(sc.AUTHORITY in d.svg for d in drawn)  # the source line names the synthetic council
    check(drawn)


@pytest.mark.public_data
def test_every_public_statistics_chart_is_readable(public_tables):
    drawn = public_charts(public_tables, paths.processed_dir())
    assert len(drawn) == 8
    check(drawn)


# --------------------------------------------------------------------------------------------- the checks can fail


def _figure() -> tuple[Figure, object]:
    with charts.style():
        return charts.new_figure(height=3.0)


def test_the_check_finds_overlapping_texts_and_texts_off_the_figure():
    fig, ax = _figure()
    with charts.style():
        ax.set_xlim(0, 10)
        ax.text(5, 0.5, "first label")
        ax.text(5.1, 0.5, "second label")
        fig.text(0.98, 0.5, "off the edge")
    problems = charts.layout_problems(fig)
    assert "'first label' overlaps 'second label'" in problems
    assert "'off the edge' is not wholly inside the figure" in problems


def test_the_check_finds_a_label_over_the_tick_labels():
    fig, ax = _figure()
    with charts.style():
        ax.barh([0, 1], [-1, 4])
        ax.set_xlim(-1, 5)
        ax.set_yticks([0, 1], ["Green", "Red"])
        ax.annotate("-£443k", (-1, 0), xytext=(-4, 0), textcoords="offset points", ha="right", va="center")
        fig.tight_layout()
    problems = charts.layout_problems(fig)
    assert "data label '-£443k' runs outside its plot frame" in problems
    assert any(p.startswith("'Green' overlaps '-£443k'") or p.startswith("'-£443k' overlaps 'Green'")
               for p in problems)


def test_the_check_finds_a_line_through_a_label_and_a_legend_on_data():
    fig, ax = _figure()
    with charts.style():
        ax.barh([0, 1, 2], [73, 73, 80], label="rate")
        ax.text(73, 0, " 73", va="center")
        ax.axvline(74.7, color="black", linestyle="--")
        ax.set_xlim(0, 120)
        ax.legend(loc="center left")
    problems = charts.layout_problems(fig)
    assert any(p.startswith("a line") and "crosses ' 73'" in p for p in problems)
    assert "a legend ('rate') is on plotted data" in problems


def test_the_check_finds_white_text_off_its_bar_and_light_colours():
    fig, ax = _figure()
    with charts.style():
        ax.bar([0], [1.0], width=0.2, color=charts.FOCUS)
        ax.bar([1], [1.0], width=0.5, color="#f47738")  # GOV.UK amber: 2.78:1 on white
        ax.text(0, 0.5, "£37.169m", color="white", ha="center", va="center")  # wider than its bar
        ax.set_xlim(-0.6, 1.6)
    problems = charts.layout_problems(fig)
    assert any(p.startswith("'£37.169m' has contrast 1.00:1") for p in problems)
    assert any("#f47738: 2.78:1 against white" in p for p in charts.colour_problems(fig))


def test_a_clean_figure_has_no_problems():
    fig, ax = _figure()
    with charts.style():
        bars = ax.barh([0, 1], [3, 5], color=charts.FOCUS)
        ax.set_yticks([0, 1], ["One", "Two"])
        charts.label_bars(ax, bars, ["£3", "£5"], horizontal=True)
        charts.finish(fig, ax, title="A clean chart", subtitle="What it shows", source="a test")
    assert charts.layout_problems(fig) == []
    assert charts.colour_problems(fig) == []
