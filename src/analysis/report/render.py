"""Rendering executed notebooks and pack indexes to self-contained HTML."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import nbformat

from .notebooks import clean

TEMPLATES = Path(__file__).parent / "templates"
HEADLINES_MIME = "application/vnd.council-analysis.headlines+json"
TABLE_MIME = "application/vnd.council-analysis.table+json"
HIDDEN_MIMES = (HEADLINES_MIME, TABLE_MIME)


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES / "pack" / "pack.css").read_text(encoding="utf-8")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook render to the same bytes every run: fixed cell ids, executions
    numbered 1..n, papermill's timings removed."""
    clean(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code":  # headline data is for the pack index, table data for the Excel file
            cell.outputs = [o for o in cell.get("outputs", []) if HEADLINES_MIME not in o.get("data", {})]
            for output in cell.outputs:
                for mime in HIDDEN_MIMES:
                    output.get("data", {}).pop(mime, None)
    return nb


#: what nbconvert's HTML exporter makes keyboard-focusable (``tabindex="0"``): each input and output
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]* )?jp-(?:Cell-inputWrapper|OutputArea-output)(?: [^"]*)?")')


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's ``HTMLExporter`` without the BeautifulSoup pass it makes over every page it
    writes (parsing and re-serialising the whole page: nearly half of the page's rendering time).
    That pass makes every input and output area focusable, done here on the template's output,
    and gives an ``<img>`` without ``alt`` a placeholder one; the pack's template gives every
    chart its alt text and has no other image (``test_pack_pages``)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PackExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):  # HTMLExporter's, less BeautifulSoup
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _FOCUSABLE.sub(r'\1 tabindex="0"', html), resources

    return PackExporter


@lru_cache(maxsize=2)
def exporter(show_code: bool):
    """The HTML exporter (one per process and mode: building it loads the templates)."""
    exp = _exporter_class()(template_name="pack", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    exp.optimistic_validation = True  # the notebook validated once after nbconvert's 12 preprocessors, not after each
    return exp


def render_report(nb: nbformat.NotebookNode, *, show_code: bool, pack: dict) -> str:
    """One report page.  ``pack`` carries what the template shows around the notebook: the pack
    title, this report's status and error, its parameters and its inputs."""
    found = headlines(nb)
    nb.metadata["title"] = pack.get("page_title") or nb.metadata.get("title", "")
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
                found += [[str(x) for x in item] for item in items]  # label, value[, context]
    return found


def tables(nb: nbformat.NotebookNode) -> list[tuple[str, dict]]:
    """The tables a notebook showed with :func:`analysis.presentation.display.table`, in order,
    each with the name of the section (``##`` heading) it sits in: ``(section, table data)``.
    An output may carry a list of tables (several tables in one piece of HTML).  Each table's
    data carries ``page``: the output's HTML and the table's place among its tables, so that the
    workbook writes each figure as the page shows it (:mod:`analysis.report.workbook`)."""
    found: list[tuple[str, dict]] = []
    section = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    section = line[3:].strip()
        for output in cell.get("outputs", []):
            value = output.get("data", {}).get(TABLE_MIME)
            if value is not None:
                value = json.loads(value) if isinstance(value, str) else value
                page = output["data"].get("text/html", "")
                page = "".join(page) if isinstance(page, list) else page
                for i, table in enumerate(value if isinstance(value, list) else [value]):
                    found.append((section, {**table, "page": (page, i)}))
    return found


def render_template(name: str, **context) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      keep_trailing_newline=True)
    return env.get_template(name).render(css=_css(), **context)
