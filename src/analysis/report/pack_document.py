"""The whole pack as one document to print: ``pack.html`` beside the pack's ``index.html``.

A finance officer takes the pack to members on paper, or as one PDF attached to a committee
paper.  ``pack.html`` holds a contents page and every report page of the pack in report order,
each starting on a new page, and prints (the browser's Print, or Save as PDF) as one document:
every A4 page carries the running header of the report it belongs to (council and month top
left, the report top right: a named CSS page per report, ``templates/pack/print.j2``) and
"page n of N" counted through the whole pack.

Why HTML rather than a PDF: a PDF needs a browser engine (Chromium) at run time, which the
project does not depend on, and a PDF written by one is not byte-reproducible (it stamps its
creation time and document id); ``pack.html`` is made from the report pages already written,
is self-contained (no request leaves the file) and is the same bytes for the same pages.

It is made from the pages, not rendered again: the style sheets of the first page (every page
has the same), then each page's content (``<div class="pack-report …">``, the template's
wrapper) less its link back to the index.  Element ids are prefixed with the report's name (each
page numbers its cells from ``cell-00``) and links between the pack's reports become links
within the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DOCUMENT", "Page", "write_pack_document"]


DOCUMENT = "pack.html"
_WRAPPER = '<div class="pack-report '
_NAV = re.compile(r'<nav class="pack-nav">.*?</nav>\n?', re.S)
_ID = re.compile(r'(?<=\s)id="')
_LOCAL = re.compile(r'(?<=\shref=")#')
_PAGE_LINK = re.compile(r'(?<=\shref=")([0-9][0-9A-Za-z_-]*)\.html(#[^"]*)?(?=")')
_STYLES = re.compile(r'<style type="text/css"( id="running-header")?>.*?</style>', re.S)


@dataclass(frozen=True)
class Page:
    """One report of the document: its name (``20_cla_comparators``), title and page file."""

    name: str
    title: str
    html: str


def _head_styles(page: str) -> str:
    """The style sheets of a report page's head, less its running header (the document writes
    its own)."""
    head = page[: page.find("</head>")]
    return "\n".join(m.group(0) for m in _STYLES.finditer(head) if not m.group(1))


def _content(page: str, name: str, names: set[str]) -> str:
    """A report page's content for the document: ids prefixed with ``name``, links to the pack's
    other reports turned into links within the document, the link back to the index left out.
    A page not made by the pack's template (no wrapper) is taken whole, from its ``<body>``."""
    start, end = page.find(_WRAPPER), page.rfind("</main>")
    if 0 <= start < end:
        body = page[start:end]
    else:
        found = re.search(r"<body[^>]*>(.*)</body>", page, flags=re.S)
        body = found.group(1) if found else page
    body = _NAV.sub("", body)
    body = _ID.sub(f'id="{name}--', body)
    body = _LOCAL.sub(f"#{name}--", body)

    def link(match: re.Match) -> str:
        target, fragment = match.group(1), match.group(2) or ""
        if target not in names:
            return match.group(0)
        return f"#{target}--{fragment[1:]}" if fragment[1:] else f"#{target}"

    return _PAGE_LINK.sub(link, body).rstrip() + "\n"


def _template():
    """The document's template, rendered as it is: each report's content comes with its own
    abbreviations explained and its own glossary (:func:`analysis.presentation.glossary.mark_page`,
    which :func:`analysis.report.render.render_template` would apply to the whole document again,
    with one glossary for the pack after the first report)."""
    from .render import template

    return template("pack_document.html.j2")


def write_pack_document(folder: Path, pages: Sequence[Page], *, title: str, where: Sequence[str],
                        money_note: str, view_note: str = "") -> Path | None:
    """Write ``folder/pack.html`` from the report pages in ``folder``: the whole pack to print.

    Parameters
    ----------
    folder : pathlib.Path
        The pack's (staging) folder holding the report pages.
    pages : sequence of Page
        The report pages, in report order (those not written are left out).
    title : str
        The pack's title.
    where : sequence of str
        What the running header says before the report (council, month and, for a hindsight view,
        which).
    money_note : str
        The sentence saying how money is written (:data:`analysis.numbers.MONEY_NOTE`).
    view_note : str, default ""
        The hindsight view's sentence for the contents page.

    Returns
    -------
    pathlib.Path or None
        The page written; ``None`` (nothing written) when the pack has no report page.
    """
    pages = [p for p in pages if (folder / p.html).is_file()]
    if not pages:
        return None
    texts = [(folder / p.html).read_text(encoding="utf-8") for p in pages]
    names = {p.name for p in pages}
    reports = [{"name": p.name, "title": p.title, "body": _content(text, p.name, names)}
               for p, text in zip(pages, texts, strict=True)]
    from .render import pack_css

    html = _template().render(title=title, where=" · ".join(x for x in where if x), money_note=money_note,
                              view_note=view_note, styles=_head_styles(texts[0]), reports=reports,
                              css=pack_css())
    target = folder / DOCUMENT
    target.write_text(html, encoding="utf-8")
    return target
