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
from matplotlib.figure import Figure

from ..presentation import charts, numbers
from ..errors import InputError
from ..money import format_gbp

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


def priority_label(actions: pd.DataFrame) -> pd.Series:
    """H, M or L; 'not readable' where a priority was printed but is not H/M/L; 'not printed'
    where the cell is empty."""
    label = actions["priority"].astype("object")
    raw = actions["priority_raw"].astype("object")
    out = label.where(label.notna(), np.where(raw.notna(), NOT_READABLE, NOT_PRINTED))
    return out.astype(str)


def _present(labels: pd.Series) -> list[str]:
    """H, M, L always; the unreadable/unprinted groups only when they occur."""
    return PRIORITIES + [p for p in (NOT_READABLE, NOT_PRINTED) if p in set(labels)]


def shown_id(actions: pd.DataFrame) -> pd.Series:
    """The action ID, or :data:`LOST_ID` where page-number debris replaced it."""
    return actions["action_id"].astype("object").where(actions["action_id"].notna(), LOST_ID).astype(str)


def filter_priority(actions: pd.DataFrame, priority_filter: str = "") -> pd.DataFrame:
    """The actions of one priority ('H', 'M', 'L' or 'not readable'); all of them for ''."""
    wanted = (priority_filter or "").strip()
    if not wanted:
        return actions
    allowed = PRIORITIES + [NOT_READABLE]
    key = wanted.upper() if wanted.upper() in PRIORITIES else wanted.lower()
    if key not in allowed:
        raise InputError("priority_filter", expected="H, M, L, 'not readable' or empty for all", found=wanted)
    return actions[priority_label(actions) == key]


def month_label(month: str) -> str:
    """``2019-06`` -> ``Jun 2019``."""
    return pd.Timestamp(f"{month}-01").strftime("%b %Y")


# --------------------------------------------------------------------------------------------- priorities


def theme_priority(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions by theme (rows, in the plan's order) and priority (columns ``high``, ``medium``,
    ``low`` and ``not_readable`` when any), with ``actions`` per theme and a last row
    'All themes' (``theme_number`` empty)."""
    frame = actions.assign(_priority=priority_label(actions))
    present = _present(frame._priority)
    counts = (pd.crosstab([frame.theme_number, frame.theme], frame._priority)
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


def priority_totals(actions: pd.DataFrame) -> pd.Series:
    """Number of actions per priority label (H, M, L, then any unreadable), and ``actions``."""
    labels = priority_label(actions)
    counts = labels.value_counts().reindex(_present(labels), fill_value=0).astype(int)
    counts["actions"] = len(actions)
    return counts


def unreadable_priorities(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose priority cell is printed but is not H, M or L: ``priority`` for the page
    (:data:`ILLEGIBLE`) and ``priority_raw``, the cell as extracted (for the download)."""
    rows = actions[priority_label(actions) == NOT_READABLE]
    return pd.DataFrame({"action": shown_id(rows), "theme": rows.theme, "priority": ILLEGIBLE,
                         "priority_raw": rows.priority_raw, "source_line": rows.source_line}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- spend in scope


def budgets_in_scope(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct annual budget named within a theme: ``budget_gbp``, how many of the
    theme's actions name it (``actions``) and which (``action_ids``).  Largest budget first
    within each theme; themes in the plan's order.  Income, per-quarter and non-amounts are
    not here (see :func:`other_amounts`)."""
    annual = actions[(actions.spend_basis == ANNUAL) & actions.spend_gbp.notna()].assign(_id=shown_id(actions))
    rows = []
    for (number, theme, budget), group in annual.groupby(["theme_number", "theme", "spend_gbp"], sort=False):
        rows.append({"theme_number": int(number), "theme": theme, "budget_gbp": int(budget), "actions": len(group),
                     "action_ids": ", ".join(group._id)})
    out = pd.DataFrame(rows, columns=["theme_number", "theme", "budget_gbp", "actions", "action_ids"])
    return out.sort_values(["theme_number", "budget_gbp"], ascending=[True, False]).reset_index(drop=True)


def spend_by_theme(actions: pd.DataFrame) -> pd.DataFrame:
    """Per theme: actions, actions naming an annual budget, the distinct budgets in words
    (``£8.5m ×4; £1.2m ×1``), their number and the largest (never a sum: budgets repeat and
    overlap), then the count of actions whose spend cell is income in brackets, a per-quarter
    amount, unreadable, 'n/a' or blank."""
    budgets = budgets_in_scope(actions)
    rows = []
    for (number, theme), group in actions.groupby(["theme_number", "theme"], sort=True):
        mine = budgets[budgets.theme_number == number]
        basis = group.spend_basis.value_counts()
        rows.append({
            "theme_number": int(number), "theme": theme, "actions": len(group),
            "actions_with_budget": int(basis.get(ANNUAL, 0)),
            "distinct_budgets": len(mine),
            "budgets_in_scope": "; ".join(f"{format_gbp(b)} ×{n}" for b, n in zip(mine.budget_gbp, mine.actions)),
            "largest_budget_gbp": int(mine.budget_gbp.max()) if len(mine) else pd.NA,
            "income_in_brackets": int(basis.get("income (shown in brackets)", 0)),
            "per_quarter": int(basis.get("per quarter", 0)),
            "unreadable": int(basis.get("unknown", 0)),
            "not_applicable": int(basis.get("not applicable", 0)),
            "blank": int(basis.get("not stated", 0)),
        })
    out = pd.DataFrame(rows)
    out["largest_budget_gbp"] = out["largest_budget_gbp"].astype("Int64")
    return out


def repeated_budgets(actions: pd.DataFrame) -> pd.DataFrame:
    """Budget amounts named by more than one action: the amount, how many actions and themes
    name it and which themes.  (Equal amounts in different themes may or may not be the same
    budget; the paper does not say - another reason not to add them up.)"""
    annual = actions[(actions.spend_basis == ANNUAL) & actions.spend_gbp.notna()]
    rows = []
    for budget, group in annual.groupby("spend_gbp"):
        if len(group) > 1:
            themes = group.drop_duplicates("theme_number").sort_values("theme_number").theme
            rows.append({"budget_gbp": int(budget), "actions": len(group), "themes": len(themes),
                         "theme_names": ", ".join(themes)})
    out = pd.DataFrame(rows, columns=["budget_gbp", "actions", "themes", "theme_names"])
    return out.sort_values(["actions", "budget_gbp"], ascending=[False, False]).reset_index(drop=True)


def other_amounts(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose spend cell holds something other than an annual budget or 'n/a'/blank:
    income in brackets, per-quarter amounts and unreadable cells: ``spend`` for the page (the cell
    as printed, :data:`ILLEGIBLE` where it cannot be read) and ``spend_raw`` as extracted."""
    keep = actions[actions.spend_basis.isin(["income (shown in brackets)", "per quarter", "unknown"])]
    spend = keep.spend_raw.astype("object").where(keep.spend_basis != "unknown", ILLEGIBLE)
    return pd.DataFrame({"action": shown_id(keep), "theme": keep.theme, "spend": spend, "spend_raw": keep.spend_raw,
                         "spend_basis": keep.spend_basis, "amount_gbp": keep.spend_gbp,
                         "proposal": keep.proposal}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- deadlines


def deadlines_by_month(actions: pd.DataFrame, as_of: str | None = None) -> pd.DataFrame:
    """Actions due each month (``due_month`` YYYY-MM, every month from the first to the last
    deadline, months with none included), split by priority.  With ``as_of`` (YYYY-MM, e.g. the
    month of the paper) ``passed`` says whether the month was already over by then.  Actions
    with no deadline month (ongoing) are not here: see :func:`undated`."""
    dated = actions[actions.due_month.notna()].assign(_priority=priority_label(actions))
    columns = ["due_month", "month", "actions"]
    if dated.empty:
        return pd.DataFrame(columns=columns + [PRIORITY_COLUMNS[p] for p in PRIORITIES])
    present = _present(dated._priority)
    months = pd.period_range(dated.due_month.min(), dated.due_month.max(), freq="M").strftime("%Y-%m")
    counts = (pd.crosstab(dated.due_month, dated._priority).reindex(index=months, columns=present, fill_value=0))
    out = pd.DataFrame({"due_month": list(months), "month": [month_label(m) for m in months]})
    out["actions"] = counts.sum(axis=1).to_numpy().astype("int64")
    for p in present:
        out[PRIORITY_COLUMNS[p]] = counts[p].to_numpy().astype("int64")
    if as_of:
        out["passed"] = np.where(out.due_month < as_of[:7], "yes", "no")
    return out


def when_wording(actions: pd.DataFrame) -> pd.DataFrame:
    """Every wording of *When* with the deadline month read from it (empty = no date) and the
    number of actions: shows, e.g., that most June 2019 deadlines are 'End June 19 to set up
    process then ongoing'."""
    frame = pd.DataFrame({"when": actions["when"].astype("object").fillna("(blank)"),
                          "due_month": actions.due_month.astype("object")})
    out = frame.groupby(["when", "due_month"], dropna=False).size().reset_index(name="actions")
    return out.sort_values(["actions", "when"], ascending=[False, True]).reset_index(drop=True)


def undated(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions with no deadline month, grouped by what *When* says (e.g. Ongoing)."""
    rows = actions[actions.due_month.isna()]
    when = rows["when"].astype("object").fillna("(blank)")
    return (when.value_counts().rename_axis("when").reset_index(name="actions")
            .sort_values(["actions", "when"], ascending=[False, True]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------- lost IDs


def lost_ids(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions whose ID the extract lost to page-number debris: ``action_id`` for the page
    (:data:`ILLEGIBLE`), the damaged cell as extracted (``action_id_raw``, for the download),
    theme, priority, proposal and the source line to look it up."""
    rows = actions[actions.action_id.isna()]
    return pd.DataFrame({"action_id": ILLEGIBLE, "action_id_raw": rows.action_id_raw, "theme": rows.theme,
                         "priority": priority_label(rows), "proposal": rows.proposal,
                         "source_line": rows.source_line}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- charts


@charts.styled
def chart_theme_priority(table: pd.DataFrame, *, source: str) -> Figure:
    """Heatmap of actions by theme (rows) and priority (columns), counts written in each cell,
    one sequential blue scale.  ``table`` is :func:`theme_priority`'s output."""
    import seaborn as sns

    themes = table[table.theme_number.notna()]
    value_cols = [c for c in ("high", "medium", "low", "not_readable", "not_printed") if c in themes.columns]
    matrix = themes.set_index("theme")[value_cols].astype(int)
    matrix.columns = [PRIORITY_NAMES[next(k for k, v in PRIORITY_COLUMNS.items() if v == c)] for c in value_cols]
    fig, ax = charts.new_figure(height=max(4.2, 0.42 * len(matrix) + 2.0))
    sns.heatmap(matrix, ax=ax, cmap="Blues", annot=True, fmt="d", cbar=False, linewidths=1.5, linecolor="white",
                vmin=0, annot_kws={"fontsize": 9.5})
    ax.grid(False)
    mesh = ax.collections[0]
    for text, face in zip(ax.texts, mesh.get_facecolors()):  # white or black, whichever reads on the cell
        text.set_color(charts.on_colour(face[:3]))
    ax.set_ylabel("")
    ax.tick_params(axis="both", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_yticklabels([f"{n}. {t}" for n, t in zip(themes.theme_number, themes.theme)], rotation=0)
    high = themes.sort_values(["high", "theme_number"], ascending=[False, True]).iloc[0]
    total = table[table.theme_number.isna()].iloc[0]
    return charts.finish(
        fig, ax, title=f"{int(total.high)} of {int(total.actions)} actions are high priority; "
                       f"{high.theme} has the most ({int(high.high)})",
        subtitle="Recovery plan actions by theme and priority (H, M, L as printed), count of actions",
        xlabel="Priority (count of actions)", source=source)


@charts.styled
def chart_budgets(budgets: pd.DataFrame, *, source: str) -> Figure:
    """Each theme's distinct annual budgets in scope as dots on a log scale, each labelled with
    the budget and the number of actions naming it (never summed).  ``budgets`` is
    :func:`budgets_in_scope`'s output."""
    themes = budgets.drop_duplicates("theme_number").sort_values("theme_number")
    fig, ax = charts.new_figure(height=max(4.0, 0.5 * len(themes) + 2.0))
    y_of = {n: i for i, n in enumerate(themes.theme_number)}
    most = budgets.sort_values(["actions", "budget_gbp"], ascending=[False, False]).iloc[0]
    previous: dict[int, tuple[float, int]] = {}
    for r in budgets.sort_values(["theme_number", "budget_gbp"]).itertuples():
        y = y_of[r.theme_number]
        colour = charts.FOCUS if r.actions > 1 else charts.OTHER
        ax.scatter(r.budget_gbp, y, s=40 + 28 * r.actions, color=colour, zorder=3, edgecolor="white", linewidth=0.8)
        # labels above the dot; below it when the last label in the row is too close
        last_x, last_side = previous.get(r.theme_number, (0.0, -1))
        side = -last_side if last_x and r.budget_gbp / last_x < 1.9 and last_side > 0 else 1
        previous[r.theme_number] = (float(r.budget_gbp), side)
        ax.annotate(f"{numbers.money(r.budget_gbp)} ×{r.actions}", (r.budget_gbp, y), xytext=(0, 9 if side > 0 else -10),
                    textcoords="offset points", ha="center", va="bottom" if side > 0 else "top", fontsize=charts.LABEL_FONT,
                    color=charts.TEXT)
    ax.set_xscale("log")
    ticks = [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000, 30_000_000, 100_000_000]
    low, high = budgets.budget_gbp.min(), budgets.budget_gbp.max()
    ticks = [t for t in ticks if low / 3 <= t <= high * 3]
    ax.set_xticks(ticks, [numbers.money(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlim(low / 1.8, high * 1.8)
    ax.set_yticks(range(len(themes)), [f"{n}. {t}" for n, t in zip(themes.theme_number, themes.theme)])
    ax.set_ylim(len(themes) - 0.4, -0.6)
    ax.grid(axis="y", visible=False)
    return charts.finish(
        fig, ax, title=f"Budgets repeat across actions: {most.actions} {most.theme} actions all address the same "
                       f"{numbers.money(most.budget_gbp)}",
        subtitle="Distinct annual budgets in scope by theme (log scale); ×n = actions naming that budget, blue = "
                 "named by more than one action. Not added up: budgets repeat and overlap",
        xlabel="Budget in scope (£, log scale)", source=source)


@charts.styled
def chart_deadlines(table: pd.DataFrame, *, as_of: str, source: str, undated_actions: int = 0) -> Figure:
    """Bars of actions due per month; months already over at ``as_of`` (YYYY-MM) in FOCUS blue,
    later ones grey, a dashed line at ``as_of``.  ``table`` is :func:`deadlines_by_month`'s output."""
    fig, ax = charts.new_figure(height=4.4)
    passed = table.due_month < as_of[:7]
    colours = [charts.FOCUS if p else charts.OTHER for p in passed]
    bars = ax.bar(table.month, table.actions, color=colours, width=0.7)
    ax.bar_label(bars, labels=[str(v) if v else "" for v in table.actions], padding=2, fontsize=8.5)
    ax.set_xticks(range(len(table)), [m.replace(" ", "\n") for m in table.month], fontsize=8)
    ax.grid(axis="x", visible=False)
    ax.set_ylim(0, max(int(table.actions.max()), 1) * 1.2)
    months = list(table.due_month)
    if months and months[0] <= as_of[:7] <= months[-1]:
        x = months.index(as_of[:7]) - 0.5
    else:
        x = -0.5 if not months or as_of[:7] < months[0] else len(months) - 0.5
    ax.axvline(x, color=charts.AVERAGE, linestyle=(0, (4, 3)), linewidth=1.2)
    ax.text(x, ax.get_ylim()[1] * 0.97, f" paper dated {month_label(as_of[:7])}", fontsize=8.5, va="top",
            color=charts.AVERAGE)
    due_before = int(table.actions[passed].sum())
    dated = int(table.actions.sum())
    note = f"; {undated_actions} ongoing actions with no date not shown" if undated_actions else ""
    return charts.finish(
        fig, ax, title=f"{due_before} of {dated} dated actions were due before {month_label(as_of[:7])}, "
                       "the month of the paper",
        subtitle=f"Actions by deadline month (When column); blue = month over by the paper's date{note}",
        xlabel="Deadline month", ylabel="Actions (count)", source=source)
