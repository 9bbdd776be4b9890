"""The MTFS's prose (:mod:`.mtfs`): the per-year amounts its Financial Action Plan writes beside
each opportunity, matched to the Financial Improvement Plan table, and the other figures its prose
repeats from its tables - every one reconciled, none corrected.

Extraction damage handled here: the action plan's saving column interleaved with the other
columns and with words run together (``childrenleaving``): amounts are found by pattern
(``2017/18: £85k``) and matched to the opportunity whose words they sit beside; ``£20.520``, a
thousands separator read as a point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from .. import assumptions
from .. import precision as pr
from ..errors import InputError
from ..manifest import SourceDocument
from ..money import Money, format_gbp, parse_money
from ..reconcile import Checks
from ..schemas import needs
from . import prose_claims
from .text_tables import Line, financial_year, require_line

__all__ = [
    "CASE_WORDS", "ROUNDING_TOLERANCE_GBP", "Rounding", "TABLE_NAME", "action_plan_amounts",
    "add_rounding_finding", "find_phrase", "fip_record", "prose_checks", "stated_rounding",
    "truncation_evidence",
]

#: The paper says "The figures have also been rounded to the nearest £1k": half of that.
ROUNDING_TOLERANCE_GBP = assumptions.PROSE_ROUNDING_TOLERANCE_GBP
TABLE_NAME = "Financial Improvement Plan"
#: how a statement of 001's paragraphs is set against another (cases of analysis.ingest.prose_claims)
CASE_WORDS = {"total": "a total against the parts stated", "product": "a count times the average stated",
              "difference": "a net figure against the two it is the difference of",
              "repeated": "the same figure in a paragraph and in the table"}
_RULE = re.compile(r"rounded to the nearest (?P<step>£[\d.,]+\s*[kKmM]?)")


@dataclass(frozen=True)
class Rounding:
    """How the paper rounds: the step it states (or None) and the modes its figures admit."""

    step: float | None
    line: int | None
    modes: tuple[str, ...] = (pr.NEAREST,)

    def readings(self, value: float, text: str) -> dict[str, pr.Interval]:
        """Each admissible reading of a table figure printed as ``text``."""
        precision = pr.precision_of(text, value)
        said = "the paper's stated rule" if self.step else "read as rounded to the nearest"
        out = {f"table figure {pr.describe(pr.NEAREST, precision)} ({said})": pr.printed(value, precision)}
        if pr.TRUNCATED in self.modes:
            out[f"table figure {pr.describe(pr.TRUNCATED, precision)} (as the paper's own figures show)"] = \
                pr.printed(value, precision, pr.TRUNCATED)
        return out


def stated_rounding(lines: list[Line]) -> Rounding:
    """The rounding rule the paper states ("rounded to the nearest £1k"), if any.

    Parameters
    ----------
    lines : list of Line
        The paper's lines.

    Returns
    -------
    Rounding
        The step (pounds) and line, or none.
    """
    for line in lines:
        m = _RULE.search(line.text)
        if m:
            return Rounding(float(parse_money(m.group("step")).value_gbp or 0) or None, line.number)
    return Rounding(None, None)


def truncation_evidence(pairs: list[tuple[int, int, float, str]]) -> list[str]:
    """The pairs whose table figure follows only by truncation (not by rounding to the nearest).

    Parameters
    ----------
    pairs : list of tuple of (int, int, float, str)
        ``(exact prose amount, table figure, table precision, where)``, pounds.

    Returns
    -------
    list of str
        Where each such pair is.
    """
    found = []
    for exact, table, step, where in pairs:
        if not step or step <= 1:
            continue
        nearest = math.floor(exact / step + 0.5) * step
        cut = math.floor(exact / step) * step
        if table == cut and table != nearest:
            found.append(f"{format_gbp(exact)} ({where}) printed {format_gbp(table)} in the table "
                         f"(to the nearest: {format_gbp(nearest)})")
    return found


def find_phrase(text: list[tuple[Line, str]], pattern: str) -> tuple[Line, re.Match] | None:
    """The first line whose text matches ``pattern``.

    Parameters
    ----------
    text : list of tuple of (Line, str)
        Each line with its text (emphasis marks removed).
    pattern : str
        A regular expression.

    Returns
    -------
    tuple of (Line, re.Match) or None
        The line and the match; ``None`` when no line matches.
    """
    rx = re.compile(pattern)
    for line, t in text:
        m = rx.search(t)
        if m:
            return line, m
    return None


def fip_record(name: str, year: str, money: Money, starred: bool, row_type: str, line: int,
                stated_in: str = "table", prose_text: str | None = None) -> dict:
    """One row of the ``financial_improvement_plan`` table, as a dict.

    Parameters
    ----------
    name : str
        The opportunity.
    year : str
        The financial year, ``2017-18``.
    money : Money
        The amount as parsed (whole pounds).
    starred : bool
        Whether the opportunity is in the revenue budget.
    row_type : str
        ``opportunity`` or a total's type.
    line : int
        The line the amount is printed on.
    stated_in : str, optional
        ``table`` (the default) or where in the prose.
    prose_text : str or None, optional
        The prose's words for the opportunity.

    Returns
    -------
    dict
        The row's columns (money in whole pounds).
    """
    flags = [f"amount: {f}" for f in money.flags]
    return dict(opportunity=name, year=year, low_gbp=money.low_gbp, high_gbp=money.high_gbp,
                amount_status=money.status, amount_raw=money.raw or None, in_revenue_budget=starred,
                row_type=row_type, stated_in=stated_in, prose_opportunity_text=prose_text, source_line=line,
                cleaning_flags="; ".join(flags) or None)



# --------------------------------------------------------------------------------------------- action plan prose

_STOP = set(["a", "an", "and", "the", "of", "to", "in", "on", "for", "as", "at", "by", "with", "from", "within", "into", "or", "be", "is", "are", "this", "that", "will", "more", "less", "its", "their", "our", "than", "through", "result"])
_YEAR_AMOUNT = re.compile(r"(?P<fy>20\d\d/\d\d)\s*:\s*(?P<amount>£\s*\d(?:[\d.,]*\d)?(?:\s?[kKmM]\b)?)"
                          r"(?:\s*\((?P<note>[^)]*)\))?")
_AMOUNT_OF_SAVINGS = re.compile(r"(?P<amount>£\s*\d[\d.,]*\s*[kKmM]?)\s+of\s+savings?\s+in\s+(?P<fy>20\d\d/\d\d)")


@dataclass
class _Statement:
    amounts: list[tuple[str, str, str, int]]  # (financial year, amount text, whole match, line printed on)
    label: str
    block_heading: str
    line: int


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2]


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def _action_plan_blocks(doc: SourceDocument, lines: list[Line]) -> list[tuple[str, list[tuple[Line, str]]]]:
    """Blocks of the Financial Action Plan: (heading, [(line, saving-column text)])."""
    start = require_line(doc.path, lines, r"Financial Action", "the 'Financial Action Plan' appendix")
    end = require_line(doc.path, lines, r"^Financial Improvement Plan \d{4}/\d{2}", "the Financial Improvement Plan",
                       start=start)
    blocks: list[tuple[str, list[tuple[Line, str]]]] = []
    for line in lines[start:end]:
        cells = line.cells
        if cells and cells[0].startswith("Activity"):
            blocks.append(("", []))
            continue
        if not blocks or line.is_blank:
            continue
        heading, items = blocks[-1]
        if not heading and cells[0]:
            heading = " ".join(cells[0].split()[:14])
        items.append((line, cells[2] if len(cells) > 2 else ""))
        blocks[-1] = (heading, items)
    return blocks


def _statements(doc: SourceDocument, lines: list[Line]) -> list[_Statement]:
    statements: list[_Statement] = []
    for heading, items in _action_plan_blocks(doc, lines):
        text, starts = "", []
        for line, cell in items:
            starts.append((len(text), line.number))
            text += cell + " "
        matches = sorted(list(_YEAR_AMOUNT.finditer(text)) + list(_AMOUNT_OF_SAVINGS.finditer(text)),
                         key=lambda m: m.start())
        previous_end, current = 0, None
        for m in matches:
            line_no = max(n for s, n in starts if s <= m.start())
            if current is not None and m.start() - previous_end <= 3:
                current.amounts.append((m.group("fy"), m.group("amount"), m.group(0), line_no))
            else:
                current = _Statement([(m.group("fy"), m.group("amount"), m.group(0), line_no)],
                                     text[previous_end:m.start()].strip(), heading, line_no)
                statements.append(current)
            previous_end = m.end()
    return statements


def _match(statements: list[_Statement], opportunities: list[str]) -> dict[int, str]:
    """Statement index -> opportunity, by the words they share (rarer words weigh more)."""
    opp_tokens = {o: set(_tokens(o)) for o in opportunities}
    def df(word):
        return sum(any(_same_word(word, w) for w in ws) for ws in opp_tokens.values())
    weight = {w: math.log((len(opportunities) + 1) / df(w)) for ws in opp_tokens.values() for w in ws}
    scores = []
    for i, st in enumerate(statements):
        near, heading = set(_tokens(st.label[-400:])), set(_tokens(st.block_heading))
        for o, ws in opp_tokens.items():
            total = sum(weight[w] for w in ws) or 1.0
            got = sum(weight[w] * (1.0 if any(_same_word(w, t) for t in near) else
                                   0.5 if any(_same_word(w, t) for t in heading) else 0.0) for w in ws)
            scores.append((got / total, i, o))
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    for score, i, o in sorted(scores, reverse=True):
        if score < 0.3 or i in assigned or o in taken:
            continue
        assigned[i] = o
        taken.add(o)
    return assigned


@needs(fip=("row_type", "opportunity"))
def action_plan_amounts(doc: SourceDocument, lines: list[Line], fip: pd.DataFrame,
                        checks: Checks) -> tuple[pd.DataFrame, Rounding]:
    """The action plan's per-year amounts as rows of the plan, each checked against the table.

    Rows have ``stated_in`` = action plan prose.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.
    fip : pandas.DataFrame
        The ``financial_improvement_plan`` rows read from the paper's table: reads ``row_type`` and
        ``opportunity``, and for an opportunity the prose names ``in_revenue_budget``,
        ``revenue_budget_year``, ``year``, ``amount_status``, ``low_gbp`` and ``amount_raw``
        (pounds).
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    tuple of (pandas.DataFrame, Rounding)
        The prose rows (money in whole pounds), and the rounding the paper's figures admit.

    Raises
    ------
    analysis.errors.InputError
        For a year that is no financial year (``2017/19``).
    """
    ops = fip[fip.row_type == "opportunity"]
    opportunities = list(dict.fromkeys(ops.opportunity))
    statements = _statements(doc, lines)
    assigned = _match(statements, opportunities)
    records, pending = [], []
    rule = stated_rounding(lines)
    for i, st in enumerate(statements):
        name = assigned.get(i)
        for fy_text, amount_text, whole, line_no in st.amounts:
            fy = financial_year(fy_text)
            if fy is None:  # the pattern allows 2017/19, which is no financial year
                raise InputError(doc.file, "a financial year such as 2017/18", found=fy_text, line=line_no)
            money = parse_money(amount_text, "gbp")
            if name is None:
                checks.add(document=doc.document, table="financial_improvement_plan",
                           item=f"action plan prose {whole!r}: vs Financial Improvement Plan", kind="repeated",
                           stated=money.value_gbp, computed=None, unit="gbp", source_file=doc.file,
                           source_line=line_no, note="could not tell which opportunity the prose describes: "
                           + st.label[-120:])
                continue
            starred = bool(ops[ops.opportunity == name].in_revenue_budget.iloc[0])
            records.append(fip_record(name, fy, money, starred, "opportunity", line_no, "action plan prose",
                                       st.label[-160:]))
            records[-1]["revenue_budget_year"] = ops.revenue_budget_year.iloc[0]
            records[-1]["amount_raw"] = whole
            table = ops[(ops.opportunity == name) & (ops.year == fy)]
            pending.append((name, fy, whole, amount_text, money, line_no, table))
    pairs = [(p[4].value_gbp, int(p[6].low_gbp.iloc[0]), pr.precision_of(p[6].amount_raw.iloc[0], p[6].low_gbp.iloc[0]),
              f"line {p[5]}") for p in pending
             if len(p[6]) and p[6].amount_status.iloc[0] == "value" and p[4].value_gbp is not None
             and pr.precision_of(p[3], p[4].value_gbp) <= 1]
    rule = add_rounding_finding(doc, rule, pairs, checks)
    for name, fy, whole, amount_text, money, line_no, table in pending:
        computed, allowed, note = None, None, ""
        if len(table) and table.amount_status.iloc[0] == "value":
            computed = int(table.low_gbp.iloc[0])
            allowed = rule.readings(computed, table.amount_raw.iloc[0])
        else:
            note = f"the table prints {table.amount_raw.iloc[0] if len(table) else 'nothing'} for {fy}"
        checks.add(document=doc.document, table="financial_improvement_plan",
                   item=f"{name} {fy}: action plan prose ({whole}) vs table", kind="repeated",
                   stated=money.value_gbp, computed=computed, unit="gbp", source_file=doc.file, source_line=line_no,
                   note=note, stated_precision=pr.precision_of(amount_text, money.value_gbp),
                   stated_modes=rule.modes, computed_intervals=allowed)
    return pd.DataFrame.from_records(records), rule


def add_rounding_finding(doc: SourceDocument, rule: Rounding, pairs: list, checks: Checks) -> Rounding:
    """One check saying whether the table follows the rounding the paper states.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    rule : Rounding
        The rounding the paper states (:func:`stated_rounding`).
    pairs : list
        ``(exact prose amount, table figure, table precision, where)`` pairs, pounds.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    Rounding
        The rounding the paper's figures admit (truncation added when its own arithmetic shows it).
    """
    evidence = truncation_evidence(pairs)
    if not evidence:
        return rule
    said = f"'rounded to the nearest {format_gbp(rule.step)}' (line {rule.line})" if rule.step else "no rounding rule"
    checks.add(document=doc.document, table="financial_improvement_plan",
               item=f"{TABLE_NAME}: the paper states {said}; table figures of amounts it prints exactly",
               kind="rounding rule", stated=len(evidence), computed=0, unit="count", source_file=doc.file,
               source_line=rule.line, note="the table truncates: " + "; ".join(evidence) +
               ". Figures of this paper are therefore also read as truncated")
    return Rounding(rule.step, rule.line, (pr.NEAREST, pr.TRUNCATED))


# --------------------------------------------------------------------------------------------- other prose


@needs(fip=())
def prose_checks(doc: SourceDocument, lines: list[Line], fip: pd.DataFrame, checks: Checks,
                 rule: Rounding | None = None) -> None:
    """The paper's statements checked against each other and against its table.

    Reserves contributions against the investment to return; residential placements' number x
    average cost against their total; the staffing saving's parts; the adoption saving against the
    table.  A statement not found is a ``not computable`` check.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    lines : list of Line
        The paper's lines.
    fip : pandas.DataFrame
        The ``financial_improvement_plan`` rows; when a statement needs the table's figure, reads
        ``stated_in``, ``year``, ``opportunity``, ``low_gbp``, ``amount_status`` and
        ``source_line``.
    checks : Checks
        The run's reconciliation checks, added to.
    rule : Rounding or None, optional
        The rounding the paper's figures admit; default the one it states.

    Raises
    ------
    analysis.errors.InputError
        For a sum of money that cannot be read.
    """
    rule = rule or stated_rounding(lines)
    text = [(ln, ln.text.replace("**", "")) for ln in lines]

    def money(m: re.Match, group: str) -> int:
        value = parse_money(m.group(group)).value_gbp
        if value is None:  # the patterns allow a bare "£.m"
            raise InputError(doc.file, "a sum of money", found=m.group(group))
        return value

    def add(item, kind, stated, computed, line: Line | int | None, note="", stated_text="", allowed=None):
        how = f"{CASE_WORDS[kind]}{'; ' + note if note else ''}"
        prose_claims.check([prose_claims.ProseClaim(
            doc.document, doc.file, line.number if isinstance(line, Line) else line, item, stated, computed, "gbp",
            how, "statement against statement", table="paper prose",
            stated_precision=pr.precision_of(stated_text, stated) if stated_text and stated is not None else 0,
            stated_modes=rule.modes, computed_intervals=allowed)], checks)

    def table_cell(opportunity_pattern: str, year: str) -> tuple[int | None, int | None]:
        """The table's figure for an opportunity and year, and the line it is printed on."""
        rows = fip[(fip.stated_in == "table") & (fip.year == year) &
                   fip.opportunity.str.contains(opportunity_pattern, case=False, regex=True)]
        if rows.empty:
            return None, None
        value = int(rows.low_gbp.iloc[0]) if rows.amount_status.iloc[0] == "value" else None
        return value, int(rows.source_line.iloc[0])

    # 1.1 reserves contributions and 8.3 the investment to return
    reserves = find_phrase(text, r"contributions from central reserves of respectively (?P<a>£[\d.]+m) and (?P<b>£[\d.]+m)")
    returned = find_phrase(text, r"return the (?P<total>£[\d.]+m) investment from Council reserves")
    add("£ investment from reserves to return (8.3) = the two contributions from reserves (1.1)", "total",
        money(returned[1], "total") if returned else None,
        (money(reserves[1], "a") + money(reserves[1], "b")) if reserves else None,
        returned[0] if returned else None, note="" if reserves and returned else "statement not found")
    # 5.3.1 residential: number x average = total
    resi = find_phrase(text, r"Spending on the (?P<n>\d+) children currently in residential placements costs around "
                       r"(?P<total>£[\d.]+m).*?average placement cost of (?P<avg>£\d+k)")
    allowed = None
    if resi:
        avg, n = money(resi[1], "avg"), int(resi[1].group("n"))
        step = pr.precision_of(resi[1].group("avg"), avg)
        allowed = {f"average {pr.describe(pr.NEAREST, step)}, times {n}": pr.printed(avg, step).scaled(n)}
    add("residential placements: cost around £Xm (5.3.1) = children x average placement cost", "product",
        money(resi[1], "total") if resi else None,
        int(resi[1].group("n")) * money(resi[1], "avg") if resi else None, resi[0] if resi else None,
        note=f"{resi[1].group('n')} x {resi[1].group('avg')}" if resi else "statement not found",
        stated_text=resi[1].group("total") if resi else "", allowed=allowed)
    # 5.5.3 staffing: full-year value less the vacancy target = net saving; plus business support posts
    full = find_phrase(text, r"full year value of around (?P<v>£\d+k)")
    net = find_phrase(text, r"around (?P<v>£\d+k) of net savings")
    target = find_phrase(text, r"vacancy management target of (?P<v>£\d+k)")
    posts = find_phrase(text, r"further saving of around (?P<v>£\d+k)")
    if full and net and target:
        add("5.5.3 net staffing saving = full-year value - vacancy management target", "difference",
            money(net[1], "v"), money(full[1], "v") - money(target[1], "v"), net[0])
    if net and posts:
        staffing, staffing_line = table_cell(r"^Staffing", "2017-18")
        add("Staffing and Support Costs 2017-18 (table) = net staffing saving + business support posts (5.5.3)",
            "total", staffing, money(net[1], "v") + money(posts[1], "v"), staffing_line or posts[0],
            note=f"parts stated on line {posts[0].number} (paragraph 5.5.3)")
    # 5.6.1 adoption timeliness saving vs the table
    adopt = find_phrase(text, r"saving of around (?P<v>£\d+k) per annum based on reducing adoption timescales")
    if adopt:
        cell = table_cell(r"^Acceleration of Adoption", "2017-18")[0]
        add("Acceleration of Adoption 2017-18: paragraph 5.6.1 vs table", "repeated", money(adopt[1], "v"),
            cell, adopt[0], stated_text=adopt[1].group("v"),
            allowed=None if cell is None else rule.readings(cell, format_gbp(cell)))
