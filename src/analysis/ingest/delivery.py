"""Checking a delivered file before it is registered: what ``register`` reads, shows and refuses.

``python -m analysis register FILE …`` reads the file as ingest will *before* it touches the
manifest (:func:`inspect`): the reader of its kind runs on it, so a file ingest would refuse is
refused here, with nothing written.  For a savings tracker it also

* reads the **unit** from the file (:func:`.tracker_units.stated_unit`): ``--unit`` is needed only
  where the file is silent, and refused where it contradicts the file;
* reads the **sign** a saving is printed with from the lines (:func:`.tracker_units.read_sign`):
  ``--saving-sign`` is needed only where the lines do not say, and refused where they contradict it;
* sets the tracker against the authority's previous tracker (:mod:`.tracker_months`): a planned
  saving about 1,000 times last month's, or more than any council plans, is a check that will stop
  the pack from being published; a line printed with the other sign than last month is flagged.

:func:`screen` is the one screen the command prints: authority, period, lines, planned and
forecast totals in pounds, the unit and sign read and where they were read, the checks and flags.

``register NEW --replace [OLD]`` corrects a delivery in one command (:func:`register_delivery`):
the new file is checked as above with the old registration's kind, authority, period and paper
unless given, then takes the old one's document id and row; an old file of another name is moved
aside into ``withdrawn/``.  Taking down the packs made from the old file is the caller's
(:mod:`analysis.cli`), which owns the reports folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import assumptions, manifest
from ..data import release_names
from ..errors import InputError, InputErrors
from ..manifest import KINDS, MANIFEST_NAME, PERIOD_RE, SAVING_SIGNS, SourceDocument, sha256_of
from ..money import UNIT_MULTIPLIERS, format_gbp
from ..names import check_new_authority
from ..reconcile import STOP_KINDS, Checks
from . import READERS, stamp
from .prose_figures import read_prose_figures
from .savings_tracker import read_savings_tracker
from .tracker_months import month_checks
from .tracker_units import UNIT_WORDS, read_sign, stated_unit

__all__ = ["Inspection", "TRACKER", "inspect", "register_delivery", "screen"]

TRACKER = "savings_tracker"


@dataclass
class Inspection:
    """What :func:`inspect` read: the row as it would be registered and what the file says."""

    document: SourceDocument
    unit_source: str  # where the unit was read, in words
    sign_source: str  # where the sign was read, in words ("" for a paper)
    replacing: dict[str, str] | None  # the manifest row being replaced
    lines: pd.DataFrame | None  # a tracker's lines (processed: whole pounds, negative = saving)
    checks: pd.DataFrame  # this file's reconciliation checks (those against last month's tracker too)
    previous: SourceDocument | None = None  # the tracker compared with
    notes: list[str] = field(default_factory=list)  # things the analyst should know (not problems)

    @property
    def stops(self) -> pd.DataFrame:
        """Checks that will stop a pack made from this file from being published."""
        return self.checks[self.checks["check"].isin(STOP_KINDS) & (self.checks.status == "mismatch")]

    @property
    def doubtful(self) -> pd.DataFrame:
        lines = self.lines
        if lines is None or "sign_doubt" not in lines:
            return pd.DataFrame()
        return lines[lines["sign_doubt"].notna()]


def _month(period: str) -> str:
    try:
        return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%B %Y")
    except ValueError:
        return period


def _refuse(path: Path, expected: str, found: str, column: str | None = None) -> InputError:
    return InputError(path, column=column, expected=expected, found=found)


def _rows(raw_dir: Path) -> list[dict[str, str]]:
    return manifest.read_rows(Path(raw_dir) / MANIFEST_NAME)[1]


def _options(path: Path, kind: str, period: str, date: str, unit: str | None, saving_sign: str | None) -> None:
    problems = []
    if kind not in KINDS:
        problems.append(_refuse(path, f"--kind one of {', '.join(KINDS)}", kind, column="--kind"))
    if kind == TRACKER and not period:
        problems.append(_refuse(path, "--period YYYY-MM: the month a savings tracker reports", "none",
                                column="--period"))
    if period and not PERIOD_RE.match(period):
        problems.append(_refuse(path, "--period as YYYY-MM (e.g. 2019-09)", period, column="--period"))
    if date and not manifest.DATE_RE.match(date):
        problems.append(_refuse(path, "--date as an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD", date,
                                column="--date"))
    if kind != TRACKER and not (date or period):
        problems.append(_refuse(path, "--date YYYY-MM-DD: the date of the paper", "none", column="--date"))
    if unit is not None and unit not in UNIT_MULTIPLIERS:
        problems.append(_refuse(path, f"--unit one of {', '.join(UNIT_MULTIPLIERS)}", unit, column="--unit"))
    if saving_sign and saving_sign not in SAVING_SIGNS:
        problems.append(_refuse(path, "--saving-sign negative or positive", saving_sign, column="--saving-sign"))
    if saving_sign and kind != TRACKER:
        problems.append(_refuse(path, "no --saving-sign (it applies to savings trackers only)", saving_sign,
                                column="--saving-sign"))
    InputErrors.raise_if_any(problems)


def _conflicts(raw_dir: Path, path: Path, kind: str, authority: str, period: str,
               replacing: dict[str, str] | None, rows: list[dict[str, str]]) -> None:
    name = path.name
    for row in rows:
        if replacing is not None and row["file"] == replacing["file"]:
            continue
        if row["file"] == name:
            raise _refuse(raw_dir / MANIFEST_NAME, f"a file not yet registered (if it changed, or its registration "
                          f"was wrong, replace it: python -m analysis register {name} --replace)",
                          f"{name}, registered as document {row['document']} ({row['kind']}, {row['authority']}"
                          f"{', ' + row['period'] if row['period'] else ''})", column="file")
        if kind == TRACKER and row["kind"] == TRACKER and row["authority"] == authority and row["period"] == period:
            raise _refuse(raw_dir / MANIFEST_NAME, f"one savings tracker for {authority} at {period}: if this one "
                          f"corrects it, replace it: python -m analysis register {name} --replace {row['file']}",
                          f"{row['file']} already registered for {period} (document {row['document']})",
                          column="period")


def _unit(path: Path, kind: str, given: str | None, replacing: dict[str, str] | None) -> tuple[str, str]:
    """The unit and where it was read: a tracker's from the file (``given`` must agree), else
    ``given``; a paper's ``given`` (or the replaced row's)."""
    if kind != TRACKER:
        unit = given or (replacing or {}).get("unit") or ""
        if not unit:
            raise _refuse(path, "--unit gbp, gbp_thousands or gbp_millions: what an unadorned figure in the "
                                "paper's tables means (papers print several units; the readers need the tables')",
                          "none", column="--unit")
        return unit, "given with --unit" if given else "as registered before"
    stated = stated_unit(path)
    if stated is not None:
        if given and given != stated.unit:
            raise InputError(path, line=stated.line, sheet=stated.sheet, column=stated.text,
                             expected=f"--unit {given} ({UNIT_WORDS[given]}) to agree with the file",
                             found=f"a header saying {UNIT_WORDS[stated.unit]}: leave --unit out, the unit is read "
                                   "from the file")
        return stated.unit, f"read from {stated.describe()}"
    if not given:
        raise _refuse(path, "a unit: the file does not say its unit (no £, £000, £k or £m in its title rows or "
                            "header), so give it: --unit gbp (whole pounds), --unit gbp_thousands (£000) or "
                            "--unit gbp_millions", "none stated", column="--unit")
    return given, "given with --unit (the file does not say)"


def _previous_tracker(raw_dir: Path, authority: str, period: str, exclude: set[str]) -> SourceDocument | None:
    rows = [r for r in _rows(raw_dir) if r["kind"] == TRACKER and r["authority"] == authority
            and r["period"] and r["period"] < period and r["file"] not in exclude]
    if not rows:
        return None
    row = max(rows, key=lambda r: r["period"])
    return SourceDocument(path=Path(raw_dir) / row["file"], **{k: row.get(k, "") for k in manifest.FIELDS
                                                              if k != "file"})


def _read_tracker(raw_dir: Path, doc: SourceDocument, given_sign: str | None,
                  replacing: dict[str, str] | None) -> tuple[SourceDocument, str, pd.DataFrame, Checks, list[str]]:
    """Read the tracker with its sign read from its lines (or given), and check it against the
    authority's previous tracker."""
    provisional = read_savings_tracker(replace(doc, saving_sign="negative"), Checks(), signs=False)
    reading = read_sign(provisional["planned_total_gbp"])
    if given_sign and reading.sign and reading.sign != given_sign:
        raise _refuse(doc.path, f"savings printed {given_sign}, as --saving-sign says",
                      f"{reading.describe()}: leave --saving-sign out, the sign is read from the lines",
                      column="--saving-sign")
    sign = given_sign or reading.sign
    if not sign:
        raise _refuse(doc.path, "a sign the lines show (at least "
                      f"{assumptions.SIGN_READ_MIN_LINES} lines planning an amount, mostly of one sign), or "
                      "--saving-sign negative|positive: the sign this tracker prints a saving with",
                      reading.describe(), column="--saving-sign")
    source = "given with --saving-sign" + (f" ({reading.describe()})" if reading.sign else "") if given_sign else \
        f"read from the lines: {reading.describe()}"
    doc = replace(doc, saving_sign=sign)
    checks = Checks()
    lines = stamp(TRACKER, read_savings_tracker(doc, checks), doc)
    notes: list[str] = []
    exclude = {doc.file} | ({replacing["file"]} if replacing else set())
    before = _previous_tracker(raw_dir, doc.authority, doc.period, exclude)
    if before is not None:
        try:
            earlier = stamp(TRACKER, read_savings_tracker(before, Checks()), before)
        except (InputError, InputErrors):
            notes.append(f"the previous tracker ({before.file}, {before.period}) could not be read to compare with")
        else:
            both = pd.concat([earlier, lines], ignore_index=True)
            both["sign_doubt"] = both["sign_doubt"].astype("string")
            month_checks({TRACKER: both}, checks, [before, doc])
            lines = both[both.document == doc.document].reset_index(drop=True)
            return doc, source, lines, checks, notes + [f"compared with {before.file} ({_month(before.period)})"]
    else:
        month_checks({TRACKER: lines}, checks, [doc])
        notes.append(f"no earlier tracker of {doc.authority} is registered to compare with")
    return doc, source, lines, checks, notes


def inspect(raw_dir: Path, file: Path | str, *, kind: str | None = None, authority: str | None = None,
            period: str = "", paper: str = "", date: str = "", unit: str | None = None,
            saving_sign: str | None = None, replacing: str | None = None,
            processed_dir: Path | None = None) -> Inspection:
    """Read ``file`` (in ``raw_dir``) as ingest will and return what it would be registered as.

    The authority's name is checked against those registered and those of the public statistics in
    ``processed_dir`` (:func:`analysis.names.check_new_authority`).  Nothing is written.

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding ``manifest.csv``.
    file : pathlib.Path or str
        The delivered file, already copied into ``raw_dir``.
    kind : str or None, optional
        Its kind (one of :data:`analysis.manifest.KINDS`).
    authority : str or None, optional
        The council the file is about.
    period : str, optional
        The month a tracker reports, 'YYYY-MM'.
    paper : str, optional
        The paper's title.
    date : str, optional
        The paper's date.
    unit : str or None, optional
        The unit its money is printed in (pounds, £000 ...); default what the file states.
    saving_sign : str or None, optional
        How a tracker signs savings; default what its lines show.
    replacing : str or None, optional
        The registered file this one corrects (its kind, authority, period and paper are the
        defaults).
    processed_dir : pathlib.Path or None, optional
        The processed folder whose public statistics name the authorities.

    Returns
    -------
    Inspection
        What the file would be registered as.

    Raises
    ------
    analysis.errors.InputError
        For anything ingest would refuse or the options contradict (several as
        :class:`~analysis.errors.InputErrors`).
    """
    raw_dir = Path(raw_dir)
    path = raw_dir / Path(file).name
    rows = _rows(raw_dir)
    old = None
    if replacing is not None:
        old = next((r for r in rows if r["file"] == Path(replacing).name), None)
        if old is None:
            raise _refuse(raw_dir / MANIFEST_NAME, f"a registered file to replace (registered: "
                          f"{', '.join(r['file'] for r in rows) or 'none'})", Path(replacing).name, column="--replace")
    if not path.is_file():
        raise _refuse(path, f"the file copied into the raw folder ({raw_dir}) before registering it", "no such file")
    kind = kind or (old or {}).get("kind") or ""
    authority = authority or (old or {}).get("authority") or ""
    period = period or ((old or {}).get("period") or "")
    if not authority:
        raise _refuse(path, "--authority NAME: the council the file is about", "none", column="--authority")
    _options(path, kind, period, date, unit, saving_sign)
    checked = check_new_authority(authority, [r["authority"] for r in rows if r is not old],
                                  release_names(processed_dir)[0], manifest=raw_dir / MANIFEST_NAME)
    authority = checked.name
    _conflicts(raw_dir, path, kind, authority, period, old, rows)
    unit, unit_source = _unit(path, kind, unit, old)
    numbers = [int(r["document"]) for r in rows if r["document"].isdigit()]
    document = old["document"] if old else f"{(max(numbers) + 1) if numbers else 0:03d}"
    keep_paper = old and old["file"] == path.name
    doc = SourceDocument(path=path, document=document, kind=kind, authority=authority,
                         paper=paper or ((old or {}).get("paper") if keep_paper else "") or path.stem,
                         date=date or ((old or {}).get("date") if old else "") or period,
                         period_covered=(old or {}).get("period_covered", ""), period=period, unit=unit,
                         sha256=sha256_of(path), saving_sign="")
    if kind == TRACKER:
        doc, sign_source, lines, checks, notes = _read_tracker(raw_dir, doc, saving_sign, old)
        return Inspection(doc, unit_source, sign_source, old, lines, checks.frame(), notes=checked.notes + notes)
    reader, _ = READERS[kind]
    checks = Checks()
    reader(doc, checks)
    read_prose_figures(doc, checks)
    return Inspection(doc, unit_source, "", old, None, checks.frame(), notes=checked.notes)


def register_delivery(raw_dir: Path, inspection: Inspection) -> tuple[SourceDocument, Path | None]:
    """Write what :func:`inspect` read into the manifest.

    A new row, or the replaced file's row rewritten in place (same name) or its file moved aside
    into ``withdrawn/`` and the new row given its document id (another name).

    Parameters
    ----------
    raw_dir : pathlib.Path
        The raw folder holding ``manifest.csv``.
    inspection : Inspection
        What :func:`inspect` returned.

    Returns
    -------
    tuple of (SourceDocument, pathlib.Path or None)
        The row written and where an old file went.
    """
    doc, old = inspection.document, inspection.replacing
    fields = {"kind": doc.kind, "authority": doc.authority, "period": doc.period, "paper": doc.paper,
              "date": doc.date, "period_covered": doc.period_covered, "unit": doc.unit,
              "saving_sign": doc.saving_sign}
    moved = None
    if old is not None and old["file"] == doc.file:
        return manifest.reregister(raw_dir, doc.path, **fields), None
    if old is not None:
        _, moved = manifest.withdraw(raw_dir, old["file"])
    registered = manifest.register(raw_dir, doc.path, document=doc.document, **fields)
    return registered, moved


# --------------------------------------------------------------------------------------------- the screen


def _pounds(value: float | int | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    value = int(value)
    words = f" ({format_gbp(round(value, -5))})" if abs(value) >= 1_000_000 else ""
    return f"£{value:,}{words}".replace("£-", "−£")


def screen(ins: Inspection) -> list[str]:
    """The lines ``register`` prints (before and whether or not it registers).

    Parameters
    ----------
    ins : Inspection
        What :func:`inspect` returned.

    Returns
    -------
    list of str
        The lines.
    """
    doc = ins.document
    out = [f"{'Replacing ' + ins.replacing['file'] + ' with' if ins.replacing else 'Checked'} {doc.path}"]
    out.append(f"  authority  {doc.authority}")
    what = doc.kind.replace("_", " ")
    when = (f"{_month(doc.period)} (financial year {assumptions.financial_year(doc.period)})" if doc.period
            else f"dated {doc.date}")
    out.append(f"  document   {doc.document}: {what}, {when}")
    out.append(f"  unit       {UNIT_WORDS.get(doc.unit, doc.unit)}, {ins.unit_source}")
    if ins.lines is not None:
        lines = ins.lines
        sheets = sorted({s for s in lines.source_sheet.dropna()}) if "source_sheet" in lines else []
        where = f" on sheet{'s' if len(sheets) > 1 else ''} {', '.join(repr(s) for s in sheets)}" if sheets else ""
        out.append(f"  lines      {len(lines):,} saving lines{where}")
        out.append(f"  sign       savings printed {doc.saving_sign}, {ins.sign_source}")
        planned, forecast = -lines.planned_total_gbp.sum(min_count=1), -lines.forecast_total_gbp.sum(min_count=1)
        out.append(f"  planned    {_pounds(planned)} saving")
        out.append(f"  forecast   {_pounds(forecast)} saving"
                   + (f", a shortfall of {_pounds(planned - forecast)}" if pd.notna(planned) and pd.notna(forecast)
                      else ""))
    rec = ins.checks
    if len(rec):
        counts = rec.status.value_counts()
        out.append(f"  checks     {len(rec):,}: {counts.get('ok', 0):,} agree, {counts.get('within rounding', 0):,} "
                   f"within rounding, {counts.get('mismatch', 0):,} mismatch, "
                   f"{counts.get('not computable', 0):,} not computable")
    for row in rec[(rec.status == "mismatch") & ~rec["check"].isin(STOP_KINDS)].head(5).itertuples():
        out.append(f"  mismatch   {row.item}: printed {_pounds(row.stated)}, computed {_pounds(row.computed)}")
    for row in ins.doubtful.head(5).itertuples():
        out.append(f"  sign?      {row.reference}: {row.sign_doubt}")
    for row in ins.stops.itertuples():
        out.append(f"  STOP       {row.item}: {row.note}")
    for note in ins.notes:
        out.append(f"  note       {note}")
    return out
