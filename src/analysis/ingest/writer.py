"""Writing ingest's tables: each validated against its schema, then published as producer
``ingest`` of the table set in ``data/processed`` (:func:`analysis.tableset.publish`): Parquet and
a formula-neutralised CSV per table, the data dictionary, and ``_tables.json`` last - the whole
folder replaced as one unit, the other producers' tables carried over."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import schemas, tableset
from ..manifest import SourceDocument
from ..schemas import needs

__all__ = ["PRODUCER", "write_tables"]

PRODUCER = "ingest"


@needs(tables=())
def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, documents: list[SourceDocument] | None = None
                 ) -> dict:
    """Validate every table (again) and publish them with the data dictionary into ``out_dir``.

    If anything fails or the run is killed, ``out_dir`` keeps its previous complete set.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Table name -> its rows (each conformed to its schema here, so it has every column of it).
    out_dir : pathlib.Path
        The processed folder.
    documents : list of SourceDocument or None, optional
        The inputs to record; default the files the ``sources`` table lists.

    Returns
    -------
    dict
        The new manifest (``_tables.json``).

    Raises
    ------
    analysis.errors.SchemaError
        When a table breaks its schema.
    """
    checked = {name: schemas.conform(name, frame) for name, frame in tables.items()}
    tableset.pause_point("validated")
    if documents is not None:
        inputs = {d.file: d.sha256.lower() for d in documents}
    else:
        sources = checked.get("sources", pd.DataFrame({"file": [], "sha256": []}))
        inputs = dict(zip(sources["file"], sources["sha256"], strict=True))
    made_from = {name: sorted(set(frame["source_file"].dropna().unique()) & set(inputs))
                 if "source_file" in frame.columns else sorted(inputs) for name, frame in checked.items()}
    return tableset.publish(Path(out_dir), producer=PRODUCER, tables=checked, inputs=inputs,
                            extra=schemas.dictionary_files(), table_inputs=made_from)
