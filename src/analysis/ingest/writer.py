"""Writing processed tables: Parquet + CSV per table and the data dictionary, all or nothing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import schemas

DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write every table (validated again on write) into a temporary folder beside ``out_dir``,
    then move the files into ``out_dir``.  If anything fails, ``out_dir`` is untouched."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        written = []
        for name, frame in tables.items():
            frame = schemas.conform(name, frame)
            frame.to_parquet(staging / f"{name}.parquet", index=False, engine="pyarrow")
            frame.to_csv(staging / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
            written += [f"{name}.parquet", f"{name}.csv"]
        schemas.data_dictionary().to_csv(staging / DICTIONARY_CSV, index=False, lineterminator="\n")
        (staging / DICTIONARY_MD).write_text(schemas.data_dictionary_markdown(), encoding="utf-8")
        written += [DICTIONARY_CSV, DICTIONARY_MD]
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in written:  # same file system: each replace is atomic, and none can fail half-way
            (staging / name).replace(out_dir / name)
        return [out_dir / name for name in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_table(name: str, processed: Path) -> pd.DataFrame:
    """One processed table, typed as its schema says."""
    path = Path(processed) / f"{name}.parquet"
    if not path.is_file():
        from ..errors import InputError

        raise InputError(path, expected="a processed table: run `python -m analysis ingest` (or `make ingest`) first",
                         found="no such file")
    return pd.read_parquet(path)
