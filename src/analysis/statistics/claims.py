"""The papers' claims against the statistics of their time -> ``statistics_checks``.

Every figure a paper prints that states a published measure - a number or rate of children looked
after, a placement count or share, a comparator rate or average, a growth in children looked after -
is set against the same measure **as the releases had published it by the paper's month** (the
public tables as at that month: :meth:`analysis.analyses.benchmarks.PublicData.as_at`; the
placements of releases published by then) and classed (``verdict``):

* ``agrees`` - equal; ``within rounding`` - the printed figure, read at its precision, meets the
  published one (a rate the release does not print, computed from its number and ONS's revised
  population, may differ by 1 per 10,000: population vintage);
* ``differs`` - both figures and the release are in the note;
* ``not published`` - no release had published the measure for that date by the paper's month
  (a figure at 30 November, a year published later); the latest published figure is in the note;
* ``not in the releases read`` - the measure is published, in a release not among the downloads;
* ``not computable`` - the releases read print the parts but not all of them (an average of
  neighbours one of which has no rate).

The figures come from the papers' tables (``comparator_rates``: each rate and printed average;
``cla_trajectories``: each actual number and rate) and prose (:mod:`.claim_rules`).  A check is a
reconciliation check of kind ``published`` (:data:`analysis.reconcile.CHECK_KINDS`), judged by the
same rule as every other (:meth:`analysis.reconcile.Checks.add`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..reconcile import MISMATCH, OK, WITHIN_ROUNDING, Checks
from ..schemas import needs
from .claim_figures import Found, Paper, cla, latest_year
from .claim_prose import prose_found
from .claim_rules import Claim, claims
from .release_calendar import date_words, published_by

__all__ = ["INGEST_TABLES", "KIND", "TABLE", "VERDICTS", "statistics_checks"]

TABLE = "published statistics"
KIND = "published"
VERDICTS = {OK: "agrees", WITHIN_ROUNDING: "within rounding", MISMATCH: "differs"}
INGEST_TABLES = ("sources", "comparator_rates", "cla_trajectories", "prose_figures")


@needs(tables=())
def statistics_checks(tables: dict[str, pd.DataFrame], processed: Path | None) -> pd.DataFrame:
    """The papers' figures checked against the public statistics being built.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The public tables being built, by name: ``cla_rates`` (and, when present,
        ``statistical_neighbours``, ``cla_spend``, ``public_measures``, ``release_revisions`` and
        ``cla_placements``), each with the columns of its schema.
    processed : pathlib.Path or None
        The processed folder holding ingest's tables (the papers).

    Returns
    -------
    pandas.DataFrame
        ``statistics_checks`` rows for every paper; empty when either side is missing.
    """
    ingest = _ingest_tables(processed)
    if ingest is None or "cla_rates" not in tables or tables["cla_rates"] is None or not len(tables["cla_rates"]):
        return pd.DataFrame()
    from ..data import document_period
    from .public_data import PublicData

    pub = PublicData(tables["cla_rates"], tables.get("statistical_neighbours", pd.DataFrame(
        columns=["model", "old_la_code", "rank", "neighbour_old_la_code", "published"])),
        tables.get("cla_spend", pd.DataFrame(columns=["published"])),
        tables.get("public_measures", pd.DataFrame(columns=["measure", "polarity"])), tables.get("release_revisions"))
    placements = tables.get("cla_placements", pd.DataFrame(columns=["first_published"]))
    views: dict[str, PublicData]
    checks, extras, views = Checks(), [], {}
    for s in ingest["sources"].itertuples():
        month = document_period(s)
        if not month:
            continue
        view = views.setdefault(month, pub.as_at(month))
        try:
            code = view.code(s.authority)
        except Exception:  # an authority the releases do not know: nothing to check against
            continue
        paper = Paper(s.document, s.file, s.authority, code, month, view,
                      placements[[published_by(d, month) for d in placements.first_published]])
        for item, stated, found, line, unit, precision, table in _all_claims(paper, ingest):
            row = checks.add(document=paper.document, table=table, item=item, kind=KIND, stated=stated,
                             computed=found.value, unit=unit, tolerance=found.tolerance, source_file=paper.file,
                             source_line=line, note=found.note, stated_precision=precision,
                             computed_intervals=found.intervals)
            verdict = found.verdict or VERDICTS.get(row["status"], "not computable")
            if verdict != "within rounding":  # the rule's own note already begins so
                row["note"] = f"{verdict}: {row['note']}" if row["note"] else verdict
            extras.append({"verdict": verdict, "authority": paper.authority, "paper_month": month,
                           "release": found.release or None, "release_published": found.published or None})
    frame = checks.frame()
    for column in ("verdict", "authority", "paper_month", "release", "release_published"):
        frame[column] = [e[column] for e in extras]
    return frame


def _ingest_tables(processed: Path | None) -> dict[str, pd.DataFrame] | None:
    if processed is None:
        return None
    paths = {name: Path(processed) / f"{name}.parquet" for name in INGEST_TABLES}
    if not all(p.is_file() for p in paths.values()):
        return None
    return {name: pd.read_parquet(p) for name, p in paths.items()}


def _all_claims(paper: Paper, ingest: dict[str, pd.DataFrame]):
    """(item, stated, Found, line, unit, stated precision, table) for each claim of the paper."""
    mine = {name: frame[frame.document == paper.document] for name, frame in ingest.items() if name != "sources"}
    yield from _comparator_claims(paper, mine["comparator_rates"])
    yield from _trajectory_claims(paper, mine["cla_trajectories"])
    for claim in claims(mine["prose_figures"]):
        yield from _prose_claim(paper, claim)


# --------------------------------------------------------------------------------------------- tables


def _year_end(financial_year: str) -> int:
    return int(str(financial_year)[:4]) + 1


def _comparator_claims(paper: Paper, rates: pd.DataFrame):
    for r in rates.itertuples():
        y = _year_end(r.year)
        if r.row_type == "authority":
            try:
                code = paper.pub.code(r.authority)
            except Exception:
                found = Found(None, note=f"the releases name no authority {r.authority!r}", verdict="not computable")
            else:
                found = cla(paper, code, y, "rate_per_10k")
            yield (f"{r.table_name}: {r.authority} rate per 10,000, 31 March {y}", float(r.rate_per_10k), found,
                   int(r.source_line), "per_10k", 1.0, "comparator_rates")
        else:
            names = _members(r, rates)
            yield (f"{r.table_name}: {r.authority}, 31 March {y}", float(r.rate_per_10k),
                   _average(paper, names, y), int(r.source_line), "per_10k", 1.0, "comparator_rates")


def _members(row, rates: pd.DataFrame) -> list[str]:
    """The authorities a printed average averages: its list (``A/B/C``, matched to the table's names
    by their first word) or every neighbour of the table."""
    others = rates[(rates.row_type == "authority") & ~rates.is_subject.astype(bool) & (rates.year == row.year)]
    text = str(row.average_of or "")
    if "/" in text:
        wanted = [w.strip().lower() for w in text.split("/")]
        return [a for a in others.authority if any(a.lower().startswith(w[:6]) for w in wanted)]
    return list(others.authority)


def _average(paper: Paper, names: list[str], year: int) -> Found:
    values, missing, releases = [], [], set()
    for name in names:
        try:
            code = paper.pub.code(name)
        except Exception:
            missing.append(name)
            continue
        found = cla(paper, code, year, "rate_per_10k")
        (values.append(found.value) if found.value is not None else missing.append(name))
        releases.add(found.release) if found.release else None
    if not values:
        return Found(None, note="none of the authorities averaged has a published rate", verdict="not computable")
    mean = sum(values) / len(values)
    note = (f"mean of the published rates of {len(values)} of the {len(names)} authorities it averages"
            + (f" ({', '.join(missing)}: no rate in the releases read)" if missing else "")
            + "; rates the releases do not print are computed from their numbers and ONS's revised populations, so a "
              "difference of 1 may be population vintage")
    return Found(mean, ", ".join(sorted(releases)), "", note, tolerance=1.0)


def _trajectory_claims(paper: Paper, rows: pd.DataFrame):
    for r in rows[rows.series_kind == "actual"].itertuples():
        at = str(r.as_at)
        y = _year_end(r.year)
        for what, unit, value, line in (("number", "count", r.number, r.source_line),
                                        ("rate_per_10k", "per_10k", r.rate_per_10k, r.rate_source_line)):
            if value is None or pd.isna(value):
                continue
            if at[5:] != "03-31":  # not a 31 March: no release prints it
                latest = latest_year(paper, paper.code, at[:7])
                context = cla(paper, paper.code, latest, what) if latest else Found(None)
                found = Found(None, context.release, context.published,
                              f"no release prints a figure at {date_words(at)}"
                              + (f"; the latest published by then: {context.note}" if latest else ""),
                              verdict="not published")
            else:
                found = cla(paper, paper.code, y, what)
            yield (f"{r.table_name}: {r.label} {what.replace('_per_10k', ' per 10,000')} at {date_words(at)}",
                   float(value), found, int(line if not pd.isna(line) else r.source_line), unit,
                   1.0 if unit == "per_10k" else 0.0, "cla_trajectories")


# --------------------------------------------------------------------------------------------- prose

def _prose_claim(paper: Paper, claim: Claim):
    found, item, unit = prose_found(paper, claim)
    precision = claim.precision
    if claim.rule.unit == "count" and re.search(r"approximate", claim.words or "") is None and \
            re.search(r"\b(?:around|about|some|circa)\s+\d", claim.words or "", re.I) and claim.value % 5 == 0:
        precision = 10.0 if claim.value % 10 == 0 else 5.0  # "around 25": read to the nearest 5
    yield (item, claim.value, found, claim.source_line, unit, precision, "prose_figures")

