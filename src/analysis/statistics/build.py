"""``python -m analysis public-stats``: the public downloads -> validated tables, written once.

:func:`build` reads every source found under the source folder (see
:data:`.sources.PATTERNS`), resolves authorities, chooses one figure per authority-year and
returns the tables, validated against :mod:`analysis.schemas`; :func:`run_public_stats` also
writes them through :func:`write_public_tables` - the only place this producer writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schemas
from ..errors import InputError
from ..progress import Bar
from ..schemas import needs
from . import claims, ees, lait, lait_measures, neighbours, population, ro3, s251, sfr, sfr_placements
from .authorities import AuthorityIndex, reorganisation_of
from .rates import OBSERVATION_COLUMNS, choose, dated, rate_rows, resolve, revisions
from .release_calendar import entry, paper_date
from .sources import PATTERNS, find

__all__ = ["PRODUCER", "PublicStatsResult", "build", "run_public_stats", "write_public_tables"]

PRODUCER = "public-stats"


@dataclass
class PublicStatsResult:
    tables: dict[str, pd.DataFrame]
    files: dict[str, list[Path]]
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"table": n, "rows": len(t)} for n, t in self.tables.items()])


def _files(source: Path) -> dict[str, list[Path]]:
    if not Path(source).is_dir():
        raise InputError(source, expected="a folder of public statistics downloads (see docs/tutorials/public-statistics.md)",
                         found="no such folder")
    files = {key: find(source, key) for key in PATTERNS}
    files["sfr_cla"] = [p for p in files["sfr_cla"] if sfr.is_sfr(p)]
    files["sn_xlsx"] = [p for p in files["sn_xlsx"] if not p.name.startswith("~$")]
    if not any(files.values()):
        raise InputError(source, expected="public statistics files named as in docs/tutorials/public-statistics.md "
                                          "(e.g. cla_number_and_rate_per_10k_children_2021_2025.csv)",
                         found="none")
    return files


def _one(files: dict[str, list[Path]], key: str) -> Path | None:
    found = files.get(key, [])
    if len(found) > 1:
        raise InputError(found[1], expected=f"one {PATTERNS[key][1]} file", found=f"also {found[0]}")
    return found[0] if found else None


def _paper_comparators(processed: Path | None) -> pd.DataFrame | None:
    """The papers' neighbour tables (``comparator_rates``) with each paper's date
    (``paper_date``, from ``sources``: when the paper was public), or None."""
    if processed is None:
        return None
    path = Path(processed) / "comparator_rates.parquet"
    if not path.is_file():
        return None
    rates = pd.read_parquet(path)
    sources = pd.read_parquet(Path(processed) / "sources.parquet", columns=["document", "date"])
    dates = {d: t for d, t in zip(sources.document, sources.date, strict=True) if isinstance(t, str) and t.strip()}
    undated = sorted(set(rates.document) - set(dates))
    if undated:
        raise InputError(Path(processed) / "sources.parquet", column="date",
                         expected=f"the date of paper {undated[0]} (its neighbour list is a model as at that date)",
                         found="empty")
    rates["paper_date"] = [paper_date(dates[d]) for d in rates.document]
    return rates


def build(source: Path, processed: Path | None = None, *, validate: bool = True,
          progress: Bar | None = None) -> PublicStatsResult:
    """Read the downloads under ``source`` into the public tables.

    Parameters
    ----------
    source : pathlib.Path
        The folder of downloaded releases.
    processed : pathlib.Path or None, optional
        The folder whose ``comparator_rates`` (the papers' own neighbour lists) joins the models.
    validate : bool, optional
        Conform and validate each table to its schema (default true).
    progress : Bar or None, optional
        An :class:`analysis.progress.Bar` advanced a step a release file, and one for each table
        built from them.

    Returns
    -------
    PublicStatsResult
        The tables (rates per 10,000 children aged 0-17, money in pounds), the files read, what is
        missing and notes.
    """
    progress = progress or Bar(0, "", show=False)
    files = _files(Path(source))
    missing = [f"{key}: {PATTERNS[key][1]} ({PATTERNS[key][0]})" for key, found in files.items() if not found]
    progress.add(len(files["ees_cla"]) + len(files["sfr_cla"]) + 8)
    bds_path = _one(files, "lait_bds")
    progress.step(bds_path.name if bds_path else "")
    bds = lait.read_bds(bds_path) if bds_path else None

    parts = []
    readers = [(p, ees.read_release) for p in files["ees_cla"]] + [(p, sfr.read_sfr) for p in files["sfr_cla"]]
    for path, reader in readers:
        progress.step(path.name)
        parts.append(reader(path))
    if bds is not None:
        assert bds_path is not None  # bds is read from it
        parts.append(lait.cla_observations(bds, bds_path))
    progress.step("population estimates")
    pop_path = _one(files, "ons_population")
    pops = population.read_population(pop_path) if pop_path else pd.DataFrame(
        columns=["level", "old_la_code", "new_la_code", "name", "mid_year", "population", "population_marker",
                 "source_file", "source_line", "flags"])
    _check_duplicate_releases(parts)
    obs = pd.concat([p[OBSERVATION_COLUMNS] for p in parts if len(p)], ignore_index=True) if parts else None
    index = _index(obs, pops)

    tables: dict[str, pd.DataFrame] = {}
    progress.step("children looked after: one figure an authority and year")
    if obs is not None:
        chosen, others = choose(resolve(obs, index))
        tables["cla_rates"] = dated(rate_rows(chosen, pops), others)
        tables["release_revisions"] = revisions(chosen, others)
    progress.step("statistical neighbours")
    tables["statistical_neighbours"] = _neighbours(files, index, _paper_comparators(processed))
    notes: list[str] = []
    progress.step("spend")
    tables["cla_spend"] = _spend(files, bds, bds_path, index, notes)
    dictionary = _one(files, "lait_dictionary")
    progress.step("LAIT: every measure")
    if dictionary:
        measures = lait_measures.read_dictionary(dictionary, set(bds["Short Desc"]) if bds is not None else None)
        tables["public_measures"] = measures
        if bds_path is not None:
            tables["lait_values"] = lait_measures.read_values(bds_path, measures, index)
    progress.step("placements 2010-2017")
    tables["cla_placements"] = _placements(files["sfr_cla"], index)
    progress.step("the papers' claims against the statistics of their time")
    tables = {n: (schemas.conform(n, t, validate=False) if t is not None and len(t) else t) for n, t in tables.items()}
    tables["statistics_checks"] = claims.statistics_checks(tables, processed)
    out = {}
    for name in schemas.tables_of(PRODUCER):
        frame = tables.get(name)
        out[name] = (schemas.conform(name, frame, validate=validate) if frame is not None and len(frame)
                     else schemas.empty(name))
    return PublicStatsResult(out, files, missing, sorted(set(notes)))


def _check_duplicate_releases(parts: list[pd.DataFrame]) -> None:
    seen: dict[str, str] = {}
    for part in parts:
        if not len(part):
            continue
        release, file = part.release.iloc[0], part.source_file.iloc[0]
        if release in seen and seen[release] != file:
            raise InputError(file, expected=f"one file per release ({release} is also in {seen[release]})",
                             found="a second copy")
        seen[release] = file


def _index(obs: pd.DataFrame | None, pops: pd.DataFrame) -> AuthorityIndex:
    cols = ["level", "old_la_code", "new_la_code", "name", "region_code", "region_name", "release_vintage"]
    frames = []
    if len(pops):
        p = pops.assign(region_code=None, region_name=None, release_vintage=-1)
        frames.append(p[p.level == "local authority"][cols])
    if obs is not None:
        frames.append(obs[cols])
    if not frames:
        return AuthorityIndex(pd.DataFrame(columns=["old_la_code", "new_la_code", "name", "region_code",
                                                    "region_name"]),
                              pd.DataFrame(columns=["region_code", "region_name", "key"]))
    return AuthorityIndex.from_observations(pd.concat(frames, ignore_index=True))


def _neighbours(files: dict[str, list[Path]], index: AuthorityIndex, papers: pd.DataFrame | None) -> pd.DataFrame:
    parts = [neighbours.read_workbook(p) for p in files["sn_xlsx"]]
    if papers is not None and len(papers):
        parts.append(neighbours.paper_models(papers, index))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    models = pd.concat(parts, ignore_index=True)
    models["published"] = [entry("sn_model", m).published if not m.startswith("paper_") else p
                           for m, p in zip(models.model, models.get("published", pd.Series([None] * len(models))), strict=True)]
    dupes = models[models.duplicated(["model", "old_la_code", "rank"], keep=False)]
    if len(dupes):
        r = dupes.iloc[1]
        raise InputError(r.source_file, line=int(r.source_line), expected=f"one statistical neighbour model "
                         f"{r.model} (a second file holds it too)", found=r.model)
    return neighbours.with_names(models, index)


def _spend(files: dict[str, list[Path]], bds: pd.DataFrame | None, bds_path: Path | None,
           index: AuthorityIndex, notes: list[str]) -> pd.DataFrame:
    parts = [s251.read_outturn(p) for p in files["s251"]]
    if bds is not None:
        assert bds_path is not None  # bds is read from it
        parts.append(lait.finance_rows(bds, bds_path))
    parts += [ro3.read_ro3(p) for p in files["ro3"]]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    rows = pd.concat(parts, ignore_index=True)
    lookup = index.lookup()
    by_new = {n: o for o, n in zip(index.frame.old_la_code, index.frame.new_la_code, strict=True) if isinstance(n, str)}
    regions = dict(zip(index.regions.region_code, index.regions.region_name, strict=True))
    out = []
    for r in rows.to_dict("records"):
        level = r["level"]
        if level == "local authority":
            old = r.get("old_la_code") if isinstance(r.get("old_la_code"), str) else by_new.get(r.get("new_la_code"))
            if old is None:
                continue  # an RO3 body that is not a children's services authority (district, police, fire)
            if old not in lookup and (reorganisation := reorganisation_of(old)) is not None:
                notes.append(f"{r['source_file']}: {r['name']} ({old}) skipped: abolished before the first CLA "
                             f"release, so the releases give it no code ({reorganisation.note})")
                continue
            if old not in lookup:
                raise InputError(r["source_file"], line=int(r["source_line"]), column="LA code",
                                 expected="an authority code known to the EES or ONS files", found=old)
            r.update(old_la_code=old, new_la_code=lookup[old]["new_la_code"], name=lookup[old]["name"])
        elif level == "regional":
            region = index.region_by_name(r["name"])
            if region is None:
                raise InputError(r["source_file"], line=int(r["source_line"]), column="LA and Regions",
                                 expected="a region named as in the EES releases", found=r["name"])
            r.update(old_la_code=None, new_la_code=region[0], name=regions.get(region[0], r["name"]))
        else:
            r.update(old_la_code=None, new_la_code="E92000001", name="England")
        out.append(r)
    frame = pd.DataFrame(out).rename(columns={"level": "geographic_level", "name": "authority",
                                              "amount": "amount_gbp"})
    frame["amount_gbp"] = [None if v is None or pd.isna(v) else round(float(v)) for v in frame.amount_gbp]
    frame["amount_raw"] = frame.amount_raw.astype(str)
    frame["published"] = [entry("ro3_outturn" if src == "RO3" else "s251_outturn", fy).published
                          for src, fy in zip(frame.source, frame.financial_year, strict=True)]
    return frame


def _placements(files: list[Path], index: AuthorityIndex) -> pd.DataFrame:
    """``cla_placements`` from the SFR files: codes and names resolved as ``cla_rates`` resolves
    them, authorities in years they did not exist dropped, each year dated by the calendar."""
    from .authorities import existed

    rows = sfr_placements.placements(files)
    if rows.empty:
        return rows
    lookup = index.lookup()
    out = []
    for r in rows.to_dict("records"):
        level = r.pop("geographic_level")
        code = r.pop("code")
        if level == "local authority":
            known = lookup.get(code)
            if known is None:
                raise InputError(r["source_file"], line=int(r["source_line"]), column="geog_c",
                                 expected="an authority code known to the EES or ONS files", found=code)
            if not existed(code, int(r["year"])):
                continue
            r.update(old_la_code=code, new_la_code=known["new_la_code"], authority=known["name"])
        elif level == "regional":
            region = index.region_by_name(r["authority"])
            if region is None:
                raise InputError(r["source_file"], line=int(r["source_line"]), column="geog_n",
                                 expected="a region named as in the EES releases", found=r["authority"])
            r.update(old_la_code=None, new_la_code=region[0], authority=region[1])
        else:
            r.update(old_la_code=None, new_la_code="E92000001", authority="England")
        r["geographic_level"] = level
        r["first_published"] = entry("cla_31_march", str(r["year"])).published
        out.append(r)
    return pd.DataFrame(out)


@needs(tables=())
def write_public_tables(tables: dict[str, pd.DataFrame], out_dir: Path,
                        files: dict[str, list[Path]] | None = None) -> dict:
    """The one place the public-statistics tables are written.

    Validated again, then published as producer ``public-stats`` of the table set in ``out_dir``
    (:func:`analysis.tableset.publish`: ingest's tables carried over, ``_tables.json`` written last,
    the folder switched as one unit).

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Table name -> its rows (each conformed to its schema here, so it has every column of it).
    out_dir : pathlib.Path
        The processed folder.
    files : dict of str to list of pathlib.Path, optional
        The downloads read, recorded as the inputs by name and sha256.

    Returns
    -------
    dict
        The new manifest (``_tables.json``).
    """
    from .. import tableset
    from ..manifest import sha256_of

    checked = {name: schemas.conform(name, frame) for name, frame in tables.items()}
    inputs = {p.name: sha256_of(p) for paths in (files or {}).values() for p in paths}
    return tableset.publish(Path(out_dir), producer=PRODUCER, tables=checked, inputs=inputs,
                            extra=schemas.dictionary_files())


def run_public_stats(source: Path, out_dir: Path, *, progress: Bar | None = None) -> PublicStatsResult:
    """:func:`build` from ``source``, then write the tables into ``out_dir``.

    The papers' comparators already in ``out_dir`` are joined.

    Parameters
    ----------
    source : pathlib.Path
        The folder of downloaded releases.
    out_dir : pathlib.Path
        The processed folder.
    progress : Bar or None, optional
        A progress bar to advance.

    Returns
    -------
    PublicStatsResult
        What :func:`build` returned.
    """
    progress = progress or Bar(0, "", show=False)
    result = build(Path(source), Path(out_dir), validate=False, progress=progress)  # the writer validates
    progress.add(1)
    progress.step("validating and writing the tables")
    write_public_tables(result.tables, Path(out_dir), result.files)
    return result
