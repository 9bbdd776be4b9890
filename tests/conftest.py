"""Shared fixtures.  Expected values in tests come from the source documents (file and table are
cited beside each) or from arithmetic done in the test itself - never from running the code
under test and copying its answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import paths
from analysis.ingest import IngestResult, ingest
from analysis.manifest import SourceDocument, read_manifest

ROOT = paths.project_root()
RAW = ROOT / "data" / "raw"
PUBLIC = ROOT.parent / "shared" / "data" / "public"

# The five bundled documents (data/raw/manifest.csv).
RECOVERY_PLAN = "000_f58272dfada571d1.txt"  # Torbay Cabinet Nov 2019, Finance Recovery Plan Actions
MTFS = "001_24ee55b955d66714.txt"  # Torbay Children's Services MTFS Rev 2, Jan 2017
FIVE_YEAR_PLAN = "002_e4fc5fb4266e3ff1.txt"  # Torbay 5-year plan review, 2015
TRACKER = "003_d6533d87f79221f8.txt"  # Cambridgeshire Savings Tracker 2017-18, Oct 2017
BUSINESS_PLAN = "004_2dcb32a701b4c77f.txt"  # Cambridgeshire CYP Committee business planning, Oct 2017


@pytest.fixture(scope="session")
def bundled() -> IngestResult:
    """The bundled documents ingested in memory (nothing written)."""
    return ingest(RAW)


@pytest.fixture(scope="session")
def documents() -> dict[str, SourceDocument]:
    return {d.file: d for d in read_manifest(RAW)}


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of data/raw that a test may add files to or damage."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def raw_lines(file: str) -> list[str]:
    """Lines of a bundled document, 1-based: raw_lines(f)[n - 1] is line n."""
    return (RAW / file).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def public_dir() -> Path:
    if not PUBLIC.is_dir():
        pytest.skip(f"public statistics not present at {PUBLIC} (download them as the README says)")
    return PUBLIC


@pytest.fixture(scope="session")
def public_tables(public_dir: Path) -> dict:
    """The public-statistics tables built in memory from ../shared/data/public (nothing written),
    joined with the papers' comparator lists in data/processed (``make test`` ingests first)."""
    from analysis.public.build import build

    return build(public_dir, paths.processed_dir()).tables
