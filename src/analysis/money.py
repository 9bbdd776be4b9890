"""The one money parser: printed amounts -> whole pounds, with the damage it repaired named.

Councils print money as ``£8.5m``, ``129k``, ``(£453k)``, ``-2,000k``, ``£1,007,221``, ``4,023``
(in a table headed £000), ranges such as ``50k-600k`` or ``1.314m – 1.864m``, and words such as
``n/a`` or ``TBC``.  PDF extraction adds its own damage.  :func:`parse_money` reads all of these
into a :class:`Money`: a low and a high figure in **whole pounds** (equal for a single figure),
a status, and the list of repairs it made, so that a caller can keep the raw text beside the
value and flag the row.

Repairs (each recorded in ``Money.flags``):

``pound_sign_read_as_f``
    ``f7m`` -> ``£7m`` (a ``£`` read as ``f``).
``decimal_point_read_as_space``
    ``£14 5m`` -> ``£14.5m`` (only a single digit group between a number and a k/m suffix).
``decimal_point_read_as_comma``
    ``1,265m`` -> ``1.265m``: in a figure with an ``m`` suffix a comma is read as a decimal point
    (no children's services paper counts in thousands of millions).
``thousands_separator_read_as_point``
    ``£20.520`` -> ``£20,520``: a pound figure with no suffix and exactly three digits after
    the point.
``per_quarter_abbreviation_damaged``
    ``£30k/atr`` -> ``£30k/qtr``.
``rounded_to_whole_pound``
    a figure that did not come to whole pounds (e.g. ``£57.5`` in a £ table, ``0.0000005m``) was rounded half up.

Signs: a leading minus (``-``, or the unicode minus ``−`` and dashes) is negative.  A figure in
brackets is an accounting negative by default - ``(1,595)`` is ``-1,595`` - and ``bracketed=True``
says it was printed so; ``brackets="magnitude"`` returns the printed magnitude instead, for a
paper whose brackets mean something else (the Torbay recovery plan prints *income* in brackets).
A minus inside brackets (``(-1,595)``) is ambiguous and is not read.

Figures of a trillion pounds or more are not read (status ``unparseable``, flag
``implausibly_large``): no council paper prints one, and a processed table holds 64-bit integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from . import assumptions

__all__ = [
    "BRACKETS", "MAX_ABS_GBP", "Money", "UNIT_MULTIPLIERS", "format_gbp", "parse_money", "parse_number",
]

UNIT_MULTIPLIERS: dict[str, int] = {
    "gbp": 1,
    "gbp_thousands": 1_000,
    "gbp_millions": 1_000_000,
}

_SUFFIX_MULTIPLIERS: dict[str, int] = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}

# Words that stand where a figure would be.
_WORD_STATUS: dict[str, str] = {
    "n/a": "not_applicable",
    "na": "not_applicable",
    "nil": "nil",
    "tbc": "to_be_confirmed",
    "tbd": "to_be_confirmed",
    "??": "unknown",
    "?": "unknown",
    "-": "dash",
    "–": "dash",
    "—": "dash",
}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _amount(i: int) -> str:
    return rf"(?P<cur{i}>£)?\s*(?P<num{i}>{_NUMBER})\s*(?P<suf{i}>bn|k|m)?"


_AMOUNT_RE = re.compile("^" + _amount(1) + "$", re.IGNORECASE)
_RANGE_RE = re.compile("^" + _amount(1) + r"\s*(?:-|to)\s*" + _amount(2) + "$", re.IGNORECASE)
_PER_RE = re.compile(
    r"\s*(?P<per>/\s*(?:qtr|quarter|atr)|per\s+quarter|p\.?\s*a\.?|per\s+annum|/\s*(?:year|yr|annum)"
    r"|a\s+month|per\s+month|/\s*month|a\s+week|per\s+week|/\s*week)\s*$",
    re.IGNORECASE,
)
_QUALIFIER_RE = re.compile(r"\s+(?P<q>underspend|overspend|saving|savings|income)\s*$", re.IGNORECASE)
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‒": "-", "\ufe63": "-", "\uff0d": "-"})
BRACKETS = ("negative", "magnitude")
MAX_ABS_GBP = assumptions.MAX_ABS_GBP  # a trillion pounds: larger figures are refused as implausible


@dataclass(frozen=True)
class Money:
    """A parsed amount.  ``low_gbp``/``high_gbp`` are whole pounds (``None`` when no figure)."""

    raw: str
    low_gbp: int | None = None
    high_gbp: int | None = None
    status: str = "value"  # value | range | blank | dash | not_applicable | to_be_confirmed | unknown | nil | unparseable
    flags: tuple[str, ...] = field(default_factory=tuple)
    bracketed: bool = False
    per: str | None = None  # quarter | annum | month | week
    qualifier: str | None = None  # underspend | overspend | saving | income

    @property
    def value_gbp(self) -> int | None:
        """The single figure, or ``None`` for a range or no figure."""
        return self.low_gbp if self.low_gbp == self.high_gbp else None

    @property
    def is_figure(self) -> bool:
        return self.status in ("value", "range")

    @property
    def needed_cleaning(self) -> bool:
        return bool(self.flags)


def parse_number(text: str) -> Decimal | None:
    """A plain printed number (``1,007,221``, ``-3.5``, ``2.2%``) as a Decimal.

    Parameters
    ----------
    text : str
        The printed number.

    Returns
    -------
    decimal.Decimal or None
        The number (a percentage as printed, ``2.2``), else ``None``.
    """
    t = str(text).strip().translate(_DASHES).replace("%", "").strip()
    if not re.fullmatch(rf"[-+]?\s*(?:{_NUMBER})", t):
        return None
    return Decimal(t.replace(",", "").replace(" ", ""))


def parse_money(text: object, unit: str = "gbp", *, brackets: str = assumptions.BRACKETS_MEAN) -> Money:
    """Parse one printed amount into whole pounds.

    Never raises for any ``text``: what is not an amount comes back with a status saying so.
    Results are cached (a tracker repeats the same cells many times); ``Money`` is immutable.

    Parameters
    ----------
    text : object
        The printed amount (a cell's value or text).
    unit : str, optional
        What an unadorned number means: ``"gbp"`` (pounds, the default), ``"gbp_thousands"`` (a
        table headed £000) or ``"gbp_millions"``.  A ``k``/``m``/``bn`` suffix overrides it.
    brackets : str, optional
        What ``(…)`` means: ``"negative"`` (accounting format, the default) or ``"magnitude"`` (the
        printed figure; the caller reads ``Money.bracketed``).

    Returns
    -------
    Money
        The amount in whole pounds (``low_gbp``/``high_gbp``), its status and flags.
    """
    if unit not in UNIT_MULTIPLIERS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNIT_MULTIPLIERS)}")
    if brackets not in BRACKETS:
        raise ValueError(f"unknown brackets {brackets!r}; expected one of {BRACKETS}")
    raw = "" if text is None else str(text)
    if len(raw) > 200:  # no amount is this long; do not cache or scan it
        return Money(raw=raw, status="unparseable")
    return _parse_cached(raw, unit, brackets)


_PLAIN_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)")


@lru_cache(maxsize=65536)
def _parse_cached(raw: str, unit: str, brackets: str) -> Money:
    if _PLAIN_RE.fullmatch(raw):  # fast path: the commonest cell, a plain whole number
        value = int(raw.replace(",", "")) * UNIT_MULTIPLIERS[unit]
        if abs(value) < MAX_ABS_GBP:
            return Money(raw, value, value, "value")
    return _parse(raw, unit, brackets)


def _parse(raw: str, unit: str, brackets: str) -> Money:
    """The full parser (the fast path of :func:`_parse_cached` failed): blanks and words, the
    accounting formats, brackets, a period (``pa``, ``per quarter``) and qualifier, the sign,
    repairs of extraction damage (each flagged), then one amount or a range."""
    t = " ".join(raw.split())
    if t == "" or t.lower() in ("nan", "none", "<na>"):
        return Money(raw=raw, status="blank")
    word = _WORD_STATUS.get(t.lower())
    if word:
        return Money(raw=raw, status=word)
    accounting = _pound_sign_first(t.translate(_DASHES))
    if accounting is None:
        return Money(raw=raw, status="dash")
    t = accounting

    bracketed = False
    m = re.fullmatch(r"\((.*)\)", t)
    if m:
        bracketed, t = True, m.group(1).strip()
        if brackets == "negative" and t.startswith(("-", "+")):
            return Money(raw=raw, status="unparseable", flags=("sign_inside_brackets",), bracketed=True)

    flags: list[str] = []
    t, per, qualifier = _period_and_qualifier(t, flags)
    sign = 1
    if t.startswith(("-", "+")):
        sign = -1 if t[0] == "-" else 1
        t = t[1:].strip()
    t = _repair_extraction_damage(t, flags)
    if bracketed and brackets == "negative":
        sign = -sign
    return _amount_or_range(raw, t, unit, sign, flags, bracketed=bracketed, negative_brackets=brackets == "negative",
                            per=per, qualifier=qualifier)


def _pound_sign_first(t: str) -> str | None:
    """Excel's accounting formats put the pound sign first: ``£ (300,000)`` -> ``(£300,000)``,
    ``£-300,000`` -> ``-£300,000``; ``£ -`` (nil) -> ``None``; anything else unchanged."""
    m = re.fullmatch(r"£\s*([(\-].*)", t)
    if not m:
        return t
    inner = m.group(1).strip()
    if inner == "-":
        return None
    return f"(£{inner[1:-1].strip()})" if inner.startswith("(") and inner.endswith(")") else f"-£{inner[1:].strip()}"


def _period_and_qualifier(t: str, flags: list[str]) -> tuple[str, str | None, str | None]:
    """``t`` less a trailing period (``per annum``, ``pa``, ``per qtr``, ``per month``, ``per
    week``) and qualifier (``approx``, ``est``), with what they were."""
    per = qualifier = None
    m = _PER_RE.search(t)
    if m:
        token = re.sub(r"\s+", "", m.group("per").lower())
        if "atr" in token:
            flags.append("per_quarter_abbreviation_damaged")
        if any(w in token for w in ("qtr", "quarter", "atr")):
            per = "quarter"
        elif "month" in token:
            per = "month"
        elif "week" in token:
            per = "week"
        else:
            per = "annum"
        t = t[: m.start()].strip()
    m = _QUALIFIER_RE.search(t)
    if m:
        qualifier = m.group("q").lower().rstrip("s")
        t = t[: m.start()].strip()
    return t, per, qualifier


#: repairs of PDF-extraction damage: pattern, replacement, the flag each repair leaves
_REPAIRS = (
    (re.compile(r"(^|(?<=[\s\-]))[fF](?=\d)"), "£", "pound_sign_read_as_f"),
    (re.compile(r"(?<=\d) (\d{1,2})(?=\s*(?:k|m|bn)\b)", re.IGNORECASE), r".\1", "decimal_point_read_as_space"),
    (re.compile(r"(?<![\d,])(\d{1,3}),(\d{1,3})(?=\s*m\b)", re.IGNORECASE), r"\1.\2", "decimal_point_read_as_comma"),
)


def _repair_extraction_damage(t: str, flags: list[str]) -> str:
    """``t`` with the extraction damage of :data:`_REPAIRS` repaired, each repair flagged, and a
    thousands separator read as a point (``£2.381``) made a comma again."""
    for pattern, replacement, flag in _REPAIRS:
        repaired = pattern.sub(replacement, t)
        if repaired != t:
            flags.append(flag)
            t = repaired
    if re.fullmatch(r"£\d{1,3}\.\d{3}", t):
        flags.append("thousands_separator_read_as_point")
        t = t.replace(".", ",")
    return t


def _amount_or_range(raw: str, t: str, unit: str, sign: int, flags: list[str], *, bracketed: bool,
                     negative_brackets: bool, per: str | None, qualifier: str | None) -> Money:
    """One amount (``£1.3m``) or a range (``50k-600k``) in pounds, signed; else unparseable."""
    m = _AMOUNT_RE.match(t)
    if m:
        value = _to_pounds(m.group("num1"), m.group("suf1"), unit, flags)
        if value is None:
            return Money(raw=raw, status="unparseable", flags=tuple(flags), bracketed=bracketed)
        value = sign * value
        return Money(raw, value, value, "value", tuple(flags), bracketed, per, qualifier)
    m = _RANGE_RE.match(t)
    if m and (sign == 1 or (bracketed and negative_brackets)):
        low = _to_pounds(m.group("num1"), m.group("suf1") or m.group("suf2"), unit, flags)
        high = _to_pounds(m.group("num2"), m.group("suf2"), unit, flags)
        if low is not None and high is not None:
            low, high = (low, high) if sign == 1 else (-high, -low)
            return Money(raw, low, high, "range", tuple(flags), bracketed, per, qualifier)
    return Money(raw=raw, status="unparseable", flags=tuple(flags), bracketed=bracketed)


def _to_pounds(number: str, suffix: str | None, unit: str, flags: list[str]) -> int | None:
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    multiplier = _SUFFIX_MULTIPLIERS[suffix.lower()] if suffix else UNIT_MULTIPLIERS[unit]
    pounds = amount * multiplier
    if abs(pounds) >= MAX_ABS_GBP:
        if "implausibly_large" not in flags:
            flags.append("implausibly_large")
        return None
    whole = pounds.to_integral_value(rounding=ROUND_HALF_UP)
    if whole != pounds and "rounded_to_whole_pound" not in flags:
        flags.append("rounded_to_whole_pound")
    return int(whole)


def format_gbp(value: float | int | None, *, signed: bool = False) -> str:
    """Pounds for a reader, never hiding a pound.

    ``£1.6m``, ``£20.538m``, ``£174k``, ``£20,520``, ``£1,007,221``; ``–`` for no value.  Millions
    and thousands are used only when exact; whole millions from a billion up are written
    ``£1.234bn`` (``£1,234m`` would read back as a damaged ``£1.234m``).  What this prints,
    :func:`parse_money` reads back to the same pounds.

    Parameters
    ----------
    value : float, int or None
        An amount in pounds (GBP).
    signed : bool, optional
        Write ``+`` before a positive amount.

    Returns
    -------
    str
        The amount as text.
    """
    if value is None or type(value).__name__ in ("NAType", "NaTType") or value != value:  # None, pd.NA, NaN
        return "–"
    v = int(Decimal(str(value)).to_integral_value(rounding=ROUND_HALF_UP))
    sign = "-" if v < 0 else ("+" if signed and v > 0 else "")
    a = abs(v)
    if a >= 1_000_000_000 and a % 1_000_000 == 0:
        return f"{sign}£{a / 1_000_000_000:,.3f}".rstrip("0").rstrip(".") + "bn"
    if a >= 1_000_000 and a % 1_000 == 0:
        return f"{sign}£{a / 1_000_000:,.3f}".rstrip("0").rstrip(".") + "m"
    if a >= 1_000 and a % 1_000 == 0 and a < 1_000_000:
        return f"{sign}£{a // 1_000:,}k"
    return f"{sign}£{a:,}"
