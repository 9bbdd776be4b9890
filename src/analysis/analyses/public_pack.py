"""What a report on the public statistics settles before it draws anything: whether the
``public-stats`` tables are in the table set, whether the authority has papers in force, which
year (31 March) and which statistical-neighbour model to show - and the sentences that say what
the figures mean, built from the figures alone.

Units: rates are children looked after per 10,000 children aged 0-17 at 31 March of ``year``;
gaps are signed **positive = the authority looks after more children** than the comparison
(as :mod:`analysis.analyses.benchmarks` returns them); money is whole pounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import data, numbers, tableset
from ..errors import InputError, TableSetError
from ..names import match
from ..schemas import needs
from ..statistics.as_at import hindsight_note as hindsight_note  # re-exported: the notebooks call it from here
from ..statistics.as_at import view_month as view_month
from ..statistics.public_data import PAPER_MODEL_PREFIX as PAPER_MODEL_PREFIX  # re-exported
from ..statistics.public_data import choose_model as choose_model  # re-exported
from .benchmarks import PublicData, load
from .measure_benchmarks import model_words

__all__ = [
    "PUBLIC_TABLES", "PaperComparison", "authority_name", "choose_year", "code_for", "comparator_sentence",
    "england_ranking", "england_rate", "england_rate_label", "model_note", "no_documents", "paper_comparison",
    "paper_model", "paper_year", "papers", "public_data", "public_inputs", "source_label", "sources_read",
    "standing_sentence", "standing_table", "statistics_checks", "year_end",
]

#: the tables ``python -m analysis public-stats`` writes that the reports read
PUBLIC_TABLES = ("cla_rates", "statistical_neighbours", "cla_spend", "public_measures", "release_revisions")



def public_data(processed_dir: str | Path | None = None, as_of: str = "") -> PublicData | None:
    """The public tables, indexed (:func:`analysis.analyses.benchmarks.load`).

    A kernel that runs report after report (the runner's warm workers) indexes one table set
    once: the cache is keyed by the folder, the sha256 of each table in ``_tables.json`` and the
    month, and every table is still checked against it when first read.

    Parameters
    ----------
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.
    as_of : str, default ""
        ``YYYY-MM``: the statistics as they stood at the end of that month
        (:meth:`~analysis.analyses.benchmarks.PublicData.as_at`) - a report passes its pack's
        period, or the later month of a hindsight view; empty: every figure held, as last
        revised.

    Returns
    -------
    PublicData or None
        ``None`` when ``public-stats`` has not written the tables into the table set (or wrote
        no rates).
    """
    pub = data.load_once("public statistics", PUBLIC_TABLES, processed_dir, load)
    if pub is None or not len(pub.rates):
        return None
    if str(as_of).strip():
        month = str(as_of).strip()
        pub = pub.cached(f"as at {month}", lambda: pub.as_at(month))
    return pub if len(pub.rates) else None


def papers(authority: str, period: str, processed_dir: str | Path | None = None) -> data.Pack | None:
    """The authority's papers in force at ``period``.

    Parameters
    ----------
    authority : str
        The council, matched by :func:`analysis.names.match` against the papers' names.
    period : str
        The pack's month, ``YYYY-MM``.
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.

    Returns
    -------
    analysis.data.Pack or None
        The pack (its ``authority`` is the papers' spelling of the name), or ``None`` when the
        authority has no papers in force (known only from the public statistics).
    """
    sources = data.load("sources", processed_dir)
    found = match(authority, sorted(set(sources.authority.dropna())))
    if found.name is None or not data.documents_in_force(sources, found.name, period):
        return None
    return data.Pack(found.name, period, processed_dir)


def authority_name(authority: str, pub: PublicData | None, processed_dir: str | Path | None = None) -> str:
    """The spelling a report uses for ``authority``.

    Parameters
    ----------
    authority : str
        A council's name, or a 3-digit or 9-character code.
    pub : PublicData or None
        The public statistics, when loaded.
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.

    Returns
    -------
    str
        The papers' spelling (:func:`analysis.names.match`), else the releases' (``Bristol`` ->
        ``Bristol, City of``); a code is kept as it is (:func:`code_for` reads it).

    Raises
    ------
    InputError
        When neither the papers nor the releases know it, with any near miss ("did you mean
        …?") from both.
    """
    text = str(authority).strip()
    if text.isdigit() or text.startswith("E0"):
        return text
    papers = sorted(set(data.load("sources", processed_dir).authority.dropna()))
    las: list[str] = []
    others: list[str] = []
    if pub is not None:
        local = pub.rates.geographic_level == "local authority"
        las, others = sorted(set(pub.rates.authority[local])), sorted(set(pub.rates.authority[~local]))
    found = match(text, papers, las, others=others)
    if found.name is not None:
        return found.name
    hint = "" if found.candidates else found.did_you_mean()
    why = (found.ambiguity() if found.candidates else found.not_authority() if found.other else
           "" if hint else "no papers and no release name it")
    raise InputError("cla_rates" if pub is not None else "sources", column="authority", found=text,
                     expected="an authority with papers or published statistics"
                              + "".join(f"; {part}" for part in (why, hint) if part))


def year_end(year: str) -> int:
    """``"2013"`` or the financial year ``"2012-13"`` -> 2013 (31 March 2013).

    Parameters
    ----------
    year : str
        ``YYYY`` (its 31 March) or a financial year ``YYYY-YY``.

    Returns
    -------
    int
        The year of the 31 March.

    Raises
    ------
    InputError
        For anything else.
    """
    text = str(year).strip()
    if text.isdigit() and len(text) == 4:
        return int(text)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return int(text[:4]) + 1
    raise InputError("year", expected="a year written YYYY (its 31 March) or a financial year written YYYY-YY", found=text)


def choose_year(pub: PublicData, authority: str, year: str, period: str) -> int:
    """The 31 March year a report shows.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:func:`public_data`).
    authority : str
        Council name or code.
    year : str
        ``YYYY`` or ``YYYY-YY`` (:func:`year_end`); empty: the latest year with a rate (else a
        number) for the authority at or before the pack's period.
    period : str
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    int
        The year of the 31 March.

    Raises
    ------
    InputError
        When ``year`` is empty and the releases hold no figure for the authority by then.
    """
    if str(year).strip():
        return year_end(year)
    code = pub.code(authority)
    limit = int(str(period)[:4])
    have = [y for y in pub.years() if y <= limit and pub.row(code, y)]
    rated = [y for y in have if (row := pub.row(code, y)) is not None and not pd.isna(row["rate_per_10k"])]
    if not (rated or have):
        raise InputError("cla_rates", column="year", expected=f"a figure for {authority} on or before {period}",
                         found="none")
    return max(rated or have)


def model_note(pub: PublicData, model: str) -> str:
    """Why the comparison uses no neighbours, or the paper's own list: DfE's models read were
    published after the view's month.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:func:`public_data`).
    model : str
        The model shown (:func:`choose_model`).

    Returns
    -------
    str
        The note; empty when a DfE model is used.
    """
    if model and model.isdigit():
        return ""
    later = [m for m in pub.withheld if m.startswith("Statistical-neighbour models")]
    why = later[0] if later else "No DfE statistical-neighbour model among the downloads lists this authority."
    if model.startswith(PAPER_MODEL_PREFIX):
        return f"{why} The neighbours are those the authority's own paper lists."
    return f"{why} No neighbours' average is shown."


def paper_model(pub: PublicData, authority: str, financial_year: str) -> str | None:
    """The model built from the paper's own neighbour list for ``financial_year``, if any.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:func:`public_data`).
    authority : str
        Council name or code.
    financial_year : str
        ``YYYY-YY`` (or ``YYYY``).

    Returns
    -------
    str or None
        The model's name (``paper_YYYY``), or None.
    """
    name = f"{PAPER_MODEL_PREFIX}{year_end(financial_year)}"
    return name if pub.group(name, pub.code(authority)) is not None else None


def _rate(value: object) -> str:
    return numbers.rate(value)


def comparator_sentence(s: pd.Series) -> str:
    """The comparison in one sentence, from :func:`analysis.analyses.benchmarks.summary`.

    Parameters
    ----------
    s : pandas.Series
        :func:`analysis.analyses.benchmarks.summary` (rates per 10,000 children aged 0-17).

    Returns
    -------
    str
        The sentence.
    """
    if s.rate_per_10k is None:
        return (f"At 31 March {s.year} the releases give {s.authority} no rate ({s.rate_status}); "
                f"{s.neighbours_with_rate} of its {s.neighbours} neighbours have one.")
    text = (f"At 31 March {s.year} {s.authority} looked after {numbers.count(s.number)} children, "
            f"{_rate(s.rate_per_10k)} per 10,000 children aged 0-17")
    if s.neighbours_mean_per_10k is not None:
        more = "more" if s.gap_per_10k >= 0 else "fewer"
        text += (f": {_rate(abs(s.gap_per_10k))} {more} per 10,000 than the mean of its {s.neighbours_with_rate} "
                 f"statistical neighbours with a rate ({model_words(s.model)}: mean {_rate(s.neighbours_mean_per_10k)}, "
                 f"median {_rate(s.neighbours_median_per_10k)})")
        if s.gap_children is not None:
            fewer = "fewer" if s.gap_per_10k >= 0 else "more"
            text += f"; at that mean it would look after about {numbers.count(abs(s.gap_children))} {fewer} children"
    return text + "."


def standing_sentence(s: pd.Series) -> str:
    """England, region, rank and quartile band in one sentence.

    Parameters
    ----------
    s : pandas.Series
        :func:`analysis.analyses.benchmarks.summary` (rates per 10,000 children aged 0-17).

    Returns
    -------
    str
        The sentence (England and region only, when the authority has no rate).
    """
    parts = []
    if s.england_per_10k is not None:
        parts.append(f"England's rate was {_rate(s.england_per_10k)}")
    if s.region_per_10k is not None:
        parts.append(f"{s.region}'s {_rate(s.region_per_10k)}")
    text = (" and ".join(parts) + ". ") if parts else ""
    if s.rate_per_10k is None:
        return text.strip()
    text += (f"{s.authority} ranks {s.rank_in_group} of {s.group_size} among itself and its neighbours and "
             f"{s.national_rank} of {s.authorities_ranked} English authorities (1 = the highest rate), in quartile "
             f"{s.quartile} (1 = the lowest quarter)")
    if s.lait_band == "Not applicable":
        text += "; LAIT gives this measure no polarity, so it has no A-D band (neither high nor low is 'good')."
    else:
        text += f"; LAIT band {s.lait_band} (polarity {s.polarity}: A is the better quarter)."
    return text


def standing_table(s: pd.Series) -> pd.DataFrame:
    """The summary as rows of (measure, value) for a report table.

    Parameters
    ----------
    s : pandas.Series
        :func:`analysis.analyses.benchmarks.summary` (rates per 10,000 children aged 0-17).

    Returns
    -------
    pandas.DataFrame
        ``measure`` and ``value`` (text).
    """
    rows = [("Rate per 10,000", _rate(s.rate_per_10k)), ("Children looked after", numbers.count(s.number)),
            ("Child population 0-17", numbers.count(s.population)),
            (f"Neighbours' mean ({model_words(s.model)})", _rate(s.neighbours_mean_per_10k)),
            ("Neighbours' median", _rate(s.neighbours_median_per_10k)),
            ("Neighbours with a rate", f"{s.neighbours_with_rate} of {s.neighbours}"),
            (f"Region ({s.region})" if s.region else "Region", _rate(s.region_per_10k)),
            ("England", _rate(s.england_per_10k)),
            ("Gap to the neighbours' mean, per 10,000", numbers.rate(s.gap_per_10k) if s.gap_per_10k is not None else "–"),
            ("Gap to the neighbours' mean, children", numbers.signed_count(s.gap_children)),
            ("Rank among itself and its neighbours", f"{s.rank_in_group} of {s.group_size}" if s.rank_in_group else "–"),
            ("Rank in England (1 = highest)", f"{s.national_rank} of {s.authorities_ranked}" if s.national_rank else "–"),
            ("Quartile (1 = lowest quarter)", s.quartile if s.quartile is not None else "–"),
            (f"LAIT band (polarity: {s.polarity})", s.lait_band)]
    if s.neighbours_missing:
        rows.append(("Neighbours without a rate", s.neighbours_missing))
    return pd.DataFrame(rows, columns=["measure", "value"])


def england_ranking(pub: PublicData, year: int, model_for=None) -> pd.DataFrame:
    """Every English authority with a rate at 31 March ``year``, highest first.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:func:`public_data`).
    year : int
        Year of the 31 March.
    model_for : callable, optional
        ``model_for(code)`` -> the neighbour model for the authority with that 3-digit code, or
        None.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``authority``, ``old_la_code``, ``number``, ``rate_per_10k`` (per 10,000
        children aged 0-17), ``rate_status``, ``model``, and - where a model is named - the
        ``neighbours_mean_per_10k`` and the gap (``gap_per_10k``, ``gap_children``; positive =
        more than the neighbours' mean).

    Raises
    ------
    InputError
        When the releases hold no authority figures for ``year``.
    """
    from .benchmarks import comparator, summary

    las = pub.rates[(pub.rates.geographic_level == "local authority") & (pub.rates.year == year)]
    rows = []
    for r in las.sort_values("old_la_code").itertuples():
        row = {"authority": r.authority, "old_la_code": r.old_la_code,
               "number": None if pd.isna(r.number) else int(r.number),
               "rate_per_10k": None if pd.isna(r.rate_per_10k) else float(r.rate_per_10k),
               "rate_status": r.rate_status, "model": None, "neighbours_mean_per_10k": None,
               "gap_per_10k": None, "gap_children": None}
        model = model_for(r.old_la_code) if model_for else None
        if model and pub.group(model, r.old_la_code) is not None:
            s = summary(pub, comparator(pub, r.old_la_code, year, model), year, model)
            row.update(model=model, neighbours_mean_per_10k=s.neighbours_mean_per_10k, gap_per_10k=s.gap_per_10k,
                       gap_children=s.gap_children)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise InputError("cla_rates", column="year", expected="a year with authority figures", found=str(year))
    frame = frame.sort_values(["rate_per_10k", "authority"], ascending=[False, True], na_position="last")
    rated = frame.rate_per_10k.notna()
    frame["rank"] = None
    frame.loc[rated, "rank"] = [1 + int((frame.loc[rated, "rate_per_10k"] > v).sum())
                                for v in frame.loc[rated, "rate_per_10k"]]
    return frame[["rank"] + [c for c in frame.columns if c != "rank"]].reset_index(drop=True)


@needs(comparator_rates=("subject_authority", "row_type", "year"))
def paper_year(comparator_rates: pd.DataFrame, authority: str, year: str) -> str:
    """The financial year of the paper's comparator to show.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The pack's ``comparator_rates``; reads ``subject_authority``, ``row_type``, ``year`` and,
        for the latest year, ``is_subject``.
    authority : str
        The council compared.
    year : str
        ``YYYY`` or ``YYYY-YY``; empty for the latest.

    Returns
    -------
    str
        Financial year ``YYYY-YY``: the one ending at 31 March of ``year`` when the paper has it,
        else the latest the paper gives neighbours' rates for.
    """
    from .comparators import latest_year

    mine = comparator_rates[(comparator_rates.subject_authority == authority) & (comparator_rates.row_type == "authority")]
    if str(year).strip():
        wanted = year_end(year)
        match = [y for y in sorted(set(mine.year.dropna())) if year_end(y) == wanted]
        if match:
            return match[0]
    return latest_year(comparator_rates, authority)


def england_rate(pub: PublicData | None, year: int) -> float:
    """England's rate at 31 March ``year``: as published, or - where no release read prints one -
    computed from England's number and population, unrounded (:func:`england_rate_label` says
    which).

    Parameters
    ----------
    pub : PublicData or None
        The public statistics, when loaded.
    year : int
        Year of the 31 March.

    Returns
    -------
    float
        Children looked after per 10,000 children aged 0-17; 0.0 when not known.
    """
    row = pub.row("E92000001", year) if pub is not None else None
    if row is None:
        return 0.0
    if row.get("rate_status") == "computed" and not pd.isna(row.get("rate_recomputed_per_10k")):
        return float(row["rate_recomputed_per_10k"])
    value = row.get("rate_per_10k")
    return 0.0 if value is None or pd.isna(value) else float(value)


def england_rate_label(pub: PublicData | None, year: int) -> str:
    """How the rate :func:`england_rate` gives came about.

    Parameters
    ----------
    pub : PublicData or None
        The public statistics, when loaded.
    year : int
        Year of the 31 March.

    Returns
    -------
    str
        ``England, published`` or ``England, computed (DfE's number × 10,000 ÷ ONS's child
        population)``.
    """
    row = pub.row("E92000001", year) if pub is not None else None
    if row is not None and row.get("rate_status") == "computed":
        return "England, computed (DfE's number × 10,000 ÷ ONS's child population)"
    return "England, published"


@needs(table=())
def source_label(table: pd.DataFrame, model: str | None = None) -> str:
    """A chart's source line from the releases a comparator table's rows come from.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.analyses.benchmarks.comparator`; reads ``release`` when present.
    model : str, optional
        The neighbour model, named in the line when given.

    Returns
    -------
    str
        The source line.
    """
    releases = sorted(set(table.release.dropna())) if "release" in table.columns else []
    text = "DfE, Children looked after in England" + (f" ({', '.join(releases)})" if releases else "")
    text += "; ONS mid-year estimates, children aged 0-17"
    return text + (f"; statistical neighbours: {model_words(model)}" if model else "")


def no_documents() -> pd.DataFrame:
    """An empty ``sources`` selection, for the run details of a report that read no paper.

    Returns
    -------
    pandas.DataFrame
        No rows; ``document``, ``file``, ``authority``, ``paper``, ``date``, ``period``,
        ``sha256``.
    """
    return pd.DataFrame(columns=["document", "file", "authority", "paper", "date", "period", "sha256"])


@needs(papers=())
def sources_read(papers: pd.DataFrame | None, processed_dir: str | Path | None = None,
                 extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The papers a report read followed by one row per published-statistics table it read, in
    the same columns, for the page's "About this report" and the Excel download's Sources sheet.

    Parameters
    ----------
    papers : pandas.DataFrame or None
        :meth:`analysis.data.Pack.sources_read`, or None; its rows are kept as they are (no
        column is read).
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.
    extra : tuple of str, default ()
        Further public tables the report read (report 35: ``lait_values``, ...).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`no_documents`; for a table: ``document`` = the table, ``paper`` =
        what it holds, ``file`` = the downloads it was made from, ``sha256`` = the table's.
    """
    rows = [{"document": r.table, "file": r.made_from, "authority": "every English authority",
             "paper": f"Published statistics ({r.table.replace('_', ' ')})", "date": "", "period": "",
             "sha256": r.sha256} for r in public_inputs(processed_dir, extra).itertuples()]
    public = pd.DataFrame(rows, columns=no_documents().columns)
    frames = [f for f in (papers, public) if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else no_documents()


def public_inputs(processed_dir: str | Path | None = None, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The public tables a report read and the downloads they were made from (``_tables.json``).

    Parameters
    ----------
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.
    extra : tuple of str, default ()
        Tables read besides :data:`PUBLIC_TABLES`.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``sha256``, ``made_from``, for those in the table set.
    """
    files = tableset.read_manifest(data.processed(processed_dir))["files"]
    rows = [{"table": name, "sha256": files[f"{name}.parquet"]["sha256"],
             "made_from": ", ".join(files[f"{name}.parquet"].get("inputs", []))}
            for name in dict.fromkeys(PUBLIC_TABLES + tuple(extra)) if f"{name}.parquet" in files]
    return pd.DataFrame(rows, columns=["table", "sha256", "made_from"])


def statistics_checks(pack: data.Pack | None, processed_dir: str | Path | None = None) -> pd.DataFrame | None:
    """The pack's papers' claims against the statistics of their time.

    Parameters
    ----------
    pack : analysis.data.Pack or None
        The papers in force; None gives None.
    processed_dir : str or Path, optional
        The table set's folder; default the project's ``data/processed``.

    Returns
    -------
    pandas.DataFrame or None
        ``statistics_checks`` rows of the pack's papers, or ``None`` when ``public-stats`` has
        not written the table.
    """
    if pack is None:
        return None
    try:
        files = tableset.read_manifest(data.processed(processed_dir))["files"]
    except TableSetError:
        return None
    if "statistics_checks.parquet" not in files:
        return None
    return pack.table("statistics_checks", required=False)


def code_for(pub: PublicData, authority: str, period: str) -> str:
    """The 3-digit code the releases give ``authority`` at the pack's period.

    A name two councils have borne (a county replaced by a unitary council of the same name)
    means the one with the latest figure at or before the period, else the current one.

    Parameters
    ----------
    pub : PublicData
        The public statistics (:func:`public_data`).
    authority : str
        Council name, or a code (kept).
    period : str
        The pack's month, ``YYYY-MM``.

    Returns
    -------
    str
        The old LA code.
    """
    from ..statistics.authorities import name_key

    if authority.isdigit() or authority.startswith("E0"):
        return pub.code(authority)
    las = pub.rates[pub.rates.geographic_level == "local authority"]
    key = name_key(authority)
    mine = las[las.authority.map(name_key) == key]
    limit = int(str(period)[:4])
    dated = mine[(mine.year <= limit) & (mine.number.notna() | mine.rate_per_10k.notna())]
    if dated.empty:
        return pub.code(authority)
    return str(dated.sort_values("year").old_la_code.iloc[-1])


@dataclass
class PaperComparison:
    """A paper's own comparator as report 20 shows it (:func:`paper_comparison`)."""

    year: str  # the paper's financial year
    rates: pd.DataFrame  # the pack's comparator_rates
    cla_rows: pd.DataFrame  # the pack's cla_trajectories
    table: pd.DataFrame  # :func:`analysis.analyses.comparators.comparator_table`
    printed: float | None  # the neighbours' average the paper prints
    population: pd.Series  # :func:`analysis.analyses.comparators.subject_population`
    summary: pd.Series  # :func:`analysis.analyses.comparators.summary`
    national: float  # the national rate drawn (0.0 = none)
    national_label: str  # how it came about: "parameter", "England, published" or "England, computed (...)"
    documents: list[str]
    source: str  # the chart's source line


def paper_comparison(pack: data.Pack, authority: str, year: str, average: str, national_rate_per_10k: float,
                     pub: PublicData | None) -> PaperComparison:
    """The comparator of the authority's paper in force, the neighbours' average computed from the
    printed rates, and a national rate.

    Parameters
    ----------
    pack : analysis.data.Pack
        The papers in force (their ``comparator_rates`` and ``cla_trajectories``).
    authority : str
        The council compared.
    year : str
        ``YYYY`` or ``YYYY-YY``; empty: the latest the paper gives.
    average : str
        ``mean`` or ``median``.
    national_rate_per_10k : float
        The national rate to draw (per 10,000 children aged 0-17); 0 for England's published
        rate for that year when the public statistics are loaded.
    pub : PublicData or None
        The public statistics, when loaded.

    Returns
    -------
    PaperComparison
        The year, tables, printed average, population, summary, national rate and its label,
        documents and the chart's source line.
    """
    from . import comparators

    rates, cla_rows = pack.table("comparator_rates"), pack.table("cla_trajectories")
    y = paper_year(rates, authority, year)
    table = comparators.comparator_table(rates, authority, y)
    printed = comparators.printed_neighbour_average(rates, authority, y)
    pop = comparators.subject_population(cla_rows, authority, y)
    documents = sorted(set(table.document) | {pop.document})
    return PaperComparison(y, rates, cla_rows, table, printed, pop,
                           comparators.summary(table, pop.population, average, printed),
                           national_rate_per_10k or england_rate(pub, year_end(y)),
                           "parameter" if national_rate_per_10k else england_rate_label(pub, year_end(y)), documents,
                           pack.source_label(documents) + f" ({table.table_name.iloc[0]}, {pop.table_name})")
