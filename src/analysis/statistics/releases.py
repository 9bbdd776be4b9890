"""The registry of public release files: ``releases.toml`` beside this module.

One entry per file ``public-stats`` reads (see :data:`.sources.PATTERNS`): where it goes under the
source folder (``path``, the sub-folder layout of ``../shared/data/public``), the URL its exact
bytes are fetched from, their sha256 and size in bytes, the publisher and release, the official
page to download it from by hand, and dates:

* ``published`` - when the release the file belongs to was published (``YYYY-MM-DD``, or
  ``YYYY-MM`` where only the month is known), with ``published_source`` (a URL); an empty date
  with source ``"not confirmed"`` means no source confirmed it;
* ``file_published`` - when this file itself was added to the release page, where that is known
  to be later than ``published`` (e.g. underlying data added months after an SFR); else empty;
* ``available_by`` - a date by which these exact bytes were public, always known: the commit of
  the public repository ``url`` points into (``available_by_source``).  A view "as at" a month can
  rely on it: the statistics were published on or before it.

Nothing is read at import time; :func:`registry` reads the file once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from fnmatch import fnmatch
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import quote

from ..errors import InputError
from .release_calendar import DATE as _DATE
from .sources import PATTERNS

__all__ = ["NOT_CONFIRMED", "REGISTRY_NAME", "ReleaseFile", "parse", "registry"]

REGISTRY_NAME = "releases.toml"
NOT_CONFIRMED = "not confirmed"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ReleaseFile:
    """One registered release file (fields as in ``releases.toml``; ``size`` in bytes)."""

    path: str
    url: str
    sha256: str
    size: int
    publisher: str
    release: str
    release_page: str
    published: str
    published_source: str
    file_published: str
    file_published_source: str
    available_by: str
    available_by_source: str
    notes: str

    @property
    def name(self) -> str:
        """The file name ``public-stats`` recognises it by."""
        return PurePosixPath(self.path).name

    @property
    def source_key(self) -> str:
        """The :data:`.sources.PATTERNS` key whose pattern the name matches."""
        return next(key for key, (pattern, _) in PATTERNS.items() if fnmatch(self.name, pattern))

    def url_from(self, mirror: str | None = None) -> str:
        """The URL to fetch from: the registered one, or ``mirror`` + ``/`` + ``path`` (a mirror
        is laid out as the source folder, e.g. an HTTP server over ``../shared/data/public``)."""
        if not mirror:
            return self.url
        return mirror.rstrip("/") + "/" + quote(self.path)


def parse(text: str, origin: str = REGISTRY_NAME) -> tuple[ReleaseFile, ...]:
    """The entries of a registry text, checked.

    Every field present and of its form, names unique and each recognised by ``public-stats``.

    Parameters
    ----------
    text : str
        The registry (TOML).
    origin : str, optional
        Where it came from, named in errors.

    Returns
    -------
    tuple of ReleaseFile
        The entries, in order.

    Raises
    ------
    analysis.errors.InputError
        For a bad entry, naming ``origin`` and the entry.
    """
    try:
        entries = tomllib.loads(text).get("file", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, expected="a TOML registry of [[file]] entries", found=str(exc)) from None
    names = [f.name for f in fields(ReleaseFile)]
    out: list[ReleaseFile] = []
    for number, entry in enumerate(entries, start=1):
        where = f"[[file]] number {number}"
        missing = [n for n in names if n not in entry]
        if missing or set(entry) - set(names):
            raise InputError(origin, column=where, expected=f"the fields {', '.join(names)}",
                             found=", ".join(missing) + " missing" if missing else
                             ", ".join(sorted(set(entry) - set(names))) + " unknown")
        item = ReleaseFile(**entry)
        _check(item, origin, where)
        out.append(item)
    seen: dict[str, str] = {}
    for item in out:
        if item.name in seen:
            raise InputError(origin, column=item.path, expected="one entry per file name", found=f"also {seen[item.name]}")
        seen[item.name] = item.path
    return tuple(out)


def _check(item: ReleaseFile, origin: str, where: str) -> None:
    """Refuse an entry with a bad path, file name, sha256, size, URL or date (one InputError
    naming the entry and what was expected)."""
    def bad(expected: str, found: object) -> InputError:
        return InputError(origin, column=f"{where} ({item.path})", expected=expected, found=str(found))

    problem = _file_problem(item) or _date_problem(item)
    if problem:
        raise bad(*problem)


def _file_problem(item: ReleaseFile) -> tuple[str, object] | None:
    """(what was expected, what was found) of the file's path, name, sha256, size or URLs."""
    path = PurePosixPath(item.path)
    if path.is_absolute() or ".." in path.parts or not item.path:
        return "a path relative to the source folder", item.path
    if not any(fnmatch(item.name, pattern) for pattern, _ in PATTERNS.values()):
        return "a file name public-stats recognises (analysis.statistics.sources.PATTERNS)", item.name
    if not _SHA256.match(item.sha256):
        return "sha256 as 64 lower-case hex digits", item.sha256
    if not isinstance(item.size, int) or item.size <= 0:
        return "size as a positive number of bytes", item.size
    for name in ("url", "release_page", "available_by_source"):
        if not str(getattr(item, name)).startswith(("https://", "http://")):
            return f"{name} as a URL", getattr(item, name)
    return None


def _date_problem(item: ReleaseFile) -> tuple[str, object] | None:
    """(what was expected, what was found) of the entry's dates and the sources that give them."""
    for date, source in (("published", "published_source"), ("file_published", "file_published_source"),
                         ("available_by", "available_by_source")):
        value, cited = getattr(item, date), getattr(item, source)
        if value and not _DATE.match(value):
            return f"{date} as YYYY-MM-DD or YYYY-MM", value
        if value and not cited.startswith(("https://", "http://")):
            return f"{source}: the URL that gives {date}", cited
    if not item.available_by:
        return "available_by (the date these bytes were public by)", ""
    if not item.published and item.published_source != NOT_CONFIRMED:
        return f"published_source '{NOT_CONFIRMED}' where published is empty", item.published_source
    return None


@cache
def registry() -> tuple[ReleaseFile, ...]:
    """The packaged registry (read once)."""
    text = resources.files(__package__).joinpath(REGISTRY_NAME).read_text(encoding="utf-8")
    return parse(text)
