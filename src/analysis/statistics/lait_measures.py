"""Every measure of DfE's Local Authority Interactive Tool (LAIT) as data: the dictionary ->
``public_measures``, the long data set -> ``lait_values``.

The dictionary (``lait_data_dictionary.csv``) gives each measure (``Measure_short``) its label,
its unit (``y_axis_name``), decimal places (``dps``), year type (``Year_Type``) and polarity as
LAIT states it (``High`` / ``Low`` = which direction is good; ``-`` or ``NA`` = none: never
guessed).  The long data set (``bds_long_*.parquet``) has one row per measure, period
(``Years``), area (``LA Number``: 3-digit code, 970 England, 980-990 regions) and value as
printed (``Values``: a figure, ``-`` where LAIT has none).  Values are kept exactly as printed
(``value_raw``) beside the number read from them (``value``); ``-`` stays a marker, never 0.

Periods (:func:`parse_period`): ``2016`` (a 31 March, a financial year ending then, a 30
September or a January census - the measure's year type says which), ``2016-17 (OT)`` (an
outturn), ``2015/16`` (an academic or financial year), ``2018 (Rev)`` / ``2020 (Final)`` /
``2025 (prov)`` (revised, final, provisional), ``2014-16`` (a three-year span).  ``year`` is the
year the period ends in, so series of any year type sort and join on it.

**When each value was published** (``first_published``): the release calendar's date for the
statistic the measure comes from (:data:`STATISTICS`: the children-looked-after release, the
children-in-need census, the social work workforce census, section 251 outturn) and the
period; a measure from any other release - or a period the calendar does not date - is dated
by the LAIT data update read, the date by which it was certainly public (a *public by* bound,
flagged).  LAIT holds figures as last revised: a value may differ from the one first published.

**Definition changes** (:func:`definition_change`): LAIT's description and methodology notes say
where a measure's definition changed ("From 2022, data excludes family and friends fostering",
"Figures prior to 2014 are not comparable"); ``public_measures.definition_change_year`` keeps the
first period of the new definition and ``lait_values.definition_break`` marks that period, so
a series is never drawn across it as if continuous.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .authorities import ENGLAND_CODE, AuthorityIndex, existed
from .release_calendar import calendar, entry
from .sources import financial_year, read_csv, require_columns

__all__ = [
    "DICTIONARY_COLUMNS", "ENGLAND_NUMBER", "LAIT_UPDATE", "NO_FIGURE", "PERIOD_TYPES", "STATISTICS",
    "VALUE_COLUMNS", "definition_change", "lait_update", "parse_period", "read_dictionary", "read_values",
    "statistic_of", "unit_of",
]

ENGLAND_NUMBER = 970
DICTIONARY_COLUMNS = ["Measure_short", "Measure", "Topic", "Polarity", "y_axis_name", "dps", "Year_Type",
                      "Description", "Methodology", "Table_status", "Data Owner (DO) /Supplier and Contact Details"]
VALUE_COLUMNS = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]
NO_FIGURE = "-"  # LAIT's one marker: no figure (suppressed, not collected or not applicable)

#: LAIT's year type -> when a period of that type ends (the issue's "31 March, financial year, academic year")
PERIOD_TYPES = {
    "Annual": "31 March", "Financial Year": "financial year", "Academic Year": "academic year",
    "Calendar Year": "calendar year", "Annual (end of Sept)": "30 September", "Annual - January": "January census",
}
#: the release a measure comes from -> the release calendar's statistic (its dates per period).  A
#: rule is (dictionary column, regular expression); the first that matches wins.  A measure no rule
#: matches is dated by the LAIT data update (a public-by bound).
STATISTICS: tuple[tuple[str, str, str], ...] = (
    ("Table_status", r"^(cla_number_and_rate|la_cla_on_31_march|la_children_who_ceased|la_care_leavers"
                     r"|la_children_who_were_missing)", "cla_31_march"),
    ("Table_status", r"^[bcd]\d_", "cin_census"),
    ("Table_status", r"^csww_", "csc_workforce"),
    ("Topic", r"^Children's Service Finance$", "s251_outturn"),
)
LAIT_UPDATE = "lait_data_set"

_YEAR = re.compile(r"^(?P<y>\d{4})(?: \((?P<status>Rev|Final|prov)\))?$")
_FY = re.compile(r"^(?P<a>\d{4})[-/](?P<b>\d{2})(?P<ot> \(OT\))?$")
_SPAN = re.compile(r"^(?P<a>\d{4})(?:/\d{2})?-(?P<b>\d{2})(?:/(?P<c>\d{2}))?$")
_STATUS = {"Rev": "revised", "Final": "final", "prov": "provisional"}
#: a sentence of LAIT's notes that says a definition changed, and the year it names
_CHANGE = re.compile(r"[^.\n]*\b(?:not comparable|no longer included|excludes|methodology change|was defined as|"
                     r"is defined as|definition(?:al)? change)[^.\n]*", re.I)
_CHANGE_YEAR = re.compile(r"\b(?:from|since|prior to|before)\s+(?P<y>\d{4})(?:[-/](?P<b>\d{2}))?", re.I)
_LABEL_FROM = re.compile(r"\(from (?P<y>\d{4})\)", re.I)


# --------------------------------------------------------------------------------------------- the dictionary


def unit_of(axis: str) -> str:
    """The unit of a measure from LAIT's axis label.

    Parameters
    ----------
    axis : str
        The axis label.

    Returns
    -------
    str
        ``per_10k``, ``per_100k``, ``per_1000``, ``pct``, ``count``, ``gbp`` (spend, £ a year),
        ``gbp_per_week`` (a weekly unit cost), ``fte``, ``score`` or ``other``.
    """
    text = str(axis).strip().lower()
    for pattern, unit in ((r"per 10,000", "per_10k"), (r"per 100,000", "per_100k"), (r"per 1000", "per_1000"),
                          (r"%|percentage|turnover rate|absence rate", "pct"), (r"^spend$", "gbp"),
                          (r"^unit cost$", "gbp_per_week"), (r"fte|^social workers$", "fte"),
                          (r"^number|^entries$|^total cases$", "count"), (r"score|average|case load", "score")):
        if re.search(pattern, text):
            return unit
    return "other"


def statistic_of(row: dict) -> str:
    """The release calendar's statistic for a dictionary row (:data:`STATISTICS`).

    Parameters
    ----------
    row : dict
        A row of the dictionary.

    Returns
    -------
    str
        The statistic; the LAIT data update when none matches.
    """
    for column, pattern, statistic in STATISTICS:
        if re.search(pattern, str(row.get(column, ""))):
            return statistic
    return LAIT_UPDATE


def definition_change(label: str, notes: str, year_type: str) -> tuple[int | None, str | None]:
    """When a measure's definition changed, from its label and notes.

    ``From 2022`` -> 2022; ``prior to 2013-14`` -> 2014 (a financial or academic year is counted by
    the year it ends).

    Parameters
    ----------
    label : str
        The measure's label.
    notes : str
        Its notes (description, methodology).
    year_type : str
        How its years are counted (calendar, financial, academic).

    Returns
    -------
    tuple of (int or None, str or None)
        ``(first year of the new definition, the note that says so)``, or ``(None, None)``.
    """
    found = _LABEL_FROM.search(str(label))
    if found:
        return int(found.group("y")), f"the label says '{found.group(0)}'"
    for sentence in _CHANGE.finditer(str(notes)):
        year = _CHANGE_YEAR.search(sentence.group(0))
        if year:
            y = int(year.group("y")) + (1 if year.group("b") else 0)
            return y, sentence.group(0).strip()[:300]
    return None, None


def _dps(cell: str, path: Path, line: int) -> int | None:
    text = str(cell).strip()
    if text in ("", "NA"):
        return None
    if not text.isdigit():
        raise InputError(path, line=line, column="dps", expected="a whole number of decimal places or NA", found=text)
    return int(text)


def read_dictionary(path: Path, measures_in_data: set[str] | None = None) -> pd.DataFrame:
    """``public_measures``: one row per measure of the LAIT data dictionary.

    A measure the dictionary lists twice keeps its first row; the flag names the other line and any
    field that differs.

    Parameters
    ----------
    path : pathlib.Path
        The dictionary's file.
    measures_in_data : set of str or None, optional
        The measures the long data set holds (to flag those the dictionary lacks or adds).

    Returns
    -------
    pandas.DataFrame
        The ``public_measures`` rows.
    """
    text = read_csv(path)
    require_columns(text, DICTIONARY_COLUMNS, "the LAIT data dictionary")
    rows: dict[str, dict] = {}
    for idx, r in enumerate(text.frame.to_dict("records")):
        line = idx + 2
        measure = r["Measure_short"].strip()
        if not measure:
            raise InputError(path, line=line, column="Measure_short", expected="a measure code", found="blank")
        polarity = r["Polarity"].strip()
        label, axis, year_type = r["Measure"].strip(), r["y_axis_name"].strip(), r["Year_Type"].strip()
        notes = f"{r['Description']}\n{r['Methodology']}"
        change_year, change = definition_change(label, notes, year_type)
        row = {
            "measure": measure, "label": label, "topic": r["Topic"].strip() or None,
            "polarity": polarity if polarity in ("High", "Low") else None, "polarity_raw": polarity,
            "unit_label": axis, "unit": unit_of(axis), "decimal_places": _dps(r["dps"], path, line),
            "year_type": year_type, "period_type": PERIOD_TYPES.get(year_type, year_type or None),
            "statistic": statistic_of(r), "definition_change_year": change_year, "definition_change": change,
            "description": r["Description"].strip()[:2000] or None,
            "in_data_set": None if measures_in_data is None else measure in measures_in_data,
            "source_file": path.name, "source_line": line, "flags": None,
        }
        if measure in rows:
            first = rows[measure]
            differs = [k for k in ("label", "polarity_raw", "unit_label", "decimal_places", "year_type")
                       if first[k] != row[k]]
            note = f"listed again at line {line}" + (f" with another {', '.join(differs)}" if differs else "")
            first["flags"] = "; ".join(p for p in (first["flags"], note) if p)
            continue
        rows[measure] = row
    return pd.DataFrame(list(rows.values()))


# --------------------------------------------------------------------------------------------- the values


def parse_period(text: str) -> tuple[int | None, str | None]:
    """The year a LAIT ``Years`` cell ends in, and how the period is qualified.

    ``2016`` -> (2016, None); ``2018 (Rev)`` -> (2018, 'revised'); ``2016-17 (OT)`` -> (2017,
    'outturn'); ``2015/16`` -> (2016, None); ``2014-16`` -> (2016, 'three-year span 2014-2016');
    anything else -> (None, 'not a period').

    Parameters
    ----------
    text : str
        The cell as printed.

    Returns
    -------
    tuple of (int or None, str or None)
        The year and the qualification.
    """
    t = str(text).strip()
    if m := _YEAR.match(t):
        return int(m.group("y")), _STATUS.get(m.group("status"))
    if (m := _FY.match(t)) and (int(m.group("b")) - int(m.group("a")) % 100) % 100 == 1:
        return int(m.group("a")) + 1, "outturn" if m.group("ot") else None
    if m := _SPAN.match(t):
        end = 2000 + int(m.group("c") or m.group("b"))
        return end, f"span {m.group('a')}-{end}"
    return None, "not a period"


def _number(raw: pd.Series) -> pd.Series:
    """Each printed value as a number (``6.368E-2`` included); ``-`` and blanks as missing."""
    text = raw.astype("string").str.strip()
    return pd.to_numeric(text.where(text != NO_FIGURE), errors="coerce")


@needs(measures=("measure", "statistic", "definition_change_year"))
def read_values(path: Path, measures: pd.DataFrame, index: AuthorityIndex) -> pd.DataFrame:
    """``lait_values``: every row of the long data set.

    Each with its area's codes, the period's year, the value read from the printed text, the
    publication date and the definition-break flag.

    Parameters
    ----------
    path : pathlib.Path
        The LAIT long data set (Parquet).
    measures : pandas.DataFrame
        The ``public_measures`` rows (:func:`read_dictionary`): reads ``measure``, ``statistic``
        and ``definition_change_year``.
    index : AuthorityIndex
        Codes, names and regions seen in the releases.

    Returns
    -------
    pandas.DataFrame
        The ``lait_values`` rows (values in the measure's unit, e.g. per 10,000 children aged
        0-17, or pounds).

    Raises
    ------
    analysis.errors.InputError
        For an unreadable file, a measure the dictionary does not describe, or a row without an LA
        number.
    """
    try:
        frame = pd.read_parquet(path, columns=VALUE_COLUMNS)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(path, expected=f"the LAIT long data set (Parquet with columns {', '.join(VALUE_COLUMNS)})",
                         found=str(exc)[:120]) from None
    frame = frame.reset_index(drop=True)
    frame["source_line"] = frame.index + 1
    unknown = sorted(set(frame["Short Desc"]) - set(measures.measure))
    if unknown:
        first = frame[frame["Short Desc"] == unknown[0]].iloc[0]
        raise InputError(path, line=int(first.source_line), column="Short Desc",
                         expected="a measure the LAIT data dictionary describes", found=unknown[0])
    blank = frame["LA Number"].isna()
    if blank.any():
        raise InputError(path, line=int(frame.loc[blank, "source_line"].iloc[0]), column="LA Number",
                         expected="an LA number", found="blank")
    areas = _areas(frame, index, path)
    periods = {p: parse_period(p) for p in frame.Years.unique()}
    out = pd.DataFrame({
        "measure": frame["Short Desc"].astype("string"),
        "geographic_level": frame["LA Number"].map(areas["level"]),
        "old_la_code": frame["LA Number"].map(areas["old"]),
        "new_la_code": frame["LA Number"].map(areas["new"]),
        "authority": frame["LA Number"].map(areas["name"]),
        "period": frame.Years.astype("string"),
        "year": frame.Years.map(lambda p: periods[p][0]).astype("Int64"),
        "period_note": frame.Years.map(lambda p: periods[p][1]),
        "value": _number(frame.Values),
        "value_raw": frame.Values.astype("string"),
    })
    out["marker"] = out.value_raw.where(out.value.isna())
    meta = measures.set_index("measure")
    out["first_published"], dating = _published(out, meta)
    change = out.measure.map(meta.definition_change_year)
    out["definition_break"] = _breaks(out, change)
    out["source_file"] = path.name
    out["source_line"] = frame.source_line
    out["flags"] = _flags(out, dating, change)
    return out


def _areas(frame: pd.DataFrame, index: AuthorityIndex, path: Path) -> dict[str, dict]:
    """LA number -> level, old code, new code, name (the releases' spelling)."""
    lookup = index.lookup()
    regions = dict(zip(index.regions.region_code, index.regions.region_name, strict=True))
    out: dict[str, dict] = {"level": {}, "old": {}, "new": {}, "name": {}}
    pairs = frame[["LA Number", "LA and Regions", "source_line"]].drop_duplicates("LA Number")
    for number, name, line in pairs.itertuples(index=False):
        if number == ENGLAND_NUMBER:
            level, old, new, label = "national", None, ENGLAND_CODE, "England"
        elif number > ENGLAND_NUMBER:
            region = index.region_by_name(str(name).replace("London (Inner)", "Inner London")
                                          .replace("London (Outer)", "Outer London"))
            if region is None:
                raise InputError(path, line=int(line), column="LA and Regions",
                                 expected="a region named as in the EES releases", found=str(name))
            level, old, new, label = "regional", None, region[0], regions.get(region[0], region[1])
        else:
            old = f"{int(number):03d}"
            known = lookup.get(old)
            if known is None or not isinstance(known.get("new_la_code"), str):
                raise InputError(path, line=int(line), column="LA Number",
                                 expected="an authority code known to the EES or ONS files", found=old)
            level, new, label = "local authority", known["new_la_code"], known["name"]
        for key, value in (("level", level), ("old", old), ("new", new), ("name", label)):
            out[key][number] = value
    return out


def _published(values: pd.DataFrame, meta: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``(first_published, how it was dated)`` per row: the calendar entry of the measure's
    statistic for the period, else the LAIT data update read (a public-by bound)."""
    lait = next((e for (s, _), e in calendar().items() if s == LAIT_UPDATE), None)
    if lait is None:
        raise InputError("release_calendar.toml", column=LAIT_UPDATE, expected="the LAIT data update's date",
                         found="none")
    statistic = values.measure.map(meta.statistic)
    keys = pd.DataFrame({"statistic": statistic, "year": values.year}).drop_duplicates()
    dates: dict[tuple, tuple[str, str]] = {}
    for s, y in keys.itertuples(index=False):
        period = None if pd.isna(y) else (financial_year(int(y)) if s == "s251_outturn" else str(int(y)))
        found = calendar().get((s, period)) if s != LAIT_UPDATE and period else None
        if found is not None:
            dates[(s, y)] = (found.published, f"{s} {period}")
        else:
            why = ("no release date for this statistic" if s == LAIT_UPDATE
                   else f"no release calendar entry for {s} {period}")
            dates[(s, y)] = (lait.published, f"dated by the LAIT data update read ({why}): public by")
    pairs = list(zip(statistic, values.year, strict=True))
    return (pd.Series([dates[p][0] for p in pairs], index=values.index, dtype="string"),
            pd.Series([dates[p][1] for p in pairs], index=values.index))


def _breaks(values: pd.DataFrame, change: pd.Series) -> pd.Series:
    """True on a measure's first period of a new definition when the series has earlier periods."""
    out = pd.Series(False, index=values.index)
    has = (change.notna() & values.year.notna()).fillna(False).astype(bool)
    if not has.any():
        return out
    part = pd.DataFrame({"measure": values.measure[has], "area": values.new_la_code[has],
                         "year": values.year[has].astype(int), "change": change[has].astype(int)})
    part["after"] = part.year >= part.change
    oldest = part.groupby(["measure", "area"]).year.transform("min")
    first_after = part.year.where(part.after).groupby([part.measure, part.area]).transform("min")
    hit = part.after & (part.year == first_after) & (oldest < part.change)
    out.loc[hit[hit].index] = True
    return out


def _flags(values: pd.DataFrame, dating: pd.Series, change: pd.Series) -> pd.Series:
    """Why a row needs a second look, '; '-separated (or empty): a marker (``value: '-' = no
    figure``), a period dated by the calendar's missing entry (a public-by bound), a period that is
    not a year, a definition break, an authority in a year it did not exist.  A measure dated by the
    LAIT update as a whole says so once, in ``public_measures.statistic``."""
    parts = [pd.Series(np.where(values.marker.notna(), "value: '-' = no figure", ""), index=values.index),
             dating.where(dating.str.startswith("dated by") & ~dating.str.contains("no release date"), ""),
             pd.Series(np.where(values.period_note.eq("not a period").fillna(False),
                                "period printed is not a year", ""), index=values.index),
             pd.Series(np.where(values.definition_break, "first period of a new definition", ""),
                       index=values.index)]
    gone = [bool(level == "local authority" and not pd.isna(y) and not existed(str(code), int(y)))
            for level, code, y in zip(values.geographic_level, values.old_la_code, values.year, strict=True)]
    parts.append(pd.Series(np.where(gone, "authority did not exist then (reorganisation)", ""), index=values.index))
    joined = parts[0].astype(str).to_numpy()
    for p in parts[1:]:
        p = p.fillna("").astype(str).to_numpy()
        joined = np.where((joined != "") & (p != ""), np.char.add(np.char.add(joined.astype(str), "; "), p),
                          np.char.add(joined.astype(str), p))
    result = pd.Series(joined, index=values.index, dtype="string")
    return result.where(result != "")


def lait_update() -> str:
    """The publication date of the LAIT data update the calendar records.

    Returns
    -------
    str
        The date, 'YYYY-MM-DD'.
    """
    return entry(LAIT_UPDATE, next(p for (s, p) in calendar() if s == LAIT_UPDATE)).published
