"""The England page of an all-authority run: ``reports/england-YYYY.html`` ranks every English
authority by its rate of children looked after at 31 March of the year, with its neighbours'
mean and the gap, linking each authority's pack where one is published.  Written under the
publishing lock, to a temporary file renamed into place (never half-written); the figures come
from the public tables (:mod:`analysis.analyses.public_pack`), the text is escaped by the
template."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .. import numbers
from .plan import slug, year_period
from .publish import ENGLAND_PREFIX, publishing_lock, write_reports_index


def england_rows(processed_dir: Path, year: int, out_dir: Path) -> tuple[list[dict], str]:
    """Rows for the template (figures written by :mod:`analysis.numbers`) and the
    summary sentence."""
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


def write_england_index(out_dir: Path, year: int, processed_dir: Path) -> Path:
    """Write ``reports/england-YYYY.html`` and relink ``reports/index.html``; returns the page."""
    from .render import render_template

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
