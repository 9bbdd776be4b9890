"""Rendering executed notebooks and pack indexes to self-contained HTML."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import nbformat

from .notebooks import clean

TEMPLATES = Path(__file__).parent / "templates"
HEADLINES_MIME = "application/vnd.council-analysis.headlines+json"


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES / "pack" / "pack.css").read_text(encoding="utf-8")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook render to the same bytes every run: fixed cell ids, executions
    numbered 1..n, papermill's timings removed."""
    clean(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code":  # headline data is for the pack index, not the page
            cell.outputs = [o for o in cell.get("outputs", []) if HEADLINES_MIME not in o.get("data", {})]
    return nb


@lru_cache(maxsize=2)
def exporter(show_code: bool):
    """The HTML exporter (one per process and mode: building it loads the templates)."""
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="pack", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    return exp


def render_report(nb: nbformat.NotebookNode, *, show_code: bool, pack: dict) -> str:
    """One report page.  ``pack`` carries what the template shows around the notebook: the pack
    title, this report's status and error, its parameters and its inputs."""
    found = headlines(nb)
    body, _ = exporter(show_code).from_notebook_node(normalise(nb), resources={"pack": {**pack, "css": _css()}})
    nb.metadata["headlines"] = found
    return body


def headlines(nb: nbformat.NotebookNode) -> list[list[str]]:
    """The headline figures a notebook published with :func:`analysis.presentation.display.headlines`."""
    found: list[list[str]] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINES_MIME in data:
                value = data[HEADLINES_MIME]
                items = json.loads(value) if isinstance(value, str) else value
                found += [[str(k), str(v)] for k, v in items]
    return found


def render_template(name: str, **context) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    return env.get_template(name).render(css=_css(), **context)
