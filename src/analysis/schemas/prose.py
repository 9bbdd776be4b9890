"""Schema of ``prose_figures``: every amount, count and rate the papers print in prose.

One producer's tables per module, like :mod:`analysis.schemas.ingest` and
:mod:`analysis.schemas.statistics`; :mod:`analysis.schemas` joins them into ``TABLES``.
"""

from __future__ import annotations

from .columns import FY, Col, Table

__all__ = ["tables"]


def tables() -> dict[str, Table]:
    """The table ingest writes from the papers' prose.

    Returns
    -------
    dict of str to Table
        ``{"prose_figures": Table}``.
    """
    return {"prose_figures": Table(
        "One row per figure printed in a paper's prose (sentences, and narrative cells of its tables): "
        "amounts, counts and rates, as printed, with the precision of their last printed digit. Where the "
        "papers derive one prose figure from others (unit cost x count; A - B = C) the derivation is "
        "checked in the reconciliation table (table 'prose_figures'). Savings trackers' commentary is not "
        "read here (it is kept verbatim in savings_tracker).",
        {
            "authority": Col("string", "Council the paper is about.", nullable=False),
            "document": Col("string", "Document id from data/raw/manifest.csv.", nullable=False),
            "measure": Col("string", "The words around the figure in its sentence, as printed (what it measures).",
                           nullable=False),
            "period": Col("string", "Financial year named in the same sentence, nearest the figure; empty when "
                                    "the sentence names none.", regex=FY),
            "value": Col("Float64", "The figure: whole pounds for gbp (negative only where printed with a minus "
                                    "sign), a number for count and pct.", nullable=False),
            "unit": Col("string", "gbp, count or pct.", nullable=False, isin=("gbp", "count", "pct")),
            "precision": Col("Float64", "Unit of the last printed digit, in the unit's unit (1,000 for '£420K', "
                                        "100,000 for '£2.1m', 1 for '49 exits').", nullable=False, ge=0),
            "raw": Col("string", "The figure as printed.", nullable=False),
            "flags": Col("string", "What the prose says about the figure, '; '-separated: approximate "
                                   "('around', 'circa', '~'), in brackets, range end, per week/annum, "
                                   "and any cleaning the figure needed."),
            "source_file": Col("string", "File in data/raw.", nullable=False),
            "source_line": Col("Int64", "1-based line of the file the figure is printed on.", nullable=False, ge=1),
        },
    )}
