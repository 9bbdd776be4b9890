"""Loading processed tables for analyses and notebooks (a notebook never parses a raw file)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import assumptions, paths, schemas, tableset
from .errors import InputError, ReportError, TableSetError
from .names import match
from .schemas import needs

__all__ = [
    "Pack", "authority_periods", "comparison_documents", "document_period", "documents_in_force",
    "for_authority", "for_period", "load", "load_once", "pack_documents", "pack_table", "papers_name", "previous_period",
    "processed", "read_table", "release_names", "source_label", "sources_for", "tracker",
    "verified_table_bytes", "verify_tables",
]


def processed(processed_dir: str | Path | None = None) -> Path:
    """The processed folder.

    Parameters
    ----------
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    pathlib.Path
        ``processed_dir`` (absolute, or relative to the project root), else the project's
        ``data/processed``.
    """
    return paths.resolve(processed_dir, paths.processed_dir())


_ONCE: dict[str, tuple[tuple[str, tuple[str, ...]], Any]] = {}  # slot -> (the table set's folder and tables' sha256, what was made)


def load_once(slot: str, names: Iterable[str], processed_dir: str | Path | None, build: Any) -> Any:
    """What ``build`` makes of some tables of a table set, made once per process while they are unchanged.

    A kernel or worker that runs report after report reads and indexes the tables once: the value is
    kept under ``slot`` with the folder and the sha256 each table has in ``_tables.json``, and made
    again when they change (one value per slot).

    Parameters
    ----------
    slot : str
        The caller's name for the value (one per kind of value).
    names : iterable of str
        The tables it is made from.
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.
    build : callable
        Called with the folder (a :class:`pathlib.Path`) to make the value.

    Returns
    -------
    object or None
        ``build``'s value; ``None`` when the table set is unreadable or lacks one of the tables.
    """
    folder = processed(processed_dir)
    try:
        files = tableset.read_manifest(folder)["files"]
    except TableSetError:
        return None
    wanted = list(names)
    if not all(f"{name}.parquet" in files for name in wanted):
        return None
    key = (str(folder.resolve()), tuple(files[f"{name}.parquet"]["sha256"] for name in wanted))
    held = _ONCE.get(slot)
    if held is None or held[0] != key:
        _ONCE[slot] = held = (key, build(folder))
    return held[1]


def load(name: str, processed_dir: str | Path | None = None, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One processed table, as typed by its schema, checked against its table set.

    Parameters
    ----------
    name : str
        The table's name (a key of :data:`analysis.schemas.TABLES`).
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.
    columns : sequence of str, optional
        Only these columns (the whole file is still checked); default every column.

    Returns
    -------
    pandas.DataFrame
        The table; money in whole pounds (columns ending ``_gbp``), as the data dictionary says.

    Raises
    ------
    KeyError
        When no table is called ``name``.
    analysis.errors.TableSetError
        When the set it belongs to (``_tables.json``) is missing, partial, mixed or edited: run
        ingest again.
    """
    if name not in schemas.TABLES:
        raise KeyError(f"no table {name!r}; tables are {', '.join(schemas.TABLES)}")
    return pd.read_parquet(io.BytesIO(verified_table_bytes(name, processed_dir)),
                           columns=list(columns) if columns is not None else None)


def verified_table_bytes(name: str, processed_dir: str | Path | None = None) -> bytes:
    """The bytes of one table's Parquet file, checked against ``_tables.json``.

    Parameters
    ----------
    name : str
        The table's name.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    bytes
        The file's contents.
    """
    return tableset.read_verified(processed(processed_dir), f"{name}.parquet")


def verify_tables(names: list[str] | None = None, processed_dir: str | Path | None = None) -> str:
    """Check that the processed folder is one complete table set and the named tables match it.

    For the report planner, before any kernel starts.

    Parameters
    ----------
    names : list of str or None, optional
        The tables to check; default every file of the set.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    str
        The set's id (sha256 of its ``_tables.json``) to record with the run.
    """
    files = None if names is None else [f"{n}.parquet" for n in names]
    return tableset.verify(processed(processed_dir), files)


@needs(frame=("authority",))
def for_authority(frame: pd.DataFrame, authority: str, what: str) -> pd.DataFrame:
    """Rows of ``frame`` for one authority, however it is spelled.

    Names are matched as :func:`analysis.names.match` matches them (``cambridgeshire``,
    ``St Helens`` for ``St. Helens``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with an ``authority`` column.
    authority : str
        The authority's name as typed.
    what : str
        The table's name, for the error message.

    Returns
    -------
    pandas.DataFrame
        The rows of that authority.

    Raises
    ------
    analysis.errors.InputError
        When no row is for that authority, naming the authorities that do exist and any near miss.
    """
    rows = frame[frame["authority"] == authority]
    if rows.empty:
        known = sorted(frame["authority"].dropna().unique())
        found = match(authority, known)
        if found.found:
            return frame[frame["authority"] == found.name]
        hint = found.ambiguity() if found.candidates else found.did_you_mean()
        raise InputError(what, column="authority", found=authority,
                         expected=f"an authority with data ({hint + '; ' if hint else ''}known: "
                                  f"{', '.join(known) or 'none'})")
    return rows


@needs(frame=("period",))
def for_period(frame: pd.DataFrame, period: str, what: str) -> pd.DataFrame:
    """Rows of ``frame`` for one period.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with a ``period`` column ('YYYY-MM').
    period : str
        The month, 'YYYY-MM'.
    what : str
        The table's name, for the error message.

    Returns
    -------
    pandas.DataFrame
        The rows of that period.

    Raises
    ------
    analysis.errors.InputError
        When no row is for that period, naming the periods there are.
    """
    rows = frame[frame["period"] == period]
    if rows.empty:
        known = ", ".join(sorted(frame["period"].dropna().unique())) or "none"
        raise InputError(what, column="period", expected=f"a period with data (known: {known})", found=period)
    return rows


def sources_for(documents: list[str], processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The ``sources`` rows (file, sha256, paper, date, period) for the documents a report used.

    Parameters
    ----------
    documents : list of str
        Document ids.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    pandas.DataFrame
        Those documents' rows of the ``sources`` table.
    """
    sources = load("sources", processed_dir)
    return sources[sources.document.isin(documents)].reset_index(drop=True)


def previous_period(period: str) -> str:
    """The month before ``period``: ``2017-10`` -> ``2017-09``; ``2018-01`` -> ``2017-12``.

    Parameters
    ----------
    period : str
        A month, 'YYYY-MM'.

    Returns
    -------
    str
        The previous month, 'YYYY-MM'.
    """
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def tracker(authority: str, period: str, processed_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The savings tracker lines for one authority and period, and the previous month's.

    Parameters
    ----------
    authority : str
        The authority (matched as :func:`for_authority` does).
    period : str
        The tracker's period, 'YYYY-MM'.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame or None)
        The ``savings_tracker`` rows of that period (money in whole pounds, savings negative), and
        the previous month's rows when that month's tracker has been delivered too (else ``None``).
    """
    rows = for_authority(load("savings_tracker", processed_dir), authority, "savings_tracker")
    current = for_period(rows, period, "savings_tracker").reset_index(drop=True)
    previous = rows[rows["period"] == previous_period(period)].reset_index(drop=True)
    return current, (previous if len(previous) else None)


def source_label(documents: list[str], processed_dir: str | Path | None = None) -> str:
    """A chart's source line: the papers' titles and dates.

    Parameters
    ----------
    documents : list of str
        Document ids.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    str
        For example 'Cambridgeshire: Appendix 3 - … (2017-10)'; papers separated by '; '.
    """
    rows = sources_for(documents, processed_dir)
    return "; ".join(f"{r.authority}: {r.paper} ({r.date})" for r in rows.itertuples())


def document_period(row: Any) -> str:
    """The month a document speaks for.

    A tracker's reported period; otherwise the month of the paper's date (a date given as a year
    only counts from that year's December, when the paper had certainly been delivered:
    :data:`analysis.assumptions.YEAR_ONLY_PAPER_FROM_MONTH`).

    Parameters
    ----------
    row : object
        A row of the ``sources`` table (from ``itertuples``); its ``period`` and ``date`` are read
        when present.

    Returns
    -------
    str
        The month, 'YYYY-MM', or ``""`` when the row has neither.
    """
    period = getattr(row, "period", None)
    if isinstance(period, str) and period:
        return period
    date = str(getattr(row, "date", "") or "")
    if len(date) >= 7:
        return date[:7]
    if len(date) == 4 and date.isdigit():
        return f"{date}-{assumptions.YEAR_ONLY_PAPER_FROM_MONTH:02d}"
    return ""


@needs(sources=("authority", "kind", "document"))
def documents_in_force(sources: pd.DataFrame, authority: str, period: str) -> list[str]:
    """The papers in force for ``authority`` at ``period``.

    Of each kind, the latest delivered whose period (:func:`document_period`) is on or before
    ``period``.  Everything a pack counts, reconciles and headlines comes from these papers only
    (see :func:`comparison_documents`).

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table (or some of its rows): reads ``authority``, ``kind`` and ``document``,
        and each row's ``period`` and ``date`` when present.
    authority : str
        The authority, as the papers spell it.
    period : str
        The pack's month, 'YYYY-MM'.

    Returns
    -------
    list of str
        Document ids, sorted.
    """
    return pack_documents(sources, authority, period)[0]


@needs(sources=("authority", "kind", "document"))
def comparison_documents(sources: pd.DataFrame, authority: str, period: str) -> list[str]:
    """The previous month's savings tracker of the tracker in force, when it was delivered.

    A pack reads it only to show the movement since last month - its figures, checks and flags are
    not the pack's.

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table (or some of its rows): reads ``authority``, ``kind`` and ``document``,
        and each row's ``period`` and ``date`` when present.
    authority : str
        The authority, as the papers spell it.
    period : str
        The pack's month, 'YYYY-MM'.

    Returns
    -------
    list of str
        Document ids (none or one).
    """
    return pack_documents(sources, authority, period)[1]


@needs(sources=("authority", "kind", "document"))
def pack_documents(sources: pd.DataFrame, authority: str, period: str) -> tuple[list[str], list[str]]:
    """The papers in force and those for comparison, found in one pass.

    :func:`documents_in_force` and :func:`comparison_documents` at once.  A pack is made from both
    (its inputs, for staleness and withdrawal).

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table (or some of its rows): reads ``authority``, ``kind`` and ``document``,
        and each row's ``period`` and ``date`` when present.
    authority : str
        The authority, as the papers spell it.
    period : str
        The pack's month, 'YYYY-MM'.

    Returns
    -------
    tuple of (list of str, list of str)
        ``(in force, for comparison)``: document ids, each list sorted.
    """
    rows = sources[sources["authority"] == authority]
    chosen: list[str] = []
    compared: list[str] = []
    for kind, group in rows.groupby("kind", sort=True):
        dated = [(document_period(r), r.document) for r in group.itertuples() if document_period(r)]
        eligible = sorted(d for d in dated if d[0] <= period)
        if not eligible:
            continue
        chosen.append(eligible[-1][1])
        if kind == "savings_tracker":
            before = [doc for p, doc in eligible if p == previous_period(eligible[-1][0])]
            compared += before[-1:]
    return sorted(chosen), sorted(compared)


@needs(sources=("authority",))
def authority_periods(sources: pd.DataFrame) -> dict[str, list[str]]:
    """The periods a pack can be made for, by authority.

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table: reads ``authority``, and each row's ``period`` and ``date`` when
        present.

    Returns
    -------
    dict of str to list of str
        Authority -> the periods of its documents ('YYYY-MM'), oldest first.
    """
    out: dict[str, list[str]] = {}
    for row in sources.itertuples():
        p = document_period(row)
        if p:
            out.setdefault(row.authority, [])
            if p not in out[row.authority]:
                out[row.authority].append(p)
    return {a: sorted(ps) for a, ps in sorted(out.items())}


def release_names(processed_dir: str | Path | None = None) -> tuple[list[str], list[str]]:
    """The authority names the ``cla_rates`` table gives.

    Parameters
    ----------
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    tuple of (list of str, list of str)
        (English authorities, other areas - regions and England), sorted; both empty when
        ``public-stats`` has not written the table into the set.
    """
    folder = processed(processed_dir)
    try:
        if "cla_rates.parquet" not in tableset.read_manifest(folder)["files"]:
            return [], []
        rates = load("cla_rates", processed_dir)
    except TableSetError:  # no table set, or not one complete set: no names to offer
        return [], []
    local = rates.geographic_level == "local authority"
    return sorted(set(rates.authority[local].dropna())), sorted(set(rates.authority[~local].dropna()))


@needs(sources=("authority",))
def papers_name(authority: str, sources: pd.DataFrame, processed_dir: str | Path | None = None) -> str:
    """The spelling an authority has in the papers.

    Matched as :func:`analysis.names.match` does.

    Parameters
    ----------
    authority : str
        The authority's name as typed.
    sources : pandas.DataFrame
        The ``sources`` table: reads ``authority``.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    str
        The name as the papers spell it.

    Raises
    ------
    analysis.errors.InputError
        Saying why none matched: several names match, a near miss (from the papers' and the
        releases' names), an authority with published statistics but no papers, or a region.
    """
    papers = sorted(set(sources["authority"].dropna()))
    found = match(authority, papers)
    if found.name is not None:  # found
        return found.name
    if found.candidates:
        raise InputError("sources", column="authority", expected=f"one authority ({found.ambiguity()})",
                         found=authority)
    las, others = release_names(processed_dir)
    wider = match(authority, papers, las, others=others)
    hint = "" if wider.found else wider.did_you_mean()
    if wider.found:
        why = f"{wider.name} has published statistics but no papers: reports 20, 25 and 30 show them"
    elif wider.other:
        why = wider.not_authority()
    else:
        why = "no English authority in the releases is called that either" if las and not hint else ""
    raise InputError("sources", column="authority", found=authority,
                     expected=f"an authority with papers ({', '.join(papers) or 'none'})"
                              + "".join(f"; {part}" for part in (why, hint) if part))


# --------------------------------------------------------------------------------------------- one pack's papers


class Pack:
    """The papers in force for one authority at one period (:func:`documents_in_force`) and the
    rows of the processed tables that come from them - what one report of a pack may read.

    ``Pack("Torbay", "2019-11").table("cla_trajectories")`` is every row of that table from
    Torbay's papers in force in November 2019, and nothing else; the previous month's tracker
    (:attr:`comparison`) is read only by :meth:`tracker`, for the movement since last month.  The
    authority may be named any way :func:`analysis.names.match` matches (``torbay``);
    :attr:`authority` is the papers' spelling, which a notebook uses from then on.  The pack remembers which
    documents its tables returned rows from (:attr:`read`), so a report lists only the inputs it
    used (:meth:`sources_read`, :meth:`source_label`)."""

    def __init__(self, authority: str, period: str, processed_dir: str | Path | None = None) -> None:
        from .manifest import PERIOD_RE

        if not isinstance(period, str) or not PERIOD_RE.match(period):
            raise InputError("period", expected="a month written YYYY-MM", found=str(period))
        sources = load("sources", processed_dir)
        authority = papers_name(authority, sources, processed_dir)  # the papers' spelling, whatever was typed
        self.authority, self.period, self.processed_dir = authority, period, processed_dir
        self.documents, self.comparison = pack_documents(sources, authority, period)
        if not self.documents:
            mine = sources[sources["authority"] == authority]
            periods = ", ".join(authority_periods(mine).get(authority, [])) or "none"
            raise InputError("sources", column="period",
                             expected=f"a period on or after the first of {authority}'s papers (its papers' "
                                      f"periods: {periods})", found=period)
        self.sources = sources[sources.document.isin(self.documents + self.comparison)].reset_index(drop=True)
        self.read: set[str] = set()

    def __repr__(self) -> str:
        return f"Pack({self.authority!r}, {self.period!r}, documents={self.documents})"

    def table(self, name: str, *, required: bool = True) -> pd.DataFrame:
        """Rows of processed table ``name`` from the papers in force.  With ``required`` (the
        default) an :class:`InputError` names the papers in force when there are none."""
        if name == "sources":
            rows = self.sources[self.sources.document.isin(self.documents)].reset_index(drop=True)
        else:
            frame = load(name, self.processed_dir)
            rows = frame[frame["document"].isin(self.documents)].reset_index(drop=True)
        if rows.empty and required:
            raise InputError(name, column="document",
                             expected=f"rows from {self.authority}'s papers in force at {self.period}",
                             found=f"none (papers in force: {', '.join(self.documents)})")
        self.read |= set(rows["document"])
        return rows

    def tables(self, names: Iterable[str], *, required: bool = False) -> dict[str, pd.DataFrame]:
        """Several tables at once (empty frames for tables with no rows, unless ``required``)."""
        return {name: self.table(name, required=required) for name in names}

    def tracker(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """The savings tracker in force (the latest on or before the period) and the previous
        month's lines when that month's tracker was delivered too (else ``None``): the only place
        a pack reads a paper that is not in force (:func:`comparison_documents`)."""
        current = self.table("savings_tracker")
        frame = load("savings_tracker", self.processed_dir)
        previous = frame[frame["document"].isin(self.comparison)
                         & (frame["period"] == previous_period(str(current["period"].max())))].reset_index(drop=True)
        self.read |= set(previous.document)
        return current, (previous if len(previous) else None)

    def sources_read(self, documents: Iterable[str] | None = None) -> pd.DataFrame:
        """The ``sources`` rows (file, sha256, paper, date, period) of the documents read so far
        (or of ``documents``)."""
        chosen = set(self.read if documents is None else documents)
        return self.sources[self.sources.document.isin(chosen)].reset_index(drop=True)

    def source_label(self, documents: Iterable[str] | None = None) -> str:
        """A chart's source line for the documents read so far (or ``documents``)."""
        rows = self.sources_read(documents)
        return "; ".join(f"{r.authority}: {r.paper} ({r.date})" for r in rows.itertuples())


def pack_table(name: str, authority: str, period: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """Rows of one processed table from an authority's papers in force at a period.

    See :class:`Pack`.

    Parameters
    ----------
    name : str
        The table's name.
    authority : str
        The authority (matched as :func:`analysis.names.match` does).
    period : str
        The pack's month, 'YYYY-MM'.
    processed_dir : str, pathlib.Path or None, optional
        The processed folder (absolute, or relative to the project root); default the project's
        ``data/processed``.

    Returns
    -------
    pandas.DataFrame
        The rows; empty when there are none.
    """
    return Pack(authority, period, processed_dir).table(name, required=False)


def read_table(name: str, processed_dir: Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A processed table, with a clear error when its file cannot be read.

    Parameters
    ----------
    name : str
        The table's name.
    processed_dir : pathlib.Path
        The processed folder.
    columns : sequence of str, optional
        Only these columns; default every column.

    Returns
    -------
    pandas.DataFrame
        The table (see :func:`load`).

    Raises
    ------
    analysis.errors.ReportError
        Naming the file when it cannot be read.
    """
    import pyarrow

    try:
        return load(name, processed_dir, columns)
    except (OSError, pyarrow.ArrowException) as exc:
        raise ReportError(f"{processed_dir / (name + '.parquet')}: cannot be read ({exc}); "
                          "run `python -m analysis ingest`") from None
