"""One figure per area and year from several releases: ``cla_rates`` and ``release_revisions``.

Rules (the assumptions log of the public tables; the README repeats them):

* **Which release is "the" figure**: the latest - the release whose vintage (the latest
  31 March it covers) is highest; at equal vintage a primary DfE release beats LAIT (a
  compilation).  A release that prints a figure beats one that suppresses it.  Every other
  release's different figure for the same area-year is a row of ``release_revisions``.
* **Authorities that did not exist** in a year (before or after a reorganisation,
  :data:`~.authorities.REORGANISATIONS`) have no row, so no child is counted twice in a
  series, a region or England.  A ``z`` (not applicable) in the latest release holding an
  area-year is that year's figure: ``rate_status`` *not applicable* (no number, no rate, never
  ranked), even where an older release printed 0 (Isles of Scilly 2021-2024).
* **When each figure was published** (:mod:`.release_calendar`): ``first_published`` is the
  date the figures at 31 March of the year first came out; ``value_published`` the publication
  date of the earliest release read that prints the row's number (``value_release``) - later
  than ``first_published`` when the held figure is a revision, or when the release that first
  published the year is not among the downloads (then the held figure may be a revision).
* **Population**: the one the release prints; otherwise the ONS mid-(Y-1) estimate for a rate
  at 31 March Y.  Where neither exists the rate is *not computable* and ``not_computable_reason``
  names the download that would supply it - a population is never guessed.
* **Rate**: published where printed; otherwise number x 10,000 / population rounded half up to
  a whole number, as DfE publishes (``rate_status`` = computed).  Wherever both a published rate
  and number and population exist, ``rate_check`` compares them: ``ok`` when the published rate
  is what the rule gives - for counts a release rounds to the nearest 10 (national and regional
  figures; detected from the data) any count within +/-5 of the printed one may have produced it.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .authorities import AuthorityIndex, existed, reorganisation_of
from .population import mid_year_for
from .sources import NOT_APPLICABLE, financial_year, join_flags, round_half_up

__all__ = [
    "OBSERVATION_COLUMNS", "ONS_SOURCE", "choose", "dated", "rate_range", "rate_rows", "resolve", "revisions",
]

OBSERVATION_COLUMNS = [
    "level", "old_la_code", "new_la_code", "name", "region_code", "region_name", "year", "number", "number_marker",
    "population", "population_marker", "population_mid_year", "population_source", "rate", "rate_marker",
    "release", "release_vintage", "release_primary", "source_file", "source_line", "flags"]
ONS_SOURCE = "ONS mid-year estimates file (revised figures)"


@needs(obs=("level",))
def resolve(obs: pd.DataFrame, index: AuthorityIndex) -> pd.DataFrame:
    """Fill codes, canonical names and regions from ``index``.

    Drop rows of authorities in years they did not exist and rows marked not applicable.

    Parameters
    ----------
    obs : pandas.DataFrame
        the observations read from the releases (one row per release, area and year): reads ``level``, and per level the codes, names, ``year``, ``flags``,
        ``source_file`` and ``source_line`` it needs.
    index : AuthorityIndex
        Codes, names and regions seen in the releases.

    Returns
    -------
    pandas.DataFrame
        The rows kept, with the same columns.

    Raises
    ------
    analysis.errors.InputError
        For an unknown authority code or region.
    """
    lookup = index.lookup()
    region_names = dict(zip(index.regions.region_code, index.regions.region_name, strict=True))
    keep = []
    for r in obs.to_dict("records"):
        r = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in r.items()}
        if r["level"] == "local authority":
            known = lookup.get(r["old_la_code"])
            if known is None:
                raise InputError(r["source_file"], line=int(r["source_line"]), column="old_la_code",
                                 expected="an authority code known to the EES or ONS files", found=str(r["old_la_code"]))
            if not existed(r["old_la_code"], int(r["year"])):
                continue
            printed = r["new_la_code"]
            r.update(new_la_code=known["new_la_code"] or printed, name=known["name"],
                     region_code=known["region_code"], region_name=known["region_name"])
            if printed and printed != r["new_la_code"]:  # ONS recoded e.g. Northumberland, Gateshead in 2020
                r["flags"] = join_flags(r["flags"], f"release printed code {printed}; the current code is kept")
        elif r["level"] == "regional":
            code = r["new_la_code"]
            if not code:
                region = index.region_by_name(r["region_name"] or r["name"])
                if region is None:
                    raise InputError(r["source_file"], line=int(r["source_line"]), column="region",
                                     expected="a region named as in the EES releases", found=str(r["name"]))
                code = region[0]
            name = region_names.get(code, r["name"])
            r.update(new_la_code=code, region_code=code, name=name, region_name=name)
        else:
            r.update(name="England")
        keep.append(r)
    return pd.DataFrame(keep, columns=list(obs.columns))


def _rounded_to(obs: pd.DataFrame) -> pd.Series:
    """Per row: 10 when every count its release prints at its level is a multiple of 10."""
    counts = obs.dropna(subset=["number"])
    tens = counts.groupby(["release", "level"]).number.agg(lambda s: bool((s.astype(int) % 10 == 0).all()) and len(s) > 2)
    return pd.Series([10 if tens.get((r.release, r.level), False) else 1 for r in obs.itertuples()], index=obs.index)


def _has_figure(r) -> bool:
    """A figure, or a ``z`` (not applicable): a release's statement about the area-year that a
    later release makes for it - so a newer ``z`` overrides an older release's 0."""
    return ((r.number is not None and not pd.isna(r.number)) or (r.rate is not None and not pd.isna(r.rate))
            or r.number_marker in NOT_APPLICABLE)


@needs(obs=("level", "new_la_code", "year", "release", "release_vintage", "release_primary", "number", "population"))
def choose(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen observation of each area-year and every other release's.

    Per (level, new_la_code, year) the row of the latest release with a figure (else the latest
    row).

    Parameters
    ----------
    obs : pandas.DataFrame
        the observations read from the releases (one row per release, area and year): reads ``level``, ``new_la_code``, ``year``, ``release``, ``release_vintage``,
        ``release_primary``, ``number`` and ``population``, and per row ``rate`` and
        ``number_marker`` when it has no number.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame)
        ``(chosen, others)``, both with ``counts_rounded_to`` and ``releases_holding``; a chosen
        row without a population borrows the latest other release's.
    """
    obs = obs.copy()
    obs["counts_rounded_to"] = _rounded_to(obs)
    obs["_figure"] = [_has_figure(r) for r in obs.itertuples()]
    obs["_order"] = range(len(obs))
    obs = obs.sort_values(["level", "new_la_code", "year", "_figure", "release_vintage", "release_primary", "_order"],
                          ascending=[True, True, True, False, False, False, True], kind="stable")
    first = ~obs.duplicated(["level", "new_la_code", "year"])
    held = obs.groupby(["level", "new_la_code", "year"]).release.transform("count")
    obs["releases_holding"] = held
    chosen = obs[first].drop(columns=["_figure", "_order"])
    others = obs[~first].drop(columns=["_figure", "_order"])
    return _borrow_population(chosen, others), others


def _borrow_population(chosen: pd.DataFrame, others: pd.DataFrame) -> pd.DataFrame:
    """Where the chosen release prints no population (LAIT), the latest other release's for the
    same area-year - the estimate DfE itself used - rather than a later ONS revision."""
    printed = others.dropna(subset=["population"])  # others are already sorted latest first
    printed = printed[~printed.duplicated(["level", "new_la_code", "year"])]
    by_key = {(r.level, r.new_la_code, r.year): r for r in printed.itertuples()}
    chosen = chosen.copy()
    for i, r in zip(chosen.index, chosen.itertuples(), strict=True):
        if r.population is not None and not pd.isna(r.population):
            continue
        donor = by_key.get((r.level, r.new_la_code, r.year))
        if donor is not None:
            chosen.loc[i, ["population", "population_mid_year"]] = [donor.population, donor.population_mid_year]
            chosen.loc[i, "population_source"] = f"printed in {donor.release}"
            chosen.loc[i, "flags"] = join_flags(r.flags, f"population: {donor.release} ({donor.source_file} line "
                                                          f"{donor.source_line})")
    return chosen


def _population_lookup(population: pd.DataFrame) -> dict[tuple[str, int], tuple]:
    """(old 3-digit code for an authority - stable when ONS recodes -, else the area code, mid-year)."""
    return {(r.old_la_code if isinstance(r.old_la_code, str) else r.new_la_code, int(r.mid_year)):
            (r.population, r.population_marker, r.source_file, r.source_line)
            for r in population.itertuples() if isinstance(r.new_la_code, str) or isinstance(r.old_la_code, str)}


def _missing_population(r, mid: int, have_years: list[int], marker: str | None) -> str:
    where = "England" if r.level == "national" else r.name
    if marker is not None:
        reorg = reorganisation_of(r.old_la_code or "")
        why = (f"ONS prints 'x' for {where} (estimates are on current boundaries"
               + (f"; {reorg.note}" if reorg else "") + ")")
        return (f"needs the ONS mid-{mid} estimate of children aged 0-17 for {where} on the boundaries of the "
                f"time (ONS mid-year population estimates, mid-{mid}, local authority table as then published); {why}")
    span = f"{min(have_years)}-{max(have_years)}" if have_years else "none"
    return (f"needs the ONS mid-{mid} estimate of children aged 0-17 for {where} (ONS mid-year population "
            f"estimates, mid-{mid}); the population file holds mid-years {span}")


@needs(chosen=("level", "old_la_code", "new_la_code", "name", "year", "number", "number_marker", "rate", "population", "population_source", "counts_rounded_to", "release", "release_vintage", "releases_holding", "source_file", "source_line", "flags"), population=("old_la_code", "new_la_code", "mid_year", "population", "population_marker", "source_file", "source_line"))
def rate_rows(chosen: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """``cla_rates`` rows (unvalidated) from the chosen observations and the ONS estimates.

    Parameters
    ----------
    chosen : pandas.DataFrame
        The chosen observations (:func:`choose`): reads ``level``, ``old_la_code``,
        ``new_la_code``, ``name``, ``year``, ``number``, ``number_marker``, ``rate``,
        ``population``, ``population_source``, ``counts_rounded_to``, ``release``,
        ``release_vintage``, ``releases_holding``, ``source_file``, ``source_line`` and ``flags``
        (and ``population_mid_year``, ``region_code``, ``region_name`` where they apply).
    population : pandas.DataFrame
        The ONS estimates (``population`` table): reads ``old_la_code``, ``new_la_code``,
        ``mid_year``, ``population``, ``population_marker``, ``source_file`` and ``source_line``.

    Returns
    -------
    pandas.DataFrame
        One row per area-year: rates per 10,000 children aged 0-17, published or computed, with
        the check of a published rate against its count and population.
    """
    pops = _population_lookup(population)
    have_years = sorted({int(y) for y in population.mid_year}) if len(population) else []
    out = []
    for r in chosen.itertuples():
        number = None if r.number is None or pd.isna(r.number) else int(r.number)
        pop = None if r.population is None or pd.isna(r.population) else int(r.population)
        mid = None if pop is None else int(r.population_mid_year)
        pop_source, reason, flags = r.population_source, None, [r.flags]
        if pop is None:
            mid = mid_year_for(int(r.year))
            found = pops.get((r.old_la_code if isinstance(r.old_la_code, str) else r.new_la_code, mid))
            if found is not None and found[0] is not None and not pd.isna(found[0]):
                pop, pop_source = int(found[0]), ONS_SOURCE
                flags.append(f"population: ONS mid-{mid} ({found[2]} line {found[3]})")
            else:
                reason = _missing_population(r, mid, have_years, found[1] if found is not None else None)
                mid = None
        published = None if r.rate is None or pd.isna(r.rate) else float(r.rate)
        exact = number * 10_000 / pop if number is not None and pop else None
        if published is not None:
            status, rate = "published", published
        elif exact is not None:
            status, rate = "computed", round_half_up(exact)
            flags.append("rate computed: number x 10,000 / population, rounded half up to a whole number")
        elif number is None and r.number_marker in NOT_APPLICABLE:
            status, rate, reason = "not applicable", None, None
            flags.append("not applicable (z) in the latest release holding the year: not ranked, never 0")
        elif number is None:
            status, rate = "suppressed", None
            reason = None
        else:
            status, rate = "not computable", None
        check = _check(published, number, pop, int(r.counts_rounded_to), pop_source)
        out.append({
            "geographic_level": r.level, "old_la_code": r.old_la_code, "new_la_code": r.new_la_code,
            "authority": r.name, "region_code": r.region_code if r.level != "national" else None,
            "region_name": r.region_name if r.level != "national" else None,
            "year": int(r.year), "financial_year": financial_year(int(r.year)), "number": number,
            "number_marker": r.number_marker or None, "population": pop, "population_mid_year": mid,
            "population_source": pop_source if pop is not None else None, "rate_per_10k": rate, "rate_status": status,
            "rate_recomputed_per_10k": exact, "rate_check": check, "counts_rounded_to": int(r.counts_rounded_to),
            "not_computable_reason": reason if status == "not computable" else None, "release": r.release,
            "release_vintage": int(r.release_vintage), "releases_holding": int(r.releases_holding),
            "source_file": r.source_file, "source_line": int(r.source_line), "flags": join_flags(*flags),
        })
    return pd.DataFrame(out)


def rate_range(number: int, population: int, rounded_to: int) -> tuple[float, float]:
    """The whole-number rates a printed count could give.

    The count itself (``rounded_to`` 1) or any count within half the rounding of it (rounded to
    10: +/-5).

    Parameters
    ----------
    number : int
        The printed count of children.
    population : int
        Children aged 0-17.
    rounded_to : int
        What the release rounds counts to (1 or 10).

    Returns
    -------
    tuple of (float, float)
        The lowest and highest rate per 10,000 children aged 0-17, rounded half up.
    """
    half = rounded_to / 2 if rounded_to > 1 else 0
    low = round_half_up(max(number - half, 0) * 10_000 / population)
    high = round_half_up((number + half) * 10_000 / population)
    return low, high


def _check(published, number, pop, rounded_to: int, pop_source) -> str | None:
    if published is None or number is None or not pop:
        return None
    low, high = rate_range(number, pop, rounded_to)
    if low <= published <= high:
        return "ok"
    if pop_source == ONS_SOURCE:
        return "differs: population vintage (revised ONS estimate, not the one DfE used)"
    return "differs"


@needs(chosen=("level", "new_la_code", "year", "number", "population", "rate"), others=("level", "new_la_code", "year", "number", "population", "rate"))
def revisions(chosen: pd.DataFrame, others: pd.DataFrame) -> pd.DataFrame:
    """One row per measure where another release prints a different figure for the same area-year.

    Its value against the chosen (latest) release's; difference = latest - other.

    Parameters
    ----------
    chosen : pandas.DataFrame
        The chosen observations (:func:`choose`): reads ``level``, ``new_la_code``, ``year``,
        ``number``, ``population`` and ``rate`` (and ``old_la_code``, ``name``, ``release``,
        ``source_file``, ``source_line`` of a revised one).
    others : pandas.DataFrame
        Every other release's observations: reads ``level``, ``new_la_code``, ``year``,
        ``number``, ``population`` and ``rate`` (and ``release``, ``source_file``, ``source_line``
        of a revised one).

    Returns
    -------
    pandas.DataFrame
        The ``release_revisions`` rows (rates per 10,000 children aged 0-17).
    """
    latest = {(r["level"], r["new_la_code"], r["year"]): r for r in chosen.to_dict("records")}
    out = []
    for r in others.itertuples():
        best = latest[(r.level, r.new_la_code, r.year)]
        for measure, col in (("number", "number"), ("population", "population"), ("rate_per_10k", "rate")):
            mine, theirs = getattr(r, col), best[col]
            if mine is None or pd.isna(mine) or theirs is None or pd.isna(theirs) or float(mine) == float(theirs):
                continue
            out.append({
                "geographic_level": r.level, "old_la_code": best["old_la_code"], "new_la_code": r.new_la_code,
                "authority": best["name"], "year": int(r.year), "measure": measure,
                "release": r.release, "value": float(mine), "latest_release": best["release"],
                "latest_value": float(theirs), "difference": float(theirs) - float(mine),
                "published": _release_date(r.release, measure),
                "latest_published": _release_date(best["release"], measure),
                "source_file": r.source_file, "source_line": int(r.source_line),
                "latest_source_file": best["source_file"], "latest_source_line": int(best["source_line"]),
            })
    cols = ["geographic_level", "old_la_code", "new_la_code", "authority", "year", "measure", "release", "value",
            "latest_release", "latest_value", "difference", "published", "latest_published", "source_file",
            "source_line", "latest_source_file", "latest_source_line"]
    return pd.DataFrame(out, columns=cols)


def _release_date(release: str, measure: str = "number") -> str:
    from .release_calendar import release_entry

    return release_entry(release, measure).published


@needs(rates=("year", "number", "release"), others=("number",))
def dated(rates: pd.DataFrame, others: pd.DataFrame) -> pd.DataFrame:
    """``cla_rates`` rows with the dates their figures were published.

    ``first_published`` (the calendar's date for 31 March of the year), ``value_published`` and
    ``value_release``: of the chosen release and every other release printing the same number for
    the area-year, the one published first.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``cla_rates`` rows: reads ``year``, ``number`` and ``release`` (and ``geographic_level``,
        ``new_la_code`` for a row with a number).
    others : pandas.DataFrame
        The other releases' observations (:func:`choose`): reads ``number`` (and ``level``,
        ``new_la_code``, ``year``, ``release`` for a row with one).

    Returns
    -------
    pandas.DataFrame
        A copy of ``rates`` with the three columns.
    """
    from .release_calendar import entry

    same: dict[tuple, list[str]] = {}
    for r in others.itertuples():
        if r.number is not None and not pd.isna(r.number):
            same.setdefault((r.level, r.new_la_code, int(r.year), int(r.number)), []).append(r.release)
    out = rates.copy()
    first, value, release = [], [], []
    for r in out.itertuples():
        first.append(entry("cla_31_march", str(int(r.year))).published)
        number = None if r.number is None or pd.isna(r.number) else int(r.number)
        candidates = [r.release] + (same.get((r.geographic_level, r.new_la_code, int(r.year), number), [])
                                    if number is not None else [])
        dates = sorted((_release_date(c), c) for c in dict.fromkeys(candidates))
        value.append(dates[0][0])
        release.append(dates[0][1])
    out["first_published"], out["value_published"], out["value_release"] = first, value, release
    return out
