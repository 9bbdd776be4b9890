"""Sphinx extension: the reference parts generated from the code, so they cannot drift from it.

A page asks for a generated part with a marker line:

- ``<!-- generated: commands -->``: ``python -m analysis --help`` and every command's ``--help``, from
  the argparse parser the command line itself uses (:func:`analysis.cli.build_parser`);
- ``<!-- generated: data-dictionary -->``: the data dictionary, from the table schemas
  (:func:`analysis.schemas.data_dictionary_markdown`), its headings one level down;
- ``<!-- generated: api -->``: an ``automodule`` for every module of the package that says what it
  offers (``__all__``), grouped by layer, so a new module is in the reference without an edit here.

Nothing is written into ``docs/``: the page's source is replaced in memory while the site builds.
"""

from __future__ import annotations

import os
import re

COMMANDS = "<!-- generated: commands -->"
DICTIONARY = "<!-- generated: data-dictionary -->"
API = "<!-- generated: api -->"
#: the layers, lowest first (pyproject's import-linter contract), and the words for each
LAYERS = (("", "Basics"), ("ingest", "Reading the papers (ingest)"), ("statistics", "Published statistics"),
          ("schemas", "Table schemas"), ("analyses", "Analyses"), ("presentation", "Presentation"),
          ("report", "Report runs"))
#: help text width in characters, so the page is the same on every terminal
WIDTH = "100"


def commands_markdown() -> str:
    """``python -m analysis --help`` and each command's ``--help``, each in a fenced block under a heading."""
    from analysis.cli import build_parser, command_parsers

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = build_parser()
        parts = ["### `python -m analysis`", "", "```text", parser.format_help().rstrip(), "```", ""]
        for name, sub in command_parsers(parser).items():
            parts += [f"### `{name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return "\n".join(parts)


def dictionary_markdown() -> str:
    """The data dictionary, its headings two levels down (it sits under the page's own headings)."""
    from analysis.schemas import data_dictionary_markdown

    return re.sub(r"(?m)^(#+) ", r"##\1 ", data_dictionary_markdown())


def api_markdown() -> str:
    """An ``automodule`` block for every module with ``__all__``, under a heading per layer."""
    import importlib
    import pkgutil

    import analysis

    modules: dict[str, list[str]] = {layer: [] for layer, _ in LAYERS}
    for info in sorted(pkgutil.walk_packages(analysis.__path__, "analysis."), key=lambda i: i.name):
        if (info.name.endswith("__main__") or info.name.startswith("analysis.cli")  # cli: the commands page
                or not hasattr(importlib.import_module(info.name), "__all__")):
            continue
        parts = info.name.split(".")
        layer = parts[1] if len(parts) > 2 or info.ispkg else ""
        modules[layer if layer in modules else ""].append(info.name)
    out = []
    for layer, words in LAYERS:
        if modules[layer]:
            out += [f"## {words}", ""]
            for name in modules[layer]:
                out += [f"### `{name}`", "", "```{eval-rst}", f".. automodule:: {name}", "```", ""]
    return "\n".join(out)


def _fill(app, docname: str, source: list[str]) -> None:
    text = source[0]
    if COMMANDS in text:
        text = text.replace(COMMANDS, commands_markdown())
    if DICTIONARY in text:
        text = text.replace(DICTIONARY, dictionary_markdown())
    if API in text:
        text = text.replace(API, api_markdown())
    source[0] = text


def setup(app) -> dict:
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
