"""The release calendar: when each statistic the public tables hold was first published, per
reporting period, with the source of that date (``release_calendar.toml`` beside this module).

This is not the file registry (:mod:`.releases`, one entry per file ``public-stats --download``
fetches): a file can hold many reporting periods, each first published years earlier (LAIT's
2026 data set holds 31 March 2016-2025).  Here one entry is one *reporting period* of one
*statistic*:

* ``statistic`` - ``cla_31_march`` (children looked after at 31 March; ``period`` = the year),
  ``cla_rates_update`` (a release whose rates were added by a later update), ``s251_outturn``
  and ``ro3_outturn`` (``period`` = the financial year ``2016-17``), ``sn_model`` (DfE's
  statistical-neighbour model; ``period`` = its year), ``lait_data_set``, ``ons_population``;
* ``published`` - ``YYYY-MM-DD``, or ``YYYY-MM`` where only the month is known;
* ``basis`` - ``release date`` (the source gives the date the release came out) or ``public by``
  (no source gives it: the date is the earliest at which the figures were *certainly* public, a
  dated document that reports or lists them - the conservative rule; a view as at an earlier
  month leaves the period out rather than guess);
* ``source`` - the URL that gives the date; ``notes`` - what it says and what is not confirmed.

A view "as at" the end of month ``P`` includes a date ``d`` when ``d[:7] <= P``
(:func:`published_by`).  Nothing is read at import time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

from ..errors import InputError

__all__ = [
    "BASES", "CALENDAR_NAME", "DATE", "Entry", "calendar", "check_month", "date_words", "entry", "month_of",
    "paper_date", "parse", "published_by", "release_entry",
]

CALENDAR_NAME = "release_calendar.toml"
BASES = ("release date", "public by")
#: a date as the registries write it: YYYY-MM-DD, or YYYY-MM where only the month is known
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_SFR = re.compile(r"^SFR\d+/(\d{4})$")
_EES = re.compile(r"^EES (\d{4}) release")


@dataclass(frozen=True)
class Entry:
    """One reporting period of one statistic (fields as in ``release_calendar.toml``)."""

    statistic: str
    period: str
    release: str
    published: str
    basis: str
    source: str
    notes: str

    @property
    def label(self) -> str:
        """``published 30 September 2010`` or ``public by 22 November 2018`` (in words)."""
        return f"{'published' if self.basis == 'release date' else 'public by'} {date_words(self.published)}"


def parse(text: str, origin: str = CALENDAR_NAME) -> dict[tuple[str, str], Entry]:
    """The entries of a calendar text by (statistic, period), each checked.

    Every field present, a date of the form above, a known basis, a URL source, one entry per
    (statistic, period).

    Parameters
    ----------
    text : str
        The calendar (TOML).
    origin : str, optional
        Where it came from, for errors.

    Returns
    -------
    dict of tuple of (str, str) to Entry
        The entries.

    Raises
    ------
    analysis.errors.InputError
        For an entry that breaks a rule, naming it.
    """
    try:
        entries = tomllib.loads(text).get("period", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, expected="a TOML calendar of [[period]] entries", found=str(exc)) from None
    names = [f.name for f in fields(Entry)]
    out: dict[tuple[str, str], Entry] = {}
    for number, raw in enumerate(entries, start=1):
        where = f"[[period]] number {number}"
        if set(raw) != set(names):
            missing, unknown = sorted(set(names) - set(raw)), sorted(set(raw) - set(names))
            raise InputError(origin, column=where, expected=f"the fields {', '.join(names)}",
                             found=(", ".join(missing) + " missing") if missing else ", ".join(unknown) + " unknown")
        entry = Entry(**{k: str(v) for k, v in raw.items()})
        if not DATE.match(entry.published):
            raise InputError(origin, column=where, expected="published as YYYY-MM-DD or YYYY-MM", found=entry.published)
        if entry.basis not in BASES:
            raise InputError(origin, column=where, expected=f"basis {' or '.join(BASES)}", found=entry.basis)
        if not entry.source.startswith(("https://", "http://")):
            raise InputError(origin, column=where, expected="source as the URL that gives the date", found=entry.source)
        key = (entry.statistic, entry.period)
        if key in out:
            raise InputError(origin, column=where, expected="one entry per statistic and period", found=f"{key} again")
        out[key] = entry
    return out


@cache
def calendar() -> dict[tuple[str, str], Entry]:
    """The packaged calendar (read once)."""
    return parse(resources.files(__package__).joinpath(CALENDAR_NAME).read_text(encoding="utf-8"))


def entry(statistic: str, period: str) -> Entry:
    """The calendar entry of ``statistic`` for ``period``.

    Parameters
    ----------
    statistic : str
        The statistic (e.g. ``cla_31_march``).
    period : str
        Its period as the calendar writes it (a year, or a financial year).

    Returns
    -------
    Entry
        The entry: when it was published, on what basis and the source.

    Raises
    ------
    analysis.errors.InputError
        Naming the calendar when it has none (a download holding a period the calendar does not
        date).
    """
    found = calendar().get((statistic, str(period)))
    if found is None:
        have = sorted(p for s, p in calendar() if s == statistic)
        raise InputError(CALENDAR_NAME, column=statistic,
                         expected=f"a publication date for {statistic} {period} (dated: {', '.join(have) or 'none'}): "
                                  "add it with its source", found="none")
    return found


def release_entry(release: str, measure: str = "number") -> Entry:
    """The entry dating a figure of a ``cla_rates`` release.

    Releases are named ``SFR50/2017``, ``EES 2024 release (2020-2024)`` or ``LAIT (...)``: an SFR
    or EES release is dated by the year it first published (its vintage); the population and rate of
    the EES 2023 release by its later update; LAIT by its data update.

    Parameters
    ----------
    release : str
        The release's name.
    measure : str, optional
        ``number`` (the default), ``population`` or ``rate_per_10k``.

    Returns
    -------
    Entry
        The calendar entry.
    """
    text = str(release)
    if text.startswith("LAIT"):
        return next(e for (s, _), e in calendar().items() if s == "lait_data_set")
    found = _SFR.match(text) or _EES.match(text)
    if found is None:
        raise InputError(CALENDAR_NAME, column="release", expected="a release named SFRnn/YYYY, 'EES YYYY release' "
                         "or LAIT", found=text)
    year = found.group(1)
    if text.startswith("EES") and measure in ("population", "rate_per_10k"):
        update = calendar().get(("cla_rates_update", f"EES {year}"))
        if update is not None:
            return update
    return entry("cla_31_march", year)


def month_of(date: str) -> str:
    """``2019-12-05`` -> ``2019-12``.

    Parameters
    ----------
    date : str
        A date, 'YYYY-MM-DD' (or 'YYYY-MM').

    Returns
    -------
    str
        Its month, 'YYYY-MM'.
    """
    return str(date)[:7]


def published_by(date: str, month: str) -> bool:
    """Whether something published on ``date`` was public by the end of ``month``.

    Parameters
    ----------
    date : str
        The publication date, 'YYYY-MM[-DD]'.
    month : str
        The month, 'YYYY-MM'.

    Returns
    -------
    bool
        True when it was.
    """
    return month_of(date) <= str(month)


def check_month(month: str, what: str = "--as-of") -> str:
    """``month`` when it is ``YYYY-MM``; an :class:`InputError` otherwise.

    Parameters
    ----------
    month : str
        The month as given.
    what : str, optional
        What it was given as (an option or column), for the error.

    Returns
    -------
    str
        The month.

    Raises
    ------
    analysis.errors.InputError
        When it is not written ``YYYY-MM``.
    """
    text = str(month).strip()
    if not _MONTH.match(text):
        raise InputError(what, expected="a month written YYYY-MM (e.g. 2019-11)", found=text)
    return text


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def date_words(date: str) -> str:
    """``2019-12-05`` -> ``5 December 2019``; ``2017-09`` -> ``September 2017``.

    Parameters
    ----------
    date : str
        A date, 'YYYY-MM-DD' or 'YYYY-MM'.

    Returns
    -------
    str
        The date in words.
    """
    parts = str(date).split("-")
    month = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return f"{int(parts[2])} {month}" if len(parts) == 3 else month


def paper_date(date: str) -> str:
    """A paper's date as the calendar writes dates.

    ``2015`` (a year only) -> ``2015-12`` (the latest month it can mean: a paper dated by its year
    was certainly public by its end).

    Parameters
    ----------
    date : str
        The paper's date, 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.

    Returns
    -------
    str
        The date, a year given as its December.
    """
    text = str(date).strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12"
    if DATE.match(text):
        return text
    raise InputError("sources", column="date", expected="a paper date YYYY, YYYY-MM or YYYY-MM-DD", found=text)
