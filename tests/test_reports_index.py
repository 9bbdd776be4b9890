"""``reports/index.html`` during and after a run: a run rewrites it at most every few seconds and
at its end (``publish.ReportsIndexes``), so a run killed in between leaves packs published but
not yet listed - and the next run's clean-up (``publish.clean_debris``) lists them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.report import publish

pytestmark = pytest.mark.notebooks  # reads the bundled packs built for the test run


@pytest.fixture
def reports(latest_packs, tmp_path) -> Path:
    """A copy of the bundled packs (Cambridgeshire 2017-10, Torbay 2019-11) and their index."""
    out = tmp_path / "reports"
    shutil.copytree(latest_packs, out, symlinks=True)
    return out


def _listed(index: Path) -> set[str]:
    text = index.read_text(encoding="utf-8")
    return {href for href in ("cambridgeshire/2017-10/index.html", "torbay/2019-11/index.html") if href in text}


def test_a_pack_switched_in_after_the_index_was_written_is_listed_by_the_next_runs_clean_up(reports):
    complete = (reports / "index.html").read_bytes()
    assert _listed(reports / "index.html") == {"cambridgeshire/2017-10/index.html", "torbay/2019-11/index.html"}
    # the index as a run killed between Torbay's switch and its next index write left it
    torbay = reports / "torbay" / "2019-11"
    aside = reports.parent / "aside"
    torbay.rename(aside)
    publish.write_reports_index(reports)
    aside.rename(torbay)
    earlier = (torbay / "manifest.json").stat().st_mtime - 2  # that index written before Torbay's manifest
    os.utime(reports / "index.html", (earlier, earlier))
    assert _listed(reports / "index.html") == {"cambridgeshire/2017-10/index.html"}
    assert publish.index_behind(reports)

    publish.clean_debris(reports)

    assert not publish.index_behind(reports)
    assert (reports / "index.html").read_bytes() == complete  # as a run that was not killed writes it


def test_an_index_up_to_date_is_left_as_it_is(reports):
    index = reports / "index.html"
    before = index.stat().st_mtime_ns
    assert not publish.index_behind(reports)
    publish.clean_debris(reports)
    assert index.stat().st_mtime_ns == before


def test_a_missing_index_is_written_again(reports):
    complete = (reports / "index.html").read_bytes()
    (reports / "index.html").unlink()
    assert publish.index_behind(reports)
    publish.clean_debris(reports)
    assert (reports / "index.html").read_bytes() == complete


def test_the_run_rewrites_the_index_at_most_every_period_and_when_told(reports):
    (reports / "index.html").unlink()
    throttled = publish.ReportsIndexes(every=3600)
    throttled.published(reports)
    throttled.published(reports)
    assert not (reports / "index.html").exists()  # owed, not yet written
    throttled.write()
    assert _listed(reports / "index.html") == {"cambridgeshire/2017-10/index.html", "torbay/2019-11/index.html"}
    (reports / "index.html").unlink()
    every_time = publish.ReportsIndexes(every=0)
    every_time.published(reports)
    assert (reports / "index.html").is_file()
