"""Withdrawing a file takes down every published pack made from it; ``unpublish`` takes down one
pack; a withdrawn pack never comes back by itself (issue 17).

Packs are published through the real publishing code (tests/fixtures/packs.py) with the inputs
the test gives them, read from the bundled data/raw/manifest.csv: which packs must go is decided
here from those inputs, never by asking the code under test.  One end-to-end test runs a real
``report`` (one notebook) to show the same for a pack made by the runner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.manifest import WITHDRAWN_DIR, read_manifest
from analysis.report import unpublish as unpublishing
from analysis.report.unpublish import unpublish, unpublish_made_from

from .conftest import BUSINESS_PLAN, FIVE_YEAR_PLAN, MTFS, RAW, RECOVERY_PLAN, TRACKER
from .fixtures.packs import manifest_inputs, publish_pack

TORBAY_NOV = [RECOVERY_PLAN, MTFS, FIVE_YEAR_PLAN]  # Torbay's papers in force in November 2019
TORBAY_JAN17 = [MTFS, FIVE_YEAR_PLAN]  # in January 2017 (000 is dated 2019-11-12)
CAMBS_OCT = [TRACKER, BUSINESS_PLAN]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _today_in_words() -> str:
    today = dt.datetime.now(dt.UTC).date()
    return f"{today.day} {today:%B %Y}"


def _published_links(out: Path) -> list[str]:
    return re.findall(r'<a href="([^"]+/\d{4}-\d{2}/index.html)"', (out / "index.html").read_text())


@pytest.fixture
def reports(tmp_path) -> Path:
    """Three published packs and one failed run, made from the bundled papers."""
    out = tmp_path / "reports"
    publish_pack(out, "Torbay", "2019-11", manifest_inputs(RAW, TORBAY_NOV))
    publish_pack(out, "Torbay", "2017-01", manifest_inputs(RAW, TORBAY_JAN17))
    publish_pack(out, "Cambridgeshire", "2017-10", manifest_inputs(RAW, CAMBS_OCT))
    publish_pack(out, "Torbay", "2018-01", manifest_inputs(RAW, TORBAY_JAN17), failed=True)
    return out


def _sha(file: str) -> str:
    return hashlib.sha256((RAW / file).read_bytes()).hexdigest()


def test_packs_made_from_the_file_are_moved_whole_into_withdrawn(reports):
    before = {p: _tree(reports / p) for p in ("torbay/2019-11", "torbay/2017-01")}
    runs = {p: json.loads((reports / p / "manifest.json").read_text())["run_id"] for p in before}
    moved = unpublish_made_from(reports, MTFS, _sha(MTFS), "read in the wrong unit")
    # 001 is an input of both Torbay packs (TORBAY_NOV, TORBAY_JAN17), not of Cambridgeshire's
    assert sorted(moved) == sorted(reports / WITHDRAWN_DIR / f"torbay-{p.split('/')[1]}-{runs[p]}" for p in before)
    for period_folder, tree in before.items():
        assert not (reports / period_folder).exists()
        where = reports / WITHDRAWN_DIR / f"torbay-{period_folder.split('/')[1]}-{runs[period_folder]}"
        after = _tree(where)
        record = json.loads(after.pop("withdrawal.json"))
        assert after == tree  # every file, byte for byte: moved, not rebuilt
        assert record["made_from"] == [MTFS] and record["reason"] == "read in the wrong unit"
    assert (reports / "cambridgeshire" / "2017-10" / "manifest.json").is_file()
    assert (reports / "failed").is_dir() and len(list((reports / "failed").iterdir())) == 1  # left alone


def test_the_sha256_must_match_too(reports):
    """A pack made from an earlier delivery under the same name is not this delivery's."""
    other = hashlib.sha256(b"another delivery of the file").hexdigest()
    assert unpublish_made_from(reports, MTFS, other) == []
    assert (reports / "torbay" / "2019-11").is_dir() and (reports / "torbay" / "2017-01").is_dir()
    assert not [p for p in (reports / WITHDRAWN_DIR).iterdir() if p.is_dir()]


def test_the_index_lists_withdrawn_packs_apart_from_failed_runs(reports):
    unpublish_made_from(reports, RECOVERY_PLAN, _sha(RECOVERY_PLAN), "made from a tracker read in £ not £000")
    index = (reports / "index.html").read_text()
    assert sorted(_published_links(reports)) == ["cambridgeshire/2017-10/index.html", "torbay/2017-01/index.html"]
    withdrawn = index[index.index("Withdrawn packs"):index.index("Runs with failed reports")]
    assert "Torbay: monitoring pack November 2019" in withdrawn
    assert f"made from {RECOVERY_PLAN}, withdrawn on {_today_in_words()}" in withdrawn
    assert "read in £ not £000" in withdrawn
    assert "<a " not in withdrawn  # not linked: nobody should take figures from it
    assert "torbay-2018-01-" in index[index.index("Runs with failed reports"):]


def test_unpublish_one_pack_by_name_or_folder_name(reports, capsys):
    code = cli.main(["unpublish", "Torbay", "2017-01", "--reports", str(reports), "--reason", "wrong month"])
    assert code == 0
    assert not (reports / "torbay" / "2017-01").exists() and (reports / "torbay" / "2019-11").is_dir()
    out = capsys.readouterr().out
    assert "Took down 1 published pack(s)" in out and "withdrawn/torbay-2017-01-" in out
    assert cli.main(["unpublish", "cambridgeshire", "2017-10", "--reports", str(reports)]) == 0
    assert not (reports / "cambridgeshire" / "2017-10").exists()
    index = (reports / "index.html").read_text()
    assert "wrong month" in index and f"unpublished on {_today_in_words()}" in index
    assert _published_links(reports) == ["torbay/2019-11/index.html"]


@pytest.mark.parametrize("args, words", [
    (["Torbay", "2019-12"], ["no pack of Torbay is published for 2019-12", "(published: 2017-01, 2019-11)"]),
    (["Westmere", "2019-11"], ["authority 'Westmere' has no published pack; published authorities: "
                               "Cambridgeshire (cambridgeshire), Torbay (torbay)"]),
    (["Torbay", "2019-13"], ["period '2019-13': expected YYYY-MM"]),
])
def test_unpublish_what_is_not_published_is_one_error_line(reports, capsys, args, words):
    before = _tree(reports)
    assert cli.main(["unpublish", *args, "--reports", str(reports)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and all(w in err for w in words) and len(err.strip().splitlines()) == 1, err
    assert _tree(reports) == before


def test_withdraw_takes_down_the_packs_and_says_which(reports, raw_copy, capsys):
    code = cli.main(["withdraw", MTFS, "--raw", str(raw_copy), "--reports", str(reports), "--reason", "superseded"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Took down 2 published pack(s) made from " + MTFS in out
    assert out.count("withdrawn/torbay-") == 2
    for period in ("2019-11", "2017-01"):  # the packs' own, to rebuild them
        assert f"  python -m analysis report --authority Torbay --period {period}\n" in out
    assert MTFS not in {d.file for d in read_manifest(raw_copy)}
    assert (raw_copy / WITHDRAWN_DIR / MTFS).is_file()
    assert _published_links(reports) == ["cambridgeshire/2017-10/index.html"]


def test_withdraw_of_a_file_no_pack_used_says_so(reports, raw_copy, capsys):
    before = _tree(reports)
    shutil.copy(RAW / TRACKER, raw_copy / "spare.txt")  # registered, never published
    cli.main(["register", "spare.txt", "--raw", str(raw_copy), "--kind", "business_plan_review",
              "--authority", "Cambridgeshire", "--date", "2017-11-01", "--unit", "gbp_thousands"])
    assert cli.main(["withdraw", "spare.txt", "--raw", str(raw_copy), "--reports", str(reports)]) == 0
    assert "No published pack was made from spare.txt." in capsys.readouterr().out
    after = _tree(reports)
    assert after.pop("withdrawn/inputs.json")  # the ledger of withdrawn deliveries
    assert after == before


def test_withdraw_interrupted_after_the_packs_went_finishes_when_run_again(reports, raw_copy, monkeypatch):
    import analysis.manifest as manifest

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(manifest, "withdraw", interrupted)
    assert cli.main(["withdraw", RECOVERY_PLAN, "--raw", str(raw_copy), "--reports", str(reports)]) == 130
    assert not (reports / "torbay" / "2019-11").exists()  # the pack went first
    assert RECOVERY_PLAN in {d.file for d in read_manifest(raw_copy)}  # the row not yet
    monkeypatch.undo()
    assert cli.main(["withdraw", RECOVERY_PLAN, "--raw", str(raw_copy), "--reports", str(reports)]) == 0
    assert RECOVERY_PLAN not in {d.file for d in read_manifest(raw_copy)}
    assert len([p for p in (reports / WITHDRAWN_DIR).iterdir() if p.is_dir()]) == 1


def test_a_withdrawn_pack_never_comes_back_by_itself(reports):
    """Neither the clean-up every run starts with nor a partial run (which merges the published
    pack's other reports) brings it back."""
    from analysis.report.publish import clean_debris

    where = unpublish(reports, "Torbay", "2019-11")
    clean_debris(reports)
    assert not (reports / "torbay" / "2019-11").exists()
    assert where.is_dir() and _published_links(reports).count("torbay/2019-11/index.html") == 0


def test_find_authority_matches_names_as_everywhere(reports):
    """The folder name, or the name matched as on the command line (analysis.names); a name that
    matches no published authority is refused with "did you mean"."""
    from analysis.report.publish import published_packs

    packs = published_packs(reports)
    assert unpublishing.find_authority("Torbay", packs) == "torbay"
    assert unpublishing.find_authority("torbay", packs) == "torbay"  # the folder name
    assert unpublishing.find_authority("TORBAY", packs) == "torbay"  # case: the same name
    with pytest.raises(Exception, match="no published pack; did you mean 'Torbay'"):
        unpublishing.find_authority("Torbey", packs)


# ------------------------------------------------------------------ a pack made by a real report run


@pytest.fixture(scope="module")
def real_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "reports"
    assert cli.main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", "90",
                     "--out", str(out), "--quiet"]) == 0
    return out


def test_withdrawing_the_tracker_takes_down_the_pack_a_report_run_made(real_pack, raw_copy, tmp_path, capsys):
    pack = real_pack / "cambridgeshire" / "2017-10"
    run_id = json.loads((pack / "manifest.json").read_text())["run_id"]
    assert cli.main(["withdraw", TRACKER, "--raw", str(raw_copy), "--reports", str(real_pack)]) == 0
    assert not pack.exists()
    assert (real_pack / WITHDRAWN_DIR / f"cambridgeshire-2017-10-{run_id}" / "90_reconciliation.html").is_file()
    assert _published_links(real_pack) == []
    assert "No pack is published: every pack published so far has been withdrawn" in (real_pack / "index.html").read_text()
    capsys.readouterr()
    # a run planned from processed tables made before the withdrawal (as one already running
    # when the file was withdrawn would be) does not publish its pack: it is filed as withdrawn
    assert cli.main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", "90",
                     "--out", str(real_pack), "--quiet"]) == 1
    assert "cambridgeshire/2017-10: NOT published: a file it was made from was withdrawn" in capsys.readouterr().err
    assert not pack.exists() and _published_links(real_pack) == []
    filed = {p.name: json.loads((p / "withdrawal.json").read_text()) for p in (real_pack / WITHDRAWN_DIR).iterdir()
             if p.is_dir() and not p.name.endswith(run_id)}
    assert [(r["command"], r["made_from"]) for r in filed.values()] == [("report", [TRACKER])]
    # rebuilding the period from tables ingested again (the tracker still registered in data/raw,
    # as after registering it anew) publishes a new pack; the partial run finds no published pack
    # to merge, so nothing of the withdrawn one comes back
    processed = tmp_path / "processed"
    assert cli.main(["ingest", "--out", str(processed), "--quiet"]) == 0
    assert cli.main(["report", "--authority", "Cambridgeshire", "--period", "2017-10", "--only", "90",
                     "--out", str(real_pack), "--processed", str(processed), "--quiet"]) == 0
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["run_id"] != run_id
    assert {r["name"]: r["status"] for r in manifest["reports"]}["10_savings_tracker_variance"] == "not run"
    assert (real_pack / WITHDRAWN_DIR / f"cambridgeshire-2017-10-{run_id}").is_dir()
