"""One benchmarking engine for any published measure: an authority's value against its
statistical neighbours, its region and England, for any year and neighbour model.

A measure is a :class:`MeasureValues`: its values by area and year plus what LAIT says of it
(label, unit, decimal places, polarity).  It is made from LAIT's long data set
(:func:`from_lait`: any of its measures), from ``cla_rates`` (:func:`from_cla_rates`: children
looked after per 10,000, as reports 20 and 30 show it) or from ``cla_placements``
(:func:`from_placements`: a placement type's share of children looked after).  :func:`standing`
is the engine; reports 20's comparator (:mod:`.benchmarks`) and 35's cost drivers both use it.

What :func:`standing` returns, for the authority at ``year``:

* ``value``; the neighbours' ``mean`` and ``median`` (of the neighbours with a value;
  ``neighbours_missing`` names the others), the region's and England's value;
* ``rank_in_group`` and ``national_rank``: 1 = the **highest** value (a neutral ordering), and
  ``best_rank``: 1 = the best value by the measure's polarity (the highest for ``High``, the lowest
  for ``Low``; none without a polarity);
* ``quartile`` 1-4 counted from the lowest value and LAIT's ``band`` A-D: with polarity ``Low``
  band A is the lowest quarter, with ``High`` the highest, and without a polarity "Not applicable"
  (quartile cut points: R's default quantiles - numpy's ``linear`` - over every authority with a
  value that year, as LAIT computes them);
* ``gap`` = value - the neighbours' mean, in the measure's own unit, and where it makes sense
  ``gap_amount`` in children or pounds (``gap_amount_unit``): a rate per 10,000 times the
  authority's child population / 10,000 (children); a percentage *of children looked after* times
  its number looked after / 100 (children); the weekly unit cost *of a child looked after* times 52
  times its number looked after (pounds a year, at its own number of children; a residential or
  fostering unit cost has no amount: the releases read do not give the children in each); spend per child looked after times its number
  looked after, spend per child aged 0-17 times its child population (pounds a year).  Positive = the authority is above the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schemas import needs

__all__ = [
    "ENGLAND", "MeasureValues", "NOT_APPLICABLE", "WEEKS_A_YEAR", "amount_gap", "area_name", "band",
    "best_rank", "from_cla_rates", "from_lait", "from_placements", "model_words", "neighbour_codes",
    "rank_highest_first", "ranking", "region_of", "series", "standing",
]

NOT_APPLICABLE = "Not applicable"
ENGLAND = "E92000001"
WEEKS_A_YEAR = 52


@dataclass
class MeasureValues:
    """A measure's values by area and year.  Areas are keyed as ``cla_rates`` keys them: an
    authority by its 3-digit code, a region or England by its 9-character code."""

    measure: str
    label: str
    unit: str  # per_10k, pct, count, gbp, gbp_per_week, ... (public_measures.unit)
    polarity: str | None  # High, Low or None (LAIT's)
    decimal_places: int | None
    source: str  # a chart's source line
    values: dict[tuple[str, int], float] = field(default_factory=dict)
    markers: dict[tuple[str, int], str] = field(default_factory=dict)  # what was printed instead of a value
    breaks: set[tuple[str, int]] = field(default_factory=set)  # (area, first year of a new definition)
    of_children_looked_after: bool = False  # a percentage of the children looked after (gap in children)
    period_type: str = "31 March"
    _la: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def value(self, code: str | None, year: int) -> float | None:
        return None if code is None else self.values.get((code, int(year)))

    def la_values(self, year: int) -> np.ndarray:
        """Every authority's value at ``year``, sorted (the population quartiles and ranks use)."""
        if year not in self._la:
            self._la[year] = np.sort(np.array([v for (c, y), v in self.values.items()
                                               if y == year and c[:1].isdigit()], dtype=float))
        return self._la[year]

    def years(self) -> list[int]:
        return sorted({y for _, y in self.values} | {y for _, y in self.markers})


def band(value: float | None, all_values: np.ndarray, polarity: str | None) -> tuple[int | None, str]:
    """``(quartile, band)``: quartile 1-4 counted from the lowest value, and LAIT's band A-D.

    Parameters
    ----------
    value : float or None
        The authority's value, in the measure's unit.
    all_values : numpy.ndarray
        Every authority's value that year (the quartile cut points: numpy's ``linear`` quantiles).
    polarity : str or None
        ``Low`` (A = lowest quarter), ``High`` (A = highest) or None.

    Returns
    -------
    tuple of (int or None, str)
        The quartile (None without a value) and the band (``Not applicable`` without a polarity
        or a value).
    """
    if value is None or pd.isna(value) or not len(all_values):
        return None, NOT_APPLICABLE
    q25, q50, q75 = np.quantile(all_values, [0.25, 0.5, 0.75])
    quartile = 1 if value <= q25 else 2 if value <= q50 else 3 if value <= q75 else 4
    if polarity == "Low":
        return quartile, "ABCD"[quartile - 1]
    if polarity == "High":
        return quartile, "DCBA"[quartile - 1]
    return quartile, NOT_APPLICABLE


def rank_highest_first(value: float, values) -> int:
    """1 + how many of ``values`` are higher than ``value``.

    Parameters
    ----------
    value : float
        The value ranked.
    values : iterable of float
        The values it is ranked among.

    Returns
    -------
    int
        The rank, 1 = highest.
    """
    return 1 + sum(1 for v in values if v > value)


def best_rank(value: float, values, polarity: str | None) -> int | None:
    """1 = the best by ``polarity`` (``High``: highest; ``Low``: lowest); None without one.

    Parameters
    ----------
    value : float
        The value ranked.
    values : iterable of float
        The values it is ranked among.
    polarity : str or None
        ``High``, ``Low`` or None.

    Returns
    -------
    int or None
        The rank, or None without a polarity.
    """
    if polarity == "High":
        return rank_highest_first(value, values)
    if polarity == "Low":
        return 1 + sum(1 for v in values if v < value)
    return None


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def model_words(model: object) -> str:
    """A neighbour model as the pages name it.

    Parameters
    ----------
    model : object
        A model name: DfE's (``2021``), the list an authority's own paper prints
        (``paper_2013``: its neighbours' table for 2012-13), or empty/None.

    Returns
    -------
    str
        ``model 2021``; "the neighbours named in the authority's paper for 2012-13"; "no
        neighbour model".
    """
    text = str(model or "").strip()
    if not text:
        return "no neighbour model"
    if text.startswith("paper_") and text[6:].isdigit():
        end = int(text[6:])
        return f"the neighbours named in the authority's paper for {end - 1}-{end % 100:02d}"
    return f"model {text}"


def neighbour_codes(pub, code: str, model: str) -> list[dict]:
    """The model's neighbours of the authority with 3-digit ``code``, in rank order.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        The authority's 3-digit old LA code.
    model : str
        A statistical-neighbour model; ``""`` for none.

    Returns
    -------
    list of dict
        ``statistical_neighbours`` rows; none for model ``""``.

    Raises
    ------
    InputError
        When the model lists no neighbours of the authority.
    """
    if not str(model).strip():
        return []
    group = pub.group(model, code)
    if not group:
        have = pub.models_of(code)
        raise InputError("statistical_neighbours", column="model",
                         expected=f"a model listing neighbours of {pub.name(code)} (models with it: "
                                  f"{', '.join(have) or 'none'})", found=model)
    return group


def region_of(pub, code: str, year: int) -> str | None:
    """The region code ``cla_rates`` gives the authority at ``year`` (else at its latest year).

    Parameters
    ----------
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        The authority's 3-digit old LA code.
    year : int
        Year of the 31 March.

    Returns
    -------
    str or None
        The region's 9-character code, or None when the releases hold no row for the authority.
    """
    row = pub.row(code, year)
    if row is None:
        held = [y for y in pub.years() if pub.row(code, y)]
        row = pub.row(code, max(held)) if held else None
    return row.get("region_code") if row else None


def area_name(pub, code: str, year: int) -> str:
    """An area's name as ``cla_rates`` prints it that year (a region's too), else its latest.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        An authority's 3-digit code, or a region's or England's 9-character code.
    year : int
        Year of the 31 March.

    Returns
    -------
    str
        The name.
    """
    row = pub.row(code, year)
    return row["authority"] if row else pub.name(code)


def amount_gap(mv: MeasureValues, pub, code: str, year: int, gap: float | None) -> tuple[float | None, str | None]:
    """The gap in children or pounds where it makes sense (module docstring), and its unit.

    Parameters
    ----------
    mv : MeasureValues
        The measure.
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        The authority's 3-digit old LA code.
    year : int
        Year of the 31 March (its child population and number looked after are used).
    gap : float or None
        Value - the neighbours' mean, in the measure's unit.

    Returns
    -------
    tuple of (float or None, str or None)
        The amount and ``children`` or ``gbp a year`` (pounds a year); ``(None, None)`` where it
        makes no sense.
    """
    if gap is None:
        return None, None
    row = pub.row(code, year) or {}
    population, number = _num(row.get("population")), _num(row.get("number"))
    if mv.unit == "per_10k" and population:
        return gap * population / 10_000, "children"
    if mv.unit == "pct" and mv.of_children_looked_after and number:
        return gap * number / 100, "children"
    if mv.unit == "gbp_per_week" and mv.of_children_looked_after and number:
        return gap * WEEKS_A_YEAR * number, "gbp a year"
    if mv.unit == "gbp_per_child" and number:
        return gap * number, "gbp a year"
    if mv.unit == "gbp_per_child_0_17" and population:
        return gap * population, "gbp a year"
    return None, None


def standing(mv: MeasureValues, pub, code: str, year: int, model: str) -> pd.Series:
    """The authority at ``year`` against its ``model`` neighbours, region and England.

    Parameters
    ----------
    mv : MeasureValues
        The measure.
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        The authority's 3-digit old LA code.
    year : int
        Year of the 31 March (or the year the measure's period ends).
    model : str
        A statistical-neighbour model; ``""`` for none.

    Returns
    -------
    pandas.Series
        Every field the module docstring describes (values in the measure's unit, ranks 1 =
        highest, ``gap_amount`` in children or pounds a year).
    """
    year = int(year)
    value = _num(mv.value(code, year))
    group = neighbour_codes(pub, code, model)
    have, missing = [], []
    for n in group:
        v = _num(mv.value(n["neighbour_old_la_code"], year))
        if v is None:
            why = mv.markers.get((n["neighbour_old_la_code"], year))
            missing.append(f"{pub.name(n['neighbour_old_la_code'])} "
                           f"({'printed ' + repr(why) if why else 'no figure this year'})")
        else:
            have.append(v)
    mean = float(np.mean(have)) if have else None
    median = float(np.median(have)) if have else None
    region = region_of(pub, code, year)
    everyone = mv.la_values(year)
    quartile, lait_band = band(value, everyone, mv.polarity)
    gap = None if value is None or mean is None else value - mean
    amount, amount_unit = amount_gap(mv, pub, code, year, gap)
    england = _num(mv.value(ENGLAND, year))
    return pd.Series({
        "measure": mv.measure, "label": mv.label, "unit": mv.unit, "authority": pub.name(code), "year": year,
        "model": model, "value": value, "marker": mv.markers.get((code, year)),
        "neighbours": len(group), "neighbours_with_value": len(have), "neighbours_missing": "; ".join(missing),
        "neighbours_mean": mean, "neighbours_median": median,
        "region": area_name(pub, region, year) if region else None, "region_value": _num(mv.value(region, year)),
        "england_value": england,
        "rank_in_group": None if value is None else rank_highest_first(value, have + [value]),
        "group_size": len(have) + (value is not None),
        "national_rank": None if value is None else rank_highest_first(value, list(everyone)),
        "best_rank": None if value is None else best_rank(value, list(everyone), mv.polarity),
        "authorities_ranked": len(everyone), "quartile": quartile, "band": lait_band,
        "polarity": mv.polarity or NOT_APPLICABLE, "gap": gap,
        "gap_to_england": None if value is None or england is None else value - england,
        "gap_amount": amount, "gap_amount_unit": amount_unit,
        "definition_break": (code, year) in mv.breaks,
    })


def series(mv: MeasureValues, pub, code: str, model: str, years: list[int] | None = None) -> pd.DataFrame:
    """Year by year: the authority's value, its neighbours' mean and median (of those with a value
    that year), its region's and England's value.

    Parameters
    ----------
    mv : MeasureValues
        The measure.
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    code : str
        The authority's 3-digit old LA code.
    model : str
        A statistical-neighbour model; ``""`` for none.
    years : list of int, optional
        Default every year of the measure; years with neither a value nor a marker for the
        authority are left out.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``value``, ``marker``, ``neighbours_mean``, ``neighbours_median``,
        ``neighbours_with_value``, ``neighbours``, ``region_value``, ``england_value`` (the
        measure's unit) and ``definition_break`` on the first year of a new definition (a chart
        starts a new line there).
    """
    group = [n["neighbour_old_la_code"] for n in neighbour_codes(pub, code, model)]
    rows = []
    for year in years or mv.years():
        value = _num(mv.value(code, year))
        if value is None and (code, year) not in mv.markers:
            continue
        nb = [v for c in group if (v := _num(mv.value(c, year))) is not None]
        region = region_of(pub, code, year)
        rows.append({"year": int(year), "value": value, "marker": mv.markers.get((code, year)),
                     "neighbours_mean": float(np.mean(nb)) if nb else None,
                     "neighbours_median": float(np.median(nb)) if nb else None,
                     "neighbours_with_value": len(nb), "neighbours": len(group),
                     "region_value": _num(mv.value(region, year)) if region else None,
                     "england_value": _num(mv.value(ENGLAND, year)),
                     "definition_break": any((a, year) in mv.breaks for a in (code, ENGLAND))})
    return pd.DataFrame(rows, columns=["year", "value", "marker", "neighbours_mean", "neighbours_median",
                                       "neighbours_with_value", "neighbours", "region_value", "england_value",
                                       "definition_break"])


def ranking(mv: MeasureValues, pub, year: int) -> pd.DataFrame:
    """Every authority with a value at ``year``, best first by the measure's polarity (highest
    first without one).

    Parameters
    ----------
    mv : MeasureValues
        The measure.
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).
    year : int
        Year of the 31 March.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``authority``, ``old_la_code``, ``value`` (the measure's unit).
    """
    rows = [{"authority": pub.name(c), "old_la_code": c, "value": v} for (c, y), v in mv.values.items()
            if y == int(year) and c[:1].isdigit()]
    frame = pd.DataFrame(rows, columns=["authority", "old_la_code", "value"])
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype="Int64"))
    low_first = mv.polarity == "Low"
    frame = frame.sort_values(["value", "authority"], ascending=[low_first, True]).reset_index(drop=True)
    values = list(frame.value)
    frame["rank"] = [best_rank(v, values, mv.polarity) if mv.polarity else rank_highest_first(v, values)
                     for v in values]
    return frame[["rank", "authority", "old_la_code", "value"]]


# --------------------------------------------------------------------------------------------- measures


def from_cla_rates(pub) -> MeasureValues:
    """Children looked after per 10,000 children aged 0-17 at 31 March, from ``cla_rates``
    (published, or computed with DfE's rounding); LAIT's polarity for ``LAC``.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:class:`analysis.analyses.benchmarks.PublicData`).

    Returns
    -------
    MeasureValues
        Measure ``LAC``, unit ``per_10k``; a year without a rate carries its ``rate_status``
        as the marker.
    """
    mv = MeasureValues("LAC", "Children looked after per 10,000 children aged 0-17", "per_10k",
                       pub.polarity("LAC"), 0, "DfE, Children looked after in England; ONS mid-year estimates")
    for (code, year), r in pub.rate_rows():
        rate = _num(r.get("rate_per_10k"))
        if rate is not None:
            mv.values[(code, year)] = rate
        elif r.get("rate_status"):
            mv.markers[(code, year)] = r["rate_status"]
    return mv


@needs(values=("measure", "year", "period_note", "new_la_code"),
       measures=("measure", "label", "unit", "polarity", "decimal_places", "period_type", "unit_label"))
def from_lait(values: pd.DataFrame, measures: pd.DataFrame, measure: str) -> MeasureValues:
    """Any LAIT measure.  A period LAIT prints twice for a year (``2025`` and ``2025 (prov)``)
    keeps the one not provisional.

    Parameters
    ----------
    values : pandas.DataFrame
        ``lait_values`` rows; reads ``measure``, ``year``, ``period_note``, ``new_la_code`` and,
        for the measure's rows, ``old_la_code``, ``geographic_level``, ``value``, ``value_raw``
        and ``definition_break``.
    measures : pandas.DataFrame
        ``public_measures``; reads ``measure``, ``label``, ``unit``, ``polarity``,
        ``decimal_places``, ``period_type`` and ``unit_label``.
    measure : str
        The LAIT code (e.g. ``CIN``).

    Returns
    -------
    MeasureValues
        The measure in LAIT's unit (``public_measures.unit``).

    Raises
    ------
    InputError
        When ``public_measures`` has no such code.
    """
    meta = measures[measures.measure == measure]
    if meta.empty:
        raise InputError("public_measures", column="measure", expected="a LAIT measure code (e.g. CIN, "
                         "Work_Force_Agecy_Rate; public_measures lists them all)", found=measure)
    m = meta.iloc[0]
    rows = values[(values.measure == measure) & values.year.notna()]
    rows = rows.assign(_prov=rows.period_note.eq("provisional").fillna(False)).sort_values("_prov")
    rows = rows.drop_duplicates(["new_la_code", "year"], keep="first")
    mv = MeasureValues(measure, str(m.label), str(m.unit), m.polarity if isinstance(m.polarity, str) else None,
                       None if pd.isna(m.decimal_places) else int(m.decimal_places), f"DfE, LAIT ({measure})",
                       of_children_looked_after=_of_children_looked_after(m),
                       period_type=str(m.period_type))
    for r in rows.itertuples(index=False):
        key = (r.old_la_code if r.geographic_level == "local authority" else r.new_la_code, int(r.year))
        if pd.isna(r.value):
            mv.markers[key] = r.value_raw
        else:
            mv.values[key] = float(r.value)
        if r.definition_break:
            mv.breaks.add(key)
    return mv


def _of_children_looked_after(m: pd.Series) -> bool:
    """Whether a LAIT measure is a share, or a unit cost, of all children looked after (its gap then
    converts to children or pounds at the authority's number looked after): a percentage whose axis
    says so, or a weekly unit cost whose label begins "Looked after children"."""
    axis, label = str(m.unit_label).strip().lower(), str(m.label).strip().lower()
    if str(m.unit) == "pct":
        return axis in ("% children looked after", "% of cla", "% of children looked after")
    return str(m.unit) == "gbp_per_week" and label.startswith("looked after children")


@needs(placements=("placement", "geographic_level", "old_la_code", "new_la_code", "year"))
def from_placements(placements: pd.DataFrame, types: tuple[str, ...], label: str) -> MeasureValues:
    """The share (%) of children looked after at 31 March placed in ``types``: the types' numbers
    over the release's total; empty (marker ``x``) where one of them is suppressed.

    Parameters
    ----------
    placements : pandas.DataFrame
        ``cla_placements`` rows; reads ``placement``, ``geographic_level``, ``old_la_code``,
        ``new_la_code``, ``year`` and, for the types' rows, ``total`` and ``number`` (children).
    types : tuple of str
        Placement types (``cla_placements.placement``).
    label : str
        The measure's label.

    Returns
    -------
    MeasureValues
        Unit ``pct`` (per cent of children looked after).
    """
    rows = placements[placements.placement.isin(types)]
    mv = MeasureValues("+".join(types), label, "pct", None, 1,
                       "DfE, Children looked after in England (statistical first releases)",
                       of_children_looked_after=True)
    # one pass over the groups (area and year): a group's total is its first row's, as printed
    keys = ["geographic_level", "old_la_code", "new_la_code", "year"]
    parts = rows.assign(_row=np.arange(len(rows)), _gap=rows.number.isna()).groupby(keys, dropna=False).agg(
        first=("_row", "min"), number=("number", "sum"), gap=("_gap", "any"))
    totals = rows.total.to_numpy(dtype=object)[parts["first"].to_numpy()]
    for (level, old, new, year), number, gap, total in zip(parts.index, parts.number, parts.gap, totals,
                                                            strict=True):
        key = (old if level == "local authority" else new, int(year))
        if gap or pd.isna(total) or not total:
            mv.markers[key] = "x"
            continue
        mv.values[key] = float(number) * 100 / float(total)
    return mv
