"""``public-stats --download`` against a local HTTP server (127.0.0.1 only) serving
../shared/data/public laid out as the registry's paths; skipped, with the reason, without it.

Expected bytes come from the served files themselves (byte-identical copies), expected tables from
``build(../shared/data/public)`` (conftest's ``public_tables``), and the registry's hashes are
checked against the files by hashing them here."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.statistics import download as dl
from analysis.statistics.releases import NOT_CONFIRMED, parse, registry
from analysis.statistics.sources import PATTERNS

from .conftest import ROOT

pytestmark = pytest.mark.public_data


@dataclass
class Behaviour:
    """What the test server does: requests seen, paths served with one byte changed, paths whose
    body is cut off half-way (the connection closed), paths answered 404."""

    requests: list[str] = field(default_factory=list)
    altered: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    stalled: set[str] = field(default_factory=set)
    half_sent: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(root: Path, behaviour: Behaviour) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.lstrip("/")
            with behaviour.lock:
                behaviour.requests.append(path)
            file = root / path
            if path in behaviour.missing or not file.is_file() or root not in file.resolve().parents:
                self.send_error(404)
                return
            body = file.read_bytes()
            if path in behaviour.altered:
                body = bytes([body[0] ^ 1]) + body[1:]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if path in behaviour.stalled:  # half the body, then wait until the test lets go
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                behaviour.half_sent.set()
                behaviour.release.wait(timeout=120)
                self.close_connection = True
                return
            if path in behaviour.dropped:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@dataclass
class Server:
    url: str
    behaviour: Behaviour


@pytest.fixture
def server(public_dir: Path) -> Iterator[Server]:
    behaviour = Behaviour()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(public_dir.resolve(), behaviour))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", behaviour)
    finally:
        behaviour.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download(source: Path, url: str, capsys) -> tuple[int, list[str], list[str]]:
    code = main(["public-stats", "--download-only", "--source", str(source), "--mirror", url])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


# --- the registry -------------------------------------------------------------------------------

def test_registry_hashes_and_sizes_are_those_of_the_shared_files(public_dir):
    for item in registry():
        file = public_dir / item.path
        assert file.is_file(), f"{item.path} is not in {public_dir}"
        data = file.read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (item.sha256, item.size), item.path


def test_registry_lists_every_file_public_stats_reads_from_the_shared_folder(public_dir):
    from analysis.statistics.build import _files

    read = {p.relative_to(public_dir).as_posix() for paths in _files(public_dir).values() for p in paths}
    assert {item.path for item in registry()} == read


def test_every_registered_file_has_a_release_page_and_a_dated_or_unconfirmed_publication():
    for item in registry():
        assert item.release_page.startswith("https://"), item.path
        assert item.published or item.published_source == NOT_CONFIRMED, item.path
        assert item.available_by, item.path
        # a file is public by the time its repository committed it, never before its release
        if item.published:
            assert item.published[:7] <= item.available_by[:7], item.path


def test_a_registry_entry_public_stats_would_not_read_is_refused():
    text = (Path(dl.__file__).parent / "releases.toml").read_text()
    bad = text.replace('path = "lait/bds_long_0.parquet"', 'path = "lait/bds_wide.parquet"', 1)
    with pytest.raises(Exception, match="bds_wide.parquet.*public-stats recognises"):
        parse(bad)


def test_a_date_without_a_source_is_refused():
    text = (Path(dl.__file__).parent / "releases.toml").read_text()
    bad = text.replace('published = "2026-04-08"\npublished_source = "https', 'published = "2026-04-08"\n'
                       'published_source = "LAIT banner', 1)
    assert bad != text
    with pytest.raises(Exception, match="published_source: the URL"):
        parse(bad)


# --- downloading --------------------------------------------------------------------------------

def test_a_full_download_is_byte_identical_and_a_second_run_fetches_nothing(server, tmp_path, capsys, public_dir):
    source = tmp_path / "external"
    code, out, err = _download(source, server.url, capsys)
    assert (code, err) == (0, [])
    assert sorted(server.behaviour.requests) == sorted(item.path for item in registry())
    for item in registry():
        assert (source / item.path).read_bytes() == (public_dir / item.path).read_bytes(), item.path
    assert not (source / dl.STAGING).exists()
    assert out[-1].startswith(f"Downloads: {len(registry())} fetched")

    server.behaviour.requests.clear()
    code, out, err = _download(source, server.url, capsys)
    assert (code, err, server.behaviour.requests) == (0, [], [])
    assert out[-1].startswith(f"Downloads: 0 fetched (0.0 MB), {len(registry())} already present")


def test_download_then_build_gives_the_tables_built_from_the_shared_folder(server, tmp_path, capsys,
                                                                           public_tables):
    source, out_dir = tmp_path / "external", tmp_path / "processed"
    code = main(["public-stats", "--download", "--quiet", "--source", str(source), "--out", str(out_dir),
                 "--mirror", server.url])
    assert (code, capsys.readouterr().err) == (0, "")
    for name in ("cla_rates", "release_revisions", "cla_spend", "public_measures", "statistical_neighbours"):
        got = pd.read_parquet(out_dir / f"{name}.parquet")
        want = public_tables[name]
        if name == "statistical_neighbours":  # the papers' own lists join only where ingest's tables are
            want = want[~want.model.astype(str).str.startswith("paper")]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False,
                                      obj=name)


def test_altered_bytes_are_refused_with_one_line_naming_the_file_and_release_page(server, tmp_path, capsys):
    item = next(i for i in registry() if i.name == "lait_data_dictionary.csv")
    server.behaviour.altered.add(item.path)
    source = tmp_path / "external"
    code, _, err = _download(source, server.url, capsys)
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith(f"error: {source / item.path}: ") and "sha256 differs" in err[0]
    assert item.release_page in err[0]
    assert not (source / item.path).exists()
    others = [i for i in registry() if i is not item]
    assert all(_sha(source / i.path) == i.sha256 for i in others)  # what did arrive is kept
    assert not (source / dl.STAGING).exists()


def test_a_dropped_connection_leaves_nothing_under_the_final_name_and_a_rerun_completes(server, tmp_path, capsys,
                                                                                        public_dir):
    item = next(i for i in registry() if i.name == "bds_long_0.parquet")
    server.behaviour.dropped.add(item.path)
    source = tmp_path / "external"
    code, _, err = _download(source, server.url, capsys)
    assert code == 2 and len(err) == 1, err
    assert str(source / item.path) in err[0] and "dropped" in err[0] and item.release_page in err[0]
    assert not (source / item.path).exists()

    server.behaviour.dropped.clear()
    server.behaviour.requests.clear()
    code, out, err = _download(source, server.url, capsys)
    assert (code, err, server.behaviour.requests) == (0, [], [item.path])
    assert (source / item.path).read_bytes() == (public_dir / item.path).read_bytes()


def test_a_download_killed_mid_file_leaves_nothing_under_its_name_and_the_next_run_completes(server, tmp_path,
                                                                                            capsys, public_dir):
    item = next(i for i in registry() if i.name == "bds_long_0.parquet")
    server.behaviour.stalled.add(item.path)
    source = tmp_path / "external"
    python = ROOT / ".venv" / "bin" / "python"
    run = subprocess.Popen([str(python) if python.is_file() else sys.executable, "-m", "analysis", "public-stats",
                            "--download-only", "--quiet", "--source", str(source), "--mirror", server.url],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.behaviour.half_sent.wait(timeout=120), "the download never reached the stalled file"
        run.kill()  # SIGKILL: no clean-up of any kind runs
    finally:
        run.wait()
        server.behaviour.release.set()
    assert not (source / item.path).exists()
    partial = [p for p in source.rglob("*") if p.is_file() and p.stat().st_size == item.size // 2]
    assert all(dl.STAGING in p.parts for p in partial), partial  # only ever in the staging folder

    server.behaviour.stalled.clear()
    server.behaviour.requests.clear()
    code, _, err = _download(source, server.url, capsys)
    assert (code, err) == (0, [])
    assert item.path in server.behaviour.requests
    assert (source / item.path).read_bytes() == (public_dir / item.path).read_bytes()
    assert not (source / dl.STAGING).exists()


def test_an_http_error_names_the_status(server, tmp_path, capsys):
    item = next(i for i in registry() if i.name == "sn_may_2025.xlsx")
    server.behaviour.missing.add(item.path)
    code, _, err = _download(tmp_path / "external", server.url, capsys)
    assert code == 2 and len(err) == 1 and "HTTP 404" in err[0] and item.release_page in err[0], err


def test_a_killed_runs_staging_folder_is_emptied_and_never_read(server, tmp_path, capsys):
    source = tmp_path / "external"
    left = source / dl.STAGING / "tmpabc123"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"half a file")
    code, _, err = _download(source, server.url, capsys)
    assert (code, err) == (0, []) and not left.parent.exists()


def test_a_hand_downloaded_file_is_kept_read_and_not_fetched(server, tmp_path, capsys, public_dir):
    item = next(i for i in registry() if i.name == "SFR36_CLA2013.csv")
    source = tmp_path / "external"
    mine = source / "my downloads" / item.name  # another folder, other bytes (e.g. a newer copy)
    mine.parent.mkdir(parents=True)
    original = (public_dir / item.path).read_bytes()
    mine.write_bytes(original + b"\n")
    renamed = next(i for i in registry() if i.name == "sn_may_2025.xlsx")
    shutil.copy(public_dir / renamed.path, source / "sn_2025_copy.xlsx")  # the same bytes under its own name
    code, out, err = _download(source, server.url, capsys)
    assert (code, err) == (0, [])
    assert item.path not in server.behaviour.requests and renamed.path not in server.behaviour.requests
    assert mine.read_bytes() == original + b"\n"  # untouched
    assert not (source / item.path).exists()
    assert any(line.startswith("  kept ") and item.name in line for line in out), out


def test_registered_patterns_cover_each_kind_of_source():
    kinds = {key for key, (pattern, _) in PATTERNS.items()
             if any(fnmatch(i.name, pattern) for i in registry())}
    assert kinds == set(PATTERNS)
