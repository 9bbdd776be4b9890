"""Finance recovery action plans (Torbay Cabinet, November 2019, Appendix 1) -> ``recovery_actions``.

The appendix is one action tracker printed page by page: every page repeats the header row
(``ID | RAG = Progress HML = £££ | Spend | Proposal | Output | How is the saving achieved? | Who |
When | Progress update``) and a themed section starts with a row whose fourth cell is its
heading (``1. Fostering``).  Extraction damage handled here:

* page numbers and "Page NN" debris in the ID cell (``132 CSC47``, ``Раф 129``, ``P∯age``):
  the ID is recovered when a real ID survives, otherwise left empty with the raw text kept;
* a section heading printed in a row that also carries debris (``П | | | 7. Education``);
* look-alike letters from other scripts in the priority and initials columns (Cyrillic ``Н``,
  ``н``, ``М``, ``АВ/МР``), folded to the Latin letters they imitate;
* spend cells with a ``£`` read as ``f``, a decimal point read as a space (``f14 5m``), income in
  brackets (``(£453k)``), per-quarter amounts with a damaged abbreviation (``£30k/atr``) and
  unreadable cells (``+ / / / K``, ``??``).
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from ..errors import InputError
from ..manifest import SourceDocument
from ..money import parse_money
from ..reconcile import Checks
from .text_tables import Line, fold_look_alikes, month_number, read_lines

__all__ = ["COLUMNS", "due_month", "read_recovery_actions"]

COLUMNS = {
    "id": "action_id_raw",
    "rag progress hml": "priority_raw",
    "spend": "spend_raw",
    "proposal": "proposal",
    "output": "output",
    "how is the saving achieved": "how_saving_achieved",
    "who": "who_raw",
    "when": "when",
    "progress update": "progress_update",
}
_SECTION_RE = re.compile(r"^(?P<number>\d{1,2})\.\s*(?P<theme>\S.*)$")
_ID_RE = re.compile(r"^[A-Z]{2,6}\d{1,4}$")


def _header_key(cell: str) -> str:
    key = re.sub(r"[^a-z ]+", " ", cell.lower())
    key = re.sub(r"\s+", " ", key).strip()
    return "rag progress hml" if key.startswith("rag") else key


def _is_header(line: Line) -> bool:
    cells = line.cells
    return len(cells) >= 8 and _header_key(cells[0]) == "id" and _header_key(cells[2]) == "spend"


def read_recovery_actions(doc: SourceDocument, checks: Checks) -> pd.DataFrame:
    """Read a recovery plan's action table.

    Parameters
    ----------
    doc : SourceDocument
        The paper's manifest row.
    checks : Checks
        The run's reconciliation checks, added to.

    Returns
    -------
    pandas.DataFrame
        The ``recovery_actions`` rows (money in whole pounds).

    Raises
    ------
    analysis.errors.InputError
        When the paper has no action table or its header lacks columns.
    """
    lines = read_lines(doc.path)
    headers = [ln for ln in lines if _is_header(ln)]
    if not headers:
        raise InputError(doc.path, expected="an action table with header 'ID | RAG = Progress HML = £££ | Spend | "
                         "Proposal | Output | How is the saving achieved? | Who | When | Progress update'",
                         found="no such row")
    first = headers[0].number
    mapping: dict[str, int] = {}
    for i, cell in enumerate(headers[0].cells):
        key = _header_key(cell)
        if key in COLUMNS:
            mapping[COLUMNS[key]] = i
    missing = [v for v in COLUMNS.values() if v not in mapping]
    if missing:
        raise InputError(doc.path, line=first, expected=f"columns {', '.join(missing)}", found=" | ".join(headers[0].cells))

    id_prefix = _id_prefix(lines, first, mapping["action_id_raw"])
    records: list[dict] = []
    sections: list[tuple[int, str, int]] = []
    theme: tuple[int, str] | None = None
    for line in lines:
        if line.number <= first or line.is_blank or _is_header(line):
            continue
        cells = line.cells
        section = _section_heading(cells)
        if section:
            theme = section
            sections.append((*section, line.number))
            continue
        if len(cells) < len(COLUMNS) - 1:
            raise InputError(doc.path, line=line.number,
                             expected=f"an action row of {len(COLUMNS)} tab-separated cells",
                             found=f"{len(cells)} cells: {' | '.join(cells)}")
        if theme is None:
            raise InputError(doc.path, line=line.number, expected="a themed section heading (e.g. '1. Fostering') "
                             "before the first action", found=" | ".join(cells[:4]))
        records.append(_action(doc, line, cells, mapping, theme, id_prefix))

    # The section numbers are not checked against the count of sections: both come from the same
    # headings, so the check could not fail independently (issue 11).
    return pd.DataFrame.from_records(records)


def _section_heading(cells: list[str]) -> tuple[int, str] | None:
    """A row whose only real content is ``N. Theme`` in the proposal column (debris allowed in the ID cell)."""
    if len(cells) < 4:
        return None
    m = _SECTION_RE.match(cells[3])
    others = [c for i, c in enumerate(cells) if i not in (0, 3) and c]
    if m and not others and len(cells[0]) <= 12:
        return int(m.group("number")), m.group("theme").strip()
    return None


def _id_prefix(lines: list[Line], first: int, column: int) -> str:
    """The letters real IDs start with (``CSC``), learnt from the IDs printed cleanly."""
    prefixes: Counter[str] = Counter()
    for line in lines:
        cells = line.cells
        if line.number > first and len(cells) > column:
            folded, _ = fold_look_alikes(cells[column])
            if _ID_RE.match(folded) and (letters := re.match(r"[A-Z]+", folded)):
                prefixes[letters.group(0)] += 1
    return prefixes.most_common(1)[0][0] if prefixes else "[A-Z]{2,6}"


def _action(doc: SourceDocument, line: Line, cells: list[str], mapping: dict[str, int],
            theme: tuple[int, str], id_prefix: str) -> dict:
    def cell(name: str) -> str:
        i = mapping[name]
        return cells[i] if i < len(cells) else ""

    flags: list[str] = []
    record: dict = {"theme_number": theme[0], "theme": theme[1], "source_line": line.number}

    raw_id = cell("action_id_raw")
    record["action_id_raw"] = raw_id
    folded, _ = fold_look_alikes(raw_id)
    found = re.search(rf"(?<![A-Za-z]){id_prefix}\s?(\d{{1,4}})\b", folded)
    if found and folded.strip() == found.group(0):
        record["action_id"] = found.group(0).replace(" ", "")
        if folded != raw_id:
            flags.append("action_id: look-alike letters folded to Latin")
    elif found:
        record["action_id"] = found.group(0).replace(" ", "")
        flags.append(f"action_id: page-number debris removed from {raw_id!r}")
    else:
        record["action_id"] = None
        flags.append(f"action_id: ID lost to page-number debris ({raw_id!r}); not recoverable" if raw_id
                     else "action_id: no ID printed")

    raw_priority = cell("priority_raw")
    record["priority_raw"] = raw_priority or None
    folded, changed = fold_look_alikes(raw_priority.strip())
    folded = folded.upper()
    if folded in ("H", "M", "L"):
        record["priority"] = folded
        if changed:
            flags.append(f"priority: look-alike letter from another script ({raw_priority!r}) read as {folded}")
    else:
        record["priority"] = None
        flags.append(f"priority: {raw_priority!r} is not H, M or L; left empty" if raw_priority
                     else "priority: not printed")

    raw_spend = cell("spend_raw")
    record["spend_raw"] = raw_spend or None
    money = parse_money(raw_spend, doc.unit, brackets="magnitude")  # this paper prints income in brackets
    record["spend_gbp"], record["spend_basis"] = _spend(money)
    flags += [f"spend_gbp: {f}" for f in money.flags]
    if money.status == "value" and money.bracketed:
        flags.append(f"spend_gbp: printed in brackets ({raw_spend}) as income; stored as a positive amount with "
                     "spend_basis 'income (shown in brackets)' - the sign was not kept as printed")
    if money.status in ("unparseable", "unknown"):
        flags.append(f"spend_gbp: {raw_spend!r} is not a readable amount; basis unknown")

    raw_who = cell("who_raw")
    record["who_raw"] = raw_who or None
    who, changed = fold_look_alikes(raw_who)
    record["who"] = who or None
    if changed:
        flags.append("who: look-alike letters from another script folded to Latin")

    for name in ("proposal", "output", "how_saving_achieved", "when", "progress_update"):
        record[name] = cell(name) or None
    record["due_month"] = due_month(cell("when"))
    record["cleaning_flags"] = "; ".join(flags) or None
    return record


def _spend(money) -> tuple[int | None, str]:
    if money.status == "value":
        if money.bracketed:
            return money.value_gbp, "income (shown in brackets)"
        if money.per == "quarter":
            return money.value_gbp, "per quarter"
        return money.value_gbp, "annual spend"
    if money.status == "not_applicable":
        return None, "not applicable"
    if money.status == "blank":
        return None, "not stated"
    return None, "unknown"


def due_month(when: str) -> str | None:
    """The month an action is due.

    ``Nov-19`` / ``End June 19 to set up…`` / ``Sep-2019`` -> ``2019-11`` etc.; ``Ongoing`` ->
    ``None``.

    Parameters
    ----------
    when : str
        The due date as printed.

    Returns
    -------
    str or None
        The month, 'YYYY-MM'; ``None`` when the text gives none.
    """
    m = re.search(r"\b([A-Za-z]{3,9})[\s\-]+(\d{4}|\d{2})\b", when or "")
    if not m or month_number(m.group(1)) is None:
        return None
    year = int(m.group(2))
    year = year + 2000 if year < 100 else year
    return f"{year}-{month_number(m.group(1)):02d}"
