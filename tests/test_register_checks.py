"""``register`` reads the file as ingest will before it touches the manifest (issue 17).

The SYNTHETIC council Westmere (tests/fixtures/westmere.py) exports its 2019-20 tracker in whole
pounds.  Expected figures are the fixture's own sums; expected cells are where the fixture wrote
them (the header is row 2, the unit headings in columns D, I, N and O)."""

from __future__ import annotations

import csv

import pytest

from analysis import cli
from analysis.manifest import MANIFEST_NAME, WITHDRAWN_DIR

from .fixtures import westmere as w

AUGUST, SEPTEMBER = w.MONTHS[0], w.MONTHS[1]


def rows(raw):
    with open(raw / MANIFEST_NAME, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def register(raw, path, *extra, period=AUGUST):
    return cli.main(["register", path.name, "--raw", str(raw), "--kind", "savings_tracker", "--authority",
                     w.AUTHORITY, "--period", period, *extra])


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


def test_the_unit_and_sign_are_read_from_the_file_and_shown(raw, capsys):
    path = w.write(raw, AUGUST)
    assert register(raw, path) == 0
    out = capsys.readouterr().out
    [row] = rows(raw)
    assert (row["unit"], row["saving_sign"], row["period"]) == ("gbp", "negative", AUGUST)
    assert "whole pounds (£), read from sheet 'Tracker' row 2, column D 'Investment 19-20 £'" in out
    assert f"{len(w.LINES[AUGUST])} of {len(w.LINES[AUGUST])} lines with a planned amount are negative" in out
    assert f"planned    £{w.planned_saving(AUGUST):,} " in out
    assert f"forecast   £{w.forecast_saving(AUGUST):,} " in out
    shortfall = w.planned_saving(AUGUST) - w.forecast_saving(AUGUST)
    assert f"a shortfall of £{shortfall:,}" in out
    checks = 3 * len(w.LINES[AUGUST]) + 12  # three a line, one a figure of the totals row
    assert f"checks     {checks}: {checks} agree" in out
    assert "Next: python -m analysis ingest && python -m analysis report --authority Westmere --period 2019-08" in out


def test_a_unit_that_contradicts_the_file_is_refused_naming_the_cell(raw, capsys):
    path = w.write(raw, AUGUST)
    assert register(raw, path, "--unit", "gbp_thousands") == 2
    err = capsys.readouterr().err
    assert "row 2: column 'Investment 19-20 £'" in err and "--unit gbp_thousands" in err
    assert "leave --unit out" in err and "Nothing was registered" in err
    assert not (raw / MANIFEST_NAME).exists()


def test_a_silent_file_needs_its_unit_given(raw, capsys):
    path = w.write(raw, AUGUST, unit=None)
    assert register(raw, path) == 2
    err = capsys.readouterr().err
    assert "does not say its unit" in err and "--unit gbp (whole pounds)" in err
    assert register(raw, path, "--unit", "gbp") == 0
    assert "given with --unit (the file does not say)" in capsys.readouterr().out
    assert rows(raw)[0]["unit"] == "gbp"


def test_a_file_in_thousands_says_so(raw, capsys):
    path = w.write(raw, AUGUST, unit="gbp_thousands")
    assert register(raw, path) == 0
    out = capsys.readouterr().out
    assert "thousands of pounds (£000), read from sheet 'Tracker' row 2, column D 'Investment 19-20 £000'" in out
    assert f"£{w.planned_saving(AUGUST):,} " in out  # the same pounds: £000 x 1,000
    assert rows(raw)[0]["unit"] == "gbp_thousands"


def test_a_sign_that_contradicts_the_lines_is_refused(raw, capsys):
    path = w.write(raw, AUGUST)
    assert register(raw, path, "--saving-sign", "positive") == 2
    err = capsys.readouterr().err
    assert "--saving-sign" in err and f"{len(w.LINES[AUGUST])} of {len(w.LINES[AUGUST])} lines" in err
    assert not (raw / MANIFEST_NAME).exists()


def test_check_changes_nothing(raw, capsys):
    path = w.write(raw, AUGUST)
    assert register(raw, path, "--check") == 0
    assert "Not registered (--check)" in capsys.readouterr().out
    assert not (raw / MANIFEST_NAME).exists()


def test_a_period_the_file_contradicts_names_the_period_to_use(raw, capsys):
    path = w.write(raw, AUGUST, name="westmere_tracker.xlsx")  # its title says 'as at August 2019'
    assert register(raw, path, period=SEPTEMBER) == 2
    err = capsys.readouterr().err
    assert "as at August 2019" in err and "--period 2019-08" in err
    assert "date" not in err.split("expected", 1)[1].split("found")[0]  # not blamed on the manifest's date


def test_registering_twice_names_the_replace_command(raw, capsys):
    path = w.write(raw, AUGUST)
    assert register(raw, path) == 0
    assert register(raw, path) == 2
    err = capsys.readouterr().err
    assert f"python -m analysis register {path.name} --replace" in err


def test_a_second_tracker_for_the_month_names_the_replace_command(raw, capsys):
    first = w.write(raw, AUGUST)
    assert register(raw, first) == 0
    second = w.write(raw, AUGUST, name="westmere_august_corrected.xlsx")
    assert register(raw, second) == 2
    assert f"register {second.name} --replace {first.name}" in capsys.readouterr().err


def test_replace_in_place_keeps_the_document_and_takes_the_new_bytes(raw, capsys):
    path = w.write(raw, AUGUST, unit=None)
    assert register(raw, path, "--unit", "gbp_thousands") == 0  # wrong: the figures are pounds
    before = rows(raw)[0]
    w.write(raw, AUGUST)  # the analyst re-exports with the unit in the header, same name
    assert cli.main(["register", path.name, "--raw", str(raw), "--replace"]) == 0
    [after] = rows(raw)
    assert after["document"] == before["document"] and after["unit"] == "gbp"
    assert after["sha256"] != before["sha256"]
    assert "replacing its earlier registration" in capsys.readouterr().out


def test_replace_by_another_file_moves_the_old_one_aside(raw, capsys):
    old = w.write(raw, AUGUST, unit=None)
    assert register(raw, old, "--unit", "gbp_thousands") == 0
    new = w.write(raw, AUGUST, name="westmere_tracker_2019_08_v2.xlsx")
    assert cli.main(["register", new.name, "--raw", str(raw), "--replace", old.name]) == 0
    [row] = rows(raw)
    assert (row["file"], row["document"], row["unit"], row["period"], row["authority"]) == (
        new.name, "000", "gbp", AUGUST, w.AUTHORITY)
    assert not old.exists() and any(p.suffix == ".xlsx" for p in (raw / WITHDRAWN_DIR).iterdir())


def test_a_case_only_variant_of_a_registered_name_is_refused(raw, capsys):
    assert register(raw, w.write(raw, AUGUST)) == 0
    path = w.write(raw, SEPTEMBER)
    code = cli.main(["register", path.name, "--raw", str(raw), "--kind", "savings_tracker", "--authority",
                     "westmere", "--period", SEPTEMBER])
    assert code == 2
    err = capsys.readouterr().err
    assert "'Westmere' as already registered" in err and "register with --authority Westmere" in err
    assert len(rows(raw)) == 1


def test_a_unit_slip_next_month_is_shown_as_a_stop(raw, capsys):
    assert register(raw, w.write(raw, AUGUST)) == 0
    path = w.write(raw, SEPTEMBER, unit=None)  # the September export lost its unit headings
    assert register(raw, path, "--unit", "gbp_thousands", period=SEPTEMBER) == 0
    out = capsys.readouterr().out
    stops = [line for line in out.splitlines() if line.strip().startswith("STOP")]
    planned = w.planned_saving(SEPTEMBER)
    assert any(f"against {numbers_m(w.planned_saving(AUGUST))} in 2019-08" in s and "about 1,000 times" in s
               for s in stops), stops
    assert f"£{planned * 1000:,}" in out  # the £5.6bn the analyst can see before anything is published
    assert "will not be published until the STOP above is resolved" in out


def numbers_m(pounds: int) -> str:
    from analysis.money import format_gbp

    return format_gbp(pounds)


def test_a_line_typed_without_its_minus_is_flagged_on_the_screen(raw, capsys):
    path = w.write(raw, AUGUST, drop_minus="WM/05")  # the totals row keeps the true totals
    assert register(raw, path) == 0
    out = capsys.readouterr().out
    flagged = [line for line in out.splitlines() if line.strip().startswith("sign?")]
    assert len(flagged) == 1 and "WM/05" in flagged[0] and "totals row" in flagged[0]
