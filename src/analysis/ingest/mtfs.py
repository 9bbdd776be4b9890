"""Torbay Children's Services Medium Term Financial Strategy (Rev 2, January 2017).

Produces rows for ``cla_trajectories`` (Table 1 and the MTFS's own 10-15-a-year plan),
``placement_slippage`` (Table 2) and ``financial_improvement_plan`` (the Financial Improvement
Plan table plus the per-year amounts written in the Financial Action Plan's prose).

Extraction damage handled here:

* Table 1's header cells merged into one (``YEAR November 2016 2016/17 2017/18 2018/19``): the
  column labels are split out of the merged text;
* ``1,265m`` and ``1,769m – 2,319m``: decimal points read as commas (see :mod:`analysis.money`);
* the prose's amounts and their damage are read in :mod:`.mtfs_prose`.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import precision as pr
from ..errors import InputError
from ..manifest import SourceDocument
from ..money import parse_money
from ..reconcile import Checks
from .five_year_plan import add_rate_checks, month_label, plan_made
from .mtfs_derivations import derivation_checks
from .mtfs_prose import action_plan_amounts, find_phrase, fip_record, prose_checks
from .text_tables import Line, financial_year, fy_label, fy_start, month_number, read_lines, require_line

__all__ = ["read_mtfs"]



def read_mtfs(doc: SourceDocument, checks: Checks) -> dict[str, pd.DataFrame]:
    """Read a medium-term financial strategy paper: its tables and the prose checked against them.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``cla_trajectories``, ``placement_slippage`` and ``financial_improvement_plan`` rows
        (money in whole pounds, rates per 10,000 children aged 0-17).
    """
    lines = read_lines(doc.path)
    cla = _table1(doc, lines, checks)
    cla = pd.concat([cla, _mtfs_plan(doc, lines, cla, checks)], ignore_index=True)
    slippage = _table2(doc, lines, checks)
    fip = _improvement_plan(doc, lines, checks)
    prose, rounding = action_plan_amounts(doc, lines, fip, checks)
    fip = pd.concat([fip, prose], ignore_index=True) if len(prose) else fip
    prose_checks(doc, lines, fip, checks, rounding)
    derivation_checks(doc, lines, fip, checks, rounding)
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
    records: list[dict[str, object]] = []
    for label, number, rate in zip(labels, numbers, rates, strict=True):
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
            if month_no is None:
                raise InputError(doc.path, line=header.number, found=label,
                                 expected="Table 1's column labels: a month and year (e.g. 'November 2016') or a "
                                          "financial year (e.g. 2016/17)")
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
    base = find_phrase(text, r"CLA population at the end of (?P<when>[A-Z][a-z]+ \d{4}) is at (?P<n>\d+)")
    band = find_phrase(text, r"net reduction of between (?P<low>\d+)\s*[-–]\s*(?P<high>\d+) per year .*?commencing "
                       r"(?P<fy>\d{4}/\d{2})")
    band_again = find_phrase(text, r"net\s*(?:</u>)?\s*reduction of between (?P<low>\d+)\s*[-–]\s*(?P<high>\d+) placements .*?"
                             r"commencing (?P<fy>\d{4}/\d{2})")
    span = find_phrase(text[:8], r"^(?P<start>\d{4})\s*[–-]\s*(?P<end>\d{4})$")
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
    first_fy = financial_year(m.group("fy"))
    if first_fy is None:
        raise InputError(doc.path, line=band_line.number, found=m.group("fy"),
                         expected="a financial year after 'commencing' (e.g. 2017/18)")
    first_cut = fy_start(first_fy)
    month, year = bm.group("when").split()
    month_no = month_number(month)
    if month_no is None:
        raise InputError(doc.path, line=base_line.number, found=bm.group("when"),
                         expected="a month and year after 'CLA population at the end of' (e.g. November 2016)")
    base_fy = fy_start(fy_label(int(year) if month_no >= 4 else int(year) - 1))
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
                                f"(no net reduction before {first_fy})")))
    return pd.DataFrame.from_records(records)


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
    if fy is None:
        raise InputError(doc.path, line=lines[caption].number, expected="the financial year at the end of the caption "
                         "(e.g. 2016/2017)", found=lines[caption].text.strip())
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
        if m is None or number is None:
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


def _fip_rows(doc: SourceDocument, lines: list[Line], header: list[str],
              years: list[str]) -> tuple[list[dict], Line | None]:
    """The Financial Improvement Plan's rows under its header, one record per opportunity (or
    stated total or budget adjustment) and year, money in pounds; and the footnote line that ends
    the table (``* = Included within revenue budget 2017/18``), if printed."""
    records: list[dict] = []
    for line in lines:
        if line.is_blank:
            continue
        if "\t" not in line.text:
            return records, (line if re.match(r"^\*\s*=", line.text.strip()) else None)
        cells = (line.cells + [""] * len(header))[: len(header)]
        label = cells[0]
        if not label and all(c in ("£", "") for c in cells[1:]):
            continue  # the unit row
        is_adjustment = bool(re.match(r"budget adjustment", label, re.I))
        row_type = ("stated_total" if label.upper() == "TOTAL" else
                    "stated_adjustment" if is_adjustment else "opportunity")
        for year, raw in zip(years + ["all years"], cells[1:], strict=True):
            money = parse_money(raw, doc.unit)
            if money.status not in ("value", "range", "to_be_confirmed", "blank"):
                raise InputError(doc.path, line=line.number, column=year, expected="an amount, a range or TBC",
                                 found=raw)
            if is_adjustment and money.status == "blank":
                continue
            records.append(fip_record(label.rstrip("*").strip(), year, money, label.endswith("*"),
                                       "stated_total" if year == "all years" and not is_adjustment else row_type,
                                       line.number))
    return records, None


def _improvement_plan(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    title = require_line(doc.path, lines, r"^Financial Improvement Plan \d{4}/\d{2}", "the heading "
                         "'Financial Improvement Plan 2017/18 – 2020/21'")
    h = require_line(doc.path, lines, r"^Opportunity\t", "the header 'Opportunity | 2017/18 | … | TOTAL'", start=title)
    header = lines[h].cells
    labels = [financial_year(c) for c in header[1:]]
    if not labels or labels[-1] is not None or any(y is None for y in labels[:-1]):
        raise InputError(doc.path, line=lines[h].number, expected="financial-year columns then TOTAL",
                         found=" | ".join(header))
    years = [y for y in labels[:-1] if y is not None]  # every one (checked above)
    records, footnote = _fip_rows(doc, lines[h + 1:], header, years)
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
                   source_file=doc.file, source_line=int(adj.source_line),
                   stated_precision=pr.precision_of(adj.amount_raw or "", adj.low_gbp) if adj.amount_raw else 0,
                   note=f"{pct.group(1) if pct else '?'}% of the TOTAL row's {adj.year} figure")
