"""What happened next: each plan in a council's papers against the published figures that
followed, and a paper's own comparator reproduced from the public releases.

Inputs: ``cla_trajectories`` (plans and actuals as the papers print them), ``comparator_rates``
(a paper's neighbour table) and the public tables through
:class:`~analysis.analyses.benchmarks.PublicData`.  A plan's year ``2018-19`` is compared with the
published figure at 31 March 2019.  Series names and labels come from the data.

Signs: ``distance_children`` = published - planned (positive = more children than planned);
``distance_per_10k`` likewise for rates.  Where a plan prints no rate its rate is derived from
its number with the child population the published figure for that year uses
(``plan_rate_basis`` says so).  In the reproduction, ``difference`` = printed - reproduced.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..numbers import rate as rate_text
from ..schemas import needs
from .benchmarks import PublicData

__all__ = ["plan_sentences", "plan_vs_outcome", "reproduce_paper"]


def _year_end(financial_year: str) -> int:
    return int(str(financial_year)[:4]) + 1


@needs(cla_trajectories=("authority", "series_kind", "series", "label", "year", "bound", "number", "rate_per_10k",
                         "document", "source_line"))
def plan_vs_outcome(cla_trajectories: pd.DataFrame, pub: PublicData, authority: str) -> pd.DataFrame:
    """One row per plan figure (series, year, bound) with the published figure for the 31 March
    ending that year.

    Parameters
    ----------
    cla_trajectories : pandas.DataFrame
        Plans and actuals as the papers print them; reads ``authority``, ``series_kind``,
        ``series``, ``label``, ``year`` (financial year, e.g. ``2018-19``), ``bound``, ``number``
        (children), ``rate_per_10k`` (per 10,000 children aged 0-17), ``document`` and
        ``source_line``.
    pub : PublicData
        The published CLA figures and child populations.
    authority : str
        The council whose plans to compare (short name, e.g. ``Torbay``).

    Returns
    -------
    pandas.DataFrame
        ``series``, ``series_label``, ``year``, ``year_end``, ``bound``, ``plan_number``,
        ``plan_rate_per_10k`` (``plan_rate_basis``: printed or derived), ``actual_number``,
        ``actual_rate_per_10k``, ``actual_release``, ``distance_children``, ``distance_per_10k``
        (published - plan; rates per 10,000 children aged 0-17), ``document``, ``source_line``.

    Raises
    ------
    InputError
        When ``cla_trajectories`` holds no plan for ``authority``.
    """
    plans = cla_trajectories[(cla_trajectories.authority == authority) & (cla_trajectories.series_kind == "plan")]
    if plans.empty:
        known = sorted(cla_trajectories[cla_trajectories.series_kind == "plan"].authority.unique())
        raise InputError("cla_trajectories", column="authority",
                         expected=f"an authority with a plan (known: {', '.join(known) or 'none'})", found=authority)
    code = pub.code(authority)
    rows = []
    for r in plans.sort_values(["series", "year", "bound"]).itertuples():
        year = _year_end(r.year)
        actual = pub.row(code, year) or {}
        number = actual.get("number")
        number = None if number is None or pd.isna(number) else int(number)
        rate = actual.get("rate_per_10k")
        rate = None if rate is None or pd.isna(rate) else float(rate)
        population = actual.get("population")
        if not pd.isna(r.rate_per_10k):
            plan_rate, basis = float(r.rate_per_10k), "printed"
        elif population is not None and not pd.isna(population):
            plan_rate, basis = float(r.number) * 10_000 / float(population), f"derived with the {year} population"
        else:
            plan_rate, basis = None, "not derivable (no population for the year)"
        rows.append({"series": r.series, "series_label": r.label, "year": r.year, "year_end": year,
                     "bound": r.bound, "plan_number": int(r.number), "plan_rate_per_10k": plan_rate,
                     "plan_rate_basis": basis, "actual_number": number, "actual_rate_per_10k": rate,
                     "actual_release": actual.get("release"),
                     "distance_children": None if number is None else number - int(r.number),
                     "distance_per_10k": None if rate is None or plan_rate is None else rate - plan_rate,
                     "document": r.document, "source_line": int(r.source_line)})
    return pd.DataFrame(rows)


@needs(frame=("series", "year_end", "series_label", "plan_number", "actual_number"))
def plan_sentences(frame: pd.DataFrame, authority: str) -> list[str]:
    """Per plan, where it ended up: its last year's planned figure against the published one.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`plan_vs_outcome`'s table; reads ``series``, ``year_end``, ``series_label``,
        ``plan_number``, ``actual_number`` and, where a published figure exists,
        ``actual_rate_per_10k`` and ``actual_release``.
    authority : str
        The council's name as the sentences print it.

    Returns
    -------
    list of str
        One sentence per plan series (children looked after at 31 March, rate per 10,000 children
        aged 0-17).
    """
    out = []
    for _series, group in frame.groupby("series", sort=False):
        last = group[group.year_end == group.year_end.max()]
        label, year = last.series_label.iloc[0], int(last.year_end.iloc[0])
        low, high = int(last.plan_number.min()), int(last.plan_number.max())
        planned = f"{low:,}" if low == high else f"between {low:,} and {high:,}"
        actual = last.actual_number.iloc[0]
        if actual is None or pd.isna(actual):
            out.append(f"{label}: planned {planned} children looked after at 31 March {year}; no published figure "
                       f"for that date is in the releases.")
            continue
        actual = int(actual)
        nearest = low if actual < low else high if actual > high else actual
        gap = actual - nearest
        where = ("within the planned band" if gap == 0 and low != high else "exactly as planned" if gap == 0
                 else f"{abs(gap):,} {'more' if gap > 0 else 'fewer'} than {'planned' if low == high else 'the band allowed'}")
        rate = last.actual_rate_per_10k.iloc[0]
        rate_part = "" if rate is None or pd.isna(rate) else f" ({rate_text(rate)} per 10,000)"
        out.append(f"{label}: planned {planned} children looked after at 31 March {year}; {authority} looked after "
                   f"{actual:,}{rate_part} ({last.actual_release.iloc[0]}): {where}.")
    return out


@needs(comparator_rates=("subject_authority", "year", "row_type", "source_line", "authority", "rate_per_10k",
                         "is_subject"),
       cla_trajectories=("authority", "year", "series"))
def reproduce_paper(comparator_rates: pd.DataFrame, pub: PublicData, subject: str, year: str,
                    cla_trajectories: pd.DataFrame | None = None) -> pd.DataFrame:
    """A paper's comparator table beside the same figures reproduced from the public releases,
    with the reason for every difference.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The papers' neighbour tables; reads ``subject_authority``, ``year``, ``row_type``,
        ``source_line``, ``authority``, ``rate_per_10k`` (per 10,000 children aged 0-17),
        ``is_subject`` and, for stated averages, ``average_of``.
    pub : PublicData
        The published CLA figures and child populations.
    subject : str
        The council whose paper it is (``comparator_rates.subject_authority``).
    year : str
        Financial year of the table, e.g. ``2018-19`` (compared with 31 March 2019).
    cla_trajectories : pandas.DataFrame, optional
        When given, the paper's own count of children looked after is reproduced too; reads
        ``authority``, ``year``, ``series`` and, for the subject's actual rows that year,
        ``number``, ``table_name`` and ``source_line``.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``kind`` (rate / average / number), ``printed``, ``reproduced``, ``difference``
        (printed - reproduced), ``reproduced_from``, ``reason``, ``source_line``.

    Raises
    ------
    InputError
        When ``comparator_rates`` has no table for ``subject`` and ``year``.
    """
    table = comparator_rates[(comparator_rates.subject_authority == subject) & (comparator_rates.year == year)]
    if table.empty:
        raise InputError("comparator_rates", column="year", expected=f"a comparator table for {subject}", found=year)
    y = _year_end(year)
    rows, reproduced = [], {}
    for r in table[table.row_type == "authority"].sort_values("source_line").itertuples():
        got = pub.row(pub.code(r.authority), y) or {}
        value = got.get("rate_per_10k")
        value = None if value is None or pd.isna(value) else float(value)
        reproduced[r.authority] = (value, float(r.rate_per_10k), bool(r.is_subject))
        rows.append({"item": r.authority, "kind": "rate", "printed": float(r.rate_per_10k), "reproduced": value,
                     "difference": None if value is None else float(r.rate_per_10k) - value,
                     "reproduced_from": _provenance(got), "reason": _rate_reason(float(r.rate_per_10k), value, got),
                     "source_line": int(r.source_line)})
    neighbours = {k: v for k, v in reproduced.items() if not v[2]}
    for r in table[table.row_type == "stated_average"].sort_values("source_line").itertuples():
        members = _members(str(r.average_of or ""), list(neighbours))
        rows.append(_average_row(r, members, neighbours))
    if cla_trajectories is not None:
        rows += _number_rows(cla_trajectories, pub, subject, year)
    return pd.DataFrame(rows, columns=["item", "kind", "printed", "reproduced", "difference", "reproduced_from",
                                       "reason", "source_line"])


def _members(average_of: str, names: list[str]) -> list[str]:
    text = average_of.strip().lower()
    if text.startswith("statistical neighbour") or not text:
        return names
    return [n for part in text.split("/") for n in names if n.lower().startswith(part.strip())]


def _provenance(row: dict) -> str | None:
    if not row:
        return None
    pop = row.get("population")
    pop_text = "" if pop is None or pd.isna(pop) else (f"; population {int(pop):,} (mid-{int(row['population_mid_year'])}, "
                                                       f"{row['population_source']})")
    number = row.get("number")
    return f"{row['release']}: {'' if number is None or pd.isna(number) else f'{int(number):,} children'}{pop_text}; " \
           f"rate {row['rate_status']}"


def _rate_reason(printed: float, value: float | None, row: dict) -> str:
    if value is None:
        why = row.get("not_computable_reason") or row.get("rate_status") or "no figure in the releases"
        return f"not reproducible: {why}"
    if printed == value:
        return "same"
    number, pop = row.get("number"), row.get("population")
    implied = ""
    if number is not None and not pd.isna(number) and printed > 0.5:
        low, high = int(number) * 10_000 / (printed + 0.5), int(number) * 10_000 / (printed - 0.5)
        implied = f"; {printed:g} from {int(number):,} children needs a population of {low:,.0f}-{high:,.0f}"
    if row.get("population_source", "").startswith("ONS") and pop is not None:
        return (f"population vintage: reproduced with ONS's revised mid-{int(row['population_mid_year'])} estimate "
                f"({int(pop):,}), not the estimate of the time{implied}")
    return f"the release differs from the paper{implied}"


def _average_row(r, members: list[str], neighbours: dict) -> dict:
    printed = float(r.rate_per_10k)
    have = [m for m in members if neighbours[m][0] is not None]
    lost = [m for m in members if neighbours[m][0] is None]
    value = sum(neighbours[m][0] for m in have) / len(have) if have else None
    printed_all = sum(neighbours[m][1] for m in members) / len(members) if members else None
    printed_same = sum(neighbours[m][1] for m in have) / len(have) if have else None
    parts = [f"mean of the {len(have)} of {len(members)} neighbours reproducible"]
    if lost:
        parts.append(f"missing: {', '.join(lost)} (no population on the boundaries of the time)")
    if printed_all is not None:
        parts.append(f"the paper's own rates average {printed_all:.1f} (printed {printed:g}: rounding)")
    if lost and printed_same is not None and printed_all is not None:
        parts.append(f"leaving out {', '.join(lost)} moves that to {printed_same:.1f} ({printed_same - printed_all:+.1f})")
    if value is not None and printed_same is not None:
        parts.append(f"population vintage and rounding of the reproduced rates: {value - printed_same:+.1f}")
    return {"item": r.authority, "kind": "average", "printed": printed, "reproduced": value,
            "difference": None if value is None else printed - value,
            "reproduced_from": "mean of reproduced rates: " + ", ".join(have), "reason": "; ".join(parts),
            "source_line": int(r.source_line)}


def _number_rows(cla_trajectories: pd.DataFrame, pub: PublicData, subject: str, year: str) -> list[dict]:
    actual = cla_trajectories[(cla_trajectories.authority == subject) & (cla_trajectories.year == year)
                              & (cla_trajectories.series == "actual")]
    rows = []
    for r in actual.itertuples():
        got = pub.row(pub.code(subject), _year_end(year)) or {}
        value = got.get("number")
        value = None if value is None or pd.isna(value) else int(value)
        reason = ("same" if value == int(r.number) else "not in the releases" if value is None else
                  f"the paper prints {int(r.number):,} children ({r.table_name}); {got['release']} publishes {value:,} "
                  "- the paper does not say where its count comes from")
        rows.append({"item": f"{subject}: children looked after ({r.table_name})", "kind": "number",
                     "printed": float(r.number), "reproduced": None if value is None else float(value),
                     "difference": None if value is None else float(r.number) - value,
                     "reproduced_from": _provenance(got), "reason": reason, "source_line": int(r.source_line)})
    return rows
