"""The ``council-fork`` papermill engine (issue 20) as anyone uses it - ``papermill -e council-fork``,
in a child process - against ``council-kernel`` (a Jupyter kernel) on the same notebook: the same
outputs recorded (streams, display data, results with their counts, an error with its traceback),
the cell timeout kept, no child left behind.  And the pipe a forked child's messages come by: a
message read while another channel's reader waits wakes that reader (a run once hung there)."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import subprocess
from pathlib import Path

import nbformat
import pytest

from analysis.report.forked import Inbox

from .conftest import ROOT

PAPERMILL = str(ROOT / ".venv" / "bin" / "papermill")

CELLS = [
    "import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>shown</b>'), metadata={'note': 1})",
    "6 * 7",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([1, 2, 3])\nplt.show()",
    "x = [1, 2]\nx",
]


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _papermill(engine: str, notebook: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([PAPERMILL, "--engine", engine, "--no-progress-bar", "--log-level", "WARNING",
                           str(notebook), str(out), *extra], capture_output=True, text=True, timeout=300, cwd=ROOT)


def _outputs(path: Path) -> list:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"]]


def test_papermill_finds_the_engine_by_its_name():
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine("council-fork").__name__ == "CouncilForkEngine"


@pytest.mark.notebooks
def test_the_outputs_are_those_a_kernel_records(tmp_path):
    notebook = _notebook(tmp_path / "outputs.ipynb", CELLS)
    fork, kernel = tmp_path / "fork.ipynb", tmp_path / "kernel.ipynb"
    for engine, out in (("council-fork", fork), ("council-kernel", kernel)):
        done = _papermill(engine, notebook, out)
        assert done.returncode == 0, done.stderr
    got = _outputs(fork)
    assert got == _outputs(kernel)
    kinds = [[o["output_type"] for o in outputs] for _, outputs in got]
    assert kinds == [["stream", "stream"], ["display_data"], ["execute_result"], ["display_data"], ["execute_result"]]
    assert [count for count, _ in got] == [1, 2, 3, 4, 5]
    assert "".join(got[2][1][0]["data"]["text/plain"]) == str(6 * 7)


@pytest.mark.notebooks
def test_an_error_is_recorded_with_its_traceback_as_a_kernel_records_it(tmp_path):
    notebook = _notebook(tmp_path / "failing.ipynb", ["x = 1", "raise ValueError('a real problem')", "y = 2"])
    fork, kernel = tmp_path / "fork.ipynb", tmp_path / "kernel.ipynb"
    for engine, out in (("council-fork", fork), ("council-kernel", kernel)):
        done = _papermill(engine, notebook, out)
        assert done.returncode != 0 and "a real problem" in done.stderr, done.stderr
    error = [o for _, outputs in _outputs(fork) for o in outputs or [] if o["output_type"] == "error"]
    assert [(e["ename"], e["evalue"]) for e in error] == [("ValueError", "a real problem")]
    assert _outputs(fork) == _outputs(kernel)  # the traceback's lines included


BAD_REPR = ("class Bad:\n    def _repr_html_(self):\n        raise ValueError('a broken repr')\n"
            "    def __repr__(self):\n        return 'Bad'\n")


@pytest.mark.notebooks
@pytest.mark.parametrize("cell, stops", [
    # the display hook formatting a cell's result: the cell fails, the notebook stops there
    (BAD_REPR + "Bad()", True),
    # ``display`` formatting an object: the traceback is shown, the next cell runs
    (BAD_REPR + "from IPython.display import display\ndisplay(Bad())", False),
])
def test_an_error_while_formatting_a_result_is_judged_as_a_kernel_judges_it(tmp_path, cell, stops):
    notebook = _notebook(tmp_path / "repr.ipynb", [cell, "y = 2"])
    fork, kernel = tmp_path / "fork.ipynb", tmp_path / "kernel.ipynb"
    for engine, out in (("council-fork", fork), ("council-kernel", kernel)):
        done = _papermill(engine, notebook, out)
        assert done.returncode != 0 and "a broken repr" in done.stderr, (engine, done.stderr)  # an error output
        assert _outputs(out)[-1][0] == (None if stops else 2), engine  # the last cell's execution count
    assert _outputs(fork) == _outputs(kernel)


def _children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


@pytest.mark.faults
def test_a_cell_past_its_timeout_is_stopped_and_its_child_is_gone(tmp_path):
    notebook = _notebook(tmp_path / "hang.ipynb", ["import time\nwhile True:\n    time.sleep(0.05)"])
    process = subprocess.Popen([PAPERMILL, "--engine", "council-fork", "--no-progress-bar", "--log-level", "WARNING",
                                "--execution-timeout", "2", str(notebook), str(tmp_path / "out.ipynb")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    _, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Timeout" in err or "timed out" in err, err
    assert not Path(f"/proc/{process.pid}").exists()  # papermill and its forked child both ended


# ------------------------------------------------------------------------- the pipe's two readers


def _message(channel: str, n: int) -> tuple:
    from jupyter_client.session import Session

    msg = Session().msg("stream" if channel == "iopub" else "execute_reply", {"n": n})
    return channel, msg["header"], {}, {}, Session().pack(msg["content"])


def test_a_message_read_for_the_other_channel_wakes_its_reader():
    """The shell reader waits on the pipe; the IOPub reader then reads the pipe empty, the shell
    reply included, before the event loop looks at the pipe again: the shell reader must still
    get its reply (it waited forever: the child had nothing more to send)."""
    ours, theirs = multiprocessing.Pipe(duplex=True)

    async def scenario() -> dict:
        inbox = Inbox(ours)
        shell = asyncio.ensure_future(inbox.get("shell", None))
        await asyncio.sleep(0)  # one turn of the loop: the shell reader is now waiting on the pipe
        assert not shell.done()
        theirs.send(_message("iopub", 1))
        theirs.send(_message("shell", 2))
        inbox._drain()  # the IOPub reader's read, before the loop polls the pipe
        assert [m["content"]["n"] for m in inbox.queues["iopub"]] == [1]
        return await asyncio.wait_for(shell, 10)

    reply = asyncio.run(scenario())
    assert reply["content"] == {"n": 2}


def test_a_caller_with_an_ipython_shell_of_its_own_can_fork_a_notebook(tmp_path):
    """IPython (or a test) has made its own shell in the calling process: the child, which has a
    copy of it, still makes its own kind of shell and runs the notebook (it died at once)."""
    notebook = _notebook(tmp_path / "small.ipynb", ["6 * 7"])
    script = ("import sys\nfrom pathlib import Path\nfrom IPython.core.interactiveshell import InteractiveShell\n"
              "shell = InteractiveShell.instance()\nfrom analysis.report.notebooks import execute\n"
              "nb = execute(Path(sys.argv[1]), None)\nassert InteractiveShell.instance() is shell\n"
              "print(nb.cells[0].outputs[0]['data']['text/plain'])\n")
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", script, str(notebook)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(6 * 7)
