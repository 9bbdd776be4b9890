"""The public statistics as they stood at the end of a month: what a pack for that month could know.

:func:`as_at` takes the public tables (each row dated by :mod:`analysis.statistics.release_calendar`:
``first_published``, ``value_published``, ``published``) and returns them as at the end of month
``P`` (``YYYY-MM``):

* a reporting period not yet published at ``P`` is absent from every table - so from every
  series, ranking and neighbours' mean made from them;
* an authority-year whose held figure was printed after ``P`` (a revision, or a release later
  than the one that first published the year) shows the figure a release read had published by
  ``P`` (``release_revisions``: Torbay at 31 March 2017 is 284 as SFR50/2017 printed it in a view
  as at October 2017), unless a DfE release published between that one and ``P`` is not among
  the downloads (it may have revised the figure): then, and where no release read had published
  a figure by ``P``, the held figure stays, with ``as_at_value`` saying it is a later revision;
* a statistical-neighbour model (or a paper's list) published after ``P`` is dropped;
* spending of a financial year whose outturn was published after ``P`` is dropped.

Columns added to the rates: ``as_at`` (the month) and ``as_at_value``: ``published by then``
or ``later revision: …`` (a sentence naming the release and its date).  A rate re-derived from a
substituted number is *computed* (number x 10,000 / the population held, rounded half up).
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .release_calendar import calendar, check_month, date_words, published_by
from .sources import round_half_up

__all__ = [
    "PUBLISHED", "hindsight_note", "neighbours_as_at", "rates_as_at", "revisions_as_at", "spend_as_at",
    "view_month", "withheld",
]

PUBLISHED = "published by then"


def _key(r) -> tuple:
    return (r.geographic_level, r.new_la_code, int(r.year))


def _cla_releases() -> list[tuple[int, str, str]]:
    """(vintage, release, published) of every DfE children-looked-after release the calendar dates."""
    return sorted((int(p), e.release, e.published) for (s, p), e in calendar().items() if s == "cla_31_march")


def _unread_between(after: str, month: str, read: set[int]) -> list[tuple[int, str, str]]:
    """DfE releases published after ``after`` and by the end of ``month`` that are not among the
    releases read (``read``: their vintages)."""
    return [(v, name, date) for v, name, date in _cla_releases()
            if date[:7] > after[:7] and published_by(date, month) and v not in read]


def _vintage(release: str) -> int | None:
    import re

    found = re.search(r"(?:SFR\d+/|EES )(\d{4})", str(release))
    return int(found.group(1)) if found else None


@needs(rates=("first_published", "release", "value_published", "geographic_level", "new_la_code", "year"), revisions=("release", "published"))
def rates_as_at(rates: pd.DataFrame, revisions: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """``cla_rates`` as at the end of ``month`` (module docstring).

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``cla_rates`` table (rates per 10,000 children aged 0-17): reads ``first_published``,
        ``release``, ``value_published``, ``geographic_level``, ``new_la_code`` and ``year`` (and,
        for a figure published later, ``number``, ``population`` and ``value_release``).
    revisions : pandas.DataFrame or None
        The ``release_revisions`` table: reads ``release`` and ``published`` (and, for a revision
        published by then, ``geographic_level``, ``new_la_code``, ``year``, ``measure``,
        ``value`` and ``latest_published``); ``None`` when there is none.
    month : str
        The view's month, 'YYYY-MM': what was published by its end is shown.

    Returns
    -------
    pandas.DataFrame
        The rows whose year was published by then, each figure as it stood then, with ``as_at``
        and ``as_at_value`` (how the figure was chosen).
    """
    known = rates[[published_by(d, month) for d in rates.first_published]].copy()
    read = {v for v in map(_vintage, set(rates.release) | set(revisions.release if revisions is not None else []))
            if v is not None}
    earlier: dict[tuple, dict[str, list]] = {}
    for r in (revisions.itertuples() if revisions is not None else ()):
        if published_by(r.published, month):
            earlier.setdefault(_key(r), {}).setdefault(r.release, []).append(r)
    notes = []
    changes: dict[str, dict] = {}  # column -> {row: the figure as it stood}, set together at the end
    for i, r in zip(known.index, known.itertuples(), strict=True):
        by_release = earlier.get(_key(r), {})
        if published_by(r.value_published, month):
            notes.append(_rate_as_at(changes, i, r, by_release, month))
            continue
        dated = sorted((rows[0].published, name) for name, rows in by_release.items()
                       if any(x.measure == "number" for x in rows))
        stale = _unread_between(dated[-1][0], month, read) if dated else []
        if dated and not stale:
            notes.append(_substitute(changes, i, r, dated[-1][1], by_release[dated[-1][1]], month))
            continue
        notes.append(_later(r, stale))
    for column, values in changes.items():
        known.loc[list(values), column] = pd.Series(values, dtype=object)
    known["as_at"] = month
    known["as_at_value"] = notes
    return known


def _set(changes: dict[str, dict], i, **values) -> None:
    """Note new values of row ``i`` (by column) in ``changes``."""
    for column, value in values.items():
        changes.setdefault(column, {})[i] = value


def _rate_as_at(changes: dict[str, dict], i, r, by_release: dict[str, list], month: str) -> str:
    """A number published by ``month`` whose rate or population a release after ``month`` revised
    (a new population estimate): the rate and population as the latest release published by then
    printed them, so a view never shows a rate from after its month (noted in ``changes``)."""
    later = [(x.published, name, x) for name, rows in by_release.items() for x in rows
             if x.measure in ("rate_per_10k", "population") and not published_by(x.latest_published, month)]
    if not later:
        return PUBLISHED
    release = max(later, key=lambda t: (t[0], t[1]))[1]
    values = {x.measure: x.value for published, name, x in later if name == release}
    if "population" in values and not pd.isna(values["population"]):
        _set(changes, i, population=int(values["population"]))
    if "rate_per_10k" in values and not pd.isna(values["rate_per_10k"]):
        _set(changes, i, rate_per_10k=float(values["rate_per_10k"]), rate_status="published")
    return (f"{PUBLISHED}: the rate as {release} printed it; revised later to {r.rate_per_10k:g} by "
            f"{r.release} with a new population estimate")


def _later(r, stale: list) -> str:
    text = (f"later revision: {_count(r.number)} as printed by {r.value_release} ({date_words(r.value_published)}), "
            "after this view's month")
    if stale:
        v, name, date = stale[0]
        return text + (f"; later releases that may have revised it, from "
                       f"{name} ({date_words(date)}), are not among the downloads")
    return text + f"; the figure first published ({date_words(r.first_published)}) is not among the downloads"


def _count(value) -> str:
    return "no figure" if value is None or pd.isna(value) else f"{int(value):,}"


def _substitute(changes: dict[str, dict], i, r, release: str, rows: list, month: str) -> str:
    """Put the figure ``release`` printed (``rows``: its ``release_revisions`` rows published by
    ``month``) in row ``i`` (noted in ``changes``); the rate as that release printed it, else computed."""
    values = {x.measure: x.value for x in rows}
    number = int(values["number"])
    population = values.get("population", r.population)
    _set(changes, i, number=number, release=release, value_release=release, value_published=rows[0].published)
    if "population" in values:
        _set(changes, i, population=int(values["population"]))
    if "rate_per_10k" in values:
        _set(changes, i, rate_per_10k=float(values["rate_per_10k"]), rate_status="published")
    elif population is not None and not pd.isna(population) and int(population) > 0:
        exact = number * 10_000 / int(population)
        _set(changes, i, rate_per_10k=round_half_up(exact), rate_status="computed", rate_recomputed_per_10k=exact)
    else:
        _set(changes, i, rate_per_10k=None, rate_status="not computable")
    later = f"{_count(r.number)} in {r.value_release} ({date_words(r.value_published)})"
    return f"{PUBLISHED}: as {release} printed it; revised later to {later}"


@needs(neighbours=("published",))
def neighbours_as_at(neighbours: pd.DataFrame, month: str) -> pd.DataFrame:
    """The models (and papers' lists) published by the end of ``month``.

    Parameters
    ----------
    neighbours : pandas.DataFrame
        The ``statistical_neighbours`` table: reads ``published`` (a date).
    month : str
        The view's month, 'YYYY-MM': what was published by its end is shown.

    Returns
    -------
    pandas.DataFrame
        Its rows published by then.
    """
    return neighbours[[published_by(d, month) for d in neighbours.published]]


@needs(spend=("published",))
def spend_as_at(spend: pd.DataFrame, month: str) -> pd.DataFrame:
    """The spending of financial years whose outturn was published by the end of ``month``.

    Parameters
    ----------
    spend : pandas.DataFrame
        A spending table (pounds): reads ``published``.
    month : str
        The view's month, 'YYYY-MM': what was published by its end is shown.

    Returns
    -------
    pandas.DataFrame
        Those rows.
    """
    return spend[[published_by(d, month) for d in spend.published]]


@needs(revisions=("published", "latest_published"))
def revisions_as_at(revisions: pd.DataFrame, month: str) -> pd.DataFrame:
    """The revisions both of whose figures were published by the end of ``month``.

    Parameters
    ----------
    revisions : pandas.DataFrame
        The ``release_revisions`` table: reads ``published`` and ``latest_published``.
    month : str
        The view's month, 'YYYY-MM': what was published by its end is shown.

    Returns
    -------
    pandas.DataFrame
        Those rows.
    """
    return revisions[[published_by(a, month) and published_by(b, month)
                      for a, b in zip(revisions.published, revisions.latest_published, strict=True)]]


@needs(rates=("year", "first_published"), neighbours=("model", "published"), spend=("financial_year", "published"))
def withheld(rates: pd.DataFrame, neighbours: pd.DataFrame, spend: pd.DataFrame, month: str) -> list[str]:
    """What a view as at ``month`` leaves out, in sentences (for a page's "About this report").

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``cla_rates`` table: reads ``year`` and ``first_published``.
    neighbours : pandas.DataFrame
        The ``statistical_neighbours`` table: reads ``model`` and ``published``.
    spend : pandas.DataFrame
        A spending table: reads ``financial_year`` and ``published``.
    month : str
        The view's month, 'YYYY-MM': what was published by its end is shown.

    Returns
    -------
    list of str
        One sentence per kind of statistic left out.
    """
    out = []
    later_years = sorted({int(y) for y, d in zip(rates.year, rates.first_published, strict=True) if not published_by(d, month)})
    if later_years:
        out.append(f"Children looked after at 31 March {later_years[0]}"
                   + (f"-{later_years[-1]}" if len(later_years) > 1 else "")
                   + f": not yet published at the end of {date_words(month)}.")
    models = sorted({m for m, d in zip(neighbours.model, neighbours.published, strict=True) if not published_by(d, month)})
    if models:
        out.append(f"Statistical-neighbour models {', '.join(models)}: published after {date_words(month)}.")
    years = sorted({fy for fy, d in zip(spend.financial_year, spend.published, strict=True) if not published_by(d, month)})
    if years:
        out.append(f"Spending outturn {', '.join(years)}: not published (or no publication by then confirmed) at "
                   f"the end of {date_words(month)}.")
    return out


def view_month(period: str, as_of: str = "") -> str:
    """The month a report's public statistics are as at.

    ``as_of`` when given (a hindsight view, never earlier than the pack's ``period``), else the
    pack's period.

    Parameters
    ----------
    period : str
        The pack's month, 'YYYY-MM'.
    as_of : str, optional
        A hindsight view's month, 'YYYY-MM'.

    Returns
    -------
    str
        The month, 'YYYY-MM'.

    Raises
    ------
    analysis.errors.InputError
        For a month badly written or before ``period``.
    """
    month = check_month(str(as_of).strip() or str(period), "as_of" if str(as_of).strip() else "period")
    if month < str(period):
        raise InputError("as_of", expected=f"a month on or after the pack's period {period} (a pack never shows less "
                         "than was published by its month)", found=month)
    return month


def hindsight_note(period: str, as_of: str = "") -> str:
    """The one sentence a hindsight page carries near its title; empty for a pack as at its month.

    Parameters
    ----------
    period : str
        The pack's month, 'YYYY-MM'.
    as_of : str, optional
        The hindsight view's month, 'YYYY-MM' (empty: the pack's own month).

    Returns
    -------
    str
        The sentence, or ``""``.
    """
    if not str(as_of).strip() or str(as_of).strip() == str(period):
        return ""
    return (f"Hindsight view: statistics published up to {date_words(str(as_of).strip())}, after this pack's month "
            f"({date_words(str(period))}); the pack as at its month shows only what was published by then.")
