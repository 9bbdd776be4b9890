"""Which figures in a paper's prose state a published measure: the vocabulary of
``claim_measures.toml`` (one entry per measure, in words any paper may use) applied to every figure
``prose_figures`` holds, with whom the figure is about and when.

* **the measure**: the first entry whose ``unit`` is the figure's and whose ``words`` match the words
  around it (``prose_figures.measure``: ten words before, six after).  A percentage whose own words
  name no measure but a comparison (statistical neighbours, national) continues the measure of the
  percentage just before it in the same paper (within :data:`CONTINUES_LINES` lines): "residential
  12% is not markedly out of sync with statistical comparators (11%) and national (9%)";
* **whom it is about** (:func:`subjects`): a comparison named right after the figure ("6%
  nationally", "12% amongst statistical comparators"), else those named before it since the previous
  figure ("statistical comparators (11%)", "SN average and national average of 11%" - both), else the
  paper's own authority;
* **when** (:func:`period_of`): the years of a change ("Over the period 2011 - 2015"), a reference
  year ("(2014/15 figures)": 31 March 2015), a date ("at the end of November 2016"), or - none of
  these - *current*: the paper's own date.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pandas as pd

from ..errors import InputError
from ..schemas import needs

__all__ = [
    "AUTHORITY", "CONTINUES_LINES", "Claim", "ENGLAND", "NEIGHBOURS", "Rule", "STATISTICS", "VOCABULARY",
    "claims", "parse", "period_of", "subjects", "vocabulary",
]

VOCABULARY = "claim_measures.toml"
STATISTICS = ("placement_share", "placement_count", "cla_growth", "cla_number", "share_of_cla", "not_read")
CONTINUES_LINES = 3
NEIGHBOURS, ENGLAND, AUTHORITY = "neighbours", "England", "authority"
_SUBJECT = {NEIGHBOURS: re.compile(r"statistical (?:comparators?|neighbours?)|\bSN average|\bSNs?\b|comparator group",
                                   re.I),
            ENGLAND: re.compile(r"\bnational(?:ly)?\b|\bEngland\b", re.I)}
_AFTER = re.compile(r"^\W*(?:(?:amongst|among|across|for|in)\s+)?(?P<kw>statistical (?:comparators?|neighbours?)|"
                    r"SN average|national(?:ly)?|England)\b", re.I)
_SPAN = re.compile(r"(?P<a>20\d\d)\s*[–-]\s*(?P<b>20\d\d)")
_REFERENCE = re.compile(r"\((?P<a>20\d\d)/(?P<b>\d\d) figures\)", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DATE = re.compile(r"(?:end of |at )(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>20\d\d)", re.I)


@dataclass(frozen=True)
class Rule:
    """One measure of the vocabulary (fields as in ``claim_measures.toml``)."""

    name: str
    unit: str
    words: re.Pattern
    statistic: str
    current: str
    types: tuple[str, ...] = ()
    release: str = ""


@dataclass(frozen=True)
class Claim:
    """A printed figure stating a published measure about one subject at one time."""

    document: str
    source_file: str
    source_line: int
    raw: str
    value: float
    precision: float
    rule: Rule
    subject: str  # authority, neighbours or England
    period: tuple = field(default=())  # ("span", a, b) | ("year", y) | ("date", "YYYY-MM") | ("current",)
    words: str = ""


def parse(text: str, origin: str = VOCABULARY) -> list[Rule]:
    """The vocabulary's entries, each checked (known unit and statistic, a valid expression).

    Parameters
    ----------
    text : str
        The vocabulary (TOML).
    origin : str, optional
        Where it came from, for error messages.

    Returns
    -------
    list of Rule
        The entries.

    Raises
    ------
    analysis.errors.InputError
        For an entry with an unknown unit or statistic or a bad expression.
    """
    try:
        entries = tomllib.loads(text).get("measure", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, expected="a TOML list of [[measure]] entries", found=str(exc)) from None
    out = []
    for number, raw in enumerate(entries, start=1):
        where = f"[[measure]] number {number}"
        if raw.get("unit") not in ("pct", "count") or raw.get("statistic") not in STATISTICS:
            raise InputError(origin, column=where, expected=f"unit pct or count and a statistic of {', '.join(STATISTICS)}",
                             found=f"{raw.get('unit')}, {raw.get('statistic')}")
        try:
            words = re.compile(str(raw["words"]), re.I)
        except (KeyError, re.error) as exc:
            raise InputError(origin, column=where, expected="words: a regular expression", found=str(exc)) from None
        out.append(Rule(str(raw.get("name", where)), raw["unit"], words, raw["statistic"],
                        str(raw.get("current", "not comparable")), tuple(raw.get("types", ())),
                        str(raw.get("release", ""))))
    return out


@cache
def vocabulary() -> tuple[Rule, ...]:
    """The packaged vocabulary (read once)."""
    return tuple(parse(resources.files(__package__).joinpath(VOCABULARY).read_text(encoding="utf-8")))


def subjects(words: str, raw: str) -> list[str]:
    """Whom the figure ``raw`` in ``words`` is about (module docstring).

    Parameters
    ----------
    words : str
        The words the figure is printed with.
    raw : str
        The figure as printed.

    Returns
    -------
    list of str
        The subjects (the authority, England, its neighbours ...).
    """
    at = words.find(raw)
    if at < 0:
        return [AUTHORITY]
    after = _AFTER.match(words[at + len(raw):])
    if after:
        kw = after.group("kw").lower()
        return [ENGLAND if kw.startswith(("national", "england")) else NEIGHBOURS]
    before = words[:at]
    previous = list(re.finditer(r"\d+(?:\.\d+)?\s?%|£\s?\d", before))
    segment = before[previous[-1].end():] if previous else before[-60:]
    found = [s for s, pattern in _SUBJECT.items() if pattern.search(segment)]
    return found or [AUTHORITY]


def period_of(words: str, raw: str) -> tuple:
    """When the figure is at (module docstring).

    Parameters
    ----------
    words : str
        The words the figure is printed with.
    raw : str
        The figure as printed.

    Returns
    -------
    tuple
        The period the words name.
    """
    if m := _SPAN.search(words):
        return ("span", int(m.group("a")), int(m.group("b")))
    if m := _REFERENCE.search(words):
        return ("year", int(m.group("a")) + 1)
    if m := _DATE.search(words):
        return ("date", f"{m.group('y')}-{_MONTHS.index(m.group('m').lower()) + 1:02d}")
    return ("current",)


@needs(prose=("document", "source_line", "measure", "raw", "unit"))
def claims(prose: pd.DataFrame) -> list[Claim]:
    """The figures of ``prose`` that state a published measure.

    Parameters
    ----------
    prose : pandas.DataFrame
        ``prose_figures`` rows: reads ``document``, ``source_line``, ``measure``, ``raw`` and
        ``unit``, and ``source_file``, ``value`` and ``precision`` of a figure the vocabulary
        recognises.

    Returns
    -------
    list of Claim
        One claim per figure and subject, in the papers' order.
    """
    out: list[Claim] = []
    last: dict[str, Claim] = {}  # document -> the previous percentage claimed
    ordered = prose.sort_values(["document", "source_line"], kind="stable")
    for r in ordered.itertuples(index=False):
        words, raw = str(r.measure), str(r.raw)
        rule = next((x for x in vocabulary() if x.unit == r.unit and x.words.search(words)), None)
        before = last.get(r.document)
        if rule is None and r.unit == "pct" and before is not None and \
                0 <= int(r.source_line) - before.source_line <= CONTINUES_LINES and subjects(words, raw) != [AUTHORITY]:
            rule = before.rule
            period = before.period
        elif rule is None:
            continue
        else:
            period = period_of(words, raw)
        for who in subjects(words, raw):
            claim = Claim(str(r.document), str(r.source_file), int(r.source_line), raw, float(r.value),
                          float(r.precision), rule, who, period, words)
            out.append(claim)
            if r.unit == "pct":
                last[str(r.document)] = claim
    return out
