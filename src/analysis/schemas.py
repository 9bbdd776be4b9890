"""Schemas of the processed tables: column types, rules and meanings.

Each table is declared once here.  The declaration drives three things:

* :func:`conform` orders and types a freshly parsed table and validates it with pandera
  before it is written (a failure is a :class:`~analysis.errors.SchemaError`);
* :func:`data_dictionary` generates the data dictionary written beside the tables;
* the notebooks and tests read column meanings from the same place.

Conventions: money is whole pounds in nullable integer columns ending ``_gbp``; rates end
``_per_10k``; percentages ``_pct``; financial years are written ``2017-18``; months ``YYYY-MM``.
Every row keeps its lineage (``document``, ``source_file``, ``source_line``) and, where a cell
needed cleaning, the raw text in a ``*_raw`` column and the reason in ``cleaning_flags``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .errors import InputError, InputErrors, SchemaError

FY = r"^\d{4}-\d{2}$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Col:
    dtype: str  # string | Int64 | Float64 | boolean
    description: str
    nullable: bool = True
    isin: tuple | None = None
    regex: str | None = None
    ge: float | None = None


@dataclass(frozen=True)
class Table:
    description: str
    columns: dict[str, Col]
    unique: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    producer: str = "ingest"  # the command that writes it: ingest (data/raw) or public-stats (data/external)


def _lineage(sheet: bool = False) -> dict[str, Col]:
    cols = {
        "document": Col("string", "Document id from data/raw/manifest.csv (e.g. 003).", nullable=False),
        "source_file": Col("string", "File in data/raw the row was read from.", nullable=False),
    }
    if sheet:
        cols["source_sheet"] = Col("string", "Worksheet name for an XLSX tracker; empty for text and CSV.")
    cols["source_line"] = Col("Int64", "1-based line of the text/CSV file (or row of the worksheet) the row was "
                                       "read from.", nullable=False, ge=1)
    cols["cleaning_flags"] = Col("string", "Why any cell of this row needed cleaning, as 'column: reason' "
                                           "items separated by '; '. Empty when the row was read as printed.")
    return cols


AUTHORITY = Col("string", "Council the figures are about (short name, e.g. Torbay).", nullable=False)
ROW_TYPE = Col("string", "line or stated_total.", nullable=False, isin=("line", "stated_total"))
ROW_TYPE_NOTE = ("Rows with row_type other than 'line' are figures the paper prints as totals/averages; "
                 "they are kept as stated (never recomputed here) and reconciled in the reconciliation table.")

def _service_block_grid(what: str, amount: str) -> Table:
    """A business-plan table of service block x year in £000 with a printed Total row."""
    return Table(
        f"{what} by service block and year, whole pounds (printed in £000). Total kept as stated.",
        {
            "authority": AUTHORITY,
            "service_block": Col("string", "Service block as printed (or 'Total').", nullable=False),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "amount_gbp": Col("Int64", f"{amount}, £."),
            "amount_raw": Col("string", "Cell as printed (£000)."),
            "row_type": ROW_TYPE,
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    )


TABLES: dict[str, Table] = {
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
                         "rounding rule (a paper's stated rounding against the figures it prints).",
                         nullable=False,
                         isin=("total", "average", "rate", "difference", "product", "repeated", "range", "count",
                               "rounding rule")),
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
    "cla_rates": Table(
        "Children looked after at 31 March: one row per area (England, region, local authority) and year from "
        "the public releases - DfE Explore Education Statistics, the 2010-2017 statistical first releases and "
        "LAIT - with the child population (aged 0-17) used and the rate per 10,000. Where releases differ the "
        "latest release's figure is kept (the others are in release_revisions). Suppressed figures stay empty, "
        "never zero; authorities in years they did not exist (reorganisations) have no row.",
        {
            "geographic_level": Col("string", "national, regional or local authority.", nullable=False,
                                    isin=("national", "regional", "local authority")),
            "old_la_code": Col("string", "DfE 3-digit LA code; empty for England and regions.", regex=r"^\d{3}$"),
            "new_la_code": Col("string", "ONS 9-character code (E92000001 England, E12/E13 regions).",
                               nullable=False, regex=r"^E\d{8}$"),
            "authority": Col("string", "Area name (the latest release's spelling).", nullable=False),
            "region_code": Col("string", "Region the authority is in as the releases print it (E12, or E13 for "
                                         "Inner/Outer London); the region itself on regional rows."),
            "region_name": Col("string", "Name of that region."),
            "year": Col("Int64", "Year of the 31 March the figure is at (2013 = 31 March 2013).", nullable=False,
                        ge=1990),
            "financial_year": Col("string", "Financial year ending that 31 March (2012-13).", nullable=False,
                                  regex=FY),
            "number": Col("Int64", "Children looked after at 31 March; empty where suppressed or not printed.", ge=0),
            "number_marker": Col("string", "What the release printed instead of a number (c, x, z, .., [x], "
                                           "#VALUE!, -), or empty."),
            "population": Col("Int64", "Children aged 0-17 the rate is per: the release's own, else the ONS "
                                       "mid-year estimate; empty where neither exists.", ge=0),
            "population_mid_year": Col("Int64", "Mid-year of that estimate (year - 1).", ge=1990),
            "population_source": Col("string", "Where the population comes from."),
            "rate_per_10k": Col("Float64", "Children looked after per 10,000 children aged 0-17: as published, or "
                                           "computed (see rate_status).", ge=0),
            "rate_status": Col("string", "published, computed (number x 10,000 / population rounded half up to a "
                                         "whole number, as DfE publishes), not computable, or suppressed.",
                               nullable=False, isin=("published", "computed", "not computable", "suppressed")),
            "rate_recomputed_per_10k": Col("Float64", "number x 10,000 / population, unrounded, wherever both "
                                                      "exist.", ge=0),
            "rate_check": Col("string", "Published rate against the recomputed one: ok (the rounding rule gives "
                                        "it; a count rounded to 10 may be +/-5), differs, or differs: population "
                                        "vintage; empty where not both exist."),
            "counts_rounded_to": Col("Int64", "10 where the release rounds counts at this level to the nearest 10 "
                                              "(national, regional), else 1.", nullable=False, isin=(1, 10)),
            "not_computable_reason": Col("string", "For rate_status 'not computable': which download would supply "
                                                   "the missing population."),
            "release": Col("string", "Release the figure comes from (e.g. EES 2025 release (2021-2025), "
                                     "SFR36/2013, LAIT).", nullable=False),
            "release_vintage": Col("Int64", "Latest 31 March that release covers (orders releases).",
                                   nullable=False),
            "releases_holding": Col("Int64", "How many releases hold this area-year.", nullable=False, ge=1),
            "source_file": Col("string", "File the figure was read from.", nullable=False),
            "source_line": Col("Int64", "1-based line of the CSV (row of the Parquet file).", nullable=False, ge=1),
            "flags": Col("string", "What was read or derived and how, '; '-separated."),
        },
        unique=("geographic_level", "new_la_code", "year"),
        producer="public-stats",
    ),
    "release_revisions": Table(
        "The same area and year in two releases with different figures: the other release's value against the "
        "latest release's (the one cla_rates keeps). difference = latest - other.",
        {
            "geographic_level": Col("string", "national, regional or local authority.", nullable=False,
                                    isin=("national", "regional", "local authority")),
            "old_la_code": Col("string", "DfE 3-digit LA code (empty for England and regions).", regex=r"^\d{3}$"),
            "new_la_code": Col("string", "ONS 9-character code.", nullable=False, regex=r"^E\d{8}$"),
            "authority": Col("string", "Area name.", nullable=False),
            "year": Col("Int64", "Year of the 31 March.", nullable=False),
            "measure": Col("string", "number, population or rate_per_10k.", nullable=False,
                           isin=("number", "population", "rate_per_10k")),
            "release": Col("string", "The earlier (or lower-ranked) release.", nullable=False),
            "value": Col("Float64", "Its figure.", nullable=False),
            "latest_release": Col("string", "The release cla_rates keeps.", nullable=False),
            "latest_value": Col("Float64", "Its figure.", nullable=False),
            "difference": Col("Float64", "latest_value - value.", nullable=False),
            "source_file": Col("string", "File of the earlier figure.", nullable=False),
            "source_line": Col("Int64", "Its line.", nullable=False, ge=1),
            "latest_source_file": Col("string", "File of the latest figure.", nullable=False),
            "latest_source_line": Col("Int64", "Its line.", nullable=False, ge=1),
        },
        unique=("new_la_code", "year", "measure", "release"),
        producer="public-stats",
    ),
    "statistical_neighbours": Table(
        "Statistical-neighbour models: DfE's children's services benchmarking groups (model = its year) and "
        "each paper's own list (model paper_<31 March year>, read from comparator_rates; rank = printed order).",
        {
            "model": Col("string", "2021, 2025, or paper_<year>.", nullable=False),
            "old_la_code": Col("string", "The authority's DfE 3-digit code.", nullable=False, regex=r"^\d{3}$"),
            "authority": Col("string", "The authority.", nullable=False),
            "rank": Col("Int64", "1 = nearest neighbour (papers: printed order).", nullable=False, ge=1),
            "neighbour_old_la_code": Col("string", "The neighbour's DfE 3-digit code.", nullable=False,
                                         regex=r"^\d{3}$"),
            "neighbour": Col("string", "The neighbour.", nullable=False),
            "closeness": Col("string", "How close the model says it is (e.g. Very close); empty for papers."),
            "source_file": Col("string", "File the row was read from.", nullable=False),
            "source_line": Col("Int64", "Worksheet row or CSV/text line.", nullable=False, ge=1),
            "flags": Col("string", "Notes, e.g. an authority abolished before the model."),
        },
        unique=("model", "old_la_code", "rank"),
        producer="public-stats",
    ),
    "cla_spend": Table(
        "Spending on children looked after by area and financial year, whole pounds: s251 outturn (2008-09 to "
        "2013-14, lines matched by meaning), LAIT (s251 gross spend and weekly unit costs, 2016-17 on) and "
        "MHCLG RO3 (printed in £000, multiplied by 1,000). Spend is positive.",
        {
            "geographic_level": Col("string", "national, regional or local authority.", nullable=False,
                                    isin=("national", "regional", "local authority")),
            "old_la_code": Col("string", "DfE 3-digit LA code.", regex=r"^\d{3}$"),
            "new_la_code": Col("string", "ONS 9-character code.", nullable=False, regex=r"^E\d{8}$"),
            "authority": Col("string", "Area name.", nullable=False),
            "financial_year": Col("string", "Financial year.", nullable=False, regex=FY),
            "measure": Col("string", "What is measured.", nullable=False,
                           isin=("cla_gross_expenditure", "cla_net_expenditure", "residential_care_gross_expenditure",
                                 "fostering_gross_expenditure", "adoption_gross_expenditure",
                                 "leaving_care_gross_expenditure", "uasc_gross_expenditure", "cla_weekly_unit_cost",
                                 "residential_weekly_unit_cost")),
            "unit": Col("string", "gbp (£ in the year) or gbp_per_child_per_week.", nullable=False,
                        isin=("gbp", "gbp_per_child_per_week")),
            "amount_gbp": Col("Int64", "The amount, whole pounds (per child per week for unit costs); empty where "
                                       "the source prints a marker."),
            "amount_raw": Col("string", "Cell as printed."),
            "source": Col("string", "s251 outturn, LAIT or RO3.", nullable=False,
                          isin=("s251 outturn", "LAIT", "RO3")),
            "line_number": Col("Int64", "s251 line number as printed that year.", ge=1),
            "line_description": Col("string", "Line description / column header / LAIT measure as printed.",
                                    nullable=False),
            "source_file": Col("string", "File the row was read from.", nullable=False),
            "source_line": Col("Int64", "1-based line (CSV), row (sheet) or row (Parquet).", nullable=False, ge=1),
            "flags": Col("string", "Encoding, markers, unit conversion and scope notes."),
        },
        unique=("geographic_level", "new_la_code", "financial_year", "measure", "source"),
        producer="public-stats",
    ),
    "public_measures": Table(
        "The LAIT measures the public tables use, with LAIT's polarity (High/Low = which direction is good; "
        "empty = LAIT sets none, so no quartile band A-D is given).",
        {
            "measure": Col("string", "LAIT short code (LAC, LACnum, TotalLACFinance, ...).", nullable=False),
            "label": Col("string", "Measure as LAIT names it.", nullable=False),
            "polarity": Col("string", "High or Low; empty where LAIT has none.", isin=("High", "Low")),
            "polarity_raw": Col("string", "Polarity cell as printed."),
            "unit_label": Col("string", "LAIT's axis label."),
            "decimal_places": Col("Int64", "Decimal places LAIT shows.", ge=0),
            "year_type": Col("string", "Annual (31 March) or Financial Year."),
            "source_file": Col("string", "Dictionary file.", nullable=False),
            "source_line": Col("Int64", "Its line.", nullable=False, ge=1),
        },
        unique=("measure",),
        producer="public-stats",
    ),
}


def tables_of(producer: str) -> tuple[str, ...]:
    """Names of the tables one command writes (``ingest`` or ``public-stats``), in declared order."""
    return tuple(name for name, table in TABLES.items() if table.producer == producer)


def _pandera_schema(name: str):
    import pandera.pandas as pa  # imported when validating, not by every notebook that reads a table

    table = TABLES[name]
    columns = {}
    for col_name, col in table.columns.items():
        checks = []
        if col.isin is not None:
            checks.append(pa.Check.isin(list(col.isin)))
        if col.regex is not None:
            checks.append(pa.Check.str_matches(col.regex))
        if col.ge is not None:
            checks.append(pa.Check.ge(col.ge))
        columns[col_name] = pa.Column(col.dtype, checks=checks, nullable=col.nullable, description=col.description)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=list(table.unique) or None, name=name)


_SCHEMAS: dict = {}


def schema(name: str):
    """The pandera schema of table ``name`` (built once)."""
    if name not in _SCHEMAS:
        _SCHEMAS[name] = _pandera_schema(name)
    return _SCHEMAS[name]


def conform(name: str, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
    """Order and type ``frame`` as table ``name`` and (unless ``validate=False``) validate it;
    raise :class:`SchemaError` on failure."""
    table = TABLES[name]
    missing = [c for c in table.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.columns]
    if missing or extra:
        raise SchemaError(f"table {name}: columns missing {missing} / not declared {extra}")
    out = pd.DataFrame(index=range(len(frame)))
    for col_name, col in table.columns.items():
        values = frame[col_name].reset_index(drop=True)
        try:
            out[col_name] = _cast(values, col.dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"table {name}, column {col_name}: cannot hold values as {col.dtype} ({exc})") from exc
    if validate:
        check(name, out)
    return out


def check(name: str, frame: pd.DataFrame) -> None:
    """Validate an already typed table against its schema; raise :class:`SchemaError` on failure."""
    import pandera.errors

    out = frame
    try:
        schema(name).validate(out, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        located = _located(name, out, cases.head(50))
        if located and len(located) == min(len(cases), 50):
            InputErrors.raise_if_any(located)  # every failing row named by its file and line
        lines = [f"table {name}: {len(cases)} value(s) break the schema"]
        for case in cases.head(10).itertuples(index=False):
            lines.append(f"  column {case.column}: {case.check} failed for {case.failure_case!r} (row {case.index})")
        raise SchemaError("\n".join(lines)) from None


def _located(name: str, frame: pd.DataFrame, cases: pd.DataFrame) -> list[InputError]:
    """Schema failures as :class:`InputError` naming the source file and line (sheet, row) of the
    offending row - every row carries ``source_file`` and ``source_line``."""
    if not {"source_file", "source_line"} <= set(frame.columns):
        return []
    out = []
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or pd.isna(index) or index not in frame.index:
            return []
        row = frame.loc[index]
        sheet = row.get("source_sheet") if "source_sheet" in frame.columns else None
        out.append(InputError(str(row["source_file"]), line=None if pd.isna(row["source_line"]) else int(row["source_line"]),
                              sheet=None if sheet is None or pd.isna(sheet) else str(sheet), column=str(case.column),
                              expected=f"a value passing {case.check} (table {name}, see the data dictionary)",
                              found=str(case.failure_case)))
    return out


def _cast(values: pd.Series, dtype: str) -> pd.Series:
    if str(values.dtype) == dtype:
        return values
    if dtype == "string" and isinstance(values.dtype, pd.StringDtype):
        return values.astype("string")  # str (pandas' default) -> string: no detour through objects
    if dtype in ("Int64", "Float64") and values.dtype.kind in "iuf":
        return values.astype(dtype)
    objects = values.astype("object")
    objects = objects.where(values.notna(), None)
    if dtype in ("Int64", "Float64"):
        return pd.to_numeric(objects).astype(dtype)
    if dtype in ("string", "boolean"):
        return objects.astype(dtype)
    raise ValueError(f"unknown dtype {dtype}")


def empty(name: str) -> pd.DataFrame:
    """An empty, correctly typed table (when no document of a kind is present)."""
    return conform(name, pd.DataFrame({c: pd.Series([], dtype="object") for c in TABLES[name].columns}))


def data_dictionary() -> pd.DataFrame:
    """One row per column of every table: type, whether it may be empty, allowed values, meaning."""
    rows = []
    for table_name, table in TABLES.items():
        for col_name, col in table.columns.items():
            rule = []
            if col.isin:
                rule.append("one of: " + ", ".join(map(str, col.isin)))
            if col.regex:
                rule.append(f"matches {col.regex}")
            if col.ge is not None:
                rule.append(f">= {col.ge:g}")
            rows.append({"table": table_name, "column": col_name, "dtype": col.dtype,
                         "nullable": col.nullable, "rule": "; ".join(rule), "description": col.description})
    return pd.DataFrame(rows)


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown, table by table."""
    parts = ["# Data dictionary", "",
             "Generated from `src/analysis/schemas.py` by `python -m analysis ingest`. Do not edit by hand.", "",
             "Each table is a Parquet file and a CSV copy. In the CSV copies (written by `analysis.spreadsheet`, "
             "like every CSV and XLSX the project writes) a text cell that starts with `=`, `+`, `-`, `@`, a tab "
             "or a carriage return is prefixed with `'`, so a spreadsheet shows it as text and never runs it as a "
             "formula; numbers are written as numbers, text is quoted, a missing value is empty. The Parquet "
             "files hold every text exactly as read. `_tables.json` lists every file with its sha256, producer "
             "and inputs; readers check each table against it.", ""]
    for table_name, table in TABLES.items():
        parts += [f"## `{table_name}`", "", table.description, ""]
        parts += [n for n in table.notes] + ([""] if table.notes else [])
        parts += ["| column | type | empty allowed | rule | meaning |", "|---|---|---|---|---|"]
        for col_name, col in table.columns.items():
            rule = []
            if col.isin:
                rule.append("one of " + ", ".join(f"`{v}`" for v in col.isin))
            if col.regex:
                rule.append(f"`{col.regex}`")
            if col.ge is not None:
                rule.append(f"≥ {col.ge:g}")
            desc = col.description.replace("|", "\\|")
            parts.append(f"| `{col_name}` | {col.dtype} | {'yes' if col.nullable else 'no'} | "
                         f"{'; '.join(rule).replace('|', '/')} | {desc} |")
        parts.append("")
    return "\n".join(parts)


from .schema_prose import tables as _prose_tables  # noqa: E402  (appended: keeps merges of this file small)

TABLES.update(_prose_tables())
