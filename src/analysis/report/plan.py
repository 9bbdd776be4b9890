"""Planning a report run: everything that can be checked without a kernel, in small steps.

A pack is one authority at one period: ``reports/<authority-slug>/<period>/``, made from the
authority's documents in force at that period (:func:`analysis.data.documents_in_force`: of each
kind, the latest whose period is on or before the pack's).  The steps, each raising a
:class:`~analysis.errors.ReportError` whose every line the command prints as ``error: …``:

1. :func:`check_periods` - each period is ``YYYY-MM``;
2. :func:`read_sources` - ``data/processed`` was made from the raw files as they are now;
3. :func:`resolve_packs` - which (authority, period) packs were asked for (``--latest``: each
   authority's latest period), the names matched as :func:`analysis.names.match` matches them;
   a period must be one of the authority's (:func:`analysis.data.authority_periods`); with
   ``--year``, :func:`analysis.report.years.resolve_public_packs` (a rate at 31 March);
4. :func:`select_notebooks` - every report notebook keeps the contract
   (:func:`analysis.report.notebooks.read_spec`) and ``--only`` names real ones;
5. :func:`check_extra` - each ``--param`` is a parameter of some notebook, of its type;
6. :func:`plan_pack` - per pack: the parameters each notebook declares (``authority``,
   ``period``, ``documents``, ``processed_dir``, and the ``--param`` values), and which notebooks
   are *not applicable* because none of a required table's rows come from the pack's documents;
7. :func:`check_merge` - with ``--only``, the published pack was made from the same inputs, so
   that the reports run now can be merged into it (see :mod:`analysis.report.publish`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import paths
from ..data import read_table, release_names, verify_tables
from ..errors import ReportError
from ..manifest import PERIOD_RE, read_manifest, sha256_of
from ..names import match, name_key, slug
from .execute import STATUS_NA, Job, JobResult
from .notebooks import CELL_TIMEOUT_S, NotebookSpec, Parameter, notebook_paths, read_spec
from .years import check_as_of, hindsight_note, refuse_early_as_of, resolve_public_packs
from .years import year_period as year_period  # re-exported (england.py)

__all__ = [
    "HINDSIGHT", "PACK_PARAMETERS", "PackPlan", "TableRows", "check_extra", "check_merge", "check_periods",
    "coerce", "plan_pack", "plan_packs", "published_manifest", "read_sources", "resolve_packs",
    "select_notebooks", "table_rows",
]

#: parameters the runner sets itself (from the pack), when a notebook declares them
PACK_PARAMETERS = ("authority", "period", "documents", "processed_dir", "as_of")
HINDSIGHT = "-as-of-"  # a hindsight pack's folder: reports/<authority>/<period>-as-of-<YYYY-MM>/


@dataclass
class PackPlan:
    """One pack to build: ``jobs`` to run, ``skipped`` (not applicable), and what it reads."""

    authority: str
    period: str
    out_dir: Path
    jobs: list[Job]
    skipped: list[JobResult]
    notebooks: list[tuple[str, str]]  # (name, title) of every report notebook, in report order
    documents: list[str]  # the documents in force
    inputs: list[dict]  # raw files read (in force + last month's tracker): file, document, kind, period, sha256
    tables: dict[str, str]  # processed table file -> sha256, for every table the notebooks read
    partial: bool = False  # --only: merged into the published pack
    staging: Path | None = None
    stops: list[str] = field(default_factory=list)  # why the pack must not be published (nothing is run)
    as_of: str = ""  # YYYY-MM after the period: a hindsight view (report --as-of); "" = as at the period

    @property
    def slug(self) -> str:
        return slug(self.authority)

    @property
    def folder(self) -> str:  # a hindsight pack never replaces the pack as at its month
        return f"{self.period}{HINDSIGHT}{self.as_of}" if self.as_of else self.period
    @property
    def key(self) -> str:
        return f"{self.slug}/{self.folder}"

    @property
    def target(self) -> Path:
        return self.out_dir / self.slug / self.folder

    @property
    def title(self) -> str:
        from ..numbers import month

        return f"{self.authority}: monitoring pack {month(self.period)}"

    @property
    def fingerprint(self) -> str:
        """sha256 of the inputs (raw files and processed tables): equal fingerprints, same data."""
        text = json.dumps({"inputs": [(i["file"], i["sha256"]) for i in self.inputs], "tables": self.tables},
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def check_periods(periods: Sequence[str]) -> None:
    """Every ``--period`` is a month written ``YYYY-MM``.

    Parameters
    ----------
    periods : sequence of str
        The periods asked for.

    Raises
    ------
    ReportError
        One line per period that is not.
    """
    problems = [f"period {p!r}: expected YYYY-MM (e.g. 2017-10)" for p in periods if not PERIOD_RE.match(p)]
    if problems:
        raise ReportError("\n".join(problems))


def read_sources(processed_dir: Path, raw_dir: Path):
    """The ``sources`` table, after checking it was made from the raw files as they are now.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables.
    raw_dir : pathlib.Path
        The raw files and their manifest.

    Returns
    -------
    pandas.DataFrame
        The ``sources`` table.

    Raises
    ------
    ReportError
        Naming the files that changed since ingest.
    """
    documents = read_manifest(raw_dir)
    sources = read_table("sources", processed_dir)
    current = {d.file: d.sha256 for d in documents}
    made_from = dict(zip(sources.file, sources.sha256, strict=True))
    if current != made_from:
        changed = sorted(set(current.items()) ^ set(made_from.items()))
        names = ", ".join(sorted({f for f, _ in changed}))
        raise ReportError(f"{processed_dir} was not made from the raw files as they are now in {raw_dir} "
                          f"({names}): run `python -m analysis ingest` first")
    return sources


def _authority(requested: str, known: Sequence[str], releases: Sequence[str] = (),
               others: Sequence[str] = ()) -> str:
    """The papers' spelling of ``requested`` (:func:`analysis.names.match`), or a
    :class:`ReportError` saying why not: several names, an authority with published statistics
    but no papers (use ``--year``), a region, a near miss."""
    found = match(requested, known)
    if found.name is not None:
        return found.name
    if found.candidates:
        raise ReportError(f"authority {found.ambiguity()}")
    wider = match(requested, known, releases, others=others)
    listing = f"authorities: {', '.join(known) or 'none'}"
    if wider.found:
        raise ReportError(f"authority {requested!r}: {wider.name} has published statistics but no papers, so no "
                          f"monthly pack; its public-statistics pack: --year YYYY --authority {wider.name!r}; {listing}")
    hint = f" ({wider.did_you_mean()})" if wider.suggestions else ""
    if wider.other:
        raise ReportError(f"authority {requested!r}: {wider.not_authority()}{hint}; {listing}")
    raise ReportError(f"authority {requested!r} has no documents{hint}; {listing}")


def _one_spelling(names: Sequence[str], chosen: Sequence[str]) -> None:
    """Two of the papers' authority names that are one name spelled two ways (one folder, or one
    :func:`analysis.names.name_key`) would split an authority's packs: refused, naming both,
    when either is among the ``chosen`` authorities."""
    seen: dict[str, str] = {}
    for name in names:
        for key in (f"folder {slug(name)}", f"key {name_key(name)}"):
            other = seen.setdefault(key, name)
            if other != name and (other in chosen or name in chosen):
                where = f"the folder reports/{slug(name)}/" if key.startswith("folder") else "one name"
                raise ReportError(f"authorities {other!r} and {name!r} would share {where}: use one spelling for "
                                  "both in data/raw/manifest.csv")


def resolve_packs(sources, authorities: Sequence[str] | None, periods: Sequence[str] | None,
                  releases: tuple[Sequence[str], Sequence[str]] = ((), ())) -> list[tuple[str, str]]:
    """The (authority, period) packs asked for.

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table.
    authorities : sequence of str or None
        The ``--authority`` names; ``None`` = every authority (with ``periods``: every one that has
        them).
    periods : sequence of str or None
        The ``--period`` months (``'YYYY-MM'``); ``None`` = each authority's latest.
    releases : (sequence of str, sequence of str), default ((), ())
        The names ``cla_rates`` gives (authorities, other areas), for the messages.

    Returns
    -------
    list of (str, str)
        (authority, period) of each pack.

    Raises
    ------
    ReportError
        An unknown authority, or a period without documents (every such period, one line each).
    """
    from ..data import authority_periods

    known = authority_periods(sources)
    chosen = [_authority(a, list(known), *releases) for a in authorities] if authorities else list(known)
    _one_spelling(list(known), chosen)
    if not chosen:
        raise ReportError("no documents have been ingested, so there is no pack to make")

    def listing(names: Sequence[str]) -> str:
        return "; ".join(f"{a} {', '.join(known[a])}" for a in names)

    if periods is None:
        return [(a, known[a][-1]) for a in dict.fromkeys(chosen)]
    packs, problems = [], []
    for period in dict.fromkeys(periods):
        having = [a for a in dict.fromkeys(chosen) if period in known[a]]
        if not having:
            who = chosen[0] if len(chosen) == 1 else "any authority"
            problems.append(f"no documents of {who} for period {period}; periods with documents: "
                            f"{listing(chosen if authorities else list(known))}")
        packs += [(a, period) for a in having]
    if problems:
        raise ReportError("\n".join(problems))
    return packs


def _matches(path: Path, wanted: str) -> bool:
    return path.name == wanted or path.stem == wanted or path.stem.startswith(wanted)


def select_notebooks(folder: Path | None, only: Sequence[str] = ()) -> tuple[list[NotebookSpec], set[str]]:
    """Every report notebook's spec (each checked against the contract) and the names to run.

    Parameters
    ----------
    folder : pathlib.Path or None
        The notebooks' folder; ``None`` = the project's ``notebooks/``.
    only : sequence of str, default ()
        The ``--only`` names (empty = every report).

    Returns
    -------
    specs : list of analysis.report.notebooks.NotebookSpec
        Every notebook's spec.
    chosen : set of str
        The names of those to run.
    """
    folder = folder or paths.notebooks_dir()
    found = notebook_paths(folder)
    if not found:
        raise ReportError(f"{folder}: no report notebooks (files named NN_name.ipynb)")
    unknown = [o for o in only if not any(_matches(p, o) for p in found)]
    if unknown:
        raise ReportError(f"--only {', '.join(unknown)}: no such notebook; notebooks: "
                          + ", ".join(p.stem for p in found))
    specs = [read_spec(p) for p in found]
    chosen = {s.name for s in specs if not only or any(_matches(s.path, o) for o in only)}
    return specs, chosen


def coerce(name: str, text: str, param: Parameter, notebook: str) -> object:
    """A ``--param`` value as the notebook's parameter type (its default's type).

    Parameters
    ----------
    name : str
        The parameter's name.
    text : str
        The value as given on the command line.
    param : analysis.report.notebooks.Parameter
        The notebook's parameter.
    notebook : str
        The notebook's name (for the message).

    Returns
    -------
    object
        The value converted.

    Raises
    ------
    ReportError
        When the text is not a value of the parameter's type.
    """
    kind = param.type
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        return kind(text)
    except ValueError:
        raise ReportError(f"parameter {name}={text!r}: {notebook} expects {kind.__name__} "
                          f"(its default is {param.default!r})") from None


def check_extra(extra: dict[str, str], specs: Sequence[NotebookSpec]) -> dict[str, dict[str, object]]:
    """Notebook name -> the ``--param`` values it declares, converted to their types.

    Parameters
    ----------
    extra : dict of str to str
        The ``--param NAME=VALUE`` pairs.
    specs : sequence of analysis.report.notebooks.NotebookSpec
        The report notebooks.

    Returns
    -------
    dict of str to dict
        Notebook name -> parameter name -> value.

    Raises
    ------
    ReportError
        A parameter the run sets itself or no notebook declares, or a value of the wrong type.
    """
    reserved = [n for n in extra if n in PACK_PARAMETERS]
    if reserved:
        raise ReportError(f"parameter(s) {', '.join(reserved)} are set by the run itself "
                          "(use --authority, --period, --processed)")
    unknown = [n for n in extra if not any(n in s.parameters for s in specs)]
    if unknown:
        raise ReportError(f"parameter(s) {', '.join(unknown)} are not parameters of any report notebook")
    return {s.name: {n: coerce(n, v, s.parameters[n], s.path.name) for n, v in extra.items() if n in s.parameters}
            for s in specs}


def table_rows(names: Sequence[str], processed_dir: Path) -> dict[str, TableRows]:
    """Table -> its rows by ``document`` or ``authority``, grouped once for every pack the run plans.

    Whichever of the two the table has.  A table its producer has not written into the set
    (``public-stats`` not run) is left out: it has no rows.

    Parameters
    ----------
    names : sequence of str
        The processed tables the notebooks read.
    processed_dir : pathlib.Path
        The processed tables.

    Returns
    -------
    dict of str to TableRows
        The tables present.
    """
    from ..schemas import TABLES
    from ..tableset import read_manifest

    present = read_manifest(Path(processed_dir))["files"]
    out = {}
    for name in dict.fromkeys(names):
        if f"{name}.parquet" not in present:
            continue
        keys = [c for c in ("document", "authority") if c in TABLES[name].columns]
        out[name] = TableRows(read_table(name, processed_dir, keys))  # only the columns that place a row
    return out


class TableRows:
    """A table's ``document`` and ``authority`` columns, grouped by the first of them it has, so
    that a run of many packs finds each pack's rows without scanning the table again."""

    def __init__(self, frame):
        self.key = next((c for c in ("document", "authority") if c in frame.columns), None)
        self.empty_frame = frame.iloc[0:0]
        self.all = frame
        self.groups = ({} if self.key is None else
                       {k: g for k, g in frame.groupby(self.key, sort=False, observed=True, dropna=True)})

    def in_pack(self, authority: str, documents: Sequence[str]):
        """The rows of the pack's documents (a table with a ``document`` column), else of the
        authority (an ``authority`` column), else every row."""
        import pandas as pd

        if self.key is None:
            return self.all
        if self.key == "authority":
            return self.groups.get(authority, self.empty_frame)
        parts = [self.groups[d] for d in dict.fromkeys(documents) if d in self.groups]
        return pd.concat(parts) if parts else self.empty_frame


def _no_rows():
    import pandas as pd

    return pd.DataFrame({"document": pd.Series([], dtype="string")})


def _parameters(spec: NotebookSpec, values: Mapping[str, object], extra: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in values.items():
        if name in spec.parameters:
            if not isinstance(value, spec.parameters[name].type):
                raise ReportError(f"{spec.path.name}: parameter {name} must be "
                                  f"{spec.parameters[name].type.__name__} (the run sets it to {value!r})")
            out[name] = value
    return {**out, **extra}


def plan_pack(authority: str, period: str, specs: Sequence[NotebookSpec], chosen: set[str], sources, tables: dict,
              *, out_dir: Path, processed_dir: Path, extra: dict[str, dict[str, object]],
              timeout: int = CELL_TIMEOUT_S,
              stops: dict[str, list[str]] | None = None, as_of: str = "") -> PackPlan:
    """The jobs of one pack (module docstring, step 6).

    A pack whose papers in force carry a stopping check (:func:`analysis.reconcile.stops_by_document`)
    gets its ``stops`` and no jobs.

    Parameters
    ----------
    authority : str
        The authority.
    period : str
        The pack's month, ``'YYYY-MM'``.
    specs : sequence of analysis.report.notebooks.NotebookSpec
        Every report notebook.
    chosen : set of str
        The names of the notebooks to run (others are only checked for applicability).
    sources : pandas.DataFrame
        The ``sources`` table.
    tables : dict of str to TableRows
        :func:`table_rows`'s output.
    out_dir : pathlib.Path
        The reports folder.
    processed_dir : pathlib.Path
        The processed tables.
    extra : dict of str to dict
        :func:`check_extra`'s output.
    timeout : int, default :data:`CELL_TIMEOUT_S`
        Per-cell timeout in seconds.
    stops : dict of str to list of str, optional
        Document -> the reasons its stopping checks give.
    as_of : str, default ""
        A hindsight view's month (``'YYYY-MM'``, empty = none).

    Returns
    -------
    PackPlan
        The pack's jobs, the reports not applicable and its inputs.
    """
    from ..data import pack_documents

    documents, comparison = pack_documents(sources, authority, period)
    in_force = sources[sources.document.isin(documents + comparison)].sort_values("document")
    inputs = [{"file": r.file, "document": r.document, "kind": r.kind, "period": r.period if isinstance(
        r.period, str) else "", "sha256": r.sha256} for r in in_force.itertuples()]
    as_of = "" if as_of == period else as_of  # a hindsight view only after the period
    pack_values = {"authority": authority, "period": period, "documents": ",".join(documents)} | (
        {"as_of": as_of} if as_of else {})
    if Path(processed_dir).resolve() != paths.processed_dir().resolve():
        pack_values["processed_dir"] = str(processed_dir)  # the default needs no injecting
    plan = PackPlan(authority, period, out_dir, [], [], [(s.name, s.title) for s in specs], documents, inputs,
                    {f"{t}.parquet": sha256_of(Path(processed_dir) / f"{t}.parquet") for t in sorted(tables)},
                    as_of=as_of)
    plan.stops = [reason for d in documents for reason in (stops or {}).get(d, [])]
    if plan.stops:
        return plan
    in_pack = {t: tables[t].in_pack(authority, documents + comparison) if t in tables else _no_rows()
               for spec in specs for t in spec.tables + spec.optional_tables + spec.any_of_tables}
    for spec in specs:  # applicability for every notebook, so that a partial pack lists it too
        values = _parameters(spec, pack_values, extra.get(spec.name, {}))
        rows = {t: in_pack[t] for t in spec.tables + spec.optional_tables + spec.any_of_tables}
        missing = [t for t in spec.tables if rows[t].empty]
        if not missing and spec.any_of_tables and all(rows[t].empty for t in spec.any_of_tables):
            missing = [" or ".join(spec.any_of_tables)]
        if missing:
            plan.skipped.append(JobResult(spec.name, spec.title, authority, STATUS_NA, values,
                                          error=_not_applicable(missing, authority, period)))
            continue
        if spec.name not in chosen:
            continue
        used = set().union(*(set(r["document"]) for r in rows.values() if "document" in r.columns))
        job_inputs = tuple(tuple(sorted((k, v) for k, v in i.items() if k != "kind")) for i in inputs
                           if i["document"] in used)
        plan.jobs.append(Job(str(spec.path), spec.name, spec.title, authority, period, values, "", plan.title,
                             job_inputs, timeout, hindsight_note(period, as_of)))
    return plan


def published_manifest(target: Path) -> dict | None:
    """The manifest of the pack published at ``target``.

    Parameters
    ----------
    target : pathlib.Path
        A pack's folder (``reports/<slug>/<period>/``).

    Returns
    -------
    dict or None
        Its ``manifest.json``; ``None`` when there is none.
    """
    try:
        return json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}


def check_merge(plan: PackPlan) -> None:
    """With ``--only``: the published pack (if any) must come from the same inputs.

    Otherwise the merged pack would mix reports of two data sets.

    Parameters
    ----------
    plan : PackPlan
        The pack planned.

    Raises
    ------
    ReportError
        When the published pack was made from other inputs.
    """
    published = published_manifest(plan.target)
    if published is not None and published.get("fingerprint") != plan.fingerprint:
        raise ReportError(f"--only: the published pack {plan.target} was made from other inputs than the "
                          "processed data now; run the whole pack (without --only), which replaces it")


def plan_packs(authorities: Sequence[str] | None, periods: Sequence[str] | None, *, out_dir: Path,
               processed_dir: Path, raw_dir: Path, only: Sequence[str] = (), extra: dict[str, str] | None = None,
               timeout: int = CELL_TIMEOUT_S,
               notebooks_dir: Path | None = None, years: Sequence[int] | None = None, as_of: str = "") -> list[PackPlan]:
    """Validate everything that can be validated without a kernel and return the packs to build.

    See the module docstring.

    Parameters
    ----------
    authorities : sequence of str or None
        The ``--authority`` names; ``None`` = every authority.
    periods : sequence of str or None
        The ``--period`` months (``'YYYY-MM'``); ``None`` = each authority's latest.
    out_dir : pathlib.Path
        The reports folder.
    processed_dir : pathlib.Path
        The processed tables.
    raw_dir : pathlib.Path
        The raw files (checked against the ``sources`` table).
    only : sequence of str, default ()
        The ``--only`` report names (empty = all).
    extra : dict of str to str, optional
        The ``--param NAME=VALUE`` pairs.
    timeout : int, default :data:`CELL_TIMEOUT_S`
        Per-cell timeout in seconds.
    notebooks_dir : pathlib.Path, optional
        The notebooks' folder; ``None`` = the project's.
    years : sequence of int, optional
        ``--year``: the packs of :func:`analysis.report.years.resolve_public_packs` instead.
    as_of : str, default ""
        ``--as-of``: a hindsight view's month (:mod:`analysis.report.years`).

    Returns
    -------
    list of PackPlan
        The packs to build.

    Raises
    ------
    ReportError
        Whatever cannot be built, every problem named.
    """
    check_periods(periods or ())
    check_as_of(as_of)
    specs, chosen = select_notebooks(notebooks_dir, only)
    values = check_extra(dict(extra or {}), specs)
    verify_tables(None, processed_dir)  # one complete table set (_tables.json), before any kernel starts
    sources = read_sources(processed_dir, raw_dir)
    if years:
        packs = resolve_public_packs(processed_dir, authorities, years, sources, as_of)
    else:
        packs = resolve_packs(sources, authorities, periods, release_names(processed_dir) if authorities else ((), ()))
    refuse_early_as_of(packs, as_of)
    tables = table_rows(["sources"] + [t for s in specs for t in s.tables + s.optional_tables + s.any_of_tables],
                        processed_dir)
    from ..reconcile import stops_by_document

    stops = stops_by_document(read_table("reconciliation", processed_dir))
    plans = [plan_pack(a, p, specs, chosen, sources, tables, out_dir=out_dir, processed_dir=processed_dir,
                       extra=values, timeout=timeout, stops=stops, as_of=as_of)
             for a, p in packs]
    if only:
        plans = [replace(p, partial=True) for p in plans]
        for plan in plans:
            if not plan.stops:
                check_merge(plan)
    return plans


def _not_applicable(missing: list[str], authority: str, period: str) -> str:
    """Why a report is not in a pack, in words: ``no savings tracker in Torbay's papers up to
    November 2019``."""
    from ..numbers import month
    from ..presentation.display import column_label

    names = ", ".join(column_label(name).lower() for name in missing)
    return f"no {names} in {authority}'s papers up to {month(period)}"
