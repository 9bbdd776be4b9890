"""Cambridgeshire's review of draft revenue business planning proposals (October 2017).

Tables read, in the order the paper prints them: inflation indices (%), forecast inflation,
demand pressures and cost pressures by service block and year, the savings requirement against
identified savings and income, and the demand funding for 2018/19 - all in £000, converted to
whole pounds - plus the proposals named in sections 5 and 6 with their references and amounts
(``5.3 A/R.6.253 Looked After Children (LAC) Placement Budget Savings (-2000k in 2018/19)``).

Extraction damage handled: a blank line (page break) inside the cost-pressures table, a section
label row inside it, a description broken across a page in the demand-funding table, a blank
cell where a figure belongs, and proposal references printed as ``A/R 6.204`` or ``A/R. 6.252``.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError
from ..manifest import SourceDocument
from ..money import parse_money, parse_number
from ..reconcile import Checks
from .text_tables import Line, financial_year, read_lines, require_line

__all__ = ["read_business_plan"]

# (table, header pattern, what the header says) in the order printed.
_TABLES = [
    ("budget_inflation_indices", r"^Inflation Range\t", "'Inflation Range | 2018-19 | …'"),
    ("budget_inflation", r"^Service Block\t", "'Service Block | 2018-19 | …' (forecast inflation)"),
    ("budget_demand_pressures", r"^Service Block\t", "'Service Block | 2018-19 £'000 | …' (demand pressures)"),
    ("budget_cost_pressures", r"^Service Block / Description\t", "'Service Block / Description | …'"),
    ("budget_savings_requirement", r"^Service Block\t", "'Service Block | …' (savings requirement)"),
    ("budget_demand_funding", r"^Demand Area\t", "'Demand Area | Description | Amount £000 2018/19'"),
]
_SAVINGS_LINES = [
    (r"total saving requirement", "requirement"),
    (r"identified savings", "identified_savings"),
    (r"identified additional income", "identified_income"),
    (r"residual savings", "residual_gap"),
]


def read_business_plan(doc: SourceDocument, checks: Checks) -> dict[str, pd.DataFrame]:
    """Read a business plan's budget tables.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    dict of str to pandas.DataFrame
        The ``budget_*`` tables' rows (money in whole pounds; inflation rates and indices as printed).

    Raises
    ------
    analysis.errors.InputError
        When a table the paper should print is not found.
    """
    lines = read_lines(doc.path)
    found: dict[str, tuple[int, list[Line]]] = {}
    start = 0
    for name, pattern, what in _TABLES:
        h = require_line(doc.path, lines, pattern, f"the table header {what}", start=start)
        found[name] = (h, _rows(lines, h, allow_gaps=name == "budget_cost_pressures"))
        start = h + 1
    out = {
        "budget_inflation_indices": _indices(doc, lines, *found["budget_inflation_indices"]),
        "budget_inflation": _grid(doc, lines, *found["budget_inflation"], "budget_inflation", checks),
        "budget_demand_pressures": _grid(doc, lines, *found["budget_demand_pressures"], "budget_demand_pressures",
                                         checks),
        "budget_cost_pressures": _cost_pressures(doc, lines, *found["budget_cost_pressures"], checks),
        "budget_savings_requirement": _savings(doc, lines, *found["budget_savings_requirement"], checks),
        "budget_demand_funding": _demand_funding(doc, lines, *found["budget_demand_funding"]),
        "budget_proposals": _proposals(doc, lines, checks),
    }
    return out


def _rows(lines: list[Line], header: int, *, allow_gaps: bool) -> list[Line]:
    """Tabbed rows after ``header``; a blank line ends the table unless ``allow_gaps`` (page breaks)
    and a tabbed line follows; an untabbed line always ends it."""
    rows: list[Line] = []
    i = header + 1
    while i < len(lines):
        line = lines[i]
        if line.is_blank:
            nxt = next((ln for ln in lines[i + 1:] if not ln.is_blank), None)
            if not (allow_gaps and nxt is not None and "\t" in nxt.text):
                break
        elif "\t" not in line.text:
            break
        else:
            rows.append(line)
        i += 1
    return rows


def _years(doc: SourceDocument, header: Line) -> list[str]:
    years = []
    for cell in header.cells[1:]:
        m = re.match(r"^(\d{4}-\d{2}|\d{4}/\d{2})", cell)
        fy = financial_year(m.group(1)) if m else None
        if fy is None:
            raise InputError(doc.path, line=header.number, column=cell,
                             expected="a financial year such as 2018-19", found=cell)
        years.append(fy)
    return years


def _amount(doc: SourceDocument, line: Line, column: str, raw: str, *, allow_dash: bool = False):
    money = parse_money(raw, doc.unit)
    if money.status == "value":
        return money.value_gbp, []
    if money.status == "blank":
        return None, [f"{column}: blank cell where a figure belongs"]
    if money.status == "dash" and allow_dash:
        return None, [f"{column}: printed as '-'"]
    raise InputError(doc.path, line=line.number, column=column, expected="an amount in £000", found=raw)


def _indices(doc: SourceDocument, lines: list[Line], h: int, rows: list[Line]) -> pd.DataFrame:
    years = _years(doc, lines[h])
    records = []
    for line in rows:
        cells = line.cells
        for year, raw in zip(years, cells[1:], strict=True):
            value = parse_number(raw)
            if value is None or not raw.strip().endswith("%"):
                raise InputError(doc.path, line=line.number, column=year, expected="a percentage such as 2.2%",
                                 found=raw)
            records.append(dict(index_name=cells[0], year=year, rate_pct=float(value), rate_raw=raw,
                                source_line=line.number, cleaning_flags=None))
    return pd.DataFrame.from_records(records)


def _grid(doc: SourceDocument, lines: list[Line], h: int, rows: list[Line], table: str, checks: Checks,
          label_column: str = "service_block") -> pd.DataFrame:
    years = _years(doc, lines[h])
    records = []
    unit_flag = _unprinted_unit(doc, lines, h)
    for line in rows:
        cells = (line.cells + [""] * len(years))[: len(years) + 1]
        is_total = cells[0].lower() == "total"
        for year, raw in zip(years, cells[1:], strict=True):
            value, flags = _amount(doc, line, year, raw, allow_dash=is_total)
            if unit_flag and value is not None:
                flags = [*flags, unit_flag]
            records.append({label_column: cells[0], "year": year, "amount_gbp": value, "amount_raw": raw or None,
                            "row_type": "stated_total" if is_total else "line", "source_line": line.number,
                            "cleaning_flags": "; ".join(flags) or None})
    frame = pd.DataFrame.from_records(records)
    _total_checks(doc, frame, table, years, checks)
    return frame


_PRINTED_UNIT = re.compile(r"£\s?'?0{3}|£\s?k\b|£\s?m\b|\bthousands?\b|\bmillions?\b", re.I)


def _unprinted_unit(doc: SourceDocument, lines: list[Line], h: int) -> str | None:
    """A cleaning flag when a table prints no unit in its header or the sentence introducing it
    (004's forecast inflation, line 78): its figures are read in the paper's unit (the manifest's)."""
    near = " ".join(ln.text for ln in lines[max(0, h - 2):h + 1])
    if _PRINTED_UNIT.search(near) or doc.unit == "gbp":
        return None
    return (f"amount_gbp: the table prints no unit (header line {lines[h].number}); read in the paper's unit "
            f"({doc.unit}, from the manifest) and multiplied to whole pounds")


def _total_checks(doc: SourceDocument, frame: pd.DataFrame, table: str, years: list[str], checks: Checks) -> None:
    lines_only = frame[frame.row_type == "line"]
    for row in frame[frame.row_type == "stated_total"].itertuples():
        parts = lines_only[lines_only.year == row.year]
        blanks = int(parts.amount_gbp.isna().sum())
        note = f"{blanks} blank cell(s) counted as nothing" if blanks else ""
        if pd.isna(row.amount_gbp):
            note = f"Total printed as {row.amount_raw!r}: nothing to compare" + (f"; {note}" if note else "")
        checks.add(document=doc.document, table=table, item=f"Total {row.year} = sum of the lines above",
                   kind="total", stated=None if pd.isna(row.amount_gbp) else row.amount_gbp,
                   computed=int(parts.amount_gbp.fillna(0).sum()), unit="gbp", source_file=doc.file,
                   source_line=row.source_line, note=note)


def _cost_pressures(doc: SourceDocument, lines: list[Line], h: int, rows: list[Line], checks: Checks) -> pd.DataFrame:
    years = _years(doc, lines[h])
    records, category = [], None
    for line in rows:
        cells = line.cells
        label = cells[0]
        if all(not c for c in cells[1:]):  # a section label row
            low = label.lower()
            category = "new" if low.startswith("new") else "brought forward" if "brought forward" in low else None
            if category is None:
                raise InputError(doc.path, line=line.number, column="Service Block / Description",
                                 expected="'New Pressures …' or 'Existing Pressures Brought Forward'", found=label)
            continue
        is_total = label.lower() == "total"
        if category is None and not is_total:
            raise InputError(doc.path, line=line.number, expected="a section label row before the first pressure",
                             found=label)
        prefix = re.match(r"^([A-Z&]{2,4}):\s*", label)
        cells = (cells + [""] * len(years))[: len(years) + 1]
        for year, raw in zip(years, cells[1:], strict=True):
            value, flags = _amount(doc, line, year, raw, allow_dash=is_total)
            records.append(dict(pressure=label, service_block=prefix.group(1) if prefix else None,
                                category="total" if is_total else category, year=year, amount_gbp=value,
                                amount_raw=raw or None, row_type="stated_total" if is_total else "line",
                                source_line=line.number, cleaning_flags="; ".join(flags) or None))
    frame = pd.DataFrame.from_records(records)
    _total_checks(doc, frame, "budget_cost_pressures", years, checks)
    return frame


def _savings(doc: SourceDocument, lines: list[Line], h: int, rows: list[Line], checks: Checks) -> pd.DataFrame:
    years = _years(doc, lines[h])
    records = []
    for line in rows:
        label = line.cells[0]
        key = next((k for p, k in _SAVINGS_LINES if re.match(p, label, re.I)), None)
        if key is None:
            raise InputError(doc.path, line=line.number, column="Service Block",
                             expected="Total Saving Requirement, Identified Savings, Identified additional Income "
                             "Generation or Residual Savings to be identified", found=label)
        for year, raw in zip(years, line.cells[1:], strict=True):
            value, flags = _amount(doc, line, year, raw)
            records.append(dict(line=label, line_key=key, year=year, amount_gbp=value, amount_raw=raw,
                                row_type="stated_total" if key == "residual_gap" else "line",
                                source_line=line.number, cleaning_flags="; ".join(flags) or None))
    frame = pd.DataFrame.from_records(records)
    for year in years:
        rows_y = frame[frame.year == year].set_index("line_key")
        if "residual_gap" not in rows_y.index:
            continue
        parts = [k for k in ("requirement", "identified_savings", "identified_income") if k in rows_y.index]
        checks.add(document=doc.document, table="budget_savings_requirement",
                   item=f"Residual savings to be identified {year} = requirement + identified savings + income",
                   kind="total", stated=rows_y.loc["residual_gap", "amount_gbp"],
                   computed=int(sum(rows_y.loc[k, "amount_gbp"] for k in parts)), unit="gbp", source_file=doc.file,
                   source_line=int(rows_y.loc["residual_gap", "source_line"]),
                   note="identified savings and income are printed negative")
    # 3.1 "savings or additional income of £37.2m are required for 2018-19, and a total of £85m across …"
    requirement = frame[frame.line_key == "requirement"]
    for line in lines[:h]:
        m = re.search(r"(£[\d.]+m) are required for (\d{4}-\d{2}), and a total of (£[\d.]+m) across the full "
                      r"(\w+) years", line.text)
        if not m:
            continue
        first = requirement[requirement.year == m.group(2)]
        for item, stated, computed in (
                (f"savings requirement {m.group(2)}: paragraph 3.1 ('{m.group(1)}') vs table",
                 parse_money(m.group(1)).value_gbp, first.amount_gbp.iloc[0] if len(first) else None),
                (f"savings requirement over {m.group(4)} years: paragraph 3.1 ('{m.group(3)}') vs sum of the table",
                 parse_money(m.group(3)).value_gbp, int(requirement.amount_gbp.sum()))):
            text = item.split("'")[1]
            decimals = len(text.split(".")[1].rstrip("m")) if "." in text else 0
            checks.add(document=doc.document, table="budget_savings_requirement", item=item, kind="repeated",
                       stated=stated, computed=computed, unit="gbp", source_file=doc.file,
                       source_line=line.number, note=f"prose printed as {text}",
                       stated_precision=float(10 ** (6 - decimals)))
    return frame


def _demand_funding(doc: SourceDocument, lines: list[Line], h: int, rows: list[Line]) -> pd.DataFrame:
    header = lines[h]
    fy_m = re.search(r"(\d{4}/\d{2}|\d{4}-\d{2})", header.text)
    if not fy_m:
        raise InputError(doc.path, line=header.number, column="Amount", expected="the year in the header", found=header.text)
    year = financial_year(fy_m.group(1))
    records: list[dict] = []
    for line in _rows(lines, h, allow_gaps=True):
        cells = (line.cells + ["", "", ""])[:3]
        if not cells[0] and not cells[2] and records:  # a description continued after a page break
            records[-1]["description"] += " " + cells[1]
            records[-1]["cleaning_flags"] = (f"description: continued on line {line.number} after a page break; "
                                             "joined")
            continue
        value, flags = _amount(doc, line, "Amount £000", cells[2])
        if value is None:
            raise InputError(doc.path, line=line.number, column="Amount £000", expected="an amount", found=cells[2])
        records.append(dict(demand_area=cells[0], description=cells[1], year=year, amount_gbp=value,
                            amount_raw=cells[2], source_line=line.number, cleaning_flags="; ".join(flags) or None))
    return pd.DataFrame.from_records(records)


_PROPOSAL = re.compile(
    r"^(?P<para>\d+\.\d+)\s+(?P<ref>[A-Z]/R[.\s]*\d+\.\d{3})\s*[-:]?\s*(?P<title>.*?)\s*"
    r"(?P<printed>\((?P<amount>[-−]?\d[\d,]*\s*k)\s*(?:in\s+)?(?P<fy>\d{2,4}/\d{2})\))?\.?\s*$")
_PROSE_AMOUNT = re.compile(
    r"(?:(?:saving|savings|save|surplus|income)\b[^.£\d]{0,40}?(?P<a>[-−]?£?\d[\d,]*(?:\.\d+)?\s?[kK]?\b))"
    r"|(?:(?P<b>[-−]?£\d[\d,]*(?:\.\d+)?\s?[kK]?|[-−]\d[\d,]*\s?[kK])\s+(?:of\s+)?(?:permanent\s+|additional\s+)?"
    r"(?:saving|savings|income)\b)")


def _proposals(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    records, heading, scope = [], None, "committee"
    numbered = re.compile(r"^-?\s*\**\d+(\.\d+)?\b")
    for i, line in enumerate(lines):
        text = line.text.strip()
        if re.match(r"^6\.?\s+CROSS CUTTING", text):
            scope, heading = "cross-cutting", "Cross cutting proposals"
        m = _PROPOSAL.match(text)
        if not m:
            if text and "\t" not in text and not numbered.match(text) and len(text) < 90 \
                    and not text.endswith((".", ":", "-", ";", ",")) and not text.startswith(("-", "•")) \
                    and text[0].isalpha():
                heading = text
            continue
        raw_ref = m.group("ref")
        ref = re.sub(r"^([A-Z]/R)[.\s]*", r"\1.", raw_ref)
        flags = [f"reference: {raw_ref!r} printed with a space or stray point; normalised"] if ref != raw_ref else []
        amount = year = None
        if m.group("amount"):
            money = parse_money(m.group("amount"))
            amount, year = money.value_gbp, financial_year(m.group("fy"))
        records.append(dict(paragraph=m.group("para"), reference=ref, reference_raw=raw_ref,
                            title=m.group("title").rstrip(" -–"), heading=heading, scope=scope, amount_gbp=amount,
                            amount_raw=m.group("printed"),
                            year=year, source_line=line.number, cleaning_flags="; ".join(flags) or None))
        if amount is not None:
            _proposal_prose_check(doc, lines, i, records[-1], checks)
    if not records:
        raise InputError(doc.path, expected="proposals such as '5.3 A/R.6.253 Title (-2000k in 2018/19)'",
                         found="none")
    return pd.DataFrame.from_records(records)


def _proposal_prose_check(doc: SourceDocument, lines: list[Line], index: int, proposal: dict, checks: Checks) -> None:
    """The amount in a proposal's heading against the saving its paragraph states."""
    body = []
    for line in lines[index + 1:]:
        if _PROPOSAL.match(line.text.strip()) or re.match(r"^\d+\.?\s+[A-Z]{3}", line.text.strip()):
            break
        body.append(line)
    amounts = []
    for line in body:
        for m in _PROSE_AMOUNT.finditer(line.text):
            raw = (m.group("a") or m.group("b")).strip()
            money = parse_money(raw)
            value = money.value_gbp
            if money.status == "value" and value is not None and (raw.startswith(("£", "-", "−"))
                                                                    or raw.lower().endswith("k")):
                amounts.append((line, raw, abs(value)))
    if not amounts:
        return
    computed = sum(a for _, _, a in amounts)
    checks.add(document=doc.document, table="budget_proposals",
               item=f"{proposal['reference']} {proposal['year']}: heading {proposal['amount_raw']} vs saving stated "
                    "in its paragraph (" + " + ".join(r for _, r, _ in amounts) + ")",
               kind="repeated" if len(amounts) == 1 else "total", stated=abs(proposal["amount_gbp"]),
               computed=computed, unit="gbp", source_file=doc.file, source_line=proposal["source_line"],
               note="compared as magnitudes: headings print savings negative, the prose mostly positive")
