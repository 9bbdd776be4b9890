"""Writing ingest's tables: each validated against its schema, then published as producer
``ingest`` of the table set in ``data/processed`` (:func:`analysis.tableset.publish`): Parquet and
a formula-neutralised CSV per table, the data dictionary, and ``_tables.json`` last - the whole
folder replaced as one unit, the other producers' tables carried over."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import schemas, tableset
from ..manifest import SourceDocument
from ..spreadsheet import write_csv

PRODUCER = "ingest"
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, documents: list[SourceDocument]) -> dict:
    """Validate every table (again) and publish them with the data dictionary into ``out_dir``.
    If anything fails or the run is killed, ``out_dir`` keeps its previous complete set."""
    checked = {name: schemas.conform(name, frame) for name, frame in tables.items()}
    tableset.pause_point("validated")
    inputs = {d.file: d.sha256.lower() for d in documents}
    made_from = {name: sorted(set(frame["source_file"].dropna().unique()) & set(inputs))
                 if "source_file" in frame.columns else sorted(inputs) for name, frame in checked.items()}
    extra = {
        DICTIONARY_CSV: lambda p: write_csv(schemas.data_dictionary(), p),
        DICTIONARY_MD: lambda p: p.write_text(schemas.data_dictionary_markdown(), encoding="utf-8"),
    }
    return tableset.publish(Path(out_dir), producer=PRODUCER, tables=checked, inputs=inputs, extra=extra,
                            table_inputs=made_from)
