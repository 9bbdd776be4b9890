"""Questions for officers: what a pack's papers contradict, put as plain questions with their
arithmetic, for the end of the scorecard.

Each mismatch of the pack's reconciliation (its papers in force only) becomes one question: where
the figure is (the paper, its table or line), what is printed, what the paper's own figures give
and how, and "which is right?".  Checks of one table that differ only by year are one question
with the years and the range of the differences (e.g. "Table 7's reduction in spend compared to
2013-14 for 2015-16 to 2017-18 is printed £1.4m to £1.5m lower than its own costs give").
Figures a later publication supersedes (:func:`superseded_questions`) are asked about too.

Money is written in the pack's style (:mod:`analysis.numbers`); a ``unit`` check
(a tracker read in the wrong unit) is not a question - it stops the pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .. import numbers
from ..schemas import needs

__all__ = ["SCORECARD_QUESTIONS", "Question", "questions_html", "reconciliation_questions", "superseded_questions"]

_YEAR = re.compile(r"\b(\d{4}-\d{2})\b")
_MAX_QUESTIONS = 8


@dataclass(frozen=True)
class Question:
    """One question: its words, and where the figures are (paper and lines) for the analyst."""

    text: str
    where: str


def _figure(value: float, unit: str) -> str:
    if pd.isna(value):
        return "–"
    if unit == "gbp":
        return numbers.money_exact(value) if abs(value) < 100_000 and float(value) != round(value, -3) \
            else numbers.money(value)
    if unit == "per_10k":
        return f"{numbers.rate(value)} per 10,000"
    if unit == "pct":
        return numbers.pct(value, 1)
    return numbers.count(value) if float(value) == round(value) else f"{float(value):,.2f}"


def _difference(value: float, unit: str) -> str:
    return _figure(abs(value), unit)


def _arithmetic(note: str) -> str:
    """The check's own working, without the rounding analysis appended to mismatches."""
    text = str(note or "").split("; mismatch:", 1)[0].split("; within", 1)[0].strip()
    return text if text and not text.startswith("mismatch") else ""


def _paper(document: str, sources: pd.DataFrame) -> str:
    row = sources[sources.document == document]
    if row.empty:
        return f"document {document}"
    r = row.iloc[0]
    return f"{r.paper} ({numbers.date(r.date) if len(str(r.date)) == 10 else r.date})"


def _one(rows: pd.DataFrame, sources: pd.DataFrame) -> Question:
    """One printed figure that its paper's own figures contradict, in one or more ways."""
    first = rows.iloc[0]
    gives = " and ".join(f"{_figure(r['computed'], r['unit'])}" + (f" ({w})" if (w := _arithmetic(r['note'])) else "")
                         for _, r in rows.iterrows())
    direction = "more" if first["difference"] > 0 else "less"
    text = (f"{first['item']}: printed {_figure(first['stated'], first['unit'])}, but the paper's own figures give "
            f"{gives} - {_difference(first['difference'], first['unit'])} {direction}. Which is right?")
    return Question(text, f"{_paper(first['document'], sources)}, line {first['source_line']}")


def _group(rows: pd.DataFrame, sources: pd.DataFrame, pattern: str) -> Question:
    first = rows.iloc[0]
    # the rows were grouped by a pattern made where _YEAR matched: every item holds a year
    years = [m.group(1) for i in rows["item"] if (m := _YEAR.search(str(i)))]
    lows, highs = rows.difference.abs().min(), rows.difference.abs().max()
    direction = "higher" if (rows.difference > 0).all() else "lower" if (rows.difference < 0).all() else "different"
    span = (_difference(lows, first.unit) if lows == highs
            else f"{_difference(lows, first.unit)} to {_difference(highs, first.unit)}")
    subject = pattern.replace("{year}", "").replace("  ", " ").strip(" :")
    working = _arithmetic(first.note)
    text = (f"{subject} for {years[0]} to {years[-1]} is printed {span} {direction} than the paper's own "
            f"figures give (for {years[0]}: printed {_figure(first.stated, first.unit)}, computed "
            f"{_figure(first.computed, first.unit)}" + (f": {working}" if working else "") + "). Which is right?")
    lines = ", ".join(str(int(v)) for v in rows.source_line.dropna())
    return Question(text, f"{_paper(first.document, sources)}, lines {lines}")


@needs(rec=("status", "check", "item", "document", "source_line", "stated", "computed", "difference",
            "unit", "note"),
       sources=("document", "paper", "date"))
def reconciliation_questions(rec: pd.DataFrame, sources: pd.DataFrame) -> list[Question]:
    """The pack's mismatches as questions, in the order the papers print them.

    See the module's docstring; at most eight (``_MAX_QUESTIONS``): report 90 lists every check.
    Checks of a kind that stops the pack (:data:`analysis.reconcile.STOP_KINDS`) and rounding rules
    are not asked.

    Parameters
    ----------
    rec : pandas.DataFrame
        The pack's ``reconciliation`` rows: ``status``, ``check``, ``item``, ``document``,
        ``source_line``, ``stated``, ``computed`` and ``difference`` (in ``unit``: ``gbp`` is whole
        pounds, ``per_10k`` per 10,000 children aged 0-17, ``pct`` percent), ``unit`` and ``note``.
    sources : pandas.DataFrame
        The pack's sources: ``document``, ``paper`` and ``date`` (naming the paper).

    Returns
    -------
    list of Question
        The questions.
    """
    from ..reconcile import STOP_KINDS

    skip = (*STOP_KINDS, "rounding rule")  # a paper's rounding rule is a finding of report 90, not a question
    bad = rec[(rec.status == "mismatch") & ~rec["check"].isin(skip)].copy()
    if bad.empty:
        return []
    bad["pattern"] = [_YEAR.sub("{year}", str(i), count=1) if _YEAR.search(str(i)) else "" for i in bad["item"]]
    out: list[Question] = []
    done: set = set()
    for index, row in bad.iterrows():
        if index in done:
            continue
        years = bad[(bad.pattern == row["pattern"]) & (bad.document == row["document"])
                    & (bad["check"] == row["check"])] if row["pattern"] else bad.loc[[index]]
        if len(years) > 1:  # the same check over several years: one question
            done.update(years.index)
            out.append(_group(years, sources, row["pattern"]))
            continue
        figure = bad[(bad.document == row["document"]) & (bad.source_line == row["source_line"])
                     & (bad.stated == row["stated"])]  # one printed figure contradicted in several ways
        done.update(figure.index)
        out.append(_one(figure, sources))
    return out[:_MAX_QUESTIONS]


def superseded_questions(rows: list[dict]) -> list[Question]:
    """Each paper figure a later publication supersedes on the scorecard, as a question.

    Parameters
    ----------
    rows : list of dict
        :func:`analysis.analyses.scorecard.superseded_rows`'s output: each with ``paper`` and
        ``published`` scorecard rows (``measure``, ``value``, ``as_at``, ``source``).

    Returns
    -------
    list of Question
        The questions.
    """
    out = []
    for r in rows:
        paper, published = r["paper"], r["published"]
        out.append(Question(
            f"{published['measure']}: {paper['source']} gives {paper['value']} ({paper['as_at']}); the figures "
            f"published since give {published['value']} ({published['as_at']}). Do the plans and reports that "
            "quote the paper's figure still hold?", paper["source"]))
    return out


#: questions the scorecard shows, so that it prints on one A4 page; the rest are counted and
#: their checks are in report 90
SCORECARD_QUESTIONS = 3


def questions_html(asked: list[Question], limit: int | None = None) -> str:
    """The questions as a numbered list, each with where its figures are.

    Escaped: paper text is untrusted.

    Parameters
    ----------
    asked : list of Question
        The questions, in the order asked: the papers' own figures, then the statistics of their
        time, then superseded figures.
    limit : int, optional
        Show the first ``limit`` and a line counting the others, whose checks report 90 lists.

    Returns
    -------
    str
        ``<ol class="questions">`` HTML (and the note).
    """
    import html

    shown = asked if limit is None else asked[:limit]
    items = "".join(f'<li>{html.escape(q.text)} <span class="where">({html.escape(q.where)})</span></li>'
                    for q in shown)
    more = len(asked) - len(shown)
    rest = (f'<p class="note">{more} more question{"s" if more > 1 else ""} of the same kind: report 90 '
            "(Reconciliation) lists every check they come from, with its arithmetic.</p>") if more else ""
    return f'<ol class="questions">{items}</ol>{rest}'
