"""Figures printed in the papers' prose -> ``prose_figures``; the derivations the prose prints,
reconciled.

Prose is any tab-separated cell of five words or more (a paragraph, or a narrative cell of a
table such as 001's Financial Action Plan or 000's recovery actions).  In it:

* amounts: ``£28.9m``, ``£420K``, ``(£453k)``, ``~£9m``, ``£126,705`` (read by
  :func:`analysis.money.parse_money`, so extraction damage is decided in one place);
* rates: ``11%``;
* counts: a whole number directly before a counted noun (``49 planned exits``, ``22 adoptions``).

Each keeps its precision as printed (:func:`analysis.precision.precision_of`), the financial
year its sentence names (nearest the figure), and flags for what the words around it say
(approximate, in brackets, range end, per week / per annum).

Derivations reconciled (table ``prose_figures`` in the reconciliation): a written equation
``£A - £B = £C``; and an amount annotated with a count (``£506k (4 placements)``) in a passage that
prints exactly one per-annum unit figure (``... is £126,705``, ``£25,267 per annum``): the amount
against count x unit, to the rounding the paper admits.  Savings trackers are not read here: their
commentary is kept verbatim in ``savings_tracker``.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import precision as pr
from ..manifest import SourceDocument
from ..money import format_gbp, parse_money
from ..reconcile import Checks
from . import prose_claims
from .text_tables import Line, financial_year, read_lines

__all__ = ["MIN_WORDS", "TABLE", "figures", "is_prose", "read_prose_figures"]

TABLE = "prose_figures"
MIN_WORDS = 5

_MONEY = re.compile(r"(?P<pm>(?:\+/-|±)\s?)?(?P<open>\()?(?P<approx>~\s?)?(?P<fig>£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:bn|[kKmM])\b)?)"
                    r"(?P<close>\))?")
_PCT = re.compile(r"(?<![\d.£])(?P<fig>\d+(?:\.\d+)?)\s?%")
_COUNTED = (r"children|child|young people|people|placements?|staff|posts?|adoptions?|exits?|escorts?|"
            r"social workers?|workers?|carers?|families|cases|homes|beds?|days|weeks|months|years|"
            r"councils|authorities|areas|schools|pupils|users|clients")
_COUNT = re.compile(rf"(?<![\d.,£/-])(?P<fig>\d{{1,3}}(?:,\d{{3}})*|\d+)(?![\d.,/%])\s+(?:(?:[a-z]+|\w+-\w+)\s+)?"
                    rf"(?P<noun>{_COUNTED})\b", re.I)
_FY = re.compile(r"(?<!\d)(?:20\d\d\s?[/-]\s?(?:20)?\d\d|\d\d/\d\d)(?![\d/])")
_APPROX = re.compile(r"\b(?:around|circa|approximately|about|some|c\.|roughly|nearly|almost)\s*$", re.I)
_PER = re.compile(r"^\s*(?:(?:per|a|each)\s+|p/)(annum|year|week|month|child|person|placement)\b", re.I)
_ANNOTATION = re.compile(r"\s*\((?P<n>\d+)\s+(?:additional\s+)?(?P<noun>[a-z ]+?)(?:\)|\s*[–-])", re.I)
_EQUATION = re.compile(r"(?P<a>£[\d,.]+\s?[kKmM]?)\s*[-–−]\s*(?P<b>£[\d,.]+\s?[kKmM]?)\s*=\s*(?P<c>£[\d,.]+\s?[kKmM]?)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)%])[.;:]\s+(?=[A-Z(])|\s-\s")


def is_prose(cell: str) -> bool:
    """Whether a cell is prose: at least :data:`MIN_WORDS` words.

    Parameters
    ----------
    cell : str
        A cell or line of text.

    Returns
    -------
    bool
        True for prose.
    """
    return len(re.findall(r"[A-Za-z]{2,}", cell)) >= MIN_WORDS


def read_prose_figures(doc: SourceDocument, checks: Checks) -> pd.DataFrame:
    """Every figure in the prose of a text paper (see the module docstring).

    The derivations the prose prints are added to ``checks``.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    pandas.DataFrame
        The ``prose_figures`` rows: each value in its ``unit`` (money in pounds), with its precision.
    """
    if doc.kind == "savings_tracker" or not doc.file.lower().endswith(".txt"):
        return pd.DataFrame()
    modes = _admitted_modes(doc, checks)
    records: list[dict] = []
    for line in read_lines(doc.path):
        for cell in line.cells:
            text = re.sub(r"\*\*|</?[a-zA-Z][^>]*>", "", cell)
            if not is_prose(text):
                continue
            found = figures(text)
            records += [{k: v for k, v in r.items() if k != "_sentence"} | {"source_line": line.number}
                        for r in found]
            _derivations(doc, line, text, found, modes, checks)
    return pd.DataFrame.from_records(records)


def figures(text: str) -> list[dict]:
    """The figures of one prose passage, in order, as rows of ``prose_figures`` (no lineage).

    Parameters
    ----------
    text : str
        The passage.

    Returns
    -------
    list of dict
        One row per figure: its value in its ``unit`` (money in pounds), precision and words.
    """
    out: list[tuple[int, dict]] = []
    taken: list[tuple[int, int]] = []
    for m in _MONEY.finditer(text):
        money = parse_money(m.group("fig"))
        if money.value_gbp is None:
            continue
        flags = [f for f in money.flags]
        bracketed = bool(m.group("open") and m.group("close"))
        if bracketed:
            flags.append("in brackets (sign as printed not applied)")
        if m.group("approx"):
            flags.append("approximate ('~')")
        if m.group("pm"):
            flags.append("plus or minus (printed '+/-')")
        out.append((m.start("fig"), _row(text, m.start(), m.end(), m.group("fig"), float(money.value_gbp), "gbp",
                                         pr.precision_of(m.group("fig"), money.value_gbp), flags)))
        taken.append((m.start(), m.end()))
    for m in _PCT.finditer(text):
        decimals = len(m.group("fig").split(".")[1]) if "." in m.group("fig") else 0
        out.append((m.start(), _row(text, m.start(), m.end(), m.group(0), float(m.group("fig")), "pct",
                                    10.0 ** -decimals, [])))
    for m in _COUNT.finditer(text):
        if any(a <= m.start("fig") < b for a, b in taken) or _FY.match(text, m.start("fig")):
            continue
        value = int(m.group("fig").replace(",", ""))
        if 1900 <= value <= 2100 and "," not in m.group("fig"):
            continue  # a year
        out.append((m.start(), _row(text, m.start("fig"), m.end(), m.group(0), float(value), "count", 1.0, [])))
    return [r for _, r in sorted(out, key=lambda x: x[0])]


def _row(text: str, start: int, end: int, raw: str, value: float, unit: str, precision: float,
         flags: list[str]) -> dict:
    s_start, s_end = _sentence(text, start, end)
    before = text[s_start:start]
    after = text[end:s_end]
    approx = _APPROX.search(before)
    if approx:
        flags = [*flags, f"approximate ('{approx.group(0).strip()}')"]
    per = _PER.match(after)
    if per:
        flags = [*flags, f"per {per.group(1).lower()}"]
    if re.match(r"^\s*(?:-|–|to)\s*[£\d]", after) or re.search(r"(?:-|–|\bto)\s*$", before) and \
            re.search(r"[£\d][\d,.]*[kKmM]?\s*(?:-|–|\bto)\s*$", before):
        flags = [*flags, "range end"]
    words_before = before.split()[-10:]
    words_after = after.split()[:6]
    measure = " ".join([*words_before, raw.strip(), *words_after]).strip()
    return {"measure": measure[:240], "period": _period(text[s_start:s_end], start - s_start, end - s_start),
            "value": value, "unit": unit, "precision": precision, "raw": raw.strip(), "flags": "; ".join(flags) or None,
            "_sentence": text[s_start:s_end]}


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    s_start = max([e for e in ends if e <= start], default=0)
    s_end = min([e for e in ends if e > end], default=len(text))
    return s_start, s_end


def _period(sentence: str, at: int, end: int) -> str | None:
    """The financial year the sentence gives the figure at ``at:end``: after a year label
    (``2017/18: £129k (5 placements)``) that label; else a year printed just after it (``£42m in
    2019/20``); else the nearest year before it; for ``years A and B ... respectively X and Y``
    the year in the same position."""
    years = [(m, fy) for m in _FY.finditer(sentence) if (fy := financial_year(re.sub(r"\s", "", m.group(0))))]
    if not years:
        return None
    resp = re.search(r"\brespectively\b", sentence)
    if resp and resp.start() < at:
        before = [fy for m, fy in years if m.end() <= resp.start()]
        shown = list(_MONEY.finditer(sentence, resp.end()))
        for i, m in enumerate(shown):
            if m.start("fig") <= at < m.end() and i < len(before):
                return before[i]
    labels = [fy for m, fy in years if m.end() <= at and re.match(r"\s*:", sentence[m.end():])]
    if labels:
        return labels[-1]
    after = [(m.start() - end, fy) for m, fy in years if m.start() >= end and m.start() - end <= 30]
    if after:
        return min(after)[1]
    preceding = [(at - m.end(), fy) for m, fy in years if m.end() <= at]
    return min(preceding)[1] if preceding else None


# --------------------------------------------------------------------------------------------- derivations


def _admitted_modes(doc: SourceDocument, checks: Checks) -> tuple[str, ...]:
    """Nearest; and truncated too where the paper's own figures show it (a rounding-rule finding)."""
    shown = any(r["document"] == doc.document and r["check"] == "rounding rule" for r in checks.rows)
    return (pr.NEAREST, pr.TRUNCATED) if shown else (pr.NEAREST,)


def _derivations(doc: SourceDocument, line: Line, text: str, found: list[dict], modes: tuple[str, ...],
                 checks: Checks) -> None:
    for m in _EQUATION.finditer(text):
        a, b, c = (parse_money(m.group(k)).value_gbp for k in "abc")
        if a is None or b is None or c is None:
            continue
        pa, pb = pr.precision_of(m.group("a"), a), pr.precision_of(m.group("b"), b)
        allowed = {f"parts {pr.describe(pr.NEAREST, max(pa, pb))}": pr.printed(a, pa) - pr.printed(b, pb)}
        prose_claims.check([prose_claims.ProseClaim(
            doc.document, doc.file, line.number, f"written sum: {m.group(0)}", c, a - b,
            "gbp", f"{m.group('a')} - {m.group('b')}", "written derivation", table=TABLE,
            stated_precision=pr.precision_of(m.group("c"), c), computed_intervals=allowed)], checks)
    units = [f for f in found if f["unit"] == "gbp" and f["precision"] <= 1 and f["value"] >= 100
             and _per_annum(f["_sentence"], f["raw"])]
    if len(units) != 1:
        return
    unit = units[0]
    for m in _MONEY.finditer(text):
        note = _ANNOTATION.match(text, m.end())
        money = parse_money(m.group("fig"))
        if not note or money.value_gbp is None or m.group("fig") == unit["raw"]:
            continue
        n = int(note.group("n"))
        computed = n * unit["value"]
        step = pr.precision_of(m.group("fig"), money.value_gbp)
        label = re.search(r"(?P<fy>20\d\d\s?/\s?\d\d)\s*:\s*$", text[:m.start()])
        when = f"{label.group('fy')}: " if label else ""
        prose_claims.check([prose_claims.ProseClaim(
            doc.document, doc.file, line.number,
            f"{when}{m.group('fig')} ({n} {note.group('noun').strip()}) = {n} x {unit['raw']}", money.value_gbp,
            computed, "gbp", f"{n} x {unit['raw']} = {format_gbp(computed)} (unit figure: '{unit['measure'][:80]}')",
            "written derivation", table=TABLE, stated_precision=step, stated_modes=modes)], checks)


def _per_annum(sentence: str, raw: str) -> bool:
    """A unit figure: printed with 'per annum', or in a sentence about an annual cost."""
    at = sentence.find(raw)
    return bool(re.search(r"\bper annum\b", sentence[at:at + len(raw) + 12]) or
                re.search(r"\bannual\b", sentence[:max(at, 0)]))
