"""Torbay's 2015 review of the 5-year plan -> ``comparator_rates``, ``cla_trajectories``, ``placement_costs``.

Tables read (numbering as printed in the paper):

* **Table 3** - LAC rate per 10,000 for the authority and its statistical neighbours, with two
  printed averages.  Neighbour names are wrapped in ``<i>…</i>`` (italics in the PDF); the
  subject's cell also carries its next-year rate in brackets (``121 (134 for 2013/14)``).
* **Table 6** - LAC number and rate by year: actuals, then Years 1-5 of the October 2014 plan.
* **Table 7** - total LAC placement cost, the reduction against 2013/14 and the forecast
  under/overspend a year (``£0.2m underspend``; plain amounts do not say which).

Reconciliation: the printed averages against the mean of the rows they average; every rate
against the number and the population the table itself implies; the reduction column against
the subtraction of the costs; and the prose overspend for 2015/16 against Table 7.
"""

from __future__ import annotations

import re
import statistics

import pandas as pd

from .. import assumptions
from .. import precision as pr
from ..errors import InputError
from ..manifest import SourceDocument
from ..money import format_gbp, parse_money, parse_number
from ..reconcile import Checks
from ..schemas import needs
from .text_tables import Line, financial_year, fy_start, month_number, read_lines, require_line, strip_tags

__all__ = [
    "RATE_NOTE", "RATE_TOLERANCE", "add_rate_checks", "month_label", "plan_made", "read_five_year_plan",
]

RATE_TOLERANCE = assumptions.WHOLE_RATE_TOLERANCE_PER_10K
RATE_NOTE = ("population not printed: computed as number / P x 10,000 with P = {p:,.0f}, the median of the "
             "child populations the table's own rows imply (number / rate x 10,000); tolerance 1 allows for "
             "rates printed as whole numbers")


def read_five_year_plan(doc: SourceDocument, checks: Checks) -> dict[str, pd.DataFrame]:
    """Read a five-year plan's tables 3, 6 and 7 and check the figures it repeats.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``comparator_rates``, ``cla_trajectories`` and ``placement_costs`` rows (money in whole
        pounds, rates per 10,000 children aged 0-17).
    """
    lines = read_lines(doc.path)
    comparators = _table3(doc, lines, checks)
    cla = _table6(doc, lines, checks)
    costs = _table7(doc, lines, checks)
    _repeated_figures(doc, lines, comparators, cla, costs, checks)
    return {"comparator_rates": comparators, "cla_trajectories": cla, "placement_costs": costs}


def _table_rows(lines: list[Line], header_index: int) -> list[Line]:
    """Tab-separated rows after a header, up to the first blank or untabbed line."""
    rows = []
    for line in lines[header_index + 1:]:
        if line.is_blank or "\t" not in line.text:
            break
        rows.append(line)
    return rows


def _table3(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    start = require_line(doc.path, lines, r"^Table 3\s*$", "a line 'Table 3'")
    h = require_line(doc.path, lines, r"^Local Authority\t", "Table 3 header 'Local Authority | LAC Rate/10,000 …'",
                     start=start)
    header = lines[h]
    m = re.search(r"(\d{4}/\d{2})", header.text)
    if not m:
        raise InputError(doc.path, line=header.number, column="LAC Rate/10,000",
                         expected="the data year in the header (e.g. 'based on 2012/13 data')", found=header.text)
    year = financial_year(m.group(1))
    records = []
    for line in _table_rows(lines, h):
        cells = line.cells
        raw_name, raw_rate = cells[0], (cells[1] if len(cells) > 1 else "")
        name, had_tags = strip_tags(raw_name)
        flags = []
        if had_tags:
            flags.append("authority: <i> tags (italics in the PDF) removed from the name")
        clean = re.sub(r"\s*[–—-]\s*", "-", name)
        if clean != name:
            flags.append("authority: dash and spacing around it normalised")
            name = clean
        rate_m = re.match(r"^(?P<rate>\d+(?:\.\d+)?)\s*(?:\((?P<second>\d+(?:\.\d+)?)\s+for\s+(?P<fy>\d{4}/\d{2})\))?$",
                          raw_rate)
        if not rate_m:
            raise InputError(doc.path, line=line.number, column="LAC Rate/10,000",
                             expected="a rate per 10,000, optionally '(N for YYYY/YY)'", found=raw_rate)
        is_average = bool(re.search(r"\baverage\b", name, re.I))
        average_of = None
        if is_average:
            average_of = ("statistical neighbours" if re.search(r"statistical neighbour", name, re.I)
                          else re.sub(r"(?i)^average\s*", "", name).strip())
        base = {"authority_raw": raw_name, "is_subject": name == doc.authority,
                "row_type": "stated_average" if is_average else "authority", "average_of": average_of,
                "source_line": line.number, "table_name": "Table 3"}
        records.append({**base, "authority": name, "year": year, "rate_per_10k": float(rate_m.group("rate")),
                        "cleaning_flags": "; ".join(flags) or None})
        if rate_m.group("second"):
            records.append({**base, "authority": name, "year": financial_year(rate_m.group("fy")),
                            "rate_per_10k": float(rate_m.group("second")),
                            "cleaning_flags": "; ".join(flags + [
                                f"rate_per_10k: second figure in the same cell ({raw_rate!r}) read as the "
                                f"{financial_year(rate_m.group('fy'))} rate"])})
    frame = pd.DataFrame.from_records(records)

    members = frame[(frame.row_type == "authority") & (frame.year == year)]
    for avg in frame[frame.row_type == "stated_average"].itertuples():
        if avg.average_of == "statistical neighbours":
            parts = members[~members.is_subject]
            how = f"mean of the {len(parts)} neighbours printed (subject excluded)"
        else:
            names = [n.strip() for n in re.split(r"[/,&]|\band\b", avg.average_of) if n.strip()]
            parts = members[members.authority.apply(lambda a, names=names: any(a.lower().startswith(n.lower()) for n in names))]
            how = "mean of " + ", ".join(parts.authority)
            if len(parts) != len(names):
                how += f" (only {len(parts)} of {len(names)} names found)"
        checks.add(document=doc.document, table="comparator_rates", item=f"Table 3: {avg.authority}",
                   kind="average", stated=avg.rate_per_10k,
                   computed=round(parts.rate_per_10k.mean(), 4) if len(parts) else None,
                   unit="per_10k", source_file=doc.file, source_line=avg.source_line, note=how,
                   stated_precision=1.0, computed_intervals=_mean_of_whole_numbers(parts.rate_per_10k))
    return frame


def _table6(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    start = require_line(doc.path, lines, r"^Table 6\s*$", "a line 'Table 6'")
    h = require_line(doc.path, lines, r"^Year\t.*Number of LAC", "Table 6 header 'Year | 5 year Plan | Number of "
                     "LAC at end of year | LAC rate /10,000'", start=start)
    # when the plan was made: "the October 30th 2014 Council Report “Children’s Services 5 year reduction plan”"
    made = plan_made(lines, r"\b([A-Z][a-z]+)\s+\d{1,2}(?:st|nd|rd|th)?\s+(\d{4})\s+Council Report\b.*5 year")
    records = []
    for line in _table_rows(lines, h):
        cells = (line.cells + ["", "", "", ""])[:4]
        fy = financial_year(cells[0])
        number, rate = parse_number(cells[2]), parse_number(cells[3])
        if fy is None or number is None:
            raise InputError(doc.path, line=line.number, column="Year / Number of LAC",
                             expected="a financial year and a number of children", found=" | ".join(cells))
        plan_year = cells[1] or None
        records.append({
            "year": fy, "as_at": f"{fy_start(fy) + 1}-03-31",
            "series": (f"plan_{made[:4]}" if made else "plan") if plan_year else "actual",
            "label": (f"5-year plan ({month_label(made)})" if made else "5-year plan") if plan_year else "Actual",
            "plan_made": made if plan_year else None,
            "series_kind": "plan" if plan_year else "actual", "bound": "central", "plan_year": plan_year,
            "number": int(number), "rate_per_10k": float(rate) if rate is not None else None,
            "rate_source_line": line.number if rate is not None else None,
            "figure_basis": "printed", "table_name": "Table 6", "source_line": line.number, "cleaning_flags": None,
        })
    frame = pd.DataFrame.from_records(records)  # lineage is stamped by ingest (analysis.ingest.stamp)
    add_rate_checks(doc, frame, "cla_trajectories", "Table 6", checks)
    return frame


def plan_made(lines: list[Line], pattern: str) -> str | None:
    """The month a plan was made, from the first line matching ``pattern``.

    Parameters
    ----------
    lines : list of Line
        The paper's lines.
    pattern : str
        A regular expression with two groups: month name, year.

    Returns
    -------
    str or None
        The month, 'YYYY-MM'; ``None`` when the paper does not say.
    """
    for line in lines:
        m = re.search(pattern, line.text)
        if m and month_number(m.group(1)):
            return f"{m.group(2)}-{month_number(m.group(1)):02d}"
    return None


def month_label(month: str) -> str:
    """``2014-10`` -> ``Oct 2014``.

    Parameters
    ----------
    month : str
        A month, 'YYYY-MM'.

    Returns
    -------
    str
        The month's short name and year.
    """
    return pd.Timestamp(f"{month}-01").strftime("%b %Y")


@needs(frame=("rate_per_10k", "number", "year", "label", "as_at", "rate_source_line"))
def add_rate_checks(doc: SourceDocument, frame: pd.DataFrame, table: str, table_name: str, checks: Checks) -> None:
    """Each printed rate against number / P x 10,000, P the population the table's rows imply.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    frame : pandas.DataFrame
        The table's rows: reads ``rate_per_10k`` (per 10,000 children aged 0-17) and, for each row
        with a rate, ``number``, ``year``, ``label``, ``as_at`` and ``rate_source_line``.
    table : str
        The processed table's name.
    table_name : str
        The paper's name for the table, for the check's item.
    checks : Checks
        The run's reconciliation checks, added to.
    """
    rated = frame[frame.rate_per_10k.notna() & (frame.rate_per_10k > 0)]
    if rated.empty:
        return
    population = statistics.median(rated.number * 10_000 / rated.rate_per_10k)
    for row in rated.itertuples():
        checks.add(document=doc.document, table=table,
                   item=f"{table_name}: {row.year} ({row.label}"
                        + ("" if str(row.as_at).endswith("-03-31") else f" at {row.as_at}")
                        + f") rate per 10,000 for {row.number} children",
                   kind="rate", stated=row.rate_per_10k, computed=round(row.number / population * 10_000, 2),
                   unit="per_10k", tolerance=RATE_TOLERANCE, source_file=doc.file,
                   source_line=int(row.rate_source_line), note=RATE_NOTE.format(p=population))


def _table7(doc: SourceDocument, lines: list[Line], checks: Checks) -> pd.DataFrame:
    start = require_line(doc.path, lines, r"^Table 7\s*$", "a line 'Table 7'")
    h = require_line(doc.path, lines, r"^Year\t.*placement Cost", "Table 7 header 'Year | Total LAC placement Cost | "
                     "Reduction in spend compared to 2013/14 | Forecast Under/Overspend p.a'", start=start)
    header = lines[h]
    base_m = re.search(r"compared to (\d{4}/\d{2})", header.text)
    base_year = financial_year(base_m.group(1)) if base_m else None
    records = []
    for line in _table_rows(lines, h):
        cells = (line.cells + ["", "", "", ""])[:4]
        fy = financial_year(cells[0])
        cost, reduction, forecast = (parse_money(c, doc.unit) for c in cells[1:4])
        if fy is None or cost.status != "value":
            raise InputError(doc.path, line=line.number, column="Total LAC placement Cost",
                             expected="a financial year and a cost (e.g. £12.4m)", found=" | ".join(cells))
        for name, money in (("Reduction in spend", reduction), ("Forecast Under/Overspend", forecast)):
            if money.status not in ("value", "blank"):
                raise InputError(doc.path, line=line.number, column=name, expected="an amount or a blank",
                                 found=money.raw)
        records.append({
            "year": fy, "total_placement_cost_gbp": cost.value_gbp, "total_placement_cost_raw": cells[1],
            "reduction_gbp": reduction.value_gbp, "reduction_raw": cells[2] or None,
            "reduction_baseline_year": base_year,
            "forecast_variance_gbp": forecast.value_gbp,
            "forecast_variance_direction": (forecast.qualifier or "not stated") if forecast.status == "value" else None,
            "forecast_variance_raw": cells[3] or None, "table_name": "Table 7", "source_line": line.number,
            "cleaning_flags": _direction_flag(header, cells[3], forecast),
        })
    frame = pd.DataFrame.from_records(records)
    base = frame[frame.year == base_year]
    for row in frame[frame.reduction_gbp.notna()].itertuples():
        computed, allowed, how = None, None, f"{base_year} cost minus {row.year} cost"
        if len(base):
            b = base.iloc[0]
            computed = int(b.total_placement_cost_gbp - row.total_placement_cost_gbp)
            pb = pr.precision_of(b.total_placement_cost_raw, b.total_placement_cost_gbp)
            py = pr.precision_of(row.total_placement_cost_raw, row.total_placement_cost_gbp)
            allowed = {f"costs to the {pr.describe(pr.NEAREST, max(pb, py))}":
                       pr.printed(b.total_placement_cost_gbp, pb) - pr.printed(row.total_placement_cost_gbp, py)}
            how = (f"{base_year} cost minus {row.year} cost: {b.total_placement_cost_raw} - "
                   f"{row.total_placement_cost_raw} = {format_gbp(computed)}")
        checks.add(document=doc.document, table="placement_costs",
                   item=f"Table 7: {row.year} reduction in spend compared to {base_year}",
                   kind="difference", stated=row.reduction_gbp, computed=computed, unit="gbp",
                   source_file=doc.file, source_line=row.source_line, note=how,
                   stated_precision=pr.precision_of(row.reduction_raw, row.reduction_gbp), computed_intervals=allowed)
    return frame


def _direction_flag(header: Line, raw: str, forecast) -> str | None:
    """A flag when a forecast under/overspend is printed with no direction (kept 'not stated')."""
    if forecast.status != "value" or forecast.qualifier:
        return None
    column = (header.cells + ["", "", "", ""])[3] or "forecast variance"
    return (f"direction not printed: the '{column}' column prints {raw.strip()} with neither 'underspend' nor "
            f"'overspend'; kept as printed, direction 'not stated' (no sign assumed)")


def _mean_of_whole_numbers(values: pd.Series) -> dict[str, pr.Interval] | None:
    """The interval the mean of figures printed as whole numbers (to the nearest 1) allows."""
    if not len(values):
        return None
    mean = float(values.mean())
    return {"parts to the nearest 1": pr.Interval(mean - 0.5, mean + 0.5, True, False)}


def _repeated_figures(doc: SourceDocument, lines: list[Line], comparators: pd.DataFrame, cla: pd.DataFrame,
                      costs: pd.DataFrame, checks: Checks) -> None:
    # Table 3 prints the subject's rates that Table 6 also prints.
    subject = comparators[(comparators.is_subject) & (comparators.row_type == "authority")]
    for row in subject.itertuples():
        t6 = cla[(cla.year == row.year) & cla.rate_per_10k.notna()]
        checks.add(document=doc.document, table="comparator_rates",
                   item=f"{row.authority} {row.year} rate: Table 3 vs Table 6", kind="repeated",
                   stated=row.rate_per_10k, computed=t6.rate_per_10k.iloc[0] if len(t6) else None, unit="per_10k",
                   source_file=doc.file, source_line=row.source_line,
                   note="" if len(t6) else f"Table 6 has no rate for {row.year}")
    # The prose's "£2.1m forecast overspend for 15/16" is a forecast made in 2015; Table 7's
    # forecast column is the October 2014 plan's (line 11 names the report).  Different measures at
    # different dates: the prose figure is kept in prose_figures, not compared with Table 7.

