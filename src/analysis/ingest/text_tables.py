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

__all__ = [
    "ENCODINGS_READ", "Line", "decode_text", "financial_year", "find_line", "fold_look_alikes", "fy_label",
    "fy_start", "has_foreign_script", "month_number", "read_lines", "require_line", "strip_tags",
]


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
    """The file's lines, decoded by :func:`decode_text`.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    list of Line
        Its lines, numbered from 1.
    """
    text, _ = decode_text(path, Path(path).read_bytes())
    return [Line(i, t.rstrip("\r")) for i, t in enumerate(text.split("\n"), start=1)]


ENCODINGS_READ = "UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or Windows-1252"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (a workbook or document saved under a text name?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 / OLE file (a legacy .xls?)"),
    (b"%PDF", "a PDF (extract its text first)"),
)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Text of a delivered file and the encoding it was read in.

    Read: UTF-8 (a BOM tolerated), UTF-16 with a BOM (what Excel's "Unicode text" writes), and
    Windows-1252 (Excel's CSV on Windows) when the bytes are not UTF-8.  Refused by name, with the
    line: UTF-32, UTF-16 without a BOM (NUL bytes), binary files, UTF-8 with a broken byte (a file
    that is mostly UTF-8 is never reread as Windows-1252, which would garble every ``£``), bytes
    that Windows-1252 does not define, and control characters.

    Parameters
    ----------
    path : pathlib.Path
        The file, named in errors.
    data : bytes
        Its bytes.

    Returns
    -------
    tuple of (str, str)
        The text and the encoding's name.

    Raises
    ------
    analysis.errors.InputError
        For a file refused, naming the line.
    """
    expected = f"text in {ENCODINGS_READ}"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(path, expected=expected, found="UTF-32 text (save it as UTF-8)")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(path, expected=expected, found=what)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError(path, line=data[: exc.start].count(b"\n\x00") + 1, expected=expected,
                             found="UTF-16 with a broken or missing last byte (cut off?)") from None
    else:
        if b"\x00" in data:
            if _utf16_without_bom(data):
                raise InputError(path, expected=expected, found="UTF-16 text without a byte-order mark",
                                 hint='save it in Excel as "CSV UTF-8 (Comma delimited)" (or as "Unicode Text", '
                                 'which writes the mark)' if Path(path).suffix.lower() in (".csv", ".tsv")
                                 else "save it as UTF-8 (or as UTF-16 with a byte-order mark)")
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise InputError(path, line=line, expected=expected,
                             found="NUL bytes: UTF-16 without a byte-order mark, or a binary file")
        try:
            text, encoding = data.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            bad = data[exc.start: exc.start + 4]
            if _UTF8_MULTIBYTE.search(data):
                raise InputError(path, line=line, expected=expected,
                                 found=f"UTF-8 with an invalid byte {bad!r}") from None
            undefined = _CP1252_UNDEFINED.search(data)
            if undefined:
                raise InputError(path, line=data[: undefined.start()].count(b"\n") + 1, expected=expected,
                                 found=f"byte {undefined.group(0)!r}, which neither UTF-8 nor Windows-1252 "
                                 "defines (another encoding?)") from None
            text, encoding = data.decode("cp1252"), "Windows-1252"
    control = _CONTROL.search(text)
    if control:
        raise InputError(path, line=text[: control.start()].count("\n") + 1, expected=expected,
                         found=f"control character U+{ord(control.group(0)):04X} (a binary file?)")
    return text, encoding


def _utf16_without_bom(data: bytes) -> bool:
    """Bytes that read as UTF-16 text (little- or big-endian) with no byte-order mark: an even
    length, a NUL in every other byte of a mostly Latin text, no control characters once read."""
    if len(data) % 2 or len(data) < 4:
        return False
    for zeros, encoding in ((data[1::2], "utf-16-le"), (data[0::2], "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return False
            return _CONTROL.search(text) is None and "\x00" not in text
    return False


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

    Meant for short codes such as ``Н`` (Cyrillic en) in a priority column or ``АВ/МР`` in a column
    of initials.

    Parameters
    ----------
    text : str
        A short code.

    Returns
    -------
    tuple of (str, bool)
        The folded text and whether anything was replaced.
    """
    folded = "".join(_LOOK_ALIKES.get(ch, ch) for ch in text)
    return folded, folded != text


def has_foreign_script(text: str) -> bool:
    """True when ``text`` contains letters outside the Latin script (after look-alike folding).

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    bool
        Whether it does.
    """
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return True
        if unicodedata.category(ch) in ("Mn", "Mc") :
            return True
    return False


_FY_RE = re.compile(r"^(?:FY\s*)?(?P<a>\d{4}|\d{2})\s*[/\-–]\s*(?P<b>\d{4}|\d{2})$")


def financial_year(text: str) -> str | None:
    """``2017/18``, ``17/18``, ``2017-18``, ``2017/2018`` -> ``2017-18``.

    Parameters
    ----------
    text : str
        A financial year as printed.

    Returns
    -------
    str or None
        The year written ``2017-18``; ``None`` when ``text`` is none.
    """
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
    """``2017-18`` -> 2017.

    Parameters
    ----------
    fy : str
        A financial year, ``YYYY-YY``.

    Returns
    -------
    int
        The calendar year it starts in.
    """
    return int(fy[:4])


def fy_label(start: int) -> str:
    """2017 -> ``2017-18``.

    Parameters
    ----------
    start : int
        The calendar year the financial year starts in.

    Returns
    -------
    str
        The financial year.
    """
    return f"{start}-{(start + 1) % 100:02d}"


_TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def strip_tags(text: str) -> tuple[str, bool]:
    """Remove markup-looking tags (``<i>Poole</i>`` -> ``Poole``) for use as a *name*.

    Only for short labels whose tags are extraction artefacts (e.g. italics marking statistical
    neighbours).  Long tracker text keeps its tags as text and is escaped when rendered.

    Parameters
    ----------
    text : str
        A short label.

    Returns
    -------
    tuple of (str, bool)
        The text without tags and whether any were removed.
    """
    stripped = _TAG_RE.sub("", text).strip()
    return stripped, stripped != text.strip()


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


def month_number(name: str) -> int | None:
    """``Oct``/``October`` -> 10.

    Parameters
    ----------
    name : str
        A month's name or its first three letters.

    Returns
    -------
    int or None
        The month (1-12); ``None`` for anything else.
    """
    key = name.strip().lower()[:3]
    for full, number in _MONTHS.items():
        if full.startswith(key) and len(key) == 3:
            return number
    return None


def find_line(lines: list[Line], pattern: str, *, start: int = 0, flags: int = 0) -> int | None:
    """Index (not line number) of the first line at or after ``start`` matching ``pattern``.

    Parameters
    ----------
    lines : list of Line
        The file's lines.
    pattern : str
        A regular expression.
    start : int, optional
        The index to search from.
    flags : int, optional
        :mod:`re` flags.

    Returns
    -------
    int or None
        The index in ``lines``; ``None`` when no line matches.
    """
    rx = re.compile(pattern, flags)
    for i in range(start, len(lines)):
        if rx.search(lines[i].text):
            return i
    return None


def require_line(path: Path, lines: list[Line], pattern: str, what: str, *, start: int = 0, flags: int = 0) -> int:
    """Like :func:`find_line` but a missing line is an :class:`InputError` naming ``what``.

    Parameters
    ----------
    path : pathlib.Path
        The file, named in the error.
    lines : list of Line
        The file's lines.
    pattern : str
        A regular expression.
    what : str
        What the line is, for the error.
    start : int, optional
        The index to search from.
    flags : int, optional
        :mod:`re` flags.

    Returns
    -------
    int
        The index in ``lines``.

    Raises
    ------
    analysis.errors.InputError
        When no line matches.
    """
    i = find_line(lines, pattern, start=start, flags=flags)
    if i is None:
        after = f" after line {lines[start].number}" if 0 < start < len(lines) else ""
        raise InputError(path, expected=f"{what}{after}", found="not found")
    return i
