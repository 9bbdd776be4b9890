"""Report notebooks: the contract every report notebook keeps, reading their parameters, and
executing or refreshing one notebook with a kernel that dies with its caller.

The contract (README, "Adding a report"), checked by :func:`read_spec` before any kernel starts:

1. the first cell is markdown whose first line is a level-1 heading (``# Title``): the report's
   title in the pack;
2. exactly one code cell is tagged ``parameters`` and it holds only ``name = literal`` lines of
   ``str``, ``int``, ``float`` or ``bool`` (values computed there would be computed before
   papermill injects the run's values);
3. ``metadata.analysis.tables`` lists the processed tables the report cannot do without
   (a pack whose documents give none of a listed table's rows marks the report *not applicable*),
   and ``metadata.analysis.optional_tables`` (may be absent) those it reads when present;
   ``metadata.analysis.any_of_tables`` (may be absent) makes a report apply when at least one of
   its tables has rows for the pack (``tables`` may then be empty: a report on the papers or on
   the public statistics, whichever there is); every name is a table of
   :data:`analysis.schemas.TABLES`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import paths
from ..errors import ReportError

__all__ = [
    "CELL_TIMEOUT_S", "ENGINES", "FORK_ENGINE", "KERNEL_ENGINE", "KERNEL_NAME", "LITERAL_TYPES",
    "NotebookSpec", "Parameter", "TEMP_PREFIX", "clean", "execute", "notebook_paths", "parameters",
    "parameters_cell", "read_notebook", "read_spec",
]

KERNEL_NAME = "python3"
FORK_ENGINE = "council-fork"  # papermill engine: a child forked from the calling process per notebook
KERNEL_ENGINE = "council-kernel"  # papermill engine: a Jupyter kernel per notebook
#: ``report --engine`` choices -> papermill engines (:mod:`analysis.report.engine`)
ENGINES = {"fork": FORK_ENGINE, "kernel": KERNEL_ENGINE}
CELL_TIMEOUT_S = 300
#: every folder a report run makes in the temporary directory starts so (kernel sockets and
#: connection files, a worker's temporary files); :func:`analysis.atomic.remove_stale` finds them
TEMP_PREFIX = "council-report-"
LITERAL_TYPES = (str, int, float, bool)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: type
    default: object


@dataclass(frozen=True)
class NotebookSpec:
    """What the runner needs to know about a report notebook, read without a kernel."""

    path: Path
    title: str
    parameters: dict[str, Parameter]
    tables: tuple[str, ...]
    optional_tables: tuple[str, ...] = ()
    any_of_tables: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.stem


def notebook_paths(folder: Path | None = None) -> list[Path]:
    """The report notebooks, in report order (their number prefix).

    Parameters
    ----------
    folder : pathlib.Path, optional
        Where they are; ``None`` = the project's ``notebooks/``.

    Returns
    -------
    list of pathlib.Path
        Each ``NN_*.ipynb`` (checkpoints left out).
    """
    folder = folder or paths.notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``.

    Parameters
    ----------
    path : pathlib.Path
        A notebook file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook (nbformat 4).

    Raises
    ------
    ReportError
        Naming it when it is not a readable, valid notebook.
    """
    from nbformat.reader import NotJSONError

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, NotJSONError, nbformat.NBFormatError, UnicodeDecodeError) as exc:
        raise ReportError(f"{paths.shown(path)}: not a readable notebook ({exc})") from None
    except nbformat.ValidationError as exc:
        raise ReportError(f"{paths.shown(path)}: not a valid notebook ({exc.message})") from None


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook's one cell tagged ``parameters``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A report notebook.

    Returns
    -------
    nbformat.NotebookNode
        The cell.

    Raises
    ------
    ValueError
        When not exactly one cell is tagged ``parameters``.
    """
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ValueError(f"expected exactly one cell tagged 'parameters', found {len(tagged)}")
    return tagged[0]


def _parameters(nb: nbformat.NotebookNode, path: Path) -> dict[str, Parameter]:
    where = paths.shown(path)
    try:
        cell = parameters_cell(nb)
    except ValueError as exc:
        raise ReportError(f"{where}: {exc}") from None
    if cell.cell_type != "code":
        raise ReportError(f"{where}: the cell tagged 'parameters' must be a code cell")
    try:
        body = ast.parse(cell.source).body
    except SyntaxError as exc:
        raise ReportError(f"{where}: parameters cell line {exc.lineno}: not Python ({exc.msg})") from None
    out: dict[str, Parameter] = {}
    for node in body:
        line = ast.get_source_segment(cell.source, node) or ""
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ReportError(f"{where}: parameters cell line {node.lineno}: expected 'name = literal', "
                              f"found {line!r}")
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ReportError(f"{where}: parameters cell line {node.lineno}: {line!r} is not a literal "
                              "(compute values in the next cell, not in the parameters cell)") from None
        if type(value) not in LITERAL_TYPES:
            raise ReportError(f"{where}: parameters cell line {node.lineno}: {node.targets[0].id} must be a str, "
                              f"int, float or bool literal, found {type(value).__name__}")
        out[node.targets[0].id] = Parameter(node.targets[0].id, type(value), value)
    return out


def parameters(path: Path) -> dict[str, Parameter]:
    """Name -> :class:`Parameter` from the notebook's ``parameters`` cell.

    The cell must hold only assignments of literals (``name = "text"``, ``top_n = 8``) - validated
    here.

    Parameters
    ----------
    path : pathlib.Path
        A report notebook.

    Returns
    -------
    dict of str to Parameter
        Each parameter's name, type and default.
    """
    return _parameters(read_notebook(path), path)


def _title(nb: nbformat.NotebookNode, path: Path) -> str:
    first = nb.cells[0] if nb.cells else None
    lines = [line for line in (first.source.splitlines() if first is not None else []) if line.strip()]
    if first is None or first.cell_type != "markdown" or not lines or not lines[0].startswith("# "):
        raise ReportError(f"{paths.shown(path)}: the first cell must be markdown starting with a '# Title' heading")
    return lines[0][2:].strip()


def _tables(nb: nbformat.NotebookNode, path: Path) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    from ..schemas import TABLES

    where = paths.shown(path)
    meta = nb.metadata.get("analysis")
    if not isinstance(meta, dict) or "tables" not in meta:
        raise ReportError(f"{where}: metadata.analysis.tables is missing (list the processed tables the report "
                          "reads, e.g. [\"savings_tracker\", \"sources\"])")
    found: list[tuple[str, ...]] = []
    for key in ("tables", "optional_tables", "any_of_tables"):
        names = meta.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ReportError(f"{where}: metadata.analysis.{key} must be a list of table names")
        unknown = [n for n in names if n not in TABLES]
        if unknown:
            raise ReportError(f"{where}: metadata.analysis.{key}: unknown table(s) {', '.join(unknown)}; "
                              f"tables are {', '.join(TABLES)}")
        found.append(tuple(names))
    if not found[0] and not found[2]:
        raise ReportError(f"{where}: metadata.analysis.tables is empty (name at least the table the report reads)")
    both = sorted((set(found[0]) & set(found[1])) | (set(found[2]) & (set(found[0]) | set(found[1]))))
    if both:
        raise ReportError(f"{where}: {', '.join(both)} listed as both required and optional tables")
    return found[0], found[1], found[2]


def read_spec(path: Path) -> NotebookSpec:
    """Check the notebook contract (module docstring) and return what the runner needs.

    Parameters
    ----------
    path : pathlib.Path
        A report notebook.

    Returns
    -------
    NotebookSpec
        Its path, title, parameters and the tables it reads.

    Raises
    ------
    ReportError
        Naming the notebook and what of the contract it breaks.
    """
    path = Path(path)
    nb = read_notebook(path)
    title = _title(nb, path)
    params = _parameters(nb, path)
    tables, optional, any_of = _tables(nb, path)
    return NotebookSpec(path, title, params, tables, optional, any_of)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove volatile metadata (timings, papermill bookkeeping) and renumber executions 1..n.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A report notebook.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, cleaned.
    """
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
            timeout: int = CELL_TIMEOUT_S, cwd: Path | None = None, engine: str = FORK_ENGINE) -> nbformat.NotebookNode:
    """Execute ``path`` with papermill, parameters injected after the ``parameters`` cell.

    Through ``engine`` (:mod:`analysis.report.engine`: by default a child forked from this process;
    or :data:`KERNEL_ENGINE`, a Jupyter kernel), kernel name, working directory and per-cell timeout
    always explicit.  The executed notebook is written to ``output`` when given - once, at the end.
    The one path a report job (:func:`analysis.report.execute.run_job`) and the tests run notebooks
    by.

    Parameters
    ----------
    path : pathlib.Path
        The report notebook.
    output : pathlib.Path or None
        Where the executed notebook is written; ``None`` = not written.
    parameters : dict, optional
        Name -> value of the notebook's parameters.
    timeout : int, default :data:`CELL_TIMEOUT_S`
        Per-cell timeout in seconds.
    cwd : pathlib.Path, optional
        The working directory; ``None`` = the notebook's folder.
    engine : str, default :data:`FORK_ENGINE`
        The papermill engine's name.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    papermill.PapermillExecutionError
        When a cell fails; the partial notebook is written first.
    """
    import papermill

    path = Path(path)
    return papermill.execute_notebook(
        str(path), str(output) if output else None, parameters=parameters or {}, kernel_name=KERNEL_NAME,
        cwd=str(cwd or path.parent), progress_bar=False, log_output=False, execution_timeout=timeout,
        request_save_on_cell_execute=False, engine_name=engine)
