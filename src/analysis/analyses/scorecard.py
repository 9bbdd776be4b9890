"""The summary scorecard: one page of headline numbers from every report, each linking to the
report that explains it.

Every figure is computed by the same functions the detailed reports use; this module only picks
the headline and phrases it.  The tables given are one authority's rows from its papers in force
(:class:`analysis.data.Pack`); an area whose tables hold no rows is left out of the card and
named by :func:`areas_without_data`, so a council's scorecard shows only what it has.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .. import assumptions
from ..money import format_gbp
from . import budget, cla, comparators, improvement_plan, placements, recovery, variance

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
#: section -> the tables it needs rows of
NEEDS = {
    "Savings delivery": ("savings_tracker",),
    "Children looked after against neighbours": ("comparator_rates", "cla_trajectories"),
    "Children looked after against plan": ("cla_trajectories",),
    "Placement costs": ("placement_costs",),
    "Financial Improvement Plan": ("financial_improvement_plan",),
    "Recovery actions": ("recovery_actions",),
    "Budget gap": ("budget_savings_requirement",),
    "Reconciliation": ("reconciliation",),
}
TABLES = ("savings_tracker", "comparator_rates", "cla_trajectories", "placement_costs", "placement_slippage",
          "financial_improvement_plan", "recovery_actions", "budget_savings_requirement", "reconciliation", "sources")

Row = dict


def _who(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(frame["authority"].unique()))


def _savings(t: dict) -> list[Row]:
    tracker = t["savings_tracker"]
    tracker = tracker[tracker.period == tracker.period.max()]
    h, rag = variance.headline(tracker), variance.by_rag(tracker)
    counts = ", ".join(f"{int(r.lines)} {r.rag}" for r in rag.itertuples())
    return [
        {"measure": "Forecast saving against plan",
         "value": f"{format_gbp(h.forecast_saving_gbp)} of {format_gbp(h.planned_saving_gbp)} ({h.delivery_pct:.1f}%)",
         "context": f"{_who(tracker)}, {variance.financial_year(tracker)} as at {tracker.period.iloc[0]}: shortfall "
                    f"{format_gbp(h.shortfall_gbp)} across {int(h.lines)} lines"},
        {"measure": "Saving lines by RAG status", "value": counts,
         "context": f"Red lines: {format_gbp(rag.loc[rag.rag == 'Red', 'shortfall_gbp'].sum())} of shortfall"},
    ]


def _neighbours(t: dict) -> list[Row]:
    rates = t["comparator_rates"]
    who = rates.subject_authority.iloc[0]
    year = comparators.latest_year(rates, who)
    table = comparators.comparator_table(rates, who, year)
    population = comparators.subject_population(t["cla_trajectories"], who, year).population
    s = comparators.summary(table, population)
    return [{"measure": "Rate per 10,000 against neighbours",
             "value": f"{s.subject_rate_per_10k:,.0f} against a neighbours' {s.average} of {s.average_per_10k:,.1f}",
             "context": f"{who}, {year}: about {abs(s.gap_children):,.0f} {s.at_average} children at the "
                        f"neighbours' {s.average}"}]


def _plan(t: dict) -> list[Row]:
    rows = t["cla_trajectories"]
    who = rows.authority.iloc[0]
    pop = cla.derivation_population(rows, who)
    traj = cla.trajectories(rows, who, pop.population, sources=t.get("sources"))
    dist = cla.distances(traj, "number")
    dist = dist[dist.series == cla.ACTUAL]
    if dist.empty:
        return []
    first = dist.iloc[0]
    labels = dict(zip(traj.series, traj.label))
    return [{"measure": "Actual against plan", "value": f"{first.distance_low:+,.0f} children",
             "context": f"{who}, {first.year}: actual against the {labels[dist.attrs['baseline']]}"}]


def _placements(t: dict) -> list[Row]:
    costs, slip = t["placement_costs"], t["placement_slippage"]
    summary = placements.reduction_summary(placements.reductions(
        costs, rounding_tolerance_gbp=assumptions.DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP))
    monthly = placements.slippage_by_month(slip) if len(slip) else None
    rows = [{"measure": "Printed cost reductions that disagree",
             "value": f"{summary.years_disagree} of {summary.years_compared} years",
             "context": f"{_who(costs)}: cost planned to fall from {format_gbp(summary.baseline_cost_gbp)} to "
                        f"{format_gbp(summary.last_cost_gbp)}"}]
    if monthly is not None:
        rows.append({"measure": "Cost of slipped placement moves", "value": format_gbp(monthly.cumulative_gbp.iloc[-1]),
                     "context": f"{len(monthly)} months, {monthly.month.iloc[0]} to {monthly.month.iloc[-1]}"})
    return rows


def _fip(t: dict) -> list[Row]:
    fip = t["financial_improvement_plan"]
    plan = improvement_plan.whole_plan(fip)
    disagree = improvement_plan.prose_disagreements(fip)
    return [{"measure": "Planned savings",
             "value": f"{format_gbp(plan.computed_low_gbp)} to {format_gbp(plan.computed_high_gbp)}",
             "context": f"{_who(fip)}, {plan.first_year} to {plan.last_year}; prose and table disagree on "
                        f"{len(disagree)} figures"}]


def _recovery(t: dict) -> list[Row]:
    actions = t["recovery_actions"]
    totals = recovery.priority_totals(actions)
    return [{"measure": "Actions", "value": f"{int(totals['actions'])} ({int(totals['H'])} high priority)",
             "context": f"{_who(actions)}: {int(actions.action_id.isna().sum())} IDs lost to page-number debris"}]


def _budget(t: dict) -> list[Row]:
    requirement = t["budget_savings_requirement"]
    gap = budget.savings_gap(requirement)
    total = budget.savings_totals(gap)
    first = gap.iloc[0]
    return [{"measure": "Savings still to find",
             "value": f"{format_gbp(first.residual_computed_gbp)} in {first.year}",
             "context": f"{_who(requirement)}: {format_gbp(total.residual_computed_gbp)} over {total.years}, "
                        f"of a requirement of {format_gbp(total.requirement_gbp)}"}]


def _reconciliation(t: dict) -> list[Row]:
    rec = t["reconciliation"]
    counts = rec.status.value_counts()
    return [{"measure": "Printed figures that disagree with their own parts",
             "value": f"{int(counts.get('mismatch', 0))} of {len(rec)} checks",
             "context": f"{int(counts.get('within rounding', 0))} more agree only within the rounding of their "
                        f"printed figures; {int(counts.get('not computable', 0))} could not be computed"}]


SECTIONS: dict[str, Callable[[dict], list[Row]]] = {
    "Savings delivery": _savings,
    "Children looked after against neighbours": _neighbours,
    "Children looked after against plan": _plan,
    "Placement costs": _placements,
    "Financial Improvement Plan": _fip,
    "Recovery actions": _recovery,
    "Budget gap": _budget,
    "Reconciliation": _reconciliation,
}


def _has(tables: dict[str, pd.DataFrame], area: str) -> bool:
    return all(name in tables and len(tables[name]) for name in NEEDS[area])


def areas_without_data(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The areas the tables hold no rows for (left out of :func:`scorecard`)."""
    return [area for area in SECTIONS if not _has(tables, area)]


def scorecard(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per headline: ``area``, ``measure``, ``value``, ``context`` and ``report`` (the page
    in the pack that explains it), for each area the tables hold rows for.  ``tables`` are one
    authority's rows from its papers in force (:meth:`analysis.data.Pack.tables`)."""
    rows = []
    for area, build in SECTIONS.items():
        if _has(tables, area):
            for row in build(tables):
                rows.append({"area": area, **row, "report": REPORTS[area]})
    return pd.DataFrame(rows, columns=["area", "measure", "value", "context", "report"])
