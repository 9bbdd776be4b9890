"""A forecast under/overspend printed with no direction, against the contribution from reserves
another paper of the same authority prints for the same year.

A paper may print a year's under/overspend with no word saying which (002's Table 7 prints
``£2.3m`` under "Forecast Under/Overspend p.a"); it is kept as printed, direction ``not stated``
(:mod:`.five_year_plan` flags it).  Where a later (or earlier) paper of the same authority prints,
in prose, a contribution from reserves for that same financial year (001 §1.1: budgets that
"benefited from contributions from central reserves of respectively £2.3m and £1.1m"), the two
are one measure - the amount of that year met from reserves - and are compared ("repeated").
Nothing is corrected: the stored direction stays ``not stated``; when the two agree, the row's
flag says the other paper reads it as an overspend met from reserves.

The check belongs to the later-dated of the two papers (like the restated-plan checks of
:func:`analysis.ingest._cross_document_checks`), so a pack shows it only when that paper is in
force, and the earlier one, of another kind, is then in force too.  A year with no, or more
than one, reserve contribution printed is not compared (no guessing which one is meant).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from .. import precision as pr
from ..manifest import SourceDocument
from ..money import format_gbp
from ..reconcile import MISMATCH, NOT_COMPUTABLE, Checks
from ..schemas import needs

__all__ = ["RESERVE_CONTRIBUTION", "reserve_contribution_checks"]

#: prose that names a contribution from reserves (the measure words around a prose figure)
RESERVE_CONTRIBUTION = re.compile(r"\bcontributions?\b(?:\W+\w+){0,4}?\W+reserves?\b", re.I)


@needs(tables=())
def reserve_contribution_checks(tables: dict[str, pd.DataFrame], checks: Checks,
                                documents: Sequence[SourceDocument] = ()) -> None:
    """Undirected under/overspends checked against a reserve contribution printed elsewhere.

    Each under/overspend printed with no direction against the one reserve contribution that another
    paper of the same authority prints in prose for the same year; flags the row (its
    ``cleaning_flags``, in place).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The run's tables by name: reads ``placement_costs`` and ``prose_figures``.
    checks : Checks
        The run's reconciliation checks, added to.
    documents : sequence of SourceDocument, optional
        The run's manifest rows (their dates say which paper is the later).
    """
    costs, prose = tables["placement_costs"], tables["prose_figures"]
    if costs.empty or prose.empty:
        return
    dated = {d.document: (d.date or "", d.document) for d in documents}
    unstated = costs[(costs.forecast_variance_direction == "not stated") & costs.forecast_variance_gbp.notna()]
    flags = prose["flags"].fillna("")
    contributions = prose[(prose.unit == "gbp") & prose.period.notna() & (prose.value > 0)
                          & prose.measure.str.contains(RESERVE_CONTRIBUTION) & ~flags.str.contains("range end")]
    for index, row in unstated.iterrows():
        same = contributions[(contributions.authority == row.authority) & (contributions.document != row.document)
                             & (contributions.period == row.year)]
        if len(same) != 1:
            continue
        c = same.iloc[0]
        table_step = pr.precision_of(row.forecast_variance_raw or "", row.forecast_variance_gbp)
        table_side = f"{row.table_name} of document {row.document} (line {row.source_line})"
        prose_side = f"document {c.document} line {c.source_line}"
        prose_later = dated.get(c.document, ("", c.document)) >= dated.get(row.document, ("", row.document))
        note = (f"like with like: both are the amount of {row.year} met from reserves. {table_side} prints "
                f"{row.forecast_variance_raw} under 'Forecast Under/Overspend' and leaves the direction unstated "
                f"(stored 'not stated'); {prose_side} prints a contribution from reserves of {c.raw} for "
                f"{row.year} ('{c.measure}'), which reads it as an overspend met from reserves")
        table_interval = pr.printed(float(row.forecast_variance_gbp), table_step)
        prose_interval = pr.printed(float(c.value), float(c.precision))
        if prose_later:  # the check sits on the later paper's line, its figure the stated one
            stated, stated_step, computed, allowed = c.value, c.precision, row.forecast_variance_gbp, table_interval
            how, where, file, line = f"{row.table_name} figure {pr.describe(pr.NEAREST, table_step)}", c, \
                c.source_file, c.source_line
        else:
            stated, stated_step, computed, allowed = row.forecast_variance_gbp, table_step, c.value, prose_interval
            how, where, file, line = f"prose figure {pr.describe(pr.NEAREST, c.precision)}", row, \
                row.source_file, row.source_line
        result = checks.add(
            document=where.document, table="placement_costs",
            item=f"{row.authority} {row.year} forecast under/overspend, direction not printed ({row.table_name}, "
                 f"document {row.document}) vs contribution from reserves (document {c.document})",
            kind="repeated", stated=float(stated), computed=float(computed), unit="gbp", source_file=file,
            source_line=int(line), note=note, stated_precision=float(stated_step),
            computed_intervals={how: allowed})
        if result["status"] not in (MISMATCH, NOT_COMPUTABLE):
            read = (f"{prose_side} prints a contribution from reserves of {c.raw} for {row.year}, the figure "
                    f"printed here ({format_gbp(row.forecast_variance_gbp)}), which reads it as an overspend met "
                    f"from reserves")
            old = costs.at[index, "cleaning_flags"]
            costs.at[index, "cleaning_flags"] = "; ".join(p for p in (None if pd.isna(old) else old, read) if p)
