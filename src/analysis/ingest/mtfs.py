"""Torbay Children's Services Medium Term Financial Strategy (Rev 2, January 2017).

Produces rows for ``cla_trajectories`` (Table 1 and the MTFS's own 10-15-a-year plan),
``placement_slippage`` (Table 2) and ``financial_improvement_plan`` (the Financial Improvement
Plan table plus the per-year amounts written in the Financial Action Plan's prose).

Extraction damage handled here:

* Table 1's header cells merged into one (``YEAR November 2016 2016/17 2017/18 2018/19``): the
  column labels are split out of the merged text;
* ``1,265m`` and ``1,769m – 2,319m``: decimal points read as commas (see :mod:`analysis.money`);
* ``£20.520`` in the prose: a thousands separator read as a point;
* the action plan's saving column interleaved with the other columns and with words run
  together (``childrenleaving``): amounts are found by pattern (``2017/18: £85k``) and matched to
  the Financial Improvement Plan opportunity whose words they sit beside.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from .. import assumptions
from ..errors import InputError
from ..manifest import SourceDocument
from ..money import Money, parse_money
from ..reconcile import Checks
from .five_year_plan import add_rate_checks, month_label, plan_made
from .text_tables import Line, financial_year, fy_label, fy_start, month_number, read_lines, require_line

#: The paper says "The figures have also been rounded to the nearest £1k": half of that.
ROUNDING_TOLERANCE_GBP = assumptions.PROSE_ROUNDING_TOLERANCE_GBP
TABLE_NAME = "Financial Improvement Plan"


def read_mtfs(doc: SourceDocument, checks: Checks) -> dict[str, pd.DataFrame]:
    lines = read_lines(doc.path)
    cla = _table1(doc, lines, checks)
    cla = pd.concat([cla, _mtfs_plan(doc, lines, cla, checks)], ignore_index=True)
    slippage = _table2(doc, lines, checks)
    fip = _improvement_plan(doc, lines, checks)
    prose = _action_plan_amounts(doc, lines, fip, checks)
    fip = pd.concat([fip, prose], ignore_index=True) if len(prose) else fip
    _prose_checks(doc, lines, fip, checks)
    return {"cla_trajectories": cla, "placement_slippage": slippage, "financial_improvement_plan": fip}


# --------------------------------------------------------------------------------------------- Table 1


def _table1(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    caption = require_line(doc.path, lines, r"^Table 1\b", "the caption 'Table 1: Previous 5yr Plan …'")
    header_i = None
    for i in range(caption - 1, max(caption - 12, -1), -1):
        if re.match(r"^YEAR\t", lines[i].text):
            header_i = i
            break
    if header_i is None:
        raise InputError(doc.path, line=lines[caption].number, expected="a 'YEAR' header row above Table 1's caption",
                         found="none within 12 lines")
    header = lines[header_i]
    labels = re.findall(r"[A-Z][a-z]+ \d{4}|\d{4}/\d{2}", " ".join(header.cells[1:]))
    merged = len([c for c in header.cells[1:] if c]) < len(labels)
    rows = {}
    for line in lines[header_i + 1: caption]:
        cells = [c for c in line.cells if c]
        if cells and cells[0].lower().startswith(("number", "rate")):
            rows[cells[0].lower()[:4]] = (line, cells[1:])
    if "numb" not in rows or "rate" not in rows:
        raise InputError(doc.path, line=header.number, expected="'Number' and 'Rate/10K' rows under Table 1's header",
                         found=", ".join(rows) or "none")
    number_line, numbers = rows["numb"]
    rate_line, rates = rows["rate"]
    if not (len(labels) == len(numbers) == len(rates)):
        raise InputError(doc.path, line=number_line.number, expected=f"{len(labels)} figures, one per column "
                         f"({', '.join(labels)})", found=" | ".join(numbers))
    # the plan Table 1 restates: "5 year Financial Strategy, agreed by full Council in October 2014"
    made = plan_made(lines, r"agreed by (?:full )?Council in ([A-Z][a-z]+) (\d{4})")
    published = month_label(doc.date[:7]) if len(doc.date) >= 7 else doc.date
    records = []
    for label, number, rate in zip(labels, numbers, rates):
        flags = "year: column labels split out of a header merged into one cell" if merged else None
        fy = financial_year(label)
        if fy:  # a plan year: number at the end of the year
            records.append(dict(year=fy, as_at=f"{fy_start(fy) + 1}-03-31",
                                series=f"plan_{made[:4]}_restated" if made else "plan_restated",
                                label=f"5-year plan as restated ({published})", plan_made=made,
                                series_kind="plan"))
        else:  # 'November 2016': the position at the time of writing
            month, year = label.split()
            month_no = month_number(month)
            fy_of = fy_label(int(year) if month_no >= 4 else int(year) - 1)
            last_day = (pd.Timestamp(int(year), month_no, 1) + pd.offsets.MonthEnd(0)).date().isoformat()
            records.append(dict(year=fy_of, as_at=last_day, series="actual", label="Actual", plan_made=None,
                                series_kind="actual"))
        records[-1].update(bound="central", plan_year=None, number=int(number.replace(",", "")),
                           rate_per_10k=float(rate), figure_basis="printed", table_name="Table 1",
                           source_line=number_line.number, rate_source_line=rate_line.number,
                           cleaning_flags=flags)
    frame = pd.DataFrame.from_records(records)
    add_rate_checks(doc, frame, "cla_trajectories", "Table 1", checks)
    return frame


# --------------------------------------------------------------------------------------------- MTFS plan


def _mtfs_plan(doc: SourceDocument, lines: list[Line], table1: pd.DataFrame, checks: Checks) -> pd.DataFrame:
    """The MTFS's own plan: from the stated position, no net reduction in the first year, then
    a net reduction of 10-15 a year from the stated year to the end of the strategy."""
    text = [(ln, ln.text.replace("**", "")) for ln in lines]
    base = _find(text, r"CLA population at the end of (?P<when>[A-Z][a-z]+ \d{4}) is at (?P<n>\d+)")
    band = _find(text, r"net reduction of between (?P<low>\d+)\s*[-–]\s*(?P<high>\d+) per year .*?commencing "
                       r"(?P<fy>\d{4}/\d{2})")
    band_again = _find(text, r"net\s*(?:</u>)?\s*reduction of between (?P<low>\d+)\s*[-–]\s*(?P<high>\d+) placements .*?"
                             r"commencing (?P<fy>\d{4}/\d{2})")
    span = _find(text[:8], r"^(?P<start>\d{4})\s*[–-]\s*(?P<end>\d{4})$")
    if not (base and band and span):
        raise InputError(doc.path, expected="the MTFS statements 'CLA population at the end of <month> is at N', "
                         "'net reduction of between A-B per year … commencing YYYY/YY' and the strategy years "
                         "'YYYY – YYYY'", found="not all present")
    (base_line, bm), (band_line, m), (_, sm) = base, band, span
    published = month_label(doc.date[:7]) if len(doc.date) >= 7 else doc.date
    actual = table1[table1.series == "actual"]
    checks.add(document=doc.document, table="cla_trajectories",
               item=f"CLA number at end of {bm.group('when')}: paragraph 5.4.5 vs Table 1", kind="repeated",
               stated=int(bm.group("n")), computed=int(actual.number.iloc[0]) if len(actual) else None,
               unit="count", source_file=doc.file, source_line=base_line.number)
    if band_again:
        other_line, om = band_again
        for end in ("low", "high"):
            checks.add(document=doc.document, table="cla_trajectories",
                       item=f"planned net reduction a year ({end} end): paragraph 5.4.6 vs Financial Action Plan",
                       kind="repeated", stated=int(m.group(end)), computed=int(om.group(end)), unit="count",
                       source_file=doc.file, source_line=band_line.number,
                       note=f"action plan line {other_line.number} says commencing {om.group('fy')}")
    start_number = int(bm.group("n"))
    first_cut = fy_start(financial_year(m.group("fy")))
    month, year = bm.group("when").split()
    base_fy = fy_start(fy_label(int(year) if month_number(month) >= 4 else int(year) - 1))
    last = int(sm.group("end")) - 1  # strategy 2017 - 2021 ends with 2020-21
    records = []
    for start in range(base_fy + 1, last + 1):
        years_cut = max(0, start - first_cut + 1)
        for bound, per_year in (("high", int(m.group("low"))), ("low", int(m.group("high")))):
            records.append(dict(
                year=fy_label(start), as_at=f"{start + 1}-03-31", series=f"mtfs_{doc.date[:4]}",
                label=f"MTFS ({published}), {m.group('low')}-{m.group('high')} fewer a year",
                plan_made=doc.date[:7], series_kind="plan", bound=bound, plan_year=None, number=start_number - per_year * years_cut,
                rate_per_10k=None, rate_source_line=None, figure_basis="derived from prose", table_name="paragraphs 5.4.5-5.4.6",
                source_line=band_line.number,
                cleaning_flags=(f"number: derived as {start_number} - {per_year} x {years_cut} "
                                f"(no net reduction before {financial_year(m.group('fy'))})")))
    return pd.DataFrame.from_records(records)


def _find(text: list[tuple[Line, str]], pattern: str) -> tuple[Line, re.Match] | None:
    rx = re.compile(pattern)
    for line, t in text:
        m = rx.search(t)
        if m:
            return line, m
    return None


# --------------------------------------------------------------------------------------------- Table 2


def _table2(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    h = require_line(doc.path, lines, r"^Month\tIncrease", "Table 2 header 'Month | Increase (£)'")
    caption = require_line(doc.path, lines, r"Table 2\b", "the caption 'Table 2: … placement slippage YYYY/YYYY'",
                           start=h)
    fy_m = re.search(r"(\d{4})\s*/\s*(\d{2,4})\s*$", lines[caption].text.strip())
    if not fy_m:
        raise InputError(doc.path, line=lines[caption].number, expected="the financial year at the end of the caption",
                         found=lines[caption].text.strip())
    fy = financial_year(f"{fy_m.group(1)}/{fy_m.group(2)}")
    start = fy_start(fy)
    records, stated_total = [], None
    for line in lines[h + 1: caption]:
        if line.is_blank:
            continue
        cells = line.cells
        money = parse_money(cells[1] if len(cells) > 1 else "", doc.unit)
        if money.status != "value":
            raise InputError(doc.path, line=line.number, column="Increase (£)", expected="an amount in £",
                             found=cells[1] if len(cells) > 1 else "")
        label = cells[0]
        if label.lower().startswith("total"):
            stated_total = (line, money.value_gbp)
            records.append(dict(financial_year=fy, month=None, month_label=label, increase_gbp=money.value_gbp,
                                row_type="stated_total", table_name="Table 2", source_line=line.number,
                                cleaning_flags=None))
            continue
        m = re.match(r"^(?P<month>[A-Za-z]+)\s*(?:\((?P<year>\d{4})\))?$", label)
        number = month_number(m.group("month")) if m else None
        if number is None:
            raise InputError(doc.path, line=line.number, column="Month", expected="a month name, e.g. 'July (2016)'",
                             found=label)
        year = start if number >= 4 else start + 1
        if m.group("year") and int(m.group("year")) != year:
            raise InputError(doc.path, line=line.number, column="Month",
                             expected=f"a month of financial year {fy}", found=label)
        records.append(dict(financial_year=fy, month=f"{year}-{number:02d}", month_label=label,
                            increase_gbp=money.value_gbp, row_type="line", table_name="Table 2",
                            source_line=line.number, cleaning_flags=None))
    frame = pd.DataFrame.from_records(records)
    lines_only = frame[frame.row_type == "line"]
    checks.add(document=doc.document, table="placement_slippage", item="Table 2: Total of the monthly increases",
               kind="total", stated=stated_total[1] if stated_total else None,
               computed=int(lines_only.increase_gbp.sum()), unit="gbp", source_file=doc.file,
               source_line=stated_total[0].number if stated_total else lines[caption].number,
               note="" if stated_total else "no Total row printed")
    return frame


# --------------------------------------------------------------------------------------------- FIP table


def _improvement_plan(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    title = require_line(doc.path, lines, r"^Financial Improvement Plan \d{4}/\d{2}", "the heading "
                         "'Financial Improvement Plan 2017/18 – 2020/21'")
    h = require_line(doc.path, lines, r"^Opportunity\t", "the header 'Opportunity | 2017/18 | … | TOTAL'", start=title)
    header = lines[h].cells
    years = [financial_year(c) for c in header[1:]]
    if not years or years[-1] is not None or any(y is None for y in years[:-1]):
        raise InputError(doc.path, line=lines[h].number, expected="financial-year columns then TOTAL",
                         found=" | ".join(header))
    years = years[:-1]
    footnote = None
    records: list[dict] = []
    for line in lines[h + 1:]:
        if line.is_blank:
            continue
        if "\t" not in line.text:
            if re.match(r"^\*\s*=", line.text.strip()):
                footnote = line
            break
        cells = (line.cells + [""] * len(header))[: len(header)]
        label = cells[0]
        if not label and all(c in ("£", "") for c in cells[1:]):
            continue  # the unit row
        is_total = label.upper() == "TOTAL"
        is_adjustment = bool(re.match(r"budget adjustment", label, re.I))
        starred = label.endswith("*")
        name = label.rstrip("*").strip()
        row_type = "stated_total" if is_total else ("stated_adjustment" if is_adjustment else "opportunity")
        for year, raw in zip(years + ["all years"], cells[1:]):
            money = parse_money(raw, doc.unit)
            if money.status not in ("value", "range", "to_be_confirmed", "blank"):
                raise InputError(doc.path, line=line.number, column=year, expected="an amount, a range or TBC",
                                 found=raw)
            if is_adjustment and money.status == "blank":
                continue
            records.append(_fip_record(name, year, money, starred,
                                       "stated_total" if year == "all years" and not is_adjustment else row_type,
                                       line.number))
    budget_year = None
    if footnote is not None:  # "* = Included within revenue budget 2017/18"
        said = re.search(r"revenue budget\s+(\d{4}\s*[/-]\s*\d{2,4})", footnote.text, re.I)
        budget_year = financial_year(said.group(1).replace(" ", "")) if said else None
    for record in records:
        record["revenue_budget_year"] = budget_year
    if footnote is None or not re.search(r"revenue budget", footnote.text, re.I):
        starred_rows = [r for r in records if r["in_revenue_budget"]]
        if starred_rows:
            raise InputError(doc.path, line=starred_rows[0]["source_line"], expected="a footnote saying what * means",
                             found="none after the table")
    frame = pd.DataFrame.from_records(records)
    _fip_checks(doc, frame, years, checks)
    return frame


def _fip_record(name: str, year: str, money: Money, starred: bool, row_type: str, line: int,
                stated_in: str = "table", prose_text: str | None = None) -> dict:
    flags = [f"amount: {f}" for f in money.flags]
    return dict(opportunity=name, year=year, low_gbp=money.low_gbp, high_gbp=money.high_gbp,
                amount_status=money.status, amount_raw=money.raw or None, in_revenue_budget=starred,
                row_type=row_type, stated_in=stated_in, prose_opportunity_text=prose_text, source_line=line,
                cleaning_flags="; ".join(flags) or None)


def _sum_ends(rows: pd.DataFrame) -> tuple[int, int]:
    return int(rows.low_gbp.fillna(0).sum()), int(rows.high_gbp.fillna(0).sum())


def _fip_checks(doc: SourceDocument, frame: pd.DataFrame, years: list[str], checks: Checks) -> None:
    def add(item, stated_row, low, high, note=""):
        is_range = stated_row.low_gbp != stated_row.high_gbp or low != high
        for end, stated, computed in (("low", stated_row.low_gbp, low), ("high", stated_row.high_gbp, high)):
            if not is_range and end == "high":
                break
            checks.add(document=doc.document, table="financial_improvement_plan",
                       item=item + (f" ({end} end)" if is_range else ""), kind="range" if is_range else "total",
                       stated=None if pd.isna(stated) else stated, computed=computed, unit="gbp",
                       source_file=doc.file, source_line=int(stated_row.source_line), note=note)

    ops = frame[frame.row_type == "opportunity"]
    for name, rows in ops.groupby("opportunity", sort=False):
        total = frame[(frame.opportunity == name) & (frame.year == "all years")]
        if total.empty:
            continue
        tbc = rows[rows.amount_status == "to_be_confirmed"]
        note = f"{len(tbc)} year(s) TBC, counted as nothing" if len(tbc) else ""
        add(f"{name}: TOTAL column = sum of years", total.iloc[0], *_sum_ends(rows), note=note)
    totals = frame[(frame.opportunity == "TOTAL")]
    for year in years:
        stated = totals[totals.year == year]
        if len(stated):
            add(f"TOTAL row {year} = sum of opportunities", stated.iloc[0], *_sum_ends(ops[ops.year == year]))
    grand = totals[totals.year == "all years"]
    if len(grand):
        add("TOTAL row, TOTAL column = sum of the TOTAL row's years", grand.iloc[0],
            *_sum_ends(totals[totals.year != "all years"]))
        add("TOTAL row, TOTAL column = sum of every opportunity's TOTAL", grand.iloc[0],
            *_sum_ends(frame[(frame.row_type == "stated_total") & (frame.year == "all years") &
                             (frame.opportunity != "TOTAL")]))
    for adj in frame[frame.row_type == "stated_adjustment"].itertuples():
        pct = re.search(r"(\d+)%", adj.opportunity)
        base = totals[totals.year == adj.year]
        computed = (int(base.low_gbp.iloc[0]) * int(pct.group(1)) / 100) if (pct and len(base)) else None
        checks.add(document=doc.document, table="financial_improvement_plan",
                   item=f"{adj.opportunity[:pct.end() if pct else 40]} ({adj.year}) = that share of the TOTAL row",
                   kind="product", stated=adj.low_gbp, computed=computed, unit="gbp",
                   tolerance=ROUNDING_TOLERANCE_GBP, source_file=doc.file, source_line=int(adj.source_line),
                   note="the paper rounds its figures to the nearest £1k")


# --------------------------------------------------------------------------------------------- action plan prose

_STOP = set("a an and the of to in on for as at by with from within into or be is are this that will more less "
            "its their our than through result".split())
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


def _action_plan_amounts(doc: SourceDocument, lines: list[Line], fip: pd.DataFrame, checks: Checks) -> pd.DataFrame:
    ops = fip[fip.row_type == "opportunity"]
    opportunities = list(dict.fromkeys(ops.opportunity))
    statements = _statements(doc, lines)
    assigned = _match(statements, opportunities)
    records = []
    for i, st in enumerate(statements):
        name = assigned.get(i)
        for fy_text, amount_text, whole, line_no in st.amounts:
            fy = financial_year(fy_text)
            money = parse_money(amount_text, "gbp")
            if name is None:
                checks.add(document=doc.document, table="financial_improvement_plan",
                           item=f"action plan prose {whole!r}: vs Financial Improvement Plan", kind="repeated",
                           stated=money.value_gbp, computed=None, unit="gbp", source_file=doc.file,
                           source_line=line_no, note="could not tell which opportunity the prose describes: "
                           + st.label[-120:])
                continue
            starred = bool(ops[ops.opportunity == name].in_revenue_budget.iloc[0])
            records.append(_fip_record(name, fy, money, starred, "opportunity", line_no, "action plan prose",
                                       st.label[-160:]))
            records[-1]["revenue_budget_year"] = ops.revenue_budget_year.iloc[0]
            records[-1]["amount_raw"] = whole
            table = ops[(ops.opportunity == name) & (ops.year == fy)]
            computed = None
            note = "the paper rounds its figures to the nearest £1k"
            if len(table) and table.amount_status.iloc[0] == "value":
                computed = int(table.low_gbp.iloc[0])
            else:
                note = f"the table prints {table.amount_raw.iloc[0] if len(table) else 'nothing'} for {fy}"
            checks.add(document=doc.document, table="financial_improvement_plan",
                       item=f"{name} {fy}: action plan prose ({whole}) vs table", kind="repeated",
                       stated=money.value_gbp, computed=computed, unit="gbp", tolerance=ROUNDING_TOLERANCE_GBP,
                       source_file=doc.file, source_line=line_no, note=note)
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------------------------- other prose


def _prose_checks(doc: SourceDocument, lines: list[Line], fip: pd.DataFrame, checks: Checks) -> None:
    text = [(ln, ln.text.replace("**", "")) for ln in lines]

    def money(m: re.Match, group: str) -> int | None:
        return parse_money(m.group(group)).value_gbp

    def add(item, kind, stated, computed, line: Line | int | None, note="", tolerance=0.0):
        checks.add(document=doc.document, table="paper prose", item=item, kind=kind, stated=stated,
                   computed=computed, unit="gbp", tolerance=tolerance, source_file=doc.file,
                   source_line=line.number if isinstance(line, Line) else line, note=note)

    def table_cell(opportunity_pattern: str, year: str) -> tuple[int | None, int | None]:
        """The table's figure for an opportunity and year, and the line it is printed on."""
        rows = fip[(fip.stated_in == "table") & (fip.year == year) &
                   fip.opportunity.str.contains(opportunity_pattern, case=False, regex=True)]
        if rows.empty:
            return None, None
        value = int(rows.low_gbp.iloc[0]) if rows.amount_status.iloc[0] == "value" else None
        return value, int(rows.source_line.iloc[0])

    # 1.1 reserves contributions and 8.3 the investment to return
    reserves = _find(text, r"contributions from central reserves of respectively (?P<a>£[\d.]+m) and (?P<b>£[\d.]+m)")
    returned = _find(text, r"return the (?P<total>£[\d.]+m) investment from Council reserves")
    add("£ investment from reserves to return (8.3) = the two contributions from reserves (1.1)", "total",
        money(returned[1], "total") if returned else None,
        (money(reserves[1], "a") + money(reserves[1], "b")) if reserves else None,
        returned[0] if returned else None, note="" if reserves and returned else "statement not found")
    # 5.3.1 residential: number x average = total
    resi = _find(text, r"Spending on the (?P<n>\d+) children currently in residential placements costs around "
                       r"(?P<total>£[\d.]+m).*?average placement cost of (?P<avg>£\d+k)")
    add("residential placements: cost around £Xm (5.3.1) = children x average placement cost", "product",
        money(resi[1], "total") if resi else None,
        int(resi[1].group("n")) * money(resi[1], "avg") if resi else None, resi[0] if resi else None,
        note="tolerance £50k: the total is printed to £0.1m" if resi else "statement not found", tolerance=assumptions.PRINTED_TO_0_1M_TOLERANCE_GBP)
    # 5.5.3 staffing: full-year value less the vacancy target = net saving; plus business support posts
    full = _find(text, r"full year value of around (?P<v>£\d+k)")
    net = _find(text, r"around (?P<v>£\d+k) of net savings")
    target = _find(text, r"vacancy management target of (?P<v>£\d+k)")
    posts = _find(text, r"further saving of around (?P<v>£\d+k)")
    if full and net and target:
        add("5.5.3 net staffing saving = full-year value - vacancy management target", "difference",
            money(net[1], "v"), money(full[1], "v") - money(target[1], "v"), net[0])
    if net and posts:
        staffing, staffing_line = table_cell(r"^Staffing", "2017-18")
        add("Staffing and Support Costs 2017-18 (table) = net staffing saving + business support posts (5.5.3)",
            "total", staffing, money(net[1], "v") + money(posts[1], "v"), staffing_line or posts[0],
            note=f"parts stated on line {posts[0].number} (paragraph 5.5.3)")
    # 5.6.1 adoption timeliness saving vs the table
    adopt = _find(text, r"saving of around (?P<v>£\d+k) per annum based on reducing adoption timescales")
    if adopt:
        add("Acceleration of Adoption 2017-18: paragraph 5.6.1 vs table", "repeated", money(adopt[1], "v"),
            table_cell(r"^Acceleration of Adoption", "2017-18")[0], adopt[0],
            note="the paper rounds its figures to the nearest £1k", tolerance=ROUNDING_TOLERANCE_GBP)
