"""Where things live.  Every path a notebook or command uses is resolved here, never relative to
the current directory (papermill runs kernels in the caller's directory, nbval in the notebook's)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROCESSED_ENV", "ROOT_ENV", "notebooks_dir", "processed_dir", "project_root", "raw_dir", "reports_dir",
    "resolve", "shown",
]

ROOT_ENV = "COUNCIL_ANALYSIS_ROOT"
#: Where the processed tables are read from, when not the project's ``data/processed`` (the test
#: suite points this at a fresh ingest when ``data/processed`` is missing or stale).
PROCESSED_ENV = "COUNCIL_ANALYSIS_PROCESSED"


def project_root() -> Path:
    """The project folder.

    ``$COUNCIL_ANALYSIS_ROOT`` if set, else the checkout this package is installed (editable) from,
    else the current directory.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data" / "raw").is_dir():
            return parent
    return Path.cwd().resolve()


def raw_dir() -> Path:
    """The project's ``data/raw`` folder (the delivered papers and ``manifest.csv``).

    Returns
    -------
    pathlib.Path
        The folder, under :func:`project_root`.
    """
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``$COUNCIL_ANALYSIS_PROCESSED`` if set, else the project's ``data/processed``.

    Returns
    -------
    pathlib.Path
        The processed folder.
    """
    env = os.environ.get(PROCESSED_ENV)
    if env:
        return Path(env).resolve()
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    """The project's ``reports`` folder (the packs, ``reports/<authority>/<period>/``).

    Returns
    -------
    pathlib.Path
        The folder, under :func:`project_root`.
    """
    return project_root() / "reports"


def notebooks_dir() -> Path:
    """The project's ``notebooks`` folder.

    Returns
    -------
    pathlib.Path
        The folder, under :func:`project_root`.
    """
    return project_root() / "notebooks"


def resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """A user-given path (absolute, or relative to the project root), or ``default`` when empty.

    Parameters
    ----------
    path : str, os.PathLike or None
        The path as given.
    default : pathlib.Path
        The path when none is given.

    Returns
    -------
    pathlib.Path
        The absolute path.
    """
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else (project_root() / p)


def shown(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: relative to the current directory when inside it.

    Parameters
    ----------
    path : str or os.PathLike
        The path.

    Returns
    -------
    str
        The path as text.
    """
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
