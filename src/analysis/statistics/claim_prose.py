"""The published figure a prose claim (:class:`.claim_rules.Claim`) is set against, by the statistic
its measure names (``claim_measures.toml``): a placement share or count, a growth in children looked
after, a number looked after, a printed percentage of the number looked after - for the paper's own
authority, its statistical neighbours (the mean of those with a figure) or England, at the claim's
period: a stated year, the years of a change, or - a figure given as current - the latest 31 March
published by the paper's month (only for a measure that changes slowly: a share)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .claim_figures import ENGLAND_CODE, Found, Paper, cla, latest_year
from .claim_rules import AUTHORITY, ENGLAND, NEIGHBOURS, Claim
from .release_calendar import date_words

__all__ = ["WHO", "prose_found"]

WHO = {AUTHORITY: "", NEIGHBOURS: "statistical neighbours' mean: ", ENGLAND: "England: "}


def prose_found(paper: Paper, claim: Claim) -> tuple[Found, str, str]:
    """The published figure a prose claim states, the check's item and its unit.

    Parameters
    ----------
    paper : Paper
        The paper being checked and the public statistics as at its month.
    claim : Claim
        A figure of the paper's prose stating a published measure.

    Returns
    -------
    tuple of (Found, str, str)
        (the published figure, the check's item, its unit).
    """
    rule = claim.rule
    subject = {AUTHORITY: paper.authority, NEIGHBOURS: "statistical neighbours' mean", ENGLAND: "England"}[claim.subject]
    item = f"{rule.name} ({subject}): printed {claim.raw.strip()}"
    unit = "pct" if rule.unit == "pct" else "count"
    if rule.statistic == "not_read":
        return Found(None, note=f"published in {rule.release}, not among the downloads",
                     verdict="not in the releases read"), item, unit
    if claim.period[0] == "date" or (claim.period[0] == "current" and rule.current != "comparable"):
        return _not_at_a_31_march(paper, claim), item, unit
    if rule.statistic == "cla_growth":
        return _growth(paper, claim), item, unit
    year = claim.period[1] if claim.period[0] == "year" else _latest_placement_year(paper) \
        if rule.statistic.startswith("placement") else latest_year(paper, paper.code, paper.month)
    if year is None:
        return Found(None, note=f"no release had published the measure by {date_words(paper.month)}",
                     verdict="not published"), item, unit
    if rule.statistic == "share_of_cla":
        return _share_of_cla(paper, claim, year), item, unit
    if rule.statistic == "cla_number":
        return cla(paper, paper.code, year, "number"), item, unit
    return _placements(paper, claim, year), item, unit


def _codes(paper: Paper, subject: str, year: int) -> tuple[list[str], str]:
    """The areas a subject stands for and the neighbour model used (neighbours: the model in force
    at the paper's month nearest ``year``)."""
    if subject == ENGLAND:
        return [ENGLAND_CODE], ""
    if subject == AUTHORITY:
        return [paper.code], ""
    from .public_data import choose_model

    model = choose_model(paper.pub, paper.code, "", year)
    return [n["neighbour_old_la_code"] for n in paper.pub.group(model, paper.code) or []], model


def _latest_placement_year(paper: Paper) -> int | None:
    rows = paper.placements[paper.placements.old_la_code == paper.code]
    return int(rows.year.max()) if len(rows) else None


def _placement_number(paper: Paper, code: str, year: int, types: tuple[str, ...]) -> tuple[float | None, Any, str]:
    """(children in ``types``, the release's total, the release) for one area; None where a type is suppressed."""
    key = "old_la_code" if code[:1].isdigit() else "new_la_code"
    rows = paper.placements[(paper.placements[key] == code) & (paper.placements.year == year)
                            & paper.placements.placement.isin(types)]
    if rows.empty:
        return None, None, ""
    total, release = rows.total.iloc[0], rows.release.iloc[0]
    if rows.number.isna().any():
        return None, total, release
    return float(rows.number.sum()), total, release


def _placements(paper: Paper, claim: Claim, year: int) -> Found:
    """A placement share (%) or count at 31 March ``year`` for the claim's subject."""
    types = claim.rule.types
    codes, model = _codes(paper, claim.subject, year)
    values, missing, releases = [], [], set()
    for code in codes:
        number, total, release = _placement_number(paper, code, year, types)
        releases.add(release) if release else None
        if number is None or (claim.rule.statistic == "placement_share" and (total is None or pd.isna(total))):
            missing.append(paper.pub.name(code))
            continue
        values.append(number * 100 / float(total) if claim.rule.statistic == "placement_share" else number)
    what = ", ".join(types)
    if not values:
        return Found(None, ", ".join(sorted(releases)), note=f"the release suppresses or does not print {what} at "
                     f"31 March {year}", verdict="not computable")
    value = sum(values) / len(values)
    share = claim.rule.statistic == "placement_share"
    note = (f"{WHO[claim.subject]}{value:.1f}% at 31 March {year}" if share else f"{value:,.0f} at 31 March {year}")
    note += (f" ({', '.join(sorted(releases))}: secure units, children's homes and hostels, other residential "
             "settings and residential schools" if set(types) >= {"homes", "other_residential"} else
             f" ({', '.join(sorted(releases))}: {what}") + ")"
    if claim.subject == NEIGHBOURS:
        note += (f"; mean of {len(values)} of the {len(codes)} neighbours of model {model}"
                 + (f" ({', '.join(missing)} suppressed)" if missing else ""))
    if claim.period[0] == "current":
        note += f"; the paper gives its figure as current ({date_words(paper.month)})"
    return Found(value, ", ".join(sorted(releases)), "", note)


def _not_at_a_31_march(paper: Paper, claim: Claim) -> Found:
    """A count at another date than a 31 March: no release prints it; the latest published figure
    of the measure is in the note."""
    when = date_words(claim.period[1]) if claim.period[0] == "date" else f"the paper's date ({date_words(paper.month)})"
    year = latest_year(paper, paper.code, paper.month)
    context = ""
    if year is not None:
        if claim.rule.statistic == "cla_number":
            context = cla(paper, paper.code, year, "number").note
        elif claim.rule.statistic.startswith("placement"):
            py = _latest_placement_year(paper)
            number, _, release = _placement_number(paper, paper.code, py, claim.rule.types) if py else (None, None, "")
            context = (f"{paper.authority} at 31 March {py}: {number:,.0f} in {release}" if number is not None
                       else "")
    return Found(None, note=f"no release prints the figure at {when}"
                 + (f"; the latest published by then: {context}" if context else ""), verdict="not published")


def _growth(paper: Paper, claim: Claim) -> Found:
    """The growth (%) in children looked after between the two 31 Marches of the claim's span, for
    the subject (neighbours: their numbers summed)."""
    _, a, b = claim.period
    codes, model = _codes(paper, claim.subject, b)
    start, end, missing = 0.0, 0.0, []
    for code in codes:
        first, last = cla(paper, code, a, "number"), cla(paper, code, b, "number")
        if first.value is None or last.value is None:
            missing.append(paper.pub.name(code))
            continue
        start, end = start + first.value, end + last.value
    if missing or not start:
        return Found(None, note=f"no published number at 31 March {a} and {b} for {', '.join(missing) or 'them'}",
                     verdict="not computable")
    growth = (end / start - 1) * 100
    who = {AUTHORITY: paper.authority, ENGLAND: "England",
           NEIGHBOURS: f"the {len(codes)} neighbours of model {model}, summed"}[claim.subject]
    return Found(growth, note=f"{who}: {start:,.0f} children looked after at 31 March {a}, {end:,.0f} at 31 March {b}: "
                              f"{growth:+.1f}%")


def _share_of_cla(paper: Paper, claim: Claim, year: int) -> Found:
    """The printed percentage (the other figure in the words) of the children looked after at the
    latest 31 March published by the paper's month."""
    pct = re.search(r"(\d+(?:\.\d+)?)\s?%", claim.words)
    base = cla(paper, paper.code, year, "number")
    if pct is None or base.value is None:
        return Found(None, note="no percentage printed with it, or no published number", verdict="not computable")
    value = float(pct.group(1)) * base.value / 100
    return Found(value, base.release, base.published,
                 f"{pct.group(1)}% of {base.value:,.0f} = {value:,.1f} children; {base.note}")
