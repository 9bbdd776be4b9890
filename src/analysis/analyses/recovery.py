"""Finance recovery plan actions: priorities, budgets in scope, deadlines, lost IDs.

Input is the ``recovery_actions`` table for one authority (a finance recovery plan's table of
actions, e.g. an appendix to a Cabinet paper).  Each action has a theme (the plan's numbered section), a priority (the plan's
``HML = £££`` column: H, M or L; a priority printed as a character that is not one of those is
shown as **not readable**), a deadline month read from *When* (``due_month``; empty for ongoing
actions) and a *Spend* cell.

**Spend is the budget an action addresses, not a saving**, and the same budget is named by
several actions (in the bundled plan one fostering budget is named by four fostering actions and
one amount by actions in two themes).  Budgets are therefore never added
up here: a theme is described by its *distinct* budgets and how many actions address each.
Income shown in brackets, per-quarter amounts and cells that are not amounts (n/a, blank,
unreadable) are kept apart from annual budgets.  All money is whole pounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..money import format_gbp
from ..schemas import needs

__all__ = [
    "ANNUAL", "ILLEGIBLE", "LOST_ID", "NOT_PRINTED", "NOT_READABLE", "OTHER_BASES", "PRIORITIES",
    "PRIORITY_COLUMNS", "PRIORITY_NAMES", "budgets_in_scope", "deadlines_by_month", "filter_priority",
    "lost_ids", "month_label", "other_amounts", "priority_label", "priority_totals", "repeated_budgets",
    "shown_id", "spend_by_theme", "theme_priority", "undated", "unreadable_priorities", "when_wording",
]

PRIORITIES = ["H", "M", "L"]
NOT_READABLE = "not readable"
#: a cell the paper's text extraction damaged beyond reading, as a member sees it (the damaged text
#: and the flag saying what happened stay in the Excel download)
ILLEGIBLE = "illegible in the paper"
NOT_PRINTED = "not printed"
PRIORITY_COLUMNS = {"H": "high", "M": "medium", "L": "low", NOT_READABLE: "not_readable", NOT_PRINTED: "not_printed"}
PRIORITY_NAMES = {"H": "High", "M": "Medium", "L": "Low", NOT_READABLE: "Not readable", NOT_PRINTED: "Not printed"}
ANNUAL = "annual spend"
OTHER_BASES = ["income (shown in brackets)", "per quarter", "unknown", "not applicable", "not stated"]
LOST_ID = "(ID illegible in the paper)"


# --------------------------------------------------------------------------------------------- helpers


@needs(actions=("priority", "priority_raw"))
def priority_label(actions: pd.DataFrame) -> pd.Series:
    """Each action's priority for a reader.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``priority``, ``priority_raw``.

    Returns
    -------
    pandas.Series
        H, M or L; 'not readable' where a priority was printed but is not H/M/L; 'not printed'
        where the cell is empty.
    """
    label = actions["priority"].astype("object")
    raw = actions["priority_raw"].astype("object")
    out = label.where(label.notna(), np.where(raw.notna(), NOT_READABLE, NOT_PRINTED))
    return out.astype(str)


def _present(labels: pd.Series) -> list[str]:
    """H, M, L always; the unreadable/unprinted groups only when they occur."""
    return PRIORITIES + [p for p in (NOT_READABLE, NOT_PRINTED) if p in set(labels)]


@needs(actions=("action_id",))
def shown_id(actions: pd.DataFrame) -> pd.Series:
    """The action ID, or :data:`LOST_ID` where page-number debris replaced it.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``action_id``.

    Returns
    -------
    pandas.Series
        One string per action.
    """
    return actions["action_id"].astype("object").where(actions["action_id"].notna(), LOST_ID).astype(str)


@needs(actions=())
def filter_priority(actions: pd.DataFrame, priority_filter: str = "") -> pd.DataFrame:
    """The actions of one priority; all of them for ''.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; with a filter, reads ``priority`` and ``priority_raw``.
    priority_filter : str, default ""
        'H', 'M', 'L' or 'not readable' (case ignored); empty for all.

    Returns
    -------
    pandas.DataFrame
        The rows of ``actions`` with that priority.

    Raises
    ------
    InputError
        For any other filter.
    """
    wanted = (priority_filter or "").strip()
    if not wanted:
        return actions
    allowed = PRIORITIES + [NOT_READABLE]
    key = wanted.upper() if wanted.upper() in PRIORITIES else wanted.lower()
    if key not in allowed:
        raise InputError("priority_filter", expected="H, M, L, 'not readable' or empty for all", found=wanted)
    return actions[priority_label(actions) == key]


def month_label(month: str) -> str:
    """``2019-06`` -> ``Jun 2019``.

    Parameters
    ----------
    month : str
        ``YYYY-MM``.

    Returns
    -------
    str
        The month in words.
    """
    return pd.Timestamp(f"{month}-01").strftime("%b %Y")


# --------------------------------------------------------------------------------------------- priorities


@needs(actions=("priority", "priority_raw", "theme_number", "theme"))
def theme_priority(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions by theme (rows, in the plan's order) and priority.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``priority``, ``priority_raw``, ``theme_number``, ``theme``.

    Returns
    -------
    pandas.DataFrame
        ``theme_number``, ``theme``, counts in ``high``, ``medium``, ``low`` (and
        ``not_readable``/``not_printed`` when any) and ``actions`` per theme, and a last row
        'All themes' (``theme_number`` empty).
    """
    frame = actions.assign(_priority=priority_label(actions))
    present = _present(frame["_priority"])
    counts = (pd.crosstab([frame.theme_number, frame.theme], frame["_priority"])
              .reindex(columns=present, fill_value=0).sort_index(level=0))
    counts.columns = [PRIORITY_COLUMNS[p] for p in present]
    counts = counts.reset_index()
    counts.columns.name = None
    value_cols = [PRIORITY_COLUMNS[p] for p in present]
    counts["actions"] = counts[value_cols].sum(axis=1)
    total = {"theme_number": pd.NA, "theme": "All themes",
             **{c: int(counts[c].sum()) for c in value_cols + ["actions"]}}
    out = pd.concat([counts, pd.DataFrame([total])], ignore_index=True)
    out["theme_number"] = out["theme_number"].astype("Int64")
    for c in value_cols + ["actions"]:
        out[c] = out[c].astype("int64")
    return out


@needs(actions=("priority", "priority_raw"))
def priority_totals(actions: pd.DataFrame) -> pd.Series:
    """Number of actions per priority label (H, M, L, then any unreadable), and ``actions``.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``priority``, ``priority_raw``.

    Returns
    -------
    pandas.Series
        Counts indexed by :func:`priority_label`'s labels, and ``actions`` (all of them).
    """
    labels = priority_label(actions)
    counts = labels.value_counts().reindex(_present(labels), fill_value=0).astype(int)
    counts["actions"] = len(actions)
    return counts


@needs(actions=("priority", "priority_raw", "action_id", "theme", "source_line"))
def unreadable_priorities(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose priority cell is printed but is not H, M or L.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``priority``, ``priority_raw``, ``action_id``, ``theme``, ``source_line``.

    Returns
    -------
    pandas.DataFrame
        ``action``, ``theme``, ``priority`` for the page (:data:`ILLEGIBLE`), ``priority_raw``
        (the cell as extracted, for the download) and ``source_line``.
    """
    rows = actions[priority_label(actions) == NOT_READABLE]
    return pd.DataFrame({"action": shown_id(rows), "theme": rows.theme, "priority": ILLEGIBLE,
                         "priority_raw": rows.priority_raw, "source_line": rows.source_line}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- spend in scope


@needs(actions=("spend_basis", "spend_gbp", "action_id", "theme_number", "theme"))
def budgets_in_scope(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct annual budget named within a theme.  Largest budget first within each
    theme; themes in the plan's order.  Income, per-quarter and non-amounts are not here (see
    :func:`other_amounts`).

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``spend_basis``, ``spend_gbp``, ``action_id``, ``theme_number``, ``theme`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``theme_number``, ``theme``, ``budget_gbp`` (whole pounds), how many of the theme's
        actions name it (``actions``) and which (``action_ids``).
    """
    annual = actions[(actions.spend_basis == ANNUAL) & actions.spend_gbp.notna()].assign(_id=shown_id(actions))
    rows = []
    for (number, theme, budget), group in annual.groupby(["theme_number", "theme", "spend_gbp"], sort=False):
        rows.append({"theme_number": int(number), "theme": theme, "budget_gbp": int(budget), "actions": len(group),
                     "action_ids": ", ".join(group["_id"])})
    out = pd.DataFrame(rows, columns=["theme_number", "theme", "budget_gbp", "actions", "action_ids"])
    return out.sort_values(["theme_number", "budget_gbp"], ascending=[True, False]).reset_index(drop=True)


@needs(actions=("spend_basis", "spend_gbp", "action_id", "theme_number", "theme"))
def spend_by_theme(actions: pd.DataFrame) -> pd.DataFrame:
    """Per theme: the budgets its actions address (never a sum: budgets repeat and overlap).

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``spend_basis``, ``spend_gbp``, ``action_id``, ``theme_number``, ``theme`` (whole pounds).

    Returns
    -------
    pandas.DataFrame
        ``theme_number``, ``theme``, ``actions``, ``actions_with_budget`` (naming an annual
        budget), ``distinct_budgets``, ``budgets_in_scope`` in words (``£8.5m ×4; £1.2m ×1``),
        ``largest_budget_gbp`` (whole pounds), then the count of actions whose spend cell is
        income in brackets (``income_in_brackets``), a per-quarter amount (``per_quarter``),
        ``unreadable``, 'n/a' (``not_applicable``) or ``blank``.
    """
    budgets = budgets_in_scope(actions)
    rows = []
    for (number, theme), group in actions.groupby(["theme_number", "theme"], sort=True):
        mine = budgets[budgets.theme_number == number]
        basis = group.spend_basis.value_counts()
        rows.append({
            "theme_number": int(number), "theme": theme, "actions": len(group),
            "actions_with_budget": int(basis.get(ANNUAL, 0)),
            "distinct_budgets": len(mine),
            "budgets_in_scope": "; ".join(f"{format_gbp(b)} ×{n}" for b, n in zip(mine.budget_gbp, mine.actions, strict=True)),
            "largest_budget_gbp": int(mine.budget_gbp.max()) if len(mine) else pd.NA,
            "income_in_brackets": int(basis.get("income (shown in brackets)", 0)),
            "per_quarter": int(basis.get("per quarter", 0)),
            "unreadable": int(basis.get("unknown", 0)),
            "not_applicable": int(basis.get("not applicable", 0)),
            "blank": int(basis.get("not stated", 0)),
        })
    out = pd.DataFrame(rows, columns=["theme_number", "theme", "actions", "actions_with_budget", "distinct_budgets",
                                      "budgets_in_scope", "largest_budget_gbp", "income_in_brackets", "per_quarter",
                                      "unreadable", "not_applicable", "blank"])  # the columns with no actions too
    out["largest_budget_gbp"] = out["largest_budget_gbp"].astype("Int64")
    return out


@needs(actions=("spend_basis", "spend_gbp"))
def repeated_budgets(actions: pd.DataFrame) -> pd.DataFrame:
    """Budget amounts named by more than one action.  (Equal amounts in different themes may or
    may not be the same budget; the paper does not say - another reason not to add them up.)

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``spend_basis``, ``spend_gbp`` (whole pounds) and, for
        a repeated amount, ``theme_number`` and ``theme``.

    Returns
    -------
    pandas.DataFrame
        ``budget_gbp`` (whole pounds), how many ``actions`` and ``themes`` name it and which
        (``theme_names``).
    """
    annual = actions[(actions.spend_basis == ANNUAL) & actions.spend_gbp.notna()]
    rows = []
    for budget, group in annual.groupby("spend_gbp"):
        if len(group) > 1:
            themes = group.drop_duplicates("theme_number").sort_values("theme_number").theme
            rows.append({"budget_gbp": int(budget), "actions": len(group), "themes": len(themes),
                         "theme_names": ", ".join(themes)})
    out = pd.DataFrame(rows, columns=["budget_gbp", "actions", "themes", "theme_names"])
    return out.sort_values(["actions", "budget_gbp"], ascending=[False, False]).reset_index(drop=True)


@needs(actions=("spend_basis", "spend_raw", "action_id", "theme", "spend_gbp", "proposal"))
def other_amounts(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose spend cell holds something other than an annual budget or 'n/a'/blank:
    income in brackets, per-quarter amounts and unreadable cells.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``spend_basis``, ``spend_raw``, ``action_id``, ``theme``, ``spend_gbp``, ``proposal``.

    Returns
    -------
    pandas.DataFrame
        ``action``, ``theme``, ``spend`` for the page (the cell as printed, :data:`ILLEGIBLE`
        where it cannot be read), ``spend_raw`` as extracted, ``spend_basis``, ``amount_gbp``
        (whole pounds) and ``proposal``.
    """
    keep = actions[actions.spend_basis.isin(["income (shown in brackets)", "per quarter", "unknown"])]
    spend = keep.spend_raw.astype("object").where(keep.spend_basis != "unknown", ILLEGIBLE)
    return pd.DataFrame({"action": shown_id(keep), "theme": keep.theme, "spend": spend, "spend_raw": keep.spend_raw,
                         "spend_basis": keep.spend_basis, "amount_gbp": keep.spend_gbp,
                         "proposal": keep.proposal}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- deadlines


@needs(actions=("due_month", "priority", "priority_raw"))
def deadlines_by_month(actions: pd.DataFrame, as_of: str | None = None) -> pd.DataFrame:
    """Actions due each month, split by priority.  Actions with no deadline month (ongoing) are
    not here: see :func:`undated`.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``due_month``, ``priority``, ``priority_raw``.
    as_of : str, optional
        ``YYYY-MM`` (e.g. the month of the paper): adds ``passed``.

    Returns
    -------
    pandas.DataFrame
        ``due_month`` (YYYY-MM, every month from the first to the last deadline, months with
        none included), ``month`` (in words), ``actions``, one count per priority and, with
        ``as_of``, ``passed`` (``yes`` when the month was already over by then).
    """
    dated = actions[actions.due_month.notna()].assign(_priority=priority_label(actions))
    columns = ["due_month", "month", "actions"]
    if dated.empty:
        return pd.DataFrame(columns=columns + [PRIORITY_COLUMNS[p] for p in PRIORITIES])
    present = _present(dated["_priority"])
    months = pd.period_range(dated.due_month.min(), dated.due_month.max(), freq="M").strftime("%Y-%m")
    counts = (pd.crosstab(dated.due_month, dated["_priority"]).reindex(index=months, columns=present, fill_value=0))
    out = pd.DataFrame({"due_month": list(months), "month": [month_label(m) for m in months]})
    out["actions"] = counts.sum(axis=1).to_numpy().astype("int64")
    for p in present:
        out[PRIORITY_COLUMNS[p]] = counts[p].to_numpy().astype("int64")
    if as_of:
        out["passed"] = np.where(out.due_month < as_of[:7], "yes", "no")
    return out


@needs(actions=("when", "due_month"))
def when_wording(actions: pd.DataFrame) -> pd.DataFrame:
    """Every wording of *When* with the deadline month read from it: shows, e.g., that most June
    2019 deadlines are 'End June 19 to set up process then ongoing'.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``when``, ``due_month``.

    Returns
    -------
    pandas.DataFrame
        ``when`` (``(blank)`` for none), ``due_month`` (YYYY-MM; empty = no date) and
        ``actions``, most common first.
    """
    frame = pd.DataFrame({"when": actions["when"].astype("object").fillna("(blank)"),
                          "due_month": actions.due_month.astype("object")})
    out = frame.groupby(["when", "due_month"], dropna=False).size().reset_index(name="actions")
    return out.sort_values(["actions", "when"], ascending=[False, True]).reset_index(drop=True)


@needs(actions=("due_month", "when"))
def undated(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions with no deadline month, grouped by what *When* says (e.g. Ongoing).

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``due_month``, ``when``.

    Returns
    -------
    pandas.DataFrame
        ``when`` and ``actions``, most common first.
    """
    rows = actions[actions.due_month.isna()]
    when = rows["when"].astype("object").fillna("(blank)")
    return (when.value_counts().rename_axis("when").reset_index(name="actions")
            .sort_values(["actions", "when"], ascending=[False, True]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------- lost IDs


@needs(actions=("action_id", "action_id_raw", "theme", "priority", "priority_raw", "proposal", "source_line"))
def lost_ids(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose ID the extract lost to page-number debris.

    Parameters
    ----------
    actions : pandas.DataFrame
        ``recovery_actions`` rows; reads ``action_id``, ``action_id_raw``, ``theme``, ``priority``, ``priority_raw``, ``proposal``, ``source_line``.

    Returns
    -------
    pandas.DataFrame
        ``action_id`` for the page (:data:`ILLEGIBLE`), the damaged cell as extracted
        (``action_id_raw``, for the download), ``theme``, ``priority``, ``proposal`` and the
        ``source_line`` to look it up.
    """
    rows = actions[actions.action_id.isna()]
    return pd.DataFrame({"action_id": ILLEGIBLE, "action_id_raw": rows.action_id_raw, "theme": rows.theme,
                         "priority": priority_label(rows), "proposal": rows.proposal,
                         "source_line": rows.source_line}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- charts
