"""Reconciliation and sign checks of one savings tracker.

Per line: planned Q1-Q4 = planned total, forecast Q1-Q4 = forecast total, variance = forecast -
planned (computed for all lines at once, so a 200,000-line tracker costs no Python loop).  Per
printed totals row: each figure against the sum of every saving line.  A CSV or XLSX export
without a totals row gets one ``not computable`` check saying so (a paper extract without one is
refused by the reader).

All figures compared are the normalised ones (negative = saving), so a tracker that prints
savings as positive figures reconciles exactly as printed.  :func:`check_signs` refuses a
tracker whose figures contradict the manifest's ``saving_sign`` or whose printed variance is
planned minus forecast on every line - either would publish a headline with the wrong sign.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import assumptions
from ..errors import InputError
from ..manifest import SourceDocument
from ..money import format_gbp, parse_money
from ..reconcile import Checks
from ..schemas import needs
from .tracker_header import FIELD_LABELS, MONEY_FIELDS, QUARTERS, SIGNED_FIELDS
from .tracker_rows import Row

__all__ = [
    "TABLE", "add_checks", "add_sign_checks", "add_totals_checks", "check_signs", "doc_precision",
    "sign_doubts", "totals_values",
]

TABLE = "savings_tracker"


def totals_values(doc: SourceDocument, row: Row, mapping: dict[str, int],
                  factor: int) -> tuple[dict[str, int | None], bool]:
    """Figures of a totals row by field (normalised sign).

    Aligned by column when the figures sit under the money columns; by order when extraction shifted
    them (``shifted=True``).

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    row : Row
        The totals row as delivered.
    mapping : dict of str to int
        Field -> the position of its column in the header.
    factor : int
        1 or -1: what turns the tracker's signs into the processed ones (negative = saving).

    Returns
    -------
    tuple of (dict of str to int or None, bool)
        The figures in whole pounds by field, and whether they were aligned by order.

    Raises
    ------
    analysis.errors.InputError
        When the row's figures fit neither the money columns nor their number.
    """
    money_fields = sorted((f for f in MONEY_FIELDS if f in mapping), key=lambda f: mapping[f])
    cells = row.cells
    positions = {i for i, c in enumerate(cells) if c and parse_money(c).status == "value"}
    money_positions = {mapping[f] for f in money_fields}

    def value(field: str, text: str) -> int | None:
        v = parse_money(text, doc.unit).value_gbp
        return None if v is None else (v * factor if field in SIGNED_FIELDS else v)

    if positions and positions <= money_positions:
        return {f: value(f, cells[mapping[f]] if mapping[f] < len(cells) else "") for f in money_fields}, False
    figures = [c for c in cells if c and parse_money(c).status == "value"]
    if len(figures) == len(money_fields):
        return {f: value(f, c) for f, c in zip(money_fields, figures, strict=True)}, True
    raise InputError(doc.path, line=row.line, sheet=row.sheet, column="totals row",
                     expected=f"{len(money_fields)} figures ({', '.join(FIELD_LABELS.get(f, f) for f in money_fields)})"
                     " or figures under the money columns",
                     found=f"{len(figures)} figures: " + " | ".join(figures))


@needs(frame=("planned_q1_gbp", "planned_q2_gbp", "planned_q3_gbp", "planned_q4_gbp", "forecast_q1_gbp", "forecast_q2_gbp", "forecast_q3_gbp", "forecast_q4_gbp", "planned_total_gbp", "forecast_total_gbp", "variance_gbp", "rag"))
def sign_doubts(frame: pd.DataFrame, totals: list) -> pd.Series:
    """Why each line's sign looks wrong (``None`` where it does not).

    From the line's own columns, its RAG status and the printed totals row - the slips of a line
    typed without its minus.  Values are the processed ones (negative = saving).  Reasons, joined by
    semicolons:

    * a total that is the negative of its quarters' sum (a minus lost from the total);
    * a variance printed planned - forecast on this line while the others print forecast - planned;
    * a forecast of the opposite sign to the plan (a saving forecast as a cost, or the reverse);
    * RAG Red while the line forecasts more saving than planned;
    * the totals row disagreeing with the lines by exactly twice this line's amount (it agrees
      only if the line has the other sign) - when exactly one line fits.

    Parameters
    ----------
    frame : pandas.DataFrame
        The tracker's ``savings_tracker`` rows (pounds, negative = saving): reads
        ``planned_q1_gbp`` … ``planned_q4_gbp``, ``forecast_q1_gbp`` … ``forecast_q4_gbp``,
        ``planned_total_gbp``, ``forecast_total_gbp``, ``variance_gbp`` and ``rag``.
    totals : list
        The printed totals rows, each ``(row, figures by field, shifted)`` as :func:`totals_values`
        reads them (pounds, negative = saving); empty when the tracker prints none.

    Returns
    -------
    pandas.Series
        A string per line (the frame's index): the reasons, or missing.
    """
    n = len(frame)
    reasons: list[list[str]] = [[] for _ in range(n)]

    def add(mask: pd.Series, text) -> None:
        for i in [int(i) for i in mask.to_numpy(dtype=bool, na_value=False).nonzero()[0]]:
            reasons[i].append(text(i) if callable(text) else text)

    for side, label in (("planned", "planned"), ("forecast", "forecast")):
        quarters = frame[[f"{side}_{q}_gbp" for q in QUARTERS]]
        total = frame[f"{side}_total_gbp"]
        summed = quarters.sum(axis=1, min_count=4).where(quarters.notna().all(axis=1))
        add((total == -summed) & (total != 0), f"the {label} total is the negative of its quarters' sum "
                                               "(a minus lost?)")
    p, f, v = frame["planned_total_gbp"], frame["forecast_total_gbp"], frame["variance_gbp"]
    moved = f - p
    reversed_variance = (v == -moved) & (moved != 0)
    printed_right = (v == moved) & (moved != 0)
    if printed_right.fillna(False).any():  # the others print forecast - planned: this one the other way
        add(reversed_variance, "the variance is printed planned − forecast, the other lines forecast − planned")
    add((p * f < 0), lambda i: "the forecast is a " + ("cost" if f.iloc[i] > 0 else "saving") + " where the plan is a "
        + ("saving" if p.iloc[i] < 0 else "cost"))
    add((frame["rag"] == "Red") & (v < 0), "RAG Red, yet the line forecasts more saving than planned")
    for line, field, label in _totals_suspects(frame, totals):
        reasons[line].append(f"the totals row's {label} agrees with the lines only if this line's {field} "
                             "has the other sign")
    return pd.Series(["; ".join(r) if r else None for r in reasons], index=frame.index, dtype="string")


def _totals_suspects(frame: pd.DataFrame, totals: list) -> list[tuple[int, str, str]]:
    """(line position, field, label) where the first totals row differs from the sum of the lines
    by exactly -2 x that one line's figure: the line is the only one whose reversal makes it agree."""
    if not totals:
        return []
    _, values, _ = totals[0]
    found = []
    for name, field in (("planned_total", "planned saving"), ("forecast_total", "forecast saving")):
        stated = values.get(name)
        column = frame[f"{name}_gbp"]
        computed = _sum(column)
        if stated is None or computed is None or stated == computed:
            continue
        fits = (column * -2 == stated - computed).to_numpy(dtype=bool, na_value=False).nonzero()[0]
        if len(fits) == 1:
            found.append((int(fits[0]), field, FIELD_LABELS.get(name, name)))
    return found


@needs(frame=())
def add_sign_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
    """A ``sign`` check for each line the totals row says has the wrong sign.

    Stated = the line's figure, computed = the figure with which the totals row agrees.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    frame : pandas.DataFrame
        The tracker's ``savings_tracker`` rows; when there is a totals row, reads
        ``planned_total_gbp``, ``forecast_total_gbp``, and for a suspect line ``reference`` and
        ``source_line``.
    totals : list
        The printed totals rows, each ``(row, figures by field, shifted)`` as :func:`totals_values`
        reads them (pounds, negative = saving); empty when the tracker prints none.
    checks : Checks
        The run's reconciliation checks, added to.
    """
    for line, field, label in _totals_suspects(frame, totals):
        row = frame.iloc[line]
        name = "planned_total_gbp" if field == "planned saving" else "forecast_total_gbp"
        value = int(row[name])
        checks.add(document=doc.document, table=TABLE, item=f"{row['reference']}: sign of the {field}", kind="sign",
                   stated=value, computed=-value, unit="gbp", source_file=doc.file, source_line=int(row["source_line"]),
                   note=f"the totals row's {label} ({_where_totals(totals[0][0])}) agrees with the sum of the lines "
                        f"only if this line's {field} is {format_gbp(-value)}, not {format_gbp(value)}: typed "
                        "without its minus (or with one too many)?",
                   stated_precision=doc_precision(doc))


def _where_totals(row) -> str:
    return f"sheet {row.sheet!r} row {row.line}" if row.sheet else f"line {row.line}"


@needs(frame=("reference", "source_line", "planned_q1_gbp", "planned_q2_gbp", "planned_q3_gbp", "planned_q4_gbp", "forecast_q1_gbp", "forecast_q2_gbp", "forecast_q3_gbp", "forecast_q4_gbp", "planned_total_gbp", "forecast_total_gbp", "variance_gbp"))
def add_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
    """The per-line and totals-row reconciliation checks of one tracker.

    Per line: planned Q1-Q4 = planned total, forecast Q1-Q4 = forecast total, variance = forecast -
    planned; then each figure of the totals row (:func:`add_totals_checks`), or one ``not
    computable`` check when the tracker prints none.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    frame : pandas.DataFrame
        The tracker's ``savings_tracker`` rows (money in whole pounds, negative = saving): reads
        ``reference``, ``source_line``, ``planned_q1_gbp`` … ``planned_q4_gbp``,
        ``forecast_q1_gbp`` … ``forecast_q4_gbp``, ``planned_total_gbp``, ``forecast_total_gbp`` and
        ``variance_gbp``.
    totals : list
        The printed totals rows, each ``(row, figures by field, shifted)`` as :func:`totals_values`
        reads them (pounds, negative = saving); empty when the tracker prints none.
    checks : Checks
        The run's reconciliation checks, added to.
    """
    n = len(frame)
    each = np.repeat(np.arange(n), 3)  # three checks per line, in line order: planned, forecast, variance
    refs = frame["reference"].astype("string").take(each).reset_index(drop=True)
    suffixes = pd.Series([": planned Q1-Q4 = planned total", ": forecast Q1-Q4 = forecast total",
                          ": variance = forecast - planned"] * n, dtype="string")

    def money(column: str | pd.Series) -> np.ndarray:
        values = frame[column] if isinstance(column, str) else column
        return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)

    def side_total(side: str) -> pd.Series:
        quarters = frame[[f"{side}_{q}_gbp" for q in QUARTERS]]
        return quarters.sum(axis=1, min_count=4).where(quarters.notna().all(axis=1))

    stated = np.column_stack([money("planned_total_gbp"), money("forecast_total_gbp"), money("variance_gbp")])
    computed = np.column_stack([money(side_total("planned")), money(side_total("forecast")),
                                money(frame["forecast_total_gbp"] - frame["planned_total_gbp"])])
    computed = computed.ravel()
    notes = pd.Series([""] * (3 * n), dtype="string")
    blank_quarter = np.isnan(computed) & (np.arange(3 * n) % 3 != 2)
    if blank_quarter.any():
        notes[blank_quarter] = "a quarter is blank (" + refs[blank_quarter] + ")"
    lines = pd.DataFrame({
        "document": pd.Series([doc.document] * (3 * n), dtype="string"),
        "table": pd.Series([TABLE] * (3 * n), dtype="string"),
        "item": refs + suffixes,
        "check": pd.Series(["total", "total", "difference"] * n, dtype="string"),
        "stated": stated.ravel(),
        "computed": computed,
        "unit": pd.Series(["gbp"] * (3 * n), dtype="string"),
        "note": notes,
        "source_file": pd.Series([doc.file] * (3 * n), dtype="string"),
        "source_line": frame["source_line"].take(each).reset_index(drop=True).astype("Int64"),
        "stated_precision": np.full(3 * n, doc_precision(doc)),
    })
    del refs, suffixes, notes
    checks.add_frame(lines)

    if not totals:
        checks.add(document=doc.document, table=TABLE, item="totals row: the tracker prints none", kind="total",
                   stated=None, computed=_sum(frame["planned_total_gbp"]), unit="gbp", source_file=doc.file,
                   source_line=None, note="no totals row printed: the saving lines could not be checked against a "
                   "total the tracker states (computed = sum of Original Saving)")
    add_totals_checks(doc, frame, totals, checks)


@needs(frame=())
def add_totals_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
    """Each figure of the totals row checked once against the sum of every saving line.

    A tracker that repeats its totals row on every page prints one total several times: the first
    copy is checked, the note says whether the copies agree, and a copy that differs from the first
    gets a ``repeated`` check of its own.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    frame : pandas.DataFrame
        The tracker's ``savings_tracker`` rows; when there is a totals row, reads the ``*_gbp``
        column of each figure it prints (pounds, negative = saving) and ``reference``.
    totals : list
        The printed totals rows, each ``(row, figures by field, shifted)`` as :func:`totals_values`
        reads them (pounds, negative = saving); empty when the tracker prints none.
    checks : Checks
        The run's reconciliation checks, added to.
    """
    if not totals:
        return
    def where(row) -> str:
        return f"sheet {row.sheet!r} row {row.line}" if row.sheet else f"line {row.line}"
    first_row, first_values, _ = totals[0]
    for name, stated in first_values.items():
        label = FIELD_LABELS.get(name, name)
        copies = [(row, values.get(name), shifted) for row, values, shifted in totals]
        differ = [(row, v) for row, v, _ in copies[1:] if v != stated]
        note = "compared with the sum of every saving line"
        if len(copies) > 1:
            note += (f"; the totals row is printed {len(copies)} times (" + ", ".join(where(r) for r, _, _ in copies)
                     + "): " + ("every copy agrees with the first" if not differ else
                                f"{len(differ)} cop{'y differs' if len(differ) == 1 else 'ies differ'} from the first"))
        moved = [where(r) for r, _, shifted in copies if shifted]
        if moved:
            note += f"; figures shifted left of their columns in the extract ({', '.join(moved)}), aligned by order"
        suspect = [frame.iloc[i]["reference"] for i, field, lab in _totals_suspects(frame, totals) if lab == label]
        if suspect:
            note += f"; it agrees if {suspect[0]} has the other sign (see the sign check)"
        checks.add(document=doc.document, table=TABLE, item=f"totals row ({where(first_row)}): {label}",
                   kind="total", stated=stated, computed=_sum(frame[f"{name}_gbp"]), unit="gbp",
                   source_file=doc.file, source_line=first_row.line, note=note,
                   stated_precision=doc_precision(doc))
        for row, value in differ:
            checks.add(document=doc.document, table=TABLE, item=f"totals row ({where(row)}): {label} vs the first copy",
                       kind="repeated", stated=value, computed=stated, unit="gbp", source_file=doc.file,
                       source_line=row.line, note=f"the same total printed at {where(first_row)}",
                       stated_precision=doc_precision(doc))


def doc_precision(doc: SourceDocument) -> float:
    """Unit of a tracker's last printed digit in pounds: 1,000 for a tracker in £000.

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row (its ``unit``).

    Returns
    -------
    float
        1000.0 or 1.0 (pounds).
    """
    return 1000.0 if doc.unit == "gbp_thousands" else 1.0


@needs(frame=("planned_total_gbp", "forecast_total_gbp", "variance_gbp"))
def check_signs(doc: SourceDocument, frame: pd.DataFrame) -> None:
    """Refuse a tracker whose signs contradict the manifest (see the module docstring).

    Parameters
    ----------
    doc : SourceDocument
        The tracker's manifest row.
    frame : pandas.DataFrame
        The tracker's ``savings_tracker`` rows (pounds, negative = saving): reads
        ``planned_total_gbp``, ``forecast_total_gbp`` and ``variance_gbp`` (and ``source_line``,
        ``source_sheet`` of the line named in a refusal).

    Raises
    ------
    analysis.errors.InputError
        When most lines would be costs under the manifest's ``saving_sign``, or every variance is
        printed planned minus forecast.
    """
    sign = doc.saving_sign or "negative"
    planned = frame["planned_total_gbp"].dropna()
    savings, costs = int((planned < 0).sum()), int((planned > 0).sum())
    ratio = assumptions.SAVING_SIGN_COST_RATIO
    if costs >= 3 and costs > ratio * savings:
        raise InputError(doc.path, column="saving_sign (manifest)",
                         expected=f"savings printed as {sign} figures, as the manifest says (saving_sign={sign})",
                         found=f"{costs} of {costs + savings} lines with a planned amount would then be costs, "
                               f"not savings - is saving_sign right? (withdraw and register again with "
                               f"--saving-sign {'positive' if sign == 'negative' else 'negative'})")
    p, f, v = frame["planned_total_gbp"], frame["forecast_total_gbp"], frame["variance_gbp"]
    moved = (f - p)
    known = p.notna() & f.notna() & v.notna() & (moved != 0)
    known = known.fillna(False).astype(bool)
    if known.any() and ((v[known] == -moved[known]).all()):
        first = frame[known].iloc[0]
        raise InputError(doc.path, line=int(first["source_line"]),
                         sheet=None if pd.isna(first["source_sheet"]) else first["source_sheet"],
                         column="Variance from Plan",
                         expected=f"forecast minus planned in the tracker's own signs (here "
                                  f"{format_gbp(int(first['forecast_total_gbp']) - int(first['planned_total_gbp']))}"
                                  f" in the processed sign, negative = saving)",
                         found=f"planned minus forecast on all {int(known.sum())} lines with a variance "
                               f"({format_gbp(int(first['variance_gbp']))} here): check saving_sign in the manifest")


def _sum(column: pd.Series) -> int | None:
    return None if column.isna().all() else int(column.sum())
