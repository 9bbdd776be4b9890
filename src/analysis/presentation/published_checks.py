"""The papers' claims against the statistics of their time (``statistics_checks``, kind
``published``) as report 90 shows them and as questions for officers.

Each check names the paper by its date and line, the figure as printed, the published figure with
its release and date, and the verdict: agrees, within rounding, differs, not published (no release
had published the measure for that date by the paper's month), not in the releases read, not
computable.  A figure that *differs* is asked about: "which figure does the paper rest on?".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import numbers
from ..schemas import needs
from .questions import Question, _paper
from .reconciliation import interval_words

__all__ = [
    "EXCEL_LABELS", "LABELS", "VERDICT_ORDER", "counts_sentence", "figure", "for_report", "ordered",
    "published_questions",
]

VERDICT_ORDER = {"differs": 0, "not published": 1, "not computable": 2, "not in the releases read": 3,
                 "within rounding": 4, "agrees": 5}
_MAX_QUESTIONS = 6


def figure(value: float | None, unit: str) -> str:
    """A figure with its unit in words: ``121 per 10,000``, ``12%``, ``305``.

    Parameters
    ----------
    value : float or None
        The figure (``None``/NaN = missing, shown as :data:`analysis.numbers.MISSING`).
    unit : str
        ``per_10k`` (per 10,000 children aged 0-17), ``pct`` (percent) or anything else (a count
        or measure).

    Returns
    -------
    str
        The figure in words.
    """
    if value is None or pd.isna(value):
        return numbers.MISSING
    v = float(value)
    if unit == "per_10k":
        return f"{numbers.rate(v, 0 if v.is_integer() else 2)} per 10,000"
    if unit == "pct":
        return numbers.pct(v, 0 if v.is_integer() else 1)
    return numbers.count(v) if v.is_integer() else f"{v:,.1f}"


@needs(checks=("verdict", "document", "source_line"))
def ordered(checks: pd.DataFrame) -> pd.DataFrame:
    """The checks in the page's order: those that differ first, then by paper and line.

    The workbook's rows follow the page's.

    Parameters
    ----------
    checks : pandas.DataFrame
        ``statistics_checks`` rows: ``verdict``, ``document`` and ``source_line``.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, sorted by :data:`VERDICT_ORDER`, paper and line.
    """
    rows = checks.assign(_order=checks.verdict.map(VERDICT_ORDER).fillna(9))
    return rows.sort_values(["_order", "document", "source_line"], kind="stable").drop(columns="_order")


@needs(checks=("verdict", "document", "source_line", "item", "stated", "computed", "unit", "release", "note"))
def for_report(checks: pd.DataFrame | None, papers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The checks, those that differ first, in members' words.

    Parameters
    ----------
    checks : pandas.DataFrame or None
        ``statistics_checks`` rows of the pack's papers in force
        (:func:`analysis.analyses.public_pack.statistics_checks`): ``verdict``, ``document``,
        ``source_line``, ``item``, ``stated`` and ``computed`` (in ``unit``), ``unit``, ``release``
        and ``note``.  ``None`` or empty = no checks.
    papers : mapping of str to str, optional
        Document -> the words naming the paper (:func:`analysis.presentation.display.paper_labels`).

    Returns
    -------
    pandas.DataFrame
        ``verdict``, ``where`` (the paper's date and line), ``item``, ``printed``, ``published``,
        ``release`` and ``note``, all text.
    """
    if checks is None or checks.empty:
        return pd.DataFrame(columns=["verdict", "where", "item", "printed", "published", "release", "note"])
    rows = ordered(checks)
    names = papers or {}
    out = pd.DataFrame({
        "verdict": rows.verdict.values,
        "where": [f"{names.get(d, 'paper ' + str(d))}, line {int(line)}" if pd.notna(line) else names.get(d, str(d))
                  for d, line in zip(rows.document, rows.source_line, strict=True)],
        "item": [numbers.true_minus(str(i)) for i in rows["item"]],
        "printed": [figure(v, u) for v, u in zip(rows.stated, rows.unit, strict=True)],
        "published": [figure(v, u) for v, u in zip(rows.computed, rows.unit, strict=True)],
        "release": [r if isinstance(r, str) else numbers.MISSING for r in rows.release],
        "note": [interval_words(str(n)) for n in rows.note]})
    return out.reset_index(drop=True)


LABELS = {"verdict": "Verdict", "where": "Where in the paper", "item": "Figure", "printed": "Printed",
          "published": "Published by the paper's month", "release": "Release", "note": "How it was checked"}
#: the workbook's headings for ``statistics_checks``' columns: a figure's column is headed as on the page
EXCEL_LABELS = {"verdict": "Verdict", "item": "Figure", "stated": "Printed", "computed": "Published by the paper's month",
                "release": "Release", "note": "How it was checked"}


@needs(checks=("verdict",))
def counts_sentence(checks: pd.DataFrame | None) -> str:
    """``12 figures the papers print of a published measure: 5 agree, 2 within rounding, ...``.

    Parameters
    ----------
    checks : pandas.DataFrame or None
        ``statistics_checks`` rows of the pack's papers in force
        (:func:`analysis.analyses.public_pack.statistics_checks`): ``verdict``.  ``None`` or empty = no checks.

    Returns
    -------
    str
        The sentence.
    """
    if checks is None or checks.empty:
        return "The papers in force print no figure of a published measure that could be checked."
    counts = checks.verdict.value_counts()
    parts = [f"{int(counts[v])} {v if v not in ('agrees', 'differs') else ('agree' if v == 'agrees' else 'differ')}"
             for v in VERDICT_ORDER if v in counts]
    return (f"{len(checks)} figures the papers in force print of a published measure, each set against the release "
            f"of the paper's month: " + ", ".join(parts) + ".")


@needs(checks=("verdict", "document", "source_line", "item", "stated", "computed", "unit", "release"),
       sources=("document", "paper", "date"))
def published_questions(checks: pd.DataFrame | None, sources: pd.DataFrame | None) -> list[Question]:
    """Each figure that differs from the statistics of the paper's month, as a question.

    At most six (``_MAX_QUESTIONS``), in the order the papers print them.

    Parameters
    ----------
    checks : pandas.DataFrame or None
        ``statistics_checks`` rows of the pack's papers in force
        (:func:`analysis.analyses.public_pack.statistics_checks`): ``verdict``, ``document``,
        ``source_line``, ``item``, ``stated``, ``computed``, ``unit`` and ``release``.  ``None`` or
        empty = no questions.
    sources : pandas.DataFrame
        The pack's sources: ``document``, ``paper`` and ``date`` (naming the paper).

    Returns
    -------
    list of analysis.presentation.questions.Question
        The questions.
    """
    if checks is None or checks.empty:
        return []
    out = []
    for r in checks[checks.verdict == "differs"].sort_values(["document", "source_line"]).itertuples():
        release = r.release if isinstance(r.release, str) else "the release of the paper's month"
        out.append(Question(
            f"{r.item}: the paper prints {figure(r.stated, r.unit)}, but {release} - published before the paper - "
            f"gives {figure(r.computed, r.unit)}. Which figure does the paper rest on, and does the argument still "
            "hold with the published one?",
            f"{_paper(r.document, sources)}, line {int(r.source_line)}" if pd.notna(r.source_line)
            else _paper(r.document, sources)))
    return out[:_MAX_QUESTIONS]
