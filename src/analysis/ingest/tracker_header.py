"""Recognising a savings tracker's header row, whatever its wording, order, case and line breaks.

Header text is normalised (lower case, single spaces, no punctuation, no ``£000``, no year) and
matched against the patterns below.  A header split over two rows - a caption row above
(``Original Phasing`` merged over four cells, then ``Q1`` … ``Q4`` under it), or sub-labels in
the row below a header whose captions are merged cells - is composed by :func:`compose`.

Rows under a header are classified here too (:func:`classify`: a saving line, a totals row, a
caption row, or neither; :func:`is_note`: text where a line would be, such as a footnote), and a
worksheet's name read for the month it names (:func:`sheet_month`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..money import parse_money

__all__ = [
    "FIELD_LABELS", "MONEY_FIELDS", "QUARTERS", "REFERENCE_HEADER", "REQUIRED_FIELDS", "SIGNED_FIELDS",
    "classify", "compose", "could_be_header", "header_mapping", "is_note", "match_header", "missing",
    "normalise_header", "sheet_month",
]

QUARTERS = ("q1", "q2", "q3", "q4")
MONEY_FIELDS = (
    ["investment"]
    + [f"planned_{q}" for q in QUARTERS] + ["planned_total"]
    + [f"forecast_{q}" for q in QUARTERS] + ["forecast_total"]
    + ["variance"]
)
#: fields whose sign is the tracker's saving sign (investment is always spend, positive)
SIGNED_FIELDS = tuple(f for f in MONEY_FIELDS if f != "investment")
REQUIRED_FIELDS = ("reference", "title", "committee", *SIGNED_FIELDS, "rag", "direction")
FIELD_LABELS = {
    "reference": "Reference", "title": "Title", "description": "Description", "committee": "Committee",
    "investment": "Investment", "planned_total": "Original Saving", "forecast_total": "Forecast Saving",
    "variance": "Variance from Plan", "complete": "Saving complete?", "rag": "RAG",
    "direction": "Direction of travel", "commentary": "Forecast Commentary",
    "partner_links": "Links with partner organisations",
    **{f"planned_{q}": f"Original Phasing - {q.upper()}" for q in QUARTERS},
    **{f"forecast_{q}": f"Current Forecast Phasing - {q.upper()}" for q in QUARTERS},
}

# Header text (normalised) -> field.
_HEADER_PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p), f) for p, f in [
    (r"^(saving )?(reference|ref|ref no|reference no|id)$", "reference"),
    (r"^(saving )?(title|name|proposal)$", "title"),
    (r"^description$", "description"),
    (r"^(lead )?committee$", "committee"),
    (r"^investment$", "investment"),
    *[(rf"^(original|planned|plan)( phasing)? {q}$", f"planned_{q}") for q in QUARTERS],
    (r"^(original|planned|plan) (saving|total|saving total)$", "planned_total"),
    *[(rf"^(current )?forecast( phasing)? {q}$", f"forecast_{q}") for q in QUARTERS],
    (r"^(current )?forecast (saving|total|saving total)$", "forecast_total"),
    (r"^variance( from plan)?$", "variance"),
    (r"^(saving )?complete$", "complete"),
    (r"^(rag|rag status|rag rating)$", "rag"),
    (r"^direction( of travel)?$", "direction"),
    (r"^(forecast )?commentary$", "commentary"),
    (r"^(links with partner organisations|partner links|partners)$", "partner_links"),
]]
# A row can only be a header if one of its cells names the reference column (a cheap first test).
_REFERENCE_CELL = re.compile(r"(?im)(?:^|\t)\s*(?:saving\s+)?(?:ref(?:erence)?(?:\s*no\.?)?|id)\s*(?:\t|$)")


def normalise_header(text: str) -> str:
    """A header cell reduced for matching: lower case, no currency marks, years or punctuation.

    Parameters
    ----------
    text : str
        The cell as printed.

    Returns
    -------
    str
        The words, single-spaced.
    """
    t = str(text).lower().replace("\n", " ").replace("_", " ")
    t = re.sub(r"£\s*'?000|£k|\(£\)|£", " ", t)
    t = re.sub(r"\b\d{2,4}\s*[-/]\s*\d{2,4}\b", " ", t)  # 17-18, 2017/18
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    return " ".join(t.split())


@lru_cache(maxsize=4096)
def match_header(text: str) -> str | None:
    norm = normalise_header(text)
    for pattern, name in _HEADER_PATTERNS:
        if pattern.match(norm):
            return name
    return None


REFERENCE_HEADER = re.compile(r"(?i)\s*(?:saving\s+)?(?:ref(?:erence)?(?:\s*no\.?)?|id)\s*")


def could_be_header(cells: Sequence[str], reference_column: int | None = None) -> bool:
    """A cheap first test of whether a row is a tracker header.

    Under a header already found, a repeated header (a paper's next page) names the reference in the
    same column; elsewhere any cell may.

    Parameters
    ----------
    cells : sequence of str
        The row's cells.
    reference_column : int or None, optional
        The Reference column of the header already found.

    Returns
    -------
    bool
        False when the row cannot be a header.
    """
    if len(cells) < 6:
        return False
    if reference_column is not None:
        return reference_column < len(cells) and REFERENCE_HEADER.fullmatch(cells[reference_column]) is not None
    return _REFERENCE_CELL.search("\t".join(cells)) is not None


def header_mapping(cells: Sequence[str], reference_column: int | None = None
                   ) -> tuple[dict[str, int], list[tuple[str, list[int]]]] | None:
    """Field -> column index when ``cells`` look like a tracker header row.

    Parameters
    ----------
    cells : sequence of str
        The row's cells.
    reference_column : int or None, optional
        The Reference column of the header already found (see :func:`could_be_header`).

    Returns
    -------
    tuple or None
        ``(field -> first column index, [(field, its columns)] for any field named by more than one
        column)``; ``None`` when the row is not a header.
    """
    if not could_be_header(cells, reference_column):
        return None
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        name = match_header(cell) if cell and len(cell) < 120 else None
        if name:
            positions.setdefault(name, []).append(i)
    if "reference" not in positions or len(positions) < 6:
        return None
    return {f: p[0] for f, p in positions.items()}, [(f, p) for f, p in positions.items() if len(p) > 1]


def compose(top: Sequence[str], sub: Sequence[str]) -> dict[str, int]:
    """A header printed over two rows.

    Each sub-label prefixed with the caption above it (the nearest non-empty caption at or to the
    left - where a merged cell keeps its text); a column without a sub-label keeps its caption.

    Parameters
    ----------
    top : sequence of str
        The caption row's cells.
    sub : sequence of str
        The sub-label row's cells.

    Returns
    -------
    dict of str to int
        Each composed label -> its column index.
    """
    mapping: dict[str, int] = {}
    caption = ""
    for i in range(max(len(top), len(sub))):
        above = top[i] if i < len(top) else ""
        below = sub[i] if i < len(sub) else ""
        caption = above or caption
        name = None
        if below:
            name = match_header(below) or (match_header(f"{caption} {below}") if caption else None)
        elif above:
            name = match_header(above)
        if name and name not in mapping:
            mapping[name] = i
    return mapping


def missing(mapping: dict[str, int]) -> list[str]:
    """The required fields a header does not name.

    Parameters
    ----------
    mapping : dict of str to int
        Field -> column index (:func:`header_mapping`).

    Returns
    -------
    list of str
        Those of :data:`REQUIRED_FIELDS` not in ``mapping``, in their order.
    """
    return [f for f in REQUIRED_FIELDS if f not in mapping]


# ----------------------------------------------------------------------------------------- rows under a header


def _is_number(text: str) -> bool:
    return parse_money(text).status == "value"


def classify(row, mapping: dict[str, int]) -> str:
    """What a row under the header is: ``line``, ``totals``, ``group_header`` or ``unknown``.

    A row with a reference (not starting "Total") is a saving line; three or more figures whose
    only words start "Total" a totals row; a row without reference or figures whose words are all
    captions (``£``, planned, forecast, original, current, phasing) a group header.

    Parameters
    ----------
    row : Row
        A row of the tracker.
    mapping : dict of str to int
        Field -> column index (:func:`header_mapping`).

    Returns
    -------
    str
        The row's kind.
    """
    i = mapping["reference"]
    ref = row.cells[i].strip() if i < len(row.cells) else ""
    if ref and not ref.lower().startswith("total"):
        return "line"
    non_empty = [c for c in row.cells if c]
    numbers = [c for c in non_empty if _is_number(c)]
    words = [c for c in non_empty if not _is_number(c)]
    if len(numbers) >= 3 and all(w.lower().startswith(("total", "grand total")) for w in words):
        return "totals"
    if not ref and not numbers and all(re.search(r"£|planned|forecast|original|current|phasing", w, re.I)
                                       for w in words):
        return "group_header"
    return "unknown"


def is_note(row, mapping: dict[str, int]) -> bool:
    """Text where a saving line would be, with no title and no figure at all: a footnote or note.

    Parameters
    ----------
    row : Row
        A row of the tracker.
    mapping : dict of str to int
        Field -> column index (:func:`header_mapping`).

    Returns
    -------
    bool
        Whether the row is a note.
    """
    title = mapping.get("title")
    if title is not None and title < len(row.cells) and row.cells[title]:
        return False
    return not any(_is_number(c) for c in row.cells if c)


_MONTH_NAME = re.compile(r"\b([A-Za-z]{3,9})[\s\-_'.]*(\d{4}|\d{2})\b")
_MONTH_NUMBER = re.compile(r"\b(\d{4})[\-_./](0?[1-9]|1[0-2])\b")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def sheet_month(title: str | None) -> str | None:
    """The month a worksheet's name gives (``Oct 2017``, ``October-17``, ``Sept 17``, ``2017-10``).

    Parameters
    ----------
    title : str or None
        The worksheet's name.

    Returns
    -------
    str or None
        The month, 'YYYY-MM'; ``None`` when the name gives none.
    """
    if not title:
        return None
    m = _MONTH_NUMBER.search(title)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    for m in _MONTH_NAME.finditer(title):
        word = m.group(1).lower()
        number = next((i for i, full in enumerate(_MONTHS, start=1) if full.startswith(word)), None)
        if number:
            year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
            return f"{year}-{number:02d}"
    return None
