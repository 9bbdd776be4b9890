"""The published statistics indexed for per-authority look-ups (:class:`PublicData`), read once
from the ``public-stats`` tables (:func:`load`), and the choice of a statistical-neighbour model
(:func:`choose_model`).  Rates are children looked after per 10,000 children aged 0-17 at 31
March of ``year``; the analyses built on it are in :mod:`analysis.analyses.benchmarks`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import data
from ..errors import InputError
from .authorities import name_key

__all__ = ["PAPER_MODEL_PREFIX", "RATE_MEASURE", "PublicData", "choose_model", "load"]

RATE_MEASURE = "LAC"  # LAIT's code for the CLA rate per 10,000 (its polarity comes from public_measures)
PAPER_MODEL_PREFIX = "paper_"


@dataclass
class PublicData:
    """The public tables, indexed for per-authority look-ups."""

    rates: pd.DataFrame
    neighbours: pd.DataFrame
    spend: pd.DataFrame
    measures: pd.DataFrame
    revisions: pd.DataFrame | None = None  # release_revisions (for a view as at a month)
    as_of: str = ""  # YYYY-MM when the tables are as at the end of that month (:meth:`as_at`); "" = all held
    withheld: list = field(default_factory=list)  # what the view as at ``as_of`` leaves out, in sentences
    folder: str = ""  # the processed folder the tables were read from ("" = given directly), for the measures' tables
    _rate: dict = field(default_factory=dict, repr=False)  # (code, year) -> row dict (LA by old code, else new)
    _names: dict = field(default_factory=dict, repr=False)  # name key / code -> old code
    _label: dict = field(default_factory=dict, repr=False)  # old code -> the latest name the releases print
    _groups: dict = field(default_factory=dict, repr=False)  # (model, old code) -> list of neighbour old codes
    _la_rates: dict = field(default_factory=dict, repr=False)  # year -> sorted array of LA rates
    _cache: dict = field(default_factory=dict, repr=False)  # what the analyses derive once (:meth:`cached`)

    def __post_init__(self) -> None:
        # oldest first, so a name shared by a predecessor and its successor (Dorset 835 / 838) means the latest
        for r in self.rates.sort_values("year", kind="stable").to_dict("records"):
            key = r["old_la_code"] if r["geographic_level"] == "local authority" else r["new_la_code"]
            self._rate[(key, int(r["year"]))] = r
            if r["geographic_level"] == "local authority":
                self._names[name_key(r["authority"])] = r["old_la_code"]
                self._names[r["old_la_code"]] = self._names[r["new_la_code"]] = r["old_la_code"]
                self._label[r["old_la_code"]] = r["authority"]
        for r in self.neighbours.sort_values("rank").to_dict("records"):
            self._groups.setdefault((r["model"], r["old_la_code"]), []).append(r)
        las = self.rates[(self.rates.geographic_level == "local authority") & self.rates.rate_per_10k.notna()]
        for year, group in las.groupby("year"):
            self._la_rates[int(year)] = np.sort(group.rate_per_10k.to_numpy(dtype=float))

    # ------------------------------------------------------------------ look-ups
    def code(self, authority: str) -> str:
        """The 3-digit code of ``authority`` (a name in any spelling, a 3-digit or 9-character code)."""
        found = self._names.get(authority) or self._names.get(name_key(authority))
        if found is None:
            raise InputError("cla_rates", column="authority", expected="an English children's services authority "
                             "(name or code) in the public releases", found=authority)
        return found

    def name(self, code: str) -> str:
        """The latest name the releases print for a 3-digit code (the code itself if none)."""
        return self._label.get(code, code)

    def row(self, code: str, year: int) -> dict | None:
        return self._rate.get((code, int(year)))

    def group(self, model: str, code: str) -> list[dict] | None:
        """An authority's statistical neighbours in a model.

        Parameters
        ----------
        model : str
            The statistical-neighbour model's name.
        code : str
            The authority's 3-digit code.

        Returns
        -------
        list of dict or None
            The neighbours' rows in rank order (``neighbour_old_la_code``, ``rank`` ...); ``None``
            when the model gives the authority no neighbours.
        """
        return self._groups.get((model, code))

    def models_of(self, code: str) -> list[str]:
        """The models that give an authority neighbours.

        Parameters
        ----------
        code : str
            The authority's 3-digit code.

        Returns
        -------
        list of str
            The models' names, sorted.
        """
        return sorted({m for m, c in self._groups if c == code})

    def rate_rows(self) -> list[tuple[tuple[str, int], dict]]:
        """Every row of the rates table by ``(code, year)``: an authority by its 3-digit code, a
        region or England by its 9-character code.

        Returns
        -------
        list of tuple
            ``((code, year), row)`` pairs; ``row`` holds the table's columns (rates per 10,000
            children aged 0-17).
        """
        return list(self._rate.items())

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        """A value the analyses derive from these tables once (a measure's values, an index).

        Parameters
        ----------
        key : str
            The value's name.
        build : callable
            Makes the value from these tables, the first time it is asked for.

        Returns
        -------
        object
            ``build()``'s result, kept with the tables (a view as at a month has its own).
        """
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def years(self) -> list[int]:
        return sorted({y for _, y in self._rate})

    def models(self) -> list[str]:
        return sorted(set(self.neighbours.model))

    def as_at(self, month: str) -> PublicData:
        """The public statistics as they stood at the end of ``month`` (``YYYY-MM``): periods
        published later absent, revised figures as published by then, models in force then
        (:mod:`analysis.statistics.as_at`)."""
        from . import as_at
        from .release_calendar import check_month

        month = check_month(month)
        missing = [c for c in ("first_published", "value_published") if c not in self.rates.columns]
        if missing or "published" not in self.neighbours.columns or "published" not in self.spend.columns:
            raise InputError("cla_rates", column=", ".join(missing) or "published",
                             expected="the publication dates the public tables carry: run `python -m analysis "
                                      "public-stats` again", found="absent")
        revisions = self.revisions
        return PublicData(as_at.rates_as_at(self.rates, revisions, month),
                          as_at.neighbours_as_at(self.neighbours, month), as_at.spend_as_at(self.spend, month),
                          self.measures, None if revisions is None else as_at.revisions_as_at(revisions, month),
                          month, as_at.withheld(self.rates, self.neighbours, self.spend, month), folder=self.folder)

    def polarity(self, measure: str = RATE_MEASURE) -> str | None:
        hit = self.measures[self.measures.measure == measure]
        value = hit.polarity.iloc[0] if len(hit) else None
        return value if isinstance(value, str) else None


def load(processed_dir=None) -> PublicData:
    """Read the public tables once.

    Parameters
    ----------
    processed_dir : str, pathlib.Path or None, optional
        The processed folder, as :func:`analysis.data.load` takes it.

    Returns
    -------
    PublicData
        The rates (per 10,000 children aged 0-17), neighbours, spending (pounds) and measures.
    """
    return PublicData(data.load("cla_rates", processed_dir), data.load("statistical_neighbours", processed_dir),
                      data.load("cla_spend", processed_dir), data.load("public_measures", processed_dir),
                      data.load("release_revisions", processed_dir), folder=str(data.processed(processed_dir)))


def choose_model(pub: PublicData, authority: str, model: str, year: int) -> str:
    """The statistical-neighbour model to compare an authority with.

    ``model`` as given; empty: of DfE's models listing the authority (those published by the view's
    month when ``pub`` is a view as at a month), the one whose year is nearest ``year`` (the later on
    a tie); with none, the paper's own list nearest ``year`` (a paper in force); with neither, ``""``
    - the comparison then has no neighbours (:func:`model_note` says why).

    Parameters
    ----------
    pub : PublicData
        The public statistics (or a view as at a month).
    authority : str
        The authority: a name in any spelling, or a 3-digit or 9-character code.
    model : str
        The model asked for, or ``""``.
    year : int
        The year of the 31 March figures compared.

    Returns
    -------
    str
        The model's name, or ``""``.

    Raises
    ------
    analysis.errors.InputError
        For an authority the releases do not know, or (in a view as at a month) a model given
        that was not in force then.
    """
    code = pub.code(authority)
    held = set(pub.models_of(code))
    if str(model).strip():
        wanted = str(model).strip()
        if pub.as_of and wanted not in held:
            raise InputError("statistical_neighbours", column="model", found=wanted,
                             expected=f"a model published by {pub.as_of} listing {authority} "
                                      f"(in force then: {', '.join(sorted(held)) or 'none'})")
        return wanted
    dated = [m for m in held if m.isdigit()]
    papers = [m for m in held if m.startswith(PAPER_MODEL_PREFIX)]
    if dated:
        return min(dated, key=lambda m: (abs(int(m) - year), -int(m)))
    if papers:
        return min(papers, key=lambda m: (abs(int(m[len(PAPER_MODEL_PREFIX):]) - year), m))
    if not pub.as_of:
        raise InputError("statistical_neighbours", column="model",
                         expected=f"a statistical-neighbour model listing {authority}", found="none")
    return ""
