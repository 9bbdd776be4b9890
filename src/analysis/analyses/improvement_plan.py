"""A Financial Improvement Plan: savings by opportunity and year (e.g. the one in a children's
services Medium Term Financial Strategy).

Input is the ``financial_improvement_plan`` table: one row per opportunity and year as printed in
the plan's table (``stated_in == 'table'``), the printed TOTAL column (``year == 'all years'``),
TOTAL row and 50% in-year budget adjustment (``row_type`` ``stated_total`` /
``stated_adjustment``), and the amounts the Financial Action Plan prose states for the same
opportunities (``stated_in == 'action plan prose'``).

Amounts are **savings in whole pounds** (positive = saving).  A printed range keeps both ends
(``low_gbp`` < ``high_gbp``); a single figure has ``low_gbp == high_gbp``.  Cells printed ``TBC``
or left blank count as nothing in the computed totals (the paper's TOTAL row does the same).
Printed totals are never changed: they are shown beside the totals recomputed from the printed
cells, with ``difference`` = printed minus computed.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import assumptions, numbers
from ..numbers import year as printed_year
from ..schemas import needs

__all__ = [
    "AGREES", "ALL_YEARS", "CELL_COLUMNS", "DISAGREES", "NO_TABLE_FIGURE", "PROSE", "TABLE", "WITHIN_ROUNDING",
    "amount_text",
    "by_opportunity", "cells", "in_year_adjustment", "prose_comparison", "prose_disagreements",
    "revenue_budget_items", "revenue_budget_split", "revenue_budget_year", "span",
    "table_figures_not_in_prose", "whole_plan", "year_labels", "yearly_totals", "years",
]

ALL_YEARS = "all years"
TABLE, PROSE = "table", "action plan prose"
AGREES, WITHIN_ROUNDING, DISAGREES, NO_TABLE_FIGURE = "agrees", "within rounding", "disagrees", "no table figure"
_AMOUNT = ("value", "range")
#: the financial_improvement_plan columns :func:`cells` (and so every summary of the table) reads
CELL_COLUMNS = ("stated_in", "row_type", "source_line", "year", "opportunity", "low_gbp", "high_gbp", "amount_status",
                "amount_raw", "in_revenue_budget")


def amount_text(low: float | None, high: float | None, status: str | None = None) -> str:
    """A cell for a reader in £000, as the table's other money columns (the column's heading says
    £000).

    Parameters
    ----------
    low : float or None
        Low end, whole pounds.
    high : float or None
        High end, whole pounds (equal to ``low`` or None for a single figure).
    status : str, optional
        ``amount_status``; ``to_be_confirmed`` gives ``TBC``.

    Returns
    -------
    str
        ``129``, ``50–600`` (£000), ``TBC``, or empty for a blank cell.
    """
    if status == "to_be_confirmed":
        return "TBC"
    if low is None or pd.isna(low):
        return ""
    if high is None or pd.isna(high) or int(low) == int(high):
        return numbers.money_000(int(low))
    return f"{numbers.money_000(int(low))}–{numbers.money_000(int(high))}"


@needs(by_opp=())
def year_labels(by_opp: pd.DataFrame) -> dict[str, str]:
    """Headings for :func:`by_opportunity`'s year columns, saying their unit: ``2017-18 (£000)``.

    Parameters
    ----------
    by_opp : pandas.DataFrame
        :func:`by_opportunity`; only its column names (those shaped ``YYYY-YY``) are read.

    Returns
    -------
    dict of str to str
        Year column -> heading.
    """
    return {c: f"{numbers.year(c)} (£000)" for c in _year_columns(by_opp)}


@needs(fip=CELL_COLUMNS)
def cells(fip: pd.DataFrame) -> pd.DataFrame:
    """The opportunity cells of the printed table, one row per opportunity and year, in the order
    printed.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, ``year``, ``low_gbp``, ``high_gbp`` (whole pounds), ``amount_status``,
        ``amount_raw``, ``in_revenue_budget``, ``source_line``.
    """
    rows = fip[(fip.stated_in == TABLE) & (fip.row_type == "opportunity")]
    rows = rows.sort_values(["source_line", "year"], kind="stable")
    return rows[["opportunity", "year", "low_gbp", "high_gbp", "amount_status", "amount_raw",
                 "in_revenue_budget", "source_line"]].reset_index(drop=True)


@needs(fip=CELL_COLUMNS)
def years(fip: pd.DataFrame) -> list[str]:
    """The plan's financial years in order.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    list of str
        Financial years as ingested (e.g. ``2017-18`` ...).
    """
    return sorted(set(cells(fip).year))


@needs(fip=())
def revenue_budget_year(fip: pd.DataFrame) -> str:
    """The year whose revenue budget the plan's ``*`` marks name; the plan's first year when its
    footnote names none.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads ``revenue_budget_year`` when present and,
        when it names no year, :data:`CELL_COLUMNS`.

    Returns
    -------
    str
        The year in the pack's style (printed ``2017/18``, written ``2017-18``).
    """
    named = fip["revenue_budget_year"].dropna().unique() if "revenue_budget_year" in fip.columns else []
    return printed_year(named[0] if len(named) else years(fip)[0])


@needs(fip=CELL_COLUMNS)
def span(fip: pd.DataFrame) -> str:
    """The plan's years in the pack's style.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    str
        e.g. ``2017-18 to 2020-21``.
    """
    ys = years(fip)
    return printed_year(ys[0]) if len(ys) == 1 else f"{printed_year(ys[0])} to {printed_year(ys[-1])}"


@needs(fip=CELL_COLUMNS)
def by_opportunity(fip: pd.DataFrame) -> pd.DataFrame:
    """One row per opportunity, in the printed order.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, ``in_revenue_budget`` (marked ``*``; :func:`revenue_budget_year`), one
        text column per year (as :func:`amount_text`, £000), the whole-plan saving computed
        from its cells (``total_low_gbp``/``total_high_gbp``), the printed TOTAL column
        (``printed_total_low_gbp``/``printed_total_high_gbp``) and the differences
        (``difference_low_gbp``/``difference_high_gbp``, printed minus computed); whole pounds.
    """
    c = cells(fip)
    order = list(dict.fromkeys(c.opportunity))
    out = pd.DataFrame({"opportunity": order})
    flags = c.groupby("opportunity", sort=False).in_revenue_budget.any()
    out["in_revenue_budget"] = out.opportunity.map(flags).astype(bool)
    for year in years(fip):
        ycells = c[c.year == year].set_index("opportunity")
        out[year] = [amount_text(ycells.low_gbp.get(o), ycells.high_gbp.get(o), ycells.amount_status.get(o))
                     if o in ycells.index else "" for o in order]
    sums = c.groupby("opportunity", sort=False)[["low_gbp", "high_gbp"]].sum(min_count=0)
    out["total_low_gbp"] = out.opportunity.map(sums.low_gbp).astype("int64")
    out["total_high_gbp"] = out.opportunity.map(sums.high_gbp).astype("int64")
    printed = fip[(fip.stated_in == TABLE) & (fip.year == ALL_YEARS) & (fip.row_type == "stated_total")]
    printed = printed.drop_duplicates("opportunity").set_index("opportunity")
    out["printed_total_low_gbp"] = out.opportunity.map(printed.low_gbp).astype("Int64")
    out["printed_total_high_gbp"] = out.opportunity.map(printed.high_gbp).astype("Int64")
    out["difference_low_gbp"] = (out.printed_total_low_gbp - out.total_low_gbp).astype("Int64")
    out["difference_high_gbp"] = (out.printed_total_high_gbp - out.total_high_gbp).astype("Int64")
    return out


def _printed_total_row(fip: pd.DataFrame) -> pd.DataFrame:
    return fip[(fip.stated_in == TABLE) & (fip.row_type == "stated_total") & (fip.opportunity == "TOTAL")]


@needs(fip=CELL_COLUMNS)
def yearly_totals(fip: pd.DataFrame) -> pd.DataFrame:
    """The saving each year (and over all years, last row ``all years``) computed from the
    opportunity cells - low and high ends - beside the printed TOTAL row.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``figures`` (cells with an amount), ``tbc`` (cells printed TBC, counted as
        nothing), ``computed_low_gbp``, ``computed_high_gbp``, ``printed_low_gbp``,
        ``printed_high_gbp``, ``difference_low_gbp``, ``difference_high_gbp`` (printed minus
        computed; whole pounds).
    """
    c = cells(fip)
    total_row = _printed_total_row(fip).set_index("year")
    rows = []
    for year in years(fip) + [ALL_YEARS]:
        part = c if year == ALL_YEARS else c[c.year == year]
        printed = total_row.loc[year] if year in total_row.index else None
        rows.append({
            "year": year,
            "figures": int(part.amount_status.isin(_AMOUNT).sum()),
            "tbc": int((part.amount_status == "to_be_confirmed").sum()),
            "computed_low_gbp": int(part.low_gbp.fillna(0).sum()),
            "computed_high_gbp": int(part.high_gbp.fillna(0).sum()),
            "printed_low_gbp": None if printed is None else printed.low_gbp,
            "printed_high_gbp": None if printed is None else printed.high_gbp,
        })
    out = pd.DataFrame(rows)
    for col in ("printed_low_gbp", "printed_high_gbp"):
        out[col] = out[col].astype("Int64")
    out["difference_low_gbp"] = (out.printed_low_gbp - out.computed_low_gbp).astype("Int64")
    out["difference_high_gbp"] = (out.printed_high_gbp - out.computed_high_gbp).astype("Int64")
    return out


@needs(fip=CELL_COLUMNS)
def whole_plan(fip: pd.DataFrame) -> pd.Series:
    """The whole plan's range: computed from every cell and as printed (TOTAL row, TOTAL column).

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.Series
        ``first_year``, ``last_year``, ``opportunities``, ``computed_low_gbp``,
        ``computed_high_gbp``, ``printed_low_gbp``, ``printed_high_gbp``,
        ``difference_low_gbp``, ``difference_high_gbp`` (whole pounds).
    """
    row = yearly_totals(fip).set_index("year").loc[ALL_YEARS]
    first, last = years(fip)[0], years(fip)[-1]
    return pd.Series({"first_year": first, "last_year": last, "opportunities": len(by_opportunity(fip)),
                      **{k: row[k] for k in ("computed_low_gbp", "computed_high_gbp", "printed_low_gbp",
                                             "printed_high_gbp", "difference_low_gbp", "difference_high_gbp")}})


@needs(fip=CELL_COLUMNS)
def in_year_adjustment(fip: pd.DataFrame, share_pct: float | None = None) -> pd.DataFrame:
    """The in-year budget adjustment: a share of the first year's total, computed from the cells
    and from the printed TOTAL row, beside the printed adjustment.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).
    share_pct : float, optional
        Per cent; default the percentage printed in the adjustment's label (50%).

    Returns
    -------
    pandas.DataFrame
        One row: ``item``, ``year``, ``share_pct``, ``first_year_total_gbp`` (computed),
        ``first_year_total_printed_gbp``, ``adjustment_computed_gbp`` (share of the computed
        total, rounded to the pound), ``adjustment_printed_gbp``, ``difference_gbp`` (printed
        minus computed).
    """
    adj = fip[(fip.stated_in == TABLE) & (fip.row_type == "stated_adjustment")]
    label = adj.opportunity.iloc[0] if len(adj) else ""
    if share_pct is None:
        found = re.search(r"(\d+(?:\.\d+)?)\s*%", label)
        share_pct = float(found.group(1)) if found else float("nan")
    year = adj.year.iloc[0] if len(adj) else years(fip)[0]
    totals = yearly_totals(fip).set_index("year").loc[year]
    computed_total = int(totals.computed_low_gbp)
    computed = int(round(computed_total * share_pct / 100.0)) if share_pct == share_pct else None
    printed = adj.low_gbp.iloc[0] if len(adj) else None
    out = pd.DataFrame([{
        "item": label or "Budget adjustment", "year": year, "share_pct": share_pct,
        "first_year_total_gbp": computed_total, "first_year_total_printed_gbp": totals.printed_low_gbp,
        "adjustment_computed_gbp": computed, "adjustment_printed_gbp": printed,
    }])
    for col in ("first_year_total_printed_gbp", "adjustment_computed_gbp", "adjustment_printed_gbp"):
        out[col] = out[col].astype("Int64")
    out["difference_gbp"] = (out.adjustment_printed_gbp - out.adjustment_computed_gbp).astype("Int64")
    return out


@needs(fip=CELL_COLUMNS)
def revenue_budget_items(fip: pd.DataFrame) -> pd.DataFrame:
    """Opportunities marked ``*`` (already included within the revenue budget) with their
    first-year saving and whole-plan range.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, the first year's cell (text, £000), ``total_low_gbp`` and
        ``total_high_gbp`` (whole pounds).
    """
    first = years(fip)[0]
    opp = by_opportunity(fip)
    starred = opp[opp.in_revenue_budget]
    return starred[["opportunity", first, "total_low_gbp", "total_high_gbp"]].reset_index(drop=True)


@needs(fip=CELL_COLUMNS)
def revenue_budget_split(fip: pd.DataFrame) -> pd.DataFrame:
    """Opportunities and savings split by whether they are already in the revenue budget.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``opportunities``, ``first_year_low_gbp``/``first_year_high_gbp`` and the
        whole-plan ``total_low_gbp``/``total_high_gbp`` (whole pounds).
    """
    c = cells(fip)
    first = years(fip)[0]
    rows = []
    budget = revenue_budget_year(fip)
    for flag, label in ((True, f"In the {budget} revenue budget (*)"), (False, f"Not in the {budget} revenue budget")):
        part = c[c.in_revenue_budget == flag]
        fy = part[part.year == first]
        rows.append({"group": label, "opportunities": part.opportunity.nunique(),
                     "first_year_low_gbp": int(fy.low_gbp.fillna(0).sum()),
                     "first_year_high_gbp": int(fy.high_gbp.fillna(0).sum()),
                     "total_low_gbp": int(part.low_gbp.fillna(0).sum()),
                     "total_high_gbp": int(part.high_gbp.fillna(0).sum())})
    return pd.DataFrame(rows)


#: the reconciliation's verdict on a prose-against-table check -> this module's status
_VERDICTS = {"ok": AGREES, "within rounding": WITHIN_ROUNDING, "mismatch": DISAGREES}


def _reconciled(reconciliation: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """``(opportunity, year) -> status`` from the reconciliation's checks of the action-plan prose
    against the table (report 90's verdicts: a paper that truncates its table figures, or rounds
    them to the nearest, is judged by what its own arithmetic shows), so that report 50 counts the
    same disagreements as report 90."""
    if reconciliation is None or not len(reconciliation):
        return {}
    rows = reconciliation[(reconciliation["table"] == "financial_improvement_plan")
                          & (reconciliation["check"] == "repeated")
                          & reconciliation["item"].str.contains(": action plan prose", regex=False)]
    found = {}
    for r in rows.itertuples():
        head = str(r.item).split(": action plan prose")[0]
        opportunity, _, year = head.rpartition(" ")
        if r.status in _VERDICTS:
            found[(opportunity, year)] = _VERDICTS[r.status]
    return found


@needs(fip=CELL_COLUMNS, reconciliation=())
def prose_comparison(fip: pd.DataFrame, rounding_tolerance_gbp: int = assumptions.PROSE_ROUNDING_TOLERANCE_GBP,
                     reconciliation: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every amount the action-plan prose states, against the table's cell for the same
    opportunity and year.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` and, for the prose rows,
        ``cleaning_flags``.
    rounding_tolerance_gbp : int, default ``assumptions.PROSE_ROUNDING_TOLERANCE_GBP``
        Pounds; the table rounds to the nearest £1k, so ±£500 is its own rounding.
    reconciliation : pandas.DataFrame, optional
        The pack's ``reconciliation`` table: a figure it checks takes its verdict from there
        (reads ``table``, ``check``, ``item`` and ``status`` when it has rows), the tolerance
        applying only to figures it does not check.

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, ``year``, ``prose_gbp``, ``table_gbp`` (low ends, whole pounds),
        ``difference_gbp`` (prose minus table; for ranges the end that differs most),
        ``prose_raw``, ``table_raw``, ``cleaning_flags`` (of the prose figure) and ``status``:
        ``agrees``, ``within rounding``, ``disagrees``, or ``no table figure`` (the prose states
        an amount where the table cell is blank or TBC).
    """
    verdicts = _reconciled(reconciliation)
    prose = fip[fip.stated_in == PROSE].sort_values(["source_line", "year"], kind="stable")
    table = cells(fip).drop_duplicates(["opportunity", "year"]).set_index(["opportunity", "year"])
    rows = []
    for p in prose.itertuples():
        key = (p.opportunity, p.year)
        t = table.loc[key] if key in table.index else None
        t_low = None if t is None or pd.isna(t.low_gbp) else int(t.low_gbp)
        if t_low is None:
            diff, status = None, NO_TABLE_FIGURE
        else:
            assert t is not None  # t_low is read from it
            t_high = t_low if pd.isna(t.high_gbp) else int(t.high_gbp)  # no high end: a single figure
            diffs = [int(p.low_gbp) - t_low, int(p.high_gbp) - t_high]
            diff = max(diffs, key=abs)
            status = AGREES if diff == 0 else (WITHIN_ROUNDING if abs(diff) <= rounding_tolerance_gbp else DISAGREES)
            status = verdicts.get((p.opportunity, p.year), status) if diff != 0 else status
        rows.append({"opportunity": p.opportunity, "year": p.year, "prose_gbp": int(p.low_gbp), "table_gbp": t_low,
                     "difference_gbp": diff, "prose_raw": p.amount_raw,
                     "table_raw": None if t is None else t.amount_raw, "cleaning_flags": p.cleaning_flags,
                     "status": status})
    out = pd.DataFrame(rows, columns=["opportunity", "year", "prose_gbp", "table_gbp", "difference_gbp", "prose_raw",
                                      "table_raw", "cleaning_flags", "status"])
    for col in ("prose_gbp", "table_gbp", "difference_gbp"):
        out[col] = out[col].astype("Int64")
    return out


@needs(fip=CELL_COLUMNS, reconciliation=())
def prose_disagreements(fip: pd.DataFrame, rounding_tolerance_gbp: int = assumptions.PROSE_ROUNDING_TOLERANCE_GBP,
                        reconciliation: pd.DataFrame | None = None, *, within: bool = False) -> pd.DataFrame:
    """The rows of :func:`prose_comparison` where prose and table disagree beyond the paper's
    rounding (the reconciliation's verdict where given, else more than ``rounding_tolerance_gbp``)
    or the table has no figure.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads what :func:`prose_comparison` reads.
    rounding_tolerance_gbp : int, default ``assumptions.PROSE_ROUNDING_TOLERANCE_GBP``
        Pounds.
    reconciliation : pandas.DataFrame, optional
        The pack's ``reconciliation`` table (:func:`prose_comparison`).
    within : bool, default False
        The rows that differ only within the rounding instead.

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, ``year``, ``prose_gbp``, ``table_gbp``, ``difference_gbp`` (prose minus
        table; whole pounds), ``prose_raw`` (the prose as printed) and ``cleaning_flags`` (any
        repair made in reading the prose figure).
    """
    comp = prose_comparison(fip, rounding_tolerance_gbp, reconciliation)
    bad = comp[comp.status.isin([WITHIN_ROUNDING] if within else [DISAGREES, NO_TABLE_FIGURE])]
    return bad[["opportunity", "year", "prose_gbp", "table_gbp", "difference_gbp", "prose_raw",
                "cleaning_flags"]].reset_index(drop=True)


@needs(fip=CELL_COLUMNS)
def table_figures_not_in_prose(fip: pd.DataFrame) -> pd.DataFrame:
    """Table cells with an amount that the action-plan prose does not state.

    Parameters
    ----------
    fip : pandas.DataFrame
        ``financial_improvement_plan`` rows; reads :data:`CELL_COLUMNS` (amounts whole pounds,
        savings positive).

    Returns
    -------
    pandas.DataFrame
        ``opportunity``, ``year``, ``low_gbp``, ``high_gbp`` (whole pounds), ``amount_raw``.
    """
    c = cells(fip)
    c = c[c.amount_status.isin(_AMOUNT)]
    prose = fip[fip.stated_in == PROSE]
    stated = set(zip(prose.opportunity, prose.year, strict=True))
    missing = c[[(o, y) not in stated for o, y in zip(c.opportunity, c.year, strict=True)]]
    return missing[["opportunity", "year", "low_gbp", "high_gbp", "amount_raw"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- charts


def _year_columns(by_opp: pd.DataFrame) -> list[str]:
    return [c for c in by_opp.columns if re.fullmatch(r"\d{4}-\d{2}", str(c))]
