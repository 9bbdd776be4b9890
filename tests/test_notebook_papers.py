"""Every report notebook is one authority's at one period: it takes ``authority`` and ``period``,
reads through one ``data.Pack`` (the papers in force) and nothing else, and its
``metadata.analysis.tables`` names what it reads (the runner's not-applicable check uses it).
Defaults run on the bundled data: Cambridgeshire 2017-10 for the tracker and the business plan,
Torbay 2019-11 for the Torbay papers."""

from __future__ import annotations

import re

import nbformat
import pytest

from analysis import schemas
from analysis.report.notebooks import notebook_paths, parameters

DEFAULTS = {"00": ("Cambridgeshire", "2017-10"), "10": ("Cambridgeshire", "2017-10"), "20": ("Torbay", "2019-11"),
            "25": ("Torbay", "2019-11"),
            "30": ("Torbay", "2019-11"), "35": ("Torbay", "2019-11"), "40": ("Torbay", "2019-11"),
            "50": ("Torbay", "2019-11"),
            "60": ("Torbay", "2019-11"), "70": ("Cambridgeshire", "2017-10"), "90": ("Torbay", "2019-11")}
PATHS = notebook_paths()


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                     and "parameters" not in c.metadata.get("tags", []))


def test_every_notebook_is_listed():
    assert sorted(p.stem[:2] for p in PATHS) == sorted(DEFAULTS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_takes_authority_and_period_and_reads_only_its_pack(path):
    params = {k: p.default for k, p in parameters(path).items()}
    assert (params["authority"], params["period"]) == DEFAULTS[path.stem[:2]]
    assert params["processed_dir"] == ""
    nb = nbformat.read(path, as_version=4)
    code = _code(nb)
    # the papers in force: data.Pack, or public_pack.papers (a Pack, or None for an authority without papers)
    assert code.count("data.Pack(authority, period, processed_dir)") + code.count(
        "public_pack.papers(authority, period, processed_dir)") == 1
    for forbidden in ("data.load(", "for_authority(", "data.tracker(", "sources_for(", "read_parquet", "read_csv"):
        assert forbidden not in code, forbidden
    meta = nb.metadata["analysis"]
    listed = set(meta["tables"]) | set(meta.get("optional_tables", [])) | set(meta.get("any_of_tables", []))
    assert listed <= set(schemas.TABLES) and "sources" in listed
    read = set(re.findall(r'pack\.table\("([a-z_]+)"', code))
    if "public_pack.public_data(" in code:
        from analysis.analyses import public_pack

        read |= set(public_pack.PUBLIC_TABLES)
    read |= {n for names in re.findall(r"names = \[([^\]]*)\]", code) for n in re.findall(r'"([a-z_]+)"', names)}
    if "pack.tracker()" in code:
        read.add("savings_tracker")
    if "scorecard.TABLES" in code:
        from analysis.analyses import scorecard

        read |= set(scorecard.TABLES)
    if "budget.plan_tables(pack" in code:
        from analysis.analyses import budget

        read |= set(budget.PLAN_TABLES)
    assert read and read <= listed, f"reads {sorted(read - listed)} without listing them"
    assert set(meta["tables"]) - {"sources"} <= read, "lists a table it does not read"
