"""Loading processed tables for analyses and notebooks (a notebook never parses a raw file)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths, schemas
from .errors import InputError


def processed(processed_dir: str | Path | None = None) -> Path:
    """The processed folder: ``processed_dir`` (absolute, or relative to the project root), else
    the project's ``data/processed``."""
    return paths.resolve(processed_dir, paths.processed_dir())


def load(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One processed table, as typed by its schema."""
    if name not in schemas.TABLES:
        raise KeyError(f"no table {name!r}; tables are {', '.join(schemas.TABLES)}")
    path = processed(processed_dir) / f"{name}.parquet"
    if not path.is_file():
        raise InputError(path, expected="a processed table - run `python -m analysis ingest` (or `make ingest`) first",
                         found="no such file")
    return pd.read_parquet(path)


def for_authority(frame: pd.DataFrame, authority: str, what: str) -> pd.DataFrame:
    """Rows of ``frame`` for ``authority``; a clear error naming the authorities that do exist."""
    rows = frame[frame["authority"] == authority]
    if rows.empty:
        known = ", ".join(sorted(frame["authority"].dropna().unique())) or "none"
        raise InputError(what, column="authority", expected=f"an authority with data (known: {known})",
                         found=authority)
    return rows


def for_period(frame: pd.DataFrame, period: str, what: str) -> pd.DataFrame:
    rows = frame[frame["period"] == period]
    if rows.empty:
        known = ", ".join(sorted(frame["period"].dropna().unique())) or "none"
        raise InputError(what, column="period", expected=f"a period with data (known: {known})", found=period)
    return rows


def sources_for(documents: list[str], processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The ``sources`` rows (file, sha256, paper, date, period) for the documents a report used."""
    sources = load("sources", processed_dir)
    return sources[sources.document.isin(documents)].reset_index(drop=True)


def previous_period(period: str) -> str:
    """``2017-10`` -> ``2017-09``; ``2018-01`` -> ``2017-12``."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def tracker(authority: str, period: str, processed_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The savings tracker lines for ``authority`` and ``period``, and the previous month's lines
    when that month's tracker has been delivered too (else ``None``)."""
    rows = for_authority(load("savings_tracker", processed_dir), authority, "savings_tracker")
    current = for_period(rows, period, "savings_tracker").reset_index(drop=True)
    previous = rows[rows["period"] == previous_period(period)].reset_index(drop=True)
    return current, (previous if len(previous) else None)


def source_label(documents: list[str], processed_dir: str | Path | None = None) -> str:
    """A chart's source line: the papers' titles and dates, e.g. 'Cambridgeshire: Appendix 3 - … (2017-10)'."""
    rows = sources_for(documents, processed_dir)
    return "; ".join(f"{r.authority}: {r.paper} ({r.date})" for r in rows.itertuples())
