"""The assumptions live in one module (analysis.assumptions); the log docs/assumptions.md is
generated from it and must be current; every notebook parameter that takes an assumption as its
default has that value (a parameters cell holds literals, so this test keeps the two equal)."""

from __future__ import annotations

import re

from analysis import assumptions, paths
from analysis.report.notebooks import notebook_paths, parameters


def test_the_assumptions_log_is_current():
    written = assumptions.log_path().read_text(encoding="utf-8")
    assert written == assumptions.log_markdown(), "run `python -m analysis.assumptions` to regenerate docs/assumptions.md"


def test_every_assumption_is_logged_once_with_its_value():
    names = [a.name for a in assumptions.LOG]
    assert len(names) == len(set(names))
    constants = {k: v for k, v in vars(assumptions).items() if k.isupper() and k != "LOG"}
    assert set(names) == set(constants)
    for a in assumptions.LOG:
        assert constants[a.name] == a.value and a.rule and a.why
        assert f"`{a.name}`" in assumptions.log_markdown()


def test_notebook_defaults_are_the_assumptions():
    notebooks = {p.stem: parameters(p) for p in notebook_paths()}
    listed = 0
    for a in assumptions.LOG:
        for ref in a.parameters:
            stem, name = ref.split(":")
            assert stem in notebooks, ref
            assert notebooks[stem][name].default == a.value, f"{ref} defaults to {notebooks[stem][name].default!r}"
            listed += 1
    assert listed >= 4
    # and no notebook has a tolerance-like default that is not an assumption
    tolerances = {(s, n) for s, ps in notebooks.items() for n in ps if "tolerance" in n}
    assert tolerances == {tuple(r.split(":")) for a in assumptions.LOG for r in a.parameters if "tolerance" in r}


def test_financial_year_rule():
    # the April start: 2017-10 and 2018-03 are in 2017-18, 2018-04 starts 2018-19
    assert [assumptions.financial_year(p) for p in ("2017-10", "2018-03", "2018-04", "1999-12")] == [
        "2017-18", "2017-18", "2018-19", "1999-00"]


def test_the_log_is_a_page_of_the_documentation_site():
    # the site publishes only pages in a toctree (an orphan page fails the docs build), so the log must be listed
    index = (paths.project_root() / "docs" / "index.md").read_text(encoding="utf-8")
    toctrees = re.findall(r"```\{toctree\}\n(.*?)```", index, re.S)
    entries = {line.strip() for tree in toctrees for line in tree.splitlines() if line.strip() and ":" not in line}
    assert assumptions.log_path().relative_to(paths.project_root() / "docs").with_suffix("").as_posix() in entries
