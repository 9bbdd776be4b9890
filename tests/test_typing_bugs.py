"""Bugs the type checker found (issue 21): each test fails on the code before its fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.analyses import improvement_plan as ip
from analysis.errors import InputError
from analysis.ingest.mtfs import read_mtfs
from analysis.reconcile import Checks
from analysis.statistics import neighbours

from .conftest import MTFS
from .test_mtfs_bad_labels import _edited


def _sn_csv(tmp_path, row: str):
    path = tmp_path / "sn_model_2025_wide.csv"
    path.write_text("old_la_code,la_name,SN_1,SN_1P\n" + row + "\n", encoding="utf-8")
    return path


def test_a_bad_la_code_names_its_column_as_printed(tmp_path):
    with pytest.raises(InputError) as err:
        neighbours.read_csv_model(_sn_csv(tmp_path, "30x,Barking and Dagenham,308,Close"))
    assert err.value.column == "old_la_code" and err.value.line == 2


def test_a_bad_neighbour_code_names_its_column_as_printed(tmp_path):
    with pytest.raises(InputError) as err:
        neighbours.read_csv_model(_sn_csv(tmp_path, "301,Barking and Dagenham,3o8,Close"))
    assert err.value.column == "SN_1" and "'SN_1'" in str(err.value)


def _fip_row(stated_in: str, low: float, high: float, line: int) -> dict:
    return {"stated_in": stated_in, "row_type": "opportunity", "opportunity": "Edge of care", "year": "2017-18",
            "low_gbp": low, "high_gbp": high, "amount_status": "value", "amount_raw": f"£{low / 1000:g}k",
            "in_revenue_budget": False, "source_line": line, "cleaning_flags": None}


def test_a_table_cell_with_no_high_end_is_a_single_figure():
    # the table prints £120k with no range: its high end is blank; the prose says £150k
    fip = pd.DataFrame([_fip_row(ip.TABLE, 120_000, float("nan"), 10),
                        _fip_row(ip.PROSE, 150_000, 150_000, 40)])
    row = ip.prose_comparison(fip, rounding_tolerance_gbp=500).iloc[0]
    assert (row.table_gbp, row.difference_gbp, row.status) == (120_000, 150_000 - 120_000, ip.DISAGREES)


def test_an_action_plan_year_that_is_no_financial_year_is_refused_naming_its_line(tmp_path):
    # 001's action plan (line 199) prints "2017/18: £25,000"; "2017/19" matches the reader's pattern
    # but is no financial year: once a row with no year, now one error naming the line
    doc = _edited(tmp_path, 199, "2017/18: £25,000", "2017/19: £25,000")
    with pytest.raises(InputError) as info:
        read_mtfs(doc, Checks())
    assert (Path(info.value.file).name, info.value.line, info.value.found) == (MTFS, 199, "2017/19")
