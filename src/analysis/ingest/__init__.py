"""Ingest: ``data/raw`` (as delivered) -> validated tidy tables in ``data/processed``.

:func:`ingest` reads every document listed in the raw folder's manifest with the reader for its
kind, stamps every row's lineage (:func:`stamp`: the document's authority, id and file - one
helper for every reader), reconciles every printed total it meets, validates every table against
:mod:`analysis.schemas` and returns them.  :func:`run_ingest` also publishes them (Parquet + CSV
+ data dictionary + ``_tables.json``) as one unit (:mod:`analysis.tableset`), so a bad input or
a killed run never leaves a half-written or mixed ``data/processed``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schemas
from ..errors import InputError, InputErrors
from ..manifest import SourceDocument, read_manifest, register_hint, unregistered_files
from ..progress import Bar
from ..reconcile import Checks
from ..tableset import pause_point
from . import prose_claims
from .business_plan import read_business_plan
from .cross_document import reserve_contribution_checks
from .five_year_plan import read_five_year_plan
from .mtfs import read_mtfs
from .prose_figures import read_prose_figures
from .recovery_actions import read_recovery_actions
from .savings_tracker import read_savings_tracker
from .tracker_months import month_checks
from .writer import write_tables

Reader = Callable[[SourceDocument, Checks], "pd.DataFrame | dict[str, pd.DataFrame]"]

#: document kind -> (reader, table it fills when it returns a single frame)
READERS: dict[str, tuple[Reader, str | None]] = {
    "savings_tracker": (read_savings_tracker, "savings_tracker"),
    "recovery_action_plan": (read_recovery_actions, "recovery_actions"),
    "medium_term_financial_strategy": (read_mtfs, None),
    "five_year_plan_review": (read_five_year_plan, None),
    "business_plan_review": (read_business_plan, None),
}

TABLE_NAMES = schemas.tables_of("ingest")


@dataclass
class IngestResult:
    tables: dict[str, pd.DataFrame]
    documents: list[SourceDocument]
    warnings: list[str] = field(default_factory=list)  # e.g. files in the raw folder not registered

    @property
    def reconciliation(self) -> pd.DataFrame:
        return self.tables["reconciliation"]

    def summary(self) -> pd.DataFrame:
        rows = [{"table": n, "rows": len(t)} for n, t in self.tables.items()]
        return pd.DataFrame(rows)


def ingest(raw_dir: Path, *, validate: bool = True, progress: Bar | None = None) -> IngestResult:
    """Read every document in ``raw_dir`` into typed tables, validated against their schemas
    (``validate=False`` leaves validation to the writer); nothing is written.  ``progress`` (a
    :class:`analysis.progress.Bar`) advances a step a document, and one for the checks."""
    progress = progress or Bar(0, "", show=False)
    documents = read_manifest(Path(raw_dir))
    progress.add(len(documents) + 1)
    checks = Checks()
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLE_NAMES}
    errors: list[InputError] = []
    for doc in documents:
        progress.step(doc.file)
        reader, table = READERS[doc.kind]
        try:
            out = reader(doc, checks)
        except InputErrors as exc:
            errors += exc.errors
            continue
        except InputError as exc:
            errors.append(exc)
            continue
        for name, frame in ({table: out} if table else out).items():
            parts[name].append(stamp(name, frame, doc))
        prose = read_prose_figures(doc, checks)  # after the reader: it uses the reader's checks
        if len(prose):
            parts["prose_figures"].append(stamp("prose_figures", prose, doc))
    InputErrors.raise_if_any(errors)
    progress.step("checks across papers and months; validating")

    tables: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        if name in ("sources", "reconciliation"):
            continue
        frames = [f for f in parts.pop(name) if len(f)]  # popped: the parts are freed once concatenated
        tables[name] = (schemas.conform(name, pd.concat(frames, ignore_index=True), validate=validate) if frames
                        else schemas.empty(name))
    _cross_document_checks(tables, checks, documents)
    prose_claims.run(tables, documents, checks)
    tables["sources"] = schemas.conform("sources", _sources(documents), validate=validate)
    tables["reconciliation"] = schemas.conform("reconciliation", checks.frame(), validate=validate)
    checks.rows.clear()
    checks.frames.clear()
    warnings = [register_hint(p) for p in unregistered_files(Path(raw_dir))]
    return IngestResult({name: tables[name] for name in TABLE_NAMES}, documents, warnings)


def run_ingest(raw_dir: Path, out_dir: Path, *, progress: Bar | None = None) -> IngestResult:
    """:func:`ingest`, then publish every table as one unit into ``out_dir``."""
    progress = progress or Bar(0, "", show=False)
    result = ingest(raw_dir, validate=False, progress=progress)  # the writer validates every table before writing
    pause_point("read")
    progress.add(1)
    progress.step("writing the tables")
    write_tables(result.tables, Path(out_dir), result.documents)
    progress.step("")
    return result


def stamp(table: str, frame: pd.DataFrame, doc: SourceDocument) -> pd.DataFrame:
    """Every row's lineage from its document: ``document``, ``source_file``, and the document's
    authority in ``authority`` (or ``subject_authority``, where ``authority`` names comparators)
    unless the reader set it."""
    columns = schemas.TABLES[table].columns
    for column in ("authority", "subject_authority"):
        if column in columns and column not in frame.columns:
            frame[column] = doc.authority
    frame["document"] = doc.document
    frame["source_file"] = doc.file
    return frame


def _sources(documents: list[SourceDocument]) -> pd.DataFrame:
    return pd.DataFrame([{
        "document": d.document, "file": d.file, "kind": d.kind, "authority": d.authority, "paper": d.paper,
        "date": d.date, "period_covered": d.period_covered, "period": d.period or None, "unit": d.unit,
        "sha256": d.sha256.lower(), "saving_sign": d.saving_sign or None} for d in documents])


def _cross_document_checks(tables: dict[str, pd.DataFrame], checks: Checks,
                           documents: Sequence[SourceDocument] = ()) -> None:
    """Figures one paper prints again from another: a plan restated in a later paper (series of
    the same authority and ``plan_made`` from different documents) against the original, the
    series of the earliest-dated document; and a forecast under/overspend printed with no direction
    against another paper's reserve contribution for the same year (:mod:`.cross_document`)."""
    dated = {d.document: d.date for d in documents}
    cla = tables["cla_trajectories"]
    plans = cla[(cla.series_kind == "plan") & (cla.bound == "central") & cla.plan_made.notna()]
    for (_, _), group in plans.groupby(["authority", "plan_made"], sort=True):
        first = {s: (dated.get(g.document.iloc[0], ""), g.document.iloc[0]) for s, g in group.groupby("series")}
        if len(first) < 2:
            continue
        original_series = min(first, key=first.__getitem__)
        plan = group[group.series == original_series]
        for row in group[group.series != original_series].itertuples():
            original = plan[plan.year == row.year]
            for what, unit, value, other, line in (
                    ("number", "count", row.number, original.number, row.source_line),
                    ("rate per 10,000", "per_10k", row.rate_per_10k, original.rate_per_10k, row.rate_source_line)):
                checks.add(document=row.document, table="cla_trajectories",
                           item=f"{row.authority} {row.year} plan {what}: restated ({row.table_name}, document "
                                f"{row.document}) vs original plan"
                                + (f" ({original.table_name.iloc[0]}, document {original.document.iloc[0]})"
                                   if len(original) else ""),
                           kind="repeated", stated=None if pd.isna(value) else value,
                           computed=None if original.empty or pd.isna(other.iloc[0]) else other.iloc[0], unit=unit,
                           source_file=row.source_file, source_line=int(line),
                           note="" if len(original) else "the original plan does not cover this year")
    reserve_contribution_checks(tables, checks, documents)
    month_checks(tables, checks, list(documents))
