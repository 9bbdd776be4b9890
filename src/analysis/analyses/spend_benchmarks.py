"""Spending on children looked after against the statistical neighbours and England, year by
year, and beside the placement costs a council's papers print.

Inputs: the public tables through :class:`~analysis.analyses.benchmarks.PublicData` (s251
outturn and LAIT, or MHCLG's RO3) and, where the authority has papers, ``placement_costs``.
Money is whole pounds: ``spend_per_child_gbp`` = gross CLA expenditure in the financial year ÷
children looked after at the 31 March ending it (£ a year); ``weekly_unit_cost_gbp`` is LAIT's
s251 unit cost (£ per child per week).  Differences are the authority minus the comparison
(positive = the authority spends more).  A financial year ``2018-19`` ends on 31 March 2019.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import numbers
from ..errors import InputError
from ..schemas import needs
from .benchmarks import PublicData, spend, spend_summary
from .measure_benchmarks import model_words

__all__ = [
    "MEASURES", "SpendView", "beside_placement_costs", "choose_spend_year", "spend_sentence", "spend_series",
    "spend_summary_at", "spend_view", "spend_years", "view_for_pack",
]

MEASURES = ("spend_per_child_gbp", "weekly_unit_cost_gbp")


def spend_years(pub: PublicData, authority: str, source: str = "s251") -> list[str]:
    """Financial years with the authority's gross CLA expenditure in ``source``, oldest first.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    source : str, default "s251"
        ``s251`` or ``RO3``.

    Returns
    -------
    list of str
        Financial years ``YYYY-YY``.
    """
    from .benchmarks import SPEND_SOURCES

    code = pub.code(authority)
    rows = pub.spend[(pub.spend.old_la_code == code) & (pub.spend.measure == "cla_gross_expenditure")
                     & pub.spend.source.isin(SPEND_SOURCES.get(source, ())) & pub.spend.amount_gbp.notna()]
    return sorted(set(rows.financial_year))


def choose_spend_year(pub: PublicData, authority: str, year: str, period: str, source: str = "s251") -> str:
    """The financial year report 25 shows.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    year : str
        ``2018-19``, or ``2019`` = the year ending 31 March 2019; empty: the latest with spend
        ending on or before the pack's period.
    period : str
        The pack's month, ``YYYY-MM``.
    source : str, default "s251"
        ``s251`` or ``RO3``.

    Returns
    -------
    str
        Financial year ``YYYY-YY``.

    Raises
    ------
    InputError
        When ``year`` is empty and the source has no spend for the authority.
    """
    have = spend_years(pub, authority, source)
    text = str(year).strip()
    if text:
        if text.isdigit() and len(text) == 4:
            text = f"{int(text) - 1}-{text[2:]}"
        return numbers.year(text)
    limit = int(str(period)[:4])
    eligible = [fy for fy in have if int(fy[:4]) + 1 <= limit]
    if not (eligible or have):
        raise InputError("cla_spend", column="financial_year", expected=f"{source} spend for {authority}", found="none")
    return (eligible or have)[-1]


def spend_series(pub: PublicData, authority: str, model: str, source: str = "s251") -> pd.DataFrame:
    """Year by year: the authority's gross CLA spend, children at 31 March, spend per child and
    weekly unit cost, with the neighbours' mean and England's of the last two.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    model : str
        Statistical-neighbour model; ``""`` for none.
    source : str, default "s251"
        ``s251`` or ``RO3``.

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``gross_gbp`` (pounds), ``number`` (children), and
        :func:`analysis.analyses.benchmarks.spend_summary`'s figures (pounds); no rows (and no
        columns) when the source has no year for the authority.
    """
    rows = []
    for fy in spend_years(pub, authority, source):
        table = spend(pub, authority, fy, model, source)
        s = spend_summary(table)
        me = table[table.role == "authority"].iloc[0]
        rows.append({"financial_year": fy, "gross_gbp": me.gross_gbp, "number": me.number,
                     **{k: s[k] for k in s.index if k != "authority" and not k.startswith("neighbours_with")}})
    return pd.DataFrame(rows)


@needs(table=("role", "gross_gbp"))
def spend_sentence(s: pd.Series, table: pd.DataFrame, financial_year: str) -> str:
    """The authority's spend per child and unit cost against its neighbours and England.

    Parameters
    ----------
    s : pandas.Series
        :func:`analysis.analyses.benchmarks.spend_summary` of ``table``.
    table : pandas.DataFrame
        :func:`analysis.analyses.benchmarks.spend`'s table; reads ``role``, ``gross_gbp``
        (pounds) and, when there is a spend per child, ``number``.
    financial_year : str
        ``YYYY-YY``, as the sentence prints it.

    Returns
    -------
    str
        One sentence, money in pounds.
    """
    me = table[table.role == "authority"].iloc[0]
    text = (f"In {financial_year} {s.authority} spent {numbers.money(me.gross_gbp)} (gross) on children looked after")
    if s.spend_per_child_gbp is not None:
        text += (f", {numbers.money_exact(s.spend_per_child_gbp)} for each of the {numbers.count(me.number)} children "
                 f"looked after at the year's end")
        text += _against(s, "spend_per_child_gbp")
    if s.weekly_unit_cost_gbp is not None:
        text += f"; its weekly unit cost was {numbers.money_exact(s.weekly_unit_cost_gbp)}" + _against(s, "weekly_unit_cost_gbp")
    return text + "."


def _against(s: pd.Series, column: str) -> str:
    parts = []
    mean, england = s[f"neighbours_mean_{column}"], s[f"england_{column}"]
    if mean is not None and not pd.isna(mean):
        parts.append(f"its {s[f'neighbours_with_{column}']} neighbours' mean {numbers.money_exact(mean)}")
    if england is not None and not pd.isna(england):
        parts.append(f"England {numbers.money_exact(england)}")
    return (" (against " + " and ".join(parts) + ")") if parts else ""


@needs(costs=("year", "total_placement_cost_gbp", "document", "source_line"), series=())
def beside_placement_costs(costs: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The papers' total placement cost for each financial year they print beside the published
    gross CLA expenditure of the same year (where published).

    The two measure different things (the published gross includes more than placements); the
    table sets them side by side, it does not reconcile them.

    Parameters
    ----------
    costs : pandas.DataFrame
        ``placement_costs`` rows; reads ``year``, ``total_placement_cost_gbp`` (whole pounds),
        ``document`` and ``source_line``.
    series : pandas.DataFrame
        :func:`spend_series`'s table; when it has rows, reads ``financial_year`` and
        ``gross_gbp`` (pounds).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``paper_placement_cost_gbp``, ``published_gross_gbp``,
        ``published_minus_paper_gbp`` (pounds), ``document``, ``source_line``.
    """
    published = dict(zip(series.financial_year, series.gross_gbp, strict=True)) if len(series) else {}
    rows = []
    for r in costs.sort_values("year").itertuples():
        gross = published.get(numbers.year(r.year))
        paper = None if pd.isna(r.total_placement_cost_gbp) else int(r.total_placement_cost_gbp)
        rows.append({"year": r.year, "paper_placement_cost_gbp": paper, "published_gross_gbp": gross,
                     "published_minus_paper_gbp": None if gross is None or paper is None or pd.isna(gross)
                     else int(gross) - paper, "document": r.document, "source_line": int(r.source_line)})
    return pd.DataFrame(rows)


@dataclass
class SpendView:
    """What report 25 shows for one authority (:func:`spend_view`)."""

    financial_year: str
    model: str
    table: pd.DataFrame  # :func:`analysis.analyses.benchmarks.spend`
    summary: pd.Series  # :func:`analysis.analyses.benchmarks.spend_summary`
    history: pd.DataFrame  # :func:`spend_series`
    source: str  # the charts' source line


def view_for_pack(pub: PublicData | None, authority: str, period: str, year: str = "", model: str = "",
                  source: str = "s251") -> SpendView | None:
    """What report 25 shows for a pack: :func:`spend_view` for the authority as the releases code
    it at the pack's month, or ``None`` when no statistics are loaded (``pub`` is None) or none of
    its spending in ``source`` had been published by the view's month.

    Parameters
    ----------
    pub : PublicData or None
        The public statistics as at the pack's month.
    authority : str
        The council's name.
    period : str
        The pack's month, ``YYYY-MM``.
    year : str, default ""
        Financial year; empty: the latest at or before ``period``.
    model : str, default ""
        Statistical-neighbour model; empty: DfE's model nearest that year.
    source : str, default "s251"
        ``s251`` or ``RO3``.

    Returns
    -------
    SpendView or None
        The view (money in pounds), or ``None``.
    """
    from .public_pack import code_for

    if pub is None:
        return None
    who = code_for(pub, authority, period)  # the releases' code at the period
    return spend_view(pub, who, year, period, model, source) if spend_years(pub, who, source) else None


def spend_view(pub: PublicData, authority: str, year: str, period: str, model: str, source: str = "s251") -> SpendView:
    """The authority's spend in a year against its neighbours, and year by year.

    Parameters
    ----------
    pub : PublicData
        The public statistics.
    authority : str
        Council name or old LA code.
    year : str
        Financial year (:func:`choose_spend_year`); empty: the latest at or before ``period``.
    period : str
        The pack's month, ``YYYY-MM``.
    model : str
        Statistical-neighbour model; empty: DfE's model nearest that year.
    source : str, default "s251"
        ``s251`` or ``RO3``.

    Returns
    -------
    SpendView
        The year, model, table, summary, history (money in pounds) and the charts' source line.
    """
    from .public_pack import choose_model

    fy = choose_spend_year(pub, authority, year, period, source)
    m = choose_model(pub, authority, model, int(fy[:4]) + 1)
    table = spend(pub, authority, fy, m, source)
    label = f"{', '.join(sorted(set(table.gross_source.dropna())))} outturn; DfE, children looked after at 31 March; neighbours: {model_words(m)}"
    return SpendView(fy, m, table, spend_summary(table), spend_series(pub, authority, m, source), label)


def spend_summary_at(pub: PublicData, authority: str, period: str, source: str = "s251") -> tuple[str, pd.Series]:
    """The authority's latest spend against its neighbours as at a pack's month, without the
    year-by-year history :func:`spend_view` also computes (a scorecard's headline needs one year).

    Parameters
    ----------
    pub : PublicData
        The public statistics as at the pack's month.
    authority : str
        The authority's code in the releases (``old_la_code``).
    period : str
        The pack's month, ``YYYY-MM``: the latest financial year ending by then.
    source : str
        The spend series, ``"s251"`` (DfE's section 251 outturn).

    Returns
    -------
    tuple of (str, pandas.Series)
        The financial year (``YYYY-YY``) and :func:`~analysis.analyses.benchmarks.spend_summary` of
        it (pounds: spend per child looked after and weekly unit cost, the neighbours' mean and
        England's), the neighbours those of DfE's model nearest the year - as in :func:`spend_view`.
    """
    from .public_pack import choose_model

    fy = choose_spend_year(pub, authority, "", period, source)
    m = choose_model(pub, authority, "", int(fy[:4]) + 1)
    return fy, spend_summary(spend(pub, authority, fy, m, source))
