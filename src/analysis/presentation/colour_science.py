"""Colour science for the chart checks and the chart style: linear RGB, WCAG 2.x relative
luminance and contrast ratio, colour-vision deficiency simulation (Machado et al. 2009) and
CIE L*a*b* colour difference.  Colours are anything matplotlib accepts; values are 0-1 unless
stated."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba

__all__ = [
    "MACHADO_2009", "cielab", "colour_difference", "contrast_ratio", "linear_rgb", "relative_luminance",
    "simulate",
]

#: Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}




def linear_rgb(colour) -> np.ndarray:
    """sRGB (any matplotlib colour) to linear RGB, 0-1 (IEC 61966-2-1).

    Parameters
    ----------
    colour : colour
        Any matplotlib colour (``"#1d70b8"``, ``"white"``, an RGB(A) tuple).

    Returns
    -------
    numpy.ndarray
        Red, green and blue in linear light, each 0-1.
    """
    c = np.asarray(to_rgba(colour)[:3], dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def relative_luminance(colour) -> float:
    """WCAG 2.x relative luminance, 0 (black) to 1 (white).

    Parameters
    ----------
    colour : colour
        Any matplotlib colour (``"#1d70b8"``, ``"white"``, an RGB(A) tuple).

    Returns
    -------
    float
        The luminance.
    """
    return float(np.dot([0.2126, 0.7152, 0.0722], linear_rgb(colour)))


def contrast_ratio(a, b="white") -> float:
    """WCAG 2.x contrast ratio of two colours, 1 to 21.

    Parameters
    ----------
    a : colour
        Any matplotlib colour.
    b : colour, default "white"
        The other colour (the page).

    Returns
    -------
    float
        The ratio (order of ``a`` and ``b`` does not matter).
    """
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def simulate(colour, deficiency: str) -> tuple[float, float, float]:
    """How ``colour`` looks to a reader with ``deficiency``, as sRGB 0-1 (Machado et al. 2009).

    Parameters
    ----------
    colour : colour
        Any matplotlib colour (``"#1d70b8"``, ``"white"``, an RGB(A) tuple).
    deficiency : {"protanopia", "deuteranopia"}
        Red-blindness or green-blindness.

    Returns
    -------
    tuple of float
        Red, green and blue, each 0-1.
    """
    rgb = np.clip(MACHADO_2009[deficiency] @ linear_rgb(colour), 0, 1)
    srgb = np.where(rgb <= 0.0031308, rgb * 12.92, 1.055 * rgb ** (1 / 2.4) - 0.055)
    red, green, blue = (float(v) for v in srgb)
    return red, green, blue


def cielab(colour) -> np.ndarray:
    """CIE L*a*b* (D65) of a colour.

    Parameters
    ----------
    colour : colour
        Any matplotlib colour (``"#1d70b8"``, ``"white"``, an RGB(A) tuple).

    Returns
    -------
    numpy.ndarray
        L* (0-100), a* and b*.
    """
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    t = (m @ linear_rgb(colour)) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def colour_difference(a, b) -> float:
    """CIE76 colour difference (Delta E*ab) of two colours.

    About 2.3 is just noticeable, over 20 tells categories apart at a glance.

    Parameters
    ----------
    a, b : colour
        Any matplotlib colours.

    Returns
    -------
    float
        Delta E*ab.
    """
    return float(np.linalg.norm(cielab(a) - cielab(b)))
