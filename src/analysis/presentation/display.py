"""Presenting results in notebooks and HTML reports: sentences, tables, the run's details.

Everything that comes from a tracker or a paper is untrusted text: it is HTML-escaped here
before it reaches a notebook output (and so the HTML report).  Notebook code builds output only
through these helpers - never by formatting tracker text into Markdown or HTML by hand.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from .. import assumptions, numbers
from ..schemas import needs

__all__ = [
    "ACRONYMS", "EXCEL_MAX_ROWS", "HEADLINES_MIME", "ILLEGIBLE", "LINEAGE_COLUMNS", "NOTHING_MIME",
    "TABLE_MIME", "Table", "column_label", "date", "esc", "exact_gbp", "gbp", "heading", "headline_box",
    "headline_list", "headlines", "month", "more_rows_note", "nothing", "number", "or_illegible",
    "paper_date", "paper_labels", "pct", "printed_year", "rate", "run_details", "saving_signs", "say",
    "sentence_html", "signed_exact_gbp", "signed_gbp", "span", "table", "table_data", "table_html",
]

Formatter = Callable[[object], str]


def esc(value: object) -> str:
    """HTML-escape any value (``None``/NA -> empty).

    Parameters
    ----------
    value : object
        Any value; untrusted text (a tracker cell, a paper's words) included.

    Returns
    -------
    str
        The value's text with ``&``, ``<``, ``>`` and quotes escaped; ``""`` for ``None`` or NA.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def gbp(value: object) -> str:
    """Money in the text and headlines, in the pack's one style: ``£16.7m``, ``£443k``.

    Uses :func:`analysis.numbers.money`.  Savings are passed as positive amounts.

    Parameters
    ----------
    value : object
        An amount in whole pounds (GBP).

    Returns
    -------
    str
        The amount rounded to the pack's style (``£16.7m``, ``£443k``).
    """
    return numbers.money(value)


def signed_gbp(value: object) -> str:
    """A change or difference in money with its sign: ``+£1.2m``, ``−£443k`` (typographic minus).

    Parameters
    ----------
    value : object
        A change in whole pounds (GBP); positive, negative or zero.

    Returns
    -------
    str
        The change in the pack's money style with ``+`` or ``−`` in front.
    """
    return numbers.signed_money(value)


def exact_gbp(value: object) -> str:
    """Every pound, for a figure quoted to check it against another: ``£1,007,221``.

    Parameters
    ----------
    value : object
        An amount in whole pounds (GBP).

    Returns
    -------
    str
        The amount to the pound with thousands separators.
    """
    return numbers.money_exact(value)


def signed_exact_gbp(value: object) -> str:
    """Every pound with its sign, for the difference between two checked figures: ``+£500``.

    Parameters
    ----------
    value : object
        A difference in whole pounds (GBP).

    Returns
    -------
    str
        The difference to the pound with ``+`` or ``−`` in front.
    """
    return numbers.money_exact(value, signed=True)


def pct(value: object, digits: int = 0) -> str:
    """A percentage in the pack's one style: ``81%``.

    Parameters
    ----------
    value : object
        A percentage (``81`` for 81 %, not a fraction).
    digits : int, default 0
        Decimal places shown.

    Returns
    -------
    str
        The percentage followed by ``%``.
    """
    return numbers.pct(value, digits)


def rate(value: object) -> str:
    """A rate per 10,000: whole numbers as printed (``121``), others to one decimal (``74.7``).

    Parameters
    ----------
    value : object
        A rate per 10,000 children aged 0-17.

    Returns
    -------
    str
        The rate as text (no unit: the heading or sentence says "per 10,000").
    """
    return numbers.rate(value)


def span(low: object, high: object, digits: int = 0) -> str:
    """``234 to 249``, or one figure when both ends are equal.

    Parameters
    ----------
    low, high : object
        The ends of the range, in the same unit (a count or measure; formatted by :func:`number`).
    digits : int, default 0
        Decimal places shown.

    Returns
    -------
    str
        ``"low to high"``, or the one figure when both ends read the same.
    """
    a, b = number(low, digits), number(high, digits)
    return a if a == b else f"{a} to {b}"


def month(period: object) -> str:
    """``2016-07`` -> ``July 2016``.

    Parameters
    ----------
    period : object
        A month as ``'YYYY-MM'``.

    Returns
    -------
    str
        The month in words.
    """
    return numbers.month(period)


def date(value: object) -> str:
    """A date in words: ``2019-11-12`` -> ``12 November 2019``.

    Parameters
    ----------
    value : object
        An ISO 8601 date (``'YYYY-MM-DD'``), a date or a timestamp.

    Returns
    -------
    str
        The date in words.
    """
    return numbers.date(value)


def paper_date(value: object) -> str:
    """A paper's own date, no more precise than it prints it: ``11 January 2017``, ``2015``.

    Parameters
    ----------
    value : object
        The paper's date as the manifest holds it (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or ``'YYYY'``).

    Returns
    -------
    str
        The date in words, to the precision given.
    """
    return numbers.paper_date(value)


def printed_year(fy: object) -> str:
    """A financial year in the pack's one style: ``2013-14`` (whatever the paper printed).

    Parameters
    ----------
    fy : object
        A financial year as printed (``2013/14``, ``2013-2014``, ``2013-14`` ...).

    Returns
    -------
    str
        The year as ``YYYY-YY``.
    """
    return numbers.year(fy)


def number(value: object, digits: int = 0) -> str:
    """A count or measure with separators, negative with the typographic minus: ``1,234``, ``−3.5``.

    Parameters
    ----------
    value : object
        A count or measure (no unit).
    digits : int, default 0
        Decimal places shown.

    Returns
    -------
    str
        The number with thousands separators.
    """
    return numbers.number(value, digits)


@needs(sources=("document", "date"))
def paper_labels(sources: pd.DataFrame) -> dict[str, str]:
    """``document -> "the 11 January 2017 paper"``: a paper named by its own date.

    As precise as the paper prints its date (``the 2015 paper``), for a reader who has no use for its
    file name.

    Parameters
    ----------
    sources : pandas.DataFrame
        The pack's sources (:attr:`analysis.data.Pack.sources`); reads ``document`` and ``date``.

    Returns
    -------
    dict of str to str
        Each document's name -> the words naming it.
    """
    return {str(r.document): f"the {numbers.paper_date(r.date)} paper" for r in sources.itertuples()}


@needs(sources=())
def saving_signs(sources: pd.DataFrame) -> dict[str, str]:
    """``document -> "negative"``: the sign its savings are printed with, where the manifest says.

    Parameters
    ----------
    sources : pandas.DataFrame
        The pack's sources (:attr:`analysis.data.Pack.sources`); reads ``document`` and
        ``saving_sign`` when it has a ``saving_sign`` column (none = no sign recorded).

    Returns
    -------
    dict of str to str
        Document -> the sign its savings are printed with, for the documents that record one.
    """
    if "saving_sign" not in sources.columns:
        return {}
    return {str(r.document): str(r.saving_sign) for r in sources.itertuples()
            if isinstance(r.saving_sign, str) and r.saving_sign}


def sentence_html(template: str, **values: object) -> str:
    """A paragraph from a trusted template and escaped values.

    Parameters
    ----------
    template : str
        Written by the notebook author (trusted), with ``{name}`` fields for ``values``.
    **values : object
        The values to fill in; each is HTML-escaped (:func:`esc`).

    Returns
    -------
    str
        ``<p>...</p>`` HTML.
    """
    return "<p>" + template.format(**{k: esc(v) for k, v in values.items()}) + "</p>"


def say(template: str, **values: object) -> HTML:
    """A sentence for the reader: ``say("Forecast {f} against a plan of {p}.", f=..., p=...)``.

    Parameters
    ----------
    template : str
        Written by the notebook author (trusted), with ``{name}`` fields for ``values``.
    **values : object
        The values to fill in; each is HTML-escaped.

    Returns
    -------
    IPython.display.HTML
        The paragraph as a notebook output.
    """
    return HTML(sentence_html(template, **values))


def heading(text: str, level: int = 3) -> HTML:
    """A heading for a section of a page, its text escaped.

    Parameters
    ----------
    text : str
        The heading's words.
    level : int, default 3
        The HTML heading level (``<h3>``).

    Returns
    -------
    IPython.display.HTML
        The heading as a notebook output.
    """
    return HTML(f"<h{level}>{esc(text)}</h{level}>")


#: columns that say where a row came from or why it was cleaned: for the analyst, not the member.
#: They are left out of the page's tables and kept in the report's Excel download.
LINEAGE_COLUMNS = ("document", "source_file", "source_line", "table_name", "sheet", "flag", "flags",
                   "cleaning_flags", "raw_text")
TABLE_MIME = "application/vnd.council-analysis.table+json"


#: words written in capitals (or in members' words) wherever a column or table name is turned into words
ACRONYMS = {"cla": "children looked after", "lac": "LAC", "rag": "RAG", "ons": "ONS", "dfe": "DfE", "id": "ID",
            "ids": "IDs", "raw": "as printed"}

#: what an unreadable cell of a paper is shown as on a page (its text as extracted, and the flag
#: saying what went wrong, are in the report's Excel download)
ILLEGIBLE = "illegible in the paper"


def column_label(name: object, *, money_unit: str = " (£)") -> str:
    """A column's name in words, with its unit.

    ``planned_saving_gbp`` -> ``Planned saving (£)`` (``money_unit`` for tables in £000);
    ``rate_per_10k`` -> ``Rate per 10,000``; ``action_id_raw`` -> ``Action ID as printed``.

    Parameters
    ----------
    name : object
        A column name (snake_case, unit in the suffix: ``_gbp``, ``_pct``, ``_per_10k``).
    money_unit : str, default " (£)"
        What a ``_gbp`` column's label ends with (``" (£000)"`` for a table shown in thousands).

    Returns
    -------
    str
        The label, first letter capitalised, acronyms as members write them (:data:`ACRONYMS`).
    """
    text = str(name)
    unit = ""
    for suffix, label in (("_gbp", money_unit), ("_pct", " (%)"), ("_per_10k", " per 10,000")):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], label
    text = " ".join(ACRONYMS.get(word, word) for word in text.replace("_", " ").split())
    return (text[:1].upper() + text[1:] + unit) if text else unit.strip()


def or_illegible(value: object) -> str:
    """A cell the paper's text lost (empty after cleaning) shown as :data:`ILLEGIBLE`.

    Parameters
    ----------
    value : object
        A cleaned cell (``None``/NA or blank when the paper's text was unreadable).

    Returns
    -------
    str
        The cell's text, or :data:`ILLEGIBLE` when it is empty.
    """
    text = _cell_text(value)
    return text if text.strip() else ILLEGIBLE


#: the most rows of one table carried into a report's Excel download: beyond this (a tracker of
#: many thousands of lines) the workbook holds the first rows and says where all of them are
EXCEL_MAX_ROWS = 10_000


def more_rows_note(shown: int, total: int, full: str | None = None) -> str:
    """The sentence under a cut table: how many rows are not shown and where they all are.

    Parameters
    ----------
    shown : int
        Rows shown on the page.
    total : int
        Rows in the table.
    full : str, optional
        The processed table the rows come from; when given and the table is longer than
        :data:`EXCEL_MAX_ROWS`, the note points to the pack's data tables.

    Returns
    -------
    str
        ``<p class="note">`` HTML.
    """
    rest = total - shown
    if total <= EXCEL_MAX_ROWS:
        where = " They are all in this report's Excel download."
    else:
        where = (f" The first {EXCEL_MAX_ROWS:,} are in this report's Excel download"
                 + ("; all of them are in the pack's data tables (see About this report)." if full else "."))
    return (f'<p class="note">Showing the first {shown:,} of {total:,} rows; {rest:,} more '
            f'row{"s are" if rest != 1 else " is"} not shown.{where}</p>')


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _money_columns(frame: pd.DataFrame, formats: dict) -> dict[str, Formatter]:
    """Money columns shown in £000: a ``_gbp`` column with no formatter or with :func:`gbp` /
    :func:`signed_gbp` (signed keeps its sign)."""
    out: dict[str, Formatter] = {}
    for col in frame.columns:
        if str(col).endswith("_gbp") and formats.get(col, gbp) in (gbp, signed_gbp):
            signed = formats.get(col) is signed_gbp
            out[col] = functools.partial(numbers.money_000, signed=signed)
    return out


def _is_date_column(name: object) -> bool:
    """Columns holding ISO dates or YYYY-MM months (``as_at``, ``paper date``, ``period``): shown in words."""
    text = str(name).replace(" ", "_")
    return any(text == key or text.endswith("_" + key) for key in ("date", "as_at", "period"))


@needs(frame=())
def table_html(frame: pd.DataFrame, *, formats: Mapping[str, Formatter] | None = None,
               caption: str | None = None, index: bool = False, max_rows: int | None = assumptions.TABLE_MAX_ROWS,
               align_right: Sequence[str] = (), labels: Mapping[str, str] | None = None,
               links: Mapping[str, str] | None = None, full: str | None = None,
               download_only: Sequence[str] = ()) -> str:
    """An escaped HTML table for members.

    Money columns (``_gbp``, whole pounds, formatted by :func:`gbp`/:func:`signed_gbp` or not at
    all) are shown in £000 (:func:`analysis.numbers.money_000`) with ``(£000)`` in the heading;
    other headings are made readable by :func:`column_label` unless ``labels`` names them; date and
    month columns (``date``, ``as_at``, ``period``, or ending in ``_date`` ...) are written in words
    (``12 November 2019``).  Lineage columns (:data:`LINEAGE_COLUMNS`) are left out (they are in the
    Excel download).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to show; any columns (those named in ``links`` must be there).
    formats : mapping of str to callable, optional
        Column -> function giving the cell text.
    caption : str, optional
        The table's caption.
    index : bool, default False
        Show the index as a first column.
    max_rows : int or None, default :data:`analysis.assumptions.TABLE_MAX_ROWS`
        A longer table shows its first ``max_rows`` rows and a sentence saying how many more
        exist (:func:`more_rows_note`); ``None`` or 0 = no limit.
    align_right : sequence of str, default ()
        Columns aligned as numbers besides the numeric and formatted ones.
    labels : mapping of str to str, optional
        Column -> heading, instead of :func:`column_label`.
    links : mapping of str to str, optional
        Column -> the column holding the address its cells link to (both escaped; the address
        column itself is not shown).
    full : str, optional
        The processed table the rows come from (all of them in the Excel download), named in the
        note under a cut table.
    download_only : sequence of str, default ()
        Columns left off the page and kept in the Excel download (a paper's damaged text as
        extracted, say).

    Returns
    -------
    str
        The table's HTML (and the note under it when cut).
    """
    formats = dict(formats or {})
    links = dict(links or {})
    shown_frame = frame.head(max_rows) if max_rows else frame
    hrefs = {col: list(shown_frame[target]) for col, target in links.items()}
    hidden = (set(links.values()) | set(download_only)
              | {c for c in shown_frame.columns if c in LINEAGE_COLUMNS and c not in links})
    shown = shown_frame.drop(columns=[c for c in shown_frame.columns if c in hidden])
    if index:
        shown = shown.reset_index()
    thousands = _money_columns(shown, formats)
    formats.update(thousands)
    dates = {c for c in shown.columns if c not in formats and _is_date_column(c)}
    formats.update({c: numbers.date for c in dates})
    numeric = set(align_right) | (set(formats) - dates) | {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])
                                                 and not pd.api.types.is_bool_dtype(shown[c])}
    num = ' class="num"'
    labels = dict(labels or {})

    def label(c: object) -> str:
        if c in labels:  # "(£)" or "(£; + = ...)" of a column shown in £000 says so
            return re.sub(r"\(£(?=[);,])", "(£000", labels[c]) if c in thousands else labels[c]
        return column_label(c, money_unit=" (£000)" if c in thousands else " (£)")

    head = "".join(f'<th scope="col"{num if c in numeric else ""}>{esc(label(c))}</th>' for c in shown.columns)
    rows = []
    for i, record in enumerate(shown.itertuples(index=False)):
        cells = []
        for col, value in zip(shown.columns, record, strict=True):
            text = formats[col](value) if col in formats else _cell_text(value)
            body = f'<a href="{esc(hrefs[col][i])}">{esc(text)}</a>' if col in hrefs and hrefs[col][i] else esc(text)
            cells.append(f"<td{num if col in numeric else ''}>{body}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = more_rows_note(len(shown_frame), len(frame), full) if len(shown_frame) < len(frame) else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="data">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>' + more)


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@needs(frame=())
def table_data(frame: pd.DataFrame, *, caption: str | None = None,
               labels: Mapping[str, str] | None = None, index: bool = False) -> dict:
    """A table for the report's Excel download.

    Every row (up to :data:`EXCEL_MAX_ROWS`) and every column, lineage included, values as numbers
    (money in whole pounds) with readable headings.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; any columns.
    caption : str, optional
        The table's caption (the worksheet's title).
    labels : mapping of str to str, optional
        Column -> heading, instead of :func:`column_label`.
    index : bool, default False
        Carry the index as a first column.

    Returns
    -------
    dict
        ``caption``, ``columns`` (names), ``labels`` (headings) and ``rows`` (JSON values).
    """
    data = (frame.reset_index() if index else frame).head(EXCEL_MAX_ROWS)
    labels = dict(labels or {})
    return {"caption": caption or "", "columns": [str(c) for c in data.columns],
            "labels": [labels.get(c, column_label(c)) for c in data.columns],
            "rows": [[_json_value(v) for v in row] for row in data.itertuples(index=False, name=None)]}


class Table(HTML):
    """A table output: the members' HTML, and the whole table as data for the Excel download
    (read by the report runner, never shown); one output holding several tables carries a list
    of their data, in the order shown."""

    def __init__(self, html_text: str, data: dict[str, Any] | list[dict[str, Any]]):
        super().__init__(html_text)
        self.table_data = data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.data, TABLE_MIME: self.table_data}


@needs(frame=(), excel=())
def table(frame: pd.DataFrame, *, collapsed: str | None = None, excel: pd.DataFrame | None = None,
          excel_labels: Mapping[str, str] | None = None, **kwargs) -> Table:
    """:func:`table_html` for a notebook output, carrying the whole table for the Excel download.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table shown; any columns (see :func:`table_html`).
    collapsed : str, optional
        The words of the summary line: the table is folded away in a ``<details>`` element the
        reader opens.
    excel : pandas.DataFrame, optional
        The table for the download when the page shows the same rows as words (report 90: a figure
        with its unit in the cell on the page, a number in the workbook); any columns.
    excel_labels : mapping of str to str, optional
        Headings of ``excel``'s columns.
    **kwargs
        Passed to :func:`table_html` (``caption``, ``labels`` and ``index`` also to
        :func:`table_data`).

    Returns
    -------
    Table
        The output: members' HTML and the table as data.
    """
    if excel is not None:
        data = table_data(excel, caption=kwargs.get("caption"), labels=excel_labels, index=kwargs.get("index", False))
    else:
        data = table_data(frame, caption=kwargs.get("caption"), labels=kwargs.get("labels"),
                          index=kwargs.get("index", False))
    body = table_html(frame, **kwargs)
    if collapsed:
        body = f'<details class="collapsed"><summary>{esc(collapsed)}</summary>{body}</details>'
    return Table(body, data)


def _parameter_text(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "not set (the default applies)"
    return str(value)


@needs(sources=("document", "authority", "paper", "date", "period", "file", "sha256"))
def run_details(parameters: Mapping[str, object], sources: pd.DataFrame) -> Table:
    """The collapsed "About this report" appendix at the end of a page.

    The settings the report ran with and the papers it read (file, period, sha256).  Source lines
    and cleaning flags of every row are in the Excel download; run id, code version and timings in
    the pack's manifest.json.

    Parameters
    ----------
    parameters : mapping of str to object
        The notebook's parameters (name -> value; empty or ``None`` = the default applies).
    sources : pandas.DataFrame
        The papers and published tables read: ``document``, ``authority``, ``paper``, ``date``,
        ``period`` (``'YYYY-MM'``), ``file`` and ``sha256``.

    Returns
    -------
    Table
        The appendix's HTML, and the sources as data for the Excel download.
    """
    params = pd.DataFrame({"setting": [column_label(k) for k in parameters],
                           "value": [_parameter_text(v) for v in parameters.values()]})
    docs = sources[["paper", "date", "period", "file", "sha256"]].rename(columns={"date": "paper date"})
    body = ('<details class="about"><summary>About this report</summary>'
            + table_html(params, caption="Settings of this run", max_rows=None)
            + table_html(docs, caption="Papers and published statistics read (sha256 of each file or table)",
                         max_rows=None)
            + '<p class="note">The source line and any cleaning flag of every row are in this report\'s Excel '
              "download; the run id, code version and timings are in the pack's manifest.json.</p></details>")
    data = table_data(sources[["document", "authority", "paper", "date", "period", "file", "sha256"]],
                      caption="Sources")
    return Table(body, data)


HEADLINES_MIME = "application/vnd.council-analysis.headlines+json"


@needs(card=("measure", "as_at", "value", "sentence"))
def headline_box(card: pd.DataFrame, title: str = "Headline figures (as on the scorecard)") -> HTML:
    """The report's headline figures at its top, published for the pack index (:func:`headlines`).

    Each is the one sentence the pack's scorecard and index print too
    (:func:`analysis.analyses.scorecard.sentence`: measure and date, value, context, source), the
    value in bold.

    Parameters
    ----------
    card : pandas.DataFrame
        Scorecard rows (:data:`analysis.analyses.scorecard.COLUMNS`); reads ``measure``, ``as_at``,
        ``value`` and ``sentence``.  Empty = nothing to headline (an empty output).
    title : str, default "Headline figures (as on the scorecard)"
        The box's title.

    Returns
    -------
    IPython.display.HTML
        The box (empty for an empty card).
    """
    if card.empty:  # nothing to headline for this pack (e.g. no published figure by its month)
        return HTML("")
    items, rests = {}, {}
    for r in card.itertuples():
        label = f"{r.measure}, {r.as_at}" if r.as_at else r.measure
        items[label] = r.value
        rests[label] = str(r.sentence)[len(label) + 2 + len(str(r.value)):]
    return headline_list(items, title, contexts=rests)


def _published(items: Mapping[str, object], contexts: Mapping[str, str]) -> list[list[str]]:
    """Headlines as the pack index lists them: label, value and (where there is one) the rest of
    the sentence after the value."""
    return [[str(k), str(v)] + ([str(contexts[k])] if k in contexts else []) for k, v in items.items()]


def headline_list(items: Mapping[str, object], title: str = "Headline figures",
                  contexts: Mapping[str, str] | None = None) -> HTML:
    """A box of headline figures shown at the top of a report.

    Label -> value, with the rest of each sentence after its value; published, in the same words,
    for the pack index (:func:`headlines`).

    Parameters
    ----------
    items : mapping of str to object
        Label -> value (already formatted: money as :func:`gbp` ...).
    title : str, default "Headline figures"
        The box's title.
    contexts : mapping of str to str, optional
        Label -> the rest of its sentence after the value.

    Returns
    -------
    IPython.display.HTML
        The box.
    """
    contexts = contexts or {}
    headlines(items, contexts)
    body = "".join(f'<li><span class="measure">{esc(k)}:</span> <strong>{esc(v)}</strong>'
                   + (f'<span class="context">{esc(contexts[k])}</span>' if k in contexts else "") + "</li>"
                   for k, v in items.items())
    return HTML(f'<div class="headline-box"><p class="headline-title">{esc(title)}</p><ul>{body}</ul></div>')


def headlines(items: Mapping[str, object], contexts: Mapping[str, str] | None = None) -> None:
    """Publish a report's two or three headline figures for the pack index.

    Label -> text, with its context where given: the index prints the same words as the report's
    box.  Displayed as data only the report runner reads; nothing shows in the report itself.

    Parameters
    ----------
    items : mapping of str to object
        Label -> value (already formatted).
    contexts : mapping of str to str, optional
        Label -> the rest of its sentence after the value.
    """
    from IPython.display import display

    display({HEADLINES_MIME: _published(items, contexts or {})}, raw=True)


NOTHING_MIME = "application/vnd.council-analysis.nothing+json"


def nothing(reason: str) -> None:
    """Say, for the page, why a section has nothing to show for this pack.

    E.g. "no tracker for August 2019 was delivered".  Nothing shows in the notebook; on the
    published page a section whose cells show nothing is left out and "About this report" names it
    with this reason (:func:`analysis.report.render.without_empty_sections`).

    Parameters
    ----------
    reason : str
        Why the section is empty, as a clause for the reader.
    """
    from IPython.display import display

    display({NOTHING_MIME: str(reason)}, raw=True)
