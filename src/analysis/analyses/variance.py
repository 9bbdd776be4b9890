"""Savings tracker variance analysis.

Input is the ``savings_tracker`` table for one authority and period.  There savings are negative
amounts whatever sign the tracker printed (:data:`analysis.assumptions.PROCESSED_SAVING_SIGN`);
the functions here present them as **positive savings** (``*_saving_gbp`` = minus the processed
figure) because that is how a reader speaks of them, and keep the variance as ``shortfall_gbp``:
forecast minus plan, so positive = the forecast saving falls short of the plan, negative =
over-delivery.  All money is whole pounds.  Years and labels come from the tracker itself (its
``financial_year``), never from here.
"""

from __future__ import annotations

import pandas as pd

from ..schemas import needs

__all__ = [
    "DIRECTION_ORDER", "LINE", "MONEY", "QUARTERS", "RAG_ORDER", "by_committee", "by_direction", "by_rag",
    "delivery_pct", "financial_year", "headline", "investment_vs_saving", "movement", "over_delivery",
    "quarterly_phasing", "sign_doubt_note", "sign_doubts", "top_shortfalls", "waterfall_steps",
]

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
#: the savings_tracker columns the totals read (money in whole pounds, negative = saving)
MONEY = ("planned_total_gbp", "forecast_total_gbp", "variance_gbp")
LINE = ("reference", "title")
RAG_ORDER = ["Red", "Amber", "Green", "No RAG"]
DIRECTION_ORDER = ["improving", "unchanged", "worsening", "not given"]


def _savings(tracker: pd.DataFrame) -> pd.DataFrame:
    out = tracker.copy()
    out["planned_saving_gbp"] = -out["planned_total_gbp"]
    out["forecast_saving_gbp"] = -out["forecast_total_gbp"]
    out["shortfall_gbp"] = out["variance_gbp"]
    return out


@needs(tracker=("financial_year",))
def financial_year(tracker: pd.DataFrame) -> str:
    """The tracker's financial year (its ``financial_year`` column: one year per tracker).

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines of one tracker; reads ``financial_year``.

    Returns
    -------
    str
        The financial year as the tracker prints it (e.g. ``'2024/25'``).

    Raises
    ------
    ValueError
        When the lines carry no financial year or more than one.
    """
    years = sorted(tracker["financial_year"].dropna().unique())
    if len(years) != 1:
        raise ValueError(f"expected the lines of one tracker (one financial year); found {', '.join(years) or 'none'}")
    return str(years[0])


def delivery_pct(forecast_saving: float, planned_saving: float) -> float:
    """Forecast saving as a percentage of the planned saving (NaN when nothing is planned).

    Parameters
    ----------
    forecast_saving : float
        Forecast saving, pounds (GBP).
    planned_saving : float
        Planned saving, pounds (GBP), same sign convention as ``forecast_saving``.

    Returns
    -------
    float
        ``100 * forecast_saving / planned_saving`` (per cent), NaN when ``planned_saving`` is 0.
    """
    return float("nan") if not planned_saving else 100.0 * float(forecast_saving) / float(planned_saving)


@needs(tracker=(*MONEY, "investment_gbp", "complete"))
def headline(tracker: pd.DataFrame) -> pd.Series:
    """Totals across every line: planned and forecast saving, shortfall, % of plan forecast.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines (money in whole pounds, negative = saving); reads
        ``planned_total_gbp``, ``forecast_total_gbp``, ``variance_gbp``, ``investment_gbp``,
        ``complete`` and, when present, ``sign_doubt``.

    Returns
    -------
    pandas.Series
        ``lines``, ``planned_saving_gbp``, ``forecast_saving_gbp``, ``shortfall_gbp`` (pounds,
        savings positive), ``delivery_pct`` (per cent), ``investment_gbp`` (pounds),
        ``lines_complete`` and ``lines_sign_doubt`` (counts).
    """
    s = _savings(tracker)
    planned, forecast = int(s.planned_saving_gbp.sum()), int(s.forecast_saving_gbp.sum())
    return pd.Series({
        "lines": len(s),
        "planned_saving_gbp": planned,
        "forecast_saving_gbp": forecast,
        "shortfall_gbp": int(s.shortfall_gbp.sum()),
        "delivery_pct": delivery_pct(forecast, planned),
        "investment_gbp": int(s.investment_gbp.fillna(0).sum()),
        "lines_complete": int(s.complete.fillna(False).sum()),
        "lines_sign_doubt": int(s["sign_doubt"].notna().sum()) if "sign_doubt" in s else 0,
    })


@needs(tracker=(*LINE, *MONEY))
def sign_doubts(tracker: pd.DataFrame) -> pd.DataFrame:
    """The lines whose sign looks wrong (the tracker's ``sign_doubt``: a minus lost, the totals
    row or last month's tracker disagreeing), as savings.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``title``, ``planned_total_gbp``,
        ``forecast_total_gbp``, ``variance_gbp`` and, when present, ``sign_doubt``.

    Returns
    -------
    pandas.DataFrame
        ``reference``, ``title``, ``planned_saving_gbp``, ``forecast_saving_gbp`` (pounds, savings
        positive) and ``why``; no rows when no line is in doubt.
    """
    s = _savings(tracker)
    if "sign_doubt" not in s:
        s["sign_doubt"] = pd.Series([None] * len(s), dtype="string")
    doubtful = s[s["sign_doubt"].notna()]
    return (doubtful[["reference", "title", "planned_saving_gbp", "forecast_saving_gbp", "sign_doubt"]]
            .rename(columns={"sign_doubt": "why"}).reset_index(drop=True))


@needs(tracker=(*LINE, *MONEY))
def sign_doubt_note(tracker: pd.DataFrame) -> str:
    """The words every headline that adds up the tracker's lines carries when some of them look
    wrongly signed.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads the columns :func:`sign_doubts` reads.

    Returns
    -------
    str
        e.g. ``includes 1 line whose sign looks wrong (FEN/04: …)``; empty when none do.
    """
    doubts = sign_doubts(tracker)
    if doubts.empty:
        return ""
    first = doubts.iloc[0]
    what = "line whose sign looks" if len(doubts) == 1 else "lines whose signs look"
    others = f" and {len(doubts) - 1} more" if len(doubts) > 1 else ""
    return f"includes {len(doubts)} {what} wrong ({first.reference}: {first.why}{others})"


def _group(s: pd.DataFrame, key: str, order: list[str] | None = None) -> pd.DataFrame:
    grouped = (s.groupby(key, dropna=False, sort=False)
               .agg(lines=("reference", "size"), planned_saving_gbp=("planned_saving_gbp", "sum"),
                    forecast_saving_gbp=("forecast_saving_gbp", "sum"), shortfall_gbp=("shortfall_gbp", "sum"))
               .reset_index())
    for c in ("planned_saving_gbp", "forecast_saving_gbp", "shortfall_gbp"):
        grouped[c] = grouped[c].astype("int64")
    grouped["delivery_pct"] = [delivery_pct(f, p) for f, p in zip(grouped.forecast_saving_gbp,
                                                                  grouped.planned_saving_gbp, strict=True)]
    if order:
        grouped[key] = pd.Categorical(grouped[key], categories=order, ordered=True)
        grouped = grouped.sort_values(key).reset_index(drop=True)
        grouped[key] = grouped[key].astype(str)
    return grouped


@needs(tracker=("reference", "committee", *MONEY))
def by_committee(tracker: pd.DataFrame) -> pd.DataFrame:
    """Savings by committee as printed (a line shared by two committees is its own group).

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``committee``, ``planned_total_gbp``,
        ``forecast_total_gbp`` and ``variance_gbp`` (pounds, negative = saving).

    Returns
    -------
    pandas.DataFrame
        One row per committee (``(none)`` for lines without one), largest planned saving first:
        ``lines``, ``planned_saving_gbp``, ``forecast_saving_gbp``, ``shortfall_gbp`` (pounds,
        savings positive) and ``delivery_pct`` (per cent).
    """
    s = _savings(tracker)
    s["committee"] = s["committee"].fillna("(none)")
    return _group(s, "committee").sort_values("planned_saving_gbp", ascending=False).reset_index(drop=True)


@needs(tracker=("reference", "rag", *MONEY))
def by_rag(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines and pounds by RAG status (lines without a colour as 'No RAG'), Red first.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``rag``, ``planned_total_gbp``,
        ``forecast_total_gbp`` and ``variance_gbp`` (pounds, negative = saving).

    Returns
    -------
    pandas.DataFrame
        One row per RAG status present, in :data:`RAG_ORDER`: ``lines``, ``planned_saving_gbp``,
        ``forecast_saving_gbp``, ``shortfall_gbp`` (pounds, savings positive), ``delivery_pct``.
    """
    s = _savings(tracker)
    s["rag"] = s["rag"].fillna("No RAG")
    present = [r for r in RAG_ORDER if r in set(s.rag)]
    return _group(s, "rag", present)


@needs(tracker=("reference", "direction", *MONEY))
def by_direction(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines and pounds by direction of travel since last month.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``direction``, ``planned_total_gbp``,
        ``forecast_total_gbp`` and ``variance_gbp`` (pounds, negative = saving).

    Returns
    -------
    pandas.DataFrame
        One row per direction present (``not given`` for blanks), in :data:`DIRECTION_ORDER`:
        ``lines``, ``planned_saving_gbp``, ``forecast_saving_gbp``, ``shortfall_gbp`` (pounds,
        savings positive) and ``delivery_pct`` (per cent).
    """
    s = _savings(tracker)
    s["direction"] = s["direction"].fillna("not given")
    present = [d for d in DIRECTION_ORDER if d in set(s.direction)]
    return _group(s, "direction", present)


@needs(tracker=tuple(f"{kind}_q{i}_gbp" for kind in ("planned", "forecast") for i in range(1, 5)))
def quarterly_phasing(tracker: pd.DataFrame) -> pd.DataFrame:
    """Planned and forecast saving by quarter, and cumulative through the year.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``planned_q1_gbp`` ... ``planned_q4_gbp`` and
        ``forecast_q1_gbp`` ... ``forecast_q4_gbp`` (pounds, negative = saving; blanks count 0).

    Returns
    -------
    pandas.DataFrame
        One row per quarter: ``quarter``, ``planned_saving_gbp``, ``forecast_saving_gbp``,
        ``cumulative_planned_gbp``, ``cumulative_forecast_gbp`` and ``cumulative_gap_gbp``
        (pounds, savings positive).
    """
    rows = []
    for i, q in enumerate(QUARTERS, start=1):
        rows.append({"quarter": q,
                     "planned_saving_gbp": int(-tracker[f"planned_q{i}_gbp"].fillna(0).sum()),
                     "forecast_saving_gbp": int(-tracker[f"forecast_q{i}_gbp"].fillna(0).sum())})
    out = pd.DataFrame(rows)
    out["cumulative_planned_gbp"] = out.planned_saving_gbp.cumsum()
    out["cumulative_forecast_gbp"] = out.forecast_saving_gbp.cumsum()
    out["cumulative_gap_gbp"] = out.cumulative_planned_gbp - out.cumulative_forecast_gbp
    return out


@needs(tracker=(*LINE, *MONEY, "investment_gbp", "complete"))
def waterfall_steps(tracker: pd.DataFrame, top_n: int = 8) -> pd.DataFrame:
    """Planned saving -> forecast saving through the ``top_n`` largest variances (either sign),
    one step for every other line, and one for the lines not yet forecast (their whole planned
    saving, which the forecast total does not include).

    Steps are changes in saving in pounds (shortfall negative): forecast minus planned saving of
    each line, so the steps always walk exactly from the planned total to the forecast total that
    :func:`headline` adds up.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``title``, ``planned_total_gbp``,
        ``forecast_total_gbp``, ``variance_gbp``, ``investment_gbp`` and ``complete``.
    top_n : int, default 8
        How many of the largest changes get a step of their own.

    Returns
    -------
    pandas.DataFrame
        ``step`` (label), ``reference`` (None for the grouped steps) and ``change_gbp`` (pounds);
        ``attrs`` holds ``planned_saving_gbp`` and ``forecast_saving_gbp``, the two ends.
    """
    s = _savings(tracker)
    s["change_gbp"] = s.forecast_saving_gbp.fillna(0) - s.planned_saving_gbp.fillna(0)
    waiting = s[s.forecast_saving_gbp.isna()]
    forecast = s.drop(index=waiting.index)
    moving = forecast[forecast.change_gbp != 0].copy()
    moving["size"] = moving.change_gbp.abs()
    top = moving.sort_values(["size", "reference"], ascending=[False, True]).head(top_n)
    rest = forecast.drop(index=top.index)
    steps = [{"step": f"{r.reference} {r.title}", "reference": r.reference, "change_gbp": int(r.change_gbp)}
             for r in top.itertuples()]
    steps.append({"step": f"{len(rest[rest.change_gbp != 0])} other lines", "reference": None,
                  "change_gbp": int(rest.change_gbp.sum())})
    if len(waiting):
        steps.append({"step": f"{len(waiting)} line{'s' if len(waiting) > 1 else ''} not yet forecast",
                      "reference": None, "change_gbp": int(waiting.change_gbp.sum())})
    head = headline(tracker)
    frame = pd.DataFrame(steps)
    frame.attrs["planned_saving_gbp"] = int(head.planned_saving_gbp)
    frame.attrs["forecast_saving_gbp"] = int(head.forecast_saving_gbp)
    return frame


@needs(tracker=(*LINE, "committee", "rag", "direction", *MONEY, "commentary"))
def top_shortfalls(tracker: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` lines with the largest shortfall against plan, with their commentary.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``title``, ``committee``, ``rag``,
        ``direction``, ``planned_total_gbp``, ``forecast_total_gbp``, ``variance_gbp`` and
        ``commentary``.
    n : int, default 8
        How many lines at most.

    Returns
    -------
    pandas.DataFrame
        Those columns with the money as ``planned_saving_gbp``, ``forecast_saving_gbp`` and
        ``shortfall_gbp`` (pounds, savings positive), largest shortfall first.
    """
    s = _savings(tracker)
    short = s[s.shortfall_gbp > 0].sort_values(["shortfall_gbp", "reference"], ascending=[False, True]).head(n)
    return short[["reference", "title", "committee", "rag", "direction", "planned_saving_gbp", "forecast_saving_gbp",
                  "shortfall_gbp", "commentary"]].reset_index(drop=True)


@needs(tracker=(*LINE, "committee", "rag", *MONEY, "commentary"))
def over_delivery(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines forecast to save more than planned (negative variance), largest first.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``title``, ``committee``, ``rag``,
        ``planned_total_gbp``, ``forecast_total_gbp``, ``variance_gbp`` and ``commentary``.

    Returns
    -------
    pandas.DataFrame
        ``reference``, ``title``, ``committee``, ``rag``, ``planned_saving_gbp``,
        ``forecast_saving_gbp``, ``over_delivery_gbp`` (pounds, positive) and ``commentary``.
    """
    s = _savings(tracker)
    over = s[s.shortfall_gbp < 0].sort_values(["shortfall_gbp", "reference"])
    out = over[["reference", "title", "committee", "rag", "planned_saving_gbp", "forecast_saving_gbp",
                "shortfall_gbp", "commentary"]].reset_index(drop=True)
    out.insert(6, "over_delivery_gbp", -out.pop("shortfall_gbp"))
    return out


@needs(tracker=(*LINE, *MONEY, "investment_gbp", "rag"))
def investment_vs_saving(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines with an investment: what was invested against the saving planned and forecast.

    Parameters
    ----------
    tracker : pandas.DataFrame
        ``savings_tracker`` lines; reads ``reference``, ``title``, ``planned_total_gbp``,
        ``forecast_total_gbp``, ``variance_gbp``, ``investment_gbp`` and ``rag``.

    Returns
    -------
    pandas.DataFrame
        ``reference``, ``title``, ``investment_gbp``, ``planned_saving_gbp``,
        ``forecast_saving_gbp`` (pounds, savings positive), ``forecast_saving_per_pound_invested``
        and ``rag``, largest investment first.
    """
    s = _savings(tracker)
    inv = s[s.investment_gbp.fillna(0) > 0].copy()
    inv["forecast_saving_per_pound_invested"] = inv.forecast_saving_gbp / inv.investment_gbp
    return (inv[["reference", "title", "investment_gbp", "planned_saving_gbp", "forecast_saving_gbp",
                 "forecast_saving_per_pound_invested", "rag"]]
            .sort_values(["investment_gbp", "reference"], ascending=[False, True]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------- month on month

_DIRECTION_FROM_CHANGE = {True: "improving", False: "worsening"}


@needs(current=(*LINE, "rag", "direction", *MONEY), previous=(*LINE, "rag", "direction", *MONEY))
def movement(current: pd.DataFrame, previous: pd.DataFrame) -> dict[str, pd.DataFrame | pd.Series]:
    """What moved since the previous month's tracker.

    Derived direction: forecast saving up = improving, down = worsening, equal = unchanged (RAG
    moving towards Green counts when the forecast is equal).

    Parameters
    ----------
    current : pandas.DataFrame
        This month's ``savings_tracker`` lines; reads ``reference``, ``title``, ``rag``,
        ``direction``, ``planned_total_gbp``, ``forecast_total_gbp`` and ``variance_gbp``.
    previous : pandas.DataFrame
        The previous month's lines, same columns.

    Returns
    -------
    dict
        ``lines`` (every reference in either month with both months' RAG and forecast saving, the
        drift in pounds, the direction derived from the two months and the direction printed
        now), ``rag_changes``, ``added``, ``dropped``, ``direction_disagrees`` (DataFrames) and
        ``total`` (a Series: forecast saving then, now and the drift, pounds).
    """
    cur, prev = _savings(current), _savings(previous)
    keep = ["reference", "title", "rag", "forecast_saving_gbp", "direction"]
    merged = prev[keep].merge(cur[keep], on="reference", how="outer", suffixes=("_previous", "_current"),
                              indicator=True)
    merged["title"] = merged.title_current.fillna(merged.title_previous)
    merged["drift_gbp"] = merged.forecast_saving_gbp_current - merged.forecast_saving_gbp_previous
    rank = {"Red": 0, "Amber": 1, "Green": 2}

    def derived(row) -> str | None:
        if row["_merge"] != "both" or pd.isna(row.drift_gbp):  # a blank forecast: no direction to derive
            return None
        if row.drift_gbp > 0:
            return "improving"
        if row.drift_gbp < 0:
            return "worsening"
        before, after = rank.get(row.rag_previous), rank.get(row.rag_current)
        if before is not None and after is not None and before != after:
            return "improving" if after > before else "worsening"
        return "unchanged"

    merged["direction_derived"] = merged.apply(derived, axis=1)
    merged["direction_printed"] = merged.direction_current
    lines = merged[["reference", "title", "rag_previous", "rag_current", "forecast_saving_gbp_previous",
                    "forecast_saving_gbp_current", "drift_gbp", "direction_derived", "direction_printed", "_merge"]]
    lines = lines.rename(columns={"_merge": "presence"})
    lines["presence"] = lines.presence.astype(str).map({"both": "both months", "left_only": "dropped",
                                                        "right_only": "added"})
    lines = lines.sort_values("reference").reset_index(drop=True)
    both = lines[lines.presence == "both months"]
    rag_changes = both[both.rag_previous.fillna("") != both.rag_current.fillna("")]
    disagrees = both[both.direction_printed.notna() & both.direction_derived.notna()
                     & (both.direction_printed != both.direction_derived)]
    total = pd.Series({
        "forecast_saving_previous_gbp": int(prev.forecast_saving_gbp.sum()),
        "forecast_saving_current_gbp": int(cur.forecast_saving_gbp.sum()),
    })
    total["drift_gbp"] = total.forecast_saving_current_gbp - total.forecast_saving_previous_gbp
    return {"lines": lines, "rag_changes": rag_changes.reset_index(drop=True),
            "added": lines[lines.presence == "added"].reset_index(drop=True),
            "dropped": lines[lines.presence == "dropped"].reset_index(drop=True),
            "direction_disagrees": disagrees.reset_index(drop=True), "total": total}


# --------------------------------------------------------------------------------------------- charts
