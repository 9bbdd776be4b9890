"""The published figures a paper's claims are set against (:mod:`.claims`): children looked after at
31 March (number, rate) and placement types, as the releases had published them by the paper's month."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .release_calendar import date_words

if TYPE_CHECKING:
    from .public_data import PublicData

__all__ = ["ENGLAND_CODE", "Found", "Paper", "cla", "latest_year", "show"]

ENGLAND_CODE = "E92000001"


@dataclass
class Paper:
    """One paper and the statistics as they stood at its month."""

    document: str
    file: str
    authority: str
    code: str
    month: str
    pub: PublicData  # as at the month
    placements: pd.DataFrame


@dataclass
class Found:
    """A published figure (or why there is none) and the release that printed it."""

    value: float | None
    release: str = ""
    published: str = ""
    note: str = ""
    verdict: str = ""  # set when there is no figure: not published / not in the releases read / not computable
    tolerance: float = 0.0
    intervals: dict | None = None



def cla(paper: Paper, code: str, year: int, what: str) -> Found:
    """Children looked after at 31 March ``year`` as published by the paper's month.

    Parameters
    ----------
    paper : Paper
        The paper being checked and the public statistics as at its month.
    code : str
        The area's 3-digit code.
    year : int
        The year of the 31 March count.
    what : str
        ``number`` or ``rate_per_10k`` (per 10,000 children aged 0-17).

    Returns
    -------
    Found
        The figure and the release that printed it, or why there is none.
    """
    row = paper.pub.row(code, year)
    name = paper.pub.name(code) if code[:1].isdigit() else ("England" if code == ENGLAND_CODE else code)
    if row is None:
        return Found(None, note=f"no release had published {name}'s figure at 31 March {year} by "
                                f"{date_words(paper.month)}", verdict="not published")
    value = row.get(what)
    release, when = row.get("value_release") or row.get("release"), row.get("value_published") or ""
    if value is None or pd.isna(value):
        why = row.get("not_computable_reason") or row.get("rate_status") or "no figure"
        return Found(None, release or "", when, f"{release} prints no {what.replace('_per_10k', '')} for {name} at 31 March "
                                          f"{year} ({why})", verdict="not computable")
    note = f"{name} at 31 March {year}: {show(value, what)} in {release} (published {date_words(str(when)[:10])})"
    tolerance = 0.0
    if what == "rate_per_10k" and row.get("rate_status") == "computed":
        tolerance = 1.0
        note += ("; the release prints no rate: computed from its number and ONS's revised child population, so a "
                 "difference of 1 may be population vintage")
    return Found(float(value), str(release), str(when), note, tolerance=tolerance)


def show(value: float, what: str) -> str:
    """A figure as a check's note writes it.

    Parameters
    ----------
    value : float
        The figure.
    what : str
        ``number`` (children, written with separators) or a rate (per 10,000 children aged 0-17).

    Returns
    -------
    str
        ``1,234`` or ``61 per 10,000``.
    """
    return f"{value:,.0f}" if what == "number" else f"{value:g} per 10,000"


def latest_year(paper: Paper, code: str, month: str) -> int | None:
    """The latest 31 March with a published figure for ``code`` by the end of ``month``.

    Parameters
    ----------
    paper : Paper
        The paper being checked and the public statistics as at its month.
    code : str
        The area's 3-digit code.
    month : str
        The month, 'YYYY-MM'.

    Returns
    -------
    int or None
        The year; ``None`` when none was published.
    """
    years = [y for y in paper.pub.years() if paper.pub.row(code, y) is not None and f"{y}-03" <= month]
    return max(years) if years else None
