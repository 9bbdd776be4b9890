"""The manual (docs/ and the README) shows what the code does: every command line it prints is
accepted, option by option, by the parser the command line itself uses; its blocks marked ``console``
run and succeed; the command reference generated for the site covers every command and option."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis.cli import build_parser, command_parsers

from .conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if not p.name.startswith("_")) + [ROOT / "README.md"]
FENCE = re.compile(r"^( *)```([\w{}-]*)\n(.*?)^\1```", re.S | re.M)
COMMAND = re.compile(r"python -m analysis\b(.*)")


def code_blocks(page: Path) -> list[tuple[str, str]]:
    """(language, code) of each fenced block of ``page``, indented blocks (inside list items) dedented."""
    text = page.read_text(encoding="utf-8")
    return [(lang, textwrap.dedent(code)) for _, lang, code in FENCE.findall(text)]


def _commands_in(code: str) -> list[str]:
    """The ``python -m analysis ...`` command lines of a block: prompts, comments and shell glue removed."""
    found = []
    for line in code.splitlines():
        line = re.split(r" #|\s{2,}\(|`", line.removeprefix("$ "))[0]  # a comment, a note in a diagram
        for segment in _shell_segments(line):
            m = COMMAND.search(segment)
            if m:
                found.append(m.group(1).strip())
    return found


def _shell_segments(line: str) -> list[str]:
    """The simple commands of a shell line (split at ``&&``, ``;`` and ``|`` outside quotes)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    segments, words = [], []
    try:
        for token in lexer:
            if token and set(token) <= set(";&|"):
                segments.append(shlex.join(words))
                words = []
            else:
                words.append(token)
    except ValueError:  # an unfinished quote: the line as it is
        return [line]
    return [*segments, shlex.join(words)]


def documented_commands() -> list[tuple[str, str]]:
    """(page, arguments) of every command line shown in a code block of the manual."""
    return [(page.relative_to(ROOT).as_posix(), args) for page in PAGES for _, code in code_blocks(page)
            for args in _commands_in(code)]


COMMANDS = documented_commands()


def test_the_manual_shows_command_lines():
    # the pages are read: a change to the block syntax that hid them all would otherwise pass silently
    assert len(COMMANDS) >= 25
    assert {shlex.split(a)[0] for _, a in COMMANDS if a} >= {"ingest", "register", "withdraw", "report",
                                                             "public-stats"}


@pytest.mark.parametrize("page,args", COMMANDS, ids=[f"{p}: {a}"[:90] for p, a in COMMANDS])
def test_each_documented_command_line_is_accepted_by_the_parser(page, args):
    argv = shlex.split(args)
    if "--help" in argv:  # help for the program or one command: the command must exist
        named = [a for a in argv if not a.startswith("-")]
        assert named[:1] == [] or named[0] in command_parsers(build_parser()), f"{page}: {args}"
        return
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"{page}: `python -m analysis {args}` is refused by the parser: {err.getvalue().strip()}")


def console_commands() -> list[tuple[str, str]]:
    return [(page.relative_to(ROOT).as_posix(), line[2:]) for page in PAGES for lang, code in code_blocks(page)
            if lang == "console" for line in code.splitlines() if line.startswith("$ ")]


def test_the_manual_has_runnable_blocks():
    assert console_commands(), "no ```console block found: the pages' runnable examples are gone"


@pytest.mark.parametrize("page,command", console_commands())
def test_each_console_block_runs(page, command):
    # ```console blocks are run as printed (python being this environment's): keep them to commands that
    # only read, such as --help
    argv = shlex.split(command)
    assert argv[:3] == ["python", "-m", "analysis"] and argv[-1] == "--help", (
        f"{page}: a console block may only show `python -m analysis ... --help` (they are run by this test)")
    done = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{page}: `{command}` exited {done.returncode}: {done.stderr}"
    assert done.stdout.startswith("usage: python -m analysis"), done.stdout[:200]


def _generated():
    spec = importlib.util.spec_from_file_location("generated", DOCS / "_ext" / "generated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_covers_every_command_and_option():
    generated = _generated()
    page = generated.commands_markdown()
    parser = build_parser()
    commands = command_parsers(parser)
    assert {"ingest", "report", "register", "withdraw", "unpublish", "status", "public-stats"} <= set(commands)
    for name, sub in commands.items():
        section = page[page.index(f"### `{name}`\n"):]
        section = section[:section.find("\n### ", 1)] if "\n### " in section[1:] else section
        options = {s for action in sub._actions for s in action.option_strings if s.startswith("--")}
        missing = sorted(o for o in options if not re.search(re.escape(o) + r"\b", section))
        assert not missing, f"{name}: options not in the generated reference: {missing}"


def test_every_command_has_its_own_help():
    for name, sub in command_parsers(build_parser()).items():
        assert isinstance(sub, argparse.ArgumentParser)
        assert sub.format_help().startswith("usage: python -m analysis " + name), name


def test_every_page_the_package_points_users_to_exists():
    # error messages and status lines send users to a page of the manual by its path: it must be there
    package = ROOT / "src" / "analysis"
    named = {m for path in package.rglob("*.py") for m in re.findall(r"docs/[\w/-]+\.md", path.read_text(encoding="utf-8"))}
    assert "docs/tutorials/adding-a-month.md" in named
    assert not sorted(p for p in named if not (ROOT / p).is_file())


def test_the_extension_page_python_runs_and_fails_as_it_says():
    """docs/how-to/extend.md's example: a function declaring its columns with ``needs`` computes
    on a frame that has them and names the missing column of one that does not, in the words the
    page quotes."""
    import pandas as pd

    from analysis.errors import SchemaError

    page = DOCS / "how-to" / "extend.md"
    blocks = [code for lang, code in code_blocks(page) if lang == "python"]
    assert blocks, "the page shows Python"
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, str(page), "exec"), namespace)  # noqa: S102 - our own documentation
    frame = pd.DataFrame({"reference": ["A1"], "planned_total_gbp": [-200.0], "forecast_total_gbp": [-150.0]})
    assert list(namespace["forecast_share"](frame)) == [0.75]  # 150 of 200
    with pytest.raises(SchemaError) as caught:
        namespace["forecast_share"](frame.drop(columns="forecast_total_gbp"))
    quoted = re.search(r"`SchemaError: \.\.\.(forecast_share: [^`]*)`", " ".join(page.read_text().split()))
    assert quoted and quoted.group(1) in " ".join(str(caught.value).split())
