"""Reconciliation: every printed total, average, rate and repeated figure, recomputed.

Readers call :meth:`Checks.add` with the figure as printed (``stated``) and the figure
recomputed from its printed parts (``computed``).  Nothing is ever "fixed": the stated figure is
what the paper says, the computed one what its own parts say, and ``difference`` is
``stated - computed``.

Each stated figure carries its precision as printed (``stated_precision``, the unit of its last
digit) and the roundings the paper admits (``stated_modes``: to the nearest, truncated - see
:mod:`analysis.precision`); the computed side carries the interval(s) its printed parts allow, one
per admissible reading of how the parts were rounded (``computed_intervals``).  ``status`` is

* ``ok`` - stated equals computed exactly;
* ``within rounding`` - not equal, but some admissible rounding of the stated figure meets the
  interval its parts allow (``rounding`` and the note say which);
* ``mismatch`` - outside every admissible rounding (the note shows the arithmetic);
* ``not computable`` - either side is missing (the note says why).

``tolerance`` remains for checks whose slack is not a rounding of printed digits (a rate computed
at a population the paper never prints): a difference within it is ``within rounding`` too, and the
note says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import precision as pr
from .schemas import needs

__all__ = [
    "CHECK_KINDS", "Checks", "MISMATCH", "NOT_COMPUTABLE", "OK", "STATUSES", "STATUS_ORDER", "STOP_KINDS",
    "WITHIN_ROUNDING", "format_figure", "stops_by_document", "summarise",
]

OK, WITHIN_ROUNDING, MISMATCH, NOT_COMPUTABLE = "ok", "within rounding", "mismatch", "not computable"
STATUSES = (OK, WITHIN_ROUNDING, MISMATCH, NOT_COMPUTABLE)

#: kind of check -> what it compares
CHECK_KINDS = {
    "total": "a printed total or subtotal against the sum of its printed parts",
    "average": "a printed average against the mean of its printed parts",
    "rate": "a printed rate per 10,000 against number / population x 10,000",
    "difference": "a printed difference or reduction against the subtraction of its parts",
    "product": "a printed amount against unit cost x quantity stated beside it",
    "repeated": "the same figure printed twice (prose and table, or two tables)",
    "range": "a printed range total against the sums of the low and high figures",
    "count": "a printed count against the count of its parts",
    "rounding rule": "a paper's stated rounding rule against the figures it prints from exact amounts",
    "sign": "a saving line's sign against what the tracker's totals row or last month's tracker print for it",
    "unit": "a tracker's planned saving against last month's tracker and against what any council could plan "
            "(a mismatch stops the pack: one month read in the wrong unit)",
    "published": "a figure a paper states of a published measure against the release of the paper's date "
                 "(public-stats' statistics_checks)",
    "prose": "a figure in a paper's words (a paragraph, a commentary cell) against the paper's own figures for what it "
             "talks about: the row, the section, the sentence's other figures (analysis.ingest.prose_claims)",
}
#: check kinds whose mismatch stops a pack from being published (the report run exits 1, naming it)
STOP_KINDS = ("unit",)


@needs(rec=("check", "status", "document", "source_file", "item", "note"))
def stops_by_document(rec: pd.DataFrame) -> dict[str, list[str]]:
    """Why a pack made from each document must not be published.

    Each check of a kind in :data:`STOP_KINDS` that mismatches - a tracker read in the wrong unit.

    Parameters
    ----------
    rec : pandas.DataFrame
        The ``reconciliation`` table: reads ``check``, ``status``, ``document``, ``source_file``,
        ``item`` and ``note``.

    Returns
    -------
    dict of str to list of str
        Document -> its stopping checks, each as ``file: item: note``.
    """
    bad = rec[rec["check"].isin(STOP_KINDS) & (rec["status"] == "mismatch")]
    out: dict[str, list[str]] = {}
    for row in bad.itertuples():
        out.setdefault(row.document, []).append(f"{row.source_file}: {row.item}: {row.note}")
    return out


@dataclass
class Checks:
    """Collects reconciliation rows for one ingest run."""

    rows: list[dict] = field(default_factory=list)
    frames: list[tuple[int, pd.DataFrame]] = field(default_factory=list)  # (position in rows, checks)

    def add(
        self,
        *,
        document: str,
        table: str,
        item: str,
        kind: str,
        stated: float | int | None,
        computed: float | int | None,
        unit: str,
        tolerance: float = 0.0,
        source_file: str = "",
        source_line: int | None = None,
        note: str = "",
        stated_precision: float = 0.0,
        stated_modes: tuple[str, ...] = (pr.NEAREST,),
        computed_intervals: dict[str, pr.Interval] | None = None,
    ) -> dict:
        """One check.  ``stated_precision`` is the unit of the stated figure's last printed digit
        (0 = compared as exact); ``stated_modes`` the roundings admitted for it, the paper's stated
        rule first; ``computed_intervals`` maps a description of how the parts were read (e.g.
        'parts to the nearest £0.1m') to the interval of values they allow (default: the computed
        figure exactly)."""
        if kind not in CHECK_KINDS:
            raise ValueError(f"unknown check kind {kind!r}")
        stated_f = _num(stated)
        computed_f = _num(computed)
        rounding, low, high = "", None, None
        if stated_f is None or computed_f is None:
            status, difference = NOT_COMPUTABLE, None
        else:
            difference = round(stated_f - computed_f, 6)
            status, rounding, low, high, why = _judge(stated_f, computed_f, unit, tolerance, stated_precision,
                                                      stated_modes, computed_intervals)
            if kind not in ("rounding rule", "sign", "unit"):  # these findings' own notes give their evidence
                note = "; ".join(p for p in (note, why) if p)
        row = {
            "document": document,
            "table": table,
            "item": item,
            "check": kind,
            "stated": stated_f,
            "computed": computed_f,
            "difference": difference,
            "tolerance": float(tolerance),
            "unit": unit,
            "status": status,
            "note": note,
            "source_file": source_file,
            "source_line": source_line,
            "stated_precision": float(stated_precision or 0),
            "rounding": rounding,
            "computed_low": low,
            "computed_high": high,
        }
        self.rows.append(row)
        return row

    def add_frame(self, checks: pd.DataFrame) -> None:
        """Many checks at once (e.g. three per line of a 200,000-line tracker): a frame with the
        arguments of :meth:`add` as columns (``kind`` as ``check``); status and difference are
        computed here by the same rule.  The frame is taken over (columns added in place)."""
        if not len(checks):
            return
        out = checks
        bad = set(out["check"].unique()) - set(CHECK_KINDS)
        if bad:
            raise ValueError(f"unknown check kind(s) {sorted(bad)}")
        for c in ("stated", "computed"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        if "tolerance" not in out:
            out["tolerance"] = 0.0
        out["tolerance"] = out["tolerance"].astype("float64")
        out["difference"] = (out["stated"] - out["computed"]).round(6)
        known = out["difference"].notna()
        out["status"] = NOT_COMPUTABLE
        out.loc[known, "status"] = OK
        off = known & (out["difference"].abs() > 1e-9)
        out.loc[off & (out["difference"].abs() <= out["tolerance"] + 1e-9), "status"] = WITHIN_ROUNDING
        out.loc[off & (out["difference"].abs() > out["tolerance"] + 1e-9), "status"] = MISMATCH
        if "stated_precision" not in out:
            out["stated_precision"] = 0.0
        out["rounding"] = ""
        out["computed_low"] = out["computed"].where(known)
        out["computed_high"] = out["computed"].where(known)
        self.frames.append((len(self.rows), out.reindex(columns=_COLUMNS)))

    def frame(self) -> pd.DataFrame:
        columns = _COLUMNS
        frame = pd.DataFrame(self.rows, columns=columns)
        if self.frames:  # in the order the checks were added
            parts, start = [], 0
            for position, checks in self.frames:
                parts += [frame.iloc[start:position], checks]
                start = position
            parts.append(frame.iloc[start:])
            parts = [p.astype({"source_line": "Int64"}) for p in parts if len(p)]
            frame = pd.concat(parts, ignore_index=True) if parts else frame
        for c in ("stated", "computed", "difference", "tolerance", "stated_precision", "computed_low",
                  "computed_high"):
            frame[c] = frame[c].astype("float64")
        frame["source_line"] = frame["source_line"].astype("Int64")
        for c in ("document", "table", "item", "check", "unit", "status", "note", "source_file", "rounding"):
            frame[c] = frame[c].astype("string")
        return frame


_COLUMNS = ["document", "table", "item", "check", "stated", "computed", "difference", "tolerance",
            "unit", "status", "note", "source_file", "source_line", "stated_precision", "rounding",
            "computed_low", "computed_high"]


def format_figure(value: float, unit: str) -> str:
    """A checked figure as the reconciliation's notes write it.

    Parameters
    ----------
    value : float
        The figure.
    unit : str
        Its unit: ``"gbp"`` for money in pounds, anything else written plainly.

    Returns
    -------
    str
        Money in pounds with pence shown when there are any (never rounded away); other units
        plainly.
    """
    if unit == "gbp":
        from .money import format_gbp
        if abs(value - round(value)) > 1e-9:  # pence are shown, never rounded away
            return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"
        return format_gbp(value)
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _judge(stated: float, computed: float, unit: str, tolerance: float, stated_precision: float,
           stated_modes: tuple[str, ...], computed_intervals: dict[str, pr.Interval] | None
           ) -> tuple[str, str, float, float, str]:
    """(status, rounding, low, high, note) for a check whose sides are both known."""
    intervals = computed_intervals or {"parts exact": pr.point(computed)}
    first = next(iter(intervals.values()))
    if abs(stated - computed) <= 1e-9:
        return OK, "", first.low, first.high, ""
    whole = 1.0 if unit in ("gbp", "count") else 0.0  # whole pounds and counts are exact at their unit
    modes = stated_modes if stated_precision > whole else (pr.EXACT,)
    tried = []
    for mode in modes:
        s = pr.printed(stated, stated_precision, mode)
        said = pr.describe(mode, stated_precision, unit)
        for how, allowed in intervals.items():
            if s.meets(allowed):
                text = f"stated {said}, {how}"
                return (WITHIN_ROUNDING, text, allowed.low, allowed.high,
                        f"within rounding: {format_figure(stated, unit)} printed {said} stands for "
                        f"{s.text(lambda v: format_figure(v, unit))}, which meets {allowed.text(lambda v: format_figure(v, unit))} "
                        f"that the parts allow ({how})")
            tried.append(f"{said}: {s.text(lambda v: format_figure(v, unit))} vs {how}: "
                         f"{allowed.text(lambda v: format_figure(v, unit))}")
    arithmetic = f"{format_figure(stated, unit)} stated vs {format_figure(computed, unit)} computed, a difference of " \
                 f"{format_figure(stated - computed, unit)}"
    if tolerance and abs(stated - computed) <= tolerance + 1e-9:
        return (WITHIN_ROUNDING, f"within ±{format_figure(tolerance, unit)}", first.low, first.high,
                f"within rounding: {arithmetic}, inside the tolerance of ±{format_figure(tolerance, unit)}")
    return (MISMATCH, "", first.low, first.high,
            f"mismatch: {arithmetic}, outside every admissible rounding ({'; '.join(tried)})")


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@needs(reconciliation=("document", "status"))
def summarise(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Counts of checks by document and status (for a headline line).

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        The ``reconciliation`` table: reads ``document`` and ``status``.

    Returns
    -------
    pandas.DataFrame
        One row per document: ``document`` and a count column for each of :data:`STATUSES`.
    """
    counts = (reconciliation.groupby(["document", "status"]).size().unstack("status", fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0))
    return counts.reset_index()


STATUS_ORDER = {MISMATCH: 0, NOT_COMPUTABLE: 1, WITHIN_ROUNDING: 2, OK: 3}
