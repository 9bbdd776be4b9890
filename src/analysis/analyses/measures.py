"""Any published measure by name: LAIT's (``lait_values``, ``public_measures``), the CLA rate
(``cla_rates``), the placement types 2010-2017 (``cla_placements``) and measures derived from
them - as :class:`~analysis.analyses.measure_benchmarks.MeasureValues` the benchmarking engine
takes - as they stood at the end of a month.

A measure's name (:func:`MeasureData.measure`) is

* a LAIT code (``CIN``, ``Work_Force_Agecy_Rate``; ``public_measures`` lists all 434);
* ``LAC``: children looked after per 10,000 children aged 0-17 from ``cla_rates`` (the figure
  reports 20 and 30 show: published, or computed with DfE's rounding);
* ``placement:TYPE[+TYPE...]``: the share (%) of children looked after at 31 March placed in
  those types (``cla_placements``, 2010-2017; ``placement:residential`` = secure units, children's
  homes and hostels, other residential settings and residential schools);
* ``per_cla:CODE``: a LAIT spend measure divided by the children looked after at the 31 March
  ending its financial year (£ a year per child looked after);
* ``per_child:CODE``: a LAIT spend measure divided by the children aged 0-17 (£ a year per child).

As at a month (``as_of``): a period whose release came out after the month is left out
(``lait_values.first_published``, ``cla_placements.first_published``; the CLA rates and
populations as :meth:`~analysis.analyses.benchmarks.PublicData.as_at` gives them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import data
from ..errors import InputError
from ..statistics.release_calendar import published_by
from . import measure_benchmarks as engine
from .benchmarks import PublicData, cla_measure

__all__ = ["MeasureData", "RESIDENTIAL", "TABLES", "measure_data"]

TABLES = ("lait_values", "public_measures", "cla_placements")
RESIDENTIAL = ("homes", "other_residential", "residential_schools")


@dataclass
class MeasureData:
    """The measures' tables (as at ``pub.as_of`` when ``pub`` is a view as at a month)."""

    pub: PublicData
    values: pd.DataFrame  # lait_values
    measures: pd.DataFrame  # public_measures
    placements: pd.DataFrame  # cla_placements
    _cache: dict = field(default_factory=dict, repr=False)

    def measure(self, name: str) -> engine.MeasureValues:
        """The measure called ``name`` (module docstring), built once."""
        key = str(name).strip()
        if key not in self._cache:
            self._cache[key] = self._build(key)
        return self._cache[key]

    def meta(self, code: str) -> pd.Series:
        """The ``public_measures`` row of a LAIT code; an :class:`InputError` naming near codes otherwise."""
        hit = self.measures[self.measures.measure == code]
        if hit.empty:
            from difflib import get_close_matches

            near = get_close_matches(code, list(self.measures.measure), n=3)
            raise InputError("public_measures", column="measure", found=code,
                             expected="a LAIT measure code, LAC, placement:TYPE, per_cla:CODE or per_child:CODE"
                                      + (f" (did you mean {', '.join(near)}?)" if near else ""))
        return hit.iloc[0]

    def _build(self, key: str) -> engine.MeasureValues:
        if key == "LAC":
            return cla_measure(self.pub)
        if key.startswith("placement:"):
            return self._placement(key)
        if key.startswith(("per_cla:", "per_child:")):
            return self._per(key)
        self.meta(key)
        return engine.from_lait(self._rows(key), self.measures, key)

    def _rows(self, code: str) -> pd.DataFrame:
        """The ``lait_values`` rows of one LAIT code (the table grouped once)."""
        if "_groups" not in self._cache:
            self._cache["_groups"] = self.values.groupby("measure", sort=False).indices
        index = self._cache["_groups"].get(code)
        return self.values.iloc[index] if index is not None else self.values.iloc[0:0]

    def _placement(self, key: str) -> engine.MeasureValues:
        from ..statistics.sfr_placements import PLACEMENTS

        names = key.split(":", 1)[1].split("+")
        types = tuple(t for n in names for t in (RESIDENTIAL if n == "residential" else (n,)))
        unknown = [t for t in types if t not in PLACEMENTS]
        if unknown:
            raise InputError("cla_placements", column="placement", found=unknown[0],
                             expected=f"a placement type ({', '.join(PLACEMENTS)}, or residential)")
        label = ("Children looked after in residential settings (secure units, children's homes and hostels, other "
                 "residential settings, residential schools), % at 31 March" if names == ["residential"] else
                 "Children looked after in " + " and ".join(PLACEMENTS[t][0].lower() for t in types) + ", % at 31 March")
        mv = engine.from_placements(self.placements, types, label)
        mv.measure = key
        return mv

    def _per(self, key: str) -> engine.MeasureValues:
        how, code = key.split(":", 1)
        m = self.meta(code)
        base = engine.from_lait(self._rows(code), self.measures, code)
        per_cla = how == "per_cla"
        mv = engine.MeasureValues(key, f"{m.label} per {'child looked after' if per_cla else 'child aged 0-17'} "
                                       "(£ a year)", "gbp_per_child" if per_cla else "gbp_per_child_0_17", None, 0,
                                  f"{base.source}; DfE, Children looked after in England; ONS mid-year estimates",
                                  period_type=base.period_type)
        for (area, year), value in base.values.items():
            row = self.pub.row(area, year) or {}
            divisor = row.get("number") if per_cla else row.get("population")
            if divisor is None or pd.isna(divisor) or not divisor:
                mv.markers[(area, year)] = "no " + ("number looked after" if per_cla else "population") + " to divide by"
                continue
            mv.values[(area, year)] = value / float(divisor)
        mv.markers.update({k: v for k, v in base.markers.items() if k not in mv.values})
        return mv


def measure_data(pub: PublicData | None, processed_dir: str | Path | None = None) -> MeasureData | None:
    """The measures' tables for the public statistics ``pub`` (as at its month).

    A warm kernel reads a table set's files once.

    Parameters
    ----------
    pub : PublicData or None
        The public statistics (a view as at a month leaves out later releases); ``None`` gives
        ``None``.
    processed_dir : str or Path, optional
        Folder of the processed tables; default the folder ``pub`` was read from.

    Returns
    -------
    MeasureData or None
        The ``lait_values``, ``public_measures`` and ``cla_placements`` tables, or ``None`` when
        ``public-stats`` has not written them.
    """
    if pub is None:
        return None
    folder = data.processed(processed_dir or pub.folder or None)
    loaded = data.load_once("measures", TABLES, folder,
                            lambda where: tuple(data.load(name, where) for name in TABLES))
    if loaded is None:
        return None
    values, measures, placements = loaded

    def build() -> MeasureData:
        kept_values, kept_placements = values, placements
        if pub.as_of:
            kept_values = values[_published(values.first_published, pub.as_of)]
            kept_placements = placements[_published(placements.first_published, pub.as_of)]
        return MeasureData(pub, kept_values, measures, kept_placements)

    return pub.cached(f"measure data {folder} {id(loaded)}", build)  # new tables: a new tuple  # one per view: the measures it builds are kept with it


def _published(dates: pd.Series, month: str) -> pd.Series:
    """Whether each date was public by the end of ``month`` (each distinct date judged once)."""
    judged = {d: published_by(d, month) for d in dates.unique()}
    return dates.map(judged).astype(bool)
