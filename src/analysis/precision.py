"""How a figure was printed: the unit of its last digit and how the paper rounded to it.

A printed figure stands for every true value that prints as it under the paper's rounding:

* ``nearest`` (round half up): ``57k`` stands for £56,500 to just under £57,500;
* ``truncated`` (digits cut off): ``57k`` stands for £57,000 to just under £58,000;
* ``exact``: a figure printed to its last unit (``£20,520``) stands for itself.

An :class:`Interval` is that set of values; sums and differences of intervals are the values the
printed parts allow, so a check can ask whether the printed total is among them.  Amounts are in the
check's unit (whole pounds for money); precision is in that unit too (1,000 for a figure in £k).
Negative figures truncate towards zero (``-57k`` stands for just over -£58,000 to -£57,000).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "EXACT", "Interval", "MODES", "NEAREST", "TRUNCATED", "describe", "point", "precision_of", "printed",
    "total",
]

NEAREST, TRUNCATED, EXACT = "nearest", "truncated", "exact"
MODES = (NEAREST, TRUNCATED, EXACT)


@dataclass(frozen=True)
class Interval:
    """Values from ``low`` to ``high``; ``low_closed``/``high_closed`` say whether an end belongs."""

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high,
                        self.low_closed and other.low_closed, self.high_closed and other.high_closed)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.low - other.high, self.high - other.low,
                        self.low_closed and other.high_closed, self.high_closed and other.low_closed)

    def scaled(self, factor: float) -> Interval:
        """The interval times an exact non-negative ``factor`` (a count, a percentage)."""
        if factor < 0:
            raise ValueError("scale by a non-negative factor")
        return Interval(self.low * factor, self.high * factor, self.low_closed, self.high_closed)

    def meets(self, other: Interval) -> bool:
        """True when some value lies in both intervals."""
        low = max(self.low, other.low)
        high = min(self.high, other.high)
        if low < high - 1e-9:
            return True
        if abs(low - high) > 1e-9:
            return False
        return self.contains(low) and other.contains(low)

    def contains(self, value: float) -> bool:
        above = value > self.low + 1e-9 or (self.low_closed and abs(value - self.low) <= 1e-9)
        below = value < self.high - 1e-9 or (self.high_closed and abs(value - self.high) <= 1e-9)
        return above and below

    def text(self, fmt: Callable[[float], str] | None = None) -> str:
        f = fmt or (lambda v: f"{v:,.10g}")
        return f"{'[' if self.low_closed else '('}{f(self.low)}, {f(self.high)}{']' if self.high_closed else ')'}"


def point(value: float) -> Interval:
    """The interval holding exactly one value.

    Parameters
    ----------
    value : float
        The value.

    Returns
    -------
    Interval
        ``[value, value]``.
    """
    return Interval(float(value), float(value))


def printed(value: float, precision: float, mode: str = NEAREST) -> Interval:
    """The true values a figure printed as ``value`` to ``precision`` under ``mode`` stands for.

    Parameters
    ----------
    value : float
        The printed figure.
    precision : float
        The unit of its last printed digit (same unit as ``value``).
    mode : str, optional
        One of :data:`MODES` (default rounding to the nearest).

    Returns
    -------
    Interval
        The values it may stand for.
    """
    if mode not in MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    if mode == EXACT or not precision:
        return point(value)
    if mode == NEAREST:  # half up: v - p/2 rounds up to v, v + p/2 rounds up to the next figure
        return Interval(value - precision / 2, value + precision / 2, True, False)
    if value >= 0:
        return Interval(value, value + precision, True, False)
    return Interval(value - precision, value, False, True)


def total(parts: list[Interval]) -> Interval:
    """The interval of the sum of several intervals.

    Parameters
    ----------
    parts : list of Interval
        The parts.

    Returns
    -------
    Interval
        From the sum of their lows to the sum of their highs (``[0, 0]`` for none).
    """
    out = point(0)
    for part in parts:
        out = out + part
    return out


_SUFFIX = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}


def precision_of(text: str, value: float | None, multiplier: float = 1) -> float:
    """The unit of the last printed digit of ``text`` (in the unit of ``value``).

    ``value`` is the figure as the project's parser read it (``parse_money``), so extraction damage
    such as ``1,265m`` (read as 1.265m) or ``£20.520`` (read as £20,520) is decided once, there: the
    precision is ``value`` divided by the printed digits read as one integer (``£12.4m`` ->
    12,400,000 / 124 = 100,000; ``57k`` -> 1,000; ``20,520`` -> 1).  A figure whose digits are all
    zero takes its suffix (``£0k`` -> 1,000) or ``multiplier``.

    Parameters
    ----------
    text : str
        The figure as printed.
    value : float or None
        The figure as parsed (pounds for money).
    multiplier : float, optional
        The printed unit's size (1000 for a table in £000), for a figure of zeros without a suffix.

    Returns
    -------
    float
        The precision, in the unit of ``value``.
    """
    digits = re.sub(r"\D", "", text)
    suffix = re.search(r"\d\s*(k|m|bn)\b", text.lower())
    unit = _SUFFIX[suffix.group(1)] if suffix else multiplier
    if value is None or not digits or int(digits) == 0:
        return float(unit)
    ratio = abs(value) / int(digits)
    if ratio <= 0:
        return float(unit)
    return float(10 ** round(math.log10(ratio)))


def describe(mode: str, precision: float, unit: str = "gbp") -> str:
    """Words for a rounding: 'nearest £1k', 'truncated to £0.1m', 'exact'.

    Parameters
    ----------
    mode : str
        One of :data:`MODES`.
    precision : float
        The unit of the last printed digit (pounds when ``unit`` is ``"gbp"``).
    unit : str, optional
        ``"gbp"`` (pounds, the default) or any other unit, written plainly.

    Returns
    -------
    str
        The words.
    """
    if mode == EXACT or not precision:
        return "exact"
    if unit == "gbp":
        if precision >= 100_000:  # £0.1m and up are written in millions
            step = f"£{precision / 1_000_000:g}m"
        elif precision >= 1_000:
            step = f"£{precision / 1_000:g}k"
        else:
            step = f"£{precision:g}"
    else:
        step = f"{precision:g}"
    return f"nearest {step}" if mode == NEAREST else f"truncated to {step}"
