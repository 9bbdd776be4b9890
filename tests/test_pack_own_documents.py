"""A pack counts, reconciles and headlines only its own papers in force (issue 17).

The SYNTHETIC council Fenmoor (tests/fixtures/synthetic_council.py) delivers October 2018 as a
CSV whose totals row misprints the forecast total, and a clean November 2018 workbook.  November's
pack reads October's lines for the movement since last month, but October's checks - and its
mismatch - are not November's: the expected counts are worked out here from the fixture's lines
(three checks a line: planned quarters, forecast quarters, variance; one a figure of the totals
row)."""

from __future__ import annotations

import csv
import shutil

import pytest

from analysis import data
from analysis.analyses import scorecard
from analysis.ingest import run_ingest
from analysis.manifest import register

from .conftest import RAW
from .fixtures import synthetic_council as sc

OCTOBER_MISPRINT_K = 7  # £000 added to October's printed forecast total


@pytest.fixture(scope="module")
def fenmoor(tmp_path_factory):
    base = tmp_path_factory.mktemp("fenmoor-own")
    raw, processed = base / "raw", base / "processed"
    shutil.copytree(RAW, raw)
    october = sc.write_csv(raw / sc.FILES[sc.OCTOBER], sc.OCTOBER)
    rows = list(csv.reader(october.read_text(encoding="utf-8").splitlines()))
    forecast_total = sc.HEADER.index("Forecast total")
    rows[-1][forecast_total] = str(int(rows[-1][forecast_total]) + OCTOBER_MISPRINT_K)
    with open(october, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    november = sc.write_xlsx(raw / sc.FILES[sc.NOVEMBER], sc.NOVEMBER)
    for period, path in ((sc.OCTOBER, october), (sc.NOVEMBER, november)):
        register(raw, path, kind="savings_tracker", authority=sc.AUTHORITY, period=period, paper=sc.PAPERS[period],
                 unit="gbp_thousands", saving_sign="negative")
    run_ingest(raw, processed)
    return processed


def expected_checks(period: str) -> int:
    return 3 * len(sc.LINES[period]) + sc.MONEY_COLUMNS


def test_november_pack_reconciles_november_only(fenmoor):
    pack = data.Pack(sc.AUTHORITY, sc.NOVEMBER, fenmoor)
    november = data.load("sources", fenmoor).set_index("period").loc[sc.NOVEMBER, "document"]
    rec = pack.table("reconciliation")
    assert set(rec.document) == {november}
    assert len(rec) == expected_checks(sc.NOVEMBER)
    assert (rec.status == "mismatch").sum() == 0
    card = scorecard.for_report("Reconciliation", pack)
    assert card.value.iloc[0] == f"0 of {expected_checks(sc.NOVEMBER)} checks"


def test_october_mismatch_stays_in_octobers_pack(fenmoor):
    pack = data.Pack(sc.AUTHORITY, sc.OCTOBER, fenmoor)
    rec = pack.table("reconciliation")
    mismatched = rec[rec.status == "mismatch"]
    assert len(rec) == expected_checks(sc.OCTOBER)
    assert len(mismatched) == 1 and "Forecast" in mismatched.item.iloc[0]
    assert mismatched.difference.iloc[0] == OCTOBER_MISPRINT_K * 1000  # stated - computed, in pounds


def test_november_still_shows_the_movement_since_october(fenmoor):
    pack = data.Pack(sc.AUTHORITY, sc.NOVEMBER, fenmoor)
    current, previous = pack.tracker()
    assert list(current.period.unique()) == [sc.NOVEMBER]
    assert previous is not None and list(previous.period.unique()) == [sc.OCTOBER]
    assert len(previous) == len(sc.LINES[sc.OCTOBER])
    assert pack.documents == sorted(set(current.document))  # Fenmoor's papers in force: November's tracker
    assert set(previous.document) == set(pack.comparison)
    assert set(pack.sources_read().document) >= set(previous.document)  # the page lists it as read
