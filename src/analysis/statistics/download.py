"""``public-stats --download``: fetch the registered release files that the source folder lacks.

Each file of :func:`.releases.registry` is in one of three states under the source folder:

* **present** - a file with the registered bytes (sha256) is there, under its name or another
  name of the same kind, in any sub-folder: nothing is fetched;
* **kept** - a file of that name (or, for a kind that must be one file, any file of that kind)
  is there with other bytes: a hand-downloaded or newer release.  It is read as it is and never
  overwritten; :class:`DownloadResult` lists it so the command can say so;
* **missing** - it is fetched with pooch into ``<source>/<path>``.

A fetched file is streamed by pooch into a temporary file in a staging folder
(``<source>/.public-stats-download``), checked against the registered sha256 there, and only
then moved to its final name, so the final name never holds a partial or wrong file.  A run
killed half-way leaves at most the staging folder, which the next run empties first; the next
run fetches only what is still missing.  Every failure (HTTP error, refused or dropped
connection, time-out, other bytes) is one line naming the file, what happened and the official
release page to download it from by hand; files that did arrive are kept.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from ..errors import AnalysisError
from ..manifest import sha256_of
from .releases import ReleaseFile, registry
from .sources import PATTERNS

__all__ = [
    "DownloadError", "DownloadResult", "MIRROR_ENV", "SINGLE", "STAGING", "TIMEOUT_S", "download", "plan",
]

#: environment variable naming a mirror (a base URL laid out like the source folder)
MIRROR_ENV = "ANALYSIS_PUBLIC_MIRROR"
STAGING = ".public-stats-download"
#: seconds pooch waits for the server to answer or send more bytes
TIMEOUT_S = 60.0
#: kinds of file of which public-stats reads exactly one (a second file of the kind is an error)
SINGLE = ("ons_population", "lait_bds", "lait_dictionary")


class DownloadError(AnalysisError):
    """One or more registered files could not be fetched: one line per file."""

    def __init__(self, lines: Iterable[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


@dataclass
class DownloadResult:
    """What :func:`download` did: files fetched, already present, and kept as the user has them
    (with the path found)."""

    fetched: list[ReleaseFile] = field(default_factory=list)
    present: list[ReleaseFile] = field(default_factory=list)
    kept: list[tuple[ReleaseFile, Path]] = field(default_factory=list)

    @property
    def fetched_bytes(self) -> int:
        return sum(f.size for f in self.fetched)


def _found(source: Path) -> list[Path]:
    """Every file under ``source`` except the staging folder and hidden files."""
    staging = source / STAGING
    return sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and staging not in p.parents)


def plan(source: Path, files: Iterable[ReleaseFile]) -> tuple[list[ReleaseFile], DownloadResult]:
    """The files to fetch, and those present or kept.

    Parameters
    ----------
    source : pathlib.Path
        The folder of downloads.
    files : iterable of ReleaseFile
        The registered files.

    Returns
    -------
    tuple of (list of ReleaseFile, DownloadResult)
        ``(missing, result)``: the files to fetch, and ``result`` holding those present or kept.
    """
    found = _found(Path(source))
    hashes: dict[Path, str] = {}

    def sha(path: Path) -> str:
        if path not in hashes:
            hashes[path] = sha256_of(path)
        return hashes[path]

    result, missing = DownloadResult(), []
    for item in files:
        pattern = PATTERNS[item.source_key][0]
        same_kind = [p for p in found if fnmatch(p.name, pattern)]
        same_name = [p for p in same_kind if p.name == item.name]
        if any(sha(p) == item.sha256 for p in same_kind):
            result.present.append(item)
        elif same_name:
            result.kept.append((item, same_name[0]))
        elif item.source_key in SINGLE and same_kind:
            result.kept.append((item, same_kind[0]))
        else:
            missing.append(item)
    return missing, result


def download(source: Path, *, mirror: str | None = None, files: Iterable[ReleaseFile] | None = None,
             timeout: float = TIMEOUT_S, say: Callable[[str], None] | None = None) -> DownloadResult:
    """Fetch every registered file (or ``files``) missing under ``source`` (see the module's docstring).

    Parameters
    ----------
    source : pathlib.Path
        The folder of downloads.
    mirror : str or None, optional
        Replaces the registered URLs (default: the ``ANALYSIS_PUBLIC_MIRROR`` environment variable).
    files : iterable of ReleaseFile or None, optional
        The files to fetch; default every registered one.
    timeout : float, optional
        Seconds to wait for a server.
    say : callable or None, optional
        Called with a line for each file fetched.

    Returns
    -------
    DownloadResult
        The files present, fetched or kept.

    Raises
    ------
    DownloadError
        After trying every missing file, if any failed; the ones that arrived stay.
    """
    source = Path(source)
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    try:
        source.mkdir(parents=True, exist_ok=True)
        staging = source / STAGING
        shutil.rmtree(staging, ignore_errors=True)  # what a killed run left: never a final file
    except OSError as exc:
        raise DownloadError([f"{source}: expected a folder the downloads can be written to, found "
                             f"{exc.strerror or type(exc).__name__}"]) from None
    missing, result = plan(source, registry() if files is None else files)
    failures = []
    for item in missing:
        problem = _fetch(item, source, staging, mirror, timeout)
        if problem is None:
            result.fetched.append(item)
            if say:
                say(f"  fetched {item.path} ({item.size / 1e6:.1f} MB)")
        else:
            failures.append(f"{source / item.path}: not downloaded from {item.url_from(mirror)} ({problem}); "
                            f"download it by hand from {item.release_page} and save it there")
    shutil.rmtree(staging, ignore_errors=True)
    if failures:
        raise DownloadError(failures)
    return result


def _fetch(item: ReleaseFile, source: Path, staging: Path, mirror: str | None, timeout: float) -> str | None:
    """Fetch one file to its final place; ``None``, or what went wrong in a few words."""
    import pooch
    import requests

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)  # pooch announces each download at INFO
    try:
        staged = pooch.retrieve(item.url_from(mirror), known_hash=f"sha256:{item.sha256}", fname=item.name,
                                path=staging, progressbar=False,
                                downloader=pooch.HTTPDownloader(progressbar=False, timeout=timeout))
        final = source / item.path
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        return None
    except requests.exceptions.HTTPError as exc:
        response = exc.response
        return f"HTTP {response.status_code} {response.reason}" if response is not None else str(exc)
    except requests.exceptions.Timeout:
        return f"no answer within {timeout:g} s"
    except requests.exceptions.ChunkedEncodingError:
        return "the connection was dropped before the whole file arrived"
    except requests.exceptions.ConnectionError as exc:
        return _connection_problem(exc)
    except requests.exceptions.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"
    except ValueError:  # pooch: the bytes received do not have the registered sha256
        return "the bytes received are not the registered release (their sha256 differs)"
    except OSError as exc:
        return f"could not be written: {exc.strerror or type(exc).__name__}"
    finally:
        logger.setLevel(level)


def _connection_problem(exc: BaseException) -> str:
    text = str(exc)
    if "IncompleteRead" in text or "Connection broken" in text or "RemoteDisconnected" in text:
        return "the connection was dropped before the whole file arrived"
    if "refused" in text.lower():
        return "the connection was refused"
    if "Name or service not known" in text or "NameResolution" in text or "getaddrinfo" in text:
        return "the server's name could not be resolved (no network?)"
    return "the connection failed"
