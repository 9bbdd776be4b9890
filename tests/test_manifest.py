"""read_manifest / register: the bundled raw folder, and every way a delivery can go wrong.

Expected values come from data/raw/manifest.csv itself (read here with the csv module) and from
checksums computed here with hashlib - never from read_manifest's own output.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import AnalysisError, InputError, InputErrors, problems_of
from analysis.manifest import FIELDS, MANIFEST_NAME, read_manifest, register, unregistered_files

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS, RAW, RECOVERY_PLAN, TRACKER

# data/raw/manifest.csv: line 1 is the header, then one line per document in this order
MANIFEST_LINE = {RECOVERY_PLAN: 2, MTFS: 3, FIVE_YEAR_PLAN: 4, TRACKER: 5, BUSINESS_PLAN: 6}
EXPECTED_KIND = {  # data/raw/manifest.csv, column 'kind'
    RECOVERY_PLAN: "recovery_action_plan",
    MTFS: "medium_term_financial_strategy",
    FIVE_YEAR_PLAN: "five_year_plan_review",
    TRACKER: "savings_tracker",
    BUSINESS_PLAN: "business_plan_review",
}


def sha256_hex(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_rows(raw: Path) -> list[dict[str, str]]:
    with open(raw / MANIFEST_NAME, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_manifest_rows(raw: Path, rows: list[dict[str, str]]) -> None:
    with open(raw / MANIFEST_NAME, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_manifest(raw: Path, file: str, **changes: str) -> None:
    rows = manifest_rows(raw)
    for row in rows:
        if row["file"] == file:
            row.update(changes)
    write_manifest_rows(raw, rows)


def problems(exc: BaseException) -> list[str]:
    return problems_of(exc)


# ---------------------------------------------------------------------------------------------
# The bundled folder


def test_bundled_manifest_lists_five_documents_with_their_kinds():
    docs = read_manifest(RAW)
    assert len(docs) == 5
    assert {d.file: d.kind for d in docs} == EXPECTED_KIND
    assert [d.file for d in docs] == sorted(EXPECTED_KIND, key=MANIFEST_LINE.get)  # manifest order kept
    assert [d.document for d in docs] == ["000", "001", "002", "003", "004"]


def test_bundled_manifest_checksums_match_the_files():
    # checksum computed here independently of analysis.manifest.sha256_of
    for doc in read_manifest(RAW):
        assert doc.path == RAW / doc.file
        assert doc.sha256.lower() == sha256_hex(RAW / doc.file), doc.file


def test_bundled_manifest_fields_are_as_written(documents):
    rows = {r["file"]: r for r in manifest_rows(RAW)}
    assert set(documents) == set(rows)
    for file, doc in documents.items():
        for field in FIELDS:
            if field == "file":
                continue
            assert getattr(doc, field) == rows[file][field].strip(), (file, field)
    tracker = documents[TRACKER]
    assert (tracker.authority, tracker.period, tracker.unit) == ("Cambridgeshire", "2017-10", "gbp_thousands")


def test_every_file_in_the_bundled_folder_is_listed():
    on_disk = {p.name for p in RAW.iterdir() if p.is_file() and p.name != MANIFEST_NAME
               and not p.name.startswith(".")}
    assert on_disk == set(EXPECTED_KIND)


# ---------------------------------------------------------------------------------------------
# Damaged deliveries (each on a private copy of data/raw)


def test_raw_file_edited_after_delivery_is_refused(raw_copy):
    with open(raw_copy / TRACKER, "a", encoding="utf-8") as handle:
        handle.write("\nedited by hand")
    with pytest.raises(InputError) as info:
        read_manifest(raw_copy)
    err = info.value
    assert Path(err.file).name == TRACKER
    assert err.column == "sha256"
    message = str(err)
    assert TRACKER in message
    assert "sha256" in message
    # the expected checksum (from the manifest) and the one found (computed here) are both shown
    assert sha256_hex(RAW / TRACKER)[:12] in message
    assert sha256_hex(raw_copy / TRACKER)[:12] in message


def test_edited_raw_file_is_accepted_without_verification(raw_copy):
    with open(raw_copy / TRACKER, "a", encoding="utf-8") as handle:
        handle.write("\nedited by hand")
    assert len(read_manifest(raw_copy, verify=False)) == 5


def test_file_in_folder_but_not_listed_is_named_not_refused(raw_copy, capsys):
    """A stray file never stops the registered ones: ingest reads all five bundled papers and
    warns, naming the file and the register command to run (issue 17)."""
    from analysis import cli

    (raw_copy / "004b_extra_delivery.txt").write_text("a file nobody registered\n", encoding="utf-8")
    (raw_copy / "tracker_2017_11.xlsx").write_bytes(b"PK\x03\x04 not read")
    (raw_copy / "~$tracker_2017_11.xlsx").write_bytes(b"Excel's lock file")
    assert len(read_manifest(raw_copy)) == 5
    assert [p.name for p in unregistered_files(raw_copy)] == ["004b_extra_delivery.txt", "tracker_2017_11.xlsx"]
    assert cli.main(["ingest", "--raw", str(raw_copy), "--out", str(raw_copy.parent / "processed"), "--quiet"]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith("warning: ") and "004b_extra_delivery.txt: not registered" in warnings[0]
    assert "register 004b_extra_delivery.txt --kind KIND --authority NAME --date" in warnings[0]
    assert "register tracker_2017_11.xlsx --kind savings_tracker --authority NAME --period YYYY-MM" in warnings[1]
    assert len(pd.read_parquet(raw_copy.parent / "processed" / "sources.parquet")) == 5


def test_readme_and_hidden_files_need_no_manifest_row(raw_copy):
    (raw_copy / "README.md").write_text("# notes\n", encoding="utf-8")
    (raw_copy / ".DS_Store").write_bytes(b"\x00\x01")
    assert len(read_manifest(raw_copy)) == 5


def test_missing_listed_file_is_refused(raw_copy):
    (raw_copy / FIVE_YEAR_PLAN).unlink()
    with pytest.raises(InputError) as info:
        read_manifest(raw_copy)
    err = info.value
    assert Path(err.file).name == MANIFEST_NAME
    assert err.line == MANIFEST_LINE[FIVE_YEAR_PLAN]
    assert err.column == "file"
    assert err.found == FIVE_YEAR_PLAN
    assert f"{MANIFEST_NAME}:{MANIFEST_LINE[FIVE_YEAR_PLAN]}" in str(err)


def test_bad_period_is_reported_with_line_and_column(raw_copy):
    edit_manifest(raw_copy, TRACKER, period="2017-13")
    with pytest.raises(AnalysisError) as info:
        read_manifest(raw_copy)
    lines = problems(info.value)
    period = [p for p in lines if "'period'" in p]
    assert len(period) == 1
    assert f"{MANIFEST_NAME}:{MANIFEST_LINE[TRACKER]}" in period[0]
    assert "2017-13" in period[0]
    assert "YYYY-MM" in period[0]


def test_savings_tracker_without_period_is_refused(raw_copy):
    edit_manifest(raw_copy, TRACKER, period="")
    with pytest.raises(AnalysisError) as info:
        read_manifest(raw_copy)
    lines = problems(info.value)
    period = [p for p in lines if "'period'" in p]
    assert len(period) == 1
    assert f"{MANIFEST_NAME}:{MANIFEST_LINE[TRACKER]}" in period[0]
    assert "savings tracker" in period[0]


def test_one_off_paper_without_period_is_fine(raw_copy):
    # 004 is a business planning paper: manifest.csv line 6 has no period, as intended
    assert manifest_rows(raw_copy)[4]["period"] == ""
    assert len(read_manifest(raw_copy)) == 5


@pytest.mark.parametrize("period", ["2017-13", ""], ids=["bad-period", "no-period"])
def test_listed_file_with_a_bad_row_is_one_problem_not_also_called_unlisted(raw_copy, period):
    # The file IS listed (manifest.csv line 5); only its period is wrong.  The user should get one
    # problem pointing at the manifest cell, not a second, false, 'not listed' complaint.
    edit_manifest(raw_copy, TRACKER, period=period)
    with pytest.raises(AnalysisError) as info:
        read_manifest(raw_copy)
    lines = problems(info.value)
    assert not [p for p in lines if "not listed" in p], lines
    assert len(lines) == 1, lines


def test_bad_kind_unit_and_sha_format_are_reported(raw_copy):
    edit_manifest(raw_copy, MTFS, kind="budget_book", unit="usd", sha256="abc")
    with pytest.raises(InputErrors) as info:
        read_manifest(raw_copy)
    line = f"{MANIFEST_NAME}:{MANIFEST_LINE[MTFS]}"
    for column, found in (("kind", "budget_book"), ("unit", "usd"), ("sha256", "abc")):
        assert any(line in p and f"'{column}'" in p and repr(found) in p for p in problems(info.value)), column


def test_duplicate_document_id_is_refused(raw_copy):
    edit_manifest(raw_copy, BUSINESS_PLAN, document="003")
    with pytest.raises(AnalysisError) as info:
        read_manifest(raw_copy)
    hits = [p for p in problems(info.value) if "'document'" in p]
    assert len(hits) == 1
    assert f"{MANIFEST_NAME}:{MANIFEST_LINE[BUSINESS_PLAN]}" in hits[0]
    assert f"line {MANIFEST_LINE[TRACKER]}" in hits[0]


def test_same_file_listed_twice_is_refused(raw_copy):
    # A second row for 000 (under a new document id) would ingest the recovery plan twice and
    # silently double every action in it.  The manifest must list each delivered file once.
    rows = manifest_rows(raw_copy)
    again = dict(rows[0])
    assert again["file"] == RECOVERY_PLAN
    again["document"] = "009"
    write_manifest_rows(raw_copy, rows + [again])  # becomes manifest.csv line 7
    with pytest.raises(AnalysisError) as info:
        read_manifest(raw_copy)
    hits = [p for p in problems(info.value) if RECOVERY_PLAN in p]
    assert hits, problems(info.value)
    assert any(f"{MANIFEST_NAME}:7" in p for p in hits), hits


def test_missing_manifest_is_refused(raw_copy):
    (raw_copy / MANIFEST_NAME).unlink()
    with pytest.raises(InputError, match="manifest"):
        read_manifest(raw_copy)


def test_manifest_without_a_required_column_is_refused(raw_copy):
    text = (raw_copy / MANIFEST_NAME).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    (raw_copy / MANIFEST_NAME).write_text(header.replace(",sha256", ",checksum") + "\n" + rest, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_manifest(raw_copy)
    assert info.value.line == 1
    assert "sha256" in str(info.value)


def test_all_problems_are_reported_together(raw_copy):
    with open(raw_copy / TRACKER, "a", encoding="utf-8") as handle:  # 1: edited after delivery
        handle.write("\nedited")
    (raw_copy / "unlisted.csv").write_text("x\n", encoding="utf-8")  # not listed: a warning, not an error
    (raw_copy / MTFS).unlink()  # 2: listed but missing
    with pytest.raises(InputErrors) as info:
        read_manifest(raw_copy)
    errors = info.value.errors
    assert len(errors) == 2
    assert all(isinstance(e, InputError) for e in errors)
    text = str(info.value)
    for name in (TRACKER, MTFS):
        assert name in text
    assert "unlisted.csv" not in text
    # one user-facing line per problem
    assert len(problems(info.value)) == 2
    assert len(text.splitlines()) == 2


# ---------------------------------------------------------------------------------------------
# register()


def _deliver(raw: Path, name: str, content: bytes) -> Path:
    path = raw / name
    path.write_bytes(content)
    return path


def test_register_appends_a_row_with_the_right_checksum(raw_copy):
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    content = b"Reference,Title\nA/R.6.101,Recouping\n"
    path = _deliver(raw_copy, "tracker_2017-11.csv", content)
    doc = register(raw_copy, path, kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11",
                   unit="gbp_thousands")
    expected_sha = hashlib.sha256(content).hexdigest()
    assert doc.sha256 == expected_sha
    assert doc.document == "005"  # next after 000-004
    assert doc.kind == "savings_tracker" and doc.period == "2017-11" and doc.unit == "gbp_thousands"

    after = (raw_copy / MANIFEST_NAME).read_bytes()
    assert after.startswith(before)  # earlier rows untouched, byte for byte
    rows = manifest_rows(raw_copy)
    assert len(rows) == 6
    new = rows[-1]
    assert new["file"] == "tracker_2017-11.csv"
    assert new["sha256"] == expected_sha
    assert new["kind"] == "savings_tracker"
    assert new["authority"] == "Cambridgeshire"
    assert new["period"] == "2017-11"
    assert new["unit"] == "gbp_thousands"
    # and the folder is valid again
    docs = read_manifest(raw_copy)
    assert [d.file for d in docs][-1] == "tracker_2017-11.csv"


def test_register_refuses_a_duplicate(raw_copy):
    path = _deliver(raw_copy, "tracker_2017-11.csv", b"x\n")
    register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    with pytest.raises(InputError) as info:
        register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    assert "tracker_2017-11.csv" in str(info.value)
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


def test_register_refuses_an_already_bundled_file(raw_copy):
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    with pytest.raises(InputError):
        register(raw_copy, raw_copy / TRACKER, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire",
                 period="2017-10")
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


def test_register_refuses_a_file_not_copied_in(raw_copy, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("x\n", encoding="utf-8")
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    with pytest.raises(InputError, match="elsewhere.csv"):
        register(raw_copy, outside, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


def test_register_refuses_a_bad_period_and_writes_nothing(raw_copy):
    path = _deliver(raw_copy, "tracker_2017-13.csv", b"x\n")
    before = (raw_copy / MANIFEST_NAME).read_bytes()
    with pytest.raises(AnalysisError) as info:
        register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-13")
    assert any("'period'" in p and "2017-13" in p for p in problems(info.value))
    assert (raw_copy / MANIFEST_NAME).read_bytes() == before


def test_register_creates_a_manifest_in_an_empty_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    path = _deliver(raw, "t.csv", b"a,b\n")
    doc = register(raw, path, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    assert doc.document == "000"
    rows = manifest_rows(raw)
    assert list(rows[0]) == FIELDS
    assert rows[0]["sha256"] == hashlib.sha256(b"a,b\n").hexdigest()
    assert [d.file for d in read_manifest(raw)] == ["t.csv"]


def test_register_on_a_manifest_without_final_newline_keeps_every_row(raw_copy):
    # A manifest saved by an editor that drops the final newline is still a valid CSV (it reads
    # cleanly).  Registering a delivery must not glue the new row onto the last one.
    manifest = raw_copy / MANIFEST_NAME
    manifest.write_bytes(manifest.read_bytes().rstrip(b"\n"))
    assert len(read_manifest(raw_copy)) == 5  # still valid as it stands
    path = _deliver(raw_copy, "tracker_2017-11.csv", b"x\n")
    register(raw_copy, path, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    rows = manifest_rows(raw_copy)
    assert [r["file"] for r in rows][-2:] == [BUSINESS_PLAN, "tracker_2017-11.csv"]
    assert rows[-2]["sha256"] == sha256_hex(raw_copy / BUSINESS_PLAN)
    assert len(read_manifest(raw_copy)) == 6
