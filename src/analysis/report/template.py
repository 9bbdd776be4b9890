"""The warm template a report worker is: what it loads once so that every child it forks for a
notebook (:mod:`analysis.report.forked`) starts with it done.

* the libraries: papermill, nbconvert and the page template (:func:`warm_worker` renders a
  one-cell notebook), IPython's shell (made once, its user namespace empty), and every module the
  report notebooks import (:func:`notebook_modules`: read from their cells);
* the fonts: one chart drawn and written as SVG;
* the run's tables: before a notebook that reads the published statistics is forked, they are
  read and indexed for its folder and month (:func:`warm_for`), once per template.

Then the objects made so far are moved out of the garbage collector's sight (``gc.freeze``), so
that a child's collections do not touch - and copy - every page it shares with the template.
Nothing a notebook does reaches the template - its cells run only in the child - but the texts its
charts measured (:mod:`analysis.report.forked`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable

from .forked import INLINE_BACKEND

__all__ = [
    "import_quietly", "is_template", "load_public", "notebook_modules", "warm_for", "warm_template",
    "warm_worker",
]

def warm_template(notebooks: Iterable = ()) -> None:
    """Make this process a warm template.

    IPython's shell made (with matplotlib's inline backend the default, as ipykernel sets it), the
    modules ``notebooks`` import imported (:func:`notebook_modules`), the fonts measured (a chart
    drawn), then the objects made so far moved out of the garbage collector's sight
    (``gc.freeze``), so that a child's collections do not touch - and copy - every page it shares
    with the template.

    Parameters
    ----------
    notebooks : iterable of nbformat.NotebookNode, default ()
        The notebooks whose imports are made.
    """
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    from .child import shell

    shell()
    for nb in notebooks:
        import_quietly(notebook_modules(nb))
    _draw_a_chart()
    gc.collect()
    gc.freeze()
    _TEMPLATE["warm"] = True


def _draw_a_chart() -> None:
    """One chart drawn and written as SVG: fonts loaded and measured, the chart code compiled."""
    from ..presentation import charts

    fig = charts.ranked_bars(["North", "South", "East"], [12.0, 30.5, 21.0], highlight=["South"],
                             reference_lines=[(20.0, "Average", charts.AVERAGE)], title="Warm-up",
                             subtitle="Nothing to read", xlabel="Rate per 10,000", source="Source: none")
    charts.svg(fig, "warm-up")


def warm_worker(*, template: bool = True) -> None:
    """A report worker's warm-up.

    Papermill, nbconvert and the page template loaded (a one-cell notebook rendered); with
    ``template``, the worker made a warm template for the ``council-fork`` engine
    (:func:`warm_template`, with the bundled report notebooks' imports).

    Parameters
    ----------
    template : bool, default True
        Make the worker a warm template too.
    """
    import nbformat
    import papermill  # noqa: F401

    from .render import render_report

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# warm-up")])
    render_report(nb, show_code=False, pack={"pack_title": "", "status": "ok", "error": "", "parameters": [],
                                             "inputs": []})
    if template:
        from .notebooks import notebook_paths

        found = []
        for path in notebook_paths():
            with contextlib.suppress(Exception):
                found.append(nbformat.read(path, as_version=4))
        warm_template(found)


_TEMPLATE: dict = {"warm": False, "imported": set(), "public": set()}


def is_template() -> bool:
    """Whether this process has been made a warm template (:func:`warm_template`).

    Returns
    -------
    bool
        True in a warm template.
    """
    return _TEMPLATE["warm"]


def notebook_modules(nb) -> list[str]:
    """The modules a notebook's code cells import, in order, without duplicates.

    ``import a.b``, ``from a import b``: ``a`` and, when it is a module, ``a.b``; cells that are not
    plain Python (magics) are skipped.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A report notebook.

    Returns
    -------
    list of str
        The modules' names.
    """
    import ast

    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def import_quietly(names: Iterable[str]) -> None:
    """Import each of ``names`` that is an importable module.

    Anything else is left for the notebook's own cell to report.

    Parameters
    ----------
    names : iterable of str
        Module names.
    """
    import importlib
    import importlib.util

    for name in names:
        if name in _TEMPLATE["imported"]:
            continue
        _TEMPLATE["imported"].add(name)
        try:
            if name in sys.modules or importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
        except Exception:  # not a module (``from a import function``), or it fails: the cell says so
            continue


def warm_for(nb) -> None:
    """In a warm template, before forking a notebook's child: import what the notebook imports.

    And load the published statistics it reads (:func:`load_public`), so that every later child of
    this template finds them done.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A report notebook.
    """
    if is_template():
        import_quietly(notebook_modules(nb))
        with contextlib.suppress(Exception):  # anything wrong is the notebook's to report
            load_public(nb)
        gc.freeze()  # what it loaded, out of the children's collections too (module docstring)


def _parameters(nb) -> dict:
    """The notebook's parameters: the ``parameters`` cell's literals, then the injected values."""
    from pathlib import Path

    from .notebooks import _parameters as declared

    values = {name: p.default for name, p in declared(nb, Path("notebook")).items()}
    return {**values, **nb.metadata.get("papermill", {}).get("parameters", {})}


def load_public(nb) -> None:
    """When ``nb`` reads the published statistics, read and index them once per template.

    ``metadata.analysis`` lists their tables: the tables of its processed folder are read, and
    indexed as at its month - the reports' own look-ups (a headline for its authority) build the
    indexes they keep, so that a child starts with them
    (:func:`analysis.analyses.public_pack.public_data` keeps them).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A report notebook.
    """
    from ..analyses import public_pack, published_headlines

    meta = nb.metadata.get("analysis", {})
    reads = {t for key in ("tables", "optional_tables", "any_of_tables") for t in meta.get(key, [])}
    if not reads & set(public_pack.PUBLIC_TABLES):
        return
    values = _parameters(nb)
    period, as_of = str(values.get("period", "")), str(values.get("as_of", ""))
    key = (str(values.get("processed_dir", "")), period, as_of)
    if key in _TEMPLATE["public"]:
        return
    _TEMPLATE["public"].add(key)
    pub = public_pack.public_data(values.get("processed_dir") or None, public_pack.view_month(period, as_of))
    if pub is not None:
        published_headlines.public_areas(pub, str(values.get("authority", "")), period)
