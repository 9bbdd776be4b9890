"""The monthly cycle without traps (issue 17): a council analyst registers, corrects, withdraws and
publishes month after month, and no slip becomes a published wrong figure.

A scripted story on the SYNTHETIC council Westmere (tests/fixtures/westmere.py: a 2019-20 tracker
exported in whole pounds, XLSX and CSV), run through the command line as an analyst runs it.  Each
step asserts the message, the exit status, what is published and that no wrong figure reaches a
page.  Expected figures are the fixture's own sums, written in the pack's money style
(:func:`analysis.numbers.money`), never read back from the code under test.

The slips, in order: a September export without its unit headings registered as £000 (a 1,000
times jump: the pack is stopped, exit 1); its correction by ``register --replace`` (published
right); an October line typed without its minus (published, every headline saying so; report 90
showing the sign check); its correction in place (the flagged pack taken down to withdrawn/,
republished); a November file registered for the wrong month (refused, naming the month to use);
November published; November withdrawn (its pack taken down, the index updated).
"""

from __future__ import annotations

import html
import json
import os
import re
import stat
from pathlib import Path

import pytest

from analysis import cli
from analysis.numbers import money

from .fixtures import westmere as w

pytestmark = pytest.mark.notebooks

AUG, SEP, OCT, NOV = w.MONTHS
REPORTS = ["00", "10", "90"]


class Analyst:
    """Runs commands as the analyst does and keeps what they printed."""

    def __init__(self, base: Path, capsys) -> None:
        self.raw, self.processed, self.reports = base / "raw", base / "processed", base / "reports"
        self.raw.mkdir()
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        folders = {"register": ["--raw", str(self.raw), "--reports", str(self.reports)],
                   "withdraw": ["--raw", str(self.raw), "--reports", str(self.reports)],
                   "ingest": ["--raw", str(self.raw), "--out", str(self.processed)],
                   "report": ["--raw", str(self.raw), "--processed", str(self.processed), "--out", str(self.reports),
                              "--only", *REPORTS, "--jobs", "1"],
                   "status": ["--raw", str(self.raw), "--processed", str(self.processed), "--reports",
                              str(self.reports)]}[args[0]]
        self.capsys.readouterr()
        code = cli.main([*args, *folders])
        out, err = self.capsys.readouterr()
        return code, out, err

    def register(self, path: Path, month: str, *extra: str) -> tuple[int, str, str]:
        return self.run("register", path.name, "--kind", "savings_tracker", "--authority", w.AUTHORITY, "--period",
                        month, *extra)

    def publish(self, month: str) -> tuple[int, str, str]:
        code, _, err = self.run("ingest", "--quiet")
        assert code == 0, err
        return self.run("report", "--authority", w.AUTHORITY, "--period", month)

    def pack(self, month: str) -> Path:
        return self.reports / "westmere" / month

    def page(self, month: str, report: str) -> str:
        """The visible words of a published page."""
        [path] = self.pack(month).glob(f"{report}_*.html")
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def headline(month: str) -> str:
    """What report 10 must say: the fixture's forecast and planned savings, rounded as the pack
    writes money."""
    return (f"{w.AUTHORITY} is forecast to deliver {money(w.forecast_saving(month))} of the "
            f"{money(w.planned_saving(month))} saving planned for {w.FINANCIAL_YEAR}")


def test_a_council_through_four_months_of_slips(tmp_path, capsys):
    you = Analyst(tmp_path, capsys)
    old_mask = os.umask(0o022)
    try:
        _story(you)
    finally:
        os.umask(old_mask)


def _story(you: Analyst) -> None:
    # August: the unit is read from the header ('Investment 19-20 £'), the sign from the lines
    august = w.write(you.raw, AUG)
    code, out, _ = you.register(august, AUG)
    assert code == 0 and "whole pounds (£), read from" in out
    code, out, err = you.publish(AUG)
    assert code == 0, err
    assert headline(AUG) in you.page(AUG, "10")
    assert f"{money(w.forecast_saving(AUG))} of {money(w.planned_saving(AUG))}" in you.page(AUG, "00")
    for folder in [you.pack(AUG), *you.pack(AUG).rglob("*")]:  # published for colleagues and a web server
        assert stat.S_IMODE(folder.stat().st_mode) == (0o755 if folder.is_dir() else 0o644), folder

    # September: the export lost its unit headings; the analyst guesses £000.  The register screen
    # shows the £5.6bn and a STOP; the report refuses to publish, naming why; August is untouched.
    september = w.write(you.raw, SEP, fmt="csv", unit=None)
    code, out, _ = you.register(september, SEP, "--unit", "gbp_thousands")
    assert code == 0 and "STOP" in out and "about 1,000 times" in out
    august_index = (you.pack(AUG) / "index.html").read_bytes()
    code, out, err = you.publish(SEP)
    assert code == 1
    assert f"westmere/{SEP}: not published" in err and "about 1,000 times" in err and "--replace" in err
    assert not you.pack(SEP).exists()
    assert (you.pack(AUG) / "index.html").read_bytes() == august_index

    # ... corrected in one command: the same file, registered again with its right unit
    code, out, err = you.run("register", september.name, "--replace", "--unit", "gbp")
    assert code == 0, err
    assert "STOP" not in out and "replacing its earlier registration" in out
    code, out, err = you.publish(SEP)
    assert code == 0, err
    assert headline(SEP) in you.page(SEP, "10")

    # October: WM/05 typed without its minus (the totals row keeps the true totals).  Published,
    # and every headline that adds the lines up says which line looks wrong; report 90 shows the
    # sign check with its arithmetic.
    october = w.write(you.raw, OCT, drop_minus="WM/05")
    code, out, _ = you.register(october, OCT)
    assert code == 0 and re.search(r"sign\?\s+WM/05", out)
    code, out, err = you.publish(OCT)
    assert code == 0, err
    warning = "includes 1 line whose sign looks wrong (WM/05"
    for report in ("00", "10"):
        assert warning in you.page(OCT, report), report
    index = you.reports / "westmere" / OCT / "index.html"
    assert warning in " ".join(html.unescape(index.read_text(encoding="utf-8")).split())
    assert "WM/05: sign of the planned saving" in you.page(OCT, "90")
    flagged_run = json.loads((you.pack(OCT) / "manifest.json").read_text())["run_id"]

    # ... corrected in place (same name): the flagged pack is taken down, then republished clean
    w.write(you.raw, OCT)
    code, out, err = you.run("register", october.name, "--replace")
    assert code == 0, err
    assert "Took down 1 published pack(s) made from the replaced" in out
    assert not you.pack(OCT).exists()
    assert (you.reports / "withdrawn" / f"westmere-{OCT}-{flagged_run}").is_dir()
    code, out, err = you.publish(OCT)
    assert code == 0, err
    assert warning not in you.page(OCT, "00") and headline(OCT) in you.page(OCT, "10")

    # November: the analyst picks October's export again by mistake - its title says October
    wrong = w.write(you.raw, OCT, name="westmere_tracker_2019_11.xlsx")
    code, _, err = you.register(wrong, NOV)
    assert code == 2 and "as at October 2019" in err and "--period 2019-10" in err
    assert "Nothing was registered" in err
    november = w.write(you.raw, NOV)  # the right export, same name
    code, _, err = you.register(november, NOV)
    assert code == 0, err
    code, _, err = you.publish(NOV)
    assert code == 0, err
    checks = 3 * len(w.LINES[NOV]) + 12  # November's own checks only: October's are October's pack's
    assert f"{checks} checks of the figures in {w.AUTHORITY}'s papers in force in November 2019: 0 mismatches" \
        in you.page(NOV, "90")

    # November withdrawn: its pack comes down, the index no longer links it and lists it withdrawn
    code, out, err = you.run("withdraw", november.name, "--reason", "sent to the wrong committee")
    assert code == 0, err
    assert not you.pack(NOV).exists()
    index = (you.reports / "index.html").read_text(encoding="utf-8")
    assert f"westmere/{NOV}/index.html" not in index and "sent to the wrong committee" in index
    code, _, err = you.run("report", "--authority", w.AUTHORITY, "--period", NOV)
    assert code == 2 and "run `python -m analysis ingest` first" in err  # the tables still hold November
    code, _, err = you.publish(NOV)  # ingest, then report: November has no papers any more
    assert code == 2 and f"periods with documents: {w.AUTHORITY} {AUG}, {SEP}, {OCT}" in err

    # status: each month with its unit and sign; what is published and what was withdrawn
    code, out, err = you.run("status", "--json")
    assert code == 0, err
    state = json.loads(out)
    text = json.dumps(state)
    for month in (AUG, SEP, OCT):
        assert month in text
    assert "gbp" in text and "negative" in text and "sent to the wrong committee" in text
    # no pack is stale: each was made from the papers a pack for its month reads now (its tracker and,
    # for the movement since last month, the previous one)
    assert state["stale"] == [], state["stale"]
