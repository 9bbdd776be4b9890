"""A placement share (``placement:TYPE``, :func:`analysis.analyses.measure_benchmarks.from_placements`):
the types' numbers over the release's total for each area and year, keyed by an authority's old
code or a region's and England's new code, and "x" where a number is suppressed, the total is
missing or zero.  The expected shares are worked out in the test, row by row."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.analyses.measure_benchmarks import from_placements

COLUMNS = ["placement", "geographic_level", "old_la_code", "new_la_code", "year", "number", "total"]


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS).astype({"number": "Float64", "total": "Float64", "year": "Int64"})


def test_shares_markers_and_keys_of_a_small_release():
    table = _frame([
        # an authority: 3 + 7 of 40 children in the two types asked for; a third type not asked for
        ("foster", "local authority", "800", "E06000027", 2016, 3, 40),
        ("homes", "local authority", "800", "E06000027", 2016, 7, 40),
        ("adoption", "local authority", "800", "E06000027", 2016, 11, 40),
        # the same authority a year later: one number suppressed
        ("foster", "local authority", "800", "E06000027", 2017, 4, 45),
        ("homes", "local authority", "800", "E06000027", 2017, None, 45),
        # a region: keyed by its new code; one type only
        ("foster", "regional", None, "E12000009", 2016, 120, 1000),
        # an authority whose total is zero, and one whose total is missing
        ("foster", "local authority", "873", "E10000003", 2016, 0, 0),
        ("foster", "local authority", "874", "E06000031", 2016, 5, None),
    ])
    mv = from_placements(table, ("foster", "homes"), "label")
    assert mv.values == {("800", 2016): pytest.approx((3 + 7) * 100 / 40), ("E12000009", 2016): 12.0}
    assert mv.markers == {("800", 2017): "x", ("873", 2016): "x", ("874", 2016): "x"}
    assert mv.unit == "pct" and mv.measure == "foster+homes" and mv.of_children_looked_after


def test_a_groups_total_is_its_first_rows():
    # the release prints the total on every row of an area; where two rows disagree, the first counts
    table = _frame([("foster", "local authority", "800", "E06000027", 2016, 10, 50),
                    ("homes", "local authority", "800", "E06000027", 2016, 10, 80)])
    assert from_placements(table, ("foster", "homes"), "label").values == {("800", 2016): 40.0}


def test_every_share_of_the_published_release_as_worked_out_row_by_row(with_public_dir):
    from analysis.analyses import benchmarks, measures

    md = measures.measure_data(benchmarks.load(with_public_dir), with_public_dir)
    table = md.placements
    types = tuple(sorted(set(table.placement.dropna()))[:3])
    expected_values, expected_markers = {}, {}
    groups: dict[tuple, list] = {}
    for r in table[table.placement.isin(types)].itertuples(index=False):
        groups.setdefault((r.geographic_level, r.old_la_code, r.new_la_code, r.year), []).append(r)
    for (level, old, new, year), rows in groups.items():
        key = (old if level == "local authority" else new, int(year))
        total = rows[0].total
        if any(pd.isna(r.number) for r in rows) or pd.isna(total) or total == 0:
            expected_markers[key] = "x"
        else:
            expected_values[key] = math.fsum(float(r.number) for r in rows) * 100 / float(total)
    mv = from_placements(table, types, "label")
    assert len(expected_values) > 500
    assert mv.markers == expected_markers
    assert mv.values == pytest.approx(expected_values)
