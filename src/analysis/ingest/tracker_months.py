"""A tracker against the authority's previous tracker, and against what any council could plan.

A monthly tracker is typed by hand, month after month; two slips survive every check inside one
file and would publish a wrong headline with exit status 0:

* **a unit slip** - a tracker in pounds registered as £000 (or the reverse) multiplies every figure
  by 1,000, and its lines and totals still agree with each other.  Its planned saving is then about
  :data:`~analysis.assumptions.UNIT_JUMP_FACTOR` times the previous tracker's, or more than
  :data:`~analysis.assumptions.IMPLAUSIBLE_TRACKER_SAVING_GBP` in all.  Either is a ``unit`` check
  that mismatches; a pack whose papers in force carry one is not published
  (:data:`analysis.reconcile.STOP_KINDS`);
* **a sign slip** - a line typed without its minus, where the totals row is itself a formula.  The
  same reference printed last month with the opposite sign and the same amount is a ``sign`` check
  and the line's ``sign_doubt`` says so, which every headline including the line repeats.

The previous tracker is the same authority's latest one with an earlier period (usually last
month's).  Figures are the processed ones: whole pounds, negative = saving.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import assumptions
from ..manifest import SourceDocument
from ..money import format_gbp
from ..reconcile import Checks
from ..schemas import needs

__all__ = ["TABLE", "month_checks"]

TABLE = "savings_tracker"


def _sum(frame: pd.DataFrame, column: str) -> int | None:
    values = frame[column].dropna()
    return int(values.sum()) if len(values) else None


def _is_unit_jump(current: int | None, previous: int | None) -> bool:
    if not current or not previous:
        return False
    ratio = abs(current) / abs(previous)
    scale = math.log10(assumptions.UNIT_JUMP_FACTOR)
    return abs(abs(math.log10(ratio)) - scale) <= 0.5


def _where(frame: pd.DataFrame) -> int | None:
    lines = frame["source_line"].dropna()
    return int(lines.min()) if len(lines) else None


@needs(tables=())
def month_checks(tables: dict[str, pd.DataFrame], checks: Checks, documents: list[SourceDocument]) -> None:
    """Check every tracker against its authority's previous one.

    Add the ``unit`` and ``sign`` checks of every tracker against its authority's previous one and
    the plausibility check of each (against
    :data:`analysis.assumptions.IMPLAUSIBLE_TRACKER_SAVING_GBP`, pounds); set ``sign_doubt`` on lines
    whose sign flipped since.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The run's tables by name; its ``savings_tracker`` (when there is one) is read and given
        ``sign_doubt`` in place.
    checks : Checks
        The run's reconciliation checks, added to.
    documents : list of SourceDocument
        The run's manifest rows.
    """
    tracker = tables.get(TABLE)
    if tracker is None or tracker.empty:
        return
    trackers = sorted((d for d in documents if d.kind == TABLE), key=lambda d: (d.authority, d.period))
    rows = {doc: group for doc, group in tracker.groupby("document", sort=False)}
    limit = assumptions.IMPLAUSIBLE_TRACKER_SAVING_GBP
    previous: SourceDocument | None = None
    for doc in trackers:
        lines = rows.get(doc.document)
        if lines is None:
            continue
        column, what = next(((c, w) for c, w in (("planned_total_gbp", "planned"), ("forecast_total_gbp", "forecast"))
                             if _sum(lines, c) is not None), ("planned_total_gbp", "planned"))
        total = _sum(lines, column)
        if total is not None and abs(total) > limit:
            checks.add(document=doc.document, table=TABLE, item=f"{what} saving of the whole tracker against what a "
                       "council could plan", kind="unit", stated=total, computed=math.copysign(limit, total),
                       unit="gbp", source_file=doc.file, source_line=_where(lines),
                       note=f"{format_gbp(abs(total))} {what}: more than {format_gbp(limit)}, which no council's "
                            f"children's services savings tracker comes near - is the unit right? (registered as "
                            f"unit={doc.unit})")
        before = previous if previous is not None and previous.authority == doc.authority else None
        previous = doc
        if before is None or before.document not in rows:
            continue
        last = rows[before.document]
        now, then = _sum(lines, "planned_total_gbp"), _sum(last, "planned_total_gbp")
        if now and then and _is_unit_jump(now, then):
            checks.add(document=doc.document, table=TABLE,
                       item=f"planned saving against the previous tracker ({before.period}, document {before.document})",
                       kind="unit", stated=now, computed=then, unit="gbp", source_file=doc.file,
                       source_line=_where(lines),
                       note=f"{format_gbp(abs(now))} planned against {format_gbp(abs(then))} in {before.period}: about "
                            f"{abs(now) / abs(then):,.0f} times - one of the two trackers is read in the wrong unit "
                            f"(registered: {doc.unit} now, {before.unit} then)")
        _sign_flips(doc, before, lines, last, tracker, checks)


def _sign_flips(doc: SourceDocument, before: SourceDocument, lines: pd.DataFrame, last: pd.DataFrame,
                tracker: pd.DataFrame, checks: Checks) -> None:
    """A line whose planned (or forecast) saving is last month's with the other sign."""
    earlier = last.drop_duplicates("reference").set_index("reference")
    for index, row in lines.iterrows():
        if row["reference"] not in earlier.index:
            continue
        then = earlier.loc[row["reference"]]
        for column, what in (("planned_total_gbp", "planned saving"), ("forecast_total_gbp", "forecast saving")):
            value, old = row[column], then[column]
            if pd.isna(value) or pd.isna(old) or value == 0 or value != -old:
                continue
            reason = (f"its {what} is {format_gbp(-int(value))} as a saving here but was "
                      f"{format_gbp(-int(old))} in {before.period}: the sign changed")
            doubt = tracker.at[index, "sign_doubt"]
            tracker.at[index, "sign_doubt"] = reason if pd.isna(doubt) else f"{doubt}; {reason}"
            checks.add(document=doc.document, table=TABLE, item=f"{row['reference']}: sign of the {what} against "
                       f"{before.period}", kind="sign", stated=int(value), computed=int(old), unit="gbp",
                       source_file=doc.file, source_line=int(row["source_line"]),
                       note=f"the same line printed {format_gbp(int(old))} in the {before.period} tracker (document "
                            f"{before.document}) and {format_gbp(int(value))} now (negative = saving): typed without "
                            "its minus?")
