"""Schemas of the processed tables: column types, rules and meanings.

Each table is declared once here.  The declaration drives three things:

* :func:`conform` orders and types a freshly parsed table and validates it with pandera
  before it is written (a failure is a :class:`~analysis.errors.SchemaError`);
* :func:`data_dictionary` generates the data dictionary written beside the tables;
* the notebooks and tests read column meanings from the same place.

Conventions: money is whole pounds in nullable integer columns ending ``_gbp``; rates end
``_per_10k``; percentages ``_pct``; financial years are written ``2017-18``; months ``YYYY-MM``.
Every row keeps its lineage (``document``, ``source_file``, ``source_line``) and, where a cell
needed cleaning, the raw text in a ``*_raw`` column and the reason in ``cleaning_flags``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InputError, InputErrors, SchemaError
from ..needs import needs as needs  # re-exported: functions declare their columns with it
from .columns import (  # noqa: F401  (re-exported: the schema vocabulary)
    AUTHORITY,
    FY,
    MONTH,
    ROW_TYPE,
    ROW_TYPE_NOTE,
    Col,
    Table,
    _lineage,
    _service_block_grid,
)
from .ingest import INGEST_TABLES
from .prose import tables as _prose_tables
from .statistics import PUBLIC_TABLES

if TYPE_CHECKING:
    from pathlib import Path

    from pandera.pandas import DataFrameSchema

TABLES: dict[str, Table] = {**INGEST_TABLES, **_prose_tables(), **PUBLIC_TABLES}


def tables_of(producer: str) -> tuple[str, ...]:
    """Names of the tables one command writes, in declared order.

    Parameters
    ----------
    producer : str
        ``ingest`` or ``public-stats``.

    Returns
    -------
    tuple of str
        The tables' names.
    """
    return tuple(name for name, table in TABLES.items() if table.producer == producer)


def _pandera_schema(name: str) -> DataFrameSchema:
    import pandera.pandas as pa  # imported when validating, not by every notebook that reads a table

    table = TABLES[name]
    columns = {}
    for col_name, col in table.columns.items():
        checks = []
        if col.isin is not None:
            checks.append(pa.Check.isin(list(col.isin)))
        if col.regex is not None:
            checks.append(pa.Check.str_matches(col.regex))
        if col.ge is not None:
            checks.append(pa.Check.ge(col.ge))
        columns[col_name] = pa.Column(col.dtype, checks=checks, nullable=col.nullable, description=col.description)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=list(table.unique) or None, name=name)


_SCHEMAS: dict[str, DataFrameSchema] = {}


def schema(name: str) -> DataFrameSchema:
    """The pandera schema of one table (built once).

    Parameters
    ----------
    name : str
        The table's name (a key of :data:`TABLES`).

    Returns
    -------
    pandera.pandas.DataFrameSchema
        Its schema: columns in order, types, rules, uniqueness; strict.
    """
    if name not in _SCHEMAS:
        _SCHEMAS[name] = _pandera_schema(name)
    return _SCHEMAS[name]


def conform(name: str, frame: pd.DataFrame, *, validate: bool = True) -> pd.DataFrame:
    """Order and type ``frame`` as table ``name`` and (unless ``validate=False``) validate it.

    Parameters
    ----------
    name : str
        The table's name (a key of :data:`TABLES`).
    frame : pandas.DataFrame
        The rows: exactly the table's columns, in any order.
    validate : bool, optional
        Check the typed table against its schema (default true).

    Returns
    -------
    pandas.DataFrame
        The table, columns in declared order and of declared types.

    Raises
    ------
    analysis.errors.SchemaError
        Naming every column missing or not declared, a column whose values cannot take its type, or
        the values that break a rule (as :class:`~analysis.errors.InputErrors` naming each file and
        line when every failing row has its lineage).
    """
    table = TABLES[name]
    missing = [c for c in table.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.columns]
    if missing or extra:
        raise SchemaError(f"table {name}: columns missing {missing} / not declared {extra}")
    out = pd.DataFrame(index=range(len(frame)))
    for col_name, col in table.columns.items():
        values = frame[col_name].reset_index(drop=True)
        try:
            out[col_name] = _cast(values, col.dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"table {name}, column {col_name}: cannot hold values as {col.dtype} ({exc})") from exc
    if validate:
        check(name, out)
    return out


def check(name: str, frame: pd.DataFrame) -> None:
    """Validate an already typed table against its schema.

    Parameters
    ----------
    name : str
        The table's name (a key of :data:`TABLES`).
    frame : pandas.DataFrame
        The typed table (:func:`conform`).

    Raises
    ------
    analysis.errors.SchemaError
        For values that break the schema (at most ten listed); when every failing row carries its
        lineage, an :class:`~analysis.errors.InputErrors` naming each row's file and line instead.
    """
    import pandera.errors

    out = frame
    try:
        schema(name).validate(out, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        located = _located(name, out, cases.head(50))
        if located and len(located) == min(len(cases), 50):
            InputErrors.raise_if_any(located)  # every failing row named by its file and line
        lines = [f"table {name}: {len(cases)} value(s) break the schema"]
        for case in cases.head(10).itertuples(index=False):
            lines.append(f"  column {case.column}: {case.check} failed for {case.failure_case!r} (row {case.index})")
        raise SchemaError("\n".join(lines)) from None


def _located(name: str, frame: pd.DataFrame, cases: pd.DataFrame) -> list[InputError]:
    """Schema failures as :class:`InputError` naming the source file and line (sheet, row) of the
    offending row - every row carries ``source_file`` and ``source_line``."""
    if not {"source_file", "source_line"} <= set(frame.columns):
        return []
    out = []
    for case in cases.itertuples(index=False):
        index = case.index
        if index is None or pd.isna(index) or index not in frame.index:
            return []
        row = frame.loc[index]
        sheet = row.get("source_sheet") if "source_sheet" in frame.columns else None
        out.append(InputError(str(row["source_file"]), line=None if pd.isna(row["source_line"]) else int(row["source_line"]),
                              sheet=None if sheet is None or pd.isna(sheet) else str(sheet), column=str(case.column),
                              expected=f"a value passing {case.check} (table {name}, see the data dictionary)",
                              found=str(case.failure_case)))
    return out


def _cast(values: pd.Series, dtype: str) -> pd.Series:
    if str(values.dtype) == dtype:
        return values
    if dtype == "string" and isinstance(values.dtype, pd.StringDtype):
        return values.astype("string")  # str (pandas' default) -> string: no detour through objects
    if dtype in ("Int64", "Float64") and values.dtype.kind in "iuf":
        return values.astype(dtype)
    objects = values.astype("object")
    objects = objects.where(values.notna(), None)
    if dtype in ("Int64", "Float64"):
        return pd.to_numeric(objects).astype(dtype)
    if dtype in ("string", "boolean"):
        return objects.astype(dtype)
    raise ValueError(f"unknown dtype {dtype}")


def empty(name: str) -> pd.DataFrame:
    """An empty, correctly typed table (when no document of a kind is present).

    Parameters
    ----------
    name : str
        The table's name (a key of :data:`TABLES`).

    Returns
    -------
    pandas.DataFrame
        No rows, every column of its declared type (a copy: the caller may change it).
    """
    return _empty(name).copy()


@functools.cache
def _empty(name: str) -> pd.DataFrame:
    """:func:`empty`'s table, made and validated once per process (an ingest asks for a dozen)."""
    return conform(name, pd.DataFrame({c: pd.Series([], dtype="object") for c in TABLES[name].columns}))


def data_dictionary() -> pd.DataFrame:
    """One row per column of every table: type, whether it may be empty, allowed values, meaning.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column``, ``dtype``, ``nullable``, ``rule`` and ``description``.
    """
    rows = []
    for table_name, table in TABLES.items():
        for col_name, col in table.columns.items():
            rule = []
            if col.isin:
                rule.append("one of: " + ", ".join(map(str, col.isin)))
            if col.regex:
                rule.append(f"matches {col.regex}")
            if col.ge is not None:
                rule.append(f">= {col.ge:g}")
            rows.append({"table": table_name, "column": col_name, "dtype": col.dtype,
                         "nullable": col.nullable, "rule": "; ".join(rule), "description": col.description})
    return pd.DataFrame(rows)


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown, table by table.

    Returns
    -------
    str
        The page (``data_dictionary.md``).
    """
    parts = ["# Data dictionary", "",
             "Generated from `src/analysis/schemas/` by `python -m analysis ingest`. Do not edit by hand.", "",
             "Each table is a Parquet file and a CSV copy. In the CSV copies (written by `analysis.spreadsheet`, "
             "like every CSV and XLSX the project writes) a text cell that starts with `=`, `+`, `-`, `@`, a tab "
             "or a carriage return is prefixed with `'`, so a spreadsheet shows it as text and never runs it as a "
             "formula; numbers are written as numbers, text is quoted, a missing value is empty. The Parquet "
             "files hold every text exactly as read. `_tables.json` lists every file with its sha256, producer "
             "and inputs; readers check each table against it.", ""]
    for table_name, table in TABLES.items():
        parts += [f"## `{table_name}`", "", table.description, ""]
        parts += [n for n in table.notes] + ([""] if table.notes else [])
        parts += ["| column | type | empty allowed | rule | meaning |", "|---|---|---|---|---|"]
        for col_name, col in table.columns.items():
            rule = []
            if col.isin:
                rule.append("one of " + ", ".join(f"`{v}`" for v in col.isin))
            if col.regex:
                rule.append(f"`{col.regex}`")
            if col.ge is not None:
                rule.append(f"≥ {col.ge:g}")
            desc = col.description.replace("|", "\\|")
            parts.append(f"| `{col_name}` | {col.dtype} | {'yes' if col.nullable else 'no'} | "
                         f"{'; '.join(rule).replace('|', '/')} | {desc} |")
        parts.append("")
    return "\n".join(parts)


DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"


def dictionary_files() -> dict[str, Callable[[Path], None]]:
    """The data dictionary as the extra files a producer publishes with its tables.

    Every table of every producer (:func:`analysis.tableset.publish`); whichever producer ran last
    owns them.

    Returns
    -------
    dict of str to callable
        File name (:data:`DICTIONARY_CSV`, :data:`DICTIONARY_MD`) -> a function writing it to a
        path.
    """
    from ..spreadsheet import write_csv

    return {
        DICTIONARY_CSV: lambda p: write_csv(data_dictionary(), p),
        DICTIONARY_MD: lambda p: p.write_text(data_dictionary_markdown(), encoding="utf-8"),
    }
