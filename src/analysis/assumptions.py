"""Every assumption the analysis makes, in one place.

An *assumption* here is a rule the code applies that a paper does not state for itself: how much
difference counts as rounding, which sign a saving has, when a financial year starts, from when a
paper counts as delivered, which average is the default comparison.  Each is a named constant
below and an :class:`Assumption` entry in :data:`LOG`, which says what is assumed, why, and which
notebook parameters take it as their default.

The assumptions log ``docs/assumptions.md`` is generated from :data:`LOG`
(``python -m analysis.assumptions`` rewrites it; ``tests/test_assumptions.py`` fails when it is
out of date), and the same test checks that every notebook parameter listed under an assumption
has the assumption's value as its default: a ``parameters`` cell holds literals only (papermill
injects values after it), so the literal is kept equal to the constant here by that test rather
than computed.

Nothing here reads a file or does any work at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Assumption", "BRACKETS_MEAN", "CLA_TARGET", "DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP",
    "FINANCIAL_YEAR_START_MONTH", "IMPLAUSIBLE_TRACKER_SAVING_GBP", "IMPLIED_POPULATION_STATISTIC", "LOG",
    "MAX_ABS_GBP", "NEIGHBOUR_AVERAGE", "PROCESSED_SAVING_SIGN", "PROSE_ROUNDING_TOLERANCE_GBP",
    "SAVING_SIGN_COST_RATIO", "SIGN_READ_MIN_LINES", "TABLE_MAX_ROWS", "UNIT_JUMP_FACTOR",
    "WHOLE_RATE_TOLERANCE_PER_10K", "YEAR_ONLY_PAPER_FROM_MONTH", "financial_year", "log_markdown", "log_path",
]

# --------------------------------------------------------------------------------------------- periods

#: UK local-authority financial years run April to March: month 4 starts a year (``2017-10`` is in ``2017-18``).
FINANCIAL_YEAR_START_MONTH = 4
#: A paper dated by its year only (``2015``) counts as delivered from that year's December.
YEAR_ONLY_PAPER_FROM_MONTH = 12

# --------------------------------------------------------------------------------------------- signs

#: In the processed ``savings_tracker`` a saving is negative (a reduction in spend), whatever the
#: source printed; ``variance_gbp`` = forecast - planned, so positive = shortfall.
PROCESSED_SAVING_SIGN = "negative"

# --------------------------------------------------------------------------------------------- tolerances

#: Figures "rounded to the nearest £1k" (the MTFS says so of its own figures) may differ by half of that.
PROSE_ROUNDING_TOLERANCE_GBP = 500
#: A difference of two figures each printed to the nearest £0.1m may be off by two half-units.
DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP = 100_000
#: A rate per 10,000 printed as a whole number, checked against number / population, may be off by 1.
WHOLE_RATE_TOLERANCE_PER_10K = 1.0

# --------------------------------------------------------------------------------------------- derivations

#: The child population a paper implies (it prints none) is the median of number x 10,000 / rate
#: over the rows where it prints both: one misprinted rate cannot move it.
IMPLIED_POPULATION_STATISTIC = "median"
#: The neighbours' average computed from their printed rates, unless a report is asked otherwise.
NEIGHBOUR_AVERAGE = "mean"
#: The target for children looked after: the neighbours' average as the paper prints it.
CLA_TARGET = "printed"

# --------------------------------------------------------------------------------------------- reading money (ingest)

#: A figure in brackets, ``(1,595)``, is a negative (Excel's accounting format), unless a reader
#: says its paper means something else (a recovery action plan prints income in brackets).
BRACKETS_MEAN = "negative"
#: No council paper prints a figure of a trillion pounds or more; such a cell is refused.
MAX_ABS_GBP = 10**12
#: A tracker is refused when, under the manifest's saving_sign, more than this many times as many
#: lines would plan a cost as a saving (and at least 3 do): its saving_sign is almost surely wrong.
SAVING_SIGN_COST_RATIO = 3
#: The sign a tracker prints a saving with is read from its lines when at least this many plan an
#: amount (and one sign outnumbers the other SAVING_SIGN_COST_RATIO times); otherwise it must be given.
SIGN_READ_MIN_LINES = 3
#: A tracker's planned saving this many times last month's (or a thousandth of it, within a factor
#: of about 3 either way: 10**2.5 to 10**3.5) is one month read in the wrong unit; the pack stops.
UNIT_JUMP_FACTOR = 1000
#: A savings tracker planning more than this is implausible for a council's children's services
#: (the bundled county tracker plans about £20m): the unit is almost surely wrong; the pack stops.
IMPLAUSIBLE_TRACKER_SAVING_GBP = 500_000_000

# --------------------------------------------------------------------------------------------- cost drivers (report 35)

#: The measures report 35 shows, one line each as ``section: name = label`` - a LAIT code (``public_measures``
#: lists all 434), ``LAC`` (the CLA rate as report 20 shows it), ``placement:TYPE`` (a placement type's
#: share 2010-2017), ``per_cla:CODE`` / ``per_child:CODE`` (a LAIT spend line per child looked after /
#: per child aged 0-17) - and the words the page uses for it (LAIT's label when left out).  Adding a
#: measure is adding a line; the report's ``measures`` parameter (``section: name = label; ...``)
#: replaces the list for one run.
COST_DRIVER_MEASURES: tuple[str, ...] = (
    "demand: CPP_Total_Rateper10,000 = Referrals to children's social care per 10,000 children",
    "demand: ReReferral = Re-referrals within 12 months (% of referrals)",
    "demand: Section_47 = Section 47 enquiries per 10,000 children",
    "demand: CIN = Children in need per 10,000 children",
    "demand: CPP_rate = Children on a child protection plan per 10,000 children",
    "demand: CareApplications = Care applications (Cafcass) per 10,000 children",
    "demand: LAC_Start_Rate = Children starting to be looked after per 10,000 children",
    "demand: LAC_Cease_Rate = Children ceasing to be looked after per 10,000 children",
    "demand: LAC = Children looked after per 10,000 children",
    "placements: LAC_Foster_Placements = Children looked after in foster care (%)",
    "placements: LAC_SecHome_And_ChildHome = Children looked after in secure and children's homes (%)",
    "placements: LAC_Other_Res_Settings = Children looked after in other residential settings (%)",
    "placements: LAC_Ind_SInd_Liv_Arr = Children looked after in independent or semi-independent living (%)",
    "placements: placement:residential = Children looked after in residential settings (%, statistical first releases)",
    "money: per_cla:TotalLACFinance = Spend on children looked after per child looked after",
    "money: per_child:SafeguardingFinance = Safeguarding spend per child aged 0-17",
    "money: LACFinance = Weekly cost of a child looked after",
    "money: RescareFinance = Weekly cost of residential care",
    "money: FosteringFinance = Weekly cost of fostering",
    "workforce: Work_Force_Agecy_Rate = Agency social workers (% of children's social workers)",
)
#: A measure sets an authority apart from its statistical neighbours when its value is at least this
#: many per cent above or below the neighbours' mean.
SET_APART_PCT = 20

# --------------------------------------------------------------------------------------------- presentation

#: A table in a report shows at most this many rows; a sentence says how many more exist and where.
TABLE_MAX_ROWS = 100


@dataclass(frozen=True)
class Assumption:
    """One entry of the assumptions log."""

    name: str
    value: object
    rule: str
    why: str
    parameters: tuple[str, ...] = ()  # "notebook stem:parameter" whose default is this value

    @property
    def shown(self) -> str:
        if isinstance(self.value, tuple):  # a list, one item a line in the code: "; " between them here
            return "; ".join(str(v) for v in self.value)
        return f"{self.value:,}" if isinstance(self.value, int) and not isinstance(self.value, bool) else str(self.value)


LOG: tuple[Assumption, ...] = (
    Assumption("FINANCIAL_YEAR_START_MONTH", FINANCIAL_YEAR_START_MONTH,
               "A financial year starts in April: a tracker for month YYYY-MM belongs to the year starting in April "
               "of YYYY (April-December) or of YYYY-1 (January-March), written `YYYY-YY`.",
               "UK local authorities budget April to March; a tracker's financial year is taken from its period."),
    Assumption("YEAR_ONLY_PAPER_FROM_MONTH", YEAR_ONLY_PAPER_FROM_MONTH,
               "A paper whose manifest date is a year only (`YYYY`) is in force from December of that year.",
               "Its month is unknown; December is the first month when it had certainly been written, so a pack "
               "never reads a paper before it existed."),
    Assumption("PROCESSED_SAVING_SIGN", PROCESSED_SAVING_SIGN,
               "In the processed savings tracker a saving is negative and variance = forecast - planned "
               "(positive = shortfall); reports show savings as positive amounts.",
               "One sign for every council: ingest normalises what a tracker printed (the manifest says which sign "
               "its savings have)."),
    Assumption("PROSE_ROUNDING_TOLERANCE_GBP", PROSE_ROUNDING_TOLERANCE_GBP,
               "A figure printed in prose and in a table rounded to the nearest £1k agrees if they differ by at "
               "most £500.",
               "Half the rounding unit the paper states for its own figures.",
               ("50_financial_improvement_plan:rounding_tolerance_gbp",)),
    Assumption("DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP", DIFFERENCE_OF_0_1M_FIGURES_TOLERANCE_GBP,
               "A printed reduction (the difference of two costs printed to the nearest £0.1m) is within rounding "
               "of the recomputed one if they differ by at most £100,000.",
               "Each cost may be off by £50k, so their difference may be off by £100k.",
               ("40_placement_costs_and_slippage:rounding_tolerance_gbp",)),
    Assumption("WHOLE_RATE_TOLERANCE_PER_10K", WHOLE_RATE_TOLERANCE_PER_10K,
               "A rate per 10,000 printed as a whole number agrees with number / population x 10,000 if they "
               "differ by at most 1.",
               "The population is itself implied from rounded rates; 1 allows for both roundings."),
    Assumption("IMPLIED_POPULATION_STATISTIC", IMPLIED_POPULATION_STATISTIC,
               "Where a paper prints numbers of children and rates but no population, the child population it "
               "implies is the median of number x 10,000 / rate over its rows; rates it does not print are derived "
               "with that population and labelled derived.",
               "The papers print no population; the median is not moved by one misprinted rate."),
    Assumption("NEIGHBOUR_AVERAGE", NEIGHBOUR_AVERAGE,
               "The statistical neighbours' average is the mean of their printed rates (the subject excluded); "
               "a printed average is shown beside it, never replaced.",
               "The DfE benchmarking tool compares with the neighbours' mean.",
               ("20_cla_comparators:average",)),
    Assumption("CLA_TARGET", CLA_TARGET,
               "The target for children looked after is the neighbours' average as the paper prints it, converted "
               "to children with the implied population.",
               "The paper's own target is what members were given.",
               ("30_cla_trajectories:target",)),
    Assumption("BRACKETS_MEAN", BRACKETS_MEAN,
               "A printed figure in brackets, e.g. (1,595), is negative; the one exception is the recovery action plan's "
               "spend column, where brackets mark income (kept positive, spend_basis says so).",
               "Excel's accounting format, the commonest in finance exports; reading it as positive published a "
               "wrong headline (issue 7)."),
    Assumption("MAX_ABS_GBP", MAX_ABS_GBP,
               "A money cell of £1,000,000,000,000 or more (after its unit) is refused as not an amount.",
               "No children's services paper prints such a figure; a processed table holds 64-bit integers."),
    Assumption("SAVING_SIGN_COST_RATIO", SAVING_SIGN_COST_RATIO,
               "A tracker is refused when, read with the manifest's saving_sign, more than 3 times as many lines plan "
               "a cost as plan a saving (at least 3 lines); and when its printed variance is planned - forecast on "
               "every line that has one.",
               "A savings tracker lists mostly savings: the opposite means saving_sign (or the variance column) is "
               "the wrong way round, which would publish every headline with the wrong sign."),
    Assumption("SIGN_READ_MIN_LINES", SIGN_READ_MIN_LINES,
               "The sign a tracker prints a saving with is read from its lines: when at least 3 lines plan an "
               "amount and one sign outnumbers the other 3 times or more, that sign is a saving's; otherwise "
               "`register` asks for `--saving-sign`.",
               "A savings tracker lists mostly savings (the bundled one prints 65 negative lines and 2 costs); "
               "a sign given that contradicts the lines is refused (SAVING_SIGN_COST_RATIO)."),
    Assumption("UNIT_JUMP_FACTOR", UNIT_JUMP_FACTOR,
               "A tracker whose planned saving is about 1,000 times (between 10^2.5 and 10^3.5 times) the previous "
               "tracker's of the same authority, or about a thousandth of it, is a reconciliation mismatch of kind "
               "`unit`, and a pack made from it is not published (exit 1, named).",
               "Pounds read as £000 (or the reverse) multiply every figure by 1,000; a council's savings plan does "
               "not change so much in a month."),
    Assumption("IMPLAUSIBLE_TRACKER_SAVING_GBP", IMPLAUSIBLE_TRACKER_SAVING_GBP,
               "A savings tracker planning or forecasting a saving of more than £500m is a reconciliation mismatch "
               "of kind `unit`, and a pack made from it is not published (exit 1, named).",
               "More than a large county's whole children's services budget; the bundled county tracker plans "
               "about £20m. A tracker in pounds read as £000 gives thousands of millions."),
    Assumption("COST_DRIVER_MEASURES", COST_DRIVER_MEASURES,
               "Report 35 (what drives the cost) shows these measures, by section, each against the statistical "
               "neighbours and England with its trend; its `measures` parameter replaces the list for a run.",
               "The demand pipeline, placement mix, spend per child and unit costs and agency social work that a "
               "finance officer explains an overspend with; any LAIT measure can be added by its code."),
    Assumption("SET_APART_PCT", SET_APART_PCT,
               "A measure sets an authority apart when its value is 20% or more above or below its statistical "
               "neighbours' mean; report 35's sentence names those measures, largest difference first.",
               "A difference members would call marked, and wide enough that the rounding of published rates "
               "and percentages cannot make it."),
    Assumption("TABLE_MAX_ROWS", TABLE_MAX_ROWS,
               "A report table shows its first 100 rows; a sentence says how many more exist and which processed "
               "table holds them all.",
               "A 200,000-line tracker must still give a page a browser opens (under 5 MB)."),
)


def financial_year(period: str) -> str:
    """The financial year of a month: ``2017-10`` -> ``2017-18``, ``2018-02`` -> ``2017-18``.

    Years start in the month :data:`FINANCIAL_YEAR_START_MONTH`.

    Parameters
    ----------
    period : str
        A month, 'YYYY-MM'.

    Returns
    -------
    str
        Its financial year, written ``2017-18``.
    """
    year, month = int(period[:4]), int(period[5:7])
    start = year if month >= FINANCIAL_YEAR_START_MONTH else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def log_markdown() -> str:
    """The assumptions log (``docs/assumptions.md``), generated from :data:`LOG`.

    Returns
    -------
    str
        The page in Markdown.
    """
    lines = ["# Assumptions log", "",
             "Generated from `src/analysis/assumptions.py` by `python -m analysis.assumptions`; do not edit by hand "
             "(a test fails when this file and the module disagree).", "",
             "Each rule the analysis applies that a paper does not state for itself. Notebook parameters listed "
             "take the value as their default; a run can override them (`--param NAME=VALUE`).", "",
             "| assumption | value | rule | why | notebook defaults |", "|---|---|---|---|---|"]
    for a in LOG:
        params = ", ".join(f"`{p}`" for p in a.parameters) or "-"
        cells = [f"`{a.name}`", f"`{a.shown}`", a.rule, a.why, params]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def log_path() -> Path:
    """Where the assumptions log is written: ``docs/assumptions.md`` under the project root.

    Returns
    -------
    pathlib.Path
        The page's path.
    """
    from . import paths

    return paths.project_root() / "docs" / "assumptions.md"


if __name__ == "__main__":  # pragma: no cover - python -m analysis.assumptions
    target = log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(log_markdown(), encoding="utf-8")
    print(f"wrote {target}")
