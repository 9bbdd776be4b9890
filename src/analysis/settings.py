"""Settings a council repeats every month, in one file instead of long command lines.

``council.toml`` at the project root (or the file named by ``--config FILE`` or
``$COUNCIL_ANALYSIS_CONFIG``) may hold any of :data:`KEYS`; a value given on the command line
always wins.  Folders are relative to the file's own folder.  For example::

    # council.toml - Westmere's monthly pack
    authority = "Westmere"          # report --latest/--period: its packs only; register: its files
    reports = "/srv/www/council-packs"
    jobs = 2
    public_source = "data/external"

An unknown key, a wrong type or a file that is not TOML is one ``error:`` line naming the file
and the key (with "did you mean" for a misspelt key); nothing runs.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import InputError

__all__ = ["CONFIG_ENV", "FILE_NAME", "FOLDERS", "KEYS", "Settings", "find", "load"]

FILE_NAME = "council.toml"
CONFIG_ENV = "COUNCIL_ANALYSIS_CONFIG"
#: key -> (type, what it sets)
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "authority": ((str, list), "the council (or councils, a list) whose packs `report --latest` and `report "
                               "--period` make, and whose files `register` registers"),
    "raw": (str, "the raw folder (every command's --raw; default data/raw)"),
    "processed": (str, "the processed tables (ingest --out, public-stats --out, report --processed)"),
    "reports": (str, "the reports folder (report --out, withdraw/unpublish/status/register --reports)"),
    "public_source": (str, "the public statistics downloads (public-stats --source; default data/external)"),
    "mirror": (str, "a mirror of the release files (public-stats --mirror)"),
    "jobs": (int, "report --jobs: parallel workers (default: one per core the run may use)"),
    "timeout": (int, "report --timeout: seconds a notebook cell may take (default 300)"),
}
FOLDERS = ("raw", "processed", "reports", "public_source")


@dataclass(frozen=True)
class Settings:
    """The settings read (``values``: key -> value, folders resolved) and where from."""

    path: Path | None = None
    values: dict[str, object] = field(default_factory=dict)

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


def find(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The settings file.

    ``explicit`` (must exist), else ``$COUNCIL_ANALYSIS_CONFIG`` (must exist), else
    ``council.toml`` at the project root when there is one.

    Parameters
    ----------
    explicit : str, os.PathLike or None, optional
        A settings file named on the command line (``--config``).

    Returns
    -------
    pathlib.Path or None
        The file, or ``None`` when there is none.
    """
    for given, what in ((explicit, "--config"), (os.environ.get(CONFIG_ENV), f"${CONFIG_ENV}")):
        if given:
            path = Path(given).expanduser().resolve()
            if not path.is_file():
                raise InputError(path, column=what, expected="a settings file (TOML)", found="no such file")
            return path
    default = paths.project_root() / FILE_NAME
    return default if default.is_file() else None


def load(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """The settings (empty when there is no file).

    Parameters
    ----------
    explicit : str, os.PathLike or None, optional
        A settings file named on the command line (``--config``).

    Returns
    -------
    Settings
        The settings read from :func:`find`'s file.

    Raises
    ------
    analysis.errors.InputError
        For a bad file.
    """
    path = find(explicit)
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, expected="a TOML file of settings (key = value lines)", found=str(exc)) from None
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in KEYS:
            near = difflib.get_close_matches(key, list(KEYS), n=1)
            raise InputError(path, column=key, found=key,
                             expected="one of the settings " + ", ".join(KEYS)
                                      + (f" (did you mean {near[0]!r}?)" if near else ""))
        kind, _ = KEYS[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            wanted: dict[type | tuple[type, ...], str] = {int: "a whole number", str: "text in quotes"}
            expected = wanted.get(kind, "a name or a list of names")
            raise InputError(path, column=key, expected=expected, found=repr(value))
        if key in FOLDERS:
            value = str((path.parent / Path(str(value)).expanduser()).resolve())
        values[key] = [value] if key == "authority" and isinstance(value, str) else value
    return Settings(path, values)
