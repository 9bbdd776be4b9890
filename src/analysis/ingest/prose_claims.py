"""A paper's words against its own figures, by one method: reconciliation checks of kind ``prose``.

A *prose claim* is a figure printed in a paragraph or a commentary cell together with what it talks
about in the same paper - a table row, a section's heading, the figures of its own sentence, a
number the paper prints elsewhere.  Each recogniser below (a *case*) finds claims of one shape and
says, as a :class:`ProseClaim`, what the figure states, what the paper's own figures give for it and
how (the arithmetic in words); :func:`check` turns every claim into one reconciliation check of kind
``prose`` judged by the rule every check follows (:meth:`analysis.reconcile.Checks.add`: the stated
figure at its printed precision against the interval its parts allow).

The cases (:data:`CASES`):

* **written derivation** - ``£A - £B = £C`` written out (001 line 186), and an amount annotated with
  a count against count x the passage's unit cost (001 ``£253k (2 placements)``, ``£126,705`` a
  placement) - found by :mod:`.prose_figures`;
* **a paragraph's statement against another** - 001's paragraphs 1.1, 5.3.1, 5.5.3 and 5.6.1
  (:mod:`.mtfs_prose`);
* **sentence derivation** - a sentence giving two amounts and, with *therefore*, *so* or *leaving*,
  a third as their difference (*surplus*, *saving*, *difference*, *net*) or sum (*total*)
  (004 §5.14: budget £321k, contract £300k/year, "therefore a surplus of £21k");
* **section figure** - a numbered section whose heading prints its saving (``(-21k in 2018/19)``)
  against the saving the section's paragraph states (the figures of its sentences about savings,
  summed; the derived figure of a derivation sentence);
* **commentary against its row** - a savings tracker's commentary "... by £78k" against the row's own
  variance, forecast less plan (003 A/R.6.220: the row prints -67 in £000);
* **share of the paper's own number** - "N children ... in X" and "proportionate use of X P%" in one
  paragraph against N over the number looked after the paper itself prints (001 §5.3.1: 28 children
  in residential placements, "12%", and Table 1's 279 at 30 November 2016: 10.0%).

Amounts are in pounds, shares in per cent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .. import precision as pr
from ..manifest import SourceDocument
from ..money import format_gbp, parse_money
from ..reconcile import Checks
from ..schemas import needs
from .text_tables import Line, read_lines

__all__ = [
    "CASES", "KIND", "ProseClaim", "TABLE", "amounts", "check", "commentary_claims", "derivation", "run",
    "section_claims", "sentence_claims", "sentences", "share_claims",
]

KIND = "prose"
TABLE = "prose claims"
CASES = {
    "written derivation": "an equation or an annotated product the paper writes out",
    "statement against statement": "one paragraph's figure against another's",
    "sentence derivation": "a figure a sentence derives from two others it prints",
    "section figure": "a section's paragraph against the saving its heading prints",
    "commentary against its row": "a tracker commentary's figure against the row's own variance",
    "share of the paper's own number": "a printed share against the count and total the paper prints",
}


@dataclass(frozen=True)
class ProseClaim:
    """One figure of a paper's words and what the paper's own figures give for it.  ``stated`` and
    ``computed`` are in ``unit`` (``gbp``: pounds; ``pct``: per cent; ``count``)."""

    document: str
    file: str
    line: int | None
    item: str  # the figure as printed and what it is said of
    stated: float | None
    computed: float | None
    unit: str
    how: str  # the arithmetic, in words
    case: str  # a key of CASES
    table: str = TABLE
    stated_precision: float = 0.0
    stated_modes: tuple[str, ...] = (pr.NEAREST,)
    computed_intervals: dict[str, pr.Interval] | None = field(default=None, hash=False)


def check(claims: Iterable[ProseClaim], checks: Checks) -> int:
    """One reconciliation check of kind ``prose`` per claim.

    Parameters
    ----------
    claims : iterable of ProseClaim
        The claims found.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    int
        How many checks were added.
    """
    n = 0
    for c in claims:
        if c.case not in CASES:
            raise ValueError(f"unknown prose-claim case {c.case!r}")
        checks.add(document=c.document, table=c.table, item=c.item, kind=KIND, stated=c.stated,
                   computed=c.computed, unit=c.unit, source_file=c.file, source_line=c.line,
                   note=f"{c.case}: {c.how}" if c.how else c.case, stated_precision=c.stated_precision,
                   stated_modes=c.stated_modes, computed_intervals=c.computed_intervals)
        n += 1
    return n


# --------------------------------------------------------------------------------------------- amounts

_AMOUNT = re.compile(r"(?<![\w.£-])(?P<raw>-?£\s?\d[\d,]*(?:\.\d+)?(?:\s?[kKmM]\b)?|-?\d[\d,]*(?:\.\d+)?\s?[kKmM]\b)")
_SENTENCE = re.compile(r"(?<=[a-z0-9%)])\.\s+(?=[A-Z£])|(?<=\d)\s+(?=This |These |It )")
_DERIVED = re.compile(r"\b(?:therefore|so|leaving|thus|hence)\b", re.I)
_MINUS_WORDS = re.compile(r"\b(?:surplus|saving|difference|net|less|left|remaining)\b", re.I)
_PLUS_WORDS = re.compile(r"\b(?:total|together|combined|in all)\b", re.I)
_SAVING = re.compile(r"\bsav(?:e|es|ing|ings)\b", re.I)
_HEADING = re.compile(r"^\s*(?P<section>\d+\.\d+(?:\.\d+)?)\s+(?P<title>.*\((?P<amount>-?£?\d[\d,.]*\s?[kKmM])"
                      r"\s+(?:in\s+)?(?P<fy>\d\d(?:\d\d)?/\d\d)\)\s*\.?)\s*$")


def amounts(text: str) -> list[tuple[str, float, float]]:
    """Every amount in ``text``.

    A bare ``-34K`` counts (a suffix makes it money), a bare number does not.  ``£300k/year`` is read
    as ``£300k``.

    Parameters
    ----------
    text : str
        A sentence of prose.

    Returns
    -------
    list of tuple of (str, float, float)
        ``(as printed, pounds, precision in pounds)`` for each amount, in order.
    """
    out = []
    for m in _AMOUNT.finditer(text):
        raw = m.group("raw").strip()
        money = parse_money(raw if "£" in raw else "£" + raw.lstrip("-"))
        if money.value_gbp is None:
            continue
        value = abs(float(money.value_gbp))
        out.append((raw, value, pr.precision_of(raw, value)))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph.

    Parameters
    ----------
    text : str
        A paragraph.

    Returns
    -------
    list of str
        Its sentences, stripped, empty ones left out.
    """
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _interval(parts: list[tuple[str, float, float]], sign: tuple[int, ...]) -> pr.Interval:
    out = pr.point(0)
    for (_, value, step), s in zip(parts, sign, strict=True):
        iv = pr.printed(value, step)
        out = out + iv if s > 0 else out - iv
    return out


def derivation(sentence: str) -> tuple[tuple[str, float, float], float, str, pr.Interval] | None:
    """A sentence deriving its third amount from the two before it.

    Parameters
    ----------
    sentence : str
        One sentence of prose.

    Returns
    -------
    tuple or None
        ``(the derived amount, what the two give, how, the interval their printed rounding
        allows)`` - the amount as :func:`amounts` gives it, the others in pounds; ``None`` when the
        sentence derives nothing.
    """
    found = amounts(sentence)
    if len(found) != 3 or not _DERIVED.search(sentence):
        return None
    a, b, c = found
    tail = sentence[max(0, sentence.find(c[0]) - 60):]
    if _PLUS_WORDS.search(tail):
        return c, a[1] + b[1], f"{a[0]} + {b[0]} = {format_gbp(a[1] + b[1])}", _interval([a, b], (1, 1))
    if _MINUS_WORDS.search(tail) and a[1] >= b[1]:
        return c, a[1] - b[1], f"{a[0]} - {b[0]} = {format_gbp(a[1] - b[1])}", _interval([a, b], (1, -1))
    return None


# --------------------------------------------------------------------------------------------- cases


def sentence_claims(doc: SourceDocument, lines: list[Line]) -> list[ProseClaim]:
    """Case *sentence derivation*: every sentence of the paper's paragraphs that derives a figure.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.

    Returns
    -------
    list of ProseClaim
        One claim per derivation (:func:`derivation`).
    """
    out = []
    for line in lines:
        for s in sentences(line.text.replace("**", "")):
            d = derivation(s)
            if d is None:
                continue
            (raw, value, step), computed, how, allowed = d
            out.append(ProseClaim(doc.document, doc.file, line.number, f"{raw}, derived in the sentence: "
                                  f"'{s[:100]}'", value, computed, "gbp", how, "sentence derivation",
                                  stated_precision=step, computed_intervals={"parts as printed": allowed}))
    return out


def section_claims(doc: SourceDocument, lines: list[Line]) -> list[ProseClaim]:
    """Case *section figure*: a numbered heading's saving against its paragraph's.

    The paragraph is the text up to the next numbered heading or line starting with a section number.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.

    Returns
    -------
    list of ProseClaim
        One claim per such heading.
    """
    out = []
    blocks = _sections(lines)
    for heading, match, body in blocks:
        named = []
        for line in body:
            for s in sentences(line.text.replace("**", "")):
                if not _SAVING.search(s):
                    continue
                d = derivation(s)
                named += [d[0]] if d else amounts(s)
        if not named:
            continue
        head_raw = match.group("amount")
        head = abs(float(parse_money("£" + head_raw.lstrip("-£")).value_gbp or 0))
        step = pr.precision_of(head_raw, head)
        same = [n for n in named if n[1] == head]
        parts = same[:1] or named
        stated = sum(p[1] for p in parts)
        how = (" + ".join(p[0] for p in parts) + f" = {format_gbp(stated)}" if len(parts) > 1 else parts[0][0])
        out.append(ProseClaim(
            doc.document, doc.file, body[0].number if body else heading.number,
            f"{match.group('section')} {match.group('title')[:90]}: the paragraph's saving against the heading's "
            f"{head_raw}", stated, head, "gbp", f"paragraph {how}; heading {head_raw} (line {heading.number})",
            "section figure", stated_precision=max(p[2] for p in parts),
            computed_intervals={f"heading {pr.describe(pr.NEAREST, step)}": pr.printed(head, step)}))
    return out


def _sections(lines: list[Line]) -> list[tuple[Line, re.Match, list[Line]]]:
    out: list[tuple[Line, re.Match, list[Line]]] = []
    current: tuple[Line, re.Match, list[Line]] | None = None
    for line in lines:
        m = _HEADING.match(line.text.replace("**", ""))
        starts = re.match(r"^\s*(?:-\s*)?\**\d+\.\d+", line.text)
        if m:
            current = (line, m, [])
            out.append(current)
        elif starts:
            current = None
        elif current is not None and line.text.strip():
            current[2].append(line)
    return out


_BY = re.compile(r"\bby\s+(?P<raw>£\s?\d[\d,]*(?:\.\d+)?\s?[kKmM]?)\b")
_MORE = re.compile(r"\b(?:exceed\w*|over\w*|ahead|above|more|additional)\b", re.I)


@needs(tracker=())
def commentary_claims(tracker: pd.DataFrame | None) -> list[ProseClaim]:
    """Case *commentary against its row*.

    A commentary saying the saving is exceeded (or short) "by £X" against the row's variance
    (forecast total - planned total, as the tracker prints it).

    Parameters
    ----------
    tracker : pandas.DataFrame or None
        The ``savings_tracker`` table (money in whole pounds).  When it has a ``commentary`` column,
        reads it and ``variance_gbp``, and for a line whose commentary names one amount
        ``forecast_total_gbp``, ``planned_total_gbp``, ``document``, ``source_file``,
        ``source_line``, ``reference`` and ``period``; none when it has no ``commentary``.

    Returns
    -------
    list of ProseClaim
        One claim per such commentary.
    """
    out: list[ProseClaim] = []
    if tracker is None or tracker.empty or "commentary" not in tracker:
        return out
    for r in tracker[tracker.commentary.notna() & tracker.variance_gbp.notna()].itertuples():
        hits = list(_BY.finditer(str(r.commentary)))
        if len(hits) != 1:
            continue
        raw = hits[0].group("raw")
        money = parse_money(raw)
        if money.value_gbp is None:
            continue
        variance = float(r.variance_gbp)
        more = bool(_MORE.search(str(r.commentary)[:hits[0].start()]))
        says = f"the saving is exceeded by {raw}" if more else f"the gap to plan is {raw}"
        how = (f"the row's own variance: forecast {_k(r.forecast_total_gbp)} less plan {_k(r.planned_total_gbp)} = "
               f"{_k(variance)} (£000, as the tracker prints it)")
        out.append(ProseClaim(
            r.document, r.source_file, int(r.source_line),
            f"{r.reference}, {_month(r.period)}: the commentary says {says}",
            float(abs(money.value_gbp)), abs(variance), "gbp", how, "commentary against its row",
            stated_precision=pr.precision_of(raw, float(money.value_gbp)),
            computed_intervals={"variance printed in £000": pr.printed(abs(variance), 1000)}))
    return out


def _month(period: object) -> str:
    try:
        return f"{pd.Timestamp(str(period) + '-01'):%B %Y}"
    except ValueError:
        return str(period)


def _k(value: float | None) -> str:
    return "none" if value is None or pd.isna(value) else f"{float(value) / 1000:,.0f}"


_COUNTED = re.compile(r"\b(?P<n>\d+)\s+children\s+(?:currently\s+)?in\s+(?P<what>[a-z]+)", re.I)
_SHARE = re.compile(r"\bproportion\w*\s+(?:use\s+)?of\s+(?P<what>[a-z]+)\s+(?P<p>\d+(?:\.\d+)?)\s?%", re.I)


@needs(trajectories=("document", "series_kind", "number", "as_at"))
def share_claims(doc: SourceDocument, lines: list[Line], trajectories: pd.DataFrame | None) -> list[ProseClaim]:
    """Case *share of the paper's own number*.

    "N children in X" and "proportionate use of X P%" in one paragraph, against N / the number
    looked after the paper prints (its latest actual).

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.
    trajectories : pandas.DataFrame or None
        The ``cla_trajectories`` table: when it has rows, reads ``document``, ``series_kind``,
        ``number`` and ``as_at`` (and ``table_name``, ``source_line`` of the latest actual when a
        share is found).

    Returns
    -------
    list of ProseClaim
        One claim per share; percentages (``pct``).
    """
    own = trajectories[(trajectories.document == doc.document) & (trajectories.series_kind == "actual")
                       & trajectories.number.notna()] if trajectories is not None and len(trajectories) else None
    if own is None or own.empty:
        return []
    latest = own.sort_values("as_at").iloc[-1]
    total = float(latest.number)
    out = []
    for line in lines:
        text = line.text.replace("**", "")
        for share in _SHARE.finditer(text):
            count = next((c for c in _COUNTED.finditer(text[:share.start()])
                          if c.group("what").lower() == share.group("what").lower()), None)
            if count is None:
                continue
            n, p = int(count.group("n")), float(share.group("p"))
            computed = n / total * 100
            out.append(ProseClaim(
                doc.document, doc.file, line.number,
                f"{share.group('what')} {share.group('p')}% of children looked after, with {n} children "
                f"in {share.group('what')}", p, computed, "pct",
                f"{n} / {total:,.0f} x 100 = {computed:.1f}% ({total:,.0f} looked after at "
                f"{pd.Timestamp(latest.as_at):%-d %B %Y}: {latest.table_name}, line {int(latest.source_line)})",
                "share of the paper's own number",
                stated_precision=pr.precision_of(share.group("p"), p)))
    return out


@needs(tables=())
def run(tables: dict[str, pd.DataFrame], documents: list[SourceDocument], checks: Checks) -> None:
    """Every case this module recognises across the ingested papers.

    The derivations of :mod:`.prose_figures` and :mod:`.mtfs_prose` are checked as they are read.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The run's tables by name: its ``savings_tracker`` and ``cla_trajectories`` when present
        (see :func:`commentary_claims` and :func:`share_claims` for their columns).
    documents : list of SourceDocument
        The run's manifest rows (papers other than trackers are read again for their prose).
    checks : Checks
        The run's reconciliation checks, added to.
    """
    claims = commentary_claims(tables.get("savings_tracker"))
    for doc in documents:
        if doc.kind == "savings_tracker" or not doc.path.exists():
            continue
        lines = read_lines(doc.path)
        claims += sentence_claims(doc, lines) + section_claims(doc, lines)
        claims += share_claims(doc, lines, tables.get("cla_trajectories"))
    check(claims, checks)
