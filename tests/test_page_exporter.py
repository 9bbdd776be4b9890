"""The pack's HTML exporter (:func:`analysis.report.render.exporter`) skips the BeautifulSoup pass
nbconvert's ``HTMLExporter`` makes over every page.  Its pages must be the same documents as
nbconvert's own: the same elements with the same attributes and text, every input and output
area focusable (``tabindex="0"``, what that pass added), every image with its alt text - only
the serialisation (attribute order, spaces between tags, ``<br>`` or ``<br/>``) may differ."""

from __future__ import annotations

from html.parser import HTMLParser

import nbformat
import pytest

from analysis.presentation.glossary import mark_page
from analysis.report import render

from .conftest import ROOT

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PACK = {"pack_title": "Test pack", "status": "ok", "error": "", "xlsx": "x.xlsx", "page_title": "A page",
        "money_note": "Money in pounds.", "parameters": [("authority", "'Torbay'")], "inputs": []}


class _Document(HTMLParser):
    """A page as a list of events: elements with their attributes (classes as a set, a bare
    attribute as ``""``), and text with runs of white space made one space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        found = {}
        for name, value in attrs:
            value = value or ""
            found[name] = " ".join(sorted(value.split())) if name == "class" else value
        self.events.append(("start", tag, tuple(sorted(found.items()))))

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.events.append(("end", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            if self.events and self.events[-1][0] == "text":  # bs4 may split or join text runs
                self.events[-1] = ("text", self.events[-1][1] + " " + text)
            else:
                self.events.append(("text", text))

    def handle_decl(self, decl):
        self.events.append(("decl", decl.lower()))


def _events(page: str) -> list[tuple]:
    doc = _Document()
    doc.feed(page)
    doc.close()
    return doc.events


def _nbconverts_own(nb: nbformat.NotebookNode, show_code: bool) -> str:
    """The page as nbconvert's ``HTMLExporter`` (with its BeautifulSoup pass) writes it, with the
    pack's template and settings."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    ours = render.exporter(show_code)
    # the template's conf.json names the same preprocessors (sections left out unless code is shown)
    theirs = HTMLExporter(template_name="pack", extra_template_basedirs=[str(render.TEMPLATES)],
                          config=Config({"EmptySectionsPreprocessor": {"enabled": not show_code}}))
    for setting in ("exclude_input", "exclude_input_prompt", "exclude_output_prompt", "embed_images"):
        setattr(theirs, setting, getattr(ours, setting))
    nb.metadata["title"] = PACK["page_title"]  # as render_report sets it
    page, _ = theirs.from_notebook_node(nb, resources={"pack": {**PACK, "css": render.pack_css()}})
    return mark_page(page)  # the pack's own last step on every page: abbreviations explained, true minus signs


@pytest.mark.parametrize("notebook", ["20_cla_comparators", "90_reconciliation", "10_savings_tracker_variance"])
@pytest.mark.parametrize("show_code", [False, True])
def test_a_page_is_the_document_nbconvert_writes(notebook, show_code):
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)  # committed with its outputs
    assert any(c.get("outputs") for c in nb.cells), "the notebook is committed with its outputs"
    ours = render.render_report(nbformat.from_dict(nb), show_code=show_code, pack=PACK)
    theirs = _nbconverts_own(nbformat.from_dict(nb), show_code)
    assert ours != theirs  # the serialisation differs: the comparison below is of the documents
    mine, expected = _events(ours), _events(theirs)
    for i, (a, b) in enumerate(zip(mine, expected, strict=True)):
        assert a == b, f"event {i}: {a!r} here, {b!r} from nbconvert"
    assert len(mine) == len(expected)


def test_every_input_and_output_area_is_focusable_and_every_image_has_alt_text():
    nb = nbformat.read(ROOT / "notebooks" / "20_cla_comparators.ipynb", as_version=4)
    events = _events(render.render_report(nb, show_code=True, pack=PACK))
    starts = [dict(e[2]) for e in events if e[0] == "start"]
    areas = [a for a in starts if {"jp-Cell-inputWrapper", "jp-OutputArea-output"} & set(a.get("class", "").split())]
    images = [a for a in starts if "src" in a and a.get("src", "").startswith("data:image")]
    assert len(areas) > 10 and all(a.get("tabindex") == "0" for a in areas)
    assert images and all(a.get("alt") and "No description" not in a["alt"] for a in images)


def test_the_page_is_made_with_nbconverts_public_api_only():
    """The exporter uses no private name of nbconvert (``_init_resources``, ``_nb_metadata``, …):
    its preprocessors are named in the template's conf.json and the page's last step is a
    function of the page's text."""
    import ast
    import inspect

    from analysis.report import page_preprocessors

    for module in (render, page_preprocessors):
        tree = ast.parse(inspect.getsource(module))
        private = sorted({n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                          and n.attr.startswith("_") and not n.attr.startswith("__")})
        assert private == [], f"{module.__name__} uses private names {private}"
    conf = (render.TEMPLATES / "pack" / "conf.json").read_text()
    for name in page_preprocessors.__all__:
        assert f"analysis.report.page_preprocessors.{name}" in conf


def test_a_failed_reports_page_keeps_every_section_and_a_good_one_leaves_empty_ones_out():
    nb = nbformat.read(ROOT / "notebooks" / "10_savings_tracker_variance.ipynb", as_version=4)
    empty = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")
             and all(set(o.get("data", {})) <= {render.NOTHING_MIME} for o in c.outputs)]
    assert empty, "the committed notebook 10 has a section with nothing to show (no tracker the month before)"
    reason = empty[0].outputs[0]["data"][render.NOTHING_MIME]
    shown = render.render_report(nbformat.from_dict(nb), show_code=False, pack=PACK)
    failed = render.render_report(nbformat.from_dict(nb), show_code=True, pack={**PACK, "status": "failed"})
    assert "Not shown in this report" in shown and reason in shown
    assert "Not shown in this report" not in failed
