"""The England page of an all-authority run: ``reports/england-YYYY.html`` ranks every English
authority by its rate of children looked after at 31 March of the year, with its neighbours'
mean and the gap, linking each authority's pack where one is published.  With a measure
(``--measure NAME``: any name :mod:`analysis.analyses.measures` knows - a LAIT code such as ``CIN``,
``placement:residential``, ``per_cla:CODE``) the page is ``reports/england-YYYY-NAME.html`` and ranks
the authorities by that measure, best first by its polarity as LAIT states it (lowest first for
``Low``, highest first for ``High`` and for a measure without one).  Written under the
publishing lock, to a temporary file renamed into place (never half-written); the figures come
from the public tables (:mod:`analysis.analyses.public_pack`), the text is escaped by the
template."""

from __future__ import annotations

import os
from pathlib import Path

from .. import numbers
from ..errors import InputError
from .plan import slug, year_period
from .publish import ENGLAND_PREFIX, publishing_lock, write_reports_index

__all__ = [
    "check_measure", "direction_words", "england_rows", "measure_of", "measure_rows", "write_england_index",
]


def england_rows(processed_dir: Path, year: int, out_dir: Path) -> tuple[list[dict], str]:
    """Rows for the England page's template and its summary sentence.

    Figures are written by :mod:`analysis.numbers` (rates per 10,000 children aged 0-17).

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` and the published measures).
    year : int
        The ``--year``: figures at 31 March of it, as published by its pack's month.
    out_dir : pathlib.Path
        The reports folder (packs are linked relative to it).

    Returns
    -------
    rows : list of dict
        One row per authority, for the template.
    summary : str
        The summary sentence.
    """
    from ..analyses import public_pack

    pub = public_pack.public_data(processed_dir, year_period(year))  # as at the month the year's figures came out
    if pub is None:
        return [], f"No public statistics in {processed_dir}: run `python -m analysis public-stats`."

    def model_for(code: str) -> str | None:
        try:
            return public_pack.choose_model(pub, code, "", year)
        except InputError:  # an authority no published model lists: ranked without neighbours
            return None

    frame = public_pack.england_ranking(pub, year, model_for)
    period = year_period(year)
    rows = []
    for r in frame.itertuples():
        href = f"{slug(r.authority)}/{period}/index.html"
        rows.append({"rank": "–" if r.rank is None else r.rank, "authority": r.authority,
                     "href": href if (out_dir / href).is_file() else None, "number": numbers.count(r.number),
                     "rate": numbers.rate(r.rate_per_10k), "status": r.rate_status,
                     "mean": "–" if r.model is None or r.neighbours_mean_per_10k is None  # no neighbour with a rate
                     else numbers.rate(r.neighbours_mean_per_10k, 1),
                     "model": "" if r.model is None else str(r.model),
                     "gap": "–" if r.gap_per_10k is None else numbers.signed_number(r.gap_per_10k, 1),
                     "gap_children": numbers.signed_count(r.gap_children)})
    england = pub.row("E92000001", year) or {}
    rated = int(frame.rate_per_10k.notna().sum())
    summary = (f"{rated} of {len(frame)} authorities have a rate at 31 March {year}; England's rate was "
               f"{numbers.rate(england.get('rate_per_10k'))} per 10,000 ({numbers.count(england.get('number'))} "
               "children). Rates are as DfE publishes them, in whole numbers; the neighbours' mean and the gap are "
               "computed here to one decimal. Gaps are the authority's rate minus its statistical neighbours' mean "
               "(+ = more children looked after than the neighbours' mean, − = fewer), in children at the "
               "authority's child population.")
    return rows, summary


def measure_of(processed_dir: Path, year: int, measure: str):
    """The public statistics as at the year's month, the measure data and the measure.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` and the published measures).
    year : int
        The ``--year``: figures at 31 March of it, as published by its pack's month.
    measure : str
        A published measure's name (``--measure``).

    Returns
    -------
    pub : analysis.statistics.public_data.PublicData
        The statistics as at the year's pack month.
    md : analysis.analyses.measures.MeasureData
        The published measures.
    mv : analysis.analyses.measure_benchmarks.MeasureValues
        The measure.

    Raises
    ------
    InputError
        When the measures have not been loaded, or (naming near measures) when ``measure`` is not one.
    """
    from ..analyses import measures, public_pack

    pub = public_pack.public_data(processed_dir, year_period(year))
    md = measures.measure_data(pub, processed_dir)
    if md is None:
        raise InputError(Path(processed_dir) / "public_measures.parquet", expected="the published measures' tables "
                         "(run `python -m analysis public-stats`)", found="none")
    return pub, md, md.measure(measure)


def check_measure(processed_dir: Path, years, measure: str) -> None:
    """Refuse ``--measure`` without ``--year``, or a name no measure has, before a run starts.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` and the published measures).
    years : sequence of int or None
        The ``--year`` values.
    measure : str
        A published measure's name (``--measure``).

    Raises
    ------
    ReportError
        When no ``--year`` is given.
    InputError
        When the measure is unknown (naming the near ones) or the measures are not loaded.
    """
    from ..errors import ReportError

    if not years:
        raise ReportError(f"--measure {measure}: the England page is made by a run for a year; add --year YYYY")
    measure_of(processed_dir, int(max(years)), measure)


def measure_rows(processed_dir: Path, year: int, measure: str, out_dir: Path) -> tuple[list[dict], str, dict]:
    """Rows for the measure page, its summary sentence and the measure's words.

    Best first by the measure's polarity, for the latest year up to ``year`` that the releases had
    published by the month of ``year``'s pack.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` and the published measures).
    year : int
        The ``--year``: figures at 31 March of it, as published by its pack's month.
    measure : str
        A published measure's name (``--measure``).
    out_dir : pathlib.Path
        The reports folder (packs are linked relative to it).

    Returns
    -------
    rows : list of dict
        One row per authority, for the template.
    summary : str
        The summary sentence.
    words : dict
        The measure's label and direction.
    """
    from ..analyses import cost_drivers, public_pack
    from ..analyses import measure_benchmarks as engine

    pub, md, mv = measure_of(processed_dir, year, measure)
    held = sorted({y for (c, y) in mv.values if c[:1].isdigit()})
    if not [y for y in held if y <= year]:
        raise InputError("lait_values", column="year", found=str(year),
                         expected=f"a year with authority values of {measure} published by {year_period(year)}"
                                  + (f" ({min(held)}-{max(held)})" if held else ""))
    year = max(y for y in held if y <= year)  # the latest published by the run's month (a later census may not be)
    frame = engine.ranking(mv, pub, year)
    period = year_period(year)
    rows = []
    for r in frame.itertuples():
        try:
            model = public_pack.choose_model(pub, r.old_la_code, "", year)
        except InputError:
            model = ""
        s = engine.standing(mv, pub, r.old_la_code, year, model) if model else None
        href = f"{slug(r.authority)}/{period}/index.html"
        rows.append({"rank": r.rank, "authority": r.authority, "href": href if (out_dir / href).is_file() else None,
                     "value": cost_drivers.fmt(r.value, mv),
                     "mean": numbers.MISSING if s is None else cost_drivers.fmt(s.neighbours_mean, mv),
                     "model": model, "gap": numbers.MISSING if s is None or s.gap is None
                     else cost_drivers.fmt(s.gap, mv, signed=True)})
    direction = direction_words(mv.polarity)
    england = mv.value(engine.ENGLAND, year)
    summary = (f"{len(frame)} authorities have a value of this measure for {cost_drivers.when(mv, year)}"
               + (f"; England's was {cost_drivers.fmt(england, mv)}" if england is not None else "")
               + f". {direction[1]} The neighbours' mean and the gap (the authority's value minus its neighbours' "
               "mean, in the measure's own unit) are computed here.")
    return rows, summary, {"label": mv.label, "measure": mv.measure, "order": direction[0], "source": mv.source,
                           "when": cost_drivers.when(mv, year)}


def direction_words(polarity: str | None) -> tuple[str, str]:
    """How a ranking by a measure of this polarity runs.

    Parameters
    ----------
    polarity : str or None
        LAIT's polarity of the measure: ``Low`` or ``High`` (that value is good); else none.

    Returns
    -------
    caption : str
        Words for the table's caption.
    sentence : str
        Words for the summary sentence.
    """
    if polarity == "Low":
        return "1 = the lowest value", "LAIT says a low value is good: 1 is the lowest."
    if polarity == "High":
        return "1 = the highest value", "LAIT says a high value is good: 1 is the highest."
    return "1 = the highest value", "LAIT gives this measure no polarity: 1 is the highest, which is not to say best."


def write_england_index(out_dir: Path, year: int, processed_dir: Path, measure: str = "") -> Path:
    """Write ``reports/england-YYYY.html`` and relink ``reports/index.html``.

    With ``measure`` the page is ``england-YYYY-NAME.html``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder (packs are linked relative to it).
    year : int
        The ``--year``: figures at 31 March of it, as published by its pack's month.
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` and the published measures).
    measure : str, default ""
        A published measure's name; empty = the rate of children looked after.

    Returns
    -------
    pathlib.Path
        The page written.
    """
    from .render import render_template

    name = str(measure or "").strip()
    if name and name != "LAC":
        target = out_dir / f"{ENGLAND_PREFIX}{int(year)}-{slug(name)}.html"
        with publishing_lock(out_dir):
            rows, summary, words = measure_rows(processed_dir, int(year), name, out_dir)
            html = render_template("england_measure.html.j2", year=int(year), rows=rows, summary=summary, **words)
            tmp = out_dir / f".{target.name}.tmp"
            tmp.write_text(html, encoding="utf-8")
            os.replace(tmp, target)
            write_reports_index(out_dir)
        return target
    target = out_dir / f"{ENGLAND_PREFIX}{int(year)}.html"
    with publishing_lock(out_dir):
        rows, summary = england_rows(processed_dir, int(year), out_dir)
        html = render_template("england_index.html.j2", year=int(year), rows=rows, summary=summary,
                               source="DfE, Children looked after in England including adoptions (the releases "
                                      "each rate comes from are named in each authority's pack); ONS mid-year "
                                      "population estimates; DfE statistical neighbour models")
        tmp = out_dir / f".{target.name}.tmp"
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)
        write_reports_index(out_dir)
    return target
