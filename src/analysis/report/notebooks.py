"""Report notebooks: finding them, reading their parameters, refreshing their committed outputs."""

from __future__ import annotations

import ast
import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import paths

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 300


@dataclass(frozen=True)
class Parameter:
    name: str
    type: type
    default: object


def notebook_paths(folder: Path | None = None) -> list[Path]:
    """The report notebooks, in report order (their number prefix)."""
    folder = folder or paths.notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ValueError(f"expected exactly one cell tagged 'parameters', found {len(tagged)}")
    return tagged[0]


def parameters(path: Path) -> dict[str, Parameter]:
    """Name -> :class:`Parameter` from the notebook's ``parameters`` cell, which must hold only
    assignments of literals (``name = "text"``, ``top_n = 8``) - validated here."""
    nb = nbformat.read(path, as_version=4)
    source = parameters_cell(nb).source
    out: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"{path.name}: the parameters cell may hold only 'name = literal' lines")
        value = ast.literal_eval(node.value)  # raises ValueError for anything but a literal
        out[node.targets[0].id] = Parameter(node.targets[0].id, type(value), value)
    return out


def refresh(path: Path, *, timeout: int = CELL_TIMEOUT_S) -> None:
    """Re-execute a notebook in place with its default parameters (the committed outputs nbval
    compares against) and drop execution metadata that changes on every run."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with kernel_manager() as km:
        client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, km=km,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    clean(nb)
    nbformat.write(nb, path)


@contextlib.contextmanager
def kernel_manager(kernel_name: str = KERNEL_NAME):
    """A kernel manager talking over IPC sockets in a private temporary folder: no TCP ports to
    race for when several kernels start at once, no 'running over TCP without encryption'
    warning, and nothing left behind."""
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="kernel-") as folder:
        km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=str(Path(folder) / "ipc"))
        try:
            yield km
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=False)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove volatile metadata (timings, papermill bookkeeping) and renumber executions 1..n."""
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME}
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count
    return nb


def execute(path: Path, output: Path | None, parameters: dict | None = None, *,
            timeout: int = CELL_TIMEOUT_S, cwd: Path | None = None) -> nbformat.NotebookNode:
    """Execute ``path`` with papermill (parameters injected after the ``parameters`` cell), kernel
    name, working directory and per-cell timeout always explicit; returns the executed notebook
    (also written to ``output`` when given).  A failing cell raises
    :class:`papermill.PapermillExecutionError`; the partial notebook is written first."""
    import papermill

    with kernel_manager() as km:
        return papermill.execute_notebook(
            str(path), str(output) if output else None, parameters=parameters or {}, kernel_name=KERNEL_NAME,
            cwd=str(cwd or path.parent), progress_bar=False, execution_timeout=timeout, km=km)
