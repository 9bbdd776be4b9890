"""The pack's one voice for figures: how money, rates, percentages, counts, years and months are
written for members.  Every page, chart label, headline and index entry formats through here, so
the same figure reads the same way everywhere.

Money (values are whole pounds, as in the processed tables):

* **text and headlines** - :func:`money`: £1m and over in millions to one decimal (``£16.7m``),
  £1,000 to £999,999 in whole thousands (``£443k``), below that in pounds (``£540``);
* **tables** - :func:`money_000`: thousands of pounds with separators (``16,656``), the column
  header saying ``£000``;
* **figures quoted to check them** (reconciliation, a paper's prose against its table) -
  :func:`money_exact`: every pound (``£20,520``), because the check is about the last digit.

Signs: savings are shown as positive amounts everywhere - report 90's checks of a paper's
printed figures too, with a column saying where the paper printed a saving negative (the
processed tracker stores them negative; analyses turn them round).  A figure that moves either
way (a change since last month, a difference) is written with an explicit sign by the
``signed_`` functions, and the column or sentence says which way is better or worse.  Every
negative is written with the true minus sign (U+2212, :data:`MINUS`); :func:`true_minus` turns a
hyphen-minus before a number in any text (a paper's words, a note) into it.  Rounding is half up
(as councils and DfE round), never banker's rounding.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat, SupportsIndex, cast

import pandas as pd

__all__ = [
    "MINUS", "MISSING", "MONEY_NOTE", "as_float", "count", "date", "money", "money_000", "money_exact",
    "money_range", "month", "number", "paper_date", "pct", "rate", "signed_count", "signed_money",
    "signed_number", "true_minus", "year", "yes_no",
]

MISSING = "–"
MINUS = "−"  # U+2212, the typographic minus: never read as a hyphen, never starts a formula in a cell

MONEY_NOTE = ("Money is in £m to one decimal in the text (£k below £1m) and in £000 in tables unless a column "
              "says £. Savings are shown as positive amounts everywhere, also where a paper printed them negative; "
              "a negative figure has a minus sign (−).")

#: a hyphen-minus standing for a minus sign: before a digit or a £ and a digit, not inside a word,
#: a year span (``2018-19``), a reference (``A/R.6-2``) or a range (``50k-600k``)
_HYPHEN_MINUS = re.compile(r"(?<![\w.,/&)\]%\-–−])-(?=£?\d)")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_float(value: object) -> float:
    """A figure that is not missing as a float.

    Parameters
    ----------
    value : object
        An int, float, Decimal or numpy number, or its text.

    Returns
    -------
    float
        The figure (``float`` raises for anything else).
    """
    return float(cast("SupportsFloat | SupportsIndex | str", value))


def _round(value: float | int | Decimal, places: int = 0) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _sign(value: Decimal, signed: bool) -> str:
    if value < 0:
        return MINUS
    return "+" if signed and value > 0 else ""


def true_minus(text: str) -> str:
    """``text`` with every hyphen-minus that stands for a minus sign written as U+2212.

    ``-£1.4m`` -> ``−£1.4m``, ``(-2000k in 2018/19)`` -> ``(−2000k in 2018/19)``; ``2018-19``,
    ``0-17`` and ``50k-600k`` are left alone (a span, not a negative).

    Parameters
    ----------
    text : str
        Text for a reader.

    Returns
    -------
    str
        The text with true minus signs.
    """
    return _HYPHEN_MINUS.sub(MINUS, text)


def money(value: object, *, signed: bool = False) -> str:
    """Money for text and headlines: ``£16.7m``, ``£443k``, ``£540``; ``–`` for no value.

    Parameters
    ----------
    value : object
        An amount in pounds (GBP).
    signed : bool, optional
        Write ``+`` before a positive amount.

    Returns
    -------
    str
        The amount as text.
    """
    if _missing(value):
        return MISSING
    v = Decimal(str(as_float(value)))
    a = abs(v)
    if _round(a / 1_000_000, 1) >= 1:
        body = f"£{_round(a / 1_000_000, 1):,.1f}m"
    elif a >= 1_000:
        body = f"£{_round(a / 1_000):,.0f}k"
    else:
        body = f"£{_round(a):,.0f}"
    zero = body in ("£0",)
    return ("" if zero else _sign(v, signed)) + body


def signed_money(value: object) -> str:
    """:func:`money` with an explicit sign (``+£1.2m``, ``−£443k``) for changes and differences.

    Parameters
    ----------
    value : object
        An amount in pounds (GBP).

    Returns
    -------
    str
        The amount as text.
    """
    return money(value, signed=True)


def money_000(value: object, *, signed: bool = False) -> str:
    """Money for a table cell, in £000 with separators: ``16,656``; ``–`` for no value.

    Parameters
    ----------
    value : object
        An amount in pounds (GBP), written in thousands.
    signed : bool, optional
        Write ``+`` before a positive amount.

    Returns
    -------
    str
        The amount in £000.
    """
    if _missing(value):
        return MISSING
    v = _round(Decimal(str(as_float(value))) / 1000)
    return ("" if v == 0 else _sign(v, signed)) + f"{abs(v):,.0f}"


def money_exact(value: object, *, signed: bool = False) -> str:
    """Every pound, for figures quoted in order to check them: ``£20,520``.

    Parameters
    ----------
    value : object
        An amount in pounds (GBP).
    signed : bool, optional
        Write ``+`` before a positive amount.

    Returns
    -------
    str
        The amount as text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    v = _round(as_float(value))
    return ("" if v == 0 else _sign(v, signed)) + f"£{abs(v):,.0f}"


def money_range(low: object, high: object) -> str:
    """``£4.9m to £6.6m``, or one figure when both ends are equal.

    Parameters
    ----------
    low, high : object
        The range's ends in pounds (GBP).

    Returns
    -------
    str
        The range as text.
    """
    a, b = money(low), money(high)
    return a if a == b else f"{a} to {b}"


def rate(value: object, digits: int | None = None) -> str:
    """A rate per 10,000 children aged 0-17.

    Whole numbers as printed (``121``), others to one decimal; with ``digits`` every value to that
    many decimals (one precision for a whole column: ``102.0``, ``131.9``).  Negative with the true
    minus.

    Parameters
    ----------
    value : object
        The rate per 10,000 children aged 0-17.
    digits : int or None, optional
        Decimals for every value.

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    v = as_float(value)
    if digits is None:
        digits = 0 if v.is_integer() else 1
    text = f"{_round(abs(v), digits):,.{digits}f}"
    return (MINUS if v < 0 and text.strip("0.,") else "") + text


def number(value: object, digits: int = 0) -> str:
    """A count or measure with separators, negative with the typographic minus: ``1,234``, ``−3.5``.

    Parameters
    ----------
    value : object
        The figure (a number, its text, or a missing value).
    digits : int, optional
        Decimals to show.

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if value is None or pd.isna(value):
        return MISSING
    text = f"{as_float(value):,.{digits}f}"
    return text.replace("-", MINUS) if text.lstrip("-").strip("0.,") else text.lstrip("-")


def signed_number(value: object, digits: int = 0) -> str:
    """A difference with its sign and ``digits`` decimals: ``+50.1``, ``−4.3``, ``0.0``.

    Parameters
    ----------
    value : object
        The figure (a number, its text, or a missing value).
    digits : int, optional
        Decimals to show.

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    v = _round(as_float(value), digits)
    return ("" if v == 0 else _sign(v, True)) + f"{abs(v):,.{digits}f}"


def pct(value: object, digits: int = 0) -> str:
    """A percentage: ``81%``.

    Parameters
    ----------
    value : object
        The percentage (81 for 81%).
    digits : int, optional
        Decimals to show.

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    return f"{_round(as_float(value), digits):.{digits}f}%"


def count(value: object) -> str:
    """A whole number with separators: ``1,234``.

    Parameters
    ----------
    value : object
        The figure (a number, its text, or a missing value).

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    return f"{_round(as_float(value)):,.0f}"


def signed_count(value: object) -> str:
    """A change in a count with its sign: ``+12``, ``−3``, ``0``.

    Parameters
    ----------
    value : object
        The figure (a number, its text, or a missing value).

    Returns
    -------
    str
        The text; ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    v = _round(as_float(value))
    return ("" if v == 0 else _sign(v, True)) + f"{abs(v):,.0f}"


def year(fy: object) -> str:
    """A financial year as ``2017-18`` (accepts ``2017/18``, ``2017-2018``).

    Parameters
    ----------
    fy : object
        The financial year as written.

    Returns
    -------
    str
        The year, ``YYYY-YY``.
    """
    if _missing(fy):
        return MISSING
    text = str(fy).strip().replace("/", "-")
    start, _, end = text.partition("-")
    if start.isdigit() and end.isdigit() and len(start) == 4:
        return f"{start}-{end[-2:]}"
    return text


def month(period: object) -> str:
    """A month as words: ``2017-10`` -> ``October 2017``.

    Parameters
    ----------
    period : object
        A month, 'YYYY-MM'.

    Returns
    -------
    str
        The month in words.
    """
    if _missing(period):
        return MISSING
    text = str(period)
    try:
        return dt.date(int(text[:4]), int(text[5:7]), 1).strftime("%B %Y")
    except ValueError:
        return text


def paper_date(value: object) -> str:
    """A paper's own date, as precise as the paper gives it.

    ``2017-01-11`` -> ``11 January 2017``, ``2017-10`` -> ``October 2017``, ``2015`` -> ``2015``
    (never a month the paper does not print).

    Parameters
    ----------
    value : object
        The paper's date, 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.

    Returns
    -------
    str
        The date in words.
    """
    return date(value)


def date(value: object) -> str:
    """A date as words: ``2019-11-12`` -> ``12 November 2019``; a month or year as given.

    Parameters
    ----------
    value : object
        A date, 'YYYY-MM-DD' (or a month or year).

    Returns
    -------
    str
        The date in words.
    """
    if _missing(value):
        return MISSING
    text = str(value)
    if len(text) == 10:
        try:
            d = dt.date.fromisoformat(text)
            return f"{d.day} {d.strftime('%B %Y')}"
        except ValueError:
            return text
    if len(text) == 7:
        return month(text)
    return text


def yes_no(value: object) -> str:
    """``Yes`` or ``No`` for a flag.

    Parameters
    ----------
    value : object
        The flag (any value, read as a boolean).

    Returns
    -------
    str
        ``Yes``, ``No``, or ``–`` for no value.
    """
    if _missing(value):
        return MISSING
    return "Yes" if bool(value) else "No"
