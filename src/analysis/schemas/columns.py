"""Building blocks of the table schemas (:mod:`analysis.schemas`): a column, a table, the lineage
columns every ingested row carries, and the shared column declarations."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AUTHORITY", "Col", "FY", "MONTH", "ROW_TYPE", "ROW_TYPE_NOTE", "Table"]

FY = r"^\d{4}-\d{2}$"
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Col:
    dtype: str  # string | Int64 | Float64 | boolean
    description: str
    nullable: bool = True
    isin: tuple[str | int, ...] | None = None
    regex: str | None = None
    ge: float | None = None


@dataclass(frozen=True)
class Table:
    description: str
    columns: dict[str, Col]
    unique: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    producer: str = "ingest"  # the command that writes it: ingest (data/raw) or public-stats (data/external)


def _lineage(sheet: bool = False) -> dict[str, Col]:
    cols = {
        "document": Col("string", "Document id from data/raw/manifest.csv (e.g. 003).", nullable=False),
        "source_file": Col("string", "File in data/raw the row was read from.", nullable=False),
    }
    if sheet:
        cols["source_sheet"] = Col("string", "Worksheet name for an XLSX tracker; empty for text and CSV.")
    cols["source_line"] = Col("Int64", "1-based line of the text/CSV file (or row of the worksheet) the row was "
                                       "read from.", nullable=False, ge=1)
    cols["cleaning_flags"] = Col("string", "Why any cell of this row needed cleaning, as 'column: reason' "
                                           "items separated by '; '. Empty when the row was read as printed.")
    return cols


AUTHORITY = Col("string", "Council the figures are about (short name, e.g. Torbay).", nullable=False)
ROW_TYPE = Col("string", "line or stated_total.", nullable=False, isin=("line", "stated_total"))
ROW_TYPE_NOTE = ("Rows with row_type other than 'line' are figures the paper prints as totals/averages; "
                 "they are kept as stated (never recomputed here) and reconciled in the reconciliation table.")

def _service_block_grid(what: str, amount: str) -> Table:
    """A business-plan table of service block x year in £000 with a printed Total row."""
    return Table(
        f"{what} by service block and year, whole pounds (printed in £000). Total kept as stated.",
        {
            "authority": AUTHORITY,
            "service_block": Col("string", "Service block as printed (or 'Total').", nullable=False),
            "year": Col("string", "Financial year.", nullable=False, regex=FY),
            "amount_gbp": Col("Int64", f"{amount}, £."),
            "amount_raw": Col("string", "Cell as printed (£000)."),
            "row_type": ROW_TYPE,
            **_lineage(),
        },
        notes=(ROW_TYPE_NOTE,),
    )
