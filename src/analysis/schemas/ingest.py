"""Schemas of the tables ``ingest`` writes from the papers in ``data/raw`` (declared in
:mod:`analysis.schemas`' conventions: whole pounds in ``_gbp`` columns, lineage on every row)."""

from __future__ import annotations

from .columns import AUTHORITY, FY, MONTH, ROW_TYPE, ROW_TYPE_NOTE, Col, Table, _lineage, _service_block_grid

__all__ = ["INGEST_TABLES"]

INGEST_TABLES: dict[str, Table] = {
    "sources": Table(
        "The documents this run read, from data/raw/manifest.csv, with their checksums.",
        {
            "document": Col("string", "Document id.", nullable=False),
            "file": Col("string", "File name in data/raw.", nullable=False),
            "kind": Col("string", "Which reader applied.", nullable=False),
            "authority": AUTHORITY,
            "paper": Col("string", "Title of the paper."),
            "date": Col("string", "Date of the paper (ISO 8601; year only where the month is not stated)."),
            "period_covered": Col("string", "Financial years the document covers."),
            "period": Col("string", "Month a tracker reports (YYYY-MM); empty for one-off papers."),
            "unit": Col("string", "What an unadorned number in the document means (gbp or gbp_thousands)."),
            "sha256": Col("string", "SHA-256 of the file as delivered.", nullable=False, regex=r"^[0-9a-f]{64}$"),
            "saving_sign": Col("string", "Savings trackers: the sign the tracker prints a saving with (negative or "
                                         "positive, from the manifest); empty for other papers.",
                               isin=("negative", "positive")),
        },
        unique=("document",),
    ),
    "savings_tracker": Table(
        "One row per saving line of a savings tracker (paper extract, CSV or XLSX). Money is whole pounds "
        "and always negative = a saving (reduction in spend), positive = a cost, whatever the tracker printed: "
        "the manifest's saving_sign says how the tracker printed a saving, and a tracker that printed savings "
        "as positive figures has its planned, forecast and variance figures multiplied by -1 here (the "
        "saving_sign column keeps what was printed: printed figure = value x -1 where it is positive). "
        "Accounting brackets (1,595) and the unicode minus are negative. The Cambridgeshire tracker prints "
        "£000; figures are multiplied by 1,000 here. A blank amount is kept empty and flagged in "
        "cleaning_flags. Totals rows are not rows of this table: they are reconciled in the reconciliation table.",
        {
            "authority": AUTHORITY,
            "period": Col("string", "Month the tracker reports (YYYY-MM).", nullable=False, regex=MONTH),
            "financial_year": Col("string", "Financial year of the tracker (April-March), e.g. 2017-18.",
                                  nullable=False, regex=FY),
            "reference": Col("string", "Saving reference as printed (e.g. A/R.6.101).", nullable=False),
            "title": Col("string", "Title of the saving.", nullable=False),
            "description": Col("string", "Description as printed. May contain HTML tags as text (never markup)."),
            "committee": Col("string", "Committee(s) the saving reports to, as printed (e.g. 'Adults, C&YP')."),
            "investment_gbp": Col("Int64", "Investment in the year, £ (positive = spend; as printed, whatever "
                                           "saving_sign says)."),
            **{f"planned_q{q}_gbp": Col("Int64", f"Original phasing, quarter {q}, £ (negative = saving).")
               for q in range(1, 5)},
            "planned_total_gbp": Col("Int64", "Original saving for the year, £ (negative = saving)."),
            **{f"forecast_q{q}_gbp": Col("Int64", f"Current forecast phasing, quarter {q}, £ (negative = saving).")
               for q in range(1, 5)},
            "forecast_total_gbp": Col("Int64", "Forecast saving for the year, £ (negative = saving); empty when the "
                                               "tracker has no forecast yet (flagged)."),
            "variance_gbp": Col("Int64", "Variance from plan, £: forecast minus planned (negative = saving), so "
                                         "positive = shortfall against the planned saving, negative = "
                                         "over-delivery. A tracker printing the opposite is refused."),
            "saving_sign": Col("string", "How the tracker printed a saving (manifest saving_sign): negative (figures "
                                         "as printed) or positive (planned, forecast and variance printed with the "
                                         "opposite sign; multiplied by -1 here).", nullable=False,
                               isin=("negative", "positive")),
            "brackets_printed": Col("boolean", "True when an amount of this line was printed in accounting brackets, "
                                               "e.g. (1,595), read as negative.", nullable=False),
            "complete": Col("boolean", "Saving complete? (Yes/No as printed)."),
            "rag": Col("string", "Delivery status: Red, Amber, Green, or empty (a printed 0 is not a colour).",
                       isin=("Red", "Amber", "Green")),
            "rag_raw": Col("string", "RAG cell as printed."),
            "direction": Col("string", "Direction of travel since last month: improving (↑), unchanged (↔), "
                                       "worsening (↓), or empty.", isin=("improving", "unchanged", "worsening")),
            "direction_raw": Col("string", "Direction-of-travel cell as printed."),
            "commentary": Col("string", "Forecast commentary as printed (may contain HTML tags as text)."),
            "partner_links": Col("string", "Links with partner organisations; empty where the tracker printed 0."),
            "partner_links_raw": Col("string", "Partner-links cell as printed."),
            "sign_doubt": Col("string", "Why this line's sign looks wrong, when it does: a total that is the negative "
                                        "of its quarters, a variance printed the other way, a forecast of the "
                                        "opposite sign to the plan, a Red line over-delivering, the totals row "
                                        "agreeing only if the line is a saving, or last month's tracker printing "
                                        "it with the other sign. Headlines that include such a line say so."),
            **_lineage(sheet=True),
        },
        unique=("authority", "period", "reference"),
    ),
    "recovery_actions": Table(
        "One row per action of a finance recovery plan (Torbay 2019, Appendix 1), with the themed section "
        "it sits in. Spend is the budget in scope of the action, whole pounds; its basis says how to read it.",
        {
            "authority": AUTHORITY,
            "theme_number": Col("Int64", "Number of the themed section (1-9 in the 2019 plan).", nullable=False, ge=1),
            "theme": Col("string", "Themed section heading, e.g. Fostering.", nullable=False),
            "action_id": Col("string", "Action ID (e.g. CSC20); empty where page-number debris replaced it."),
            "action_id_raw": Col("string", "ID cell as printed.", nullable=False),
            "priority": Col("string", "Priority H/M/L (the 'HML = £££' column).", isin=("H", "M", "L")),
            "priority_raw": Col("string", "Priority cell as printed (may hold letters from other scripts)."),
            "spend_gbp": Col("Int64", "Spend (or income) in scope, £, as a positive amount; see spend_basis."),
            "spend_basis": Col("string", "How to read spend_gbp.", nullable=False,
                               isin=("annual spend", "income (shown in brackets)", "per quarter",
                                     "not applicable", "not stated", "unknown")),
            "spend_raw": Col("string", "Spend cell as printed."),
            "proposal": Col("string", "Proposal text as printed."),
            "output": Col("string", "Output expected."),
            "how_saving_achieved": Col("string", "How the saving is achieved."),
            "who": Col("string", "Officers responsible (initials), look-alike letters folded to Latin."),
            "who_raw": Col("string", "Who cell as printed."),
            "when": Col("string", "When, as printed (e.g. Nov-19, Ongoing)."),
            "due_month": Col("string", "Deadline month read from 'when' (YYYY-MM); empty for ongoing actions.",
                             regex=MONTH),
            "progress_update": Col("string", "Progress update as printed."),
            **_lineage(),
        },
    ),
    "cla_trajectories": Table(
        "Children looked after (CLA): actual numbers and every plan, long format. Rates are as printed "
        "(per 10,000 children aged 0-17); the analysis derives missing rates from the paper's own figures.",
        {
            "authority": AUTHORITY,
            "year": Col("string", "Financial year the figure belongs to (e.g. 2016-17).", nullable=False, regex=FY),
            "as_at": Col("string", "Date the number refers to (ISO 8601): 31 March for year-end figures.",
                         nullable=False),
            "series": Col("string", "Series id, as the reader names it from the paper: 'actual' for actual figures, "
                                    "otherwise the plan's id. Data, not a fixed list: a new plan is a new id.",
                          nullable=False, regex=r"^[a-z0-9_]+$"),
            "label": Col("string", "The series in words for charts and tables, the same on every row of the series "
                                   "(e.g. '5-year plan (Oct 2014)').", nullable=False),
            "series_kind": Col("string", "actual or plan.", nullable=False, isin=("actual", "plan")),
            "plan_made": Col("string", "When the plan was made (YYYY-MM, or YYYY when the paper gives only the year); "
                                       "empty for actual figures. A plan printed again in a later paper keeps the "
                                       "plan_made of the original: series sharing a plan_made are one plan and its "
                                       "restatements.", regex=r"^\d{4}(-(0[1-9]|1[0-2]))?$"),
            "bound": Col("string", "central for a single figure; low/high for the ends of a planned band.",
                         nullable=False, isin=("central", "low", "high")),
            "plan_year": Col("string", "The plan's own label for the year (e.g. 'Year 1'), where printed."),
            "number": Col("Int64", "Number of children looked after.", nullable=False, ge=0),
            "rate_per_10k": Col("Float64", "Rate per 10,000 children as printed; empty where not printed.", ge=0),
            "rate_source_line": Col("Int64", "Line the rate is printed on (Table 1 prints numbers and rates on "
                                             "separate lines); empty where no rate is printed.", ge=1),
            "figure_basis": Col("string", "printed in a table, or derived from a statement in the prose.",
                                nullable=False, isin=("printed", "derived from prose")),
            "table_name": Col("string", "Table or paragraph the figure comes from.", nullable=False),
            **_lineage(),
        },
        unique=("authority", "series", "bound", "as_at", "document"),
    ),
    "comparator_rates": Table(
        "CLA rate per 10,000 children for an authority and its statistical neighbours, as printed; printed "
        "averages kept as stated figures (row_type stated_average), never as authorities.",
        {
            "authority": Col("string", "Authority name (tags and dash damage removed) or the average's label.",
                             nullable=False),
            "authority_raw": Col("string", "Name cell as printed.", nullable=False),
            "year": Col("string", "Financial year of the data.", nullable=False, regex=FY),
            "rate_per_10k": Col("Float64", "CLA per 10,000 children aged 0-17.", nullable=False, ge=0),
            "is_subject": Col("boolean", "True for the authority the paper is about.", nullable=False),
            "row_type": Col("string", "authority or stated_average.", nullable=False,
                            isin=("authority", "stated_average")),
            "average_of": Col("string", "For a stated average: which authorities it averages, as printed."),
            "subject_authority": Col("string", "The authority the paper is about.", nullable=False),
            "table_name": Col("string", "Table the figure comes from.", nullable=False),
            **_lineage(),
        },
        unique=("authority", "year", "document"),
        notes=(ROW_TYPE_NOTE,),
    ),
    "placement_costs": Table(
        "Total CLA placement cost by year with the printed reduction against a baseline year and the printed "
        "forecast under/overspend (e.g. Torbay 2015, Table 7). Whole pounds.",
        {
            "authority": AUTHORITY,
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "total_placement_cost_gbp": Col("Int64", "Total CLA placement cost, £.", nullable=False, ge=0),
            "total_placement_cost_raw": Col("string", "Cell as printed."),
            "reduction_gbp": Col("Int64", "Reduction in spend compared to reduction_baseline_year as printed, £."),
            "reduction_raw": Col("string", "Cell as printed."),
            "reduction_baseline_year": Col("string", "The year the printed reduction is measured against, as the "
                                                     "table's header names it (e.g. 2013-14).", regex=FY),
            "forecast_variance_gbp": Col("Int64", "Forecast under/overspend a year as printed (magnitude), £."),
            "forecast_variance_direction": Col("string", "underspend where printed; 'not stated' where the cell "
                                                         "gives only an amount.",
                                               isin=("underspend", "overspend", "not stated")),
            "forecast_variance_raw": Col("string", "Cell as printed."),
            "table_name": Col("string", "Table the figure comes from.", nullable=False),
            **_lineage(),
        },
        unique=("authority", "year", "document"),
    ),
    "placement_slippage": Table(
        "Monthly increase in budget pressure if slipped placement moves are not achieved (Torbay 2017, "
        "Table 2), whole pounds. The printed Total is kept as row_type stated_total.",
        {
            "authority": AUTHORITY,
            "financial_year": Col("string", "Financial year.", nullable=False, regex=FY),
            "month": Col("string", "Month (YYYY-MM); empty on the total row.", regex=MONTH),
            "month_label": Col("string", "Month cell as printed.", nullable=False),
            "increase_gbp": Col("Int64", "Increase in the budget pressure that month, £.", nullable=False),
            "row_type": ROW_TYPE,
            "table_name": Col("string", "Table the figure comes from.", nullable=False),
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    ),
    "financial_improvement_plan": Table(
        "Financial Improvement Plan savings by opportunity and year (Torbay 2017), whole pounds. A single "
        "figure has low_gbp = high_gbp; a printed range keeps both ends. The printed TOTAL column, TOTAL row "
        "and 50% budget adjustment are kept as stated figures. Amounts stated in the Financial Action Plan "
        "prose are rows with stated_in = 'action plan prose', matched to the opportunity they describe.",
        {
            "authority": AUTHORITY,
            "opportunity": Col("string", "Opportunity as printed (for total rows, the row's label).", nullable=False),
            "year": Col("string", "Financial year, or 'all years' for the TOTAL column.", nullable=False,
                        regex=r"^(\d{4}-\d{2}|all years)$"),
            "low_gbp": Col("Int64", "Saving (positive = saving), low end, £."),
            "high_gbp": Col("Int64", "Saving (positive = saving), high end, £."),
            "amount_status": Col("string", "value, range, to_be_confirmed, or blank.", nullable=False,
                                 isin=("value", "range", "to_be_confirmed", "blank")),
            "amount_raw": Col("string", "Cell (or prose phrase) as printed."),
            "in_revenue_budget": Col("boolean", "Marked * = included within the revenue budget of "
                                                "revenue_budget_year (the plan's footnote says which).",
                                     nullable=False),
            "revenue_budget_year": Col("string", "The financial year whose revenue budget the * footnote names "
                                                 "(e.g. 2017-18); empty when the plan has no such footnote.",
                                       regex=FY),
            "row_type": Col("string", "opportunity, stated_total (TOTAL row or column) or stated_adjustment "
                                      "(50% in-year budget adjustment).", nullable=False,
                            isin=("opportunity", "stated_total", "stated_adjustment")),
            "stated_in": Col("string", "table (the Financial Improvement Plan) or action plan prose.",
                             nullable=False, isin=("table", "action plan prose")),
            "prose_opportunity_text": Col("string", "For prose rows: the words the amount was matched on."),
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    ),
    "budget_inflation_indices": Table(
        "Inflation indices applied to budgets, by year (Cambridgeshire business plan 2018-19 to 2022-23).",
        {
            "authority": AUTHORITY,
            "index_name": Col("string", "Index as printed.", nullable=False),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "rate_pct": Col("Float64", "Inflation rate, percent.", nullable=False),
            "rate_raw": Col("string", "Cell as printed."),
            **_lineage(),
        },
    ),
    "budget_inflation": _service_block_grid("Forecast inflation", "Forecast inflation"),
    "budget_demand_pressures": _service_block_grid("Demand pressures", "Demand pressure"),
    "budget_cost_pressures": Table(
        "Cost pressures by year, whole pounds (printed in £000), split into new pressures and existing "
        "pressures brought forward. The printed Total row (printed as dashes) is kept as stated.",
        {
            "authority": AUTHORITY,
            "pressure": Col("string", "Pressure as printed (with its service prefix).", nullable=False),
            "service_block": Col("string", "Service prefix (P&C, ETE, CS, A&I) where printed."),
            "category": Col("string", "new (arising in 18-19) or brought forward (existing pressures).",
                            nullable=False, isin=("new", "brought forward", "total")),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "amount_gbp": Col("Int64", "Cost pressure, £ (negative = pressure falls away)."),
            "amount_raw": Col("string", "Cell as printed (£000)."),
            "row_type": ROW_TYPE,
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    ),
    "budget_savings_requirement": Table(
        "Savings requirement against identified savings and income, and the residual gap, by year; whole "
        "pounds (printed in £000) with the paper's signs (identified savings/income negative).",
        {
            "authority": AUTHORITY,
            "line": Col("string", "Line as printed.", nullable=False),
            "line_key": Col("string", "requirement, identified_savings, identified_income or residual_gap.",
                            nullable=False,
                            isin=("requirement", "identified_savings", "identified_income", "residual_gap")),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "amount_gbp": Col("Int64", "Amount, £.", nullable=False),
            "amount_raw": Col("string", "Cell as printed (£000)."),
            "row_type": Col("string", "line, or stated_total for the residual (requirement plus identified "
                                      "savings and income).", nullable=False, isin=("line", "stated_total")),
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    ),
    "budget_demand_funding": Table(
        "Demand funding proposed for 2018/19 by demand area, whole pounds (printed in £000).",
        {
            "authority": AUTHORITY,
            "demand_area": Col("string", "Demand area as printed.", nullable=False),
            "description": Col("string", "Description as printed (page-break continuations joined)."),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "amount_gbp": Col("Int64", "Additional funding, £.", nullable=False, ge=0),
            "amount_raw": Col("string", "Cell as printed (£000)."),
            **_lineage(),
        },
    ),
    "budget_proposals": Table(
        "Business planning proposals named in the text with their reference and amount "
        "('A/R.6.253 … (-2000k in 2018/19)'), whole pounds with the paper's sign (negative = saving).",
        {
            "authority": AUTHORITY,
            "paragraph": Col("string", "Paragraph number (e.g. 5.3).", nullable=False),
            "reference": Col("string", "Proposal reference normalised to A/R.6.253 form.", nullable=False),
            "reference_raw": Col("string", "Reference as printed.", nullable=False),
            "title": Col("string", "Proposal title as printed.", nullable=False),
            "heading": Col("string", "The commitment or section heading the proposal sits under."),
            "scope": Col("string", "committee (within the committee's remit) or cross-cutting.", nullable=False,
                         isin=("committee", "cross-cutting")),
            "amount_gbp": Col("Int64", "Amount stated in the heading, £ (negative = saving); empty if none."),
            "amount_raw": Col("string", "Amount as printed."),
            "year": Col("string", "Financial year of the amount.", regex=FY),
            **_lineage(),
        },
        unique=("reference", "document"),
    ),
    "reconciliation": Table(
        "One row per check: every printed total, subtotal, average, rate, range total and repeated figure, "
        "recomputed from its printed parts. stated = as printed; computed = from the parts; difference = "
        "stated - computed. Nothing is corrected.",
        {
            "document": Col("string", "Document id.", nullable=False),
            "table": Col("string", "Processed table (or paper section) the check belongs to.", nullable=False),
            "item": Col("string", "What is checked.", nullable=False),
            "check": Col("string", "Kind of check: total, average, rate, difference, product, repeated, range, count, "
                         "rounding rule (a paper's stated rounding against the figures it prints), sign (a saving "
                         "line's sign against the totals row or last month's tracker), unit (a tracker's planned "
                         "saving against last month's and against what any council plans; a mismatch stops the "
                         "pack).",
                         nullable=False,
                         isin=("total", "average", "rate", "difference", "product", "repeated", "range", "count",
                               "rounding rule", "sign", "unit", "published", "prose")),
            "stated": Col("Float64", "Figure as printed (in the unit column's unit)."),
            "computed": Col("Float64", "Figure recomputed from the printed parts."),
            "difference": Col("Float64", "stated - computed."),
            "tolerance": Col("Float64", "Largest difference accepted as rounding (0 for exact sums).",
                             nullable=False, ge=0),
            "unit": Col("string", "gbp (whole pounds), per_10k, count, pct or population.", nullable=False,
                        isin=("gbp", "per_10k", "count", "pct", "population")),
            "status": Col("string", "ok (exact), within rounding (an admissible rounding of the stated figure meets "
                          "what its parts allow; rounding says which), mismatch (outside every admissible rounding; "
                          "the note shows the arithmetic) or not computable.", nullable=False,
                          isin=("ok", "within rounding", "mismatch", "not computable")),
            "note": Col("string", "How the figure was computed, or why it could not be."),
            "source_file": Col("string", "File in data/raw.", nullable=False),
            "source_line": Col("Int64", "Line of the stated figure.", ge=1),
            "stated_precision": Col("Float64", "Unit of the stated figure's last printed digit, in the unit column's "
                                    "unit (1,000 for '57k', 100,000 for '£12.4m'); 0 = compared as exact.", ge=0),
            "rounding": Col("string", "For within rounding: the rounding of the stated figure and the reading of its "
                                      "parts under which they meet (e.g. 'stated nearest £0.1m, parts to the nearest "
                                      "£0.1m')."),
            "computed_low": Col("Float64", "Lowest value the printed parts allow (equal to computed when exact)."),
            "computed_high": Col("Float64", "Highest value the printed parts allow (equal to computed when exact)."),
        },
    ),
    # --- public statistics (python -m analysis public-stats; producer public-stats) ------------------------
}
