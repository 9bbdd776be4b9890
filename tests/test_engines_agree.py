"""The two engines publish the same packs (issue 20): the bundled packs (``report --latest``, what
``make reports`` publishes) built with the default ``council-fork`` engine (a child forked from a
warm worker per notebook, shared with the other pack tests: conftest ``latest_packs``) and again
with ``--engine kernel`` (a Jupyter kernel per notebook, as nbval and JupyterLab run them):

* the same files in both reports folders;
* every HTML page, Excel file, CSV and chart the same bytes;
* every executed notebook the same cells with the same outputs (display data, results, streams,
  errors) and execution counts - only the clocks differ (papermill's and nbclient's timings);
* each pack's manifest the same but for the run's identity and times.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

#: what differs between two runs of the same report whichever engine runs it: clocks and run ids
TIMING_KEYS = {"start_time", "end_time", "duration", "duration_s", "execution", "run_id", "created", "started", "finished",
               "seconds", "elapsed"}
RUN_FILES = {"timings.js"}  # a run's clock readings, shown on its status page


@pytest.fixture(scope="module")
def kernel_packs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kernel") / "reports"
    assert main(["report", "--latest", "--engine", "kernel", "--out", str(out), "--quiet"]) == 0
    return out


def _files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*")) if p.is_file()}


def _without_clocks(value):
    if isinstance(value, dict):
        return {k: _without_clocks(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_without_clocks(v) for v in value]
    return value


def test_the_same_files(latest_packs, kernel_packs):
    assert sorted(_files(latest_packs)) == sorted(_files(kernel_packs))
    assert any(name.endswith(".html") for name in _files(latest_packs))


def test_every_page_and_download_is_the_same_bytes(latest_packs, kernel_packs):
    fork, kernel = _files(latest_packs), _files(kernel_packs)
    compared = [name for name in fork if not name.endswith((".ipynb", ".json")) and Path(name).name not in RUN_FILES]
    assert len([n for n in compared if n.endswith(".html")]) >= 10  # two packs of reports, their indexes
    differ = [name for name in compared if fork[name].read_bytes() != kernel[name].read_bytes()]
    assert differ == []


def test_every_executed_notebook_has_the_same_outputs(latest_packs, kernel_packs):
    fork, kernel = _files(latest_packs), _files(kernel_packs)
    notebooks = [name for name in fork if name.endswith(".ipynb")]
    assert notebooks
    for name in notebooks:
        a, b = (json.loads(f[name].read_text(encoding="utf-8")) for f in (fork, kernel))
        assert [c.get("outputs") for c in a["cells"]] == [c.get("outputs") for c in b["cells"]], name
        assert [c.get("execution_count") for c in a["cells"]] == [c.get("execution_count") for c in b["cells"]], name
        assert _without_clocks(a) == _without_clocks(b), name
        outputs = [o["output_type"] for c in a["cells"] for o in c.get("outputs", [])]
        assert "display_data" in outputs or "execute_result" in outputs or "stream" in outputs, name


def test_every_manifest_is_the_same_but_for_the_runs_clock(latest_packs, kernel_packs):
    for name in (n for n in _files(latest_packs) if n.endswith(".json")):
        a, b = (json.loads((out / name).read_text(encoding="utf-8")) for out in (latest_packs, kernel_packs))
        assert _without_clocks(a) == _without_clocks(b), name
