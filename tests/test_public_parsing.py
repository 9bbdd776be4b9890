"""Parsing quirks of the public downloads, on SYNTHETIC fixtures (tests/fixtures/synthetic_public.py):
byte-order marks, latin-1, suppression markers that never become zeros, column names that change
between releases, line descriptions matched by meaning, reorganised authorities, the latest
release winning with the other listed as a revision.  Expected values are the fixture's own
figures or arithmetic done here."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import cli
from analysis.analyses.benchmarks import band
from analysis.errors import InputError
from analysis.statistics import authorities, build, s251
from analysis.statistics.rates import rate_range
from analysis.statistics.sources import parse_figure, read_csv, round_half_up

from .conftest import ROOT
from .fixtures import synthetic_public


@pytest.fixture
def source(tmp_path):
    return synthetic_public.write(tmp_path / "external")


@pytest.fixture
def built(source):
    return build.build(source, processed=None)


@pytest.mark.parametrize("cell", ["x", "c", "z", "..", "[x]", "#VALUE!", "-", "[note 4]", ""])
def test_markers_are_never_zero(cell):
    value, marker = parse_figure(cell)
    assert value is None and marker == cell


def test_figures_and_a_bad_cell():
    assert parse_figure("1,144") == (1144, None)
    assert parse_figure("298128.33047", integer=False) == (298128.33047, None)
    with pytest.raises(InputError) as err:
        parse_figure("twelve", path="f.csv", line=7, column="number")
    assert "f.csv:7" in str(err.value) and "'number'" in str(err.value) and "twelve" in str(err.value)


def test_rounding_is_half_up_as_dfe_publishes():
    assert round_half_up(120.5) == 121 and round_half_up(120.49) == 120 and round_half_up(0.5) == 1
    # a count rounded to the nearest 10 may be any of 7,995..8,005: 79.95..80.05 per 10,000 of 1,000,000
    assert rate_range(8000, 1_000_000, 10) == (80.0, 80.0)
    assert rate_range(2505, 100_000, 10) == (250.0, 251.0)


def test_byte_order_mark_and_latin1(source):
    ees = read_csv(source / "ees" / "cla_number_and_rate_per_10k_children_2021_2025.csv")
    assert ees.frame.columns[0] == "time_period" and ees.encoding == "utf-8-sig"
    old = read_csv(source / "s251" / "s251_outturn_1213.csv")
    assert old.encoding == "latin-1" and "Café" in old.frame.CYPServiceDescription.iloc[-1]


def test_s251_lines_by_meaning_not_number(source):
    rows = s251.read_outturn(source / "s251" / "s251_outturn_1213.csv").set_index("measure")
    assert rows.loc["cla_gross_expenditure", "amount"] == 12298423  # line 15, description with a tab
    assert rows.loc["cla_gross_expenditure", "line_number"] == 15
    assert rows.loc["cla_net_expenditure", "amount"] == 12298423 - 100
    assert rows.loc["residential_care_gross_expenditure", "amount"] == 3020780
    # adoption (line 7) is before the total (line 15): inside the looked-after block, no scope flag
    assert "excludes adoption" not in (rows.loc["cla_gross_expenditure", "flags"] or "")
    assert s251.normalise_description("11Short breaks (respite)\t") == "short breaks (respite)"


def test_names_match_across_spellings():
    assert authorities.name_key("Telford & Wrekin") == authorities.name_key("Telford and Wrekin")
    assert authorities.name_key("Southend –on-Sea") == authorities.name_key("Southend-on-Sea")
    assert authorities.name_key("London (Inner)") == authorities.name_key("Inner London")
    assert authorities.name_key("Poole (Pre LG)") == authorities.name_key("Poole")


def test_reorganisations():
    assert authorities.existed("837", 2019) and not authorities.existed("837", 2020)  # Bournemouth
    assert not authorities.existed("839", 2019) and authorities.existed("839", 2020)  # BCP
    assert authorities.existed("928", 2021) and not authorities.existed("940", 2021)  # Northamptonshire
    assert authorities.existed("909", 2023) and not authorities.existed("942", 2023)  # Cumbria


def test_latest_release_wins_and_the_other_is_a_revision(built):
    rates = built.tables["cla_rates"]
    torbay = rates[(rates.authority == "Torbay") & (rates.year == 2024)].iloc[0]
    assert torbay.number == 302 and torbay.release.startswith("EES 2025")  # 302 in the 2025 release, 300 before
    assert torbay.rate_per_10k == 121 and torbay.rate_check == "ok"  # round_half_up(302 * 10,000 / 25,000)
    rev = built.tables["release_revisions"]
    number = rev[(rev.authority == "Torbay") & (rev.measure == "number")].iloc[0]
    assert (number.value, number.latest_value, number.difference) == (300, 302, 2)


def test_suppressed_stays_empty_and_starts_are_not_counted(built):
    rates = built.tables["cla_rates"]
    scilly = rates[rates.authority == "Isles of Scilly"].iloc[0]
    assert pd.isna(scilly.number) and pd.isna(scilly.rate_per_10k)
    assert scilly.rate_status == "suppressed" and scilly.number_marker == "c"
    assert not (rates.number == 99).any()  # the 'starting to be looked after' row is not read


def test_a_predecessor_after_its_reorganisation_has_no_row(built):
    assert "Poole" not in set(built.tables["cla_rates"].authority)


def test_lait_band_follows_polarity():
    values = np.array([10.0, 20, 30, 40, 50, 60, 70, 80])
    q25, q75 = np.quantile(values, [0.25, 0.75])  # 27.5, 62.5 (R type 7)
    assert band(12, values, "Low") == (1, "A") and band(12, values, "High") == (1, "D")
    assert band(75, values, "Low") == (4, "D") and band(75, values, "High") == (4, "A")
    assert band(q25, values, "Low") == (1, "A")  # upper bound of a band is inclusive, as LAIT's
    assert band(75, values, None) == (4, "Not applicable")


def test_cli_writes_the_tables_and_refuses_an_empty_folder(source, tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["public-stats", "--source", str(source), "--out", str(out), "--quiet"]) == 0
    assert {"cla_rates.parquet", "cla_rates.csv", "release_revisions.csv", "data_dictionary.md"} <= {
        p.name for p in out.iterdir()}
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["public-stats", "--source", str(empty), "--out", str(out)]) == 2
    assert "error:" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing half-written


def test_a_damaged_cell_stops_the_run_naming_file_line_and_column(source, tmp_path):
    path = source / "ees" / "cla_number_and_rate_per_10k_children_2021_2025.csv"
    text = path.read_text(encoding="utf-8-sig").replace(",282,114", ",2S2,114")
    path.write_text(text, encoding="utf-8")
    python = ROOT / ".venv" / "bin" / "python"
    run = subprocess.run([str(python) if python.is_file() else sys.executable, "-m", "analysis", "public-stats",
                          "--source", str(source), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 2
    assert "cla_number_and_rate_per_10k_children_2021_2025.csv:3" in run.stderr and "'children_count'" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "out").exists()
