"""``python -m analysis status``: authorities, documents by period, published and stale packs,
withdrawn files and packs, unregistered files; text for people, JSON for scripts; read only,
and never failing on a missing or half-built folder (issue 17).

Expected documents come from data/raw/manifest.csv read here with the csv module; which packs are
stale follows from the inputs the test gives each pack (tests/fixtures/packs.py) and the rule
docs/guide/monthly-pack.md states for the papers in force (of each kind, the latest whose month is on or before
the pack's).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from analysis import assumptions, cli
from analysis.manifest import MANIFEST_NAME, register, withdraw
from analysis.report.status import collect, text

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS, RAW, RECOVERY_PLAN, TRACKER
from .fixtures.packs import manifest_inputs, publish_pack

KEYS = {"format", "folders", "problems", "processed", "authorities", "stale", "withdrawn_files", "withdrawn_packs",
        "failed_runs", "unregistered"}


def _rows(raw: Path) -> list[dict[str, str]]:
    with open(raw / MANIFEST_NAME, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _month(row: dict[str, str]) -> str:
    """The month a paper speaks for, by the rule of docs/guide/monthly-pack.md: a tracker's period, else its date's month;
    a year alone counts from the month the assumptions log says."""
    if row["period"]:
        return row["period"]
    if len(row["date"]) == 4:
        return f"{row['date']}-{assumptions.YEAR_ONLY_PAPER_FROM_MONTH:02d}"
    return row["date"][:7]


def _tree(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() if p.is_file() else b"<dir>" for f in folders if f.exists()
            for p in sorted(f.rglob("*"))}


@pytest.fixture
def world(raw_copy, tmp_path, processed_dir):
    reports = tmp_path / "reports"
    publish_pack(reports, "Torbay", "2019-11", manifest_inputs(RAW, [RECOVERY_PLAN, MTFS, FIVE_YEAR_PLAN]))
    publish_pack(reports, "Torbay", "2017-01", manifest_inputs(RAW, [MTFS, FIVE_YEAR_PLAN]))
    publish_pack(reports, "Cambridgeshire", "2017-10", manifest_inputs(RAW, [TRACKER, BUSINESS_PLAN]))
    return raw_copy, processed_dir, reports


def _packs(status: dict) -> dict[str, dict]:
    return {f"{a['slug']}/{p['period']}": p for a in status["authorities"] for p in a["packs"]}


def test_documents_by_period_with_kind_unit_and_sign(world):
    raw, processed, reports = world
    status = collect(raw, processed, reports)
    assert set(status) == KEYS and status["format"] == "council-analysis status 1"
    got = {a["name"]: [(d["period"], d["document"], d["kind"], d["file"], d["unit"], d["saving_sign"])
                       for d in a["documents"]] for a in status["authorities"]}
    expected: dict[str, list] = {}
    for row in _rows(RAW):
        expected.setdefault(row["authority"], []).append(
            (_month(row), row["document"], row["kind"], row["file"], row["unit"], row["saving_sign"]))
    assert got == {name: sorted(docs) for name, docs in expected.items()}
    assert status["problems"] == [] and status["processed"]["up_to_date"] is True


def test_published_packs_with_month_run_and_created(world):
    raw, processed, reports = world
    packs = _packs(collect(raw, processed, reports))
    assert sorted(packs) == ["cambridgeshire/2017-10", "torbay/2017-01", "torbay/2019-11"]
    for key, pack in packs.items():
        manifest = json.loads((reports / key / "manifest.json").read_text())
        assert (pack["run_id"], pack["created"], pack["status"]) == (manifest["run_id"], manifest["created"], "ok")
        assert pack["stale"] is False and pack["changes"] == [] and pack["command"] is None


def test_a_pack_is_stale_when_a_paper_it_used_is_withdrawn(world):
    raw, processed, reports = world
    # as a --year 2018 pack: dated the month the 31 March 2018 figures were published (release calendar:
    # public by 22 November 2018)
    publish_pack(reports, "Torbay", "2018-11", manifest_inputs(RAW, [MTFS, FIVE_YEAR_PLAN]))
    withdraw(raw, MTFS)
    status = collect(raw, processed, reports)
    stale = {f"{s['slug']}/{s['period']}": s for s in status["stale"]}
    assert sorted(stale) == ["torbay/2017-01", "torbay/2018-11", "torbay/2019-11"]  # they used 001; Cambridgeshire's not
    assert stale["torbay/2018-11"]["alternative"] == "python -m analysis report --year 2018 --authority Torbay"
    assert stale["torbay/2019-11"]["alternative"] is None
    sha = hashlib.sha256((raw / "withdrawn" / MTFS).read_bytes()).hexdigest()
    assert stale["torbay/2019-11"]["changes"] == [{"file": MTFS, "change": "removed", "was_sha256": sha,
                                                   "now_sha256": None}]
    assert stale["torbay/2019-11"]["command"] == "python -m analysis report --authority Torbay --period 2019-11"
    # 001 was the only Torbay paper of January 2017 (its date, 2017-01-11): no pack can be made for that month now
    assert stale["torbay/2017-01"]["command"] == "python -m analysis unpublish Torbay 2017-01"
    assert status["withdrawn_files"][0]["file"] == MTFS
    assert not status["processed"]["up_to_date"]  # ingest has not been run since
    assert status["processed"]["command"] == "python -m analysis ingest"


def test_a_pack_is_stale_when_a_newer_paper_is_in_force(world):
    raw, processed, reports = world
    shutil.copy(raw / RECOVERY_PLAN, raw / "recovery_plan_rev2.txt")
    shutil.copy(raw / BUSINESS_PLAN, raw / "recovery_plan_rev2.txt")  # other bytes than 000
    register(raw, raw / "recovery_plan_rev2.txt", kind="recovery_action_plan", authority="Torbay",
             date="2019-11-20", unit="gbp")
    packs = _packs(collect(raw, processed, reports))
    # of the two recovery plans of November 2019 the later registered is in force from then on;
    # the January 2017 pack is before either
    changes = {c["file"]: c["change"] for c in packs["torbay/2019-11"]["changes"]}
    assert changes == {"recovery_plan_rev2.txt": "added", RECOVERY_PLAN: "removed"}
    assert packs["torbay/2017-01"]["stale"] is False


def test_a_pack_is_stale_when_a_files_sha256_differs(world, tmp_path):
    raw, processed, reports = world
    inputs = manifest_inputs(RAW, [TRACKER, BUSINESS_PLAN])
    inputs[0]["sha256"] = hashlib.sha256(b"an earlier delivery").hexdigest()
    publish_pack(reports, "Cambridgeshire", "2017-11", inputs)
    pack = _packs(collect(raw, processed, reports))["cambridgeshire/2017-11"]
    assert [(c["file"], c["change"]) for c in pack["changes"]] == [(TRACKER, "changed")]


def test_withdrawn_packs_unregistered_files_and_failed_runs_are_listed(world, capsys):
    raw, processed, reports = world
    assert cli.main(["withdraw", RECOVERY_PLAN, "--raw", str(raw), "--reports", str(reports),
                     "--reason", "wrong unit"]) == 0
    (raw / "tracker_2019_12.xlsx").write_bytes(b"SYNTHETIC: not registered")
    publish_pack(reports, "Torbay", "2018-01", manifest_inputs(RAW, [MTFS]), failed=True)
    capsys.readouterr()
    assert cli.main(["status", "--json", "--raw", str(raw), "--processed", str(processed),
                     "--reports", str(reports)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [(w["slug"], w["period"], w["made_from"], w["reason"]) for w in status["withdrawn_packs"]] == [
        ("torbay", "2019-11", [RECOVERY_PLAN], "wrong unit")]
    assert [f["delivered_as"] for f in status["withdrawn_files"]] == [RECOVERY_PLAN]
    assert [u["file"] for u in status["unregistered"]] == ["tracker_2019_12.xlsx"]
    assert status["unregistered"][0]["command"].startswith(
        "python -m analysis register tracker_2019_12.xlsx --kind savings_tracker")
    assert [f["failed"] for f in status["failed_runs"]] == [["90_reconciliation"]]
    assert cli.main(["status", "--raw", str(raw), "--processed", str(processed), "--reports", str(reports)]) == 0
    out = capsys.readouterr().out
    for words in ("tracker_2019_12.xlsx", "wrong unit", "Withdrawn packs", "Unregistered files"):
        assert words in out, words
    assert max(len(line) for line in out.splitlines()) <= 100


def test_status_reads_only(world):
    raw, processed, reports = world
    (raw / "stray.csv").write_text("SYNTHETIC\n")
    withdraw(raw, MTFS)
    before = _tree(raw, processed, reports)
    assert "STALE" in text(collect(raw, processed, reports))
    assert _tree(raw, processed, reports) == before


@pytest.mark.parametrize("damage", ["missing folders", "half-built"])
def test_never_fails_on_a_missing_or_half_built_folder(tmp_path, damage, capsys):
    raw, processed, reports = tmp_path / "raw", tmp_path / "processed", tmp_path / "reports"
    if damage == "half-built":
        for folder in (raw, processed, reports / "torbay" / "2019-11", reports / "torbay" / "2019-12",
                       reports / "torbay" / "2020-01"):
            folder.mkdir(parents=True)
        (reports / "torbay" / "2020-01" / "manifest.json").write_text("[]")  # JSON, but not a manifest
        (raw / "tracker.csv").write_text("SYNTHETIC\n")  # no manifest.csv yet
        (processed / "savings_tracker.parquet").write_bytes(b"half")  # no _tables.json
        (reports / "torbay" / "2019-12" / "manifest.json").write_text("{not json")
    args = ["--raw", str(raw), "--processed", str(processed), "--reports", str(reports)]
    assert cli.main(["status", *args]) == 0
    out = capsys.readouterr().out
    assert cli.main(["status", "--json", *args]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["authorities"] == [] and set(status) == KEYS
    if damage == "missing folders":
        assert [f["exists"] for f in status["folders"].values()] == [False, False, False]
        assert all(f"{f}: no such folder" in out for f in (raw, processed, reports))
    else:
        assert any("manifest.csv: no manifest" in p for p in status["problems"])
        assert any("no complete table set" in p for p in status["problems"])
        assert [u["file"] for u in status["unregistered"]] == ["tracker.csv"]
