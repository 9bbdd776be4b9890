"""Derivations the MTFS's Financial Action Plan writes out in words, reconciled with the amounts it
prints beside them and with the Financial Improvement Plan table (:mod:`.mtfs_prose` reads those
amounts; this module only adds checks - nothing is corrected).

* a unit cost built from hours: "a 5 hour saving ... per week x 38 weeks plus on 20% costs - using
  living wage £9" is 5 x 38 x £9 x 1.20 = £2,052 a head; each amount annotated with a count
  ("£20.520 (10 additional escorts ...)") is checked as count x that unit cost, and the table's
  figure for the same year too (the table prints £1k steps, so it agrees within its rounding);
* a saving per head less a cost per head, times a cohort spread over years: "25 young people ...
  over the next two years. Average saving per child £3,735 minus bus pass of £540" is
  (£3,735 - £540) x 25 = £79,875, £39,937.50 a year over the two years; each year's amount
  (prose and table) is checked against that;
* a figure the prose prints twice for the same year ("£780K for the full year 2017/18" and "a full
  year value of around £780k for 2017/18"): one check.

All figures of a derivation are printed to their last unit, so the computed side is exact; the
stated side is read at its printed precision under the roundings the paper admits (its stated
rule, and truncation where its own figures show it - :class:`.mtfs_prose.Rounding`).
"""

from __future__ import annotations

import re

import pandas as pd

from .. import precision as pr
from ..manifest import SourceDocument
from ..money import format_gbp, parse_money
from ..reconcile import Checks
from ..schemas import needs
from .mtfs_prose import Rounding, find_phrase
from .text_tables import Line

__all__ = ["TABLE", "derivation_checks"]

TABLE = "prose_figures"
_HOURS = re.compile(r"(?P<hours>\d+) hours? saving[^.]*?per week x (?P<weeks>\d+) weeks plus on (?P<oncost>\d+)% "
                    r"costs[^.]*?living wage (?P<wage>£\d+(?:\.\d\d)?)")
_PER_HEAD = re.compile(r"identified (?P<n>\d+) (?P<who>[a-z ]+?) who[^.]*?over the next (?P<years>\w+) years\.\s*"
                       r"Average saving per (?P<per>[a-z]+) (?P<saving>£[\d,]+) minus (?P<less_what>[a-z ]+?) of "
                       r"(?P<less>£[\d,]+)")
_AMOUNT = re.compile(r"£\s*\d[\d.,]*(?:\s?[kKmM]\b)?")
_COUNT_NOTE = re.compile(r"\((?P<n>\d+) (?:additional )?(?P<noun>[a-z]+)")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_FULL_YEAR_A = r"(?P<v>£\d+[kK]) for the full year (?P<fy>20\d\d/\d\d)"
_FULL_YEAR_B = r"full year value of around (?P<v>£\d+[kK]) for (?P<fy>20\d\d/\d\d)"


@needs(fip=())
def derivation_checks(doc: SourceDocument, lines: list[Line], fip: pd.DataFrame, checks: Checks,
                      rule: Rounding) -> None:
    """The derivations above, as checks on table ``prose_figures``.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.
    fip : pandas.DataFrame
        The ``financial_improvement_plan`` rows, read when the paper prints a unit cost or a cost
        per head (see the module's derivations).
    checks : Checks
        The run's reconciliation checks, added to.
    rule : Rounding
        The rounding the paper's figures admit.
    """
    text = [(ln, ln.text.replace("**", "")) for ln in lines]
    hours = find_phrase(text, _HOURS.pattern)
    if hours:
        _unit_cost_checks(doc, hours[0], hours[1], fip, checks, rule)
    per_head = find_phrase(text, _PER_HEAD.pattern)
    if per_head:
        _per_head_checks(doc, per_head[0], per_head[1], fip, checks, rule)
    _printed_twice(doc, text, checks, rule)


def _statement_rows(fip: pd.DataFrame, after: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The action plan's amounts printed next after line ``after`` (one opportunity's), and that
    opportunity's table rows."""
    prose = fip[(fip.stated_in == "action plan prose") & (fip.source_line >= after)]
    if prose.empty:
        return prose, prose
    first = prose.sort_values("source_line").iloc[0]
    if first.source_line - after > 3:  # the amounts belong to another passage
        return prose.iloc[:0], prose.iloc[:0]
    name = first.opportunity
    return (prose[prose.opportunity == name].sort_values("year"),
            fip[(fip.stated_in == "table") & (fip.opportunity == name) & (fip.row_type == "opportunity")
                & (fip.amount_status == "value")])


def _amount_text(raw: object) -> str:
    """The amount of a printed cell or statement (``2017/18: £20.520 (10 ...)`` -> ``£20.520``)."""
    raw = raw if isinstance(raw, str) else ""
    m = _AMOUNT.search(raw)
    return m.group(0) if m else raw.strip()


def _add(doc: SourceDocument, checks: Checks, rule: Rounding, *, item: str, kind: str, row: pd.Series,
         computed: float | None, note: str) -> None:
    amount = _amount_text(row.amount_raw)
    stated = None if row.amount_status != "value" else float(row.low_gbp)
    checks.add(document=doc.document, table=TABLE, item=item, kind=kind, stated=stated, computed=computed,
               unit="gbp", source_file=doc.file, source_line=int(row.source_line), note=note,
               stated_precision=pr.precision_of(amount, stated) if stated is not None else 0.0,
               stated_modes=rule.modes)


def _unit_cost_checks(doc: SourceDocument, line: Line, m: re.Match, fip: pd.DataFrame, checks: Checks,
                      rule: Rounding) -> None:
    hours, weeks, oncost = int(m.group("hours")), int(m.group("weeks")), int(m.group("oncost"))
    wage = float(parse_money(m.group("wage")).value_gbp or 0)
    unit = hours * weeks * wage * (100 + oncost) / 100
    how = (f"{format_gbp(unit)} a head = {hours} hours a week x {weeks} weeks x {m.group('wage')} an hour x "
           f"(1 + {oncost}% on-costs), line {line.number}")
    prose, table = _statement_rows(fip, line.number)
    for row in prose.itertuples(index=False):
        note = _COUNT_NOTE.search(row.amount_raw or "")
        n = int(note.group("n")) if note else None
        computed = None if n is None else n * unit
        series = pd.Series(row._asdict())
        _add(doc, checks, rule, kind="product", row=series, computed=computed,
             item=f"{row.opportunity} {row.year}: action plan prose ({_amount_text(row.amount_raw)}"
                  + (f", {n} {note.group('noun')}" if note else "") + f") = count x {format_gbp(unit)}",
             note=(f"{n} x {format_gbp(unit)} = {format_gbp(computed)}; {how}" if n is not None
                   else f"the amount is printed with no count; {how}"))
        for trow in table[table.year == row.year].itertuples(index=False):
            _add(doc, checks, rule, kind="product", row=pd.Series(trow._asdict()), computed=computed,
                 item=f"{row.opportunity} {row.year}: table ({trow.amount_raw}) = count x {format_gbp(unit)}",
                 note=(f"{n} x {format_gbp(unit)} = {format_gbp(computed)} (count printed beside the action plan's "
                       f"amount, line {row.source_line}); {how}" if n is not None
                       else f"the action plan prints no count for {row.year}; {how}"))


def _per_head_checks(doc: SourceDocument, line: Line, m: re.Match, fip: pd.DataFrame, checks: Checks,
                     rule: Rounding) -> None:
    n = int(m.group("n"))
    years = _WORDS.get(m.group("years").lower()) or (int(m.group("years")) if m.group("years").isdigit() else None)
    saving, less = (float(parse_money(m.group(k)).value_gbp or 0) for k in ("saving", "less"))
    total = (saving - less) * n
    prose, table = _statement_rows(fip, line.number)
    if not years:
        return
    each = total / years
    how = (f"({m.group('saving')} - {m.group('less')}) x {n} {m.group('who')} = {format_gbp(total)} over "
           f"{years} years, £{each:,.2f} a year (line {line.number}; the paper prints one amount for each "
           f"of the {years} years)")
    for frame, where in ((prose, "action plan prose"), (table, "table")):
        for row in frame.itertuples(index=False):
            amount = _amount_text(row.amount_raw)
            _add(doc, checks, rule, kind="product", row=pd.Series(row._asdict()), computed=each,
                 item=f"{row.opportunity} {row.year}: {where} ({amount}) = ({m.group('saving')} - "
                      f"{m.group('less')}) x {n} / {years} years",
                 note=how)


def _printed_twice(doc: SourceDocument, text: list[tuple[Line, str]], checks: Checks, rule: Rounding) -> None:
    a, b = find_phrase(text, _FULL_YEAR_A), find_phrase(text, _FULL_YEAR_B)
    if not (a and b) or a[1].group("fy") != b[1].group("fy"):
        return
    va, vb = (float(parse_money(x[1].group("v")).value_gbp or 0) for x in (a, b))
    step = pr.precision_of(a[1].group("v"), va)
    checks.add(document=doc.document, table=TABLE,
               item=f"full-year value {b[1].group('fy')}: line {b[0].number} ({b[1].group('v')}) vs line "
                    f"{a[0].number} ({a[1].group('v')})",
               kind="repeated", stated=vb, computed=va, unit="gbp", source_file=doc.file, source_line=b[0].number,
               note=f"the same measure (the full-year value for {b[1].group('fy')}) printed twice in prose",
               stated_precision=pr.precision_of(b[1].group("v"), vb), stated_modes=rule.modes,
               computed_intervals={f"line {a[0].number} figure {pr.describe(pr.NEAREST, step)}":
                                   pr.printed(va, step)})
