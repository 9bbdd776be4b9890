"""The how-to "Add a report" (docs/how-to/add-a-report.md), followed end to end with a throwaway
(SYNTHETIC) notebook in a temporary folder: its code blocks are taken from the page itself, so the
steps a newcomer reads are the steps tested.  (Step 7, committing outputs for nbval, concerns notebooks/ only.)"""

from __future__ import annotations

import json
import re
import shlex

import nbformat
import pytest

from analysis.cli import main

from .conftest import ROOT

BODY = [
    """from analysis import data
from analysis.presentation import display as d

sources = data.load("sources", processed_dir)
documents = data.documents_in_force(sources, authority, period)
tracker = data.load("savings_tracker", processed_dir)
rows = tracker[(tracker.authority == authority) & tracker.document.isin(documents) & (tracker.period == period)]
planned = -int(rows.planned_total_gbp.sum())""",
    """display(d.say("<strong>{a} planned to save £{m}m in {p}.</strong>", a=authority, m=f"{planned / 1e6:.3f}",
                   p=period))
d.headlines({"Planned saving": f"£{planned / 1e6:.3f}m"})""",
    "d.table(rows.groupby('committee', as_index=False).planned_total_gbp.sum())",
    "d.run_details({'authority': authority, 'period': period}, data.sources_for(documents, processed_dir))",
]


@pytest.fixture(scope="module")
def steps() -> dict:
    section = (ROOT / "docs" / "how-to" / "add-a-report.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    python = [textwrap_dedent(code) for lang, code in blocks if lang == "python"]
    shell = [textwrap_dedent(code) for lang, code in blocks if lang == "sh"]
    name = re.search(r"`(\d\d_my_report\.ipynb)`", section).group(1)
    title = re.search(r"\(`(# [^`\n]+)`\)", section).group(1)
    assert "tagged `parameters`" in section and "`tables`" in section and "`optional_tables`" in section
    return {"parameters": python[0], "metadata": python[1], "run": shell[0], "name": name, "title": title}


def textwrap_dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).strip() + "\n"


def _follow(steps: dict, folder):
    """Steps 1-5: the notebook as the how-to page says to write it."""
    path = folder / steps["name"]  # step 1
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(steps["title"] + "\n\nSYNTHETIC throwaway report written by a test."))
    parameters = nbformat.v4.new_code_cell(steps["parameters"])  # step 3
    parameters.metadata["tags"] = ["parameters"]
    nb.cells.append(parameters)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in BODY]  # step 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    exec(steps["metadata"].replace(f"notebooks/{steps['name']}", str(path)), {})  # step 4, as printed
    return path


def _run(steps: dict, folder, out, *extra: str) -> int:
    argv = shlex.split(steps["run"])  # step 6, as printed
    assert argv[:4] == [".venv/bin/python", "-m", "analysis", "report"]
    return main([*argv[3:], *extra, "--notebooks", str(folder), "--out", str(out), "--quiet"])


def test_a_report_added_as_the_docs_say_appears_in_the_pack(steps, tmp_path):
    folder, out = tmp_path / "notebooks", tmp_path / "reports"
    path = _follow(steps, folder)
    assert json.loads(path.read_text())["metadata"]["analysis"]["tables"] == ["savings_tracker", "sources"]
    assert _run(steps, folder, out) == 0
    pack = out / "cambridgeshire" / "2017-10"
    page = (pack / f"{path.stem}.html").read_text(encoding="utf-8")
    # 003 prints the Original Saving total as -20,538 (£000) in its totals row (line 6)
    assert "Cambridgeshire planned to save £20.538m in 2017-10." in page
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert steps["title"][2:] in index and "Planned saving: <strong>£20.538m</strong>" in index
    manifest = json.loads((pack / "manifest.json").read_text())
    report = next(r for r in manifest["reports"] if r["name"] == path.stem)
    assert report["status"] == "ok"
    assert report["parameters"] == {"authority": "Cambridgeshire", "period": "2017-10"}  # processed_dir: the default


def test_the_added_report_is_not_applicable_where_its_tables_are_missing(steps, tmp_path):
    folder, out = tmp_path / "notebooks", tmp_path / "reports"
    path = _follow(steps, folder)
    argv = ["report", "--authority", "Torbay", "--period", "2019-11", "--only", path.stem[:2], "--notebooks",
            str(folder), "--out", str(out), "--quiet"]
    assert main(argv) == 0
    manifest = json.loads((out / "torbay" / "2019-11" / "manifest.json").read_text())
    [report] = manifest["reports"]
    assert report["status"] == "not applicable" and "savings tracker" in report["error"]


def test_a_step_left_out_is_one_error_line(steps, tmp_path, capsys):
    folder, out = tmp_path / "notebooks", tmp_path / "reports"
    path = _follow(steps, folder)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].metadata["tags"] = []  # step 3 forgotten
    nbformat.write(nb, path)
    assert _run(steps, folder, out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {path}: expected exactly one cell tagged 'parameters', found 0"]
