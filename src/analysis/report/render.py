"""Rendering executed notebooks and pack indexes to self-contained HTML."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

import nbformat

from ..presentation.glossary import mark_page
from .notebooks import clean

__all__ = [
    "ABOUT_OPENING", "HEADLINES_MIME", "HIDDEN_MIMES", "NOTHING_MIME", "TABLE_MIME", "TEMPLATES", "exporter",
    "headlines", "normalise", "pack_css", "postprocess", "render_report", "render_template", "tables", "template",
    "without_empty_sections",
]

TEMPLATES = Path(__file__).parent / "templates"
HEADLINES_MIME = "application/vnd.council-analysis.headlines+json"
TABLE_MIME = "application/vnd.council-analysis.table+json"
NOTHING_MIME = "application/vnd.council-analysis.nothing+json"  # display.nothing: why a section shows nothing
HIDDEN_MIMES = (HEADLINES_MIME, TABLE_MIME, NOTHING_MIME)
ABOUT_OPENING = '<details class="about"><summary>About this report</summary>'


@lru_cache(maxsize=1)
def pack_css() -> str:
    """The pack's style sheet (``templates/pack/pack.css``), read once per process.

    Returns
    -------
    str
        The CSS every page and document of a pack carries inline.
    """
    return (TEMPLATES / "pack" / "pack.css").read_text(encoding="utf-8")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook render to the same bytes every run.

    Fixed cell ids, executions numbered 1..n, papermill's timings removed.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report notebook.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, normalised.
    """
    clean(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code":  # headline data is for the pack index, table data for the Excel file
            cell.outputs = [o for o in cell.get("outputs", []) if HEADLINES_MIME not in o.get("data", {})]
            for output in cell.outputs:
                for mime in HIDDEN_MIMES:
                    output.get("data", {}).pop(mime, None)
            # an output that held hidden data only (a section's reason for showing nothing) shows nothing
            cell.outputs = [o for o in cell.outputs if "data" not in o or o["data"]]
    return nb


#: what nbconvert's HTML exporter makes keyboard-focusable (``tabindex="0"``): each input and output
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]* )?jp-(?:Cell-inputWrapper|OutputArea-output)(?: [^"]*)?")')


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's ``HTMLExporter`` less the BeautifulSoup pass its ``from_notebook_node`` makes
    over every page (parsing and re-serialising the whole page: nearly half of the page's
    rendering time).  Public nbconvert API only: the two filters ``HTMLExporter`` registers per
    notebook are registered here with ``register_filter`` (``DataTypeFilter`` for the widget-aware
    one: a pack page has no widgets), the page is rendered by ``TemplateExporter``, and what the
    BeautifulSoup pass added - every input and output area focusable - is added by
    :func:`postprocess`; the pack's template gives every chart its alt text and has no other
    image (``test_page_exporter``)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters import TemplateExporter
    from nbconvert.filters import DataTypeFilter, Highlight2HTML

    class PackExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            self.register_filter("filter_data_type", DataTypeFilter(parent=self))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return postprocess(html), resources

    return PackExporter


def postprocess(html: str) -> str:
    """The pack's step after nbconvert.

    Every input and output area keyboard-focusable (what ``HTMLExporter``'s BeautifulSoup pass
    adds), abbreviations explained and true minus signs
    (:func:`analysis.presentation.glossary.mark_page`).

    Parameters
    ----------
    html : str
        The page as nbconvert wrote it.

    Returns
    -------
    str
        The page as published.
    """
    return mark_page(_FOCUSABLE.sub(r'\1 tabindex="0"', html))


@lru_cache(maxsize=2)
def exporter(show_code: bool):
    """The HTML exporter (one per process and mode: building it loads the templates).  The
    ``pack`` template's ``conf.json`` names its preprocessors
    (:mod:`analysis.report.page_preprocessors`, :mod:`analysis.report.print_layout`); with
    ``show_code`` (a failed report's page) every section is kept."""
    from traitlets.config import Config

    config = Config({"EmptySectionsPreprocessor": {"enabled": not show_code}})
    exp = _exporter_class()(template_name="pack", extra_template_basedirs=[str(TEMPLATES)], config=config)
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    exp.optimistic_validation = True  # the notebook validated once after nbconvert's 12 preprocessors, not after each
    return exp


def render_report(nb: nbformat.NotebookNode, *, show_code: bool, pack: dict) -> str:
    """One report page.

    A section with nothing to show for this pack is left off the page and named in "About this
    report" (:func:`without_empty_sections`; not for a failed report, which shows everything).

    ``nb`` (the executed notebook, which the run keeps) gets the page title and the headlines in
    its metadata and is normalised as the page is (:func:`normalise`), so that it too is the same
    bytes every run.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report notebook.
    show_code : bool
        Show the notebook's code cells on the page.
    pack : dict
        What the template shows around the notebook: the pack title, this report's status and
        error, its parameters and its inputs.

    Returns
    -------
    str
        The page's HTML.
    """
    nb.metadata["title"] = pack.get("page_title") or nb.metadata.get("title", "")
    body, resources = exporter(show_code).from_notebook_node(nb, resources={"pack": {**pack, "css": pack_css()}})
    normalise(nb)
    nb.metadata["headlines"] = resources["pack_data"]["headlines"]
    return body


def _heading(cell) -> tuple[int, str] | None:
    """``(level, title)`` of a markdown cell that opens a section (``##`` and deeper)."""
    if cell.cell_type != "markdown":
        return None
    m = re.match(r"(#{2,6})\s+(.+)", cell.source.lstrip())
    return (len(m.group(1)), m.group(2).strip()) if m else None


def _shows_something(cell) -> bool:
    """Whether a code cell shows the reader anything (hidden data for the index, the workbook or
    a 'nothing here' reason do not count)."""
    return any(o.get("output_type") in ("stream", "error") or set(o.get("data", {})) - set(HIDDEN_MIMES)
               for o in cell.get("outputs", []))


def _reasons(cells) -> list[str]:
    out = []
    for cell in cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            reason = output.get("data", {}).get(NOTHING_MIME)
            if reason:
                out.append(str(reason))
    return list(dict.fromkeys(out))


def without_empty_sections(cells: list) -> list:
    """``cells`` less every section whose code cells show nothing.

    A section is a ``##`` heading to the next heading of its level or higher; it goes with its
    heading and explanation, and a line in "About this report" names each section left out and why
    (the reasons the section's cells gave with :func:`analysis.presentation.display.nothing`, else
    that it has nothing for this authority and month).  A section of text only (no code cell) is
    kept.

    Parameters
    ----------
    cells : list
        The executed notebook's cells.

    Returns
    -------
    list
        The cells kept, "About this report" noting the sections left out.
    """
    about = next((i for i, c in enumerate(cells) if _is_about(c)), len(cells))  # the appendix ends every section
    headings = [(i, h) for i, c in enumerate(cells[:about]) if (h := _heading(c)) is not None]
    dropped: set[int] = set()
    left_out: list[tuple[str, str]] = []
    for n, (start, (level, title)) in enumerate(headings):
        if start in dropped:
            continue
        end = next((i for i, (lv, _) in headings[n + 1:] if lv <= level), about)
        body = cells[start + 1:end]
        code = [c for c in body if c.cell_type == "code"]
        if code and not any(_shows_something(c) for c in code):
            dropped.update(range(start, end))
            why = "; ".join(_reasons(body)) or "nothing to show for this authority and month"
            left_out.append((re.sub(r"[*_`]", "", title), why))
    kept = [c for i, c in enumerate(cells) if i not in dropped]
    if left_out:
        by_reason: dict[str, list[str]] = {}
        for title, why in left_out:  # sections left out for one reason are named together
            by_reason.setdefault(why, []).append(title)
        line = [f"{'; '.join(titles)} ({why})" for why, titles in by_reason.items()]
        kept = [_with_not_shown(c, line) for c in kept]
    return kept


def _is_about(cell) -> bool:
    """Whether the cell shows the "About this report" appendix (:func:`display.run_details`)."""
    return cell.cell_type == "code" and any(ABOUT_OPENING in str(o.get("data", {}).get("text/html", ""))
                                            for o in cell.get("outputs", []))


def _with_not_shown(cell, left_out: list[str]):
    """The cell showing "About this report", with the sections left out named in it."""
    if not _is_about(cell):
        return cell
    import copy
    import html as _html

    line = ('<p class="not-shown"><strong>Not shown in this report:</strong> '
            + _html.escape("; ".join(left_out)) + ".</p>")
    cell = copy.deepcopy(cell)
    for output in cell.outputs:
        page = output.get("data", {}).get("text/html")
        if page is not None:
            text = "".join(page) if isinstance(page, list) else page
            output["data"]["text/html"] = text.replace(ABOUT_OPENING, ABOUT_OPENING + line, 1)
    return cell


def headlines(nb: nbformat.NotebookNode) -> list[list[str]]:
    """The headline figures a notebook published with :func:`analysis.presentation.display.headlines`.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report notebook.

    Returns
    -------
    list of list of str
        Each headline as label, value and (where given) the rest of its sentence.
    """
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
    """The tables a notebook showed with :func:`analysis.presentation.display.table`, in order.

    Each with the name of the section (``##`` heading) it sits in.  An output may carry a list of
    tables (several tables in one piece of HTML).  Each table's data carries ``page``: the output's
    HTML and the table's place among its tables, so that the workbook writes each figure as the page
    shows it (:mod:`analysis.report.workbook`).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed report notebook.

    Returns
    -------
    list of (str, dict)
        ``(section, table data)`` per table.
    """
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
    """A page from one of the pack's Jinja templates, its abbreviations explained.

    Parameters
    ----------
    name : str
        The template's file name in ``report/templates``.
    **context
        The template's variables (the pack's CSS is given as ``css``).

    Returns
    -------
    str
        The page, through :func:`analysis.presentation.glossary.mark_page`.
    """
    return mark_page(template(name).render(css=pack_css(), **context))


def template(name: str):
    """One of the pack's Jinja templates (``templates/``), compiled once per process.

    Parameters
    ----------
    name : str
        The template's file name, e.g. ``pack_document.html.j2``.

    Returns
    -------
    jinja2.Template
        The template, unrendered (no abbreviations explained: see :func:`render_template`).
    """
    return _templates().get_template(name)


@cache
def _templates():
    """The pack's Jinja environment, made once per process (it compiles each template once; a
    batch writes the reports index after every pack)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       keep_trailing_newline=True)
