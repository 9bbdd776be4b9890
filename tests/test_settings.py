"""Settings a council repeats, in one file; the command line wins (issue 17).

A settings file for the SYNTHETIC council Westmere (tests/fixtures/westmere.py) beside the bundled
papers: its folders are relative to the file, its authority chooses the packs ``report --latest``
makes and the authority ``register`` records."""

from __future__ import annotations

import shutil

import pytest

from analysis import cli

from .conftest import RAW
from .fixtures import westmere as w


@pytest.fixture
def council(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    w.write(raw, w.MONTHS[0])
    config = tmp_path / "council.toml"
    config.write_text('# Westmere\nauthority = "Westmere"\nraw = "raw"\nprocessed = "processed"\n'
                      'reports = "site/packs"\njobs = 1\n', encoding="utf-8")
    return tmp_path, config


def test_the_settings_give_the_defaults(council, capsys):
    base, config = council
    name = w.write(base / "raw", w.MONTHS[0]).name
    # no --authority, no --raw: both from the file
    assert cli.main(["--config", str(config), "register", name, "--kind", "savings_tracker", "--period",
                     w.MONTHS[0]]) == 0
    assert "authority  Westmere" in capsys.readouterr().out
    assert cli.main(["--config", str(config), "ingest", "--quiet"]) == 0
    assert (base / "processed" / "_tables.json").is_file()
    assert cli.main(["--config", str(config), "report", "--latest", "--only", "90", "--quiet"]) == 0
    published = sorted(p.relative_to(base / "site" / "packs").as_posix()
                       for p in (base / "site" / "packs").glob("*/*/index.html"))
    assert published == [f"westmere/{w.MONTHS[0]}/index.html"]  # Westmere's only: not every council's


def test_the_command_line_wins(council):
    base, config = council
    assert cli.main(["--config", str(config), "ingest", "--quiet"]) == 0  # Westmere's file is not registered
    other = base / "elsewhere"
    assert cli.main(["--config", str(config), "report", "--latest", "--authority", "Torbay", "--only", "90",
                     "--out", str(other), "--quiet"]) == 0
    assert [p.parent.parent.name for p in other.glob("*/*/index.html")] == ["torbay"]
    assert not (base / "site").exists()


def test_a_misspelt_setting_is_one_error_with_did_you_mean(tmp_path, capsys):
    config = tmp_path / "council.toml"
    config.write_text('athority = "Westmere"\n', encoding="utf-8")
    assert cli.main(["--config", str(config), "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "column 'athority'" in err[0] and "did you mean 'authority'?" in err[0]


@pytest.mark.parametrize("text, key", [('jobs = "two"\n', "jobs"), ("timeout = true\n", "timeout"),
                                       ("authority = [1, 2]\n", "authority"), ("raw = 3\n", "raw")])
def test_a_value_of_the_wrong_type_is_refused(tmp_path, capsys, text, key):
    config = tmp_path / "council.toml"
    config.write_text(text, encoding="utf-8")
    assert cli.main(["--config", str(config), "status"]) == 2
    assert f"column '{key}'" in capsys.readouterr().err


def test_not_toml_is_one_error(tmp_path, capsys):
    config = tmp_path / "council.toml"
    config.write_text("authority: Westmere\n", encoding="utf-8")
    assert cli.main(["--config", str(config), "status"]) == 2
    assert "expected a TOML file of settings" in capsys.readouterr().err

