"""``--year`` and ``--as-of``: which public-statistics packs to make, decided before any report runs.

A year pack is dated the month the figures at 31 March of the year were first published
(:func:`year_period`, from the release calendar: ``--year 2024`` makes packs for November
2024, not a March 2024 pack showing figures published in November); like every pack it shows the
statistics published by its month.  ``--as-of YYYY-MM`` makes the packs asked for - their period
unchanged - with the statistics published up to that later month, a labelled hindsight view
(:func:`hindsight_note`); earlier than a pack's month it is refused (:func:`refuse_early_as_of`),
and so is a ``--year`` whose figures were not yet published at the ``--as-of`` month.

A year pack is about one figure: the authority's rate of children looked
after per 10,000 children aged 0-17 at 31 March of the year, as ``cla_rates`` gives it
(published, or computed from the published number and ONS's population; ``rate_status``).  Its
reports show the latest rate at or before the pack's period (``public_pack.choose_year``), so a
pack for a year without a rate would headline an earlier year's - ``--year 2011`` published
Torbay's 31 March 2010 rate as March 2011's.  Such a pack is refused here instead, by name, with
the reason ``cla_rates`` records (:func:`missing_figure`); with no ``--authority``, authorities
without a rate that year get no pack (the England page lists them with their status), and a
year in which none has one is refused.

The check is one function of (authority, year) so that a pack "as at" a date can ask it of the
year it would show.  Names are matched as everywhere else (:func:`analysis.names.match`)
against the releases' names; a name only the papers know is told so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..errors import InputError, ReportError
from ..manifest import PERIOD_RE
from ..names import match, slug
from ..schemas import needs
from ..statistics.as_at import hindsight_note as hindsight_note  # re-exported for plan and publish

__all__ = [
    "check_as_of", "local_authorities", "missing_figure", "not_yet_published", "public_packs",
    "refuse_early_as_of", "release_name", "resolve_public_packs", "year_month_sentence", "year_period",
    "year_without_rates", "years_text",
]


def year_period(year: int) -> str:
    """The pack period of a public-statistics year.

    The month the figures at 31 March of the year were first published (the release calendar's
    date; ``public by`` where the day is not confirmed).

    Parameters
    ----------
    year : int
        The year of the figures at 31 March.

    Returns
    -------
    str
        The pack's period, ``'YYYY-MM'``.

    Raises
    ------
    ReportError
        When the calendar does not date the year.
    """
    from ..statistics.release_calendar import entry, month_of

    try:
        return month_of(entry("cla_31_march", str(int(year))).published)
    except InputError as exc:
        raise ReportError(f"--year {year}: {exc}") from None


def year_month_sentence(year: int) -> str:
    """What the command says about a ``--year``: which month its packs are dated and why.

    Parameters
    ----------
    year : int
        The year of the figures at 31 March.

    Returns
    -------
    str
        One line.
    """
    from ..statistics.release_calendar import date_words, entry

    e = entry("cla_31_march", str(int(year)))
    return (f"--year {year}: packs dated {date_words(year_period(year))}, when the figures at 31 March {year} were "
            f"{e.label} ({e.release})")


def check_as_of(as_of: str) -> None:
    """``--as-of`` is empty or ``YYYY-MM``.

    Parameters
    ----------
    as_of : str
        The ``--as-of`` value (empty = not given).

    Raises
    ------
    ReportError
        When it is not a month written ``YYYY-MM``.
    """
    if as_of and not PERIOD_RE.match(as_of):
        raise ReportError(f"--as-of {as_of!r}: expected a month written YYYY-MM (e.g. 2026-03)")


def refuse_early_as_of(packs: Sequence[tuple[str, str]], as_of: str) -> None:
    """One error line when ``--as-of`` is earlier than the month of a pack asked for.

    Parameters
    ----------
    packs : sequence of (str, str)
        The packs asked for: (authority, period ``'YYYY-MM'``).
    as_of : str
        The ``--as-of`` month, ``'YYYY-MM'`` (empty = not given).

    Raises
    ------
    ReportError
        Naming the first pack dated after ``as_of`` and how many more there are.
    """
    early = [(a, p) for a, p in packs if as_of and as_of < p]
    if early:
        a, p = early[0]
        raise ReportError(f"--as-of {as_of}: earlier than the month of the pack {slug(a)}/{p}"
                          + (f" and {len(early) - 1} more" if len(early) > 1 else "")
                          + "; a pack shows what was published by its month, --as-of can only look later")


def not_yet_published(year: int, month: str) -> str | None:
    """Why the figures at 31 March ``year`` cannot be shown as at ``month``, in one line.

    Parameters
    ----------
    year : int
        The year of the figures at 31 March.
    month : str
        The month they are to be shown as at, ``'YYYY-MM'``.

    Returns
    -------
    str or None
        The reason (not yet published then, with the release and its source); ``None`` when they
        were published by the month's end.
    """
    from ..statistics.release_calendar import entry, published_by

    e = entry("cla_31_march", str(int(year)))
    if published_by(e.published, month):
        return None
    return (f"--year {year}: the figures at 31 March {year} were not yet published at {month} ({e.label}, "
            f"{e.release}; source {e.source})")


@needs(rates=("geographic_level",))
def local_authorities(rates: pd.DataFrame) -> pd.DataFrame:
    """The authorities' rows of ``cla_rates`` (not regions or England).

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``cla_rates`` table: ``geographic_level``.

    Returns
    -------
    pandas.DataFrame
        The rows whose ``geographic_level`` is ``local authority``.
    """
    return rates[rates.geographic_level == "local authority"]


def years_text(years: Sequence[int]) -> str:
    """``[2010, 2013, 2014, 2015]`` -> ``'2010, 2013-2015'``.

    Parameters
    ----------
    years : sequence of int
        Years, in any order, repeats allowed.

    Returns
    -------
    str
        Runs of consecutive years joined; ``'none'`` for no year.
    """
    runs: list[list[int]] = []
    for y in sorted(set(int(v) for v in years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs) or "none"


@needs(las=("authority", "year", "rate_per_10k"))
def missing_figure(las: pd.DataFrame, authority: str, year: int) -> str | None:
    """Why ``authority`` has no rate at 31 March ``year`` in ``las``, in one sentence.

    Parameters
    ----------
    las : pandas.DataFrame
        The authorities' rows of ``cla_rates`` (:func:`local_authorities`): ``authority``, ``year``
        and ``rate_per_10k``; and ``rate_status``, ``not_computable_reason`` and ``number`` when
        the authority has a row that year, ``old_la_code`` when it has none.
    authority : str
        The authority, as the releases spell it.
    year : int
        The year of the figures at 31 March.

    Returns
    -------
    str or None
        The reason; ``None`` when it has a rate.
    """
    mine = las[las.authority == authority]
    rows = mine[mine.year == year]
    if rows.rate_per_10k.notna().any():
        return None
    rated = years_text(mine[mine.rate_per_10k.notna()].year)
    if rows.empty:
        return (f"{authority} has no figure at 31 March {year} in cla_rates{_reorganised(mine)}; years with a rate "
                f"for {authority}: {rated}")
    row = rows.iloc[0]
    why = str(row.rate_status) + (f" ({row.not_computable_reason})" if isinstance(row.not_computable_reason, str)
                                  and row.not_computable_reason else "")
    number = "" if pd.isna(row.number) else f"; the releases give its number looked after, {int(row.number):,}"
    return (f"{authority} has no rate at 31 March {year} in cla_rates: {why}{number}; years with a rate for "
            f"{authority}: {rated}")


def _reorganised(mine: pd.DataFrame) -> str:
    from ..statistics.authorities import reorganisation_of

    notes = {r.note for code in sorted(set(mine.old_la_code.dropna())) if (r := reorganisation_of(code))}
    return f" ({'; '.join(sorted(notes))})" if notes else ""


@needs(rates=("geographic_level", "year", "rate_per_10k"))
def year_without_rates(rates: pd.DataFrame, year: int) -> str | None:
    """Why no authority has a rate at 31 March ``year``.

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``cla_rates`` table (children looked after per 10,000 children aged 0-17 at 31 March):
        ``geographic_level``, ``authority``, ``year`` and ``rate_per_10k``; ``number``, ``not_computable_reason`` when no authority has one.
    year : int
        The year of the figures at 31 March.

    Returns
    -------
    str or None
        The reason, as a ``--year`` error line; ``None`` when some authority has a rate.
    """
    las = local_authorities(rates)
    if las[(las.year == year) & las.rate_per_10k.notna()].shape[0]:
        return None
    if las.empty:
        return f"--year {year}: cla_rates is empty"
    rows = las[las.year == year]
    if rows.empty:
        return (f"--year {year}: no authority has a figure at 31 March {year} in cla_rates (years: "
                f"{years_text(las.year)})")
    national = rates[(rates.year == year) & (rates.geographic_level != "local authority")
                     & rates.not_computable_reason.notna()]
    example = (national if len(national) else rows[rows.not_computable_reason.notna()]).head(1)
    why = f": {example.authority.iloc[0]}'s {example.not_computable_reason.iloc[0]}" if len(example) else ""
    return (f"--year {year}: no authority has a rate at 31 March {year} in cla_rates (the releases give "
            f"{rows.number.notna().sum()} authorities' numbers, no rate{why}); years with a rate: "
            f"{years_text(las[las.rate_per_10k.notna()].year)}")


@needs(rates=("geographic_level", "authority"))
def release_name(wanted: str, rates: pd.DataFrame, papers: Mapping[str, Sequence[str]],
                 years: Sequence[int]) -> tuple[str | None, str | None]:
    """The releases' spelling of ``wanted``, or why there is none.

    Why not, in one line: a name only the papers know, a region, several names, or none (with "did
    you mean" from both).

    Parameters
    ----------
    wanted : str
        The name asked for (``--authority``).
    rates : pandas.DataFrame
        The ``cla_rates`` table (children looked after per 10,000 children aged 0-17 at 31 March):
        ``geographic_level``, ``authority``, ``year`` and ``rate_per_10k``.
    papers : mapping of str to sequence of str
        Authority -> its papers' periods (:func:`analysis.data.authority_periods`).
    years : sequence of int
        The ``--year`` values (31 March of each).

    Returns
    -------
    name : str or None
        The releases' spelling; ``None`` when not found.
    problem : str or None
        Why not, one line; ``None`` when found.
    """
    las = local_authorities(rates)
    others = sorted(set(rates[rates.geographic_level != "local authority"].authority.dropna()))
    found = match(wanted, sorted(set(las.authority.dropna())), others=others)
    if found.found:
        return found.name, None
    flag = f"--year {', '.join(map(str, years))}"
    if found.candidates:
        return None, f"{flag}: {found.ambiguity()}"
    if found.other:
        hint = f" ({found.did_you_mean()})" if found.suggestions else ""
        return None, f"{flag}: {found.not_authority()}{hint}"
    own = match(wanted, sorted(papers))
    if own.name is not None:
        return None, (f"{flag}: {own.name} has papers (periods {', '.join(papers[own.name])}) but no published "
                      "statistics: the releases name no such English authority")
    hint = match(wanted, sorted(papers), sorted(set(las.authority.dropna())), others=others).did_you_mean()
    return None, (f"{flag}: {wanted!r} has no figure at 31 March {' or '.join(map(str, years))} in cla_rates: no English "
                  "authority in the releases is called that, and no papers are registered under that name"
                  + (f" ({hint})" if hint else ""))


@needs(rates=("geographic_level", "authority", "year", "rate_per_10k"))
def public_packs(rates: pd.DataFrame, authorities: Sequence[str] | None, years: Sequence[int],
                 papers: Mapping[str, Sequence[str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """The packs a ``--year`` asks for, and the problems with it.

    A pack dated :func:`year_period` for each authority named (default: every one with a rate that
    year) and each year.

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``cla_rates`` table (children looked after per 10,000 children aged 0-17 at 31 March):
        ``geographic_level``, ``authority``, ``year`` and ``rate_per_10k`` (and what :func:`missing_figure` and :func:`year_without_rates` read).
    authorities : sequence of str or None
        The ``--authority`` names; ``None`` or empty = every authority with a rate.
    years : sequence of int
        The ``--year`` values (31 March of each).
    papers : mapping of str to sequence of str
        Authority -> its papers' periods (:func:`analysis.data.authority_periods`), to tell a name
        only the papers know.

    Returns
    -------
    packs : list of (str, str)
        (authority as the releases spell it, period ``'YYYY-MM'``).
    problems : list of str
        One line per problem.
    """
    years = list(dict.fromkeys(int(y) for y in years))
    las = local_authorities(rates)
    problems: list[str] = []
    chosen: list[str] = []
    for wanted in dict.fromkeys(authorities or ()):
        name, problem = release_name(wanted, rates, papers, years)
        problems += [problem] if problem else []
        chosen += [name] if name else []
    packs = []
    for year in years:
        if not authorities:  # every authority with a rate; none: the year is refused
            empty = year_without_rates(rates, year)
            rated = las[(las.year == year) & las.rate_per_10k.notna()]
            problems += [empty] if empty else []
            packs += [(a, year_period(year)) for a in sorted(set(rated.authority))]
            continue
        if las[las.year == year].empty:  # no release covers the year: one line, not one per name
            problem = year_without_rates(rates, year)
            assert problem is not None  # no row that year, so no rate
            problems.append(problem)
            continue
        for name in dict.fromkeys(chosen):
            why = missing_figure(las, name, year)
            if why:
                problems.append(f"--year {year}: {why}")
            else:
                packs.append((name, year_period(year)))
    return packs, problems


def resolve_public_packs(processed_dir: Path, authorities: Sequence[str] | None, years: Sequence[int],
                         sources=None, as_of: str = "") -> list[tuple[str, str]]:
    """``--year``: the packs to make, or one error naming every problem.

    A pack dated :func:`year_period` for each authority (default: every English authority) with a
    rate at 31 March of the year in ``cla_rates``, papers or not; with ``as_of``, a year not yet
    published at that month is refused.  Nothing is published.

    Parameters
    ----------
    processed_dir : pathlib.Path
        The processed tables (``cla_rates`` is read from them).
    authorities : sequence of str or None
        The ``--authority`` names; ``None`` = every authority with a rate.
    years : sequence of int
        The ``--year`` values (31 March of each).
    sources : pandas.DataFrame, optional
        The papers' sources (:func:`analysis.data.authority_periods` reads them); ``None`` = no
        papers.
    as_of : str, default ""
        The ``--as-of`` month, ``'YYYY-MM'`` (empty = not given).

    Returns
    -------
    list of (str, str)
        (authority, period ``'YYYY-MM'``) of each pack.

    Raises
    ------
    ReportError
        Every problem as a line: a year not yet published at ``as_of``, no ``cla_rates``, an
        authority without a rate or unknown, two authorities sharing a folder.
    """
    late = [why for y in dict.fromkeys(int(v) for v in years) if as_of and (why := not_yet_published(y, as_of))]
    if late:
        raise ReportError("\n".join(late))
    from ..data import authority_periods, read_table
    from ..tableset import read_manifest

    if "cla_rates.parquet" not in read_manifest(Path(processed_dir))["files"]:
        raise ReportError(f"--year needs the public statistics in {processed_dir}: run "
                          "`python -m analysis public-stats --source DIR` first")
    rates = read_table("cla_rates", processed_dir)
    papers = authority_periods(sources) if sources is not None else {}
    packs, problems = public_packs(rates, authorities, years, papers)
    slugs: dict[str, str] = {}
    for name, _ in packs:
        if slugs.setdefault(slug(name), name) != name:
            problems.append(f"authorities {slugs[slug(name)]!r} and {name!r} would share the folder reports/{slug(name)}/")
    if problems:
        raise ReportError("\n".join(dict.fromkeys(problems)))
    return packs
