"""Sphinx extension: the reference parts generated from the code, so they cannot drift from it.

A page asks for a generated part with a marker line:

- ``<!-- generated: commands -->``: ``python -m analysis --help`` and every command's ``--help``, from
  the argparse parser the command line itself uses (:func:`analysis.cli.build_parser`);
- ``<!-- generated: data-dictionary -->``: the data dictionary, from the table schemas
  (:func:`analysis.schemas.data_dictionary_markdown`), its headings one level down.

Nothing is written into ``docs/``: the page's source is replaced in memory while the site builds.
"""

from __future__ import annotations

import argparse
import os
import re

COMMANDS = "<!-- generated: commands -->"
DICTIONARY = "<!-- generated: data-dictionary -->"
#: help text width in characters, so the page is the same on every terminal
WIDTH = "100"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser's commands by name (argparse keeps them on its sub-parsers action)."""
    for action in parser._actions:  # argparse has no public accessor for its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def commands_markdown() -> str:
    """``python -m analysis --help`` and each command's ``--help``, each in a fenced block under a heading."""
    from analysis.cli import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = build_parser()
        parts = ["### `python -m analysis`", "", "```text", parser.format_help().rstrip(), "```", ""]
        for name, sub in subcommands(parser).items():
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


def _fill(app, docname: str, source: list[str]) -> None:
    text = source[0]
    if COMMANDS in text:
        text = text.replace(COMMANDS, commands_markdown())
    if DICTIONARY in text:
        text = text.replace(DICTIONARY, dictionary_markdown())
    source[0] = text


def setup(app) -> dict:
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
