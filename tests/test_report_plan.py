"""Planning a report run (no kernel starts): which packs, which documents, which notebooks apply,
parameters, and the notebook contract; every refusal is one ``error:`` line and exit status 2.

Expected packs and documents come from data/raw/manifest.csv: Torbay's papers are dated 2015
(002, the five-year plan review), 2017-01-11 (001, the MTFS) and 2019-11-12 (000, the recovery
plan); Cambridgeshire's tracker (003) is for 2017-10 and its business plan review (004) is dated
2017-10-10.  Which tables each paper gives is in docs/reference/bundled-documents.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis import numbers, paths
from analysis.cli import main
from analysis.errors import ReportError
from analysis.manifest import register
from analysis.report import plan as planning
from analysis.report.execute import STATUS_NA

from .conftest import RAW
from .fixtures.notebooks import write_notebook

PROCESSED = paths.processed_dir()  # data/processed, or the fresh ingest tests/conftest.py made
ALL = {"00_scorecard", "10_savings_tracker_variance", "20_cla_comparators", "30_cla_trajectories",
       "40_placement_costs_and_slippage", "50_financial_improvement_plan", "60_recovery_actions",
       "70_business_plan_pressures", "90_reconciliation", "25_cla_spend_benchmarks", "35_cost_drivers"}


def _plan(authorities=("Cambridgeshire",), periods=("2017-10",), **kw):
    args = dict(out_dir=kw.pop("out_dir", Path("/nonexistent")), processed_dir=kw.pop("processed_dir", PROCESSED),
                raw_dir=kw.pop("raw_dir", RAW))
    return planning.plan_packs(None if authorities is None else list(authorities),
                               None if periods is None else list(periods), **args, **kw)


def _cli_error(capsys, *argv: str) -> str:
    code = main(["report", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------ which packs


@pytest.mark.parametrize("period", ["2017-13", "Oct 2017", "2017-1"])
def test_period_format_is_refused(period):
    with pytest.raises(ReportError, match="YYYY-MM"):
        _plan(periods=[period])


def test_latest_is_each_authoritys_latest_period():
    sources = planning.read_sources(PROCESSED, RAW)
    assert planning.resolve_packs(sources, None, None) == [("Cambridgeshire", "2017-10"), ("Torbay", "2019-11")]
    assert planning.resolve_packs(sources, ["Torbay"], None) == [("Torbay", "2019-11")]


def test_a_period_without_an_authority_means_every_authority_that_has_it():
    sources = planning.read_sources(PROCESSED, RAW)
    assert planning.resolve_packs(sources, None, ["2017-01"]) == [("Torbay", "2017-01")]
    assert planning.resolve_packs(sources, ["Torbay", "Cambridgeshire"], ["2019-11", "2017-10"]) == [
        ("Torbay", "2019-11"), ("Cambridgeshire", "2017-10")]


def test_authority_by_folder_name_or_any_case():
    sources = planning.read_sources(PROCESSED, RAW)
    assert planning.resolve_packs(sources, ["torbay"], ["2019-11"]) == [("Torbay", "2019-11")]
    assert planning.resolve_packs(sources, ["CAMBRIDGESHIRE"], None) == [("Cambridgeshire", "2017-10")]


def test_period_without_documents_names_the_periods_that_have_them(capsys):
    line = _cli_error(capsys, "--authority", "Cambridgeshire", "--period", "2017-11", "--out", "/tmp/never-written")
    assert line == ("error: no documents of Cambridgeshire for period 2017-11; periods with documents: "
                    "Cambridgeshire 2017-10")
    line = _cli_error(capsys, "--period", "2018-01", "--out", "/tmp/never-written")
    assert line.endswith("periods with documents: Cambridgeshire 2017-10; Torbay 2015-12, 2017-01, 2019-11")
    assert not Path("/tmp/never-written/cambridgeshire").exists()


def test_unknown_authority_is_refused_naming_the_known_ones():
    with pytest.raises(ReportError, match="'Narnia' has no documents; authorities: Cambridgeshire, Torbay"):
        _plan(authorities=["Narnia"])


def test_slug_is_a_folder_name():
    assert planning.slug("Cambridgeshire") == "cambridgeshire"
    assert planning.slug("Brighton & Hove") == "brighton-hove"
    assert planning.slug("../../etc") == "etc"


# ------------------------------------------------------------------ documents in force, notebooks that apply


@pytest.mark.parametrize("authority, period, documents", [
    ("Cambridgeshire", "2017-10", ["003", "004"]),
    ("Torbay", "2019-11", ["000", "001", "002"]),
    ("Torbay", "2017-01", ["001", "002"]),
    ("Torbay", "2015-12", ["002"]),
])
def test_a_pack_reads_only_its_authoritys_documents_in_force(authority, period, documents):
    plan = _plan(authorities=[authority], periods=[period])[0]
    assert plan.documents == documents
    assert [i["document"] for i in plan.inputs] == documents
    assert plan.target == Path("/nonexistent") / authority.lower() / period
    for job in plan.jobs:
        assert {dict(i)["document"] for i in job.inputs} <= set(documents)


@pytest.mark.parametrize("authority, period, not_applicable", [
    # 003/004 give no CLA, placement, FIP or recovery-action tables; report 35 reads only the published
    # statistics, which these tests' tables do not hold
    ("Cambridgeshire", "2017-10", {"20_cla_comparators", "25_cla_spend_benchmarks", "30_cla_trajectories",
                                   "35_cost_drivers",
                                   "40_placement_costs_and_slippage",
                                   "50_financial_improvement_plan", "60_recovery_actions"}),
    # Torbay has no tracker and no business plan review
    ("Torbay", "2019-11", {"10_savings_tracker_variance", "25_cla_spend_benchmarks", "35_cost_drivers",
                           "70_business_plan_pressures"}),
    # in 2015 only 002 existed: no placement slippage (001 Table 2), FIP (001) or recovery plan (000)
    ("Torbay", "2015-12", {"10_savings_tracker_variance", "25_cla_spend_benchmarks", "35_cost_drivers",
                           "40_placement_costs_and_slippage",
                           "50_financial_improvement_plan", "60_recovery_actions", "70_business_plan_pressures"}),
])
def test_notebooks_without_the_authoritys_tables_are_not_applicable(authority, period, not_applicable,
                                                                   papers_only_dir):
    plan = _plan(authorities=[authority], periods=[period], processed_dir=papers_only_dir)[0]
    assert {r.name for r in plan.skipped} == not_applicable
    assert {j.name for j in plan.jobs} == ALL - not_applicable
    assert all(r.status == STATUS_NA and authority in r.error and numbers.month(period) in r.error
               for r in plan.skipped)


def test_every_notebook_gets_the_pack_parameters_it_declares():
    from analysis import paths

    default = paths.processed_dir()  # the folder notebooks read by default: processed_dir is not injected
    plan = _plan(processed_dir=default)[0]
    jobs = {j.name: j for j in plan.jobs}
    assert jobs["10_savings_tracker_variance"].parameters == {"authority": "Cambridgeshire", "period": "2017-10"}
    assert jobs["00_scorecard"].parameters == {"authority": "Cambridgeshire", "period": "2017-10"}
    # 90 declares documents too: the reconciliation of this pack's papers only
    assert jobs["90_reconciliation"].parameters == {"authority": "Cambridgeshire", "period": "2017-10",
                                                    "documents": "003,004"}
    torbay = {j.name: j for j in _plan(authorities=["Torbay"], periods=["2019-11"], processed_dir=default)[0].jobs}
    assert torbay["20_cla_comparators"].parameters == {"authority": "Torbay", "period": "2019-11"}  # no documents


def test_processed_dir_is_injected_only_when_not_the_default(tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(PROCESSED, processed)
    job = next(j for j in _plan(processed_dir=processed, only=["10"])[0].jobs)
    assert job.parameters["processed_dir"] == str(processed)


# ------------------------------------------------------------------ parameters


def test_unknown_parameter_is_refused_not_warned():
    with pytest.raises(ReportError, match="top_m are not parameters of any report notebook"):
        _plan(extra={"top_m": "5"})


def test_parameter_of_the_wrong_type_is_refused():
    with pytest.raises(ReportError, match="top_n='eight': 10_savings_tracker_variance.ipynb expects int"):
        _plan(extra={"top_n": "eight"})


def test_parameter_is_converted_to_the_notebook_type():
    job = _plan(extra={"top_n": "5"}, only=["10"])[0].jobs[0]
    assert job.parameters["top_n"] == 5


def test_pack_parameters_cannot_be_set_by_param():
    with pytest.raises(ReportError, match="authority are set by the run itself"):
        _plan(extra={"authority": "Torbay"})


def test_unknown_notebook_is_refused():
    with pytest.raises(ReportError, match="--only 99: no such notebook"):
        _plan(only=["99"])


def test_bad_param_syntax_exits_2(capsys):
    assert "expected NAME=VALUE" in _cli_error(capsys, "--latest", "--param", "top_n", "--out", "/tmp/never-written")


# ------------------------------------------------------------------ inputs


def test_processed_data_older_than_raw_is_refused(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    extra = raw / "extra.csv"
    extra.write_text("Reference,Title\n")
    register(raw, extra, unit="gbp_thousands", kind="savings_tracker", saving_sign="negative", authority="Cambridgeshire", period="2017-11")
    with pytest.raises(ReportError, match=r"was not made from the raw files as they are now .*\(extra.csv\)"):
        _plan(raw_dir=raw)


@pytest.mark.parametrize("damage", ["truncated", "missing", "not parquet"])
def test_unreadable_processed_table_is_one_error_line(tmp_path, capsys, damage):
    processed = tmp_path / "processed"
    shutil.copytree(PROCESSED, processed)
    table = processed / "savings_tracker.parquet"
    if damage == "truncated":
        table.write_bytes(table.read_bytes()[:200])
    elif damage == "missing":
        table.unlink()
    else:
        table.write_text("Reference,Title\n")
    line = _cli_error(capsys, "--latest", "--processed", str(processed), "--out", str(tmp_path / "reports"))
    assert "savings_tracker.parquet" in line


def test_out_that_is_a_file_is_one_error_line(tmp_path, capsys):
    target = tmp_path / "reports"
    target.write_text("not a folder")
    assert "is a file, expected a folder" in _cli_error(capsys, "--latest", "--out", str(target))
    line = _cli_error(capsys, "--latest", "--out", str(target / "below"))
    assert "cannot create the reports folder" in line


# ------------------------------------------------------------------ the notebook contract


def _one_notebook(tmp_path: Path, **kw) -> Path:
    folder = tmp_path / "notebooks"
    write_notebook(folder / "10_synthetic.ipynb", **kw)
    return folder


@pytest.mark.parametrize("kw, message", [
    ({"title": None}, "first cell must be markdown starting with a '# Title' heading"),
    ({"title": "## Only a subheading"}, "first cell must be markdown starting with a '# Title' heading"),
    ({"parameters": None}, "expected exactly one cell tagged 'parameters', found 0"),
    ({"parameters": "period = str(2017)\n"}, "parameters cell line 1: 'period = str(2017)' is not a literal"),
    ({"parameters": "period = '2017-10'\nimport os\n"}, "parameters cell line 2: expected 'name = literal'"),
    ({"parameters": "period = ['2017-10']\n"}, "period must be a str, int, float or bool literal, found list"),
    ({"parameters": "period = '2017-10\n"}, "parameters cell line 1: not Python"),
    ({"analysis_metadata": False}, "metadata.analysis.tables is missing"),
    ({"tables": ["savings_trackers"]}, "metadata.analysis.tables: unknown table(s) savings_trackers; tables are"),
    ({"tables": []}, "metadata.analysis.tables is empty"),
    ({"tables": ["sources"], "optional_tables": ["nope"]}, "metadata.analysis.optional_tables: unknown table(s) nope"),
    ({"tables": ["sources"], "optional_tables": ["sources"]}, "sources listed as both required and optional"),
])
def test_a_notebook_breaking_the_contract_is_one_error_line(tmp_path, capsys, kw, message):
    folder = _one_notebook(tmp_path, **kw)
    line = _cli_error(capsys, "--latest", "--notebooks", str(folder), "--out", str(tmp_path / "reports"))
    assert "10_synthetic.ipynb" in line and message in line
    assert not (tmp_path / "reports" / "cambridgeshire").exists()


def test_two_parameters_cells_are_refused(tmp_path, capsys):
    path = write_notebook(tmp_path / "notebooks" / "10_synthetic.ipynb")
    nb = json.loads(path.read_text())
    nb["cells"].append({**nb["cells"][1], "id": "again"})
    path.write_text(json.dumps(nb))
    line = _cli_error(capsys, "--latest", "--notebooks", str(path.parent), "--out", str(tmp_path / "reports"))
    assert "expected exactly one cell tagged 'parameters', found 2" in line


@pytest.mark.parametrize("text", ["{not json", '{"cells": "not a list", "nbformat": 4, "nbformat_minor": 5}'])
def test_a_file_that_is_not_a_notebook_is_one_error_line(tmp_path, capsys, text):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "10_broken.ipynb").write_text(text)
    line = _cli_error(capsys, "--latest", "--notebooks", str(folder), "--out", str(tmp_path / "reports"))
    assert "10_broken.ipynb: not a" in line


def test_every_bundled_notebook_keeps_the_contract():
    specs, chosen = planning.select_notebooks(None)
    assert {s.name for s in specs} == chosen == ALL
    for spec in specs:
        assert spec.title and (spec.tables or spec.any_of_tables) and "processed_dir" in spec.parameters
        assert "sources" in spec.tables + spec.optional_tables + spec.any_of_tables


def test_a_packs_rows_are_the_rows_a_filter_of_the_table_finds():
    """The planner groups each table once for all packs; a pack's rows must be exactly what a
    filter of the table by its documents (or its authority) finds, for every authority and
    period with documents, for a period without any, and for an authority with none."""
    import pandas as pd

    names = [t for t in json.loads((PROCESSED / "_tables.json").read_text())["files"] if t.endswith(".parquet")]
    sources = planning.read_sources(PROCESSED, RAW)
    cases = [(a, list(sources[sources.authority == a].document)) for a in sorted(set(sources.authority))]
    cases += [(cases[0][0], []), ("An authority with no papers", [])]
    for name in names:
        frame = planning.read_table(name.removesuffix(".parquet"), PROCESSED)
        grouped = planning.TableRows(frame[[c for c in ("document", "authority") if c in frame.columns]])
        for authority, documents in cases + [(cases[0][0], cases[0][1][:1])]:
            if "document" in frame.columns:
                expected = frame[frame["document"].isin(documents)]
            elif "authority" in frame.columns:
                expected = frame[frame["authority"] == authority]
            else:
                expected = frame
            found = grouped.in_pack(authority, documents)
            assert sorted(found.index) == sorted(expected.index), (name, authority, documents)
            assert list(found.columns) == [c for c in ("document", "authority") if c in frame.columns]
            assert isinstance(found, pd.DataFrame)
