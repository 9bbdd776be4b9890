"""analysis.data: which documents a pack for an authority at a period reads."""

from __future__ import annotations

import pandas as pd

from analysis import data


def _sources(rows):
    return pd.DataFrame(rows, columns=["document", "kind", "authority", "date", "period"])


# The bundled manifest (data/raw/manifest.csv): Torbay 000 dated 2019-11-12, 001 2017-01-11,
# 002 "2015"; Cambridgeshire tracker 003 for 2017-10 and business plan 004 dated 2017-10-10.
BUNDLED = _sources([
    ("000", "recovery_action_plan", "Torbay", "2019-11-12", ""),
    ("001", "medium_term_financial_strategy", "Torbay", "2017-01-11", ""),
    ("002", "five_year_plan_review", "Torbay", "2015", ""),
    ("003", "savings_tracker", "Cambridgeshire", "2017-10", "2017-10"),
    ("004", "business_plan_review", "Cambridgeshire", "2017-10-10", ""),
])


def test_each_kind_latest_on_or_before_the_period():
    assert data.documents_in_force(BUNDLED, "Torbay", "2019-11") == ["000", "001", "002"]
    assert data.documents_in_force(BUNDLED, "Torbay", "2017-06") == ["001", "002"]  # the 2019 plan is not yet written
    assert data.documents_in_force(BUNDLED, "Torbay", "2015-11") == []  # "2015" counts from December 2015
    assert data.documents_in_force(BUNDLED, "Cambridgeshire", "2017-10") == ["003", "004"]
    assert data.documents_in_force(BUNDLED, "Cambridgeshire", "2017-09") == []


def test_a_later_tracker_replaces_the_earlier_and_brings_its_previous_month_for_comparison_only():
    sources = pd.concat([BUNDLED, _sources([("005", "savings_tracker", "Cambridgeshire", "2017-11", "2017-11"),
                                            ("006", "savings_tracker", "Cambridgeshire", "2018-01", "2018-01")])])
    # November's pack: its papers in force are November's tracker and the business plan; October's
    # tracker is read only for the movement since last month, never counted as in force
    assert data.documents_in_force(sources, "Cambridgeshire", "2017-11") == ["004", "005"]
    assert data.comparison_documents(sources, "Cambridgeshire", "2017-11") == ["003"]
    assert data.pack_documents(sources, "Cambridgeshire", "2017-12") == (["004", "005"], ["003"])
    # January 2018: no December tracker was delivered, so no previous month
    assert data.pack_documents(sources, "Cambridgeshire", "2018-01") == (["004", "006"], [])


def test_authority_periods():
    assert data.authority_periods(BUNDLED) == {"Cambridgeshire": ["2017-10"],
                                               "Torbay": ["2015-12", "2017-01", "2019-11"]}


# --------------------------------------------------------------------------------------------- Pack


def test_pack_reads_only_the_papers_in_force(processed_dir):
    import pytest

    from analysis.errors import InputError

    torbay = data.Pack("Torbay", "2017-06", processed_dir)
    assert torbay.documents == ["001", "002"]  # the 2019 recovery plan (000) is not yet written
    assert set(torbay.table("cla_trajectories").document) == {"001", "002"}
    assert torbay.table("recovery_actions", required=False).empty
    with pytest.raises(InputError, match="papers in force at 2017-06"):
        torbay.table("recovery_actions")
    assert set(torbay.table("reconciliation").document) <= {"001", "002"}
    assert torbay.read == {"001", "002"}
    cambs = data.Pack("Cambridgeshire", "2017-10", processed_dir)
    assert set(cambs.table("savings_tracker").authority) == {"Cambridgeshire"}
    assert cambs.table("comparator_rates", required=False).empty  # Torbay's neighbours are not Cambridgeshire's
    assert list(cambs.sources_read().document) == ["003"]
    assert cambs.source_label().startswith("Cambridgeshire: Appendix 3 - Savings Tracker")
    assert len(data.pack_table("budget_proposals", "Cambridgeshire", "2017-10", processed_dir)) == 17  # 004 §5-6


def test_pack_refuses_a_period_before_any_paper_and_a_bad_period(processed_dir):
    import pytest

    from analysis.errors import InputError

    with pytest.raises(InputError, match="2015-12, 2017-01, 2019-11"):
        data.Pack("Torbay", "2015-06", processed_dir)
    with pytest.raises(InputError, match="YYYY-MM"):
        data.Pack("Torbay", "June 2019", processed_dir)
    with pytest.raises(InputError, match="Cambridgeshire, Torbay"):
        data.Pack("Narnia", "2019-11", processed_dir)


def test_pack_tracker_is_the_latest_in_force_with_its_previous_month(processed_dir):
    current, previous = data.Pack("Cambridgeshire", "2018-02", processed_dir).tracker()
    assert set(current.period) == {"2017-10"} and previous is None  # 003 is still the latest tracker in February
