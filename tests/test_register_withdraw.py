"""register --saving-sign, withdraw, and the ingest command's own errors (issue 7).

Expected manifest contents are read back here with the csv module; checksums with hashlib.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, schemas
from analysis.errors import InputError, InputErrors, SchemaError, problems_of
from analysis.manifest import MANIFEST_NAME, WITHDRAWN_DIR, read_manifest, register, unregistered_files, withdraw

from .conftest import ROOT, TRACKER
from .fixtures.trackers import HEADER, csv_text, rows

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").is_file() else sys.executable


def manifest_rows(raw: Path) -> list[dict[str, str]]:
    with open(raw / MANIFEST_NAME, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def deliver(raw: Path, name: str = "tracker_2017_11.csv") -> Path:
    path = raw / name
    path.write_text(csv_text(HEADER, rows(5)), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------- saving_sign


def test_bundled_tracker_is_registered_negative():
    # data/raw/manifest.csv: 003 prints savings negative (line 9: A/R.6.101 Original Saving -395)
    assert {d.file: d.saving_sign for d in read_manifest(ROOT / "data" / "raw")}[TRACKER] == "negative"


def test_a_tracker_needs_a_saving_sign(raw_copy):
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    with pytest.raises(InputErrors) as info:
        register(raw_copy, deliver(raw_copy), unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-11")
    assert any("'saving_sign'" in p and "negative or positive" in p for p in problems_of(info.value))
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


def test_a_paper_may_not_have_a_saving_sign(raw_copy):
    with pytest.raises(InputErrors, match="saving_sign"):
        register(raw_copy, deliver(raw_copy, "paper.txt"), unit="gbp_thousands", kind="business_plan_review", authority="Cambridgeshire",
                 saving_sign="negative")


def test_cli_register_reads_the_saving_sign_and_refuses_a_contradicting_one(raw_copy, capsys):
    deliver(raw_copy)  # 003's first five lines: four plan a saving (negative), one (A/R.6.102) a cost
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    code = cli.main(["register", "tracker_2017_11.csv", "--raw", str(raw_copy), "--kind", "savings_tracker",
                     "--authority", "Cambridgeshire", "--period", "2017-11", "--saving-sign", "positive"])
    assert code == 2 and (raw_copy / MANIFEST_NAME).read_bytes() == before
    assert "4 of 5 lines with a planned amount are negative" in capsys.readouterr().err
    code = cli.main(["register", "tracker_2017_11.csv", "--raw", str(raw_copy), "--kind", "savings_tracker",
                     "--authority", "Cambridgeshire", "--period", "2017-11"])
    assert code == 0
    assert manifest_rows(raw_copy)[-1]["saving_sign"] == "negative"
    assert "savings printed negative, read from the lines: 4 of 5 lines" in capsys.readouterr().out


def test_an_older_manifest_without_the_column_is_read_and_upgraded_on_register(raw_copy):
    path = raw_copy / MANIFEST_NAME
    lines = path.read_text(encoding="utf-8").splitlines()
    old = [lines[0].rsplit(",saving_sign", 1)[0]] + [ln.rsplit(",", 1)[0] for ln in lines[1:]]
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="saving_sign"):  # the tracker row now lacks its sign
        read_manifest(raw_copy)
    register(raw_copy, deliver(raw_copy), unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-11",
             saving_sign="negative")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",saving_sign")
    assert [r["file"] for r in manifest_rows(raw_copy)][:5] == [ln.split(",")[0] for ln in old[1:]]


# --------------------------------------------------------------------------------------------- withdraw


def test_withdraw_removes_the_row_and_moves_the_file_aside(raw_copy, capsys):
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    path = deliver(raw_copy)
    content = path.read_bytes()
    register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-11",
             saving_sign="negative")
    code = cli.main(["withdraw", "tracker_2017_11.csv", "--raw", str(raw_copy), "--reports", str(raw_copy.parent)])
    assert code == 0
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before  # exactly the manifest before registering
    assert not path.exists()
    moved = raw_copy / WITHDRAWN_DIR / "tracker_2017_11.csv"
    assert moved.read_bytes() == content  # moved aside, never deleted
    out = capsys.readouterr().out
    assert "moved to" in out and "not deleted" in out
    assert len(read_manifest(raw_copy)) == 5  # the folder is valid again


def test_withdraw_a_bundled_document_then_ingest_without_it(raw_copy):
    withdraw(raw_copy, TRACKER)
    assert TRACKER not in {d.file for d in read_manifest(raw_copy)}
    assert (raw_copy / WITHDRAWN_DIR / TRACKER).is_file()


def test_withdraw_twice_keeps_both_copies(raw_copy):
    """A second copy is named as Windows names a copy, keeping the extension Excel opens by."""
    for _ in range(3):
        path = deliver(raw_copy)
        register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", authority="Cambridgeshire", period="2017-11",
                 saving_sign="negative")
        withdraw(raw_copy, path.name)
    names = sorted(p.name for p in (raw_copy / WITHDRAWN_DIR).iterdir())
    assert names == ["tracker_2017_11 (2).csv", "tracker_2017_11 (3).csv", "tracker_2017_11.csv"]
    assert all(name.endswith(".csv") for name in names)


def test_withdraw_finishes_an_interrupted_withdrawal(raw_copy):
    path = deliver(raw_copy)  # the row was removed, the file not yet moved: a stray file
    assert path in unregistered_files(raw_copy)
    doc, moved = withdraw(raw_copy, path.name)
    assert doc is None and moved == raw_copy / WITHDRAWN_DIR / path.name
    assert len(read_manifest(raw_copy)) == 5


def test_withdraw_an_unknown_file_is_one_error(raw_copy, capsys):
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    assert cli.main(["withdraw", "nothing.csv", "--raw", str(raw_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nothing.csv" in err and "Traceback" not in err
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


# --------------------------------------------------------------------------------------------- --out


@pytest.mark.parametrize("kind", ["a file", "under a file", "unwritable"])
def test_out_that_cannot_be_a_folder_is_one_error_line(tmp_path, kind):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    out = {"a file": blocker, "under a file": blocker / "processed", "unwritable": Path("/proc/no/processed")}[kind]
    proc = subprocess.run([PYTHON, "-m", "analysis", "ingest", "--out", str(out)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--out" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"


# --------------------------------------------------------------------------------------------- schema-level errors


def test_schema_failures_name_the_source_file_and_line():
    from analysis.ingest import ingest

    result = ingest(ROOT / "data" / "raw", validate=False)
    table = result.tables["savings_tracker"].copy()
    table.loc[4, "rag"] = "Purple"  # slipped past a reader: the schema still catches it
    table.loc[9, "title"] = None
    with pytest.raises(InputErrors) as info:
        schemas.check("savings_tracker", table)
    errors = {(e.line, e.column) for e in info.value.errors}
    assert errors == {(int(table.loc[4, "source_line"]), "rag"), (int(table.loc[9, "source_line"]), "title")}
    assert all(Path(e.file).name == TRACKER for e in info.value.errors)


def test_schema_failures_without_lineage_stay_schema_errors():
    frame = schemas.empty("sources")
    frame.loc[0] = ["000", "f", "k", "A", None, None, None, None, None, "not a hash", None]
    with pytest.raises(SchemaError, match="sha256"):
        schemas.check("sources", frame)


def test_ingest_bytes_are_independent_of_where_it_runs(tmp_path):
    """`--out` resolved from the project root, and the command's own summary, do not depend on
    the working directory (cron runs from anywhere)."""
    out = tmp_path / "processed"
    proc = subprocess.run([PYTHON, "-m", "analysis", "ingest", "--out", str(out), "--quiet"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert hashlib.sha256((out / "_tables.json").read_bytes()).hexdigest()
    assert len(pd.read_parquet(out / "savings_tracker.parquet")) == 67
