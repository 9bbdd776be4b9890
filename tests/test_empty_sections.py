"""A section with nothing to show for a pack is left off the page, and "About this report" says
which and why (issue 18: "No empty sections")."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from analysis.report.render import HEADLINES_MIME, NOTHING_MIME, without_empty_sections

ABOUT = '<details class="about"><summary>About this report</summary><table></table></details>'


def _shows(html: str):
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={"text/html": html})]
    return cell


def _hidden(mime: str, value):
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={mime: value})]
    return cell


def _notebook():
    return [
        new_markdown_cell("# Title\n\nWhat the report is."),
        _shows("<p>the finding</p>"),
        new_markdown_cell("## Placement costs\n\nWhy the costs matter."),  # 2: a table shown
        _shows("<table>costs</table>"),
        new_markdown_cell("## Slipped moves\n\nMoves that slipped."),  # 4: nothing, a reason given
        _hidden(NOTHING_MIME, "no slippage table in Torbay's papers in force"),
        new_code_cell("y = 1"),
        new_markdown_cell("## Plans\n\nThe plans."),  # 7: a parent with one empty and one full subsection
        new_markdown_cell("### Plan A"),
        _hidden(HEADLINES_MIME, [["x", "1"]]),  # data for the index only: shows nothing on the page
        new_markdown_cell("### Plan B"),
        _shows("<p>plan B</p>"),
        new_markdown_cell("## How this report is made\n\nMethod, in words."),  # 12: text only, kept
        _shows(ABOUT),
    ]


def _text(cells) -> str:
    return "\n".join(c.source if c.cell_type == "markdown" else
                     " ".join(str(o.get("data", {}).get("text/html", "")) for o in c.outputs) for c in cells)


def test_sections_without_output_are_left_out_and_named_in_about():
    cells = _notebook()
    kept = without_empty_sections(cells)
    text = _text(kept)
    assert "## Placement costs" in text and "## Plans" in text and "### Plan B" in text
    assert "## Slipped moves" not in text and "Moves that slipped" not in text and "### Plan A" not in text
    assert "## How this report is made" in text
    assert ("Not shown in this report:</strong> Slipped moves (no slippage table in Torbay&#x27;s papers in "
            "force); Plan A (nothing to show for this authority and month).") in text
    assert len(kept) == len(cells) - 3 - 2  # Slipped moves: heading and two cells; Plan A: heading and one
    assert _text(cells).count("Not shown") == 0  # the executed notebook's own cells are not changed


def test_a_notebook_with_nothing_empty_is_unchanged():
    cells = _notebook()[:4] + _notebook()[-2:]
    assert without_empty_sections(cells) == cells


def test_a_section_whose_every_cell_shows_nothing_goes_whole():
    cells = [new_markdown_cell("# T"), new_markdown_cell("## Parent"), new_markdown_cell("### Child"),
             new_code_cell("pass"), _shows(ABOUT)]
    kept = without_empty_sections(cells)
    assert [c.source for c in kept if c.cell_type == "markdown"] == ["# T"]
    assert "Parent (nothing to show for this authority and month)" in _text(kept)


def test_the_page_of_a_real_notebook_renders_without_its_empty_section(tmp_path):
    from analysis.report.render import render_report

    nb = nbformat.v4.new_notebook(cells=_notebook())
    page = render_report(nb, show_code=False, pack={"pack_title": "t", "status": "ok", "error": "",
                                                    "parameters": [], "inputs": []})
    assert "Slipped moves" in page.split("Not shown in this report")[1]  # only in About
    assert "Moves that slipped" not in page
    assert len(nb.cells) == len(_notebook())  # the executed notebook keeps every cell
