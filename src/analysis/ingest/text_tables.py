"""Reading text extracts of committee papers: lines, tab-separated cells, and common repairs.

PDF-to-text extraction writes a table row as one line with cells separated by tabs.  These
helpers keep the 1-based line number of everything they return, so that every processed row can
point back to ``source_file:source_line``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the file
    text: str

    @property
    def cells(self) -> list[str]:
        """Tab-separated cells, each stripped of surrounding white space."""
        return [c.strip() for c in self.text.split("\t")]

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def read_lines(path: Path) -> list[Line]:
    """The file's lines (UTF-8, BOM tolerated).  A byte that is not UTF-8 is an :class:`InputError`."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line=line, expected="UTF-8 text (save the extract as UTF-8)",
                         found=repr(data[exc.start: exc.start + 8])) from None
    return [Line(i, t.rstrip("\r")) for i, t in enumerate(text.split("\n"), start=1)]


# Letters from other scripts that look like Latin capitals (and the lower-case forms that PDF
# extraction produces for them).  Used only for short codes: IDs, priorities, initials.
_LOOK_ALIKES = {
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
    "а": "A", "в": "B", "с": "C", "е": "E", "н": "H", "і": "I", "ј": "J", "к": "K", "м": "M",
    "о": "O", "р": "P", "ѕ": "S", "т": "T", "х": "X", "у": "Y",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
}


def fold_look_alikes(text: str) -> tuple[str, bool]:
    """Replace look-alike letters from other scripts by the Latin capital they imitate.

    Returns the folded text and whether anything was replaced.  Meant for short codes such as
    ``Н`` (Cyrillic en) in a priority column or ``АВ/МР`` in a column of initials.
    """
    folded = "".join(_LOOK_ALIKES.get(ch, ch) for ch in text)
    return folded, folded != text


def has_foreign_script(text: str) -> bool:
    """True when ``text`` contains letters outside the Latin script (after look-alike folding)."""
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return True
        if unicodedata.category(ch) in ("Mn", "Mc") :
            return True
    return False


_FY_RE = re.compile(r"^(?:FY\s*)?(?P<a>\d{4}|\d{2})\s*[/\-–]\s*(?P<b>\d{4}|\d{2})$")


def financial_year(text: str) -> str | None:
    """``2017/18``, ``17/18``, ``2017-18``, ``2017/2018`` -> ``2017-18``; otherwise ``None``."""
    m = _FY_RE.match(text.strip())
    if not m:
        return None
    a, b = m.group("a"), m.group("b")
    start = int(a) if len(a) == 4 else 2000 + int(a)
    end = int(b[-2:])
    if (start + 1) % 100 != end:
        return None
    return f"{start}-{end:02d}"


def fy_start(fy: str) -> int:
    """``2017-18`` -> 2017."""
    return int(fy[:4])


def fy_label(start: int) -> str:
    """2017 -> ``2017-18``."""
    return f"{start}-{(start + 1) % 100:02d}"


_TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def strip_tags(text: str) -> tuple[str, bool]:
    """Remove markup-looking tags (``<i>Poole</i>`` -> ``Poole``) for use as a *name*.

    Only for short labels whose tags are extraction artefacts (e.g. italics marking statistical
    neighbours).  Long tracker text keeps its tags as text and is escaped when rendered.
    """
    stripped = _TAG_RE.sub("", text).strip()
    return stripped, stripped != text.strip()


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


def month_number(name: str) -> int | None:
    """``Oct``/``October`` -> 10."""
    key = name.strip().lower()[:3]
    for full, number in _MONTHS.items():
        if full.startswith(key) and len(key) == 3:
            return number
    return None


def find_line(lines: list[Line], pattern: str, *, start: int = 0, flags: int = 0) -> int | None:
    """Index (not line number) of the first line at or after ``start`` matching ``pattern``."""
    rx = re.compile(pattern, flags)
    for i in range(start, len(lines)):
        if rx.search(lines[i].text):
            return i
    return None


def require_line(path: Path, lines: list[Line], pattern: str, what: str, *, start: int = 0, flags: int = 0) -> int:
    """Like :func:`find_line` but a missing line is an :class:`InputError` naming ``what``."""
    i = find_line(lines, pattern, start=start, flags=flags)
    if i is None:
        after = f" after line {lines[start].number}" if 0 < start < len(lines) else ""
        raise InputError(path, expected=f"{what}{after}", found="not found")
    return i
