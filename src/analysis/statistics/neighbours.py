"""Statistical-neighbour models: DfE's children's services benchmarking groups, and the list a
paper prints.

* The workbook (``sn_april_2021.xlsx``, ``sn_may_2025.xlsx``; sheet ``LA SN Groups``): a few
  rows of column letters/numbers, then a header ``LA num, LA Name, LA number, GOInd, GOReg,
  SN1, SNP, ..., SN10, SNP`` (SNk = 3-digit code of the k-th nearest neighbour, the SNP after
  it = its closeness, e.g. ``Very Close``).  The model year is the 4-digit year in the file
  name.  Authorities abolished before the model keep LAIT's ``(Pre LG)`` lists; rows with
  ``-`` instead of neighbours (an authority too new for the model) give no rows.
* The CSV copies (``New_Statistical_Neighbour_Groupings_April_2021.csv`` in the same layout,
  ``sn_model_2025_wide.csv`` as ``SN_k`` / ``SN_kP``) are read by :func:`read_csv_model` so a
  test can cross-check them against the workbook.
* A paper's own list (``comparator_rates``, e.g. 002 Table 3): model ``paper_<year>`` where
  ``<year>`` is the 31 March the paper's data year ends in; rank is the order printed (the
  paper orders by rate, not closeness) and closeness is empty.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..schemas import needs
from .authorities import AuthorityIndex, clean_name
from .sources import read_csv

__all__ = ["SHEET", "model_name", "paper_models", "read_csv_model", "read_workbook", "with_names"]

SHEET = "LA SN Groups"
_YEAR = re.compile(r"(20\d{2})")


def model_name(path: Path) -> str:
    """A statistical-neighbour model's name: the last year in its file's name.

    Parameters
    ----------
    path : pathlib.Path
        The model's file.

    Returns
    -------
    str
        The year, e.g. ``2021``.

    Raises
    ------
    analysis.errors.InputError
        When the name holds no year.
    """
    found = _YEAR.findall(Path(path).name)
    if not found:
        raise InputError(path, expected="a model year (e.g. 2021) in the file name", found=Path(path).name)
    return found[-1]


def _closeness(text: object) -> str | None:
    value = str(text).strip() if text is not None and not pd.isna(text) else ""
    return value[:1].upper() + value[1:].lower() if value and value != "-" else None


def _long(frame: pd.DataFrame, model: str, path: Path, lines: list[int], code_col: int, name_col: int,
          pairs: list[tuple[int, int]], headers: list[str]) -> pd.DataFrame:
    """``frame``'s columns are positions; ``headers`` their names as printed (for messages)."""
    out = []
    for (_, r), line in zip(frame.iterrows(), lines, strict=True):
        code = str(r[code_col]).strip()
        if not code or code.lower() == "nan":
            continue
        if not code.isdigit():
            raise InputError(path, line=line, column=headers[code_col], expected="a 3-digit LA code", found=code)
        name = str(r[name_col])
        for rank, (sn_col, p_col) in enumerate(pairs, start=1):
            neighbour = str(r[sn_col]).strip()
            if neighbour in ("-", "", "nan"):
                continue
            if not neighbour.isdigit():
                raise InputError(path, line=line, column=headers[sn_col], expected="a 3-digit LA code or -", found=neighbour)
            out.append({"model": model, "old_la_code": code, "authority": clean_name(name), "rank": rank,
                        "neighbour_old_la_code": neighbour, "closeness": _closeness(r[p_col]),
                        "source_file": path.name, "source_line": line,
                        "flags": "authority printed with '(Pre LG)': abolished before this model"
                        if "pre lg" in name.lower() else None})
    return pd.DataFrame(out)


def read_workbook(path: Path) -> pd.DataFrame:
    """The rows of a statistical-neighbour model's workbook.

    Parameters
    ----------
    path : pathlib.Path
        The workbook.

    Returns
    -------
    pandas.DataFrame
        Rows ``model, old_la_code, authority, rank, neighbour_old_la_code, closeness, source_file,
        source_line, flags``; ``source_line`` is the worksheet row (1-based).
    """
    try:
        raw = pd.read_excel(path, sheet_name=SHEET, header=None, dtype=str, engine="openpyxl")
    except ValueError as exc:
        raise InputError(path, sheet=SHEET, expected=f"a worksheet {SHEET!r}", found=str(exc)[:80]) from None
    header_rows = raw.index[raw.iloc[:, 0].astype(str).str.strip() == "LA num"]
    if not len(header_rows):
        raise InputError(path, sheet=SHEET, expected="a header row starting 'LA num'", found="none")
    h = int(header_rows[0])
    cols = [str(c).strip() for c in raw.iloc[h]]
    body = raw.iloc[h + 1:].reset_index(drop=True)
    body.columns = range(len(cols))
    pairs = [(i, i + 1) for i, c in enumerate(cols) if re.fullmatch(r"SN\d+", c)]
    if len(pairs) == 0 or "LA Name" not in cols:
        raise InputError(path, sheet=SHEET, line=h + 1, expected="columns LA Name, SN1, SNP, ... SN10, SNP",
                         found=", ".join(cols[:8]))
    lines = [h + 2 + i for i in range(len(body))]
    return _long(body, model_name(path), path, lines, 0, cols.index("LA Name"), pairs, cols)


def read_csv_model(path: Path) -> pd.DataFrame:
    """The same rows as :func:`read_workbook` from a CSV copy of a model (either layout).

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per authority and neighbour.
    """
    text = read_csv(path)
    frame = text.frame.reset_index(drop=True)
    cols = list(frame.columns)
    frame.columns = range(len(cols))
    if "LA num" in cols:
        code, name = cols.index("LA num"), cols.index("LA Name")
        pairs = [(i, i + 1) for i, c in enumerate(cols) if re.fullmatch(r"SN\d+", c)]
    elif "old_la_code" in cols:
        code, name = cols.index("old_la_code"), cols.index("la_name")
        pairs = [(i, cols.index(f"{c}P")) for i, c in enumerate(cols) if re.fullmatch(r"SN_\d+", c)]
    else:
        raise InputError(path, line=1, expected="a statistical neighbour CSV (LA num, SN1 ... or old_la_code, "
                                                "SN_1 ...)", found=", ".join(cols[:6]))
    return _long(frame, model_name(path), path, [i + 2 for i in range(len(frame))], code, name, pairs,
                 [str(c) for c in cols])


@needs(comparator_rates=("row_type", "is_subject", "subject_authority", "year", "document", "source_line", "authority", "source_file", "table_name"))
def paper_models(comparator_rates: pd.DataFrame, index: AuthorityIndex) -> pd.DataFrame:
    """The neighbours a paper prints, as a model ``paper_<31 March year>``, in printed order.

    ``comparator_rates`` rows that are authorities and not the subject.

    Parameters
    ----------
    comparator_rates : pandas.DataFrame
        The ``comparator_rates`` table: reads ``row_type``, ``is_subject``, ``subject_authority``,
        ``year``, ``document``, and of each neighbour ``source_line``, ``authority``,
        ``source_file`` and ``table_name`` (``paper_date`` when present).
    index : AuthorityIndex
        Codes, names and regions seen in the releases.

    Returns
    -------
    pandas.DataFrame
        ``statistical_neighbours`` rows (rank = the printed order).

    Raises
    ------
    analysis.errors.InputError
        For an authority the releases do not name.
    """
    rows = comparator_rates[(comparator_rates.row_type == "authority") & ~comparator_rates.is_subject.astype(bool)]
    out = []
    for (subject, year, document), group in rows.groupby(["subject_authority", "year", "document"], sort=True):
        model = f"paper_{int(str(year)[:4]) + 1}"
        subject_code = index.by_name(subject)
        if subject_code is None:
            raise InputError("comparator_rates", column="subject_authority",
                             expected="an authority named as in the public releases", found=subject)
        for rank, r in enumerate(group.sort_values("source_line").itertuples(), start=1):
            code = index.by_name(r.authority)
            if code is None:
                raise InputError(r.source_file, line=int(r.source_line), column="authority",
                                 expected="an authority named as in the public releases", found=r.authority)
            out.append({"model": model, "old_la_code": subject_code, "authority": subject, "rank": rank,
                        "neighbour_old_la_code": code, "closeness": None, "source_file": r.source_file,
                        "source_line": int(r.source_line),
                        "published": getattr(r, "paper_date", None),
                        "flags": f"document {document} {r.table_name}: rank is the printed order (by rate, not "
                                 "closeness)"})
    return pd.DataFrame(out)


@needs(models=("neighbour_old_la_code", "old_la_code", "authority"))
def with_names(models: pd.DataFrame, index: AuthorityIndex) -> pd.DataFrame:
    """Add ``neighbour`` (canonical name) and canonical ``authority`` names from ``index``.

    Parameters
    ----------
    models : pandas.DataFrame
        ``statistical_neighbours`` rows: reads ``neighbour_old_la_code``, ``old_la_code`` and
        ``authority`` (and ``source_file``, ``source_line`` of an unknown code).
    index : AuthorityIndex
        Codes, names and regions seen in the releases.

    Returns
    -------
    pandas.DataFrame
        A copy with the names.

    Raises
    ------
    analysis.errors.InputError
        For a neighbour code the releases do not know.
    """
    names = dict(zip(index.frame.old_la_code, index.frame.name, strict=True))
    models = models.copy()
    models["neighbour"] = models.neighbour_old_la_code.map(names)
    unknown = models[models.neighbour.isna()]
    if len(unknown):
        r = unknown.iloc[0]
        raise InputError(r.source_file, line=int(r.source_line), column="neighbour",
                         expected="an LA code known to the releases", found=r.neighbour_old_la_code)
    models["authority"] = [names.get(c, a) for c, a in zip(models.old_la_code, models.authority, strict=True)]
    return models
