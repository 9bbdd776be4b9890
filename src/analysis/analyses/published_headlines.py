"""The scorecard's headlines that come from the published statistics, as at the pack's month:
children looked after against statistical neighbours (report 20), spend per child looked after
(report 25), and children looked after against plan at the latest 31 March with both a published
figure and a plan (report 30) - each dated and sourced (the release and when it was first
published, :mod:`analysis.statistics.release_calendar`).  :mod:`.scorecard` sets them beside the
papers' own figures; the later is the headline.

Rates are children looked after per 10,000 children aged 0-17 at 31 March; money whole pounds.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..numbers import count, date, month, rate, signed_count, year
from ..schemas import needs

__all__ = ["at", "money_exact_round", "plan_published", "public_areas", "release_words", "spend_words"]

Row = dict


@needs(tables=())
def plan_published(tables: dict[str, pd.DataFrame], pub, authority: str, paper_rows: list[dict]) -> list[dict]:
    """Children looked after against plan at the latest 31 March with both a published figure (as
    at the pack's month) and a plan: against the plan made last, the first plan's distance beside
    it.  The paper's own actual-against-plan is named as superseded when older.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The processed tables by name; reads ``cla_trajectories`` (the columns
        :func:`analysis.analyses.outcomes.plan_vs_outcome` needs, and ``plan_made``) and, when
        present, ``sources`` (``document``, ``date``).
    pub : PublicData
        The public statistics as at the pack's month.
    authority : str
        The council (short name).
    paper_rows : list of dict
        The scorecard's rows for this area from the papers (the first is the paper's own
        actual-against-plan); may be empty.

    Returns
    -------
    list of dict
        One scorecard row (``area``, ``measure``, ``value`` in children, ``context``, ``as_at``,
        ``year_end``, ``source``, ``authority``, ``report``), or none when the releases do not
        know the authority or no year has both a plan and a published figure.
    """
    from . import outcomes, public_pack

    rows = tables["cla_trajectories"]
    try:
        found = outcomes.plan_vs_outcome(rows, pub, authority)
    except InputError:  # the releases do not know the authority
        return []
    both = found[found.actual_number.notna() & found.plan_number.notna()]
    if both.empty:
        return []
    latest = both[both.year_end == both.year_end.max()]
    # the plan made last (a plan restated in a later paper keeps the month it was made), the paper's date next
    sources = tables.get("sources")
    dated = {d: str(v) for d, v in zip(sources.document, sources.date, strict=True)} if sources is not None else {}
    made = {r.series: (str(r.plan_made), dated.get(r.document, ""), r.document)
            for r in rows[rows.series_kind == "plan"].itertuples() if not pd.isna(r.plan_made)}
    order = sorted(set(latest.series), key=lambda sr: (made.get(sr, ("", "", "")), sr))
    last, first = latest[latest.series == order[-1]], latest[latest.series == order[0]]
    lo, hi = last.distance_children.min(), last.distance_children.max()
    value = (f"{signed_count(lo)} children" if lo == hi else f"{signed_count(lo)} to {signed_count(hi)} children")
    y = int(latest.year_end.iloc[0])
    context = (f"{count(last.actual_number.iloc[0])} looked after against {count(last.plan_number.max())} planned in the "
               f"{last.series_label.iloc[0]}")
    if order[0] != order[-1]:
        context += f"; {signed_count(first.distance_children.max())} against the {first.series_label.iloc[0]}"
    who = public_pack.code_for(pub, authority, f"{y}-03")
    out = {"area": "Children looked after against plan", "measure": "Children looked after against plan",
           "value": value, "context": context, "as_at": f"31 March {y}", "year_end": y,
           "source": f"{release_words(pub.row(who, y))} against {paper_rows[0]['source'] if paper_rows else 'the plans'}",
           "authority": paper_rows[0]["authority"] if paper_rows else authority,
           "report": "30_cla_trajectories.html"}
    old = paper_rows[0] if paper_rows else None
    if old is not None and old.get("year_end", 0) < y:
        out["context"] = f"{context}; superseded: {old['source']} gives {old['value']} {at(old['as_at'])}"
        out["superseded"] = old
    return [out]


def at(when: str) -> str:
    """``at 31 March 2013``, ``for 2016-17``.

    Parameters
    ----------
    when : str
        A date in words (``31 March 2013``) or a financial year ``YYYY-YY``.

    Returns
    -------
    str
        ``for`` before a financial year, ``at`` before anything else.
    """
    import re

    return f"for {when}" if re.fullmatch(r"\d{4}-\d{2}", str(when)) else f"at {when}"


def release_words(row: dict | None) -> str:
    """The DfE release a children-looked-after figure comes from, with its first publication.

    Parameters
    ----------
    row : dict or None
        A ``cla_rates`` row (``PublicData.row``): ``year``, and ``first_published``,
        ``value_published`` and ``value_release`` where known.

    Returns
    -------
    str
        e.g. ``DfE children looked after statistics (31 March 2019, first published 12 December
        2019)``.
    """
    if not row:
        return "DfE children looked after statistics"
    published = row.get("first_published")
    when = f", first published {date(str(published)[:10])}" if published and not pd.isna(published) else ""
    later = row.get("value_published")
    revised = ""
    if later and not pd.isna(later) and published and str(later)[:10] != str(published)[:10]:
        revised = f"; this figure as revised in {row.get('value_release') or 'a later release'}"
    return f"DfE children looked after statistics (31 March {int(row['year'])}{when}{revised})"


def public_areas(pub, authority: str, period: str, only: str | None = None) -> dict[str, list[Row]]:
    """The areas whose headline is a published figure for ``authority`` as at ``pub``'s month:
    children looked after against neighbours (report 20), spend (report 25) and the cost drivers
    that set it apart (report 35).

    Parameters
    ----------
    pub : PublicData or None
        The public statistics as at the pack's month; None gives no areas.
    authority : str
        The council (short name).
    period : str
        The pack's month, ``YYYY-MM``.
    only : str, optional
        The one area wanted; the cost drivers are computed only when it is None or
        ``Cost drivers``.

    Returns
    -------
    dict of str to list of dict
        Area name -> its scorecard rows (``measure``, ``value``, ``context``, ``as_at``,
        ``source``, ``year_end``); rates per 10,000 children aged 0-17, money whole pounds.
    """
    import copy

    if pub is None or not authority:
        return {}
    # a scorecard asks three times (its rows, the superseded figures, the areas without data):
    # computed once for the view, a copy each time
    found = pub.cached(f"public areas {authority!r} {period} {only}", lambda: _public_areas(pub, authority, period, only))
    return copy.deepcopy(found)


def _public_areas(pub, authority: str, period: str, only: str | None) -> dict[str, list[Row]]:
    from . import benchmarks, public_pack, spend_benchmarks

    try:
        who = public_pack.code_for(pub, authority, period)
        y = public_pack.choose_year(pub, who, "", period)
    except InputError:  # the releases do not know the authority, or hold no figure for it by then
        return {}
    out: dict[str, list[Row]] = {}
    row = pub.row(who, y)
    m = public_pack.choose_model(pub, who, "", y)
    s = benchmarks.summary(pub, benchmarks.comparator(pub, who, y, m), y, m)
    if s.rate_per_10k is not None:
        mean = s.neighbours_mean_per_10k
        value = f"{rate(s.rate_per_10k)} per 10,000" + (f" against a neighbours' mean of {rate(round(mean, 1))}"
                                                        if mean is not None else "")
        context = (f"about {count(abs(s.gap_children))} {'more' if s.gap_children > 0 else 'fewer'} children "
                   "than at the neighbours' mean" if s.gap_children is not None else
                   f"{count(s.number)} children looked after; no neighbours' mean: no DfE statistical-neighbour "
                   f"model had been published by {month(pub.as_of or period)}")
        out["Children looked after against neighbours"] = [{
            "measure": "Children looked after per 10,000 against statistical neighbours", "value": value,
            "context": context, "as_at": f"31 March {y}", "source": release_words(row), "year_end": y}]
    if spend_benchmarks.spend_years(pub, who, "s251"):
        financial_year, sp = spend_benchmarks.spend_summary_at(pub, who, period, "s251")
        if sp.spend_per_child_gbp is not None:
            mean = sp.neighbours_mean_spend_per_child_gbp
            out["Spend on children looked after"] = [{
                "measure": "Gross spend per child looked after",
                "value": money_exact_round(sp.spend_per_child_gbp)
                + (f" against a neighbours' mean of {money_exact_round(mean)}" if mean is not None else ""),
                "context": f"England {money_exact_round(sp.england_spend_per_child_gbp)}"
                           if sp.england_spend_per_child_gbp is not None else "",
                "as_at": year(financial_year), "source": spend_words(pub, who, financial_year),
                "year_end": int(financial_year[:4]) + 1}]
    if only in (None, "Cost drivers"):
        from .cost_drivers import headline

        found = headline(pub, who, y, period)
        if found:
            out["Cost drivers"] = [found]
    return out


def spend_words(pub, code: str, financial_year: str) -> str:
    """The release a spend figure comes from: DfE's section 251 outturn of the year, with the date
    it was published (as the public tables record it).

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    code : str
        The authority's old LA code.
    financial_year : str
        ``YYYY-YY``.

    Returns
    -------
    str
        The source line, e.g. ``DfE section 251 outturn 2018-19, published ...; children looked
        after at 31 March``.
    """
    rows = pub.spend[(pub.spend.old_la_code == code) & (pub.spend.financial_year == financial_year)]
    when = ""
    if "published" in rows and rows.published.notna().any():
        first = str(rows.published.dropna().min())
        when = f", published {date(first) if len(first) == 10 else month(first)}"
    return f"DfE section 251 outturn {year(financial_year)}{when}; children looked after at 31 March"


def money_exact_round(value: float | None) -> str:
    """Spend per child to the pound (``£47,929``).

    Parameters
    ----------
    value : float or None
        Pounds.

    Returns
    -------
    str
        The amount rounded to the pound, as :func:`analysis.numbers.money_exact` writes it.
    """
    from ..numbers import money_exact

    return money_exact(None if value is None else round(value))
