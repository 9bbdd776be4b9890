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
from matplotlib.figure import Figure

from ..presentation import charts, numbers

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
RAG_ORDER = ["Red", "Amber", "Green", "No RAG"]
DIRECTION_ORDER = ["improving", "unchanged", "worsening", "not given"]


def _savings(tracker: pd.DataFrame) -> pd.DataFrame:
    out = tracker.copy()
    out["planned_saving_gbp"] = -out["planned_total_gbp"]
    out["forecast_saving_gbp"] = -out["forecast_total_gbp"]
    out["shortfall_gbp"] = out["variance_gbp"]
    return out


def financial_year(tracker: pd.DataFrame) -> str:
    """The tracker's financial year (its ``financial_year`` column: one year per tracker)."""
    years = sorted(tracker["financial_year"].dropna().unique())
    if len(years) != 1:
        raise ValueError(f"expected the lines of one tracker (one financial year); found {', '.join(years) or 'none'}")
    return str(years[0])


def delivery_pct(forecast_saving: float, planned_saving: float) -> float:
    """Forecast saving as a percentage of the planned saving (NaN when nothing is planned)."""
    return float("nan") if not planned_saving else 100.0 * float(forecast_saving) / float(planned_saving)


def headline(tracker: pd.DataFrame) -> pd.Series:
    """Totals across every line: planned and forecast saving, shortfall, % of plan forecast."""
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


def sign_doubts(tracker: pd.DataFrame) -> pd.DataFrame:
    """The lines whose sign looks wrong (the tracker's ``sign_doubt``: a minus lost, the totals
    row or last month's tracker disagreeing), as savings: ``reference``, ``title``,
    ``planned_saving_gbp``, ``forecast_saving_gbp`` and ``why`` (empty when there are none)."""
    s = _savings(tracker)
    if "sign_doubt" not in s:
        s["sign_doubt"] = pd.Series([None] * len(s), dtype="string")
    doubtful = s[s["sign_doubt"].notna()]
    return (doubtful[["reference", "title", "planned_saving_gbp", "forecast_saving_gbp", "sign_doubt"]]
            .rename(columns={"sign_doubt": "why"}).reset_index(drop=True))


def sign_doubt_note(tracker: pd.DataFrame) -> str:
    """The words every headline that adds up the tracker's lines carries when some of them look
    wrongly signed: ``includes 1 line whose sign looks wrong (FEN/04: …)``; empty when none do."""
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
                                                                  grouped.planned_saving_gbp)]
    if order:
        grouped[key] = pd.Categorical(grouped[key], categories=order, ordered=True)
        grouped = grouped.sort_values(key).reset_index(drop=True)
        grouped[key] = grouped[key].astype(str)
    return grouped


def by_committee(tracker: pd.DataFrame) -> pd.DataFrame:
    """Savings by committee as printed (a line shared by two committees is its own group)."""
    s = _savings(tracker)
    s["committee"] = s["committee"].fillna("(none)")
    return _group(s, "committee").sort_values("planned_saving_gbp", ascending=False).reset_index(drop=True)


def by_rag(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines and pounds by RAG status (lines without a colour as 'No RAG'), Red first."""
    s = _savings(tracker)
    s["rag"] = s["rag"].fillna("No RAG")
    present = [r for r in RAG_ORDER if r in set(s.rag)]
    return _group(s, "rag", present)


def by_direction(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines and pounds by direction of travel since last month."""
    s = _savings(tracker)
    s["direction"] = s["direction"].fillna("not given")
    present = [d for d in DIRECTION_ORDER if d in set(s.direction)]
    return _group(s, "direction", present)


def quarterly_phasing(tracker: pd.DataFrame) -> pd.DataFrame:
    """Planned and forecast saving by quarter, and cumulative through the year."""
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


def waterfall_steps(tracker: pd.DataFrame, top_n: int = 8) -> pd.DataFrame:
    """Planned saving -> forecast saving through the ``top_n`` largest variances (either sign)
    and one step for every other line.  Steps are changes in saving (shortfall negative)."""
    s = _savings(tracker)
    moving = s[s.shortfall_gbp != 0].copy()
    moving["size"] = moving.shortfall_gbp.abs()
    top = moving.sort_values(["size", "reference"], ascending=[False, True]).head(top_n)
    rest = s.drop(index=top.index)
    steps = [{"step": f"{r.reference} {r.title}", "reference": r.reference, "change_gbp": -int(r.shortfall_gbp)}
             for r in top.itertuples()]
    other = -int(rest.shortfall_gbp.sum())
    steps.append({"step": f"{len(rest[rest.shortfall_gbp != 0])} other lines", "reference": None,
                  "change_gbp": other})
    head = headline(tracker)
    frame = pd.DataFrame(steps)
    frame.attrs["planned_saving_gbp"] = int(head.planned_saving_gbp)
    frame.attrs["forecast_saving_gbp"] = int(head.forecast_saving_gbp)
    return frame


def top_shortfalls(tracker: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` lines with the largest shortfall against plan, with their commentary."""
    s = _savings(tracker)
    short = s[s.shortfall_gbp > 0].sort_values(["shortfall_gbp", "reference"], ascending=[False, True]).head(n)
    return short[["reference", "title", "committee", "rag", "direction", "planned_saving_gbp", "forecast_saving_gbp",
                  "shortfall_gbp", "commentary"]].reset_index(drop=True)


def over_delivery(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines forecast to save more than planned (negative variance), largest first."""
    s = _savings(tracker)
    over = s[s.shortfall_gbp < 0].sort_values(["shortfall_gbp", "reference"])
    out = over[["reference", "title", "committee", "rag", "planned_saving_gbp", "forecast_saving_gbp",
                "shortfall_gbp", "commentary"]].reset_index(drop=True)
    out.insert(6, "over_delivery_gbp", -out.pop("shortfall_gbp"))
    return out


def investment_vs_saving(tracker: pd.DataFrame) -> pd.DataFrame:
    """Lines with an investment: what was invested against the saving planned and forecast."""
    s = _savings(tracker)
    inv = s[s.investment_gbp.fillna(0) > 0].copy()
    inv["forecast_saving_per_pound_invested"] = inv.forecast_saving_gbp / inv.investment_gbp
    return (inv[["reference", "title", "investment_gbp", "planned_saving_gbp", "forecast_saving_gbp",
                 "forecast_saving_per_pound_invested", "rag"]]
            .sort_values(["investment_gbp", "reference"], ascending=[False, True]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------- month on month

_DIRECTION_FROM_CHANGE = {True: "improving", False: "worsening"}


def movement(current: pd.DataFrame, previous: pd.DataFrame) -> dict[str, pd.DataFrame | pd.Series]:
    """What moved since the previous month's tracker.

    Returns ``lines`` (every reference in either month with both months' RAG and forecast saving,
    the drift, the direction derived from the two months and the direction printed now),
    ``rag_changes``, ``added``, ``dropped``, ``direction_disagrees`` and ``total`` (forecast
    saving then, now, drift).  Derived direction: forecast saving up = improving, down =
    worsening, equal = unchanged (RAG moving towards Green counts when the forecast is equal).
    """
    cur, prev = _savings(current), _savings(previous)
    keep = ["reference", "title", "rag", "forecast_saving_gbp", "direction"]
    merged = prev[keep].merge(cur[keep], on="reference", how="outer", suffixes=("_previous", "_current"),
                              indicator=True)
    merged["title"] = merged.title_current.fillna(merged.title_previous)
    merged["drift_gbp"] = merged.forecast_saving_gbp_current - merged.forecast_saving_gbp_previous
    rank = {"Red": 0, "Amber": 1, "Green": 2}

    def derived(row) -> str | None:
        if row._merge != "both" or pd.isna(row.drift_gbp):  # a blank forecast: no direction to derive
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


def movement_report(current: pd.DataFrame, previous: pd.DataFrame):
    """The month-on-month section as HTML: totals, RAG changes, drift, added/dropped lines, and
    where the printed direction of travel disagrees with the two months' figures.  Its tables go
    to the report's Excel download too (every row: a list of table data under the table type)."""
    from ..presentation import display as d

    m = movement(current, previous)
    t = m["total"]
    money = {c: d.gbp for c in ("forecast_saving_gbp_previous", "forecast_saving_gbp_current")}
    money["drift_gbp"] = d.signed_gbp
    lines = m["lines"]
    drift = lines[(lines.presence == "both months") & (lines.drift_gbp != 0)]
    parts = [
        d.sentence_html("Forecast saving moved from {a} ({pp}) to {b} ({pc}): {drift}.",
                        a=d.gbp(t.forecast_saving_previous_gbp), b=d.gbp(t.forecast_saving_current_gbp),
                        drift=d.signed_gbp(t.drift_gbp), pp=previous.period.iloc[0], pc=current.period.iloc[0]),
        d.sentence_html("{r} lines changed RAG status, {f} lines changed forecast, {a} lines were added and {x} "
                        "dropped; on {n} lines the printed direction of travel disagrees with the two months' "
                        "figures.", r=len(m["rag_changes"]), f=len(drift), a=len(m["added"]), x=len(m["dropped"]),
                        n=len(m["direction_disagrees"])),
    ]
    shown = [(m[key].drop(columns=["presence"]), caption) for key, caption in (
        ("rag_changes", "Lines whose RAG status changed"),
        ("direction_disagrees", "Printed direction of travel vs the direction the figures show"),
        ("added", "Lines added this month"), ("dropped", "Lines dropped this month")) if len(m[key])]
    if len(drift):
        shown.append((drift.drop(columns=["presence"]).sort_values("drift_gbp"),
                      "Forecast drift by line (negative = less saving than last month)"))
    parts += [d.table_html(frame, formats=money, caption=caption, full="savings_tracker") for frame, caption in shown]
    # one output holding several tables: their data as a list (analysis.report.render.tables)
    return d.Table("".join(parts), [d.table_data(frame, caption=caption) for frame, caption in shown])


# --------------------------------------------------------------------------------------------- charts


@charts.styled
def chart_by_committee(table: pd.DataFrame, *, source: str, financial_year: str) -> Figure:
    """Planned beside forecast saving per committee (savings positive); the title names the
    committee furthest behind its plan."""
    worst = table.sort_values("delivery_pct").iloc[0]
    return charts.grouped_bars(
        list(table.committee), {"Planned saving": list(table.planned_saving_gbp),
                                "Forecast saving": list(table.forecast_saving_gbp)},
        colours=[charts.PLANNED, charts.FORECAST], horizontal=True, value_labels=True,
        title=f"{worst.committee} is forecast to deliver {numbers.pct(worst.delivery_pct)} of its planned saving",
        subtitle=f"Planned and forecast saving by committee, {numbers.year(financial_year)} (£)",
        ylabel="Saving (£)", source=source)


def _shortfall_words(value: float) -> str:
    """A shortfall in members' words: a positive amount and which way it goes."""
    if not value:
        return "on plan"
    return f"{numbers.money(abs(value))} {'shortfall' if value > 0 else 'over-delivered'}"


@charts.styled
def chart_by_rag(table: pd.DataFrame, *, source: str) -> Figure:
    """Saving lines (left) and shortfall against plan (right) by RAG status; the status is
    written on every row and hatched (Red, Amber) as well as coloured.  Shortfalls are positive,
    over-delivery is drawn left of zero and labelled in words."""
    red = table[table.rag == "Red"]
    red_lines = int(red.lines.sum()) if len(red) else 0
    red_short = int(red.shortfall_gbp.sum()) if len(red) else 0
    fig, (left, right) = charts.new_figure(height=3.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.25]})
    colours = [charts.RAG_COLOURS.get(r, charts.OTHER) for r in table.rag]
    hatches = [charts.RAG_HATCHES.get(r, "") for r in table.rag]
    rows = list(range(len(table)))
    for ax, values in ((left, list(table.lines)), (right, [float(v) for v in table.shortfall_gbp])):
        bars = ax.barh(rows, values, color=colours, hatch=hatches, edgecolor="white", linewidth=0, height=0.7)
        ax.set_yticks(rows, list(table.rag))
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        if ax is left:
            charts.label_bars(ax, bars, [numbers.count(v) for v in values], horizontal=True)
    for row, value in zip(rows, right_values := [float(v) for v in table.shortfall_gbp]):
        right.annotate(_shortfall_words(value), (max(value, 0.0), row), xytext=(4, 0), textcoords="offset points",
                       va="center", fontsize=charts.LABEL_FONT, color=charts.TEXT)  # right of zero, clear of ticks
    right.set_xlim(min(min(right_values), 0.0) * 1.15, max(max(right_values), 1.0))
    left.set_xlabel("Saving lines (count)")
    charts.money_axis(right.xaxis)
    right.axvline(0, color=charts.AXIS, linewidth=0.8)
    right.set_xlabel("Shortfall against plan (£)")
    return charts.finish(fig, left, title=f"{red_lines} Red lines account for {numbers.money(red_short)} of shortfall",
                         subtitle="Saving lines and shortfall against plan by RAG status; over-delivery is drawn "
                                  "left of zero", source=source)


@charts.styled
def chart_phasing(table: pd.DataFrame, *, source: str, financial_year: str) -> Figure:
    """Cumulative planned and forecast saving by quarter of ``financial_year``, the gap shaded,
    each line named at its end."""
    fig, ax = charts.new_figure()
    x = list(range(len(table)))
    series = (("Planned", table.cumulative_planned_gbp, charts.PLANNED),
              ("Forecast", table.cumulative_forecast_gbp, charts.FORECAST))
    for name, values, colour in series:
        ax.plot(x, [float(v) for v in values], color=colour, marker="o", linewidth=2, label=name)
    ax.fill_between(x, [float(v) for v in table.cumulative_forecast_gbp],
                    [float(v) for v in table.cumulative_planned_gbp], color=charts.OTHER, alpha=0.25, linewidth=0)
    ax.set_xticks(x, list(table.quarter))
    charts.money_axis(ax.yaxis)
    ax.set_ylim(0, float(table.cumulative_planned_gbp.max()) * 1.1)
    fig.canvas.draw()
    ends = [float(values.iloc[-1]) for _, values, _ in series]
    pixels = [ax.transData.transform((x[-1], v))[1] for v in ends]
    placed = charts.spread(pixels, 16)
    for (name, values, colour), end, want, have in zip(series, ends, placed, pixels):
        ax.annotate(f"{name} {numbers.money(end)}", (x[-1], end), xytext=(8, (want - have) * 72 / fig.dpi),
                    textcoords="offset points", va="center", fontsize=charts.LABEL_FONT + 0.5, color=colour,
                    fontweight="bold")
    last = table.iloc[-1]
    return charts.finish(fig, ax, title=f"By {last.quarter} the forecast is {numbers.money(last.cumulative_gap_gbp)} "
                         "behind the planned phasing",
                         subtitle="Cumulative saving through the year, planned and forecast (£); shaded: the gap",
                         xlabel=f"Quarter of {numbers.year(financial_year)}", ylabel="Cumulative saving (£)",
                         source=source)


@charts.styled
def chart_waterfall(steps: pd.DataFrame, *, source: str) -> Figure:
    """Planned saving to forecast saving through the lines that moved most: each step a line's
    shortfall (red, hatched) or over-delivery (green), labelled as a positive amount in words."""
    planned, forecast = steps.attrs["planned_saving_gbp"], steps.attrs["forecast_saving_gbp"]
    return charts.waterfall(
        ("Planned saving", planned), [(r.step, r.change_gbp) for r in steps.itertuples()],
        ("Forecast saving", forecast), up_colour=charts.RAG_COLOURS["Green"], down_colour=charts.RAG_COLOURS["Red"],
        up_word="over-delivered", down_word="shortfall",
        title=f"From {numbers.money(planned)} planned to {numbers.money(forecast)} forecast: the lines that moved most",
        subtitle="Saving (£), planned to forecast: each step is a line's shortfall (red, hatched) or over-delivery "
                 "(green)", xlabel="Saving (£)", source=source)
