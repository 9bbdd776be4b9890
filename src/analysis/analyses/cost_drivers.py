"""What drives the cost (report 35): the demand pipeline, where children are placed, what it costs
and how much agency social work is used - each measure's latest published value against the
statistical neighbours and England, its trend, and a plain sentence on which set the authority
apart.

The measures are data: :data:`analysis.assumptions.COST_DRIVER_MEASURES` (one line each,
``section: name``), overridden by the report's ``measures`` parameter (the same form,
``;``-separated).  A name is any that :meth:`analysis.analyses.measures.MeasureData.measure`
knows: a LAIT code, ``LAC``, ``placement:...``, ``per_cla:...``, ``per_child:...``.

A measure **sets the authority apart** when its value is at least
:data:`analysis.assumptions.SET_APART_PCT` per cent above or below its neighbours' mean
(``apart_pct`` = (value / neighbours' mean - 1) x 100).  Where LAIT gives the measure a polarity
the sentence says whether that is the better or the worse side; otherwise it only says higher or
lower (LAIT does not say which is good).  Gaps are the authority minus the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import assumptions, numbers
from ..errors import InputError
from ..schemas import needs
from . import measure_benchmarks as engine
from .measures import MeasureData

__all__ = [
    "Choice", "DriversView", "EXCEL_LABELS", "SOURCE", "LABELS", "PLACEMENT_SERIES", "SECTIONS", "check_measures", "choose", "drivers",
    "fmt", "headline", "labels", "latest_year", "mix_change_sentence", "placement_mix", "plan_rates",
    "set_apart_sentence", "side", "trend", "trend_words", "view", "view_table", "when",
]

SECTIONS = {"demand": "Demand: from referral to care", "placements": "Where children are placed",
            "money": "What it costs", "workforce": "Social work staffing", "other": "Other measures"}


#: the source line of report 35's charts of the published measures
SOURCE = "DfE, LAIT (children in need, children looked after, social work workforce, section 251 outturn)"


@dataclass(frozen=True)
class Choice:
    """One measure of the report, in its section, with the words the page uses for it ("" = LAIT's label)."""

    section: str
    name: str
    label: str = ""


def choose(measures: str = "") -> list[Choice]:
    """The report's measures, or the default list (:data:`analysis.assumptions.COST_DRIVER_MEASURES`).

    Parameters
    ----------
    measures : str, default ""
        ``section: name = label; ...``: a name without a section goes under its section in the
        default list, else "other"; without a label it keeps the default list's, else LAIT's.
        Empty: the default list.

    Returns
    -------
    list of Choice
        The measures in the order given.
    """
    default = [_choice(line) for line in assumptions.COST_DRIVER_MEASURES]
    text = str(measures).strip()
    if not text:
        return default
    known = {c.name: c for c in default}
    out = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        c = _choice(part)
        base = known.get(c.name)
        section = c.section if c.section != "other" or base is None else base.section
        out.append(Choice(section, c.name, c.label or (base.label if base else "")))
    return out


def _choice(line: str) -> Choice:
    """``section: name = label`` (section and label optional) as a :class:`Choice`."""
    body, _, label = line.partition("=")
    head, colon, rest = body.partition(":")
    if colon and head.strip() in SECTIONS and rest.strip():
        return Choice(head.strip(), rest.strip(), label.strip())
    return Choice("other", body.strip(), label.strip())


def labels(choices: list[Choice], md: MeasureData) -> dict[str, str]:
    """Measure name -> the words the page uses for it.

    Parameters
    ----------
    choices : list of Choice
        The report's measures (:func:`choose`).
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).

    Returns
    -------
    dict of str to str
        The choice's label, else the measure's own.
    """
    return {c.name: c.label or md.measure(c.name).label for c in choices}


def fmt(value: float | None, mv: engine.MeasureValues, *, signed: bool = False) -> str:
    """A value in the measure's unit, as the pack writes figures (:mod:`analysis.numbers`).

    Parameters
    ----------
    value : float or None
        The value, in the measure's unit (rates per 10,000 etc., per cent, pounds).
    mv : MeasureValues
        The measure (:class:`analysis.analyses.measure_benchmarks.MeasureValues`).
    signed : bool, default False
        Write a sign (a gap); a percentage's gap is in points.

    Returns
    -------
    str
        The value in words; :data:`analysis.numbers.MISSING` for none.
    """
    if value is None or pd.isna(value):
        return numbers.MISSING
    v = float(value)
    digits = mv.decimal_places
    if mv.unit in ("per_10k", "per_100k", "per_1000"):
        per = {"per_10k": "10,000", "per_100k": "100,000", "per_1000": "1,000"}[mv.unit]
        text = numbers.signed_number(v, 1 if digits is None else digits) if signed else numbers.rate(v, digits)
        return f"{text} per {per}"
    if mv.unit == "pct":
        d = 1 if digits is None else digits
        return (numbers.signed_number(v, d) + " points") if signed else numbers.pct(v, d)
    if mv.unit == "gbp":
        return numbers.money(v, signed=signed)
    if mv.unit in ("gbp_per_week",):
        return numbers.money_exact(v, signed=signed) + " a week"
    if mv.unit in ("gbp_per_child", "gbp_per_child_0_17"):
        return numbers.money_exact(v, signed=signed)
    if mv.unit == "count":
        return numbers.signed_count(v) if signed else numbers.count(v)
    d = 1 if digits is None else digits
    return numbers.signed_number(v, d) if signed else f"{v:,.{d}f}"


def when(mv: engine.MeasureValues, year: int) -> str:
    """The period a value is at, in words: ``31 March 2019``, ``2018-19``, ``30 September 2019``.

    Parameters
    ----------
    mv : MeasureValues
        The measure (:class:`analysis.analyses.measure_benchmarks.MeasureValues`).
    year : int
        The year the period ends in.

    Returns
    -------
    str
        The period in words, by the measure's ``period_type``.
    """
    kind = mv.period_type
    if kind == "31 March":
        return f"31 March {year}"
    if kind == "30 September":
        return f"30 September {year}"
    if kind in ("financial year", "academic year"):
        return f"{year - 1}-{year % 100:02d}"
    return str(year)


def latest_year(mv: engine.MeasureValues, code: str) -> int | None:
    """The latest year with a value (else a marker) for the authority with 3-digit ``code``.

    Parameters
    ----------
    mv : MeasureValues
        The measure (:class:`analysis.analyses.measure_benchmarks.MeasureValues`).
    code : str
        The authority's 3-digit old LA code.

    Returns
    -------
    int or None
        The year; None when the measure has nothing for the authority.
    """
    valued = [y for (c, y) in mv.values if c == code]
    marked = [y for (c, y) in mv.markers if c == code]
    return max(valued or marked) if (valued or marked) else None


def _segment_start(mv: engine.MeasureValues, code: str, year: int) -> int:
    """The first year of the definition ``year`` belongs to (after the last break before it)."""
    breaks = [y for (c, y) in mv.breaks if c in (code, engine.ENGLAND) and y <= year]
    return max(breaks) if breaks else -1


def trend(mv: engine.MeasureValues, code: str, year: int) -> tuple[int | None, float | None]:
    """``(first year, its value)`` of the authority's series up to ``year`` on one definition.

    Parameters
    ----------
    mv : MeasureValues
        The measure (:class:`analysis.analyses.measure_benchmarks.MeasureValues`).
    code : str
        The authority's 3-digit old LA code.
    year : int
        The latest year (not itself counted).

    Returns
    -------
    tuple of (int or None, float or None)
        The first year since the last definition break and its value; ``(None, None)`` when
        there is none.
    """
    start = _segment_start(mv, code, year)
    years = sorted(y for (c, y) in mv.values if c == code and start <= y < year)
    return (years[0], mv.values[(code, years[0])]) if years else (None, None)


def trend_words(mv: engine.MeasureValues, first_year: int | None, first: float | None, value: float | None) -> str:
    """``up from 110 per 10,000 (31 March 2016)``, ``down from ...``, ``unchanged since ...`` or ``–``.

    Parameters
    ----------
    mv : MeasureValues
        The measure (:class:`analysis.analyses.measure_benchmarks.MeasureValues`).
    first_year : int or None
        The year the trend starts (:func:`trend`).
    first : float or None
        Its value, in the measure's unit.
    value : float or None
        The latest value, same unit.

    Returns
    -------
    str
        The trend in words (unchanged when both are written the same).
    """
    if first_year is None or first is None or value is None:
        return numbers.MISSING
    then = f"{fmt(first, mv)} ({when(mv, first_year)})"
    if fmt(first, mv) == fmt(value, mv):
        return f"unchanged since {then}"
    return f"{'up' if value > first else 'down'} from {then}"


def drivers(md: MeasureData, code: str, model: str, choices: list[Choice]) -> pd.DataFrame:
    """One row per measure: its latest value and standing, trend and whether it sets the
    authority apart.  A measure with no figure for the authority in the view is kept, with
    ``note`` saying so.

    Parameters
    ----------
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).
    code : str
        The authority's 3-digit old LA code.
    model : str
        A statistical-neighbour model; ``""`` for none.
    choices : list of Choice
        The report's measures (:func:`choose`).

    Returns
    -------
    pandas.DataFrame
        ``section``, ``measure``, ``label``, ``unit``, ``year``, ``when``, the values of
        :func:`analysis.analyses.measure_benchmarks.standing` (in the measure's unit; ``gap``
        = value - neighbours' mean, ``gap_amount`` in children or pounds a year),
        ``apart_pct`` (per cent), ``set_apart``, ranks, ``first_year``, ``first_value``,
        ``trend`` and ``note``.
    """
    rows = []
    for choice in choices:
        mv = md.measure(choice.name)
        year = latest_year(mv, code)
        base = {"section": choice.section, "measure": choice.name, "label": choice.label or mv.label, "unit": mv.unit}
        if year is None:
            rows.append(base | {"note": "no figure published for this authority by the pack's month"})
            continue
        s = engine.standing(mv, pub=md.pub, code=code, year=year, model=model)
        first_year, first = trend(mv, code, year)
        apart = (None if s.value is None or not s.neighbours_mean else (s.value / s.neighbours_mean - 1) * 100)
        rows.append(base | {
            "year": year, "when": when(mv, year), "value": s.value, "marker": s.marker,
            "neighbours_mean": s.neighbours_mean, "neighbours_with_value": s.neighbours_with_value,
            "neighbours": s.neighbours, "england": s.england_value, "gap": s.gap, "gap_amount": s.gap_amount,
            "gap_amount_unit": s.gap_amount_unit, "apart_pct": apart,
            "set_apart": apart is not None and abs(apart) >= assumptions.SET_APART_PCT,
            "national_rank": s.national_rank, "authorities_ranked": s.authorities_ranked, "quartile": s.quartile,
            "band": s.band, "polarity": mv.polarity, "first_year": first_year, "first_value": first,
            "trend": trend_words(mv, first_year, first, s.value),
            "note": None if s.value is not None else f"the release printed {s.marker!r} for it",
        })
    columns = ["section", "measure", "label", "unit", "year", "when", "value", "marker", "neighbours_mean",
               "neighbours_with_value", "neighbours", "england", "gap", "gap_amount", "gap_amount_unit", "apart_pct",
               "set_apart", "national_rank", "authorities_ranked", "quartile", "band", "polarity", "first_year",
               "first_value", "trend", "note"]
    return pd.DataFrame(rows, columns=columns)


def _apart(shown: pd.DataFrame) -> pd.DataFrame:
    """The rows that set the authority apart, the largest difference first."""
    apart = shown.loc[shown.set_apart.astype(bool)]
    return apart.assign(size=apart.apart_pct.astype(float).abs()).sort_values("size", ascending=False)


def side(apart: float, polarity: str | None) -> str:
    """``higher``/``lower``, with ``(better)``/``(worse)`` where LAIT gives the measure a polarity.

    Parameters
    ----------
    apart : float
        ``apart_pct``: (value / neighbours' mean - 1) x 100.
    polarity : str or None
        ``High``, ``Low`` or None.

    Returns
    -------
    str
        e.g. ``higher (worse)``.
    """
    word = "higher" if apart > 0 else "lower"
    if polarity in ("High", "Low"):
        good = (apart > 0) == (polarity == "High")
        return f"{word} ({'better' if good else 'worse'})"
    return word


@needs(table=("apart_pct",))
def set_apart_sentence(table: pd.DataFrame, md: MeasureData, authority: str) -> str:
    """The plain sentence: which measures set the authority apart from its neighbours, largest first.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`drivers`; reads ``apart_pct`` and, when some measure has one, ``set_apart``,
        ``measure``, ``label``, ``value``, ``neighbours_mean``, ``polarity`` and ``when``.
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).
    authority : str
        The council's name as the sentence prints it.

    Returns
    -------
    str
        One or two sentences.
    """
    shown = table[table.apart_pct.notna()]
    if shown.empty:
        return f"No measure shown has both a figure for {authority} and its neighbours' mean."
    apart = _apart(shown)
    if apart.empty:
        return (f"On all {len(shown)} measures with a figure, {authority} is within {assumptions.SET_APART_PCT}% of "
                "its statistical neighbours' mean: none sets it apart.")
    parts = []
    for r in apart.itertuples():
        mv = md.measure(r.measure)
        parts.append(f"{_short(r.label)} ({fmt(r.value, mv)} against {fmt(r.neighbours_mean, mv)}, "
                     f"{abs(r.apart_pct):.0f}% {side(r.apart_pct, r.polarity)}, {r.when})")
    close = len(shown) - len(apart)
    return (f"Against its statistical neighbours' mean, {authority} is set apart by " + "; ".join(parts)
            + (f". On the other {close} measure{'s' if close != 1 else ''} with a figure it is within "
               f"{assumptions.SET_APART_PCT}% of them." if close else "."))


def _short(label: str) -> str:
    text = str(label).strip()
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


@needs(table=("section",))
def view_table(table: pd.DataFrame, md: MeasureData, section: str) -> pd.DataFrame:
    """A section's rows as the page shows them: every figure in its unit, in words.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`drivers`; reads ``section`` and, for the section's rows, ``measure``, ``year``,
        ``label``, ``note``, ``when``, ``value``, ``neighbours_mean``, ``england``, ``gap``,
        ``gap_amount``, ``gap_amount_unit``, ``national_rank``, ``authorities_ranked``,
        ``band`` and ``trend``.
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).
    section : str
        A key of :data:`SECTIONS`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`LABELS`, every figure as text.
    """
    rows = []
    for r in table[table.section == section].itertuples():
        mv = md.measure(r.measure)
        if pd.isna(r.year):
            rows.append({"measure": r.label, "at": numbers.MISSING, "value": numbers.MISSING,
                         "neighbours_mean": numbers.MISSING, "england": numbers.MISSING, "gap": numbers.MISSING,
                         "gap_in": numbers.MISSING, "rank": numbers.MISSING, "band": numbers.MISSING,
                         "trend": r.note})
            continue
        amount = (numbers.signed_count(r.gap_amount) + " children" if r.gap_amount_unit == "children" else
                  numbers.signed_money(r.gap_amount) + " a year" if r.gap_amount_unit == "gbp a year" else
                  numbers.MISSING)
        rows.append({"measure": r.label, "at": r.when, "value": fmt(r.value, mv) if not pd.isna(r.value) else
                     (r.note or numbers.MISSING), "neighbours_mean": fmt(r.neighbours_mean, mv),
                     "england": fmt(r.england, mv), "gap": fmt(r.gap, mv, signed=True), "gap_in": amount,
                     "rank": (f"{int(r.national_rank)} of {int(r.authorities_ranked)}" if not pd.isna(r.national_rank)
                              else numbers.MISSING),
                     "band": r.band, "trend": r.trend})
    return pd.DataFrame(rows, columns=["measure", "at", "value", "neighbours_mean", "england", "gap", "gap_in", "rank",
                                       "band", "trend"])


LABELS = {"measure": "Measure", "at": "At", "value": "Authority", "neighbours_mean": "Neighbours' mean",
          "england": "England", "gap": "Gap to neighbours' mean", "gap_in": "Gap in children or £",
          "rank": "Rank in England (1 = highest)", "band": "LAIT band (A = better quarter)", "trend": "Trend"}
#: the workbook's headings for :func:`drivers`' columns: a figure's column is headed as on the page
EXCEL_LABELS = {"label": "Measure", "when": "At", "value": "Authority", "neighbours_mean": "Neighbours' mean",
                "england": "England", "gap": "Gap to neighbours' mean", "gap_amount": "Gap in children or £",
                "national_rank": "Rank in England (1 = highest)", "band": "LAIT band (A = better quarter)",
                "trend": "Trend"}


# --------------------------------------------------------------------------------------------- forecasts


@needs(cla_trajectories=())
def plan_rates(cla_trajectories: pd.DataFrame | None, pub, authority: str) -> pd.DataFrame:
    """The papers' plans for children looked after in force, as rates per 10,000 at each 31 March:
    printed, or the planned number over the child population the releases give that year (the
    view's).

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        The pack's ``cla_trajectories`` rows; None or an empty frame gives no plans.  Otherwise
        reads ``series_kind`` and, when there are plans, what
        :func:`analysis.analyses.outcomes.plan_vs_outcome` reads.
    pub : PublicData
        The public statistics as at the pack's month.
    authority : str
        The council.

    Returns
    -------
    pandas.DataFrame
        ``series``, ``label``, ``bound``, ``year`` (of the 31 March), ``rate_per_10k`` (per
        10,000 children aged 0-17) and ``basis``.
    """
    if cla_trajectories is None or cla_trajectories.empty:
        return pd.DataFrame(columns=["series", "label", "bound", "year", "rate_per_10k", "basis"])
    from .outcomes import plan_vs_outcome

    plans = plan_vs_outcome(cla_trajectories, pub, authority) if (cla_trajectories.series_kind == "plan").any() \
        else pd.DataFrame()
    if plans.empty:
        return pd.DataFrame(columns=["series", "label", "bound", "year", "rate_per_10k", "basis"])
    plans = plans.dropna(subset=["plan_rate_per_10k"])
    return pd.DataFrame({"series": plans.series, "label": plans.series_label, "bound": plans.bound,
                         "year": plans.year_end.astype(int), "rate_per_10k": plans.plan_rate_per_10k.astype(float),
                         "basis": plans.plan_rate_basis}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- placement mix

#: LAIT's placement shares (2020 on) and the SFR types (2010-2017) that are comparable with them
PLACEMENT_SERIES = (
    ("Foster placements", "placement:foster", "LAC_Foster_Placements"),
    ("Residential settings", "placement:residential", "LAC_SecHome_And_ChildHome+LAC_Other_Res_Settings"),
    ("Placed with parents", "placement:parents", "LAC_Parents_OR_Others"),
    ("Independent and semi-independent living", None, "LAC_Ind_SInd_Liv_Arr"),
)


def placement_mix(md: MeasureData, code: str) -> pd.DataFrame:
    """The authority's and England's placement shares (%) at 31 March year by year: the SFR
    types 2010-2017 and LAIT's shares 2020 on, never joined as one series (the categories changed
    between them: the SFRs count secure units, children's homes and hostels together, LAIT
    separates semi-independent living).

    Parameters
    ----------
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).
    code : str
        The authority's 3-digit old LA code.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``source`` (which series), ``area`` (authority / England), ``year`` and
        ``share_pct`` (per cent of children looked after).
    """
    rows = []
    for label, sfr, lait in PLACEMENT_SERIES:
        sources = [("SFR placement types", sfr)] if sfr else []
        sources.append(("LAIT placement shares", lait))
        for source, name in sources:
            parts = [md.measure(n) for n in name.split("+")] if name.startswith("LAC_") else [md.measure(name)]
            for area, who in ((code, "authority"), (engine.ENGLAND, "England")):
                years = sorted({y for mv in parts for (c, y) in mv.values if c == area})
                for year in years:
                    values = [v for mv in parts if (v := mv.value(area, year)) is not None]
                    if len(values) != len(parts):
                        continue
                    rows.append({"placement": label, "source": source, "area": who, "year": int(year),
                                 "share_pct": float(sum(values))})
    return pd.DataFrame(rows, columns=["placement", "source", "area", "year", "share_pct"])


@needs(mix=("area", "placement", "source"))
def mix_change_sentence(mix: pd.DataFrame, authority: str) -> str:
    """How the authority's foster and residential shares changed within each source's years.

    Parameters
    ----------
    mix : pandas.DataFrame
        :func:`placement_mix`; reads ``area``, ``placement``, ``source`` and, for a placement
        with two years or more, ``year`` and ``share_pct`` (per cent).
    authority : str
        The council's name as the sentence prints it.

    Returns
    -------
    str
        The change in words, or that the releases give too few years.
    """
    parts = []
    for (placement, _source), group in mix[mix.area == "authority"].groupby(["placement", "source"], sort=False):
        if placement not in ("Foster placements", "Residential settings") or len(group) < 2:
            continue
        g = group.sort_values("year")
        first, last = g.iloc[0], g.iloc[-1]
        parts.append(f"{placement.lower()} {numbers.pct(first.share_pct, 1)} ({int(first.year)}) to "
                     f"{numbers.pct(last.share_pct, 1)} ({int(last.year)})")
    if not parts:
        return f"The releases read give too few years of {authority}'s placements to show a change."
    return (f"{authority}'s placement mix at 31 March: " + "; ".join(parts)
            + f". {_spans(mix)} group placements differently, so the two are shown apart, not as one series.")


def _spans(mix: pd.DataFrame) -> str:
    """``The statistical first releases (2010 to 2017) and LAIT's shares (2020 to 2024)``: the
    years each source of the mix covers, from the data."""
    def years(source: str) -> str:
        ys = sorted(set(mix[mix.source == source].year.astype(int)))
        return f" ({ys[0]} to {ys[-1]})" if ys else ""

    return (f"The statistical first releases{years('SFR placement types')} and LAIT's shares"
            f"{years('LAIT placement shares')}")


def check_measures(md: MeasureData, choices: list[Choice]) -> None:
    """Every chosen measure exists.

    Parameters
    ----------
    md : MeasureData
        The measures' tables (:func:`analysis.analyses.measures.measure_data`).
    choices : list of Choice
        The report's measures (:func:`choose`).

    Raises
    ------
    InputError
        Naming the first measure that does not exist.
    """
    for c in choices:
        try:
            md.measure(c.name)
        except InputError as exc:
            raise InputError("measures", expected=f"measures the public tables hold ({exc.expected})",
                             found=c.name) from None


# --------------------------------------------------------------------------------------------- the headline


def headline(pub, code: str, year: int, period: str) -> dict | None:
    """The scorecard's row for the cost drivers: how many of the default measures set the
    authority apart from its neighbours, the largest named.

    Parameters
    ----------
    pub : PublicData
        The public statistics as at the pack's month.
    code : str
        The authority's 3-digit old LA code.
    year : int
        Year of the 31 March the neighbour model is chosen for.
    period : str
        The pack's month, ``YYYY-MM`` (when ``pub`` is not a view as at a month).

    Returns
    -------
    dict or None
        ``measure``, ``value``, ``context``, ``as_at``, ``source``; None without the measures'
        tables or without a measure that has both a figure and a neighbours' mean.
    """
    from . import public_pack
    from .measures import measure_data

    md = measure_data(pub)
    if md is None:
        return None
    model = public_pack.choose_model(pub, code, "", year)
    choices = choose()
    table = drivers(md, code, model, choices)
    shown = table[table.apart_pct.notna()]
    if shown.empty:
        return None
    apart = _apart(shown)
    if len(apart):
        top = apart.iloc[0]
        mv = md.measure(top.measure)
        context = (f"largest: {_short(top.label)}, {fmt(top.value, mv)} against {fmt(top.neighbours_mean, mv)} "
                   f"({top.when})")
    else:
        context = f"none is {assumptions.SET_APART_PCT}% or more from the neighbours' mean"
    return {"measure": "Cost drivers that set it apart from its statistical neighbours",
            "value": f"{len(apart)} of {len(shown)} measures",
            "context": context, "as_at": f"as published by {numbers.month(pub.as_of or period)}",
            "source": "DfE statistics (children in need, children looked after, social work workforce, section 251 "
                      "outturn), as LAIT and the releases hold them"}


@dataclass
class DriversView:
    """What report 35 shows for one authority (:func:`view`)."""

    code: str  # the releases' 3-digit code at the pack's month
    model: str  # the statistical-neighbour model the measures are compared in
    choices: list[Choice]
    names: dict[str, str]  # measure -> the words the page uses (:func:`labels`)
    table: pd.DataFrame  # :func:`drivers`
    source: str = SOURCE


def view(md: MeasureData, pub, authority: str, period: str, model: str = "", measures: str = "") -> DriversView:
    """The report's measures for an authority as at a pack's month, against its neighbours.

    Parameters
    ----------
    md : MeasureData
        The measures' tables as at the pack's month (:func:`analysis.analyses.measures.measure_data`).
    pub : PublicData
        The public statistics as at the same month.
    authority : str
        The council, by name or code.
    period : str
        The pack's month, ``YYYY-MM``: the code the releases give the authority then, and the model
        nearest the latest year published by then.
    model : str, default ""
        A statistical-neighbour model to use instead.
    measures : str, default ""
        The report's ``measures`` parameter (:func:`choose`); empty: the default list.

    Returns
    -------
    DriversView
        The code, model, choices, labels and :func:`drivers` table.

    Raises
    ------
    analysis.errors.InputError
        For a measure the tables do not hold, naming near codes (:func:`check_measures`).
    """
    from . import public_pack

    code = public_pack.code_for(pub, authority, period)
    chosen_model = public_pack.choose_model(pub, code, model, public_pack.choose_year(pub, code, "", period))
    choices = choose(measures)
    check_measures(md, choices)
    return DriversView(code, chosen_model, choices, labels(choices, md), drivers(md, code, chosen_model, choices))
