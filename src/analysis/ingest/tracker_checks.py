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
from .tracker_header import FIELD_LABELS, MONEY_FIELDS, QUARTERS, SIGNED_FIELDS
from .tracker_rows import Row

TABLE = "savings_tracker"


def totals_values(doc: SourceDocument, row: Row, mapping: dict[str, int],
                  factor: int) -> tuple[dict[str, int | None], bool]:
    """Figures of a totals row by field (normalised sign).  Aligned by column when the figures
    sit under the money columns; by order when extraction shifted them (``shifted=True``)."""
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
        return {f: value(f, c) for f, c in zip(money_fields, figures)}, True
    raise InputError(doc.path, line=row.line, sheet=row.sheet, column="totals row",
                     expected=f"{len(money_fields)} figures ({', '.join(FIELD_LABELS.get(f, f) for f in money_fields)})"
                     " or figures under the money columns",
                     found=f"{len(figures)} figures: " + " | ".join(figures))


def add_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
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


def add_totals_checks(doc: SourceDocument, frame: pd.DataFrame, totals: list, checks: Checks) -> None:
    """Each figure of the totals row checked once against the sum of every saving line.  A tracker
    that repeats its totals row on every page prints one total several times: the first copy is
    checked, the note says whether the copies agree, and a copy that differs from the first gets a
    ``repeated`` check of its own."""
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
    """Unit of a tracker's last printed digit in pounds: 1,000 for a tracker in £000."""
    return 1000.0 if doc.unit == "gbp_thousands" else 1.0


def check_signs(doc: SourceDocument, frame: pd.DataFrame) -> None:
    """Refuse a tracker whose signs contradict the manifest (see the module docstring)."""
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
