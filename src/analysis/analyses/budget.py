"""Business plan pressures: the savings requirement and its gap, inflation, demand and cost
pressures, demand funding and the committee's proposals (e.g. a committee's review of draft
revenue business planning proposals for the next five years).

Inputs are the ``budget_*`` tables for one authority.  Papers print £000; the tables hold whole
pounds and so does everything here.  Signs are the paper's: in the savings table the
requirement is positive and identified savings and income are **negative** (a positive income
figure is income falling away, which widens the gap); proposal amounts are negative savings.
Pressures are positive costs.  Printed totals are kept as printed (``*_stated_gbp``) beside the
figure recomputed from the printed lines (``*_computed_gbp``) and their difference - never
corrected.  Which service block to highlight is the caller's (a notebook parameter): the names
of service blocks are the paper's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schemas import needs

if TYPE_CHECKING:
    from ..data import Pack

__all__ = [
    "LINE_KEYS", "PLAN_TABLES", "block_share", "block_table", "check_first_year", "cost_pressure_lines",
    "cost_pressures_by_year", "demand_funding", "largest_block", "plan_tables", "printed_total_words",
    "proposal_headline", "proposal_totals", "proposals", "savings_gap", "savings_totals", "share_labels",
    "short_name", "year_span", "years_from",
]

LINE_KEYS = ["requirement", "identified_savings", "identified_income", "residual_gap"]
#: the business plan's tables (report 70)
PLAN_TABLES = ("budget_savings_requirement", "budget_inflation", "budget_demand_pressures", "budget_cost_pressures",
               "budget_demand_funding", "budget_proposals")


# --------------------------------------------------------------------------------------------- years


@needs(frame=())
def years_from(frame: pd.DataFrame, first_year: str) -> pd.DataFrame:
    """Rows of ``frame`` for ``first_year`` and later; rows with no year are kept.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``budget_*`` table; reads ``year`` (YYYY-YY) when ``first_year`` is given.
    first_year : str
        ``YYYY-YY``; empty for every row.

    Returns
    -------
    pandas.DataFrame
        The rows kept.

    Raises
    ------
    InputError
        When ``first_year`` is not written ``YYYY-YY``.
    """
    if not first_year:
        return frame
    if not re.fullmatch(r"\d{4}-\d{2}", first_year):
        raise InputError("first_year", expected="a financial year written YYYY-YY, or empty for every year",
                         found=first_year)
    year = frame["year"].astype("object")
    return frame[year.isna() | (year >= first_year)]


def plan_tables(pack: Pack, first_year: str = "") -> dict[str, pd.DataFrame]:
    """A pack's business-plan tables (:data:`PLAN_TABLES`) from ``first_year`` on, keyed without
    their ``budget_`` prefix (``savings_requirement``, ``inflation`` ...).

    Parameters
    ----------
    pack : analysis.data.Pack
        The pack (its papers in force at its month).
    first_year : str, default ""
        ``YYYY-YY``; empty for every year.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables (money in whole pounds).

    Raises
    ------
    InputError
        When a table is missing from the pack, or ``first_year`` is past every year of the
        savings requirement (naming the years there are).
    """
    tables = pack.tables(list(PLAN_TABLES), required=True)
    check_first_year(tables["budget_savings_requirement"], first_year)
    return {name.removeprefix("budget_"): years_from(frame, first_year) for name, frame in tables.items()}


@needs(frame=("year",))
def check_first_year(frame: pd.DataFrame, first_year: str) -> None:
    """A clear error when ``first_year`` is past every year of ``frame`` (the savings table).

    Parameters
    ----------
    frame : pandas.DataFrame
        The ``budget_savings_requirement`` rows; reads ``year``.
    first_year : str
        ``YYYY-YY``, or empty for every year.

    Raises
    ------
    InputError
        When no row is for ``first_year`` or later (naming the years there are), or
        ``first_year`` is not written ``YYYY-YY``.
    """
    kept = years_from(frame, first_year)
    if kept["year"].dropna().empty:
        known = ", ".join(sorted(frame["year"].dropna().unique()))
        raise InputError("first_year", expected=f"a year with figures (years: {known})", found=first_year)


def year_span(years) -> str:
    """The first and last of some financial years in words.

    Parameters
    ----------
    years : iterable of str
        Financial years ``YYYY-YY`` (at least one).

    Returns
    -------
    str
        ``2019-20``, or ``2019-20 to 2023-24``.
    """
    years = sorted(set(years))
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


# --------------------------------------------------------------------------------------------- savings requirement


@needs(requirement=("line_key", "year", "amount_gbp"))
def savings_gap(requirement: pd.DataFrame) -> pd.DataFrame:
    """One row per year: the savings requirement against what is identified, and the gap.

    Parameters
    ----------
    requirement : pandas.DataFrame
        ``budget_savings_requirement`` rows; reads ``line_key`` (:data:`LINE_KEYS`), ``year``
        and ``amount_gbp`` (whole pounds, the paper's signs).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``requirement_gbp``, ``identified_savings_gbp`` and ``identified_income_gbp``
        (the paper's signs: negative = saving/income found), their sum as identified
        (``identified_gbp``, positive = found), the residual gap as printed
        (``residual_stated_gbp``), recomputed (``residual_computed_gbp`` = requirement + savings
        + income) and the ``difference_gbp``, the share of the requirement identified
        (``identified_pct``), and ``cumulative_requirement_gbp``,
        ``cumulative_identified_gbp`` and ``cumulative_residual_gbp`` from the first year shown;
        money in whole pounds.
    """
    lines = requirement[requirement.line_key.isin(LINE_KEYS)]
    wide = lines.pivot_table(index="year", columns="line_key", values="amount_gbp", aggfunc="sum").reindex(
        columns=LINE_KEYS)
    wide = wide.sort_index()
    out = pd.DataFrame({"year": wide.index})
    out["requirement_gbp"] = wide.requirement.to_numpy()
    out["identified_savings_gbp"] = wide.identified_savings.to_numpy()
    out["identified_income_gbp"] = wide.identified_income.to_numpy()
    out["identified_gbp"] = -(out.identified_savings_gbp + out.identified_income_gbp)
    out["residual_stated_gbp"] = wide.residual_gap.to_numpy()
    out["residual_computed_gbp"] = out.requirement_gbp + out.identified_savings_gbp + out.identified_income_gbp
    out["difference_gbp"] = out.residual_stated_gbp - out.residual_computed_gbp
    out["identified_pct"] = 100.0 * out.identified_gbp / out.requirement_gbp
    out["cumulative_requirement_gbp"] = out.requirement_gbp.cumsum()
    out["cumulative_identified_gbp"] = out.identified_gbp.cumsum()
    out["cumulative_residual_gbp"] = out.residual_computed_gbp.cumsum()
    for c in out.columns:
        if c.endswith("_gbp"):
            out[c] = out[c].astype("int64")
    return out


@needs(gap=("year", "requirement_gbp", "identified_savings_gbp", "identified_income_gbp", "identified_gbp",
            "residual_stated_gbp", "residual_computed_gbp", "difference_gbp"))
def savings_totals(gap: pd.DataFrame) -> pd.Series:
    """Totals over the years of :func:`savings_gap`.

    Parameters
    ----------
    gap : pandas.DataFrame
        :func:`savings_gap`; reads ``year``, ``requirement_gbp``, ``identified_savings_gbp``,
        ``identified_income_gbp``, ``identified_gbp``, ``residual_stated_gbp``,
        ``residual_computed_gbp`` and ``difference_gbp``.

    Returns
    -------
    pandas.Series
        ``years``, the requirement, identified (savings, income, both), residual stated and
        recomputed (whole pounds), ``years_residual_differs``, ``income_falls_years`` (years
        with income falling away) and ``identified_pct`` (per cent).
    """
    totals = pd.Series({
        "years": year_span(gap.year),
        "requirement_gbp": int(gap.requirement_gbp.sum()),
        "identified_savings_gbp": int(gap.identified_savings_gbp.sum()),
        "identified_income_gbp": int(gap.identified_income_gbp.sum()),
        "identified_gbp": int(gap.identified_gbp.sum()),
        "residual_stated_gbp": int(gap.residual_stated_gbp.sum()),
        "residual_computed_gbp": int(gap.residual_computed_gbp.sum()),
        "years_residual_differs": int((gap.difference_gbp != 0).sum()),
        "income_falls_years": ", ".join(gap.year[gap.identified_income_gbp > 0]),
    }, dtype=object)
    totals["identified_pct"] = (100.0 * totals.identified_gbp / totals.requirement_gbp if totals.requirement_gbp
                                else np.nan)
    return totals


# --------------------------------------------------------------------------------------------- pressures by block


@needs(pressures=("row_type", "service_block", "year", "amount_gbp"))
def block_table(pressures: pd.DataFrame) -> pd.DataFrame:
    """Service blocks (rows, as printed) by year, then the printed Total row, the total
    recomputed from the lines and the difference.

    Parameters
    ----------
    pressures : pandas.DataFrame
        ``budget_inflation`` or ``budget_demand_pressures`` rows; reads ``row_type``,
        ``service_block``, ``year`` and ``amount_gbp`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``service_block`` and one ``<year>_gbp`` column per year (whole pounds); the last three
        rows are the total as printed, recomputed, and the difference (printed - recomputed).
    """
    lines = pressures[pressures.row_type == "line"]
    order = list(dict.fromkeys(lines.service_block))
    years = sorted(pressures.year.unique())
    wide = lines.pivot_table(index="service_block", columns="year", values="amount_gbp", aggfunc="sum")
    wide = wide.reindex(index=order, columns=years)
    stated = (pressures[pressures.row_type == "stated_total"].set_index("year").amount_gbp
              .reindex(years).astype("Float64"))
    computed = wide.sum(axis=0)
    rows = [{"service_block": b, **{f"{y}_gbp": wide.loc[b, y] for y in years}} for b in order]
    rows.append({"service_block": "Total as printed", **{f"{y}_gbp": stated[y] for y in years}})
    rows.append({"service_block": "Total recomputed", **{f"{y}_gbp": computed[y] for y in years}})
    rows.append({"service_block": "Difference (printed - recomputed)",
                 **{f"{y}_gbp": stated[y] - computed[y] for y in years}})
    out = pd.DataFrame(rows)
    for y in years:
        out[f"{y}_gbp"] = out[f"{y}_gbp"].astype("Int64")
    return out


def short_name(block: str) -> str:
    """A service block's short name: the abbreviation it prints in brackets, else the name.

    Parameters
    ----------
    block : str
        The service block as printed.

    Returns
    -------
    str
        The short name.
    """
    return re.sub(r".*\((.+)\)$", r"\1", block)


def share_labels(block: str) -> dict[str, str]:
    """Column headings for :func:`block_share`, with the block's short name.

    Parameters
    ----------
    block : str
        The service block as printed.

    Returns
    -------
    dict of str to str
        Column -> heading (saying £ or %).
    """
    b = short_name(block)
    return {"block_inflation_gbp": f"{b} inflation (£)", "total_inflation_gbp": "All blocks' inflation (£)",
            "block_inflation_share_pct": f"{b} share of inflation (%)", "block_demand_gbp": f"{b} demand (£)",
            "total_demand_gbp": "All blocks' demand (£)", "block_demand_share_pct": f"{b} share of demand (%)"}


@needs(inflation=("row_type", "service_block", "amount_gbp"), demand=("row_type", "service_block", "amount_gbp"))
def largest_block(inflation: pd.DataFrame, demand: pd.DataFrame) -> str:
    """The service block with the largest inflation and demand pressures together (the printed
    lines), the one a report highlights unless told otherwise.

    Parameters
    ----------
    inflation : pandas.DataFrame
        ``budget_inflation`` rows; reads ``row_type``, ``service_block`` and ``amount_gbp``
        (whole pounds).
    demand : pandas.DataFrame
        ``budget_demand_pressures`` rows; the same columns.

    Returns
    -------
    str
        The service block as printed.
    """
    lines = pd.concat([inflation, demand])
    lines = lines[lines.row_type == "line"]
    totals = lines.groupby("service_block", sort=True).amount_gbp.sum()
    return str(totals.sort_values(ascending=False, kind="stable").index[0])


@needs(inflation=("row_type", "service_block", "year", "amount_gbp"),
       demand=("row_type", "service_block", "year", "amount_gbp"))
def block_share(inflation: pd.DataFrame, demand: pd.DataFrame, block: str) -> pd.DataFrame:
    """Per year and over all years shown: ``block``'s inflation and demand pressures, the totals
    of the printed lines, and the block's share of each.

    Parameters
    ----------
    inflation : pandas.DataFrame
        ``budget_inflation`` rows; reads ``row_type``, ``service_block``, ``year`` and
        ``amount_gbp`` (whole pounds).
    demand : pandas.DataFrame
        ``budget_demand_pressures`` rows; the same columns.
    block : str
        A service block as printed.

    Returns
    -------
    pandas.DataFrame
        ``year`` (the last row: all years), ``block_inflation_gbp``, ``total_inflation_gbp``,
        ``block_inflation_share_pct``, ``block_demand_gbp``, ``total_demand_gbp``,
        ``block_demand_share_pct`` (pounds; shares in per cent).

    Raises
    ------
    InputError
        Naming the blocks printed, when ``block`` is not one of them.
    """
    printed = sorted(set(inflation.service_block) | set(demand.service_block))
    if block not in printed:
        raise InputError("service_block", expected=f"a service block the paper prints ({', '.join(printed)})",
                         found=block)
    rows = []

    def part(frame: pd.DataFrame, year: str | None) -> tuple[int, int]:
        lines = frame[frame.row_type == "line"]
        if year:
            lines = lines[lines.year == year]
        return int(lines[lines.service_block == block].amount_gbp.sum()), int(lines.amount_gbp.sum())

    years = sorted(set(inflation.year) | set(demand.year))
    for year in years + [None]:
        pi, ti = part(inflation, year)
        pd_, td = part(demand, year)
        rows.append({"year": year or f"{year_span(years)} (all years)", "block_inflation_gbp": pi,
                     "total_inflation_gbp": ti, "block_inflation_share_pct": 100.0 * pi / ti if ti else np.nan,
                     "block_demand_gbp": pd_, "total_demand_gbp": td,
                     "block_demand_share_pct": 100.0 * pd_ / td if td else np.nan})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------- cost pressures


@needs(cost=("row_type", "year", "amount_raw", "category", "amount_gbp"))
def cost_pressures_by_year(cost: pd.DataFrame) -> pd.DataFrame:
    """Per year: new pressures, existing pressures brought forward and their totals.

    Parameters
    ----------
    cost : pandas.DataFrame
        ``budget_cost_pressures`` rows; reads ``row_type``, ``year``, ``amount_raw``,
        ``category`` and ``amount_gbp`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``new_gbp``, ``brought_forward_gbp``, ``computed_total_gbp`` (whole pounds),
        ``total_as_printed`` (the Total row as text: a paper may print dashes) and
        ``blank_cells`` (cells in the year left blank, counted as nothing).
    """
    lines = cost[cost.row_type == "line"]
    stated = cost[cost.row_type == "stated_total"].set_index("year").amount_raw
    rows = []
    for year in sorted(cost.year.unique()):
        mine = lines[lines.year == year]
        new = int(mine[mine.category == "new"].amount_gbp.sum())
        forward = int(mine[mine.category == "brought forward"].amount_gbp.sum())
        printed = stated.get(year)
        rows.append({"year": year, "new_gbp": new, "brought_forward_gbp": forward, "computed_total_gbp": new + forward,
                     "total_as_printed": "" if printed is None or pd.isna(printed) else str(printed),
                     "blank_cells": int(mine.amount_gbp.isna().sum())})
    return pd.DataFrame(rows)


@needs(cost=("row_type", "year", "pressure", "amount_gbp", "category"))
def cost_pressure_lines(cost: pd.DataFrame) -> pd.DataFrame:
    """Each printed pressure line by year, blank cells left empty, with its total over the years
    shown.

    Parameters
    ----------
    cost : pandas.DataFrame
        ``budget_cost_pressures`` rows; reads ``row_type``, ``year``, ``pressure``,
        ``amount_gbp`` (whole pounds) and ``category``.

    Returns
    -------
    pandas.DataFrame
        ``pressure``, ``category``, one ``<year>_gbp`` column per year and ``total_gbp`` (whole
        pounds).
    """
    lines = cost[cost.row_type == "line"]
    years = sorted(lines.year.unique())
    order = list(dict.fromkeys(lines.pressure))
    wide = lines.pivot(index="pressure", columns="year", values="amount_gbp").reindex(index=order, columns=years)
    meta = lines.drop_duplicates("pressure").set_index("pressure")
    out = pd.DataFrame({"pressure": order, "category": meta.category.reindex(order).to_numpy()})
    for y in years:
        out[f"{y}_gbp"] = pd.array(wide[y].to_numpy(), dtype="Int64")
    out["total_gbp"] = pd.array(wide.sum(axis=1, min_count=1).to_numpy(), dtype="Int64")
    return out


# --------------------------------------------------------------------------------------------- funding, proposals


@needs(funding=("demand_area", "year", "amount_gbp"))
def demand_funding(funding: pd.DataFrame) -> pd.DataFrame:
    """Demand funding by area (largest first): amount and share of the total.

    Parameters
    ----------
    funding : pandas.DataFrame
        ``budget_demand_funding`` rows; reads ``demand_area``, ``year`` and ``amount_gbp``
        (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``demand_area``, ``year``, ``amount_gbp`` (whole pounds) and ``share_pct`` (per cent).
    """
    out = funding[["demand_area", "year", "amount_gbp"]].copy()
    out["amount_gbp"] = out.amount_gbp.astype("int64")
    total = out.amount_gbp.sum()
    out["share_pct"] = 100.0 * out.amount_gbp / total if total else np.nan
    return out.sort_values(["amount_gbp", "demand_area"], ascending=[False, True]).reset_index(drop=True)


@needs(props=("paragraph", "reference", "title", "heading", "scope", "amount_raw", "amount_gbp", "year"))
def proposals(props: pd.DataFrame) -> pd.DataFrame:
    """The proposals in paper order.

    Parameters
    ----------
    props : pandas.DataFrame
        ``budget_proposals`` rows; reads ``paragraph`` (``N.N``), ``reference``, ``title``,
        ``heading``, ``scope``, ``amount_raw``, ``amount_gbp`` and ``year``.

    Returns
    -------
    pandas.DataFrame
        Those columns: the amount as printed and in whole pounds (negative = saving).
    """
    out = props[["paragraph", "reference", "title", "heading", "scope", "amount_raw", "amount_gbp", "year"]].copy()
    key = out.paragraph.str.split(".", expand=True).astype(int)
    return out.assign(_a=key[0], _b=key[1]).sort_values(["_a", "_b"]).drop(columns=["_a", "_b"]).reset_index(drop=True)


@needs(props=("scope", "amount_gbp"))
def proposal_totals(props: pd.DataFrame) -> pd.DataFrame:
    """Per scope (committee, cross-cutting) and for all proposals.

    Parameters
    ----------
    props : pandas.DataFrame
        ``budget_proposals`` rows; reads ``scope``, ``amount_gbp`` (whole pounds) and, where
        amounts are stated, ``year``.

    Returns
    -------
    pandas.DataFrame
        ``scope``, ``proposals``, ``with_amount``, ``without_amount``, ``amount_gbp`` (the sum of
        the amounts stated, whole pounds, negative = saving) and ``years``.
    """
    rows = []
    for scope, group in list(props.groupby("scope", sort=False)) + [("all proposals", props)]:
        stated = group[group.amount_gbp.notna()]
        rows.append({"scope": scope, "proposals": len(group), "with_amount": len(stated),
                     "without_amount": int(group.amount_gbp.isna().sum()),
                     "amount_gbp": int(stated.amount_gbp.sum()),
                     "years": year_span(stated.year.dropna()) if len(stated) else ""})
    return pd.DataFrame(rows, columns=["scope", "proposals", "with_amount", "without_amount", "amount_gbp", "years"])


@needs(props=("scope", "amount_gbp", "year"))
def proposal_headline(props: pd.DataFrame) -> pd.Series:
    """The committee's proposals and the cross-cutting ones.

    Parameters
    ----------
    props : pandas.DataFrame
        ``budget_proposals`` rows; reads ``scope``, ``amount_gbp`` (whole pounds) and ``year``.

    Returns
    -------
    pandas.Series
        ``committee_proposals``, ``committee_saving_gbp`` (a positive amount, pounds),
        ``committee_years``, ``committee_without_amount``, ``cross_cutting_proposals`` and
        ``cross_cutting_saving_gbp``.
    """
    committee = props[props.scope == "committee"]
    cross = props[props.scope == "cross-cutting"]
    return pd.Series({
        "committee_proposals": len(committee),
        "committee_saving_gbp": -int(committee.amount_gbp.sum()),
        "committee_years": year_span(committee.year.dropna()) if committee.year.notna().any() else "",
        "committee_without_amount": int(committee.amount_gbp.isna().sum()),
        "cross_cutting_proposals": len(cross),
        "cross_cutting_saving_gbp": -int(cross.amount_gbp.sum()),
    }, dtype=object)


# --------------------------------------------------------------------------------------------- charts


@needs(by_year=("total_as_printed",))
def printed_total_words(by_year: pd.DataFrame) -> str:
    """What the paper's Total row prints where it gives no figure (e.g. '-'), else ''.

    Parameters
    ----------
    by_year : pandas.DataFrame
        :func:`cost_pressures_by_year`; reads ``total_as_printed``.

    Returns
    -------
    str
        The distinct wordings, separated by slashes.
    """
    texts = sorted({t for t in by_year.total_as_printed if t and not re.search(r"\d", t)})
    return " / ".join(texts)
