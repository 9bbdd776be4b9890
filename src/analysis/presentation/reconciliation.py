"""Report 90's checks in members' words: the reconciliation table (:mod:`analysis.reconcile`) as
a page shows it and as its Excel download holds it.

* a saving is shown as a positive amount, as on every page of the pack: a savings tracker's
  savings (stored negative, as the tracker printed them) are turned round and a *Sign in the
  paper* column says the paper printed them negative;
* each figure carries its unit in its cell on the page (a check compares money, rates or counts
  in one column); the download holds the same figures as numbers;
* a paper is named by its own date and line (``the 11 January 2017 paper, line 157``), its part
  by words rather than a table name, and the arithmetic notes have no interval notation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from .. import numbers
from ..numbers import MINUS, money_exact, true_minus
from ..reconcile import MISMATCH, NOT_COMPUTABLE, OK, STATUS_ORDER, STATUSES, WITHIN_ROUNDING, summarise
from ..schemas import needs
from . import charts

__all__ = [
    "PART_WORDS", "UNIT_WORDS", "chart_status", "for_download", "for_report", "interval_words", "is_saving",
    "prose_sentence",
]

#: a processed table's name in members' words (report 90's "part of the paper" column)
PART_WORDS = {
    "savings_tracker": "Savings tracker", "financial_improvement_plan": "Financial Improvement Plan",
    "cla_trajectories": "Children looked after: plans and actuals", "prose_figures": "Figures in the paper's text",
    "paper prose": "The paper's text", "prose claims": "The paper's words against its own figures",
    "budget_proposals": "Business plan proposals",
    "placement_costs": "Placement costs", "placement_slippage": "Placement slippage",
    "budget_savings_requirement": "Savings requirement", "budget_inflation": "Inflation by service block",
    "budget_demand_pressures": "Demand pressures", "budget_cost_pressures": "Cost pressures",
    "comparator_rates": "Neighbours' rates", "budget_demand_funding": "Demand funding",
}
UNIT_WORDS = {"gbp": "£", "per_10k": "per 10,000", "count": ""}
#: a savings-tracker check on a saving (planned, forecast, phasing), not on investment or variance
_SAVING_ITEM = re.compile(r"planned|forecast|phasing|saving", re.I)
_NOT_SAVING_ITEM = re.compile(r"investment|variance", re.I)
#: an interval of the arithmetic notes: ``[£19,500, £20,500)``
_FIGURE = r"[−-]?£?[\d,.]+(?:k|m|bn)?"
_INTERVAL = re.compile(rf"([\[(])({_FIGURE}), ({_FIGURE})([\])])")


def is_saving(table: str, item: str) -> bool:
    """Whether a check's figures are a saving the tracker stores negative (processed sign).

    Parameters
    ----------
    table : str
        The processed table the check is on (only ``savings_tracker`` holds such savings).
    item : str
        The check's item (a planned, forecast or phasing saving; not investment or variance).

    Returns
    -------
    bool
        ``True`` for a savings tracker's saving.
    """
    return table == "savings_tracker" and bool(_SAVING_ITEM.search(item)) and not _NOT_SAVING_ITEM.search(item)


def interval_words(note: str) -> str:
    """An arithmetic note with its interval notation in words and true minus signs.

    ``[£19,500, £20,500)`` -> ``£19,500 up to £20,500``; ``[£21,520, £21,520]`` -> ``£21,520``;
    ``(£2.9m, £3.1m)`` -> ``between £2.9m and £3.1m``.

    Parameters
    ----------
    note : str
        A check's note (its arithmetic).

    Returns
    -------
    str
        The note in words.
    """
    def one(m: re.Match) -> str:
        left, a, b, right = m.groups()
        if a == b:
            return a
        if left == "[" and right == ")":
            return f"{a} up to {b}"
        if left == "(" and right == ")":
            return f"between {a} and {b}"
        return f"{a} to {b}"

    return true_minus(_INTERVAL.sub(one, note))


def _ordered(reconciliation: pd.DataFrame, documents: list[str] | None) -> pd.DataFrame:
    rec = reconciliation if documents is None else reconciliation[reconciliation.document.isin(documents)]
    rec = rec.assign(_order=rec.status.map(STATUS_ORDER))
    return rec.sort_values(["_order", "document", "source_line", "item"], kind="stable").drop(columns="_order")


def _signs(rec: pd.DataFrame, saving_signs: Mapping[str, str] | None) -> tuple[list[int], list[str]]:
    """Per check: the factor that shows a saving positive (-1 for a tracker's saving, else 1) and
    what the paper printed: ``saving printed negative`` / ``saving printed positive`` / empty."""
    factors, words = [], []
    for doc, table, item in zip(rec.document, rec["table"], rec["item"], strict=True):
        if is_saving(str(table), str(item)):
            printed = (saving_signs or {}).get(doc, "negative")
            factors.append(-1)
            words.append(f"saving printed {printed or 'negative'}")
        else:
            factors.append(1)
            words.append("")
    return factors, words


@needs(reconciliation=("status", "document", "source_line", "table", "item", "check", "stated", "computed", "difference", "unit", "note",
                       "source_file"))
def for_download(reconciliation: pd.DataFrame, documents: list[str] | None = None,
                 saving_signs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every check as numbers for the Excel download, in :func:`for_report`'s order and sign.

    Savings positive (``paper_sign`` says what the paper printed), ``stated``, ``computed`` and
    ``difference`` in the check's ``unit`` (``gbp`` whole pounds, ``per_10k``, ``count``), and the
    file and line of the printed figure.

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        The pack's ``reconciliation`` rows (:mod:`analysis.reconcile`): ``status``, ``document``,
        ``source_line``, ``table``, ``item``, ``check``, ``stated``, ``computed`` and ``difference``
        (in ``unit``: ``gbp`` whole pounds, ``per_10k`` per 10,000 children aged 0-17, ``pct``
        percent, ``count``), ``unit``, ``note``, ``source_file``, and ``rounding`` where present.
    documents : list of str, optional
        Only the checks of these documents (the papers in force); ``None`` = every check.
    saving_signs : mapping of str to str, optional
        Document -> the sign its savings are printed with
        (:func:`analysis.presentation.display.saving_signs`); a tracker with none is taken as
        ``negative``.

    Returns
    -------
    pandas.DataFrame
        ``status``, ``document``, ``table``, ``item``, ``check``, ``stated``, ``computed``,
        ``difference``, ``unit``, ``paper_sign``, ``source_file``, ``source_line``, ``rounding`` and
        ``note``.
    """
    rec = _ordered(reconciliation, documents)
    factors, words = _signs(rec, saving_signs)
    f = pd.Series(factors, index=rec.index, dtype="float64")
    out = rec[["status", "document", "table", "item", "check"]].copy()
    for col in ("stated", "computed", "difference"):
        out[col] = rec[col].astype("float64") * f
    out["unit"] = rec.unit.values
    out["paper_sign"] = words
    out["source_file"] = rec.source_file.values
    out["source_line"] = rec.source_line.values
    out["rounding"] = rec["rounding"].fillna("").values if "rounding" in rec else ""
    out["note"] = rec.note.values
    return out.reset_index(drop=True)


@needs(reconciliation=("status", "document", "source_line", "table", "item", "check", "stated", "computed", "difference", "unit", "note"))
def for_report(reconciliation: pd.DataFrame, documents: list[str] | None = None,
               papers: Mapping[str, str] | None = None, saving_signs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every check in members' words, mismatches first.

    Then not computable, then within rounding, then ok; by document and source line: the part of the
    paper (:data:`PART_WORDS`), figures with their unit in the cell (£ to the pound, rates to two
    decimals, children), a saving shown positive as everywhere in the pack with ``paper_sign``
    saying the paper printed it negative, ``where`` as the paper's date and line and the note's
    arithmetic without interval notation.  ``rounding`` says which rounding lets a check agree
    within rounding.  :func:`for_download` is the same as numbers.

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        The pack's ``reconciliation`` rows (:mod:`analysis.reconcile`): ``status``, ``document``,
        ``source_line``, ``table``, ``item``, ``check``, ``stated``, ``computed`` and ``difference``
        (in ``unit``: ``gbp`` whole pounds, ``per_10k`` per 10,000 children aged 0-17, ``pct``
        percent, ``count``), ``unit``, ``note``, and ``rounding`` where present.
    documents : list of str, optional
        Only the checks of these documents (the papers in force); ``None`` = every check.
    papers : mapping of str to str, optional
        Document -> the paper's own date in words (:func:`analysis.presentation.display.paper_labels`).
    saving_signs : mapping of str to str, optional
        Document -> the sign its savings are printed with
        (:func:`analysis.presentation.display.saving_signs`); a tracker with none is taken as
        ``negative``.

    Returns
    -------
    pandas.DataFrame
        ``status``, ``part_of_the_paper``, ``item``, ``check``, ``stated``, ``computed``,
        ``difference``, ``paper_sign``, ``unit``, ``where``, ``rounding`` and ``note``, as text.
    """
    rec = _ordered(reconciliation, documents)
    factors, words = _signs(rec, saving_signs)

    def fmt(value, unit, factor):
        if value is None or pd.isna(value):
            return "–"
        value = value * factor
        if unit == "gbp":
            return money_exact(value)
        text = f"{abs(value):,.2f}" if unit == "per_10k" else f"{abs(value):,.1f}" if unit == "pct" else f"{abs(value):,.0f}"
        words = UNIT_WORDS.get(unit, unit)
        sign = MINUS if value < 0 and text.strip("0.,") else ""
        return sign + text + ("%" if unit == "pct" else f" {words}" if words else "")

    out = rec[["status"]].copy()
    out["part_of_the_paper"] = [PART_WORDS.get(str(t), str(t).replace("_", " ").capitalize()) for t in rec["table"]]
    out["item"] = [true_minus(str(i)) for i in rec["item"]]
    out["check"] = rec["check"].values
    for col in ("stated", "computed", "difference"):
        out[col] = [fmt(v, u, k) for v, u, k in zip(rec[col], rec.unit, factors, strict=True)]
    out["paper_sign"] = words
    out["unit"] = rec.unit.values
    names = papers or {}
    out["where"] = [(f"{names.get(d, 'paper ' + str(d))}, line {int(line)}" if pd.notna(line) else names.get(d, str(d)))
                    for d, line in zip(rec.document, rec.source_line, strict=True)]
    out["rounding"] = [interval_words(str(r)) for r in (rec["rounding"].fillna("") if "rounding" in rec else [""] * len(rec))]
    out["note"] = [interval_words(str(n)) if isinstance(n, str) else "" for n in rec.note]
    return out.reset_index(drop=True)


@needs(words=("status",))
def prose_sentence(words: pd.DataFrame) -> str:
    """``9 figures in the papers' words ...: 2 disagree, 7 agree`` for the checks of kind ``prose``.

    See :mod:`analysis.ingest.prose_claims`.

    Parameters
    ----------
    words : pandas.DataFrame or None
        The ``reconciliation`` rows of check ``prose``: ``status``.  ``None`` or empty = no claim.

    Returns
    -------
    str
        The sentence.
    """
    if words is None or words.empty:
        return "The papers in force make no claim in their words that their own figures could check."
    counts = words.status.value_counts()
    parts = [f"{int(counts[s]):,} {w}" for s, w in (("mismatch", "disagree"), ("not computable", "could not be computed"),
                                                    ("within rounding", "agree within rounding"), ("ok", "agree"))
             if s in counts]
    return (f"{len(words):,} figures in the papers' words - a commentary, a paragraph, a sentence deriving a figure - "
            "set against the papers' own figures for what they talk about (the row, the section's heading, the "
            "sentence's other figures, a total the paper prints): " + ", ".join(parts) + ".")


@needs(reconciliation=("document", "status"))
@charts.styled
def chart_status(reconciliation: pd.DataFrame, *, source: str, papers: Mapping[str, str] | None = None) -> Figure:
    """Stacked bars: checks by paper and status.

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        The pack's ``reconciliation`` rows: ``document`` and ``status``.
    source : str
        The source line under the chart.
    papers : mapping of str to str, optional
        Document -> words naming it for the reader (``the 11 January 2017 paper``).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    from matplotlib.patches import Patch

    counts = summarise(reconciliation)
    fig, ax = charts.new_figure(height=max(2.6, 0.4 * len(counts) + 2.0))
    left = [0] * len(counts)
    looks = {OK: (charts.RAG_COLOURS["Green"], ""), WITHIN_ROUNDING: (charts.RAG_COLOURS["Amber"], "//"),
             MISMATCH: (charts.RAG_COLOURS["Red"], "xx"), NOT_COMPUTABLE: (charts.OTHER, "..")}
    rows = list(range(len(counts)))
    for status in STATUSES:
        values = [int(v) for v in counts[status]]
        colour, hatch = looks[status]
        ax.barh(rows, values, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for row, total in zip(rows, left, strict=True):
        words = [f"{numbers.count(counts.loc[row, c])} {w}" for c, w in
                 ((OK, "agree"), (WITHIN_ROUNDING, "within rounding"), (MISMATCH, "mismatch"),
                  (NOT_COMPUTABLE, "not computable"))
                 if c in counts.columns and int(counts.loc[row, c])]
        ax.annotate(", ".join(words), (total, row), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=charts.LABEL_FONT, color=charts.TEXT)
    def name(document: str) -> str:
        words = (papers or {}).get(str(document), f"paper {document}")
        return words[:1].upper() + words[1:]

    ax.set_yticks(rows, [name(d) for d in counts.document])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    charts.legend_above(ax, [Patch(facecolor=looks[s][0], hatch=looks[s][1], edgecolor="white", label=label)
                             for s, label in ((OK, "Agree exactly"), (WITHIN_ROUNDING, "Within rounding"),
                                              (MISMATCH, "Mismatch"), (NOT_COMPUTABLE, "Not computable"))])
    mismatches = int(counts[MISMATCH].sum())
    worst = counts.sort_values(MISMATCH, ascending=False).iloc[0]
    title = (f"{mismatches} of {len(reconciliation)} printed figures do not agree with their own parts; "
             f"{name(worst.document)[:1].lower() + name(worst.document)[1:]} has the most ({int(worst[MISMATCH])})"
             if mismatches else
             f"None of {len(reconciliation)} printed figures disagrees with its own parts")
    return charts.finish(fig, ax, title=title,
                         subtitle="Reconciliation checks by paper and status: agree exactly, within rounding "
                                  "(hatched /), mismatch (hatched ×) and not computable (dotted)", xlabel="Checks (count)", source=source)
