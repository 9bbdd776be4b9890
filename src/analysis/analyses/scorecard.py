"""The summary scorecard (002 §2.2 asks for "a summary scorecard"): one page of headline numbers
from every report, each linking to the report that explains it.

Every figure is computed by the same functions the detailed reports use; this module only picks
the headline and phrases it.  A section whose data the processed tables do not hold for the
chosen authority says so instead of showing a number.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import budget, cla, comparators, improvement_plan, placements, recovery, variance
from ..money import format_gbp

#: section -> the report page (in the published pack) that explains it
REPORTS = {
    "Savings delivery": "10_savings_tracker_variance.html",
    "Children looked after against neighbours": "20_cla_comparators.html",
    "Children looked after against plan": "30_cla_trajectories.html",
    "Placement costs": "40_placement_costs_and_slippage.html",
    "Financial Improvement Plan": "50_financial_improvement_plan.html",
    "Recovery actions": "60_recovery_actions.html",
    "Budget gap": "70_business_plan_pressures.html",
    "Reconciliation": "90_reconciliation.html",
}

Row = dict


def _rows_for(frame: pd.DataFrame, authority: str) -> pd.DataFrame:
    return frame if not authority else frame[frame["authority"] == authority]


def _who(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(frame["authority"].unique()))


def _savings(t: dict, period: str, authority: str) -> list[Row]:
    tracker = _rows_for(t["savings_tracker"], authority)
    tracker = tracker[tracker.period == period]
    if tracker.empty:
        return [{"measure": "Forecast saving against plan", "value": "no data",
                 "context": f"no savings tracker for {authority or 'any authority'} in {period}"}]
    h, rag = variance.headline(tracker), variance.by_rag(tracker)
    counts = ", ".join(f"{int(r.lines)} {r.rag}" for r in rag.itertuples())
    return [
        {"measure": "Forecast saving against plan",
         "value": f"{format_gbp(h.forecast_saving_gbp)} of {format_gbp(h.planned_saving_gbp)} ({h.delivery_pct:.1f}%)",
         "context": f"{_who(tracker)}, {tracker.financial_year.iloc[0]} as at {period}: shortfall "
                    f"{format_gbp(h.shortfall_gbp)} across {int(h.lines)} lines"},
        {"measure": "Saving lines by RAG status", "value": counts,
         "context": f"Red lines: {format_gbp(rag.loc[rag.rag == 'Red', 'shortfall_gbp'].sum())} of shortfall"},
    ]


def _neighbours(t: dict, authority: str) -> list[Row]:
    rates = t["comparator_rates"]
    subjects = rates[rates.is_subject & (rates.row_type == "authority")]
    subjects = _rows_for(subjects, authority)
    if subjects.empty:
        return [{"measure": "Rate per 10,000 against neighbours", "value": "no data",
                 "context": f"no statistical-neighbour table for {authority}"}]
    who = subjects.authority.iloc[0]
    years = sorted(rates[(rates.subject_authority == who) & ~rates.is_subject].year.unique())
    year = years[-1]
    table = comparators.comparator_table(rates, who, year)
    population = comparators.subject_population(t["cla_trajectories"], who, year).population
    s = comparators.summary(table, population, "mean")
    return [{"measure": "Rate per 10,000 against neighbours",
             "value": f"{s.subject_rate_per_10k:,.0f} against a neighbours' mean of {s.average_per_10k:,.1f}",
             "context": f"{who}, {year}: about {abs(s.gap_children):,.0f} {s.at_average} children at the "
                        "neighbours' mean"}]


def _plan(t: dict, authority: str) -> list[Row]:
    rows = t["cla_trajectories"]
    rows = _rows_for(rows, authority)
    if rows.empty or not (rows.series == "actual").any():
        return [{"measure": "Actual against plan", "value": "no data",
                 "context": f"no children-looked-after trajectories for {authority}"}]
    who = rows.authority.iloc[0]
    pop = cla.derivation_population(rows, who)
    traj = cla.trajectories(rows, who, pop.population)
    dist = cla.distances(traj, "number")
    first = dist.iloc[0]
    return [{"measure": "Actual against plan", "value": f"{first.distance_low:+,.0f} children",
             "context": f"{who}, {first.year}: actual against the 2014 five-year plan"}]


def _placements(t: dict, authority: str) -> list[Row]:
    costs = _rows_for(t["placement_costs"], authority)
    slip = _rows_for(t["placement_slippage"], authority)
    if costs.empty:
        return [{"measure": "Printed cost reductions that disagree", "value": "no data", "context": ""}]
    summary = placements.reduction_summary(placements.reductions(costs))
    monthly = placements.slippage_by_month(slip) if len(slip) else None
    rows = [{"measure": "Printed cost reductions that disagree",
             "value": f"{summary.years_disagree} of {summary.years_compared} years",
             "context": f"{_who(costs)}: cost planned to fall from {format_gbp(summary.baseline_cost_gbp)} to "
                        f"{format_gbp(summary.last_cost_gbp)}"}]
    if monthly is not None:
        rows.append({"measure": "Cost of slipped placement moves", "value": format_gbp(monthly.cumulative_gbp.iloc[-1]),
                     "context": f"{len(monthly)} months, {monthly.month.iloc[0]} to {monthly.month.iloc[-1]}"})
    return rows


def _fip(t: dict, authority: str) -> list[Row]:
    fip = _rows_for(t["financial_improvement_plan"], authority)
    if fip.empty:
        return [{"measure": "Planned savings", "value": "no data", "context": ""}]
    plan = improvement_plan.whole_plan(fip)
    disagree = improvement_plan.prose_disagreements(fip)
    return [{"measure": "Planned savings",
             "value": f"{format_gbp(plan.computed_low_gbp)} to {format_gbp(plan.computed_high_gbp)}",
             "context": f"{_who(fip)}, {plan.first_year} to {plan.last_year}; prose and table disagree on "
                        f"{len(disagree)} figures"}]


def _recovery(t: dict, authority: str) -> list[Row]:
    actions = _rows_for(t["recovery_actions"], authority)
    if actions.empty:
        return [{"measure": "Actions", "value": "no data", "context": ""}]
    totals = recovery.priority_totals(actions)
    return [{"measure": "Actions", "value": f"{int(totals['actions'])} ({int(totals['H'])} high priority)",
             "context": f"{_who(actions)}: {int(actions.action_id.isna().sum())} IDs lost to page-number debris"}]


def _budget(t: dict, authority: str) -> list[Row]:
    requirement = _rows_for(t["budget_savings_requirement"], authority)
    if requirement.empty:
        return [{"measure": "Savings still to find", "value": "no data", "context": ""}]
    gap = budget.savings_gap(requirement)
    total = budget.savings_totals(gap)
    first = gap.iloc[0]
    return [{"measure": "Savings still to find",
             "value": f"{format_gbp(first.residual_computed_gbp)} in {first.year}",
             "context": f"{_who(requirement)}: {format_gbp(total.residual_computed_gbp)} over {total.years}, "
                        f"of a requirement of {format_gbp(total.requirement_gbp)}"}]


def _reconciliation(t: dict, authority: str) -> list[Row]:
    rec = t["reconciliation"]
    if authority:
        docs = set(t["sources"][t["sources"].authority == authority].document)
        rec = rec[rec.document.isin(docs)]
    counts = rec.status.value_counts()
    return [{"measure": "Printed figures that disagree with their own parts",
             "value": f"{int(counts.get('mismatch', 0))} of {len(rec)} checks",
             "context": f"{int(counts.get('not computable', 0))} could not be computed"}]


SECTIONS: dict[str, Callable] = {
    "Savings delivery": lambda t, p, a: _savings(t, p, a),
    "Children looked after against neighbours": lambda t, p, a: _neighbours(t, a),
    "Children looked after against plan": lambda t, p, a: _plan(t, a),
    "Placement costs": lambda t, p, a: _placements(t, a),
    "Financial Improvement Plan": lambda t, p, a: _fip(t, a),
    "Recovery actions": lambda t, p, a: _recovery(t, a),
    "Budget gap": lambda t, p, a: _budget(t, a),
    "Reconciliation": lambda t, p, a: _reconciliation(t, a),
}
TABLES = ("savings_tracker", "comparator_rates", "cla_trajectories", "placement_costs", "placement_slippage",
          "financial_improvement_plan", "recovery_actions", "budget_savings_requirement", "reconciliation", "sources")


def scorecard(tables: dict[str, pd.DataFrame], *, period: str, authority: str = "") -> pd.DataFrame:
    """One row per headline: ``area``, ``measure``, ``value``, ``context`` and ``report`` (the page
    in the pack that explains it).  ``authority`` empty = each area's own authority in the data."""
    rows = []
    for area, build in SECTIONS.items():
        for row in build(tables, period, authority):
            rows.append({"area": area, **row, "report": REPORTS[area]})
    return pd.DataFrame(rows, columns=["area", "measure", "value", "context", "report"])
