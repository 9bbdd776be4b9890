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
from ..numbers import count, date, money, money_range, month, pct, rate, signed_count, year
from ..schemas import needs
from . import budget, cla, comparators, improvement_plan, placements, published_headlines, recovery, variance

__all__ = [
    "COLUMNS", "DIRECTION_SYMBOLS", "KIND_WORDS", "NEEDS", "RAG_SYMBOLS", "REPORTS", "SECTIONS", "TABLES",
    "USES", "area_card", "area_rows", "areas_without_data", "dated", "for_report", "paper_date", "scorecard",
    "sentence", "superseded_rows",
]

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
    "Spend on children looked after": "25_cla_spend_benchmarks.html",
    "Cost drivers": "35_cost_drivers.html",
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
    "Spend on children looked after": (),  # a published measure only
    "Cost drivers": (),  # published measures only
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
    end = int(fy[:4]) + 1  # the paper's rates are at 31 March of the year's end
    return [{"measure": "Children looked after per 10,000 against statistical neighbours",
             "value": f"{rate(s.subject_rate_per_10k)} per 10,000 against a neighbours' {s.average} of "
                      f"{rate(round(s.average_per_10k, 1))}",
             "context": f"about {count(abs(s.gap_children))} {s.at_average} children at the neighbours' {s.average}",
             "as_at": f"31 March {end}", "year_end": end}]


def _plan(t: dict) -> list[Row]:
    rows = t["cla_trajectories"]
    who = rows.authority.iloc[0]
    pop = cla.derivation_population(rows, who)
    traj = cla.trajectories(rows, who, pop.population, sources=t.get("sources"))
    dist = cla.distances(traj, "number")
    dist = dist[dist.series == cla.ACTUAL]
    if dist.empty:
        return []
    last = dist.iloc[-1]  # the latest year with both an actual and the plan
    labels = dict(zip(traj.series, traj.label, strict=True))
    return [{"measure": "Children looked after against plan", "value": f"{signed_count(last.distance_low)} children",
             "context": f"actual against the {labels[dist.attrs['baseline']]}", "as_at": year(last.year),
             "year_end": int(str(last.year)[:4]) + 1}]


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
                     **dated(t, "placement_slippage")})
    return rows


def _fip(t: dict) -> list[Row]:
    fip = t["financial_improvement_plan"]
    plan = improvement_plan.whole_plan(fip)
    rec = t.get("reconciliation")  # report 90's verdicts, so that both reports count the same figures
    rec = rec[rec.document.isin(set(fip.document))] if rec is not None and "document" in rec else None
    n = len(improvement_plan.prose_disagreements(fip, reconciliation=rec))
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


SECTIONS: dict[str, Callable[[dict], list[Row]]] = {  # in the pack's report order
    "Savings delivery": _savings,
    "Children looked after against neighbours": _neighbours,
    "Spend on children looked after": lambda t: [],  # a published measure only (:func:`_public_areas`)
    "Children looked after against plan": _plan,
    "Cost drivers": lambda t: [],  # published measures only (:func:`published_headlines.public_areas`)
    "Placement costs": _placements,
    "Financial Improvement Plan": _fip,
    "Recovery actions": _recovery,
    "Budget gap": _budget,
    "Reconciliation": _reconciliation,
}


def _has(tables: dict[str, pd.DataFrame], area: str) -> bool:
    return bool(NEEDS[area]) and all(name in tables and len(tables[name]) for name in NEEDS[area])


@needs(tables=())
def areas_without_data(tables: dict[str, pd.DataFrame], pub=None, authority: str = "", period: str = "") -> list[str]:
    """The areas neither the tables nor (for the published measures) the public statistics hold
    anything for (left out of :func:`scorecard`).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The papers' tables by name; only whether each table :data:`NEEDS` names has rows.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council (short name).
    period : str, default ""
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    list of str
        Area names, in :data:`SECTIONS` order.
    """
    public = set(published_headlines.public_areas(pub, authority, period))
    return [area for area in SECTIONS if not _has(tables, area) and area not in public]


# --------------------------------------------------------------------------------------------- dates and sources

#: a paper's kind in the words of a headline's source
KIND_WORDS = {"savings_tracker": "savings tracker", "medium_term_financial_strategy": "medium-term financial strategy",
              "five_year_plan_review": "5-year plan review", "business_plan_review": "business planning review",
              "recovery_action_plan": "finance recovery plan"}


def paper_date(row) -> str:
    """A paper's own date in words: a tracker's month (``October 2017``), a dated paper's day
    (``11 January 2017``), a paper dated by its year only as that year (``2015``).

    Parameters
    ----------
    row : namedtuple
        A ``sources`` row (``itertuples``): ``kind``, ``period`` and ``date``.

    Returns
    -------
    str
        The date in words.
    """
    from ..numbers import month

    if row.kind == "savings_tracker" and isinstance(row.period, str) and row.period:
        return month(row.period)
    text = "" if pd.isna(row.date) else str(row.date)
    return date(text) if len(text) == 10 else month(text) if len(text) == 7 else text


def _papers(area: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    documents = set().union(*(set(tables[n]["document"]) for n in NEEDS[area] if "document" in tables[n]))
    sources = tables.get("sources")
    if sources is None or not len(sources) or not documents:
        return pd.DataFrame(columns=["document", "authority", "kind", "date", "period"])
    return sources[sources.document.isin(documents)]


@needs(tables=())
def dated(tables: dict[str, pd.DataFrame], table: str) -> dict[str, str]:
    """``as_at`` and ``source`` of a headline taken from ``table``: its paper's own date and the
    paper in words (the latest paper when several, e.g. a plan restated later).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The papers' tables by name; reads ``table``'s ``document`` (when present) and
        ``sources`` (``document``, ``authority``, ``kind``, ``date``, ``period``).
    table : str
        The name of the table the headline comes from.

    Returns
    -------
    dict of str to str
        ``as_at`` and ``source``; empty when the table or ``sources`` is missing or names no
        paper.
    """
    frame = tables.get(table)
    sources = tables.get("sources")
    if frame is None or sources is None or "document" not in frame or not len(frame):
        return {}
    papers = sources[sources.document.isin(set(frame["document"]))]
    if papers.empty:
        return {}
    from ..data import document_period

    latest = max(papers.itertuples(), key=lambda r: (document_period(r), r.document))
    return {"as_at": paper_date(latest), "source": f"{latest.authority}'s {KIND_WORDS.get(latest.kind, latest.kind)}"}


def _paper_source(area: str, tables: dict[str, pd.DataFrame]) -> tuple[str, str, str]:
    """(authority, the date of the figure's paper, the paper in words) of an area's first table's
    papers (:func:`dated`)."""
    papers = _papers(area, tables)
    if papers.empty:
        return "", "", ""
    who = ", ".join(sorted(papers.authority.dropna().astype(str).unique()))
    first = dated(tables, NEEDS[area][0])
    return who, first.get("as_at", ""), first.get("source", "")


# --------------------------------------------------------------------------------------------- the card

COLUMNS = ["area", "measure", "value", "context", "as_at", "source", "authority", "report", "sentence"]


def sentence(measure: str, value: str, context: str, as_at: str, source: str) -> str:
    """The one sentence a headline is printed as, everywhere (scorecard, pack index, the report's
    box): measure and date, value, context, source.

    Parameters
    ----------
    measure : str
        What the figure is.
    value : str
        The figure, formatted (money in the pack's style, rates per 10,000 children aged 0-17).
    context : str
        Words after the figure, in brackets; empty for none.
    as_at : str
        The date of the figure in words; empty for none.
    source : str
        Where the figure comes from; empty for none.

    Returns
    -------
    str
        ``measure, as_at: value (context). Source: source.``
    """
    when = f", {as_at}" if as_at else ""
    return f"{measure}{when}: {value}" + (f" ({context})" if context else "") + (f". Source: {source}." if source
                                                                                  else ".")


def _frame(rows: list[dict]) -> pd.DataFrame:
    for r in rows:
        r["sentence"] = sentence(r["measure"], r["value"], r.get("context", ""), r.get("as_at", ""), r.get("source", ""))
    return pd.DataFrame([{c: r.get(c, "") for c in COLUMNS} for r in rows], columns=COLUMNS)


def _superseded(area: str, paper_rows: list[Row], public_rows: list[Row]) -> list[Row]:
    """The published figure is the headline when it is as recent as the paper's or more; the
    paper's is then named as superseded in its context (and asked about, :func:`superseded`)."""
    if not public_rows:
        return paper_rows
    if not paper_rows:
        return public_rows
    paper, public = paper_rows[0], public_rows[0]
    if paper.get("year_end") and public.get("year_end") and paper["year_end"] > public["year_end"]:
        return paper_rows
    out = dict(public)
    out["context"] = "; ".join(p for p in (public.get("context", ""), f"superseded: {paper['source']} gives "
                                           f"{paper['value']} {published_headlines.at(paper['as_at'])}") if p)
    out["superseded"] = paper
    return [out]


@needs(tables=())
def area_rows(area: str, tables: dict[str, pd.DataFrame], pub=None, authority: str = "",
              period: str = "", public: dict | None = None) -> list[dict]:
    """The headline rows of one area (the same for the scorecard, the pack index and the report
    that explains the area): from the papers in ``tables`` and, for a published measure, the
    public statistics ``pub`` as at the pack's month - the later figure is the headline.

    Parameters
    ----------
    area : str
        A key of :data:`SECTIONS`.
    tables : dict of str to pandas.DataFrame
        The papers' tables by name (:meth:`analysis.data.Pack.tables`); an area reads the tables
        :data:`USES` names, each with the columns its report's functions need, and ``sources``.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council (short name).
    period : str, default ""
        The pack's month, ``YYYY-MM``.
    public : dict, optional
        :func:`analysis.analyses.published_headlines.public_areas` already computed for the pack.

    Returns
    -------
    list of dict
        The area's rows (``area``, ``measure``, ``value``, ``context``, ``as_at``, ``source``,
        ``authority``, ``report``; ``superseded`` when a published figure replaces the paper's).
    """
    rows: list[dict] = []
    if _has(tables, area):
        who, when, source = _paper_source(area, tables)
        if area == "Reconciliation":  # every paper in force at the pack's month
            when, source = (month(period) if period else ""), f"{who}'s papers in force"
        for r in SECTIONS[area](tables):
            rows.append({"area": area, "as_at": r.pop("as_at", when), "source": r.pop("source", source),
                         "authority": who, "report": REPORTS[area], **r})
        if area == "Children looked after against plan" and pub is not None:
            rows = published_headlines.plan_published(tables, pub, authority, rows) or rows
    found = (public if public is not None else published_headlines.public_areas(pub, authority, period, only=area)
             ).get(area, [])
    found = [{"area": area, "authority": authority, "report": REPORTS[area], **r} for r in found]
    return _superseded(area, rows, found)


@needs(tables=())
def area_card(area: str, tables: dict[str, pd.DataFrame], pub=None, authority: str = "",
              period: str = "") -> pd.DataFrame:
    """:func:`area_rows` as a frame of :data:`COLUMNS`.

    Parameters
    ----------
    area : str
        A key of :data:`SECTIONS`.
    tables : dict of str to pandas.DataFrame
        The papers' tables by name (:meth:`analysis.data.Pack.tables`); an area reads the tables
        :data:`USES` names, each with the columns its report's functions need, and ``sources``.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council (short name).
    period : str, default ""
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, one row per headline.
    """
    return _frame(area_rows(area, tables, pub, authority, period))


@needs(given=())
def for_report(area: str, pack, *, pub=None, authority: str = "", period: str = "", **given: pd.DataFrame) -> pd.DataFrame:
    """:func:`area_card` for the report that explains ``area``.

    Parameters
    ----------
    area : str
        A key of :data:`SECTIONS`.
    pack : analysis.data.Pack or None
        Where the area's tables are read from; ``None`` for an authority with no papers.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council; default the pack's.
    period : str, default ""
        The pack's month, ``YYYY-MM``; default the pack's.
    **given : pandas.DataFrame
        Tables to use instead of the pack's, by name (e.g. the tracker in force), with the
        columns the area's functions need.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, one row per headline.
    """
    tables = {name: given[name] if name in given else (pack.table(name, required=False) if pack else
                                                        pd.DataFrame()) for name in USES.get(area, ())}
    if pack is not None:
        tables["sources"] = pack.sources
    return area_card(area, tables, pub, authority or (pack.authority if pack else ""),
                     period or (pack.period if pack else ""))


@needs(tables=())
def scorecard(tables: dict[str, pd.DataFrame], pub=None, authority: str = "", period: str = "") -> pd.DataFrame:
    """One row per headline, for each area the papers in force or the public statistics as at
    the pack's month hold anything for.  Money in the pack's one style; savings positive amounts.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The papers' tables by name (:meth:`analysis.data.Pack.tables`); an area reads the tables
        :data:`USES` names, each with the columns its report's functions need, and ``sources``.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council (short name).
    period : str, default ""
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: ``area``, ``measure``, ``value``, ``context``, ``as_at`` (the date of
        the figure in words), ``source``, ``authority``, ``report`` (the page that explains it)
        and ``sentence`` (the words every page prints).
    """
    public = published_headlines.public_areas(pub, authority, period)
    rows = [r for area in SECTIONS for r in area_rows(area, tables, pub, authority, period, public)]
    return _frame(rows)


@needs(card=(), tables=())
def superseded_rows(card: pd.DataFrame, tables: dict[str, pd.DataFrame], pub=None, authority: str = "",
                    period: str = "") -> list[dict]:
    """For the questions for officers: each paper figure a published one supersedes on the card.

    Parameters
    ----------
    card : pandas.DataFrame
        The :func:`scorecard` (not read: the rows are computed again from ``tables``).
    tables : dict of str to pandas.DataFrame
        The papers' tables by name (:meth:`analysis.data.Pack.tables`); an area reads the tables
        :data:`USES` names, each with the columns its report's functions need, and ``sources``.
    pub : PublicData, optional
        The public statistics as at the pack's month.
    authority : str, default ""
        The council (short name).
    period : str, default ""
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    list of dict
        ``paper`` and ``published`` row dicts, one per superseded figure.
    """
    out = []
    public = published_headlines.public_areas(pub, authority, period)
    for area in SECTIONS:
        for r in area_rows(area, tables, pub, authority, period, public):
            if "superseded" in r:
                out.append({"paper": r["superseded"], "published": r})
    return out
