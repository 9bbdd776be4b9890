"""Placement costs and placement slippage.

Two printed tables:

* ``placement_costs`` (e.g. a five-year plan review's table of the total cost of placements for
  children looked after (CLA) each year, the "reduction in spend compared to" a baseline year and
  the forecast under/overspend a year, printed to the nearest £0.1m).  Here the reduction is
  **recomputed** as the baseline year's cost minus the year's cost and shown beside the printed
  one; ``difference_gbp`` is printed minus recomputed (positive = the paper claims a larger
  reduction than its own costs give).  The baseline year is the one the table's header names
  (``reduction_baseline_year``).  Printed figures are never changed.
* ``placement_slippage`` (e.g. an MTFS table of the monthly increase in budget pressure if slipped
  placement moves are not achieved, and the printed total).  The cumulative cost is the running
  sum of the months; the printed total is reconciled against the sum (``difference_gbp`` = stated
  minus computed).

All money is whole pounds.
"""

from __future__ import annotations

import pandas as pd

from .. import numbers
from ..schemas import needs

__all__ = [
    "AGREES", "DISAGREES", "WITHIN_ROUNDING", "baseline_of", "cost_trajectory", "forecast_variance",
    "reduction_sentence", "reduction_summary", "reductions", "slippage_by_month", "slippage_reconciliation",
]

#: agreement of a printed figure with the recomputed one
AGREES, WITHIN_ROUNDING, DISAGREES = "agrees", "within rounding", "disagrees"


# --------------------------------------------------------------------------------------------- costs


@needs(costs=("year", "total_placement_cost_gbp", "total_placement_cost_raw"))
def cost_trajectory(costs: pd.DataFrame) -> pd.DataFrame:
    """Total placement cost by year as printed, with the change on the previous year.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``placement_costs`` rows; reads ``year``, ``total_placement_cost_gbp`` (whole pounds)
        and ``total_placement_cost_raw``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``total_placement_cost_gbp``, ``total_placement_cost_raw`` and
        ``fall_on_previous_year_gbp`` (pounds, previous year's cost minus this year's: positive =
        cost fell; empty for the first year).
    """
    out = costs.sort_values("year")[["year", "total_placement_cost_gbp", "total_placement_cost_raw"]]
    out = out.reset_index(drop=True).copy()
    out["fall_on_previous_year_gbp"] = (-out.total_placement_cost_gbp.diff()).astype("Int64")
    return out


@needs(costs=("reduction_baseline_year",))
def baseline_of(costs: pd.DataFrame) -> str:
    """The year the printed reductions are measured against (the table header's, as ingested);
    the first year of the table when the header names none.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``placement_costs`` rows; reads ``reduction_baseline_year`` and, when that is empty,
        ``year``.

    Returns
    -------
    str
        Financial year ``YYYY-YY``.
    """
    named = costs["reduction_baseline_year"].dropna().unique()
    return str(named[0]) if len(named) else str(costs["year"].min())


@needs(costs=("year", "total_placement_cost_gbp", "reduction_gbp", "reduction_raw"))
def reductions(costs: pd.DataFrame, *, baseline_year: str | None = None,
               rounding_tolerance_gbp: int = 0) -> pd.DataFrame:
    """The reduction against ``baseline_year`` as printed and as recomputed, for every later year.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``placement_costs`` rows; reads ``year``, ``total_placement_cost_gbp``, ``reduction_gbp``
        (whole pounds), ``reduction_raw`` and, without ``baseline_year``,
        ``reduction_baseline_year``.
    baseline_year : str, optional
        Financial year ``YYYY-YY``; default :func:`baseline_of`.
    rounding_tolerance_gbp : int, default 0
        Pounds a printed reduction may differ by and still be ``within rounding``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``total_placement_cost_gbp``, ``reduction_printed_gbp`` (as printed),
        ``reduction_printed_raw``, ``reduction_recomputed_gbp`` (baseline cost minus the year's
        cost), ``difference_gbp`` (printed minus recomputed; all pounds) and ``status``:
        ``agrees`` (no difference), ``within rounding`` (``|difference| <=
        rounding_tolerance_gbp``), ``disagrees`` or ``not printed``.  ``attrs`` holds
        ``baseline_year`` and ``baseline_cost_gbp``.

    Raises
    ------
    ValueError
        When the table has no cost for the baseline year.
    """
    baseline_year_ = baseline_year or baseline_of(costs)
    ordered = costs.sort_values("year").reset_index(drop=True)
    base = ordered[ordered.year == baseline_year_]
    if base.empty:
        raise ValueError(f"no placement cost for the baseline year {baseline_year_}; years are "
                         f"{', '.join(ordered.year)}")
    base_cost = int(base.total_placement_cost_gbp.iloc[0])
    later = ordered[ordered.year > baseline_year_]
    out = pd.DataFrame({
        "year": later.year.to_numpy(),
        "total_placement_cost_gbp": later.total_placement_cost_gbp.astype("Int64").to_numpy(),
        "reduction_printed_gbp": later.reduction_gbp.astype("Int64").to_numpy(),
        "reduction_printed_raw": later.reduction_raw.to_numpy(),
    })
    out["reduction_recomputed_gbp"] = (base_cost - out.total_placement_cost_gbp).astype("Int64")
    out["difference_gbp"] = (out.reduction_printed_gbp - out.reduction_recomputed_gbp).astype("Int64")

    def status(diff) -> str:
        if pd.isna(diff):
            return "not printed"
        if diff == 0:
            return AGREES
        return WITHIN_ROUNDING if abs(int(diff)) <= rounding_tolerance_gbp else DISAGREES

    out["status"] = [status(v) for v in out.difference_gbp]
    out.attrs["baseline_year"] = baseline_year_
    out.attrs["baseline_cost_gbp"] = base_cost
    return out


@needs(table=("year", "difference_gbp", "status", "total_placement_cost_gbp"))
def reduction_summary(table: pd.DataFrame) -> pd.Series:
    """Counts over :func:`reductions`: years compared, years whose printed reduction differs from
    the recomputed one at all, years beyond the rounding tolerance, and the largest difference
    (its year and size, printed minus recomputed).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`reductions`' table; reads ``year``, ``difference_gbp``, ``status``,
        ``total_placement_cost_gbp`` (pounds) and its ``attrs`` (``baseline_year``,
        ``baseline_cost_gbp``).

    Returns
    -------
    pandas.Series
        ``baseline_year``, ``baseline_cost_gbp``, ``years_compared``, ``years_differ``,
        ``years_disagree``, ``years_within_rounding``, ``largest_difference_year``,
        ``largest_difference_gbp`` (pounds), ``first_year``, ``last_year``, ``last_cost_gbp``.
    """
    compared = table[table.difference_gbp.notna()]
    differ = compared[compared.difference_gbp != 0]
    largest = (compared.assign(size=compared.difference_gbp.abs()).sort_values(["size", "year"],
                                                                               ascending=[False, True]))
    top = largest.iloc[0] if len(largest) else None
    return pd.Series({
        "baseline_year": table.attrs.get("baseline_year"),
        "baseline_cost_gbp": table.attrs.get("baseline_cost_gbp"),
        "years_compared": len(compared),
        "years_differ": len(differ),
        "years_disagree": int((compared.status == DISAGREES).sum()),
        "years_within_rounding": int((compared.status == WITHIN_ROUNDING).sum()),
        "largest_difference_year": None if top is None else top.year,
        "largest_difference_gbp": None if top is None else int(top.difference_gbp),
        "first_year": table.year.iloc[0] if len(table) else None,
        "last_year": table.year.iloc[-1] if len(table) else None,
        "last_cost_gbp": int(table.total_placement_cost_gbp.iloc[-1]) if len(table) else None,
    })


@needs(table=("year", "difference_gbp", "status", "total_placement_cost_gbp"))
def reduction_sentence(table: pd.DataFrame, *, rounding_tolerance_gbp: int) -> str:
    """What :func:`reductions` found, in one sentence whose count is the headline's and the
    chart's.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`reductions`' table; reads what :func:`reduction_summary` reads.
    rounding_tolerance_gbp : int
        Pounds: a year that differs by no more is within rounding (as given to
        :func:`reductions`).

    Returns
    -------
    str
        e.g. ``the printed reduction against 2013-14 disagrees with the paper's own costs in 3 of
        5 years, by £1.4m to £1.5m; 1 more year differs by £100k, within the rounding of the
        printed figures``.
    """
    summary = reduction_summary(table)
    base = numbers.year(summary.baseline_year)
    bad = table[table.status == DISAGREES].difference_gbp.abs()
    near = table[table.status == WITHIN_ROUNDING].difference_gbp.abs()
    if summary.years_disagree:
        by = numbers.money_range(bad.min(), bad.max()) if len(bad) > 1 else numbers.money(bad.max())
        text = (f"the printed reduction against {base} disagrees with the paper's own costs in "
                f"{summary.years_disagree} of {summary.years_compared} years, by {by}")
    else:
        text = (f"the printed reduction against {base} agrees with the paper's own costs in all "
                f"{summary.years_compared} years")
    if len(near):
        years = "year differs" if len(near) == 1 else "years differ"
        text += (f"; {len(near)} more {years} by {numbers.money(near.max()) if len(near) == 1 else 'up to ' + numbers.money(near.max())}, "
                 f"within the rounding of the printed figures (up to {numbers.money(rounding_tolerance_gbp)})")
    return text


@needs(costs=("year", "forecast_variance_gbp", "forecast_variance_direction", "forecast_variance_raw"))
def forecast_variance(costs: pd.DataFrame) -> pd.DataFrame:
    """The forecast under/overspend a year as printed.  Years with an empty cell are left out.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``placement_costs`` rows; reads ``year``, ``forecast_variance_gbp`` (whole pounds),
        ``forecast_variance_direction`` and ``forecast_variance_raw``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``forecast_variance_gbp`` (the printed magnitude, pounds), ``direction``
        (``underspend``/``overspend`` where the cell says so, ``not stated`` where it gives only
        an amount) and ``forecast_variance_raw`` (the cell as printed).
    """
    rows = costs.sort_values("year")
    rows = rows[rows.forecast_variance_raw.notna()]
    out = rows[["year", "forecast_variance_gbp", "forecast_variance_direction", "forecast_variance_raw"]]
    return out.rename(columns={"forecast_variance_direction": "direction"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- slippage


@needs(slippage=("row_type", "month", "month_label", "increase_gbp"))
def slippage_by_month(slippage: pd.DataFrame) -> pd.DataFrame:
    """The monthly increases (printed ``line`` rows, in month order) and their running sum.

    Parameters
    ----------
    slippage : pandas.DataFrame
        ``placement_slippage`` rows; reads ``row_type``, ``month``, ``month_label`` and
        ``increase_gbp`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``month`` (YYYY-MM), ``month_label`` as printed, ``increase_gbp`` and ``cumulative_gbp``
        (pounds).
    """
    lines = slippage[slippage.row_type == "line"].sort_values("month")
    out = lines[["month", "month_label", "increase_gbp"]].reset_index(drop=True).copy()
    out["increase_gbp"] = out.increase_gbp.astype("int64")
    out["cumulative_gbp"] = out.increase_gbp.cumsum()
    return out


@needs(slippage=("row_type", "increase_gbp"))
def slippage_reconciliation(slippage: pd.DataFrame) -> pd.DataFrame:
    """The printed total against the sum of the printed months.

    Parameters
    ----------
    slippage : pandas.DataFrame
        ``placement_slippage`` rows; reads ``row_type`` (``line`` / ``stated_total``) and
        ``increase_gbp`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        One row: ``item``, ``months``, ``stated_gbp``, ``computed_gbp`` and ``difference_gbp``
        (stated minus computed; pounds).
    """
    lines = slippage[slippage.row_type == "line"]
    stated = slippage[slippage.row_type == "stated_total"]
    stated_value = int(stated.increase_gbp.iloc[0]) if len(stated) else None
    computed = int(lines.increase_gbp.sum())
    return pd.DataFrame([{
        "item": f"Total, {len(lines)} months", "months": len(lines), "stated_gbp": stated_value,
        "computed_gbp": computed, "difference_gbp": None if stated_value is None else stated_value - computed,
    }])


# --------------------------------------------------------------------------------------------- charts
