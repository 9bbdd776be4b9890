"""Progress on a terminal, none under --quiet or when standard error is not a terminal (issue 17).

The commands are run as a user runs them, in a child process, with standard error a pseudo
terminal (what a terminal window gives) or a pipe (what cron and scripts give)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys

from analysis.manifest import read_manifest

from .conftest import RAW, ROOT

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").is_file() else sys.executable


def _on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run with stderr on a pseudo terminal; what the terminal showed."""
    master, slave = pty.openpty()
    child = subprocess.Popen([PYTHON, "-m", "analysis", *args], stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT)
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return child.wait(timeout=120), shown.decode("utf-8", errors="replace")


def test_ingest_shows_progress_on_a_terminal(tmp_path):
    documents = read_manifest(RAW)
    code, shown = _on_a_terminal(["ingest", "--raw", str(RAW), "--out", str(tmp_path / "p")])
    assert code == 0
    assert "ingest:" in shown and re.search(r"\d{3}_[0-9a-f]{16}\.txt", shown)  # names a document it reads
    assert f"/{len(documents) + 2}" in shown  # a step a document, the checks, the writing
    assert "\r" in shown  # redrawn in place


def test_no_progress_under_quiet_or_without_a_terminal(tmp_path):
    code, shown = _on_a_terminal(["ingest", "--raw", str(RAW), "--out", str(tmp_path / "q"), "--quiet"])
    assert code == 0 and shown == ""
    piped = subprocess.run([PYTHON, "-m", "analysis", "ingest", "--raw", str(RAW), "--out", str(tmp_path / "r")],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert piped.returncode == 0 and piped.stderr == ""
