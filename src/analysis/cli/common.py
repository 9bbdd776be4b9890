"""What the command modules share: how a path is shown, a folder option checked, exit status."""

from __future__ import annotations

from pathlib import Path

from .. import paths

__all__ = ["EXIT_INPUT"]

EXIT_INPUT = 2
_show = paths.shown


def _folder(value: str | None, default: Path, what: str) -> Path:
    from ..errors import ReportError

    path = Path(value).resolve() if value else default
    if path.exists() and not path.is_dir():
        raise ReportError(f"{what} {_show(path)}: is a file, expected a folder")
    return path
