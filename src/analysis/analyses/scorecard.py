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
from ..presentation.numbers import count, date, money, money_range, pct, rate, signed_count, year
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
#: section -> every table its headline reads (a report asks for these, so it quotes the same figure)
USES = {**NEEDS, "Placement costs": ("placement_costs", "placement_slippage"),
        "Financial Improvement Plan": ("financial_improvement_plan", "reconciliation")}
#: RAG status and direction of travel as a symbol and a word, never colour alone
RAG_SYMBOLS = {"Red": "✖", "Amber": "▲", "Green": "✔", "No RAG": "–"}
DIRECTION_SYMBOLS = {"improving": "↑", "unchanged": "→", "worsening": "↓", "not given": "·"}
TABLES = ("savings_tracker", "comparator_rates", "cla_trajectories", "placement_costs", "placement_slippage",
          "financial_improvement_plan", "recovery_actions", "budget_savings_requirement", "reconciliation", "sources")

Row = dict


def _who(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(frame["authority"].unique()))


def _savings(t: dict) -> list[Row]:
    tracker = t["savings_tracker"]
    tracker = tracker[tracker.period == tracker.period.max()]
    h, rag = variance.headline(tracker), variance.by_rag(tracker)
    counts = ", ".join(f"{RAG_SYMBOLS.get(r.rag, '')} {int(r.lines)} {r.rag}".strip() for r in rag.itertuples())
    direction = variance.by_direction(tracker)
    moves = ", ".join(f"{DIRECTION_SYMBOLS.get(r.direction, '')} {int(r.lines)} {r.direction}".strip()
                      for r in direction.itertuples())
    return [
        {"measure": "Forecast saving against plan",
         "value": f"{money(h.forecast_saving_gbp)} of {money(h.planned_saving_gbp)} ({pct(h.delivery_pct)})",
         "context": f"{year(variance.financial_year(tracker))}: shortfall {money(h.shortfall_gbp)} across "
                    f"{count(h.lines)} lines" + (f"; {note}" if (note := variance.sign_doubt_note(tracker)) else "")},
        {"measure": "Saving lines by RAG status", "value": counts,
         "context": f"Red lines: {money(rag.loc[rag.rag == 'Red', 'shortfall_gbp'].sum())} of shortfall"},
        {"measure": "Direction of travel since last month", "value": moves,
         "context": "as the tracker prints it for each line"},
    ]


def _neighbours(t: dict) -> list[Row]:
    rates = t["comparator_rates"]
    who = rates.subject_authority.iloc[0]
    fy = comparators.latest_year(rates, who)
    table = comparators.comparator_table(rates, who, fy)
    population = comparators.subject_population(t["cla_trajectories"], who, fy).population
    s = comparators.summary(table, population)
    return [{"measure": "Rate per 10,000 against neighbours",
             "value": f"{rate(s.subject_rate_per_10k)} against a neighbours' {s.average} of "
                      f"{rate(round(s.average_per_10k, 1))}",
             "context": f"{year(fy)}: about {count(abs(s.gap_children))} {s.at_average} children at the "
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
    return [{"measure": "Actual against plan", "value": f"{signed_count(first.distance_low)} children",
             "context": f"{year(first.year)}: actual against the {labels[dist.attrs['baseline']]}"}]


def _placements(t: dict) -> list[Row]:
    costs, slip = t["placement_costs"], t["placement_slippage"]
    summary = placements.reduction_summary(placements.reductions(
        costs, rounding_tolerance_gbp=assumptions.DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP))
    monthly = placements.slippage_by_month(slip) if len(slip) else None
    rows = [{"measure": "Printed cost reductions that disagree",
             "value": f"{summary.years_disagree} of {summary.years_compared} years",
             "context": f"cost planned to fall from {money(summary.baseline_cost_gbp)} to "
                        f"{money(summary.last_cost_gbp)}"}]
    if monthly is not None:
        rows.append({"measure": "Cost of slipped placement moves", "value": money(monthly.cumulative_gbp.iloc[-1]),
                     "context": f"{len(monthly)} months, {date(monthly.month.iloc[0])} to {date(monthly.month.iloc[-1])}",
                     "uses": ("placement_slippage",)})
    return rows


def _fip(t: dict) -> list[Row]:
    fip = t["financial_improvement_plan"]
    plan = improvement_plan.whole_plan(fip)
    disagree = improvement_plan.prose_disagreements(fip, reconciliation=t.get("reconciliation"))
    n = len(disagree)
    return [{"measure": "Planned savings",
             "value": money_range(plan.computed_low_gbp, plan.computed_high_gbp),
             "context": f"{year(plan.first_year)} to {year(plan.last_year)}; prose and table disagree on "
                        f"{n} figure{'' if n == 1 else 's'} beyond the paper's rounding"}]


def _recovery(t: dict) -> list[Row]:
    actions = t["recovery_actions"]
    totals = recovery.priority_totals(actions)
    return [{"measure": "Actions", "value": f"{int(totals['actions'])} ({int(totals['H'])} high priority)",
             "context": f"{int(actions.action_id.isna().sum())} action IDs illegible in the paper"}]


def _budget(t: dict) -> list[Row]:
    requirement = t["budget_savings_requirement"]
    gap = budget.savings_gap(requirement)
    total = budget.savings_totals(gap)
    first = gap.iloc[0]
    return [{"measure": "Savings still to find",
             "value": f"{money(first.residual_computed_gbp)} in {year(first.year)}",
             "context": f"{money(total.residual_computed_gbp)} over {total.years}, "
                        f"of a requirement of {money(total.requirement_gbp)}"}]


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


def _as_at(area: str, tables: dict[str, pd.DataFrame], names: tuple[str, ...] | None = None) -> str:
    """The date of the latest paper the figure comes from, as that paper gives it (``11 January
    2017``; ``2015`` for a paper dated by its year only; a tracker's month), never a month the
    paper does not print.  ``names``: the tables the figure reads (default the area's)."""
    from ..data import document_period
    from ..presentation.numbers import paper_date

    names = names or NEEDS[area]
    documents = set().union(*(set(tables[n]["document"]) for n in names if n in tables and "document" in tables[n]))
    sources = tables.get("sources")
    if sources is None or not len(sources) or not documents:
        return ""
    papers = list(sources[sources.document.isin(documents)].itertuples())
    if not papers:
        return ""
    latest = max(papers, key=document_period)
    return paper_date(latest.period if isinstance(getattr(latest, "period", None), str) and latest.period
                      else latest.date)


def _authority(area: str, tables: dict[str, pd.DataFrame]) -> str:
    """The authority whose papers the area's figures come from (the sources of its tables)."""
    documents = set().union(*(set(tables[n]["document"]) for n in NEEDS[area] if "document" in tables[n]))
    sources = tables.get("sources")
    if sources is None or not len(sources):
        return ""
    return ", ".join(sorted(sources[sources.document.isin(documents)].authority.dropna().astype(str).unique()))


COLUMNS = ["area", "measure", "value", "context", "as_at", "authority", "report"]


def area_card(area: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The scorecard's rows for one area (the same figures, in the same words, that the report
    explaining it quotes at its top); ``tables`` holds at least :data:`USES` ``[area]``."""
    if not _has(tables, area):
        return pd.DataFrame(columns=COLUMNS)
    who = _authority(area, tables)
    rows = [{"area": area, **{k: v for k, v in row.items() if k != "uses"},
             "as_at": _as_at(area, tables, row.get("uses")), "authority": who, "report": REPORTS[area]}
            for row in SECTIONS[area](tables)]
    return pd.DataFrame(rows, columns=COLUMNS)


def for_report(area: str, pack, **given: pd.DataFrame) -> pd.DataFrame:
    """:func:`area_card` for the report that explains ``area``, reading its tables from ``pack``
    (an :class:`analysis.data.Pack`) unless ``given`` (e.g. the tracker in force)."""
    tables = {name: given[name] if name in given else pack.table(name, required=False) for name in USES[area]}
    return area_card(area, {**tables, "sources": pack.sources})


def scorecard(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per headline: ``area``, ``measure``, ``value``, ``context``, ``as_at`` (the month
    its papers speak for, in words), ``authority`` and ``report`` (the page in the pack that
    explains it), for each area the tables hold rows for.  ``tables`` are one authority's rows
    from its papers in force (:meth:`analysis.data.Pack.tables`).  Money is written in the
    pack's one style (:mod:`analysis.presentation.numbers`); savings are positive amounts."""
    cards = [area_card(area, tables) for area in SECTIONS if _has(tables, area)]
    return pd.concat(cards, ignore_index=True) if cards else pd.DataFrame(columns=COLUMNS)
