"""Presenting results in notebooks and HTML reports: sentences, tables, the run's details.

Everything that comes from a tracker or a paper is untrusted text: it is HTML-escaped here
before it reaches a notebook output (and so the HTML report).  Notebook code builds output only
through these helpers - never by formatting tracker text into Markdown or HTML by hand.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from IPython.display import HTML

from .. import assumptions
from ..money import format_gbp

Formatter = Callable[[object], str]


def esc(value: object) -> str:
    """HTML-escape any value (``None``/NA -> empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def gbp(value: object) -> str:
    return format_gbp(None if value is None or pd.isna(value) else float(value))


def signed_gbp(value: object) -> str:
    return format_gbp(None if value is None or pd.isna(value) else float(value), signed=True)


def pct(value: object, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.{digits}f}%"


def rate(value: object) -> str:
    """A rate per 10,000: whole numbers as printed (``121``), others to one decimal (``74.7``)."""
    return "–" if value is None or pd.isna(value) else (f"{float(value):,.0f}" if float(value).is_integer()
                                                        else f"{float(value):,.1f}")


def span(low: object, high: object, digits: int = 0) -> str:
    """``234 to 249``, or one figure when both ends are equal."""
    a, b = number(low, digits), number(high, digits)
    return a if a == b else f"{a} to {b}"


def month(period: object) -> str:
    """``2016-07`` -> ``Jul 2016``."""
    return "" if period is None or pd.isna(period) else pd.Timestamp(f"{str(period)[:7]}-01").strftime("%b %Y")


def printed_year(fy: object) -> str:
    """``2013-14`` -> ``2013/14``, as the papers print a financial year."""
    return str(fy).replace("-", "/")


def number(value: object, digits: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def sentence_html(template: str, **values: object) -> str:
    """``template`` is written by the notebook author (trusted); ``values`` are escaped."""
    return "<p>" + template.format(**{k: esc(v) for k, v in values.items()}) + "</p>"


def say(template: str, **values: object) -> HTML:
    """A sentence for the reader: ``say("Forecast {f} against a plan of {p}.", f=..., p=...)``."""
    return HTML(sentence_html(template, **values))


def heading(text: str, level: int = 3) -> HTML:
    return HTML(f"<h{level}>{esc(text)}</h{level}>")


def column_label(name: str) -> str:
    """``planned_saving_gbp`` -> ``Planned saving (£)``; ``rate_per_10k`` -> ``Rate per 10,000``."""
    text = str(name)
    unit = ""
    for suffix, label in (("_gbp", " (£)"), ("_pct", " (%)"), ("_per_10k", " per 10,000")):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], label
    text = text.replace("_", " ").strip()
    return (text[:1].upper() + text[1:] + unit) if text else unit.strip()


def more_rows_note(shown: int, total: int, full: str | None = None) -> str:
    """The sentence under a cut table: how many rows are not shown and where they all are."""
    rest = total - shown
    where = (f" They are all in the processed table <code>{esc(full)}</code> ({esc(full)}.csv in the processed "
             "folder)." if full else "")
    return (f'<p class="note">Showing the first {shown:,} of {total:,} rows; {rest:,} more '
            f'row{"s are" if rest != 1 else " is"} not shown.{where}</p>')


def table_html(frame: pd.DataFrame, *, formats: Mapping[str, Formatter] | None = None,
               caption: str | None = None, index: bool = False, max_rows: int | None = assumptions.TABLE_MAX_ROWS,
               align_right: Sequence[str] = (), labels: Mapping[str, str] | None = None,
               links: Mapping[str, str] | None = None, full: str | None = None) -> str:
    """An escaped HTML table; ``formats`` maps column -> function giving the cell text; column
    headings are made readable by :func:`column_label` unless ``labels`` names them; ``links``
    maps a column to the column holding the address its cells link to (both escaped; the
    address column itself is not shown).  A table longer than ``max_rows``
    (:data:`analysis.assumptions.TABLE_MAX_ROWS`; ``None`` or 0 = no limit) shows its first
    ``max_rows`` rows and a sentence saying how many more exist and - with ``full``, the name of
    the processed table they come from - where they all are."""
    formats = dict(formats or {})
    links = dict(links or {})
    shown_frame = frame.head(max_rows) if max_rows else frame
    hrefs = {col: list(shown_frame[target]) for col, target in links.items()}
    shown = shown_frame.drop(columns=list(set(links.values())))
    if index:
        shown = shown.reset_index()
    numeric = set(align_right) | set(formats) | {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])}
    num = ' class="num"'
    labels = dict(labels or {})
    head = "".join(f"<th{num if c in numeric else ''}>{esc(labels.get(c, column_label(c)))}</th>"
                   for c in shown.columns)
    rows = []
    for i, record in enumerate(shown.itertuples(index=False)):
        cells = []
        for col, value in zip(shown.columns, record):
            text = formats[col](value) if col in formats else ("" if value is None or (not isinstance(value, str)
                                                                                       and pd.isna(value)) else value)
            body = f'<a href="{esc(hrefs[col][i])}">{esc(text)}</a>' if col in hrefs and hrefs[col][i] else esc(text)
            cells.append(f"<td{num if col in numeric else ''}>{body}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = more_rows_note(len(shown_frame), len(frame), full) if len(shown_frame) < len(frame) else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + more)


def table(frame: pd.DataFrame, **kwargs) -> HTML:
    """:func:`table_html` for a notebook output."""
    return HTML(table_html(frame, **kwargs))


def run_details(parameters: Mapping[str, object], sources: pd.DataFrame) -> HTML:
    """The parameters a report ran with and the documents it read (file, sha256, period)."""
    params = pd.DataFrame({"parameter": list(parameters), "value": [repr(v) for v in parameters.values()]})
    docs = sources.assign(sha256=sources.sha256)[["document", "file", "authority", "paper", "date", "period",
                                                  "sha256"]]
    return HTML("<h3>Parameters and data sources</h3>"
                + table_html(params, caption="Parameters of this run")
                + table_html(docs, caption="Documents read (data/raw, as delivered; sha256 of each file)"))


HEADLINES_MIME = "application/vnd.council-analysis.headlines+json"


def headlines(items: Mapping[str, object]) -> None:
    """Publish a report's two or three headline figures for the pack index (label -> text).
    Displayed as data only the report runner reads; nothing shows in the report itself."""
    from IPython.display import display

    display({HEADLINES_MIME: [[str(k), str(v)] for k, v in items.items()]}, raw=True)
