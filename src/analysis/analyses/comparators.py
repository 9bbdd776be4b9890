"""Comparator analysis: an authority's rate of children looked after (CLA) against its statistical
neighbours.

Input is the ``comparator_rates`` table (rates as printed in a paper's neighbours table) and, for the
size of the child population, the ``cla_trajectories`` table.  Rates are **children looked after
per 10,000 children aged 0-17** (``*_per_10k``).  The neighbours' average is computed here from
the neighbours' printed rates (mean by default, median on request); an average the paper prints
is kept as printed and shown beside the computed one, never replaced by it.

The gap is stated two ways, both signed so that **positive = the subject looks after more
children than it would at the comparison rate**:

* ``gap_per_10k`` = subject rate − average;
* ``gap_children`` = ``gap_per_10k`` × child population ÷ 10,000, where the child population is
  the one implied by the paper's own number and rate for that year (number × 10,000 ÷ rate),
  because the papers print no population.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import assumptions
from ..errors import InputError
from ..schemas import needs

__all__ = [
    "AVERAGES", "COMPARATOR_COLUMNS", "RATE_UNIT", "check_average", "children_gap", "comparator_table", "gap_table",
    "implied_population", "latest_year", "neighbour_average", "printed_neighbour_average", "stated_averages",
    "subject_population", "summary", "summary_sentences",
]

AVERAGES = ("mean", "median")
RATE_UNIT = "children looked after per 10,000 children aged 0-17"
#: the comparator_rates columns :func:`comparator_table` reads (and what calls it)
COMPARATOR_COLUMNS = ("subject_authority", "row_type", "year", "authority", "rate_per_10k", "is_subject", "document",
          "table_name", "source_line")


def check_average(how: str) -> None:
    """Refuse an average other than the mean or the median (``assumptions.NEIGHBOUR_AVERAGE``).

    Parameters
    ----------
    how : str
        ``mean`` or ``median``.

    Raises
    ------
    ValueError
        For anything else.
    """
    if how not in AVERAGES:
        raise ValueError(f"average must be one of {', '.join(AVERAGES)}; got {how!r}")


@needs(comparator_rates=COMPARATOR_COLUMNS)
def comparator_table(comparator_rates: pd.DataFrame, subject: str, year: str) -> pd.DataFrame:
    """The subject and its statistical neighbours for ``year``, one row per authority, highest
    rate first.  Printed averages are not rows here (see :func:`stated_averages`).

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads ``subject_authority``, ``row_type``, ``year``,
        ``authority``, ``rate_per_10k`` (per 10,000 children aged 0-17), ``is_subject``,
        ``document``, ``table_name`` and ``source_line``.
    subject : str
        The council compared (``subject_authority``).
    year : str
        Financial year ``YYYY-YY`` of the printed rates.

    Returns
    -------
    pandas.DataFrame
        ``authority``, ``rate_per_10k`` (as printed), ``is_subject``, ``rank`` (1 = the highest
        rate), ``document``, ``table_name``, ``source_line``.

    Raises
    ------
    InputError
        Naming what exists, when the subject, or its neighbours, have no rate for ``year``.
    """
    papers = comparator_rates[comparator_rates["subject_authority"] == subject]
    if papers.empty:
        known = ", ".join(sorted(comparator_rates["subject_authority"].dropna().unique())) or "none"
        raise InputError("comparator_rates", column="subject_authority",
                         expected=f"an authority compared with its neighbours (known: {known})", found=subject)
    rows = papers[(papers["row_type"] == "authority") & (papers["year"] == year)]
    subject_rows = rows[rows["is_subject"].astype(bool)]
    neighbours = rows[~rows["is_subject"].astype(bool)]
    if subject_rows.empty or neighbours.empty:
        years = papers[(papers["row_type"] == "authority") & ~papers["is_subject"].astype(bool)]["year"]
        known = ", ".join(sorted(years.dropna().unique())) or "none"
        raise InputError("comparator_rates", column="year",
                         expected=f"a year with rates for {subject} and its neighbours (known: {known})", found=year)
    keep = ["authority", "rate_per_10k", "is_subject", "document", "table_name", "source_line"]
    table = rows[keep].copy()
    table["rate_per_10k"] = table["rate_per_10k"].astype(float)
    table["is_subject"] = table["is_subject"].astype(bool)
    table = table.sort_values(["rate_per_10k", "authority"], ascending=[False, True]).reset_index(drop=True)
    table.insert(3, "rank", table["rate_per_10k"].rank(ascending=False, method="min").astype(int))
    return table


@needs(comparator_rates=("subject_authority", "row_type", "is_subject", "year"))
def latest_year(comparator_rates: pd.DataFrame, subject: str) -> str:
    """The latest year with printed rates for ``subject``'s neighbours.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads ``subject_authority``, ``row_type``, ``is_subject``
        and ``year``.
    subject : str
        The council compared.

    Returns
    -------
    str
        Financial year ``YYYY-YY``.

    Raises
    ------
    InputError
        Naming the subjects that exist, when there is none for ``subject``.
    """
    mine = comparator_rates[(comparator_rates["subject_authority"] == subject)
                            & (comparator_rates["row_type"] == "authority")
                            & ~comparator_rates["is_subject"].astype(bool)]
    if mine.empty:
        known = ", ".join(sorted(comparator_rates["subject_authority"].dropna().unique())) or "none"
        raise InputError("comparator_rates", column="subject_authority",
                         expected=f"an authority compared with its neighbours (known: {known})", found=subject)
    return str(sorted(mine["year"].unique())[-1])


@needs(table=("is_subject", "rate_per_10k"))
def neighbour_average(table: pd.DataFrame, how: str = assumptions.NEIGHBOUR_AVERAGE) -> float:
    """Mean or median of the neighbours' printed rates (the subject excluded).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`comparator_table`'s table; reads ``is_subject`` and ``rate_per_10k``.
    how : str, default ``assumptions.NEIGHBOUR_AVERAGE``
        ``mean`` or ``median``.

    Returns
    -------
    float
        Children looked after per 10,000 children aged 0-17.
    """
    check_average(how)
    rates = table.loc[~table["is_subject"], "rate_per_10k"].astype(float)
    return float(rates.mean() if how == "mean" else rates.median())


def _members(average_of: str, neighbours: list[str]) -> list[str]:
    """Which neighbours a printed average names: 'statistical neighbours' = all of them;
    'Bournemouth/Southend/Plymouth' = each name matched to the neighbour it begins."""
    text = (average_of or "").strip()
    if text.lower() in ("statistical neighbours", "statistical neighbour", ""):
        return list(neighbours)
    out = []
    for part in (p.strip().lower() for p in text.split("/")):
        out += [n for n in neighbours if n.lower().startswith(part)]
    return out


@needs(comparator_rates=COMPARATOR_COLUMNS)
def stated_averages(comparator_rates: pd.DataFrame, subject: str, year: str) -> pd.DataFrame:
    """Each average the paper prints for ``year`` beside the mean recomputed from the printed
    rates of the authorities it names.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads what :func:`comparator_table` reads and, for the
        stated averages, ``average_of``.
    subject : str
        The council compared.
    year : str
        Financial year ``YYYY-YY``.

    Returns
    -------
    pandas.DataFrame
        ``label``, ``average_of``, ``authorities`` (those averaged), ``printed_per_10k``,
        ``computed_mean_per_10k``, ``difference_per_10k`` (printed − computed; per 10,000
        children aged 0-17), ``source_line``.
    """
    table = comparator_table(comparator_rates, subject, year)
    neighbours = table[~table.is_subject]
    rates = dict(zip(neighbours.authority, neighbours.rate_per_10k, strict=True))
    stated = comparator_rates[(comparator_rates["subject_authority"] == subject)
                              & (comparator_rates["row_type"] == "stated_average")
                              & (comparator_rates["year"] == year)]
    rows = []
    for r in stated.itertuples():
        members = _members(r.average_of if isinstance(r.average_of, str) else "", list(rates))
        computed = sum(rates[m] for m in members) / len(members) if members else math.nan
        rows.append({"label": r.authority, "average_of": r.average_of, "authorities": ", ".join(members),
                     "printed_per_10k": float(r.rate_per_10k), "computed_mean_per_10k": computed,
                     "difference_per_10k": float(r.rate_per_10k) - computed, "source_line": int(r.source_line)})
    return pd.DataFrame(rows, columns=["label", "average_of", "authorities", "printed_per_10k",
                                       "computed_mean_per_10k", "difference_per_10k", "source_line"])


@needs(comparator_rates=COMPARATOR_COLUMNS)
def printed_neighbour_average(comparator_rates: pd.DataFrame, subject: str, year: str) -> float | None:
    """The paper's own statistical-neighbour average for ``year``.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads what :func:`stated_averages` reads.
    subject : str
        The council compared.
    year : str
        Financial year ``YYYY-YY``.

    Returns
    -------
    float or None
        Per 10,000 children aged 0-17; ``None`` when the paper prints none.
    """
    stated = stated_averages(comparator_rates, subject, year)
    everyone = stated[stated.average_of.fillna("").str.lower().str.startswith("statistical neighbour")]
    return float(everyone.printed_per_10k.iloc[0]) if len(everyone) else None


def implied_population(number: float, rate_per_10k: float) -> float:
    """Child population (aged 0-17) implied by a number of children looked after and its rate per
    10,000: number × 10,000 ÷ rate.

    Parameters
    ----------
    number : float
        Children looked after.
    rate_per_10k : float
        Children looked after per 10,000 children aged 0-17.

    Returns
    -------
    float
        Children aged 0-17.

    Raises
    ------
    ValueError
        When the rate is 0 or missing.
    """
    if not rate_per_10k or pd.isna(rate_per_10k):
        raise ValueError("a rate per 10,000 is needed to imply a population")
    return float(number) * 10_000 / float(rate_per_10k)


@needs(cla_trajectories=("authority", "year", "series", "rate_per_10k", "number", "document", "table_name",
                         "source_line"))
def subject_population(cla_trajectories: pd.DataFrame, subject: str, year: str) -> pd.Series:
    """The child population implied for ``year`` by the paper's actual CLA number and printed rate.

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as printed; reads ``authority``, ``year``, ``series``,
        ``rate_per_10k``, ``number``, ``document``, ``table_name`` and ``source_line``.
    subject : str
        The council.
    year : str
        Financial year ``YYYY-YY``.

    Returns
    -------
    pandas.Series
        ``number`` (children), ``rate_per_10k``, ``population`` (children aged 0-17),
        ``document``, ``table_name``, ``source_line``.

    Raises
    ------
    InputError
        When the papers print no actual number and rate for that year.
    """
    rows = cla_trajectories[(cla_trajectories["authority"] == subject) & (cla_trajectories["year"] == year)
                            & (cla_trajectories["series"] == "actual") & cla_trajectories["rate_per_10k"].notna()]
    if rows.empty:
        have = cla_trajectories[(cla_trajectories["authority"] == subject) & (cla_trajectories["series"] == "actual")
                                & cla_trajectories["rate_per_10k"].notna()]["year"]
        known = ", ".join(sorted(have.unique())) or "none"
        raise InputError("cla_trajectories", column="year",
                         expected=f"a year with an actual number and rate for {subject} (known: {known})", found=year)
    r = rows.iloc[0]
    return pd.Series({"number": int(r.number), "rate_per_10k": float(r.rate_per_10k),
                      "population": implied_population(r.number, r.rate_per_10k), "document": r.document,
                      "table_name": r.table_name, "source_line": int(r.source_line)})


def children_gap(subject_rate_per_10k: float, average_per_10k: float, population: float) -> float:
    """How many more children the subject looks after than it would at ``average_per_10k``.

    Parameters
    ----------
    subject_rate_per_10k : float
        The subject's rate per 10,000 children aged 0-17.
    average_per_10k : float
        The comparison rate, same unit.
    population : float
        The subject's children aged 0-17.

    Returns
    -------
    float
        (subject rate − average) × population ÷ 10,000, children (negative = fewer).
    """
    return (float(subject_rate_per_10k) - float(average_per_10k)) * float(population) / 10_000


@needs(table=("is_subject", "rate_per_10k", "authority", "rank"))
def summary(table: pd.DataFrame, population: float, how: str = assumptions.NEIGHBOUR_AVERAGE,
            printed_average_per_10k: float | None = None) -> pd.Series:
    """The comparison in one row.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`comparator_table`'s table; reads ``is_subject``, ``rate_per_10k``, ``authority``
        and ``rank``.
    population : float
        The subject's children aged 0-17 (:func:`subject_population`).
    how : str, default ``assumptions.NEIGHBOUR_AVERAGE``
        ``mean`` or ``median``.
    printed_average_per_10k : float, optional
        The paper's own average, carried into the row.

    Returns
    -------
    pandas.Series
        Subject, its rate and rank, the neighbours' computed average (``how``), the printed
        average, the gap per 10,000 children aged 0-17 and in children (signed, and as magnitudes
        ``*_abs`` with ``more_or_fewer`` saying which way), and the ratio of the subject's rate
        to the average.
    """
    average = neighbour_average(table, how)
    subject = table[table.is_subject].iloc[0]
    gap = float(subject.rate_per_10k) - average
    gap_children = children_gap(subject.rate_per_10k, average, population)
    return pd.Series({
        "subject": subject.authority, "subject_rate_per_10k": float(subject.rate_per_10k),
        "rank": int(subject["rank"]), "authorities": len(table), "neighbours": int((~table.is_subject).sum()),
        "average": how, "average_per_10k": average,
        "printed_average_per_10k": printed_average_per_10k,
        "gap_per_10k": gap, "population": float(population), "gap_children": gap_children,
        "gap_per_10k_abs": abs(gap), "gap_children_abs": abs(gap_children),
        "more_or_fewer": "more" if gap >= 0 else "fewer", "at_average": "fewer" if gap >= 0 else "more",
        "ratio_to_average": float(subject.rate_per_10k) / average,
    })


@needs(table=("is_subject", "rate_per_10k"))
def gap_table(table: pd.DataFrame, population: float, printed_average_per_10k: float | None = None,
              national_rate_per_10k: float | None = None, national_source: str = "parameter") -> pd.DataFrame:
    """The gap against every comparison rate at once: neighbours' mean and median, the printed
    average, the national rate when given.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`comparator_table`'s table; reads ``is_subject`` and ``rate_per_10k``.
    population : float
        The subject's children aged 0-17.
    printed_average_per_10k : float, optional
        The paper's own average (per 10,000 children aged 0-17).
    national_rate_per_10k : float, optional
        England's rate, same unit.
    national_source : str, default "parameter"
        Where the national rate came from, for its row's label.

    Returns
    -------
    pandas.DataFrame
        ``comparison``, ``rate_per_10k``, ``gap_per_10k``, ``gap_children`` (positive = the
        subject looks after more).
    """
    subject_rate = float(table[table.is_subject].rate_per_10k.iloc[0])
    rows = [(f"Neighbours' {how} (computed)", neighbour_average(table, how)) for how in AVERAGES]
    if printed_average_per_10k is not None:
        rows.append(("Neighbours' average (printed)", float(printed_average_per_10k)))
    if national_rate_per_10k:
        rows.append((f"National rate ({national_source})", float(national_rate_per_10k)))
    return pd.DataFrame([{"comparison": name, "rate_per_10k": rate, "gap_per_10k": subject_rate - rate,
                          "gap_children": children_gap(subject_rate, rate, population)} for name, rate in rows])


# --------------------------------------------------------------------------------------------- chart


def summary_sentences(s: pd.Series, year: str, printed_average_per_10k: float | None) -> tuple[str, str]:
    """:func:`summary` in words: the finding, then the rank and the printed average.

    Parameters
    ----------
    s : pandas.Series
        :func:`summary`'s row.
    year : str
        Financial year ``YYYY-YY``, as the sentence prints it.
    printed_average_per_10k : float or None
        The paper's own average (per 10,000 children aged 0-17).

    Returns
    -------
    tuple of (str, str)
        The finding, then the rank and printed average.
    """
    from ..numbers import number

    finding = (f"In {year} {s.subject} looked after {number(s.subject_rate_per_10k)} children per 10,000, "
               f"{number(s.gap_per_10k_abs, 1)} {s.more_or_fewer} than the {s.average} of its {s.neighbours} "
               f"statistical neighbours' rates ({number(s.average_per_10k, 1)}); at that {s.average} it would look "
               f"after about {number(s.gap_children_abs)} {s.at_average} children.")
    printed = number(printed_average_per_10k) if printed_average_per_10k is not None else "nothing"
    return finding, f"It ranks {s['rank']} of {s.authorities}; the paper prints the neighbours' average as {printed}."
