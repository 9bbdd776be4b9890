"""`python -m analysis ingest --raw X --out Y`: what it writes, and what it refuses to write.

Outputs go to pytest's tmp_path only (never data/processed).  Expected file and column lists come
from analysis.schemas.TABLES (the declared schema), not from a previous run's output.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, schemas
from analysis.manifest import MANIFEST_NAME

from .conftest import RAW, ROOT, TRACKER, raw_lines

DICTIONARY_FILES = {"data_dictionary.csv", "data_dictionary.md"}
# issue 7: the folder is one table set, described by _tables.json (written last)
EXPECTED_FILES = ({f"{name}.{ext}" for name in schemas.tables_of("ingest") for ext in ("parquet", "csv")}
                  | DICTIONARY_FILES | {"_tables.json"})
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.is_file() else sys.executable


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(*args: str) -> int:
    return cli.main(["ingest", *args])


def set_manifest_sha(raw: Path, file: str, sha: str) -> None:
    with open(raw / MANIFEST_NAME, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["file"] == file:
            row["sha256"] = sha
    with open(raw / MANIFEST_NAME, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def damage_tracker(raw: Path) -> int:
    """Append two bad saving lines to the copy of 003 and re-register its checksum, as a
    careless re-delivery would.  Returns the number of problems planted (3)."""
    header = raw_lines(TRACKER)[6].split("\t")  # 003 line 7
    col = {h: i for i, h in enumerate(header)}
    good = raw_lines(TRACKER)[8].split("\t")  # 003 line 9, A/R.6.101
    bad1 = list(good)
    bad1[0] = "A/R.9.999"
    bad1[col["Original Phasing - Q1"]] = "x"  # problem 1: not an amount
    bad1[col["RAG"]] = "Purple"  # problem 2: not a colour
    bad2 = list(good)
    bad2[0] = "A/R.9.998"
    bad2[col["Forecast Saving"]] = "lots"  # problem 3: not an amount
    path = raw / TRACKER
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + "\t".join(bad1) + "\n" + "\t".join(bad2), encoding="utf-8")
    set_manifest_sha(raw, TRACKER, hashlib.sha256(path.read_bytes()).hexdigest())
    return 3


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "processed"
    assert run_cli("--raw", str(RAW), "--out", str(out), "--quiet") == 0
    return out


# ---------------------------------------------------------------------------------------------
# What a good run writes


def test_writes_one_parquet_and_one_csv_per_table_and_the_dictionary(good_output):
    assert {p.name for p in good_output.iterdir()} == EXPECTED_FILES
    # the staging folder used for the atomic write is gone: nothing else beside the output
    assert [p.name for p in good_output.parent.iterdir()] == [good_output.name]


def test_data_dictionary_lists_every_column_of_every_table(good_output):
    dictionary = pd.read_csv(good_output / "data_dictionary.csv")
    listed = list(zip(dictionary["table"], dictionary["column"], strict=True))
    declared = [(t, c) for t, table in schemas.TABLES.items() for c in table.columns]
    assert listed == declared
    assert dictionary["description"].notna().all()
    assert dictionary["dtype"].tolist() == [schemas.TABLES[t].columns[c].dtype for t, c in declared]

    markdown = (good_output / "data_dictionary.md").read_text(encoding="utf-8")
    for name, table in schemas.TABLES.items():
        section = markdown.split(f"## `{name}`", 1)
        assert len(section) == 2, name
        body = section[1].split("\n## ", 1)[0]
        for column in table.columns:
            assert f"| `{column}` |" in body, (name, column)


@pytest.mark.parametrize("name", schemas.tables_of("ingest"))
def test_parquet_round_trips_to_the_schema_dtypes(good_output, bundled, name):
    frame = pd.read_parquet(good_output / f"{name}.parquet")
    declared = schemas.TABLES[name].columns
    assert list(frame.columns) == list(declared)
    for column, col in declared.items():
        assert str(frame[column].dtype) == col.dtype, (name, column, frame[column].dtype)
    # the same values as the in-memory ingest
    pd.testing.assert_frame_equal(frame, bundled.tables[name])


@pytest.mark.parametrize("name", schemas.tables_of("ingest"))
def test_csv_has_the_schema_columns_and_every_row(good_output, bundled, name):
    with open(good_output / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(schemas.TABLES[name].columns)
    assert len(rows) - 1 == len(bundled.tables[name])


def test_savings_tracker_csv_in_whole_pounds(good_output):
    # 003 line 91: A/R.6.243 Investment 1,595 (£000) -> 1595000 in the CSV, no decimals
    table = pd.read_csv(good_output / "savings_tracker.csv", dtype=str)
    row = table[table.reference == "A/R.6.243"]
    assert row.investment_gbp.tolist() == ["1595000"]


def test_prints_a_summary_unless_quiet(tmp_path, capsys):
    assert run_cli("--raw", str(RAW), "--out", str(tmp_path / "out")) == 0
    out = capsys.readouterr().out
    assert "Read 5 documents" in out
    assert "Reconciliation:" in out
    assert run_cli("--raw", str(RAW), "--out", str(tmp_path / "out2"), "--quiet") == 0
    assert capsys.readouterr().out == ""


def test_subprocess_python_m_analysis_ingest(tmp_path):
    out = tmp_path / "processed"
    env = {k: v for k, v in os.environ.items() if k != "COUNCIL_ANALYSIS_ROOT"}
    proc = subprocess.run([python(), "-m", "analysis", "ingest", "--raw", str(RAW), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name for p in out.iterdir()} == EXPECTED_FILES
    assert "Reconciliation:" in proc.stdout


def test_two_ingests_are_byte_identical(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli("--raw", str(RAW), "--out", str(first), "--quiet") == 0
    assert run_cli("--raw", str(RAW), "--out", str(second), "--quiet") == 0
    a, b = snapshot(first), snapshot(second)
    assert set(a) == EXPECTED_FILES
    assert set(a) == set(b)
    for name in a:
        assert a[name] == b[name], name


# ---------------------------------------------------------------------------------------------
# What a bad run does: exit 2, one 'error:' line per problem, nothing written


def _prepare_out(tmp_path: Path, with_previous: bool) -> Path:
    out = tmp_path / "processed"
    if with_previous:
        assert run_cli("--raw", str(RAW), "--out", str(out), "--quiet") == 0
    else:
        out.mkdir()
    (out / "SENTINEL.txt").write_text("left here before the run\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("with_previous", [False, True], ids=["empty-out", "previous-good-output"])
def test_damaged_raw_exits_2_with_one_line_per_problem_and_writes_nothing(raw_copy, tmp_path, capsys,
                                                                         with_previous):
    planted = damage_tracker(raw_copy)
    out = _prepare_out(tmp_path, with_previous)
    before_out = snapshot(out)
    before_parent = sorted(p.name for p in out.parent.iterdir())
    capsys.readouterr()

    code = run_cli("--raw", str(raw_copy), "--out", str(out))

    captured = capsys.readouterr()
    assert code == 2
    err_lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err_lines) == planted, captured.err
    assert all(line.startswith("error: ") for line in err_lines)
    assert all(TRACKER in line for line in err_lines)
    assert sum(":99:" in line for line in err_lines) == 2  # A/R.9.999 is the appended line 99
    assert sum(":100:" in line for line in err_lines) == 1  # A/R.9.998 is line 100
    assert any("'x'" in line for line in err_lines)
    assert any("'Purple'" in line for line in err_lines)
    assert any("'lots'" in line for line in err_lines)
    assert "Traceback" not in captured.err
    assert captured.out == ""
    # the output folder, a previous good output in it, and its parent are exactly as before
    assert snapshot(out) == before_out
    assert sorted(p.name for p in out.parent.iterdir()) == before_parent


def test_damaged_raw_line_numbers_are_the_appended_lines(raw_copy):
    damage_tracker(raw_copy)
    lines = (raw_copy / TRACKER).read_text(encoding="utf-8").split("\n")
    assert lines[98].startswith("A/R.9.999\t") and lines[99].startswith("A/R.9.998\t")


def test_edited_manifest_checksum_exits_2(raw_copy, tmp_path, capsys):
    set_manifest_sha(raw_copy, TRACKER, "0" * 64)
    out = _prepare_out(tmp_path, with_previous=True)
    before = snapshot(out)
    capsys.readouterr()
    assert run_cli("--raw", str(raw_copy), "--out", str(out)) == 2
    captured = capsys.readouterr()
    err_lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err_lines) == 1
    assert err_lines[0].startswith("error: ")
    assert TRACKER in err_lines[0] and "sha256" in err_lines[0]
    assert "Traceback" not in captured.err
    assert snapshot(out) == before


def test_damaged_raw_via_subprocess_exits_2_without_traceback(raw_copy, tmp_path):
    planted = damage_tracker(raw_copy)
    out = _prepare_out(tmp_path, with_previous=False)
    before = snapshot(out)
    proc = subprocess.run([python(), "-m", "analysis", "ingest", "--raw", str(raw_copy), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 2
    err_lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(err_lines) == planted
    assert all(line.startswith("error: ") for line in err_lines)
    assert "Traceback" not in proc.stderr
    assert snapshot(out) == before
