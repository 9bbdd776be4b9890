"""Reconciliation: every printed total, average, rate and repeated figure, recomputed.

Readers call :meth:`Checks.add` with the figure as printed (``stated``) and the figure
recomputed from its printed parts (``computed``).  Nothing is ever "fixed": the stated figure is
what the paper says, the computed one what its own parts say, and ``difference`` is
``stated - computed``.

``status`` is ``ok`` when ``|difference| <= tolerance``, ``mismatch`` otherwise, and
``not computable`` when either side is missing (the note says why).  ``tolerance`` is zero for
sums of figures printed to the same precision, and half a printed unit where the stated figure
is rounded (an integer rate, a figure "rounded to the nearest £1k"); the ``tolerance`` column
says which was used for every check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

OK, MISMATCH, NOT_COMPUTABLE = "ok", "mismatch", "not computable"
STATUSES = (OK, MISMATCH, NOT_COMPUTABLE)

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
}


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
    ) -> dict:
        if kind not in CHECK_KINDS:
            raise ValueError(f"unknown check kind {kind!r}")
        stated_f = _num(stated)
        computed_f = _num(computed)
        if stated_f is None or computed_f is None:
            status, difference = NOT_COMPUTABLE, None
        else:
            difference = round(stated_f - computed_f, 6)
            status = OK if abs(difference) <= tolerance + 1e-9 else MISMATCH
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
        out.loc[known & (out["difference"].abs() > out["tolerance"] + 1e-9), "status"] = MISMATCH
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
        for c in ("stated", "computed", "difference", "tolerance"):
            frame[c] = frame[c].astype("float64")
        frame["source_line"] = frame["source_line"].astype("Int64")
        for c in ("document", "table", "item", "check", "unit", "status", "note", "source_file"):
            frame[c] = frame[c].astype("string")
        return frame


_COLUMNS = ["document", "table", "item", "check", "stated", "computed", "difference", "tolerance",
            "unit", "status", "note", "source_file", "source_line"]


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def summarise(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Counts of checks by document and status (for a headline line)."""
    counts = (reconciliation.groupby(["document", "status"]).size().unstack("status", fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0))
    return counts.reset_index()


STATUS_ORDER = {MISMATCH: 0, NOT_COMPUTABLE: 1, OK: 2}


def for_report(reconciliation: pd.DataFrame, documents: list[str] | None = None) -> pd.DataFrame:
    """Every check, mismatches first, then not computable, then ok; by document and source line.
    Figures are formatted for a reader in the check's unit (``stated_text`` …)."""
    from .presentation.numbers import MINUS, money_exact

    rec = reconciliation if documents is None else reconciliation[reconciliation.document.isin(documents)]
    rec = rec.assign(_order=rec.status.map(STATUS_ORDER))
    rec = rec.sort_values(["_order", "document", "source_line", "item"], kind="stable").drop(columns="_order")

    def fmt(value, unit):
        if value is None or pd.isna(value):
            return "–"
        if unit == "gbp":
            return money_exact(value)
        return f"{value:,.2f}".rstrip("0").rstrip(".").replace("-", MINUS)

    out = rec[["status", "document", "table", "item", "check"]].copy()
    out["stated"] = [fmt(v, u) for v, u in zip(rec.stated, rec.unit)]
    out["computed"] = [fmt(v, u) for v, u in zip(rec.computed, rec.unit)]
    out["difference"] = [fmt(v, u) for v, u in zip(rec.difference, rec.unit)]
    out["unit"] = rec.unit.values
    out["where"] = [f"{f}:{int(line)}" if pd.notna(line) else f for f, line in zip(rec.source_file, rec.source_line)]
    out["note"] = rec.note.values
    return out.reset_index(drop=True)


def chart_status(reconciliation: pd.DataFrame, *, source: str):
    """Stacked bars: checks by document and status (drawn in the chart style context)."""
    from .presentation import charts

    with charts.style():
        return _chart_status(reconciliation, source=source)


def _chart_status(reconciliation: pd.DataFrame, *, source: str):
    from matplotlib.patches import Patch

    from .presentation import charts, numbers

    counts = summarise(reconciliation)
    fig, ax = charts.new_figure(height=max(2.6, 0.4 * len(counts) + 2.0))
    left = [0] * len(counts)
    looks = {OK: (charts.RAG_COLOURS["Green"], ""), MISMATCH: (charts.RAG_COLOURS["Red"], "xx"),
             NOT_COMPUTABLE: (charts.OTHER, "..")}
    rows = list(range(len(counts)))
    for status in STATUSES:
        values = [int(v) for v in counts[status]]
        colour, hatch = looks[status]
        ax.barh(rows, values, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0, height=0.6)
        left = [a + b for a, b in zip(left, values)]
    for row, total in zip(rows, left):
        words = [f"{numbers.count(counts.loc[row, c])} {w}" for c, w in
                 ((OK, "agree"), (MISMATCH, "mismatch"), (NOT_COMPUTABLE, "not computable"))
                 if c in counts.columns and int(counts.loc[row, c])]
        ax.annotate(", ".join(words), (total, row), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=charts.LABEL_FONT, color=charts.TEXT)
    ax.set_yticks(rows, [f"Document {d}" for d in counts.document])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    charts.legend_above(ax, [Patch(facecolor=looks[s][0], hatch=looks[s][1], edgecolor="white", label=label)
                             for s, label in ((OK, "Agree"), (MISMATCH, "Mismatch"), (NOT_COMPUTABLE, "Not computable"))])
    mismatches = int(counts[MISMATCH].sum())
    worst = counts.sort_values(MISMATCH, ascending=False).iloc[0]
    title = (f"{mismatches} of {len(reconciliation)} printed figures do not agree with their own parts; document "
             f"{worst.document} has the most ({int(worst[MISMATCH])})" if mismatches else
             f"None of {len(reconciliation)} printed figures disagrees with its own parts")
    return charts.finish(fig, ax, title=title,
                         subtitle="Reconciliation checks by document and status: agree, mismatch (hatched ×) and "
                                  "not computable (dotted)", xlabel="Checks (count)", source=source)
