"""The report pages laid out for print: line-break opportunities in their tables, so that a
printed table can be laid out from its content without breaking a word, and each heading kept
on the page of what follows it.

Printed, a table's columns take their widths from the content (``table-layout: auto`` in
``templates/pack/pack.css``) and no word is broken, so a column is never narrower than its
longest unbreakable run of characters.  Chromium does not break a line after ``/``, so
``Bournemouth/Southend/Plymouth`` is one 29-character "word" that takes a column's width from the
note beside it.  :class:`BreakOpportunities`, an nbconvert preprocessor registered in the page
template's ``conf.json``, rewrites the text of each table cell of a report's HTML outputs:

* in a run of at least :data:`LONG_RUN` characters, a ``<wbr>`` (a break opportunity, invisible
  and not copied as text) after each ``/`` that joins two words or numbers inside it;
* a run that still has :data:`UNBROKEN_RUN` characters or more without a break (an address, a
  hash) is wrapped in ``<span class="unbroken">``, which the print style lets break anywhere - the
  last resort, rather than a table running off the page;
* a signed amount (``−£1,400,000``, ``+£1.2m``) in a text cell is wrapped in
  ``<span class="nowrap">``: a browser may otherwise break the line between the sign and the ``£``;
* a plain text cell of :data:`LONG_TEXT` characters or more is marked ``class="long"``: printed,
  its column is given a sensible minimum width (``pack.css``), so that a note is not squeezed to
  a word a line by its narrower neighbours.

Only text between tags is touched (the cell text is already escaped; an entity holds no ``/``),
never a tag or an attribute, and the page's visible text is unchanged.

:class:`KeepWithNext`, another preprocessor of the template, marks each heading's Markdown cell
(or a run of them) and the next cell that shows something: the template wraps them in
``<div class="keep-with-next">``, which print does not split (unless it holds a long table).
``break-after: avoid`` on the heading alone is not enough: Chromium ignores it where the only
earlier place to break is just after a table.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor

__all__ = [
    "BreakOpportunities", "KeepWithNext", "LONG_RUN", "LONG_TEXT", "UNBROKEN_RUN", "break_opportunities",
]

LONG_RUN = 16  # characters: a shorter run needs no break opportunity
UNBROKEN_RUN = 30  # characters without a break: wrapped as a last resort
LONG_TEXT = 80  # characters: a text cell this long is marked class="long" (a wider column in print)

_CELL = re.compile(r"(<td\b[^>]*>)(.*?)(</td>)", re.S)
_TAG = re.compile(r"(<[^>]*>)")
_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
# a signed amount: a line may break between its sign and its £ (both "prefix" characters)
_SIGNED_MONEY = re.compile(r"(?<![\w£])[+\-\u2212]£[0-9][0-9,]*(?:\.[0-9]+)?[km]?(?![\w])")


def _run(match: re.Match) -> str:
    run = match.group(0)
    parts = re.split(r"(?<=[A-Za-z0-9]/)(?=[A-Za-z0-9])", run)  # between two words it joins
    if max(len(p) for p in parts) >= UNBROKEN_RUN:
        return f'<span class="unbroken">{"<wbr>".join(parts)}</span>'
    return "<wbr>".join(parts)


def _text(text: str) -> str:
    """One piece of a cell's text (between tags) with its break opportunities and unbreakables."""
    out, last = [], 0
    for m in _SIGNED_MONEY.finditer(text):
        out += [_RUN.sub(_run, text[last:m.start()]), f'<span class="nowrap">{m.group(0)}</span>']
        last = m.end()
    return "".join(out) + _RUN.sub(_run, text[last:])


def _cell(match: re.Match) -> str:
    pieces = _TAG.split(match.group(2))
    text = "".join(p if p.startswith("<") else _text(p) for p in pieces)
    opening = match.group(1)
    if opening == "<td>" and sum(len(p) for p in pieces if not p.startswith("<")) >= LONG_TEXT:
        opening = '<td class="long">'
    return opening + text + match.group(3)


def break_opportunities(html: str) -> str:
    """``html`` with break opportunities in its table cells' long runs of characters.

    See the module docstring; unchanged when it has none.

    Parameters
    ----------
    html : str
        A report page's HTML.

    Returns
    -------
    str
        The page.
    """
    return _CELL.sub(_cell, html) if "<td" in html else html


_HEADING = re.compile(r"^#{1,4} ", re.M)


class KeepWithNext(Preprocessor):
    """Marks the cells to keep together in print (module docstring) in their metadata:
    ``print_keep_start`` on a heading's Markdown cell, ``print_keep_end`` on the next cell that
    shows something (a Markdown cell without a heading, a code cell with output - or with its code
    shown), or on the last cell."""

    def preprocess(self, nb, resources):
        code_shown = (resources or {}).get("global_content_filter", {}).get("include_input", False)
        start = None
        for cell in nb.cells:
            heading = cell.cell_type == "markdown" and bool(_HEADING.search(cell.source))
            shows = cell.cell_type == "markdown" or bool(cell.get("outputs")) or code_shown
            if heading and start is None:
                cell.metadata["print_keep_start"] = True
                start = cell
            elif shows and not heading and start is not None:
                cell.metadata["print_keep_end"] = True
                start = None
        if start is not None:
            nb.cells[-1].metadata["print_keep_end"] = True
        return nb, resources


class BreakOpportunities(Preprocessor):
    """The nbconvert preprocessor applying :func:`break_opportunities` to every HTML output."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            value = data.get("text/html")
            if value is not None:
                data["text/html"] = break_opportunities("".join(value) if isinstance(value, list) else value)
        return cell, resources
